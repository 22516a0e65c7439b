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

struct store {
	st_file *f;
	size_t n;
	int d;
	st_dtype dt;
	const unsigned char *acts;
	size_t row_bytes;
	const int32_t *pair, *pos;
	const uint8_t *side, *flags;
	const int64_t *tok_off;
	const char *tok_bytes;
	size_t tok_len;
	void *copies[3]; /* index arrays copied out when misaligned */
	float *head;     /* [d] reward_head, copied out; NULL when absent */
	double head_bias;
};

size_t store_nrows(const store *s) { return s->n; }
int store_dim(const store *s) { return s->d; }
const char *store_dtype_name(const store *s) { return st_dtype_name(s->dt); }
const char *store_path(const store *s) { return st_path(s->f); }
const int32_t *store_pair(const store *s) { return s->pair; }
const uint8_t *store_side(const store *s) { return s->side; }
const int32_t *store_pos(const store *s) { return s->pos; }
const uint8_t *store_flags(const store *s) { return s->flags; }
const char *store_meta(const store *s, const char *key) { return st_meta(s->f, key); }

void store_close(store *s)
{
	if (!s)
		return;
	for (int i = 0; i < 3; i++)
		free(s->copies[i]);
	free(s->head);
	st_close(s->f);
	free(s);
}

/* A tensor that must exist with this dtype, ndim and (if len >= 0) length. */
static const st_tensor *need(store *s, const char *name, st_dtype dt, int64_t len, sf_err *e)
{
	const char *p = st_path(s->f);
	const st_tensor *t = st_find(s->f, name);
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
 * else a copy owned by s. */
static const void *aligned(store *s, const st_tensor *t, size_t align, int slot, sf_err *e)
{
	if ((uintptr_t)t->data % align == 0)
		return t->data;
	s->copies[slot] = malloc(t->nbytes ? t->nbytes : 1);
	if (!s->copies[slot]) {
		sf_fail(e, "%s: out of memory", st_path(s->f));
		return NULL;
	}
	memcpy(s->copies[slot], t->data, t->nbytes);
	return s->copies[slot];
}

static int bind_acts(store *s, sf_err *e)
{
	const char *p = st_path(s->f);
	const st_tensor *a = st_find(s->f, "acts");
	if (!a)
		return sf_fail(e, "%s: missing tensor \"acts\"", p);
	if (a->dtype != ST_F32 && a->dtype != ST_F16 && a->dtype != ST_BF16)
		return sf_fail(e, "%s: tensor \"acts\" has dtype %s, expected F32, F16 or BF16", p,
		               st_dtype_name(a->dtype));
	if (a->ndim != 2)
		return sf_fail(e, "%s: tensor \"acts\" has %d dimensions, expected 2 [rows, d]", p,
		               a->ndim);
	if (a->shape[0] == 0)
		return sf_fail(e, "%s: tensor \"acts\" has no rows", p);
	if (a->shape[1] <= 0 || a->shape[1] > (1 << 20))
		return sf_fail(e, "%s: tensor \"acts\" has width %lld (expected 1 to %d)", p,
		               (long long)a->shape[1], 1 << 20);
	s->n = (size_t)a->shape[0];
	s->d = (int)a->shape[1];
	s->dt = a->dtype;
	s->acts = a->data;
	s->row_bytes = (size_t)s->d * st_dtype_size(s->dt);
	return 0;
}

static int bind_index(store *s, sf_err *e)
{
	int64_t n = (int64_t)s->n;
	const st_tensor *tp = need(s, "pair", ST_I32, n, e), *ts, *tq, *tf, *to, *tb;
	if (!tp || !(ts = need(s, "side", ST_U8, n, e)) || !(tq = need(s, "pos", ST_I32, n, e)) ||
	    !(tf = need(s, "flags", ST_U8, n, e)) || !(to = need(s, "tok_off", ST_I64, n + 1, e)) ||
	    !(tb = need(s, "tok_bytes", ST_U8, -1, e)))
		return -1;
	s->side = ts->data;
	s->flags = tf->data;
	s->tok_bytes = tb->data;
	s->tok_len = tb->nelem;
	if (!(s->pair = aligned(s, tp, 4, 0, e)) || !(s->pos = aligned(s, tq, 4, 1, e)) ||
	    !(s->tok_off = aligned(s, to, 8, 2, e)))
		return -1;
	return 0;
}

/* The optional reward_head [d] F32, every value finite, and reward_bias a
 * finite number when given. */
static int bind_head(store *s, sf_err *e)
{
	const char *p = st_path(s->f);
	const st_tensor *t = st_find(s->f, "reward_head");
	const char *bias = st_meta(s->f, "reward_bias");
	if (!t) {
		if (bias)
			return sf_fail(e, "%s: metadata reward_bias without a tensor \"reward_head\"", p);
		return 0;
	}
	if (t->dtype != ST_F32)
		return sf_fail(e, "%s: tensor \"reward_head\" has dtype %s, expected F32", p,
		               st_dtype_name(t->dtype));
	if (t->ndim != 1 || t->shape[0] != s->d)
		return sf_fail(e, "%s: tensor \"reward_head\" must have shape [%d] (d of acts)", p,
		               s->d);
	if (!(s->head = malloc((size_t)s->d * sizeof(float))))
		return sf_fail(e, "%s: out of memory", p);
	memcpy(s->head, t->data, (size_t)s->d * sizeof(float));
	for (int j = 0; j < s->d; j++)
		if (!isfinite(s->head[j]))
			return sf_fail(e, "%s: tensor \"reward_head\" holds %s at %d", p,
			               isnan(s->head[j]) ? "NaN" : "an infinite value", j);
	s->head_bias = 0;
	if (bias) {
		char *end;
		errno = 0;
		s->head_bias = strtod(bias, &end);
		if (end == bias || *end || errno || !isfinite(s->head_bias))
			return sf_fail(e, "%s: metadata reward_bias is not a finite number", p);
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

/* Row keys (pair, side, pos) strictly increasing, in range; token offsets
 * monotone and covering tok_bytes exactly. */
static int validate(const store *s, size_t n_pairs, sf_err *e)
{
	const char *p = st_path(s->f);
	for (size_t r = 0; r < s->n; r++) {
		int32_t pr = s->pair[r], q = s->pos[r];
		uint8_t sd = s->side[r];
		if (pr < 0 || (size_t)pr >= n_pairs)
			return sf_fail(e, "%s: row %zu: pair index %d out of range (the pairs file has "
			               "%zu pairs)", p, r, pr, n_pairs);
		if (sd > 2)
			return sf_fail(e, "%s: row %zu: side value %u (must be 0 prompt, 1 chosen or "
			               "2 rejected)", p, r, sd);
		if (q < 0)
			return sf_fail(e, "%s: row %zu: negative pos %d", p, r, q);
		if (s->flags[r] & ~STORE_FLAGS_KNOWN)
			return sf_fail(e, "%s: row %zu: flags 0x%02x set reserved bits (only bit 0, "
			               "sentence end, is defined; the others must be 0)", p, r,
			               s->flags[r]);
		if (r > 0) {
			int32_t pp = s->pair[r - 1], pq = s->pos[r - 1];
			uint8_t ps = s->side[r - 1];
			int before = pp < pr || (pp == pr && (ps < sd || (ps == sd && pq < q)));
			if (!before)
				return sf_fail(e, "%s: row %zu: rows not sorted by (pair, side, pos): "
				               "(%d, %u, %d) follows (%d, %u, %d)", p, r, pr, sd, q, pp,
				               ps, pq);
		}
	}
	if (s->tok_off[0] != 0)
		return sf_fail(e, "%s: tok_off[0] is %lld, must be 0", p, (long long)s->tok_off[0]);
	for (size_t r = 0; r < s->n; r++)
		if (s->tok_off[r + 1] < s->tok_off[r])
			return sf_fail(e, "%s: tok_off not monotone at row %zu (%lld after %lld)", p, r,
			               (long long)s->tok_off[r + 1], (long long)s->tok_off[r]);
	if ((uint64_t)s->tok_off[s->n] != s->tok_len)
		return sf_fail(e, "%s: tok_off[%zu] is %lld but tok_bytes holds %zu bytes", p, s->n,
		               (long long)s->tok_off[s->n], s->tok_len);
	return 0;
}

int store_open(store **out, const char *path, size_t n_pairs, sf_err *e)
{
	*out = NULL;
	store *s = calloc(1, sizeof *s);
	if (!s)
		return sf_fail(e, "%s: out of memory", path);
	if (st_open(&s->f, path, e) || bind_acts(s, e) || bind_index(s, e) || bind_head(s, e) ||
	    validate(s, n_pairs, e)) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
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
		size_t r = rows ? rows[i] : first + i;
		size_t j = 0;
		while (j < d && isfinite(x[j]))
			j++;
		return sf_fail(e, "%s: row %zu (pair %d, %s, pos %d) holds %s at column %zu",
		               store_path(s), r, s->pair[r], store_side_name(s->side[r]), s->pos[r],
		               j < d && isnan(x[j]) ? "NaN" : "an infinite value", j);
	}
	return 0;
}

static void convert(const store *s, size_t r, size_t count, float *out)
{
	const unsigned char *src = s->acts + r * s->row_bytes;
	size_t n = count * (size_t)s->d;
	switch (s->dt) {
	case ST_F16: half_to_f32_n(src, out, n); break;
	case ST_BF16: bf16_to_f32_n(src, out, n); break;
	default: memcpy(out, src, n * sizeof *out); break;
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
	*len = (size_t)(s->tok_off[r + 1] - s->tok_off[r]);
	return s->tok_bytes + s->tok_off[r];
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
		return sf_fail(e, "%s: row %zu (pair %d, %s, pos %d) holds %s at column %zu",
		               store_path(s), r, s->pair[r], store_side_name(s->side[r]), s->pos[r],
		               nan ? "NaN" : "an infinite value", j);
	}
	return 0;
}

int store_check_finite(const store *s, const sf_progress *prog, sf_err *e)
{
	const char *p = store_path(s);
	int fd = infile_open(p, NULL, e);
	if (fd < 0)
		return -1;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	/* Whole rows per chunk, about 8 MB, read with pread so the scan does
	 * not fault the mapping in (resident memory stays small). */
	size_t rows_per = ((size_t)8 << 20) / s->row_bytes;
	if (rows_per == 0)
		rows_per = 1;
	unsigned char *buf = malloc(rows_per * s->row_bytes);
	if (!buf) {
		close(fd);
		return sf_fail(e, "%s: out of memory", p);
	}
	off_t base = (off_t)st_data_offset(s->f, st_find(s->f, "acts"));
	int rc = 0;
	for (size_t r = 0; r < s->n && !rc; r += rows_per) {
		size_t k = s->n - r < rows_per ? s->n - r : rows_per;
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
			rc = scan_chunk(s, buf, want, r, e);
		/* A file read in one chunk needs no progress report. */
		if (!rc && s->n > rows_per &&
		    sf_progress_report(prog, (double)(r + k) / (double)s->n, "checking rows"))
			rc = sf_fail(e, "cancelled");
	}
	free(buf);
	close(fd);
	return rc;
}

void store_sample_rows(size_t n, size_t ne, size_t *rows)
{
	for (size_t i = 0; i < ne; i++)
		rows[i] = (size_t)((double)i * (double)n / (double)ne);
}
