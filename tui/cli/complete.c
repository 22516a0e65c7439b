/* safer __complete features WS [PREFIX]: the feature ids a shell offers
 * after `safer top WS` and `safer label WS`, one "id<TAB>name" a line
 * (name "" when unlabelled). Without PREFIX: the labelled features, then
 * the 20 most salient ones when the statistics are cached; with it: every
 * id that starts with it, below the SAE's width. Nothing is computed or
 * written, and any failure prints nothing: the shell then offers none. */
#include "tui/cli/complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/labels.h"
#include "engine/analysis/stats.h"
#include "engine/base/textsafe.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/session.h"
#include "engine/ws/stats_ws.h"
#include "engine/ws/workspace.h"
#include "tui/cli/cli.h"

enum { TOP_SALIENT = 20 };

static void put(const sf_labels *L, int f)
{
	const sf_label *lb = L ? labels_get(L, f) : NULL;
	/* names reach the terminal in zsh's descriptions: made safe, one line */
	char *name = lb ? textsafe_dup(lb->name, strlen(lb->name), 0) : NULL;
	printf("%d\t%.60s\n", f, name ? name : "");
	free(name);
}

static int starts_with(int f, const char *prefix)
{
	char id[16];
	snprintf(id, sizeof id, "%d", f);
	return !strncmp(id, prefix, strlen(prefix));
}

static void features(sf_session *s, const char *prefix)
{
	sf_err e;
	int m;
	const sf_labels *L = NULL;
	if (!session_has_sae(s) || session_width(s, &m, &e))
		return;
	if (session_labels(s, &L, &e))
		L = NULL;
	if (prefix && *prefix) {
		for (int f = 0; f < m; f++)
			if (starts_with(f, prefix))
				put(L, f);
		return;
	}
	for (size_t i = 0; L && i < L->n; i++)
		put(L, L->v[i].feature);
	char fp[17];
	sf_stats st;
	int found = 0;
	if (sae_ws_fingerprint(session_ws(s), fp, &e) ||
	    stats_ws_cached(&st, session_ws(s), fp, ROWS_SENTENCE, &found, &e) || !found)
		return;
	for (int r = 0; r < st.m && r < TOP_SALIENT; r++)
		if (!L || !labels_get(L, st.order[r]))
			put(L, st.order[r]);
	stats_free(&st);
}

int cli_complete(int argc, char **argv)
{
	if (argc < 3 || argc > 4 || strcmp(argv[1], "features"))
		return EXIT_USAGE;
	sf_session *s;
	sf_err e;
	if (session_open(&s, argv[2], WS_READONLY, &e))
		return EXIT_FAIL;
	features(s, argc > 3 ? argv[3] : NULL);
	session_close(s);
	return EXIT_OK;
}
