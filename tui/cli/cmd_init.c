/* safer init WS --pairs P.jsonl --acts A.safetensors [--acts A2 ...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ws/workspace.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/options.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_init_usage[] =
	"usage: safer init WS --pairs P.jsonl --acts A.safetensors [--acts A2 ...]\n"
	"\n"
	"Create the workspace directory WS (new, or an existing empty one) for a\n"
	"preference-pairs file and its activation file. Both are checked against\n"
	"each other first: every row must refer to a pair of the file, rows must be\n"
	"sorted by (pair, side, pos), and no activation may be NaN or infinite (the\n"
	"whole activation file is read once for this). The workspace records the\n"
	"inputs' absolute paths, sizes and fingerprints in WS/manifest.msgpack; the\n"
	"inputs stay where they are and must not change afterwards.\n"
	"\n"
	"Activations in shards (as safer-extract writes them with --shards, or under\n"
	"torchrun) are one store without being copied: give --acts once per shard,\n"
	"or once with the directory that holds them (its *.safetensors files). The\n"
	"shards may come in any order; together they must hold rows sorted by\n"
	"(pair, side, pos), each shard its own range of pairs, with one d, one dtype\n"
	"and the same metadata, and every check above applies to the whole set.\n"
	"\n"
	"  --pairs P    preference pairs, JSONL (doc/formats.md)\n"
	"  --acts A     activations, safetensors (doc/formats.md): a file, or a\n"
	"               directory of shards; repeat for more shards\n"
	"Neither may be - (standard input): the workspace refers to them by path.\n";

int cmd_init(int argc, char **argv)
{
	const char *dir = NULL, *pairs_path = NULL, *acts_path = NULL;
	const char **acts = malloc((size_t)argc * sizeof *acts); /* at most one per argument */
	size_t nacts = 0;
	if (!acts)
		return cli_fail("out of memory");
	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = opt_arg(argc, argv, &i, "--pairs", &pairs_path)) ||
		    (r = opt_arg(argc, argv, &i, "--acts", &acts_path))) {
			if (r < 0) {
				free(acts);
				return cli_usage_error("init", "%s needs a value", argv[i]);
			}
			if (acts_path)
				acts[nacts++] = acts_path, acts_path = NULL;
			continue;
		}
		int bad = argv[i][0] == '-' && argv[i][1] ? 1 : dir ? 2 : 0;
		if (bad) {
			free(acts);
			return bad == 1 ? cli_usage_error("init", "unknown option '%s'", argv[i])
			                : cli_usage_error("init", "one workspace directory, please");
		}
		dir = argv[i];
	}
	if (!dir || !pairs_path || !nacts) {
		free(acts);
		return !dir ? cli_usage_error("init", "missing the workspace directory")
		            : cli_usage_error("init", "both --pairs and --acts are required");
	}
	/* a workspace keeps its inputs by path, reads them again and maps them */
	int stdin_acts = 0;
	for (size_t k = 0; k < nacts; k++)
		stdin_acts |= !strcmp(acts[k], "-");
	if (!strcmp(pairs_path, "-") || stdin_acts) {
		free(acts);
		return cli_usage_error("init", "%s cannot be - (standard input): the workspace keeps "
		                       "its inputs' paths and reads them again later%s; save it to a "
		                       "file first", !strcmp(pairs_path, "-") ? "--pairs" : "--acts",
		                       !strcmp(pairs_path, "-") ? "" : " (the activations are mapped)");
	}
	cli_catch_interrupt();
	cli_progress prog;
	sf_progress p = cli_progress_begin(&prog, "checking activations");
	sf_err e = {{0}};
	int rc = ws_init_set(dir, pairs_path, acts, nacts, &p, &e);
	cli_progress_end(&prog);
	free(acts);
	if (rc)
		return cli_fail("%s", e.msg);
	ws *w;
	if (ws_open(&w, dir, WS_READONLY, &e))
		return cli_fail("%s", e.msg);
	const store *s = ws_store(w);
	char shards[64] = "";
	if (store_nfiles(s) > 1)
		snprintf(shards, sizeof shards, " in %zu shards", store_nfiles(s));
	cli_say(stdout, "created %s: %zu pairs, %zu rows%s, d %d %s, fingerprint %s", dir,
	        ws_pairs(w)->n, store_nrows(s), shards, store_dim(s), store_dtype_name(s),
	        ws_fingerprint(w));
	cli_note_rowless(w);
	ws_close(w);
	return EXIT_OK;
}
