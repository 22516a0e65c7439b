/* safer quality WS: how well the SAE fits the rows, how its features are
 * spread, how much of what the reward head reads it keeps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ws/quality_ws.h"
#include "engine/ws/sae_ws.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_quality_usage[] =
	"usage: safer quality WS [--rows sentence|all] [--format tsv|json] [--read-only]\n"
	"\n"
	"The SAE's quality over the rows in use (sentence-end rows by default):\n"
	"  explained_variance  1 - sum |x~ - x^|^2 / sum |x~ - mean x~|^2, in the SAE's\n"
	"                      input space (safer-method.md §13)\n"
	"  nmse                mean over rows of |x^ - x~|^2 / |x~|^2 (§3)\n"
	"  l0                  mean number of latents > 0 per row\n"
	"  dead                features never active on the rows in use\n"
	"  dense               features active on more than 10% of them\n"
	"  density histogram   the live features binned by log10 of the share of\n"
	"                      rows they fire on, 4 bins a decade\n"
	"  head accuracy       the Bradley-Terry proxy head of `safer eval`, trained\n"
	"                      on the unedited train pairs, scored on the test pairs\n"
	"                      on the raw activations and on the SAE's\n"
	"                      reconstructions (taken back to the raw space)\n"
	"JSON: one object {\"rows\", \"rows_in_use\", \"features\", \"k\", \"d\",\n"
	"\"explained_variance\", \"nmse\", \"l0\", \"dead\", \"dense\", \"dense_threshold\",\n"
	"\"density_histogram\": [{\"lo\", \"hi\", \"features\"}], \"head\": {\"test_pairs\",\n"
	"\"accuracy_raw\", \"accuracy_reconstructed\"} or null}; lo and hi are log10\n"
	"densities. TSV: columns `figure lo hi value`, one row per figure (lo, hi\n"
	"empty) and one row `density_bin` per histogram bin.\n"
	"The first run reads every row and trains the head (progress on stderr)\n"
	"and keeps the figures in WS (quality-<rows>.bin); later runs read them.\n"
	"--read-only writes nothing in WS.\n";

static void print_json(const sf_quality *q)
{
	printf("{\"rows\": \"%s\", \"rows_in_use\": %llu, \"features\": %d, \"k\": %d, \"d\": %d,\n",
	       rows_mode_name(q->rows_mode), (unsigned long long)q->rows, q->m, q->k, q->d);
	printf(" \"explained_variance\": %.9g, \"nmse\": %.9g, \"l0\": %.9g,\n", q->ev, q->nmse,
	       q->l0);
	printf(" \"dead\": %llu, \"dense\": %llu, \"dense_threshold\": %.9g,\n",
	       (unsigned long long)q->dead, (unsigned long long)q->dense, QUALITY_DENSE);
	printf(" \"density_histogram\": [");
	for (int b = 0; b < q->hist_bins; b++)
		printf("%s{\"lo\": %.9g, \"hi\": %.9g, \"features\": %llu}", b ? ", " : "",
		       quality_bin_edge(q, b), quality_bin_edge(q, b + 1),
		       (unsigned long long)q->hist[b]);
	printf("],\n \"head\": ");
	if (q->head)
		printf("{\"test_pairs\": %llu, \"accuracy_raw\": %.9g, \"accuracy_reconstructed\": "
		       "%.9g}}\n",
		       (unsigned long long)q->test_pairs, q->acc_raw, q->acc_recon);
	else
		printf("null}\n");
}

static void fig(tout *t, const char *name, double v)
{
	tout_str(t, name);
	tout_null(t);
	tout_null(t);
	tout_num(t, v);
	tout_row_end(t);
}

static int print_tsv(const sf_quality *q)
{
	static const char *const cols[] = { "figure", "lo", "hi", "value" };
	tout *t = tout_new(stdout, FMT_TSV, cols, 4);
	fig(t, "rows_in_use", (double)q->rows);
	fig(t, "features", q->m);
	fig(t, "explained_variance", q->ev);
	fig(t, "nmse", q->nmse);
	fig(t, "l0", q->l0);
	fig(t, "dead", (double)q->dead);
	fig(t, "dense", (double)q->dense);
	if (q->head) {
		fig(t, "test_pairs", (double)q->test_pairs);
		fig(t, "head_accuracy_raw", q->acc_raw);
		fig(t, "head_accuracy_reconstructed", q->acc_recon);
	}
	for (int b = 0; b < q->hist_bins; b++) {
		tout_str(t, "density_bin");
		tout_num(t, quality_bin_edge(q, b));
		tout_num(t, quality_bin_edge(q, b + 1));
		tout_int(t, (long long)q->hist[b]);
		tout_row_end(t);
	}
	return tout_finish(t);
}

static int cli_quality(cli_session *c, int rows_mode, sf_quality *q, sf_err *e)
{
	char fp[17];
	sf_err fe;
	int found = 0;
	if (sae_ws_fingerprint(session_ws(c->s), fp, &fe) == 0 &&
	    quality_ws_cached(q, session_ws(c->s), fp, rows_mode, &found, e))
		return -1;
	if (found)
		return 0;
	const sae *model;
	const latents *l;
	const sf_stats *st;
	const sf_pooled *raw;
	if (session_sae(c->s, &model, e) || session_latents(c->s, &l, e) ||
	    session_stats(c->s, &st, e) || session_pooled(c->s, &raw, e))
		return -1;
	cli_step step;
	sf_progress p = cli_step_progress(&step, c, "quality");
	return quality_ws(q, session_ws(c->s), model, l, st, raw, rows_mode, &p, NULL, e);
}

int cmd_quality(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("quality", &o, OPT_FORMAT | OPT_ROWS | OPT_READONLY, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("quality", "unknown option '%s'", argv[i]);
		else if (!o.ws)
			o.ws = argv[i];
		else
			return cli_usage_error("quality", "unexpected argument '%s'", argv[i]);
	}
	if (!o.ws)
		return cli_usage_error("quality", "need a workspace");
	cli_session c;
	sf_err e;
	sf_quality q;
	if (cli_session_open(&c, &o, 0, &e) || cli_quality(&c, o.rows_mode, &q, &e))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	int rc = 0;
	if (o.fmt == FMT_JSON) {
		print_json(&q);
		if (fflush(stdout) || ferror(stdout))
			rc = cli_fail("cannot write the output");
	} else {
		rc = print_tsv(&q);
	}
	cli_session_close(&c);
	return rc;
}
