/* safer eval WS [--plan F]: projected effect of an edit (§8). */
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/bteval.h"
#include "engine/analysis/plan.h"
#include "engine/ws/pooled_ws.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_eval_usage[] =
	"usage: safer eval WS [--plan F.jsonl] [--seeds N] [--seed S] [--l2 X]\n"
	"                  [--iters N] [--format tsv|json]\n"
	"\n"
	"Train a linear Bradley-Terry reward head on the mean-pooled activations of\n"
	"each response (L2-regularised logistic loss on r(chosen) - r(rejected)) over\n"
	"the train pairs, and report its pairwise accuracy on the test pairs, per\n"
	"category and for all. Edits: `none` (the data as is); with --plan, `plan`\n"
	"(the plan applied) and `random` (a random edit with as many flips and drops,\n"
	"averaged over N seeds, default 5; spread is their standard deviation).\n"
	"Columns: edit category accuracy pairs spread flips drops fallback\n"
	"Deterministic for a seed (default 1). The pooled activations are cached in\n"
	"WS/pooled.bin.\n";

int cmd_eval(int argc, char **argv)
{
	aopts o;
	aopts_default(&o);
	const char *planf = NULL;
	sf_bt_opts bo;
	bt_opts_default(&bo);
	for (int i = 1; i < argc; i++) {
		int bad = 0;
		long x;
		double dv;
		const char *v;
		if ((v = aopt_value("eval", "--format", argc, argv, &i, &bad))) {
			if (cli_parse_format(v, &o.fmt))
				return cli_usage_error("eval", "--format must be tsv or json");
		} else if (!bad && (v = aopt_value("eval", "--plan", argc, argv, &i, &bad))) {
			planf = v;
		} else if (!bad && (v = aopt_value("eval", "--seeds", argc, argv, &i, &bad))) {
			if (parse_long(v, 1, 1000, &x))
				return cli_usage_error("eval", "--seeds must be 1-1000");
			bo.random_seeds = (int)x;
		} else if (!bad && (v = aopt_value("eval", "--seed", argc, argv, &i, &bad))) {
			if (parse_long(v, 0, 1L << 62, &x))
				return cli_usage_error("eval", "--seed must be a non-negative integer");
			bo.seed = (uint64_t)x;
		} else if (!bad && (v = aopt_value("eval", "--iters", argc, argv, &i, &bad))) {
			if (parse_long(v, 1, 100000, &x))
				return cli_usage_error("eval", "--iters must be 1-100000");
			bo.max_iter = (int)x;
		} else if (!bad && (v = aopt_value("eval", "--l2", argc, argv, &i, &bad))) {
			if (parse_double(v, &dv) || !(dv >= 0) || dv > 1e6)
				return cli_usage_error("eval", "--l2 must be a non-negative number");
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
	actx a;
	sf_err e;
	sf_plan pl;
	int have_plan = 0;
	if (actx_open(&a, o.ws, 0, &e)) {
		actx_close(&a);
		return cli_fail("%s", e.msg);
	}
	if (planf) {
		if (plan_read(&pl, ws_pairs(a.w), planf, ws_fingerprint(a.w), &e)) {
			actx_close(&a);
			return cli_fail("%s", e.msg);
		}
		have_plan = 1;
		if (pl.fallback)
			fprintf(stderr, "safer: note: the plan was made with %s\n", SAFETY_FALLBACK_NOTE);
	}
	sf_pooled pp;
	sf_bt_result r;
	cli_progress pr;
	sf_progress p = cli_progress_begin(&pr, "pooling");
	int rc = bt_pool_ws(&pp, a.w, &p, &e);
	cli_progress_end(&pr);
	if (!rc) {
		p = cli_progress_begin(&pr, "reward heads");
		rc = bt_eval(&r, &pp, ws_pairs(a.w), have_plan ? &pl : NULL, &bo, &p, &e);
		cli_progress_end(&pr);
		bt_pool_free(&pp);
	}
	if (rc) {
		if (have_plan)
			plan_free(&pl);
		actx_close(&a);
		return cli_fail("%s", e.msg);
	}
	static const char *const cols[] = { "edit", "category", "accuracy", "pairs", "spread",
		                            "flips", "drops", "fallback" };
	tout *t = tout_new(stdout, o.fmt, cols, 8);
	for (size_t i = 0; i < r.n; i++) {
		const sf_bt_row *x = &r.rows[i];
		int none = !strcmp(x->edit, "none");
		tout_str(t, x->edit);
		tout_str(t, x->category);
		tout_num(t, x->accuracy);
		tout_int(t, (long long)x->pairs);
		tout_num(t, x->spread);
		tout_int(t, none ? 0 : (long long)r.n_flip);
		tout_int(t, none ? 0 : (long long)r.n_drop);
		tout_int(t, have_plan ? pl.fallback : 0);
		tout_row_end(t);
	}
	rc = tout_finish(t);
	bt_result_free(&r);
	if (have_plan)
		plan_free(&pl);
	actx_close(&a);
	return rc;
}
