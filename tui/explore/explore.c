/* The explorer's model and its `:` commands. */
#include "tui/explore/explore.h"

#include "widgets/draw.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/ws/index_ws.h"
#include "engine/ws/labels_ws.h"
#include "engine/ws/pooled_ws.h"
#include "engine/ws/scores_ws.h"
#include "engine/ws/stats_ws.h"

static xmodel *g_m; /* for the command callback, which has no context */

int xm_load_analysis(xmodel *m, const sf_progress *p, sf_err *e)
{
	char note[600];
	if (latents_open_repair(&m->l, m->w, p, note, sizeof note, e))
		return -1;
	if (note[0])
		app_msg(m->a, MSG_INFO, "%s", note);
	if (index_open(&m->ix, m->w, m->l, p, NULL, e))
		return -1;
	if (stats_compute_ws(&m->st, m->l, m->s, m->rows_mode, p, e))
		return -1;
	m->have_stats = 1;
	if (labels_load(&m->L, m->w, m->l->m, e))
		return -1;
	m->have_labels = 1;
	if (m->L.notice[0])
		app_msg(m->a, MSG_INFO, "%s", m->L.notice);
	m->actions = calloc(m->P->n ? m->P->n : 1, 1);
	if (!m->actions)
		return sf_fail(e, "out of memory");
	/* The current plan, when there is one that fits this data. */
	char path[4096];
	sf_err pe;
	if (!ws_file(m->w, "plan.jsonl", path, sizeof path, &pe) && access(path, F_OK) == 0) {
		if (plan_read(&m->plan, m->P, path, ws_fingerprint(m->w), &pe) == 0) {
			m->have_plan = 1;
			plan_actions(&m->plan, m->P->n, m->actions);
		} else {
			app_msg(m->a, MSG_ERROR, "current plan not loaded: %s", pe.msg);
		}
	}
	m->cur_feature = m->st.m > 0 ? m->st.order[0] : 0;
	return 0;
}

void xm_free_analysis(xmodel *m)
{
	if (m->have_bt)
		bt_result_free(&m->bt);
	if (m->have_plan)
		plan_free(&m->plan);
	if (m->have_scores) {
		scores_free(&m->sc);
		safety_free(&m->S);
	}
	if (m->have_labels)
		labels_free(&m->L);
	if (m->have_stats)
		stats_free(&m->st);
	if (m->ix)
		index_close(m->ix);
	if (m->l)
		latents_close(m->l);
	free(m->actions);
	free(m->undo.name);
	free(m->undo.note);
	m->have_bt = m->have_plan = m->have_scores = m->have_labels = m->have_stats = 0;
	m->ix = NULL;
	m->l = NULL;
	m->actions = NULL;
	m->undo.name = m->undo.note = NULL;
	m->undo.valid = 0;
}

void xm_update_title(xmodel *m)
{
	char t[512], plan[128] = "none", sae[64] = "no SAE";
	if (m->l)
		snprintf(sae, sizeof sae, "SAE %d×k%d", m->l->m, m->l->k);
	if (m->have_plan) {
		if (m->plan.strategy == PLAN_MANUAL)
			snprintf(plan, sizeof plan, "manual (%zu pairs)", m->plan.n);
		else
			snprintf(plan, sizeof plan, "%s %g%% (%zu pairs)",
			         plan_strategy_name(m->plan.strategy), m->plan.ratio * 100, m->plan.n);
	}
	snprintf(t, sizeof t, "safer — ws: %s · %s · %zu rows · %zu pairs · labels %zu · plan: %s%s",
	         ws_dir(m->w), sae, store_nrows(m->s), m->P->n, m->have_labels ? m->L.n : 0,
	         plan, ws_readonly(m->w) ? " · READ-ONLY" : "");
	app_set_title(m->a, t);
}

/* ---- labels ----------------------------------------------------------- */

static void scores_stale(xmodel *m)
{
	if (m->have_scores) {
		scores_free(&m->sc);
		safety_free(&m->S);
		m->have_scores = 0;
	}
}

int xm_label(xmodel *m, int feature, const char *name, int safety, const char *note)
{
	sf_err e;
	if (!m->have_labels)
		return -1;
	if (ws_readonly(m->w)) {
		app_msg(m->a, MSG_ERROR, "read-only: %s", ws_readonly_reason(m->w));
		return -1;
	}
	const sf_label *old = labels_get(&m->L, feature);
	xlabel_undo u = { 1, feature, old != NULL, NULL, NULL, 0 };
	if (old) {
		u.name = strdup(old->name);
		u.note = strdup(old->note);
		u.safety = old->safety;
	}
	if (labels_set(&m->L, feature, name, safety, note, &e)) {
		free(u.name);
		free(u.note);
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	free(m->undo.name);
	free(m->undo.note);
	m->undo = u;
	if (safety >= 0)
		scores_stale(m);
	app_msg(m->a, MSG_INFO, "feature %d labelled (saved)", feature);
	features_refresh(m);
	xm_update_title(m);
	return 0;
}

int xm_undo(xmodel *m)
{
	sf_err e;
	if (!m->undo.valid) {
		app_msg(m->a, MSG_INFO, "nothing to undo");
		return -1;
	}
	xlabel_undo u = m->undo;
	int rc = u.existed ? labels_set(&m->L, u.feature, u.name, u.safety, u.note, &e)
	                   : labels_remove(&m->L, u.feature, &e);
	if (rc) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	free(u.name);
	free(u.note);
	memset(&m->undo, 0, sizeof m->undo);
	scores_stale(m);
	app_msg(m->a, MSG_INFO, "label of feature %d restored (saved)", u.feature);
	features_refresh(m);
	xm_update_title(m);
	return 0;
}

/* ---- scores and plans --------------------------------------------------- */

int xm_scores(xmodel *m, sf_err *e)
{
	if (m->have_scores)
		return 0;
	if (!m->have_stats)
		return sf_fail(e, "no statistics: the workspace has no latents yet");
	if (safety_select(&m->S, &m->st, &m->L, &m->so, e))
		return -1;
	if (scores_compute_ws(&m->sc, m->l, m->s, m->P->n, &m->S, m->rows_mode, NULL, e)) {
		safety_free(&m->S);
		return -1;
	}
	m->have_scores = 1;
	if (m->S.fallback)
		app_msg(m->a, MSG_INFO, "note: %s", SAFETY_FALLBACK_NOTE);
	return 0;
}

void xm_set_plan(xmodel *m, sf_plan *pl)
{
	if (m->have_plan)
		plan_free(&m->plan);
	m->plan = *pl;
	m->have_plan = 1;
	memset(m->actions, 0, m->P->n);
	plan_actions(&m->plan, m->P->n, m->actions);
	if (m->have_bt) {
		bt_result_free(&m->bt);
		m->have_bt = 0;
	}
	char path[4096];
	sf_err e;
	if (!ws_readonly(m->w) && (ws_file(m->w, "plan.jsonl", path, sizeof path, &e) ||
	                           plan_write(&m->plan, m->P, path, &e)))
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
	xm_update_title(m);
}

void xm_plan_changed(xmodel *m)
{
	char path[4096];
	sf_err e;
	memset(m->actions, 0, m->P->n);
	plan_actions(&m->plan, m->P->n, m->actions);
	if (!ws_readonly(m->w) && (ws_file(m->w, "plan.jsonl", path, sizeof path, &e) ||
	                           plan_write(&m->plan, m->P, path, &e)))
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
	xm_update_title(m);
}

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

/* The plan job works on its own copies of the scores and safety sets:
 * the main thread may change a rating (and drop its scores) meanwhile. */
struct plan_job {
	xmodel *m;
	int strategy;
	double ratio;
	sf_scores sc;
	sf_safety S;
	sf_plan out;
};

static void plan_job_free(struct plan_job *j)
{
	free(j->sc.score);
	free(j->sc.a_chosen);
	free(j->sc.a_rejected);
	safety_free(&j->S);
	free(j);
}

static double *dup_doubles(const double *v, size_t n)
{
	double *d = malloc(n * sizeof *d + 1);
	if (d)
		memcpy(d, v, n * sizeof *d);
	return d;
}

static int plan_job_copy(struct plan_job *j, const xmodel *m, sf_err *e)
{
	j->sc = m->sc;
	j->sc.score = dup_doubles(m->sc.score, m->sc.n_pairs);
	j->sc.a_chosen = dup_doubles(m->sc.a_chosen, m->sc.n_pairs);
	j->sc.a_rejected = dup_doubles(m->sc.a_rejected, m->sc.n_pairs);
	if (!j->sc.score || !j->sc.a_chosen || !j->sc.a_rejected)
		return sf_fail(e, "out of memory");
	if (safety_from_lists(&j->S, m->S.plus, m->S.n_plus, m->S.minus, m->S.n_minus, m->st.m, e))
		return -1;
	j->S.fallback = m->S.fallback;
	j->S.rows_mode = m->S.rows_mode;
	j->S.opts = m->S.opts;
	return 0;
}

static int plan_run(void *ctx, const sf_progress *p, sf_err *e)
{
	struct plan_job *j = ctx;
	(void)p;
	return plan_make(&j->out, j->m->P, &j->sc, &j->S, j->strategy, j->ratio,
	                 ws_fingerprint(j->m->w), e);
}

static void plan_done(app *a, void *ctx, int rc, const sf_err *e)
{
	struct plan_job *j = ctx;
	(void)e;
	if (rc == 0) {
		xm_set_plan(j->m, &j->out);
		app_msg(a, MSG_INFO, "%s %g%%: %zu of the train pairs (S+ %d, S- %d features)%s",
		        plan_strategy_name(j->strategy), j->ratio * 100, j->m->plan.n,
		        j->m->plan.n_plus, j->m->plan.n_minus,
		        j->m->plan.fallback ? " — no ratings yet: top features by |s| used" : "");
		if (j->m->edits) {
			edits_top(j->m);
			xm_show(j->m, j->m->edits);
		}
	}
	plan_job_free(j);
}

int xm_plan_job(xmodel *m, int strategy, double ratio)
{
	sf_err e;
	if (app_busy(m->a)) {
		app_msg(m->a, MSG_ERROR, "a job is running; wait or cancel it (x)");
		return -1;
	}
	/* Scores on the main thread: they read the labels, which only the
	 * main thread changes. */
	if (xm_scores(m, &e)) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	struct plan_job *j = calloc(1, sizeof *j);
	if (!j)
		return -1;
	j->m = m;
	j->strategy = strategy;
	j->ratio = ratio;
	if (plan_job_copy(j, m, &e)) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		plan_job_free(j);
		return -1;
	}
	if (app_job(m->a, "planning", plan_run, plan_done, j)) {
		plan_job_free(j);
		return -1;
	}
	return 0;
}

struct eval_job {
	xmodel *m;
	sf_bt_result out;
};

static int eval_run(void *ctx, const sf_progress *p, sf_err *e)
{
	struct eval_job *j = ctx;
	sf_pooled pp;
	sf_bt_opts o;
	bt_opts_default(&o);
	if (bt_pool_ws(&pp, j->m->w, p, e))
		return -1;
	int rc = bt_eval(&j->out, &pp, j->m->P, j->m->have_plan ? &j->m->plan : NULL, &o, p, e);
	bt_pool_free(&pp);
	return rc;
}

static void eval_done(app *a, void *ctx, int rc, const sf_err *e)
{
	struct eval_job *j = ctx;
	(void)e;
	if (rc == 0) {
		if (j->m->have_bt)
			bt_result_free(&j->m->bt);
		j->m->bt = j->out;
		j->m->have_bt = 1;
		app_msg(a, MSG_INFO, "projected effect computed (%zu flips, %zu drops)", j->out.n_flip,
		        j->out.n_drop);
	}
	free(j);
}

int xm_eval_job(xmodel *m)
{
	if (app_busy(m->a)) {
		app_msg(m->a, MSG_ERROR, "a job is running; wait or cancel it (x)");
		return -1;
	}
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

/* ---- small helpers -------------------------------------------------------- */

float xm_act(const xmodel *m, size_t r, int f)
{
	if (!m->l || r >= m->l->n_rows)
		return 0;
	const uint32_t *idx = m->l->idx + r * (size_t)m->l->k;
	const float *val = m->l->val + r * (size_t)m->l->k;
	for (int i = 0; i < m->l->k; i++)
		if ((int)idx[i] == f)
			return val[i] > 0 ? val[i] : 0;
	return 0;
}

float xm_safety_act(const xmodel *m, size_t r)
{
	if (!m->l || !m->have_scores || r >= m->l->n_rows)
		return 0;
	const uint32_t *idx = m->l->idx + r * (size_t)m->l->k;
	const float *val = m->l->val + r * (size_t)m->l->k;
	float s = 0;
	for (int i = 0; i < m->l->k; i++) {
		if (!(val[i] > 0))
			continue;
		for (int j = 0; j < m->S.n_plus; j++)
			if (m->S.plus[j] == (int)idx[i])
				s += val[i];
		for (int j = 0; j < m->S.n_minus; j++)
			if (m->S.minus[j] == (int)idx[i])
				s -= val[i];
	}
	return s;
}

int xm_parse_ratio(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s)
		return -1;
	while (*end == ' ')
		end++;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end || !(v > 0 && v <= 1))
		return -1;
	*out = v;
	return 0;
}

int xm_find_feature(const xmodel *m, const char *what)
{
	char *end;
	long v = strtol(what, &end, 10);
	if (*what && !*end)
		return (m->l && v >= 0 && v < m->l->m) ? (int)v : -1;
	if (!m->have_labels)
		return -1;
	for (size_t i = 0; i < m->L.n; i++)
		if (!strcasecmp(m->L.v[i].name, what))
			return m->L.v[i].feature;
	size_t n = strlen(what);
	for (size_t i = 0; i < m->L.n; i++)
		if (!strncasecmp(m->L.v[i].name, what, n))
			return m->L.v[i].feature;
	return -1;
}

/* ---- commands ------------------------------------------------------------ */

static const char *const commands[] = {
	"sort", "filter", "search", "goto", "label", "rate", "note", "undo", "plan", "export",
	"export-dataset", "eval", "pair", "features", "edits", "train", "rows", "set", "quit",
	"help",
	/* arguments */
	"id", "salience", "chosen", "rejected", "density", "max", "rating", "poison",
	"denoise", "candidates", "labelled", "unlabelled", "s+", "s-", "all", "sentence", NULL
};

const wkey xm_command_help[] = {
	{ ":sort COL [asc|desc]", "id salience chosen rejected density-chosen density-rejected max label rating" },
	{ ":filter NAME", "all candidates labelled unlabelled s+ s-" },
	{ ":search TEXT", "label names and ids, as /" },
	{ ":goto ID|NAME", "open a feature" },
	{ ":label NAME", "name the current feature" },
	{ ":rate 0-5", "rate the current feature (0 clears)" },
	{ ":note TEXT", "note on the current feature" },
	{ ":undo", "undo the last label change" },
	{ ":plan poison|denoise R", "plan an edit (R: 5% or 0.05)" },
	{ ":eval", "projected effect of the plan" },
	{ ":export FILE", "write the edit list (JSONL)" },
	{ ":export-dataset FILE", "write the edited dataset" },
	{ ":pair N", "open pair N" },
	{ ":rows sentence|all", "rows the statistics use" },
	{ ":set NAME VALUE", "training hyperparameter (Train screen)" },
	{ ":features :edits :train", "go to a screen" },
	{ ":q", "quit" },
};
const int xm_command_help_n = (int)(sizeof xm_command_help / sizeof xm_command_help[0]);

const wkey xm_global_keys[] = {
	{ "F", "Features screen" },
	{ "e", "Edits screen" },
	{ "t", "Train screen" },
};
const int xm_global_keys_n = 3;

int xm_global_key(app *a, int key, void *ctx)
{
	xmodel *m = ctx;
	(void)a;
	switch (key) {
	case 'F': xm_show(m, m->features); return WF_HANDLED;
	case 'e': xm_show(m, m->edits); return WF_HANDLED;
	case 't': xm_show(m, m->train); return WF_HANDLED;
	}
	return WF_IGNORED;
}

const char *xm_word(void *ctx, size_t i)
{
	(void)ctx;
	size_t nc = sizeof commands / sizeof commands[0] - 1;
	if (i < nc)
		return commands[i];
	i -= nc;
	/* Label names complete too (for :goto NAME). */
	if (g_m && g_m->have_labels) {
		for (size_t j = 0; j < g_m->L.n; j++) {
			if (!g_m->L.v[j].name[0])
				continue;
			if (i-- == 0)
				return g_m->L.v[j].name;
		}
	}
	return NULL;
}

/* The words from argv[from] on, joined by spaces. */
static void join(char *buf, size_t n, int argc, char **argv, int from)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = from; i < argc && o + 1 < n; i++) {
		int w = snprintf(buf + o, n - o, "%s%s", i > from ? " " : "", argv[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

static int need_analysis(xmodel *m)
{
	if (m->have_stats)
		return 1;
	app_msg(m->a, MSG_ERROR, "no SAE latents yet: train one first (t)");
	return 0;
}

static int cmd_export(xmodel *m, int argc, char **argv, int dataset)
{
	sf_err e;
	if (argc < 2) {
		app_msg(m->a, MSG_ERROR, "usage: :%s FILE", argv[0]);
		return -1;
	}
	if (!m->have_plan) {
		app_msg(m->a, MSG_ERROR, "no plan yet: :plan poison 5%% (or p / d in Edits)");
		return -1;
	}
	char path[1024];
	join(path, sizeof path, argc, argv, 1);
	int rc = dataset ? plan_export(&m->plan, m->P, path, &e)
	                 : plan_write(&m->plan, m->P, path, &e);
	if (rc) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	app_msg(m->a, MSG_INFO, "wrote %s (%zu edits)", path, m->plan.n);
	return 1;
}

int xm_command(app *a, int argc, char **argv)
{
	xmodel *m = g_m;
	const char *c = argv[0];
	char text[1024];
	if (!strcmp(c, "features")) {
		xm_show(m, m->features);
		return 1;
	}
	if (!strcmp(c, "train")) {
		xm_show(m, m->train);
		return 1;
	}
	if (!need_analysis(m))
		return -1;
	if (!strcmp(c, "sort")) {
		if (argc < 2)
			return app_msg(a, MSG_ERROR, "usage: :sort COLUMN [asc|desc]"), -1;
		int given = argc > 2, desc = argc > 2 && !strcmp(argv[2], "desc");
		if (features_sort(m, argv[1], given, desc))
			return -1;
		xm_show(m, m->features);
		return 1;
	}
	if (!strcmp(c, "filter")) {
		if (features_filter(m, argc > 1 ? argv[1] : "all"))
			return -1;
		xm_show(m, m->features);
		return 1;
	}
	if (!strcmp(c, "search")) {
		join(text, sizeof text, argc, argv, 1);
		xm_show(m, m->features);
		return features_search(m, text) ? -1 : 1;
	}
	if (!strcmp(c, "goto")) {
		join(text, sizeof text, argc, argv, 1);
		int f = xm_find_feature(m, text);
		if (f < 0)
			return app_msg(a, MSG_ERROR, "no feature '%s'", text), -1;
		feature_show(m, f);
		return 1;
	}
	if (!strcmp(c, "label") || !strcmp(c, "note")) {
		join(text, sizeof text, argc, argv, 1);
		int isname = !strcmp(c, "label");
		return xm_label(m, m->cur_feature, isname ? text : NULL, -1, isname ? NULL : text)
		               ? -1 : 1;
	}
	if (!strcmp(c, "rate")) {
		if (argc != 2 || argv[1][0] < '0' || argv[1][0] > '5' || argv[1][1])
			return app_msg(a, MSG_ERROR, "usage: :rate 0-5"), -1;
		return xm_label(m, m->cur_feature, NULL, argv[1][0] - '0', NULL) ? -1 : 1;
	}
	if (!strcmp(c, "undo"))
		return xm_undo(m) ? -1 : 1;
	if (!strcmp(c, "plan")) {
		double r;
		int strategy = argc > 1 && !strcmp(argv[1], "poison") ? PLAN_POISON
		               : argc > 1 && !strcmp(argv[1], "denoise") ? PLAN_DENOISE : 0;
		join(text, sizeof text, argc, argv, 2);
		if (!strategy || xm_parse_ratio(text, &r))
			return app_msg(a, MSG_ERROR, "usage: :plan poison|denoise RATIO (e.g. 5%%)"), -1;
		return xm_plan_job(m, strategy, r) ? -1 : 1;
	}
	if (!strcmp(c, "export"))
		return cmd_export(m, argc, argv, 0);
	if (!strcmp(c, "export-dataset"))
		return cmd_export(m, argc, argv, 1);
	if (!strcmp(c, "eval"))
		return xm_eval_job(m) ? -1 : 1;
	if (!strcmp(c, "edits")) {
		xm_show(m, m->edits);
		return 1;
	}
	if (!strcmp(c, "pair")) {
		char *end;
		long p = argc > 1 ? strtol(argv[1], &end, 10) : -1;
		if (argc < 2 || *end || p < 0 || (size_t)p >= m->P->n)
			return app_msg(a, MSG_ERROR, "usage: :pair INDEX (0..%zu)", m->P->n - 1), -1;
		pair_show(m, (size_t)p);
		return 1;
	}
	if (!strcmp(c, "rows")) {
		int mode;
		sf_err e;
		if (argc != 2 || rows_mode_parse(argv[1], &mode))
			return app_msg(a, MSG_ERROR, "usage: :rows sentence|all"), -1;
		sf_stats st;
		if (stats_compute_ws(&st, m->l, m->s, mode, NULL, &e))
			return app_msg(a, MSG_ERROR, "%s", e.msg), -1;
		stats_free(&m->st);
		m->st = st;
		m->rows_mode = mode;
		scores_stale(m);
		features_refresh(m);
		app_msg(a, MSG_INFO, "statistics over %s rows", rows_mode_name(mode));
		return 1;
	}
	return 0;
}

void xm_show(xmodel *m, screen *s)
{
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

void xm_bind(xmodel *m)
{
	g_m = m;
}
