/* Small charts: histogram, sparkline, progress bar, horizontal bar.
 * Block glyphs in a UTF-8 locale, ASCII otherwise. */
#ifndef WIDGETS_CHART_H
#define WIDGETS_CHART_H

#include <curses.h>
#include <stddef.h>

#include "widgets/widget.h"

/* Counts into nbins equal bins over [lo, hi] (values outside are
 * clamped). Returns the largest count. */
double wchart_bin(const float *v, size_t n, double lo, double hi, double *bins, int nbins);

/* Vertical bars of bins[0..nbins) scaled to the largest, in r (one column
 * per bin, or stretched when r is wider). */
void whist_draw(WINDOW *w, wrect r, const double *bins, int nbins, attr_t attr);

/* One row: the last maxw values of v[0..n) as eighth-blocks, scaled
 * between their min and max. */
void wspark_draw(WINDOW *w, int y, int x, int maxw, const double *v, size_t n, attr_t attr);

/* [#####.....]  42%  label — frac in [0, 1]. */
void wprogress_draw(WINDOW *w, int y, int x, int maxw, double frac, const char *label);

/* A bar of frac * maxw cells (eighths in UTF-8), the rest shaded. */
void whbar_draw(WINDOW *w, int y, int x, int maxw, double frac, attr_t attr);

/* A signed bar around a centre mark (│, or | without UTF-8) in the middle
 * of maxw cells: frac in [-1, 1] of a half, to the right for frac > 0 (in
 * pos), to the left for frac < 0 (in neg), in whole cells. */
void wsbar_draw(WINDOW *w, int y, int x, int maxw, double frac, attr_t pos, attr_t neg);

#endif
