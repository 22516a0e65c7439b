/* Latents: the SAE's code of every store row, the input of all the
 * analysis. Row r of the latents is row r of the store. Within a row the
 * entries are sorted by value, largest first. A TopK SAE gives k entries
 * per row (off NULL; rows that were not encoded, prompt rows unless asked,
 * hold value 0 everywhere); JumpReLU and ReLU SAEs a varying number (k 0,
 * row r's entries are off[r] .. off[r+1]; rows not encoded have none).
 * latents_row reads either.
 *
 * Cached in the workspace as latents.bin (cache.h, kind "LATS": param[0]
 * rows, [1] k, [2] m, [3] entries when k is 0; flag 1: prompt rows
 * encoded; payload idx u32 [N, k] then val f32 [N, k], or off u64 [N+1],
 * idx u32 [E], val f32 [E]), keyed by the data fingerprint and the SAE's
 * fingerprint; latents_open refuses a stale or damaged cache. */
#ifndef ENGINE_WS_LATENTS_H
#define ENGINE_WS_LATENTS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/analysis/codes.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"

typedef struct latents {
	size_t n_rows; /* = store rows */
	int k;         /* entries per row; 0: a varying count (off) */
	int m;         /* SAE width: every idx < m */
	const uint32_t *idx; /* [n_rows, k], or [n_entries] */
	const float *val;    /* [n_rows, k], or [n_entries] */
	const uint64_t *off; /* [n_rows + 1] when k is 0, else NULL */
	size_t n_entries;    /* n_rows * k, or off[n_rows] */
	char sae_fingerprint[17];
	void *priv_; /* owner's bookkeeping (mapping) */
} latents;

/* Row r's entries: their number, *idx and *val pointing at them. */
static inline size_t latents_row(const latents *l, size_t r, const uint32_t **idx,
                                 const float **val)
{
	size_t b, n = codes_row(l->off, l->k, r, &b);
	*idx = l->idx + b;
	*val = l->val + b;
	return n;
}

struct ws;

/* Open the workspace's latents cache; fails saying "latents are missing"
 * or "latents are stale (why)" when it is not current (the caller decides
 * whether to encode). */
int latents_open(latents **out, struct ws *w, sf_err *e);
void latents_close(latents *l);
/* latents_open, except that a damaged cache (header, checksum, size,
 * indices) is not trusted but rebuilt with the workspace's SAE, reporting
 * through p, when the workspace is writable. note (note_len > 0) gets one
 * line saying it was rebuilt, or "" when it was not. Read-only, or with no
 * SAE to rebuild from, a damaged cache is refused with one line saying
 * why. Missing or stale caches are refused as by latents_open. */
int latents_open_repair(latents **out, struct ws *w, const sf_progress *p, char *note,
                        size_t note_len, sf_err *e);

struct sae;
/* Encode a sample of up to 512 rows spread over the store with s (fewer
 * for an SAE so wide that they would take more than 64 MB): fails
 * (naming the SAE as `name`, and the row) when a code is not finite, so
 * that an SAE whose weights overflow on these activations is refused
 * before it is kept; and, for the varying kinds, when the sample's mean
 * number of active latents per row exceeds SAE_MAX_MEAN_L0. */
int latents_probe(struct ws *w, const struct sae *s, const char *name, sf_err *e);
/* Encode every chosen and rejected row (and the prompt rows when
 * with_prompt) with s and write WS/latents.bin atomically. Does nothing
 * (*rebuilt = 0) when the cache already holds this SAE's codes of this
 * data, unless force. Cancellable through p. */
int latents_build(struct ws *w, const struct sae *s, int with_prompt, int force,
                  const sf_progress *p, int *rebuilt, sf_err *e);

/* Encode as latents_build does, into memory (for a read-only workspace):
 * nothing is written. Checked against physical memory first. */
int latents_encode_mem(latents **out, struct ws *w, const struct sae *s, int with_prompt,
                       const sf_progress *p, sf_err *e);

/* 1 when latents.bin's header says it holds this SAE's codes of this
 * data; the payload is not checked (cheap: for titles and `safer info`). */
int latents_present(struct ws *w);

/* 1 when latents.bin is current for the workspace's SAE, 0 when missing or
 * stale (why in e), -1 on a damaged file. */
int latents_current(struct ws *w, sf_err *e);

#endif
