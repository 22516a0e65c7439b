/* safer eval WS [--plan F]: projected effect of an edit (§8). */
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/bteval.h"
#include "engine/analysis/plan.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_eval_usage[] =
	"usage: safer eval WS [--plan F.jsonl] [--seeds N] [--seed S] [--l2 X]\n"
	"                  [--iters N] [--format tsv|json] [--read-only]\n"
	"\n"
	"Train a linear Bradley-Terry reward head on the mean-pooled activations of\n"
	"each response (L2-regularised logistic loss on r(chosen) - r(rejected)) over\n"
	"the train pairs, and report its pairwise accuracy on the test pairs, per\n"
	"category and for all. Edits: `none` (the data as is); with a plan - F, or\n"
	"without --plan the workspace's current plan (the last `safer plan`) - `plan`\n"
	"(the plan applied) and `random` (a random edit with as many flips and drops,\n"
	"averaged over N seeds, default 5; spread is their standard deviation).\n"
	"Columns: edit category accuracy pairs spread flips drops fallback\n"
	"--plan - reads the edit list from standard input.\n"
	"Deterministic for a seed (default 1). The pooled activations are cached in\n"
	"WS/pooled.bin (computed in memory with --read-only). No SAE is needed.\n";

int cmd_eval(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	const char *planf = NULL;
	sf_bt_opts bo;
	bt_opts_default(&bo);
	for (int i = 1; i < argc; i++) {
		int bad = 0, r = opt_shared("eval", &o, OPT_FORMAT | OPT_READONLY, argc, argv, &i);
		long x;
		double dv;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("eval", "--plan", argc, argv, &i, &bad))) {
			planf = v;
		} else if (!bad && (v = opt_value("eval", "--seeds", argc, argv, &i, &bad))) {
			if (opt_long_in("eval", "--seeds", v, 1, 1000, &x))
				return EXIT_USAGE;
			bo.random_seeds = (int)x;
		} else if (!bad && (v = opt_value("eval", "--seed", argc, argv, &i, &bad))) {
			if (opt_long_in("eval", "--seed", v, 0, 1L << 62, &x))
				return EXIT_USAGE;
			bo.seed = (uint64_t)x;
		} else if (!bad && (v = opt_value("eval", "--iters", argc, argv, &i, &bad))) {
			if (opt_long_in("eval", "--iters", v, 1, 100000, &x))
				return EXIT_USAGE;
			bo.max_iter = (int)x;
		} else if (!bad && (v = opt_value("eval", "--l2", argc, argv, &i, &bad))) {
			if (opt_double_in("eval", "--l2", v, 0, 0, 1e6, &dv))
				return EXIT_USAGE;
			bo.l2 = dv;
		} else if (bad) {
			return EXIT_USAGE;
		} else if ((argv[i][0] == '-' && argv[i][1]) || o.ws) {
			return cli_usage_error("eval", "unexpected argument '%s'", argv[i]);
		} else {
			o.ws = argv[i];
		}
	}
	if (!o.ws)
		return cli_usage_error("eval", "missing workspace");
	cli_session c;
	sf_err e;
	sf_plan file;
	const sf_plan *pl = NULL;
	const sf_bt_result *r;
	sf_bt_result mine;
	int have_file = 0;
	if (cli_session_open(&c, &o, 0, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	if (planf) {
		/* a plan file is evaluated as given; the current plan stays */
		const sf_pooled *pp;
		cli_step st;
		sf_progress p = cli_step_progress(&st, &c, "evaluating");
		if (plan_read(&file, ws_pairs(w), planf, ws_fingerprint(w), &e))
			return cli_session_fail(&c, &e);
		have_file = 1;
		pl = &file;
		if (session_pooled(c.s, &pp, &e) ||
		    bt_eval(&mine, pp, ws_pairs(w), pl, &bo, &p, &e)) {
			plan_free(&file);
			return cli_session_fail(&c, &e);
		}
		r = &mine;
	} else if (session_plan(c.s, &pl, &e) || session_eval(c.s, &bo, &r, &e)) {
		return cli_session_fail(&c, &e);
	}
	cli_plan_note_features(&c, pl, planf ? planf : "the current plan");
	cli_session_quiet(&c);
	if (pl && pl->fallback)
		cli_note("the plan was made with %s", SAFETY_FALLBACK_NOTE);
	plan_ratings_note(pl);
	static const char *const cols[] = { "edit", "category", "accuracy", "pairs", "spread",
		                            "flips", "drops", "fallback" };
	tout *t = tout_new(stdout, o.fmt, cols, 8);
	for (size_t i = 0; i < r->n; i++) {
		const sf_bt_row *x = &r->rows[i];
		int none = !strcmp(x->edit, "none");
		tout_str(t, x->edit);
		tout_str(t, x->category);
		tout_num(t, x->accuracy);
		tout_int(t, (long long)x->pairs);
		tout_num(t, x->spread);
		tout_int(t, none ? 0 : (long long)r->n_flip);
		tout_int(t, none ? 0 : (long long)r->n_drop);
		tout_int(t, pl ? pl->fallback : 0);
		tout_row_end(t);
	}
	int rc = tout_finish(t);
	if (have_file) {
		bt_result_free(&mine);
		plan_free(&file);
	}
	cli_session_close(&c);
	return rc;
}
