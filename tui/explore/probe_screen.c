/* Probe: a prompt and a response of your own, or a pair's with an edit,
 * against the live reward model through a probe server (safer-serve):
 * per-token heat for the current feature or the S+/S- score, the top
 * features of the edited text beside the original's with their deltas,
 * a(resp) and the reward before and after, and the pair's score with the
 * edited response in place. Requests run on their own thread
 * (probe_work.h) with a spinner and x to cancel; results are cached per
 * text. */
#include "tui/explore/probe_screen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/textsafe.h"
#include "engine/probe/record.h"
#include "engine/ws/probes_ws.h"
#include "tui/explore/commands.h"
#include "tui/explore/probe_edit.h"
#include "tui/explore/probe_work.h"
#include "widgets/draw.h"
#include "widgets/theme.h"
#include "widgets/tokview.h"

enum { FEAT_ROWS = 64 };

typedef struct frow {
	int feature;
	double edited, original; /* totals */
} frow;

struct probe_view {
	xmodel *m;
	pwork *w;
	char url[2100];
	long pair;          /* -1: a text of one's own */
	int side;           /* SIDE_CHOSEN / SIDE_REJECTED of the pair */
	char *oprompt, *oresponse; /* the original texts */
	char *prompt, *response;   /* the edited ones */
	int focus;          /* 0 prompt, 1 response */
	int safety_heat;
	int first;          /* first wrapped line of the response */
	int sel;            /* selected feature row */
	frow rows[FEAT_ROWS];
	int nrows;
	int spin;
	char save_name[PROBE_NAME_MAX + 1];
};

static const wkey keys[] = {
	{ "e", "edit in $EDITOR", 'e' }, { "i", "edit as one line", 'i' },
	{ "Tab", "prompt / response", '\t' }, { "s", "heat: feature / safety", 's' },
	{ "j/k", "feature", 'j' }, { "Enter", "heat of that feature", '\n' },
	{ "c", "back to the original", 'c' }, { "o", "make this the original", 'o' },
	{ "r", "ask again", 'r' }, { "x", "cancel request", 'x' }, { "S", "save", 'S' },
	{ "q Esc", "back", 'q' }, { "?", "help", '?' },
};

static void set_str(char **dst, const char *src)
{
	char *n = strdup(src ? src : "");
	if (n) {
		free(*dst);
		*dst = n;
	}
}

static const char *token_of(void)
{
	return getenv("SAFER_PROBE_TOKEN");
}

/* The entry of a text, sent when nothing else is in flight. */
static pentry *want(struct probe_view *V, const char *prompt, const char *response)
{
	if (!V->url[0] || !response[0])
		return NULL;
	pentry *e = pwork_entry(V->w, prompt, response);
	if (e && e->state == PE_WAIT)
		pwork_send(V->w, e, V->url, token_of(), 60);
	return e;
}

static int is_orig(const struct probe_view *V)
{
	return !strcmp(V->prompt, V->oprompt) && !strcmp(V->response, V->oresponse);
}

/* Encode a fetched entry with the workspace's SAE (main thread, no job
 * running: the session is ours then). */
static void encode(struct probe_view *V, pentry *e)
{
	xmodel *m = V->m;
	unsigned long gen = xm_gen(m, XG_DATA | XG_SCORES);
	if (!e || e->state != PE_DONE || (e->encoded && e->gen == gen) || app_busy(m->a))
		return;
	const sae *s;
	sf_err err;
	xm_scores(m);
	static const sf_safety none;
	const sf_safety *S = m->safety ? m->safety : &none;
	probe_result_free(&e->res);
	e->encoded = 1;
	e->gen = gen;
	e->err[0] = 0;
	if (session_sae(m->sess, &s, &err) || probes_ws_check(m->w, s, &e->rows, V->url, &err) ||
	    probe_result_compute(&e->res, s, &e->rows, S, session_rows_mode(m->sess), &err)) {
		snprintf(e->err, sizeof e->err, "%s", err.msg);
		memset(&e->res, 0, sizeof e->res);
	}
}

static int ready(const pentry *e)
{
	return e && e->state == PE_DONE && e->encoded && !e->err[0];
}

static int by_size(const void *a, const void *b)
{
	const frow *x = a, *y = b;
	double p = fmax(x->edited, x->original), q = fmax(y->edited, y->original);
	return p < q ? 1 : p > q ? -1 : (x->feature > y->feature) - (x->feature < y->feature);
}

/* The feature rows: every feature of either text, by the larger total. */
static void merge(struct probe_view *V, const pentry *ed, const pentry *or)
{
	frow all[2 * FEAT_ROWS];
	int n = 0;
	for (int t = 0; t < 2; t++) {
		const pentry *e = t ? or : ed;
		if (!ready(e))
			continue;
		for (int i = 0; i < e->res.n_feat && i < FEAT_ROWS; i++) {
			int f = e->res.feat[i].feature, j = 0;
			while (j < n && all[j].feature != f)
				j++;
			if (j == n)
				all[n++] = (frow){ f, 0, 0 };
			if (t)
				all[j].original = e->res.feat[i].total;
			else
				all[j].edited = e->res.feat[i].total;
		}
	}
	/* a feature in one list only may still fire, weakly, on the other */
	for (int j = 0; j < n; j++) {
		const probe_feature *a = ready(ed) ? probe_result_feature(&ed->res, all[j].feature) : NULL;
		const probe_feature *b = ready(or) ? probe_result_feature(&or->res, all[j].feature) : NULL;
		all[j].edited = a ? a->total : 0;
		all[j].original = b ? b->total : 0;
	}
	qsort(all, (size_t)n, sizeof *all, by_size);
	V->nrows = n < FEAT_ROWS ? n : FEAT_ROWS;
	memcpy(V->rows, all, (size_t)V->nrows * sizeof *all);
	if (V->sel >= V->nrows)
		V->sel = V->nrows ? V->nrows - 1 : 0;
}

/* Plain text cut at spaces, for word wrap (no heat). */
static size_t plain_toks(const char *t, wtok *out, size_t cap)
{
	size_t l = strlen(t), k = 0, from = 0;
	for (size_t i = 1; i <= l && k < cap; i++)
		if (i == l || t[i] == ' ' || t[i] == '\n') {
			out[k++] = (wtok){ t + from, i - from, 0, 0 };
			from = i;
		}
	return k;
}

static void draw_text_box(wrect r, const char *title, int focus, wtok *t, size_t n, int first)
{
	wdraw_box(stdscr, r, title, theme_attr(TH_BORDER),
	          theme_attr(focus ? TH_SELECTED : TH_NORMAL) | A_BOLD);
	wrect in = wrect_make(r.y + 1, r.x + 1, r.h - 2, r.w - 2);
	wtok_draw(stdscr, in, t, n, first, WTOK_BREAK_NL | WTOK_WORDS);
}

static void fmt_num(char *b, size_t n, double v, int have)
{
	if (have)
		snprintf(b, n, "%+.4f", v);
	else
		snprintf(b, n, "—");
}

static void draw_response(struct probe_view *V, wrect r, const pentry *ed)
{
	xmodel *m = V->m;
	char title[160];
	snprintf(title, sizeof title, "response%s%s · heat: %s", V->pair >= 0 ? " (" : "",
	         V->pair >= 0 ? (V->side == SIDE_CHOSEN ? "chosen)" : "rejected)") : "",
	         V->safety_heat ? "safety score (S+ − S−)" : "");
	if (!V->safety_heat)
		snprintf(title + strlen(title), sizeof title - strlen(title), "feature %d",
		         m->cur_feature);
	size_t cap = strlen(V->response) + 2;
	if (ready(ed) && ed->rows.n + 1 > cap)
		cap = ed->rows.n + 1;
	wtok *t = calloc(cap, sizeof *t);
	size_t n = 0;
	if (t && ready(ed)) {
		float mx = 0;
		static const sf_safety none;
		const sf_safety *S = m->safety ? m->safety : &none;
		for (size_t i = 0; i < ed->rows.n; i++) {
			float h = V->safety_heat ? (float)fabs(probe_row_score(&ed->res, i, S))
			                         : probe_row_act(&ed->res, i, m->cur_feature);
			if (h > mx)
				mx = h;
		}
		for (size_t i = 0; i < ed->rows.n; i++) {
			float h = V->safety_heat ? (float)fabs(probe_row_score(&ed->res, i, S))
			                         : probe_row_act(&ed->res, i, m->cur_feature);
			t[n++] = (wtok){ ed->rows.tok_bytes + ed->rows.tok_off[i],
				         ed->rows.tok_off[i + 1] - ed->rows.tok_off[i],
				         mx > 0 && h > 0 ? h / mx : 0, 0 };
		}
	} else if (t) {
		n = plain_toks(V->response, t, cap);
	}
	draw_text_box(r, title, V->focus == 1, t, n, V->first);
	free(t);
}

static void draw_no_server(struct probe_view *V, wrect r)
{
	static const char *const lines[] = {
		"No probe server. The Probe screen sends your text to the reward model itself,",
		"through a probe server that runs it (doc/formats.md, \"Probe protocol\"). Start one",
		"with the model and layer this workspace's activations came from:",
		"",
		"    scripts/safer-serve MODEL --layer N        (listens on http://127.0.0.1:8765)",
		"",
		"then type  :probe http://127.0.0.1:8765  here (kept in the workspace), or start",
		"the explorer with  safer explore WS --probe-url URL.",
	};
	const char *layer = store_meta(V->m->s, "layer");
	int y = r.y + 1;
	for (size_t i = 0; i < sizeof lines / sizeof *lines && y < r.y + r.h; i++)
		wdraw_str(stdscr, y++, 2, r.w - 3, lines[i], theme_attr(TH_NORMAL));
	if (y + 1 < r.y + r.h)
		wdraw_fmt(stdscr, y + 1, 2, r.w - 3, theme_attr(TH_DIM),
		          "This workspace: d %d, layer %s.", store_dim(V->m->s), layer ? layer : "unknown");
}

static void draw_status(struct probe_view *V, int y, int w, const pentry *ed, const pentry *or)
{
	xmodel *m = V->m;
	const pentry *bad = ed && (ed->state == PE_FAILED || ed->err[0]) ? ed
	                    : or && (or->state == PE_FAILED || or->err[0]) ? or : NULL;
	if (pwork_busy(V->w)) {
		static const char *const spin[] = { "|", "/", "-", "\\" };
		wdraw_fmt(stdscr, y, 1, w - 2, theme_attr(TH_DIM), "%s asking %s … (x cancels)",
		          spin[V->spin % 4], V->url);
		return;
	}
	if (bad) {
		wdraw_fmt(stdscr, y, 1, w - 2, theme_attr(TH_ERROR), "%s (r asks again)", bad->err);
		return;
	}
	if (!ready(ed)) {
		wdraw_str(stdscr, y, 1, w - 2, V->response[0] ? "" :
		          "e edits the response in your editor, i as one line; Tab for the prompt",
		          theme_attr(TH_DIM));
		return;
	}
	char a0[32], a1[32], r0[32], r1[32], s0[32], s1[32];
	int ho = ready(or);
	fmt_num(a1, sizeof a1, ed->res.score, 1);
	fmt_num(a0, sizeof a0, ho ? or->res.score : 0, ho);
	fmt_num(r1, sizeof r1, ed->rows.reward, isfinite(ed->rows.reward));
	fmt_num(r0, sizeof r0, ho ? or->rows.reward : 0, ho && isfinite(or->rows.reward));
	char pair[160] = "";
	if (V->pair >= 0 && m->sc && (size_t)V->pair < m->sc->n_pairs) {
		size_t p = (size_t)V->pair;
		double now = V->side == SIDE_CHOSEN ? ed->res.score - m->sc->a_rejected[p]
		                                    : m->sc->a_chosen[p] - ed->res.score;
		fmt_num(s0, sizeof s0, m->sc->score[p], 1);
		fmt_num(s1, sizeof s1, now, 1);
		snprintf(pair, sizeof pair, " · pair score %s → %s", s0, s1);
	}
	wdraw_fmt(stdscr, y, 1, w - 2, theme_attr(TH_NORMAL) | A_BOLD,
	          "a(resp) %s → %s · reward %s → %s%s%s", a0, a1, r0, r1, pair,
	          m->safety && m->safety->fallback ? " · (no ratings: top |salience| set)" : "");
}

static void draw_features(struct probe_view *V, wrect r)
{
	xmodel *m = V->m;
	wdraw_fmt(stdscr, r.y, 1, r.w - 2, theme_attr(TH_HEADER), "%8s %12s %12s %12s  %s",
	          "feature", "edited", "original", "delta", "label");
	int first = V->sel >= r.h - 1 ? V->sel - (r.h - 2) : 0;
	for (int i = first, y = r.y + 1; i < V->nrows && y < r.y + r.h; i++, y++) {
		const frow *f = &V->rows[i];
		const sf_label *lb = xm_label_of(m, f->feature);
		double d = f->edited - f->original;
		attr_t at = i == V->sel ? theme_attr(TH_SELECTED)
		            : theme_attr(d > 0 ? TH_POS : d < 0 ? TH_NEG : TH_NORMAL);
		char line[512];
		snprintf(line, sizeof line, "%8d %12.4f %12.4f %+12.4f  ", f->feature, f->edited,
		         f->original, d);
		int used = wdraw_str(stdscr, y, 1, r.w - 2, line, at);
		if (lb && used < r.w - 2)
			wdraw_str(stdscr, y, 1 + used, r.w - 2 - used, lb->name, at);
	}
}

static void draw(screen *s, app *a, wrect r)
{
	struct probe_view *V = s->data;
	(void)a;
	char what[160];
	if (V->pair >= 0)
		snprintf(what, sizeof what, "pair %ld, %s response%s", V->pair,
		         V->side == SIDE_CHOSEN ? "chosen" : "rejected", is_orig(V) ? "" : " (edited)");
	else
		snprintf(what, sizeof what, "your own text");
	wdraw_fmt(stdscr, r.y, 1, r.w - 2, theme_attr(TH_NORMAL) | A_BOLD, "Probe · %s · %s", what,
	          V->url[0] ? V->url : "no server");
	if (!V->url[0]) {
		draw_no_server(V, wrect_make(r.y + 1, r.x, r.h - 1, r.w));
		return;
	}
	pentry *or = want(V, V->oprompt, V->oresponse), *ed = want(V, V->prompt, V->response);
	encode(V, or);
	encode(V, ed);
	merge(V, ed, or);
	int body = r.h - 1, ph = 4, th = body / 3 < 4 ? 4 : body / 3, rh = body - ph - th - 1;
	if (rh < 3) {
		th -= 3 - rh;
		rh = 3;
	}
	wtok pt[512];
	size_t np = plain_toks(V->prompt, pt, 512);
	draw_text_box(wrect_make(r.y + 1, r.x, ph, r.w), "prompt", V->focus == 0, pt, np, 0);
	draw_response(V, wrect_make(r.y + 1 + ph, r.x, rh, r.w), ed);
	draw_status(V, r.y + 1 + ph + rh, r.w, ed, or);
	if (th > 1)
		draw_features(V, wrect_make(r.y + 2 + ph + rh, r.x, th, r.w));
}

/* ---- editing ---------------------------------------------------------- */

static void on_line(void *ctx, const char *line)
{
	struct probe_view *V = ctx;
	if (!line)
		return;
	/* \n in the line stands for a newline, \\ for a backslash */
	char *t = malloc(strlen(line) + 1);
	size_t o = 0;
	for (const char *p = line; t && *p; p++) {
		if (p[0] == '\\' && p[1] == 'n') {
			t[o++] = '\n';
			p++;
		} else if (p[0] == '\\' && p[1] == '\\') {
			t[o++] = '\\';
			p++;
		} else {
			t[o++] = *p;
		}
	}
	if (!t)
		return;
	t[o] = 0;
	if (V->focus == 0) {
		free(V->prompt);
		V->prompt = t;
	} else {
		free(V->response);
		V->response = t;
	}
	app_redraw(V->m->a);
}

static void edit_line(struct probe_view *V, app *a)
{
	const char *t = V->focus == 0 ? V->prompt : V->response;
	char *esc = malloc(2 * strlen(t) + 1);
	size_t o = 0;
	if (!esc)
		return;
	for (const char *p = t; *p; p++) {
		if (*p == '\n' || *p == '\\') {
			esc[o++] = '\\';
			esc[o++] = *p == '\n' ? 'n' : '\\';
		} else {
			esc[o++] = *p;
		}
	}
	esc[o] = 0;
	app_prompt(a, 2, V->focus == 0 ? "prompt: " : "response: ", esc, on_line, NULL, V);
	free(esc);
}

static void edit_external(struct probe_view *V, app *a)
{
	char *out, err[512];
	char **t = V->focus == 0 ? &V->prompt : &V->response;
	if (probe_edit_text(a, *t, &out, err, sizeof err)) {
		app_msg(a, MSG_ERROR, "%s", err);
		return;
	}
	free(*t);
	*t = out;
	V->first = 0;
}

/* ---- saving ------------------------------------------------------------ */

static void on_save(void *ctx, const char *name)
{
	struct probe_view *V = ctx;
	xmodel *m = V->m;
	sf_err e;
	if (!name)
		return;
	pentry *ed = pwork_entry(V->w, V->prompt, V->response);
	pentry *or = pwork_entry(V->w, V->oprompt, V->oresponse);
	if (!ready(ed)) {
		app_msg(m->a, MSG_ERROR, "nothing to save yet: the server has not answered");
		return;
	}
	if (probes_ws_name_check(name, &e)) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return;
	}
	const sae *s;
	char fp[17] = "";
	if (!session_sae(m->sess, &s, &e))
		sae_fingerprint(s, fp);
	probe_record_in in = { .rows = &ed->rows, .res = &ed->res, .L = m->L, .tokens = 1, .top = 5,
		               .prompt = V->prompt, .response = V->response, .url = V->url,
		               .sae = fp, .name = name,
		               .rows_mode = session_rows_mode(m->sess) == ROWS_ALL ? "all" : "sentence",
		               .fallback = m->safety && m->safety->fallback };
	json_t *rec = probe_record(&in);
	if (rec && ready(or) && !is_orig(V)) {
		json_t *o = json_pack("{s:s, s:s, s:f, s:o}", "prompt", "", "response", "", "score",
		                      or->res.score, "reward",
		                      isfinite(or->rows.reward) ? json_real(or->rows.reward) : json_null());
		char *p = textsafe_dup(V->oprompt, strlen(V->oprompt), TEXTSAFE_UTF8_ONLY);
		char *r = textsafe_dup(V->oresponse, strlen(V->oresponse), TEXTSAFE_UTF8_ONLY);
		if (o && p && r) {
			json_object_set_new(o, "prompt", json_string(p));
			json_object_set_new(o, "response", json_string(r));
		}
		free(p);
		free(r);
		json_object_set_new(rec, "original", o);
	}
	if (rec && V->pair >= 0) {
		json_object_set_new(rec, "pair", json_integer(V->pair));
		json_object_set_new(rec, "side",
		                    json_string(V->side == SIDE_CHOSEN ? "chosen" : "rejected"));
	}
	char *text = rec ? json_dumps(rec, JSON_INDENT(1) | JSON_ENSURE_ASCII) : NULL;
	json_decref(rec);
	if (!text) {
		app_msg(m->a, MSG_ERROR, "out of memory");
		return;
	}
	if (probes_ws_save(m->w, name, text, &e))
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
	else
		app_msg(m->a, MSG_INFO, "saved probe %s (safer probes %s %s)", name, ws_dir(m->w), name);
	snprintf(V->save_name, sizeof V->save_name, "%s", name);
	free(text);
}

/* ---- keys --------------------------------------------------------------- */

static int key(screen *s, app *a, int k)
{
	struct probe_view *V = s->data;
	xmodel *m = V->m;
	switch (k) {
	case 'e':
		edit_external(V, a);
		return WF_HANDLED;
	case 'i':
		edit_line(V, a);
		return WF_HANDLED;
	case '\t': case KEY_BTAB:
		V->focus = !V->focus;
		return WF_HANDLED;
	case 's':
		V->safety_heat = !V->safety_heat;
		return WF_HANDLED;
	case 'j': case KEY_DOWN:
		if (V->sel + 1 < V->nrows)
			V->sel++;
		return WF_HANDLED;
	case 'k': case KEY_UP:
		if (V->sel > 0)
			V->sel--;
		return WF_HANDLED;
	case KEY_NPAGE: case ' ': V->first += 5; return WF_HANDLED;
	case KEY_PPAGE: V->first = V->first > 5 ? V->first - 5 : 0; return WF_HANDLED;
	case '\n': case '\r': case KEY_ENTER:
		if (V->sel < V->nrows) {
			m->cur_feature = V->rows[V->sel].feature;
			V->safety_heat = 0;
			app_msg(a, MSG_INFO, "heat: feature %d", m->cur_feature);
		}
		return WF_HANDLED;
	case 'c':
		set_str(&V->prompt, V->oprompt);
		set_str(&V->response, V->oresponse);
		return WF_HANDLED;
	case 'o':
		set_str(&V->oprompt, V->prompt);
		set_str(&V->oresponse, V->response);
		return WF_HANDLED;
	case 'r': {
		pentry *ed = pwork_entry(V->w, V->prompt, V->response);
		pentry *or = pwork_entry(V->w, V->oprompt, V->oresponse);
		if (ed)
			pwork_forget(V->w, ed);
		if (or && or->state == PE_FAILED)
			pwork_forget(V->w, or);
		return WF_HANDLED;
	}
	case 'x':
		if (!pwork_busy(V->w))
			return WF_IGNORED; /* the frame's: cancel a job */
		pwork_cancel(V->w);
		app_msg(a, MSG_INFO, "cancelling the request");
		return WF_HANDLED;
	case 'S':
		app_prompt(a, 1, "save probe as (letters, digits, . _ -): ", V->save_name, on_save, NULL,
		           V);
		return WF_HANDLED;
	}
	return WF_IGNORED;
}

static void destroy(screen *s)
{
	(void)s;
}

static const screen_ops ops = {
	.name = "Probe",
	.draw = draw,
	.key = key,
	.destroy = destroy,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
};

static void probe_free(screen *s)
{
	if (!s)
		return;
	struct probe_view *V = s->data;
	pwork_free(V->w);
	free(V->oprompt);
	free(V->oresponse);
	free(V->prompt);
	free(V->response);
	free(s->data);
	free(s);
}

static screen *probe_new(xmodel *m)
{
	screen *s = screen_new(&ops, sizeof(struct probe_view));
	if (!s)
		return NULL;
	struct probe_view *V = s->data;
	V->m = m;
	V->pair = -1;
	V->side = SIDE_CHOSEN;
	V->w = pwork_new();
	V->oprompt = strdup("");
	V->oresponse = strdup("");
	V->prompt = strdup("");
	V->response = strdup("");
	if (!V->w || !V->oprompt || !V->oresponse || !V->prompt || !V->response) {
		probe_free(s);
		return NULL;
	}
	if (!probes_ws_url_get(m->w, V->url, sizeof V->url))
		V->url[0] = 0;
	return s;
}

/* arg >= 0: pair arg (side from its sign bit: see xprobe_arg); else keep. */
static void probe_target(screen *s, long arg)
{
	struct probe_view *V = s->data;
	xmodel *m = V->m;
	if (arg < 0)
		return;
	long p = arg >> 1;
	int side = arg & 1 ? SIDE_REJECTED : SIDE_CHOSEN;
	pair_rec rec;
	sf_err e;
	if ((size_t)p >= m->P->n || pairs_get(m->P, (size_t)p, &rec, &e)) {
		app_msg(m->a, MSG_ERROR, "%s", (size_t)p >= m->P->n ? "no such pair" : e.msg);
		return;
	}
	V->pair = p;
	V->side = side;
	set_str(&V->oprompt, rec.prompt);
	set_str(&V->oresponse, side == SIDE_CHOSEN ? rec.chosen : rec.rejected);
	set_str(&V->prompt, V->oprompt);
	set_str(&V->response, V->oresponse);
	V->first = V->sel = 0;
	V->focus = 1;
	pair_rec_free(&rec);
}

void xprobe_tick(screen *s)
{
	struct probe_view *V = s->data;
	int was = pwork_busy(V->w);
	if (pwork_collect(V->w) || was) {
		V->spin++;
		app_redraw(V->m->a);
	}
}


const xscreen_def xs_probe_def = { "Probe", probe_new, probe_free, probe_target };

long xprobe_arg(size_t pair, int side)
{
	return (long)(pair << 1) | (side == SIDE_REJECTED);
}

int xprobe_set_url(xmodel *m, const char *url, int remember)
{
	sf_err e;
	struct probe_view *V = xm_screen(m, XS_PROBE)->data;
	if (probe_check_url(url, &e)) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	snprintf(V->url, sizeof V->url, "%s", url);
	if (remember && !ws_readonly(m->w) && probes_ws_url_set(m->w, url, &e)) {
		app_msg(m->a, MSG_ERROR, "%s (the URL is used, not kept)", e.msg);
		return 0;
	}
	return 0;
}

/* ---- :probe [URL] --------------------------------------------------------- */

static int do_probe(xmodel *m, int argc, char **argv)
{
	if (argc > 1 && xprobe_set_url(m, argv[1], 1))
		return -1;
	xm_open(m, XS_PROBE, XM_KEEP);
	if (argc > 1)
		app_msg(m->a, MSG_INFO, "probe server %s%s", argv[1],
		        ws_readonly(m->w) ? "" : " (kept in the workspace)");
	return 0;
}

const xcmd xcmd_probe = {
	.name = "probe", .usage = "[URL]",
	.help = "the Probe screen; URL: the probe server (safer-serve), kept in the workspace",
	.min = 0, .max = 1, .fn = do_probe,
};
