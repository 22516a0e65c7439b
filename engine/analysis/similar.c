/* Decoder-cosine and co-occurrence neighbours of a feature (similar.h). */
#include "engine/analysis/similar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "engine/analysis/codes.h"
#include "engine/analysis/stats.h"
#include "engine/base/progress.h"

static int by_value(const void *a, const void *b)
{
	const sf_neighbour *x = a, *y = b;
	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return (x->feature > y->feature) - (x->feature < y->feature);
}

/* The n best of v[0..len) into out, sorted (v is reordered). */
static size_t best(sf_neighbour *v, size_t len, size_t n, sf_neighbour *out)
{
	qsort(v, len, sizeof *v, by_value);
	size_t take = n < len ? n : len;
	memmove(out, v, take * sizeof *out);
	return take;
}

/* The cosine of rows q and r of width d (qq = |q|^2, in double); float
 * sums vectorise, and d is at most a few thousand. */
static double cosine(const float *q, double qq, const float *r, int d)
{
	float dot = 0, rr = 0;
	for (int i = 0; i < d; i++) {
		dot += q[i] * r[i];
		rr += r[i] * r[i];
	}
	double den = sqrt(qq) * sqrt((double)rr);
	return den > 0 ? dot / den : 0;
}

static double sq_norm(const float *q, int d)
{
	double qq = 0;
	for (int i = 0; i < d; i++)
		qq += (double)q[i] * q[i];
	return qq;
}

int similar_cosine(const float *W_dec, int m, int d, int feature, size_t n, sf_neighbour *out,
                   size_t *n_out, sf_err *e)
{
	*n_out = 0;
	if (feature < 0 || feature >= m)
		return sf_fail(e, "no feature %d (the SAE has %d)", feature, m);
	sf_neighbour *v = malloc((size_t)(m > 1 ? m - 1 : 1) * sizeof *v);
	if (!v)
		return sf_fail(e, "similar features: out of memory");
	const float *q = W_dec + (size_t)feature * (size_t)d;
	double qq = sq_norm(q, d);
	size_t len = 0;
	for (int f = 0; f < m; f++) {
		if (f == feature)
			continue;
		v[len].feature = f;
		v[len++].value = cosine(q, qq, W_dec + (size_t)f * (size_t)d, d);
	}
	*n_out = best(v, len, n, out);
	free(v);
	return 0;
}

enum { TABLE_BLOCK = 256 };

/* "x ranks below y": smaller value, or equal value and larger id. */
static int below(const sf_neighbour *x, const sf_neighbour *y)
{
	return x->value < y->value || (x->value == y->value && x->feature > y->feature);
}

/* Offer c to the min-heap h[*n] of the cap best so far. */
static void heap_offer(sf_neighbour *h, size_t *n, size_t cap, sf_neighbour c)
{
	size_t i;
	if (*n < cap) {
		for (i = (*n)++; i > 0 && below(&c, &h[(i - 1) / 2]); i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = c;
		return;
	}
	if (!below(&h[0], &c))
		return;
	for (i = 0;;) { /* replace the root and sift down */
		size_t l = 2 * i + 1, s = i;
		const sf_neighbour *at = &c;
		if (l < *n && below(&h[l], at))
			s = l, at = &h[l];
		if (l + 1 < *n && below(&h[l + 1], at))
			s = l + 1;
		if (s == i)
			break;
		h[i] = h[s];
		i = s;
	}
	h[i] = c;
}

int similar_table(const float *W_dec, int m, int d, int32_t *ids, double *vals,
                  const sf_progress *p, sf_err *e)
{
	size_t md = (size_t)m * (size_t)d, K = SIMILAR_TABLE, cand = 2 * K;
	float *U = malloc(md * sizeof *U), *C = malloc((size_t)TABLE_BLOCK * (size_t)m * sizeof *C);
	sf_neighbour *top = malloc(cand * sizeof *top);
	int rc = 0;
	if (!U || !C || !top) {
		rc = sf_fail(e, "similar features: out of memory");
		goto out;
	}
	for (int f = 0; f < m; f++) { /* unit rows: the product is the cosine */
		const float *r = W_dec + (size_t)f * (size_t)d;
		double nn = sqrt(sq_norm(r, d));
		for (int i = 0; i < d; i++)
			U[(size_t)f * (size_t)d + (size_t)i] = nn > 0 ? (float)(r[i] / nn) : 0;
	}
	for (int f0 = 0; f0 < m && !rc; f0 += TABLE_BLOCK) {
		if (sf_progress_report(p, (double)f0 / m, "similar features")) {
			rc = sf_fail(e, "cancelled");
			break;
		}
		int b = m - f0 < TABLE_BLOCK ? m - f0 : TABLE_BLOCK;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, m, d, 1.0f,
		            U + (size_t)f0 * (size_t)d, d, U, d, 0.0f, C, m);
		for (int i = 0; i < b; i++) {
			int f = f0 + i;
			size_t nc = 0;
			/* twice the candidates, then their exact values and order */
			for (int g = 0; g < m; g++)
				if (g != f)
					heap_offer(top, &nc, cand,
					           (sf_neighbour){ g, C[(size_t)i * (size_t)m + (size_t)g] });
			const float *q = W_dec + (size_t)f * (size_t)d;
			double qq = sq_norm(q, d);
			for (size_t c = 0; c < nc; c++)
				top[c].value = cosine(q, qq, W_dec + (size_t)top[c].feature * (size_t)d, d);
			size_t nk = best(top, nc, K, top);
			for (size_t c = 0; c < K; c++) {
				ids[(size_t)f * K + c] = c < nk ? top[c].feature : -1;
				vals[(size_t)f * K + c] = c < nk ? top[c].value : 0;
			}
		}
	}
out:
	free(U);
	free(C);
	free(top);
	return rc;
}

void similar_active_counts(const sf_stats *st, uint64_t *active)
{
	for (int f = 0; f < st->m; f++)
		active[f] = (uint64_t)llround(st->density_chosen[f] * (double)st->rows_chosen) +
		            (uint64_t)llround(st->density_rejected[f] * (double)st->rows_rejected);
}

int similar_cooccur(const sf_index *ix, const uint32_t *idx, const float *val, int k,
                    const uint64_t *off,
                    const uint8_t *flags, int rows_mode, const uint64_t *active, int feature,
                    size_t n, sf_neighbour *out, size_t *n_out, sf_err *e)
{
	*n_out = 0;
	int m = ix->m;
	if (feature < 0 || feature >= m)
		return sf_fail(e, "no feature %d (the SAE has %d)", feature, m);
	uint32_t *both = calloc((size_t)m, sizeof *both);
	sf_neighbour *v = malloc((size_t)m * sizeof *v);
	if (!both || !v) {
		free(both);
		free(v);
		return sf_fail(e, "co-occurring features: out of memory");
	}
	uint64_t nj = 0;
	for (int side = SIDE_CHOSEN; side <= SIDE_REJECTED; side++) {
		size_t len;
		const sf_ientry *l = index_list(ix, feature, side, &len);
		for (size_t i = 0; i < len; i++) {
			size_t r = ientry_row(l[i]);
			if (!row_in_use((uint8_t)side, flags[r], rows_mode))
				continue;
			nj++;
			size_t b, ne = codes_row(off, k, r, &b);
			const uint32_t *ri = idx + b;
			const float *rv = val + b;
			for (size_t t = 0; t < ne; t++)
				if (rv[t] > 0 && ri[t] < (uint32_t)m)
					both[ri[t]]++;
		}
	}
	size_t len = 0;
	for (int f = 0; f < m; f++) {
		if (f == feature || !both[f])
			continue;
		double uni = (double)nj + (double)active[f] - both[f];
		v[len].feature = f;
		v[len++].value = uni > 0 ? both[f] / uni : 0;
	}
	*n_out = best(v, len, n, out);
	free(both);
	free(v);
	return 0;
}
