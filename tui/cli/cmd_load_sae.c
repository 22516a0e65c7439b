/* safer load-sae WS PATH: import an SAE trained elsewhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sae/sae.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_load_sae_usage[] =
	"usage: safer load-sae WS PATH [--k K] [--normalize none|standardize]\n"
	"\n"
	"Import a TopK SAE into the workspace: PATH is a .safetensors file or a\n"
	"directory holding one and its cfg.json. Three layouts are recognised by\n"
	"their tensor names: sparsify (encoder.weight, encoder.bias, W_dec, b_dec;\n"
	"ReLU then TopK), SAELens topk (W_enc, b_enc, W_dec, b_dec; TopK then\n"
	"ReLU) and the SAFER reference (encoder.weight, latent_bias,\n"
	"decoder.weight, pre_bias; raw TopK on standardised rows). F32, F16 and\n"
	"BF16 load. k and the input normalisation come from cfg.json (SAELens:\n"
	"normalize_activations none or layer_norm) or the options. Shapes, k,\n"
	"finiteness and the width d against the workspace are checked. The SAE is\n"
	"stored in WS/sae, replacing the SAE there (its labels are kept aside, see\n"
	"`safer help labels`). The rows are encoded with it by the first command that\n"
	"needs them (or ahead of time by `safer encode WS`).\n"
	"\n"
	"  --k K          active latents per row (when cfg.json lacks it, or to override)\n"
	"  --normalize N  none or standardize (overrides the file's)\n";

int cmd_load_sae(int argc, char **argv)
{
	const char *dir = NULL, *path = NULL;
	int k = 0, norm = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		long x;
		int r;
		if ((r = opt_arg(argc, argv, &i, "--k", &v))) {
			if (r < 0)
				return cli_usage_error("load-sae", "--k needs a value");
			if (opt_long_in("load-sae", "--k", v, 1, 1 << 20, &x))
				return EXIT_USAGE;
			k = (int)x;
		} else if ((r = opt_arg(argc, argv, &i, "--normalize", &v))) {
			if (v && !strcmp(v, "none"))
				norm = SAE_NORM_NONE;
			else if (v && !strcmp(v, "standardize"))
				norm = SAE_NORM_STANDARDIZE;
			else
				return cli_usage_error("load-sae", "--normalize takes none or standardize");
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("load-sae", "unknown option '%s'", a);
		} else if (!dir) {
			dir = a;
		} else if (!path) {
			path = a;
		} else {
			return cli_usage_error("load-sae", "too many arguments");
		}
	}
	if (!dir || !path)
		return cli_usage_error("load-sae", "need the workspace and the SAE path");
	if (!strcmp(path, "-"))
		return cli_usage_error("load-sae", "PATH cannot be - (standard input): an SAE is read "
		                       "from its file, with the cfg.json beside it; save it first");
	sf_err e = {{0}};
	sae *s;
	if (sae_load(&s, path, norm, k, &e))
		return cli_fail("%s", e.msg);
	copts o;
	copts_default(&o);
	o.ws = dir;
	cli_session c;
	if (cli_session_open(&c, &o, 0, &e)) {
		sae_free(s);
		return cli_session_fail(&c, &e);
	}
	ws *w = session_ws(c.s);
	int d = store_dim(ws_store(w));
	int rc = 0;
	if (s->d != d) {
		rc = cli_fail("%s: SAE width d %d differs from the workspace's activations d %d%s%s%s",
		              path, s->d, d, s->hook ? " (SAE hook " : "", s->hook ? s->hook : "",
		              s->hook ? ")" : "");
	} else if (ws_readonly(w)) {
		rc = cli_fail("%s: read-only (%s)", dir, ws_readonly_reason(w));
	} else {
		free(s->source);
		s->source = strdup(path);
		s->data_fingerprint[0] = 0;
		if (session_sae_install(c.s, s, &e))
			rc = cli_fail("%s", e.msg);
		else
			cli_say(stdout, "loaded %s (%s layout): d %d, m %d, k %d, normalize %s, %s", path,
			       sae_layout_name(s->layout), s->d, s->m, s->k,
			       s->normalize ? "standardize" : "none", s->relu ? "ReLU" : "raw TopK");
	}
	cli_session_close(&c);
	sae_free(s);
	return rc;
}
