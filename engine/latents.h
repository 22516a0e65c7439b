/* Latents: the SAE's top-k code of every store row, the input of all the
 * analysis. Row r of the latents is row r of the store. Within a row the k
 * entries are sorted by value, largest first. Rows that were not encoded
 * (prompt rows, unless asked) hold value 0 everywhere.
 *
 * Cached in the workspace as latents.bin, keyed by the data fingerprint and
 * the SAE's fingerprint; latents_open refuses a stale or damaged cache. */
#ifndef ENGINE_LATENTS_H
#define ENGINE_LATENTS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/err.h"
#include "engine/progress.h"

typedef struct latents {
	size_t n_rows; /* = store rows */
	int k;         /* entries per row */
	int m;         /* SAE width: every idx < m */
	const uint32_t *idx; /* [n_rows, k] */
	const float *val;    /* [n_rows, k] */
	char sae_fingerprint[17];
	void *priv_; /* owner's bookkeeping (mapping) */
} latents;

struct ws;

/* Open the workspace's latents cache; fails with a message that says to
 * run `safer encode` (or train) when missing or stale. */
int latents_open(latents **out, struct ws *w, sf_err *e);
void latents_close(latents *l);

#endif
