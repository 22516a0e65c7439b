/* Features: every feature of the SAE as a table, sortable by any column,
 * filtered (candidates, labelled, unlabelled, S+, S-, judged but not
 * reviewed, judge and person disagree), searched with `/` and `?` over
 * label names and notes (regular expressions) and ids, or (`/t:TEXT`)
 * narrowed to the features that fire where a token text occurs, by their
 * activation there (text_search.h). The judge's score stands beside the
 * person's rating, in digits where the person's is in stars. The paired
 * salience (safer-method.md §12) shows with its 95% interval, "~" marking
 * a mean whose interval holds 0, and the reward effect (§10) beside it,
 * on terminals wide enough to keep the label's room (any width sorts by
 * them: :sort paired). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/explore/commands.h"
#include "tui/explore/judge.h"
#include "tui/explore/screens.h"
#include "tui/explore/text_search.h"
#include "widgets/draw.h"
#include "widgets/table.h"
#include "widgets/theme.h"

enum { C_ID, C_SAL, C_CHOSEN, C_REJ, C_DENS_C, C_DENS_R, C_MAX, C_LABEL, C_RATING, C_JUDGE,
       C_PAIRED, C_CI, C_EFFECT, NCOLS };
enum { F_ALL, F_CANDIDATES, F_LABELLED, F_UNLABELLED, F_SPLUS, F_SMINUS, F_UNREVIEWED,
       F_DISAGREE, NFILTERS };

static const char *const col_names[NCOLS + 1] = { "id", "salience", "chosen", "rejected",
	"density-chosen", "density-rejected", "max", "label", "rating", "judge", "paired",
	"interval", "reward", NULL };
static const char *const filter_names[NFILTERS + 1] = { "all", "candidates", "labelled",
	"unlabelled", "s+", "s-", "unreviewed", "disagree", NULL };

static const wtable_col cols[NCOLS] = {
	{ "id", 6, 1, 0 },       { "salience", 9, 1, 0 }, { "chosen Σ", 11, 1, 0 },
	{ "rejected Σ", 11, 1, 0 }, { "dens.c", 7, 1, 0 },  { "dens.r", 7, 1, 0 },
	{ "max", 7, 1, 0 },      { "label", 20, 0, 1 },   { "rating", 6, 0, 0 },
	{ "judge", 5, 1, 0 },    { "paired", 7, 1, 0 },   { "95% interval", 15, 1, 0 },
	{ "reward", 7, 1, 0 },
};
/* Narrow terminals lose the paired columns first, then the densities, max
 * and the sums: the
 * id, salience, label and rating always stay. */
static const int cols_drop[NCOLS] = { 0, 0, 8, 7, 5, 4, 6, 0, 0, 9, 1, 2, 3 };

struct features {
	xmodel *m;
	wtable t;
	size_t *view; /* feature ids shown, in order */
	size_t nview;
	int filter;
	signed char *in_set; /* [m] +1 S+, -1 S-, for the S+/S- filters */
	xtext_search ts;     /* the token-text mode, when ts.text[0] */
	/* the model generations the view was built from */
	unsigned long seen_data, seen_rest;
};

/* A click on a label sends its code: "n/N" the next match and "j/k g/G"
 * one row down (the first key: harmless); "1-5" nothing, since any one
 * of them would be a rating the user did not pick. Keys mean the same on
 * every screen (l names, m notes, n next match, h help). */
static const wkey keys[] = {
	{ "Enter", "open", '\n' }, { "/ ?", "search", '/' }, { "n/N", "next/prev", 'n' },
	{ "l", "label", 'l' }, { "m", "note", 'm' }, { "1-5", "rate", 0 },
	{ "0", "unrate", '0' }, { "u ^R", "undo/redo", 'u' }, { "s", "sort", 's' },
	{ "f", "filter", 'f' }, { "r", "reverse", 'r' }, { "e", "edits", 'e' },
	{ "t", "train", 't' }, { "p", "probe", 'p' }, { "h", "help", 'h' },
	{ "q", "quit", 'q' }, { "T /t:", "features on a token text", 'T' },
	{ "a", "accept the judge's score", 'a' }, { "J", "next judge suggestion", 'J' },
	{ "j/k g/G", "move, top/end", 'j' }, { "< >", "sort by the column left/right", '>' },
	{ "^D/^U", "half a page down/up", 4 },
	{ "PgDn/PgUp Space ^F/^B", "page down/up", KEY_NPAGE }, { ":", "command", ':' },
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
	case C_PAIRED:
		if (!m->pd || f >= m->pd->m)
			break;
		/* ~: the interval holds 0, the sign is not known */
		snprintf(buf, n, "%s%+.3f", paired_spans_zero(m->pd, f) ? "~" : "", m->pd->mean[f]);
		*attr = theme_attr(paired_spans_zero(m->pd, f) ? TH_DIM
		                   : m->pd->mean[f] >= 0 ? TH_POS : TH_NEG);
		break;
	case C_CI:
		if (m->pd && f < m->pd->m)
			snprintf(buf, n, "[%+.3f %+.3f]", m->pd->lo[f], m->pd->hi[f]);
		if (m->pd && f < m->pd->m && paired_spans_zero(m->pd, f))
			*attr = theme_attr(TH_DIM);
		break;
	case C_EFFECT:
		if (!m->ef || f >= m->ef->m)
			break;
		snprintf(buf, n, "%+.3f", m->ef->e[f]);
		*attr = theme_attr(m->ef->e[f] >= 0 ? TH_POS : TH_NEG);
		break;
	}
}

/* How sure the interval is of the sign: its distance from 0 (0 when it
 * holds 0). */
static double interval_key(const sf_paired *pd, int f)
{
	if (paired_spans_zero(pd, f))
		return 0;
	return pd->lo[f] > 0 ? pd->lo[f] : -pd->hi[f];
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
	case C_PAIRED: return F->m->pd && f < F->m->pd->m ? fabs(F->m->pd->mean[f]) : 0;
	case C_CI: return F->m->pd && f < F->m->pd->m ? interval_key(F->m->pd, f) : 0;
	case C_EFFECT: return F->m->ef && f < F->m->ef->m ? fabs(F->m->ef->e[f]) : 0;
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
	/* Start from the |s| order so ties keep it (the token-text mode: from
	 * its order). */
	for (size_t i = 0; !F->ts.text[0] && i < (size_t)m->st->m; i++) {
		int f = m->st->order[i];
		if (passes(F, f))
			F->view[F->nview++] = (size_t)f;
	}
	for (size_t i = 0; F->ts.text[0] && i < F->ts.n; i++) {
		int f = F->ts.hits[i].feature;
		if (f < m->st->m && passes(F, f))
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
	sf_err e;
	char text[sizeof F->ts.text];
	snprintf(text, sizeof text, "%s", F->ts.text);
	if (text[0] && xts_run(m, &F->ts, text, &e))
		xts_clear(&F->ts); /* new latents that cannot be searched: mode off */
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
	int bars = F->t.sort_col == C_SAL || F->t.sort_col == C_PAIRED || F->t.sort_col == C_EFFECT;
	/* the token-text mode says its rows (all) itself */
	snprintf(buf, n, "Features %zu of %d ─ sort: %s%s%s%s ─ filter: %s%s%s%s%s", F->nview,
	         F->m->st->m, bars ? "|" : "",
	         F->t.sort_col >= 0 ? col_names[F->t.sort_col]
	         : F->ts.text[0]    ? "activation on the text"
	                            : "rank",
	         bars ? "|" : "", arrow, filter_names[F->filter],
	         F->m->fsearch.pat[0] ? (F->m->fsearch.dir < 0 ? " ─ ? " : " ─ / ") : "",
	         F->m->fsearch.pat, F->ts.text[0] ? "" : " ─ rows: ",
	         F->ts.text[0] ? "" : rows_mode_name(F->m->st->rows_mode));
	if (F->ts.text[0]) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, " ─ token text \"%.60s\": %llu rows (all rows)", F->ts.text,
		         (unsigned long long)F->ts.rows);
	}
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
	/* the reward columns where they leave the label its room: the paired
	 * mean from 108 columns, its interval and the reward effect from 130 */
	F->t.ncols = r.w >= 130 ? NCOLS : r.w >= 108 ? C_PAIRED + 1 : C_PAIRED;
	wtable_draw(stdscr, r, &F->t);
	F->t.title = NULL;
}

static void select_changed(struct features *F)
{
	if (F->nview)
		F->m->cur_feature = (int)F->view[F->t.sel];
}

/* The features search lives in the model (the Feature screen's n N step
 * through it too): here the table follows it. */
static void follow(struct features *F)
{
	for (size_t i = 0; i < F->nview; i++)
		if ((int)F->view[i] == F->m->cur_feature) {
			wtable_select(&F->t, i);
			return;
		}
}

/* `/t:TEXT`: the token-text mode on (off with an empty TEXT). */
static void text_mode(struct features *F, const char *text)
{
	sf_err e;
	F->m->fsearch.pat[0] = '\0';
	if (!text[0]) {
		xts_clear(&F->ts);
		wtable_sort_by(&F->t, C_SAL, 1);
	} else if (xts_run(F->m, &F->ts, text, &e)) {
		app_msg(F->m->a, MSG_ERROR, "%s", e.msg);
		return;
	} else {
		F->t.sort_col = -1; /* their order: by activation on the matching rows */
		if (!F->ts.n)
			app_msg(F->m->a, MSG_ERROR, "no feature fires on a token with \"%s\" (%llu rows)",
			        text, (unsigned long long)F->ts.rows);
	}
	F->t.sel = F->t.top = 0;
	F->nview = 0; /* rebuild keeps no selection */
	rebuild(F);
	select_changed(F);
	app_redraw(F->m->a);
}

static void on_search_dir(struct features *F, const char *line, int dir)
{
	if (!line)
		return;
	if (!strncmp(line, "t:", 2)) {
		text_mode(F, line + 2);
		return;
	}
	if (xm_search_features(F->m, line, dir) >= 0)
		follow(F);
	app_redraw(F->m->a);
}

static void on_search(void *ctx, const char *line) { on_search_dir(ctx, line, 1); }
static void on_search_up(void *ctx, const char *line) { on_search_dir(ctx, line, -1); }

static void search_next(struct features *F, int same)
{
	int d = F->m->fsearch.dir ? F->m->fsearch.dir : 1;
	if (xm_search_feature(F->m, same ? d : -d, 0) >= 0)
		follow(F);
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
	switch (k) {
	case '/':
		app_prompt(a, WINPUT_SEARCH, "/", NULL, on_search, search_word, F);
		return WF_HANDLED;
	case 'T':
		app_prompt(a, WINPUT_SEARCH, "/", "t:", on_search, search_word, F);
		return WF_HANDLED;
	case '?':
		app_prompt(a, WINPUT_SEARCH, "?", NULL, on_search_up, search_word, F);
		return WF_HANDLED;
	case 'n': search_next(F, 1); return WF_HANDLED;
	case 'N': search_next(F, 0); return WF_HANDLED;
	case 'f':
		F->filter = (F->filter + 1) % NFILTERS;
		rebuild(F);
		return WF_HANDLED;
	case 'l': case 'm':
		if (F->nview)
			xm_prompt_label(m, m->cur_feature, k == 'm');
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
	case 'p': xm_open(m, XS_PROBE, XM_KEEP); return WF_HANDLED;
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
	xts_clear(&F->ts);
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
	F->t.hl = &m->fsearch;
	F->t.drop = cols_drop;
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
	        "density-rejected max label rating judge paired interval reward)", argv[1]);
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
	char text[WSEARCH_MAX];
	xcmd_join(text, sizeof text, argc, argv, 1);
	if (xm_search_features(m, text, 1) < 0)
		return -1;
	follow(F);
	return 0;
}

static const char *const order_words[] = { "asc", "desc", NULL };

const xcmd xcmd_sort = {
	.name = "sort", .usage = "COLUMN [asc|desc]",
	.help = "id salience chosen rejected density-chosen density-rejected max label rating judge "
	        "paired interval reward",
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
	.name = "search", .usage = "TEXT", .help = "label names and notes (regular expression), ids; as /",
	.min = 1, .max = XCMD_TEXT, .screens = XS_ANALYSIS, .complete = { XC_FEATURE },
	.fn = do_search,
};
