/* Interval samples of a feature (safer-method.md §11) and uniformly random
 * samples of its activating rows, each with token context as top_rows
 * gives it (engine/analysis/top.h).
 *
 * For one feature and side, the positive activations on the rows in use,
 * ascending, a_0 <= ... <= a_{n-1}: interval q of Q (q = 0 the weakest)
 * holds ranks floor(q n / Q) .. floor((q+1) n / Q) - 1, its bounds lo and
 * hi the smallest and largest activation in it. Samples of an interval are
 * taken at evenly spaced ranks inside it: with c ranks and s samples,
 * rank begin + floor((2t + 1) c / (2 s)) for t = 0..s-1 (all of them when
 * s >= c), weakest first.
 *
 * Both read the index's list of (feature, side), which is sorted strongest
 * first; O(list length) per call, whatever Q or the sample count. */
#ifndef ENGINE_ANALYSIS_INTERVALS_H
#define ENGINE_ANALYSIS_INTERVALS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/analysis/index.h"
#include "engine/analysis/top.h"
#include "engine/base/err.h"
#include "engine/formats/store.h"

typedef struct sf_interval {
	size_t begin, end; /* ascending ranks [begin, end) */
	float lo, hi;      /* 0 when the interval is empty */
} sf_interval;

enum { INTERVALS_MAX = 1000 };

/* The Q intervals (1 <= Q <= INTERVALS_MAX) of (feature, side) into iv[Q]
 * and up to per samples of each into out[Q * per], interval by interval,
 * weakest first; quant[Q * per] (may be NULL) gets each sample's
 * interval. *n_out gets the samples written, *total (may be NULL) the
 * activating rows in use. Contexts are at most `window` tokens. */
int intervals_rows(const sf_index *ix, const store *s, int feature, int side, int rows_mode,
                   int Q, size_t per, int window, sf_interval *iv, sf_top_row *out,
                   int *quant, size_t *n_out, size_t *total, sf_err *e);

/* Up to n activating rows of (feature, side) in use drawn uniformly
 * without replacement (seeded: the same seed gives the same rows), into
 * out[n] strongest first. */
int intervals_random(const sf_index *ix, const store *s, int feature, int side,
                     int rows_mode, size_t n, uint64_t seed, int window, sf_top_row *out,
                     size_t *n_out, size_t *total, sf_err *e);

#endif
