/* safer label WS FEATURE: name, rate and annotate one feature. */
#include <stdlib.h>
#include <string.h>

#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_label_usage[] =
	"usage: safer label WS FEATURE [--name TEXT] [--safety 1-5] [--note TEXT]\n"
	"                   [--clear-rating] [--remove] [--format tsv|json]\n"
	"\n"
	"Set a feature's label; options not given keep their value. The safety\n"
	"rating follows safer-method.md §5: 5 strongly safety-related (unsafe\n"
	"content or refusal), 4 some safety concern, 3 moderate or unclear, 2 low\n"
	"relevance, 1 no safety relevance. Saved at once in WS/labels.msgpack.\n"
	"Prints the label: columns feature name safety note updated.\n";

int cmd_label(int argc, char **argv)
{
	aopts o;
	aopts_default(&o);
	const char *feat = NULL, *name = NULL, *note = NULL;
	long safety = -1;
	int remove = 0;
	for (int i = 1; i < argc; i++) {
		int bad = 0;
		const char *v;
		if ((v = aopt_value("label", "--format", argc, argv, &i, &bad))) {
			if (cli_parse_format(v, &o.fmt))
				return cli_usage_error("label", "--format must be tsv or json");
		} else if (!bad && (v = aopt_value("label", "--name", argc, argv, &i, &bad))) {
			name = v;
		} else if (!bad && (v = aopt_value("label", "--note", argc, argv, &i, &bad))) {
			note = v;
		} else if (!bad && (v = aopt_value("label", "--safety", argc, argv, &i, &bad))) {
			if (parse_long(v, 1, 5, &safety))
				return cli_fail("safety rating '%s' is outside 1-5", v);
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
	actx a;
	sf_err e;
	if (actx_open(&a, o.ws, 0, &e) || actx_labels(&a, &e)) {
		actx_close(&a);
		return cli_fail("%s", e.msg);
	}
	if (ws_readonly(a.w)) {
		int rc = cli_fail("%s: the workspace is read-only (%s); labels cannot change", o.ws,
		                  ws_readonly_reason(a.w));
		actx_close(&a);
		return rc;
	}
	if (f < 0 || f >= a.L.m) {
		int m = a.L.m;
		actx_close(&a);
		return cli_fail("no feature %ld (the SAE has %d features: 0-%d)", f, m, m - 1);
	}
	int rc = remove ? labels_remove(&a.L, (int)f, &e)
	                : labels_set(&a.L, (int)f, name, (int)safety, note, &e);
	if (rc) {
		actx_close(&a);
		return cli_fail("%s", e.msg);
	}
	static const char *const cols[] = { "feature", "name", "safety", "note", "updated" };
	tout *t = tout_new(stdout, o.fmt, cols, 5);
	label_row(t, labels_get(&a.L, (int)f), (int)f);
	rc = tout_finish(t);
	actx_close(&a);
	return rc;
}
