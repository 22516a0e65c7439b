/* Pair: one preference pair's prompt, chosen and rejected responses with
 * heat for the current feature or for the whole safety score, the pair's
 * score and its fate in the current plan, and below them the pair's reward
 * attribution as signed bars (pair_attrib.h), each opening its feature. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/explore/pair_attrib.h"
#include "tui/explore/probe_screen.h"
#include "tui/explore/screens.h"
#include "widgets/draw.h"
#include "widgets/theme.h"
#include "widgets/tokview.h"

struct pair_view {
	xmodel *m;
	size_t p;
	int safety_heat; /* 0: current feature, 1: safety score */
	int focus;       /* 0 prompt, 1 chosen, 2 rejected, 3 the attribution bars */
	xattrib bars;
	int first[4];    /* first wrapped line shown per section (3: unused) */
	wtok *toks[3];
	size_t ntoks[3];
	unsigned long seen; /* XG_DATA | XG_SCORES generation of the tokens' heat */
	pair_rec rec;       /* pair rec_p parsed from the file (the tokens point into it) */
	size_t rec_p;
	int has_rec;
	char err[512];      /* why it could not be read */
};

/* "[ ]" and "j/k" send their first key (a step: harmless). */
static const wkey keys[] = {
	{ "[ ]", "prev/next pair of the list", ']' }, { "H", "heat: feature / safety", 'H' },
	{ "Tab", "section", '\t' }, { "j/k", "scroll", 'j' }, { "g/G", "top/end", 'g' },
	{ "b", "attribution bars", 'b' }, { "Enter", "open the bar's feature", '\n' },
	{ "i", "include/exclude in plan", 'i' },
	{ "A", "flip/drop/none", 'A' }, { "p", "probe: edit and ask the model", 'p' },
	{ "q Esc", "back", 'q' }, { "h ?", "help", 'h' },
	{ "Space PgDn/PgUp ^F/^B", "page down/up", ' ' }, { "^D/^U", "half a page down/up", 4 },
	{ "←/→", "as [ ]", 0 },
};

static void free_toks(struct pair_view *V)
{
	for (int i = 0; i < 3; i++) {
		free(V->toks[i]);
		V->toks[i] = NULL;
		V->ntoks[i] = 0;
	}
}

/* Tokens of one side from the store; the raw text when it has no rows. */
static void build(struct pair_view *V)
{
	xmodel *m = V->m;
	free_toks(V);
	if (!V->has_rec || V->rec_p != V->p) {
		sf_err e;
		if (V->has_rec)
			pair_rec_free(&V->rec);
		V->has_rec = pairs_get(m->P, V->p, &V->rec, &e) == 0;
		V->rec_p = V->p;
		snprintf(V->err, sizeof V->err, "%s", V->has_rec ? "" : e.msg);
	}
	static const pair_rec none = { "", "", "", 0, 0, 0, NULL, NULL, 0, 0, NULL };
	const pair_rec *pr = V->has_rec ? &V->rec : &none;
	V->seen = xm_gen(m, XG_DATA | XG_SCORES);
	float mx = 1;
	if (V->safety_heat) {
		mx = 0;
		for (int sd = 0; sd < 3; sd++) {
			size_t b, e;
			store_response_rows(m->s, V->p, sd, &b, &e);
			for (size_t r = b; r < e; r++)
				if (fabsf(xm_safety_act(m, r)) > mx)
					mx = fabsf(xm_safety_act(m, r));
		}
	} else if (m->st && m->cur_feature >= 0 && m->cur_feature < m->st->m &&
	           m->st->max_act[m->cur_feature] > 0) {
		mx = m->st->max_act[m->cur_feature];
	}
	if (!(mx > 0))
		mx = 1;
	for (int sd = 0; sd < 3; sd++) {
		size_t b, e;
		store_response_rows(m->s, V->p, sd, &b, &e);
		const char *t = sd == 0 ? pr->prompt : sd == 1 ? pr->chosen : pr->rejected;
		size_t l = sd == 0 ? pr->prompt_len : sd == 1 ? pr->chosen_len : pr->rejected_len;
		size_t n = e > b ? e - b : 1;
		if (e <= b) /* no rows: the text cut at spaces, for word wrap */
			for (size_t i = 0; i < l; i++)
				n += t[i] == ' ';
		V->toks[sd] = calloc(n, sizeof(wtok));
		if (!V->toks[sd])
			continue;
		if (e <= b) {
			size_t k = 0, from = 0;
			for (size_t i = 1; i <= l; i++)
				if (i == l || t[i] == ' ') {
					V->toks[sd][k++] = (wtok){ t + from, i - from, 0, 0 };
					from = i;
				}
			V->ntoks[sd] = k;
			continue;
		}
		for (size_t r = b; r < e; r++) {
			size_t len;
			wtok *tk = &V->toks[sd][r - b];
			tk->s = store_token(m->s, r, &len);
			tk->len = len;
			/* the safety score signed: S+ in the warm hue, S- in the blue one */
			float h = V->safety_heat ? xm_safety_act(m, r) : xm_act(m, r, m->cur_feature);
			tk->heat = h / mx;
		}
		V->ntoks[sd] = e - b;
	}
}

static void load(struct pair_view *V, size_t p)
{
	V->p = p;
	V->m->cur_pair = p;
	memset(V->first, 0, sizeof V->first);
	xm_scores(V->m);
	build(V);
}

/* Other statistics or safety sets: the heat again. */
static void sync(struct pair_view *V)
{
	if (V->p < V->m->P->n && V->seen != xm_gen(V->m, XG_DATA | XG_SCORES)) {
		xm_scores(V->m);
		build(V);
	}
}

static void draw(screen *s, app *a, wrect r)
{
	struct pair_view *V = s->data;
	xmodel *m = V->m;
	(void)a;
	if (V->p >= m->P->n)
		return;
	sync(V);
	const char *id = pairs_id(m->P, V->p), *cat = pairs_category(m->P, V->p);
	int split = pairs_split(m->P, V->p);
	char score[64] = "score —", fate[96] = "untouched";
	if (m->sc)
		snprintf(score, sizeof score, "score %+.4f", m->sc->score[V->p]);
	if (split == SPLIT_TEST)
		snprintf(fate, sizeof fate, "test pair: never edited");
	else if (m->plan && m->actions && m->actions[V->p])
		snprintf(fate, sizeof fate, "%s (%s plan)", plan_action_name(m->actions[V->p]),
		         plan_strategy_name(m->plan->strategy));
	else if (!m->plan)
		snprintf(fate, sizeof fate, "no plan");
	char heat[64];
	if (V->safety_heat)
		snprintf(heat, sizeof heat, "safety score: S+ warm, S− blue");
	else
		snprintf(heat, sizeof heat, "feature %d", m->cur_feature);
	char where[96] = "";
	long at;
	if (xm_pair_pos(m, V->p, &at))
		snprintf(where, sizeof where, " · %ld/%zu %s", at + 1, m->n_pair_list,
		         m->pair_list_what);
	wdraw_fmt(stdscr, r.y, 1, r.w - 2, theme_attr(TH_NORMAL) | A_BOLD,
	          "Pair %zu of %zu%s · id %s · %s · %s · %s · plan: %s", V->p, m->P->n, where,
	          id ? id : "—", cat ? cat : "no category", split == SPLIT_TEST ? "test" : "train",
	          score, fate);
	if (V->err[0]) {
		wdraw_str(stdscr, r.y + 1, 1, r.w - 2, V->err, theme_attr(TH_NEG));
		return;
	}
	/* prompt gets a quarter, the attribution bars up to a third, the
	 * responses share the rest */
	int body = r.h - 1, ph = body / 4 < 3 ? 3 : body / 4;
	xattrib_sync(&V->bars, m, V->p);
	int bh = body >= 14 ? xattrib_rows(&V->bars) + 2 : 0;
	if (bh < 3 && body >= 14)
		bh = 3; /* a line saying why there are none */
	if (bh > body / 3)
		bh = body / 3;
	wrect sec[3];
	sec[0] = wrect_make(r.y + 1, r.x, ph, r.w);
	wrect rest = wrect_make(r.y + 1 + ph, r.x, body - ph - bh, r.w);
	if (bh)
		xattrib_draw(&V->bars, m, wrect_make(r.y + 1 + body - bh, r.x, bh, r.w), V->focus == 3);
	else if (V->focus == 3)
		V->focus = 0;
	wlayout_panes(rest, 2, 60, &sec[1]);
	static const char *const names[3] = { "prompt", "chosen", "rejected" };
	for (int i = 0; i < 3; i++) {
		char title[96];
		if (i > 0 && m->sc)
			snprintf(title, sizeof title, "%s · a = %+.4f", names[i],
			         i == 1 ? m->sc->a_chosen[V->p] : m->sc->a_rejected[V->p]);
		else
			snprintf(title, sizeof title, "%s · heat: %s", names[i], heat);
		wdraw_box(stdscr, sec[i], title, theme_attr(TH_BORDER),
		          theme_attr(V->focus == i ? TH_SELECTED : TH_NORMAL) | A_BOLD);
		wrect in = wrect_make(sec[i].y + 1, sec[i].x + 1, sec[i].h - 2, sec[i].w - 2);
		int lines = wtok_lines(V->toks[i], V->ntoks[i], in.w, WTOK_BREAK_NL | WTOK_WORDS);
		if (V->first[i] > lines - 1)
			V->first[i] = lines > 0 ? lines - 1 : 0;
		wtok_draw(stdscr, in, V->toks[i], V->ntoks[i], V->first[i], WTOK_BREAK_NL | WTOK_WORDS);
	}
}

static int key(screen *s, app *a, int k)
{
	struct pair_view *V = s->data;
	xmodel *m = V->m;
	(void)a;
	if (V->p >= m->P->n)
		return WF_IGNORED;
	if (V->focus == 3 && xattrib_key(&V->bars, m, k) != WF_IGNORED)
		return WF_HANDLED;
	switch (k) {
	case 'b': V->focus = V->focus == 3 ? 1 : 3; return WF_HANDLED;
	case '[': case KEY_LEFT: case ']': case KEY_RIGHT: {
		/* Through the list the pair was opened from, else by index. */
		int d = k == ']' || k == KEY_RIGHT ? 1 : -1;
		long at;
		if (xm_pair_pos(m, V->p, &at)) {
			if (at + d >= 0 && (size_t)(at + d) < m->n_pair_list)
				load(V, m->pair_list[at + d]);
			else
				app_msg(a, MSG_INFO, "the %s pair %s", d > 0 ? "last" : "first",
				        m->pair_list_what);
		} else if (d > 0 ? V->p + 1 < m->P->n : V->p > 0) {
			load(V, d > 0 ? V->p + 1 : V->p - 1);
		}
		return WF_HANDLED;
	}
	case 'H': /* s sorts elsewhere */
		V->safety_heat = !V->safety_heat;
		build(V);
		return WF_HANDLED;
	case '\t': V->focus = (V->focus + 1) % 4; return WF_HANDLED;
	case KEY_BTAB: V->focus = (V->focus + 3) % 4; return WF_HANDLED;
	case 'j': case KEY_DOWN: V->first[V->focus]++; return WF_HANDLED;
	case 'k': case KEY_UP: if (V->first[V->focus]) V->first[V->focus]--; return WF_HANDLED;
	case KEY_NPAGE: case ' ': V->first[V->focus] += 10; return WF_HANDLED;
	case KEY_PPAGE: V->first[V->focus] = V->first[V->focus] > 10 ? V->first[V->focus] - 10 : 0; return WF_HANDLED;
	case 'g': case KEY_HOME: V->first[V->focus] = 0; return WF_HANDLED;
	case 'G': case KEY_END: V->first[V->focus] = 1 << 20; return WF_HANDLED; /* drawn clamped */
	case 4 /* ^D */: case 6 /* ^F */: V->first[V->focus] += k == 4 ? 5 : 10; return WF_HANDLED;
	case 21 /* ^U */: case 2 /* ^B */: {
		int d = k == 21 ? 5 : 10;
		V->first[V->focus] = V->first[V->focus] > d ? V->first[V->focus] - d : 0;
		return WF_HANDLED;
	}
	case 'i': xm_plan_mark(m, V->p, XM_TOGGLE); return WF_HANDLED;
	case 'A': xm_plan_mark(m, V->p, XM_CYCLE); return WF_HANDLED;
	case 'p':
		xm_open(m, XS_PROBE, xprobe_arg(V->p, V->focus == 2 ? SIDE_REJECTED : SIDE_CHOSEN));
		return WF_HANDLED;
	}
	return WF_IGNORED;
}

static void enter(screen *s, app *a)
{
	struct pair_view *V = s->data;
	(void)a;
	if (V->m->cur_pair >= V->m->P->n)
		return;
	if (V->p != V->m->cur_pair || !V->toks[1])
		load(V, V->m->cur_pair);
	else
		build(V); /* the current feature may have changed */
}

static void destroy(screen *s)
{
	(void)s;
}

static const screen_ops ops = {
	.name = "Pair",
	.draw = draw,
	.key = key,
	.enter = enter,
	.destroy = destroy,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
	.counts = 1,
};

static screen *pair_new(xmodel *m)
{
	screen *s = screen_new(&ops, sizeof(struct pair_view));
	if (!s)
		return NULL;
	struct pair_view *V = s->data;
	V->m = m;
	V->p = (size_t)-1;
	return s;
}

/* The pair to show: loaded by enter(). */
static void pair_target(screen *s, long arg)
{
	struct pair_view *V = s->data;
	if (arg >= 0) {
		V->m->cur_pair = (size_t)arg;
		V->p = (size_t)-1;
	}
}

static void pair_free(screen *s)
{
	if (!s)
		return;
	struct pair_view *V = s->data;
	free_toks(V);
	xattrib_free(&V->bars);
	if (V->has_rec)
		pair_rec_free(&V->rec);
	free(s->data);
	free(s);
}

const xscreen_def xs_pair_def = { "Pair", pair_new, pair_free, pair_target };
