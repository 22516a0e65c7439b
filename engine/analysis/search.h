/* Features that fire where a text occurs: over the rows in use whose token
 * text contains TEXT (ASCII letters compared without case, other bytes as
 * they are), per feature the rows it fires on and its total activation
 * there; listed by total, descending, ties by feature id.
 *
 * One pass over the rows' token texts, then the k entries of each
 * matching row (entries with val <= 0 are unused slots). */
#ifndef ENGINE_ANALYSIS_SEARCH_H
#define ENGINE_ANALYSIS_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/formats/store.h"

typedef struct sf_search_hit {
	int feature;
	uint64_t rows;
	double total;
} sf_search_hit;

enum { SEARCH_MAX_TEXT = 1024 };

/* side: SIDE_CHOSEN, SIDE_REJECTED, or 0 for both. idx/val [N, k] the
 * latents of s's rows, every idx < m. *out (freed by the caller) gets
 * every feature that fires on a matching row, *n_out how many;
 * *rows_matched (may be NULL) the matching rows in use. */
int search_text(const store *s, const uint32_t *idx, const float *val, int k,
                const uint64_t *off, int m,
                const char *text, int side, int rows_mode, sf_search_hit **out,
                size_t *n_out, uint64_t *rows_matched, sf_err *e);

/* 1 when hay[0..n) contains needle (NUL-terminated, already lower-case
 * ASCII), comparing ASCII letters without case. */
int search_contains(const char *hay, size_t n, const char *needle, size_t nlen);

#endif
