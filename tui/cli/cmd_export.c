/* safer export WS --plan F --out EDITED.jsonl: the edited dataset. */
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/plan.h"
#include "engine/ws/outpath.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_export_usage[] =
	"usage: safer export WS [--plan F.jsonl] --out EDITED.jsonl [--force]\n"
	"\n"
	"Write the workspace's pairs with a plan applied - F, or without --plan the\n"
	"workspace's current plan (the last `safer plan`) - as pairs JSONL: flipped\n"
	"pairs have chosen and rejected swapped (PKU-SafeRLHF rows: safer_response_id\n"
	"flipped), dropped pairs are left out, every other pair - test pairs always -\n"
	"is written as it was read, with its id and extra fields. The plan must have\n"
	"been made for this workspace's data (--plan - reads it from standard input).\n"
	"The output is written atomically (- is standard output). An existing EDITED.jsonl is replaced only with --force; it\n"
	"may never be in the workspace, one of its inputs or the plan file.\n";

int cmd_export(int argc, char **argv)
{
	const char *ws_dir = NULL, *planf = NULL, *out = NULL;
	int force = 0;
	for (int i = 1; i < argc; i++) {
		int bad = 0;
		const char *v;
		if ((v = opt_value("export", "--plan", argc, argv, &i, &bad)))
			planf = v;
		else if (!bad && (v = opt_value("export", "--out", argc, argv, &i, &bad)))
			out = v;
		else if (!bad && !strcmp(argv[i], "--force"))
			force = 1;
		else if (bad)
			return EXIT_USAGE;
		else if ((argv[i][0] == '-' && argv[i][1]) || ws_dir)
			return cli_usage_error("export", "unexpected argument '%s'", argv[i]);
		else
			ws_dir = argv[i];
	}
	if (!ws_dir || !out)
		return cli_usage_error("export", "need WS and --out EDITED.jsonl");
	copts o;
	copts_default(&o);
	o.ws = ws_dir;
	cli_session c;
	sf_err e;
	sf_plan file;
	const sf_plan *pl = &file;
	/* nothing is written to the workspace */
	if (cli_session_open(&c, &o, WS_READONLY, &e))
		return cli_session_fail(&c, &e);
	const pairs *P = ws_pairs(session_ws(c.s));
	const char *inputs[] = { planf, NULL };
	if (outpath_check(out, session_ws(c.s), inputs, force ? NULL : "--force", &e))
		return cli_session_fail(&c, &e);
	if (planf ? plan_read(&file, P, planf, ws_fingerprint(session_ws(c.s)), &e)
	          : session_plan(c.s, &pl, &e))
		return cli_session_fail(&c, &e);
	if (!pl) {
		sf_fail(&e, "%s has no current plan: make one (safer plan %s --poison R, --denoise R "
		        "or --mark) or give --plan F.jsonl", ws_dir, ws_dir);
		return cli_session_fail(&c, &e);
	}
	cli_plan_note_features(&c, pl, planf ? planf : "the current plan");
	int rc = EXIT_OK;
	plan_ratings_note(pl);
	if (plan_export(pl, P, out, &e))
		rc = cli_fail("%s", e.msg);
	else
		cli_say(stderr, "safer: wrote %s: %zu pairs (%zu flipped, %zu dropped)",
		        strcmp(out, "-") ? out : "standard output",
		        P->n - plan_count(pl, EDIT_DROP), plan_count(pl, EDIT_FLIP),
		        plan_count(pl, EDIT_DROP));
	if (planf)
		plan_free(&file);
	cli_session_close(&c);
	return rc;
}
