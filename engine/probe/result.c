/* Encoding a probe's rows and summing them up (see result.h). */
#include "engine/probe/result.h"

#include <stdlib.h>
#include <string.h>

#include "engine/analysis/codes.h"
#include "engine/analysis/scores.h"
#include "engine/analysis/stats.h"
#include "engine/formats/store.h"

void probe_result_free(probe_result *p)
{
	free(p->idx);
	free(p->val);
	free(p->off);
	free(p->feat);
	memset(p, 0, sizeof *p);
}

static int by_total(const void *a, const void *b)
{
	const probe_feature *x = a, *y = b;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return (x->feature > y->feature) - (x->feature < y->feature);
}

/* Features with a positive activation, summed over all rows. */
static int sum_features(probe_result *p, int m, sf_err *e)
{
	probe_feature *acc = calloc((size_t)m, sizeof *acc);
	if (!acc)
		return sf_fail(e, "out of memory");
	size_t entries = p->off ? (size_t)p->off[p->n] : p->n * (size_t)p->k;
	for (size_t i = 0; i < entries; i++) {
		float v = p->val[i];
		if (v <= 0)
			continue;
		probe_feature *f = &acc[p->idx[i]];
		f->total += v;
		f->rows++;
		if (v > f->max)
			f->max = v;
	}
	int n = 0;
	for (int j = 0; j < m; j++)
		if (acc[j].rows) {
			acc[j].feature = j;
			acc[n++] = acc[j];
		}
	qsort(acc, (size_t)n, sizeof *acc, by_total);
	p->feat = n ? realloc(acc, (size_t)n * sizeof *acc) : (free(acc), NULL);
	p->n_feat = n;
	return 0;
}

/* a(resp) by the pair-score code: the rows as pair 0's chosen side. */
static int score_rows(probe_result *p, const probe_rows *r, const sf_safety *S, int rows_mode,
                      int m, sf_err *e)
{
	size_t n = r->n;
	int32_t *pair = calloc(n ? n : 1, sizeof *pair);
	uint8_t *side = malloc(n ? n : 1);
	int rc = -1;
	if (!pair || !side) {
		sf_fail(e, "out of memory");
	} else {
		memset(side, SIDE_CHOSEN, n);
		sf_scores sc;
		if (!scores_compute_off(&sc, p->idx, p->val, p->off, pair, side, r->flags, n, p->k, m,
		                        1, S, rows_mode, NULL, e)) {
			p->score = sc.a_chosen[0];
			scores_free(&sc);
			p->score_rows = 0;
			for (size_t i = 0; i < n; i++)
				p->score_rows += row_in_use(SIDE_CHOSEN, r->flags[i], rows_mode);
			rc = 0;
		}
	}
	free(pair);
	free(side);
	return rc;
}

/* TopK: k entries a row; the varying kinds: the encoder's rows gathered
 * behind row offsets, as the latents cache holds them. */
static int encode_rows(probe_result *out, const sae *s, const probe_rows *r, sf_err *e)
{
	int var = s->kind != SAE_KIND_TOPK;
	out->k = var ? 0 : s->k;
	size_t n = r->n, nk = n * (size_t)out->k;
	uint32_t *cnt = NULL;
	if (var && (!(out->off = calloc(n + 1, sizeof *out->off)) ||
	            !(cnt = malloc((n ? n : 1) * sizeof *cnt))))
		return sf_fail(e, "out of memory");
	sae_encoder *en = NULL;
	long bad = -1;
	int rc = 0;
	if (n && sae_encoder_new(&en, s, n, e))
		rc = -1;
	if (!rc && n && var) {
		bad = sae_encode_var(en, r->acts, n, cnt);
		for (size_t i = 0; bad < 0 && i < n; i++)
			out->off[i + 1] = out->off[i] + cnt[i];
		nk = bad < 0 ? (size_t)out->off[n] : 0;
	}
	if (!rc && (!(out->idx = malloc((nk ? nk : 1) * sizeof *out->idx)) ||
	            !(out->val = malloc((nk ? nk : 1) * sizeof *out->val))))
		rc = sf_fail(e, "out of memory");
	if (!rc && n && !var)
		bad = sae_encode(en, r->acts, n, out->idx, out->val);
	for (size_t i = 0; !rc && var && bad < 0 && i < n; i++) {
		const uint32_t *ri;
		const float *rv;
		size_t c = sae_encoder_row(en, i, &ri, &rv);
		memcpy(out->idx + out->off[i], ri, c * sizeof *ri);
		memcpy(out->val + out->off[i], rv, c * sizeof *rv);
	}
	sae_encoder_free(en);
	free(cnt);
	if (!rc && bad >= 0)
		rc = sf_fail(e, "encoding the probe's row %ld gives a non-finite latent", bad);
	return rc;
}

int probe_result_compute(probe_result *out, const sae *s, const probe_rows *r,
                         const sf_safety *S, int rows_mode, sf_err *e)
{
	memset(out, 0, sizeof *out);
	if (r->d != s->d)
		return sf_fail(e, "the probe's rows have d %d, the SAE d %d", r->d, s->d);
	out->n = r->n;
	if (encode_rows(out, s, r, e)) {
		probe_result_free(out);
		return -1;
	}
	if (sum_features(out, s->m, e) || score_rows(out, r, S, rows_mode, s->m, e)) {
		probe_result_free(out);
		return -1;
	}
	return 0;
}

size_t probe_row(const probe_result *p, size_t r, const uint32_t **idx, const float **val)
{
	size_t b, n = codes_row(p->off, p->k, r, &b);
	*idx = p->idx + b;
	*val = p->val + b;
	return n;
}

float probe_row_act(const probe_result *p, size_t r, int f)
{
	const uint32_t *idx;
	const float *val;
	size_t n = probe_row(p, r, &idx, &val);
	for (size_t i = 0; i < n; i++)
		if (idx[i] == (uint32_t)f)
			return val[i];
	return 0;
}

double probe_row_score(const probe_result *p, size_t r, const sf_safety *S)
{
	double a = 0;
	for (int i = 0; i < S->n_plus; i++) {
		float v = probe_row_act(p, r, S->plus[i]);
		a += v > 0 ? v : 0;
	}
	for (int i = 0; i < S->n_minus; i++) {
		float v = probe_row_act(p, r, S->minus[i]);
		a -= v > 0 ? v : 0;
	}
	return a;
}

const probe_feature *probe_result_feature(const probe_result *p, int f)
{
	for (int i = 0; i < p->n_feat; i++)
		if (p->feat[i].feature == f)
			return &p->feat[i];
	return NULL;
}
