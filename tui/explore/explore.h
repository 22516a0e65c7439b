/* The explorer's model: the workspace and everything computed from it,
 * shared by the screens. Only the main thread touches it; jobs compute
 * into their own structs and the main thread swaps the results in. */
#ifndef TUI_EXPLORE_EXPLORE_H
#define TUI_EXPLORE_EXPLORE_H

#include <stddef.h>

#include "engine/analysis/bteval.h"
#include "engine/analysis/index.h"
#include "engine/analysis/labels.h"
#include "engine/ws/latents.h"
#include "engine/analysis/plan.h"
#include "engine/analysis/safety.h"
#include "engine/analysis/scores.h"
#include "engine/analysis/stats.h"
#include "engine/analysis/top.h"
#include "engine/ws/workspace.h"
#include "tui/explore/app.h"

typedef struct xlabel_undo {
	int valid;
	int feature;
	int existed;
	char *name, *note;
	int safety;
} xlabel_undo;

typedef struct xmodel {
	ws *w;
	const pairs *P;
	const store *s;
	latents *l;       /* NULL until the workspace has an SAE and latents */
	sf_index *ix;
	sf_stats st;
	int have_stats;
	sf_labels L;
	int have_labels;
	/* safety sets and scores: recomputed when ratings change */
	sf_safety S;
	sf_scores sc;
	int have_scores;
	sf_plan plan;
	int have_plan;
	unsigned char *actions; /* [P->n] the plan's action per pair */
	sf_bt_result bt;
	int have_bt;
	int rows_mode;
	sf_safety_opts so;
	int cur_feature;
	size_t cur_pair;
	xlabel_undo undo;
	app *a;
	/* screens, created once */
	screen *features, *feature, *pair, *edits, *train;
} xmodel;

/* Open the analysis state of a workspace that has latents (stats, index,
 * labels, current plan). Fails with e set. p reports building the index
 * (first open) and the statistics; may be NULL. */
int xm_load_analysis(xmodel *m, const sf_progress *p, sf_err *e);
void xm_free_analysis(xmodel *m);
void xm_update_title(xmodel *m);

/* Label changes: saved at once (the engine writes atomically); the
 * previous label is kept for one undo. Returns 0, or -1 with a message. */
int xm_label(xmodel *m, int feature, const char *name, int safety, const char *note);
int xm_undo(xmodel *m);

/* Safety sets and scores for the current labels (synchronous; cheap next
 * to the plan itself). */
int xm_scores(xmodel *m, sf_err *e);
/* Install a plan (takes ownership) and write it as WS/plan.jsonl. */
void xm_set_plan(xmodel *m, sf_plan *pl);
/* Start a plan job ("poison"/"denoise", ratio in (0,1]). */
int xm_plan_job(xmodel *m, int strategy, double ratio);
int xm_eval_job(xmodel *m);

/* The activation of feature f on store row r (0 when it does not fire). */
float xm_act(const xmodel *m, size_t r, int f);
/* Safety contribution of row r: sum over S+ of z+ minus sum over S-. */
float xm_safety_act(const xmodel *m, size_t r);

/* Parse "5%", "0.05", "5 %" into a ratio in (0, 1]. -1 when bad. */
int xm_parse_ratio(const char *s, double *out);
/* A feature by id or by label name (exact, then prefix). -1 when none. */
int xm_find_feature(const xmodel *m, const char *what);

/* The screens. */
screen *features_screen(xmodel *m);
screen *feature_screen(xmodel *m);
screen *pair_screen(xmodel *m);
screen *edits_screen(xmodel *m);
screen *train_screen(xmodel *m);
void features_refresh(xmodel *m);  /* after labels or stats change */
void features_reload(xmodel *m);
void edits_top(xmodel *m);         /* a new plan: show it from the top */   /* after the analysis was reloaded */
void feature_show(xmodel *m, int f); /* open the Feature screen on f */
void pair_show(xmodel *m, size_t pair);
/* Features screen commands (used by `:sort`, `:filter`, `/`). */
int features_sort(xmodel *m, const char *col, int desc_given, int desc);
int features_filter(xmodel *m, const char *name);
int features_search(xmodel *m, const char *text); /* as `/`: -1 when no match */
/* Step the current feature by delta in the Features screen's order. */
int features_step(xmodel *m, int delta);

/* Keys that work on every screen (unless the screen uses them). */
extern const wkey xm_global_keys[];
extern const int xm_global_keys_n;
int xm_global_key(app *a, int key, void *ctx);

/* The `:` commands, for help. */
extern const wkey xm_command_help[];
extern const int xm_command_help_n;

/* Completion words for `:` (commands, columns, label names). */
const char *xm_word(void *ctx, size_t i);
int xm_command(app *a, int argc, char **argv);
/* Bring s to the top: raise it when on the stack, else push it. */
void xm_show(xmodel *m, screen *s);
/* Free the screens at exit (they live as long as the model). */
void features_screen_free(screen *s);
void pair_screen_free(screen *s);
void edits_screen_free(screen *s);
void train_screen_free(screen *s);
void feature_screen_free(screen *s);

/* Make m the model the `:` commands act on. */
void xm_bind(xmodel *m);
/* Save the (hand-edited) plan as WS/plan.jsonl and refresh the title. */
void xm_plan_changed(xmodel *m);
/* "★★★☆☆" (or "***.." without UTF-8) for a rating 0..5 into buf. */
const char *xm_stars(int rating, char *buf, size_t n);

#endif
