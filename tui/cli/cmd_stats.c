/* safer stats WS: per-feature salience and sums (safer-method.md §4). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"
#include "tui/cli/stats_cat.h"

enum { SORT_SALIENCE, SORT_ID, SORT_PAIRED, SORT_EFFECT };

static const double *sort_key;
static int by_key(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	double kx = fabs(sort_key[x]), ky = fabs(sort_key[y]);
	if (kx != ky)
		return kx > ky ? -1 : 1;
	return (x > y) - (x < y);
}

/* Features by |key| descending, ties by id: order [m], malloc'd. */
static int *order_by(const double *key, int m)
{
	int *order = malloc((size_t)m * sizeof *order);
	if (!order)
		return NULL;
	for (int j = 0; j < m; j++)
		order[j] = j;
	sort_key = key;
	qsort(order, (size_t)m, sizeof *order, by_key);
	return order;
}

/* A column group the head or the pairs cannot give: a note, and nulls. */
static int optional_part(int rc, const char *what, const sf_err *e)
{
	if (rc && !cli_interrupted())
		cli_note("%s: %s", what, e->msg);
	return rc;
}

const char cmd_stats_usage[] =
	"usage: safer stats WS [--rows sentence|all] [--format tsv|json] [-n N]\n"
	"                   [--sort salience|id|paired|effect] [--by-category]\n"
	"                   [--read-only]\n"
	"\n"
	"Per-feature statistics over the rows in use (sentence-end rows by default,\n"
	"as SAFER; --rows all for every token), one row per feature, by |salience|\n"
	"(or by id with --sort id, by |paired_mean| with --sort paired, by\n"
	"|reward_effect| with --sort effect; -n keeps the first N). Columns:\n"
	"  feature salience chosen_sum rejected_sum density max_act\n"
	"  density_chosen density_rejected rank rows name safety\n"
	"  reward_effect paired_mean paired_lo paired_hi\n"
	"chosen_sum = C_j, the sum of positive activations over chosen rows;\n"
	"rejected_sum = R_j likewise; salience s_j = (C_j - R_j) / (C_j + R_j + 2 mu),\n"
	"mu the mean of all C_j and R_j. density: fraction of rows in use where the\n"
	"feature fires (both sides; then per side). rank: position by |salience|,\n"
	"from 0. rows: which rows were used. name, safety: the feature's label.\n"
	"reward_effect = w . d_j, the reward head's weights (see `safer head`) on\n"
	"the feature's decoder direction. paired_mean: the mean over train pairs\n"
	"of (mean activation on the chosen rows in use - on the rejected ones);\n"
	"paired_lo, paired_hi: its 95% percentile bootstrap interval over pairs\n"
	"(1000 resamples, fixed seed). Where the head or the pairs cannot give\n"
	"them (no train pairs), these columns are null and stderr says why.\n"
	"--by-category adds, for every category C of the pairs (\"\" for pairs\n"
	"without one), density.C.chosen and density.C.rejected: the fraction of\n"
	"the rows in use of that category's chosen (rejected) responses where the\n"
	"feature fires - safety pairs against chat pairs, say (builds the latents\n"
	"index, WS/index.bin, when it is missing).\n"
	"The column rows says which rows the ranking and the figures use.\n"
	"What is missing is computed first - the rows encoded with the workspace's\n"
	"SAE, the index, the statistics -, with progress on stderr, and kept in WS.\n"
	"--read-only writes nothing in WS: changes are refused, and what is missing\n"
	"is computed in memory only.\n";

int cmd_stats(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	long limit = -1;
	int sort = SORT_SALIENCE, by_cat = 0;
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("stats", &o, OPT_ANALYSIS, argc, argv, &i), bad = 0;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("stats", "-n", argc, argv, &i, &bad))) {
			if (opt_long_in("stats", "-n", v, 0, 1L << 40, &limit))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("stats", "--sort", argc, argv, &i, &bad))) {
			static const char *const sorts[] = { "salience", "id", "paired", "effect" };
			sort = -1;
			for (int q = 0; q < 4; q++)
				if (!strcmp(v, sorts[q]))
					sort = q;
			if (sort < 0)
				return cli_usage_error("stats",
				                       "--sort must be salience, id, paired or effect");
		} else if (bad) {
			return EXIT_USAGE;
		} else if (!strcmp(argv[i], "--by-category")) {
			by_cat = 1;
		} else if (argv[i][0] == '-' || o.ws) {
			return cli_usage_error("stats", "unexpected argument '%s'", argv[i]);
		} else {
			o.ws = argv[i];
		}
	}
	if (!o.ws)
		return cli_usage_error("stats", "missing workspace");
	cli_session c;
	sf_err e;
	const sf_stats *st;
	const sf_labels *L;
	if (cli_session_open(&c, &o, 0, &e) || session_stats(c.s, &st, &e) ||
	    session_labels(c.s, &L, &e))
		return cli_session_fail(&c, &e);
	const sf_effects *ef = NULL;
	const sf_paired *pd = NULL;
	sf_err oe;
	if (optional_part(session_reward_effects(c.s, &ef, &oe), "reward_effect", &oe))
		ef = NULL;
	if (optional_part(session_paired(c.s, &pd, &oe), "paired_mean", &oe))
		pd = NULL;
	if (cli_interrupted())
		return cli_session_fail(&c, &oe);
	cli_session_quiet(&c);
	int *order = NULL;
	if ((sort == SORT_PAIRED && !pd) || (sort == SORT_EFFECT && !ef)) {
		cli_session_close(&c);
		return cli_fail("cannot sort by %s: it is not available",
		                sort == SORT_PAIRED ? "paired_mean" : "reward_effect");
	}
	if (sort >= SORT_PAIRED && !(order = order_by(sort == SORT_PAIRED ? pd->mean : ef->e, st->m))) {
		cli_session_close(&c);
		return cli_fail("out of memory");
	}
	static const char *const cols[] = { "feature", "salience", "chosen_sum", "rejected_sum",
		                            "density", "max_act", "density_chosen",
		                            "density_rejected", "rank", "rows", "name", "safety",
		                            "reward_effect", "paired_mean", "paired_lo",
		                            "paired_hi" };
	stats_cat sc = { 0 };
	if (by_cat && stats_cat_open(&sc, &c, cols, 16, &e))
		return cli_session_fail(&c, &e);
	tout *t = tout_new(stdout, o.fmt, by_cat ? sc.cols : cols, by_cat ? sc.ncols : 16);
	size_t n = (size_t)st->m;
	if (limit >= 0 && (size_t)limit < n)
		n = (size_t)limit;
	double nc = (double)st->rows_chosen, nr = (double)st->rows_rejected;
	for (size_t i = 0; i < n; i++) {
		int f = sort == SORT_ID ? (int)i : order ? order[i] : st->order[i];
		const sf_label *lb = labels_get(L, f);
		tout_int(t, f);
		tout_num(t, st->salience[f]);
		tout_num(t, st->chosen_sum[f]);
		tout_num(t, st->rejected_sum[f]);
		tout_num(t, nc + nr > 0 ? (st->density_chosen[f] * nc + st->density_rejected[f] * nr) / (nc + nr)
		                        : 0);
		tout_num(t, st->max_act[f]);
		tout_num(t, st->density_chosen[f]);
		tout_num(t, st->density_rejected[f]);
		tout_int(t, st->rank[f]);
		tout_str(t, rows_mode_name(st->rows_mode));
		tout_str(t, lb ? lb->name : "");
		if (lb && lb->safety)
			tout_int(t, lb->safety);
		else
			tout_null(t);
		if (ef && f < ef->m)
			tout_num(t, ef->e[f]);
		else
			tout_null(t);
		for (int q = 0; q < 3; q++)
			if (pd && f < pd->m)
				tout_num(t, q == 0 ? pd->mean[f] : q == 1 ? pd->lo[f] : pd->hi[f]);
			else
				tout_null(t);
		if (by_cat)
			stats_cat_row(&sc, t, f);
		tout_row_end(t);
	}
	free(order);
	int rc = tout_finish(t);
	stats_cat_close(&sc);
	cli_session_close(&c);
	return rc;
}
