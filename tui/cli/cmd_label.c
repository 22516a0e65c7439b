/* safer label WS FEATURE: name, rate and annotate one feature. */
#include <stdlib.h>
#include <string.h>

#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_label_usage[] =
	"usage: safer label WS FEATURE [--name TEXT] [--safety 1-5] [--note TEXT]\n"
	"                   [--clear-rating] [--remove] [--format tsv|json] [--read-only]\n"
	"\n"
	"Set a feature's label; options not given keep their value. The safety\n"
	"rating follows safer-method.md §5: 5 strongly safety-related (unsafe\n"
	"content or refusal), 4 some safety concern, 3 moderate or unclear, 2 low\n"
	"relevance, 1 no safety relevance. Saved at once in WS/labels.msgpack.\n"
	"Prints the label: columns feature name safety note updated. Another process\n"
	"may have WS open (the explorer, say): the change is saved under the\n"
	"workspace lock on the labels as they are on disk, so none is lost.\n"
	"With --read-only (or a directory that is not writable) it is refused.\n";

int cmd_label(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	const char *feat = NULL, *name = NULL, *note = NULL;
	long safety = -1;
	int remove = 0;
	for (int i = 1; i < argc; i++) {
		int bad = 0, r = opt_shared("label", &o, OPT_FORMAT | OPT_READONLY, argc, argv, &i);
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("label", "--name", argc, argv, &i, &bad))) {
			name = v;
		} else if (!bad && (v = opt_value("label", "--note", argc, argv, &i, &bad))) {
			note = v;
		} else if (!bad && (v = opt_value("label", "--safety", argc, argv, &i, &bad))) {
			if (opt_long_in("label", "--safety", v, 1, 5, &safety))
				return EXIT_USAGE;
		} else if (bad) {
			return EXIT_USAGE;
		} else if (!strcmp(argv[i], "--clear-rating")) {
			safety = 0;
		} else if (!strcmp(argv[i], "--remove")) {
			remove = 1;
		} else if (argv[i][0] == '-' && argv[i][1] && !(o.ws && !feat)) {
			return cli_usage_error("label", "unknown option '%s'", argv[i]);
		} else if (!o.ws) {
			o.ws = argv[i];
		} else if (!feat) {
			feat = argv[i];
		} else {
			return cli_usage_error("label", "unexpected argument '%s'", argv[i]);
		}
	}
	long f;
	if (!o.ws || !feat)
		return cli_usage_error("label", "need a workspace and a feature");
	if (parse_long(feat, -(1L << 40), 1L << 40, &f))
		return cli_usage_error("label", "FEATURE must be a feature number, not '%s'", feat);
	cli_session c;
	sf_err e;
	int m;
	if (cli_session_open(&c, &o, 0, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	if (ws_readonly(w)) {
		int rc = cli_fail("%s: the workspace is read-only (%s); labels cannot change", o.ws,
		                  ws_readonly_reason(w));
		cli_session_close(&c);
		return rc;
	}
	if (session_width(c.s, &m, &e))
		return cli_session_fail(&c, &e);
	if (f < 0 || f >= m) {
		cli_session_close(&c);
		return cli_fail("no feature %ld (the SAE has %d features: 0-%d)", f, m, m - 1);
	}
	const sf_labels *L;
	if ((remove ? session_label_remove(c.s, (int)f, &e)
	            : session_label_set(c.s, (int)f, name, (int)safety, note, &e)) ||
	    session_labels(c.s, &L, &e))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	static const char *const cols[] = { "feature", "name", "safety", "note", "updated" };
	tout *t = tout_new(stdout, o.fmt, cols, 5);
	label_row(t, labels_get(L, (int)f), (int)f);
	int rc = tout_finish(t);
	cli_session_close(&c);
	return rc;
}
