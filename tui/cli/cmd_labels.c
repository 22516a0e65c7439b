/* safer labels WS: list, export or import feature labels. */
#include <stdlib.h>
#include <string.h>

#include "engine/ws/outpath.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_labels_usage[] =
	"usage: safer labels WS [--export F.json [--force] | --import F.json]\n"
	"                    [--format tsv|json] [--read-only]\n"
	"\n"
	"Without options, list every label: columns feature name safety note updated.\n"
	"--export writes them as JSON: [{\"feature\": 123, \"name\": \"...\", \"safety\": 5,\n"
	"\"note\": \"...\", \"updated\": \"2026-11-27T21:00:00Z\"}] (safety null when unrated).\n"
	"- is standard output; an existing F.json is replaced only with --force; it\n"
	"may not be in the workspace or one of its inputs.\n"
	"--import reads the same JSON and merges it: each entry replaces that\n"
	"feature's label (- reads standard input). The file is checked whole first;\n"
	"on any error nothing changes.\n"
	"\n"
	"Labels belong to the workspace's SAE. After `safer train` or `safer load-sae`\n"
	"brings another SAE, the next command that reads labels keeps the old ones\n"
	"in WS/labels-<old SAE fingerprint>.msgpack, starts an empty set (or the\n"
	"archived set of the new SAE, when it was used before) and says so once\n"
	"(with --read-only, in memory only).\n";

int cmd_labels(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	const char *exp = NULL, *imp = NULL;
	int force = 0;
	for (int i = 1; i < argc; i++) {
		int bad = 0, r = opt_shared("labels", &o, OPT_FORMAT | OPT_READONLY, argc, argv, &i);
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("labels", "--export", argc, argv, &i, &bad))) {
			exp = v;
		} else if (!bad && (v = opt_value("labels", "--import", argc, argv, &i, &bad))) {
			imp = v;
		} else if (!bad && !strcmp(argv[i], "--force")) {
			force = 1;
		} else if (bad) {
			return EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("labels", "unknown option '%s'", argv[i]);
		} else if (!o.ws) {
			o.ws = argv[i];
		} else {
			return cli_usage_error("labels", "unexpected argument '%s'", argv[i]);
		}
	}
	if (!o.ws)
		return cli_usage_error("labels", "missing workspace");
	if (exp && imp)
		return cli_usage_error("labels", "--export and --import exclude each other");
	if (force && !exp)
		return cli_usage_error("labels", "--force goes with --export");
	cli_session c;
	sf_err e;
	const sf_labels *L;
	if (cli_session_open(&c, &o, 0, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	if (exp && outpath_check(exp, w, NULL, force ? NULL : "--force", &e))
		return cli_session_fail(&c, &e);
	if (imp && ws_readonly(w)) {
		int rc = cli_fail("%s: the workspace is read-only (%s); labels cannot change", o.ws,
		                  ws_readonly_reason(w));
		cli_session_close(&c);
		return rc;
	}
	size_t n = 0;
	if ((imp && session_labels_import(c.s, imp, &n, &e)) || session_labels(c.s, &L, &e))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	int rc = EXIT_OK;
	if (imp) {
		cli_say(stderr, "safer: imported %zu labels (%zu in the workspace)", n, L->n);
	} else if (exp) {
		if (labels_export_json(L, exp, &e))
			rc = cli_fail("%s", e.msg);
	} else {
		static const char *const cols[] = { "feature", "name", "safety", "note", "updated" };
		tout *t = tout_new(stdout, o.fmt, cols, 5);
		for (size_t i = 0; i < L->n; i++)
			label_row(t, &L->v[i], L->v[i].feature);
		rc = tout_finish(t);
	}
	cli_session_close(&c);
	return rc;
}
