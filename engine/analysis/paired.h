/* Paired salience (safer-method.md §12): per feature, the mean over train
 * pairs of the per-pair difference of mean positive activations, chosen
 * minus rejected, with a percentile bootstrap interval over pairs.
 *
 * Shapes: N rows, k kept values per row, m features, P pairs, n train
 * pairs (the pairs with split train, in index order), B resamples.
 *
 *   D_ij = (1/n_c) sum_{chosen rows in use} z+_rj - (1/n_r) sum_{rejected rows in use} z+_rj
 *          (n_c, n_r >= 1: 1 where a side has no rows in use)
 *   mean_j = (1/n) sum_i D_ij
 *   resample b: n draws t of a train pair, each at position
 *               floor(u_t * n) of the train pairs, u_t = sf_unit_double of
 *               the t-th output of splitmix64 from state seed + b;
 *               its mean M_bj = (1/n) sum_t D_{draw_t, j}
 *   lo_j, hi_j = the 2.5% and 97.5% percentiles of M_.j, interpolated
 *                linearly between order statistics at q (B - 1) (numpy's
 *                default).
 *
 * The resampling walks the features in columns and the resamples in blocks
 * so that a block's counts stay in cache; threads share the features.
 * Deterministic for a seed, whatever the thread count. */
#ifndef ENGINE_ANALYSIS_PAIRED_H
#define ENGINE_ANALYSIS_PAIRED_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/base/progress.h"

#define PAIRED_RESAMPLES 1000
#define PAIRED_SEED 1

typedef struct sf_paired {
	int m;
	int rows_mode;
	int resamples;
	uint64_t seed;
	size_t n_pairs;  /* train pairs */
	double *mean;    /* [m] */
	double *lo, *hi; /* [m] the 95% interval */
} sf_paired;

/* From plain arrays: codes idx/val/off/k (codes.h), pair/side/flags [N]
 * (rows sorted by pair), is_train [P]. resamples >= 2. */
int paired_compute(sf_paired *out, const uint32_t *idx, const float *val, const uint64_t *off,
                   const int32_t *pair,
                   const uint8_t *side, const uint8_t *flags, size_t n_rows, int k, int m,
                   const unsigned char *is_train, size_t n_pairs, int rows_mode, int resamples,
                   uint64_t seed, const sf_progress *p, sf_err *e);
int paired_alloc(sf_paired *out, int m, sf_err *e);
void paired_free(sf_paired *pp);

/* 1 when feature j's interval holds 0 (the data do not tell its sign). */
int paired_spans_zero(const sf_paired *pp, int j);

#endif
