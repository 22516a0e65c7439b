/* WS/pooled.bin through the common cache header and policy (cache.h). */
#include "engine/ws/pooled_ws.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ws/cache_ws.h"
#include "engine/ws/workspace.h"

#define POOL_VERSION 1

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static int pool_check(void *ctx, const cache_map *m, const char *path, sf_err *e)
{
	(void)ctx;
	size_t P = (size_t)m->h.key.param[0], d = (size_t)m->h.key.param[1];
	if (pad8(P) + P * d * sizeof(float) != m->h.payload_size)
		return sf_fail(e, "%s: damaged cache (size)", path);
	const uint8_t *ok = m->payload;
	const float *diff = (const float *)(m->payload + pad8(P));
	for (size_t i = 0; i < P; i++) {
		if (ok[i] > 1)
			return sf_fail(e, "%s: damaged cache (pair %zu)", path, i);
		for (size_t j = 0; j < d; j++)
			if (!isfinite(diff[i * d + j]))
				return sf_fail(e, "%s: damaged cache (pair %zu)", path, i);
	}
	return 0;
}

typedef struct pool_build {
	const store *s;
	size_t P;
	sf_pooled *out;
	int built;
} pool_build;

static int build(void *ctx, cache_hdr *h, cache_seg *seg, int *nseg, const sf_progress *p,
                 sf_err *e)
{
	static const unsigned char zero[8];
	pool_build *b = ctx;
	(void)h;
	if (bt_pool(b->out, b->s, b->P, p, e))
		return -1;
	b->built = 1;
	seg[0] = (cache_seg){ b->out->ok, b->P };
	seg[1] = (cache_seg){ zero, pad8(b->P) - b->P };
	seg[2] = (cache_seg){ b->out->diff, b->P * (size_t)b->out->d * sizeof(float) };
	*nseg = 3;
	return 0;
}

int bt_pool_ws(sf_pooled *out, struct ws *w, const sf_progress *p, sf_err *e)
{
	const store *s = ws_store(w);
	size_t P = ws_pairs(w)->n;
	int d = store_dim(s);
	memset(out, 0, sizeof *out);
	cache_key want = { .kind = CACHE_POOLED, .version = POOL_VERSION, .match = 3 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	want.param[0] = P, want.param[1] = (uint64_t)d;
	static const cache_ops ops = { pool_check, build };
	pool_build b = { s, P, out, 0 };
	cache_map mp;
	int from_file;
	if (cache_open(&mp, w, "pooled.bin", &want, &ops, &b, p, &from_file, e)) {
		if (b.built)
			bt_pool_free(out);
		return -1;
	}
	if (!from_file)
		return 0;
	/* a copy: sf_pooled owns its arrays */
	size_t nd = P * (size_t)d;
	out->ok = malloc(P ? P : 1);
	out->diff = malloc((nd ? nd : 1) * sizeof(float));
	if (!out->ok || !out->diff) {
		cache_unmap(&mp);
		bt_pool_free(out);
		return sf_fail(e, "pooled activations: out of memory");
	}
	memcpy(out->ok, mp.payload, P);
	memcpy(out->diff, mp.payload + pad8(P), nd * sizeof(float));
	cache_unmap(&mp);
	out->n_pairs = P;
	out->d = d;
	return 0;
}
