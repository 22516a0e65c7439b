/* The binary caches of a workspace (latents.bin, index.bin, pooled.bin,
 * stats-<rows>.bin, pairs.bin, head.bin, effects.bin, paired-<rows>.bin) share one header and one open-or-rebuild policy.
 *
 * Layout (little-endian):
 *   0    magic "SAFERCA1"
 *   8    u32 kind (four ASCII letters), u32 version of the kind's payload
 *   16   u32 header size (128), u32 flags (the kind's)
 *   24   data fingerprint (16 hex), SAE fingerprint (16 hex, or 16 zeros)
 *   56   u64 param[4]: shape (rows, k, m, ... as the kind says)
 *   88   u64 payload size, u64 payload checksum
 *   104  u64 header checksum (of bytes 0..104), zero padding to 128
 *   128  payload
 * The payload checksum hashes 1 MiB blocks, each seeded with its number,
 * and folds the block hashes in order.
 *
 * A cache is current when its key (kind, version, both fingerprints and
 * the parameters the reader asks to match) is the wanted one. Missing, or
 * made from something else, it is stale: rebuilt. Damaged (header, size,
 * checksum, or the kind's own checks) it is never trusted: rebuilt when
 * the workspace is writable, refused when read-only (that policy, for a
 * workspace's caches: cache_ws.h). */
#ifndef ENGINE_WS_CACHE_H
#define ENGINE_WS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/atomic.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"

#define CACHE_MAGIC "SAFERCA1"
#define CACHE_HEADER 128
#define CACHE_NPARAM 4
#define CACHE_SEGS 12
#define CACHE_TAG(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

enum {
	CACHE_LATENTS = CACHE_TAG('L', 'A', 'T', 'S'),
	CACHE_INDEX = CACHE_TAG('I', 'N', 'D', 'X'),
	CACHE_POOLED = CACHE_TAG('P', 'O', 'O', 'L'),
	CACHE_STATS = CACHE_TAG('S', 'T', 'A', 'T'),
	CACHE_PAIRS = CACHE_TAG('P', 'A', 'I', 'R'),
	CACHE_HEAD = CACHE_TAG('H', 'E', 'A', 'D'),
	CACHE_EFFECTS = CACHE_TAG('R', 'E', 'F', 'F'),
	CACHE_PAIRED = CACHE_TAG('P', 'S', 'A', 'L'),
};

typedef struct cache_key {
	uint32_t kind, version;
	char data_fp[17];
	char sae_fp[17];              /* "" when the cache does not depend on an SAE */
	uint64_t param[CACHE_NPARAM];
	uint32_t match;               /* bit i set: param[i] is part of the key */
} cache_key;

typedef struct cache_hdr {
	cache_key key;                /* match is not stored */
	uint32_t flags;
	uint64_t payload_size, payload_sum;
} cache_hdr;

/* A cache file mapped read-only. */
typedef struct cache_map {
	cache_hdr h;
	const unsigned char *payload; /* h.payload_size bytes */
	void *base_;
	size_t len_;
} cache_map;

/* The kind's own checks of a mapped payload whose checksum held (shape
 * against size, values in range); 0, or -1 with e naming the problem. */
typedef int (*cache_check_fn)(void *ctx, const cache_map *m, const char *path, sf_err *e);

enum { CACHE_CURRENT = 0, CACHE_STALE = 1, CACHE_DAMAGED = -1 };

/* Map path and judge it against want. CACHE_CURRENT: m holds it.
 * CACHE_STALE: missing or made from something else; *why (may be NULL)
 * says which, in a few words ("missing", "SAE changed", ...). CACHE_DAMAGED:
 * e says what, naming path. m is mapped only for CACHE_CURRENT. */
int cache_map_file(cache_map *m, const char *path, const cache_key *want, cache_check_fn check,
                   void *ctx, const char **why, sf_err *e);
void cache_unmap(cache_map *m);
/* The header of path when it is intact (magic, header checksum), whatever
 * the payload: 0, else -1. */
int cache_peek(const char *path, cache_hdr *h);

/* Writing: cache_create opens path atomically and leaves room for the
 * header (the payload goes at CACHE_HEADER, written in any order);
 * cache_commit sums the payload as written, fills in the header from h
 * (key and flags) and renames the file into place. On failure the target
 * is left as it was. */
int cache_create(atomic_file *af, const char *path, sf_err *e);
int cache_commit(atomic_file *af, const cache_hdr *h, sf_err *e);

typedef struct cache_seg {
	const void *p;
	size_t n;
} cache_seg;
/* Write a payload given as segments, in order. */
int cache_write(const char *path, const cache_hdr *h, const cache_seg *seg, int nseg, sf_err *e);

#endif
