/* safer judged WS: the judge's verdicts. */
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/labels.h"
#include "engine/ws/verdicts_ws.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_judged_usage[] =
	"usage: safer judged WS [--format tsv|json] [--read-only]\n"
	"\n"
	"The verdicts `safer judge` saved for the workspace's SAE, by feature.\n"
	"Columns: feature score explanation model time rating check\n"
	"score is 1-5, empty (null in JSON) where the reply had no parsable score;\n"
	"rating is the person's rating of the feature (0 when not rated), which\n"
	"overrides the judge's score under --ratings both; check is the share of\n"
	"contexts the judge told right from the explanation (`safer judge --check`),\n"
	"empty when not checked.\n";

int cmd_judged(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("judged", &o, OPT_FORMAT | OPT_READONLY, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("judged", "unknown option '%s'", argv[i]);
		if (o.ws)
			return cli_usage_error("judged", "unexpected argument '%s'", argv[i]);
		o.ws = argv[i];
	}
	if (!o.ws)
		return cli_usage_error("judged", "missing workspace");
	cli_session c;
	sf_err e;
	int m;
	const sf_labels *L;
	sf_verdicts V;
	if (cli_session_open(&c, &o, 0, &e) || session_width(c.s, &m, &e) ||
	    session_labels(c.s, &L, &e))
		return cli_session_fail(&c, &e);
	if (verdicts_ws_load(&V, session_ws(c.s), m, &e))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	static const char *const cols[] = { "feature", "score", "explanation", "model", "time",
		                            "rating", "check" };
	tout *t = tout_new(stdout, o.fmt, cols, 7);
	for (size_t i = 0; i < V.n; i++) {
		const sf_verdict *v = &V.v[i];
		const sf_label *lb = labels_get(L, v->feature);
		char when[32];
		labels_format_time(v->time, when);
		tout_int(t, v->feature);
		if (v->score)
			tout_int(t, v->score);
		else
			tout_null(t);
		tout_str(t, v->explanation);
		tout_str(t, v->model);
		tout_str(t, when);
		tout_int(t, lb ? lb->safety : 0);
		if (v->check_n)
			tout_num(t, (double)v->check_correct / v->check_n);
		else
			tout_null(t);
		tout_row_end(t);
	}
	int rc = tout_finish(t);
	verdicts_free(&V);
	cli_session_close(&c);
	return rc;
}
