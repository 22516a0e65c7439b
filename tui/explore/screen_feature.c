/* Feature: the rows where one feature fires, on chosen and on rejected
 * responses (side by side, stacked when narrow), each a token window with
 * the feature's heat and the activating token marked, in views (tabs): the
 * strongest rows, rows from intervals of activation, random rows, and the
 * features like it (feature_evidence.h); its density on a log scale; how
 * it fires per category of pair and side (as `safer stats --by-category`);
 * the label editor; and the judge's verdict, when there is one, with its
 * explanation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/catstats.h"
#include "tui/explore/feature_evidence.h"
#include "tui/explore/judge.h"
#include "tui/explore/screens.h"
#include "widgets/draw.h"
#include "widgets/theme.h"
#include "widgets/tokview.h"

enum { TOP_N = FE_Q * FE_PER, CTX_WINDOW = 24, CTX_MAX = 64 };

struct side_view {
	sf_top_row rows[TOP_N];
	int quant[TOP_N]; /* the interval of each row (intervals view) */
	size_t n, total;  /* n: the similar list's length in the similar view */
	size_t sel, top;
};

struct feature {
	xmodel *m;
	int f;
	struct side_view side[2]; /* chosen, rejected; cosine, co-occurrence when similar */
	int view;                 /* FV_* */
	uint64_t seed;            /* of the random view */
	xfe_similar sim;
	int focus;
	int page;
	char err[sizeof ((sf_err *)0)->msg]; /* a whole engine message */
	unsigned long seen; /* XG_DATA generation the rows were read at */
	sf_catstats cs;     /* this feature's firing per category and side */
};

/* A click on a label sends its code: "Tab ←/→" Tab (switch side), "[ ]"
 * the next feature, "j/k" and "PgUp/PgDn g/G" a step down (first keys,
 * harmless); "1-5" nothing, since any one would be a rating the user did
 * not pick. l, m, n, / and h mean what they mean on the Features table. */
static const wkey keys[] = {
	{ "[ ]", "prev/next feature", ']' }, { "Tab ←/→", "switch side", '\t' },
	{ "j/k", "move", 'j' }, { "Enter", "open pair", '\n' }, { "l", "label (name)", 'l' },
	{ "m", "note", 'm' }, { "1-5", "rate", 0 }, { "0", "clear rating", '0' },
	{ "u ^R", "undo/redo", 'u' }, { "a", "accept judge's score", 'a' },
	{ "J", "next judge suggestion", 'J' }, { "/ ?", "search features down/up", '/' },
	{ "n/N", "next/prev matching feature", 'n' },
	{ "PgUp/PgDn g/G", "scroll", KEY_NPAGE }, { "q Esc", "back", 'q' },
	{ "h", "help", 'h' }, { "^D/^U", "half a page down/up", 4 },
	{ "Space ^F/^B", "page down/up", ' ' },
	{ "v V", "view: top/intervals/random/similar", 'v' }, { "r", "new random rows", 'r' },
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
		if (!m->st || f < 0 || f >= m->st->m)
			continue;
		if (!m->ix) {
			snprintf(F->err, sizeof F->err, "loading the index...");
			continue;
		}
		if (F->view != FV_SIMILAR &&
		    xfe_rows(m, f, F->view, side, F->seed, CTX_WINDOW, v->rows, v->quant, TOP_N, &v->n,
		             &v->total, &e))
			snprintf(F->err, sizeof F->err, "%s", e.msg);
	}
	if (F->view == FV_SIMILAR && m->ix && m->st && f >= 0 && f < m->st->m) {
		if (xfe_similar_load(m, f, &F->sim, &e))
			snprintf(F->err, sizeof F->err, "%s", e.msg);
		F->side[0].n = F->sim.ncos;
		F->side[1].n = F->sim.nco;
	}
}

static int bottom_lines(const struct feature *F, int h);
/* Where the density chart and the panes go in body r. */
static void layout(const struct feature *F, wrect r, wrect *chart, wrect p[2]);

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

/* The pane's title under the current view. */
static void pane_title(const struct feature *F, int i, char *buf, size_t n)
{
	const struct side_view *v = &F->side[i];
	const char *side = i == 0 ? "chosen" : "rejected";
	switch (F->view) {
	case FV_INTERVALS:
		snprintf(buf, n, "%s (%d intervals of %zu rows, weakest first)", side, FE_Q, v->total);
		break;
	case FV_RANDOM:
		snprintf(buf, n, "%s (%zu random of %zu rows, seed %llu)", side, v->n, v->total,
		         (unsigned long long)F->seed);
		break;
	case FV_SIMILAR:
		snprintf(buf, n, i == 0 ? "similar by decoder cosine (Enter opens)"
		                        : "co-occurring on %s rows (Jaccard)",
		         F->m->st ? rows_mode_name(F->m->st->rows_mode) : "");
		break;
	default:
		snprintf(buf, n, "%s (top %zu of %zu %s)", side, v->n, v->total,
		         xm_s(v->total, "row", "rows"));
	}
}

/* A line of the similar view: id, value, label. */
static void draw_neighbour(const struct feature *F, const sf_neighbour *nb, int y, int x, int w,
                           attr_t a)
{
	const sf_label *lb = xm_label_of(F->m, nb->feature);
	int used = wdraw_fmt(stdscr, y, x, w, a, "%6d %7.3f ", nb->feature, nb->value);
	wdraw_str(stdscr, y, x + used, w - used, lb && lb->name[0] ? lb->name : "—",
	          a == theme_attr(TH_NORMAL) ? theme_attr(TH_DIM) : a);
}

static void draw_pane(struct feature *F, int i, wrect r)
{
	struct side_view *v = &F->side[i];
	char title[160];
	pane_title(F, i, title, sizeof title);
	attr_t border = theme_attr(F->focus == i ? TH_SELECTED : TH_BORDER);
	wdraw_box(stdscr, r, title, theme_attr(TH_BORDER), border | A_BOLD);
	wrect in = wrect_make(r.y + 1, r.x + 1, r.h - 2, r.w - 2);
	if (in.h <= 0 || in.w <= 0)
		return;
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
		attr_t a = theme_attr(k == v->sel && F->focus == i ? TH_SELECTED : TH_NORMAL);
		if (F->view == FV_SIMILAR) {
			draw_neighbour(F, i == 0 ? &F->sim.cos[k] : &F->sim.co[k], in.y + y, in.x, in.w, a);
			continue;
		}
		const sf_top_row *t = &v->rows[k];
		int used = 0;
		if (F->view == FV_INTERVALS)
			used = wdraw_fmt(stdscr, in.y + y, in.x, 4, theme_attr(TH_DIM), "q%-2d ", v->quant[k]);
		used += wdraw_fmt(stdscr, in.y + y, in.x + used, 6, a, "%5.1f ", t->act);
		size_t n = context_tokens(F, t, toks);
		wtok_draw_line(stdscr, in.y + y, in.x + used, in.w - used, toks, n);
	}
	if (!v->n)
		wdraw_str(stdscr, in.y, in.x + 1, in.w - 1,
		          !F->m->ix ? "(the rows come with the index)"
		          : F->view == FV_SIMILAR ? "(none)" : "(never fires on this side)",
		          theme_attr(TH_DIM));
}

/* The views as tabs, the current one in reverse. */
static void draw_tabs(const struct feature *F, int y, int w)
{
	int x = 1 + wdraw_str(stdscr, y, 1, w - 2, "view ", theme_attr(TH_DIM));
	for (int i = 0; i < FV_N && x < w - 1; i++) {
		attr_t a = i == F->view ? theme_attr(TH_SELECTED) | A_BOLD : theme_attr(TH_NORMAL);
		x += wdraw_fmt(stdscr, y, x, w - 1 - x, a, " %s ", xfe_view_names[i]);
		x += wdraw_str(stdscr, y, x, w - 1 - x, " ", theme_attr(TH_NORMAL));
	}
	wdraw_str(stdscr, y, x + 1, w - 2 - x, "(v: next view)", theme_attr(TH_DIM));
}

/* Under the header and the view tabs: the density chart (when there is
 * room), then the panes side by side, stacked, or only the focused one
 * when stacking would leave no room for a context in either. An unshown
 * pane has height 0. */
static void layout(const struct feature *F, wrect r, wrect *chart, wrect p[2])
{
	int room = r.h - 2 - bottom_lines(F, r.h);
	int ch = xfe_density_lines(room);
	*chart = wrect_make(r.y + 2, r.x, ch, r.w);
	wrect panes = wrect_make(r.y + 2 + ch, r.x, room - ch, r.w);
	if (!wlayout_panes(panes, 2, 60, p) && p[0].h < 4) {
		p[F->focus] = panes;
		p[!F->focus] = wrect_make(panes.y, panes.x, 0, 0);
	}
}

/* Lines under the panes: firing per category, the judge's verdict if
 * any, label and note; on a short screen the label line alone, so that a context still shows. */
static int bottom_lines(const struct feature *F, int h)
{
	if (h < 12)
		return 1;
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

/* "label: NAME  rating ★★★★☆ (below the S+/S− threshold 5...)": the
 * rating first in line for room, so a long name is cut (…) and the rating
 * always shows; the threshold note takes what is left. */
static void draw_label_line(const struct feature *F, const sf_label *lb, int y, int w)
{
	char stars[32], rating[48];
	int below = lb && lb->safety && lb->safety < F->m->so.threshold;
	snprintf(rating, sizeof rating, "  rating %s",
	         lb && lb->safety ? xm_stars(lb->safety, stars, sizeof stars) : "unrated");
	int rw = wdraw_text_width(rating, strlen(rating), 64);
	const char *name = lb && lb->name[0] ? lb->name : "—";
	int x = 1;
	x += wdraw_str(stdscr, y, x, w - x, "label: ", theme_attr(TH_DIM));
	int nw = wdraw_text_width(name, strlen(name), w);
	int room = w - x - 1 - rw;
	x += wdraw_cut(stdscr, y, x, nw < room ? nw : room, name, strlen(name),
	               theme_attr(TH_NORMAL) | A_BOLD);
	x += wdraw_str(stdscr, y, x, w - x, "  rating ", theme_attr(TH_DIM));
	x += wdraw_str(stdscr, y, x, w - x, rating + 9, theme_attr(below ? TH_DIM : TH_NORMAL));
	if (below) {
		char note[96];
		snprintf(note, sizeof note, " (below the S+/S− threshold %d: not in the sets)",
		         F->m->so.threshold);
		wdraw_cut(stdscr, y, x, w - x - 1, note, strlen(note), theme_attr(TH_DIM));
	}
}

static void draw(screen *s, app *a, wrect r)
{
	struct feature *F = s->data;
	xmodel *m = F->m;
	int f = F->f;
	(void)a;
	sync(F);
	if (r.h < 4)
		return;
	if (!m->st || f < 0 || f >= m->st->m) {
		wdraw_str(stdscr, r.y + 1, 2, r.w - 4, m->st ? "No such feature." : m->state,
		          theme_attr(TH_NORMAL));
		return;
	}
	const sf_stats *st = m->st;
	const sf_label *lb = xm_label_of(m, f);
	char head[320];
	snprintf(head, sizeof head,
	         "Feature %d · salience %+.3f (rank %d of %d) · chosen Σ %.1f · rejected Σ %.1f · "
	         "density %.2f%% / %.2f%% · max %.2f",
	         f, st->salience[f], st->rank[f], st->m, st->chosen_sum[f], st->rejected_sum[f],
	         st->density_chosen[f] * 100, st->density_rejected[f] * 100, st->max_act[f]);
	wdraw_cut(stdscr, r.y, 1, r.w - 2, head, strlen(head), theme_attr(TH_NORMAL) | A_BOLD);
	int below = bottom_lines(F, r.h);
	wrect p[2], chart;
	layout(F, r, &chart, p);
	draw_tabs(F, r.y + 1, r.w);
	if (chart.h > 0)
		xfe_density_draw(m, f, chart);
	for (int i = 0; i < 2; i++)
		if (p[i].h > 0)
			draw_pane(F, i, p[i]);
	if (below > 1 && F->cs.n_cat)
		draw_categories(F, r.y + r.h - below, r.w);
	if (below > 1 && xj_verdict(F->m, F->f))
		draw_verdict(F, r.y + r.h - 3, r.w);
	draw_label_line(F, lb, r.y + r.h - (below > 1 ? 2 : 1), r.w);
	if (below > 1) {
		wdraw_str(stdscr, r.y + r.h - 1, 1, 7, "note: ", theme_attr(TH_DIM));
		const char *note = lb && lb->note[0] ? lb->note : "—";
		wdraw_cut(stdscr, r.y + r.h - 1, 7, r.w - 8, note, strlen(note), theme_attr(TH_NORMAL));
	}
	if (F->err[0])
		wdraw_str(stdscr, r.y + 2, 2, r.w - 4, F->err, theme_attr(TH_ERROR));
}


/* The features search from here: the next match in the Features
 * table's order is shown. */
static void on_search_dir(struct feature *F, const char *line, int dir)
{
	if (!line)
		return;
	if (xm_search_features(F->m, line, dir) >= 0)
		load(F, F->m->cur_feature);
	app_redraw(F->m->a);
}

static void on_search(void *ctx, const char *line) { on_search_dir(ctx, line, 1); }
static void on_search_up(void *ctx, const char *line) { on_search_dir(ctx, line, -1); }

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

/* Open feature i of similar list `which` (0 cosine, 1 co-occurrence), on
 * its top rows. */
static void open_similar(struct feature *F, int which, size_t i)
{
	int nf = which == 0 ? F->sim.cos[i].feature : F->sim.co[i].feature;
	F->view = FV_TOP;
	xm_open(F->m, XS_FEATURE, nf);
}

static int key(screen *s, app *a, int k)
{
	struct feature *F = s->data;
	xmodel *m = F->m;
	struct side_view *v = &F->side[F->focus];
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
	case '\t': case KEY_LEFT: case KEY_RIGHT: case KEY_BTAB:
		F->focus = k == KEY_LEFT ? 0 : k == KEY_RIGHT ? 1 : !F->focus;
		return WF_HANDLED;
	case 'j': case KEY_DOWN: sel_move(v, 1); return WF_HANDLED;
	case 'k': case KEY_UP: sel_move(v, -1); return WF_HANDLED;
	case KEY_NPAGE: case ' ': case 6 /* ^F */: sel_move(v, page); return WF_HANDLED;
	case KEY_PPAGE: case 2 /* ^B */: sel_move(v, -page); return WF_HANDLED;
	case 4 /* ^D */: sel_move(v, (page + 1) / 2); return WF_HANDLED;
	case 21 /* ^U */: sel_move(v, -(page + 1) / 2); return WF_HANDLED;
	case '/': case '?':
		app_prompt(a, WINPUT_SEARCH, k == '/' ? "/" : "?", NULL, k == '/' ? on_search : on_search_up, NULL,
		           F);
		return WF_HANDLED;
	case 'n': case 'N': {
		int d = m->fsearch.dir ? m->fsearch.dir : 1;
		if (xm_search_feature(m, k == 'n' ? d : -d, 0) >= 0)
			load(F, m->cur_feature);
		return WF_HANDLED;
	}
	case 'g': case KEY_HOME: sel_move(v, -(long)TOP_N); return WF_HANDLED;
	case 'G': case KEY_END: sel_move(v, TOP_N); return WF_HANDLED;
	case '\n': case '\r': case KEY_ENTER:
		if (v->n && F->view == FV_SIMILAR)
			open_similar(F, F->focus, v->sel);
		else if (v->n)
			open_pair(F, v, v->sel);
		return WF_HANDLED;
	case 'v': case 'V':
		F->view = (F->view + (k == 'v' ? 1 : FV_N - 1)) % FV_N;
		load(F, F->f);
		return WF_HANDLED;
	case 'r':
		F->seed++;
		if (F->view != FV_RANDOM)
			F->view = FV_RANDOM;
		load(F, F->f);
		return WF_HANDLED;
	case 'l': case 'm':
		xm_prompt_label(m, F->f, k == 'm');
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
	wrect p[2], chart;
	(void)a;
	layout(F, body, &chart, p);
	if (y == body.y + 1) { /* the tabs: the next view */
		F->view = (F->view + 1) % FV_N;
		load(F, F->f);
		return WF_HANDLED | WF_REDRAW;
	}
	for (int i = 0; i < 2; i++) {
		if (y < p[i].y || y >= p[i].y + p[i].h || x < p[i].x || x >= p[i].x + p[i].w)
			continue;
		F->focus = i;
		struct side_view *v = &F->side[i];
		long row = (long)v->top + (y - p[i].y - 1);
		if (row >= 0 && (size_t)row < v->n) {
			v->sel = (size_t)row;
			if (dbl && F->view == FV_SIMILAR)
				open_similar(F, i, (size_t)row);
			else if (dbl)
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
	F->seed = 1;
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
