/* The --by-category columns of `safer stats`: for every category C of the
 * pairs, density.C.chosen and density.C.rejected (engine/analysis/
 * catstats.h), after the table's other columns. */
#ifndef TUI_CLI_STATS_CAT_H
#define TUI_CLI_STATS_CAT_H

#include "engine/analysis/catstats.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"

typedef struct stats_cat {
	sf_catstats cs;
	char **names;      /* [2 * n_cat] column names */
	const char **cols; /* [ncols]: the base columns, then names */
	int ncols;
} stats_cat;

/* Compute the densities (building the index when it is missing) and the
 * column list: base [nbase] followed by the category columns. */
int stats_cat_open(stats_cat *sc, cli_session *c, const char *const *base, int nbase,
                   sf_err *e);
/* Feature f's category columns of the current row. */
void stats_cat_row(const stats_cat *sc, tout *t, int f);
void stats_cat_close(stats_cat *sc);

#endif
