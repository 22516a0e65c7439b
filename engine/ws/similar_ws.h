/* The decoder-cosine neighbours of every feature (engine/analysis/
 * similar.h, similar_table) as a cache, so that `safer similar` answers
 * without reading the SAE: WS/similar.bin (cache.h, kind "SIML"; param[0]
 * m, [1] SIMILAR_TABLE; payload i32 ids [m, SIMILAR_TABLE] (-1 past the
 * end of a short list), then f64 values [m, SIMILAR_TABLE]), keyed by the
 * data and SAE fingerprints. Built from the SAE in O(m^2 d). */
#ifndef ENGINE_WS_SIMILAR_WS_H
#define ENGINE_WS_SIMILAR_WS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/analysis/similar.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/sae/sae.h"

struct ws;

typedef struct sf_similar_table {
	int m;
	int32_t *ids;  /* [m * SIMILAR_TABLE] */
	double *vals;  /* [m * SIMILAR_TABLE] */
} sf_similar_table;

/* The table of the SAE with fingerprint sae_fp: read from the cache when
 * current (*found = 1). Otherwise, with model (that SAE) given, built,
 * saved when the workspace is writable, and *found = 1; with model NULL,
 * *found = 0 and nothing is done. A damaged file is rebuilt (with model)
 * or refused when read-only. */
int similar_ws_open(sf_similar_table *out, struct ws *w, const char *sae_fp, const sae *model,
                    const sf_progress *p, int *found, sf_err *e);
void similar_ws_free(sf_similar_table *t);

/* The first n (at most SIMILAR_TABLE) neighbours of feature from t. */
void similar_ws_query(const sf_similar_table *t, int feature, size_t n, sf_neighbour *out,
                      size_t *n_out);

#endif
