/* Pair safety scores (engine/analysis/scores.h) of a workspace's latents. */
#ifndef ENGINE_WS_SCORES_WS_H
#define ENGINE_WS_SCORES_WS_H

#include <stddef.h>

#include "engine/analysis/safety.h"
#include "engine/analysis/scores.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/formats/store.h"
#include "engine/ws/latents.h"

/* scores_compute over l and the store's rows (l must cover the store). */
int scores_compute_ws(sf_scores *out, const latents *l, const store *s, size_t n_pairs,
                      const sf_safety *S, int rows_mode, const sf_progress *p,
                      sf_err *e);

#endif
