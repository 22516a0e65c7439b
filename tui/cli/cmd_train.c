/* safer train WS [options]: train the workspace's TopK SAE, save it in
 * WS/sae, encode every row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/sae/train.h"
#include "engine/sae/train_params.h"
#include "engine/ws/train_ws.h"
#include "engine/ws/workspace.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_train_usage[] =
	"usage: safer train WS [--NAME VALUE...] [--continue | --resume] [--no-encode]\n"
	"\n"
	"Train a TopK sparse autoencoder on the workspace's activations (SAFER's\n"
	"formulation: standardised rows, pre = W_enc (x - b_pre) + b_lat, raw TopK,\n"
	"normalised-MSE loss, Adam with 5% warm-up and linear decay over the last\n"
	"20%, decoder columns renormalised every 10 batches) and store it in\n"
	"WS/sae (sparsify layout + cfg.json), replacing the SAE there (its labels\n"
	"are kept aside, see `safer help labels`). Then encode every chosen and rejected\n"
	"row into WS/latents.bin (skip with --no-encode: the first command that\n"
	"needs them encodes them). Ctrl-C stops at a batch boundary and saves a checkpoint that\n"
	"--resume continues.\n"
	"\n"
	"  --continue            continue from the SAE in WS/sae (SAFER's second stage)\n"
	"  --resume              continue an interrupted run from its checkpoint\n"
	"  --no-encode           do not write latents.bin\n"
	"\n"
	"Hyperparameters, as --NAME VALUE or --NAME=VALUE (the explorer's Train\n"
	"screen takes the same names and values as :set NAME VALUE):\n";

enum { HELP_COL = 24, HELP_WIDTH = 79 };

/* text from column `col` on, wrapped at words to HELP_WIDTH */
static void put_wrapped(FILE *f, const char *text, int col)
{
	int at = col;
	while (*text) {
		size_t w = strcspn(text, " ");
		if (at > col && at + 1 + (int)w > HELP_WIDTH) {
			fprintf(f, "\n%*s", col, "");
			at = col;
		} else if (at > col) {
			fputc(' ', f);
			at++;
		}
		fwrite(text, 1, w, f);
		at += (int)w;
		text += w;
		text += strspn(text, " ");
	}
	fputc('\n', f);
}

void cmd_train_options(FILE *f)
{
	for (size_t i = 0; i < train_params_count; i++) {
		const train_param *p = &train_params[i];
		char lim[96], def[160], text[512];
		train_param_limits(p, lim, sizeof lim);
		train_param_default(p, def, sizeof def);
		if (p->arg)
			snprintf(text, sizeof text, "%s; %s; default %s", p->help, lim, def);
		else
			snprintf(text, sizeof text, "%s; default %s", p->help, def);
		/* the flag straight to f: no buffer to cut it short */
		int w = p->bare ? fprintf(f, "  --%s[=%s]", p->name, lim)
		                : fprintf(f, "  --%s %s", p->name, p->arg ? p->arg : lim);
		if (w >= HELP_COL)
			fprintf(f, "\n%*s", HELP_COL, "");
		else
			fprintf(f, "%*s", HELP_COL - w, "");
		put_wrapped(f, text, HELP_COL);
	}
}

typedef struct cb_ctx {
	cli_session *c;
	char line[160];
} cb_ctx;

static int on_report(void *ctx, const train_report *r)
{
	cb_ctx *c = ctx;
	if (r->phase && !strcmp(r->phase, "encoding"))
		return cli_session_report(c->c, r->frac, "encoding", NULL);
	if (isatty(STDERR_FILENO)) /* the bar shows the fraction; keep within its 40 columns */
		snprintf(c->line, sizeof c->line, "NMSE %.4f L0 %.1f dead %.1f%% %.0f/s", r->nmse,
		         r->l0, 100 * r->dead_frac, r->rows_per_s);
	else
		snprintf(c->line, sizeof c->line,
		         "step %ld/%ld  NMSE %.4f  L0 %.1f  dead %.1f%%  %.0f rows/s", r->step,
		         r->steps, r->nmse, r->l0, 100 * r->dead_frac, r->rows_per_s);
	return cli_session_report(c->c, r->frac, "training", c->line);
}

/* argv[*i] as a hyperparameter's flag (--NAME VALUE, --NAME=VALUE, or a
 * bare --NAME for those that have one): 1 set (*i past its value), 0 not
 * one of them, -1 a usage error (printed; *rc holds the exit status). */
static int param_arg(train_opts *o, int argc, char **argv, int *i, int *rc)
{
	const char *a = argv[*i];
	if (strncmp(a, "--", 2))
		return 0;
	const char *eq = strchr(a + 2, '=');
	size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
	char name[32];
	if (len >= sizeof name)
		return 0;
	memcpy(name, a + 2, len);
	name[len] = '\0';
	const train_param *p = train_param_find(name);
	if (!p)
		return 0;
	const char *v;
	if (eq) {
		v = eq + 1;
	} else if (p->bare) {
		v = p->bare;
	} else if (*i + 1 < argc) {
		v = argv[++*i];
	} else {
		char lim[96];
		train_param_limits(p, lim, sizeof lim);
		*rc = cli_usage_error("train", "--%s needs a value: %s", p->name, lim);
		return -1;
	}
	sf_err e;
	if (train_param_set(o, p, v, "--", &e)) {
		*rc = cli_usage_error("train", "%s", e.msg);
		return -1;
	}
	return 1;
}

int cmd_train(int argc, char **argv)
{
	train_opts o;
	train_opts_default(&o);
	const char *dir = NULL;
	int cont = 0, resume = 0;
	for (int i = 1; i < argc; i++) {
		int rc, r = param_arg(&o, argc, argv, &i, &rc);
		if (r < 0)
			return rc;
		if (r > 0)
			continue;
		if (!strcmp(argv[i], "--continue"))
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
	sf_err pe;
	if (train_params_check(&o, "--", &pe))
		return cli_usage_error("train", "%s", pe.msg);
	sf_err e = {{0}};
	copts co;
	copts_default(&co);
	co.ws = dir;
	cli_session cs;
	if (cli_session_open(&cs, &co, 0, &e))
		return cli_session_fail(&cs, &e);
	cb_ctx c = { .c = &cs };
	train_report fin = { 0 };
	if (train_ws(session_ws(cs.s), &o, cont, resume, on_report, &c, &fin, &e))
		return cli_session_fail(&cs, &e);
	cli_session_close(&cs);
	cli_say(stdout, "NMSE %.4f  L0 %.2f  dead %.2f%%  kept<=0 %.2f%%  (last epoch)", fin.nmse, fin.l0,
	       100 * fin.dead_frac, 100 * fin.nonpos_frac);
	cli_say(stdout, "%ld steps, %zu rows in %.1f s (%.0f rows/s); saved %s/sae%s", fin.steps,
	       fin.rows_seen, fin.elapsed_s, fin.rows_per_s, dir,
	       o.encode_after ? ", latents.bin written" : "");
	return EXIT_OK;
}
