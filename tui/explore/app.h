/* The explorer's frame, after htop's ScreenManager: a stack of screens,
 * one event loop, the title / status / key-hint lines, the `:` command
 * line and prompts (readline), a modal confirm dialog, help, and one
 * worker thread for long work with progress and cancel.
 *
 * A key goes to the dialog if one is open, then to the input line if one
 * is active, then to the top screen, and what the screen ignores falls
 * through to the global keys. A click on the key bar sends the code of
 * the label under it (widgets/bars.h). Handlers return WF_* flags (widgets/widget.h).
 * KEY_RESIZE re-runs layout; below the minimum size only a message shows.
 * SIGINT/SIGTERM end the loop cleanly; a crash restores the terminal
 * before dying. Of the engine, only err.h and progress.h are included
 * here (a job's error and progress); the screens bring the rest. */
#ifndef TUI_EXPLORE_APP_H
#define TUI_EXPLORE_APP_H

#include <curses.h>
#include <stddef.h>

#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "widgets/bars.h"
#include "widgets/input.h"
#include "widgets/widget.h"

typedef struct app app;
typedef struct screen screen;

typedef struct screen_ops {
	const char *name;
	void (*draw)(screen *s, app *a, wrect body);
	int (*key)(screen *s, app *a, int key);
	/* A click at (y, x) inside body; may be NULL. */
	int (*click)(screen *s, app *a, wrect body, int y, int x, int dbl);
	void (*enter)(screen *s, app *a); /* became the top screen */
	void (*destroy)(screen *s);
	const wkey *keys; /* every key of this screen, for the bar and help */
	int nkeys;
	/* Digits before a key repeat it (5j: five rows down), as in vim and
	 * less; 0 on screens where the digits are keys of their own (ratings). */
	int counts;
} screen_ops;

struct screen {
	const screen_ops *ops;
	void *data;
	wrect body; /* where it was last drawn (for clicks) */
};

/* A screen with ops and a zeroed data block of data_size bytes in
 * s->data; NULL (nothing allocated) when out of memory. */
screen *screen_new(const screen_ops *ops, size_t data_size);

enum { APP_MAX_SCREENS = 8 };
enum { MSG_INFO = 0, MSG_ERROR = 1 };

/* Long work: runs on the worker thread. Return 0 ok, -1 failed (e set),
 * 1 cancelled. */
typedef int (*app_job_fn)(void *ctx, const sf_progress *p, sf_err *e);
/* Back on the main thread when the job ended. */
typedef void (*app_done_fn)(app *a, void *ctx, int rc, const sf_err *e);

/* A `:` line split into words ("double quotes" group): 0 done, -1
 * failed (the command set the status line). */
typedef int (*app_command_fn)(app *a, void *ctx, int argc, char **argv);

app *app_new(void);
void app_free(app *a);
/* Curses on the terminal; installs the signal handlers and atexit. */
int app_start(app *a);
/* Restore the terminal (idempotent; safe from atexit). */
void app_stop(app *a);
/* The loop; returns when the last screen is popped or on quit. */
int app_run(app *a);
void app_quit(app *a);

void app_push(app *a, screen *s);
void app_pop(app *a);
screen *app_top(app *a);
/* The topmost screen with these ops, or NULL. */
screen *app_find(app *a, const screen_ops *ops);
/* Make s (already on the stack) the top by popping those above it. */
void app_raise(app *a, screen *s);

void app_set_title(app *a, const char *title);
void app_msg(app *a, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_redraw(app *a);
/* The first screen has its content (a job may still run for the next
 * ones): ends the wait of SAFER_EXPLORE_EXIT_AFTER_DRAW. */
void app_ready(app *a);

/* What runs the `:` lines, and their completion words; both get ctx. */
void app_set_commands(app *a, app_command_fn fn, winput_word_fn words, void *ctx);
/* Run a command line as if typed after `:`. Returns 0 ok, -1 failed. */
int app_command(app *a, const char *line);
/* While a command runs: its line after the command word, as typed (quotes
 * kept), for commands that take free text. */
const char *app_command_text(const app *a);
/* Open the `:` line with initial text (NULL: empty). */
void app_command_line(app *a, const char *initial);
/* Ask for a line with readline in history slot `slot`. */
void app_prompt(app *a, int slot, const char *prompt, const char *initial,
                winput_done_fn done, winput_word_fn words, void *ctx);
/* Ask yes/no; on yes, run yes(a, ctx). */
void app_confirm(app *a, const char *title, const char *msg, void (*yes)(app *, void *),
                 void *ctx);

/* Hand the terminal to another program (an editor) and take it back, as
 * git does: suspend ends curses mode, resume restores it and redraws. */
void app_suspend(app *a);
void app_resume(app *a);

/* Start a job on the worker thread (one at a time: -1 when busy). */
int app_job(app *a, const char *label, app_job_fn fn, app_done_fn done, void *ctx);
int app_busy(const app *a);
void app_cancel_job(app *a);
/* Progress of the running job (frac, phase) for screens that show it. */
double app_job_frac(app *a, char *phase, size_t n);
/* Called on the main thread after every key and a few times a second
 * when idle (the loop wakes every 250 ms; while a job runs every 100 ms,
 * and every 10 ms in its first 300 ms).
 * The screen is redrawn after it while a job runs; otherwise tick calls
 * app_redraw when it changed something. */
void app_set_tick(app *a, void (*tick)(app *, void *), void *ctx);

/* Program-wide keys tried after the screen's and before the frame's own
 * (q, ?, :, x): returns WF_* flags. */
void app_set_global_keys(app *a, int (*fn)(app *, int key, void *), void *ctx,
                         const wkey *keys, int n);

/* Lines the help screen adds under "Commands". */
void app_set_command_help(app *a, const wkey *cmds, int n);

/* Help screen for the current top screen (the `?` key). */
void app_help(app *a);

/* For tests and the benchmark: exit after the first full draw with no job
 * running when the environment variable SAFER_EXPLORE_EXIT_AFTER_DRAW is
 * set; SAFER_EXPLORE_BENCH_KEYS are fed from that point on too. */

#endif
