/* WS/index.bin through the common cache header and policy (cache.h). */
#include "engine/ws/index_ws.h"

#include <stdlib.h>
#include <string.h>

#include "engine/ws/cache_ws.h"
#include "engine/ws/workspace.h"

#define IDX_VERSION 1

static void idx_key(cache_key *k, size_t n_rows, int kk, int m, const char *data_fp,
                    const char *sae_fp)
{
	memset(k, 0, sizeof *k);
	k->kind = CACHE_INDEX;
	k->version = IDX_VERSION;
	memcpy(k->data_fp, data_fp, 16);
	memcpy(k->sae_fp, sae_fp, 16);
	k->param[0] = n_rows, k->param[1] = (uint64_t)kk, k->param[2] = (uint64_t)m;
	k->match = 7;
}

static int idx_check(void *ctx, const cache_map *m, const char *path, sf_err *e)
{
	(void)ctx;
	uint64_t n = m->h.key.param[0], mm = m->h.key.param[2], E = m->h.key.param[3];
	uint64_t L = mm * SIDE_COUNT;
	if (E > n * m->h.key.param[1] || (L + 1 + E) * 8 != m->h.payload_size)
		return sf_fail(e, "%s: damaged index (size)", path);
	const uint64_t *off = (const uint64_t *)m->payload;
	if (index_check((size_t)n, (int)mm, E, off, (const sf_ientry *)(off + L + 1), e))
		return sf_prefix(e, "%s", path);
	return 0;
}

static void release_map(void *ctx)
{
	cache_unmap(ctx);
	free(ctx);
}

/* The index over a current mapping; takes the mapping either way. */
static int wrap_map(sf_index **out, const cache_map *m, sf_err *e)
{
	cache_map *keep = malloc(sizeof *keep);
	if (!keep) {
		cache_map t = *m;
		cache_unmap(&t);
		return sf_fail(e, "index: out of memory");
	}
	*keep = *m;
	const cache_key *k = &m->h.key;
	const uint64_t *off = (const uint64_t *)m->payload;
	sf_index *ix;
	if (index_wrap(&ix, (size_t)k->param[0], (int)k->param[1], (int)k->param[2], k->param[3],
	               off, (const sf_ientry *)(off + k->param[2] * SIDE_COUNT + 1), release_map,
	               keep, e)) {
		release_map(keep);
		return -1;
	}
	memcpy(ix->data_fingerprint, k->data_fp, 17);
	memcpy(ix->sae_fingerprint, k->sae_fp, 17);
	*out = ix;
	return 0;
}

static void idx_segs(const sf_index *ix, cache_hdr *h, cache_seg *seg, int *nseg)
{
	h->key.param[3] = ix->n_entries;
	seg[0] = (cache_seg){ ix->off, ((size_t)ix->m * SIDE_COUNT + 1) * sizeof(uint64_t) };
	seg[1] = (cache_seg){ ix->ent, (size_t)ix->n_entries * sizeof(sf_ientry) };
	*nseg = 2;
}

int index_load_file(sf_index **out, const char *path, size_t n_rows, int k, int m,
                    const char *data_fp, const char *sae_fp, int *stale, sf_err *e)
{
	*stale = 0;
	cache_key want;
	idx_key(&want, n_rows, k, m, data_fp, sae_fp);
	cache_map mp;
	int rc = cache_map_file(&mp, path, &want, idx_check, NULL, NULL, e);
	if (rc == CACHE_DAMAGED)
		return -1;
	if (rc == CACHE_STALE) {
		*stale = 1;
		return 0;
	}
	return wrap_map(out, &mp, e);
}

int index_save(const sf_index *ix, const char *path, sf_err *e)
{
	cache_hdr h = { 0 };
	idx_key(&h.key, ix->n_rows, ix->k, ix->m, ix->data_fingerprint, ix->sae_fingerprint);
	cache_seg seg[2];
	int nseg;
	idx_segs(ix, &h, seg, &nseg);
	return cache_write(path, &h, seg, nseg, e);
}

typedef struct idx_build {
	const latents *l;
	const uint8_t *side;
	sf_index *ix;
} idx_build;

static int build(void *ctx, cache_hdr *h, cache_seg *seg, int *nseg, const sf_progress *p,
                 sf_err *e)
{
	idx_build *b = ctx;
	const latents *l = b->l;
	if (index_build_off(&b->ix, l->idx, l->val, l->off, b->side, l->n_rows, l->k, l->m, p, e))
		return -1;
	memcpy(b->ix->data_fingerprint, h->key.data_fp, 16);
	memcpy(b->ix->sae_fingerprint, h->key.sae_fp, 16);
	idx_segs(b->ix, h, seg, nseg);
	return 0;
}

int index_open(sf_index **out, struct ws *w, const latents *l,
               const sf_progress *p, int *rebuilt, sf_err *e)
{
	const store *s = ws_store(w);
	if (rebuilt)
		*rebuilt = 0;
	if (l->n_rows != store_nrows(s))
		return sf_fail(e, "latents: %zu rows but the store has %zu", l->n_rows,
		               store_nrows(s));
	cache_key want;
	idx_key(&want, l->n_rows, l->k, l->m, ws_fingerprint(w), l->sae_fingerprint);
	static const cache_ops ops = { idx_check, build };
	idx_build b = { l, store_side(s), NULL };
	cache_map mp;
	int from_file;
	if (cache_open(&mp, w, "index.bin", &want, &ops, &b, p, &from_file, e)) {
		index_close(b.ix);
		return -1;
	}
	if (from_file)
		return wrap_map(out, &mp, e);
	if (rebuilt)
		*rebuilt = 1;
	*out = b.ix;
	return 0;
}
