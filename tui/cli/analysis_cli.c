#include "tui/cli/analysis_cli.h"

#include "engine/analysis/plan.h"

#include <stdio.h>
#include <string.h>

int cli_session_report(cli_session *c, double frac, const char *step, const char *detail)
{
	if (!step)
		step = "";
	if (!c->active || strcmp(step, c->step)) {
		cli_session_quiet(c);
		snprintf(c->step, sizeof c->step, "%s", step);
		c->bar_p = cli_progress_begin(&c->bar, c->step);
		c->bar.announce = 1;
		c->active = 1;
	}
	return c->bar_p.fn(c->bar_p.ctx, frac, detail);
}

static int on_progress(void *ctx, double frac, const char *phase)
{
	return cli_session_report(ctx, frac, phase, NULL);
}

static void on_notice(void *ctx, const char *msg)
{
	cli_session_quiet(ctx);
	cli_note("%s", msg);
}

static int step_report(void *ctx, double frac, const char *detail)
{
	cli_step *st = ctx;
	return cli_session_report(st->c, frac, st->name, detail);
}

sf_progress cli_step_progress(cli_step *st, cli_session *c, const char *name)
{
	st->c = c;
	st->name = name;
	return (sf_progress){ step_report, st };
}

int cli_session_open(cli_session *c, const copts *o, int flags, sf_err *e)
{
	memset(c, 0, sizeof *c);
	if (session_open(&c->s, o->ws, flags | o->flags, e)) {
		c->s = NULL;
		return -1;
	}
	cli_catch_interrupt();
	session_set_progress(c->s, on_progress, c);
	session_set_notice(c->s, on_notice, c);
	session_set_rows_mode(c->s, o->rows_mode);
	session_set_safety_opts(c->s, &o->so);
	return 0;
}

void cli_session_quiet(cli_session *c)
{
	if (c->active)
		cli_progress_end(&c->bar);
	c->active = 0;
}

void cli_session_close(cli_session *c)
{
	cli_session_quiet(c);
	session_close(c->s);
	c->s = NULL;
}

int cli_session_fail(cli_session *c, const sf_err *e)
{
	cli_session_quiet(c);
	int rc = cli_fail("%s", e->msg);
	cli_session_close(c);
	return rc;
}

int cli_positional(const char *cmd, const char *arg, const char **first, const char **second)
{
	if (arg[0] == '-' && arg[1])
		return cli_usage_error(cmd, "unknown option '%s'", arg);
	if (!*first)
		*first = arg;
	else if (!*second)
		*second = arg;
	else
		return cli_usage_error(cmd, "unexpected argument '%s'", arg);
	return 0;
}

int cli_session_feature(cli_session *c, const copts *o, const char *cmd, const char *feat,
                        long *f)
{
	if (!o->ws || !feat)
		return cli_usage_error(cmd, "need a workspace and a feature");
	if (parse_long(feat, 0, 1L << 30, f))
		return cli_usage_error(cmd, "FEATURE must be a feature number, not '%s'", feat);
	sf_err e;
	int m;
	if (cli_session_open(c, o, 0, &e) || session_width(c->s, &m, &e))
		return cli_session_fail(c, &e);
	if (*f >= m) {
		cli_session_close(c);
		return cli_fail("no feature %ld (the SAE has %d features: 0-%d)", *f, m, m - 1);
	}
	return 0;
}

void label_row(tout *t, const sf_label *lb, int feature)
{
	char when[32] = "";
	tout_int(t, feature);
	tout_str(t, lb ? lb->name : "");
	if (lb && lb->safety)
		tout_int(t, lb->safety);
	else
		tout_null(t);
	tout_str(t, lb ? lb->note : "");
	if (lb)
		labels_format_time(lb->updated, when);
	tout_str(t, when);
	tout_row_end(t);
}

void plan_ratings_note(const sf_plan *pl)
{
	if (!pl || pl->ratings < 0)
		return;
	if (pl->ratings == RATINGS_HUMAN)
		cli_note("the plan's safety sets came from ratings: human");
	else
		cli_note("the plan's safety sets came from ratings: %s (judge replies without a score "
		         "%s)", safety_ratings_name(pl->ratings),
		         pl->unparsed == UNPARSED_5 ? "counted as 5" : "skipped");
}

void safety_used_note(sf_session *s)
{
	const sf_safety *S;
	sf_err e;
	char b[256];
	if (session_safety(s, &S, &e) || S->fallback)
		return;
	safety_ratings_note(S, b, sizeof b);
	cli_note("%s", b);
}

long cli_note_rowless(const ws *w)
{
	enum { SHOW = 5 };
	const pairs *P = ws_pairs(w);
	size_t first[SHOW];
	long k = store_pairs_without_rows(ws_store(w), P->n, first, SHOW);
	if (k <= 0)
		return 0;
	char list[512];
	size_t at = 0;
	for (long i = 0; i < k && i < SHOW && at < sizeof list; i++) {
		const char *id = pairs_id(P, first[i]);
		int n = snprintf(list + at, sizeof list - at, "%s%zu%s%.40s%s", i ? ", " : "",
		                 first[i], id ? " (id " : "", id ? id : "", id ? ")" : "");
		at += n > 0 ? (size_t)n : 0;
	}
	cli_note("%ld of %zu pairs have no activation rows for a response: %s%s; they score 0 and "
	         "eval leaves them out", k, P->n, list, k > SHOW ? ", ..." : "");
	return k;
}

void cli_plan_note_features(cli_session *c, const sf_plan *pl, const char *name)
{
	int m, f;
	sf_err e;
	if (!pl || !session_has_sae(c->s) || session_width(c->s, &m, &e) ||
	    (f = plan_feature_beyond(pl, m)) < 0)
		return;
	cli_session_quiet(c);
	cli_note("%s: its feature sets name feature %d, but the SAE has %d features (0-%d): made "
	         "with another SAE? Its edits are used as they are", name, f, m, m - 1);
}
