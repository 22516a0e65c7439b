/* safer plan WS (--poison R | --denoise R): the edit list (§7). */
#include <stdlib.h>
#include <string.h>

#include "engine/plan.h"
#include "tui/analysis_cli.h"
#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_plan_usage[] =
	"usage: safer plan WS (--poison R | --denoise R) [--out F.jsonl]\n"
	"                  [--rows sentence|all] [--candidates N] [--threshold T] [--cap C]\n"
	"\n"
	"Plan a dataset edit from the pair scores (see `safer score`), over the\n"
	"train pairs only (N of them); R is a ratio in (0, 1]:\n"
	"  --poison R   flip the floor(R*N) highest-scored pairs\n"
	"  --denoise R  drop the floor(R*N) lowest-scored pairs\n"
	"Prints the edit list as JSONL (or writes it atomically to --out), one line\n"
	"per edited pair: {\"index\", \"id\", \"action\", \"score\", \"strategy\",\n"
	"\"ratio\", \"fingerprint\", \"s_plus\", \"s_minus\", \"fallback\"}. The plan is\n"
	"also kept as the workspace's current plan (WS/plan.jsonl) unless the\n"
	"workspace is read-only.\n";

int cmd_plan(int argc, char **argv)
{
	aopts o;
	aopts_default(&o);
	const char *out = NULL;
	double ratio = 0;
	int strategy = 0;
	for (int i = 1; i < argc; i++) {
		int r = aopt_shared("plan", &o, argc, argv, &i), bad = 0;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		int which = !strncmp(argv[i], "--poison", 8) ? PLAN_POISON
		            : !strncmp(argv[i], "--denoise", 9) ? PLAN_DENOISE : 0;
		if (which && ((v = aopt_value("plan", "--poison", argc, argv, &i, &bad)) ||
		              (!bad && (v = aopt_value("plan", "--denoise", argc, argv, &i, &bad))))) {
			if (strategy)
				return cli_usage_error("plan", "give one of --poison and --denoise");
			if (parse_double(v, &ratio))
				return cli_usage_error("plan", "the ratio must be a number, not '%s'", v);
			if (!(ratio > 0 && ratio <= 1))
				return cli_fail("plan ratio %s is outside (0, 1]", v);
			strategy = which;
		} else if (!bad && (v = aopt_value("plan", "--out", argc, argv, &i, &bad))) {
			out = v;
		} else if (bad) {
			return EXIT_USAGE;
		} else if ((argv[i][0] == '-' && argv[i][1]) || o.ws) {
			return cli_usage_error("plan", "unexpected argument '%s'", argv[i]);
		} else {
			o.ws = argv[i];
		}
	}
	if (!o.ws)
		return cli_usage_error("plan", "missing workspace");
	if (!strategy)
		return cli_usage_error("plan", "give --poison R or --denoise R");
	actx a;
	sf_err e;
	sf_plan pl;
	if (actx_open(&a, o.ws, 0, &e) || actx_scores(&a, &o, &e) ||
	    plan_make(&pl, ws_pairs(a.w), &a.sc, &a.S, strategy, ratio, ws_fingerprint(a.w), &e)) {
		actx_close(&a);
		return cli_fail("%s", e.msg);
	}
	int rc = EXIT_OK;
	char cur[4096];
	if (out ? plan_write(&pl, ws_pairs(a.w), out, &e)
	        : plan_write_stream(&pl, ws_pairs(a.w), stdout, &e))
		rc = cli_fail("%s", e.msg);
	else if (!ws_readonly(a.w) && (ws_file(a.w, "plan.jsonl", cur, sizeof cur, &e) ||
	                               plan_write(&pl, ws_pairs(a.w), cur, &e)))
		rc = cli_fail("%s", e.msg);
	if (!rc)
		fprintf(stderr, "safer: %s %g: %zu of the train pairs (S+ %d, S- %d features)\n",
		        plan_strategy_name(strategy), ratio, pl.n, pl.n_plus, pl.n_minus);
	plan_free(&pl);
	actx_close(&a);
	if (!rc && fflush(stdout))
		rc = cli_fail("cannot write the plan to stdout");
	return rc;
}
