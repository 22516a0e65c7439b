/* Feature statistics (safer-method.md §4) over "the rows": sentence-end
 * rows (SAFER's choice, the default) or all token rows.
 *
 *   C_j = sum of z+_rj over rows r of chosen responses
 *   R_j = same over rejected responses
 *   mu  = mean of the 2m numbers {C_j} and {R_j}
 *   s_j = (C_j - R_j) / (C_j + R_j + 2 mu), 0 where the denominator is 0
 *
 * Density per side: the fraction of that side's rows in use where z_j > 0.
 * Shapes: N rows, k entries per row, m features. Sums are in double. */
#ifndef ENGINE_ANALYSIS_STATS_H
#define ENGINE_ANALYSIS_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/analysis/index.h"
#include "engine/base/progress.h"
#include "engine/formats/store.h"

/* Which rows count. Recorded with every result computed from them. */
enum { ROWS_SENTENCE = 0, ROWS_ALL = 1 };
const char *rows_mode_name(int mode);           /* "sentence", "all" */
int rows_mode_parse(const char *s, int *mode);  /* 0 ok, -1 unknown */
/* The rows of a mode in words, for every output that says which rows a
 * ranking or a score used: "sentence-end rows (--rows sentence)". */
const char *rows_mode_text(int mode);

/* Does row r (its side and flags) count under mode? Prompt rows never do. */
static inline int row_in_use(uint8_t side, uint8_t flags, int mode)
{
	if (side != SIDE_CHOSEN && side != SIDE_REJECTED)
		return 0;
	return mode == ROWS_ALL || (flags & ROW_SENT_END);
}

typedef struct sf_stats {
	int m;
	int rows_mode;
	size_t rows_chosen, rows_rejected; /* rows in use per side */
	double mu;
	double *chosen_sum;      /* [m] C_j */
	double *rejected_sum;    /* [m] R_j */
	double *salience;        /* [m] s_j */
	double *density_chosen;  /* [m] */
	double *density_rejected;/* [m] */
	float *max_act;          /* [m] over rows in use, both sides; 0 if never fires */
	int *order;              /* [m] features by |s_j| descending, ties by id */
	int *rank;               /* [m] rank[f] = position of f in order */
} sf_stats;

/* From plain arrays: idx/val [N, k], side/flags [N]. */
int stats_compute(sf_stats *out, const uint32_t *idx, const float *val,
                  const uint8_t *side, const uint8_t *flags, size_t n_rows,
                  int k, int m, int rows_mode, const sf_progress *p, sf_err *e);
/* The same with row offsets (codes.h): off NULL is stats_compute. */
int stats_compute_off(sf_stats *out, const uint32_t *idx, const float *val, const uint64_t *off,
                      const uint8_t *side, const uint8_t *flags, size_t n_rows, int k, int m,
                      int rows_mode, const sf_progress *p, sf_err *e);
/* Zeroed arrays for m features (to be filled from elsewhere, a file). */
int stats_alloc(sf_stats *st, int m, sf_err *e);
void stats_free(sf_stats *st);

/* Activation histogram of one feature on one side over the rows in use:
 * nbins equal bins over [0, hi] (hi <= 0: the feature's max on either
 * side, so both sides share bins). Only firing rows are counted; *zeros
 * (may be NULL) gets the side's rows in use where it does not fire. */
int stats_histogram(const sf_index *ix, const uint8_t *flags, const sf_stats *st,
                    int feature, int side, int nbins, float hi, uint32_t *counts,
                    size_t *zeros, sf_err *e);

#endif
