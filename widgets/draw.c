#include "widgets/draw.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "engine/base/textsafe.h"

int wdraw_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

/* Width of one code point as drawn: unprintable ones become U+FFFD. */
static int cp_width(long cp, wchar_t *wc)
{
	*wc = (wchar_t)cp;
	int cw = wcwidth(*wc);
	if (cw < 0) {
		*wc = 0xFFFD;
		cw = 1;
	}
	return cw;
}

int wdraw_width(const char *s, size_t len)
{
	int w = 0;
	size_t i = 0;
	while (i < len) {
		long cp;
		wchar_t wc;
		i += (size_t)textsafe_decode((const unsigned char *)s + i, len - i, &cp);
		w += cp < 0 ? 1 : cp_width(cp, &wc);
	}
	return w;
}

int wdraw_safe(WINDOW *w, int y, int x, int maxw, const char *s, size_t len, attr_t attr)
{
	int used = 0;
	size_t i = 0;
	if (maxw <= 0)
		return 0;
	wmove(w, y, x);
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	while (i < len) {
		long cp;
		wchar_t wc;
		i += (size_t)textsafe_decode((const unsigned char *)s + i, len - i, &cp);
		int cw = cp < 0 ? 1 : cp_width(cp, &wc);
		if (cp < 0)
			wc = 0xFFFD;
		else if (cp == '\n') /* one line: a newline as the token view shows it */
			wc = wdraw_utf8() ? 0x21B5 : '|';
		else if (cp == '\t')
			wc = ' ';
		if (cw == 0 && used == 0)
			continue; /* a combining mark with nothing to join */
		if (used + cw > maxw)
			break;
		if (!wdraw_utf8() && wc > 0x7E) {
			waddch(w, '?');
			used += 1;
			continue;
		}
		waddnwstr(w, &wc, 1);
		used += cw;
	}
	wattr_set(w, A_NORMAL, 0, NULL);
	return used;
}

int wdraw_text(WINDOW *w, int y, int x, int maxw, const char *s, size_t len, attr_t attr)
{
	if (maxw <= 0)
		return 0;
	/* Only the prefix that can fit matters: 4 bytes per column is more
	 * than any code point needs, and keeps huge texts cheap to draw. */
	size_t cap = (size_t)maxw * 4 + 8;
	if (len > cap)
		len = cap;
	char *safe = textsafe_dup(s, len, TEXTSAFE_KEEP_NL | TEXTSAFE_KEEP_TAB);
	if (!safe)
		return 0;
	int used = wdraw_safe(w, y, x, maxw, safe, strlen(safe), attr);
	free(safe);
	return used;
}

int wdraw_text_width(const char *s, size_t len, int cap)
{
	size_t lim = (size_t)(cap > 0 ? cap : 0) * 4 + 8;
	char *safe = textsafe_dup(s, len < lim ? len : lim, TEXTSAFE_KEEP_NL | TEXTSAFE_KEEP_TAB);
	if (!safe)
		return 0;
	int tw = wdraw_width(safe, strlen(safe));
	free(safe);
	return tw;
}

int wdraw_cut(WINDOW *w, int y, int x, int maxw, const char *s, size_t len, attr_t attr)
{
	if (maxw <= 0)
		return 0;
	if (wdraw_text_width(s, len, maxw + 1) <= maxw)
		return wdraw_text(w, y, x, maxw, s, len, attr);
	int used = wdraw_text(w, y, x, maxw - 1, s, len, attr);
	return used + wdraw_str(w, y, x + used, 1, wdraw_utf8() ? "\u2026" : ">", attr);
}

int wdraw_fmt(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	return wdraw_text(w, y, x, maxw, buf, (size_t)n, attr);
}

int wdraw_right(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr)
{
	char *safe = textsafe_dup(s, strlen(s), 0);
	if (!safe)
		return 0;
	int tw = wdraw_width(safe, strlen(safe));
	int off = tw < maxw ? maxw - tw : 0;
	int used = wdraw_safe(w, y, x + off, maxw - off, safe, strlen(safe), attr);
	free(safe);
	return used;
}

void wdraw_fill(WINDOW *w, wrect r, attr_t attr)
{
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	for (int i = 0; i < r.h; i++) {
		wmove(w, r.y + i, r.x);
		for (int j = 0; j < r.w; j++)
			waddch(w, ' ');
	}
	wattr_set(w, A_NORMAL, 0, NULL);
}

void wdraw_box(WINDOW *w, wrect r, const char *title, attr_t border, attr_t title_attr)
{
	if (r.h < 2 || r.w < 2)
		return;
	wattr_set(w, border, PAIR_NUMBER(border), NULL);
	mvwaddch(w, r.y, r.x, ACS_ULCORNER);
	mvwhline(w, r.y, r.x + 1, ACS_HLINE, r.w - 2);
	mvwaddch(w, r.y, r.x + r.w - 1, ACS_URCORNER);
	mvwvline(w, r.y + 1, r.x, ACS_VLINE, r.h - 2);
	mvwvline(w, r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
	mvwaddch(w, r.y + r.h - 1, r.x, ACS_LLCORNER);
	mvwhline(w, r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
	mvwaddch(w, r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
	wattr_set(w, A_NORMAL, 0, NULL);
	if (title && *title && r.w > 4) {
		mvwaddch(w, r.y, r.x + 1, ' ');
		int n = wdraw_str(w, r.y, r.x + 2, r.w - 4, title, title_attr);
		if (r.x + 2 + n < r.x + r.w - 1)
			mvwaddch(w, r.y, r.x + 2 + n, ' ');
	}
}
