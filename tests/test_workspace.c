/* Workspace, writer lock, bounded msgpack and fingerprints. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/base/fingerprint.h"
#include "engine/formats/mpk.h"
#include "engine/ws/workspace.h"
#include "tests/broken_src.h"
#include "tests/tap.h"
#include "tests/testfile.h"

static char tmp[] = "/tmp/safer-ws-XXXXXX";

static const char *tpath(const char *name)
{
	static char buf[4][600];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
	return buf[k];
}

static void test_fingerprint(void)
{
	uint64_t a = fp_bytes("hello world", 11, 0), b = fp_bytes("hello world", 11, 0);
	ok(a == b, "deterministic");
	ok(fp_bytes("hello worle", 11, 0) != a, "one byte changes it");
	ok(fp_bytes("hello world", 11, 1) != a, "seed changes it");
	ok(fp_bytes("", 0, 0) != fp_bytes("\0", 1, 0), "length matters");
	char hex[FP_HEX_LEN];
	fp_hex(0x0123456789abcdefull, hex);
	is_str(hex, "0123456789abcdef", "hex");
	uint64_t v;
	ok(fp_parse_hex(hex, &v) == 0 && v == 0x0123456789abcdefull, "parse hex");
	ok(fp_parse_hex("0123", &v) == -1 && fp_parse_hex("0123456789abcdefg", &v) == -1,
	   "bad hex refused");
}

static int unpack(const void *buf, size_t len, sf_err *e)
{
	msgpack_unpacked u;
	int rc = mpk_unpack(buf, len, 1 << 20, &u, e);
	msgpack_unpacked_destroy(&u);
	return rc;
}

static void test_mpk(void)
{
	msgpack_sbuffer sb;
	msgpack_sbuffer_init(&sb);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	mpk_pack_cstr(&pk, "name");
	mpk_pack_cstr(&pk, "refusal");
	mpk_pack_cstr(&pk, "n");
	msgpack_pack_int64(&pk, -42);
	mpk_pack_cstr(&pk, "xs");
	msgpack_pack_array(&pk, 2);
	msgpack_pack_double(&pk, 0.5);
	msgpack_pack_uint64(&pk, 7);
	msgpack_unpacked u;
	sf_err e = {{0}};
	ok(mpk_unpack(sb.data, sb.size, 1 << 20, &u, &e) == 0, "valid message (%s)", e.msg);
	char *name = mpk_strdup(mpk_map_get(&u.data, "name"));
	int64_t n = 0;
	double x = 0;
	const msgpack_object *xs = mpk_map_get(&u.data, "xs");
	ok(name && !strcmp(name, "refusal") && mpk_get_i64(mpk_map_get(&u.data, "n"), &n) == 0 &&
	   n == -42 && xs && xs->type == MSGPACK_OBJECT_ARRAY && mpk_get_f64(&xs->via.array.ptr[0], &x) == 0 &&
	   x == 0.5, "fields read back");
	ok(mpk_map_get(&u.data, "nope") == NULL, "absent key");
	free(name);
	msgpack_unpacked_destroy(&u);
	ok(mpk_unpack(sb.data, sb.size, sb.size - 1, &u, &e) == -1 && strstr(e.msg, "limit"),
	   "size cap: %s", e.msg);
	msgpack_unpacked_destroy(&u);
	ok(unpack(sb.data, sb.size - 1, &e) == -1, "truncated: %s", e.msg);
	msgpack_sbuffer_destroy(&sb);

	/* array32 claiming 4 billion elements in 5 bytes */
	ok(unpack("\xdd\xff\xff\xff\xff", 5, &e) == -1 && strstr(e.msg, "count"),
	   "huge array count: %s", e.msg);
	ok(unpack("\xdf\x80\x00\x00\x00\x01\x02", 7, &e) == -1, "huge map count: %s", e.msg);
	ok(unpack("\xdb\x7f\xff\xff\xff", 5, &e) == -1 && strstr(e.msg, "past the end"),
	   "huge str length: %s", e.msg);
	ok(unpack("\xc6\x00\x10\x00\x00", 5, &e) == -1, "huge bin length: %s", e.msg);
	char deep[100];
	memset(deep, 0x91, sizeof deep); /* [[[[...]]]] */
	deep[99] = 0x01;
	ok(unpack(deep, sizeof deep, &e) == -1 && strstr(e.msg, "nested"), "deep nesting: %s",
	   e.msg);
	ok(unpack("\x01\x02", 2, &e) == -1 && strstr(e.msg, "stray"), "trailing bytes: %s", e.msg);
	ok(unpack("\xc1", 1, &e) == -1 && strstr(e.msg, "0xc1"), "reserved type byte: %s", e.msg);
	ok(unpack("", 0, &e) == -1, "empty: %s", e.msg);
}

static void test_init_open(void)
{
	sf_err e = {{0}};
	copy_file(src("good.jsonl"), tpath("p.jsonl"));
	copy_file(src("good.safetensors"), tpath("a.safetensors"));
	int rc = ws_init(tpath("ws"), tpath("p.jsonl"), tpath("a.safetensors"), &e);
	ok(rc == 0, "ws_init (%s)", e.msg);
	ok(ws_init(tpath("ws"), tpath("p.jsonl"), tpath("a.safetensors"), &e) == -1 &&
	   strstr(e.msg, "already a workspace"), "init twice refused: %s", e.msg);
	mkdir(tpath("empty"), 0777);
	ok(ws_init(tpath("empty"), tpath("p.jsonl"), tpath("a.safetensors"), &e) == 0,
	   "init reuses an empty directory (%s)", e.msg);
	ok(ws_init(tpath("bad"), tpath("p.jsonl"), src("nan_row.safetensors"), &e) == -1 &&
	   access(tpath("bad"), F_OK) != 0, "a failed init leaves no directory: %s", e.msg);

	ws *w, *w2;
	rc = ws_open(&w, tpath("ws"), 0, &e);
	ok(rc == 0, "ws_open (%s)", e.msg);
	if (rc)
		return;
	ok(!ws_readonly(w), "writable");
	ok(ws_pairs(w)->n == 7 && store_nrows(ws_store(w)) == 63, "pairs and store loaded");
	ok(strlen(ws_fingerprint(w)) == 16, "fingerprint %s", ws_fingerprint(w));
	char fp1[FP_HEX_LEN];
	strcpy(fp1, ws_fingerprint(w));
	char buf[64];
	ok(ws_file(w, "x", buf, 8, &e) == -1, "ws_file: too small a buffer refused");
	/* No lock while open: a second process opens writable too. While one
	 * saves (holds the lock), the other's save waits, then fails naming
	 * the holder; once the first is done, the second saves. */
	ok(ws_write_begin(w, &e) == 0, "take the writer lock for a save (%s)", e.msg);
	char lockfile[600];
	snprintf(lockfile, sizeof lockfile, "%s/lock", tpath("ws"));
	FILE *lf = fopen(lockfile, "r");
	int pid = 0;
	ok(lf && fscanf(lf, "%d", &pid) == 1 && pid == (int)getpid(), "lock file holds our pid");
	if (lf)
		fclose(lf);
	ok(ws_write_begin(w, &e) == 0, "the lock nests");
	ws_write_end(w);
	int fds[2];
	if (pipe(fds))
		return;
	pid_t child = fork();
	if (child == 0) {
		ws *c;
		sf_err ce;
		char r = 'x';
		if (ws_open(&c, tpath("ws"), 0, &ce) == 0 && !ws_readonly(c)) {
			r = 'w'; /* opened writable while the parent holds the lock */
			if (ws_write_begin(c, &ce) == -1 && strstr(ce.msg, "busy") &&
			    strstr(ce.msg, "process"))
				r = 'B';
			ws_close(c);
		}
		if (write(fds[1], &r, 1) != 1)
			_exit(2);
		_exit(0);
	}
	char r = 0;
	if (read(fds[0], &r, 1) != 1)
		r = 0;
	waitpid(child, NULL, 0);
	ok(r == 'B', "another process opens writable; its save during ours fails, naming us (%c)", r);
	ws_write_end(w);
	child = fork();
	if (child == 0) {
		ws *c;
		sf_err ce;
		char ok_ = ws_open(&c, tpath("ws"), 0, &ce) == 0 && ws_write_begin(c, &ce) == 0 ? 'y' : 'n';
		if (write(fds[1], &ok_, 1) != 1)
			_exit(2);
		_exit(0); /* dies holding the lock */
	}
	if (read(fds[0], &r, 1) != 1)
		r = 0;
	waitpid(child, NULL, 0);
	ok(r == 'y', "after our save, another process can save");
	ws_close(w);

	/* a lock file left by a dead process (its pid inside) is taken over */
	rc = ws_open(&w, tpath("ws"), 0, &e);
	ok(rc == 0 && !ws_readonly(w) && ws_write_begin(w, &e) == 0, "stale lock taken over (%s)",
	   e.msg);
	ws_write_end(w);
	ws *ro;
	rc = ws_open(&ro, tpath("ws"), WS_READONLY, &e);
	ok(rc == 0 && ws_write_begin(ro, &e) == -1 && strstr(e.msg, "read-only"),
	   "a WS_READONLY open refuses to save (%s)", e.msg);
	if (!rc)
		ws_close(ro);
	rc = ws_open(&w2, tpath("ws"), WS_READONLY, &e);
	ok(rc == 0 && ws_readonly(w2) && !strcmp(ws_fingerprint(w2), fp1),
	   "WS_READONLY open alongside, same fingerprint");
	if (!rc)
		ws_close(w2);
	ws_close(w);
	close(fds[0]);
	close(fds[1]);
}

static void test_changed(void)
{
	sf_err e = {{0}};
	ws *w;
	/* a different activation file at the same path (F32: other size) */
	copy_file(src("good_f32.safetensors"), tpath("a.safetensors"));
	ok(ws_open(&w, tpath("ws"), WS_READONLY, &e) == -1 && strstr(e.msg, "a.safetensors") &&
	   strstr(e.msg, "changed since"), "activation file swapped: %s", e.msg);
	copy_file(src("good.safetensors"), tpath("a.safetensors"));
	ok(ws_open(&w, tpath("ws"), WS_READONLY, &e) == 0, "restored: opens again (%s)", e.msg);
	ws_close(w);
	FILE *f = fopen(tpath("p.jsonl"), "r+b");
	fseek(f, 10, SEEK_SET);
	fputc('X', f);
	fclose(f);
	ok(ws_open(&w, tpath("ws"), WS_READONLY, &e) == -1 && strstr(e.msg, "p.jsonl") &&
	   strstr(e.msg, "fingerprint differs"), "one byte of the pairs changed: %s", e.msg);
	ok(ws_open(&w, tmp, 0, &e) == -1 && strstr(e.msg, "not a workspace"),
	   "a directory without manifest: %s", e.msg);
	f = fopen(tpath("empty/manifest.msgpack"), "wb");
	fwrite("\xdd\xff\xff\xff\xff", 1, 5, f);
	fclose(f);
	ok(ws_open(&w, tpath("empty"), 0, &e) == -1 && strstr(e.msg, "manifest.msgpack"),
	   "a hostile manifest: %s", e.msg);
}

int main(void)
{
	if (!mkdtemp(tmp))
		return 1;
	test_fingerprint();
	test_mpk();
	test_init_open();
	test_changed();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		diag("could not remove %s", tmp);
	return done_testing();
}
