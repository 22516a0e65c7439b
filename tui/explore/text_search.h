/* The Features table's token-text mode: the features that fire on the
 * rows whose token text contains a text (engine/analysis/search.h), over
 * every token row (a sentence-end row's token is its punctuation), in
 * the order of their total activation there. */
#ifndef TUI_EXPLORE_TEXT_SEARCH_H
#define TUI_EXPLORE_TEXT_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "engine/analysis/search.h"
#include "tui/explore/explore.h"

typedef struct xtext_search {
	char text[SEARCH_MAX_TEXT + 1]; /* "" when the mode is off */
	sf_search_hit *hits;
	size_t n;
	uint64_t rows; /* rows that matched */
} xtext_search;

/* Search m's latents for text (the mode on, even with no hit); -1 with a
 * message in e when the latents are not there or text is too long. */
int xts_run(const xmodel *m, xtext_search *t, const char *text, sf_err *e);
void xts_clear(xtext_search *t);

#endif
