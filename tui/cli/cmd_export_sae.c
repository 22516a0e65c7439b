/* safer export-sae WS --layout saelens|sparsify --out DIR: the workspace's
 * SAE for another library. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/sae/export.h"
#include "engine/ws/outpath.h"
#include "engine/ws/sae_ws.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_export_sae_usage[] =
	"usage: safer export-sae WS --layout saelens|sparsify --out DIR\n"
	"\n"
	"Write the workspace's SAE into the new directory DIR as that library saves\n"
	"it, for it to load: SAELens (SAE.load_from_disk) gets sae_weights.safetensors\n"
	"(W_enc [d,m], b_enc, W_dec [m,d], b_dec, and threshold for JumpReLU) and a\n"
	"cfg.json with architecture topk, jumprelu or standard, normalize_activations\n"
	"and metadata.hook_name (the workspace's SAELens hook when the activation\n"
	"file records it); sparsify (SparseCoder.load_from_disk) gets sae.safetensors\n"
	"(encoder.weight, encoder.bias, W_dec, b_dec) and its cfg.json, for TopK SAEs\n"
	"only. Where the library reads the SAE differently from safer (SAFER's\n"
	"standardize against SAELens's layer_norm eps 1e-5, or no normalisation in\n"
	"sparsify; raw TopK against their ReLU), a note on stderr says so; cfg.json\n"
	"also records safer's own normalize and relu, so that `safer load-sae` reads\n"
	"DIR back as the same SAE. DIR must not exist, and may not be inside the\n"
	"workspace; it is filled in a temporary directory beside it and renamed into\n"
	"place, so it appears whole or not at all.\n"
	"\n"
	"  --layout L   saelens or sparsify\n"
	"  --out DIR    the new directory\n";

int cmd_export_sae(int argc, char **argv)
{
	const char *ws_dir = NULL, *out = NULL;
	int layout = -1;
	for (int i = 1; i < argc; i++) {
		int bad = 0;
		const char *v;
		if ((v = opt_value("export-sae", "--layout", argc, argv, &i, &bad))) {
			if (sae_export_layout_parse(v, &layout))
				return cli_usage_error("export-sae", "--layout takes saelens or sparsify, not "
				                       "'%s'", v);
		} else if (!bad && (v = opt_value("export-sae", "--out", argc, argv, &i, &bad)))
			out = v;
		else if (bad)
			return EXIT_USAGE;
		else if ((argv[i][0] == '-' && argv[i][1]) || ws_dir)
			return cli_usage_error("export-sae", "unexpected argument '%s'", argv[i]);
		else
			ws_dir = argv[i];
	}
	if (!ws_dir || !out || layout < 0)
		return cli_usage_error("export-sae", "need WS, --layout and --out DIR");
	if (!strcmp(out, "-"))
		return cli_usage_error("export-sae", "--out needs a directory, not standard output");
	copts o;
	copts_default(&o);
	o.ws = ws_dir;
	cli_session c;
	sf_err e = { { 0 } };
	if (cli_session_open(&c, &o, WS_READONLY, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	sae *s = NULL;
	struct stat sb;
	if (lstat(out, &sb) == 0) {
		sf_fail(&e, "%s: exists; give a new directory", out);
		return cli_session_fail(&c, &e);
	}
	/* a new path: refused inside the workspace, as every output */
	if (outpath_check(out, w, NULL, NULL, &e) || sae_load_ws(&s, w, &e))
		return cli_session_fail(&c, &e);
	const store *st = ws_store(w);
	const char *hook = layout == SAE_EXPORT_SAELENS ? store_meta(st, "saelens_hook") : NULL;
	char caveat[400];
	sae_export_caveat(s, layout, caveat, sizeof caveat);
	int rc = EXIT_OK;
	if (sae_export(s, layout, out, hook, store_meta(st, "model"), &e))
		rc = cli_fail("%s", e.msg);
	else {
		if (caveat[0])
			cli_say(stderr, "note: %s", caveat);
		cli_say(stdout, "wrote %s (%s layout): d %d, m %d, %s", out,
		        layout == SAE_EXPORT_SAELENS ? "SAELens" : "sparsify", s->d, s->m,
		        sae_kind_name(s->kind));
	}
	sae_free(s);
	cli_session_close(&c);
	return rc;
}
