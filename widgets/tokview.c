#include "widgets/tokview.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "widgets/draw.h"
#include "engine/base/textsafe.h"
#include "widgets/theme.h"

/* Layout walks cells: one call per code point of the safe text with its
 * width. A sink either counts lines or draws. */
struct cursor {
	WINDOW *w;
	wrect r;
	int first;     /* first wrapped line to show */
	int line, col; /* position in wrapped coordinates */
	int draw;
	int flags;
};

static void newline(struct cursor *c)
{
	c->line++;
	c->col = 0;
}

static void put_cell(struct cursor *c, wchar_t wc, int cw, attr_t a)
{
	if (cw > c->r.w)
		return;
	if (c->col + cw > c->r.w)
		newline(c);
	if (c->draw && c->line >= c->first && c->line < c->first + c->r.h) {
		int y = c->r.y + c->line - c->first;
		wattr_set(c->w, a, PAIR_NUMBER(a), NULL);
		if (cw == 0) {
			/* combining mark: joins the cell before it */
			if (c->col > 0)
				waddnwstr(c->w, &wc, 1);
		} else {
			wmove(c->w, y, c->r.x + c->col);
			if (!wdraw_utf8() && wc > 0x7E)
				waddch(c->w, '?');
			else
				waddnwstr(c->w, &wc, 1);
		}
	}
	c->col += cw;
}

static attr_t tok_attr(const wtok *t)
{
	if (t->mark)
		return theme_attr(TH_MARK);
	return theme_heat(t->heat);
}

/* Columns of safe text up to its first newline (as laid out). */
static int run_width(const unsigned char *s, size_t len)
{
	int w = 0;
	size_t i = 0;
	while (i < len) {
		long cp;
		i += (size_t)textsafe_decode(s + i, len - i, &cp);
		if (cp == '\n')
			break;
		int cw = cp == '\t' ? 1 : wcwidth((wchar_t)cp);
		w += cw < 0 ? 1 : cw;
	}
	return w;
}

static void lay_token(struct cursor *c, const wtok *t)
{
	char *safe = textsafe_dup(t->s, t->len, TEXTSAFE_KEEP_NL | TEXTSAFE_KEEP_TAB);
	if (!safe)
		return;
	attr_t a = tok_attr(t);
	const unsigned char *s = (const unsigned char *)safe;
	size_t len = strlen(safe), i = 0;
	if (c->flags & WTOK_WORDS) {
		/* A token that fits on a line is not split: wrap before it. */
		int tw = run_width(s, len);
		if (c->col > 0 && tw <= c->r.w && c->col + tw > c->r.w)
			newline(c);
	}
	while (i < len) {
		long cp;
		i += (size_t)textsafe_decode(s + i, len - i, &cp);
		if (cp == '\n') {
			put_cell(c, wdraw_utf8() ? 0x21B5 : '|', 1, a);
			if (c->flags & WTOK_BREAK_NL)
				newline(c);
			continue;
		}
		if (cp == '\t')
			cp = ' ';
		wchar_t wc = (wchar_t)cp;
		int cw = wcwidth(wc);
		if (cw < 0) {
			wc = 0xFFFD;
			cw = 1;
		}
		put_cell(c, wc, cw, a);
	}
	free(safe);
}

static int layout(WINDOW *w, wrect r, const wtok *toks, size_t n, int first, int flags,
                  int draw)
{
	struct cursor c = { w, r, first, 0, 0, draw, flags };
	if (r.w <= 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		lay_token(&c, &toks[i]);
	if (draw)
		wattr_set(w, A_NORMAL, 0, NULL);
	return c.line + 1;
}

int wtok_lines(const wtok *toks, size_t n, int width, int flags)
{
	return layout(NULL, wrect_make(0, 0, 0, width), toks, n, 0, flags, 0);
}

int wtok_draw(WINDOW *w, wrect r, const wtok *toks, size_t n, int first, int flags)
{
	return layout(w, r, toks, n, first, flags, 1);
}

/* Display width of one token as wtok_draw_line shows it. */
static int tok_width(const wtok *t)
{
	char *safe = textsafe_dup(t->s, t->len, 0);
	if (!safe)
		return 0;
	/* newline shows as one arrow, and textsafe made it "^J" (2 columns) */
	int wdt = wdraw_width(safe, strlen(safe));
	for (size_t i = 0; i < t->len; i++)
		if (t->s[i] == '\n')
			wdt--;
	free(safe);
	return wdt;
}

void wtok_draw_line(WINDOW *w, int y, int x, int maxw, const wtok *toks, size_t n)
{
	if (maxw <= 2 || !n)
		return;
	size_t mark = 0;
	for (size_t i = 0; i < n; i++)
		if (toks[i].mark) {
			mark = i;
			break;
		}
	/* Walk back from the mark while the text before it fits in a third
	 * of the line (two thirds when the mark is near the end). */
	int before = 0, budget = maxw / 3;
	int after = 0;
	for (size_t i = mark; i < n && after <= maxw; i++)
		after += tok_width(&toks[i]);
	if (after < maxw * 2 / 3)
		budget = maxw - after - 1;
	size_t start = mark;
	while (start > 0) {
		int tw = tok_width(&toks[start - 1]);
		if (before + tw > budget)
			break;
		before += tw;
		start--;
	}
	const char *ell = wdraw_utf8() ? "…" : "~";
	int col = 0;
	if (start > 0)
		col += wdraw_safe(w, y, x, 1, ell, strlen(ell), theme_attr(TH_DIM));
	struct cursor c = { w, wrect_make(y, x + col, 1, maxw - col - 1), 0, 0, 0, 1, 0 };
	size_t i;
	for (i = start; i < n; i++) {
		if (c.line > 0)
			break;
		lay_token(&c, &toks[i]);
	}
	wattr_set(w, A_NORMAL, 0, NULL);
	if (i < n || c.line > 0)
		wdraw_safe(w, y, x + maxw - 1, 1, ell, strlen(ell), theme_attr(TH_DIM));
}
