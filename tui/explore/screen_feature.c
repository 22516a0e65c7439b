/* Feature: the rows where one feature fires most, on chosen and on
 * rejected responses (side by side, stacked when narrow), each a token
 * window with the feature's heat and the activating token marked; an
 * activation histogram per side; how it fires per category of pair and
 * side (as `safer stats --by-category`); the label editor; and the
 * judge's verdict, when there is one, with its explanation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/catstats.h"
#include "tui/explore/judge.h"
#include "tui/explore/screens.h"
#include "widgets/chart.h"
#include "widgets/draw.h"
#include "widgets/theme.h"
#include "widgets/tokview.h"

enum { TOP_N = 100, CTX_WINDOW = 24, NBINS = 40, CTX_MAX = 64 };

struct side_view {
	sf_top_row rows[TOP_N];
	size_t n, total;
	size_t sel, top;
	uint32_t bins[NBINS];
	size_t zeros;
};

struct feature {
	xmodel *m;
	int f;
	struct side_view side[2]; /* chosen, rejected */
	int focus;
	int page;
	char err[sizeof ((sf_err *)0)->msg]; /* a whole engine message */
	char prompt[64];
	unsigned long seen; /* XG_DATA generation the rows were read at */
	sf_catstats cs;     /* this feature's firing per category and side */
};

/* A click on a label sends its code: "Tab h/l" Tab (switch side), "[ ]"
 * the next feature, "j/k" and "PgUp/PgDn g/G" a step down (first keys,
 * harmless); "1-5" nothing, since any one would be a rating the user did
 * not pick. */
static const wkey keys[] = {
	{ "[ ]", "prev/next feature", ']' }, { "Tab h/l", "switch side", '\t' },
	{ "j/k", "move", 'j' }, { "Enter", "open pair", '\n' }, { "n", "name", 'n' },
	{ "m", "note", 'm' }, { "1-5", "rate", 0 }, { "0", "clear rating", '0' },
	{ "u ^R", "undo/redo", 'u' }, { "a", "accept judge's score", 'a' },
	{ "J", "next judge suggestion", 'J' }, { "PgUp/PgDn g/G", "scroll", KEY_NPAGE }, { "q Esc", "back", 'q' },
	{ "?", "help", '?' },
};

/* How feature f fires per category and side (nothing until the index is
 * there). */
static void load_categories(struct feature *F, int f)
{
	xmodel *m = F->m;
	catstats_free(&F->cs);
	if (!m->ix || !m->st || f < 0 || f >= m->st->m)
		return;
	const char **names;
	size_t nc = pairs_categories(m->P, &names);
	size_t *pc = pairs_category_nos(m->P);
	sf_err e;
	if (names && pc)
		catstats_compute(&F->cs, m->ix, store_pair(m->s), store_side(m->s), store_flags(m->s),
		                 store_nrows(m->s), pc, m->P->n, (int)nc, m->st->rows_mode, f, &e);
	free(pc);
	free(names);
}

/* "fires (sentence-end rows): safety 3.1% / 0.2% · chat ..." */
static void draw_categories(const struct feature *F, int y, int w)
{
	const sf_catstats *cs = &F->cs;
	if (!cs->n_cat)
		return;
	const char **names;
	size_t nc = pairs_categories(F->m->P, &names);
	int x = 1 + wdraw_fmt(stdscr, y, 1, w - 2, theme_attr(TH_DIM), "fires, chosen / rejected, "
	                      "%s: ", rows_mode_text(cs->rows_mode));
	for (int c = 0; names && c < cs->n_cat && (size_t)c < nc && x < w - 1; c++)
		x += wdraw_fmt(stdscr, y, x, w - x - 1, theme_attr(TH_NORMAL), "%s%s %.2f%% / %.2f%%",
		               c ? " · " : "", names[c][0] ? names[c] : "(none)",
		               100 * catstats_density(cs, F->f, c, 0),
		               100 * catstats_density(cs, F->f, c, 1));
	free(names);
}

static void load(struct feature *F, int f)
{
	xmodel *m = F->m;
	sf_err e;
	F->f = f;
	F->err[0] = '\0';
	F->seen = xm_gen(m, XG_DATA);
	if (m->st && f >= 0 && f < m->st->m)
		m->cur_feature = f;
	load_categories(F, f);
	for (int i = 0; i < 2; i++) {
		struct side_view *v = &F->side[i];
		int side = i == 0 ? SIDE_CHOSEN : SIDE_REJECTED;
		v->sel = v->top = 0;
		v->n = v->total = 0;
		memset(v->bins, 0, sizeof v->bins);
		if (!m->st || f < 0 || f >= m->st->m)
			continue;
		if (!m->ix) {
			snprintf(F->err, sizeof F->err, "loading the index...");
			continue;
		}
		if (top_rows(m->ix, m->s, f, side, m->st->rows_mode, TOP_N, CTX_WINDOW,
		             v->rows, &v->n, &v->total, &e) ||
		    stats_histogram(m->ix, store_flags(m->s), m->st, f, side, NBINS, 0, v->bins,
		                    &v->zeros, &e))
			snprintf(F->err, sizeof F->err, "%s", e.msg);
	}
}

/* New statistics (another SAE or rows mode): read the rows again. */
static void sync(struct feature *F)
{
	if (F->seen != xm_gen(F->m, XG_DATA))
		load(F, F->f);
}

/* The context of a top row as tokens with heat relative to the feature's
 * largest activation. */
static size_t context_tokens(const struct feature *F, const sf_top_row *t, wtok *out)
{
	const xmodel *m = F->m;
	float mx = m->st->max_act[F->f] > 0 ? m->st->max_act[F->f] : 1;
	size_t n = 0;
	for (size_t r = t->ctx_begin; r < t->ctx_end && n < CTX_MAX; r++, n++) {
		size_t len;
		out[n].s = store_token(m->s, r, &len);
		out[n].len = len;
		out[n].heat = xm_act(m, r, F->f) / mx;
		out[n].mark = r == t->row;
	}
	return n;
}

static void draw_pane(struct feature *F, int i, wrect r)
{
	struct side_view *v = &F->side[i];
	char title[128];
	snprintf(title, sizeof title, "%s (top %zu of %zu rows)", i == 0 ? "chosen" : "rejected",
	         v->n, v->total);
	attr_t border = theme_attr(F->focus == i ? TH_SELECTED : TH_BORDER);
	wdraw_box(stdscr, r, title, theme_attr(TH_BORDER), border | A_BOLD);
	wrect in = wrect_make(r.y + 1, r.x + 1, r.h - 2, r.w - 2);
	if (in.h <= 0 || in.w <= 0)
		return;
	/* histogram on the first lines, then the contexts */
	int hh = in.h >= 12 ? 3 : in.h >= 8 ? 1 : 0;
	if (hh) {
		double bins[NBINS];
		for (int b = 0; b < NBINS; b++)
			bins[b] = v->bins[b];
		int hw = in.w - 1 < NBINS * 2 ? in.w - 1 : NBINS * 2;
		whist_draw(stdscr, wrect_make(in.y, in.x + 1, hh, hw), bins, NBINS,
		           theme_attr(i == 0 ? TH_POS : TH_NEG));
		in.y += hh;
		in.h -= hh;
	}
	F->page = in.h;
	if (v->sel < v->top)
		v->top = v->sel;
	if (in.h > 0 && v->sel >= v->top + (size_t)in.h)
		v->top = v->sel - (size_t)in.h + 1;
	wtok toks[CTX_MAX];
	for (int y = 0; y < in.h; y++) {
		size_t k = v->top + (size_t)y;
		if (k >= v->n)
			break;
		const sf_top_row *t = &v->rows[k];
		attr_t a = theme_attr(k == v->sel && F->focus == i ? TH_SELECTED : TH_NORMAL);
		int used = wdraw_fmt(stdscr, in.y + y, in.x, 6, a, "%5.1f ", t->act);
		size_t n = context_tokens(F, t, toks);
		wtok_draw_line(stdscr, in.y + y, in.x + used, in.w - used, toks, n);
	}
	if (!v->n)
		wdraw_str(stdscr, in.y, in.x + 1, in.w - 1,
		          F->m->ix ? "(never fires on this side)" : "(the rows come with the index)",
		          theme_attr(TH_DIM));
}

/* Lines under the panes: label, note, and the judge's verdict if any. */
static int bottom_lines(const struct feature *F)
{
	return (xj_verdict(F->m, F->f) ? 3 : 2) + (F->cs.n_cat ? 1 : 0);
}

static void draw_verdict(const struct feature *F, int y, int w)
{
	const sf_verdict *v = xj_verdict(F->m, F->f);
	if (!v)
		return;
	char head[64];
	if (v->score)
		snprintf(head, sizeof head, "judge: %d ", v->score);
	else
		snprintf(head, sizeof head, "judge: no score ");
	int disagree = xj_disagrees(F->m, F->f);
	int x = 1 + wdraw_str(stdscr, y, 1, w - 2, head,
	                      theme_attr(disagree ? TH_ERROR : TH_KEY) | A_BOLD);
	x += wdraw_str(stdscr, y, x, w - x, xj_unreviewed(F->m, F->f) ? "(a accepts) " :
	               disagree ? "(overridden) " : "(reviewed) ", theme_attr(TH_DIM));
	if (v->check_n)
		x += wdraw_fmt(stdscr, y, x, w - x, theme_attr(TH_DIM), "check %d/%d ", v->check_correct,
		               v->check_n);
	wdraw_str(stdscr, y, x, w - x - 1, v->explanation[0] ? v->explanation : "—",
	          theme_attr(TH_NORMAL));
}

static void draw(screen *s, app *a, wrect r)
{
	struct feature *F = s->data;
	xmodel *m = F->m;
	int f = F->f;
	(void)a;
	sync(F);
	if (r.h < 6)
		return;
	if (!m->st || f < 0 || f >= m->st->m) {
		wdraw_str(stdscr, r.y + 1, 2, r.w - 4, m->st ? "No such feature." : m->state,
		          theme_attr(TH_NORMAL));
		return;
	}
	const sf_stats *st = m->st;
	const sf_label *lb = xm_label_of(m, f);
	wdraw_fmt(stdscr, r.y, 1, r.w - 2, theme_attr(TH_NORMAL) | A_BOLD,
	          "Feature %d · salience %+.3f (rank %d of %d) · chosen Σ %.1f · rejected Σ %.1f · "
	          "density %.2f%% / %.2f%% · max %.2f",
	          f, st->salience[f], st->rank[f], st->m, st->chosen_sum[f], st->rejected_sum[f],
	          st->density_chosen[f] * 100, st->density_rejected[f] * 100, st->max_act[f]);
	int below = bottom_lines(F);
	wrect panes = wrect_make(r.y + 1, r.x, r.h - 1 - below, r.w);
	wrect p[2];
	wlayout_panes(panes, 2, 60, p);
	draw_pane(F, 0, p[0]);
	draw_pane(F, 1, p[1]);
	if (F->cs.n_cat)
		draw_categories(F, r.y + r.h - below, r.w);
	if (xj_verdict(F->m, F->f))
		draw_verdict(F, r.y + r.h - 3, r.w);
	char stars[32];
	int y = r.y + r.h - 2, x = 1;
	x += wdraw_str(stdscr, y, x, r.w - x, "label: ", theme_attr(TH_DIM));
	x += wdraw_str(stdscr, y, x, r.w - x - 1, lb && lb->name[0] ? lb->name : "—",
	               theme_attr(TH_NORMAL) | A_BOLD);
	x += wdraw_str(stdscr, y, x, r.w - x, "  rating ", theme_attr(TH_DIM));
	x += wdraw_str(stdscr, y, x, r.w - x, lb && lb->safety ? xm_stars(lb->safety, stars, sizeof stars) : "unrated",
	               theme_attr(lb && lb->safety && lb->safety < F->m->so.threshold ? TH_DIM
	                                                                            : TH_NORMAL));
	if (lb && lb->safety && lb->safety < F->m->so.threshold)
		wdraw_fmt(stdscr, y, x, r.w - x, theme_attr(TH_DIM),
		          " (below the S+/S− threshold %d: not in the sets)", F->m->so.threshold);
	wdraw_str(stdscr, y + 1, 1, 7, "note: ", theme_attr(TH_DIM));
	wdraw_str(stdscr, y + 1, 7, r.w - 8, lb && lb->note[0] ? lb->note : "—",
	          theme_attr(TH_NORMAL));
	if (F->err[0])
		wdraw_str(stdscr, r.y + 2, 2, r.w - 4, F->err, theme_attr(TH_ERROR));
}

static void on_name(void *ctx, const char *line)
{
	struct feature *F = ctx;
	if (line)
		xm_label(F->m, F->f, line, -1, NULL);
}

static void on_note(void *ctx, const char *line)
{
	struct feature *F = ctx;
	if (line)
		xm_label(F->m, F->f, NULL, -1, line);
}

static void sel_move(struct side_view *v, long d)
{
	if (!v->n)
		return;
	long s = (long)v->sel + d;
	if (s < 0)
		s = 0;
	if (s >= (long)v->n)
		s = (long)v->n - 1;
	v->sel = (size_t)s;
}

/* Open the pair of row i of side v; [ ] there step through that side's
 * top rows. */
static void open_pair(struct feature *F, const struct side_view *v, size_t i)
{
	size_t list[TOP_N];
	for (size_t j = 0; j < v->n; j++)
		list[j] = v->rows[j].pair;
	xm_pair_list(F->m, list, v->n, v == &F->side[0] ? "of the chosen top rows"
	                                                 : "of the rejected top rows");
	xm_open(F->m, XS_PAIR, (long)v->rows[i].pair);
}

static int key(screen *s, app *a, int k)
{
	struct feature *F = s->data;
	xmodel *m = F->m;
	struct side_view *v = &F->side[F->focus];
	const sf_label *lb;
	long page = F->page > 1 ? F->page - 1 : 1;
	sync(F);
	if (!m->st)
		return WF_IGNORED;
	switch (k) {
	case '[': case ']': {
		int nf = xm_step_feature(m, k == ']' ? 1 : -1);
		if (nf >= 0)
			load(F, nf);
		return WF_HANDLED;
	}
	case '\t': case 'h': case 'l': case KEY_LEFT: case KEY_RIGHT: case KEY_BTAB:
		F->focus = (k == 'h' || k == KEY_LEFT) ? 0 : (k == 'l' || k == KEY_RIGHT) ? 1 : !F->focus;
		return WF_HANDLED;
	case 'j': case KEY_DOWN: sel_move(v, 1); return WF_HANDLED;
	case 'k': case KEY_UP: sel_move(v, -1); return WF_HANDLED;
	case KEY_NPAGE: case ' ': sel_move(v, page); return WF_HANDLED;
	case KEY_PPAGE: sel_move(v, -page); return WF_HANDLED;
	case 'g': case KEY_HOME: sel_move(v, -(long)TOP_N); return WF_HANDLED;
	case 'G': case KEY_END: sel_move(v, TOP_N); return WF_HANDLED;
	case '\n': case '\r': case KEY_ENTER:
		if (v->n)
			open_pair(F, v, v->sel);
		return WF_HANDLED;
	case 'n':
		lb = xm_label_of(m, F->f);
		snprintf(F->prompt, sizeof F->prompt, "feature %d name: ", F->f);
		app_prompt(a, 1, F->prompt, lb ? lb->name : "", on_name, NULL, F);
		return WF_HANDLED;
	case 'm':
		lb = xm_label_of(m, F->f);
		snprintf(F->prompt, sizeof F->prompt, "feature %d note: ", F->f);
		app_prompt(a, 2, F->prompt, lb ? lb->note : "", on_note, NULL, F);
		return WF_HANDLED;
	case '0': case '1': case '2': case '3': case '4': case '5':
		xm_label(m, F->f, NULL, k - '0', NULL);
		return WF_HANDLED;
	case 'u':
		xm_undo(m);
		return WF_HANDLED;
	case 'a':
		xj_accept(m, F->f);
		return WF_HANDLED;
	case 'J':
		xj_next_unreviewed(m);
		return WF_HANDLED;
	case 18: /* ^R */
		xm_redo(m);
		return WF_HANDLED;
	}
	return WF_IGNORED;
}

static int click(screen *s, app *a, wrect body, int y, int x, int dbl)
{
	struct feature *F = s->data;
	wrect p[2];
	(void)a;
	wlayout_panes(wrect_make(body.y + 1, body.x, body.h - 1 - bottom_lines(F), body.w), 2, 60, p);
	for (int i = 0; i < 2; i++) {
		if (y < p[i].y || y >= p[i].y + p[i].h || x < p[i].x || x >= p[i].x + p[i].w)
			continue;
		F->focus = i;
		struct side_view *v = &F->side[i];
		int hh = p[i].h - 2 >= 12 ? 3 : p[i].h - 2 >= 8 ? 1 : 0;
		long row = (long)v->top + (y - p[i].y - 1 - hh);
		if (row >= 0 && (size_t)row < v->n) {
			v->sel = (size_t)row;
			if (dbl)
				open_pair(F, v, (size_t)row);
		}
		return WF_HANDLED | WF_REDRAW;
	}
	return WF_IGNORED;
}

static void enter(screen *s, app *a)
{
	struct feature *F = s->data;
	(void)a;
	if (F->f != F->m->cur_feature)
		load(F, F->m->cur_feature);
	else
		sync(F);
}

static void destroy(screen *s)
{
	(void)s; /* lives as long as the model */
}

static void feature_free(screen *s)
{
	if (!s)
		return;
	catstats_free(&((struct feature *)s->data)->cs);
	free(s->data);
	free(s);
}

static const screen_ops ops = {
	.name = "Feature",
	.draw = draw,
	.key = key,
	.click = click,
	.enter = enter,
	.destroy = destroy,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
};

static screen *feature_new(xmodel *m)
{
	screen *s = screen_new(&ops, sizeof(struct feature));
	if (!s)
		return NULL;
	struct feature *F = s->data;
	F->m = m;
	F->f = -1;
	return s;
}

/* The feature to show: read its rows now. */
static void feature_target(screen *s, long arg)
{
	struct feature *F = s->data;
	if (arg >= 0) {
		F->m->cur_feature = (int)arg;
		load(F, (int)arg);
	}
}

const xscreen_def xs_feature_def = { "Feature", feature_new, feature_free, feature_target };
