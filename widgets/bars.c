#include "widgets/bars.h"

#include <stdio.h>
#include <string.h>

#include "widgets/draw.h"
#include "widgets/theme.h"

void wstatus_draw(WINDOW *w, int y, int x, int maxw, const char *text, attr_t attr)
{
	wdraw_fill(w, wrect_make(y, x, 1, maxw), attr);
	/* a line cut at the edge ends in …, so it never looks whole */
	wdraw_cut(w, y, x, maxw, text ? text : "", text ? strlen(text) : 0, attr);
}

/* Each entry is " KEY desc " with the key bold; entries that do not fit
 * whole are left out. */
static int entry_width(const wkey *k)
{
	return 1 + (int)strlen(k->key) + 1 + (int)strlen(k->desc) + 1;
}

void wkeybar_draw(WINDOW *w, int y, int x, int maxw, const wkey *keys, int n)
{
	wdraw_fill(w, wrect_make(y, x, 1, maxw), theme_attr(TH_KEYDESC));
	int col = 0;
	for (int i = 0; i < n; i++) {
		int ew = entry_width(&keys[i]);
		if (col + ew > maxw)
			break;
		col += wdraw_fmt(w, y, x + col, maxw - col, theme_attr(TH_KEY), " %s", keys[i].key);
		col += wdraw_fmt(w, y, x + col, maxw - col, theme_attr(TH_KEYDESC), " %s ", keys[i].desc);
	}
}

int wkeybar_hit(const wkey *keys, int n, int x, int maxw, int cx)
{
	int col = 0;
	for (int i = 0; i < n; i++) {
		int ew = entry_width(&keys[i]);
		if (col + ew > maxw)
			break;
		if (cx >= x + col && cx < x + col + ew)
			return i;
		col += ew;
	}
	return -1;
}

int wkeybar_code(const wkey *keys, int n, int x, int maxw, int cx)
{
	int i = wkeybar_hit(keys, n, x, maxw, cx);
	return i < 0 ? 0 : keys[i].code;
}

void wdialog_open(wdialog *d, const char *title, const char *msg)
{
	d->title = title;
	d->msg = msg;
	d->active = 1;
}

/* Code points in s[0..n) (the width of ASCII and most text). */
static int cps(const char *s, size_t n)
{
	int c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* The message wrapped at blanks into lines of at most w columns; returns
 * the number of lines (at most max), their starts and lengths. */
static int wrap(const char *msg, int w, int max, const char **start, size_t *len)
{
	int n = 0;
	const char *s = msg;
	while (*s && n < max) {
		size_t l = strlen(s), cut = l;
		if (cps(s, l) > w) {
			cut = 0;
			for (size_t i = 0; i < l && cps(s, i) <= w; i++)
				if (s[i] == ' ')
					cut = i;
			if (!cut) /* one long word: cut it */
				for (cut = 0; cut < l && cps(s, cut + 1) <= w; cut++)
					;
		}
		start[n] = s;
		len[n++] = cut;
		s += cut;
		while (*s == ' ')
			s++;
	}
	return n;
}

void wdialog_draw(WINDOW *w, wrect r, const wdialog *d)
{
	enum { MAXL = 6 };
	if (!d->active)
		return;
	int mw = cps(d->msg, strlen(d->msg)) + 4;
	int bw = mw < 24 ? 24 : mw;
	if (bw > r.w - 2)
		bw = r.w - 2;
	const char *start[MAXL];
	size_t len[MAXL];
	int nl = wrap(d->msg, bw - 4 > 1 ? bw - 4 : 1, MAXL, start, len);
	int bh = nl + 4;
	wrect b = wrect_make(r.y + (r.h - bh) / 2, r.x + (r.w - bw) / 2, bh, bw);
	attr_t a = theme_attr(TH_DIALOG);
	wdraw_fill(w, b, a);
	wdraw_box(w, b, d->title, a, a | A_BOLD);
	for (int i = 0; i < nl; i++)
		wdraw_text(w, b.y + 1 + i, b.x + 2, b.w - 4, start[i], len[i], a);
	wdraw_str(w, b.y + bh - 2, b.x + 2, b.w - 4, "[y]es   [n]o", a | A_BOLD);
}

int wdialog_key(wdialog *d, int key)
{
	if (!d->active)
		return WF_IGNORED;
	switch (key) {
	case 'y': case 'Y': case '\n': case '\r': case KEY_ENTER:
		d->active = 0;
		return WF_HANDLED | WF_REDRAW | WF_ACCEPT;
	case 'n': case 'N': case 27: case 'q':
		d->active = 0;
		return WF_HANDLED | WF_REDRAW | WF_CANCEL;
	case KEY_RESIZE:
		return WF_IGNORED;
	default:
		return WF_HANDLED;
	}
}

void wlayout_screen(int lines, int cols, wlayout *out)
{
	memset(out, 0, sizeof *out);
	out->small = lines < WLAYOUT_MIN_H || cols < WLAYOUT_MIN_W;
	out->title = wrect_make(0, 0, 1, cols);
	out->keys = wrect_make(lines - 1, 0, 1, cols);
	out->status = wrect_make(lines - 2, 0, 1, cols);
	out->body = wrect_make(1, 0, out->small ? 0 : lines - 3, cols);
}

int wlayout_panes(wrect r, int n, int min_w, wrect *out)
{
	if (n <= 0)
		return 0;
	if (r.w >= n * min_w) {
		int x = r.x;
		for (int i = 0; i < n; i++) {
			int wdt = (r.w - (x - r.x)) / (n - i);
			out[i] = wrect_make(r.y, x, r.h, wdt);
			x += wdt;
		}
		return 1;
	}
	int y = r.y;
	for (int i = 0; i < n; i++) {
		int ht = (r.h - (y - r.y)) / (n - i);
		out[i] = wrect_make(y, r.x, ht, r.w);
		y += ht;
	}
	return 0;
}

void wlayout_small(WINDOW *w, int lines, int cols)
{
	char msg[96];
	werase(w);
	snprintf(msg, sizeof msg, "Terminal too small: %dx%d, need %dx%d", cols, lines,
	         WLAYOUT_MIN_W, WLAYOUT_MIN_H);
	int y = lines / 2, x = 0;
	int len = (int)strlen(msg);
	if (len < cols)
		x = (cols - len) / 2;
	wdraw_str(w, y > 0 ? y : 0, x, cols - x, msg, theme_attr(TH_ERROR));
}
