/* Token sequences with a per-token heat.
 *
 * A token is untrusted bytes plus a heat in [-1, 1] (how strongly the
 * feature fires there, already scaled by the caller; a signed score's
 * negative part shows in a second hue, see theme_heat) and a mark flag (the
 * activating token, drawn in reverse video whatever the colours). Text is
 * made safe token by token and laid out by display width: a wide
 * character never straddles the right edge, it moves to the next line. */
#ifndef WIDGETS_TOKVIEW_H
#define WIDGETS_TOKVIEW_H

#include <curses.h>
#include <stddef.h>

#include "widgets/widget.h"

typedef struct wtok {
	const char *s;
	size_t len;
	float heat;
	unsigned char mark;
} wtok;

enum {
	WTOK_BREAK_NL = 1, /* a newline in a token starts a new line (shown as ↵) */
	WTOK_WORDS = 2,    /* wrap between tokens when a token fits on a line */
};

/* Wrap toks into r starting at wrapped line `first`; returns the total
 * number of wrapped lines (to size a scroll). */
int wtok_draw(WINDOW *w, wrect r, const wtok *toks, size_t n, int first, int flags);
/* Lines the tokens need at width `width`. */
int wtok_lines(const wtok *toks, size_t n, int width, int flags);
/* One line of width maxw at (y, x), scrolled so the first marked token
 * sits about a third in, with "…" where text was cut. Newlines show as ↵. */
void wtok_draw_line(WINDOW *w, int y, int x, int maxw, const wtok *toks, size_t n);

#endif
