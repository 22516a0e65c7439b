/* Paired salience with a bootstrap interval: see paired.h.
 *
 * The per-pair differences D are sparse (a pair touches the features its
 * rows fire on): they are built pair by pair, then laid out by feature
 * (CSC: for feature j, the train positions and values of its non-zero D).
 * A resample is a count per train pair (how often it was drawn); a block
 * of bb resamples is the [n, bb] matrix of counts, and feature j's means
 * for the block are sum over its entries of D * counts[pos][0..bb): one
 * contiguous inner loop, the block staying in cache while every feature
 * reads it. */
#include "engine/analysis/paired.h"

#include <stdlib.h>
#include <string.h>

#include "engine/analysis/codes.h"
#include "engine/analysis/stats.h"
#include "engine/base/rng.h"
#include "engine/base/threads.h"

#define BLOCK_BYTES (1u << 20)
#define BB_MAX 256

int paired_alloc(sf_paired *out, int m, sf_err *e)
{
	memset(out, 0, sizeof *out);
	out->m = m;
	size_t n = m > 0 ? (size_t)m : 1;
	out->mean = calloc(n, sizeof(double));
	out->lo = calloc(n, sizeof(double));
	out->hi = calloc(n, sizeof(double));
	if (!out->mean || !out->lo || !out->hi) {
		paired_free(out);
		return sf_fail(e, "paired salience: out of memory");
	}
	return 0;
}

void paired_free(sf_paired *pp)
{
	if (!pp)
		return;
	free(pp->mean);
	free(pp->lo);
	free(pp->hi);
	memset(pp, 0, sizeof *pp);
}

int paired_spans_zero(const sf_paired *pp, int j) { return pp->lo[j] <= 0 && pp->hi[j] >= 0; }

/* The differences by feature. */
typedef struct csc {
	size_t *start;  /* [m+1] */
	uint32_t *pos;  /* [nnz] train position */
	double *val;    /* [nnz] D */
} csc;

typedef struct coo {
	uint32_t *feat, *pos;
	double *val;
	size_t n, cap;
} coo;

static int coo_push(coo *c, uint32_t f, uint32_t p, double v)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4096;
		uint32_t *a = realloc(c->feat, cap * sizeof *a);
		if (a)
			c->feat = a;
		uint32_t *b = realloc(c->pos, cap * sizeof *b);
		if (b)
			c->pos = b;
		double *d = realloc(c->val, cap * sizeof *d);
		if (d)
			c->val = d;
		if (!a || !b || !d)
			return -1;
		c->cap = cap;
	}
	c->feat[c->n] = f, c->pos[c->n] = p, c->val[c->n] = v;
	c->n++;
	return 0;
}

static void coo_free(coo *c)
{
	free(c->feat);
	free(c->pos);
	free(c->val);
}

/* sum z+ of rows [a, b) of one side in use into acc; the rows counted. */
static size_t add_rows(double *acc, unsigned char *seen, uint32_t *touched, size_t *nt,
                       const uint32_t *idx, const float *val, const uint64_t *off,
                       const uint8_t *side, const uint8_t *flags, size_t a, size_t b, int k,
                       int sd, int rows_mode, double sign)
{
	size_t rows = 0;
	for (size_t r = a; r < b; r++) {
		if (side[r] != sd || !row_in_use(side[r], flags[r], rows_mode))
			continue;
		rows++;
	}
	if (!rows)
		return 0;
	double w = sign / (double)rows;
	for (size_t r = a; r < b; r++) {
		if (side[r] != sd || !row_in_use(side[r], flags[r], rows_mode))
			continue;
		size_t e0, cnt = codes_row(off, k, r, &e0);
		for (size_t q = e0; q < e0 + cnt; q++) {
			float z = val[q];
			if (!(z > 0))
				continue;
			uint32_t j = idx[q];
			if (!seen[j]) {
				seen[j] = 1;
				touched[(*nt)++] = j;
			}
			acc[j] += w * (double)z;
		}
	}
	return rows;
}

/* D of every train pair, by feature; mean_j as a by-product. */
static int differences(csc *out, double *mean, const uint32_t *idx, const float *val,
                       const uint64_t *off, const int32_t *pair, const uint8_t *side, const uint8_t *flags,
                       size_t n_rows, int k, int m, const int64_t *tpos, size_t n,
                       int rows_mode, const sf_progress *p, sf_err *e)
{
	double *acc = calloc((size_t)m, sizeof *acc);
	unsigned char *seen = calloc((size_t)m, 1);
	uint32_t *touched = malloc((size_t)m * sizeof *touched);
	coo c = { 0 };
	int rc = 0;
	if (!acc || !seen || !touched)
		rc = sf_fail(e, "paired salience: out of memory");
	for (size_t a = 0; a < n_rows && !rc;) {
		size_t b = a;
		while (b < n_rows && pair[b] == pair[a])
			b++;
		int64_t t = tpos[pair[a]];
		if (t >= 0) {
			size_t nt = 0;
			for (size_t r = a; r < b; r++) {
				size_t e0, cnt = codes_row(off, k, r, &e0);
				for (size_t q = e0; q < e0 + cnt; q++)
					if (idx[q] >= (uint32_t)m) {
						rc = sf_fail(e, "paired salience: row %zu: feature out of range", r);
						goto done;
					}
			}
			add_rows(acc, seen, touched, &nt, idx, val, off, side, flags, a, b, k,
			         SIDE_CHOSEN, rows_mode, 1.0);
			add_rows(acc, seen, touched, &nt, idx, val, off, side, flags, a, b, k,
			         SIDE_REJECTED, rows_mode, -1.0);
			for (size_t q = 0; q < nt && !rc; q++) {
				uint32_t j = touched[q];
				if (acc[j] != 0 && coo_push(&c, j, (uint32_t)t, acc[j]))
					rc = sf_fail(e, "paired salience: out of memory");
				mean[j] += acc[j];
				acc[j] = 0;
				seen[j] = 0;
			}
		}
		if ((a & 0xfff) == 0 && sf_progress_report(p, 0.2 * (double)a / (double)n_rows,
		                                              "pair differences"))
			rc = sf_fail(e, "cancelled");
		a = b;
	}
	if (rc)
		goto done;
	for (int j = 0; j < m; j++)
		mean[j] /= (double)n;
	out->start = calloc((size_t)m + 1, sizeof *out->start);
	out->pos = malloc((c.n ? c.n : 1) * sizeof *out->pos);
	out->val = malloc((c.n ? c.n : 1) * sizeof *out->val);
	if (!out->start || !out->pos || !out->val) {
		rc = sf_fail(e, "paired salience: out of memory");
		goto done;
	}
	for (size_t q = 0; q < c.n; q++)
		out->start[c.feat[q] + 1]++;
	for (int j = 0; j < m; j++)
		out->start[j + 1] += out->start[j];
	size_t *fill = malloc((size_t)m * sizeof *fill);
	if (!fill) {
		rc = sf_fail(e, "paired salience: out of memory");
		goto done;
	}
	memcpy(fill, out->start, (size_t)m * sizeof *fill);
	for (size_t q = 0; q < c.n; q++) {
		size_t at = fill[c.feat[q]]++;
		out->pos[at] = c.pos[q];
		out->val[at] = c.val[q];
	}
	free(fill);
done:
	free(acc);
	free(seen);
	free(touched);
	coo_free(&c);
	return rc;
}

/* One block of resamples over a share of the features. */
typedef struct block_job {
	const csc *D;
	const float *cnt; /* [n, bb] */
	int bb, m, B, b0;
	size_t n;
	double *M;        /* [m, B] */
} block_job;

static void block_work(void *ctx, int t, int nt)
{
	block_job *J = ctx;
	size_t j0 = sf_share((size_t)J->m, t, nt), j1 = sf_share((size_t)J->m, t + 1, nt);
	double acc[BB_MAX];
	int bb = J->bb;
	for (size_t j = j0; j < j1; j++) {
		double *out = J->M + j * (size_t)J->B + (size_t)J->b0;
		size_t s0 = J->D->start[j], s1 = J->D->start[j + 1];
		if (s0 == s1) {
			memset(out, 0, (size_t)bb * sizeof *out);
			continue;
		}
		for (int q = 0; q < bb; q++)
			acc[q] = 0;
		for (size_t s = s0; s < s1; s++) {
			const float *c = J->cnt + (size_t)J->D->pos[s] * (size_t)bb;
			double v = J->D->val[s];
			for (int q = 0; q < bb; q++)
				acc[q] += (double)c[q] * v;
		}
		for (int q = 0; q < bb; q++)
			out[q] = acc[q] / (double)J->n;
	}
}

/* The k-th smallest of a[0..n) moved to a[k], smaller ones before it. */
static void select_kth(double *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		double x = a[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (a[i] < x)
				i++;
			while (a[j] > x)
				j--;
			if (i <= j) {
				double t = a[i];
				a[i] = a[j], a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

/* numpy's default (linear) percentile q of a[0..n), n >= 2; a is reordered. */
static double percentile(double *a, size_t n, double q)
{
	double at = q * (double)(n - 1);
	size_t i = (size_t)at;
	if (i >= n - 1)
		i = n - 2;
	double f = at - (double)i;
	select_kth(a, n, i);
	double lo = a[i], hi = a[i + 1];
	for (size_t r = i + 2; r < n; r++)
		if (a[r] < hi)
			hi = a[r];
	return lo + (hi - lo) * f;
}

int paired_compute(sf_paired *out, const uint32_t *idx, const float *val, const uint64_t *off,
                   const int32_t *pair,
                   const uint8_t *side, const uint8_t *flags, size_t n_rows, int k, int m,
                   const unsigned char *is_train, size_t n_pairs, int rows_mode, int resamples,
                   uint64_t seed, const sf_progress *p, sf_err *e)
{
	if (m <= 0 || (off ? k != 0 : k <= 0) || resamples < 2)
		return sf_fail(e, "paired salience: bad shape");
	int64_t *tpos = malloc((n_pairs ? n_pairs : 1) * sizeof *tpos);
	if (!tpos)
		return sf_fail(e, "paired salience: out of memory");
	size_t n = 0;
	for (size_t i = 0; i < n_pairs; i++)
		tpos[i] = is_train[i] ? (int64_t)n++ : -1;
	for (size_t r = 0; r < n_rows; r++)
		if (pair[r] < 0 || (size_t)pair[r] >= n_pairs) {
			free(tpos);
			return sf_fail(e, "paired salience: row %zu: pair out of range", r);
		}
	if (!n) {
		free(tpos);
		return sf_fail(e, "paired salience: no train pairs");
	}
	if (paired_alloc(out, m, e)) {
		free(tpos);
		return -1;
	}
	out->rows_mode = rows_mode, out->resamples = resamples, out->seed = seed;
	out->n_pairs = n;
	csc D = { 0 };
	int B = resamples;
	int bb = (int)(BLOCK_BYTES / (n * sizeof(float)));
	bb = bb < 8 ? 8 : bb > BB_MAX ? BB_MAX : bb;
	double *M = NULL;
	float *cnt = NULL;
	size_t mb;
	int rc = differences(&D, out->mean, idx, val, off, pair, side, flags, n_rows, k, m, tpos, n,
	                     rows_mode, p, e);
	if (!rc && (__builtin_mul_overflow((size_t)m, (size_t)B, &mb) ||
	            !(M = malloc(mb * sizeof *M)) || !(cnt = malloc(n * (size_t)bb * sizeof *cnt))))
		rc = sf_fail(e, "paired salience: out of memory for %d resamples of %d features", B,
		             m);
	for (int b0 = 0; b0 < B && !rc; b0 += bb) {
		int nb = B - b0 < bb ? B - b0 : bb;
		memset(cnt, 0, n * (size_t)nb * sizeof *cnt);
		for (int q = 0; q < nb; q++) {
			uint64_t st = seed + (uint64_t)(b0 + q);
			for (size_t t = 0; t < n; t++) {
				size_t i = (size_t)(sf_unit_double(sf_splitmix64(&st)) * (double)n);
				cnt[(i < n ? i : n - 1) * (size_t)nb + (size_t)q] += 1;
			}
		}
		block_job J = { &D, cnt, nb, m, B, b0, n, M };
		sf_parallel(sf_threads(), block_work, &J);
		if (sf_progress_report(p, 0.2 + 0.75 * (double)(b0 + nb) / B, "bootstrap"))
			rc = sf_fail(e, "cancelled");
	}
	for (int j = 0; j < m && !rc; j++) {
		double *a = M + (size_t)j * (size_t)B;
		if (D.start[j] == D.start[j + 1]) {
			out->lo[j] = out->hi[j] = 0;
			continue;
		}
		out->lo[j] = percentile(a, (size_t)B, 0.025);
		out->hi[j] = percentile(a, (size_t)B, 0.975);
	}
	if (!rc)
		sf_progress_report(p, 1.0, "bootstrap");
	free(D.start);
	free(D.pos);
	free(D.val);
	free(M);
	free(cnt);
	free(tpos);
	if (rc)
		paired_free(out);
	return rc;
}
