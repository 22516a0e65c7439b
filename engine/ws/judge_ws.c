/* Running the judge over a workspace's features (see judge_ws.h). */
#include "engine/ws/judge_ws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/analysis/top.h"
#include "engine/base/rng.h"
#include "engine/judge/check.h"
#include "engine/judge/prompt.h"
#include "engine/judge/reply.h"
#include "engine/ws/verdicts_ws.h"

int judge_ws_candidates(sf_session *s, int top, int **out, int *n, const sf_progress *p,
                        sf_err *e)
{
	const sf_stats *st;
	const sf_index *ix;
	*out = NULL;
	*n = 0;
	if (session_stats(s, &st, e) || session_index(s, &ix, e))
		return -1;
	const store *sto = ws_store(session_ws(s));
	int cand = session_safety_opts(s)->candidates;
	if (cand > st->m)
		cand = st->m;
	*out = malloc((size_t)(cand > 0 ? cand : 1) * sizeof **out);
	if (!*out)
		return sf_fail(e, "judge: out of memory");
	for (int i = 0; i < cand && (top <= 0 || *n < top); i++) {
		sf_judge_input j;
		if (top_judge_input(&j, ix, sto, st->order[i], session_rows_mode(s), e))
			goto fail;
		if (!j.dropped)
			(*out)[(*n)++] = st->order[i];
		top_judge_free(&j);
		if (sf_progress_report(p, (double)(i + 1) / cand, "candidates")) {
			sf_fail(e, "cancelled");
			goto fail;
		}
	}
	return 0;
fail:
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

typedef struct jrun {
	sf_session *s;
	const sf_index *ix;
	const store *st;
	sf_verdicts *V;
	const char *model;
	const int *feat;
	int nfeat, next, finished;
	const sf_progress *p;
	int cancel;
	int raw; /* replies are the message text itself (a local program) */
	int check; /* the explanation check instead of the rating */
	const latents *l;
	signed char (*truth)[2 * JUDGE_WS_CHECK_POS]; /* [nfeat] fires on snippet i */
	int *nsnip;                                    /* [nfeat] snippets asked */
	judge_ws_tally *t;
} jrun;

static int stop_requested(void *ctx)
{
	jrun *r = ctx;
	if (!r->cancel && sf_progress_report(r->p, (double)r->finished / r->nfeat, NULL))
		r->cancel = 1;
	return r->cancel;
}

/* Does feature f fire on row r (a positive kept value)? */
static int fires(const latents *l, size_t r, int f)
{
	const uint32_t *ri;
	const float *rv;
	size_t n = latents_row(l, r, &ri, &rv);
	for (size_t q = 0; q < n; q++)
		if ((int)ri[q] == f && rv[q] > 0)
			return 1;
	return 0;
}

static int by_act_desc(const void *a, const void *b)
{
	const sf_top_row *x = a, *y = b;
	return (x->act < y->act) - (x->act > y->act);
}

/* The check's prompt for feature index i: snippets, their truth, shuffled. */
static char *check_prompt(jrun *r, int i, sf_err *e)
{
	int f = r->feat[i], rows_mode = session_rows_mode(r->s);
	const sf_verdict *v = verdicts_get(r->V, f);
	if (!v || !v->explanation[0]) {
		sf_fail(e, "feature %d has no explanation to check: judge it first", f);
		return NULL;
	}
	sf_judge_input j;
	if (top_judge_input(&j, r->ix, r->st, f, rows_mode, e))
		return NULL;
	sf_top_row pos[JUDGE_PER_TOKEN * JUDGE_MAX_TOKENS];
	size_t np = 0;
	for (size_t g = 0; g < j.n_groups; g++)
		for (size_t x = 0; x < j.groups[g].n && np < sizeof pos / sizeof pos[0]; x++)
			pos[np++] = j.groups[g].ctx[x];
	top_judge_free(&j);
	qsort(pos, np, sizeof pos[0], by_act_desc);
	enum { K = JUDGE_WS_CHECK_POS };
	size_t rows[2 * K];
	signed char truth[2 * K];
	int n = 0;
	for (size_t x = 0; x < np && n < K; x++)
		rows[n] = pos[x].row, truth[n++] = 1;
	int npos = n;
	uint64_t st = 0x9E3779B97F4A7C15ull ^ (uint64_t)f;
	size_t N = store_nrows(r->st);
	const uint8_t *side = store_side(r->st), *flags = store_flags(r->st);
	for (int tries = 0; n < npos + K && N && tries < 100000; tries++) {
		size_t row = (size_t)(sf_unit_double(sf_splitmix64(&st)) * (double)N);
		int dup = 0;
		for (int q = npos; q < n; q++)
			dup |= rows[q] == row;
		if (!dup && row_in_use(side[row], flags[row], rows_mode) && !fires(r->l, row, f))
			rows[n] = row, truth[n++] = 0;
	}
	for (int q = n - 1; q > 0; q--) { /* Fisher-Yates */
		int w = (int)(sf_unit_double(sf_splitmix64(&st)) * (q + 1));
		size_t tr = rows[q];
		signed char tt = truth[q];
		rows[q] = rows[w], truth[q] = truth[w];
		rows[w] = tr, truth[w] = tt;
	}
	char *snip[2 * K], *text = malloc((size_t)2 * K * 8192);
	const char *cs[2 * K];
	if (!text) {
		sf_fail(e, "out of memory");
		return NULL;
	}
	for (int q = 0; q < n; q++) {
		size_t b, en;
		top_context(r->st, rows[q], JUDGE_WS_CHECK_WINDOW, &b, &en);
		snip[q] = text + (size_t)q * 8192;
		top_context_text(r->st, b, en, rows[q], snip[q], 8192, NULL, NULL);
		cs[q] = snip[q];
		r->truth[i][q] = truth[q];
	}
	r->nsnip[i] = n;
	char *user = judge_check_prompt(v->explanation, cs, n, e);
	free(text);
	return user;
}

static int next_request(void *ctx, int *id, char **body, sf_err *e)
{
	jrun *r = ctx;
	if (r->next >= r->nfeat)
		return 0;
	char *user;
	if (r->check) {
		user = check_prompt(r, r->next, e);
	} else {
		sf_judge_input j;
		if (top_judge_input(&j, r->ix, r->st, r->feat[r->next], session_rows_mode(r->s), e))
			return -1;
		user = judge_prompt_user(&j, r->st, e);
		top_judge_free(&j);
	}
	if (!user)
		return -1;
	if (r->raw) {
		size_t n = strlen(judge_system_line) + strlen(user) + 3;
		if ((*body = malloc(n)))
			snprintf(*body, n, "%s\n\n%s", judge_system_line, user);
		else
			sf_fail(e, "judge: out of memory");
	} else {
		*body = judge_request_body(r->model, user, e);
	}
	free(user);
	if (!*body)
		return -1;
	*id = r->next++;
	return 1;
}

static void failed(judge_ws_tally *t, int f, const char *why)
{
	t->failed++;
	if (!t->first_failure[0])
		snprintf(t->first_failure, sizeof t->first_failure, "feature %d: %s", f, why);
}

static int on_done(void *ctx, int id, const char *body, size_t len, const char *why, sf_err *e)
{
	jrun *r = ctx;
	judge_ws_tally *t = r->t;
	int f = r->feat[id];
	r->finished++;
	sf_err pe;
	sf_judge_reply rep;
	if (!body) {
		failed(t, f, why);
	} else if (r->raw ? judge_reply_text(&rep, body, len, &pe)
	                  : judge_reply_parse(&rep, body, len, &pe)) {
		failed(t, f, pe.msg);
	} else if (r->check) {
		t->prompt_tokens += rep.prompt_tokens;
		t->completion_tokens += rep.completion_tokens;
		signed char ans[2 * JUDGE_WS_CHECK_POS];
		int n = r->nsnip[id], answered = judge_check_parse(rep.content, n, ans), right = 0;
		for (int q = 0; q < n; q++)
			right += ans[q] == r->truth[id][q];
		judge_reply_free(&rep);
		const sf_verdict *old = verdicts_get(r->V, f);
		if (old) { /* judged again meanwhile: nothing to attach the result to */
			sf_verdict v = *old;
			v.check_correct = right;
			v.check_n = n;
			if (verdicts_ws_put(r->V, session_ws(r->s), &v, e))
				return -1;
		}
		t->judged++;
		t->unparsed += answered == 0;
	} else {
		t->prompt_tokens += rep.prompt_tokens;
		t->completion_tokens += rep.completion_tokens;
		sf_verdict v = { .feature = f, .model = (char *)r->model, .raw = rep.content };
		v.score = judge_parse_score(rep.content);
		v.explanation = judge_parse_explanation(rep.content);
		v.time = (int64_t)time(NULL);
		int rc = v.explanation ? verdicts_ws_put(r->V, session_ws(r->s), &v, e)
		                       : sf_fail(e, "judge: out of memory");
		free(v.explanation);
		judge_reply_free(&rep);
		if (rc)
			return -1;
		t->judged++;
		t->unparsed += v.score == 0;
	}
	char d[80];
	snprintf(d, sizeof d, "feature %d (%d of %d)", f, r->finished, r->nfeat);
	if (sf_progress_report(r->p, (double)r->finished / r->nfeat, d))
		r->cancel = 1;
	return 0;
}

static int run(sf_session *s, const char *model, const int *feat, int n,
               const judge_http_opts *http, const judge_cmd_opts *cmd, int check,
               const sf_progress *p, judge_ws_tally *t, sf_err *e)
{
	memset(t, 0, sizeof *t);
	if (n == 0)
		return 0;
	sf_verdicts V;
	int m;
	jrun r = { .s = s, .model = model, .feat = feat, .nfeat = n, .p = p, .t = t, .V = &V,
		   .raw = cmd != NULL, .check = check };
	if (session_index(s, &r.ix, e) || session_width(s, &m, e) ||
	    (check && session_latents(s, &r.l, e)))
		return -1;
	if (check) {
		r.truth = calloc((size_t)n, sizeof *r.truth);
		r.nsnip = calloc((size_t)n, sizeof *r.nsnip);
		if (!r.truth || !r.nsnip) {
			free(r.truth);
			free(r.nsnip);
			return sf_fail(e, "judge: out of memory");
		}
	}
	if (verdicts_ws_load(&V, session_ws(s), m, e)) {
		free(r.truth);
		free(r.nsnip);
		return -1;
	}
	r.st = ws_store(session_ws(s));
	int rc;
	if (cmd) {
		judge_cmd_opts o = *cmd;
		o.stop = stop_requested;
		rc = judge_cmd_run(&o, next_request, on_done, &r, &t->http, e);
	} else {
		judge_http_opts o = *http;
		o.stop = stop_requested;
		rc = judge_http_run(&o, next_request, on_done, &r, &t->http, e);
	}
	verdicts_free(&V);
	free(r.truth);
	free(r.nsnip);
	return rc;
}

int judge_ws_run(sf_session *s, const char *model, const int *feat, int n,
                 const judge_http_opts *http, const judge_cmd_opts *cmd, const sf_progress *p,
                 judge_ws_tally *t, sf_err *e)
{
	return run(s, model, feat, n, http, cmd, 0, p, t, e);
}

int judge_ws_check(sf_session *s, const char *model, const int *feat, int n,
                   const judge_http_opts *http, const judge_cmd_opts *cmd, const sf_progress *p,
                   judge_ws_tally *t, sf_err *e)
{
	return run(s, model, feat, n, http, cmd, 1, p, t, e);
}
