/* An engine session: one workspace and everything derived from it, each
 * result computed the first time it is asked for.
 *
 *   SAE ─▶ latents ─▶ index
 *            │
 *            ├─▶ statistics (per rows mode) ─┐
 *   labels ──┴───────────────────────────────┴─▶ safety sets ─▶ scores
 *   current plan ─▶ evaluation (with the pooled activations)
 *
 * A getter computes what it needs of the chain (encoding the latents when
 * they are missing or stale, building the index, the statistics), reports
 * through the session's progress callback, and caches the result in the
 * workspace where it takes more than a moment (latents.bin, index.bin,
 * stats-<rows>.bin, pooled.bin). A read-only workspace computes in memory
 * and says so once, through the notice callback.
 *
 * Results are dropped when what they were made from changes: a label
 * change drops the safety sets and scores; a new SAE drops everything
 * after it; a new plan drops the evaluation; a new rows mode drops the
 * statistics and what follows. session_poll notices changes made by other
 * processes (labels, plan, SAE) and drops the same way.
 *
 * The workspace lock is taken only while writing (a label, the plan, an
 * SAE), as git does, so several processes can have one workspace open.
 * A label change re-reads the labels file under the lock when another
 * process changed it, so no change is lost.
 *
 * Pointers a getter hands out stay valid until that result is dropped
 * (its generation, session_generation, changes). A session is used by one
 * thread at a time. */
#ifndef ENGINE_WS_SESSION_H
#define ENGINE_WS_SESSION_H

#include <stddef.h>

#include "engine/analysis/attrib.h"
#include "engine/analysis/bteval.h"
#include "engine/analysis/head.h"
#include "engine/analysis/paired.h"
#include "engine/analysis/index.h"
#include "engine/analysis/labels.h"
#include "engine/analysis/plan.h"
#include "engine/analysis/safety.h"
#include "engine/analysis/scores.h"
#include "engine/analysis/stats.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/judge/verdicts.h"
#include "engine/sae/sae.h"
#include "engine/ws/latents.h"
#include "engine/ws/workspace.h"

typedef struct sf_session sf_session;

/* What changed, for session_poll and session_generation. */
enum {
	SESS_SAE = 1,     /* the SAE (and so latents, index, stats, labels set) */
	SESS_LABELS = 2,  /* labels (and so safety sets, scores) */
	SESS_PLAN = 4,    /* the current plan (and so the evaluation) */
	SESS_OPTIONS = 8, /* rows mode or safety options */
};

/* Open dir (flags: WS_READONLY). Nothing is computed yet. */
int session_open(sf_session **out, const char *dir, int flags, sf_err *e);
void session_close(sf_session *s);

ws *session_ws(sf_session *s);

/* Long steps report here (phase names the step: "encoding", "index",
 * "statistics", "pooling", "evaluating"); a non-zero return cancels the
 * step, which then fails with "cancelled" and leaves the workspace as it
 * was. notice gets one line for things the user should know that are not
 * errors (a damaged cache rebuilt, labels switched to another SAE's set,
 * the read-only workspace computing in memory, the fallback safety set).
 * Each notice text is sent once per session. Either may be NULL. */
void session_set_progress(sf_session *s, sf_progress_fn fn, void *ctx);
void session_set_notice(sf_session *s, void (*fn)(void *ctx, const char *msg), void *ctx);

/* Options of the derived results. Changing one drops what depends on it. */
void session_set_rows_mode(sf_session *s, int rows_mode);
int session_rows_mode(const sf_session *s);
void session_set_safety_opts(sf_session *s, const sf_safety_opts *o);
const sf_safety_opts *session_safety_opts(const sf_session *s);

/* 1 when the workspace has an SAE (cheap: no weights are read). */
int session_has_sae(sf_session *s);
/* 1 when the latents are there for the SAE, as their file's header says
 * (cheap: the payload is checked when they are opened). */
int session_has_latents(sf_session *s);

/* The getters. Each fails (e set) when a step cannot be taken; with no
 * SAE at all the message says to train or load one. */
int session_sae(sf_session *s, const sae **out, sf_err *e);
int session_latents(sf_session *s, const latents **out, sf_err *e);
int session_index(sf_session *s, const sf_index **out, sf_err *e);
int session_stats(sf_session *s, const sf_stats **out, sf_err *e);
/* 1 when the last session_stats was read from the workspace's cache. */
int session_stats_cached(const sf_session *s);
int session_labels(sf_session *s, const sf_labels **out, sf_err *e);
/* The judge's verdicts for the current SAE (suggestions, never labels);
 * dropped with the labels (SESS_LABELS), and when session_poll sees the
 * file change. reload re-reads them after this process changed the file. */
int session_verdicts(sf_session *s, const sf_verdicts **out, sf_err *e);
int session_verdicts_reload(sf_session *s, sf_err *e);
/* The sets under the safety options' ratings (RATINGS_*; what they used:
 * safety_ratings_note). */
int session_safety(sf_session *s, const sf_safety **out, sf_err *e);
int session_scores(sf_session *s, const sf_scores **out, sf_err *e);
/* The SAE width without computing latents (from the latents when open,
 * else the SAE). */
int session_width(sf_session *s, int *m, sf_err *e);

/* The current plan (WS/plan.jsonl): *out = NULL when there is none. A
 * plan file that does not fit the data is an error. */
int session_plan(sf_session *s, const sf_plan **out, sf_err *e);
/* Make pl the current plan (the session takes it over, also on failure)
 * and write it atomically; clear removes it. Both refuse a read-only
 * workspace. */
int session_plan_set(sf_session *s, sf_plan *pl, sf_err *e);
int session_plan_clear(sf_session *s, sf_err *e);
/* Keep the current plan file in WS/plans/ (engine/ws/plans_ws.h) before
 * something replaces it; nothing when there is none. */
int session_plan_keep(sf_session *s, sf_err *e);
/* The newest kept plan becomes the current one again (read with the
 * checks of the current plan first); the plan it replaces is not kept.
 * *left: how many kept plans remain. 1 when none is kept. */
int session_plan_undo(sf_session *s, size_t *left, sf_err *e);
/* How many plans are kept. */
int session_plan_kept(sf_session *s, size_t *n, sf_err *e);
/* The plan's action for every pair ([P] array, 0 when untouched). */
int session_plan_actions(sf_session *s, const unsigned char **out, sf_err *e);

/* The pooled activations of the reward-head evaluation. */
int session_pooled(sf_session *s, const sf_pooled **out, sf_err *e);
/* The evaluation of the current plan (none / plan / random rows; only
 * "none" when there is no plan), for the options o (NULL: defaults).
 * Kept until the plan or the options change. */
int session_eval(sf_session *s, const sf_bt_opts *o, const sf_bt_result **out, sf_err *e);

/* The reward head of safer-method.md §10: the reward model's own when the
 * activation file carries it, else the proxy head trained on the unedited
 * train pairs (WS/head.bin; kind says which). Kept until close. */
int session_head(sf_session *s, const sf_head **out, sf_err *e);
/* The reward effect e_j = w . d_j of every feature under that head
 * (WS/effects.bin); dropped with the SAE. */
int session_reward_effects(sf_session *s, const sf_effects **out, sf_err *e);
/* The attribution of pair's margin to the features (§10); out is the
 * caller's (attrib_free). */
int session_explain(sf_session *s, size_t pair, sf_attrib *out, sf_err *e);
/* Paired salience with its bootstrap interval (§12) under the rows mode
 * (WS/paired-<rows>.bin); dropped with the statistics. */
int session_paired(sf_session *s, const sf_paired **out, sf_err *e);

/* Label changes, saved at once under the lock (see above). name/note
 * NULL = keep, safety -1 = keep, 0 = clear the rating. */
int session_label_set(sf_session *s, int feature, const char *name, int safety,
                      const char *note, sf_err *e);
int session_label_remove(sf_session *s, int feature, sf_err *e);
/* Merge a JSON labels file (labels_import_json) under the lock. */
int session_labels_import(sf_session *s, const char *path, size_t *n, sf_err *e);

/* Install a new SAE as the workspace's (saved under the lock; the latents
 * of the old one are dropped and rebuilt on demand). Refused, with
 * nothing changed, when it encodes a sample of the rows into codes that
 * are not finite (latents_probe; named by its source). */
int session_sae_install(sf_session *s, const sae *model, sf_err *e);
/* Drop results as if `what` (SESS_*) had changed (e.g. after this process
 * trained a new SAE through train_ws). */
void session_drop(sf_session *s, int what);

/* Look for changes other processes made to the labels, the plan and the
 * SAE since this session read them; drop what depends on them. Returns
 * the SESS_* mask of what changed (0: nothing). Cheap (a few stat calls). */
int session_poll(sf_session *s);
/* A counter per SESS_* bit, increased whenever that input changes. */
unsigned long session_generation(const sf_session *s, int what);

#endif
