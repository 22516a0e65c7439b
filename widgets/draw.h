/* Drawing text that may come from a dataset.
 *
 * Everything a widget shows passes through wdraw_text, which makes it safe
 * with textsafe (control characters as ^[, invalid UTF-8 as U+FFFD) and
 * lays it out by display width (wcwidth), so wide characters never
 * overflow a column and a dataset cannot drive the terminal. */
#ifndef WIDGETS_DRAW_H
#define WIDGETS_DRAW_H

#include <curses.h>
#include <stddef.h>

#include "widgets/widget.h"

/* Non-zero when the locale can show UTF-8 (block and box glyphs); else
 * widgets fall back to ASCII. */
int wdraw_utf8(void);

/* Display width of an already-safe UTF-8 string (unprintable code points
 * count 1: they are drawn as U+FFFD). */
int wdraw_width(const char *s, size_t len);

/* Draw safe UTF-8 s[0..len) at (y, x), at most maxw columns, with attr.
 * Returns the columns used. A wide character that would straddle the edge
 * is not drawn. Combining marks join the previous cell. A newline shows
 * as ↵ ('|' without UTF-8) as in the token view, a tab as a blank. */
int wdraw_safe(WINDOW *w, int y, int x, int maxw, const char *s, size_t len, attr_t attr);

/* The same for untrusted bytes: textsafe first (other control characters
 * in caret form). */
int wdraw_text(WINDOW *w, int y, int x, int maxw, const char *s, size_t len, attr_t attr);
static inline int wdraw_str(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr);

/* As wdraw_text, but a text wider than maxw ends in … ('>' without
 * UTF-8) in the last column, so a cut never looks like the whole. */
int wdraw_cut(WINDOW *w, int y, int x, int maxw, const char *s, size_t len, attr_t attr);
/* Display width of untrusted bytes as wdraw_text draws them (up to cap columns). */
int wdraw_text_width(const char *s, size_t len, int cap);

/* printf into the window, through textsafe, clipped to maxw. */
int wdraw_fmt(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Right-align: draw so the text ends at column x+maxw-1. */
int wdraw_right(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr);

/* Fill a rectangle with spaces in attr. */
void wdraw_fill(WINDOW *w, wrect r, attr_t attr);

/* A box around r with a title in its top border (title made safe). */
void wdraw_box(WINDOW *w, wrect r, const char *title, attr_t border, attr_t title_attr);

static inline int wdraw_str(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr)
{
	size_t n = 0;
	while (s && s[n])
		n++;
	return wdraw_text(w, y, x, maxw, s ? s : "", n, attr);
}

#endif
