/* Pair safety scores (safer-method.md §6).
 *
 *   a(resp)  = (1/n) sum over the response's rows in use r of
 *              ( sum_{j in S+} z+_rj - sum_{j in S-} z+_rj ),  n >= 1
 *              (n = 1 when the response has no rows in use: a = 0)
 *   score_i  = a(chosen_i) - a(rejected_i)
 *
 * Rows in use: sentence ends (default) or all rows, as in stats.h.
 * Computed for every pair; plans use the train pairs only. */
#ifndef ENGINE_ANALYSIS_SCORES_H
#define ENGINE_ANALYSIS_SCORES_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/formats/pairs.h"
#include "engine/base/progress.h"
#include "engine/analysis/safety.h"
#include "engine/formats/store.h"

typedef struct sf_scores {
	size_t n_pairs;
	double *score;      /* [n_pairs] */
	double *a_chosen;   /* [n_pairs] */
	double *a_rejected; /* [n_pairs] */
	int rows_mode;
	int fallback;       /* copied from the safety sets */
} sf_scores;

/* From plain arrays: idx/val [N, k]; pair/side/flags [N] with rows sorted
 * by (pair, side, pos); every pair < n_pairs. */
int scores_compute(sf_scores *out, const uint32_t *idx, const float *val,
                   const int32_t *pair, const uint8_t *side, const uint8_t *flags,
                   size_t n_rows, int k, int m, size_t n_pairs, const sf_safety *S,
                   int rows_mode, const sf_progress *p, sf_err *e);
/* The same with row offsets (codes.h): off NULL is scores_compute. */
int scores_compute_off(sf_scores *out, const uint32_t *idx, const float *val,
                       const uint64_t *off, const int32_t *pair, const uint8_t *side,
                       const uint8_t *flags, size_t n_rows, int k, int m, size_t n_pairs,
                       const sf_safety *S, int rows_mode, const sf_progress *p, sf_err *e);
void scores_free(sf_scores *sc);

#endif
