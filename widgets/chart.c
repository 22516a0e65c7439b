#include "widgets/chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "widgets/draw.h"
#include "widgets/theme.h"

static const wchar_t eighths[9] = { L' ', 0x2581, 0x2582, 0x2583, 0x2584,
                                    0x2585, 0x2586, 0x2587, 0x2588 };
static const char ascii_eighths[9] = { ' ', '.', '.', '_', '-', '-', '=', '#', '#' };

static void put_level(WINDOW *w, int level, attr_t a)
{
	wattr_set(w, a, PAIR_NUMBER(a), NULL);
	if (level < 0)
		level = 0;
	if (level > 8)
		level = 8;
	if (wdraw_utf8())
		waddnwstr(w, &eighths[level], 1);
	else
		waddch(w, (chtype)ascii_eighths[level]);
}

double wchart_bin(const float *v, size_t n, double lo, double hi, double *bins, int nbins)
{
	double mx = 0;
	for (int b = 0; b < nbins; b++)
		bins[b] = 0;
	if (nbins <= 0)
		return 0;
	double span = hi > lo ? hi - lo : 1;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		int b = (int)((v[i] - lo) / span * nbins);
		if (b < 0)
			b = 0;
		if (b >= nbins)
			b = nbins - 1;
		bins[b] += 1;
	}
	for (int b = 0; b < nbins; b++)
		if (bins[b] > mx)
			mx = bins[b];
	return mx;
}

void whist_draw(WINDOW *w, wrect r, const double *bins, int nbins, attr_t attr)
{
	if (r.h <= 0 || r.w <= 0 || nbins <= 0)
		return;
	double mx = 0;
	for (int b = 0; b < nbins; b++)
		if (bins[b] > mx)
			mx = bins[b];
	for (int col = 0; col < r.w; col++) {
		int b = (int)((long)col * nbins / r.w);
		double frac = mx > 0 ? bins[b] / mx : 0;
		/* eighths of the full height; a non-empty bin shows at least one */
		int units = (int)lround(frac * r.h * 8);
		if (bins[b] > 0 && units == 0)
			units = 1;
		for (int row = 0; row < r.h; row++) {
			int from_bottom = r.h - 1 - row;
			int level = units - from_bottom * 8;
			wmove(w, r.y + row, r.x + col);
			put_level(w, level, attr);
		}
	}
	wattr_set(w, A_NORMAL, 0, NULL);
}

void wspark_draw(WINDOW *w, int y, int x, int maxw, const double *v, size_t n, attr_t attr)
{
	if (maxw <= 0 || !n)
		return;
	size_t from = n > (size_t)maxw ? n - (size_t)maxw : 0;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = from; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	wmove(w, y, x);
	for (size_t i = from; i < n; i++) {
		int level = 1;
		if (!isfinite(v[i]))
			level = 0;
		else if (hi > lo)
			level = 1 + (int)lround((v[i] - lo) / (hi - lo) * 7);
		put_level(w, level, attr);
	}
	wattr_set(w, A_NORMAL, 0, NULL);
}

void whbar_draw(WINDOW *w, int y, int x, int maxw, double frac, attr_t attr)
{
	if (maxw <= 0)
		return;
	if (!(frac > 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	int units = (int)lround(frac * maxw * 8);
	wmove(w, y, x);
	for (int i = 0; i < maxw; i++) {
		int level = units - i * 8;
		if (level >= 8 || (!wdraw_utf8() && level >= 4)) {
			put_level(w, 8, attr);
		} else if (level > 0 && wdraw_utf8()) {
			/* left eighth blocks U+258F..U+2589 grow from the left */
			wchar_t wc = (wchar_t)(0x2590 - level);
			wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
			waddnwstr(w, &wc, 1);
		} else {
			attr_t dim = theme_attr(TH_DIM);
			wattr_set(w, dim, PAIR_NUMBER(dim), NULL);
			if (wdraw_utf8()) {
				wchar_t wc = 0x2591; /* light shade */
				waddnwstr(w, &wc, 1);
			} else {
				waddch(w, '.');
			}
		}
	}
	wattr_set(w, A_NORMAL, 0, NULL);
}

void wprogress_draw(WINDOW *w, int y, int x, int maxw, double frac, const char *label)
{
	char pct[16];
	if (!(frac > 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	snprintf(pct, sizeof pct, " %3d%% ", (int)(frac * 100));
	int barw = maxw / 2;
	if (barw > 40)
		barw = 40;
	if (barw < 4)
		barw = maxw - 6 > 0 ? maxw - 6 : 0;
	int col = 0;
	if (barw > 2) {
		wdraw_safe(w, y, x, 1, "[", 1, theme_attr(TH_NORMAL));
		whbar_draw(w, y, x + 1, barw - 2, frac, theme_attr(TH_BAR));
		wdraw_safe(w, y, x + barw - 1, 1, "]", 1, theme_attr(TH_NORMAL));
		col = barw;
	}
	col += wdraw_safe(w, y, x + col, maxw - col, pct, strlen(pct), theme_attr(TH_NORMAL));
	if (label)
		wdraw_str(w, y, x + col, maxw - col, label, theme_attr(TH_NORMAL));
}

void wsbar_draw(WINDOW *w, int y, int x, int maxw, double frac, attr_t pos, attr_t neg)
{
	if (maxw < 3)
		return;
	if (!(frac >= -1))
		frac = -1;
	if (frac > 1)
		frac = 1;
	int half = (maxw - 1) / 2, cells = (int)lround(fabs(frac) * half);
	if (cells == 0 && frac != 0)
		cells = 1; /* a contribution is never drawn as none */
	attr_t dim = theme_attr(TH_DIM);
	for (int i = 0; i < 2 * half + 1; i++) {
		int d = i - half; /* cells from the centre */
		wmove(w, y, x + i);
		if (d == 0) {
			wattr_set(w, dim, PAIR_NUMBER(dim), NULL);
			if (wdraw_utf8()) {
				wchar_t wc = 0x2502; /* box drawings light vertical */
				waddnwstr(w, &wc, 1);
			} else {
				waddch(w, '|');
			}
		} else if ((frac > 0 && d > 0 && d <= cells) || (frac < 0 && d < 0 && -d <= cells)) {
			put_level(w, 8, frac > 0 ? pos : neg);
		} else {
			wattr_set(w, A_NORMAL, 0, NULL);
			waddch(w, ' ');
		}
	}
	wattr_set(w, A_NORMAL, 0, NULL);
}
