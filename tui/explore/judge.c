/* Reviewing the judge's verdicts, and :judge (see judge.h). */
#include "tui/explore/judge.h"
#include "tui/explore/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ws/judge_ws.h"
#include "engine/ws/verdicts_ws.h"

const sf_verdict *xj_verdict(const xmodel *m, int f)
{
	return m->V ? verdicts_get(m->V, f) : NULL;
}

static int person_rating(const xmodel *m, int f)
{
	const sf_label *lb = xm_label_of(m, f);
	return lb ? lb->safety : 0;
}

int xj_unreviewed(const xmodel *m, int f)
{
	return xj_verdict(m, f) && !person_rating(m, f);
}

int xj_disagrees(const xmodel *m, int f)
{
	const sf_verdict *v = xj_verdict(m, f);
	int r = person_rating(m, f);
	return v && v->score && r && r != v->score;
}

int xj_accept(xmodel *m, int f)
{
	const sf_verdict *v = xj_verdict(m, f);
	if (!v) {
		app_msg(m->a, MSG_ERROR, "feature %d has no verdict of the judge (:judge asks it)", f);
		return -1;
	}
	if (!v->score) {
		app_msg(m->a, MSG_ERROR, "the judge gave feature %d no score: rate it with 1-5", f);
		return -1;
	}
	return xm_label(m, f, NULL, v->score, NULL);
}

int xj_next_unreviewed(xmodel *m)
{
	if (!m->st) {
		app_msg(m->a, MSG_ERROR, "%s", m->state);
		return -1;
	}
	int n = m->st->m;
	int from = m->cur_feature >= 0 && m->cur_feature < n ? m->st->rank[m->cur_feature] : -1;
	for (int k = 1; k <= n; k++) {
		int f = m->st->order[(from + k) % n];
		if (xj_unreviewed(m, f)) {
			xm_open(m, XS_FEATURE, f);
			return 0;
		}
	}
	app_msg(m->a, MSG_INFO, "no judge suggestion waits for review");
	return -1;
}

/* ---- :judge ----------------------------------------------------------------- */

/* The server and model of the last :judge, for the next one. */
static char last_url[2048], last_model[257];

struct judge_job {
	xmodel *m;
	int this_only, feature;
	char endpoint[2100];
	char model[257];
	judge_ws_tally t;
	int asked;
};

static int judge_run(void *ctx, const sf_progress *p, sf_err *e)
{
	struct judge_job *j = ctx;
	sf_session *S = j->m->sess;
	int *feat = NULL, n = 0;
	if (j->this_only) {
		feat = malloc(sizeof *feat);
		if (!feat)
			return sf_fail(e, "out of memory");
		feat[0] = j->feature;
		n = 1;
	} else {
		if (judge_ws_candidates(S, 0, &feat, &n, p, e))
			return strcmp(e->msg, "cancelled") ? -1 : 1;
		int m;
		sf_verdicts own;
		if (session_width(S, &m, e) || verdicts_ws_load(&own, session_ws(S), m, e)) {
			free(feat);
			return -1;
		}
		int k = 0;
		for (int i = 0; i < n; i++)
			if (!verdicts_get(&own, feat[i]))
				feat[k++] = feat[i];
		n = k;
		verdicts_free(&own);
	}
	j->asked = n;
	judge_http_opts o;
	judge_http_opts_default(&o);
	o.url = j->endpoint;
	o.api_key = getenv("OPENAI_API_KEY");
	int rc = judge_ws_run(S, j->model, feat, n, &o, NULL, p, &j->t, e);
	free(feat);
	if (rc && !strcmp(e->msg, "cancelled"))
		return 1;
	return rc;
}

static void judge_done(app *a, void *ctx, int rc, const sf_err *e)
{
	struct judge_job *j = ctx;
	xmodel *m = j->m;
	/* the verdicts saved by the run, and what the ratings drive */
	session_drop(m->sess, SESS_LABELS);
	xm_sync(m);
	if (rc == 0 && !j->t.failed)
		app_msg(a, MSG_INFO, "judged %ld of %d %s (%ld without a score)", j->t.judged,
		        j->asked, xm_s((size_t)j->asked, "feature", "features"), j->t.unparsed);
	else if (rc == 0)
		app_msg(a, MSG_ERROR, "judged %ld of %d features; %ld failed (first: %s)", j->t.judged,
		        j->asked, j->t.failed, j->t.first_failure);
	else if (rc == 1)
		app_msg(a, MSG_INFO, "judge stopped: %ld %s judged and saved", j->t.judged,
		        xm_s((size_t)j->t.judged, "feature", "features"));
	else
		app_msg(a, MSG_ERROR, "judge: %s (%ld %s judged and saved)", e->msg, j->t.judged,
		        xm_s((size_t)j->t.judged, "feature", "features"));
	free(j);
}

static int do_judge(xmodel *m, int argc, char **argv)
{
	const char *what = argv[1];
	const char *url = argc > 2 ? argv[2] : last_url[0] ? last_url : getenv("SAFER_JUDGE_URL");
	const char *model = argc > 3 ? argv[3] : last_model[0] ? last_model
	                                                       : getenv("SAFER_JUDGE_MODEL");
	sf_err e;
	if (strcmp(what, "this") && strcmp(what, "candidates")) {
		app_msg(m->a, MSG_ERROR, "usage: :judge this|candidates [URL [MODEL]]");
		return -1;
	}
	if (!url || !url[0] || !model || !model[0]) {
		app_msg(m->a, MSG_ERROR, ":judge needs the server's URL and the model the first time: "
		                         ":judge %s URL MODEL", what);
		return -1;
	}
	if (judge_http_check_url(url, &e)) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	if (strlen(model) >= sizeof last_model || strlen(url) >= sizeof last_url) {
		app_msg(m->a, MSG_ERROR, ":judge: URL or model name too long");
		return -1;
	}
	if (xm_busy(m))
		return -1;
	if (m->data != XD_READY || !m->st) {
		app_msg(m->a, MSG_ERROR, "%s", m->state);
		return -1;
	}
	if (ws_readonly(m->w)) {
		app_msg(m->a, MSG_ERROR, "the workspace is read-only: verdicts cannot be saved");
		return -1;
	}
	struct judge_job *j = calloc(1, sizeof *j);
	if (!j)
		return -1;
	j->m = m;
	j->this_only = !strcmp(what, "this");
	j->feature = m->cur_feature;
	size_t ul = strlen(url);
	while (ul > 0 && url[ul - 1] == '/')
		ul--;
	snprintf(j->endpoint, sizeof j->endpoint, "%.*s/chat/completions", (int)ul, url);
	snprintf(j->model, sizeof j->model, "%s", model);
	if (url != last_url)
		snprintf(last_url, sizeof last_url, "%s", url);
	if (model != last_model)
		snprintf(last_model, sizeof last_model, "%s", model);
	if (app_job(m->a, "judging", judge_run, judge_done, j)) {
		free(j);
		return -1;
	}
	return 0;
}

static const char *const judge_words[] = { "this", "candidates", NULL };

const xcmd xcmd_judge = {
	.name = "judge", .usage = "this|candidates [URL [MODEL]]",
	.help = "ask the LLM judge (key from OPENAI_API_KEY)", .min = 1, .max = 3,
	.complete = { XC_LIST }, .words = { judge_words }, .fn = do_judge,
};

/* ---- :ratings ---------------------------------------------------------------- */

static int do_ratings(xmodel *m, int argc, char **argv)
{
	sf_safety_opts so = *session_safety_opts(m->sess);
	if (argc == 1) {
		app_msg(m->a, MSG_INFO, "safety sets from ratings: %s (judge replies without a score: %s)",
		        safety_ratings_name(so.ratings), safety_unparsed_name(so.unparsed));
		return 0;
	}
	if (safety_parse_ratings(argv[1], &so.ratings) ||
	    (argc > 2 && safety_parse_unparsed(argv[2], &so.unparsed))) {
		app_msg(m->a, MSG_ERROR, "usage: :ratings human|judge|both [skip|5]");
		return -1;
	}
	if (xm_busy(m))
		return -1;
	session_set_safety_opts(m->sess, &so);
	/* said once the view is loaded again for the new sets */
	snprintf(m->ready_msg, sizeof m->ready_msg,
	         "safety sets from ratings: %s (judge replies without a score: %s)",
	         safety_ratings_name(so.ratings), safety_unparsed_name(so.unparsed));
	xm_sync(m);
	return 0;
}

static const char *const ratings_words[] = { "both", "human", "judge", NULL };
static const char *const unparsed_words[] = { "skip", "5", NULL };

const xcmd xcmd_ratings = {
	.name = "ratings", .usage = "[human|judge|both [skip|5]]",
	.help = "whose ratings choose the safety sets", .min = 0, .max = 2,
	.complete = { XC_LIST, XC_LIST }, .words = { ratings_words, unparsed_words },
	.fn = do_ratings,
};
