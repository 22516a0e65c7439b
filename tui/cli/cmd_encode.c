/* safer encode WS: write WS/latents.bin with the workspace's SAE. */
#include <stdio.h>
#include <string.h>

#include "engine/ws/latents.h"
#include "engine/sae/sae.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_encode_usage[] =
	"usage: safer encode WS [--prompt] [--force]\n"
	"\n"
	"Encode every chosen and rejected row with the workspace's SAE and store\n"
	"each row's top-k (index, value) in WS/latents.bin. Nothing is recomputed\n"
	"when the cache already matches the SAE and the data (their fingerprints).\n"
	"Every command that needs the latents encodes the rows when they are missing\n"
	"or stale, and `safer train` encodes at its end; this does it ahead of time.\n"
	"\n"
	"  --prompt   encode the prompt rows too (otherwise they hold zeros)\n"
	"  --force    recompute even when the cache is current\n";

int cmd_encode(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	int prompt = 0, force = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--prompt"))
			prompt = 1;
		else if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("encode", "unknown option '%s'", argv[i]);
		else if (o.ws)
			return cli_usage_error("encode", "one workspace directory, please");
		else
			o.ws = argv[i];
	}
	const char *dir = o.ws;
	if (!dir)
		return cli_usage_error("encode", "missing the workspace directory");
	sf_err e = {{0}};
	cli_session c;
	const sae *m;
	if (cli_session_open(&c, &o, 0, &e) || session_sae(c.s, &m, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	cli_step st;
	sf_progress p = cli_step_progress(&st, &c, "encoding");
	int rebuilt = 0;
	int rc = latents_build(w, m, prompt, force, &p, &rebuilt, &e);
	size_t n = store_nrows(ws_store(w));
	if (rc)
		return cli_session_fail(&c, &e);
	cli_session_close(&c);
	if (rebuilt)
		cli_say(stdout, "encoded %zu rows into %s/latents.bin", n, dir);
	else
		cli_say(stdout, "%s/latents.bin is up to date", dir);
	return EXIT_OK;
}
