/* Reward attribution of one pair (safer-method.md §10): how much each SAE
 * feature moves the pair's margin under the reward head.
 *
 * Shapes: n_c chosen rows, n_r rejected rows (all rows of each side, as
 * the pooling of the head), k kept values per row, m features.
 *
 *   c_j(resp)         = (1/n) sum_{r in resp} s_r z_rj e_j   (z as encoded, all k values)
 *   contribution_j(i) = c_j(chosen_i) - c_j(rejected_i)
 *   residual          = margin_i - sum_j contribution_j(i)
 *
 * s_r is the row's input scale (attrib_row_scale): std_r + 1e-6 (std with
 * n-1) when the SAE standardises its input, std_r + 1e-5 for SAELens's
 * layer_norm, |x_r|/sqrt(d) for constant_norm_rescale, else 1. */
#ifndef ENGINE_ANALYSIS_ATTRIB_H
#define ENGINE_ANALYSIS_ATTRIB_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"

typedef struct sf_contrib {
	int feature;
	double value;
} sf_contrib;

typedef struct sf_attrib {
	double margin;       /* w . (pool(chosen) - pool(rejected)) */
	double features_sum; /* sum of every feature's contribution */
	double residual;     /* margin - features_sum */
	size_t n;            /* features with a non-zero contribution */
	sf_contrib *c;       /* [n] by |value| descending, ties by feature id */
} sf_attrib;

/* s_r of one raw row x [d] (normalize: SAE_NORM_*). */
double attrib_row_scale(const float *x, int d, int normalize);

/* From the codes idx/val/off/k (codes.h) of the chosen rows [c0, c0 + n_c)
 * and the rejected rows [r0, r0 + n_r), their scales [n_c] and [n_r], the
 * reward effects e [m] and the pair's margin. Fails only when out of
 * memory or an index is >= m. */
int attrib_compute(sf_attrib *out, const uint32_t *idx, const float *val, const uint64_t *off,
                   int k, size_t c0, const double *scale_c, size_t n_c, size_t r0,
                   const double *scale_r, size_t n_r, int m, const double *effect,
                   double margin, sf_err *e);
void attrib_free(sf_attrib *a);

/* What a listing of the first n contributions needs as its last line to
 * add up to the margin: margin - sum of c[0..n). */
double attrib_rest(const sf_attrib *a, size_t n);

#endif
