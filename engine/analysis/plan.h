/* Edit plans (safer-method.md §7) and the edit-list JSONL of formats.md.
 *
 * Poison at ratio p: the floor(p*N) train pairs with the highest scores are
 * flipped (N = train pairs). Denoise at ratio p: the floor(p*N) lowest are
 * dropped. Ties break by pair index so a plan is a function of its inputs.
 * Manual marks add or remove single edits. Test pairs are never edited.
 * Limits narrow a poison or denoise plan: a category (only train pairs of
 * that category count, N included) and, for denoise, a score cut (only
 * pairs scoring at most T are dropped, so that a plan stops where the
 * evidence stops: it may edit fewer than floor(p*N) pairs).
 *
 * A plan records its strategy, ratio, the S+/S- sets and the data
 * fingerprint. In the JSONL each line carries them next to the fields of
 * formats.md:
 *   {"index": 17, "id": ..., "action": "flip", "score": 0.93,
 *    "strategy": "poison", "ratio": 0.05, "fingerprint": "0123abcd...",
 *    "s_plus": [..], "s_minus": [..], "ratings": "both", "unparsed": "skip",
 *    "fallback": false}
 * ("ratings" and "unparsed": which ratings chose the sets, safety.h).
 * Reading refuses a file whose fingerprint differs from the workspace's.
 * Only index and action are required: a hand-written list without a
 * fingerprint is accepted on its index and id checks, and is written
 * back without a "fingerprint" key while the fingerprint is unknown. */
#ifndef ENGINE_ANALYSIS_PLAN_H
#define ENGINE_ANALYSIS_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "engine/base/err.h"
#include "engine/formats/pairs.h"
#include "engine/analysis/safety.h"
#include "engine/analysis/scores.h"

enum { PLAN_NONE = 0, PLAN_POISON = 1, PLAN_DENOISE = 2, PLAN_MANUAL = 3 };
enum { EDIT_FLIP = 1, EDIT_DROP = 2 };

const char *plan_strategy_name(int strategy); /* "poison", "denoise", "manual" */
const char *plan_action_name(int action);     /* "flip", "drop" */

typedef struct sf_edit {
	size_t index;  /* pair index */
	int action;    /* EDIT_FLIP or EDIT_DROP */
	double score;  /* the pair's score when planned (NAN when unknown) */
	int strategy;  /* how this edit came to be */
} sf_edit;

typedef struct sf_plan {
	int strategy;   /* of the plan as a whole; PLAN_MANUAL once hand-edited */
	double ratio;   /* 0 for manual */
	char fingerprint[17];
	int n_plus, n_minus;
	int *plus, *minus;
	int fallback;
	int ratings, unparsed; /* RATINGS_*, UNPARSED_* of the sets; -1 unknown */
	char *category;   /* the limit it was made with (owned), or NULL */
	int has_max_score;
	double max_score; /* the denoise score cut when has_max_score */
	size_t n;
	sf_edit *v;     /* sorted as planned (poison: score desc; denoise: asc) */
} sf_plan;

/* Poison or denoise at ratio in (0, 1]. sc and S come from the same run. */
int plan_make(sf_plan *out, const pairs *P, const sf_scores *sc, const sf_safety *S,
              int strategy, double ratio, const char *fingerprint, sf_err *e);

/* The limits of plan_make_limited: category NULL = every category ("" =
 * the pairs without one); has_max_score: denoise drops only pairs whose
 * score is at most max_score (refused for poison). */
typedef struct sf_plan_limits {
	const char *category;
	int has_max_score;
	double max_score;
} sf_plan_limits;

/* plan_make within limits lim (NULL: none); the plan records them (its
 * JSONL lines carry "category" and "max_score"). A category no train pair
 * has is an error naming it. */
int plan_make_limited(sf_plan *out, const pairs *P, const sf_scores *sc, const sf_safety *S,
                      int strategy, double ratio, const sf_plan_limits *lim,
                      const char *fingerprint, sf_err *e);
/* An empty manual plan. */
void plan_init(sf_plan *out, const char *fingerprint);
void plan_free(sf_plan *pl);
/* A deep copy of in (its edits, sets and limits), to change apart from it. */
int plan_copy(sf_plan *out, const sf_plan *in, sf_err *e);

/* A plan with no edits and no sets yet takes S's sets and fallback flag:
 * the scores its marks carry come from them. Otherwise nothing changes. */
int plan_take_sets(sf_plan *pl, const sf_safety *S, sf_err *e);
/* Manual marks: set (or replace) pair index's action; action 0 removes it.
 * Test pairs and indices >= P->n are refused. */
int plan_mark(sf_plan *pl, const pairs *P, size_t index, int action, double score,
              sf_err *e);
/* The action planned for a pair (0 = untouched). O(n). For many lookups,
 * plan_actions fills a [P->n] array. */
int plan_action(const sf_plan *pl, size_t index);
void plan_actions(const sf_plan *pl, size_t n_pairs, unsigned char *actions);
size_t plan_count(const sf_plan *pl, int action);

/* Edit-list JSONL, written atomically: plan_write as a workspace's file
 * (atomic_open), plan_write_out to a user-named output (atomic_open_out:
 * "-", symlinks followed, devices and FIFOs written directly, printable
 * ASCII on a terminal). */
int plan_write(const sf_plan *pl, const pairs *P, const char *path, sf_err *e);
int plan_write_out(const sf_plan *pl, const pairs *P, const char *path, sf_err *e);
int plan_write_stream(const sf_plan *pl, const pairs *P, FILE *f, sf_err *e);
/* Same; ascii != 0 writes ids in printable ASCII only (non-ASCII and DEL
 * as \uXXXX escapes), the same JSON values, for output to a terminal. */
int plan_write_stream_ascii(const sf_plan *pl, const pairs *P, FILE *f, int ascii, sf_err *e);
/* Read and validate: every line an object with the fields above, index a
 * train pair of P, id equal to that pair's id, one edit per pair, the same
 * ratio, feature sets and fingerprint on every line that gives them (a
 * line may leave any of them out), the fingerprint equal to the given one (NULL: not checked; a list with none takes
 * the given one). Bounded: lines of at most 1 MB, each pair once. */
int plan_read(sf_plan *out, const pairs *P, const char *path, const char *fingerprint,
              sf_err *e);

/* Feature ids in a plan's s_plus / s_minus are below this (the largest SAE
 * safer loads has 2^24 latents); plan_read refuses others. */
#define PLAN_FEATURE_CAP (1 << 24)
/* The first feature id of the plan's sets that is >= m (not a feature of
 * an SAE of m latents), or -1. */
int plan_feature_beyond(const sf_plan *pl, int m);

/* The edited dataset as pairs JSONL, to a user-named output
 * (atomic_open_out; printable ASCII on a terminal): every pair's record passed
 * through with its unknown fields and id; flipped train pairs swap chosen
 * and rejected (PKU rows: safer_response_id flips); dropped ones are left
 * out; test pairs are written untouched. */
int plan_export(const sf_plan *pl, const pairs *P, const char *path, sf_err *e);

#endif
