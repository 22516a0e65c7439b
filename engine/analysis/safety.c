/* S+ / S- from the |s_j| ranking and the user's ratings (§5). */
#include "engine/analysis/safety.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void safety_opts_default(sf_safety_opts *o)
{
	o->candidates = 256;
	o->threshold = 5;
	o->cap = 32;
	o->ratings = RATINGS_BOTH;
	o->unparsed = UNPARSED_SKIP;
}

static const char *const ratings_names[] = { "both", "human", "judge" };
static const char *const unparsed_names[] = { "skip", "5" };

const char *safety_ratings_name(int r)
{
	return r >= 0 && r <= RATINGS_JUDGE ? ratings_names[r] : "?";
}

const char *safety_unparsed_name(int u)
{
	return u >= 0 && u <= UNPARSED_5 ? unparsed_names[u] : "?";
}

int safety_parse_ratings(const char *s, int *out)
{
	for (int i = 0; i <= RATINGS_JUDGE; i++)
		if (!strcmp(s, ratings_names[i]))
			return *out = i, 0;
	return -1;
}

int safety_parse_unparsed(const char *s, int *out)
{
	for (int i = 0; i <= UNPARSED_5; i++)
		if (!strcmp(s, unparsed_names[i]))
			return *out = i, 0;
	return -1;
}

int safety_rating(const sf_labels *L, const sf_verdicts *V, const sf_safety_opts *o, int f,
                  int *by_judge)
{
	const sf_label *lb = L && o->ratings != RATINGS_JUDGE ? labels_get(L, f) : NULL;
	const sf_verdict *v = V && o->ratings != RATINGS_HUMAN ? verdicts_get(V, f) : NULL;
	if (by_judge)
		*by_judge = 0;
	if (lb && lb->safety > 0)
		return lb->safety;
	if (!v)
		return 0;
	int r = v->score ? v->score : o->unparsed == UNPARSED_5 ? 5 : 0;
	if (by_judge)
		*by_judge = r > 0;
	return r;
}

void safety_ratings_note(const sf_safety *S, char *buf, size_t n)
{
	const sf_safety_opts *o = &S->opts;
	int sel = S->n_plus + S->n_minus;
	if (S->fallback)
		snprintf(buf, n, "ratings: %s (none given: %s)", safety_ratings_name(o->ratings),
		         SAFETY_FALLBACK_NOTE);
	else if (o->ratings == RATINGS_HUMAN)
		snprintf(buf, n, "ratings: human (%d features rated by a person)", sel);
	else
		snprintf(buf, n, "ratings: %s (%d features from a person, %d from the judge; judge "
		         "replies without a score %s)", safety_ratings_name(o->ratings),
		         sel - S->n_judge, S->n_judge,
		         o->unparsed == UNPARSED_5 ? "count as 5" : "skipped");
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

/* 1 when any feature has a rating under o. */
static int any_rated(const sf_labels *L, const sf_verdicts *V, const sf_safety_opts *o)
{
	if (L && o->ratings != RATINGS_JUDGE && labels_rated(L))
		return 1;
	if (!V || o->ratings == RATINGS_HUMAN)
		return 0;
	return o->unparsed == UNPARSED_5 ? V->n > 0 : verdicts_scored(V) > 0;
}

int safety_select(sf_safety *out, const sf_stats *st, const sf_labels *L,
                  const sf_verdicts *V, const sf_safety_opts *o, sf_err *e)
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
	if (o->ratings < 0 || o->ratings > RATINGS_JUDGE || o->unparsed < 0 || o->unparsed > UNPARSED_5)
		return sf_fail(e, "safety sets: unknown ratings option");
	out->opts = *o;
	out->rows_mode = st->rows_mode;
	int cand = o->candidates < st->m ? o->candidates : st->m;
	int cap = o->cap < st->m ? o->cap : st->m;
	if (safety_alloc(out, cap, e))
		return -1;
	if (!any_rated(L, V, o)) {
		out->fallback = 1;
		for (int i = 0; i < cap; i++)
			safety_add(out, st, st->order[i]);
		return 0;
	}
	int taken = 0;
	for (int i = 0; i < cand && taken < cap; i++) {
		int f = st->order[i];
		int by_judge;
		if (safety_rating(L, V, o, f, &by_judge) >= o->threshold) {
			int before = out->n_plus + out->n_minus;
			safety_add(out, st, f);
			taken++;
			out->n_judge += by_judge && out->n_plus + out->n_minus > before;
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
