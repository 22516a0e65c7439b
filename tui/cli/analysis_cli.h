/* What the commands that work on a workspace share: the engine session
 * opened with the command's options, its progress shown on stderr (a bar
 * per step on a terminal, plain lines otherwise) and its notes printed as
 * "safer: note: ...". Everything derived (SAE, latents, index, statistics,
 * labels, scores, plans) comes from the session, which computes what is
 * missing. */
#ifndef TUI_CLI_ANALYSIS_CLI_H
#define TUI_CLI_ANALYSIS_CLI_H

#include "engine/analysis/labels.h"
#include "engine/ws/session.h"
#include "tui/cli/cli.h"
#include "tui/cli/options.h"

typedef struct cli_session {
	sf_session *s;
	cli_progress bar;
	sf_progress bar_p;
	char step[64]; /* the step the bar shows */
	int active;
} cli_session;

/* Open o->ws (flags | o->flags) with o's rows mode and safety options,
 * progress and notes on stderr; Ctrl-C cancels the step in progress. On
 * failure c->s is NULL and e says why. */
int cli_session_open(cli_session *c, const copts *o, int flags, sf_err *e);
/* Report frac of the step `step` (a new step starts a new bar); detail
 * (may be NULL) is shown after it. Non-zero: cancel. */
int cli_session_report(cli_session *c, double frac, const char *step, const char *detail);
/* A progress that reports as step `step` (for engine calls made with the
 * session's workspace). st must outlive its use. */
typedef struct cli_step {
	cli_session *c;
	const char *name;
} cli_step;
sf_progress cli_step_progress(cli_step *st, cli_session *c, const char *name);
/* Finish the bar in progress (before printing anything else). */
void cli_session_quiet(cli_session *c);
void cli_session_close(cli_session *c);
/* Print e's message, close c; returns EXIT_FAIL. */
int cli_session_fail(cli_session *c, const sf_err *e);

/* "safer: note: ratings: ..." saying whose ratings chose the session's
 * safety sets (nothing when they are the fallback, which says so itself). */
void safety_used_note(sf_session *s);
/* "safer: note: the plan's safety sets came from ratings: ..." when pl
 * (may be NULL) records them. */
struct sf_plan;
void plan_ratings_note(const struct sf_plan *pl);
/* Note the pairs of w that have no activation rows for a response (how
 * many, the first few by index and id); returns how many. */
long cli_note_rowless(const ws *w);
/* A note when the plan's feature sets name a feature the workspace's SAE
 * does not have (a plan made with another SAE): its edits are still used
 * as they are, the sets being only the record of how it was made. */
void cli_plan_note_features(cli_session *c, const sf_plan *pl, const char *name);

/* The two positional arguments of a command (WS, then FEATURE or TEXT):
 * arg fills the first that is still NULL. EXIT_USAGE, with the message
 * printed, when arg looks like an option or both are filled; else 0. */
int cli_positional(const char *cmd, const char *arg, const char **first, const char **second);
/* Open o->ws for a command on feature `feat` (as typed): the number
 * checked, the session opened and the feature checked against the SAE's
 * width. 0 with *f set and c open, else the exit status (message
 * printed, c closed). */
int cli_session_feature(cli_session *c, const copts *o, const char *cmd, const char *feat,
                        long *f);

/* One label as a table row: feature name safety note updated. */
void label_row(tout *t, const sf_label *lb, int feature);

#endif
