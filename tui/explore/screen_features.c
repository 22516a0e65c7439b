/* Features: every feature of the SAE as a table, sortable by any column,
 * filtered (candidates, labelled, unlabelled, S+, S-, judged but not
 * reviewed, judge and person disagree), searched with `/` over label names
 * and ids. The judge's score stands beside the person's rating, in digits
 * where the person's is in stars. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/explore/commands.h"
#include "tui/explore/judge.h"
#include "tui/explore/screens.h"
#include "widgets/draw.h"
#include "widgets/table.h"
#include "widgets/theme.h"

enum { C_ID, C_SAL, C_CHOSEN, C_REJ, C_DENS_C, C_DENS_R, C_MAX, C_LABEL, C_RATING, C_JUDGE, NCOLS };
enum { F_ALL, F_CANDIDATES, F_LABELLED, F_UNLABELLED, F_SPLUS, F_SMINUS, F_UNREVIEWED,
       F_DISAGREE, NFILTERS };

static const char *const col_names[NCOLS + 1] = { "id", "salience", "chosen", "rejected",
	"density-chosen", "density-rejected", "max", "label", "rating", "judge", NULL };
static const char *const filter_names[NFILTERS + 1] = { "all", "candidates", "labelled",
	"unlabelled", "s+", "s-", "unreviewed", "disagree", NULL };

static const wtable_col cols[NCOLS] = {
	{ "id", 6, 1, 0 },       { "salience", 9, 1, 0 }, { "chosen Σ", 11, 1, 0 },
	{ "rejected Σ", 11, 1, 0 }, { "dens.c", 7, 1, 0 },  { "dens.r", 7, 1, 0 },
	{ "max", 7, 1, 0 },      { "label", 12, 0, 1 },   { "rating", 6, 0, 0 },
	{ "judge", 5, 1, 0 },
};

struct features {
	xmodel *m;
	wtable t;
	size_t *view; /* feature ids shown, in order */
	size_t nview;
	int filter;
	char search[256];
	char prompt[64];
	signed char *in_set; /* [m] +1 S+, -1 S-, for the S+/S- filters */
	/* the model generations the view was built from */
	unsigned long seen_data, seen_rest;
};

/* A click on a label sends its code: "n/N" the next match and "j/k g/G"
 * one row down (the first key: harmless); "1-5" nothing, since any one
 * of them would be a rating the user did not pick. */
static const wkey keys[] = {
	{ "Enter", "open", '\n' }, { "/", "search", '/' }, { "n/N", "next/prev match", 'n' },
	{ "s", "sort", 's' }, { "r", "reverse", 'r' }, { "f", "filter", 'f' },
	{ "l", "label", 'l' }, { "1-5", "rate", 0 }, { "0", "clear rating", '0' },
	{ "u ^R", "undo/redo label", 'u' }, { "a", "accept judge's score", 'a' },
	{ "J", "next judge suggestion", 'J' }, { "e", "edits", 'e' }, { "t", "train", 't' },
	{ "j/k g/G", "move", 'j' }, { ":", "command", ':' }, { "?", "help", '?' },
	{ "q", "quit", 'q' },
};

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, attr_t *attr)
{
	struct features *F = ctx;
	const xmodel *m = F->m;
	int f = (int)F->view[row];
	const sf_stats *st = m->st;
	const sf_label *lb = xm_label_of(m, f);
	switch (col) {
	case C_ID: snprintf(buf, n, "%d", f); break;
	case C_SAL:
		snprintf(buf, n, "%+.3f", st->salience[f]);
		*attr = theme_attr(st->salience[f] >= 0 ? TH_POS : TH_NEG);
		break;
	case C_CHOSEN: snprintf(buf, n, "%.1f", st->chosen_sum[f]); break;
	case C_REJ: snprintf(buf, n, "%.1f", st->rejected_sum[f]); break;
	case C_DENS_C: snprintf(buf, n, "%.2f%%", st->density_chosen[f] * 100); break;
	case C_DENS_R: snprintf(buf, n, "%.2f%%", st->density_rejected[f] * 100); break;
	case C_MAX: snprintf(buf, n, "%.2f", st->max_act[f]); break;
	case C_LABEL:
		snprintf(buf, n, "%s", lb && lb->name[0] ? lb->name : "—");
		if (!lb || !lb->name[0])
			*attr = theme_attr(TH_DIM);
		break;
	case C_RATING:
		xm_stars(lb ? lb->safety : 0, buf, n);
		if (lb && lb->safety && lb->safety < m->so.threshold)
			*attr = theme_attr(TH_DIM); /* below the S+/S- threshold */
		break;
	case C_JUDGE: {
		const sf_verdict *v = xj_verdict(m, f);
		if (!v)
			break;
		snprintf(buf, n, v->score ? "%d" : "?", v->score);
		*attr = theme_attr(xj_disagrees(m, f) ? TH_ERROR : xj_unreviewed(m, f) ? TH_KEY : TH_DIM);
		break;
	}
	}
}

static double key_of(const struct features *F, int col, int f)
{
	const sf_stats *st = F->m->st;
	const sf_label *lb;
	switch (col) {
	case C_ID: return f;
	case C_SAL: return fabs(st->salience[f]);
	case C_CHOSEN: return st->chosen_sum[f];
	case C_REJ: return st->rejected_sum[f];
	case C_DENS_C: return st->density_chosen[f];
	case C_DENS_R: return st->density_rejected[f];
	case C_MAX: return st->max_act[f];
	case C_RATING:
		lb = xm_label_of(F->m, f);
		return lb ? lb->safety : 0;
	case C_JUDGE: {
		const sf_verdict *v = xj_verdict(F->m, f);
		return v ? (v->score ? v->score : 0.5) : 0;
	}
	}
	return 0;
}

static int cmp(size_t a, size_t b, void *ctx)
{
	struct features *F = ctx;
	int col = F->t.sort_col;
	if (col == C_LABEL) {
		const sf_label *la = xm_label_of(F->m, (int)a), *lb = xm_label_of(F->m, (int)b);
		const char *x = la ? la->name : "", *y = lb ? lb->name : "";
		/* unlabelled last whatever the direction would say */
		int c = strcasecmp(x, y);
		return c ? c : (a > b) - (a < b);
	}
	double x = key_of(F, col, (int)a), y = key_of(F, col, (int)b);
	if (x != y)
		return x < y ? -1 : 1;
	/* ties: by rank (|s| order), whatever the direction */
	int ra = F->m->st->rank[a], rb = F->m->st->rank[b];
	return F->t.sort_desc ? (ra < rb) - (ra > rb) : (ra > rb) - (ra < rb);
}

static int passes(const struct features *F, int f)
{
	const xmodel *m = F->m;
	const sf_label *lb;
	switch (F->filter) {
	case F_CANDIDATES: return m->st->rank[f] < m->so.candidates;
	case F_LABELLED:
		lb = xm_label_of(m, f);
		return lb && (lb->name[0] || lb->safety > 0 || lb->note[0]);
	case F_UNLABELLED:
		lb = xm_label_of(m, f);
		return !(lb && (lb->name[0] || lb->safety > 0 || lb->note[0]));
	case F_SPLUS: return F->in_set && F->in_set[f] > 0;
	case F_SMINUS: return F->in_set && F->in_set[f] < 0;
	case F_UNREVIEWED: return xj_unreviewed(m, f);
	case F_DISAGREE: return xj_disagrees(m, f);
	}
	return 1;
}

static void publish(struct features *F)
{
	F->m->order = F->view;
	F->m->norder = F->nview;
}

static void rebuild(struct features *F)
{
	xmodel *m = F->m;
	int keep = F->nview ? (int)F->view[F->t.sel] : m->cur_feature;
	F->nview = 0;
	if (!m->st || !F->view) {
		wtable_set_rows(&F->t, 0);
		publish(F);
		return;
	}
	if (F->filter == F_SPLUS || F->filter == F_SMINUS) {
		free(F->in_set);
		F->in_set = calloc((size_t)m->st->m + 1, 1);
		if (F->in_set && xm_scores(m) == 0) {
			for (int i = 0; i < m->safety->n_plus; i++)
				F->in_set[m->safety->plus[i]] = 1;
			for (int i = 0; i < m->safety->n_minus; i++)
				F->in_set[m->safety->minus[i]] = -1;
		}
	}
	/* Start from the |s| order so ties keep it. */
	for (int i = 0; i < m->st->m; i++) {
		int f = m->st->order[i];
		if (passes(F, f))
			F->view[F->nview++] = (size_t)f;
	}
	if (F->t.sort_col >= 0)
		wtable_sort_perm(F->view, F->nview, cmp, F, F->t.sort_desc);
	wtable_set_rows(&F->t, F->nview);
	for (size_t i = 0; i < F->nview; i++)
		if ((int)F->view[i] == keep) {
			wtable_select(&F->t, i);
			break;
		}
	publish(F);
}

/* New data: a view as wide as its features, from the top. */
static void reload(struct features *F)
{
	xmodel *m = F->m;
	free(F->view);
	F->view = calloc(m->st && m->st->m > 0 ? (size_t)m->st->m : 1, sizeof *F->view);
	F->nview = 0;
	F->t.sel = F->t.top = 0;
	rebuild(F);
}

/* Rebuild when what the view was made from changed (labels change the
 * label and rating columns' order and the filters; the safety sets the
 * S+/S- filters). */
static void sync(struct features *F)
{
	xmodel *m = F->m;
	unsigned long data = xm_gen(m, XG_DATA), rest = xm_gen(m, XG_LABELS | XG_SCORES);
	if (data != F->seen_data) {
		F->seen_data = data;
		F->seen_rest = rest;
		reload(F);
	} else if (rest != F->seen_rest) {
		F->seen_rest = rest;
		rebuild(F);
	}
	/* rebuild may have computed the safety sets */
	F->seen_rest = xm_gen(m, XG_LABELS | XG_SCORES);
}

static void title(struct features *F, char *buf, size_t n)
{
	char arrow[8] = "";
	if (F->t.sort_col >= 0)
		snprintf(arrow, sizeof arrow, "%s", F->t.sort_desc ? "▼" : "▲");
	snprintf(buf, n, "Features %zu of %d ─ sort: %s%s%s%s ─ filter: %s%s%s ─ rows: %s", F->nview,
	         F->m->st->m, F->t.sort_col == C_SAL ? "|" : "",
	         F->t.sort_col >= 0 ? col_names[F->t.sort_col] : "rank",
	         F->t.sort_col == C_SAL ? "|" : "", arrow, filter_names[F->filter],
	         F->search[0] ? " ─ / " : "", F->search, rows_mode_name(F->m->st->rows_mode));
}

static void draw(screen *s, app *a, wrect r)
{
	struct features *F = s->data;
	char t[512];
	(void)a;
	sync(F);
	if (!F->m->st) {
		wdraw_str(stdscr, r.y + 1, 2, r.w - 4, F->m->state, theme_attr(TH_NORMAL));
		return;
	}
	title(F, t, sizeof t);
	F->t.title = t;
	wtable_draw(stdscr, r, &F->t);
	F->t.title = NULL;
}

static void select_changed(struct features *F)
{
	if (F->nview)
		F->m->cur_feature = (int)F->view[F->t.sel];
}

/* Search: label names (substring, any case) and ids (prefix). */
static int matches(const struct features *F, int f)
{
	char id[16];
	snprintf(id, sizeof id, "%d", f);
	if (!strncmp(id, F->search, strlen(F->search)))
		return 1;
	const sf_label *lb = xm_label_of(F->m, f);
	return lb && strcasestr(lb->name, F->search) != NULL;
}

static int search_step(struct features *F, int dir, int from_current)
{
	if (!F->search[0] || !F->nview)
		return -1;
	size_t n = F->nview, start = F->t.sel;
	for (size_t i = from_current ? 0 : 1; i <= n; i++) {
		size_t j = dir > 0 ? (start + i) % n : (start + n - i % n) % n;
		if (matches(F, (int)F->view[j])) {
			wtable_select(&F->t, j);
			select_changed(F);
			return 0;
		}
	}
	app_msg(F->m->a, MSG_ERROR, "no match for '%s'", F->search);
	return -1;
}

static void on_search(void *ctx, const char *line)
{
	struct features *F = ctx;
	if (!line)
		return;
	snprintf(F->search, sizeof F->search, "%s", line);
	if (search_step(F, 1, 1))
		F->search[0] = '\0'; /* the title shows a search that found something */
	app_redraw(F->m->a);
}

static void on_label(void *ctx, const char *line)
{
	struct features *F = ctx;
	if (line)
		xm_label(F->m, F->m->cur_feature, line, -1, NULL);
}

/* Label names for `/`. */
static const char *search_word(void *ctx, size_t i)
{
	struct features *F = ctx;
	const sf_labels *L = F->m->L;
	for (size_t j = 0; L && j < L->n; j++)
		if (L->v[j].name[0] && i-- == 0)
			return L->v[j].name;
	return NULL;
}

static int key(screen *s, app *a, int k)
{
	struct features *F = s->data;
	xmodel *m = F->m;
	sync(F);
	if (!m->st)
		return WF_IGNORED;
	int f = wtable_key(&F->t, k);
	if (f & WF_SORT) {
		rebuild(F);
		return WF_HANDLED | WF_REDRAW;
	}
	if (f & WF_ACCEPT) {
		if (F->nview)
			xm_open(m, XS_FEATURE, (long)F->view[F->t.sel]);
		return WF_HANDLED;
	}
	if (f & WF_HANDLED) {
		select_changed(F);
		return f;
	}
	const sf_label *lb;
	switch (k) {
	case '/':
		app_prompt(a, 2, "/", NULL, on_search, search_word, F);
		return WF_HANDLED;
	case 'n': search_step(F, 1, 0); return WF_HANDLED;
	case 'N': search_step(F, -1, 0); return WF_HANDLED;
	case 'f':
		F->filter = (F->filter + 1) % NFILTERS;
		rebuild(F);
		return WF_HANDLED;
	case 'l':
		if (!F->nview)
			return WF_HANDLED;
		lb = xm_label_of(m, m->cur_feature);
		snprintf(F->prompt, sizeof F->prompt, "feature %d name: ", m->cur_feature);
		app_prompt(a, 1, F->prompt, lb ? lb->name : "", on_label, NULL, F);
		return WF_HANDLED;
	case '0': case '1': case '2': case '3': case '4': case '5':
		if (F->nview)
			xm_label(m, m->cur_feature, NULL, k - '0', NULL);
		return WF_HANDLED;
	case 'u': xm_undo(m); return WF_HANDLED;
	case 'a':
		if (F->nview)
			xj_accept(m, m->cur_feature);
		return WF_HANDLED;
	case 'J': xj_next_unreviewed(m); return WF_HANDLED;
	case 18 /* ^R */: xm_redo(m); return WF_HANDLED;
	}
	return WF_IGNORED;
}

static int click(screen *s, app *a, wrect body, int y, int x, int dbl)
{
	struct features *F = s->data;
	sync(F);
	if (!F->m->st)
		return WF_IGNORED;
	int f = wtable_click(&F->t, body, y, x);
	if (f & WF_SORT)
		rebuild(F);
	if (f & WF_SELECT)
		select_changed(F);
	if (((f & WF_ACCEPT) || (dbl && (f & WF_SELECT))) && F->nview)
		xm_open(F->m, XS_FEATURE, (long)F->view[F->t.sel]);
	(void)a;
	return f;
}

static void enter(screen *s, app *a)
{
	struct features *F = s->data;
	(void)a;
	sync(F);
	/* Come back to the feature last looked at. */
	for (size_t i = 0; i < F->nview; i++)
		if ((int)F->view[i] == F->m->cur_feature) {
			wtable_select(&F->t, i);
			break;
		}
}

static void destroy(screen *s)
{
	(void)s; /* lives as long as the model */
}

static void features_free(screen *s)
{
	if (!s)
		return;
	struct features *F = s->data;
	if (F->m->order == F->view)
		F->m->order = NULL;
	free(F->view);
	free(F->in_set);
	free(F);
	free(s);
}

static const screen_ops ops = {
	.name = "Features",
	.draw = draw,
	.key = key,
	.click = click,
	.enter = enter,
	.destroy = destroy,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
};

static screen *features_new(xmodel *m)
{
	screen *s = screen_new(&ops, sizeof(struct features));
	if (!s)
		return NULL;
	struct features *F = s->data;
	F->m = m;
	wtable_init(&F->t, cols, NCOLS, cell, F);
	wtable_sort_by(&F->t, C_SAL, 1);
	F->seen_data = xm_gen(m, XG_DATA);
	reload(F);
	if (!F->view) {
		features_free(s);
		return NULL;
	}
	return s;
}

/* A feature id selects that row; XM_TOP the first. */
static void features_target(screen *s, long arg)
{
	struct features *F = s->data;
	sync(F);
	if (arg == XM_TOP && F->nview) {
		wtable_select(&F->t, 0);
		select_changed(F);
	} else if (arg >= 0) {
		F->m->cur_feature = (int)arg; /* enter() selects it */
	}
}

const xscreen_def xs_features_def = { "Features", features_new, features_free, features_target };

/* ---- the commands that drive this screen ---------------------------------- */

static struct features *shown(xmodel *m)
{
	struct features *F = xm_screen(m, XS_FEATURES)->data;
	sync(F);
	if (!m->st) {
		app_msg(m->a, MSG_ERROR, "%s", m->state);
		return NULL;
	}
	xm_open(m, XS_FEATURES, XM_KEEP);
	return F;
}

static int do_sort(xmodel *m, int argc, char **argv)
{
	struct features *F = shown(m);
	if (!F)
		return -1;
	size_t n = strlen(argv[1]);
	int given = argc > 2, desc = given && !strcmp(argv[2], "desc");
	if (given && !desc && strcmp(argv[2], "asc")) {
		app_msg(m->a, MSG_ERROR, "usage: :sort COLUMN [asc|desc]");
		return -1;
	}
	for (int c = 0; c < NCOLS; c++)
		if (n && !strncasecmp(col_names[c], argv[1], n)) {
			/* numbers read best largest first; text A to Z */
			wtable_sort_by(&F->t, c, given ? desc : (c != C_LABEL && c != C_ID));
			rebuild(F);
			return 0;
		}
	app_msg(m->a, MSG_ERROR, "no column '%s' (id salience chosen rejected density-chosen "
	        "density-rejected max label rating)", argv[1]);
	return -1;
}

#define FILTER_LIST "all candidates labelled unlabelled s+ s- unreviewed disagree"

static int do_filter(xmodel *m, int argc, char **argv)
{
	struct features *F = shown(m);
	const char *name = argc > 1 ? argv[1] : "all";
	if (!F)
		return -1;
	for (int i = 0; i < NFILTERS; i++)
		if (!strcasecmp(filter_names[i], name) ||
		    (i == F_LABELLED && !strcasecmp(name, "labeled")) ||
		    (i == F_UNLABELLED && !strcasecmp(name, "unlabeled"))) {
			F->filter = i;
			rebuild(F);
			app_msg(m->a, MSG_INFO, "filter: %s (%zu of %d features)%s", filter_names[i],
			        F->nview, m->st->m, argc > 1 ? "" : " · :filter NAME: " FILTER_LIST);
			return 0;
		}
	app_msg(m->a, MSG_ERROR, "no filter '%s' (" FILTER_LIST ")", name);
	return -1;
}

static int do_search(xmodel *m, int argc, char **argv)
{
	struct features *F = shown(m);
	if (!F)
		return -1;
	xcmd_join(F->search, sizeof F->search, argc, argv, 1);
	if (search_step(F, 1, 1)) {
		F->search[0] = '\0';
		return -1;
	}
	return 0;
}

static const char *const order_words[] = { "asc", "desc", NULL };

const xcmd xcmd_sort = {
	.name = "sort", .usage = "COLUMN [asc|desc]",
	.help = "id salience chosen rejected density-chosen density-rejected max label rating judge",
	.min = 1, .max = 2, .screens = XS_ANALYSIS, .complete = { XC_LIST, XC_LIST },
	.words = { col_names, order_words }, .fn = do_sort,
};
const xcmd xcmd_filter = {
	.name = "filter", .usage = "NAME",
	.help = "all candidates labelled unlabelled s+ s- unreviewed disagree",
	.min = 0, .max = 1, .screens = XS_ANALYSIS, .complete = { XC_LIST },
	.words = { filter_names }, .fn = do_filter,
};
const xcmd xcmd_search = {
	.name = "search", .usage = "TEXT", .help = "label names and ids, as /",
	.min = 1, .max = XCMD_TEXT, .screens = XS_ANALYSIS, .complete = { XC_FEATURE },
	.fn = do_search,
};
