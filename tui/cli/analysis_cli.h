/* What the subcommands share: option parsing; for the analysis ones, opening the
 * workspace with its latents, and the chain stats -> labels -> safety sets
 * -> scores that several of them need. */
#ifndef TUI_CLI_ANALYSIS_CLI_H
#define TUI_CLI_ANALYSIS_CLI_H

#include "engine/analysis/labels.h"
#include "engine/ws/latents.h"
#include "engine/analysis/safety.h"
#include "engine/analysis/scores.h"
#include "engine/analysis/stats.h"
#include "engine/ws/workspace.h"
#include "tui/cli/cli.h"

typedef struct aopts {
	const char *ws;
	int fmt;
	int rows_mode;
	sf_safety_opts so;
} aopts;

/* Parse one shared option at argv[*i] (--format, --rows, --candidates,
 * --threshold, --cap). 1 = consumed (and *i advanced past its value),
 * 0 = not a shared option, -1 = bad value (message printed; exit 2). */
int aopt_shared(const char *cmd, aopts *o, int argc, char **argv, int *i);
void aopts_default(aopts *o);

/* Option "--name V" or "--name=V" at argv[*i]: 1 with *val set (and *i
 * past V), 0 when argv[*i] is not that option, -1 when V is missing. */
int opt_arg(int argc, char **argv, int *i, const char *name, const char **val);
/* The same, for commands that report a missing value as a usage error:
 * the value of an option given as "--name V" or "--name=V"; NULL when
 * argv[*i] is not that option. On a missing value prints a usage error
 * and sets *bad. */
const char *aopt_value(const char *cmd, const char *name, int argc, char **argv, int *i, int *bad);
/* Strict number parsing: the whole string must be the number. */
int parse_long(const char *s, long lo, long hi, long *out);
int parse_double(const char *s, double *out);

typedef struct actx {
	ws *w;
	latents *l;
	sf_stats st;
	int have_stats;
	sf_labels L;
	int have_labels;
	sf_safety S;
	int have_safety;
	sf_scores sc;
	int have_scores;
} actx;

/* Each step runs the earlier ones it needs; errors come back in e. */
int actx_open(actx *a, const char *dir, int flags, sf_err *e);
int actx_latents(actx *a, sf_err *e);
int actx_stats(actx *a, const aopts *o, sf_err *e);
int actx_labels(actx *a, sf_err *e); /* needs the SAE width: latents or SAE */
int actx_safety(actx *a, const aopts *o, sf_err *e); /* warns on stderr when falling back */
int actx_scores(actx *a, const aopts *o, sf_err *e);
void actx_close(actx *a);

/* One label as a table row: feature name safety note updated. */
void label_row(tout *t, const sf_label *lb, int feature);

#endif
