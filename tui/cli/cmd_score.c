/* safer score WS: the safety score of every train pair (safer-method.md §6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_score_usage[] =
	"usage: safer score WS [--rows sentence|all] [--candidates N] [--threshold T]\n"
	"                   [--cap C] [--ratings human|judge|both] [--unparsed skip|5]\n"
	"                   [--all] [--format tsv|json] [--read-only]\n"
	"\n"
	"Score every train pair (--all: test pairs too) with the safety features:\n"
	"S+ / S- are the features rated >= T (default 5) among the top N (default\n"
	"256) by |salience|, at most C (default 32), split by the salience's sign.\n"
	"With no rated feature the top C by |salience| are used instead; stderr\n"
	"says so and the `fallback` column is 1. The ratings are a person's (the\n"
	"labels), the judge's (`safer judge`), or both (the default: a person's\n"
	"rating overrides the judge's for that feature); a judge reply without a\n"
	"score is skipped, or counts as 5 with --unparsed 5 (as SAFER's reference\n"
	"does). stderr says which ratings were used; so does the `ratings` column.\n"
	"Columns:\n"
	"  index id category score a_chosen a_rejected split fallback ratings rows\n"
	"score = a(chosen) - a(rejected), a(resp) the mean over its rows in use of\n"
	"(sum of S+ activations - sum of S- activations); high: the features agree\n"
	"that chosen is the safer response. rows: the rows in use (sentence-end\n"
	"rows by default, every token row with --rows all), said on stderr too.\n"
	"What is missing is computed first - the rows encoded with the workspace's\n"
	"SAE, the index, the statistics -, with progress on stderr, and kept in WS.\n"
	"--read-only writes nothing in WS: changes are refused, and what is missing\n"
	"is computed in memory only.\n";

int cmd_score(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	int all = 0;
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("score", &o, OPT_ANALYSIS, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (!strcmp(argv[i], "--all"))
			all = 1;
		else if ((argv[i][0] == '-' && argv[i][1]) || o.ws)
			return cli_usage_error("score", "unexpected argument '%s'", argv[i]);
		else
			o.ws = argv[i];
	}
	if (!o.ws)
		return cli_usage_error("score", "missing workspace");
	cli_session c;
	sf_err e;
	const sf_scores *sc;
	if (cli_session_open(&c, &o, 0, &e) || session_scores(c.s, &sc, &e))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	safety_used_note(c.s);
	cli_note("scores over %s", rows_mode_text(sc->rows_mode));
	static const char *const cols[] = { "index", "id", "category", "score", "a_chosen",
		                            "a_rejected", "split", "fallback", "ratings", "rows" };
	char used[64];
	snprintf(used, sizeof used, "%s%s", safety_ratings_name(o.so.ratings),
	         o.so.ratings != RATINGS_HUMAN && o.so.unparsed == UNPARSED_5 ? "+unparsed5" : "");
	tout *t = tout_new(stdout, o.fmt, cols, 10);
	const pairs *P = ws_pairs(session_ws(c.s));
	for (size_t i = 0; i < P->n; i++) {
		int split = pairs_split(P, i);
		if (split != SPLIT_TRAIN && !all)
			continue;
		tout_int(t, (long long)i);
		if (pairs_id(P, i))
			tout_json(t, pairs_id(P, i));
		else
			tout_null(t);
		tout_str(t, pairs_category(P, i) ? pairs_category(P, i) : "");
		tout_num(t, sc->score[i]);
		tout_num(t, sc->a_chosen[i]);
		tout_num(t, sc->a_rejected[i]);
		tout_str(t, split == SPLIT_TRAIN ? "train" : "test");
		tout_int(t, sc->fallback);
		tout_str(t, used);
		tout_str(t, rows_mode_name(sc->rows_mode));
		tout_row_end(t);
	}
	int rc = tout_finish(t);
	cli_session_close(&c);
	return rc;
}
