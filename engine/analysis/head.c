/* The reward head of safer-method.md §10: see head.h. */
#include "engine/analysis/head.h"

#include <stdlib.h>
#include <string.h>

const char *head_kind_name(int kind) { return kind == HEAD_OWN ? "own" : "proxy"; }

const char *head_kind_text(int kind)
{
	return kind == HEAD_OWN ? "the reward model's own score head (from the activation file)"
	                        : "the Bradley-Terry proxy head trained on the unedited train pairs";
}

static int head_alloc(sf_head *out, int kind, int d, sf_err *e)
{
	memset(out, 0, sizeof *out);
	if (d <= 0)
		return sf_fail(e, "reward head: width %d", d);
	if (!(out->w = calloc((size_t)d, sizeof *out->w)))
		return sf_fail(e, "reward head: out of memory");
	out->d = d;
	out->kind = kind;
	return 0;
}

int head_from(sf_head *out, int kind, const float *w, double bias, int d, sf_err *e)
{
	if (head_alloc(out, kind, d, e))
		return -1;
	memcpy(out->w, w, (size_t)d * sizeof *w);
	out->bias = bias;
	return 0;
}

int head_proxy(sf_head *out, const sf_pooled *pp, const pairs *P, const sf_progress *p,
               sf_err *e)
{
	if (pp->n_pairs != P->n)
		return sf_fail(e, "reward head: %zu pooled pairs for %zu pairs", pp->n_pairs, P->n);
	if (head_alloc(out, HEAD_PROXY, pp->d, e))
		return -1;
	int *split = malloc((P->n ? P->n : 1) * sizeof *split);
	if (!split) {
		head_free(out);
		return sf_fail(e, "reward head: out of memory");
	}
	for (size_t i = 0; i < P->n; i++)
		split[i] = pairs_split(P, i);
	int rc = bt_train(out->w, pp, split, NULL, NULL, p, e);
	free(split);
	if (rc)
		head_free(out);
	return rc;
}

void head_free(sf_head *h)
{
	if (!h)
		return;
	free(h->w);
	memset(h, 0, sizeof *h);
}

int effects_alloc(sf_effects *out, int m, sf_err *e)
{
	memset(out, 0, sizeof *out);
	if (m <= 0)
		return sf_fail(e, "reward effects: width %d", m);
	if (!(out->e = calloc((size_t)m, sizeof *out->e)))
		return sf_fail(e, "reward effects: out of memory");
	out->m = m;
	return 0;
}

void effects_free(sf_effects *ef)
{
	if (!ef)
		return;
	free(ef->e);
	memset(ef, 0, sizeof *ef);
}

void head_effects(const float *W_dec, int m, int d, const float *w, double *e)
{
	for (int j = 0; j < m; j++) {
		const float *dj = W_dec + (size_t)j * (size_t)d;
		double acc = 0;
		for (int q = 0; q < d; q++)
			acc += (double)dj[q] * (double)w[q];
		e[j] = acc;
	}
}

double head_dot(const sf_head *h, const float *diff)
{
	double acc = 0;
	for (int q = 0; q < h->d; q++)
		acc += (double)h->w[q] * (double)diff[q];
	return acc;
}
