/* The judge's verdicts in the explorer. A verdict is a suggestion: it is
 * "reviewed" once the person has rated the feature (accepting the judge's
 * score with `a`, or giving another rating, which overrides it), and the
 * two "disagree" when both are there and differ. :judge runs the judge
 * (engine/ws/judge_ws.h) on the current feature or on the candidates, on
 * the worker thread with progress; the verdicts show as they are saved
 * once it ends. */
#ifndef TUI_EXPLORE_JUDGE_H
#define TUI_EXPLORE_JUDGE_H

#include "tui/explore/explore.h"

/* The verdict on feature f, or NULL. */
const sf_verdict *xj_verdict(const xmodel *m, int f);
/* 1 when f has a verdict and no rating by the person. */
int xj_unreviewed(const xmodel *m, int f);
/* 1 when f has a scored verdict and a person's rating that differ. */
int xj_disagrees(const xmodel *m, int f);
/* Make the judge's score of f the person's rating. 0, or -1 with a message. */
int xj_accept(xmodel *m, int f);
/* Open the next unreviewed suggestion after the current feature (in |s|
 * order, wrapping). 0, or -1 with a message when there is none. */
int xj_next_unreviewed(xmodel *m);

/* :judge and :ratings (whose ratings choose the safety sets) are defined
 * in judge.c and declared with the other commands (commands.h). */

#endif
