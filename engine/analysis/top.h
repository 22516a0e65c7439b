/* Top-activating rows of a feature, with token context, and the judge
 * input of safer-method.md §5.
 *
 * Context: the tokens of the same response around the activating row, at
 * most `window` tokens in all (the row itself included), centred where the
 * response allows. Token texts come from the store (raw bytes: pass them
 * through textsafe before any terminal). */
#ifndef ENGINE_ANALYSIS_TOP_H
#define ENGINE_ANALYSIS_TOP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/analysis/index.h"
#include "engine/formats/store.h"

typedef struct sf_top_row {
	size_t row;     /* store row */
	int32_t pair;
	uint8_t side;   /* SIDE_CHOSEN or SIDE_REJECTED */
	int32_t pos;
	float act;
	size_t ctx_begin, ctx_end; /* context rows [ctx_begin, ctx_end), same response */
} sf_top_row;

/* Up to n rows of (feature, side) in use under rows_mode, strongest first,
 * into out[n]; *n_out gets how many. *total (may be NULL) gets the number
 * of such rows. Contexts are at most `window` tokens (>= 1). O(n) from the
 * index, plus the rows skipped when rows_mode filters. */
int top_rows(const sf_index *ix, const store *s, int feature, int side, int rows_mode,
             size_t n, int window, sf_top_row *out, size_t *n_out, size_t *total,
             sf_err *e);

/* Checks the calls of one (feature, side) share: the feature exists, the
 * side is chosen or rejected, the index is of this store. */
int top_check(const sf_index *ix, const store *s, int feature, int side, sf_err *e);
/* One output row for store row r with activation act and its context. */
void top_fill_row(sf_top_row *o, const store *s, size_t r, float act, int window);

/* Context rows of row r: [*begin, *end) within its response, at most
 * window tokens, centred on r where the response allows. */
void top_context(const store *s, size_t r, int window, size_t *begin, size_t *end);

/* The context as text: token bytes of [begin, end) concatenated into buf
 * (NUL-terminated, truncated to fit); hl_begin and hl_end (may be NULL) get
 * the byte range of row r inside buf. Returns the bytes written. */
size_t top_context_text(const store *s, size_t begin, size_t end, size_t r, char *buf,
                        size_t bufsz, size_t *hl_begin, size_t *hl_end);

/* Judge input (§5) for one feature over both sides' rows in use: contexts
 * grouped by the activating token's lower-cased (ASCII) text, at most
 * JUDGE_PER_TOKEN per token, strongest first; groups ordered by their
 * strongest context. "Distinct token texts" counts every row in use where
 * the feature fires; "contexts" counts the kept ones. */
enum { JUDGE_PER_TOKEN = 10, JUDGE_WINDOW = 128, JUDGE_MAX_TOKENS = 32, JUDGE_MIN_CONTEXTS = 5 };

typedef struct sf_judge_group {
	char *token;       /* lower-cased token text, NUL-terminated (raw bytes) */
	size_t n;          /* contexts kept, <= JUDGE_PER_TOKEN */
	sf_top_row ctx[JUDGE_PER_TOKEN];
} sf_judge_group;

typedef struct sf_judge_input {
	int feature;
	int dropped;            /* 1: > JUDGE_MAX_TOKENS texts or < JUDGE_MIN_CONTEXTS contexts */
	const char *why;        /* reason when dropped, else NULL */
	size_t n_texts;         /* distinct token texts */
	size_t n_contexts;      /* kept contexts, all groups */
	size_t n_groups;
	sf_judge_group *groups; /* [n_groups] (empty when dropped for too many texts) */
} sf_judge_input;

int top_judge_input(sf_judge_input *out, const sf_index *ix, const store *s, int feature,
                    int rows_mode, sf_err *e);
void top_judge_free(sf_judge_input *j);

#endif
