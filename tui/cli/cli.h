/* What every `safer` subcommand shares: exit codes, error and usage
 * messages, table output (TSV or JSON), progress on stderr.
 *
 * One file per subcommand (tui/cli/cmd_*.c) defines `int cmd_NAME(int argc,
 * char **argv)` and its usage text; tui/cli/main.c holds the table. */
#ifndef TUI_CLI_CLI_H
#define TUI_CLI_CLI_H

#include <stdio.h>
#include <stddef.h>

#include "engine/base/progress.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary; /* one line for `safer help` */
	const char *usage;   /* full text for `safer help CMD` */
	void (*usage_more)(FILE *f); /* prints what follows usage (a table's options); or NULL */
} cli_cmd;


/* "safer: <msg>" on stderr; returns EXIT_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "safer CMD: <msg>" plus a hint to --help on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Non-zero when argv holds -h or --help (before a "--"). */
int cli_wants_help(int argc, char **argv);

/* Table output. TSV: a header line, then one line per row; text fields
 * escape backslash, tab, newline and CR as \\ \t \n \r. JSON: an array of
 * objects. Numbers use %.9g so they round-trip. When the stream is a
 * terminal, text is passed through textsafe first. */
enum { FMT_TSV = 0, FMT_JSON = 1 };
int cli_parse_format(const char *s, int *fmt); /* 0 ok, -1 unknown */

typedef struct tout tout;
tout *tout_new(FILE *f, int fmt, const char *const *cols, int ncols);
void tout_str(tout *t, const char *s);             /* NULL -> empty / null */
void tout_strn(tout *t, const char *s, size_t n);  /* may hold any bytes */
void tout_int(tout *t, long long v);
void tout_num(tout *t, double v);
void tout_null(tout *t);
/* A JSON value given as JSON text (e.g. a pair's id): emitted as is in
 * JSON; in TSV a JSON string is unquoted, anything else printed as text. */
void tout_json(tout *t, const char *json_text);
void tout_row_end(tout *t);
/* Close the table and free t. Returns EXIT_OK, or EXIT_FAIL after a
 * message when the output could not be written. */
int tout_finish(tout *t);

/* One line of a message (what was created, saved, written) on f: text
 * from outside in it - a path, a name - goes through textsafe as in
 * error messages, so that no line can drive the terminal or split in
 * two. */
void cli_say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "safer: note: <msg>" on stderr, for what is worth knowing but not an
 * error. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Progress on stderr: a bar on a terminal, plain lines now and then
 * otherwise ("label: 25% detail"). With announce set, the plain lines
 * also mark the step's first report and its end (100%), so that every
 * step taken shows, however quick. SIGINT sets a flag that the callback
 * reports as "cancel". */
typedef struct cli_progress {
	const char *label;
	int tty;
	int announce;
	double last_frac;
	double last_time;
	double start_time;
	int drawn;
	int lines; /* plain lines printed */
} cli_progress;

sf_progress cli_progress_begin(cli_progress *p, const char *label);
/* With quiet set (`--quiet`), progress draws nothing; Ctrl-C still cancels. */
void cli_set_quiet(int quiet);
void cli_progress_end(cli_progress *p);
/* Install the SIGINT handler that makes progress callbacks cancel. */
void cli_catch_interrupt(void);
int cli_interrupted(void);

#endif
