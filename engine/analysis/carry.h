/* Carrying labels from one SAE to another by decoder direction: an old
 * labelled feature j is matched to the new feature f whose decoder column
 * has the largest cosine with j's, one to one, best first, keeping only
 * pairs with cosine >= a floor (0.9 by default). The matches are
 * suggestions: a person confirms them (safer labels --carry-from).
 *
 * Shapes: d model width; old decoder [m_old, d], new [m_new, d] (row j =
 * decoder column j); n labelled old features. */
#ifndef ENGINE_ANALYSIS_CARRY_H
#define ENGINE_ANALYSIS_CARRY_H

#include <stddef.h>

#include "engine/base/err.h"

#define CARRY_MIN_COSINE 0.9

typedef struct sf_carry {
	int old_feature, new_feature;
	double cosine;
} sf_carry;

/* Matches for the n old features feat[] (each < m_old), best first (by
 * cosine descending, ties by old then new id): *out malloc'd, *n_out of
 * them (at most n). A feature whose decoder column is zero matches
 * nothing. */
int carry_match(const float *dec_old, int m_old, const float *dec_new, int m_new, int d,
                const int *feat, size_t n, double min_cos, sf_carry **out, size_t *n_out,
                sf_err *e);

#endif
