/* The open-or-rebuild policy of cache.h for a cache in a workspace. */
#ifndef ENGINE_WS_CACHE_WS_H
#define ENGINE_WS_CACHE_WS_H

#include "engine/ws/cache.h"

struct ws;

/* Building a kind's result when the file will not do: fill h's flags and
 * the parameters that are not part of the key, and describe the payload
 * as segments of memory that the result owns (kept in ctx). */
typedef struct cache_ops {
	cache_check_fn check;        /* may be NULL */
	int (*build)(void *ctx, cache_hdr *h, cache_seg *seg, int *nseg, const sf_progress *p,
	             sf_err *e);
} cache_ops;

/* WS/name, current for want: mapped into m (*from_file = 1). Otherwise
 * built (*from_file = 0; m untouched; the result is in ctx) and written
 * when the workspace is writable (a write that fails makes it read-only,
 * ws_cannot_write); a damaged file in a read-only workspace is refused
 * with one line saying why. On -1, a result that build made is
 * still in ctx for the caller to free. */
int cache_open(cache_map *m, struct ws *w, const char *name, const cache_key *want,
               const cache_ops *ops, void *ctx, const sf_progress *p, int *from_file, sf_err *e);

#endif
