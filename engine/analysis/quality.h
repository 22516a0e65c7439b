/* How well the SAE fits the rows (safer-method.md §3, §13), how its
 * features are spread, and how much of what a reward head reads it keeps.
 *
 * Over the rows in use, in the SAE's input space (x~ the normalised row,
 * x^ = b_pre + sum_j z_j d_j its reconstruction, all kept values):
 *   EV   = 1 - sum_r |x~_r - x^_r|^2 / sum_r |x~_r - mean x~|^2
 *   NMSE = mean_r |x^_r - x~_r|^2 / |x~_r|^2   (rows with x~ = 0 left out)
 *   L0   = mean_r number of latents > 0
 * Features: dead when they never fire on the rows in use, dense when they
 * fire on more than QUALITY_DENSE of them; the live ones binned by
 * log10(density), QUALITY_BINS_PER_DECADE bins a decade, from the decade
 * of one row in all of them up to 1.
 * Reward head (§8): the Bradley-Terry proxy head trained on the unedited
 * train pairs' raw pooled rows, scored on the test pairs twice: on the raw
 * rows, and on the reconstructions taken back to the raw space
 * (x = mu_r + s_r x^ for standardize, as in §10; x^ itself for none),
 * pooled over every row of each response as §8 pools. */
#ifndef ENGINE_ANALYSIS_QUALITY_H
#define ENGINE_ANALYSIS_QUALITY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/analysis/bteval.h"
#include "engine/analysis/stats.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/formats/pairs.h"
#include "engine/formats/store.h"
#include "engine/sae/sae.h"

#define QUALITY_DENSE 0.1
enum { QUALITY_BINS_PER_DECADE = 4, QUALITY_MAX_BINS = 64 };

typedef struct sf_quality {
	int rows_mode;
	uint64_t rows;           /* rows in use */
	int m, k, d;
	double ev, nmse, l0;
	uint64_t dead, dense;
	int hist_bins;
	double hist_lo;          /* log10 of the first bin's lower edge; the last ends at 0 */
	uint64_t hist[QUALITY_MAX_BINS];
	int head;                /* 1 when the head was measured (train and test pairs) */
	uint64_t test_pairs;
	double acc_raw, acc_recon;
} sf_quality;

/* EV, NMSE and L0 of q over s's rows in use (idx/val [N, k] the latents of
 * s's rows under sae), and recon_diff [P, d] (may be NULL): per pair, the
 * pooled reconstruction of chosen minus that of rejected in the raw space
 * (NaN where a response has no rows). Reads every row once. */
int quality_fit(sf_quality *q, const store *s, const sae *model, const uint32_t *idx,
                const float *val, int k, const uint64_t *off, int rows_mode, size_t n_pairs, float *recon_diff,
                const sf_progress *p, sf_err *e);
/* Dead and dense features and the log10-density histogram from st. */
void quality_features(sf_quality *q, const sf_stats *st);
/* The head's test accuracy on raw (the pooled raw rows) and on the
 * reconstructions (recon_diff [P, d]); q->head = 0 when there are no
 * train or no test pairs. */
int quality_head(sf_quality *q, const sf_pooled *raw, const float *recon_diff, const pairs *P,
                 const sf_progress *p, sf_err *e);
/* Bin b's edges in log10 density. */
double quality_bin_edge(const sf_quality *q, int b);

#endif
