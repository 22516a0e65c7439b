/* WS/paired-<rows>.bin through the common cache header and policy. */
#include "engine/ws/paired_ws.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/stats.h"
#include "engine/ws/cache_ws.h"
#include "engine/ws/workspace.h"

#define PAIRED_VERSION 1
#define PAIRED_HEAD 16

static int paired_check(void *ctx, const cache_map *mp, const char *path, sf_err *e)
{
	(void)ctx;
	uint64_t n, m;
	if (mp->h.payload_size < PAIRED_HEAD)
		return sf_fail(e, "%s: damaged cache (size)", path);
	memcpy(&n, mp->payload, 8);
	memcpy(&m, mp->payload + 8, 8);
	if (m == 0 || m > INT32_MAX || PAIRED_HEAD + m * 24 != mp->h.payload_size || n == 0)
		return sf_fail(e, "%s: damaged cache (size)", path);
	const double *v = (const double *)(mp->payload + PAIRED_HEAD);
	for (size_t j = 0; j < 3 * m; j++)
		if (!isfinite(v[j]))
			return sf_fail(e, "%s: damaged cache (value %zu)", path, j);
	for (size_t j = 0; j < m; j++)
		if (!(v[m + j] <= v[2 * m + j]))
			return sf_fail(e, "%s: damaged cache (interval of feature %zu)", path, j);
	return 0;
}

typedef struct paired_build {
	struct ws *w;
	int (*need)(void *ctx, const latents **l, sf_err *e);
	void *ctx;
	int rows_mode;
	sf_paired *out;
	int built;
	uint64_t head[2];
} paired_build;

static int build(void *ctx, cache_hdr *h, cache_seg *seg, int *nseg, const sf_progress *p,
                 sf_err *e)
{
	paired_build *b = ctx;
	const latents *l;
	const store *s = ws_store(b->w);
	const pairs *P = ws_pairs(b->w);
	if (b->need(b->ctx, &l, e))
		return -1;
	if (l->n_rows != store_nrows(s))
		return sf_fail(e, "latents: %zu rows but the store has %zu", l->n_rows,
		               store_nrows(s));
	unsigned char *tr = malloc(P->n ? P->n : 1);
	if (!tr)
		return sf_fail(e, "paired salience: out of memory");
	for (size_t i = 0; i < P->n; i++)
		tr[i] = pairs_split(P, i) == SPLIT_TRAIN;
	int rc = paired_compute(b->out, l->idx, l->val, l->off, store_pair(s), store_side(s),
	                        store_flags(s), l->n_rows, l->k, l->m, tr, P->n, b->rows_mode,
	                        PAIRED_RESAMPLES, PAIRED_SEED, p, e);
	free(tr);
	if (rc)
		return -1;
	b->built = 1;
	size_t m = (size_t)b->out->m;
	b->head[0] = b->out->n_pairs, b->head[1] = m;
	h->key.param[1] = l->n_rows;
	seg[0] = (cache_seg){ b->head, PAIRED_HEAD };
	seg[1] = (cache_seg){ b->out->mean, m * 8 };
	seg[2] = (cache_seg){ b->out->lo, m * 8 };
	seg[3] = (cache_seg){ b->out->hi, m * 8 };
	*nseg = 4;
	return 0;
}

int paired_ws(sf_paired *out, struct ws *w, const char *sae_fp, int rows_mode,
              int (*need)(void *ctx, const latents **l, sf_err *e), void *ctx,
              const sf_progress *p, int *cached, sf_err *e)
{
	if (cached)
		*cached = 0;
	if (rows_mode != ROWS_SENTENCE && rows_mode != ROWS_ALL)
		return sf_fail(e, "paired salience: unknown rows mode %d", rows_mode);
	char name[32];
	snprintf(name, sizeof name, "paired-%s.bin", rows_mode_name(rows_mode));
	cache_key want = { .kind = CACHE_PAIRED, .version = PAIRED_VERSION, .match = 15 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	snprintf(want.sae_fp, sizeof want.sae_fp, "%s", sae_fp);
	want.param[0] = (uint64_t)rows_mode;
	want.param[1] = store_nrows(ws_store(w));
	want.param[2] = PAIRED_RESAMPLES, want.param[3] = PAIRED_SEED;
	static const cache_ops ops = { paired_check, build };
	paired_build b = { .w = w, .need = need, .ctx = ctx, .rows_mode = rows_mode, .out = out };
	cache_map mp;
	int from_file;
	if (cache_open(&mp, w, name, &want, &ops, &b, p, &from_file, e)) {
		if (b.built)
			paired_free(out);
		return -1;
	}
	if (!from_file)
		return 0;
	uint64_t n, m;
	memcpy(&n, mp.payload, 8);
	memcpy(&m, mp.payload + 8, 8);
	if (paired_alloc(out, (int)m, e)) {
		cache_unmap(&mp);
		return -1;
	}
	const unsigned char *v = mp.payload + PAIRED_HEAD;
	memcpy(out->mean, v, m * 8);
	memcpy(out->lo, v + m * 8, m * 8);
	memcpy(out->hi, v + 2 * m * 8, m * 8);
	cache_unmap(&mp);
	out->rows_mode = rows_mode, out->resamples = PAIRED_RESAMPLES, out->seed = PAIRED_SEED;
	out->n_pairs = (size_t)n;
	if (cached)
		*cached = 1;
	return 0;
}
