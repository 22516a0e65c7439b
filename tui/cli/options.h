/* Option parsing for every subcommand: "--name V" and "--name=V", strict
 * numbers, and the options several commands share. */
#ifndef TUI_CLI_OPTIONS_H
#define TUI_CLI_OPTIONS_H

#include "engine/analysis/safety.h"

/* What a command's options fill in; each command uses part of it. */
typedef struct copts {
	const char *ws;
	int fmt;       /* FMT_* */
	int rows_mode; /* ROWS_* */
	sf_safety_opts so;
	int flags;     /* WS_READONLY with --read-only */
} copts;

void copts_default(copts *o);

/* The shared options, as a mask for opt_shared. */
enum {
	OPT_FORMAT = 1,   /* --format tsv|json */
	OPT_ROWS = 2,     /* --rows sentence|all */
	OPT_SAFETY = 4,   /* --candidates N, --threshold T, --cap C */
	OPT_READONLY = 8, /* --read-only: open the workspace read-only */
	OPT_RATINGS = 16, /* --ratings human|judge|both, --unparsed skip|5 */
	OPT_ANALYSIS = OPT_FORMAT | OPT_ROWS | OPT_SAFETY | OPT_READONLY | OPT_RATINGS,
};

/* Parse the shared option at argv[*i] if it is one of `which`. 1 =
 * consumed (*i past its value), 0 = not one of them, -1 = bad or missing
 * value (usage error printed; exit EXIT_USAGE). */
int opt_shared(const char *cmd, copts *o, int which, int argc, char **argv, int *i);

/* Option "--name V" or "--name=V" at argv[*i]: 1 with *val set (and *i
 * past V), 0 when argv[*i] is not that option, -1 when V is missing. */
int opt_arg(int argc, char **argv, int *i, const char *name, const char **val);
/* The same, reporting a missing value as a usage error: the value, or
 * NULL when argv[*i] is not that option; on a missing value prints the
 * usage error and sets *bad. */
const char *opt_value(const char *cmd, const char *name, int argc, char **argv, int *i, int *bad);

/* Strict number parsing: the whole string must be the number. 0 / -1. */
int parse_long(const char *s, long lo, long hi, long *out);
int parse_double(const char *s, double *out);

/* A numeric option's value within its range: 0 with *out set, or the
 * usage error printed ("--NAME needs an integer from LO to HI, not 'V'")
 * and EXIT_USAGE. A ratio's range is (lo, hi] when lo_open is set. */
int opt_long_in(const char *cmd, const char *name, const char *v, long lo, long hi, long *out);
int opt_double_in(const char *cmd, const char *name, const char *v, double lo, int lo_open,
                  double hi, double *out);

/* "3,17,40-45" into a malloc'd list of features below m: 0, -1 when it is
 * not such a list (or out of memory), -2 when a feature is >= m. */
int opt_feature_list(const char *s, int m, int **out, int *n);

#endif
