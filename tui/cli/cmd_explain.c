/* safer explain WS PAIR: which features move the pair's margin under the
 * reward head (safer-method.md §10). */
#include <stdlib.h>
#include <string.h>

#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_explain_usage[] =
	"usage: safer explain WS PAIR [-n N] [--format tsv|json] [--read-only]\n"
	"\n"
	"The pair's margin under the reward head (see `safer head`),\n"
	"margin = w . (pool(chosen) - pool(rejected)), split over the SAE's\n"
	"features: contribution_j = c_j(chosen) - c_j(rejected), with\n"
	"c_j(resp) = (1/n) sum over the response's n rows of s_r z_rj e_j (z as\n"
	"encoded, e_j = w . d_j the feature's reward effect, s_r the row's input\n"
	"scale: its std + 1e-6 when the SAE standardises, else 1). The N features\n"
	"(default 20; 0 for all) with the largest |contribution|, then a last row\n"
	"whose feature is `residual`: the margin minus the rows above, so that the\n"
	"rows add up to the margin. Positive: towards chosen. Columns:\n"
	"  feature contribution name\n"
	"stderr gives the margin, and what the residual holds: the features not\n"
	"listed and the terms no feature carries (the rows' offsets, b_pre and\n"
	"the reconstruction error). The latents, the head and the effects are\n"
	"computed first when missing, and kept in WS.\n"
	"--read-only writes nothing in WS: what is missing is computed in memory\n"
	"only.\n";

int cmd_explain(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	const char *pair_arg = NULL;
	long n = 20;
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("explain", &o, OPT_FORMAT | OPT_READONLY, argc, argv, &i), bad = 0;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("explain", "-n", argc, argv, &i, &bad))) {
			if (opt_long_in("explain", "-n", v, 0, 1L << 30, &n))
				return EXIT_USAGE;
		} else if (bad) {
			return EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("explain", "unknown option '%s'", argv[i]);
		} else if (!o.ws) {
			o.ws = argv[i];
		} else if (!pair_arg) {
			pair_arg = argv[i];
		} else {
			return cli_usage_error("explain", "unexpected argument '%s'", argv[i]);
		}
	}
	long pair;
	if (!o.ws || !pair_arg)
		return cli_usage_error("explain", "need a workspace and a pair");
	if (parse_long(pair_arg, 0, 1L << 40, &pair))
		return cli_usage_error("explain", "PAIR must be a pair index, not '%s'", pair_arg);
	cli_session c;
	sf_err e;
	const sf_head *h;
	const sf_labels *L;
	sf_attrib a;
	if (cli_session_open(&c, &o, 0, &e) || session_head(c.s, &h, &e) ||
	    session_explain(c.s, (size_t)pair, &a, &e))
		return cli_session_fail(&c, &e);
	if (session_labels(c.s, &L, &e)) {
		attrib_free(&a);
		return cli_session_fail(&c, &e);
	}
	cli_session_quiet(&c);
	size_t shown = n == 0 || (size_t)n > a.n ? a.n : (size_t)n;
	double others = 0;
	for (size_t i = shown; i < a.n; i++)
		others += a.c[i].value;
	cli_note("pair %ld: margin %.9g under %s; the residual holds %zu other features "
	         "(%.9g) and the terms no feature carries (%.9g)",
	         pair, a.margin, head_kind_text(h->kind), a.n - shown, others, a.residual);
	static const char *const cols[] = { "feature", "contribution", "name" };
	tout *t = tout_new(stdout, o.fmt, cols, 3);
	for (size_t i = 0; i < shown; i++) {
		const sf_label *lb = labels_get(L, a.c[i].feature);
		tout_int(t, a.c[i].feature);
		tout_num(t, a.c[i].value);
		tout_str(t, lb ? lb->name : "");
		tout_row_end(t);
	}
	tout_str(t, "residual");
	tout_num(t, attrib_rest(&a, shown));
	tout_str(t, "");
	tout_row_end(t);
	int rc = tout_finish(t);
	attrib_free(&a);
	cli_session_close(&c);
	return rc;
}
