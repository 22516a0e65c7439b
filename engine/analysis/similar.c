/* Decoder-cosine and co-occurrence neighbours of a feature (similar.h). */
#include "engine/analysis/similar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/stats.h"

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
	memcpy(out, v, take * sizeof *out);
	return take;
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
	double qq = 0;
	for (int i = 0; i < d; i++)
		qq += (double)q[i] * q[i];
	size_t len = 0;
	for (int f = 0; f < m; f++) {
		if (f == feature)
			continue;
		const float *r = W_dec + (size_t)f * (size_t)d;
		float dot = 0, rr = 0; /* float sums vectorise; d is at most a few thousand */
		for (int i = 0; i < d; i++) {
			dot += q[i] * r[i];
			rr += r[i] * r[i];
		}
		double den = sqrt(qq) * sqrt((double)rr);
		v[len].feature = f;
		v[len++].value = den > 0 ? dot / den : 0;
	}
	*n_out = best(v, len, n, out);
	free(v);
	return 0;
}

void similar_active_counts(const sf_stats *st, uint64_t *active)
{
	for (int f = 0; f < st->m; f++)
		active[f] = (uint64_t)llround(st->density_chosen[f] * (double)st->rows_chosen) +
		            (uint64_t)llround(st->density_rejected[f] * (double)st->rows_rejected);
}

int similar_cooccur(const sf_index *ix, const uint32_t *idx, const float *val, int k,
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
			const uint32_t *ri = idx + r * (size_t)k;
			const float *rv = val + r * (size_t)k;
			for (int t = 0; t < k; t++)
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
