/* safer similar WS FEATURE: features like FEATURE by decoder direction, or
 * by the rows they fire on together. */
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/similar.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/similar_ws.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_similar_usage[] =
	"usage: safer similar WS FEATURE [-n N] [--cooccur] [--rows sentence|all]\n"
	"                     [--format tsv|json] [--read-only]\n"
	"\n"
	"The N features (default 10) most like FEATURE, FEATURE itself left out,\n"
	"best first (ties by id). By default by the direction they write: the\n"
	"cosine between their decoder rows and FEATURE's, columns\n"
	"  feature cosine\n"
	"The first run keeps the 64 nearest of every feature in WS (similar.bin;\n"
	"an O(m^2 d) pass with progress on stderr), so that later runs need not\n"
	"read the SAE; -n above 64 reads it each time.\n"
	"With --cooccur, by the rows they fire on: the Jaccard index of the two\n"
	"features' sets of rows in use where they are active (both sides; --rows\n"
	"sentence, the default, or all), columns\n"
	"  feature jaccard\n"
	"listing only features that share at least one row with FEATURE.\n"
	"--read-only writes nothing in WS.\n";

/* By decoder cosine: from WS/similar.bin (built first when missing) for
 * up to SIMILAR_TABLE, else from the SAE itself. */
static int cosine_neighbours(cli_session *c, int f, size_t want, sf_neighbour *nb, size_t *got,
                             sf_err *e)
{
	ws *w = session_ws(c->s);
	const sae *model;
	char fp[17];
	sf_err fe;
	if (want <= SIMILAR_TABLE && sae_ws_fingerprint(w, fp, &fe) == 0) {
		sf_similar_table t;
		int found;
		if (similar_ws_open(&t, w, fp, NULL, NULL, &found, e))
			return -1;
		if (!found) {
			cli_step step;
			sf_progress p = cli_step_progress(&step, c, "similar features");
			if (session_sae(c->s, &model, e) ||
			    similar_ws_open(&t, w, fp, model, &p, &found, e))
				return -1;
		}
		similar_ws_query(&t, f, want, nb, got);
		similar_ws_free(&t);
		return 0;
	}
	if (session_sae(c->s, &model, e))
		return -1;
	return similar_cosine(model->W_dec, model->m, model->d, f, want, nb, got, e);
}

int cmd_similar(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	const char *feat = NULL;
	long n = 10;
	int cooccur = 0;
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("similar", &o, OPT_FORMAT | OPT_ROWS | OPT_READONLY, argc, argv, &i),
		    bad = 0;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("similar", "-n", argc, argv, &i, &bad))) {
			if (opt_long_in("similar", "-n", v, 1, 1000000, &n))
				return EXIT_USAGE;
		} else if (bad) {
			return EXIT_USAGE;
		} else if (!strcmp(argv[i], "--cooccur")) {
			cooccur = 1;
		} else if ((r = cli_positional("similar", argv[i], &o.ws, &feat))) {
			return r;
		}
	}
	long f;
	cli_session c;
	sf_err e;
	int m, rf = cli_session_feature(&c, &o, "similar", feat, &f);
	if (rf)
		return rf;
	if (session_width(c.s, &m, &e))
		return cli_session_fail(&c, &e);
	size_t want = (size_t)n < (size_t)m ? (size_t)n : (size_t)m, got = 0;
	sf_neighbour *nb = malloc((want ? want : 1) * sizeof *nb);
	if (!nb) {
		cli_session_close(&c);
		return cli_fail("out of memory");
	}
	int rc = 0;
	if (cooccur) {
		const latents *l;
		const sf_index *ix;
		const sf_stats *st;
		uint64_t *active = malloc((size_t)m * sizeof *active);
		if (!active)
			rc = cli_fail("out of memory");
		else if (session_latents(c.s, &l, &e) || session_index(c.s, &ix, &e) ||
		         session_stats(c.s, &st, &e))
			rc = cli_fail("%s", e.msg);
		else {
			similar_active_counts(st, active);
			if (similar_cooccur(ix, l->idx, l->val, l->k, l->off,
			                    store_flags(ws_store(session_ws(c.s))), o.rows_mode, active,
			                    (int)f, want, nb, &got, &e))
				rc = cli_fail("%s", e.msg);
		}
		free(active);
	} else if (cosine_neighbours(&c, (int)f, want, nb, &got, &e)) {
		rc = cli_fail("%s", e.msg);
	}
	cli_session_quiet(&c);
	if (!rc) {
		const char *cols[] = { "feature", cooccur ? "jaccard" : "cosine" };
		tout *t = tout_new(stdout, o.fmt, cols, 2);
		for (size_t i = 0; i < got; i++) {
			tout_int(t, nb[i].feature);
			tout_num(t, nb[i].value);
			tout_row_end(t);
		}
		rc = tout_finish(t);
	}
	free(nb);
	cli_session_close(&c);
	return rc;
}
