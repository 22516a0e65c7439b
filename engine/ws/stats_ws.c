/* WS/stats-<rows>.bin through the common cache header and policy
 * (cache.h). The file holds the computed arrays byte for byte, so a read
 * gives exactly what stats_compute gave. */
#include "engine/ws/stats_ws.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/ws/cache_ws.h"
#include "engine/ws/workspace.h"

#define STATS_VERSION 1
#define STATS_HEAD 24 /* rows_chosen, rows_rejected, mu */

static size_t stats_bytes(size_t m) { return STATS_HEAD + m * (5 * 8 + 4 + 4 + 4); }

int stats_compute_ws(sf_stats *out, const latents *l, const store *s, int rows_mode,
                     const sf_progress *p, sf_err *e)
{
	if (l->n_rows != store_nrows(s))
		return sf_fail(e, "latents: %zu rows but the store has %zu", l->n_rows,
		               store_nrows(s));
	return stats_compute_off(out, l->idx, l->val, l->off, store_side(s), store_flags(s), l->n_rows, l->k,
	                     l->m, rows_mode, p, e);
}

/* The payload's arrays in file order: [0..5) f64, [5] f32, [6..8) i32. */
static void arrays(const sf_stats *st, const void *a[8])
{
	a[0] = st->chosen_sum, a[1] = st->rejected_sum, a[2] = st->salience;
	a[3] = st->density_chosen, a[4] = st->density_rejected, a[5] = st->max_act;
	a[6] = st->order, a[7] = st->rank;
}

static const size_t elem[8] = { 8, 8, 8, 8, 8, 4, 4, 4 };

static int stats_check(void *ctx, const cache_map *mp, const char *path, sf_err *e)
{
	(void)ctx;
	size_t n = (size_t)mp->h.key.param[1], m = (size_t)mp->h.key.param[3];
	if (m == 0 || m > INT32_MAX || stats_bytes(m) != mp->h.payload_size)
		return sf_fail(e, "%s: damaged statistics (size)", path);
	const unsigned char *b = mp->payload;
	uint64_t rc, rr;
	memcpy(&rc, b, 8);
	memcpy(&rr, b + 8, 8);
	if (rc > n || rr > n - rc)
		return sf_fail(e, "%s: damaged statistics (row counts)", path);
	const double *d = (const double *)(b + STATS_HEAD);
	const float *mx = (const float *)(d + 5 * m);
	const int32_t *order = (const int32_t *)(mx + m), *rank = order + m;
	for (size_t j = 0; j < 5 * m; j++)
		if (!isfinite(d[j]))
			return sf_fail(e, "%s: damaged statistics (value %zu)", path, j);
	for (size_t j = 0; j < m; j++) {
		if (!(mx[j] >= 0) || isinf(mx[j]))
			return sf_fail(e, "%s: damaged statistics (max of feature %zu)", path, j);
		if (order[j] < 0 || (size_t)order[j] >= m || rank[order[j]] != (int32_t)j)
			return sf_fail(e, "%s: damaged statistics (order)", path);
	}
	return 0;
}

/* The arrays of a current cache file, copied out; unmaps mp. */
static int from_mapping(sf_stats *out, cache_map *mp, int rows_mode, sf_err *e)
{
	sf_stats st;
	if (stats_alloc(&st, (int)mp->h.key.param[3], e)) {
		cache_unmap(mp);
		return -1;
	}
	uint64_t rc, rr;
	memcpy(&rc, mp->payload, 8);
	memcpy(&rr, mp->payload + 8, 8);
	memcpy(&st.mu, mp->payload + 16, 8);
	st.rows_chosen = (size_t)rc, st.rows_rejected = (size_t)rr;
	st.rows_mode = rows_mode;
	const void *a[8];
	arrays(&st, a);
	const unsigned char *at = mp->payload + STATS_HEAD;
	for (int i = 0; i < 8; i++) {
		size_t n = (size_t)st.m * elem[i];
		memcpy((void *)a[i], at, n);
		at += n;
	}
	cache_unmap(mp);
	*out = st;
	return 0;
}

static void cache_name(char name[32], int rows_mode)
{
	snprintf(name, 32, "stats-%s.bin", rows_mode_name(rows_mode));
}

int stats_ws_cached(sf_stats *out, struct ws *w, const char *sae_fp, int rows_mode, int *found,
                    sf_err *e)
{
	*found = 0;
	char name[32], path[4096];
	cache_name(name, rows_mode);
	if (ws_file(w, name, path, sizeof path, e))
		return -1;
	cache_key want = { .kind = CACHE_STATS, .version = STATS_VERSION, .match = 1 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	snprintf(want.sae_fp, sizeof want.sae_fp, "%s", sae_fp);
	want.param[0] = (uint64_t)rows_mode;
	cache_map mp;
	sf_err de;
	/* Stale or damaged: not found here; stats_ws deals with it. */
	if (cache_map_file(&mp, path, &want, stats_check, NULL, NULL, &de) != CACHE_CURRENT)
		return 0;
	if (mp.h.key.param[1] != store_nrows(ws_store(w))) {
		cache_unmap(&mp);
		return 0;
	}
	if (from_mapping(out, &mp, rows_mode, e))
		return -1;
	*found = 1;
	return 0;
}

typedef struct stats_build {
	const latents *l;
	const store *s;
	int rows_mode;
	sf_stats st;
	int built;
	unsigned char head[STATS_HEAD];
} stats_build;

static int build(void *ctx, cache_hdr *h, cache_seg *seg, int *nseg, const sf_progress *p,
                 sf_err *e)
{
	stats_build *b = ctx;
	(void)h;
	if (stats_compute_ws(&b->st, b->l, b->s, b->rows_mode, p, e))
		return -1;
	b->built = 1;
	uint64_t rc = b->st.rows_chosen, rr = b->st.rows_rejected;
	memcpy(b->head, &rc, 8);
	memcpy(b->head + 8, &rr, 8);
	memcpy(b->head + 16, &b->st.mu, 8);
	const void *a[8];
	arrays(&b->st, a);
	seg[0] = (cache_seg){ b->head, STATS_HEAD };
	for (int i = 0; i < 8; i++)
		seg[1 + i] = (cache_seg){ a[i], (size_t)b->st.m * elem[i] };
	*nseg = 9;
	return 0;
}

int stats_ws(sf_stats *out, struct ws *w, const latents *l, int rows_mode,
             const sf_progress *p, int *cached, sf_err *e)
{
	if (cached)
		*cached = 0;
	if (rows_mode != ROWS_SENTENCE && rows_mode != ROWS_ALL)
		return sf_fail(e, "stats: unknown rows mode %d", rows_mode);
	if (l->n_rows != store_nrows(ws_store(w)))
		return sf_fail(e, "latents: %zu rows but the store has %zu", l->n_rows,
		               store_nrows(ws_store(w)));
	char name[32];
	cache_name(name, rows_mode);
	cache_key want = { .kind = CACHE_STATS, .version = STATS_VERSION, .match = 15 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	memcpy(want.sae_fp, l->sae_fingerprint, 17);
	want.param[0] = (uint64_t)rows_mode, want.param[1] = l->n_rows;
	want.param[2] = (uint64_t)l->k, want.param[3] = (uint64_t)l->m;
	static const cache_ops ops = { stats_check, build };
	stats_build b = { .l = l, .s = ws_store(w), .rows_mode = rows_mode };
	cache_map mp;
	int from_file;
	if (cache_open(&mp, w, name, &want, &ops, &b, p, &from_file, e)) {
		if (b.built)
			stats_free(&b.st);
		return -1;
	}
	if (!from_file) {
		*out = b.st;
		return 0;
	}
	if (from_mapping(out, &mp, rows_mode, e))
		return -1;
	if (cached)
		*cached = 1;
	return 0;
}
