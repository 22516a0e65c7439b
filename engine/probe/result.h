/* What a probe shows: the rows a probe server sent for one response,
 * encoded with the workspace's SAE exactly as stored rows are (the same
 * sae_encode on the same f32 values: standardisation, TopK, ReLU as the
 * SAE says), and summed up.
 *
 *   features  every feature with a positive activation on some row of the
 *             response (all its rows, token level): total = sum of z+,
 *             max, rows = rows where z > 0; by total, descending (ties:
 *             lower feature first)
 *   score     a(resp) of safer-method.md §6 under the safety sets S, over
 *             the rows in use (rows_mode, as the pair scores), computed by
 *             scores_compute itself
 * Shapes: n rows, d width; k kept latents per row for TopK, or (k 0) a
 * varying count per row with row offsets off [n+1] (codes.h). */
#ifndef ENGINE_PROBE_RESULT_H
#define ENGINE_PROBE_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/analysis/safety.h"
#include "engine/base/err.h"
#include "engine/probe/reply.h"
#include "engine/sae/sae.h"

typedef struct probe_feature {
	int feature;
	double total; /* sum of positive activations */
	float max;
	int rows;     /* rows where it is > 0 */
} probe_feature;

typedef struct probe_result {
	size_t n;
	int k;          /* 0: a varying count per row (off) */
	uint32_t *idx;  /* [n,k] or [off[n]] */
	float *val;     /* the same, largest first in a row */
	uint64_t *off;  /* [n+1] when k is 0, else NULL */
	probe_feature *feat;
	int n_feat;
	double score;   /* a(resp) */
	int score_rows; /* rows in use that a(resp) averaged (0: none, a = 0) */
} probe_result;

/* Fails when the rows' d is not the SAE's, or a code is not finite. */
int probe_result_compute(probe_result *out, const sae *s, const probe_rows *r,
                         const sf_safety *S, int rows_mode, sf_err *e);
void probe_result_free(probe_result *p);

/* Row r's entries: their number, *idx and *val pointing at them. */
size_t probe_row(const probe_result *p, size_t r, const uint32_t **idx, const float **val);
/* Row r's activation of feature f (0 when not kept). */
float probe_row_act(const probe_result *p, size_t r, int f);
/* Row r's S+/S- score: sum over S+ of z+ minus sum over S- of z+. */
double probe_row_score(const probe_result *p, size_t r, const sf_safety *S);
/* The entry of feature f in p->feat, or NULL. */
const probe_feature *probe_result_feature(const probe_result *p, int f);

#endif
