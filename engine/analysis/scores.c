/* Pair safety scores (§6).
 *
 * Shapes: N rows, k entries per row, m features, P pairs. A weight per
 * feature (+1 in S+, -1 in S-, else 0) turns each row's contribution into
 * a k-term dot product; one pass over the rows in use accumulates the
 * per-response sums and row counts. */
#include "engine/analysis/scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/codes.h"
#include "engine/analysis/stats.h"

void scores_free(sf_scores *sc)
{
	if (!sc)
		return;
	free(sc->score);
	free(sc->a_chosen);
	free(sc->a_rejected);
	memset(sc, 0, sizeof *sc);
}

int scores_compute(sf_scores *out, const uint32_t *idx, const float *val,
                   const int32_t *pair, const uint8_t *side, const uint8_t *flags,
                   size_t n_rows, int k, int m, size_t n_pairs, const sf_safety *S,
                   int rows_mode, const sf_progress *p, sf_err *e)
{
	return scores_compute_off(out, idx, val, NULL, pair, side, flags, n_rows, k, m, n_pairs, S,
	                          rows_mode, p, e);
}

int scores_compute_off(sf_scores *out, const uint32_t *idx, const float *val,
                       const uint64_t *off, const int32_t *pair, const uint8_t *side,
                       const uint8_t *flags, size_t n_rows, int k, int m, size_t n_pairs,
                       const sf_safety *S, int rows_mode, const sf_progress *p, sf_err *e)
{
	memset(out, 0, sizeof *out);
	signed char *wt = calloc((size_t)(m > 0 ? m : 1), 1);
	size_t *cnt = calloc(2 * (n_pairs ? n_pairs : 1), sizeof(size_t));
	out->score = calloc(n_pairs ? n_pairs : 1, sizeof(double));
	out->a_chosen = calloc(n_pairs ? n_pairs : 1, sizeof(double));
	out->a_rejected = calloc(n_pairs ? n_pairs : 1, sizeof(double));
	if (!wt || !cnt || !out->score || !out->a_chosen || !out->a_rejected) {
		free(wt);
		free(cnt);
		scores_free(out);
		return sf_fail(e, "scores: out of memory");
	}
	for (int i = 0; i < S->n_plus; i++)
		if (S->plus[i] >= 0 && S->plus[i] < m)
			wt[S->plus[i]] = 1;
	for (int i = 0; i < S->n_minus; i++)
		if (S->minus[i] >= 0 && S->minus[i] < m)
			wt[S->minus[i]] = -1;
	for (size_t r = 0; r < n_rows; r++) {
		if (r % (1 << 18) == 0 && r &&
		    sf_progress_report(p, (double)r / (double)n_rows, "scoring pairs")) {
			free(wt);
			free(cnt);
			scores_free(out);
			return sf_fail(e, "cancelled");
		}
		if (!row_in_use(side[r], flags[r], rows_mode))
			continue;
		if (pair[r] < 0 || (size_t)pair[r] >= n_pairs) {
			free(wt);
			free(cnt);
			scores_free(out);
			return sf_fail(e, "scores: row %zu refers to pair %d of %zu", r, pair[r],
			               n_pairs);
		}
		double a = 0;
		size_t b, nk = codes_row(off, k, r, &b);
		const uint32_t *ir = idx + b;
		const float *vr = val + b;
		for (size_t i = 0; i < nk; i++)
			if (vr[i] > 0 && ir[i] < (uint32_t)m)
				a += wt[ir[i]] * (double)vr[i];
		size_t q = (size_t)pair[r];
		if (side[r] == SIDE_CHOSEN) {
			out->a_chosen[q] += a;
			cnt[2 * q]++;
		} else {
			out->a_rejected[q] += a;
			cnt[2 * q + 1]++;
		}
	}
	for (size_t q = 0; q < n_pairs; q++) {
		if (cnt[2 * q])
			out->a_chosen[q] /= (double)cnt[2 * q];
		if (cnt[2 * q + 1])
			out->a_rejected[q] /= (double)cnt[2 * q + 1];
		out->score[q] = out->a_chosen[q] - out->a_rejected[q];
	}
	free(wt);
	free(cnt);
	/* finite latents give finite sums in double; anything else is latents
	 * that should never have been written */
	for (size_t q = 0; q < n_pairs; q++)
		if (!isfinite(out->score[q])) {
			scores_free(out);
			return sf_fail(e, "scores: pair %zu has a non-finite score (the latents hold "
			               "non-finite values; encode again)", q);
		}
	out->n_pairs = n_pairs;
	out->rows_mode = rows_mode;
	out->fallback = S->fallback;
	sf_progress_report(p, 1.0, "scoring pairs");
	return 0;
}
