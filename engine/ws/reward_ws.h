/* The reward head and the reward effects of a workspace (safer-method.md
 * §10), through the common cache header and policy (cache.h):
 *
 *   WS/head.bin     the proxy head (kind "HEAD"; param[0] d; payload f64
 *                   bias, f32 w [d]), keyed by the data fingerprint. The
 *                   reward model's own head, when the activation file has
 *                   one, is read from the file and never cached.
 *   WS/effects.bin  e_j = w . d_j (kind "REFF"; param[0] m, [1] d; flags:
 *                   head kind | normalize << 4; payload f64 [m]), keyed by
 *                   the data and SAE fingerprints.
 *
 * What a cache is made from (the pooled activations, the SAE, the head) is
 * asked for through a callback only when the cache will not do, so a
 * current cache answers without reading the SAE or the activations. */
#ifndef ENGINE_WS_REWARD_WS_H
#define ENGINE_WS_REWARD_WS_H

#include "engine/analysis/bteval.h"
#include "engine/analysis/head.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/sae/sae.h"

struct ws;

/* The workspace's head: the file's own, else the proxy from head.bin or
 * trained on the pooled activations that pooled() gives (and cached). */
int head_ws(sf_head *out, struct ws *w,
            int (*pooled)(void *ctx, const sf_pooled **pp, sf_err *e), void *ctx,
            const sf_progress *p, sf_err *e);

/* The reward effects for the SAE with fingerprint sae_fp: effects.bin when
 * current, else computed from what need() gives and cached. */
int effects_ws(sf_effects *out, struct ws *w, const char *sae_fp,
               int (*need)(void *ctx, const sae **model, const sf_head **h, sf_err *e),
               void *ctx, sf_err *e);

#endif
