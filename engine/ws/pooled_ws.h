/* WS/pooled.bin: the pooled activation differences of the reward head
 * (engine/analysis/bteval.h) as a cache (cache.h, kind "POOL"; param[0]
 * pairs P, [1] d; payload ok u8 [P] padded to 8 bytes, then diff f32
 * [P, d]), keyed by the data fingerprint. */
#ifndef ENGINE_WS_POOLED_WS_H
#define ENGINE_WS_POOLED_WS_H

#include "engine/analysis/bteval.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"

struct ws;

/* The workspace's pooled vectors: WS/pooled.bin when it matches, else
 * pooled from the store and cached (not when read-only). A damaged file
 * is rebuilt, or refused when read-only. */
int bt_pool_ws(sf_pooled *out, struct ws *w, const sf_progress *p, sf_err *e);

#endif
