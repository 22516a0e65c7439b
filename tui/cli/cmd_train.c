/* safer train WS [options]: train the workspace's TopK SAE, save it in
 * WS/sae, encode every row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sae/train.h"
#include "engine/ws/train_ws.h"
#include "engine/ws/workspace.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_train_usage[] =
	"usage: safer train WS [--latents M] [--k K] [--lr LR] [--epochs E] [--batch B]\n"
	"                   [--seed S] [--rows all|sentence] [--prompt] [--threads N]\n"
	"                   [--normalize none|standardize] [--relu] [--auxk [--k-aux N]]\n"
	"                   [--continue | --resume] [--no-encode]\n"
	"\n"
	"Train a TopK sparse autoencoder on the workspace's activations (SAFER's\n"
	"formulation: standardised rows, pre = W_enc (x - b_pre) + b_lat, raw TopK,\n"
	"normalised-MSE loss, Adam with 5% warm-up and linear decay over the last\n"
	"20%, decoder columns renormalised every 10 batches) and store it in\n"
	"WS/sae (sparsify layout + cfg.json). Then encode every chosen and rejected\n"
	"row into WS/latents.bin (skip with --no-encode; `safer encode` does it\n"
	"later). Ctrl-C stops at a batch boundary and saves a checkpoint that\n"
	"--resume continues.\n"
	"\n"
	"  --latents M      SAE width m (default 16384 for d >= 2048 as SAFER, else 8 d)\n"
	"  --k K            active latents per row (default 64 for d >= 2048 as SAFER,\n"
	"                   else 32)\n"
	"  --lr LR          Adam learning rate (default 1e-2; SAFER uses 5e-4 / 3e-4,\n"
	"                   tuned for millions of rows: on ~10^5 rows it does not\n"
	"                   converge)\n"
	"  --batch B        rows per step (default 256; SAFER 1024)\n"
	"  --epochs E       passes over the rows (default: about 2000 steps' worth,\n"
	"                   1 to 8; SAFER 1)\n"
	"  --seed S         initialisation and shuffling seed (default 1)\n"
	"  --rows R         all (token rows) or sentence (sentence-end rows); default:\n"
	"                   all from scratch, sentence with --continue (SAFER's two\n"
	"                   stages: token level, then the safety data's sentence ends)\n"
	"  --prompt         train on prompt rows too (default: chosen + rejected)\n"
	"  --normalize N    standardize (default, SAFER) or none\n"
	"  --relu           clamp kept activations at 0 (sparsify); default raw TopK\n"
	"  --auxk           AuxK dead-latent loss (coefficient 1/32); off as in SAFER\n"
	"  --k-aux N        AuxK latents per row (default d/2)\n"
	"  --threads N      threads (default: OpenBLAS's)\n"
	"  --continue       continue from the SAE in WS/sae (SAFER's second stage)\n"
	"  --resume         continue an interrupted run from its checkpoint\n"
	"  --no-encode      do not write latents.bin\n";

typedef struct cb_ctx {
	sf_progress p;
	const cli_progress *prog;
	char line[160];
} cb_ctx;

static int on_report(void *ctx, const train_report *r)
{
	cb_ctx *c = ctx;
	if (r->phase && !strcmp(r->phase, "encoding")) {
		return sf_progress_report(&c->p, r->frac, "encoding rows");
	}
	if (c->prog->tty) /* the bar shows the fraction; keep within its 40 columns */
		snprintf(c->line, sizeof c->line, "NMSE %.4f L0 %.1f dead %.1f%% %.0f/s", r->nmse,
		         r->l0, 100 * r->dead_frac, r->rows_per_s);
	else
		snprintf(c->line, sizeof c->line,
		         "step %ld/%ld  NMSE %.4f  L0 %.1f  dead %.1f%%  %.0f rows/s", r->step,
		         r->steps, r->nmse, r->l0, 100 * r->dead_frac, r->rows_per_s);
	return sf_progress_report(&c->p, r->frac, c->line);
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int cmd_train(int argc, char **argv)
{
	train_opts o;
	train_opts_default(&o);
	const char *dir = NULL;
	int cont = 0, resume = 0;
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		double x;
		int r = 0;
		struct {
			const char *name;
			double lo, hi;
		} nums[] = { { "--latents", 1, 1 << 24 }, { "--k", 1, 1 << 16 },
		             { "--lr", 1e-12, 10 }, { "--epochs", 1, 100000 },
		             { "--batch", 1, 1 << 20 }, { "--seed", 0, 9e15 },
		             { "--threads", 1, 64 }, { "--k-aux", 1, 1 << 20 } };
		int hit = -1;
		for (size_t q = 0; q < sizeof nums / sizeof nums[0] && hit < 0; q++)
			if ((r = opt_arg(argc, argv, &i, nums[q].name, &v)))
				hit = (int)q;
		if (hit >= 0) {
			if (r < 0 || parse_num(v, nums[hit].lo, nums[hit].hi, &x))
				return cli_usage_error("train", "%s needs a number in [%g, %g]",
				                       nums[hit].name, nums[hit].lo, nums[hit].hi);
			switch (hit) {
			case 0: o.m = (int)x; break;
			case 1: o.k = (int)x; break;
			case 2: o.lr = x; break;
			case 3: o.epochs = (int)x; break;
			case 4: o.batch = (int)x; break;
			case 5: o.seed = (uint64_t)x; break;
			case 6: o.threads = (int)x; break;
			case 7: o.k_aux = (int)x; break;
			}
			continue;
		}
		if ((r = opt_arg(argc, argv, &i, "--rows", &v))) {
			if (r > 0 && !strcmp(v, "all"))
				o.rows = TRAIN_ROWS_ALL;
			else if (r > 0 && !strcmp(v, "sentence"))
				o.rows = TRAIN_ROWS_SENTENCE;
			else
				return cli_usage_error("train", "--rows takes all or sentence");
			continue;
		}
		if ((r = opt_arg(argc, argv, &i, "--normalize", &v))) {
			if (r > 0 && !strcmp(v, "none"))
				o.normalize = SAE_NORM_NONE;
			else if (r > 0 && !strcmp(v, "standardize"))
				o.normalize = SAE_NORM_STANDARDIZE;
			else
				return cli_usage_error("train", "--normalize takes none or standardize");
			continue;
		}
		if (!strcmp(argv[i], "--prompt"))
			o.sides |= TRAIN_SIDE_PROMPT;
		else if (!strcmp(argv[i], "--relu"))
			o.relu = 1;
		else if (!strcmp(argv[i], "--auxk"))
			o.auxk = 1;
		else if (!strcmp(argv[i], "--continue"))
			cont = 1;
		else if (!strcmp(argv[i], "--resume"))
			resume = 1;
		else if (!strcmp(argv[i], "--no-encode"))
			o.encode_after = 0;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("train", "unknown option '%s'", argv[i]);
		else if (dir)
			return cli_usage_error("train", "one workspace directory, please");
		else
			dir = argv[i];
	}
	if (!dir)
		return cli_usage_error("train", "missing the workspace directory");
	if (cont && resume)
		return cli_usage_error("train", "--continue and --resume exclude each other");
	if (o.m && o.k > o.m)
		return cli_usage_error("train", "--k %d exceeds --latents %d", o.k, o.m);
	sf_err e = {{0}};
	ws *w;
	if (ws_open(&w, dir, 0, &e))
		return cli_fail("%s", e.msg);
	cli_catch_interrupt();
	cli_progress prog;
	cb_ctx c;
	c.p = cli_progress_begin(&prog, "train");
	c.prog = &prog;
	train_report fin = { 0 };
	int rc = train_ws(w, &o, cont, resume, on_report, &c, &fin, &e);
	cli_progress_end(&prog);
	ws_close(w);
	if (rc)
		return cli_fail("%s", e.msg);
	printf("NMSE %.4f  L0 %.2f  dead %.2f%%  kept<=0 %.2f%%  (last epoch)\n", fin.nmse, fin.l0,
	       100 * fin.dead_frac, 100 * fin.nonpos_frac);
	printf("%ld steps, %zu rows in %.1f s (%.0f rows/s); saved %s/sae%s\n", fin.steps,
	       fin.rows_seen, fin.elapsed_s, fin.rows_per_s, dir,
	       o.encode_after ? ", latents.bin written" : "");
	return EXIT_OK;
}
