/* Workspace manifest (ws_open reading manifest.msgpack). The harness makes
 * one real workspace at start-up (small pairs and activation files in a
 * fresh /tmp/fzws.XXXXXX directory, then ws_init); each input replaces its
 * manifest.msgpack, with every "/tmp/fzws.@@@@@@" in the input replaced
 * by that directory's name (same length, so msgpack string lengths still
 * hold) - the seeds can then name the real inputs. An accepted manifest
 * opens a workspace whose pairs and store agree; a refused one gives one
 * line of message. FUZZ_EMIT_MANIFEST=FILE writes ws_init's manifest, with
 * the directory replaced by the placeholder, as a seed. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/formats/safetensors.h"
#include "engine/ws/workspace.h"
#include "tests/fuzz/fuzz.h"

#define PLACEHOLDER "/tmp/fzws.@@@@@@"

static char dir[32], ws_dir_path[64], manifest[96];

static void cleanup(void)
{
	char p[96];
	const char *names[] = {"ws/manifest.msgpack", "ws/lock", "ws", "pairs.jsonl",
	                       "acts.safetensors"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		if (unlink(p) != 0)
			rmdir(p);
	}
	rmdir(dir);
}

static void put(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, p, n) != (ssize_t)n)
		abort();
	close(fd);
}

static void setup(void)
{
	strcpy(dir, "/tmp/fzws.XXXXXX");
	if (!mkdtemp(dir) || strlen(dir) != strlen(PLACEHOLDER))
		abort();
	atexit(cleanup);
	char pairs_path[64], acts_path[64];
	snprintf(pairs_path, sizeof pairs_path, "%s/pairs.jsonl", dir);
	snprintf(acts_path, sizeof acts_path, "%s/acts.safetensors", dir);
	snprintf(ws_dir_path, sizeof ws_dir_path, "%s/ws", dir);
	snprintf(manifest, sizeof manifest, "%s/manifest.msgpack", ws_dir_path);
	static const char pj[] = "{\"prompt\":\"p\",\"chosen\":\"c\",\"rejected\":\"r\"}\n"
	                         "{\"prompt\":\"q\",\"chosen\":\"c\",\"rejected\":\"r\",\"split\":\"test\"}\n";
	put(pairs_path, pj, sizeof pj - 1);
	/* 2 pairs x 3 sides x 1 token, d = 2 */
	float acts[6][2] = {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}, {11, 12}};
	int32_t pair[6] = {0, 0, 0, 1, 1, 1}, pos[6] = {0};
	uint8_t side[6] = {0, 1, 2, 0, 1, 2}, flags[6] = {1, 1, 1, 1, 1, 1};
	int64_t off[7] = {0, 1, 2, 3, 4, 5, 6};
	uint8_t tok[6] = {'a', 'b', 'c', 'd', 'e', 'f'};
	st_tensor_in t[] = {
		{"acts", ST_F32, 2, {6, 2}, acts}, {"pair", ST_I32, 1, {6}, pair},
		{"side", ST_U8, 1, {6}, side},     {"pos", ST_I32, 1, {6}, pos},
		{"flags", ST_U8, 1, {6}, flags},   {"tok_off", ST_I64, 1, {7}, off},
		{"tok_bytes", ST_U8, 1, {6}, tok},
	};
	const char *meta[] = {"format", "safer-acts/1", NULL};
	sf_err e;
	if (st_write(acts_path, t, sizeof t / sizeof *t, meta, &e) ||
	    ws_init(ws_dir_path, pairs_path, acts_path, &e)) {
		fprintf(stderr, "fuzz_manifest setup: %s\n", e.msg);
		abort();
	}
	const char *emit = getenv("FUZZ_EMIT_MANIFEST");
	if (emit) {
		FILE *f = fopen(manifest, "rb");
		static char buf[1 << 16];
		size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
		if (f)
			fclose(f);
		for (char *p = buf; (p = memmem(p, n - (size_t)(p - buf), dir, strlen(dir)));)
			memcpy(p, PLACEHOLDER, strlen(PLACEHOLDER));
		put(emit, buf, n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0])
		setup();
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	size_t pl = strlen(PLACEHOLDER);
	for (uint8_t *p = buf; size >= pl && (p = memmem(p, size - (size_t)(p - buf), PLACEHOLDER, pl));)
		memcpy(p, dir, pl);
	put(manifest, buf, size);
	free(buf);
	ws *w = NULL;
	sf_err e = {{0}};
	if (ws_open(&w, ws_dir_path, WS_READONLY, &e)) {
		FUZZ_CHECK(w == NULL, "no workspace on failure");
		FUZZ_CHECK_MSG(e.msg);
		return 0;
	}
	const pairs *P = ws_pairs(w);
	const store *s = ws_store(w);
	FUZZ_CHECK(P && P->n > 0 && s, "pairs and store loaded");
	const int32_t *pair = store_pair(s);
	for (size_t r = 0; r < store_nrows(s); r++)
		FUZZ_CHECK(pair[r] >= 0 && (size_t)pair[r] < P->n, "store rows refer to its pairs");
	FUZZ_CHECK(strlen(ws_fingerprint(w)) == 16, "fingerprint of 16 hex digits");
	FUZZ_CHECK(ws_readonly(w), "opened read-only as asked");
	ws_close(w);
	return 0;
}
