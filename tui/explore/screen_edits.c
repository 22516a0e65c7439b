/* Edits: choose a strategy and ratio (within a category, and for denoise
 * up to a score cut, as `safer plan --category C --max-score T`), see the
 * train pairs by score with
 * their fate in the plan, include or exclude pairs by hand, see the
 * projected effect (reward-head accuracy before, after the plan, after a
 * random edit of the same size), export. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tui/explore/commands.h"
#include "tui/explore/screens.h"
#include "widgets/chart.h"
#include "widgets/draw.h"
#include "widgets/table.h"
#include "widgets/theme.h"

enum { C_IDX, C_ID, C_CAT, C_SCORE, C_FATE, C_TEXT, NCOLS };

static const wtable_col cols[NCOLS] = {
	{ "pair", 7, 1, 0 }, { "id", 10, 0, 0 }, { "category", 10, 0, 0 },
	{ "score", 9, 1, 0 }, { "fate", 5, 0, 0 }, { "chosen", 10, 0, 1 },
};

struct edits {
	xmodel *m;
	wtable t;
	size_t *view; /* train pairs by score */
	size_t nview;
	int desc;     /* order: highest score first (poison, manual) */
	char path[1024];
	int export_dataset;
	wsearch q;    /* / ? over pair index, id, category and texts */
	unsigned long seen; /* generations of scores and plan the view was built from */
	char title[320];
};

/* "i Space" and "j/k g/G" send their first key. */
static const wkey keys[] = {
	{ "p", "poison", 'p' }, { "d", "denoise", 'd' }, { "c", "category limit", 'c' },
	{ "T", "denoise score cut", 'T' }, { "i Space", "include/exclude", 'i' },
	{ "A", "flip/drop/none", 'A' }, { "U", "plan before", 'U' },
	{ "v", "projected effect", 'v' }, { "w", "write edit list", 'w' },
	{ "W", "write dataset", 'W' }, { "Enter", "open pair", '\n' },
	{ "/ ?", "search pairs down/up", '/' }, { "n/N", "next/prev match", 'n' },
	{ "j/k g/G", "move", 'j' }, { "q Esc", "back", 'q' }, { "h", "help", 'h' },
	{ "^D/^U", "half a page down/up", 4 }, { "PgDn/PgUp ^F/^B", "page down/up", KEY_NPAGE },
};

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, attr_t *attr)
{
	struct edits *E = ctx;
	const xmodel *m = E->m;
	size_t p = E->view[row];
	const char *id = pairs_id(m->P, p), *cat = pairs_category(m->P, p);
	switch (col) {
	case C_IDX: snprintf(buf, n, "%zu", p); break;
	case C_ID: snprintf(buf, n, "%s", id ? id : "—"); break;
	case C_CAT: snprintf(buf, n, "%s", cat ? cat : "—"); break;
	case C_SCORE:
		if (m->sc)
			snprintf(buf, n, "%+.4f", m->sc->score[p]);
		break;
	case C_FATE:
		if (m->actions && m->actions[p]) {
			snprintf(buf, n, "%s", plan_action_name(m->actions[p]));
			*attr = theme_attr(TH_NEG) | A_BOLD;
		}
		break;
	case C_TEXT: {
		/* parsed from the file for the rows on screen only */
		pair_rec pr;
		sf_err e;
		if (pairs_get(m->P, p, &pr, &e)) {
			snprintf(buf, n, "(unreadable)");
			break;
		}
		size_t l = pr.chosen_len < n - 1 ? pr.chosen_len : n - 1;
		memcpy(buf, pr.chosen, l);
		buf[l] = '\0';
		pair_rec_free(&pr);
		break;
	}
	}
}

static int by_score(size_t a, size_t b, void *ctx)
{
	const double *s = ctx;
	if (s[a] != s[b])
		return s[a] < s[b] ? -1 : 1;
	return 0;
}

static int by_index(size_t a, size_t b, void *ctx)
{
	(void)ctx;
	return (a > b) - (a < b);
}

static void rebuild(struct edits *E)
{
	xmodel *m = E->m;
	size_t keep = E->nview ? E->view[E->t.sel] : (size_t)-1;
	E->nview = 0;
	if (m->st) {
		xm_scores(m);
		for (size_t i = 0; i < m->P->n; i++)
			if (pairs_split(m->P, i) == SPLIT_TRAIN)
				E->view[E->nview++] = i;
	}
	E->desc = !(m->plan && m->plan->strategy == PLAN_DENOISE);
	/* Sort by score, ties by index ascending (as plans break them). */
	wtable_sort_perm(E->view, E->nview, by_index, NULL, 0);
	if (m->sc)
		wtable_sort_perm(E->view, E->nview, by_score, m->sc->score, E->desc);
	wtable_set_rows(&E->t, E->nview);
	for (size_t i = 0; keep != (size_t)-1 && i < E->nview; i++)
		if (E->view[i] == keep) {
			wtable_select(&E->t, i);
			break;
		}
	E->seen = xm_gen(m, XG_DATA | XG_SCORES | XG_PLAN);
}

static void sync(struct edits *E)
{
	if (E->seen != xm_gen(E->m, XG_DATA | XG_SCORES | XG_PLAN))
		rebuild(E);
}

/* Per category, three bars: accuracy with no edit, after the plan, and
 * after a random edit of the same size (mean over seeds, ± spread). */
static void draw_effect(struct edits *E, wrect r)
{
	xmodel *m = E->m;
	int y = r.y;
	const sf_bt_result *bt = m->bt;
	if (!bt) {
		wdraw_str(stdscr, y, 1, r.w - 2, "projected effect: press v (reward head on held-out "
		          "test pairs: none / plan / random)", theme_attr(TH_DIM));
		return;
	}
	wdraw_fmt(stdscr, y++, 1, r.w - 2, theme_attr(TH_HEADER),
	          "reward-head accuracy on held-out test pairs: none / plan / random "
	          "(%zu %s, %zu %s; random over %d %s)", bt->n_flip, xm_s(bt->n_flip, "flip", "flips"),
	          bt->n_drop, xm_s(bt->n_drop, "drop", "drops"), bt->random_seeds,
	          xm_s((size_t)bt->random_seeds, "seed", "seeds"));
	int bw = (r.w - 14) / 3 - 14;
	if (bw < 4)
		bw = 4;
	for (size_t i = 0; i < bt->n && y < r.y + r.h; i++) {
		const sf_bt_row *none = &bt->rows[i];
		if (strcmp(none->edit, "none"))
			continue;
		const sf_bt_row *row[3] = { none, NULL, NULL };
		for (size_t j = 0; j < bt->n; j++) {
			if (strcmp(bt->rows[j].category, none->category))
				continue;
			if (!strcmp(bt->rows[j].edit, "plan"))
				row[1] = &bt->rows[j];
			if (!strcmp(bt->rows[j].edit, "random"))
				row[2] = &bt->rows[j];
		}
		int x = 1;
		x += wdraw_fmt(stdscr, y, x, 12, theme_attr(TH_NORMAL), "%-10.10s ",
		               none->category[0] ? none->category : "(none)");
		static const int elem[3] = { TH_DIM, TH_BAR, TH_BAR_ALT };
		for (int k = 0; k < 3 && x < r.w; k++) {
			if (!row[k])
				continue;
			whbar_draw(stdscr, y, x, bw, row[k]->accuracy, theme_attr(elem[k]));
			x += bw;
			if (k == 2)
				x += wdraw_fmt(stdscr, y, x, r.w - x, theme_attr(TH_NORMAL), " %.3f±%.3f ",
				               row[k]->accuracy, row[k]->spread);
			else
				x += wdraw_fmt(stdscr, y, x, r.w - x, theme_attr(TH_NORMAL), " %.3f  ",
				               row[k]->accuracy);
		}
		y++;
	}
}

static void draw(screen *s, app *a, wrect r)
{
	struct edits *E = s->data;
	xmodel *m = E->m;
	(void)a;
	sync(E);
	if (!m->st) {
		wdraw_str(stdscr, r.y + 1, 2, r.w - 4, m->state, theme_attr(TH_NORMAL));
		return;
	}
	const sf_plan *pl = m->plan;
	if (pl) {
		char sum[160];
		xm_plan_summary(pl, sum, sizeof sum);
		wdraw_fmt(stdscr, r.y, 1, r.w - 2, theme_attr(TH_NORMAL) | A_BOLD,
		          "%s · S+ %d / S− %d features%s%s%s", sum, pl->n_plus, pl->n_minus,
		          pl->fallback ? " (no ratings: top by |s|)" : "",
		          pl->ratings >= 0 ? " · ratings: " : "",
		          pl->ratings >= 0 ? safety_ratings_name(pl->ratings) : "");
	} else
		wdraw_str(stdscr, r.y, 1, r.w - 2, "no plan yet: p poison, d denoise (or :plan poison 5%)",
		          theme_attr(TH_NORMAL) | A_BOLD);
	/* the scores' rows, and the limits the next plan takes */
	const sf_plan_limits *l = &m->plan_lim;
	char cut[48] = "";
	if (l->has_max_score)
		snprintf(cut, sizeof cut, "%sscore ≤ %g", l->category ? ", " : "", l->max_score);
	snprintf(E->title, sizeof E->title, "train pairs by score, %s rows%s%s%.80s%s",
	         m->st->rows_mode == ROWS_ALL ? "all token" : "sentence-end",
	         l->category || l->has_max_score ? " ─ next: " : "", l->category ? "category " : "",
	         l->category ? (l->category[0] ? l->category : "(none)") : "", cut);
	E->t.title = E->title;
	int eff_h = m->bt ? 2 + (int)(m->bt->n / 3) : 1;
	int prev_h = 4;
	wrect tr = wrect_make(r.y + 1, r.x, r.h - 1 - eff_h - prev_h, r.w);
	wtable_draw(stdscr, tr, &E->t);
	/* preview of the selected pair */
	int y = tr.y + tr.h;
	pair_rec pv;
	sf_err pe;
	if (E->nview && pairs_get(m->P, E->view[E->t.sel], &pv, &pe)) {
		wdraw_str(stdscr, y, 1, r.w - 2, pe.msg, theme_attr(TH_NEG));
	} else if (E->nview) {
		const pair_rec *pr = &pv;
		wdraw_str(stdscr, y, 1, 10, "prompt:", theme_attr(TH_DIM));
		wdraw_cut(stdscr, y, 11, r.w - 12, pr->prompt, pr->prompt_len, theme_attr(TH_NORMAL));
		wdraw_str(stdscr, y + 1, 1, 10, "chosen:", theme_attr(TH_POS));
		wdraw_cut(stdscr, y + 1, 11, r.w - 12, pr->chosen, pr->chosen_len, theme_attr(TH_NORMAL));
		wdraw_str(stdscr, y + 2, 1, 10, "rejected:", theme_attr(TH_NEG));
		wdraw_cut(stdscr, y + 2, 11, r.w - 12, pr->rejected, pr->rejected_len,
		          theme_attr(TH_NORMAL));
		pair_rec_free(&pv);
	}
	draw_effect(E, wrect_make(y + prev_h, r.x, eff_h, r.w));
}

static void on_ratio(void *ctx, const char *line, int strategy)
{
	struct edits *E = ctx;
	double r;
	if (!line)
		return;
	char why[200];
	if (xm_parse_ratio(line, &r, why, sizeof why)) {
		app_msg(E->m->a, MSG_ERROR, "%s", why);
		return;
	}
	xm_plan_job(E->m, strategy, r);
}

/* The category the next plan is made within ("" or "*": every one; "-":
 * the pairs without one). */
static void on_category(void *ctx, const char *line)
{
	struct edits *E = ctx;
	xmodel *m = E->m;
	if (!line)
		return;
	if (!line[0] || !strcmp(line, "*")) {
		m->plan_lim.category = NULL;
		app_msg(m->a, MSG_INFO, "the next plan is made over every category");
		return;
	}
	snprintf(m->plan_cat, sizeof m->plan_cat, "%s", strcmp(line, "-") ? line : "");
	m->plan_lim.category = m->plan_cat;
	app_msg(m->a, MSG_INFO, "the next plan is made within category %s",
	        m->plan_cat[0] ? m->plan_cat : "(none)");
}

/* The score cut of the next denoise plan ("" clears it). */
static void on_cut(void *ctx, const char *line)
{
	struct edits *E = ctx;
	xmodel *m = E->m;
	char *end;
	if (!line)
		return;
	if (!line[0]) {
		m->plan_lim.has_max_score = 0;
		app_msg(m->a, MSG_INFO, "the next denoise plan has no score cut");
		return;
	}
	double t = strtod(line, &end);
	if (*end || !isfinite(t)) {
		app_msg(m->a, MSG_ERROR, "a score cut is a number: '%s'", line);
		return;
	}
	m->plan_lim.has_max_score = 1;
	m->plan_lim.max_score = t;
	app_msg(m->a, MSG_INFO, "the next denoise plan drops only pairs scoring at most %g", t);
}

static void on_poison(void *ctx, const char *line) { on_ratio(ctx, line, PLAN_POISON); }
static void on_denoise(void *ctx, const char *line) { on_ratio(ctx, line, PLAN_DENOISE); }

/* Confirmed (or new): the command that replaces an existing file. */
static void do_export(app *a, void *ctx)
{
	struct edits *E = ctx;
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "%s! \"%s\"", E->export_dataset ? "export-dataset" : "export",
	         E->path);
	app_command(a, cmd);
}

static const char *path_word(void *ctx, size_t i)
{
	struct edits *E = ctx;
	return xcmd_path_word(E->m, i);
}

static void on_path(void *ctx, const char *line)
{
	struct edits *E = ctx;
	struct stat sb;
	if (!line || !*line)
		return;
	xm_path(line, E->path, sizeof E->path);
	if (stat(E->path, &sb) == 0) {
		char msg[1200];
		snprintf(msg, sizeof msg, "%s exists. Replace it?", E->path);
		app_confirm(E->m->a, "Export", msg, do_export, E);
	} else {
		do_export(E->m->a, E);
	}
}

/* A pair matches the search by its index, id, category, prompt or responses. */
static int pair_hit(size_t i, void *ctx)
{
	struct edits *E = ctx;
	size_t p = E->view[i];
	char idx[24];
	snprintf(idx, sizeof idx, "%zu", p);
	const char *id = pairs_id(E->m->P, p), *cat = pairs_category(E->m->P, p);
	if (wsearch_match(&E->q, idx) || (id && wsearch_match(&E->q, id)) ||
	    (cat && wsearch_match(&E->q, cat)))
		return 1;
	pair_rec pr;
	sf_err e;
	size_t so, eo;
	if (pairs_get(E->m->P, p, &pr, &e))
		return 0;
	int hit = wsearch_find(&E->q, pr.prompt, pr.prompt_len, 0, &so, &eo) ||
	          wsearch_find(&E->q, pr.chosen, pr.chosen_len, 0, &so, &eo) ||
	          wsearch_find(&E->q, pr.rejected, pr.rejected_len, 0, &so, &eo);
	pair_rec_free(&pr);
	return hit;
}

static void search_step(struct edits *E, int dir, int from_current)
{
	int wrapped;
	if (!wsearch_active(&E->q)) {
		app_msg(E->m->a, MSG_INFO, "no search yet: / searches down, ? up");
		return;
	}
	long i = wsearch_step(E->nview, E->t.sel, dir, from_current, pair_hit, E, &wrapped);
	if (i < 0) {
		app_msg(E->m->a, MSG_ERROR, "no match for '%s'", E->q.pat);
		return;
	}
	wtable_select(&E->t, (size_t)i);
	if (wrapped)
		app_msg(E->m->a, MSG_INFO, "search wrapped: hit the %s, went on from the %s",
		        dir > 0 ? "bottom" : "top", dir > 0 ? "top" : "bottom");
}

static void on_search_dir(struct edits *E, const char *line, int dir)
{
	char err[300];
	if (!line)
		return;
	if (wsearch_set(&E->q, line, dir, err, sizeof err)) {
		app_msg(E->m->a, MSG_ERROR, "%s", err);
		return;
	}
	search_step(E, dir, 1);
}

static void on_search(void *ctx, const char *line) { on_search_dir(ctx, line, 1); }
static void on_search_up(void *ctx, const char *line) { on_search_dir(ctx, line, -1); }

static void mark(struct edits *E, int action)
{
	if (E->nview)
		xm_plan_mark(E->m, E->view[E->t.sel], action);
}

/* Open the selected pair; [ ] there step through the plan's pairs when
 * it is one of them, else through the table. */
static void open_pair(struct edits *E)
{
	xmodel *m = E->m;
	if (!E->nview)
		return;
	size_t p = E->view[E->t.sel];
	if (m->actions && m->actions[p]) {
		size_t *v = malloc(E->nview * sizeof *v), n = 0;
		for (size_t i = 0; v && i < E->nview; i++)
			if (m->actions[E->view[i]])
				v[n++] = E->view[i];
		xm_pair_list(m, v, n, "in the plan");
		free(v);
	} else {
		xm_pair_list(m, E->view, E->nview, "by score");
	}
	xm_open(m, XS_PAIR, (long)p);
}

static int key(screen *s, app *a, int k)
{
	struct edits *E = s->data;
	xmodel *m = E->m;
	sync(E);
	if (!m->st)
		return WF_IGNORED;
	/* Space is the table's page down elsewhere; here the key bar names it. */
	switch (k) {
	case 'i': case ' ': mark(E, XM_TOGGLE); return WF_HANDLED;
	case 'A': mark(E, XM_CYCLE); return WF_HANDLED;
	}
	int f = wtable_key(&E->t, k);
	if (f & WF_ACCEPT) {
		open_pair(E);
		return WF_HANDLED;
	}
	if (f & WF_SORT)
		return WF_HANDLED; /* the order is the plan's */
	if (f & WF_HANDLED)
		return f;
	switch (k) {
	case 'p': app_prompt(a, WINPUT_OTHER, "poison: share of the train pairs to flip (5% or 0.05): ", NULL, on_poison, NULL, E); return WF_HANDLED;
	case 'd': app_prompt(a, WINPUT_OTHER, "denoise: share of the train pairs to drop (2% or 0.02): ", NULL, on_denoise, NULL, E); return WF_HANDLED;
	case 'c':
		app_prompt(a, WINPUT_OTHER, "plan within category (empty: all, -: none): ", NULL, on_category, NULL, E);
		return WF_HANDLED;
	case 'T':
		app_prompt(a, WINPUT_OTHER, "denoise only pairs scoring at most (empty: no cut): ", NULL, on_cut, NULL, E);
		return WF_HANDLED;
	case 'v': xm_eval_job(m); return WF_HANDLED;
	case '/': case '?':
		app_prompt(a, WINPUT_SEARCH, k == '/' ? "/" : "?", NULL,
		           k == '/' ? on_search : on_search_up, NULL, E);
		return WF_HANDLED;
	case 'n': case 'N': {
		int d = E->q.dir ? E->q.dir : 1;
		search_step(E, k == 'n' ? d : -d, 0);
		return WF_HANDLED;
	}
	case 'U': xm_plan_back(m); return WF_HANDLED;
	case 'w': case 'W':
		E->export_dataset = k == 'W';
		app_prompt(a, WINPUT_OTHER, k == 'W' ? "write edited dataset to: " : "write edit list to: ",
		           NULL, on_path, path_word, E);
		return WF_HANDLED;
	}
	return WF_IGNORED;
}

static int click(screen *s, app *a, wrect body, int y, int x, int dbl)
{
	struct edits *E = s->data;
	xmodel *m = E->m;
	(void)a;
	sync(E);
	if (!m->st)
		return WF_IGNORED;
	int eff_h = m->bt ? 2 + (int)(m->bt->n / 3) : 1;
	wrect tr = wrect_make(body.y + 1, body.x, body.h - 1 - eff_h - 4, body.w);
	int f = wtable_click(&E->t, tr, y, x);
	if ((f & WF_ACCEPT) || (dbl && (f & WF_SELECT)))
		open_pair(E);
	return f & ~WF_SORT;
}

static void enter(screen *s, app *a)
{
	struct edits *E = s->data;
	(void)a;
	rebuild(E); /* keeps the selected pair */
}

static void destroy(screen *s)
{
	(void)s;
}

static const screen_ops ops = {
	.name = "Edits",
	.draw = draw,
	.key = key,
	.click = click,
	.enter = enter,
	.destroy = destroy,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
	.counts = 1,
};

static void edits_free(screen *s)
{
	if (!s)
		return;
	struct edits *E = s->data;
	free(E->view);
	wsearch_clear(&E->q);
	free(E);
	free(s);
}

static screen *edits_new(xmodel *m)
{
	screen *s = screen_new(&ops, sizeof(struct edits));
	if (!s)
		return NULL;
	struct edits *E = s->data;
	E->m = m;
	E->view = calloc(m->P->n ? m->P->n : 1, sizeof *E->view);
	if (!E->view) {
		edits_free(s);
		return NULL;
	}
	wtable_init(&E->t, cols, NCOLS, cell, E);
	E->t.title = "train pairs by score";
	E->t.hl = &E->q;
	return s;
}

/* XM_TOP: a new plan, shown from the top. */
static void edits_target(screen *s, long arg)
{
	struct edits *E = s->data;
	if (arg == XM_TOP) {
		E->nview = 0; /* enter() rebuilds from the top */
		E->t.sel = E->t.top = 0;
	}
}

const xscreen_def xs_edits_def = { "Edits", edits_new, edits_free, edits_target };
