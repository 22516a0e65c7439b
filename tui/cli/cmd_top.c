/* safer top WS FEATURE: the feature's strongest rows with context. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/analysis/density.h"
#include "engine/analysis/index.h"
#include "engine/analysis/intervals.h"
#include "engine/analysis/top.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_top_usage[] =
	"usage: safer top WS FEATURE [--side chosen|rejected] [-n N] [--window W]\n"
	"                 [--rows sentence|all] [--judge] [--mark unicode|ascii|none]\n"
	"                 [--quantiles Q] [--random N] [--seed S] [--histogram] [--bins B]\n"
	"                 [--format tsv|json] [--read-only]\n"
	"\n"
	"The rows where FEATURE fires most, strongest first: N per side (default 10;\n"
	"both sides unless --side), each with a context of up to W tokens (default 24)\n"
	"of the same response around the activating token. Columns:\n"
	"  pair side pos activation token context row\n"
	"In the context the activating token is marked: \u27e6token\u27e7 (--mark unicode,\n"
	"the default), [[token]] (--mark ascii) or not at all (--mark none), since\n"
	"in sentence-end rows the token is often only \".\" and the same token may\n"
	"occur more than once in the window.\n"
	"Rows in use: sentence-end rows by default, every token row with --rows all\n"
	"(stderr says which).\n"
	"--judge prints instead the judge input of safer-method.md §5: contexts\n"
	"grouped by the activating token's lower-cased text, at most 10 per token,\n"
	"windows of up to 128 tokens, with an extra first column `group`; a feature\n"
	"that fires on more than 32 token texts or has 4 or fewer contexts is\n"
	"dropped, which is said on stderr.\n"
	"--quantiles Q splits each side's activating rows in use into Q intervals of\n"
	"equal count (safer-method.md §11) and gives N rows from each at evenly\n"
	"spaced ranks, weakest interval first, with three extra first columns:\n"
	"  quantile lo hi\n"
	"(quantile 0 is the weakest interval, lo and hi its smallest and largest\n"
	"activation). --random N gives N activating rows per side drawn uniformly\n"
	"(without replacement, strongest first; the same --seed, default 1, gives\n"
	"the same rows). --histogram prints instead the feature's density on a log\n"
	"scale: B bins (default 20) of equal width in log10(activation), shared by\n"
	"both sides, with columns\n"
	"  side lo hi rows share\n"
	"(lo and hi the bin's edges as activations, rows the side's rows in use\n"
	"in it, share those rows over the side's rows in use; a side's shares add\n"
	"up to the share of its rows where the feature is active).\n"
	"The first run builds the latents index (WS/index.bin), encoding the rows\n"
	"first when they are not yet (progress on stderr); later runs reuse both.\n"
	"--read-only writes nothing in WS: changes are refused, and what is missing\n"
	"is computed in memory only.\n";

enum { MARK_UNICODE = 0, MARK_ASCII = 1, MARK_NONE = 2 };
static const char *const mark_open[] = { "\xe2\x9f\xa6", "[[", "" };  /* ⟦ */
static const char *const mark_close[] = { "\xe2\x9f\xa7", "]]", "" }; /* ⟧ */

static int mark_parse(const char *v)
{
	return !strcasecmp(v, "unicode") ? MARK_UNICODE
	       : !strcasecmp(v, "ascii") ? MARK_ASCII
	       : !strcasecmp(v, "none")  ? MARK_NONE : -1;
}

static void put_row(tout *t, const store *s, const sf_top_row *r, long group, int mark,
                    char *buf, size_t bufsz)
{
	if (group >= 0)
		tout_int(t, group);
	tout_int(t, r->pair);
	tout_str(t, r->side == SIDE_CHOSEN ? "chosen" : "rejected");
	tout_int(t, r->pos);
	tout_num(t, r->act);
	size_t len;
	const char *tok = store_token(s, r->row, &len);
	tout_strn(t, tok, len);
	/* the context in the first half of buf, the marked copy in the second */
	size_t half = bufsz / 2, hb = 0, he = 0;
	size_t n = top_context_text(s, r->ctx_begin, r->ctx_end, r->row, buf, half, &hb, &he);
	if (mark != MARK_NONE && hb < he && he <= n) {
		/* n < half, so the text and the two marks (at most 6 bytes) fit */
		char *m = buf + half;
		size_t lo = strlen(mark_open[mark]), lc = strlen(mark_close[mark]), k = 0;
		memcpy(m, buf, hb);
		memcpy(m + (k = hb), mark_open[mark], lo);
		memcpy(m + (k += lo), buf + hb, he - hb);
		memcpy(m + (k += he - hb), mark_close[mark], lc);
		memcpy(m + (k += lc), buf + he, n - he);
		tout_strn(t, m, k + n - he);
	} else {
		tout_strn(t, buf, n);
	}
	tout_int(t, (long long)r->row);
	tout_row_end(t);
}

/* --quantiles (Q > 0) or --random: per rows of each side (or side). */
static int print_samples(tout *t, const sf_index *ix, const store *s, int f, int side,
                         int rows_mode, int Q, long per, uint64_t seed, int window, int mark,
                         char *buf, size_t bufsz)
{
	size_t cap = (size_t)per * (size_t)(Q ? Q : 1);
	sf_top_row *rows = malloc(cap * sizeof *rows);
	int *quant = malloc(cap * sizeof *quant);
	sf_interval *iv = malloc((size_t)(Q ? Q : 1) * sizeof *iv);
	sf_err e;
	int rc = 0;
	if (!rows || !quant || !iv)
		rc = cli_fail("out of memory");
	for (int sd = SIDE_CHOSEN; !rc && sd <= SIDE_REJECTED; sd++) {
		if (side && sd != side)
			continue;
		size_t got;
		if (Q ? intervals_rows(ix, s, f, sd, rows_mode, Q, (size_t)per, window, iv, rows, quant,
		                       &got, NULL, &e)
		      : intervals_random(ix, s, f, sd, rows_mode, (size_t)per,
		                         seed + (uint64_t)sd * 0x9e3779b97f4a7c15ULL, window, rows,
		                         &got, NULL, &e)) {
			rc = cli_fail("%s", e.msg);
			break;
		}
		for (size_t i = 0; i < got; i++) {
			if (Q) {
				tout_int(t, quant[i]);
				tout_num(t, iv[quant[i]].lo);
				tout_num(t, iv[quant[i]].hi);
			}
			put_row(t, s, &rows[i], -1, mark, buf, bufsz);
		}
	}
	free(rows);
	free(quant);
	free(iv);
	return rc;
}

/* --histogram: the log10 density table of density.h. */
static int print_density(const sf_index *ix, const store *s, const sf_stats *st, int f, int fmt,
                         int bins)
{
	sf_density d;
	sf_err e;
	if (density_feature(ix, s, f, st->rows_mode, st->rows_chosen, st->rows_rejected, bins, &d,
	                    &e))
		return cli_fail("%s", e.msg);
	static const char *const cols[] = { "side", "lo", "hi", "rows", "share" };
	tout *t = tout_new(stdout, fmt, cols, 5);
	for (int i = 0; i < 2 && d.hi > d.lo; i++)
		for (int b = 0; b < d.nbins; b++) {
			tout_str(t, i ? "rejected" : "chosen");
			tout_num(t, density_edge(&d, b));
			tout_num(t, density_edge(&d, b + 1));
			tout_int(t, d.count[i][b]);
			tout_num(t, d.rows[i] ? (double)d.count[i][b] / (double)d.rows[i] : 0);
			tout_row_end(t);
		}
	return tout_finish(t);
}

int cmd_top(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	const char *feat = NULL;
	long n = 10, window = 24, side = 0;
	int judge = 0, hist = 0, mark = MARK_UNICODE;
	long quantiles = 0, random_n = 0, seed = 1, bins = 20;
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("top", &o, OPT_ANALYSIS, argc, argv, &i), bad = 0;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("top", "-n", argc, argv, &i, &bad))) {
			if (opt_long_in("top", "-n", v, 1, 1000000, &n))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("top", "--window", argc, argv, &i, &bad))) {
			if (opt_long_in("top", "--window", v, 1, 4096, &window))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("top", "--side", argc, argv, &i, &bad))) {
			if (!strcmp(v, "chosen"))
				side = SIDE_CHOSEN;
			else if (!strcmp(v, "rejected"))
				side = SIDE_REJECTED;
			else
				return cli_usage_error("top", "--side must be chosen or rejected");
		} else if (!bad && (v = opt_value("top", "--quantiles", argc, argv, &i, &bad))) {
			if (opt_long_in("top", "--quantiles", v, 1, INTERVALS_MAX, &quantiles))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("top", "--random", argc, argv, &i, &bad))) {
			if (opt_long_in("top", "--random", v, 1, 10000, &random_n))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("top", "--seed", argc, argv, &i, &bad))) {
			if (opt_long_in("top", "--seed", v, 0, 2147483647L, &seed))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("top", "--bins", argc, argv, &i, &bad))) {
			if (opt_long_in("top", "--bins", v, 1, DENSITY_MAX_BINS, &bins))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("top", "--mark", argc, argv, &i, &bad))) {
			if ((mark = mark_parse(v)) < 0)
				return cli_usage_error("top", "--mark must be unicode, ascii or none, not "
				                       "'%.40s'", v);
		} else if (bad) {
			return EXIT_USAGE;
		} else if (!strcmp(argv[i], "--judge")) {
			judge = 1;
		} else if (!strcmp(argv[i], "--histogram")) {
			hist = 1;
		} else if ((r = cli_positional("top", argv[i], &o.ws, &feat))) {
			return r;
		}
	}
	long f;
	if (judge + hist + !!quantiles + !!random_n > 1)
		return cli_usage_error("top", "--judge, --quantiles, --random and --histogram "
		                              "do not go together");
	cli_session c;
	sf_err e;
	const sf_index *ix;
	int rf = cli_session_feature(&c, &o, "top", feat, &f);
	if (rf)
		return rf;
	const sf_stats *st = NULL;
	if (session_index(c.s, &ix, &e) || (hist && session_stats(c.s, &st, &e)))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	if (hist) {
		int rc = print_density(ix, ws_store(session_ws(c.s)), st, (int)f, o.fmt, (int)bins);
		cli_session_close(&c);
		return rc;
	}
	cli_note("rows in use: %s", rows_mode_text(o.rows_mode));
	int rc = 0;
	const store *s = ws_store(session_ws(c.s));
	char *buf = malloc(1 << 17);
	static const char *const cols[] = { "group", "pair", "side", "pos", "activation",
		                            "token", "context", "row" };
	static const char *const qcols[] = { "quantile", "lo", "hi", "pair", "side", "pos",
		                             "activation", "token", "context", "row" };
	tout *t = quantiles ? tout_new(stdout, o.fmt, qcols, 10)
	                    : tout_new(stdout, o.fmt, judge ? cols : cols + 1, judge ? 8 : 7);
	if (quantiles || random_n) {
		rc = print_samples(t, ix, s, (int)f, (int)side, o.rows_mode, (int)quantiles,
		                   quantiles ? n : random_n,
		                   (uint64_t)seed, (int)window, mark, buf, 1 << 17);
	} else if (judge) {
		sf_judge_input j;
		if (top_judge_input(&j, ix, s, (int)f, o.rows_mode, &e)) {
			rc = cli_fail("%s", e.msg);
		} else {
			if (j.dropped)
				cli_note("feature %ld is dropped from the judge's list: %s", f, j.why);
			for (size_t g = 0; g < j.n_groups; g++)
				for (size_t x = 0; x < j.groups[g].n; x++)
					put_row(t, s, &j.groups[g].ctx[x], (long)g, mark, buf, 1 << 17);
			top_judge_free(&j);
		}
	} else {
		sf_top_row *rows = malloc((size_t)n * sizeof *rows);
		for (int sd = SIDE_CHOSEN; rows && sd <= SIDE_REJECTED && !rc; sd++) {
			if (side && sd != side)
				continue;
			size_t got;
			if (top_rows(ix, s, (int)f, sd, o.rows_mode, (size_t)n, (int)window, rows, &got,
			             NULL, &e)) {
				rc = cli_fail("%s", e.msg);
				break;
			}
			for (size_t i = 0; i < got; i++)
				put_row(t, s, &rows[i], -1, mark, buf, 1 << 17);
		}
		free(rows);
	}
	int rc2 = tout_finish(t);
	free(buf);
	cli_session_close(&c);
	return rc ? rc : rc2;
}
