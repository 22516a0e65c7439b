/* S+ / S- from the |s_j| ranking and the user's ratings (§5). */
#include "engine/analysis/safety.h"

#include <stdlib.h>
#include <string.h>

void safety_opts_default(sf_safety_opts *o)
{
	o->candidates = 256;
	o->threshold = 5;
	o->cap = 32;
}

void safety_free(sf_safety *s)
{
	if (!s)
		return;
	free(s->plus);
	free(s->minus);
	memset(s, 0, sizeof *s);
}

static int safety_alloc(sf_safety *out, int n, sf_err *e)
{
	size_t sz = n > 0 ? (size_t)n : 1;
	out->plus = malloc(sz * sizeof(int));
	out->minus = malloc(sz * sizeof(int));
	if (!out->plus || !out->minus) {
		safety_free(out);
		return sf_fail(e, "safety sets: out of memory");
	}
	return 0;
}

static void safety_add(sf_safety *out, const sf_stats *st, int f)
{
	if (st->salience[f] > 0)
		out->plus[out->n_plus++] = f;
	else if (st->salience[f] < 0)
		out->minus[out->n_minus++] = f;
}

int safety_select(sf_safety *out, const sf_stats *st, const sf_labels *L,
                  const sf_safety_opts *o, sf_err *e)
{
	sf_safety_opts d;
	if (!o) {
		safety_opts_default(&d);
		o = &d;
	}
	memset(out, 0, sizeof *out);
	if (o->candidates < 1 || o->cap < 1)
		return sf_fail(e, "safety sets: candidates and cap must be at least 1");
	if (o->threshold < 1 || o->threshold > 5)
		return sf_fail(e, "safety sets: threshold %d is outside 1-5", o->threshold);
	out->opts = *o;
	out->rows_mode = st->rows_mode;
	int cand = o->candidates < st->m ? o->candidates : st->m;
	int cap = o->cap < st->m ? o->cap : st->m;
	if (safety_alloc(out, cap, e))
		return -1;
	if (!L || labels_rated(L) == 0) {
		out->fallback = 1;
		for (int i = 0; i < cap; i++)
			safety_add(out, st, st->order[i]);
		return 0;
	}
	int taken = 0;
	for (int i = 0; i < cand && taken < cap; i++) {
		int f = st->order[i];
		const sf_label *lb = labels_get(L, f);
		if (lb && lb->safety >= o->threshold) {
			safety_add(out, st, f);
			taken++;
		}
	}
	return 0;
}

int safety_from_lists(sf_safety *out, const int *plus, int n_plus, const int *minus,
                      int n_minus, int m, sf_err *e)
{
	memset(out, 0, sizeof *out);
	if (n_plus < 0 || n_minus < 0)
		return sf_fail(e, "safety sets: negative size");
	if (safety_alloc(out, n_plus > n_minus ? n_plus : n_minus, e))
		return -1;
	safety_opts_default(&out->opts);
	for (int i = 0; i < n_plus + n_minus; i++) {
		int f = i < n_plus ? plus[i] : minus[i - n_plus];
		if (f < 0 || f >= m) {
			safety_free(out);
			return sf_fail(e, "safety sets: no feature %d (the SAE has %d)", f, m);
		}
		for (int j = 0; j < n_plus; j++)
			if (i >= n_plus && plus[j] == f) {
				safety_free(out);
				return sf_fail(e, "safety sets: feature %d is in both S+ and S-", f);
			}
	}
	memcpy(out->plus, plus, (size_t)n_plus * sizeof(int));
	memcpy(out->minus, minus, (size_t)n_minus * sizeof(int));
	out->n_plus = n_plus;
	out->n_minus = n_minus;
	return 0;
}
