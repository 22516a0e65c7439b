/* WS/quality-<rows>.bin through the common cache header and policy. */
#include "engine/ws/quality_ws.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ws/cache_ws.h"
#include "engine/ws/workspace.h"

#define QUALITY_VERSION 1
#define QUALITY_KIND CACHE_TAG('Q', 'U', 'A', 'L')
enum { QUALITY_HEAD = 16, QUALITY_FIELDS = QUALITY_HEAD + QUALITY_MAX_BINS };

/* The figures as the payload's f64 values, and back. */
static void to_f64(const sf_quality *q, double *v)
{
	double head[QUALITY_HEAD] = { q->rows_mode, (double)q->rows, q->m, q->k, q->d, q->ev,
		                      q->nmse, q->l0, (double)q->dead, (double)q->dense,
		                      q->hist_bins, q->hist_lo, q->head, (double)q->test_pairs,
		                      q->acc_raw, q->acc_recon };
	memcpy(v, head, sizeof head);
	for (int b = 0; b < QUALITY_MAX_BINS; b++)
		v[QUALITY_HEAD + b] = (double)q->hist[b];
}

static void from_f64(sf_quality *q, const double *v)
{
	memset(q, 0, sizeof *q);
	q->rows_mode = (int)v[0], q->rows = (uint64_t)v[1], q->m = (int)v[2], q->k = (int)v[3];
	q->d = (int)v[4], q->ev = v[5], q->nmse = v[6], q->l0 = v[7];
	q->dead = (uint64_t)v[8], q->dense = (uint64_t)v[9], q->hist_bins = (int)v[10];
	q->hist_lo = v[11], q->head = (int)v[12], q->test_pairs = (uint64_t)v[13];
	for (int b = 0; b < QUALITY_MAX_BINS; b++)
		q->hist[b] = (uint64_t)v[QUALITY_HEAD + b];
	q->acc_raw = v[14], q->acc_recon = v[15];
}

static const size_t payload_bytes = (QUALITY_FIELDS) * sizeof(double);

static int quality_check(void *ctx, const cache_map *mp, const char *path, sf_err *e)
{
	(void)ctx;
	if (mp->h.payload_size != payload_bytes)
		return sf_fail(e, "%s: damaged quality figures (size)", path);
	double v[QUALITY_FIELDS];
	memcpy(v, mp->payload, sizeof v);
	for (int i = 0; i < QUALITY_FIELDS; i++)
		if (!isfinite(v[i]) || (i != 5 && i != 11 && v[i] < 0))
			return sf_fail(e, "%s: damaged quality figures (value %d)", path, i);
	if (v[10] < 1 || v[10] > QUALITY_MAX_BINS || v[2] != (double)mp->h.key.param[3])
		return sf_fail(e, "%s: damaged quality figures (shape)", path);
	return 0;
}

static void cache_name(char name[32], int rows_mode)
{
	snprintf(name, 32, "quality-%s.bin", rows_mode_name(rows_mode));
}

static void read_mapping(sf_quality *out, cache_map *mp)
{
	double v[QUALITY_FIELDS];
	memcpy(v, mp->payload, sizeof v);
	from_f64(out, v);
	cache_unmap(mp);
}

int quality_ws_cached(sf_quality *out, struct ws *w, const char *sae_fp, int rows_mode,
                      int *found, sf_err *e)
{
	*found = 0;
	char name[32], path[4096];
	cache_name(name, rows_mode);
	if (ws_file(w, name, path, sizeof path, e))
		return -1;
	cache_key want = { .kind = QUALITY_KIND, .version = QUALITY_VERSION, .match = 3 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	snprintf(want.sae_fp, sizeof want.sae_fp, "%s", sae_fp);
	want.param[0] = (uint64_t)rows_mode;
	want.param[1] = store_nrows(ws_store(w));
	cache_map mp;
	sf_err de;
	if (cache_map_file(&mp, path, &want, quality_check, NULL, NULL, &de) != CACHE_CURRENT)
		return 0;
	read_mapping(out, &mp);
	*found = 1;
	return 0;
}

typedef struct quality_build {
	struct ws *w;
	const sae *model;
	const latents *l;
	const sf_stats *st;
	const sf_pooled *raw;
	int rows_mode;
	sf_quality q;
	double v[QUALITY_FIELDS];
} quality_build;

static int build(void *ctx, cache_hdr *h, cache_seg *seg, int *nseg, const sf_progress *p,
                 sf_err *e)
{
	quality_build *b = ctx;
	(void)h;
	const store *s = ws_store(b->w);
	const pairs *P = ws_pairs(b->w);
	float *diff = NULL;
	size_t nd = P->n * (size_t)b->model->d;
	if (!(diff = malloc((nd ? nd : 1) * sizeof *diff)))
		return sf_fail(e, "quality: out of memory");
	memset(&b->q, 0, sizeof b->q);
	int rc = quality_fit(&b->q, s, b->model, b->l->idx, b->l->val, b->l->k, b->l->off,
	                     b->rows_mode, P->n,
	                     diff, p, e);
	if (!rc) {
		quality_features(&b->q, b->st);
		rc = quality_head(&b->q, b->raw, diff, P, p, e);
	}
	free(diff);
	if (rc)
		return -1;
	to_f64(&b->q, b->v);
	seg[0] = (cache_seg){ b->v, payload_bytes };
	*nseg = 1;
	return 0;
}

int quality_ws(sf_quality *out, struct ws *w, const sae *model, const latents *l,
               const sf_stats *st, const sf_pooled *raw, int rows_mode, const sf_progress *p,
               int *cached, sf_err *e)
{
	if (cached)
		*cached = 0;
	if (l->n_rows != store_nrows(ws_store(w)))
		return sf_fail(e, "latents: %zu rows but the store has %zu", l->n_rows,
		               store_nrows(ws_store(w)));
	if (l->m != model->m || st->m != model->m)
		return sf_fail(e, "quality: the latents are not of this SAE");
	char name[32];
	cache_name(name, rows_mode);
	cache_key want = { .kind = QUALITY_KIND, .version = QUALITY_VERSION, .match = 15 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	memcpy(want.sae_fp, l->sae_fingerprint, 17);
	want.param[0] = (uint64_t)rows_mode, want.param[1] = l->n_rows;
	want.param[2] = (uint64_t)l->k, want.param[3] = (uint64_t)l->m;
	static const cache_ops ops = { quality_check, build };
	quality_build b = { .w = w, .model = model, .l = l, .st = st, .raw = raw,
		            .rows_mode = rows_mode };
	cache_map mp;
	int from_file;
	if (cache_open(&mp, w, name, &want, &ops, &b, p, &from_file, e))
		return -1;
	if (!from_file) {
		*out = b.q;
		return 0;
	}
	read_mapping(out, &mp);
	if (cached)
		*cached = 1;
	return 0;
}
