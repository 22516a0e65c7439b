/* Search as less and vim do it: a POSIX extended regular expression,
 * any case (REG_ICASE), `/` forward and `?` backward, n repeating the
 * last direction and N the other, and a wrap past either end said so.
 *
 * The owner says what an item's text is; the search steps over items
 * 0..n in the owner's order and tells whether it wrapped. Tables draw
 * the parts of their cells that match highlighted (widgets/table.h). */
#ifndef WIDGETS_SEARCH_H
#define WIDGETS_SEARCH_H

#include <regex.h>
#include <stddef.h>

enum { WSEARCH_MAX = 256 }; /* longest pattern kept */

typedef struct wsearch {
	char pat[WSEARCH_MAX]; /* as typed; "" when none */
	int dir;               /* of the last / (1) or ? (-1) */
	int compiled;
	regex_t re;
} wsearch;

/* Compile pat (searching in direction dir). 0, or -1 with the reason in
 * err (the search is then cleared). An empty pattern clears it. */
int wsearch_set(wsearch *s, const char *pat, int dir, char *err, size_t n);
void wsearch_clear(wsearch *s);
int wsearch_active(const wsearch *s);

/* First match in text[0..len) at or after byte from: 1 with [*so, *eo),
 * else 0. A match of nothing counts as none. */
int wsearch_find(const wsearch *s, const char *text, size_t len, size_t from, size_t *so,
                 size_t *eo);
static inline int wsearch_match(const wsearch *s, const char *text);

/* The next item from `from` for which hit(i, ctx) is true, going dir
 * (1, -1) over 0..n and wrapping; from itself is tried first when
 * include_from, last otherwise. -1 when none; *wrapped says whether the
 * step went past an end. */
long wsearch_step(size_t n, size_t from, int dir, int include_from,
                  int (*hit)(size_t i, void *ctx), void *ctx, int *wrapped);

static inline int wsearch_match(const wsearch *s, const char *text)
{
	size_t so, eo, len = 0;
	while (text && text[len])
		len++;
	return text && wsearch_find(s, text, len, 0, &so, &eo);
}

#endif
