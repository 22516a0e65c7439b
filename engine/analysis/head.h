/* The linear reward head of safer-method.md §10: r(resp) = w . pool(resp)
 * + b, pool = the mean of the response's raw activation rows (all rows of
 * that side, as in §8). Either the reward model's own score head (when the
 * activation file carries it: store_reward_head) or the §8 Bradley-Terry
 * proxy head trained on the unedited train pairs.
 *
 * Shapes: d model width, m SAE features, P pairs.
 *
 *   reward effect  e_j = w . d_j      (d_j = row j of W_dec, a feature direction)
 *   margin_i       = w . (pool(chosen_i) - pool(rejected_i)) */
#ifndef ENGINE_ANALYSIS_HEAD_H
#define ENGINE_ANALYSIS_HEAD_H

#include <stddef.h>

#include "engine/analysis/bteval.h"
#include "engine/base/err.h"
#include "engine/base/progress.h"
#include "engine/formats/pairs.h"

enum { HEAD_OWN = 1, HEAD_PROXY = 2 };

typedef struct sf_head {
	int d;
	int kind;    /* HEAD_* */
	double bias; /* b (0 for the proxy head: margins do not see it) */
	float *w;    /* [d] */
} sf_head;

/* "own", "proxy" (JSON and machine use); and a phrase for people. */
const char *head_kind_name(int kind);
const char *head_kind_text(int kind);

/* A head of width d holding a copy of w. */
int head_from(sf_head *out, int kind, const float *w, double bias, int d, sf_err *e);
/* The proxy head: bt_train with the default options on the train pairs of
 * P, nothing edited. */
int head_proxy(sf_head *out, const sf_pooled *pp, const pairs *P, const sf_progress *p,
               sf_err *e);
void head_free(sf_head *h);

/* The reward effect of every feature, with what it was made from. */
typedef struct sf_effects {
	int m;
	int head_kind; /* HEAD_* */
	int normalize; /* the SAE's input normalisation (SAE_NORM_*), for s_r */
	double *e;     /* [m] */
} sf_effects;

int effects_alloc(sf_effects *out, int m, sf_err *e);
void effects_free(sf_effects *ef);

/* e [m] = W_dec [m,d] . w [d], in double. */
void head_effects(const float *W_dec, int m, int d, const float *w, double *e);

/* w . diff for a pooled difference diff [d], in double. */
double head_dot(const sf_head *h, const float *diff);

#endif
