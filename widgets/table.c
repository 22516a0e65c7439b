#include "widgets/table.h"

#include <stdlib.h>
#include <string.h>

#include "widgets/draw.h"
#include "widgets/theme.h"

void wtable_init(wtable *t, const wtable_col *cols, int ncols, wtable_cell_fn cell, void *ctx)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
	t->cell = cell;
	t->ctx = ctx;
	t->sort_col = -1;
	t->focused = 1;
	t->border = 1;
	t->page = 10;
}

void wtable_set_rows(wtable *t, size_t nrows)
{
	t->nrows = nrows;
	if (t->sel >= nrows)
		t->sel = nrows ? nrows - 1 : 0;
	if (t->top > t->sel)
		t->top = t->sel;
}

static void scroll_into_view(wtable *t)
{
	size_t page = t->page > 0 ? (size_t)t->page : 1;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + page)
		t->top = t->sel - page + 1;
}

void wtable_select(wtable *t, size_t row)
{
	if (!t->nrows)
		return;
	t->sel = row < t->nrows ? row : t->nrows - 1;
	scroll_into_view(t);
}

/* Widths of the columns for a table of inner width w: fixed ones as
 * given, the flex column takes the rest. When they do not fit, the
 * droppable columns go (width 0) in their order until they do; what
 * still does not fit is cut at the edge. */
static void col_widths(const wtable *t, int w, int *out)
{
	int fixed = 0, flex = -1;
	for (int c = 0; c < t->ncols; c++) {
		out[c] = t->cols[c].width;
		if (t->cols[c].flex)
			flex = c;
		fixed += out[c] + 1;
	}
	for (int d = 1; t->drop && fixed - 1 > w; d++) {
		int any = 0;
		for (int c = 0; c < t->ncols; c++) {
			if (t->drop[c] > d)
				any = 1;
			if (t->drop[c] == d && out[c]) {
				fixed -= out[c] + 1;
				out[c] = 0;
			}
		}
		if (!any)
			break;
	}
	if (flex >= 0) {
		int rest = w - (fixed - t->cols[flex].width - 1);
		out[flex] = rest > t->cols[flex].width ? rest : t->cols[flex].width;
	}
}

static int inner(const wtable *t, wrect r, wrect *in)
{
	*in = t->border ? wrect_make(r.y + 1, r.x + 1, r.h - 2, r.w - 2) : r;
	return in->h > 1 && in->w > 0;
}

/* A cell's text, cut with … when too wide, the parts the search matches
 * in the mark attribute. */
static void draw_cell(WINDOW *w, int y, int x, int cw, const char *buf, attr_t a, int right,
                      const wsearch *hl)
{
	size_t len = strlen(buf), at = 0, so, eo;
	int tw = wdraw_text_width(buf, len, cw + 1), cut = tw > cw;
	if (right && !cut) {
		x += cw - tw;
		cw = tw;
	}
	if (!hl || !wsearch_active(hl) || !wsearch_find(hl, buf, len, 0, &so, &eo)) {
		wdraw_cut(w, y, x, cw, buf, len, a);
		return;
	}
	attr_t mark = theme_attr(TH_MARK);
	int room = cut ? cw - 1 : cw, used = 0;
	do {
		used += wdraw_text(w, y, x + used, room - used, buf + at, so - at, a);
		used += wdraw_text(w, y, x + used, room - used, buf + so, eo - so, mark);
		at = eo;
	} while (used < room && wsearch_find(hl, buf, len, at, &so, &eo));
	used += wdraw_text(w, y, x + used, room - used, buf + at, len - at, a);
	if (cut)
		wdraw_str(w, y, x + used, 1, wdraw_utf8() ? "\u2026" : ">", a);
}

void wtable_draw(WINDOW *w, wrect r, wtable *t)
{
	wrect in;
	wdraw_fill(w, r, theme_attr(TH_NORMAL));
	if (t->border)
		wdraw_box(w, r, t->title, theme_attr(TH_BORDER), theme_attr(TH_NORMAL) | A_BOLD);
	if (!inner(t, r, &in))
		return;
	int widths[64];
	int nc = t->ncols < 64 ? t->ncols : 64;
	col_widths(t, in.w, widths);
	/* Header: titles, the sort column marked with an arrow. */
	wdraw_fill(w, wrect_make(in.y, in.x, 1, in.w), theme_attr(TH_HEADER));
	int x = in.x;
	for (int c = 0; c < nc && x < in.x + in.w; c++) {
		char title[128];
		if (!widths[c])
			continue;
		const char *arrow = "";
		if (c == t->sort_col)
			arrow = wdraw_utf8() ? (t->sort_desc ? "▼" : "▲") : (t->sort_desc ? "v" : "^");
		snprintf(title, sizeof title, "%s%s", t->cols[c].title, arrow);
		int cw = widths[c] < in.x + in.w - x ? widths[c] : in.x + in.w - x;
		if (t->cols[c].right)
			wdraw_right(w, in.y, x, cw, title, theme_attr(TH_HEADER));
		else
			wdraw_str(w, in.y, x, cw, title, theme_attr(TH_HEADER));
		x += widths[c] + 1;
	}
	t->page = in.h - 1;
	scroll_into_view(t);
	for (int i = 0; i < t->page; i++) {
		size_t row = t->top + (size_t)i;
		if (row >= t->nrows)
			break;
		int y = in.y + 1 + i;
		attr_t base = theme_attr(TH_NORMAL);
		if (row == t->sel) {
			base = theme_attr(t->focused ? TH_SELECTED : TH_SELECTED_DIM);
			wdraw_fill(w, wrect_make(y, in.x, 1, in.w), base);
		}
		x = in.x;
		for (int c = 0; c < nc && x < in.x + in.w; c++) {
			char buf[512];
			if (!widths[c])
				continue;
			attr_t a = base;
			buf[0] = '\0';
			t->cell(t->ctx, row, c, buf, sizeof buf, &a);
			if (row == t->sel)
				a = base; /* the selection bar wins over cell colours */
			int cw = widths[c] < in.x + in.w - x ? widths[c] : in.x + in.w - x;
			draw_cell(w, y, x, cw, buf, a, t->cols[c].right, t->hl);
			x += widths[c] + 1;
		}
	}
	if (!t->nrows)
		wdraw_str(w, in.y + 1, in.x + 1, in.w - 1, "(nothing to show)", theme_attr(TH_DIM));
}

static void move_sel(wtable *t, long delta)
{
	if (!t->nrows)
		return;
	long s = (long)t->sel + delta;
	if (s < 0)
		s = 0;
	if (s >= (long)t->nrows)
		s = (long)t->nrows - 1;
	t->sel = (size_t)s;
	scroll_into_view(t);
}

void wtable_sort_by(wtable *t, int col, int desc)
{
	t->sort_col = col;
	t->sort_desc = desc;
}

int wtable_key(wtable *t, int key)
{
	size_t old = t->sel;
	long page = t->page > 1 ? t->page - 1 : 1;
	switch (key) {
	case KEY_UP: case 'k': move_sel(t, -1); break;
	case KEY_DOWN: case 'j': move_sel(t, 1); break;
	case KEY_PPAGE: case 2 /* ^B */: move_sel(t, -page); break;
	case KEY_NPAGE: case 6 /* ^F */: case ' ': move_sel(t, page); break;
	case 4 /* ^D */: move_sel(t, (page + 1) / 2); break;
	case 21 /* ^U */: move_sel(t, -(page + 1) / 2); break;
	case KEY_HOME: case 'g': move_sel(t, -(long)t->nrows); break;
	case KEY_END: case 'G': move_sel(t, (long)t->nrows); break;
	case '\n': case '\r': case KEY_ENTER:
		return t->nrows ? WF_HANDLED | WF_ACCEPT : WF_HANDLED;
	case '<':
		wtable_sort_by(t, t->sort_col <= 0 ? t->ncols - 1 : t->sort_col - 1, t->sort_desc);
		return WF_HANDLED | WF_SORT | WF_REDRAW;
	case '>': case 's':
		wtable_sort_by(t, t->sort_col + 1 >= t->ncols ? 0 : t->sort_col + 1, t->sort_desc);
		return WF_HANDLED | WF_SORT | WF_REDRAW;
	case 'r':
		if (t->sort_col < 0)
			return WF_IGNORED;
		t->sort_desc = !t->sort_desc;
		return WF_HANDLED | WF_SORT | WF_REDRAW;
	default:
		return WF_IGNORED;
	}
	return WF_HANDLED | WF_REDRAW | (t->sel != old ? WF_SELECT : 0);
}

int wtable_click(wtable *t, wrect r, int y, int x)
{
	wrect in;
	if (!inner(t, r, &in) || y < in.y || y >= in.y + in.h || x < in.x || x >= in.x + in.w)
		return WF_IGNORED;
	if (y == in.y) {
		int widths[64], cx = in.x;
		col_widths(t, in.w, widths);
		for (int c = 0; c < t->ncols && c < 64; c++) {
			if (!widths[c])
				continue;
			if (x < cx + widths[c] + 1) {
				wtable_sort_by(t, c, c == t->sort_col ? !t->sort_desc : 1);
				return WF_HANDLED | WF_SORT | WF_REDRAW;
			}
			cx += widths[c] + 1;
		}
		return WF_HANDLED;
	}
	size_t row = t->top + (size_t)(y - in.y - 1);
	if (row >= t->nrows)
		return WF_HANDLED;
	int again = row == t->sel;
	t->sel = row;
	return WF_HANDLED | WF_REDRAW | WF_SELECT | (again ? WF_ACCEPT : 0);
}

/* Merge sort on the permutation: stable, and no global state for the
 * comparator (qsort has no context argument in C11). */
struct sortctx {
	int (*cmp)(size_t, size_t, void *);
	void *ctx;
	int desc;
};

static int cmp2(const struct sortctx *s, size_t a, size_t b)
{
	int c = s->cmp(a, b, s->ctx);
	return s->desc ? -c : c;
}

static void msort(size_t *v, size_t *tmp, size_t n, const struct sortctx *s)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	msort(v, tmp, h, s);
	msort(v + h, tmp, n - h, s);
	if (cmp2(s, v[h - 1], v[h]) <= 0)
		return;
	size_t i = 0, j = h, o = 0;
	while (i < h && j < n)
		tmp[o++] = cmp2(s, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[o++] = v[i++];
	while (j < n)
		tmp[o++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

void wtable_sort_perm(size_t *perm, size_t n, int (*cmp)(size_t a, size_t b, void *ctx),
                      void *ctx, int desc)
{
	size_t *tmp = malloc(n * sizeof *tmp + 1);
	struct sortctx s = { cmp, ctx, desc };
	if (!tmp)
		return;
	msort(perm, tmp, n, &s);
	free(tmp);
}
