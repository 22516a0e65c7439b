/* The explanation check (delphi-style detection scoring): the judge gets a
 * feature's explanation and a shuffled mix of contexts where the feature
 * fires and where it does not, says for each whether the feature fires,
 * and the share it gets right tells how well the explanation holds up. */
#ifndef ENGINE_JUDGE_CHECK_H
#define ENGINE_JUDGE_CHECK_H

#include <stddef.h>

#include "engine/base/err.h"

enum { JUDGE_CHECK_MAX = 32 };

/* The user message: the explanation, then snippets[0..n) numbered from 1,
 * each on one line, and the reply format `N: yes|no`. malloc'd. */
char *judge_check_prompt(const char *explanation, const char *const *snippets, int n,
                         sf_err *e);
/* Read the answers of a reply: answers[i] = 1 (yes), 0 (no) or -1 (none)
 * for snippet i+1, from lines like "3: yes", "3. No", "**3** - yes". The
 * first answer given for a number counts. Returns how many were answered. */
int judge_check_parse(const char *reply, int n, signed char *answers);

#endif
