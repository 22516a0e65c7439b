/* The safety feature sets S+ and S- (safer-method.md §5).
 *
 * Candidates: the top `candidates` features by |s_j|. Selected: candidates
 * rated >= threshold, in |s_j| order, at most `cap`; S+ those with s_j > 0,
 * S- those with s_j < 0 (s_j = 0 goes to neither). When no feature is
 * rated at all, the top `cap` features by |s_j| are taken instead and
 * `fallback` is set: every output computed from these sets must say so. */
#ifndef ENGINE_ANALYSIS_SAFETY_H
#define ENGINE_ANALYSIS_SAFETY_H

#include "engine/base/err.h"
#include "engine/analysis/labels.h"
#include "engine/analysis/stats.h"

typedef struct sf_safety_opts {
	int candidates; /* 256 */
	int threshold;  /* 5 */
	int cap;        /* 32 */
} sf_safety_opts;

void safety_opts_default(sf_safety_opts *o);

typedef struct sf_safety {
	int n_plus, n_minus;
	int *plus;      /* [n_plus]  S+, |s_j| order */
	int *minus;     /* [n_minus] S-, |s_j| order */
	int fallback;   /* 1: no ratings, top `cap` by |s_j| used */
	int rows_mode;  /* of the stats the sets came from */
	sf_safety_opts opts;
} sf_safety;

/* L may be NULL (= no ratings). Fails on bad options. */
int safety_select(sf_safety *out, const sf_stats *st, const sf_labels *L,
                  const sf_safety_opts *o, sf_err *e);
/* Sets given explicitly (manual choice, tests); copies the arrays. */
int safety_from_lists(sf_safety *out, const int *plus, int n_plus, const int *minus,
                      int n_minus, int m, sf_err *e);
void safety_free(sf_safety *s);

/* The warning every dependent output carries when fallback is set. */
#define SAFETY_FALLBACK_NOTE \
	"no feature is rated yet: using the top features by |salience| as the safety set"

#endif
