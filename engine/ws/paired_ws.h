/* Paired salience (engine/analysis/paired.h) of a workspace's latents,
 * cached per rows mode as WS/paired-sentence.bin and WS/paired-all.bin
 * (cache.h, kind "PSAL"; param[0] rows mode, [1] rows, [2] resamples,
 * [3] seed; param[2] and [3] and the fingerprints are the key, with the
 * rows mode; payload u64 train pairs, u64 m, then f64 [m] mean, lo, hi). */
#ifndef ENGINE_WS_PAIRED_WS_H
#define ENGINE_WS_PAIRED_WS_H

#include "engine/analysis/paired.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/ws/latents.h"

struct ws;

/* The paired salience for the SAE with fingerprint sae_fp under rows_mode
 * (PAIRED_RESAMPLES resamples from PAIRED_SEED): the cache when current
 * (*cached = 1), else computed from the latents that need() gives and
 * saved (not when read-only). cached may be NULL. */
int paired_ws(sf_paired *out, struct ws *w, const char *sae_fp, int rows_mode,
              int (*need)(void *ctx, const latents **l, sf_err *e), void *ctx,
              const sf_progress *p, int *cached, sf_err *e);

#endif
