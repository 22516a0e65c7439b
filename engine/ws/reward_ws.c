/* WS/head.bin and WS/effects.bin: see reward_ws.h. */
#include "engine/ws/reward_ws.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ws/cache_ws.h"
#include "engine/ws/workspace.h"

#define HEAD_VERSION 1
#define EFFECTS_VERSION 1

/* ---- the head ---------------------------------------------------------- */

static int head_check(void *ctx, const cache_map *m, const char *path, sf_err *e)
{
	(void)ctx;
	size_t d = (size_t)m->h.key.param[0];
	if (8 + d * sizeof(float) != m->h.payload_size)
		return sf_fail(e, "%s: damaged cache (size)", path);
	double b;
	memcpy(&b, m->payload, 8);
	const float *w = (const float *)(m->payload + 8);
	for (size_t j = 0; j < d; j++)
		if (!isfinite(w[j]))
			return sf_fail(e, "%s: damaged cache (weight %zu)", path, j);
	return isfinite(b) ? 0 : sf_fail(e, "%s: damaged cache (bias)", path);
}

typedef struct head_build {
	struct ws *w;
	int (*pooled)(void *ctx, const sf_pooled **pp, sf_err *e);
	void *ctx;
	sf_head *out;
	int built;
} head_build;

static int build_head(void *ctx, cache_hdr *h, cache_seg *seg, int *nseg, const sf_progress *p,
                      sf_err *e)
{
	head_build *b = ctx;
	const sf_pooled *pp;
	(void)h;
	if (b->pooled(b->ctx, &pp, e) || head_proxy(b->out, pp, ws_pairs(b->w), p, e))
		return -1;
	b->built = 1;
	seg[0] = (cache_seg){ &b->out->bias, 8 };
	seg[1] = (cache_seg){ b->out->w, (size_t)b->out->d * sizeof(float) };
	*nseg = 2;
	return 0;
}

int head_ws(sf_head *out, struct ws *w,
            int (*pooled)(void *ctx, const sf_pooled **pp, sf_err *e), void *ctx,
            const sf_progress *p, sf_err *e)
{
	const store *s = ws_store(w);
	int d = store_dim(s);
	double bias;
	const float *own = store_reward_head(s, &bias);
	if (own)
		return head_from(out, HEAD_OWN, own, bias, d, e);
	cache_key want = { .kind = CACHE_HEAD, .version = HEAD_VERSION, .match = 1 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	want.param[0] = (uint64_t)d;
	static const cache_ops ops = { head_check, build_head };
	head_build b = { w, pooled, ctx, out, 0 };
	cache_map mp;
	int from_file;
	if (cache_open(&mp, w, "head.bin", &want, &ops, &b, p, &from_file, e)) {
		if (b.built)
			head_free(out);
		return -1;
	}
	if (!from_file)
		return 0;
	double b0;
	memcpy(&b0, mp.payload, 8);
	int rc = head_from(out, HEAD_PROXY, (const float *)(mp.payload + 8), b0, d, e);
	cache_unmap(&mp);
	return rc;
}

/* ---- the effects ------------------------------------------------------- */

static int effects_check(void *ctx, const cache_map *m, const char *path, sf_err *e)
{
	(void)ctx;
	size_t n = (size_t)m->h.key.param[0];
	if (n == 0 || n > INT32_MAX || n * 8 != m->h.payload_size)
		return sf_fail(e, "%s: damaged cache (size)", path);
	int kind = (int)(m->h.flags & 15), norm = (int)(m->h.flags >> 4);
	if ((kind != HEAD_OWN && kind != HEAD_PROXY) || norm < 0 || norm >= SAE_NORM_COUNT)
		return sf_fail(e, "%s: damaged cache (flags)", path);
	const double *v = (const double *)m->payload;
	for (size_t j = 0; j < n; j++)
		if (!isfinite(v[j]))
			return sf_fail(e, "%s: damaged cache (feature %zu)", path, j);
	return 0;
}

typedef struct effects_build {
	int (*need)(void *ctx, const sae **model, const sf_head **h, sf_err *e);
	void *ctx;
	int d;
	sf_effects *out;
	int built;
} effects_build;

static int build_effects(void *ctx, cache_hdr *h, cache_seg *seg, int *nseg,
                         const sf_progress *p, sf_err *e)
{
	effects_build *b = ctx;
	const sae *model;
	const sf_head *hd;
	(void)p;
	if (b->need(b->ctx, &model, &hd, e))
		return -1;
	if (hd->d != model->d)
		return sf_fail(e, "reward effects: the head has width %d, the SAE %d", hd->d, model->d);
	if (effects_alloc(b->out, model->m, e))
		return -1;
	b->built = 1;
	head_effects(model->W_dec, model->m, model->d, hd->w, b->out->e);
	b->out->head_kind = hd->kind;
	b->out->normalize = model->normalize;
	for (int j = 0; j < model->m; j++)
		if (!isfinite(b->out->e[j]))
			return sf_fail(e, "reward effects: feature %d's effect is not finite", j);
	h->flags = (uint32_t)hd->kind | (uint32_t)model->normalize << 4;
	h->key.param[0] = (uint64_t)model->m;
	seg[0] = (cache_seg){ b->out->e, (size_t)model->m * 8 };
	*nseg = 1;
	return 0;
}

int effects_ws(sf_effects *out, struct ws *w, const char *sae_fp,
               int (*need)(void *ctx, const sae **model, const sf_head **h, sf_err *e),
               void *ctx, sf_err *e)
{
	int d = store_dim(ws_store(w));
	cache_key want = { .kind = CACHE_EFFECTS, .version = EFFECTS_VERSION, .match = 2 };
	memcpy(want.data_fp, ws_fingerprint(w), 17);
	snprintf(want.sae_fp, sizeof want.sae_fp, "%s", sae_fp);
	want.param[1] = (uint64_t)d;
	static const cache_ops ops = { effects_check, build_effects };
	effects_build b = { need, ctx, d, out, 0 };
	cache_map mp;
	int from_file;
	if (cache_open(&mp, w, "effects.bin", &want, &ops, &b, NULL, &from_file, e)) {
		if (b.built)
			effects_free(out);
		return -1;
	}
	if (!from_file)
		return 0;
	int rc = effects_alloc(out, (int)mp.h.key.param[0], e);
	if (!rc) {
		memcpy(out->e, mp.payload, (size_t)out->m * 8);
		out->head_kind = (int)(mp.h.flags & 15);
		out->normalize = (int)(mp.h.flags >> 4);
	}
	cache_unmap(&mp);
	return rc;
}
