/* The activation store: see engine/formats/store.h and doc/formats.md.
 *
 * Shapes: N rows, d model width, T token-text bytes.
 *   acts      [N, d]  F32 | F16 | BF16, left in the mapping
 *   pair, pos [N]     I32
 *   side, flags [N]   U8
 *   tok_off   [N+1]   I64
 *   tok_bytes [T]     U8
 *   reward_head [d]   F32, optional (with metadata reward_bias)
 * Everything is checked once at open; afterwards the accessors trust it. */
#include "engine/formats/store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/base/infile.h"
#include "engine/formats/half.h"
#include "engine/formats/safetensors.h"

/* One file of the set. Its index arrays (pair .. tok_off) are its own,
 * local rows; they serve the checks at open, and are the store's own
 * arrays when the set is one file. */
typedef struct shard {
	st_file *f;
	size_t row0, n; /* the store's rows [row0, row0 + n) */
	const unsigned char *acts;
	const int32_t *pair, *pos;
	const uint8_t *side, *flags;
	const int64_t *tok_off; /* [n + 1], from 0 */
	const char *tok_bytes;
	size_t tok_len;
	void *copies[3]; /* index arrays copied out when misaligned */
} shard;

struct store {
	st_file *f; /* the first shard's file: the path and metadata shown */
	shard *sh;
	size_t nsh;
	size_t n;
	int d;
	st_dtype dt;
	size_t row_bytes;
	const int32_t *pair, *pos;
	const uint8_t *side, *flags;
	const int64_t *tok_off; /* [N + 1] into the shards' tok_bytes end to end */
	void *cat;              /* one block holding the index arrays of several shards */
	float *head;            /* [d] reward_head, copied out; NULL when absent */
	double head_bias;
};

size_t store_nrows(const store *s) { return s->n; }
int store_dim(const store *s) { return s->d; }
const char *store_dtype_name(const store *s) { return st_dtype_name(s->dt); }
const char *store_path(const store *s) { return st_path(s->f); }
size_t store_nfiles(const store *s) { return s->nsh; }
const char *store_file_path(const store *s, size_t i)
{
	return i < s->nsh ? st_path(s->sh[i].f) : NULL;
}
const int32_t *store_pair(const store *s) { return s->pair; }
const uint8_t *store_side(const store *s) { return s->side; }
const int32_t *store_pos(const store *s) { return s->pos; }
const uint8_t *store_flags(const store *s) { return s->flags; }
const char *store_meta(const store *s, const char *key) { return st_meta(s->f, key); }

static void shard_free_copies(shard *h)
{
	for (int i = 0; i < 3; i++) {
		free(h->copies[i]);
		h->copies[i] = NULL;
	}
}

void store_close(store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nsh; i++) {
		shard_free_copies(&s->sh[i]);
		st_close(s->sh[i].f);
	}
	free(s->sh);
	free(s->cat);
	free(s->head);
	free(s);
}

/* A tensor that must exist with this dtype, ndim and (if len >= 0) length. */
static const st_tensor *need(const shard *h, const char *name, st_dtype dt, int64_t len,
                             sf_err *e)
{
	const char *p = st_path(h->f);
	const st_tensor *t = st_find(h->f, name);
	if (!t) {
		sf_fail(e, "%s: missing tensor \"%s\"", p, name);
		return NULL;
	}
	if (t->dtype != dt) {
		sf_fail(e, "%s: tensor \"%s\" has dtype %s, expected %s", p, name,
		        st_dtype_name(t->dtype), st_dtype_name(dt));
		return NULL;
	}
	if (t->ndim != 1) {
		sf_fail(e, "%s: tensor \"%s\" has %d dimensions, expected 1", p, name, t->ndim);
		return NULL;
	}
	if (len >= 0 && t->shape[0] != len) {
		sf_fail(e, "%s: tensor \"%s\" has %lld entries, expected %lld (rows of acts%s)", p,
		        name, (long long)t->shape[0], (long long)len,
		        !strcmp(name, "tok_off") ? " + 1" : "");
		return NULL;
	}
	return t;
}

/* The tensor's data as an aligned array: in place when the mapping allows,
 * else a copy owned by the shard. */
static const void *aligned(shard *h, const st_tensor *t, size_t align, int slot, sf_err *e)
{
	if ((uintptr_t)t->data % align == 0)
		return t->data;
	h->copies[slot] = malloc(t->nbytes ? t->nbytes : 1);
	if (!h->copies[slot]) {
		sf_fail(e, "%s: out of memory", st_path(h->f));
		return NULL;
	}
	memcpy(h->copies[slot], t->data, t->nbytes);
	return h->copies[slot];
}

/* The acts tensor; its width and dtype into *d and *dt. A file alone
 * must have rows; one shard of several may have none. */
static int bind_acts(shard *h, int alone, int *d, st_dtype *dt, sf_err *e)
{
	const char *p = st_path(h->f);
	const st_tensor *a = st_find(h->f, "acts");
	if (!a)
		return sf_fail(e, "%s: missing tensor \"acts\"", p);
	if (a->dtype != ST_F32 && a->dtype != ST_F16 && a->dtype != ST_BF16)
		return sf_fail(e, "%s: tensor \"acts\" has dtype %s, expected F32, F16 or BF16", p,
		               st_dtype_name(a->dtype));
	if (a->ndim != 2)
		return sf_fail(e, "%s: tensor \"acts\" has %d dimensions, expected 2 [rows, d]", p,
		               a->ndim);
	if (a->shape[0] == 0 && alone)
		return sf_fail(e, "%s: tensor \"acts\" has no rows", p);
	if (a->shape[1] <= 0 || a->shape[1] > (1 << 20))
		return sf_fail(e, "%s: tensor \"acts\" has width %lld (expected 1 to %d)", p,
		               (long long)a->shape[1], 1 << 20);
	h->n = (size_t)a->shape[0];
	h->acts = a->data;
	*d = (int)a->shape[1];
	*dt = a->dtype;
	return 0;
}

static int bind_index(shard *h, sf_err *e)
{
	int64_t n = (int64_t)h->n;
	const st_tensor *tp = need(h, "pair", ST_I32, n, e), *ts, *tq, *tf, *to, *tb;
	if (!tp || !(ts = need(h, "side", ST_U8, n, e)) || !(tq = need(h, "pos", ST_I32, n, e)) ||
	    !(tf = need(h, "flags", ST_U8, n, e)) || !(to = need(h, "tok_off", ST_I64, n + 1, e)) ||
	    !(tb = need(h, "tok_bytes", ST_U8, -1, e)))
		return -1;
	h->side = ts->data;
	h->flags = tf->data;
	h->tok_bytes = tb->data;
	h->tok_len = tb->nelem;
	if (!(h->pair = aligned(h, tp, 4, 0, e)) || !(h->pos = aligned(h, tq, 4, 1, e)) ||
	    !(h->tok_off = aligned(h, to, 8, 2, e)))
		return -1;
	return 0;
}

/* The optional reward_head [d] F32, every value finite, and reward_bias a
 * finite number when given. */
/* The optional reward_head tensor (F32 [d]) and reward_bias metadata of
 * one file: *head a copy, or NULL when the file has none. */
static int read_head(const st_file *f, int d, float **head, double *bias, sf_err *e)
{
	const char *p = st_path(f);
	const st_tensor *t = st_find(f, "reward_head");
	const char *b = st_meta(f, "reward_bias");
	*head = NULL;
	*bias = 0;
	if (!t) {
		if (b)
			return sf_fail(e, "%s: metadata reward_bias without a tensor \"reward_head\"", p);
		return 0;
	}
	if (t->dtype != ST_F32)
		return sf_fail(e, "%s: tensor \"reward_head\" has dtype %s, expected F32", p,
		               st_dtype_name(t->dtype));
	if (t->ndim != 1 || t->shape[0] != d)
		return sf_fail(e, "%s: tensor \"reward_head\" must have shape [%d] (d of acts)", p, d);
	float *w = malloc((size_t)d * sizeof(float));
	if (!w)
		return sf_fail(e, "%s: out of memory", p);
	memcpy(w, t->data, (size_t)d * sizeof(float));
	for (int j = 0; j < d; j++)
		if (!isfinite(w[j])) {
			int nan = isnan(w[j]);
			free(w);
			return sf_fail(e, "%s: tensor \"reward_head\" holds %s at %d", p,
			               nan ? "NaN" : "an infinite value", j);
		}
	if (b) {
		char *end;
		errno = 0;
		*bias = strtod(b, &end);
		if (end == b || *end || errno || !isfinite(*bias)) {
			free(w);
			return sf_fail(e, "%s: metadata reward_bias is not a finite number", p);
		}
	}
	*head = w;
	return 0;
}

/* The set's reward head: the first shard's, which every other shard must
 * carry too, value for value (it is the reward model's, not the shard's). */
static int bind_heads(store *s, sf_err *e)
{
	if (read_head(s->sh[0].f, s->d, &s->head, &s->head_bias, e))
		return -1;
	for (size_t k = 1; k < s->nsh; k++) {
		float *w;
		double b;
		if (read_head(s->sh[k].f, s->d, &w, &b, e))
			return -1;
		int same = !w == !s->head &&
		           (!w || (!memcmp(w, s->head, (size_t)s->d * sizeof *w) && b == s->head_bias));
		free(w);
		if (!same)
			return sf_fail(e, "%s: its reward_head is not %s's; the shards of one store share "
			               "the reward model's head", st_path(s->sh[k].f), st_path(s->sh[0].f));
	}
	return 0;
}

const float *store_reward_head(const store *s, double *bias)
{
	if (bias)
		*bias = s->head ? s->head_bias : 0;
	return s->head;
}

const char *store_side_name(int side)
{
	static const char *names[] = {"prompt", "chosen", "rejected"};
	return side >= 0 && side < 3 ? names[side] : "?";
}

/* (pair, side, pos) of row a strictly before that of row b. */
static int key_before(int32_t pa, uint8_t sa, int32_t qa, int32_t pb, uint8_t sb, int32_t qb)
{
	return pa < pb || (pa == pb && (sa < sb || (sa == sb && qa < qb)));
}

/* Row keys (pair, side, pos) strictly increasing, in range; token offsets
 * monotone and covering tok_bytes exactly. */
static int validate(const shard *h, size_t n_pairs, sf_err *e)
{
	const char *p = st_path(h->f);
	for (size_t r = 0; r < h->n; r++) {
		int32_t pr = h->pair[r], q = h->pos[r];
		uint8_t sd = h->side[r];
		if (pr < 0 || (size_t)pr >= n_pairs)
			return sf_fail(e, "%s: row %zu: pair index %d out of range (the pairs file has "
			               "%zu pairs)", p, r, pr, n_pairs);
		if (sd > 2)
			return sf_fail(e, "%s: row %zu: side value %u (must be 0 prompt, 1 chosen or "
			               "2 rejected)", p, r, sd);
		if (q < 0)
			return sf_fail(e, "%s: row %zu: negative pos %d", p, r, q);
		if (h->flags[r] & ~STORE_FLAGS_KNOWN)
			return sf_fail(e, "%s: row %zu: flags 0x%02x set reserved bits (only bit 0, "
			               "sentence end, is defined; the others must be 0)", p, r,
			               h->flags[r]);
		if (r > 0 && !key_before(h->pair[r - 1], h->side[r - 1], h->pos[r - 1], pr, sd, q))
			return sf_fail(e, "%s: row %zu: rows not sorted by (pair, side, pos): "
			               "(%d, %u, %d) follows (%d, %u, %d)", p, r, pr, sd, q,
			               h->pair[r - 1], h->side[r - 1], h->pos[r - 1]);
	}
	if (h->tok_off[0] != 0)
		return sf_fail(e, "%s: tok_off[0] is %lld, must be 0", p, (long long)h->tok_off[0]);
	for (size_t r = 0; r < h->n; r++)
		if (h->tok_off[r + 1] < h->tok_off[r])
			return sf_fail(e, "%s: tok_off not monotone at row %zu (%lld after %lld)", p, r,
			               (long long)h->tok_off[r + 1], (long long)h->tok_off[r]);
	if ((uint64_t)h->tok_off[h->n] != h->tok_len)
		return sf_fail(e, "%s: tok_off[%zu] is %lld but tok_bytes holds %zu bytes", p, h->n,
		               (long long)h->tok_off[h->n], h->tok_len);
	return 0;
}

/* Metadata keys that describe one shard rather than the data (written
 * per file by an extraction in shards); every other key must agree. */
static int per_shard_key(const char *k)
{
	static const char *const keys[] = {"first_pair", "truncated", "shard", "rank"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (!strcmp(k, keys[i]))
			return 1;
	return 0;
}

/* Every shared key of a is in b with the same value. */
static int meta_within(const st_file *a, const st_file *b, sf_err *e)
{
	for (size_t i = 0; i < st_meta_count(a); i++) {
		const char *k = st_meta_key(a, i), *v = st_meta_value(a, i);
		if (per_shard_key(k))
			continue;
		const char *w = st_meta(b, k);
		if (!w)
			return sf_fail(e, "%s: metadata has no \"%.64s\" but %s has \"%.64s\"; the "
			               "shards of one store come from one extraction", st_path(b), k,
			               st_path(a), v);
		if (strcmp(v, w))
			return sf_fail(e, "%s: metadata \"%.64s\" is \"%.64s\" but \"%.64s\" in %s; the "
			               "shards of one store come from one extraction", st_path(b), k, w,
			               v, st_path(a));
	}
	return 0;
}

/* Shards in row order: by first row key, empty ones last. */
static int cmp_shard(const void *x, const void *y)
{
	const shard *a = x, *b = y;
	if (!a->n || !b->n)
		return (int)!a->n - (int)!b->n;
	if (key_before(a->pair[0], a->side[0], a->pos[0], b->pair[0], b->side[0], b->pos[0]))
		return -1;
	return key_before(b->pair[0], b->side[0], b->pos[0], a->pair[0], a->side[0], a->pos[0]);
}

/* The rows of consecutive shards continue each other's order. */
static int check_seams(const store *s, sf_err *e)
{
	for (size_t k = 1; k < s->nsh && s->sh[k].n; k++) {
		const shard *a = &s->sh[k - 1], *b = &s->sh[k];
		size_t l = a->n - 1;
		if (!key_before(a->pair[l], a->side[l], a->pos[l], b->pair[0], b->side[0], b->pos[0]))
			return sf_fail(e, "%s: rows overlap those of %s: its first row (%d, %u, %d) "
			               "does not follow that file's last row (%d, %u, %d) in (pair, "
			               "side, pos) order; each shard must hold its own range of pairs",
			               st_path(b->f), st_path(a->f), b->pair[0], b->side[0], b->pos[0],
			               a->pair[l], a->side[l], a->pos[l]);
	}
	return 0;
}

/* The index arrays of several shards end to end, in one block. */
static int concat_index(store *s, sf_err *e)
{
	size_t n = s->n, bytes = 0;
	if (sf_mul_size(n + 1, 8 + 4 + 4 + 1 + 1, &bytes) ||
	    !(s->cat = malloc(bytes)))
		return sf_fail(e, "%s: out of memory (index of %zu rows)", store_path(s), n);
	int64_t *off = s->cat;
	int32_t *pair = (int32_t *)(off + n + 1), *pos = pair + n;
	uint8_t *side = (uint8_t *)(pos + n), *flags = side + n;
	int64_t base = 0;
	for (size_t k = 0; k < s->nsh; k++) {
		shard *h = &s->sh[k];
		size_t r0 = h->row0;
		memcpy(pair + r0, h->pair, h->n * sizeof *pair);
		memcpy(pos + r0, h->pos, h->n * sizeof *pos);
		memcpy(side + r0, h->side, h->n);
		memcpy(flags + r0, h->flags, h->n);
		for (size_t r = 0; r < h->n; r++)
			off[r0 + r] = base + h->tok_off[r];
		base += h->tok_off[h->n];
		shard_free_copies(h);
		h->pair = h->pos = NULL, h->side = h->flags = NULL, h->tok_off = NULL;
	}
	off[n] = base;
	s->pair = pair, s->pos = pos, s->side = side, s->flags = flags, s->tok_off = off;
	return 0;
}

int store_open_set(store **out, const char *const *paths, size_t count, size_t n_pairs,
                   sf_err *e)
{
	*out = NULL;
	if (count == 0)
		return sf_fail(e, "no activation file given");
	if (count > STORE_MAX_FILES)
		return sf_fail(e, "%s: %zu activation shards, at most %d in one store", paths[0],
		               count, STORE_MAX_FILES);
	store *s = calloc(1, sizeof *s);
	if (!s || !(s->sh = calloc(count, sizeof *s->sh))) {
		free(s);
		return sf_fail(e, "%s: out of memory", paths[0]);
	}
	int rc = 0;
	for (size_t k = 0; k < count && !rc; k++) {
		shard *h = &s->sh[k];
		int d = 0;
		st_dtype dt = ST_F32;
		if (st_open(&h->f, paths[k], e)) {
			rc = -1;
			break;
		}
		s->nsh++;
		rc = bind_acts(h, count == 1, &d, &dt, e) || bind_index(h, e) ||
		     validate(h, n_pairs, e) ? -1 : 0;
		if (!rc && k == 0)
			s->d = d, s->dt = dt;
		else if (!rc && (d != s->d || dt != s->dt))
			rc = sf_fail(e, "%s: acts are %s of width %d but %s holds %s of width %d; the "
			             "shards of one store share d and dtype", paths[k], st_dtype_name(dt),
			             d, paths[0], st_dtype_name(s->dt), s->d);
		if (!rc && k > 0)
			rc = meta_within(s->sh[0].f, h->f, e) || meta_within(h->f, s->sh[0].f, e) ? -1 : 0;
	}
	if (!rc && count > 1) {
		qsort(s->sh, s->nsh, sizeof *s->sh, cmp_shard);
		rc = check_seams(s, e);
	}
	for (size_t k = 0; !rc && k < s->nsh; k++) {
		s->sh[k].row0 = s->n;
		if (sf_add_size(s->n, s->sh[k].n, &s->n))
			rc = sf_fail(e, "%s: too many rows", paths[0]);
	}
	if (!rc && s->n == 0)
		rc = sf_fail(e, "%s and the other %zu shards: no rows", paths[0], count - 1);
	if (!rc) {
		s->f = s->sh[0].f;
		s->row_bytes = (size_t)s->d * st_dtype_size(s->dt);
		if (count == 1) {
			shard *h = &s->sh[0];
			s->pair = h->pair, s->pos = h->pos, s->side = h->side, s->flags = h->flags;
			s->tok_off = h->tok_off;
		} else {
			rc = concat_index(s, e);
		}
	}
	if (!rc)
		rc = bind_heads(s, e);
	if (rc) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int store_open(store **out, const char *path, size_t n_pairs, sf_err *e)
{
	return store_open_set(out, &path, 1, n_pairs, e);
}

/* The shard holding row r (r < N). */
static const shard *shard_of(const store *s, size_t r)
{
	size_t lo = 0, hi = s->nsh;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->sh[mid].row0 <= r)
			lo = mid;
		else
			hi = mid;
	}
	return &s->sh[lo];
}

/* "FILE: row R (pair P, SIDE, pos Q) holds WHAT at column J", naming the
 * file of the set that holds row r and the row's place in that file. */
static int bad_value(const store *s, size_t r, const char *what, size_t j, sf_err *e)
{
	const shard *h = shard_of(s, r);
	return sf_fail(e, "%s: row %zu (pair %d, %s, pos %d) holds %s at column %zu", st_path(h->f),
	               r - h->row0, s->pair[r], store_side_name(s->side[r]), s->pos[r], what, j);
}

/* out [count, d] must already hold the rows; name the first bad one. */
static int check_rows(const store *s, const size_t *rows, size_t first, size_t count,
                      const float *out, sf_err *e)
{
	size_t d = (size_t)s->d;
	for (size_t i = 0; i < count; i++) {
		const float *x = out + i * d;
		float acc = 0;
		for (size_t j = 0; j < d; j++)
			acc += x[j] * 0.0f; /* NaN or inf anywhere makes acc NaN */
		if (acc == 0)
			continue;
		size_t j = 0;
		while (j < d && isfinite(x[j]))
			j++;
		return bad_value(s, rows ? rows[i] : first + i,
		                 j < d && isnan(x[j]) ? "NaN" : "an infinite value", j, e);
	}
	return 0;
}

/* Rows [r, r + count) of the store, which may span shards. */
static void convert(const store *s, size_t r, size_t count, float *out)
{
	while (count) {
		const shard *h = shard_of(s, r);
		size_t k = h->row0 + h->n - r < count ? h->row0 + h->n - r : count;
		const unsigned char *src = h->acts + (r - h->row0) * s->row_bytes;
		size_t n = k * (size_t)s->d;
		switch (s->dt) {
		case ST_F16: half_to_f32_n(src, out, n); break;
		case ST_BF16: bf16_to_f32_n(src, out, n); break;
		default: memcpy(out, src, n * sizeof *out); break;
		}
		out += n, r += k, count -= k;
	}
}

int store_rows_f32(const store *s, size_t first, size_t count, float *out, sf_err *e)
{
	if (first > s->n || count > s->n - first)
		return sf_fail(e, "%s: rows [%zu, %zu+%zu) outside the %zu rows", store_path(s), first,
		               first, count, s->n);
	convert(s, first, count, out);
	return check_rows(s, NULL, first, count, out, e);
}

int store_gather_f32(const store *s, const size_t *rows, size_t count, float *out, sf_err *e)
{
	for (size_t i = 0; i < count; i++) {
		if (rows[i] >= s->n)
			return sf_fail(e, "%s: row %zu outside the %zu rows", store_path(s), rows[i],
			               s->n);
		convert(s, rows[i], 1, out + i * (size_t)s->d);
	}
	return check_rows(s, rows, 0, count, out, e);
}

const char *store_token(const store *s, size_t r, size_t *len)
{
	if (r >= s->n) {
		*len = 0;
		return "";
	}
	const shard *h = shard_of(s, r);
	*len = (size_t)(s->tok_off[r + 1] - s->tok_off[r]);
	return h->tok_bytes + (s->tok_off[r] - s->tok_off[h->row0]);
}

/* First row whose (pair, side) is not below (pair, side). */
static size_t lower_bound(const store *s, size_t pair, int side)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		size_t mp = (size_t)s->pair[mid];
		if (mp < pair || (mp == pair && s->side[mid] < side))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void store_response_rows(const store *s, size_t pair, int side, size_t *begin, size_t *end)
{
	if (side < 0 || side >= SIDE_COUNT) {
		*begin = *end = 0;
		return;
	}
	*begin = lower_bound(s, pair, side);
	*end = lower_bound(s, pair, side + 1);
}

void store_count_rows(const store *s, size_t *side, size_t *sentence_end)
{
	size_t n = store_nrows(s), sent = 0;
	const uint8_t *sd = store_side(s), *fl = store_flags(s);
	memset(side, 0, SIDE_COUNT * sizeof *side);
	for (size_t r = 0; r < n; r++) {
		side[sd[r]]++;
		sent += fl[r] & ROW_SENT_END;
	}
	*sentence_end = sent;
}

long store_pairs_without_rows(const store *s, size_t n_pairs, size_t *first, size_t max_first)
{
	/* one pass over the rows rather than a search per pair */
	uint8_t *has = calloc(n_pairs ? n_pairs : 1, 1);
	if (!has)
		return -1;
	const int32_t *pair = store_pair(s);
	const uint8_t *side = store_side(s);
	for (size_t r = 0, n = store_nrows(s); r < n; r++)
		if ((size_t)pair[r] < n_pairs)
			has[pair[r]] |= (uint8_t)(1u << side[r]);
	long k = 0;
	for (size_t i = 0; i < n_pairs; i++)
		if ((has[i] & 6) != 6) {
			if ((size_t)k < max_first)
				first[k] = i;
			k++;
		}
	free(has);
	return k;
}

/* ---- full scan for non-finite values (init) ------------------------------ */

static int nonfinite(st_dtype dt, const unsigned char *b)
{
	switch (dt) {
	case ST_F16: return (b[1] & 0x7c) == 0x7c;
	case ST_BF16: return (b[1] & 0x7f) == 0x7f && (b[0] & 0x80);
	default: return (b[3] & 0x7f) == 0x7f && (b[2] & 0x80);
	}
}

/* Fast test of a whole chunk: does any element have an all-ones exponent?
 * Four F16/BF16 (or two F32) lanes per 64-bit word: with x the exponent
 * bits of a lane, x + (lowest exponent bit) carries into the lane's top
 * bit exactly when x is all ones, and never into the next lane. The
 * element is located afterwards only when one exists. */
static int any_nonfinite(st_dtype dt, const unsigned char *buf, size_t nbytes)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	return 1; /* the lanes below assume little-endian words */
#endif
	uint64_t mask, low, top;
	switch (dt) {
	case ST_F16: mask = 0x7c007c007c007c00ull, low = 0x0400040004000400ull; break;
	case ST_BF16: mask = 0x7f807f807f807f80ull, low = 0x0080008000800080ull; break;
	default: mask = 0x7f8000007f800000ull, low = 0x0080000000800000ull; break;
	}
	top = dt == ST_F32 ? 0x8000000080000000ull : 0x8000800080008000ull;
	const uint64_t *w = (const void *)buf; /* buf is malloc'd: aligned */
	uint64_t hit = 0;
	size_t nw = nbytes / 8;
	for (size_t i = 0; i < nw; i++)
		hit |= (w[i] & mask) + low;
	if (hit & top)
		return 1;
	for (size_t i = nw * 8; i < nbytes; i += st_dtype_size(dt))
		if (nonfinite(dt, buf + i))
			return 1;
	return 0;
}

static int scan_chunk(const store *s, const unsigned char *buf, size_t nbytes, size_t row0,
                      sf_err *e)
{
	if (!any_nonfinite(s->dt, buf, nbytes))
		return 0;
	size_t es = st_dtype_size(s->dt);
	for (size_t i = 0; i < nbytes; i += es) {
		if (!nonfinite(s->dt, buf + i))
			continue;
		size_t r = row0 + i / s->row_bytes;
		size_t j = (i % s->row_bytes) / es;
		/* NaN has a non-zero mantissa: any mantissa bit set in the element
		 * (beyond the exponent) */
		int nan;
		if (s->dt == ST_F16)
			nan = (buf[i] | (buf[i + 1] & 0x03)) != 0;
		else if (s->dt == ST_BF16)
			nan = (buf[i] & 0x7f) != 0;
		else
			nan = (buf[i] | buf[i + 1] | (buf[i + 2] & 0x7f)) != 0;
		return bad_value(s, r, nan ? "NaN" : "an infinite value", j, e);
	}
	return 0;
}

/* One shard's activations, chunk by chunk, into buf [rows_per rows]. */
static int check_shard(const store *s, const shard *h, unsigned char *buf, size_t rows_per,
                       const sf_progress *prog, sf_err *e)
{
	const char *p = st_path(h->f);
	int fd = infile_open(p, NULL, e);
	if (fd < 0)
		return -1;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	off_t base = (off_t)st_data_offset(h->f, st_find(h->f, "acts"));
	int rc = 0;
	for (size_t r = 0; r < h->n && !rc; r += rows_per) {
		size_t k = h->n - r < rows_per ? h->n - r : rows_per;
		size_t want = k * s->row_bytes, got = 0;
		while (got < want) {
			ssize_t n = pread(fd, buf + got, want - got, base + (off_t)(r * s->row_bytes + got));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				rc = n < 0 ? sf_fail_errno(e, "%s: read failed", p)
				           : sf_fail(e, "%s: file shrank while reading", p);
				break;
			}
			got += (size_t)n;
		}
		if (!rc)
			rc = scan_chunk(s, buf, want, h->row0 + r, e);
		/* A store read in one chunk needs no progress report. */
		if (!rc && s->n > rows_per &&
		    sf_progress_report(prog, (double)(h->row0 + r + k) / (double)s->n,
		                       "checking rows"))
			rc = sf_fail(e, "cancelled");
	}
	close(fd);
	return rc;
}

void store_sample_rows(size_t n, size_t ne, size_t *rows)
{
	for (size_t i = 0; i < ne; i++)
		rows[i] = (size_t)((double)i * (double)n / (double)ne);
}

int store_check_finite(const store *s, const sf_progress *prog, sf_err *e)
{
	/* Whole rows per chunk, about 8 MB, read with pread so the scan does
	 * not fault the mapping in (resident memory stays small). */
	size_t rows_per = ((size_t)8 << 20) / s->row_bytes;
	if (rows_per == 0)
		rows_per = 1;
	unsigned char *buf = malloc(rows_per * s->row_bytes);
	if (!buf)
		return sf_fail(e, "%s: out of memory", store_path(s));
	int rc = 0;
	for (size_t k = 0; k < s->nsh && !rc; k++)
		rc = check_shard(s, &s->sh[k], buf, rows_per, prog, e);
	free(buf);
	return rc;
}
