/* Pairs JSONL and the activation store on the corpus's valid files
 * (tests/broken/good.*, made by make_broken.py). Expected activation
 * values come from numpy (expected_f16.bin, expected_bf16.bin); expected
 * pair fields are the ones written by make_broken.py. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/formats/pairs.h"
#include "engine/formats/safetensors.h"
#include "engine/formats/store.h"
#include "tests/broken_src.h"
#include "tests/tap.h"

static char dir[512];

static void test_pairs(void)
{
	pairs p;
	sf_err e = {{0}};
	int rc = pairs_index(&p, src("good.jsonl"), &e);
	ok(rc == 0, "pairs_index good.jsonl (%s)", e.msg);
	if (rc)
		return;
	ok(p.n == 7, "7 pairs (blank line skipped): %zu", p.n);
	pair_rec v[7];
	int got = 1;
	for (size_t i = 0; i < 7; i++)
		got &= pairs_get(&p, i, &v[i], &e) == 0;
	ok(got, "every record parsed on demand (%s)", got ? "" : e.msg);
	if (!got)
		return;
	is_str(v[0].prompt, "How do I bake bread?", "prompt 0");
	is_str(v[0].id_json, "\"a1\"", "string id kept as JSON text");
	is_str(pairs_id(&p, 1), "2", "integer id kept as JSON text");
	ok(pairs_id(&p, 2) == NULL && v[2].id_json == NULL, "absent id is NULL");
	ok(pairs_split(&p, 2) == SPLIT_TEST && v[2].split == SPLIT_TEST &&
	   pairs_split(&p, 0) == SPLIT_TRAIN, "split test / default train");
	ok(pairs_line(&p, 2) == 3 && v[3].line == 5, "line numbers count the blank line (%zu, %zu)",
	   pairs_line(&p, 2), v[3].line);
	is_str(v[3].chosen, "I'd rather help you talk to them.", "PKU: chosen = response_1");
	is_str(v[3].rejected, "You are dumb.", "PKU: rejected = response_0");
	is_str(v[5].prompt, "Unicode: caf\xc3\xa9 \xe2\x98\x83", "UTF-8 text");
	ok(v[5].rejected_len == 12 && v[5].rejected[4] == 0 &&
	   !memcmp(v[5].rejected + 5, " inside", 7), "text with \\u0000 keeps its length");
	ok(pairs_category(&p, 6) == NULL && v[6].category == NULL, "absent category is NULL");
	const char **names;
	size_t nc = pairs_categories(&p, &names);
	ok(nc == 3 && !strcmp(names[0], "chat") && !strcmp(names[1], "safety") &&
	   !strcmp(names[2], ""), "categories in first-seen order");
	ok(pairs_category_no(&p, 6) == 2 && !strcmp(names[pairs_category_no(&p, 1)],
	   pairs_category(&p, 1)), "category numbers follow that order");
	free(names);
	ok(v[1].record != NULL, "record kept for pass-through");
	for (size_t i = 0; i < 7; i++)
		pair_rec_free(&v[i]);
	pairs_free(&p);
}

/* jansson's allocator, failing after a budget of calls */
static long alloc_budget = -1;
static void *budget_malloc(size_t n)
{
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return malloc(n);
}

/* Running out of memory while a record is parsed is reported as that,
 * never as invalid JSON. */
static void test_pairs_oom(void)
{
	static const char line[] =
		"{\"id\": \"x1\", \"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\", "
		"\"meta\": {\"a\": [1, 2, {\"b\": \"long enough to need a buffer of its own\"}]}}\n";
	json_set_alloc_funcs(budget_malloc, free);
	int failed = 0, all_oom = 1, worked = 0;
	for (long k = 0; k < 200 && !worked; k++) {
		pairs p;
		sf_err e = {{0}};
		alloc_budget = k;
		if (pairs_index_mem(&p, "oom.jsonl", line, sizeof line - 1, &e) == 0) {
			worked = 1;
			pairs_free(&p);
			break;
		}
		failed++;
		if (!strstr(e.msg, "out of memory")) {
			all_oom = 0;
			diag("budget %ld: %s", k, e.msg);
		}
	}
	alloc_budget = -1;
	json_set_alloc_funcs(malloc, free);
	ok(failed > 0 && worked, "some allocation budgets fail the record, a larger one reads it (%d)",
	   failed);
	ok(all_oom, "every failure says out of memory");
}

static float *load_expected(const char *name, size_t n)
{
	float *v = malloc(n * sizeof *v);
	FILE *f = fopen(src(name), "rb");
	size_t got = f ? fread(v, sizeof *v, n, f) : 0;
	if (f)
		fclose(f);
	ok(got == n, "%s holds %zu values", name, n);
	return v;
}

static void test_values(const char *file, const char *expected, const char *dtype)
{
	store *s;
	sf_err e = {{0}};
	int rc = store_open(&s, src(file), 7, &e);
	ok(rc == 0, "store_open %s (%s)", file, e.msg);
	if (rc)
		return;
	size_t n = store_nrows(s), d = (size_t)store_dim(s);
	ok(n == 63 && d == 8, "%s: 63 rows x 8", file);
	is_str(store_dtype_name(s), dtype, "%s dtype", file);
	float *want = load_expected(expected, n * d), *got = malloc(n * d * sizeof *got);
	rc = store_rows_f32(s, 0, n, got, &e);
	ok(rc == 0 && !memcmp(got, want, n * d * sizeof *got), "%s: all rows equal numpy's values",
	   file);
	size_t rows[3] = {62, 0, 17};
	rc = store_gather_f32(s, rows, 3, got, &e);
	ok(rc == 0 && !memcmp(got, want + 62 * d, d * 4) && !memcmp(got + d, want, d * 4) &&
	   !memcmp(got + 2 * d, want + 17 * d, d * 4), "%s: gather in the order given", file);
	ok(store_rows_f32(s, 60, 4, got, &e) == -1 && strstr(e.msg, "outside"),
	   "rows past the end refused: %s", e.msg);
	free(want);
	free(got);
	store_close(s);
}

static void test_index(void)
{
	store *s;
	sf_err e = {{0}};
	if (store_open(&s, src("good.safetensors"), 7, &e)) {
		ok(0, "open: %s", e.msg);
		return;
	}
	/* make_broken.py: pair p side s has 2 + (p + s) % 3 rows; the last
	 * row of each response is a sentence end; token "t<pos>" except row
	 * (1, 1, 0) which holds half a UTF-8 character. */
	size_t r = 0;
	int bad = 0;
	for (int p = 0; p < 7; p++)
		for (int sd = 0; sd < 3; sd++) {
			size_t b, en, cnt = 2 + (size_t)(p + sd) % 3;
			store_response_rows(s, (size_t)p, sd, &b, &en);
			bad += b != r || en != r + cnt;
			for (size_t q = 0; q < cnt; q++, r++) {
				bad += store_pair(s)[r] != p || store_side(s)[r] != sd ||
				       store_pos(s)[r] != (int32_t)q;
				bad += (store_flags(s)[r] & ROW_SENT_END) != (q == cnt - 1);
				size_t len;
				const char *t = store_token(s, r, &len);
				char want[16];
				int wl = snprintf(want, sizeof want, "t%zu", q);
				if (p == 1 && sd == 1 && q == 0)
					bad += len != 2 || memcmp(t, "\xe2\x96", 2);
				else
					bad += len != (size_t)wl || memcmp(t, want, len);
			}
		}
	ok(bad == 0 && r == store_nrows(s), "index arrays, response ranges and tokens (%d wrong)",
	   bad);
	size_t b, en;
	store_response_rows(s, 99, 1, &b, &en);
	ok(b == en, "a pair with no rows has an empty range");
	is_str(store_meta(s, "hook"), "blocks.3.hook_resid_post", "metadata hook");
	store_close(s);
	store *s2;
	ok(store_open(&s2, src("good.safetensors"), 6, &e) == -1 && !s2 &&
	   strstr(e.msg, "out of range"), "fewer pairs than the rows refer to: %s", e.msg);
}

/* Index arrays at odd offsets are copied out and come back aligned. */
static void test_misaligned(void)
{
	char path[600];
	snprintf(path, sizeof path, "%s/odd.safetensors", dir);
	uint16_t acts[2] = {0x3c00, 0x4000}; /* 1, 2 as F16, d = 1 */
	int32_t pair[2] = {0, 0}, pos[2] = {0, 1};
	uint8_t side[2] = {1, 1}, flags[2] = {0, 1}, tb[3] = {'a', 'b', 'c'}, pad[1] = {0};
	int64_t off[3] = {0, 1, 3};
	/* one odd-sized U8 tensor first: the writer puts 1-byte tensors last,
	 * so write by hand through the layout it produces, then shift */
	st_tensor_in in[] = {
		{"acts", ST_F16, 2, {2, 1}, acts}, {"pair", ST_I32, 1, {2}, pair},
		{"side", ST_U8, 1, {2}, side},     {"pos", ST_I32, 1, {2}, pos},
		{"flags", ST_U8, 1, {2}, flags},   {"tok_off", ST_I64, 1, {3}, off},
		{"tok_bytes", ST_U8, 1, {3}, tb},
	};
	sf_err e = {{0}};
	ok(st_write(path, in, 7, NULL, &e) == 0, "write (%s)", e.msg);
	(void)pad;
	/* Re-layout: prepend one byte to the data block by rewriting the file
	 * with every data offset + 1 (header edited as text). */
	FILE *f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	unsigned char *raw = malloc((size_t)size);
	if (fread(raw, 1, (size_t)size, f) != (size_t)size)
		size = 0;
	fclose(f);
	uint64_t hl = 0;
	for (int i = 7; i >= 0; i--)
		hl = hl << 8 | raw[i];
	char *hdr = malloc(hl * 2 + 64), *o = hdr;
	const char *h = (const char *)raw + 8;
	for (uint64_t i = 0; i < hl;) {
		if (!strncmp(h + i, "\"data_offsets\":[", 16)) {
			long a, b2;
			int used;
			sscanf(h + i + 16, "%ld,%ld]%n", &a, &b2, &used);
			o += sprintf(o, "\"data_offsets\":[%ld,%ld]", a + 1, b2 + 1);
			i += 16 + (uint64_t)used;
		} else {
			*o++ = h[i++];
		}
	}
	size_t nh = (size_t)(o - hdr);
	f = fopen(path, "wb");
	unsigned char lb[8];
	for (int i = 0; i < 8; i++)
		lb[i] = (unsigned char)((uint64_t)nh >> (8 * i));
	fwrite(lb, 1, 8, f);
	fwrite(hdr, 1, nh, f);
	fputc(0, f);
	fwrite(raw + 8 + hl, 1, (size_t)size - 8 - hl, f);
	fclose(f);
	free(hdr);
	free(raw);
	store *s;
	int rc = store_open(&s, path, 1, &e);
	ok(rc == 0, "store with misaligned index arrays opens (%s)", e.msg);
	if (rc)
		return;
	ok((uintptr_t)store_pair(s) % 4 == 0 && (uintptr_t)store_pos(s) % 4 == 0,
	   "index arrays aligned");
	ok(store_pos(s)[1] == 1 && store_side(s)[0] == 1, "values intact");
	float x[2];
	ok(store_rows_f32(s, 0, 2, x, &e) == 0 && x[0] == 1 && x[1] == 2, "F16 acts at odd offset");
	size_t len;
	const char *t = store_token(s, 1, &len);
	ok(len == 2 && !memcmp(t, "bc", 2), "token text");
	store_close(s);
	unlink(path);
}

static void test_nan_rows(void)
{
	store *s;
	sf_err e = {{0}};
	/* The NaN file opens (open stays cheap); reading the bad row names it. */
	int rc = store_open(&s, src("nan_row.safetensors"), 7, &e);
	ok(rc == 0, "store with a NaN opens (%s)", e.msg);
	if (rc)
		return;
	float buf[63 * 8];
	ok(store_rows_f32(s, 0, 9, buf, &e) == 0, "rows before the NaN read fine");
	ok(store_rows_f32(s, 0, 63, buf, &e) == -1 && strstr(e.msg, "row 9 ") &&
	   strstr(e.msg, "NaN at column 2"), "reading it names the row: %s", e.msg);
	size_t rows[2] = {3, 9};
	ok(store_gather_f32(s, rows, 2, buf, &e) == -1 && strstr(e.msg, "row 9 "),
	   "gather names the row: %s", e.msg);
	ok(store_check_finite(s, NULL, &e) == -1 && strstr(e.msg, "row 9 "),
	   "the full scan names the row: %s", e.msg);
	store_close(s);
	rc = store_open(&s, src("good.safetensors"), 7, &e);
	ok(rc == 0 && store_check_finite(s, NULL, &e) == 0, "the good file scans clean");
	store_close(s);
}

/* The word-parallel scan at init: every dtype, the bad value in the last
 * element (an odd element count leaves a tail shorter than a word), NaN
 * told from inf. */
static void scan_case(st_dtype dt, size_t d, size_t bad_row, size_t bad_col, uint32_t bits,
                      const char *want)
{
	char path[600];
	snprintf(path, sizeof path, "%s/scan.safetensors", dir);
	size_t n = 3, es = dt == ST_F32 ? 4 : 2;
	unsigned char *acts = calloc(n * d, es);
	memcpy(acts + (bad_row * d + bad_col) * es, &bits, es); /* little-endian host */
	int32_t pair[3] = {0, 0, 0}, pos[3] = {0, 1, 2};
	uint8_t side[3] = {1, 1, 1}, flags[3] = {0}, tb[1] = {'x'};
	int64_t off[4] = {0, 0, 0, 1};
	st_tensor_in in[] = {
		{"acts", dt, 2, {(int64_t)n, (int64_t)d}, acts}, {"pair", ST_I32, 1, {3}, pair},
		{"side", ST_U8, 1, {3}, side},   {"pos", ST_I32, 1, {3}, pos},
		{"flags", ST_U8, 1, {3}, flags}, {"tok_off", ST_I64, 1, {4}, off},
		{"tok_bytes", ST_U8, 1, {1}, tb},
	};
	sf_err e = {{0}};
	store *s = NULL;
	char at[64];
	snprintf(at, sizeof at, "row %zu ", bad_row);
	int rc = st_write(path, in, 7, NULL, &e) || store_open(&s, path, 1, &e);
	rc = rc ? -2 : store_check_finite(s, NULL, &e);
	ok(rc == -1 && strstr(e.msg, at) && strstr(e.msg, want), "%s d=%zu: %s", st_dtype_name(dt),
	   d, e.msg);
	store_close(s);
	free(acts);
	unlink(path);
}

static void test_scan(void)
{
	scan_case(ST_F16, 5, 2, 4, 0x7c00, "infinite");     /* last element, in the tail */
	scan_case(ST_F16, 5, 1, 0, 0xfe00, "NaN");
	scan_case(ST_F16, 8, 0, 7, 0x7c01, "NaN");          /* signalling NaN */
	scan_case(ST_BF16, 3, 2, 2, 0xff80, "infinite");
	scan_case(ST_BF16, 4, 1, 1, 0x7fc1, "NaN");
	scan_case(ST_F32, 3, 2, 2, 0x7f800001u, "NaN");
	scan_case(ST_F32, 2, 0, 1, 0xff800000u, "infinite");
	/* the largest finite values are not flagged */
	char path[600];
	snprintf(path, sizeof path, "%s/scan.safetensors", dir);
	uint16_t big[3] = {0x7bff, 0xfbff, 0x7bff};
	int32_t pair[3] = {0, 0, 0}, pos[3] = {0, 1, 2};
	uint8_t side[3] = {1, 1, 1}, flags[3] = {0}, tb[1] = {'x'};
	int64_t off[4] = {0, 0, 0, 1};
	st_tensor_in in[] = {
		{"acts", ST_F16, 2, {3, 1}, big}, {"pair", ST_I32, 1, {3}, pair},
		{"side", ST_U8, 1, {3}, side},    {"pos", ST_I32, 1, {3}, pos},
		{"flags", ST_U8, 1, {3}, flags},  {"tok_off", ST_I64, 1, {4}, off},
		{"tok_bytes", ST_U8, 1, {1}, tb},
	};
	sf_err e = {{0}};
	store *s = NULL;
	ok(st_write(path, in, 7, NULL, &e) == 0 && store_open(&s, path, 1, &e) == 0 &&
	   store_check_finite(s, NULL, &e) == 0, "+-65504 (max half) pass the scan");
	store_close(s);
	unlink(path);
}

/* Shard n of a 9-row store of F32 [9, 2]: rows [r0, r1) of pairs 0..2
 * (3 rows each, chosen side), value 10 r + column, token text "r". */
static int write_shard(const char *path, size_t r0, size_t r1, const char *model)
{
	size_t n = r1 - r0;
	float acts[18];
	int32_t pair[9], pos[9];
	uint8_t side[9], flags[9] = {0};
	int64_t off[10] = {0};
	char tb[9];
	for (size_t i = 0; i < n; i++) {
		size_t r = r0 + i;
		acts[2 * i] = (float)(10 * r), acts[2 * i + 1] = (float)(10 * r + 1);
		pair[i] = (int32_t)(r / 3), pos[i] = (int32_t)(r % 3), side[i] = SIDE_CHOSEN;
		tb[i] = (char)('0' + r);
		off[i + 1] = (int64_t)i + 1;
	}
	st_tensor_in in[] = {
		{"acts", ST_F32, 2, {(int64_t)n, 2}, acts}, {"pair", ST_I32, 1, {(int64_t)n}, pair},
		{"side", ST_U8, 1, {(int64_t)n}, side},     {"pos", ST_I32, 1, {(int64_t)n}, pos},
		{"flags", ST_U8, 1, {(int64_t)n}, flags},  {"tok_off", ST_I64, 1, {(int64_t)n + 1}, off},
		{"tok_bytes", ST_U8, 1, {(int64_t)n}, tb},
	};
	char first[16];
	snprintf(first, sizeof first, "%zu", r0);
	const char *meta[] = {"format", "safer-acts/1", "model", model, "first_pair", first, NULL};
	sf_err e = {{0}};
	return st_write(path, in, 7, meta, &e);
}

/* Shards given out of order, one of them empty, read as one store: the
 * index arrays, token texts, and rows read across a shard's end. */
static void test_shards(void)
{
	char p[4][600];
	const size_t cut[4][2] = {{4, 9}, {0, 2}, {2, 2}, {2, 4}}; /* rows of each, out of order */
	int w = 0;
	for (int i = 0; i < 4; i++) {
		snprintf(p[i], sizeof p[i], "%s/shard%d.safetensors", dir, i);
		w |= write_shard(p[i], cut[i][0], cut[i][1], "m");
	}
	const char *paths[4] = {p[0], p[1], p[2], p[3]};
	store *s = NULL;
	sf_err e = {{0}};
	int rc = w ? -1 : store_open_set(&s, paths, 4, 3, &e);
	ok(rc == 0, "4 shards (one empty, out of order) open as one store (%s)", e.msg);
	if (rc)
		goto out;
	ok(store_nrows(s) == 9 && store_dim(s) == 2 && store_nfiles(s) == 4, "9 rows, d 2, 4 files");
	is_str(store_file_path(s, 0), p[1], "the first file in row order is the one of row 0");
	is_str(store_file_path(s, 3), p[2], "the empty shard last");
	int bad = 0;
	for (size_t r = 0; r < 9; r++) {
		size_t len;
		const char *t = store_token(s, r, &len);
		bad += store_pair(s)[r] != (int32_t)(r / 3) || store_pos(s)[r] != (int32_t)(r % 3) ||
		       len != 1 || t[0] != (char)('0' + r);
	}
	ok(!bad, "index arrays and token texts across shards (%d wrong)", bad);
	float out[18];
	rc = store_rows_f32(s, 1, 7, out, &e);
	bad = rc != 0;
	for (size_t i = 0; i < 7 && !rc; i++)
		bad += out[2 * i] != (float)(10 * (i + 1)) || out[2 * i + 1] != (float)(10 * (i + 1) + 1);
	ok(!bad, "rows 1..7 read across three shards' ends");
	size_t rows[3] = {8, 0, 3};
	rc = store_gather_f32(s, rows, 3, out, &e);
	ok(rc == 0 && out[0] == 80 && out[2] == 0 && out[4] == 30, "gather across shards");
	size_t b, en;
	store_response_rows(s, 1, SIDE_CHOSEN, &b, &en);
	ok(b == 3 && en == 6, "pair 1's rows span two shards: [%zu, %zu)", b, en);
	ok(store_check_finite(s, NULL, &e) == 0, "the scan covers every shard (%s)", e.msg);
	store_close(s);
	s = NULL;
	/* the rules: overlap, metadata, a lone empty file */
	char q[600];
	snprintf(q, sizeof q, "%s/shardx.safetensors", dir);
	const char *two[2] = {p[1], q};
	rc = write_shard(q, 1, 3, "m") || store_open_set(&s, two, 2, 3, &e) != -1;
	ok(!rc && strstr(e.msg, "shardx.safetensors: rows overlap those of"), "overlap: %s", e.msg);
	rc = write_shard(q, 2, 4, "other") || store_open_set(&s, two, 2, 3, &e) != -1;
	ok(!rc && strstr(e.msg, "metadata \"model\" is \"other\" but \"m\""), "metadata: %s",
	   e.msg);
	rc = store_open(&s, p[2], 3, &e);
	ok(rc == -1 && strstr(e.msg, "has no rows"), "an empty file alone: %s", e.msg);
	unlink(q);
out:
	store_close(s);
	for (int i = 0; i < 4; i++)
		unlink(p[i]);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/safer-store-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_pairs();
	test_pairs_oom();
	test_values("good.safetensors", "expected_f16.bin", "F16");
	test_values("good_bf16.safetensors", "expected_bf16.bin", "BF16");
	test_values("good_f32.safetensors", "expected_f16.bin", "F32");
	test_index();
	test_misaligned();
	test_nan_rows();
	test_scan();
	test_shards();
	rmdir(dir);
	return done_testing();
}
