/* The latents index: for every feature and side, the rows where it fires,
 * strongest first. Built once from the latents (a counting pass, a scatter,
 * a sort per list). The workspace keeps it as index.bin (engine/ws/index_ws.h).
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
#include "engine/base/progress.h"
#include "engine/formats/store.h"

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
	void *priv_;            /* heap arrays, or the owner's release */
} sf_index;

/* Build from plain arrays (no workspace). idx/val [N, k], side [N].
 * Fails when N >= 2^32 or an idx is >= m. */
int index_build(sf_index **out, const uint32_t *idx, const float *val,
                const uint8_t *side, size_t n_rows, int k, int m,
                const sf_progress *p, sf_err *e);
/* The same with row offsets (codes.h): off NULL is index_build. */
int index_build_off(sf_index **out, const uint32_t *idx, const float *val, const uint64_t *off,
                    const uint8_t *side, size_t n_rows, int k, int m, const sf_progress *p,
                    sf_err *e);

/* Check arrays made elsewhere (a file) as completely as a damaged cache
 * needs: offsets off [m*SIDE_COUNT + 1] monotonic from 0 to E, and every
 * entry of ent [E] with row < n_rows, a positive finite activation, lists
 * sorted. The message does not name a file. */
int index_check(size_t n_rows, int m, uint64_t n_entries, const uint64_t *off,
                const sf_ientry *ent, sf_err *e);
/* An index over arrays that another owner keeps (a mapped file, checked
 * with index_check first): index_close calls release(ctx) (may be NULL).
 * On failure release is not called. */
int index_wrap(sf_index **out, size_t n_rows, int k, int m, uint64_t n_entries,
               const uint64_t *off, const sf_ientry *ent, void (*release)(void *ctx),
               void *ctx, sf_err *e);
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
