/* How a feature fires per category of pair and per side: for category c
 * and side s, the fraction of the rows in use of the responses on side s
 * of pairs of category c where the feature fires (z_j > 0). Rows in use
 * as in stats.h (sentence ends, or all rows). Every pair counts, train
 * and test alike, as in the statistics.
 *
 * From the latents index: one pass over the entries of the features
 * asked for. Shapes: m features, C categories, P pairs, N rows. */
#ifndef ENGINE_ANALYSIS_CATSTATS_H
#define ENGINE_ANALYSIS_CATSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/analysis/index.h"

typedef struct sf_catstats {
	int m, n_cat, rows_mode;
	uint64_t *rows;  /* [n_cat][2] rows in use per category, chosen then rejected */
	uint64_t *fires; /* [m][n_cat][2] of those, rows where the feature fires */
} sf_catstats;

/* pair_cat [P]: each pair's category number (0..n_cat-1); pair, side,
 * flags [N] the store's. feature < 0: every feature; else only that one
 * (the others' counts stay 0). */
int catstats_compute(sf_catstats *out, const sf_index *ix, const int32_t *pair,
                     const uint8_t *side, const uint8_t *flags, size_t n_rows,
                     const size_t *pair_cat, size_t n_pairs, int n_cat, int rows_mode,
                     int feature, sf_err *e);
void catstats_free(sf_catstats *cs);

/* The fraction of category c's rows on side s (0 chosen, 1 rejected)
 * where feature f fires; 0 when the category has no such rows. */
double catstats_density(const sf_catstats *cs, int f, int c, int s);

#endif
