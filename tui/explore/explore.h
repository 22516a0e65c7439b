/* The explorer's model: one engine session (engine/ws/session.h) and the
 * view of it the screens draw from.
 *
 * Every derived result comes from the session: the model borrows the
 * pointers its getters hand out (latents, index, statistics, labels,
 * safety sets, scores, the current plan, the evaluation) and keeps them
 * only until the generation of their input changes. Long steps (encoding,
 * index, statistics, plans, the evaluation, loading an SAE) run on the
 * app's worker thread; while one runs the main thread does not call the
 * session at all (a session is used by one thread at a time), it only
 * draws from what it borrowed before, which no job drops.
 *
 * Screens are created through a registry (xm_screen_defs) and opened
 * with xm_open; they notice changes by comparing the model's generations
 * (xm_gen) with the ones they last drew from. Nothing here calls into a
 * screen. */
#ifndef TUI_EXPLORE_EXPLORE_H
#define TUI_EXPLORE_EXPLORE_H

#include <pthread.h>
#include <stddef.h>

#include "engine/analysis/top.h"
#include "engine/ws/session.h"
#include "tui/explore/app.h"
#include "widgets/search.h"

typedef struct xmodel xmodel;

/* The screens. */
enum { XS_FEATURES, XS_FEATURE, XS_PAIR, XS_EDITS, XS_TRAIN, XS_PROBE, XS_QUALITY, XS_N };
#define XS_BIT(id) (1u << (id))
#define XS_ANALYSIS (XS_BIT(XS_FEATURES) | XS_BIT(XS_FEATURE) | XS_BIT(XS_PAIR) | XS_BIT(XS_EDITS))

/* What xm_open can ask of a screen besides an id. */
enum { XM_KEEP = -1, XM_TOP = -2 };

typedef struct xscreen_def {
	const char *name;
	screen *(*create)(xmodel *m);
	void (*free)(screen *s);
	/* What to show: a feature id, a pair index, XM_TOP; XM_KEEP leaves it
	 * as it is. May be NULL. */
	void (*target)(screen *s, long arg);
} xscreen_def;

/* Indexed by XS_*: the registry (tui/explore/screens.c). */
extern const xscreen_def *const xm_screen_defs[XS_N];
/* Indexed by XS_*: what a screen does on every tick of the loop, also
 * while a job runs (work of its own, such as a request); NULL for most. */
typedef void (*xscreen_tick_fn)(screen *s);
extern const xscreen_tick_fn xm_screen_ticks[XS_N];

/* Model generations: each counts changes of one part of the view
 * (including becoming available or going away). */
enum {
	XG_DATA = 1,    /* latents, index, statistics (SAE, rows mode) */
	XG_LABELS = 2,  /* the labels */
	XG_SCORES = 4,  /* safety sets and scores */
	XG_PLAN = 8,    /* the current plan and its actions */
	XG_EVAL = 16,   /* the evaluation of the plan */
	XG_NBITS = 5,
};

/* A feature's label before or after a change (exists 0: no label). */
typedef struct xlabel_state {
	int exists;
	char *name, *note;
	int safety;
} xlabel_state;

typedef struct xlabel_edit {
	int feature;
	xlabel_state before, after;
} xlabel_edit;

/* The label changes of this session: v[0, at) done, v[at, n) undone
 * (redo brings them back; a new change drops them). */

typedef struct xlabel_history {
	xlabel_edit *v;
	size_t n, at, cap;
} xlabel_history;

/* Where the data stands. */
enum { XD_NONE, XD_LOADING, XD_READY, XD_MISSING, XD_FAILED };

/* One Tab completion's candidates (rebuilt on each attempt). */
typedef struct xcompletion {
	char **v;
	size_t n, cap;
} xcompletion;

struct xmodel {
	sf_session *sess;
	ws *w;
	const pairs *P;
	const store *s;
	app *a;
	/* The view, borrowed from the session; NULL when not there (yet). */
	int has_sae;
	int data;                     /* XD_* */
	const latents *l;
	const sf_index *ix;
	const sf_stats *st;
	const sf_labels *L;
	const sf_verdicts *V;         /* the judge's, loaded with the labels */
	const sf_safety *safety;
	const sf_scores *sc;
	const sf_plan *plan;          /* NULL: no current plan */
	const unsigned char *actions; /* [P->n] the plan's action per pair */
	const sf_bt_result *bt;
	const sf_effects *ef;         /* reward effects; NULL when not (yet) there */
	const sf_paired *pd;          /* paired salience; likewise */
	char reward_err[512];         /* why they are not there, "" when they are */
	int reward_ok;                /* set by the index job: bit 1 effects, 2 paired */
	sf_safety_opts so;            /* the session's, as of the last sync */
	char state[600];              /* what is missing and what to do */
	int cur_feature;
	size_t cur_pair;
	size_t *pair_list;            /* the pairs [ ] step through on the Pair screen */
	size_t n_pair_list;
	char pair_list_what[48];      /* "in the plan", "chosen top rows"... */
	/* The Features table's order, for stepping elsewhere ([ ]). */
	const size_t *order;
	size_t norder;
	xlabel_history hist;
	wsearch fsearch;              /* the features search (/ ? n N on Features and Feature) */
	screen *screens[XS_N];
	wkey *cmd_help;               /* made by xcmd_install, freed with the model */
	int n_cmd_help;
	xcompletion comp;
	/* bookkeeping of xm_sync */
	unsigned long gen[XG_NBITS];
	unsigned long s_data, s_labels, s_scores, s_plan, s_sae;
	int synced;
	int scores_failed;            /* for this scores generation */
	int history_failed;           /* saving the `:` and `/` history failed (said once) */
	char history_err[sizeof ((sf_err *)0)->msg + 32]; /* reading it failed: why */
	int labels_tried;             /* for this labels generation */
	int after_ready;              /* screen to open when the data is ready, -1 none */
	char ready_msg[4096 + 256];   /* message then, "" for the default */
	double last_poll;
	char title[512];              /* as last set */
	char pending_sae[4096];       /* :load-sae waiting for its confirmation */
	char prompt[64];              /* the name or note prompt's text */
	int prompt_feature, prompt_note; /* what it is for */
	char pending_export[4200];    /* an :export! line waiting for its confirmation */
	int pending_strategy;         /* a plan waiting for its confirmation */
	double pending_ratio;
	/* The limits the next poison/denoise plan is made within (Edits: c, T):
	 * plan_lim.category points at plan_cat when set. */
	sf_plan_limits plan_lim;
	char plan_cat[4097];
	/* notices from the session (any thread) until the main thread shows them */
	pthread_mutex_t mu;
	char notice[512];
	struct xcarry *carry;         /* a label carry-over under review (carry.h), or NULL */
	void (*carry_free)(xmodel *); /* frees it (set with it, so this file needs no carry.h) */
};

/* A model on session S shown through a. Creates the screens; NULL when
 * out of memory. S is the model's from here on, closed by xm_free (or
 * here when the model cannot be made). The `:` commands are installed
 * separately (xcmd_install, tui/explore/commands.h). */
xmodel *xm_new(sf_session *S, app *a);
void xm_free(xmodel *m);
/* Push the first screens: Features, and Train on top when the workspace
 * has no SAE; starts loading (encoding) what is missing. */
void xm_start(xmodel *m);

/* Bring the view up to date with the session (main thread; nothing
 * while a job runs). Starts the loading job when the data went away. */
void xm_sync(xmodel *m);
/* Sum of the generations of the XG_* parts in what. */
unsigned long xm_gen(const xmodel *m, int what);
void xm_update_title(xmodel *m);

/* The screen registered as id, and opening it (raised when on the
 * stack, else pushed) showing arg (see xscreen_def.target). */
screen *xm_screen(xmodel *m, int id);
void xm_open(xmodel *m, int id, long arg);

/* 1 (with a message) when a job runs: the session is the job's then. */
int xm_busy(xmodel *m);

/* Label changes: saved at once and kept in the session's history, which
 * undo and redo walk (many levels). Return 0, or -1 with a message. */
int xm_label(xmodel *m, int feature, const char *name, int safety, const char *note);
int xm_undo(xmodel *m);
/* Ask for feature's name (note 0) or note, "name for feature 412: ",
 * starting from what it is; the line entered is saved as above. */
void xm_prompt_label(xmodel *m, int feature, int note);
int xm_redo(xmodel *m);
/* The label of feature f, NULL when none (or no labels). */
const sf_label *xm_label_of(const xmodel *m, int f);

/* Safety sets and scores for the current labels (computed here when
 * missing and no job runs: cheap next to a plan). 0 when m->sc and
 * m->safety are there. */
int xm_scores(xmodel *m);
/* Start a plan job (PLAN_POISON/PLAN_DENOISE, ratio in (0,1]); its end
 * makes it the current plan and opens the Edits screen. */
int xm_plan_job(xmodel *m, int strategy, double ratio);
/* " in category C scoring at most T" for the limits lim ("" for none). */
void xm_plan_limits_text(const sf_plan_limits *lim, char *buf, size_t n);
enum { XM_TOGGLE = -1, XM_CYCLE = -2 };
/* Set pair p's action in the plan (EDIT_FLIP, EDIT_DROP, 0 removes;
 * XM_TOGGLE: include with the plan's kind, or exclude; XM_CYCLE: none,
 * flip, drop, none). The plan becomes manual and is saved. */
int xm_plan_mark(xmodel *m, size_t p, int action);
/* "poison 5% · 17 pairs flipped", "manual · 2 pairs: 1 flipped, 1 dropped" */
void xm_plan_summary(const sf_plan *pl, char *buf, size_t n);
/* The list the Pair screen's [ ] step through, in order, each pair once
 * ("in the plan"...); n 0: by index. Then: where p is in it (0 when it
 * is not, with *pos set to -1). */
void xm_pair_list(xmodel *m, const size_t *v, size_t n, const char *what);
int xm_pair_pos(const xmodel *m, size_t p, long *pos);
/* Put the plan before the current one back (U on Edits): the plans a new
 * one replaced are kept in the workspace (session_plan_keep), so this
 * reaches back into earlier sessions too. */
int xm_plan_back(xmodel *m);
int xm_eval_job(xmodel *m);
/* A path as typed, "~/" made the home directory (into out). */
const char *xm_path(const char *in, char *out, size_t n);
/* `:set threshold|cap|candidates N`: the S+/S- selection (says what it
 * did). 1 when name is none of these, -1 on a bad value. */
int xm_set_safety(xmodel *m, const char *name, const char *value);
/* Statistics over another rows mode (recomputed on the worker). */
int xm_rows(xmodel *m, int rows_mode);
/* Load an SAE from path (a file or directory, as `safer load-sae`),
 * install it as the workspace's and encode; ends on the Features table. */
int xm_load_sae(xmodel *m, const char *path);
/* After this process replaced the SAE (training): reload everything and
 * open the Features table with msg. */
void xm_sae_replaced(xmodel *m, const char *msg);
/* Load again what failed or was cancelled. */
void xm_reload(xmodel *m);

/* The activation of feature f on store row r (0 when it does not fire). */
float xm_act(const xmodel *m, size_t r, int f);
/* Safety contribution of row r: sum over S+ of z+ minus sum over S-. */
float xm_safety_act(const xmodel *m, size_t r);
/* Step the current feature by delta in the Features table's order: the
 * new feature, or -1 at either end. */
int xm_step_feature(xmodel *m, int delta);

/* Search the features (label names and notes by regular expression; ids
 * by prefix when the pattern is all digits, else by the expression): does
 * f match? */
int xm_feature_matches(const xmodel *m, int f);
/* Make m->cur_feature the next feature matching the features search in
 * the Features table's order, going dir (1 down, -1 up), from the
 * current one itself when from_current. Says "no match" or that it
 * wrapped. The feature, or -1. */
int xm_search_feature(xmodel *m, int dir, int from_current);
/* Set the features search to pat going dir, then step as above. */
int xm_search_features(xmodel *m, const char *pat, int dir);

/* Parse "5%", "0.05", "5 %" into a ratio in (0, 1]. -1 when bad, with
 * why in why[0..n); a bare "1" is refused as ambiguous (1% or 100%?). */
int xm_parse_ratio(const char *s, double *out, char *why, size_t n);
/* A feature by id or by label name (exact, then prefix). -1 when none. */
int xm_find_feature(const xmodel *m, const char *what);
/* one when n is 1, else many: "1 pair", "2 pairs". */
static inline const char *xm_s(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "★★★☆☆" (or "***.." without UTF-8) for a rating 0..5 into buf. */
const char *xm_stars(int rating, char *buf, size_t n);

/* Keys that work on every screen (unless the screen uses them). */
extern const wkey xm_global_keys[];
extern const int xm_global_keys_n;
int xm_global_key(app *a, int key, void *ctx);
/* For app_set_tick: notices, other processes' changes (session_poll a
 * few times a second), and the view kept in sync. */
void xm_tick(app *a, void *ctx);

#endif
