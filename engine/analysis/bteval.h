/* Projected effect of an edit (safer-method.md §8): a linear Bradley-Terry
 * reward head r(resp) = w . pool(resp), pool = mean of the response's raw
 * activation rows (all its token rows), trained on the edited train pairs
 * by minimising
 *   mean_i log(1 + exp(-(r(chosen_i) - r(rejected_i)))) + (l2/2) |w|^2
 * (flipped pairs swap sides, dropped pairs are left out), and scored as
 * pairwise accuracy (r(chosen) > r(rejected); ties count half) on the
 * test pairs, per category.
 *
 * Shapes: P pairs, d model width. Pooling reads every row once; the pooled
 * vectors are cached in WS/pooled.bin (engine/ws/pooled_ws.h). The
 * heads of one bt_eval (none, plan, each random edit) are trained together
 * with L-BFGS on the n x d matrix of train-pair differences: each round
 * evaluates every head still running with two sgemm calls over it (see
 * bteval.c). Deterministic for a seed. */
#ifndef ENGINE_ANALYSIS_BTEVAL_H
#define ENGINE_ANALYSIS_BTEVAL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/formats/pairs.h"
#include "engine/analysis/plan.h"
#include "engine/base/progress.h"
#include "engine/formats/store.h"

typedef struct sf_pooled {
	size_t n_pairs;
	int d;
	float *diff;      /* [P, d] pool(chosen) - pool(rejected) as in the file */
	uint8_t *ok;      /* [P] 1 when both responses have rows */
	void *priv_;
} sf_pooled;

/* Pool from a store (reads every response row once). */
int bt_pool(sf_pooled *out, const store *s, size_t n_pairs, const sf_progress *p,
            sf_err *e);
/* From a plain [P, d] difference array (tests, bench); copies it. */
int bt_pool_from(sf_pooled *out, const float *diff, size_t n_pairs, int d, sf_err *e);
void bt_pool_free(sf_pooled *pp);

typedef struct sf_bt_opts {
	double l2;        /* 1e-3 (on features scaled to unit mean square) */
	int max_iter;     /* 100 L-BFGS iterations */
	double tol;       /* 1e-4: stop when |g| <= tol |g0|, or the loss moves
	                   * by less than tol * 1e-3 (relative) in an iteration */
	int random_seeds; /* 5 random edits averaged */
	uint64_t seed;    /* 1 */
} sf_bt_opts;

void bt_opts_default(sf_bt_opts *o);

/* Train one head. actions [P] (may be NULL): 0 keep, EDIT_FLIP, EDIT_DROP;
 * only train pairs (split[i] == SPLIT_TRAIN) are used. w [d]. */
int bt_train(float *w, const sf_pooled *pp, const int *split, const unsigned char *actions,
             const sf_bt_opts *o, const sf_progress *p, sf_err *e);
/* Accuracy of w on the test pairs of each category: cat[i] in 0..n_cat-1
 * (-1 = not counted). acc [n_cat], count [n_cat]. */
void bt_accuracy(const float *w, const sf_pooled *pp, const int *split, const int *cat,
                 int n_cat, double *acc, size_t *count);

/* One row of `safer eval`: edit in {"none", "plan", "random"}. */
typedef struct sf_bt_row {
	const char *edit;
	const char *category;   /* "" for pairs without one; "all" for every test pair */
	double accuracy;        /* mean over seeds for random */
	double spread;          /* sample std over seeds (random), else 0 */
	size_t pairs;           /* test pairs in the category */
} sf_bt_row;

typedef struct sf_bt_result {
	size_t n;
	sf_bt_row *rows;        /* none..., plan..., random... ; categories first-seen order, then "all" */
	size_t n_flip, n_drop;  /* size of the edit that "plan"/"random" made */
	int random_seeds;
	char **cat_names_;      /* owned */
	int n_cat_;
} sf_bt_result;

/* none; and, when pl is non-NULL, plan and random (same number of flips
 * and drops drawn uniformly from the train pairs, opts->random_seeds seeds
 * from opts->seed). Fails when there are no train or no test pairs. */
int bt_eval(sf_bt_result *out, const sf_pooled *pp, const pairs *P, const sf_plan *pl,
            const sf_bt_opts *o, const sf_progress *p, sf_err *e);
void bt_result_free(sf_bt_result *r);

#endif
