/* The Pair screen's reward attribution bars: see pair_attrib.h. */
#include "tui/explore/pair_attrib.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "widgets/chart.h"
#include "widgets/draw.h"
#include "widgets/theme.h"

static int listed(const xattrib *x) { return x->a.n < XATTRIB_TOP ? (int)x->a.n : XATTRIB_TOP; }

int xattrib_rows(const xattrib *x) { return x->has ? listed(x) + 1 : 0; }

void xattrib_sync(xattrib *x, xmodel *m, size_t p)
{
	unsigned long g = xm_gen(m, XG_DATA);
	if (x->has && x->pair == p && x->seen == g)
		return;
	if (!x->has && x->err[0] && x->pair == p && x->seen == g)
		return; /* said once for this pair and data */
	attrib_free(&x->a);
	x->has = 0;
	x->sel = x->top = 0;
	if (!m->ef || !m->l) {
		snprintf(x->err, sizeof x->err, "%s", m->reward_err[0] ? m->reward_err
		         : "the reward effects come with the index (loading)");
		return; /* tried again when they come: XG_DATA changes then */
	}
	if (app_busy(m->a)) {
		snprintf(x->err, sizeof x->err, "computing...");
		return;
	}
	x->pair = p;
	x->seen = g;
	sf_err e;
	if (session_explain(m->sess, p, &x->a, &e)) {
		snprintf(x->err, sizeof x->err, "%s", e.msg);
		return;
	}
	x->has = 1;
	x->err[0] = '\0';
}

void xattrib_draw(xattrib *x, const xmodel *m, wrect r, int focused)
{
	char title[200] = "reward attribution";
	const sf_head *h = NULL;
	sf_err e;
	if (x->has && session_head(m->sess, &h, &e) == 0)
		snprintf(title, sizeof title, "reward attribution · margin %+.4f (%s head) · "
		         "← rejected │ chosen →", x->a.margin, head_kind_name(h->kind));
	wdraw_box(stdscr, r, title, theme_attr(TH_BORDER),
	          theme_attr(focused ? TH_SELECTED : TH_NORMAL) | A_BOLD);
	wrect in = wrect_make(r.y + 1, r.x + 1, r.h - 2, r.w - 2);
	if (!x->has) {
		wdraw_str(stdscr, in.y, in.x + 1, in.w - 2, x->err, theme_attr(TH_DIM));
		return;
	}
	int n = xattrib_rows(x), nl = listed(x);
	if (x->sel >= n)
		x->sel = n - 1;
	if (x->sel < x->top)
		x->top = x->sel;
	if (x->sel >= x->top + in.h)
		x->top = x->sel - in.h + 1;
	double scale = 0;
	for (int i = 0; i < nl; i++)
		scale = fmax(scale, fabs(x->a.c[i].value));
	double rest = attrib_rest(&x->a, (size_t)nl);
	if (!(scale > 0))
		scale = fabs(rest) > 0 ? fabs(rest) : 1;
	int namew = in.w >= 70 ? 24 : in.w >= 50 ? 12 : 0;
	for (int row = 0; row < in.h && x->top + row < n; row++) {
		int i = x->top + row, y = in.y + row;
		int sel = i == x->sel;
		attr_t base = sel ? theme_attr(focused ? TH_SELECTED : TH_SELECTED_DIM) : theme_attr(TH_NORMAL);
		wdraw_fill(stdscr, wrect_make(y, in.x, 1, in.w), base);
		double v = i < nl ? x->a.c[i].value : rest;
		char id[16];
		const char *name = "other features, offsets, reconstruction";
		if (i < nl) {
			const sf_label *lb = xm_label_of(m, x->a.c[i].feature);
			snprintf(id, sizeof id, "%d", x->a.c[i].feature);
			name = lb && lb->name[0] ? lb->name : "—";
		} else {
			snprintf(id, sizeof id, "residual");
		}
		int at = in.x + 1;
		wdraw_right(stdscr, y, at, 8, id, base | (i < nl ? 0 : theme_attr(TH_DIM)));
		at += 9;
		if (namew) {
			wdraw_str(stdscr, y, at, namew, name, base);
			at += namew + 1;
		}
		char num[32];
		snprintf(num, sizeof num, "%+.4f", v);
		wdraw_right(stdscr, y, at, 10, num, base | theme_attr(v >= 0 ? TH_POS : TH_NEG));
		at += 11;
		int barw = in.x + in.w - 1 - at;
		wsbar_draw(stdscr, y, at, barw, v / scale, theme_attr(TH_POS), theme_attr(TH_NEG));
	}
}

int xattrib_key(xattrib *x, xmodel *m, int key)
{
	int n = xattrib_rows(x);
	if (!n)
		return WF_IGNORED;
	switch (key) {
	case 'j': case KEY_DOWN: if (x->sel + 1 < n) x->sel++; return WF_HANDLED;
	case 'k': case KEY_UP: if (x->sel > 0) x->sel--; return WF_HANDLED;
	case 'g': case KEY_HOME: x->sel = 0; return WF_HANDLED;
	case 'G': case KEY_END: x->sel = n - 1; return WF_HANDLED;
	case '\n': case '\r': case KEY_ENTER:
		if (x->sel < listed(x))
			xm_open(m, XS_FEATURE, x->a.c[x->sel].feature);
		else
			app_msg(m->a, MSG_INFO, "the residual is no feature: the margin less the "
			        "features listed");
		return WF_HANDLED;
	}
	return WF_IGNORED;
}

void xattrib_free(xattrib *x)
{
	attrib_free(&x->a);
	x->has = 0;
}
