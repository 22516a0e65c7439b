/* Feature statistics, safer-method.md §4.
 *
 * Shapes: N rows, k entries per row, m features. One pass over the latents
 * (rows in use only), accumulating per-feature sums in double; then mu,
 * s_j and the |s_j| order. */
#include "engine/analysis/stats.h"

#include "engine/analysis/codes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *rows_mode_name(int mode)
{
	return mode == ROWS_ALL ? "all" : "sentence";
}

const char *rows_mode_text(int mode)
{
	return mode == ROWS_ALL ? "all token rows (--rows all)" : "sentence-end rows (--rows sentence)";
}

int rows_mode_parse(const char *s, int *mode)
{
	if (!strcmp(s, "sentence"))
		*mode = ROWS_SENTENCE;
	else if (!strcmp(s, "all"))
		*mode = ROWS_ALL;
	else
		return -1;
	return 0;
}

void stats_free(sf_stats *st)
{
	if (!st)
		return;
	free(st->chosen_sum);
	free(st->rejected_sum);
	free(st->salience);
	free(st->density_chosen);
	free(st->density_rejected);
	free(st->max_act);
	free(st->order);
	free(st->rank);
	memset(st, 0, sizeof *st);
}

/* qsort_r, not qsort with a static key: stats are computed on worker
 * threads. ctx is the salience array. */
static int by_abs_salience(const void *a, const void *b, void *ctx)
{
	const double *key = ctx;
	int i = *(const int *)a, j = *(const int *)b;
	double x = fabs(key[i]), y = fabs(key[j]);
	if (x != y)
		return x > y ? -1 : 1;
	return (i > j) - (i < j);
}

int stats_alloc(sf_stats *st, int m, sf_err *e)
{
	memset(st, 0, sizeof *st);
	st->m = m;
	size_t n = (size_t)m;
	st->chosen_sum = calloc(n, sizeof(double));
	st->rejected_sum = calloc(n, sizeof(double));
	st->salience = calloc(n, sizeof(double));
	st->density_chosen = calloc(n, sizeof(double));
	st->density_rejected = calloc(n, sizeof(double));
	st->max_act = calloc(n, sizeof(float));
	st->order = calloc(n, sizeof(int));
	st->rank = calloc(n, sizeof(int));
	if (!st->chosen_sum || !st->rejected_sum || !st->salience || !st->density_chosen ||
	    !st->density_rejected || !st->max_act || !st->order || !st->rank) {
		stats_free(st);
		return sf_fail(e, "stats: out of memory for %d features", m);
	}
	return 0;
}

/* mu, s_j, densities and the order, once the sums and counts are in;
 * -1 when the sums are not finite (then nothing is ordered). */
static int stats_finish(sf_stats *st, sf_err *e)
{
	int m = st->m;
	double total = 0;
	for (int j = 0; j < m; j++)
		total += st->chosen_sum[j] + st->rejected_sum[j];
	if (!isfinite(total))
		return sf_fail(e, "stats: the feature sums are not finite (the latents hold "
		               "infinite values; encode again)");
	st->mu = m ? total / (2.0 * m) : 0;
	for (int j = 0; j < m; j++) {
		double c = st->chosen_sum[j], r = st->rejected_sum[j];
		double den = c + r + 2 * st->mu;
		st->salience[j] = den != 0 ? (c - r) / den : 0;
		/* densities hold counts until here */
		st->density_chosen[j] = st->rows_chosen ? st->density_chosen[j] / (double)st->rows_chosen : 0;
		st->density_rejected[j] =
			st->rows_rejected ? st->density_rejected[j] / (double)st->rows_rejected : 0;
		st->order[j] = j;
	}
	qsort_r(st->order, (size_t)m, sizeof(int), by_abs_salience, st->salience);
	for (int i = 0; i < m; i++)
		st->rank[st->order[i]] = i;
	return 0;
}

int stats_compute(sf_stats *out, const uint32_t *idx, const float *val,
                  const uint8_t *side, const uint8_t *flags, size_t n_rows,
                  int k, int m, int rows_mode, const sf_progress *p, sf_err *e)
{
	return stats_compute_off(out, idx, val, NULL, side, flags, n_rows, k, m, rows_mode, p, e);
}

int stats_compute_off(sf_stats *out, const uint32_t *idx, const float *val, const uint64_t *off,
                      const uint8_t *side, const uint8_t *flags, size_t n_rows, int k, int m,
                      int rows_mode, const sf_progress *p, sf_err *e)
{
	if (m <= 0 || (k <= 0 && !off))
		return sf_fail(e, "stats: bad shape (m %d, k %d)", m, k);
	sf_stats st;
	if (stats_alloc(&st, m, e))
		return -1;
	st.rows_mode = rows_mode;
	const size_t chunk = 1 << 16;
	for (size_t r = 0; r < n_rows; r++) {
		if ((r % chunk) == 0 && r &&
		    sf_progress_report(p, (double)r / (double)n_rows, "feature statistics")) {
			stats_free(&st);
			return sf_fail(e, "cancelled");
		}
		if (!row_in_use(side[r], flags[r], rows_mode))
			continue;
		int chosen = side[r] == SIDE_CHOSEN;
		double *sum = chosen ? st.chosen_sum : st.rejected_sum;
		double *cnt = chosen ? st.density_chosen : st.density_rejected;
		if (chosen)
			st.rows_chosen++;
		else
			st.rows_rejected++;
		size_t b, nk = codes_row(off, k, r, &b);
		const uint32_t *ir = idx + b;
		const float *vr = val + b;
		for (size_t i = 0; i < nk; i++) {
			float v = vr[i];
			if (!(v > 0))
				continue; /* only positive activations count (and NaN never) */
			uint32_t j = ir[i];
			if (j >= (uint32_t)m) {
				stats_free(&st);
				return sf_fail(e, "latents: row %zu has feature %u >= m = %d", r, j, m);
			}
			sum[j] += v;
			cnt[j] += 1;
			if (v > st.max_act[j])
				st.max_act[j] = v;
		}
	}
	if (stats_finish(&st, e)) {
		stats_free(&st);
		return -1;
	}
	sf_progress_report(p, 1.0, "feature statistics");
	*out = st;
	return 0;
}

int stats_histogram(const sf_index *ix, const uint8_t *flags, const sf_stats *st,
                    int feature, int side, int nbins, float hi, uint32_t *counts,
                    size_t *zeros, sf_err *e)
{
	if (feature < 0 || feature >= ix->m || feature >= st->m)
		return sf_fail(e, "no feature %d (the SAE has %d)", feature, ix->m);
	if (side != SIDE_CHOSEN && side != SIDE_REJECTED)
		return sf_fail(e, "histogram: side must be chosen or rejected");
	if (nbins <= 0)
		return sf_fail(e, "histogram: need at least one bin");
	if (!(hi > 0))
		hi = st->max_act[feature];
	memset(counts, 0, (size_t)nbins * sizeof *counts);
	size_t n, fired = 0;
	const sf_ientry *l = index_list(ix, feature, side, &n);
	for (size_t i = 0; i < n; i++) {
		uint32_t r = ientry_row(l[i]);
		if (!row_in_use((uint8_t)side, flags[r], st->rows_mode))
			continue;
		fired++;
		float a = ientry_act(l[i]);
		long b = hi > 0 ? (long)((double)a / hi * nbins) : 0;
		if (b >= nbins)
			b = nbins - 1;
		if (b < 0)
			b = 0;
		counts[b]++;
	}
	if (zeros) {
		size_t rows = side == SIDE_CHOSEN ? st->rows_chosen : st->rows_rejected;
		*zeros = rows >= fired ? rows - fired : 0;
	}
	return 0;
}
