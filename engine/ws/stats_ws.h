/* Feature statistics (engine/analysis/stats.h) of a workspace's latents,
 * cached per rows mode as WS/stats-sentence.bin and WS/stats-all.bin
 * (cache.h, kind "STAT"; param[0] rows mode, [1] rows, [2] k, [3] m;
 * payload u64 rows_chosen, u64 rows_rejected, f64 mu, then f64 [m]
 * chosen_sum, rejected_sum, salience, density_chosen, density_rejected,
 * f32 [m] max_act, i32 [m] order, i32 [m] rank), keyed by the data and
 * SAE fingerprints and the rows mode. */
#ifndef ENGINE_WS_STATS_WS_H
#define ENGINE_WS_STATS_WS_H

#include "engine/analysis/stats.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/formats/store.h"
#include "engine/ws/latents.h"

struct ws;

/* The statistics of l under rows_mode: read from the cache when it is
 * current (*cached = 1, the very numbers that were computed), else
 * computed from the arrays and saved (not when read-only; *cached = 0).
 * A damaged file is recomputed, or refused when read-only. cached may be
 * NULL. */
int stats_ws(sf_stats *out, struct ws *w, const latents *l, int rows_mode,
             const sf_progress *p, int *cached, sf_err *e);

/* The cached statistics for the SAE with fingerprint sae_fp, without the
 * latents (so without reading them): *found = 1 when the file is current
 * and intact, else 0 (and out untouched; stats_ws then decides). */
int stats_ws_cached(sf_stats *out, struct ws *w, const char *sae_fp, int rows_mode, int *found,
                    sf_err *e);

/* Computed from a workspace's latents and store, without the cache. */
int stats_compute_ws(sf_stats *out, const latents *l, const store *s, int rows_mode,
                     const sf_progress *p, sf_err *e);

#endif
