/* The latents index: for every feature and side, the rows where it fires,
 * strongest first. Built once from the latents (a counting pass, a scatter,
 * a sort per list) and kept in the workspace as index.bin, keyed by the
 * data and SAE fingerprints; reopened through mmap, rebuilt when stale.
 *
 * Shapes: N rows, k entries per row, m features, E indexed entries (the
 * positive ones among the N*k). Memory and disk are O(E), never O(N*m).
 *
 * Only positive activations are indexed: zero marks an unencoded row, and
 * every consumer (stats, top rows, scores) reads z+ = max(z, 0). Every row
 * is indexed whatever its flags; callers that want sentence-end rows skip
 * the others (cheap: lists are short and sorted). */
#ifndef ENGINE_ANALYSIS_INDEX_H
#define ENGINE_ANALYSIS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/ws/latents.h"
#include "engine/base/progress.h"
#include "engine/formats/store.h"

struct ws;

/* One entry packed into 64 bits so that sorting the integers sorts by
 * activation (descending), then row (ascending):
 *   bits 63..32 = ~float_bits(act)  (act > 0, so float bits are monotonic)
 *   bits 31..0  = row
 * Use the helpers below, not the bits. */
typedef uint64_t sf_ientry;

static inline uint32_t ientry_row(sf_ientry e) { return (uint32_t)e; }
static inline float ientry_act(sf_ientry e)
{
	union { uint32_t u; float f; } v = { .u = ~(uint32_t)(e >> 32) };
	return v.f;
}

typedef struct sf_index {
	size_t n_rows;
	int k, m;
	uint64_t n_entries;     /* E */
	const uint64_t *off;    /* [m*SIDE_COUNT + 1]: list (f, side) is [off[f*3+side], off[f*3+side+1]) */
	const sf_ientry *ent;   /* [E] */
	char data_fingerprint[17];
	char sae_fingerprint[17];
	void *priv_;            /* mapping or heap block */
} sf_index;

/* Build from plain arrays (no workspace). idx/val [N, k], side [N].
 * Fails when N >= 2^32 or an idx is >= m. */
int index_build(sf_index **out, const uint32_t *idx, const float *val,
                const uint8_t *side, size_t n_rows, int k, int m,
                const sf_progress *p, sf_err *e);

/* The workspace's index: open WS/index.bin when it matches the latents
 * (fingerprints, shape), otherwise build it from l and write it atomically
 * (unless the workspace is read-only: then it is only built in memory).
 * *rebuilt (may be NULL) says whether it was built. */
int index_open(sf_index **out, struct ws *w, const latents *l,
               const sf_progress *p, int *rebuilt, sf_err *e);

/* Load an index file made from the given shape and fingerprints (16 hex
 * digits each). A missing file, or one made from other data, sets *stale
 * and returns 0 with *out untouched; a damaged one is an error. */
int index_load_file(sf_index **out, const char *path, size_t n_rows, int k, int m,
                    const char *data_fp, const char *sae_fp, int *stale, sf_err *e);

/* Write ix to path atomically (index_open does this itself). */
int index_save(const sf_index *ix, const char *path, sf_err *e);
void index_close(sf_index *ix);

/* The list of (feature, side), strongest first: entries [0, *n). */
static inline const sf_ientry *index_list(const sf_index *ix, int feature, int side,
                                          size_t *n)
{
	size_t b = (size_t)feature * SIDE_COUNT + (size_t)side;
	*n = (size_t)(ix->off[b + 1] - ix->off[b]);
	return ix->ent + ix->off[b];
}

#endif
