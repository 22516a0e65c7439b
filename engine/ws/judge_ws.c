/* Running the judge over a workspace's features (see judge_ws.h). */
#include "engine/ws/judge_ws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/analysis/top.h"
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
	judge_ws_tally *t;
} jrun;

static int stop_requested(void *ctx)
{
	jrun *r = ctx;
	if (!r->cancel && sf_progress_report(r->p, (double)r->finished / r->nfeat, NULL))
		r->cancel = 1;
	return r->cancel;
}

static int next_request(void *ctx, int *id, char **body, sf_err *e)
{
	jrun *r = ctx;
	if (r->next >= r->nfeat)
		return 0;
	sf_judge_input j;
	if (top_judge_input(&j, r->ix, r->st, r->feat[r->next], session_rows_mode(r->s), e))
		return -1;
	char *user = judge_prompt_user(&j, r->st, e);
	top_judge_free(&j);
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

int judge_ws_run(sf_session *s, const char *model, const int *feat, int n,
                 const judge_http_opts *http, const judge_cmd_opts *cmd, const sf_progress *p,
                 judge_ws_tally *t, sf_err *e)
{
	memset(t, 0, sizeof *t);
	if (n == 0)
		return 0;
	sf_verdicts V;
	int m;
	jrun r = { .s = s, .model = model, .feat = feat, .nfeat = n, .p = p, .t = t, .V = &V,
		   .raw = cmd != NULL };
	if (session_index(s, &r.ix, e) || session_width(s, &m, e) ||
	    verdicts_ws_load(&V, session_ws(s), m, e))
		return -1;
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
	return rc;
}
