/* Features like a given one: by the direction they write (decoder cosine)
 * and by the rows they fire on together (Jaccard index).
 *
 *   cosine(j, f)  = d_j . d_f / (|d_j| |f_f|), d the decoder rows W_dec [m, d]
 *                   (0 against a zero row)
 *   jaccard(j, f) = |A_j ∩ A_f| / |A_j ∪ A_f|, A_f the rows in use where f
 *                   fires (z > 0), both sides
 *
 * Both list the n best other features (j itself excluded), descending,
 * ties by feature id; a cosine query is O(m d), a Jaccard query O(|A_j|
 * entries per row) over the latents' rows where j fires. */
#ifndef ENGINE_ANALYSIS_SIMILAR_H
#define ENGINE_ANALYSIS_SIMILAR_H

#include <stddef.h>
#include <stdint.h>

#include "engine/analysis/index.h"
#include "engine/base/err.h"

typedef struct sf_neighbour {
	int feature;
	double value;
} sf_neighbour;

/* W_dec [m, d]; out [n]. */
int similar_cosine(const float *W_dec, int m, int d, int feature, size_t n, sf_neighbour *out,
                   size_t *n_out, sf_err *e);

/* The SIMILAR_TABLE best neighbours by cosine of every feature, for a
 * cache: ids/vals [m * SIMILAR_TABLE], row f the list of feature f as
 * similar_cosine gives it (the candidates found with one sgemm per block
 * of features over the normalised decoder, their values then taken as
 * similar_cosine takes them, so that both agree). O(m^2 d) time, O(m d)
 * extra memory; cancellable through p. */
enum { SIMILAR_TABLE = 64 };
struct sf_progress;
int similar_table(const float *W_dec, int m, int d, int32_t *ids, double *vals,
                  const struct sf_progress *p, sf_err *e);

/* idx/val [N, k] the latents (entries with val <= 0 are unused slots),
 * (or off [N+1] row offsets when k is 0, engine/analysis/codes.h),
 * flags [N] the rows' flags, active [m] how many rows in use each feature
 * fires on (both sides); out [n]. Only features that share a row with j
 * are listed. */
int similar_cooccur(const sf_index *ix, const uint32_t *idx, const float *val, int k,
                    const uint64_t *off,
                    const uint8_t *flags, int rows_mode, const uint64_t *active, int feature,
                    size_t n, sf_neighbour *out, size_t *n_out, sf_err *e);

/* active [m] for similar_cooccur from the statistics' densities (rows in
 * use of each side times its density, rounded). */
struct sf_stats;
void similar_active_counts(const struct sf_stats *st, uint64_t *active);

#endif
