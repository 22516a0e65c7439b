/* safetensors round trip and header checks (the broken-file corpus is
 * exercised through the CLI in tests/test_broken_inputs.sh; here the
 * reader is driven directly with hand-made headers). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/formats/half.h"
#include "engine/formats/safetensors.h"
#include "tests/tap.h"

static char dir[] = "/tmp/safer-st-XXXXXX";
static char path[256];

static void roundtrip(void)
{
	float a[6] = {1, -2, 3.5f, 0, 0.125f, 65504};
	uint16_t h[6];
	for (int i = 0; i < 6; i++)
		h[i] = f32_to_half(a[i]);
	int32_t idx[3] = {0, 7, -5};
	uint8_t u[5] = {0, 1, 2, 255, 9};
	int64_t big[2] = {INT64_MAX, -1};
	st_tensor_in in[] = {
		{"u", ST_U8, 1, {5}, u},
		{"acts", ST_F16, 2, {2, 3}, h},
		{"f", ST_F32, 2, {3, 2}, a},
		{"idx", ST_I32, 1, {3}, idx},
		{"big", ST_I64, 1, {2}, big},
		{"empty", ST_F32, 2, {0, 4}, NULL},
		{"scalar", ST_I32, 0, {0}, idx},
	};
	const char *meta[] = {"format", "safer-acts/1", "layer", "12", NULL};
	sf_err e = {{0}};
	int rc = st_write(path, in, 7, meta, &e);
	ok(rc == 0, "st_write (%s)", e.msg);
	st_file *f;
	rc = st_open(&f, path, &e);
	ok(rc == 0, "st_open (%s)", e.msg);
	if (rc)
		return;
	ok(st_count(f) == 7, "7 tensors");
	is_str(st_meta(f, "format"), "safer-acts/1", "metadata format");
	is_str(st_meta(f, "layer"), "12", "metadata layer");
	ok(st_meta(f, "nope") == NULL, "absent metadata is NULL");
	is_str(st_at(f, 1)->name, "acts", "header keeps the order given");
	const st_tensor *t = st_find(f, "acts");
	ok(t && t->dtype == ST_F16 && t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3 &&
	   t->nelem == 6 && t->nbytes == 12, "acts shape and size");
	float back[6];
	half_to_f32_n(t->data, back, 6);
	ok(!memcmp(back, a, sizeof a), "acts values survive F16 (all exactly representable)");
	t = st_find(f, "f");
	ok(t && !memcmp(t->data, a, sizeof a), "F32 bytes identical");
	t = st_find(f, "big");
	ok(t && ((uintptr_t)t->data % 8) == 0 && !memcmp(t->data, big, sizeof big),
	   "I64 data aligned and identical");
	t = st_find(f, "idx");
	ok(t && ((uintptr_t)t->data % 4) == 0 && !memcmp(t->data, idx, sizeof idx),
	   "I32 aligned and identical");
	t = st_find(f, "u");
	ok(t && !memcmp(t->data, u, 5), "U8 identical");
	t = st_find(f, "empty");
	ok(t && t->nelem == 0 && t->nbytes == 0 && t->shape[1] == 4, "empty tensor");
	t = st_find(f, "scalar");
	ok(t && t->ndim == 0 && t->nelem == 1 && *(const int32_t *)t->data == 0, "0-d tensor");
	ok(st_find(f, "missing") == NULL, "absent tensor is NULL");
	st_close(f);

	st_tensor_in dup[] = {{"a", ST_U8, 1, {1}, u}, {"a", ST_U8, 1, {1}, u}};
	ok(st_write(path, dup, 2, NULL, &e) == -1 && strstr(e.msg, "twice"), "duplicate name refused: %s",
	   e.msg);
	st_tensor_in neg[] = {{"a", ST_U8, 1, {-1}, u}};
	ok(st_write(path, neg, 1, NULL, &e) == -1, "negative shape refused: %s", e.msg);
	ok(st_open(&f, path, &e) == 0, "the refused writes left the old file intact");
	if (f)
		st_close(f);
}

/* Write raw bytes: 8-byte length, header text, then data. */
static void raw(const char *hdr, uint64_t hlen_override, const void *data, size_t dlen)
{
	FILE *fp = fopen(path, "wb");
	uint64_t hl = hlen_override ? hlen_override : strlen(hdr);
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(hl >> (8 * i));
	fwrite(b, 1, 8, fp);
	fwrite(hdr, 1, strlen(hdr), fp);
	if (dlen)
		fwrite(data, 1, dlen, fp);
	fclose(fp);
}

static void expect_bad(const char *what, const char *needle)
{
	st_file *f = NULL;
	sf_err e = {{0}};
	int rc = st_open(&f, path, &e);
	ok(rc == -1 && f == NULL && strstr(e.msg, needle) && strstr(e.msg, path) &&
	   !strchr(e.msg, '\n'), "%s: %s", what, e.msg);
	if (f)
		st_close(f);
}

static void broken(void)
{
	unsigned char d[64] = {0};
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 0, d, 8);
	st_file *f;
	sf_err e;
	ok(st_open(&f, path, &e) == 0, "the valid baseline opens");
	st_close(f);
	FILE *fp = fopen(path, "wb");
	fwrite("\x05\0\0", 1, 3, fp);
	fclose(fp);
	expect_bad("3-byte file", "truncated");
	raw("{}", 1000, NULL, 0);
	expect_bad("header length past EOF", "past the end");
	raw("{}", (uint64_t)1 << 62, NULL, 0);
	expect_bad("huge header length", "limit");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 0, d, 8);
	expect_bad("negative shape", "shape[0]");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}",
	    0, d, 8);
	expect_bad("shape product overflow", "overflow");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 0, d, 8);
	expect_bad("nbytes != dtype x shape", "needs 12");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 0, d, 8);
	expect_bad("offsets outside", "outside");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
	    "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 0, d, 16);
	expect_bad("overlapping tensors", "overlap");
	raw("{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 0, d, 8);
	expect_bad("unknown dtype", "unknown dtype");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
	    "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 0, d, 8);
	expect_bad("duplicate key", "JSON");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 0, d, 8);
	expect_bad("bad JSON", "JSON");
	raw("[1,2,3]", 0, NULL, 0);
	expect_bad("not an object", "'{'");
	raw("{\"__metadata__\":{\"a\":1}}", 0, NULL, 0);
	expect_bad("non-string metadata", "metadata");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 0,
	    d, 4);
	expect_bad("too many dims", "dimensions");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 0, d, 8);
	expect_bad("float shape", "shape[0]");
	raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 0, d, 8);
	expect_bad("begin after end", "outside");
	unlink(path);
	expect_bad("missing file", "cannot open");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.safetensors", dir);
	roundtrip();
	broken();
	unlink(path);
	rmdir(dir);
	return done_testing();
}
