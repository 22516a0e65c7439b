/* One pair's reward attribution (engine/analysis/attrib.h) from a
 * workspace's store and latents: the pair's raw rows give each row's input
 * scale s_r and the margin w . (pool(chosen) - pool(rejected)), the
 * latents give the codes. Reads only that pair's rows. */
#ifndef ENGINE_WS_ATTRIB_WS_H
#define ENGINE_WS_ATTRIB_WS_H

#include <stddef.h>

#include "engine/analysis/attrib.h"
#include "engine/analysis/head.h"
#include "engine/base/err.h"
#include "engine/formats/store.h"
#include "engine/ws/latents.h"

/* Fails (naming the pair) when a side of the pair has no rows. */
int attrib_pair_ws(sf_attrib *out, const store *s, const latents *l, const sf_head *h,
                   const sf_effects *ef, size_t pair, sf_err *e);

#endif
