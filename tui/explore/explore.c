/* The explorer's model over an engine session (see explore.h). */
#include "tui/explore/explore.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine/ws/history_ws.h"
#include "engine/ws/sae_ws.h"
#include "widgets/draw.h"
#include "widgets/input.h"

static void bump(xmodel *m, int what)
{
	for (int i = 0; i < XG_NBITS; i++)
		if (what & (1 << i))
			m->gen[i]++;
}

unsigned long xm_gen(const xmodel *m, int what)
{
	unsigned long g = 0;
	for (int i = 0; i < XG_NBITS; i++)
		if (what & (1 << i))
			g += m->gen[i];
	return g;
}

/* ---- notices ------------------------------------------------------------- */

/* The session says things from whichever thread runs it: keep them under
 * the lock until the main thread shows them. */
static void on_notice(void *ctx, const char *msg)
{
	xmodel *m = ctx;
	pthread_mutex_lock(&m->mu);
	size_t o = strlen(m->notice);
	snprintf(m->notice + o, sizeof m->notice - o, "%s%s", o ? "; " : "", msg);
	pthread_mutex_unlock(&m->mu);
}

/* The pending notices into buf ("" when none), cleared. */
static void take_notices(xmodel *m, char *buf, size_t n)
{
	pthread_mutex_lock(&m->mu);
	snprintf(buf, n, "%s", m->notice);
	m->notice[0] = '\0';
	pthread_mutex_unlock(&m->mu);
}

static void flush_notices(xmodel *m)
{
	char buf[512];
	take_notices(m, buf, sizeof buf);
	if (buf[0])
		app_msg(m->a, MSG_INFO, "%s", buf);
}

/* ---- lifecycle ------------------------------------------------------------ */

xmodel *xm_new(sf_session *S, app *a)
{
	xmodel *m = calloc(1, sizeof *m);
	if (!m) {
		session_close(S);
		return NULL;
	}
	pthread_mutex_init(&m->mu, NULL);
	m->sess = S;
	m->w = session_ws(S);
	m->P = ws_pairs(m->w);
	m->s = ws_store(m->w);
	m->a = a;
	m->after_ready = -1;
	m->cur_feature = -1; /* the top one once there are statistics */
	session_set_notice(S, on_notice, m);
	for (int i = 0; i < XS_N; i++)
		if (!(m->screens[i] = xm_screen_defs[i]->create(m))) {
			xm_free(m);
			return NULL;
		}
	app_set_global_keys(a, xm_global_key, m, xm_global_keys, xm_global_keys_n);
	app_set_tick(a, xm_tick, m);
	return m;
}

static void state_free(xlabel_state *s)
{
	free(s->name);
	free(s->note);
	memset(s, 0, sizeof *s);
}

/* Drop the history from entry i on. */
static void hist_cut(xlabel_history *h, size_t i)
{
	for (size_t j = i; j < h->n; j++) {
		state_free(&h->v[j].before);
		state_free(&h->v[j].after);
	}
	if (h->n > i)
		h->n = i;
	if (h->at > h->n)
		h->at = h->n;
}

static void undo_clear(xmodel *m)
{
	hist_cut(&m->hist, 0);
	free(m->hist.v);
	memset(&m->hist, 0, sizeof m->hist);
}

void xm_free(xmodel *m)
{
	if (!m)
		return;
	winput_set_entered(NULL, NULL);
	for (int i = 0; i < XS_N; i++)
		if (m->screens[i])
			xm_screen_defs[i]->free(m->screens[i]);
	undo_clear(m);
	if (m->carry_free)
		m->carry_free(m);
	for (size_t i = 0; i < m->comp.n; i++)
		free(m->comp.v[i]);
	free(m->comp.v);
	free(m->cmd_help);
	free(m->pair_list);
	wsearch_clear(&m->fsearch);
	session_close(m->sess);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* The `:` and `/` lines of earlier sessions, and this one's kept. */
static const char *history_kind(int slot)
{
	return slot == WINPUT_CMD ? "command" : slot == WINPUT_SEARCH ? "search" : NULL;
}

static void on_entered(void *ctx, int slot, const char *line)
{
	xmodel *m = ctx;
	sf_err e;
	const char *kind = history_kind(slot);
	if (kind && !ws_readonly(m->w) && !m->history_failed &&
	    history_add(m->w, kind, line, &e)) {
		m->history_failed = 1; /* said once */
		app_msg(m->a, MSG_ERROR, "history not kept: %s", e.msg);
	}
}

static void history_start(xmodel *m)
{
	sf_history h;
	sf_err e;
	if (history_read(&h, m->w, &e)) {
		/* said now, and again over the first screen's message */
		snprintf(m->history_err, sizeof m->history_err, "earlier history not read: %s", e.msg);
		app_msg(m->a, MSG_ERROR, "%s", m->history_err);
	} else {
		for (size_t i = 0; i < h.n; i++) {
			int slot = !strcmp(h.v[i].kind, "command") ? WINPUT_CMD
			           : !strcmp(h.v[i].kind, "search") ? WINPUT_SEARCH : -1;
			if (slot >= 0)
				winput_history_add(slot, h.v[i].text);
		}
		history_free(&h);
	}
	winput_set_entered(on_entered, m);
}

void xm_start(xmodel *m)
{
	history_start(m);
	app_push(m->a, m->screens[XS_FEATURES]);
	xm_sync(m);
	if (m->data == XD_MISSING) {
		app_push(m->a, m->screens[XS_TRAIN]);
		app_msg(m->a, MSG_INFO, "%s", m->state);
	}
	if (ws_readonly(m->w))
		app_msg(m->a, MSG_ERROR, "read-only: %s", ws_readonly_reason(m->w));
}

/* ---- the view ------------------------------------------------------------ */

static const char *const no_sae_text =
	"No SAE in this workspace yet: train one on the Train screen (Enter there) or "
	"load one trained elsewhere (L there, or :load-sae PATH).";

static int load_run(void *ctx, const sf_progress *p, sf_err *e);
static void load_done(app *a, void *ctx, int rc, const sf_err *e);

/* Loading, in two steps on the worker: the statistics (encoding first when
 * the latents are missing; read from their cache otherwise, which needs
 * no latents), so that the Features table shows at once; then the
 * latents and the index for the Feature and Pair screens. The labels and
 * the plan are read on the main thread between the two. */
static void start_loading(xmodel *m)
{
	int have = session_has_latents(m->sess);
	if (!m->has_sae && !have) {
		m->data = XD_MISSING;
		snprintf(m->state, sizeof m->state, "%s", no_sae_text);
		return;
	}
	snprintf(m->state, sizeof m->state, "%s",
	         have ? "Loading the index and statistics..."
	                 : "Encoding the latents with the workspace's SAE...");
	if (app_job(m->a, have ? "loading" : "encoding the latents", load_run, load_done, m)) {
		m->data = XD_FAILED;
		snprintf(m->state, sizeof m->state, "cannot start the worker: :reload tries again");
		return;
	}
	m->data = XD_LOADING;
}

void xm_sync(xmodel *m)
{
	if (app_busy(m->a))
		return;
	sf_session *S = m->sess;
	sf_err e;
	int changed = 0, first = !m->synced;
	unsigned long g;
	m->synced = 1;
	m->has_sae = session_has_sae(S);
	m->so = *session_safety_opts(S);

	g = session_generation(S, SESS_SAE);
	if (first || g != m->s_sae) {
		m->s_sae = g;
		undo_clear(m); /* the old SAE's feature ids */
		m->cur_feature = -1;
	}
	g = session_generation(S, SESS_SAE | SESS_OPTIONS);
	if (first || g != m->s_data) {
		m->s_data = g;
		m->l = NULL;
		m->ix = NULL;
		m->st = NULL;
		m->ef = NULL;
		m->pd = NULL;
		m->data = XD_NONE;
		changed |= XG_DATA;
	}
	g = session_generation(S, SESS_SAE | SESS_LABELS);
	if (first || g != m->s_labels || (changed & XG_DATA)) {
		m->s_labels = g;
		m->L = NULL;
		m->V = NULL;
		m->labels_tried = 0;
		changed |= XG_LABELS;
	}
	g = session_generation(S, SESS_SAE | SESS_LABELS | SESS_OPTIONS);
	if (first || g != m->s_scores || (changed & XG_DATA)) {
		m->s_scores = g;
		m->sc = NULL;
		m->safety = NULL;
		m->scores_failed = 0;
		changed |= XG_SCORES;
	}
	g = session_generation(S, SESS_PLAN);
	if (first || g != m->s_plan) {
		const sf_plan *pl;
		const unsigned char *act;
		m->s_plan = g;
		m->plan = NULL;
		m->actions = NULL;
		m->bt = NULL;
		changed |= XG_PLAN | XG_EVAL;
		if (session_plan(S, &pl, &e) || session_plan_actions(S, &act, &e)) {
			app_msg(m->a, MSG_ERROR, "current plan not loaded: %s", e.msg);
		} else {
			m->plan = pl;
			m->actions = act;
		}
	}
	if (m->data == XD_NONE)
		start_loading(m);
	/* Once the data is there the labels are a file read: here. */
	if (m->data == XD_READY && !m->L && !m->labels_tried) {
		const sf_labels *L;
		m->labels_tried = 1; /* said once per labels generation */
		const sf_verdicts *V;
		if (session_labels(S, &L, &e))
			app_msg(m->a, MSG_ERROR, "labels not loaded: %s", e.msg);
		else
			m->L = L;
		if (session_verdicts(S, &V, &e))
			app_msg(m->a, MSG_ERROR, "judge verdicts not loaded: %s", e.msg);
		else
			m->V = V;
		changed |= XG_LABELS;
	}
	if (changed) {
		bump(m, changed);
		app_redraw(m->a);
	}
	xm_update_title(m);
}

/* After the first loading step: the statistics are there. */
static void take_data(xmodel *m)
{
	sf_err e;
	const sf_stats *st;
	if (session_stats(m->sess, &st, &e)) {
		m->data = XD_FAILED;
		snprintf(m->state, sizeof m->state, "%s", e.msg);
		return;
	}
	m->l = NULL; /* with the index, from the second step */
	m->ix = NULL;
	m->st = st;
	m->data = XD_READY;
	m->state[0] = '\0';
	if (m->cur_feature < 0 || m->cur_feature >= st->m)
		m->cur_feature = st->m > 0 ? st->order[0] : 0;
	/* The labels belong to this data: loaded again by xm_sync. */
	m->L = NULL;
	m->V = NULL;
	m->labels_tried = 0;
	bump(m, XG_DATA | XG_LABELS);
}

/* A step that failed says so; a cancelled one ends with rc 1. */
static int job_end(const sf_progress *p, int rc)
{
	if (rc && sf_progress_report(p, 1, NULL))
		return 1; /* the cancel flag is still up */
	return rc;
}

static int load_run(void *ctx, const sf_progress *p, sf_err *e)
{
	xmodel *m = ctx;
	sf_session *S = m->sess;
	const sf_stats *st;
	session_set_progress(S, p->fn, p->ctx);
	int rc = session_stats(S, &st, e) ? -1 : 0;
	session_set_progress(S, NULL, NULL);
	return job_end(p, rc);
}

/* The second step of loading, after the Features table is up: the
 * latents and the index, which the Feature and Pair screens read. */
static int rows_run(void *ctx, const sf_progress *p, sf_err *e)
{
	xmodel *m = ctx;
	sf_session *S = m->sess;
	const latents *l;
	const sf_index *ix;
	session_set_progress(S, p->fn, p->ctx);
	int rc = session_latents(S, &l, e) || session_index(S, &ix, e) ? -1 : 0;
	/* the reward effects and paired salience: the table shows them when
	 * they can be had, and says why when not */
	const sf_effects *ef;
	const sf_paired *pd;
	sf_err re;
	m->reward_ok = 0;
	m->reward_err[0] = '\0';
	if (rc == 0 && session_reward_effects(S, &ef, &re) == 0)
		m->reward_ok |= 1;
	else if (rc == 0)
		snprintf(m->reward_err, sizeof m->reward_err, "reward effects: %.400s", re.msg);
	if (rc == 0 && session_paired(S, &pd, &re) == 0)
		m->reward_ok |= 2;
	else if (rc == 0 && !m->reward_err[0])
		snprintf(m->reward_err, sizeof m->reward_err, "paired salience: %.400s", re.msg);
	session_set_progress(S, NULL, NULL);
	return job_end(p, rc);
}

/* The reward effects and paired salience the index job computed. */
static void take_reward(xmodel *m)
{
	sf_err e;
	const sf_effects *ef;
	const sf_paired *pd;
	if ((m->reward_ok & 1) && session_reward_effects(m->sess, &ef, &e) == 0)
		m->ef = ef;
	if ((m->reward_ok & 2) && session_paired(m->sess, &pd, &e) == 0)
		m->pd = pd;
	if (m->reward_err[0])
		app_msg(m->a, MSG_ERROR, "%s", m->reward_err);
}

static void rows_done(app *a, void *ctx, int rc, const sf_err *e)
{
	xmodel *m = ctx;
	sf_err ge;
	const latents *l;
	const sf_index *ix;
	if (rc == 0 && session_latents(m->sess, &l, &ge) == 0 && session_index(m->sess, &ix, &ge) == 0) {
		m->l = l;
		m->ix = ix;
		take_reward(m);
		bump(m, XG_DATA);
	} else if (rc == 1) {
		app_msg(a, MSG_ERROR, "loading the index cancelled: :reload starts it again");
	} else {
		app_msg(a, MSG_ERROR, "index not loaded: %s", rc ? e->msg : ge.msg);
	}
	xm_sync(m);
	flush_notices(m);
	app_redraw(a);
}

/* Start the second step (nothing when the rows are there already). */
static void start_rows(xmodel *m)
{
	if (m->data == XD_READY && !m->ix &&
	    app_job(m->a, "loading the index", rows_run, rows_done, m))
		app_msg(m->a, MSG_ERROR, "cannot start the worker: :reload tries again");
}

static void load_done(app *a, void *ctx, int rc, const sf_err *e)
{
	xmodel *m = ctx;
	char notes[sizeof m->notice], msg[sizeof m->ready_msg + sizeof notes + 8];
	if (rc == 0) {
		take_data(m);
	} else {
		m->data = XD_FAILED;
		if (rc == 1)
			snprintf(m->state, sizeof m->state, "Loading cancelled: :reload starts it again.");
		else
			snprintf(m->state, sizeof m->state, "%s (:reload tries again)", e->msg);
	}
	xm_sync(m);
	take_notices(m, notes, sizeof notes);
	if (m->data == XD_READY) {
		if (m->ready_msg[0])
			snprintf(msg, sizeof msg, "%s", m->ready_msg);
		else if (ws_readonly(m->w))
			snprintf(msg, sizeof msg, "read-only: %s", ws_readonly_reason(m->w));
		else
			snprintf(msg, sizeof msg, "%d %s · Enter opens one · h for keys", m->st->m,
			         xm_s((size_t)m->st->m, "feature", "features"));
		if (notes[0]) {
			size_t o = strlen(msg);
			snprintf(msg + o, sizeof msg - o, " — %s", notes);
		}
		app_msg(a, MSG_INFO, "%s", msg);
		if (m->history_err[0])
			app_msg(a, MSG_ERROR, "%s", m->history_err);
		m->history_err[0] = '\0';
		app_ready(a);
		if (m->after_ready >= 0)
			xm_open(m, m->after_ready, XM_TOP);
	} else if (notes[0]) {
		app_msg(a, MSG_INFO, "%s", notes);
	}
	m->after_ready = -1;
	m->ready_msg[0] = '\0';
	start_rows(m);
}

void xm_update_title(xmodel *m)
{
	char t[512], plan[128] = "none", what[96];
	if (m->l)
		snprintf(what, sizeof what, m->l->k ? "%s %d×k%d" : "%s %d×L0 varying",
		         m->has_sae ? "SAE" : "latents (no SAE)", m->l->m, m->l->k);
	else if (m->st)
		snprintf(what, sizeof what, "%s %d latents", m->has_sae ? "SAE" : "latents (no SAE)",
		         m->st->m);
	else if (m->has_sae)
		snprintf(what, sizeof what, "SAE, latents %s",
		         m->data == XD_LOADING ? "loading" : "not encoded");
	else
		snprintf(what, sizeof what, "no SAE");
	if (m->plan) {
		if (m->plan->strategy == PLAN_MANUAL)
			snprintf(plan, sizeof plan, "manual (%zu %s)", m->plan->n,
			         m->plan->n == 1 ? "pair" : "pairs");
		else
			snprintf(plan, sizeof plan, "%s %g%% (%zu %s)",
			         plan_strategy_name(m->plan->strategy), m->plan->ratio * 100, m->plan->n,
			         m->plan->n == 1 ? "pair" : "pairs");
	}
	size_t nl = m->L ? m->L->n : 0;
	/* Most wanted first: a narrow terminal cuts the end. */
	snprintf(t, sizeof t,
	         "safer — ws: %s%s · %s · plan: %s · %zu %s · S± rated ≥%d, cap %d · %zu rows (%s) · "
	         "%zu pairs",
	         ws_dir(m->w), ws_readonly(m->w) ? " (READ-ONLY)" : "", what, plan, nl, nl == 1 ? "label" : "labels", m->so.threshold,
	         m->so.cap, store_nrows(m->s), rows_mode_name(session_rows_mode(m->sess)), m->P->n);
	if (strcmp(t, m->title)) {
		snprintf(m->title, sizeof m->title, "%s", t);
		app_set_title(m->a, t);
	}
}

/* ---- screens ------------------------------------------------------------- */

screen *xm_screen(xmodel *m, int id)
{
	return id >= 0 && id < XS_N ? m->screens[id] : NULL;
}

void xm_open(xmodel *m, int id, long arg)
{
	screen *s = xm_screen(m, id);
	if (!s)
		return;
	if (xm_screen_defs[id]->target)
		xm_screen_defs[id]->target(s, arg);
	if (app_top(m->a) == s) {
		if (s->ops->enter)
			s->ops->enter(s, m->a);
	} else if (app_find(m->a, s->ops)) {
		app_raise(m->a, s);
	} else {
		app_push(m->a, s);
	}
	app_redraw(m->a);
}

int xm_busy(xmodel *m)
{
	if (!app_busy(m->a))
		return 0;
	app_msg(m->a, MSG_ERROR, "a job is running; wait or cancel it (x)");
	return 1;
}

/* The data the analysis commands need: 1 when there, else 0 and says why. */
static int need_data(xmodel *m)
{
	if (m->data == XD_READY)
		return 1;
	app_msg(m->a, MSG_ERROR, "%s", m->state[0] ? m->state : "no statistics yet");
	return 0;
}

static int writable(xmodel *m)
{
	if (!ws_readonly(m->w))
		return 1;
	app_msg(m->a, MSG_ERROR, "read-only: %s; nothing is saved", ws_readonly_reason(m->w));
	return 0;
}

/* ---- labels -------------------------------------------------------------- */

const sf_label *xm_label_of(const xmodel *m, int f)
{
	return m->L ? labels_get(m->L, f) : NULL;
}

static int state_of(const xmodel *m, int feature, xlabel_state *out)
{
	const sf_label *lb = m->L ? labels_get(m->L, feature) : NULL;
	memset(out, 0, sizeof *out);
	if (!lb)
		return 0;
	out->exists = 1;
	out->safety = lb->safety;
	out->name = strdup(lb->name);
	out->note = strdup(lb->note);
	if (!out->name || !out->note) {
		state_free(out);
		return -1;
	}
	return 0;
}

enum { HIST_MAX = 10000 };

/* Keep a change that was made (takes before over). */
static void hist_push(xmodel *m, int feature, xlabel_state *before)
{
	xlabel_history *h = &m->hist;
	xlabel_state after;
	hist_cut(h, h->at);
	if (state_of(m, feature, &after)) {
		state_free(before);
		return;
	}
	if (h->n == HIST_MAX) { /* the oldest goes */
		state_free(&h->v[0].before);
		state_free(&h->v[0].after);
		memmove(h->v, h->v + 1, (h->n - 1) * sizeof *h->v);
		h->n--;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 32;
		xlabel_edit *v = realloc(h->v, cap * sizeof *v);
		if (!v) {
			state_free(before);
			state_free(&after);
			return;
		}
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = (xlabel_edit){ feature, *before, after };
	h->at = h->n;
}

int xm_label(xmodel *m, int feature, const char *name, int safety, const char *note)
{
	sf_err e;
	xlabel_state before;
	if (xm_busy(m) || !need_data(m) || !writable(m))
		return -1;
	if (!m->L) {
		app_msg(m->a, MSG_ERROR, "the labels are not loaded (:reload)");
		return -1;
	}
	if (state_of(m, feature, &before)) {
		app_msg(m->a, MSG_ERROR, "out of memory");
		return -1;
	}
	if (session_label_set(m->sess, feature, name, safety, note, &e)) {
		state_free(&before);
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		xm_sync(m);
		return -1;
	}
	xm_sync(m);
	hist_push(m, feature, &before);
	app_msg(m->a, MSG_INFO, "feature %d labelled (saved)", feature);
	return 0;
}

static void on_label_line(void *ctx, const char *line)
{
	xmodel *m = ctx;
	if (line)
		xm_label(m, m->prompt_feature, m->prompt_note ? NULL : line, -1,
		         m->prompt_note ? line : NULL);
}

void xm_prompt_label(xmodel *m, int feature, int note)
{
	const sf_label *lb = xm_label_of(m, feature);
	m->prompt_feature = feature;
	m->prompt_note = note;
	snprintf(m->prompt, sizeof m->prompt, "%s for feature %d: ", note ? "note" : "name", feature);
	app_prompt(m->a, note ? WINPUT_NOTE : WINPUT_NAME, m->prompt,
	           lb ? (note ? lb->note : lb->name) : "", on_label_line, NULL, m);
}

/* Make feature's label what s says. */
static int apply_state(xmodel *m, int feature, const xlabel_state *s)
{
	sf_err e;
	int rc = s->exists ? session_label_set(m->sess, feature, s->name, s->safety, s->note, &e)
	                   : session_label_remove(m->sess, feature, &e);
	if (rc)
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
	xm_sync(m);
	return rc ? -1 : 0;
}

/* What an edit changed: "name", "rating and note", "label" (made or removed). */
static const char *edit_what(const xlabel_edit *x, char *buf, size_t n)
{
	const xlabel_state *a = &x->before, *b = &x->after;
	if (a->exists != b->exists)
		return "label";
	const char *part[3];
	int k = 0;
	if (strcmp(a->name ? a->name : "", b->name ? b->name : ""))
		part[k++] = "name";
	if (a->safety != b->safety)
		part[k++] = "rating";
	if (strcmp(a->note ? a->note : "", b->note ? b->note : ""))
		part[k++] = "note";
	if (!k)
		return "label";
	snprintf(buf, n, "%s%s%s%s%s", part[0], k == 3 ? ", " : k == 2 ? " and " : "",
	         k > 1 ? part[1] : "", k == 3 ? " and " : "", k == 3 ? part[2] : "");
	return buf;
}

int xm_undo(xmodel *m)
{
	xlabel_history *h = &m->hist;
	if (!h->at) {
		app_msg(m->a, MSG_INFO, "nothing to undo");
		return -1;
	}
	if (xm_busy(m) || !writable(m))
		return -1;
	const xlabel_edit *x = &h->v[h->at - 1];
	if (apply_state(m, x->feature, &x->before))
		return -1;
	h->at--;
	char what[40];
	app_msg(m->a, MSG_INFO, "undone: the %s of feature %d (saved) · %zu more to undo, "
	        "^R redoes", edit_what(x, what, sizeof what), x->feature, h->at);
	return 0;
}

int xm_redo(xmodel *m)
{
	xlabel_history *h = &m->hist;
	if (h->at == h->n) {
		app_msg(m->a, MSG_INFO, "nothing to redo");
		return -1;
	}
	if (xm_busy(m) || !writable(m))
		return -1;
	const xlabel_edit *x = &h->v[h->at];
	if (apply_state(m, x->feature, &x->after))
		return -1;
	h->at++;
	char what[40];
	app_msg(m->a, MSG_INFO, "redone: the %s of feature %d (saved) · %zu more to redo",
	        edit_what(x, what, sizeof what), x->feature, h->n - h->at);
	return 0;
}

/* ---- scores and plans ------------------------------------------------------ */

int xm_scores(xmodel *m)
{
	sf_err e;
	const sf_safety *S;
	const sf_scores *sc;
	if (m->sc && m->safety)
		return 0;
	if (m->data != XD_READY || !m->L || m->scores_failed || app_busy(m->a))
		return -1;
	if (session_safety(m->sess, &S, &e) || session_scores(m->sess, &sc, &e)) {
		m->scores_failed = 1; /* said once for these labels */
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	m->safety = S;
	m->sc = sc;
	bump(m, XG_SCORES);
	flush_notices(m);
	return 0;
}


/* Keep the current plan in the workspace (WS/plans/) before another
 * replaces it, so that U brings it back. 0, or -1 with a message (the
 * plan is then not replaced). */
static int plan_keep(xmodel *m)
{
	sf_err e;
	if (!m->plan)
		return 0;
	if (session_plan_keep(m->sess, &e)) {
		app_msg(m->a, MSG_ERROR, "the current plan could not be kept, so it stays: %s", e.msg);
		return -1;
	}
	return 0;
}

int xm_plan_back(xmodel *m)
{
	sf_err e;
	size_t left;
	if (xm_busy(m) || !writable(m))
		return -1;
	int rc = session_plan_undo(m->sess, &left, &e);
	if (rc == 1) {
		app_msg(m->a, MSG_INFO, "no earlier plan kept");
		return -1;
	}
	if (rc) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		xm_sync(m);
		return -1;
	}
	xm_sync(m);
	char sum[160];
	if (m->plan)
		xm_plan_summary(m->plan, sum, sizeof sum);
	app_msg(m->a, MSG_INFO, "the earlier plan is back: %s (%zu more back)", m->plan ? sum : "none",
	        left);
	return 0;
}

struct plan_job {
	xmodel *m;
	int strategy;
	double ratio;
	sf_plan_limits lim; /* the model's at the start (a score cut for denoise only) */
	sf_plan out;
};

static int plan_run(void *ctx, const sf_progress *p, sf_err *e)
{
	struct plan_job *j = ctx;
	sf_session *S = j->m->sess;
	const sf_safety *sf;
	const sf_scores *sc;
	session_set_progress(S, p->fn, p->ctx);
	int rc = session_safety(S, &sf, e) || session_scores(S, &sc, e) ||
	                 plan_make_limited(&j->out, j->m->P, sc, sf, j->strategy, j->ratio, &j->lim,
	                                   ws_fingerprint(j->m->w), e)
	                 ? -1 : 0;
	session_set_progress(S, NULL, NULL);
	return job_end(p, rc);
}

static void plan_done(app *a, void *ctx, int rc, const sf_err *e)
{
	struct plan_job *j = ctx;
	xmodel *m = j->m;
	sf_err se;
	(void)e;
	if (rc == 0) {
		sf_plan *pl = &j->out;
		char msg[300];
		char lim[160];
		xm_plan_limits_text(&j->lim, lim, sizeof lim);
		snprintf(msg, sizeof msg, "%s %g%%%s: %zu of the train pairs (S+ %d, S- %d features)%s",
		         plan_strategy_name(j->strategy), j->ratio * 100, lim, pl->n, pl->n_plus,
		         pl->n_minus, pl->fallback ? " — no ratings yet: top features by |s| used" : "");
		int had = m->plan != NULL;
		if (plan_keep(m)) {
			plan_free(pl);
			xm_sync(m);
			free(j);
			return;
		}
		if (had)
			snprintf(msg + strlen(msg), sizeof msg - strlen(msg), " · U: the plan before");
		if (session_plan_set(m->sess, pl, &se)) { /* takes pl over either way */
			app_msg(a, MSG_ERROR, "%s", se.msg);
		} else {
			xm_sync(m);
			app_msg(a, MSG_INFO, "%s", msg);
			xm_open(m, XS_EDITS, XM_TOP);
		}
	}
	xm_sync(m);
	free(j);
}

static int plan_job_now(xmodel *m, int strategy, double ratio);

static void plan_yes(app *a, void *ctx)
{
	xmodel *m = ctx;
	(void)a;
	plan_job_now(m, m->pending_strategy, m->pending_ratio);
}

/* Ask first when the plan would edit more than half the train pairs, or
 * replace edits made by hand. */
int xm_plan_job(xmodel *m, int strategy, double ratio)
{
	char q[300];
	size_t o = 0;
	q[0] = '\0';
	if (xm_busy(m) || !need_data(m) || !writable(m))
		return -1;
	if (ratio > 0.5)
		o += (size_t)snprintf(q, sizeof q, "%s %g%% edits more than half the train pairs. ",
		                      plan_strategy_name(strategy), ratio * 100);
	if (m->plan && m->plan->strategy == PLAN_MANUAL && m->plan->n && o < sizeof q)
		o += (size_t)snprintf(q + o, sizeof q - o,
		                      "It replaces the current plan's %zu hand-made %s (U on Edits brings "
		                      "them back). ", m->plan->n, m->plan->n == 1 ? "edit" : "edits");
	if (o) {
		if (o < sizeof q)
			snprintf(q + o, sizeof q - o, "Plan?");
		m->pending_strategy = strategy;
		m->pending_ratio = ratio;
		app_confirm(m->a, "Plan", q, plan_yes, m);
		return 0;
	}
	return plan_job_now(m, strategy, ratio);
}

static int plan_job_now(xmodel *m, int strategy, double ratio)
{
	if (xm_busy(m) || !need_data(m) || !writable(m))
		return -1;
	struct plan_job *j = calloc(1, sizeof *j);
	if (!j)
		return -1;
	j->m = m;
	j->strategy = strategy;
	j->ratio = ratio;
	j->lim = m->plan_lim;
	if (strategy != PLAN_DENOISE)
		j->lim.has_max_score = 0;
	if (app_job(m->a, "planning", plan_run, plan_done, j)) {
		free(j);
		return -1;
	}
	return 0;
}

/* What including a pair adds: a drop in a denoise plan, or in a hand-made
 * one that only drops; a flip otherwise. */
static int include_action(const sf_plan *pl)
{
	if (pl->strategy == PLAN_DENOISE)
		return EDIT_DROP;
	if (pl->strategy == PLAN_MANUAL && pl->n && !plan_count(pl, EDIT_FLIP))
		return EDIT_DROP;
	return EDIT_FLIP;
}

int xm_plan_mark(xmodel *m, size_t p, int action)
{
	sf_err e;
	sf_plan pl;
	if (xm_busy(m) || !need_data(m) || !writable(m))
		return -1;
	if (m->plan) {
		if (plan_copy(&pl, m->plan, &e)) {
			app_msg(m->a, MSG_ERROR, "%s", e.msg);
			return -1;
		}
	} else {
		plan_init(&pl, ws_fingerprint(m->w));
	}
	int had = m->actions ? m->actions[p] : 0;
	if (action == XM_TOGGLE)
		action = had ? 0 : include_action(&pl);
	else if (action == XM_CYCLE)
		action = had == 0 ? EDIT_FLIP : had == EDIT_FLIP ? EDIT_DROP : 0;
	int scored = action && xm_scores(m) == 0;
	double score = scored ? m->sc->score[p] : NAN;
	if ((scored && plan_take_sets(&pl, m->safety, &e)) ||
	    plan_mark(&pl, m->P, p, action, score, &e)) {
		plan_free(&pl);
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	/* A plan from a strategy is kept whole before the first mark on it. */
	if (m->plan && m->plan->strategy != PLAN_MANUAL && plan_keep(m)) {
		plan_free(&pl);
		return -1;
	}
	if (session_plan_set(m->sess, &pl, &e)) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		xm_sync(m);
		return -1;
	}
	xm_sync(m);
	if (action)
		app_msg(m->a, MSG_INFO, "pair %zu: %s (in the plan)", p, plan_action_name(action));
	else
		app_msg(m->a, MSG_INFO, "pair %zu removed from the plan", p);
	return 0;
}

void xm_plan_limits_text(const sf_plan_limits *lim, char *buf, size_t n)
{
	char cut[48] = "";
	if (lim->has_max_score)
		snprintf(cut, sizeof cut, " scoring at most %g", lim->max_score);
	snprintf(buf, n, "%s%.80s%s", lim->category ? " in category " : "",
	         lim->category ? (lim->category[0] ? lim->category : "(none)") : "", cut);
}

void xm_plan_summary(const sf_plan *pl, char *buf, size_t n)
{
	size_t flips = plan_count(pl, EDIT_FLIP), drops = plan_count(pl, EDIT_DROP);
	int o;
	if (pl->strategy == PLAN_MANUAL)
		o = snprintf(buf, n, "manual · %zu %s", pl->n, pl->n == 1 ? "pair" : "pairs");
	else {
		char lim[160];
		sf_plan_limits l = { pl->category, pl->has_max_score, pl->max_score };
		xm_plan_limits_text(&l, lim, sizeof lim);
		o = snprintf(buf, n, "%s %g%%%s · %zu %s", plan_strategy_name(pl->strategy),
		             pl->ratio * 100, lim, pl->n, pl->n == 1 ? "pair" : "pairs");
	}
	if (o < 0 || (size_t)o >= n)
		return;
	if (flips && drops)
		snprintf(buf + o, n - (size_t)o, ": %zu flipped, %zu dropped", flips, drops);
	else if (pl->n)
		snprintf(buf + o, n - (size_t)o, " %s", drops ? "dropped" : "flipped");
}

struct eval_job {
	xmodel *m;
	const sf_bt_result *bt;
};

static int eval_run(void *ctx, const sf_progress *p, sf_err *e)
{
	struct eval_job *j = ctx;
	sf_session *S = j->m->sess;
	session_set_progress(S, p->fn, p->ctx);
	int rc = session_eval(S, NULL, &j->bt, e);
	session_set_progress(S, NULL, NULL);
	return job_end(p, rc);
}

static void eval_done(app *a, void *ctx, int rc, const sf_err *e)
{
	struct eval_job *j = ctx;
	xmodel *m = j->m;
	(void)e;
	xm_sync(m);
	if (rc == 0) {
		m->bt = j->bt;
		bump(m, XG_EVAL);
		app_msg(a, MSG_INFO, "projected effect computed (%zu %s, %zu %s)", j->bt->n_flip,
		        xm_s(j->bt->n_flip, "flip", "flips"), j->bt->n_drop,
		        xm_s(j->bt->n_drop, "drop", "drops"));
	}
	flush_notices(m);
	free(j);
}

int xm_eval_job(xmodel *m)
{
	if (xm_busy(m) || !need_data(m))
		return -1;
	struct eval_job *j = calloc(1, sizeof *j);
	if (!j)
		return -1;
	j->m = m;
	if (app_job(m->a, "evaluating the edit", eval_run, eval_done, j)) {
		free(j);
		return -1;
	}
	return 0;
}

int xm_rows(xmodel *m, int rows_mode)
{
	if (xm_busy(m) || !need_data(m))
		return -1;
	if (session_rows_mode(m->sess) == rows_mode) {
		app_msg(m->a, MSG_INFO, "statistics are over %s rows already", rows_mode_name(rows_mode));
		return 0;
	}
	session_set_rows_mode(m->sess, rows_mode);
	snprintf(m->ready_msg, sizeof m->ready_msg, "statistics over %s rows",
	         rows_mode_name(rows_mode));
	xm_sync(m);
	return 0;
}

/* ---- a new SAE ------------------------------------------------------------- */

struct sae_job {
	xmodel *m;
	char path[4096];
	char msg[4096 + 256]; /* the path and the SAE's shape */
};

static int sae_run(void *ctx, const sf_progress *p, sf_err *e)
{
	struct sae_job *j = ctx;
	sae *s;
	int d = store_dim(j->m->s);
	sf_progress_report(p, 0, "reading the SAE");
	if (sae_load(&s, j->path, -1, 0, e))
		return -1;
	if (s->d != d) {
		sf_fail(e, "%s: SAE width d %d differs from the workspace's activations d %d%s%s%s",
		        j->path, s->d, d, s->hook ? " (SAE hook " : "", s->hook ? s->hook : "",
		        s->hook ? ")" : "");
		sae_free(s);
		return -1;
	}
	free(s->source);
	s->source = strdup(j->path);
	s->data_fingerprint[0] = '\0';
	/* the explorer has no --force: a hook that is not this layer is refused */
	char note[600];
	if (sae_ws_fit(session_ws(j->m->sess), s, 0, note, sizeof note, e)) {
		sae_free(s);
		return -1;
	}
	if (s->kind == SAE_KIND_TOPK)
		snprintf(j->msg, sizeof j->msg, "loaded %s (%s layout): d %d, m %d, k %d, normalize %s",
		         j->path, sae_layout_name(s->layout), s->d, s->m, s->k,
		         sae_norm_name(s->normalize));
	else
		snprintf(j->msg, sizeof j->msg, "loaded %s (%s layout): d %d, m %d, %s, normalize %s",
		         j->path, sae_layout_name(s->layout), s->d, s->m, sae_kind_name(s->kind),
		         sae_norm_name(s->normalize));
	sf_progress_report(p, 1, "installing the SAE");
	int rc = session_sae_install(j->m->sess, s, e);
	sae_free(s);
	return rc;
}

static void sae_done(app *a, void *ctx, int rc, const sf_err *e)
{
	struct sae_job *j = ctx;
	(void)a;
	(void)e;
	/* Installing drops the old SAE's results whether or not it worked. */
	if (rc == 0)
		xm_sae_replaced(j->m, j->msg);
	else
		xm_sync(j->m);
	free(j);
}

static int sae_job(xmodel *m, const char *path)
{
	struct sae_job *j = calloc(1, sizeof *j);
	if (!j)
		return -1;
	j->m = m;
	snprintf(j->path, sizeof j->path, "%s", path);
	if (app_job(m->a, "loading the SAE", sae_run, sae_done, j)) {
		free(j);
		return -1;
	}
	return 0;
}

static void load_sae_yes(app *a, void *ctx)
{
	xmodel *m = ctx;
	(void)a;
	if (!xm_busy(m))
		sae_job(m, m->pending_sae);
}

int xm_load_sae(xmodel *m, const char *path)
{
	if (xm_busy(m) || !writable(m))
		return -1;
	if (m->has_sae) {
		char q[600];
		snprintf(m->pending_sae, sizeof m->pending_sae, "%s", path);
		snprintf(q, sizeof q, "Replace the workspace's SAE with %s?", path);
		app_confirm(m->a, "Load SAE", q, load_sae_yes, m);
		return 0;
	}
	return sae_job(m, path);
}

void xm_sae_replaced(xmodel *m, const char *msg)
{
	session_drop(m->sess, SESS_SAE);
	m->after_ready = XS_FEATURES;
	snprintf(m->ready_msg, sizeof m->ready_msg, "%s", msg ? msg : "");
	xm_sync(m);
}

void xm_reload(xmodel *m)
{
	if (xm_busy(m))
		return;
	session_drop(m->sess, SESS_LABELS | SESS_PLAN);
	if (m->data == XD_FAILED || m->data == XD_MISSING)
		m->data = XD_NONE;
	m->scores_failed = 0;
	xm_sync(m);
	if (m->data != XD_LOADING)
		app_msg(m->a, MSG_INFO, "reloaded");
}

/* ---- other processes -------------------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void xm_tick(app *a, void *ctx)
{
	xmodel *m = ctx;
	(void)a;
	flush_notices(m);
	for (int i = 0; i < XS_N; i++) /* work of their own, whether a job runs or not */
		if (xm_screen_ticks[i] && m->screens[i])
			xm_screen_ticks[i](m->screens[i]);
	if (app_busy(m->a))
		return;
	double t = now_ms();
	if (t - m->last_poll >= 250) {
		m->last_poll = t;
		int what = session_poll(m->sess);
		if (what) {
			char msg[200] = "";
			size_t o = 0;
			if (what & SESS_SAE) {
				o += (size_t)snprintf(msg + o, sizeof msg - o, "SAE changed on disk: loading it");
				m->after_ready = XS_FEATURES;
				snprintf(m->ready_msg, sizeof m->ready_msg, "the SAE changed on disk: reloaded");
			}
			if ((what & SESS_LABELS) && o < sizeof msg)
				o += (size_t)snprintf(msg + o, sizeof msg - o, "%slabels changed on disk: reloaded",
				                      o ? "; " : "");
			if ((what & SESS_PLAN) && o < sizeof msg)
				snprintf(msg + o, sizeof msg - o, "%splan changed on disk: reloaded",
				         o ? "; " : "");
			xm_sync(m);
			app_msg(m->a, MSG_INFO, "%s", msg);
			return;
		}
	}
	xm_sync(m);
}

/* ---- small helpers ---------------------------------------------------------- */

const char *xm_stars(int rating, char *buf, size_t n)
{
	size_t o = 0;
	buf[0] = '\0';
	if (rating <= 0)
		return buf;
	int utf8 = wdraw_utf8();
	for (int i = 1; i <= 5 && o + 4 < n; i++) {
		const char *g = utf8 ? (i <= rating ? "\u2605" : "\u2606") : (i <= rating ? "*" : ".");
		size_t l = strlen(g);
		memcpy(buf + o, g, l);
		o += l;
	}
	buf[o] = '\0';
	return buf;
}

float xm_act(const xmodel *m, size_t r, int f)
{
	if (!m->l || r >= m->l->n_rows)
		return 0;
	const uint32_t *idx;
	const float *val;
	size_t n = latents_row(m->l, r, &idx, &val);
	for (size_t i = 0; i < n; i++)
		if ((int)idx[i] == f)
			return val[i] > 0 ? val[i] : 0;
	return 0;
}

float xm_safety_act(const xmodel *m, size_t r)
{
	if (!m->l || !m->safety || r >= m->l->n_rows)
		return 0;
	const sf_safety *S = m->safety;
	const uint32_t *idx;
	const float *val;
	size_t n = latents_row(m->l, r, &idx, &val);
	float s = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(val[i] > 0))
			continue;
		for (int j = 0; j < S->n_plus; j++)
			if (S->plus[j] == (int)idx[i])
				s += val[i];
		for (int j = 0; j < S->n_minus; j++)
			if (S->minus[j] == (int)idx[i])
				s -= val[i];
	}
	return s;
}

/* Where the current feature is in the Features table's order (0 when
 * it is not there). */
static size_t order_pos(const xmodel *m)
{
	for (size_t i = 0; i < m->norder; i++)
		if ((int)m->order[i] == m->cur_feature)
			return i;
	return 0;
}

int xm_step_feature(xmodel *m, int delta)
{
	if (!m->order || !m->norder)
		return -1;
	size_t at = order_pos(m);
	long nx = (long)at + delta;
	if (nx < 0 || nx >= (long)m->norder)
		return -1;
	m->cur_feature = (int)m->order[nx];
	return m->cur_feature;
}

/* The S+/S- selection: rating threshold, cap, candidates. 1 when name is
 * not one of them. */
int xm_set_safety(xmodel *m, const char *name, const char *value)
{
	static const struct { const char *name; int lo, hi; } opt[] = {
		{ "threshold", 1, 5 }, { "cap", 1, 1 << 20 }, { "candidates", 1, 1 << 20 },
	};
	for (int i = 0; i < 3; i++) {
		if (strcmp(name, opt[i].name))
			continue;
		char *end;
		long v = strtol(value, &end, 10);
		if (!*value || *end || v < opt[i].lo || v > opt[i].hi) {
			app_msg(m->a, MSG_ERROR, "%s needs an integer from %d to %d, not '%s'", name,
			        opt[i].lo, opt[i].hi, value);
			return -1;
		}
		sf_safety_opts o = *session_safety_opts(m->sess);
		*(i == 0 ? &o.threshold : i == 1 ? &o.cap : &o.candidates) = (int)v;
		session_set_safety_opts(m->sess, &o);
		/* Said now, and again when the reload this starts is done. */
		snprintf(m->ready_msg, sizeof m->ready_msg,
		         "S+/S− sets: features rated %d or more among the top %d by |s|, at most %d",
		         o.threshold, o.candidates, o.cap);
		app_msg(m->a, MSG_INFO, "%s", m->ready_msg);
		xm_sync(m);
		return 0;
	}
	return 1;
}

void xm_pair_list(xmodel *m, const size_t *v, size_t n, const char *what)
{
	free(m->pair_list);
	m->pair_list = NULL;
	m->n_pair_list = 0;
	snprintf(m->pair_list_what, sizeof m->pair_list_what, "%s", what ? what : "");
	unsigned char *seen = n ? calloc(m->P->n ? m->P->n : 1, 1) : NULL;
	if (n && (!seen || !(m->pair_list = malloc(n * sizeof *m->pair_list)))) {
		free(seen);
		return; /* by index, as without a list */
	}
	for (size_t i = 0; i < n; i++)
		if (v[i] < m->P->n && !seen[v[i]]) {
			seen[v[i]] = 1;
			m->pair_list[m->n_pair_list++] = v[i];
		}
	free(seen);
}

int xm_pair_pos(const xmodel *m, size_t p, long *pos)
{
	for (size_t i = 0; i < m->n_pair_list; i++)
		if (m->pair_list[i] == p) {
			*pos = (long)i;
			return 1;
		}
	*pos = -1;
	return 0;
}

const char *xm_path(const char *in, char *out, size_t n)
{
	const char *home = getenv("HOME");
	if (in[0] == '~' && (in[1] == '/' || !in[1]) && home && *home)
		snprintf(out, n, "%s%s", home, in + 1);
	else
		snprintf(out, n, "%s", in);
	return out;
}

int xm_feature_matches(const xmodel *m, int f)
{
	const wsearch *q = &m->fsearch;
	const char *p = q->pat;
	if (!wsearch_active(q))
		return 0;
	char id[16];
	snprintf(id, sizeof id, "%d", f);
	if (p[strspn(p, "0123456789")] == '\0' ? !strncmp(id, p, strlen(p)) : wsearch_match(q, id))
		return 1;
	const sf_label *lb = xm_label_of(m, f);
	return lb && (wsearch_match(q, lb->name) || wsearch_match(q, lb->note));
}

static int order_hit(size_t i, void *ctx)
{
	const xmodel *m = ctx;
	return xm_feature_matches(m, (int)m->order[i]);
}

int xm_search_feature(xmodel *m, int dir, int from_current)
{
	int wrapped;
	if (!wsearch_active(&m->fsearch)) {
		app_msg(m->a, MSG_INFO, "no search yet: / searches down, ? up");
		return -1;
	}
	if (!m->order || !m->norder) {
		app_msg(m->a, MSG_ERROR, "no match for '%s' (no features shown)", m->fsearch.pat);
		return -1;
	}
	long i = wsearch_step(m->norder, order_pos(m), dir, from_current, order_hit, m, &wrapped);
	if (i < 0) {
		app_msg(m->a, MSG_ERROR, "no match for '%s'", m->fsearch.pat);
		return -1;
	}
	m->cur_feature = (int)m->order[i];
	if (wrapped)
		app_msg(m->a, MSG_INFO, "search wrapped: hit the %s, went on from the %s",
		        dir > 0 ? "bottom" : "top", dir > 0 ? "top" : "bottom");
	return m->cur_feature;
}

int xm_search_features(xmodel *m, const char *pat, int dir)
{
	char err[300];
	if (wsearch_set(&m->fsearch, pat, dir, err, sizeof err)) {
		app_msg(m->a, MSG_ERROR, "%s", err);
		return -1;
	}
	int f = xm_search_feature(m, dir, 1);
	if (f < 0)
		wsearch_clear(&m->fsearch); /* the title shows a search that found something */
	return f;
}

int xm_parse_ratio(const char *s, double *out, char *why, size_t n)
{
	char *end;
	double v = strtod(s, &end);
	int pct = 0;
	if (end == s) {
		snprintf(why, n, "ratio '%s' is no number: 5%% or 0.05", s);
		return -1;
	}
	while (*end == ' ')
		end++;
	if (*end == '%') {
		v /= 100;
		pct = 1;
		end++;
	}
	while (*end == ' ')
		end++;
	if (*end || !(v > 0 && v <= 1)) {
		snprintf(why, n, "ratio '%s' is out of range: from 0.01%% to 100%% (0.0001 to 1)", s);
		return -1;
	}
	/* A bare 1 reads as "1%" to many: say which it is instead of editing everything. */
	if (!pct && v == 1) {
		snprintf(why, n, "ratio '%s' would be all the pairs: type 1%% for one in a hundred, "
		         "or 100%% for all", s);
		return -1;
	}
	*out = v;
	return 0;
}

int xm_find_feature(const xmodel *m, const char *what)
{
	char *end;
	long v = strtol(what, &end, 10);
	if (*what && !*end)
		return (m->st && v >= 0 && v < m->st->m) ? (int)v : -1;
	if (!m->L)
		return -1;
	for (size_t i = 0; i < m->L->n; i++)
		if (!strcasecmp(m->L->v[i].name, what))
			return m->L->v[i].feature;
	size_t n = strlen(what);
	for (size_t i = 0; i < m->L->n; i++)
		if (!strncasecmp(m->L->v[i].name, what, n))
			return m->L->v[i].feature;
	return -1;
}

/* ---- global keys -------------------------------------------------------------- */

const wkey xm_global_keys[] = {
	{ "F", "Features screen", 'F' },
	{ "e", "Edits screen", 'e' },
	{ "t", "Train screen", 't' },
	{ "Q", "Quality screen", 'Q' },
};
const int xm_global_keys_n = 4;

int xm_global_key(app *a, int key, void *ctx)
{
	xmodel *m = ctx;
	(void)a;
	switch (key) {
	case 'F': xm_open(m, XS_FEATURES, XM_KEEP); return WF_HANDLED;
	case 'e': xm_open(m, XS_EDITS, XM_KEEP); return WF_HANDLED;
	case 't': xm_open(m, XS_TRAIN, XM_KEEP); return WF_HANDLED;
	case 'Q': xm_open(m, XS_QUALITY, XM_KEEP); return WF_HANDLED;
	}
	return WF_IGNORED;
}
