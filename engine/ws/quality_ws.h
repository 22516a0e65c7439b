/* SAE quality figures (engine/analysis/quality.h) of a workspace, cached
 * per rows mode as WS/quality-<rows>.bin (cache.h, kind "QUAL"; param[0]
 * rows mode, [1] rows, [2] k, [3] m; payload f64 [QUALITY_FIELDS]: the
 * figures in the order of to_f64 in quality_ws.c, then the
 * histogram), keyed by the data and SAE fingerprints and the rows mode.
 * Building it reads every row once and trains the proxy head. */
#ifndef ENGINE_WS_QUALITY_WS_H
#define ENGINE_WS_QUALITY_WS_H

#include "engine/analysis/quality.h"
#include "engine/ws/latents.h"

struct ws;

/* The cached figures for the SAE with fingerprint sae_fp, without the
 * latents, SAE or pooled rows: *found = 1 when the file is current and
 * intact, else 0 (out untouched; quality_ws then decides). */
int quality_ws_cached(sf_quality *out, struct ws *w, const char *sae_fp, int rows_mode,
                      int *found, sf_err *e);

/* The quality of the workspace's SAE over l under rows_mode: from the
 * cache when current (*cached = 1; cached may be NULL), else computed from
 * model, l, st (the statistics of l under rows_mode) and raw (the pooled
 * raw rows) and saved when the workspace is writable. */
int quality_ws(sf_quality *out, struct ws *w, const sae *model, const latents *l,
               const sf_stats *st, const sf_pooled *raw, int rows_mode, const sf_progress *p,
               int *cached, sf_err *e);

#endif
