/* WS/similar.bin through the common cache header and policy. */
#include "engine/ws/similar_ws.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ws/cache_ws.h"
#include "engine/ws/workspace.h"

#define SIMILAR_VERSION 1
#define SIMILAR_KIND CACHE_TAG('S', 'I', 'M', 'L')

static size_t table_bytes(size_t m) { return m * SIMILAR_TABLE * (4 + 8); }

static int similar_check(void *ctx, const cache_map *mp, const char *path, sf_err *e)
{
	(void)ctx;
	size_t m = (size_t)mp->h.key.param[0];
	if (m == 0 || m > INT32_MAX || mp->h.key.param[1] != SIMILAR_TABLE ||
	    table_bytes(m) != mp->h.payload_size)
		return sf_fail(e, "%s: damaged similar features (size)", path);
	const int32_t *ids = (const int32_t *)mp->payload;
	const double *v = (const double *)(mp->payload + m * SIMILAR_TABLE * 4);
	for (size_t i = 0; i < m * SIMILAR_TABLE; i++)
		if (ids[i] < -1 || ids[i] >= (int64_t)m || !isfinite(v[i]) || fabs(v[i]) > 1.001)
			return sf_fail(e, "%s: damaged similar features (entry %zu)", path, i);
	return 0;
}

void similar_ws_free(sf_similar_table *t)
{
	free(t->ids);
	free(t->vals);
	memset(t, 0, sizeof *t);
}

static int alloc_table(sf_similar_table *t, int m, sf_err *e)
{
	t->m = m;
	t->ids = malloc((size_t)m * SIMILAR_TABLE * sizeof *t->ids);
	t->vals = malloc((size_t)m * SIMILAR_TABLE * sizeof *t->vals);
	if (!t->ids || !t->vals) {
		similar_ws_free(t);
		return sf_fail(e, "similar features: out of memory");
	}
	return 0;
}

static int from_mapping(sf_similar_table *out, cache_map *mp, sf_err *e)
{
	int m = (int)mp->h.key.param[0];
	int rc = alloc_table(out, m, e);
	if (!rc) {
		memcpy(out->ids, mp->payload, (size_t)m * SIMILAR_TABLE * 4);
		memcpy(out->vals, mp->payload + (size_t)m * SIMILAR_TABLE * 4,
		       (size_t)m * SIMILAR_TABLE * 8);
	}
	cache_unmap(mp);
	return rc;
}

typedef struct similar_build {
	const sae *model;
	sf_similar_table t;
} similar_build;

static int build(void *ctx, cache_hdr *h, cache_seg *seg, int *nseg, const sf_progress *p,
                 sf_err *e)
{
	similar_build *b = ctx;
	(void)h;
	if (alloc_table(&b->t, b->model->m, e) ||
	    similar_table(b->model->W_dec, b->model->m, b->model->d, b->t.ids, b->t.vals, p, e))
		return -1;
	size_t n = (size_t)b->t.m * SIMILAR_TABLE;
	seg[0] = (cache_seg){ b->t.ids, n * 4 };
	seg[1] = (cache_seg){ b->t.vals, n * 8 };
	*nseg = 2;
	return 0;
}

int similar_ws_open(sf_similar_table *out, struct ws *w, const char *sae_fp, const sae *model,
                    const sf_progress *p, int *found, sf_err *e)
{
	memset(out, 0, sizeof *out);
	*found = 0;
	cache_key want = { .kind = SIMILAR_KIND, .version = SIMILAR_VERSION, .match = 2 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	snprintf(want.sae_fp, sizeof want.sae_fp, "%s", sae_fp);
	want.param[1] = SIMILAR_TABLE;
	cache_map mp;
	if (!model) {
		char path[4096];
		sf_err de;
		if (ws_file(w, "similar.bin", path, sizeof path, e))
			return -1;
		if (cache_map_file(&mp, path, &want, similar_check, NULL, NULL, &de) != CACHE_CURRENT)
			return 0;
		if (from_mapping(out, &mp, e))
			return -1;
		*found = 1;
		return 0;
	}
	want.param[0] = (uint64_t)model->m;
	want.match = 3;
	static const cache_ops ops = { similar_check, build };
	similar_build b = { .model = model };
	int from_file;
	if (cache_open(&mp, w, "similar.bin", &want, &ops, &b, p, &from_file, e)) {
		similar_ws_free(&b.t);
		return -1;
	}
	if (!from_file)
		*out = b.t;
	else if (from_mapping(out, &mp, e))
		return -1;
	*found = 1;
	return 0;
}

void similar_ws_query(const sf_similar_table *t, int feature, size_t n, sf_neighbour *out,
                      size_t *n_out)
{
	size_t got = 0;
	if (feature >= 0 && feature < t->m)
		for (size_t i = 0; i < n && i < SIMILAR_TABLE; i++) {
			int32_t id = t->ids[(size_t)feature * SIMILAR_TABLE + i];
			if (id < 0)
				break;
			out[got].feature = id;
			out[got++].value = t->vals[(size_t)feature * SIMILAR_TABLE + i];
		}
	*n_out = got;
}
