/* The latents index: build (count, scatter, sort per list), check, wrap.
 *
 * Shapes: N rows, k entries per row, m features, L = m*3 lists (one per
 * feature and side), E positive entries.
 *
 * index_check validates arrays read from elsewhere: the offsets (monotonic,
 * ending at E) and every entry (row < N, activation positive and finite,
 * lists sorted). */
#include "engine/analysis/index.h"

#include "engine/analysis/codes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/threads.h"

typedef struct index_priv {
	uint64_t *off;  /* heap arrays when built */
	sf_ientry *ent;
	void (*release)(void *ctx); /* else the owner's */
	void *ctx;
} index_priv;

static sf_ientry ientry_pack(float act, uint32_t row)
{
	union { float f; uint32_t u; } v = { .f = act };
	return ((uint64_t)(~v.u) << 32) | row;
}

/* Introsort on uint64 keys: quicksort (median of three), insertion sort
 * for short runs, heapsort when the recursion gets deep. Keys are unique
 * (they contain the row), so no three-way partition is needed. */
static void isort(uint64_t *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = a[i];
		size_t j = i;
		for (; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

static void sift(uint64_t *a, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[i] >= a[c])
			return;
		uint64_t t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

static void hsort(uint64_t *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(a, i, n);
	for (size_t i = n; i-- > 1;) {
		uint64_t t = a[0];
		a[0] = a[i];
		a[i] = t;
		sift(a, 0, i);
	}
}

static void qsort_u64(uint64_t *a, size_t n, int depth)
{
	while (n > 24) {
		if (depth-- == 0) {
			hsort(a, n);
			return;
		}
		uint64_t x = a[0], y = a[n / 2], z = a[n - 1];
		uint64_t piv = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
		size_t i = 0, j = n - 1;
		for (;;) {
			while (a[i] < piv)
				i++;
			while (a[j] > piv)
				j--;
			if (i >= j)
				break;
			uint64_t t = a[i];
			a[i] = a[j];
			a[j] = t;
			i++;
			j--;
		}
		/* [0, j] <= piv <= [j+1, n) ; recurse on the smaller part */
		size_t left = j + 1;
		if (left < n - left) {
			qsort_u64(a, left, depth);
			a += left;
			n -= left;
		} else {
			qsort_u64(a + left, n - left, depth);
			n = left;
		}
	}
	isort(a, n);
}

static void sort_u64(uint64_t *a, size_t n)
{
	int depth = 2;
	for (size_t t = n; t > 1; t >>= 1)
		depth += 2;
	qsort_u64(a, n, depth);
}

/* Stable LSD radix sort of a list on the high 32 bits of its keys (the
 * activation). The scatter leaves every list in ascending row order, so
 * a stable sort on the activation alone gives the order of the whole key
 * (activation descending, row ascending). Byte passes where every key
 * agrees are skipped: activations of one feature often share their top
 * bytes. tmp holds n keys. */
static void radix_hi32(uint64_t *a, uint64_t *tmp, size_t n)
{
	if (n < 64) {
		isort(a, n);
		return;
	}
	size_t cnt[4][256];
	memset(cnt, 0, sizeof cnt);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = a[i];
		cnt[0][(x >> 32) & 255]++;
		cnt[1][(x >> 40) & 255]++;
		cnt[2][(x >> 48) & 255]++;
		cnt[3][x >> 56]++;
	}
	uint64_t *src = a, *dst = tmp;
	for (int p = 0; p < 4; p++) {
		int sh = 32 + 8 * p;
		if (cnt[p][(src[0] >> sh) & 255] == n)
			continue; /* one bucket: the pass would not move anything */
		size_t at = 0;
		for (int b = 0; b < 256; b++) {
			size_t c = cnt[p][b];
			cnt[p][b] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[p][(src[i] >> sh) & 255]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

typedef struct sort_job {
	const uint64_t *off;
	sf_ientry *ent;
	size_t b0, b1; /* lists [b0, b1) */
	int nomem;
} sort_job;

/* Thread t of nt sorts the lists whose entries start in its share. */
static void sort_lists(void *ctx, int t, int nt)
{
	sort_job *j = ctx;
	uint64_t lo = j->off[j->b0], span = j->off[j->b1] - lo;
	uint64_t from = lo + span * (uint64_t)t / (uint64_t)nt;
	uint64_t to = lo + span * (uint64_t)(t + 1) / (uint64_t)nt;
	size_t most = 0;
	for (size_t b = j->b0; b < j->b1; b++)
		if (j->off[b] >= from && j->off[b] < to && j->off[b + 1] - j->off[b] > most)
			most = (size_t)(j->off[b + 1] - j->off[b]);
	uint64_t *tmp = most >= 64 ? malloc(most * sizeof *tmp) : NULL;
	for (size_t b = j->b0; b < j->b1; b++) {
		if (!(j->off[b] >= from && j->off[b] < to))
			continue;
		size_t n = (size_t)(j->off[b + 1] - j->off[b]);
		if (tmp || n < 64)
			radix_hi32(j->ent + j->off[b], tmp, n);
		else
			sort_u64(j->ent + j->off[b], n); /* no scratch memory: in place */
	}
	free(tmp);
}

static sf_index *index_alloc(void)
{
	sf_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	ix->priv_ = calloc(1, sizeof(index_priv));
	if (!ix->priv_) {
		free(ix);
		return NULL;
	}
	return ix;
}

void index_close(sf_index *ix)
{
	if (!ix)
		return;
	index_priv *pv = ix->priv_;
	if (pv) {
		if (pv->release)
			pv->release(pv->ctx);
		free(pv->off);
		free(pv->ent);
		free(pv);
	}
	free(ix);
}

typedef struct scatter_job {
	const uint32_t *idx;
	const float *val;
	const uint64_t *row_off; /* codes.h: NULL for k a row */
	const uint8_t *side;
	size_t n_rows;
	int k, m;
	uint64_t *pos;      /* [nt, L]: counts, then write positions */
	sf_ientry *ent;
	const sf_progress *p;
	volatile int cancelled;
	size_t bad_row[2];  /* first row with a bad side or feature, per thread */
} scatter_job;

static void row_span(const scatter_job *j, int t, int nt, size_t *r0, size_t *r1)
{
	*r0 = sf_share(j->n_rows, t, nt);
	*r1 = sf_share(j->n_rows, t + 1, nt);
}

/* count: pos[t][b] = entries of list b among thread t's rows */
static void count_rows(void *ctx, int t, int nt)
{
	scatter_job *j = ctx;
	size_t r0, r1, L = (size_t)j->m * SIDE_COUNT;
	uint64_t *cnt = j->pos + (size_t)t * L;
	row_span(j, t, nt, &r0, &r1);
	for (size_t r = r0; r < r1; r++) {
		if (j->side[r] >= SIDE_COUNT) {
			j->bad_row[t] = r;
			return;
		}
		size_t b0, nk = codes_row(j->row_off, j->k, r, &b0);
		const uint32_t *ir = j->idx + b0;
		const float *vr = j->val + b0;
		for (size_t i = 0; i < nk; i++) {
			if (!(vr[i] > 0) || isinf(vr[i]))
				continue;
			if (ir[i] >= (uint32_t)j->m) {
				j->bad_row[t] = r;
				return;
			}
			cnt[(size_t)ir[i] * SIDE_COUNT + j->side[r]]++;
		}
	}
}

static void scatter_rows(void *ctx, int t, int nt)
{
	scatter_job *j = ctx;
	size_t r0, r1, L = (size_t)j->m * SIDE_COUNT;
	uint64_t *pos = j->pos + (size_t)t * L;
	row_span(j, t, nt, &r0, &r1);
	for (size_t r = r0; r < r1; r++) {
		if ((r - r0) % (1 << 18) == 0) {
			/* progress and cancel from the caller's thread only */
			if (t == 0 && sf_progress_report(j->p, 0.5 * (double)(r - r0) / (double)(r1 - r0 + 1),
			                                  "indexing latents"))
				j->cancelled = 1;
			if (j->cancelled)
				return;
		}
		size_t b0, nk = codes_row(j->row_off, j->k, r, &b0);
		const uint32_t *ir = j->idx + b0;
		const float *vr = j->val + b0;
		for (size_t i = 0; i < nk; i++) {
			if (!(vr[i] > 0) || isinf(vr[i]))
				continue;
			size_t b = (size_t)ir[i] * SIDE_COUNT + j->side[r];
			j->ent[pos[b]++] = ientry_pack(vr[i], (uint32_t)r);
		}
	}
}

/* The error for the first bad row (as a serial pass would name it). */
static int bad_row(const uint32_t *idx, const float *val, const uint64_t *off,
                   const uint8_t *side, size_t r, int k, int m, sf_err *e)
{
	if (side[r] >= SIDE_COUNT)
		return sf_fail(e, "index: row %zu has side %u", r, side[r]);
	size_t b0, nk = codes_row(off, k, r, &b0);
	for (size_t i = 0; i < nk; i++) {
		size_t q = b0 + i;
		if (val[q] > 0 && !isinf(val[q]) && idx[q] >= (uint32_t)m)
			return sf_fail(e, "latents: row %zu has feature %u >= m = %d", r, idx[q], m);
	}
	return sf_fail(e, "index: row %zu is bad", r);
}

int index_build(sf_index **out, const uint32_t *idx, const float *val,
                const uint8_t *side, size_t n_rows, int k, int m,
                const sf_progress *p, sf_err *e)
{
	return index_build_off(out, idx, val, NULL, side, n_rows, k, m, p, e);
}

int index_build_off(sf_index **out, const uint32_t *idx, const float *val, const uint64_t *off,
                    const uint8_t *side, size_t n_rows, int k, int m, const sf_progress *p,
                    sf_err *e)
{
	if (m <= 0 || (k <= 0 && !off))
		return sf_fail(e, "index: bad shape (m %d, k %d)", m, k);
	if (n_rows >= UINT32_MAX)
		return sf_fail(e, "index: %zu rows is more than the index can address", n_rows);
	size_t L = (size_t)m * SIDE_COUNT;
	sf_index *ix = index_alloc();
	index_priv *pv = ix ? ix->priv_ : NULL;
	if (!ix || !(pv->off = calloc(L + 1, sizeof(uint64_t)))) {
		index_close(ix);
		return sf_fail(e, "index: out of memory");
	}
	ix->n_rows = n_rows;
	ix->k = k;
	ix->m = m;
	/* count and scatter on nt threads, each over a contiguous run of rows;
	 * thread t's entries go after those of threads < t in every list, so
	 * each list stays in ascending row order */
	int nt = sf_threads() > 1 ? 2 : 1;
	uint64_t *pos = calloc((size_t)nt * L, sizeof(uint64_t));
	if (!pos) {
		index_close(ix);
		return sf_fail(e, "index: out of memory");
	}
	scatter_job sj = { idx, val, off, side, n_rows, k, m, pos, NULL, p, 0, { SIZE_MAX, SIZE_MAX } };
	sf_parallel(nt, count_rows, &sj);
	size_t bad = sj.bad_row[0] < sj.bad_row[1] ? sj.bad_row[0] : sj.bad_row[1];
	if (bad != SIZE_MAX) {
		free(pos);
		index_close(ix);
		return bad_row(idx, val, off, side, bad, k, m, e);
	}
	/* off[b] = entries before list b; pos[t][b] = where thread t starts */
	uint64_t at = 0;
	for (size_t b = 0; b < L; b++) {
		pv->off[b] = at;
		for (int t = 0; t < nt; t++) {
			uint64_t c = pos[(size_t)t * L + b];
			pos[(size_t)t * L + b] = at;
			at += c;
		}
	}
	pv->off[L] = at;
	uint64_t E = at;
	pv->ent = malloc((E ? E : 1) * sizeof(sf_ientry));
	if (!pv->ent) {
		free(pos);
		index_close(ix);
		return sf_fail(e, "index: out of memory for %llu entries", (unsigned long long)E);
	}
	sj.ent = pv->ent;
	sf_parallel(nt, scatter_rows, &sj);
	free(pos);
	if (sj.cancelled) {
		index_close(ix);
		return sf_fail(e, "cancelled");
	}
	/* sort each list: by activation descending, then row; the lists are
	 * independent, so threads take contiguous runs of them in slices */
	for (size_t b0 = 0; b0 < L; b0 += 4096) {
		if (sf_progress_report(p, 0.5 + 0.5 * (double)b0 / (double)L, "sorting index")) {
			index_close(ix);
			return sf_fail(e, "cancelled");
		}
		sort_job job = { pv->off, pv->ent, b0, b0 + 4096 < L ? b0 + 4096 : L, 0 };
		sf_parallel(sf_threads(), sort_lists, &job);
	}
	ix->n_entries = E;
	ix->off = pv->off;
	ix->ent = pv->ent;
	sf_progress_report(p, 1.0, "indexing latents");
	*out = ix;
	return 0;
}

int index_check(size_t n_rows, int m, uint64_t n_entries, const uint64_t *off,
                const sf_ientry *ent, sf_err *e)
{
	size_t L = (size_t)m * SIDE_COUNT;
	if (m <= 0 || off[0] != 0 || off[L] != n_entries)
		return sf_fail(e, "damaged index (offsets)");
	for (size_t b = 0; b < L; b++) {
		if (off[b + 1] < off[b])
			return sf_fail(e, "damaged index (offsets)");
		for (uint64_t i = off[b]; i < off[b + 1]; i++) {
			sf_ientry x = ent[i];
			float a = ientry_act(x);
			if (ientry_row(x) >= n_rows || !(a > 0) || isinf(a) ||
			    (i > off[b] && ent[i - 1] >= x))
				return sf_fail(e, "damaged index (entry %llu)", (unsigned long long)i);
		}
	}
	return 0;
}

int index_wrap(sf_index **out, size_t n_rows, int k, int m, uint64_t n_entries,
               const uint64_t *off, const sf_ientry *ent, void (*release)(void *ctx),
               void *ctx, sf_err *e)
{
	sf_index *ix = index_alloc();
	if (!ix)
		return sf_fail(e, "index: out of memory");
	index_priv *pv = ix->priv_;
	ix->n_rows = n_rows;
	ix->k = k;
	ix->m = m;
	ix->n_entries = n_entries;
	ix->off = off;
	ix->ent = ent;
	pv->release = release;
	pv->ctx = ctx;
	*out = ix;
	return 0;
}
