/* WS/plans/: the plans the current one replaced, so that a new plan (a
 * strategy over hand-made edits, a mark too many) can be taken back.
 * plan-NNNNNN.jsonl, numbered upwards in the order they were replaced;
 * the newest PLANS_KEEP are kept. Each is an edit list like WS/plan.jsonl
 * and read back with the same checks. */
#ifndef ENGINE_WS_PLANS_WS_H
#define ENGINE_WS_PLANS_WS_H

#include <stddef.h>

#include "engine/base/err.h"

struct ws;

enum { PLANS_KEEP = 8 };

/* Keep the plan file cur (the current plan, WS/plan.jsonl) as the newest
 * kept plan, dropping the oldest beyond PLANS_KEEP. Nothing when cur does
 * not exist. The caller holds the workspace's writer lock. */
int plans_keep(struct ws *w, const char *cur, sf_err *e);
/* The kept plans' numbers, newest first: at most max into seq, *n in all. */
int plans_list(const struct ws *w, unsigned long *seq, size_t max, size_t *n, sf_err *e);
/* The file of kept plan seq. */
int plans_file(const struct ws *w, unsigned long seq, char *buf, size_t n, sf_err *e);

#endif
