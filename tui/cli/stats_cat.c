#include "tui/cli/stats_cat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/textsafe.h"

int stats_cat_open(stats_cat *sc, cli_session *c, const char *const *base, int nbase,
                   sf_err *e)
{
	memset(sc, 0, sizeof *sc);
	const sf_index *ix;
	if (session_index(c->s, &ix, e))
		return -1;
	ws *w = session_ws(c->s);
	const pairs *P = ws_pairs(w);
	const store *st = ws_store(w);
	const char **cat;
	size_t nc = pairs_categories(P, &cat);
	size_t *pc = pairs_category_nos(P);
	sc->names = calloc(2 * nc + 1, sizeof *sc->names);
	sc->cols = calloc((size_t)nbase + 2 * nc + 1, sizeof *sc->cols);
	int rc = cat && pc && sc->names && sc->cols ? 0 : sf_fail(e, "stats: out of memory");
	if (!rc)
		rc = catstats_compute(&sc->cs, ix, store_pair(st), store_side(st), store_flags(st),
		                      store_nrows(st), pc, P->n, (int)nc, session_rows_mode(c->s), -1,
		                      e);
	for (int i = 0; !rc && i < nbase; i++)
		sc->cols[sc->ncols++] = base[i];
	for (size_t j = 0; !rc && j < 2 * nc; j++) {
		/* a header is printed as it is: the category's controls made visible */
		char *safe = textsafe_dup(cat[j / 2], strlen(cat[j / 2]), 0);
		size_t len = safe ? strlen(safe) + 32 : 0;
		if (!safe || !(sc->names[j] = malloc(len))) {
			free(safe);
			rc = sf_fail(e, "stats: out of memory");
			break;
		}
		snprintf(sc->names[j], len, "density.%s.%s", safe, j % 2 ? "rejected" : "chosen");
		free(safe);
		sc->cols[sc->ncols++] = sc->names[j];
	}
	free(pc);
	free(cat);
	if (rc)
		stats_cat_close(sc);
	return rc;
}

void stats_cat_row(const stats_cat *sc, tout *t, int f)
{
	for (int c = 0; c < sc->cs.n_cat; c++)
		for (int s = 0; s < 2; s++)
			tout_num(t, catstats_density(&sc->cs, f, c, s));
}

void stats_cat_close(stats_cat *sc)
{
	for (int j = 0; sc->names && j < 2 * sc->cs.n_cat; j++)
		free(sc->names[j]);
	free(sc->names);
	free(sc->cols);
	catstats_free(&sc->cs);
	memset(sc, 0, sizeof *sc);
}
