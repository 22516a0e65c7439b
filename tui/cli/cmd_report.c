/* safer report WS --out FILE.html|FILE.md: the audit report. */
#include <string.h>
#include <time.h>

#include "engine/base/atomic.h"
#include "engine/report/html.h"
#include "engine/report/md.h"
#include "engine/report/report.h"
#include "engine/ws/outpath.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_report_usage[] =
	"usage: safer report WS --out FILE.html|FILE.md [--format html|md] [--force]\n"
	"                    [-n N] [--window W] [--rows sentence|all] [--candidates N]\n"
	"                    [--threshold T] [--cap C] [--ratings human|judge|both]\n"
	"                    [--unparsed skip|5] [--read-only]\n"
	"\n"
	"Write an audit report of the workspace to share: the dataset (pairs per\n"
	"split and category, rows, model) and the SAE (shape, training NMSE, L0 and\n"
	"dead fraction when its cfg.json records them; mean L0, dead and dense\n"
	"features on the rows in use); the safety features - every feature a person\n"
	"labelled or the judge rated, and the members of S+ and S- - each with its\n"
	"name, ratings, salience, density, a histogram of its activations per side\n"
	"and its top N contexts (default 5, W tokens, default 24) on chosen and on\n"
	"rejected responses, the activating token marked; and the current plan with\n"
	"its projected effect (accuracy per category with no edit, the plan and a\n"
	"random edit, as `safer eval`) and the pairs it edits. The report says which\n"
	"rows (--rows) its statistics, ranking and scores use.\n"
	"The format follows FILE's extension (.html or .htm, .md or .markdown) or\n"
	"--format. HTML is one self-contained file: inline CSS and SVG, no script,\n"
	"nothing fetched, every dataset text escaped. Markdown reads in a plain\n"
	"viewer, with Markdown's special characters in dataset text escaped.\n"
	"FILE is written atomically (- is standard output, which needs --format);\n"
	"an existing FILE is replaced only with --force, and FILE is never in the\n"
	"workspace or one of its inputs (doc/formats.md, Output files).\n"
	"What is missing is computed first, with progress on stderr, and kept in WS\n"
	"(computed in memory only with --read-only).\n";

enum { REP_NONE = -1, REP_HTML = 0, REP_MD = 1 };

static int format_of(const char *s)
{
	return !strcmp(s, "html") ? REP_HTML : !strcmp(s, "md") ? REP_MD : REP_NONE;
}

/* The format an output file's name asks for, or REP_NONE. */
static int format_of_name(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return REP_NONE;
	if (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))
		return REP_HTML;
	if (!strcmp(dot, ".md") || !strcmp(dot, ".markdown"))
		return REP_MD;
	return REP_NONE;
}

int cmd_report(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	report_opts ro;
	report_opts_default(&ro);
	const char *out = NULL;
	int force = 0, fmt = REP_NONE;
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("report", &o, OPT_ROWS | OPT_SAFETY | OPT_READONLY | OPT_RATINGS,
		                   argc, argv, &i), bad = 0;
		const char *v;
		long x;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("report", "--out", argc, argv, &i, &bad))) {
			out = v;
		} else if (!bad && (v = opt_value("report", "--format", argc, argv, &i, &bad))) {
			if ((fmt = format_of(v)) == REP_NONE)
				return cli_usage_error("report", "--format must be html or md, not '%.40s'", v);
		} else if (!bad && (v = opt_value("report", "-n", argc, argv, &i, &bad))) {
			if (opt_long_in("report", "-n", v, 0, 1000, &x))
				return EXIT_USAGE;
			ro.contexts = (int)x;
		} else if (!bad && (v = opt_value("report", "--window", argc, argv, &i, &bad))) {
			if (opt_long_in("report", "--window", v, 1, 4096, &x))
				return EXIT_USAGE;
			ro.window = (int)x;
		} else if (bad) {
			return EXIT_USAGE;
		} else if (!strcmp(argv[i], "--force")) {
			force = 1;
		} else if ((argv[i][0] == '-' && argv[i][1]) || o.ws) {
			return cli_usage_error("report", "unexpected argument '%s'", argv[i]);
		} else {
			o.ws = argv[i];
		}
	}
	if (!o.ws)
		return cli_usage_error("report", "missing workspace");
	if (!out)
		return cli_usage_error("report", "--out FILE.html or FILE.md is needed (- with "
		                       "--format for standard output)");
	if (fmt == REP_NONE && (fmt = format_of_name(out)) == REP_NONE)
		return cli_usage_error("report", "cannot tell the format of '%s' from its name: end it "
		                       "in .html or .md, or give --format html|md", out);
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	ro.when = when;
	ro.generator = "safer " PACKAGE_VERSION;

	cli_session c;
	sf_err e;
	atomic_file af;
	if (cli_session_open(&c, &o, 0, &e) ||
	    outpath_check(out, session_ws(c.s), NULL, force ? NULL : "--force", &e) ||
	    atomic_open_out(&af, out, &e))
		return cli_session_fail(&c, &e);
	rep_writer w;
	if (fmt == REP_HTML)
		report_html_writer(&w, af.f);
	else
		report_md_writer(&w, af.f);
	if (report_write(c.s, &ro, &w, &e)) {
		atomic_abort(&af);
		return cli_session_fail(&c, &e);
	}
	int is_stdout = !strcmp(out, "-");
	if (atomic_commit(&af, &e))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	if (!is_stdout)
		cli_say(stderr, "safer: wrote the report to %s", out);
	cli_session_close(&c);
	return EXIT_OK;
}
