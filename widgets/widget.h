/* What every widget shares: a rectangle to draw in and the flags a key
 * handler returns.
 *
 * Widgets draw into the window they are given, inside the rectangle they
 * are given, and never look at program state: whoever owns them passes the
 * data in. A key handler returns a set of WF_* flags instead of acting on
 * globals; keys it does not know come back as WF_IGNORED so the owner can
 * try its own bindings (htop's Panel / ScreenManager split). */
#ifndef WIDGETS_WIDGET_H
#define WIDGETS_WIDGET_H

typedef struct wrect {
	int y, x, h, w;
} wrect;

enum {
	WF_IGNORED = 0,     /* not mine: try the next handler */
	WF_HANDLED = 1 << 0,
	WF_REDRAW = 1 << 1, /* something on screen changed */
	WF_QUIT = 1 << 2,   /* leave (the screen, or the program at top level) */
	WF_RESIZE = 1 << 3, /* re-run layout */
	WF_SORT = 1 << 4,   /* the table's sort column or direction changed */
	WF_SELECT = 1 << 5, /* the selected item changed */
	WF_ACCEPT = 1 << 6, /* Enter on an item / a line entered / dialog yes */
	WF_CANCEL = 1 << 7, /* Esc / dialog no */
};

static inline wrect wrect_make(int y, int x, int h, int w)
{
	wrect r = { y, x, h < 0 ? 0 : h, w < 0 ? 0 : w };
	return r;
}

/* Split r into a left part of width lw and the rest (a column of gap between). */
static inline void wrect_split_h(wrect r, int lw, int gap, wrect *a, wrect *b)
{
	if (lw > r.w)
		lw = r.w;
	*a = wrect_make(r.y, r.x, r.h, lw);
	*b = wrect_make(r.y, r.x + lw + gap, r.h, r.w - lw - gap);
}

/* Split r into a top part of height th and the rest. */
static inline void wrect_split_v(wrect r, int th, int gap, wrect *a, wrect *b)
{
	if (th > r.h)
		th = r.h;
	*a = wrect_make(r.y, r.x, th, r.w);
	*b = wrect_make(r.y + th + gap, r.x, r.h - th - gap, r.w);
}

#endif
