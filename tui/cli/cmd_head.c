/* safer head WS: the reward head that reward effects and explain use
 * (safer-method.md §10). */
#include <stdlib.h>
#include <string.h>

#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_head_usage[] =
	"usage: safer head WS [--format tsv|json] [--read-only]\n"
	"\n"
	"The linear reward head r(resp) = w . pool(resp) + b that `safer stats`\n"
	"(reward_effect) and `safer explain` use, pool being the mean of the\n"
	"response's activation rows: the reward model's own score head when the\n"
	"activation file carries it (tensor reward_head, written by safer-extract\n"
	"when the layer is the last), else the Bradley-Terry proxy head trained on\n"
	"the unedited train pairs (as `safer eval`'s `none`; trained once and kept\n"
	"in WS/head.bin). One row per dimension of w. Columns:\n"
	"  dim weight head\n"
	"head: own or proxy; stderr says which, and the bias b.\n"
	"--read-only writes nothing in WS: what is missing is computed in memory\n"
	"only.\n";

int cmd_head(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("head", &o, OPT_FORMAT | OPT_READONLY, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((argv[i][0] == '-' && argv[i][1]) || o.ws)
			return cli_usage_error("head", "unexpected argument '%s'", argv[i]);
		o.ws = argv[i];
	}
	if (!o.ws)
		return cli_usage_error("head", "missing workspace");
	cli_session c;
	sf_err e;
	const sf_head *h;
	if (cli_session_open(&c, &o, 0, &e) || session_head(c.s, &h, &e))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	cli_note("head: %s, bias %.9g", head_kind_text(h->kind), h->bias);
	static const char *const cols[] = { "dim", "weight", "head" };
	tout *t = tout_new(stdout, o.fmt, cols, 3);
	for (int q = 0; q < h->d; q++) {
		tout_int(t, q);
		tout_num(t, h->w[q]);
		tout_str(t, head_kind_name(h->kind));
		tout_row_end(t);
	}
	int rc = tout_finish(t);
	cli_session_close(&c);
	return rc;
}
