/* safer explore WS: the interactive explorer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"
#include "tui/explore/explore.h"

const char cmd_explore_usage[] =
	"usage: safer explore WS [--read-only] [--rows sentence|all]\n"
	"\n"
	"Open the interactive explorer on workspace WS: the features ranked by\n"
	"salience, their top activations on chosen and rejected responses, labels\n"
	"and ratings (saved at once), pairs with their safety scores, edit plans\n"
	"with their projected effect, and SAE training when WS has none yet.\n"
	"Press ? on any screen for its keys, : for the command line (:sort\n"
	"salience, :goto 123, :label NAME, :rate 5, :plan poison 5%, :export F,\n"
	":q). A second explorer on the same workspace opens read-only.\n"
	"NO_COLOR=1 turns colour off.\n";

static int run(xmodel *m)
{
	app *a = app_new();
	if (!a)
		return cli_fail("out of memory");
	m->a = a;
	xm_bind(m);
	sf_err e;
	/* Before the screen starts, progress (the index is built on the
	 * first open) goes to stderr as for the other commands. */
	cli_progress pr;
	sf_progress p = cli_progress_begin(&pr, "opening the workspace");
	int analysis = xm_load_analysis(m, &p, &e) == 0;
	cli_progress_end(&pr);
	if (!analysis) {
		/* Without latents the explorer opens on Train; any other
		 * failure is an error of the workspace. */
		if (m->l) {
			app_free(a);
			return cli_fail("%s", e.msg);
		}
		xm_free_analysis(m);
	}
	m->features = features_screen(m);
	m->feature = feature_screen(m);
	m->pair = pair_screen(m);
	m->edits = edits_screen(m);
	m->train = train_screen(m);
	if (!m->features || !m->feature || !m->pair || !m->edits || !m->train) {
		app_free(a);
		return cli_fail("out of memory");
	}
	if (app_start(a)) {
		app_free(a);
		return cli_fail("explore: cannot start the terminal (TERM=%s)",
		                getenv("TERM") ? getenv("TERM") : "");
	}
	app_set_commands(a, xm_command, xm_word, m);
	app_set_command_help(a, xm_command_help, xm_command_help_n);
	app_set_global_keys(a, xm_global_key, m, xm_global_keys, xm_global_keys_n);
	xm_update_title(m);
	app_push(a, m->features);
	if (!analysis) {
		app_push(a, m->train);
		app_msg(a, MSG_INFO, "%s", e.msg);
	}
	if (ws_readonly(m->w))
		app_msg(a, MSG_ERROR, "read-only: %s", ws_readonly_reason(m->w));
	else if (analysis)
		app_msg(a, MSG_INFO, "%d features · Enter opens one · ? for keys", m->st.m);
	int rc = app_run(a);
	app_free(a); /* restores the terminal */
	features_screen_free(m->features);
	feature_screen_free(m->feature);
	pair_screen_free(m->pair);
	edits_screen_free(m->edits);
	train_screen_free(m->train);
	return rc;
}

int cmd_explore(int argc, char **argv)
{
	const char *dir = NULL;
	int flags = 0, rows_mode = ROWS_SENTENCE;
	for (int i = 1; i < argc; i++) {
		int bad = 0;
		const char *v;
		if (!strcmp(argv[i], "--read-only") || !strcmp(argv[i], "--readonly")) {
			flags |= WS_READONLY;
		} else if ((v = opt_value("explore", "--rows", argc, argv, &i, &bad))) {
			if (rows_mode_parse(v, &rows_mode))
				return cli_usage_error("explore", "--rows is sentence or all, not '%s'", v);
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
	xmodel m;
	sf_err e;
	memset(&m, 0, sizeof m);
	if (ws_open(&m.w, dir, flags, &e))
		return cli_fail("%s", e.msg);
	m.P = ws_pairs(m.w);
	m.s = ws_store(m.w);
	m.rows_mode = rows_mode;
	safety_opts_default(&m.so);
	int rc = run(&m);
	xm_free_analysis(&m);
	ws_close(m.w);
	return rc;
}
