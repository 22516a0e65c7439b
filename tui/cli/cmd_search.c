/* safer search WS TEXT: the features that fire where a text occurs. */
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/search.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_search_usage[] =
	"usage: safer search WS TEXT [-n N] [--side chosen|rejected]\n"
	"                    [--rows all|sentence] [--format tsv|json] [--read-only]\n"
	"\n"
	"The features that fire on the rows whose token text contains TEXT (ASCII\n"
	"letters compared without case), by their total activation on those rows,\n"
	"descending; the first N (default 20). Columns:\n"
	"  feature rows total\n"
	"rows: the matching rows the feature fires on; total: the sum of its\n"
	"activations there. Both sides unless --side. The rows are every token row\n"
	"by default (--rows all), since a sentence-end row's token is the sentence's\n"
	"punctuation; --rows sentence searches those only. How many rows matched\n"
	"is said on stderr. A TEXT that starts with '-' goes after \"--\"\n"
	"(safer search WS -- -ing).\n"
	"--read-only writes nothing in WS.\n";

int cmd_search(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	o.rows_mode = ROWS_ALL;
	const char *text = NULL;
	long n = 20, side = 0;
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--"); i++) {
		int r = opt_shared("search", &o, OPT_FORMAT | OPT_ROWS | OPT_READONLY, argc, argv, &i),
		    bad = 0;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("search", "-n", argc, argv, &i, &bad))) {
			if (opt_long_in("search", "-n", v, 1, 1000000, &n))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("search", "--side", argc, argv, &i, &bad))) {
			if (!strcmp(v, "chosen"))
				side = SIDE_CHOSEN;
			else if (!strcmp(v, "rejected"))
				side = SIDE_REJECTED;
			else
				return cli_usage_error("search", "--side must be chosen or rejected");
		} else if (bad) {
			return EXIT_USAGE;
		} else if ((r = cli_positional("search", argv[i], &o.ws, &text))) {
			return r;
		}
	}
	/* after "--", a TEXT that starts with '-' */
	for (i++; i < argc; i++) {
		if (!o.ws)
			o.ws = argv[i];
		else if (!text)
			text = argv[i];
		else
			return cli_usage_error("search", "unexpected argument '%s'", argv[i]);
	}
	if (!o.ws || !text)
		return cli_usage_error("search", "need a workspace and a text");
	if (!text[0] || strlen(text) > SEARCH_MAX_TEXT)
		return cli_usage_error("search", "TEXT must have 1 to %d bytes", SEARCH_MAX_TEXT);
	cli_session c;
	sf_err e;
	const latents *l;
	if (cli_session_open(&c, &o, 0, &e) || session_latents(c.s, &l, &e))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	sf_search_hit *h;
	size_t nh;
	uint64_t matched;
	if (search_text(ws_store(session_ws(c.s)), l->idx, l->val, l->k, l->off, l->m, text, (int)side,
	                o.rows_mode, &h, &nh, &matched, &e))
		return cli_session_fail(&c, &e);
	cli_note("%llu rows (rows: %s) contain the text", (unsigned long long)matched,
	         rows_mode_name(o.rows_mode));
	static const char *const cols[] = { "feature", "rows", "total" };
	tout *t = tout_new(stdout, o.fmt, cols, 3);
	for (size_t x = 0; x < nh && x < (size_t)n; x++) {
		tout_int(t, h[x].feature);
		tout_int(t, (long long)h[x].rows);
		tout_num(t, h[x].total);
		tout_row_end(t);
	}
	free(h);
	int rc = tout_finish(t);
	cli_session_close(&c);
	return rc;
}
