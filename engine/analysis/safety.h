/* The safety feature sets S+ and S- (safer-method.md §5).
 *
 * Candidates: the top `candidates` features by |s_j|. Selected: candidates
 * rated >= threshold, in |s_j| order, at most `cap`; S+ those with s_j > 0,
 * S- those with s_j < 0 (s_j = 0 goes to neither). When no feature is
 * rated at all, the top `cap` features by |s_j| are taken instead and
 * `fallback` is set: every output computed from these sets must say so.
 *
 * Ratings come from a person (the labels), from the LLM judge (its
 * verdicts, suggestions only), or both: under RATINGS_BOTH a person's
 * rating overrides the judge's score for that feature. A verdict whose
 * reply had no score counts as a 5 under UNPARSED_5 (SAFER's reference
 * keeps such features) and as no rating under UNPARSED_SKIP. */
#ifndef ENGINE_ANALYSIS_SAFETY_H
#define ENGINE_ANALYSIS_SAFETY_H

#include "engine/base/err.h"
#include "engine/analysis/labels.h"
#include "engine/analysis/stats.h"
#include "engine/judge/verdicts.h"

enum { RATINGS_BOTH = 0, RATINGS_HUMAN = 1, RATINGS_JUDGE = 2 };
enum { UNPARSED_SKIP = 0, UNPARSED_5 = 1 };

typedef struct sf_safety_opts {
	int candidates; /* 256 */
	int threshold;  /* 5 */
	int cap;        /* 32 */
	int ratings;    /* RATINGS_*, RATINGS_BOTH */
	int unparsed;   /* UNPARSED_*, UNPARSED_SKIP */
} sf_safety_opts;

/* "both", "human", "judge"; "skip", "5". Parsing: 0, or -1 when unknown. */
const char *safety_ratings_name(int ratings);
const char *safety_unparsed_name(int unparsed);
int safety_parse_ratings(const char *s, int *out);
int safety_parse_unparsed(const char *s, int *out);

/* The rating of feature f that the sets use under o (0 = none). L and V
 * may be NULL. by_judge (may be NULL) gets 1 when the judge's verdict gave it. */
int safety_rating(const sf_labels *L, const sf_verdicts *V, const sf_safety_opts *o, int f,
                  int *by_judge);

void safety_opts_default(sf_safety_opts *o);

typedef struct sf_safety {
	int n_plus, n_minus;
	int *plus;      /* [n_plus]  S+, |s_j| order */
	int *minus;     /* [n_minus] S-, |s_j| order */
	int fallback;   /* 1: no ratings, top `cap` by |s_j| used */
	int n_judge;    /* features in S+ and S- whose rating came from the judge */
	int rows_mode;  /* of the stats the sets came from */
	sf_safety_opts opts;
} sf_safety;

/* L and V may be NULL (= no ratings of that kind). Fails on bad options. */
int safety_select(sf_safety *out, const sf_stats *st, const sf_labels *L,
                  const sf_verdicts *V, const sf_safety_opts *o, sf_err *e);
/* One line saying which ratings the sets used, for every output made from
 * them: "ratings: both (3 features from a person, 29 from the judge;
 * replies without a score skipped)". */
void safety_ratings_note(const sf_safety *S, char *buf, size_t n);
/* Sets given explicitly (manual choice, tests); copies the arrays. */
int safety_from_lists(sf_safety *out, const int *plus, int n_plus, const int *minus,
                      int n_minus, int m, sf_err *e);
void safety_free(sf_safety *s);

/* The warning every dependent output carries when fallback is set. */
#define SAFETY_FALLBACK_NOTE \
	"no feature is rated yet: using the top features by |salience| as the safety set"

#endif
