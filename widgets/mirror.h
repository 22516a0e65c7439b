/* Two histograms over one x axis, mirrored: `up` grows up from the axis,
 * `down` grows down from it, on one count scale so that they compare by
 * height. The left margin labels the count scale (the largest count at
 * either end, 0 at the axis); the last line labels the x axis at the
 * caller's ticks. With down NULL, one histogram takes all the lines above
 * the axis. Block glyphs in a UTF-8 locale, ASCII otherwise.
 *
 *   1204 ┤   ▂▅█▇▃
 *      0 ┼──┴────┴────┴──
 *    310 ┤    ▀█▀
 *        0.1  1    10  activation (log scale)
 */
#ifndef WIDGETS_MIRROR_H
#define WIDGETS_MIRROR_H

#include <curses.h>

#include "widgets/widget.h"

typedef struct wmirror_tick {
	double at;         /* where along the axis, 0 (left edge) to 1 (right edge) */
	const char *label;
} wmirror_tick;

enum { WMIRROR_MARGIN = 7 }; /* columns of the count labels */

/* Draws into r (at least 4 lines and WMIRROR_MARGIN + 2 columns; less
 * draws nothing); bins are stretched or squeezed to the plot's width
 * (r.w - WMIRROR_MARGIN). xname names the x axis at the right end of
 * the labels' line (when the plot is at least twice as wide); tick labels
 * that would run into it or into each other are left out. */
void wmirror_draw(WINDOW *w, wrect r, const double *up, const double *down, int nbins,
                  attr_t up_attr, attr_t down_attr, const wmirror_tick *ticks, int nticks,
                  const char *xname);

/* The plot's width for a rect of width w (for callers that bin to it). */
int wmirror_plot_width(int w);

#endif
