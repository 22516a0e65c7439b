/* The workspace caches through their common header (engine/ws/cache.h):
 * the feature statistics cache (round trip bit for bit, staleness on the
 * SAE, damage rebuilt or refused), the pooled cache, legacy layouts, and
 * the latents messages. A small workspace on the broken-input corpus's
 * good files (63 rows, d 8) with a random SAE (m 16, k 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/sae/sae.h"
#include "engine/ws/cache.h"
#include "engine/ws/index_ws.h"
#include "engine/ws/latents.h"
#include "engine/ws/pooled_ws.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/stats_ws.h"
#include "engine/ws/workspace.h"
#include "tests/broken_src.h"
#include "tests/tap.h"
#include "tests/testfile.h"

static char tmp[] = "/tmp/safer-caches-XXXXXX";

/* NAME in the temporary directory; the buffer is reused after 8 calls, so
 * keep a path longer with keep(). */
static const char *tpath(const char *name)
{
	static char buf[8][600];
	static int k;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
	return buf[k];
}

static const char *keep(const char *path)
{
	static char kept[8][600];
	static int k;
	k = (k + 1) % 8;
	snprintf(kept[k], sizeof kept[k], "%s", path);
	return kept[k];
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long)st.st_size;
}

static int same_file(const char *a, const char *b)
{
	FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
	int same = x && y;
	while (same) {
		int c = fgetc(x), d = fgetc(y);
		same = c == d;
		if (c == EOF)
			break;
	}
	if (x)
		fclose(x);
	if (y)
		fclose(y);
	return same;
}

static void flip(const char *path, long off)
{
	FILE *f = fopen(path, "r+b");
	if (!f)
		return;
	fseek(f, off, SEEK_SET);
	int c = fgetc(f);
	fseek(f, off, SEEK_SET);
	fputc(c ^ 0x5a, f);
	fclose(f);
}

static int same_stats(const sf_stats *a, const sf_stats *b)
{
	size_t m = (size_t)a->m;
	return a->m == b->m && a->rows_mode == b->rows_mode && a->rows_chosen == b->rows_chosen &&
	       a->rows_rejected == b->rows_rejected && !memcmp(&a->mu, &b->mu, sizeof a->mu) &&
	       !memcmp(a->chosen_sum, b->chosen_sum, m * sizeof(double)) &&
	       !memcmp(a->rejected_sum, b->rejected_sum, m * sizeof(double)) &&
	       !memcmp(a->salience, b->salience, m * sizeof(double)) &&
	       !memcmp(a->density_chosen, b->density_chosen, m * sizeof(double)) &&
	       !memcmp(a->density_rejected, b->density_rejected, m * sizeof(double)) &&
	       !memcmp(a->max_act, b->max_act, m * sizeof(float)) &&
	       !memcmp(a->order, b->order, m * sizeof(int)) &&
	       !memcmp(a->rank, b->rank, m * sizeof(int));
}

/* A fresh random SAE in WS/sae, encoded. */
static int new_sae(ws *w, uint64_t seed, sf_err *e)
{
	sae *s;
	char dir[4096];
	if (sae_new(&s, 8, 16, 3, e))
		return -1;
	sae_init(s, seed);
	int rc = ws_file(w, "sae", dir, sizeof dir, e) || sae_save(s, dir, e) ||
	         latents_build(w, s, 0, 0, NULL, NULL, e);
	sae_free(s);
	return rc ? -1 : 0;
}

/* stats_ws into st; -1 on failure, else *cached. */
static int stats_get(sf_stats *st, ws *w, const latents *l, int mode, sf_err *e)
{
	int cached = -1;
	if (stats_ws(st, w, l, mode, NULL, &cached, e))
		return -1;
	return cached;
}

static void test_stats(ws *w, latents *l)
{
	sf_err e = { { 0 } };
	const char *sent = keep(tpath("ws/stats-sentence.bin"));
	sf_stats ref[2], a, b;
	for (int mode = 0; mode < 2; mode++)
		if (stats_compute_ws(&ref[mode], l, ws_store(w), mode, NULL, &e)) {
			ok(0, "stats computed: %s", e.msg);
			return;
		}
	ok(ref[0].rows_chosen != ref[1].rows_chosen && ref[0].mu != ref[1].mu,
	   "the two rows modes give different statistics (%zu and %zu chosen rows)",
	   ref[0].rows_chosen, ref[1].rows_chosen);

	/* round trip */
	ok(access(sent, F_OK) != 0, "no statistics cache before the first call");
	int c = stats_get(&a, w, l, ROWS_SENTENCE, &e);
	ok(c == 0 && same_stats(&a, &ref[0]), "first call computes (cached %d) %s", c,
	   c < 0 ? e.msg : "");
	ok(file_size(sent) == CACHE_HEADER + 24 + 16 * 52, "stats-sentence.bin written (%ld bytes)",
	   file_size(sent));
	if (c >= 0)
		stats_free(&a);
	c = stats_get(&b, w, l, ROWS_SENTENCE, &e);
	ok(c == 1, "second call reads the cache (cached %d) %s", c, c < 0 ? e.msg : "");
	ok(c >= 0 && same_stats(&b, &ref[0]), "cached statistics are bit-identical to computed ones");
	if (c >= 0)
		stats_free(&b);
	copy_file(sent, tpath("sent.good"));
	c = stats_get(&b, w, l, ROWS_ALL, &e);
	ok(c == 0 && same_stats(&b, &ref[1]) && access(tpath("ws/stats-all.bin"), F_OK) == 0,
	   "rows mode all: its own file, computed (cached %d)", c);
	if (c >= 0)
		stats_free(&b);
	c = stats_get(&b, w, l, ROWS_ALL, &e);
	ok(c == 1 && same_stats(&b, &ref[1]), "rows mode all: read back identical (cached %d)", c);
	if (c >= 0)
		stats_free(&b);
	ok(same_file(sent, tpath("sent.good")), "the sentence file is left alone by the all mode");
	ok(stats_ws(&b, w, l, 7, NULL, NULL, &e) == -1 && strstr(e.msg, "rows mode"),
	   "unknown rows mode refused: %s", e.msg);

	/* another SAE fingerprint in the latents: the file no longer matches */
	latents l2 = *l;
	memcpy(l2.sae_fingerprint, "00000000000000aa", 17);
	c = stats_get(&b, w, &l2, ROWS_SENTENCE, &e);
	ok(c == 0, "latents of another SAE fingerprint: stale, recomputed (cached %d)", c);
	if (c >= 0)
		stats_free(&b);
	cache_hdr h;
	ok(cache_peek(sent, &h) == 0 && !memcmp(h.key.sae_fp, "00000000000000aa", 16) &&
	   h.key.kind == CACHE_STATS && h.key.param[0] == ROWS_SENTENCE,
	   "the rewritten file is keyed by the new fingerprint and the rows mode");
	c = stats_get(&b, w, l, ROWS_SENTENCE, &e);
	ok(c == 0 && same_stats(&b, &ref[0]), "and the first SAE's latents recompute it (cached %d)",
	   c);
	if (c >= 0)
		stats_free(&b);

	/* damaged, writable: recomputed, never trusted */
	long size = file_size(sent);
	long offs[] = { 20, 40, CACHE_HEADER + 3, CACHE_HEADER + 24 + 8 * 16 * 2 + 5, size - 2,
	                -1 /* truncated to half */ };
	for (size_t i = 0; i < sizeof offs / sizeof *offs; i++) {
		copy_file(tpath("sent.good"), sent);
		if (offs[i] >= 0)
			flip(sent, offs[i]);
		else if (truncate(sent, size / 2))
			diag("truncate: cannot");
		c = stats_get(&b, w, l, ROWS_SENTENCE, &e);
		ok(c == 0 && same_stats(&b, &ref[0]), "damaged at %ld: recomputed (cached %d) %s",
		   offs[i], c, c < 0 ? e.msg : "");
		if (c >= 0)
			stats_free(&b);
		ok(same_file(sent, tpath("sent.good")), "damaged at %ld: the file was rewritten whole",
		   offs[i]);
	}

	/* a valid checksum over values that cannot be: the kind's own check */
	cache_map mp;
	cache_key want = { .kind = CACHE_STATS, .version = 1, .match = 15 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	memcpy(want.sae_fp, l->sae_fingerprint, 17);
	want.param[0] = ROWS_SENTENCE, want.param[1] = l->n_rows, want.param[2] = (uint64_t)l->k,
	want.param[3] = (uint64_t)l->m;
	const char *why = NULL;
	int r = cache_map_file(&mp, sent, &want, NULL, NULL, &why, &e);
	ok(r == CACHE_CURRENT, "the cache maps as current with the key stats_ws uses (%d %s)", r,
	   why ? why : "");
	if (r == CACHE_CURRENT) {
		size_t n = mp.h.payload_size;
		unsigned char *pl = malloc(n);
		memcpy(pl, mp.payload, n);
		cache_hdr hh = mp.h;
		cache_unmap(&mp);
		int32_t *order = (int32_t *)(pl + 24 + 16 * 44);
		order[0] = order[1]; /* no longer a permutation */
		cache_seg seg = { pl, n };
		ok(cache_write(sent, &hh, &seg, 1, &e) == 0, "rewrite with a bad order, checksum valid");
		ok(cache_map_file(&mp, sent, &want, NULL, NULL, NULL, &e) == CACHE_CURRENT,
		   "the generic checks pass it");
		cache_unmap(&mp);
		free(pl);
		c = stats_get(&b, w, l, ROWS_SENTENCE, &e);
		ok(c == 0 && same_stats(&b, &ref[0]), "the statistics check finds it damaged: recomputed");
		if (c >= 0)
			stats_free(&b);
	}

	/* read-only: a damaged file is refused with one line, and left alone */
	ws *ro;
	if (ws_open(&ro, tpath("ws"), WS_READONLY, &e)) {
		ok(0, "read-only open: %s", e.msg);
	} else {
		copy_file(tpath("sent.good"), sent);
		flip(sent, CACHE_HEADER + 40);
		copy_file(sent, tpath("sent.bad"));
		c = stats_get(&b, ro, l, ROWS_SENTENCE, &e);
		ok(c == -1 && strstr(e.msg, "stats-sentence.bin") && strstr(e.msg, "read-only") &&
		   !strchr(e.msg, '\n'), "damaged, read-only: refused: %s", e.msg);
		ok(same_file(sent, tpath("sent.bad")), "damaged, read-only: the file was left as it was");
		unlink(sent);
		c = stats_get(&b, ro, l, ROWS_SENTENCE, &e);
		ok(c == 0 && same_stats(&b, &ref[0]) && access(sent, F_OK) != 0,
		   "missing, read-only: computed in memory, nothing written (cached %d)", c);
		if (c >= 0)
			stats_free(&b);
		ws_close(ro);
	}
	stats_free(&ref[0]);
	stats_free(&ref[1]);
}

static void test_pooled(ws *w)
{
	sf_err e = { { 0 } };
	const char *pp = keep(tpath("ws/pooled.bin"));
	sf_pooled a, b;
	int ra = bt_pool_ws(&a, w, NULL, &e);
	ok(ra == 0 && access(pp, F_OK) == 0, "pooled vectors computed and cached %s",
	   ra ? e.msg : "");
	copy_file(pp, tpath("pooled.good"));
	int rb = bt_pool_ws(&b, w, NULL, &e);
	ok(!ra && !rb && a.n_pairs == b.n_pairs && a.d == b.d &&
	   !memcmp(a.ok, b.ok, a.n_pairs) &&
	   !memcmp(a.diff, b.diff, a.n_pairs * (size_t)a.d * sizeof(float)),
	   "pooled vectors read back identical");
	if (!rb)
		bt_pool_free(&b);
	flip(pp, file_size(pp) - 5);
	rb = bt_pool_ws(&b, w, NULL, &e);
	ok(!ra && !rb && !memcmp(a.diff, b.diff, a.n_pairs * (size_t)a.d * sizeof(float)) &&
	   same_file(pp, tpath("pooled.good")),
	   "damaged pooled.bin: rebuilt, identical %s", rb ? e.msg : "");
	if (!rb)
		bt_pool_free(&b);
	if (!ra)
		bt_pool_free(&a);
}

static void test_legacy(ws *w, latents *l)
{
	/* A file in a layout from before the common header is stale, not
	 * damaged: even read-only it is rebuilt in memory, not refused. */
	sf_err e = { { 0 } };
	const char *ip = keep(tpath("ws/index.bin"));
	unsigned char old[64] = "SFIDX001";
	FILE *f = fopen(ip, "wb");
	fwrite(old, 1, sizeof old, f);
	fclose(f);
	ws *ro;
	if (ws_open(&ro, tpath("ws"), WS_READONLY, &e)) {
		ok(0, "read-only open: %s", e.msg);
		return;
	}
	sf_index *ix = NULL;
	int rebuilt = 0;
	int rc = index_open(&ix, ro, l, NULL, &rebuilt, &e);
	ok(rc == 0 && rebuilt && file_size(ip) == 64,
	   "older index layout, read-only: rebuilt in memory, file untouched %s", rc ? e.msg : "");
	index_close(ix);
	ws_close(ro);
	rc = index_open(&ix, w, l, NULL, &rebuilt, &e);
	ok(rc == 0 && rebuilt && file_size(ip) > 64, "older index layout, writable: rewritten");
	index_close(ix);
	rc = index_open(&ix, w, l, NULL, &rebuilt, &e);
	ok(rc == 0 && !rebuilt, "and then read from the file");
	index_close(ix);
	/* a file that is no cache at all is damaged: refused read-only */
	char junk[CACHE_HEADER + 2];
	memset(junk, 'x', sizeof junk);
	f = fopen(ip, "wb");
	fwrite(junk, 1, sizeof junk, f);
	fclose(f);
	if (ws_open(&ro, tpath("ws"), WS_READONLY, &e) == 0) {
		rc = index_open(&ix, ro, l, NULL, &rebuilt, &e);
		ok(rc == -1 && strstr(e.msg, "index.bin") && strstr(e.msg, "read-only"),
		   "not a cache, read-only: refused: %s", e.msg);
		if (!rc)
			index_close(ix);
		ws_close(ro);
	}
}

/* latents.bin: a damaged file is refused read-only and re-encoded when
 * writable, byte for byte as it was. */
static void test_latents_damage(ws *w)
{
	sf_err e = { { 0 } };
	const char *lp = keep(tpath("ws/latents.bin"));
	copy_file(lp, tpath("latents.good"));
	long size = file_size(lp);
	long offs[] = { 20, CACHE_HEADER + 1, size / 2, size - 1 };
	for (size_t i = 0; i < sizeof offs / sizeof *offs; i++) {
		copy_file(tpath("latents.good"), lp);
		flip(lp, offs[i]);
		latents *l = NULL;
		ok(latents_open(&l, w, &e) == -1 && strstr(e.msg, "latents.bin: damaged"),
		   "latents damaged at %ld: latents_open refuses: %s", offs[i], e.msg);
		ws *ro;
		if (ws_open(&ro, tpath("ws"), WS_READONLY, &e) == 0) {
			char note[600];
			int rc = latents_open_repair(&l, ro, NULL, note, sizeof note, &e);
			ok(rc == -1 && strstr(e.msg, "latents.bin") && strstr(e.msg, "read-only") &&
			   !note[0], "latents damaged at %ld, read-only: refused: %s", offs[i], e.msg);
			if (!rc)
				latents_close(l);
			ws_close(ro);
		}
		char note[600];
		int rc = latents_open_repair(&l, w, NULL, note, sizeof note, &e);
		ok(rc == 0 && strstr(note, "rebuilt") && same_file(lp, tpath("latents.good")),
		   "latents damaged at %ld, writable: re-encoded as they were (%s)", offs[i],
		   rc ? e.msg : note);
		if (!rc)
			latents_close(l);
	}
}

int main(void)
{
	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	sf_err e = { { 0 } };
	copy_file(src("good.jsonl"), tpath("p.jsonl"));
	copy_file(src("good.safetensors"), tpath("a.safetensors"));
	ws *w;
	if (ws_init(tpath("ws"), tpath("p.jsonl"), tpath("a.safetensors"), &e) ||
	    ws_open(&w, tpath("ws"), 0, &e)) {
		printf("Bail out! workspace: %s\n", e.msg);
		return 1;
	}
	latents *l = NULL;
	char sfp[17];
	ok(latents_open(&l, w, &e) == -1 && strstr(e.msg, "latents are missing") &&
	   !strstr(e.msg, "safer "), "no latents yet: %s", e.msg);
	if (new_sae(w, 1, &e) || latents_open(&l, w, &e)) {
		printf("Bail out! SAE and latents: %s\n", e.msg);
		return 1;
	}
	ok(sae_ws_fingerprint(w, sfp, &e) == 0 && !strcmp(sfp, l->sae_fingerprint) && l->m == 16 &&
	   l->k == 3 && l->n_rows == store_nrows(ws_store(w)),
	   "latents encoded with the workspace's SAE (m %d, k %d)", l->m, l->k);
	test_stats(w, l);
	test_pooled(w);
	test_legacy(w, l);
	test_latents_damage(w);

	/* A new SAE: the latents are stale until encoded again, and so is the
	 * statistics file even when it survives (kept aside, put back). */
	const char *sent = keep(tpath("ws/stats-sentence.bin"));
	sf_stats st;
	int c = stats_get(&st, w, l, ROWS_SENTENCE, &e);
	if (c >= 0)
		stats_free(&st);
	copy_file(sent, tpath("sent.sae1"));
	sae *s2;
	char dir[4096];
	sae_new(&s2, 8, 16, 3, &e);
	sae_init(s2, 2);
	ws_file(w, "sae", dir, sizeof dir, &e);
	ok(sae_save(s2, dir, &e) == 0, "another SAE saved");
	sae_free(s2);
	latents *l2 = NULL;
	ok(latents_open(&l2, w, &e) == -1 && strstr(e.msg, "latents are stale (SAE changed)") &&
	   !strstr(e.msg, "safer "), "latents after the SAE changed: %s", e.msg);
	ok(latents_current(w, &e) == 0, "latents_current says stale");
	sae *s;
	int rebuilt = 0;
	ok(sae_load_ws(&s, w, &e) == 0 && latents_build(w, s, 0, 0, NULL, &rebuilt, &e) == 0 &&
	   rebuilt, "encoded with the new SAE");
	sae_free(s);
	ok(access(sent, F_OK) != 0 && access(tpath("ws/index.bin"), F_OK) != 0,
	   "encoding dropped the caches derived from the latents");
	copy_file(tpath("sent.sae1"), sent);
	if (latents_open(&l2, w, &e)) {
		ok(0, "latents reopen: %s", e.msg);
	} else {
		sf_stats ref;
		stats_compute_ws(&ref, l2, ws_store(w), ROWS_SENTENCE, NULL, &e);
		c = stats_get(&st, w, l2, ROWS_SENTENCE, &e);
		ok(c == 0 && same_stats(&st, &ref),
		   "statistics of the old SAE's file are stale for the new one: recomputed (cached %d)",
		   c);
		if (c >= 0)
			stats_free(&st);
		c = stats_get(&st, w, l2, ROWS_SENTENCE, &e);
		ok(c == 1 && same_stats(&st, &ref), "then cached for the new SAE");
		if (c >= 0)
			stats_free(&st);
		stats_free(&ref);
		latents_close(l2);
	}
	latents_close(l);
	ws_close(w);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd))
		diag("could not remove %s", tmp);
	return done_testing();
}
