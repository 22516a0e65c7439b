/* safer encode WS: write WS/latents.bin with the workspace's SAE. */
#include <stdio.h>
#include <string.h>

#include "engine/ws/latents.h"
#include "engine/sae/sae.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/workspace.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_encode_usage[] =
	"usage: safer encode WS [--prompt] [--force]\n"
	"\n"
	"Encode every chosen and rejected row with the workspace's SAE and store\n"
	"each row's top-k (index, value) in WS/latents.bin. Nothing is recomputed\n"
	"when the cache already matches the SAE and the data (their fingerprints).\n"
	"`safer train` encodes at its end, so this is needed after `load-sae`.\n"
	"\n"
	"  --prompt   encode the prompt rows too (otherwise they hold zeros)\n"
	"  --force    recompute even when the cache is current\n";

int cmd_encode(int argc, char **argv)
{
	const char *dir = NULL;
	int prompt = 0, force = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--prompt"))
			prompt = 1;
		else if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("encode", "unknown option '%s'", argv[i]);
		else if (dir)
			return cli_usage_error("encode", "one workspace directory, please");
		else
			dir = argv[i];
	}
	if (!dir)
		return cli_usage_error("encode", "missing the workspace directory");
	sf_err e = {{0}};
	ws *w;
	if (ws_open(&w, dir, 0, &e))
		return cli_fail("%s", e.msg);
	sae *s;
	if (sae_load_ws(&s, w, &e)) {
		ws_close(w);
		return cli_fail("%s", e.msg);
	}
	cli_catch_interrupt();
	cli_progress prog;
	sf_progress p = cli_progress_begin(&prog, "encode");
	int rebuilt = 0;
	int rc = latents_build(w, s, prompt, force, &p, &rebuilt, &e);
	cli_progress_end(&prog);
	size_t n = store_nrows(ws_store(w));
	sae_free(s);
	ws_close(w);
	if (rc)
		return cli_fail("%s", e.msg);
	if (rebuilt)
		printf("encoded %zu rows into %s/latents.bin\n", n, dir);
	else
		printf("%s/latents.bin is up to date\n", dir);
	return EXIT_OK;
}
