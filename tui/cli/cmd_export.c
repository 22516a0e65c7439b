/* safer export WS --plan F --out EDITED.jsonl: the edited dataset. */
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/plan.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_export_usage[] =
	"usage: safer export WS --plan F.jsonl --out EDITED.jsonl\n"
	"\n"
	"Write the workspace's pairs with the plan applied, as pairs JSONL: flipped\n"
	"pairs have chosen and rejected swapped (PKU-SafeRLHF rows: safer_response_id\n"
	"flipped), dropped pairs are left out, every other pair - test pairs always -\n"
	"is written as it was read, with its id and extra fields. The plan must have\n"
	"been made for this workspace's data. The output is written atomically.\n";

int cmd_export(int argc, char **argv)
{
	const char *ws_dir = NULL, *planf = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		int bad = 0;
		const char *v;
		if ((v = aopt_value("export", "--plan", argc, argv, &i, &bad)))
			planf = v;
		else if (!bad && (v = aopt_value("export", "--out", argc, argv, &i, &bad)))
			out = v;
		else if (bad)
			return EXIT_USAGE;
		else if ((argv[i][0] == '-' && argv[i][1]) || ws_dir)
			return cli_usage_error("export", "unexpected argument '%s'", argv[i]);
		else
			ws_dir = argv[i];
	}
	if (!ws_dir || !planf || !out)
		return cli_usage_error("export", "need WS, --plan F.jsonl and --out EDITED.jsonl");
	actx a;
	sf_err e;
	sf_plan pl;
	if (actx_open(&a, ws_dir, WS_READONLY, &e) ||
	    plan_read(&pl, ws_pairs(a.w), planf, ws_fingerprint(a.w), &e)) {
		actx_close(&a);
		return cli_fail("%s", e.msg);
	}
	int rc = EXIT_OK;
	if (plan_export(&pl, ws_pairs(a.w), out, &e))
		rc = cli_fail("%s", e.msg);
	else
		fprintf(stderr, "safer: wrote %s: %zu pairs (%zu flipped, %zu dropped)\n", out,
		        ws_pairs(a.w)->n - plan_count(&pl, EDIT_DROP), plan_count(&pl, EDIT_FLIP),
		        plan_count(&pl, EDIT_DROP));
	plan_free(&pl);
	actx_close(&a);
	return rc;
}
