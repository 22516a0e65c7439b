/* WS/index.bin: the latents index (engine/analysis/index.h) as a cache
 * (cache.h, kind "INDX"; param[0] rows, [1] k, [2] m, [3] E; payload
 * off u64 [m*SIDE_COUNT + 1] then ent u64 [E]), keyed by the data and SAE
 * fingerprints and the shape; reopened through mmap, rebuilt when stale. */
#ifndef ENGINE_WS_INDEX_WS_H
#define ENGINE_WS_INDEX_WS_H

#include <stddef.h>

#include "engine/analysis/index.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/ws/latents.h"

struct ws;

/* The workspace's index: open WS/index.bin when it matches the latents
 * (fingerprints, shape), otherwise build it from l and write it atomically
 * (unless the workspace is read-only: then it is only built in memory).
 * A damaged file is rebuilt, or refused when read-only. *rebuilt (may be
 * NULL) says whether it was built. */
int index_open(sf_index **out, struct ws *w, const latents *l,
               const sf_progress *p, int *rebuilt, sf_err *e);

/* Load an index file made from the given shape and fingerprints (16 hex
 * digits each). A missing file, or one made from other data, sets *stale
 * and returns 0 with *out untouched; a damaged one is an error. */
int index_load_file(sf_index **out, const char *path, size_t n_rows, int k, int m,
                    const char *data_fp, const char *sae_fp, int *stale, sf_err *e);
/* Write ix to path atomically, keyed by its fingerprints (index_open does
 * this itself). */
int index_save(const sf_index *ix, const char *path, sf_err *e);

#endif
