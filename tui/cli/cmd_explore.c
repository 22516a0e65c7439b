/* safer explore WS: the interactive explorer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"
#include "tui/explore/commands.h"
#include "tui/explore/explore.h"
#include "tui/explore/probe_screen.h"
#include "engine/probe/client.h"

const char cmd_explore_usage[] =
	"usage: safer explore WS [--read-only] [--rows sentence|all]\n"
	"                     [--ratings human|judge|both] [--unparsed skip|5]\n"
	"                     [--color never|always|auto] [--probe-url URL]\n"
	"\n"
	"Open the interactive explorer on workspace WS: the features ranked by\n"
	"salience (or, with /t:TEXT, those that fire on a token text), their\n"
	"activations on chosen and rejected responses (top rows, rows from\n"
	"intervals of activation, random rows: v switches), their density on a log\n"
	"scale and the features like them, labels and ratings (saved at once),\n"
	"pairs with their safety scores, edit plans with their projected effect,\n"
	"the SAE's quality (Q), and SAE training or loading when WS has none yet\n"
	"(latents missing for its SAE are encoded first, with a progress bar).\n"
	"Press h (or F1) on any screen for its keys, : for the command line (:sort\n"
	"salience, :goto 123, :label NAME, :rate 5, :plan poison 5%, :export F\n"
	"(:export! F replaces a file), :load-sae PATH, :q; Tab completes). Keys\n"
	"mean the same on every screen, as in less and vim: / and ? search (regular\n"
	"expressions, any case) down and up, n and N repeat, g and G go to the\n"
	"top and end, ^D and ^U half a page, a count repeats a move (5j) where\n"
	"digits are no ratings; l labels, m notes, u and ^R undo and redo. The\n"
	"lines typed at : and / are kept in WS/history.jsonl for the next session.\n"
	"Outputs\n"
	"are never the workspace's files or inputs (see doc/formats.md). Labels and\n"
	"plans saved by another process (safer label WS ..., a second explorer)\n"
	"show up within a second.\n"
	"The judge's verdicts (safer judge) stand beside your ratings; --ratings\n"
	"says whose choose the safety sets (default both: yours override the\n"
	"judge's), --unparsed whether a verdict without a score counts as 5.\n"
	"Colour: --color auto (the default) uses it when the terminal has colours\n"
	"and NO_COLOR is unset or empty; never (or NO_COLOR=1) turns it off;\n"
	"always keeps it even with NO_COLOR set.\n"
	"The Probe screen (p on a pair or on the Features table, :probe) sends\n"
	"your own or an edited text to a probe server (safer-serve) and shows the\n"
	"features, heat, a(resp) and reward of the edit beside the original's:\n"
	"--probe-url URL names the server (and keeps it in WS, as :probe URL does;\n"
	"a bearer token comes from SAFER_PROBE_TOKEN); e edits a text in $VISUAL\n"
	"or $EDITOR, S saves the probe (safer probes lists them).\n";

static int run(sf_session *S, const char *probe_url)
{
	app *a = app_new();
	if (!a) {
		session_close(S);
		return cli_fail("out of memory");
	}
	xmodel *m = xm_new(S, a); /* takes S over, also when it fails */
	if (!m || xcmd_install(m)) {
		xm_free(m);
		app_free(a);
		return cli_fail("out of memory");
	}
	if (app_start(a)) {
		app_free(a);
		xm_free(m);
		return cli_fail("explore: cannot start the terminal (TERM=%s)",
		                getenv("TERM") ? getenv("TERM") : "");
	}
	/* Loading (encoding, the index, the statistics) runs inside, with a
	 * progress bar and x to cancel. */
	xm_start(m);
	if (probe_url)
		xprobe_set_url(m, probe_url, 1);
	int rc = app_run(a);
	app_free(a); /* restores the terminal */
	xm_free(m);  /* the screens, then the session */
	return rc;
}

int cmd_explore(int argc, char **argv)
{
	const char *dir = NULL;
	int flags = 0, rows_mode = ROWS_SENTENCE;
	copts o;
	copts_default(&o);
	const char *probe_url = NULL;
	sf_err e;
	for (int i = 1; i < argc; i++) {
		int bad = 0, r = opt_shared("explore", &o, OPT_RATINGS, argc, argv, &i);
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (!strcmp(argv[i], "--read-only") || !strcmp(argv[i], "--readonly")) {
			flags |= WS_READONLY;
		} else if ((v = opt_value("explore", "--rows", argc, argv, &i, &bad))) {
			if (rows_mode_parse(v, &rows_mode))
				return cli_usage_error("explore", "--rows is sentence or all, not '%s'", v);
		} else if (!bad && (v = opt_value("explore", "--probe-url", argc, argv, &i, &bad))) {
			if (probe_check_url(v, &e))
				return cli_usage_error("explore", "--probe-url: %s", e.msg);
			probe_url = v;
		} else if (!bad && (v = opt_value("explore", "--color", argc, argv, &i, &bad))) {
			/* the theme reads NO_COLOR */
			if (!strcmp(v, "never"))
				setenv("NO_COLOR", "1", 1);
			else if (!strcmp(v, "always"))
				unsetenv("NO_COLOR");
			else if (strcmp(v, "auto"))
				return cli_usage_error("explore",
				                       "--color is never, always or auto, not '%s'", v);
		} else if (bad) {
			return EXIT_USAGE;
		} else if (argv[i][0] == '-' || dir) {
			return cli_usage_error("explore", "unexpected argument '%s'", argv[i]);
		} else {
			dir = argv[i];
		}
	}
	if (!dir)
		return cli_usage_error("explore", "missing workspace");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cli_fail("explore needs a terminal (stdin and stdout); the other commands "
		                "are for scripts");
	sf_session *S;
	if (session_open(&S, dir, flags, &e))
		return cli_fail("%s", e.msg);
	session_set_rows_mode(S, rows_mode);
	session_set_safety_opts(S, &o.so);
	return run(S, probe_url);
}
