/* Mirrored histograms with labelled axes (mirror.h). */
#include "widgets/mirror.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "widgets/draw.h"
#include "widgets/theme.h"

static const wchar_t up8[9] = { L' ', 0x2581, 0x2582, 0x2583, 0x2584,
                                0x2585, 0x2586, 0x2587, 0x2588 };

int wmirror_plot_width(int w)
{
	return w - WMIRROR_MARGIN > 0 ? w - WMIRROR_MARGIN : 0;
}

static void glyph(WINDOW *w, int y, int x, wchar_t wc, char ascii, attr_t a)
{
	wattr_set(w, a, PAIR_NUMBER(a), NULL);
	wmove(w, y, x);
	if (wdraw_utf8())
		waddnwstr(w, &wc, 1);
	else
		waddch(w, (chtype)ascii);
}

/* Bin of plot column c. */
static double bin_at(const double *v, int nbins, int c, int pw)
{
	return v[(long)c * nbins / pw];
}

/* "1204", "12.3k", "4.5M": a count in at most 6 columns. */
static void count_label(double v, char *buf, size_t n)
{
	if (v < 10000)
		snprintf(buf, n, "%.0f", v);
	else if (v < 1e6)
		snprintf(buf, n, "%.1fk", v / 1e3);
	else
		snprintf(buf, n, "%.1fM", v / 1e6);
}

void wmirror_draw(WINDOW *w, wrect r, const double *up, const double *down, int nbins,
                  attr_t up_attr, attr_t down_attr, const wmirror_tick *ticks, int nticks,
                  const char *xname)
{
	int pw = wmirror_plot_width(r.w);
	if (r.h < 4 || pw < 2 || nbins <= 0)
		return;
	/* bar lines above and below the axis */
	int hu = down ? (r.h - 2 + 1) / 2 : r.h - 2, hd = r.h - 2 - hu;
	int axis = r.y + hu, px = r.x + WMIRROR_MARGIN;
	double mx = 0;
	for (int b = 0; b < nbins; b++) {
		mx = up[b] > mx ? up[b] : mx;
		mx = down && down[b] > mx ? down[b] : mx;
	}
	char lab[16];
	attr_t dim = theme_attr(TH_DIM);
	count_label(mx, lab, sizeof lab);
	wdraw_fmt(w, r.y, r.x, WMIRROR_MARGIN, dim, "%5s ", lab);
	if (hd > 0)
		wdraw_fmt(w, axis + hd, r.x, WMIRROR_MARGIN, dim, "%5s ", lab);
	wdraw_fmt(w, axis, r.x, WMIRROR_MARGIN, dim, "%5s ", "0");
	for (int y = 0; y < hu + 1 + hd; y++)
		glyph(w, r.y + y, px - 1, y == hu ? 0x253c : 0x2502, y == hu ? '+' : '|', dim);
	for (int c = 0; c < pw; c++) {
		double fu = mx > 0 ? bin_at(up, nbins, c, pw) / mx : 0;
		double fd = mx > 0 && down ? bin_at(down, nbins, c, pw) / mx : 0;
		/* eighths up, halves down (the glyphs there are); a non-empty bin
		 * shows at least its smallest step */
		int uu = (int)lround(fu * hu * 8), ud = (int)lround(fd * hd * 2);
		if (fu > 0 && !uu)
			uu = 1;
		if (fd > 0 && !ud && hd)
			ud = 1;
		for (int y = 0; y < hu; y++) {
			int level = uu - (hu - 1 - y) * 8;
			level = level < 0 ? 0 : level > 8 ? 8 : level;
			glyph(w, r.y + y, px + c, up8[level], " ..__--=##"[level], up_attr);
		}
		glyph(w, axis, px + c, 0x2500, '-', dim);
		for (int y = 0; y < hd; y++) {
			int level = ud - y * 2;
			level = level < 0 ? 0 : level > 2 ? 2 : level;
			glyph(w, axis + 1 + y, px + c, level == 2 ? 0x2588 : level ? 0x2580 : L' ',
			      level == 2 ? '#' : level ? '"' : ' ', down_attr);
		}
	}
	/* ticks on the axis and their labels on the last line */
	int ly = r.y + r.h - 1, used = 0;
	/* the axis name at the right end, when the plot leaves room for it */
	int nx = xname ? r.x + r.w - (int)strlen(xname) : r.x + r.w;
	if (nx < px + pw / 2)
		nx = r.x + r.w;
	wmove(w, ly, r.x);
	wclrtoeol(w);
	for (int t = 0; t < nticks; t++) {
		int c = (int)lround(ticks[t].at * (pw - 1));
		if (c < 0 || c >= pw)
			continue;
		glyph(w, axis, px + c, 0x253c, '+', dim);
		int len = (int)strlen(ticks[t].label), x0 = px + c - len / 2;
		if (x0 < px)
			x0 = px;
		if (x0 < used + 1 && t)
			continue; /* would overlap the previous label */
		if (x0 + len > nx - 1)
			continue;
		wdraw_str(w, ly, x0, len, ticks[t].label, dim);
		used = x0 + len;
	}
	if (nx < r.x + r.w)
		wdraw_str(w, ly, nx, r.x + r.w - nx, xname, dim);
	wattr_set(w, A_NORMAL, 0, NULL);
}
