/* safer init WS --pairs P.jsonl --acts A.safetensors */
#include <stdio.h>
#include <string.h>

#include "engine/ws/workspace.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/options.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_init_usage[] =
	"usage: safer init WS --pairs P.jsonl --acts A.safetensors\n"
	"\n"
	"Create the workspace directory WS (new, or an existing empty one) for a\n"
	"preference-pairs file and its activation file. Both are checked against\n"
	"each other first: every row must refer to a pair of the file, rows must be\n"
	"sorted by (pair, side, pos), and no activation may be NaN or infinite (the\n"
	"whole activation file is read once for this). The workspace records the\n"
	"inputs' absolute paths, sizes and fingerprints in WS/manifest.msgpack; the\n"
	"inputs stay where they are and must not change afterwards.\n"
	"\n"
	"  --pairs P    preference pairs, JSONL (doc/formats.md)\n"
	"  --acts A     activations, safetensors (doc/formats.md)\n"
	"Neither may be - (standard input): the workspace refers to them by path.\n";

int cmd_init(int argc, char **argv)
{
	const char *dir = NULL, *pairs_path = NULL, *acts_path = NULL;
	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = opt_arg(argc, argv, &i, "--pairs", &pairs_path)) ||
		    (r = opt_arg(argc, argv, &i, "--acts", &acts_path))) {
			if (r < 0)
				return cli_usage_error("init", "%s needs a value", argv[i]);
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("init", "unknown option '%s'", argv[i]);
		if (dir)
			return cli_usage_error("init", "one workspace directory, please");
		dir = argv[i];
	}
	if (!dir)
		return cli_usage_error("init", "missing the workspace directory");
	if (!pairs_path || !acts_path)
		return cli_usage_error("init", "both --pairs and --acts are required");
	/* a workspace keeps its inputs by path, reads them again and maps them */
	if (!strcmp(pairs_path, "-") || !strcmp(acts_path, "-"))
		return cli_usage_error("init", "%s cannot be - (standard input): the workspace keeps "
		                       "its inputs' paths and reads them again later%s; save it to a "
		                       "file first", !strcmp(pairs_path, "-") ? "--pairs" : "--acts",
		                       !strcmp(pairs_path, "-") ? "" : " (the activations are mapped)");
	cli_catch_interrupt();
	cli_progress prog;
	sf_progress p = cli_progress_begin(&prog, "checking activations");
	sf_err e = {{0}};
	int rc = ws_init_progress(dir, pairs_path, acts_path, &p, &e);
	cli_progress_end(&prog);
	if (rc)
		return cli_fail("%s", e.msg);
	ws *w;
	if (ws_open(&w, dir, WS_READONLY, &e))
		return cli_fail("%s", e.msg);
	const store *s = ws_store(w);
	cli_say(stdout, "created %s: %zu pairs, %zu rows, d %d %s, fingerprint %s", dir, ws_pairs(w)->n,
	       store_nrows(s), store_dim(s), store_dtype_name(s), ws_fingerprint(w));
	cli_note_rowless(w);
	ws_close(w);
	return EXIT_OK;
}
