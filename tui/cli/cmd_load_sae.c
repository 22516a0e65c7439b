/* safer load-sae WS PATH: import an SAE trained elsewhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sae/sae.h"
#include "engine/ws/sae_ws.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_load_sae_usage[] =
	"usage: safer load-sae WS PATH [--k K] [--normalize none|standardize] [--force]\n"
	"\n"
	"Import an SAE into the workspace: PATH is a .safetensors file or a\n"
	"directory holding one (sae.safetensors, sae_weights.safetensors) and its\n"
	"cfg.json. Three layouts are recognised by their tensor names: sparsify\n"
	"(encoder.weight, encoder.bias, W_dec, b_dec; ReLU then TopK), SAELens\n"
	"(W_enc, b_enc, W_dec, b_dec) and the SAFER reference (encoder.weight,\n"
	"latent_bias, decoder.weight, pre_bias; raw TopK on standardised rows).\n"
	"SAELens architectures: topk (TopK then ReLU), jumprelu (a threshold\n"
	"tensor; BatchTopK, Matryoshka and Gemma Scope SAEs are saved so: z = pre\n"
	"where pre > max(threshold, 0)) and standard (ReLU); the last two have a\n"
	"varying number of active latents per row, refused when more than 512 on\n"
	"average over a sample of the rows. SAELens's normalize_activations none,\n"
	"layer_norm, constant_norm_rescale and expected_average_only_in (its\n"
	"scale from cfg.json or activation_scaler.json beside it, else estimated\n"
	"on the rows as SAELens does, saying so) and apply_b_dec_to_input are\n"
	"read as SAELens means them; its hook (metadata.hook_name or hook_name)\n"
	"must be the workspace's layer (--force loads it anyway). sparsify folders\n"
	"of a transcoder or with a skip connection (W_skip) are refused. F32, F16\n"
	"and BF16 load. Shapes, k, finiteness and the width d against the\n"
	"workspace are checked. The SAE is\n"
	"stored in WS/sae, replacing the SAE there (its labels are kept aside, see\n"
	"`safer help labels`). The rows are encoded with it by the first command that\n"
	"needs them (or ahead of time by `safer encode WS`).\n"
	"\n"
	"  --k K          active latents per row (when cfg.json lacks it, or to override)\n"
	"  --normalize N  none or standardize (overrides the file's)\n"
	"  --force        load an SAE whose hook is not the workspace's layer\n";

int cmd_load_sae(int argc, char **argv)
{
	const char *dir = NULL, *path = NULL;
	int k = 0, norm = -1, force = 0;
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
		} else if (!strcmp(a, "--force")) {
			force = 1;
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
	char note[600] = "";
	if (s->d != d) {
		rc = cli_fail("%s: SAE width d %d differs from the workspace's activations d %d%s%s%s",
		              path, s->d, d, s->hook ? " (SAE hook " : "", s->hook ? s->hook : "",
		              s->hook ? ")" : "");
	} else if (ws_readonly(w)) {
		rc = cli_fail("%s: read-only (%s)", dir, ws_readonly_reason(w));
	} else if (sae_ws_fit(w, s, force, note, sizeof note, &e)) {
		rc = cli_fail("%s: %s", path, e.msg);
	} else {
		if (note[0])
			cli_say(stderr, "note: %s", note);
		free(s->source);
		s->source = strdup(path);
		s->data_fingerprint[0] = 0;
		char kind[32];
		if (s->kind == SAE_KIND_TOPK)
			snprintf(kind, sizeof kind, "k %d", s->k);
		else
			snprintf(kind, sizeof kind, "%s", sae_kind_name(s->kind));
		if (session_sae_install(c.s, s, &e))
			rc = cli_fail("%s", e.msg);
		else
			cli_say(stdout, "loaded %s (%s layout): d %d, m %d, %s, normalize %s%s", path,
			        sae_layout_name(s->layout), s->d, s->m, kind,
			        sae_norm_name(s->normalize),
			        s->kind != SAE_KIND_TOPK ? "" : s->relu ? ", ReLU" : ", raw TopK");
	}
	cli_session_close(&c);
	sae_free(s);
	return rc;
}
