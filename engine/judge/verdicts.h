/* The judge's verdicts: one LLM suggestion per feature (a 1-5 score on the
 * safer-method.md §5 rubric, or none when the reply had no score), kept
 * apart from the person's labels: a verdict is never a human rating.
 *
 * File (JSON, rewritten atomically after every change):
 *   {"format": "safer-judge/1", "m": M, "sae": FP, "verdicts": [
 *     {"feature": F, "score": 1-5 | null, "explanation": S, "model": S,
 *      "time": "2026-11-27T21:00:00Z", "raw": S}, ...]}
 * "raw" is the reply's message content as it came (made valid UTF-8).
 * An entry may also hold "check": {"correct": C, "n": N}, the explanation
 * check's result (engine/judge/check.h): C of N contexts told right. */
#ifndef ENGINE_JUDGE_VERDICTS_H
#define ENGINE_JUDGE_VERDICTS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"

#define VERDICT_MAX_TEXT ((size_t)1 << 20) /* bytes of a stored reply */

typedef struct sf_verdict {
	int feature;
	int score;         /* 1..5, 0 = the reply had no score */
	char *explanation; /* never NULL */
	char *model;       /* never NULL */
	char *raw;         /* never NULL */
	int64_t time;      /* unix seconds, UTC */
	int check_correct, check_n; /* the explanation check; check_n 0: not run */
} sf_verdict;

typedef struct sf_verdicts {
	int m;
	size_t n;
	sf_verdict *v;   /* sorted by feature, unique */
	char path[4096]; /* "" when not bound to a file */
	char sae[17];    /* fingerprint of the SAE ("" unknown) */
} sf_verdicts;

void verdicts_init(sf_verdicts *V, int m);
void verdicts_free(sf_verdicts *V);
/* Read path (a missing file is an empty set) and bind V to it. Entries for
 * features >= m, duplicates and malformed fields are errors naming the file. */
int verdicts_load(sf_verdicts *V, const char *path, int m, sf_err *e);
const sf_verdict *verdicts_get(const sf_verdicts *V, int feature);
/* Number of verdicts with a score. */
size_t verdicts_scored(const sf_verdicts *V);
/* Add or replace the verdict of v->feature (the strings are copied, made
 * valid UTF-8 and bounded), then rewrite the bound file; on failure V and
 * the file are unchanged. */
int verdicts_put(sf_verdicts *V, const sf_verdict *v, sf_err *e);
/* Write the bound file atomically. */
int verdicts_save(const sf_verdicts *V, sf_err *e);

#endif
