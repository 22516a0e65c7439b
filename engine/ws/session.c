/* The engine session: lazy getters over one workspace (see session.h). */
#include "engine/ws/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/analysis/labels.h"
#include "engine/ws/index_ws.h"
#include "engine/ws/verdicts_ws.h"
#include "engine/ws/labels_ws.h"
#include "engine/ws/attrib_ws.h"
#include "engine/ws/paired_ws.h"
#include "engine/ws/pooled_ws.h"
#include "engine/ws/plans_ws.h"
#include "engine/ws/reward_ws.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/scores_ws.h"
#include "engine/ws/stats_ws.h"

/* What a file was when last read, to notice another process's change. */
typedef struct file_id {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
} file_id;

enum { WATCH_LABELS, WATCH_PLAN, WATCH_SAE_CFG, WATCH_SAE_WEIGHTS, WATCH_N };
static const char *const watch_name[WATCH_N] = { "labels.msgpack", "plan.jsonl",
	                                         "sae/cfg.json", "sae/sae.safetensors" };

enum { GEN_SAE, GEN_LABELS, GEN_PLAN, GEN_OPTIONS, GEN_N };

struct sf_session {
	ws *w;
	sf_progress_fn pfn;
	void *pctx;
	void (*nfn)(void *ctx, const char *msg);
	void *nctx;
	char **said; /* notices already sent */
	size_t n_said;

	int rows_mode;
	sf_safety_opts so;

	sae *sae;
	latents *l;
	sf_index *ix;
	sf_stats st;
	int have_stats, stats_cached;
	sf_labels L;
	int have_labels;
	sf_verdicts V;
	int have_verdicts;
	file_id verdicts_seen;
	sf_safety S;
	int have_safety;
	sf_scores sc;
	int have_scores;
	sf_plan plan;
	int plan_loaded, have_plan;
	unsigned char *actions;
	sf_pooled pooled;
	int have_pooled;
	sf_bt_result bt;
	sf_bt_opts bt_opts;
	int have_bt;
	sf_head head;           /* the reward head (the data's: kept till close) */
	int have_head;
	sf_effects effects;     /* dropped with the SAE */
	int have_effects;
	sf_paired paired;       /* dropped with the statistics */
	int have_paired, paired_cached;

	file_id seen[WATCH_N];
	unsigned long gen[GEN_N];
};

/* ---- small helpers ------------------------------------------------------ */

/* Encode the latents: into the cache when writable, in memory when not. */
static int latents_encode(latents **out, ws *w, const sae *m, const sf_progress *p, sf_err *e)
{
	int rebuilt;
	if (ws_readonly(w))
		return latents_encode_mem(out, w, m, 0, p, e);
	if (latents_build(w, m, 0, 0, p, &rebuilt, e) == 0)
		return latents_open(out, w, e);
	/* the cache could not be written (full disk): the workspace is
	 * read-only from now on, and the latents are kept in memory */
	return ws_readonly(w) ? latents_encode_mem(out, w, m, 0, p, e) : -1;
}

static void path_id(const char *path, file_id *out)
{
	struct stat sb;
	memset(out, 0, sizeof *out);
	if (stat(path, &sb))
		return;
	out->exists = 1;
	out->dev = sb.st_dev;
	out->ino = sb.st_ino;
	out->size = sb.st_size;
	out->mtime = sb.st_mtim;
}

static void file_id_of(sf_session *s, int which, file_id *out)
{
	char path[4096];
	memset(out, 0, sizeof *out);
	if (!ws_file(s->w, watch_name[which], path, sizeof path, NULL))
		path_id(path, out);
}

static void verdicts_id(sf_session *s, file_id *out)
{
	char path[4096];
	memset(out, 0, sizeof *out);
	if (!verdicts_ws_path(s->w, path, sizeof path, NULL))
		path_id(path, out);
}

static int file_id_same(const file_id *a, const file_id *b)
{
	if (a->exists != b->exists)
		return 0;
	return !a->exists || (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	                      a->mtime.tv_sec == b->mtime.tv_sec &&
	                      a->mtime.tv_nsec == b->mtime.tv_nsec);
}

static void remember(sf_session *s, int which) { file_id_of(s, which, &s->seen[which]); }

static void notice(sf_session *s, const char *msg)
{
	if (!msg[0])
		return;
	for (size_t i = 0; i < s->n_said; i++)
		if (!strcmp(s->said[i], msg))
			return;
	char **v = realloc(s->said, (s->n_said + 1) * sizeof *v);
	char *c = strdup(msg);
	if (!v || !c) {
		free(c);
		if (v)
			s->said = v;
	} else {
		s->said = v;
		s->said[s->n_said++] = c;
	}
	if (s->nfn)
		s->nfn(s->nctx, msg);
}

/* A read-only workspace computes caches in memory: say so, once. */
static void readonly_notice(sf_session *s)
{
	if (!ws_readonly(s->w))
		return;
	char msg[512];
	snprintf(msg, sizeof msg, "%s is read-only (%s): results are computed in memory, not cached",
	         ws_dir(s->w), ws_readonly_reason(s->w));
	notice(s, msg);
}

/* Progress of one step, under the step's name. */
typedef struct stage {
	sf_session *s;
	const char *name;
} stage;

static int stage_report(void *ctx, double frac, const char *phase)
{
	stage *st = ctx;
	(void)phase;
	return st->s->pfn ? st->s->pfn(st->s->pctx, frac, st->name) : 0;
}

#define STAGE(var, sess, nm)              \
	stage var##_st = { (sess), (nm) }; \
	sf_progress var = { stage_report, &var##_st }

/* ---- dropping ----------------------------------------------------------- */

static void drop_scores(sf_session *s)
{
	if (s->have_scores)
		scores_free(&s->sc);
	if (s->have_safety)
		safety_free(&s->S);
	s->have_scores = s->have_safety = 0;
}

static void drop_stats(sf_session *s)
{
	drop_scores(s);
	if (s->have_paired)
		paired_free(&s->paired);
	s->have_paired = s->paired_cached = 0;
	if (s->have_stats)
		stats_free(&s->st);
	s->have_stats = s->stats_cached = 0;
}

static void drop_labels(sf_session *s)
{
	drop_scores(s);
	if (s->have_labels)
		labels_free(&s->L);
	if (s->have_verdicts)
		verdicts_free(&s->V);
	s->have_labels = s->have_verdicts = 0;
}

static void drop_sae(sf_session *s)
{
	drop_stats(s);
	drop_labels(s);
	if (s->have_effects)
		effects_free(&s->effects);
	s->have_effects = 0;
	if (s->ix)
		index_close(s->ix);
	latents_close(s->l);
	sae_free(s->sae);
	s->ix = NULL;
	s->l = NULL;
	s->sae = NULL;
}

static void drop_eval(sf_session *s)
{
	if (s->have_bt)
		bt_result_free(&s->bt);
	s->have_bt = 0;
}

static void drop_plan(sf_session *s)
{
	drop_eval(s);
	if (s->have_plan)
		plan_free(&s->plan);
	free(s->actions);
	s->actions = NULL;
	s->have_plan = s->plan_loaded = 0;
}

void session_drop(sf_session *s, int what)
{
	if (what & SESS_SAE) {
		drop_sae(s);
		s->gen[GEN_SAE]++;
		remember(s, WATCH_SAE_CFG);
		remember(s, WATCH_SAE_WEIGHTS);
	}
	if (what & SESS_LABELS) {
		drop_labels(s);
		s->gen[GEN_LABELS]++;
	}
	if (what & SESS_PLAN) {
		drop_plan(s);
		s->gen[GEN_PLAN]++;
	}
	if (what & SESS_OPTIONS) {
		drop_stats(s);
		s->gen[GEN_OPTIONS]++;
	}
}

/* ---- open / close / options --------------------------------------------- */

int session_open(sf_session **out, const char *dir, int flags, sf_err *e)
{
	*out = NULL;
	sf_session *s = calloc(1, sizeof *s);
	if (!s)
		return sf_fail(e, "%s: out of memory", dir);
	if (ws_open(&s->w, dir, flags, e)) {
		free(s);
		return -1;
	}
	s->rows_mode = ROWS_SENTENCE;
	safety_opts_default(&s->so);
	bt_opts_default(&s->bt_opts);
	for (int i = 0; i < WATCH_N; i++)
		remember(s, i);
	*out = s;
	return 0;
}

void session_close(sf_session *s)
{
	if (!s)
		return;
	drop_sae(s);
	drop_plan(s);
	if (s->have_pooled)
		bt_pool_free(&s->pooled);
	if (s->have_head)
		head_free(&s->head);
	for (size_t i = 0; i < s->n_said; i++)
		free(s->said[i]);
	free(s->said);
	ws_close(s->w);
	free(s);
}

ws *session_ws(sf_session *s) { return s->w; }

void session_set_progress(sf_session *s, sf_progress_fn fn, void *ctx)
{
	s->pfn = fn;
	s->pctx = ctx;
}

void session_set_notice(sf_session *s, void (*fn)(void *ctx, const char *msg), void *ctx)
{
	s->nfn = fn;
	s->nctx = ctx;
}

void session_set_rows_mode(sf_session *s, int rows_mode)
{
	if (rows_mode != s->rows_mode) {
		s->rows_mode = rows_mode;
		session_drop(s, SESS_OPTIONS);
	}
}

int session_rows_mode(const sf_session *s) { return s->rows_mode; }

void session_set_safety_opts(sf_session *s, const sf_safety_opts *o)
{
	if (memcmp(o, &s->so, sizeof *o)) {
		s->so = *o;
		drop_scores(s);
		s->gen[GEN_OPTIONS]++;
	}
}

const sf_safety_opts *session_safety_opts(const sf_session *s) { return &s->so; }

unsigned long session_generation(const sf_session *s, int what)
{
	unsigned long g = 0;
	for (int i = 0; i < GEN_N; i++)
		if (what & (1 << i))
			g += s->gen[i];
	return g;
}

/* ---- SAE and latents ---------------------------------------------------- */

static int no_sae(sf_session *s, sf_err *e)
{
	const char *d = ws_dir(s->w);
	file_id a, b;
	file_id_of(s, WATCH_SAE_CFG, &a);
	file_id_of(s, WATCH_SAE_WEIGHTS, &b);
	if (a.exists != b.exists)
		return sf_fail(e, "%s/sae: %s (%s without %s)", d, SAE_WS_DAMAGED,
		               a.exists ? "cfg.json" : "sae.safetensors",
		               a.exists ? "sae.safetensors" : "cfg.json");
	return sf_fail(e, "%s has no SAE: train one (safer train %s) or load one (safer load-sae %s PATH)",
	               d, d, d);
}

int session_has_sae(sf_session *s)
{
	file_id a, b;
	file_id_of(s, WATCH_SAE_CFG, &a);
	file_id_of(s, WATCH_SAE_WEIGHTS, &b);
	return a.exists && b.exists;
}

int session_has_latents(sf_session *s)
{
	return s->l != NULL || latents_present(s->w);
}

int session_sae(sf_session *s, const sae **out, sf_err *e)
{
	if (!s->sae) {
		if (!session_has_sae(s))
			return no_sae(s, e);
		if (sae_load_ws(&s->sae, s->w, e))
			return -1;
	}
	*out = s->sae;
	return 0;
}

int session_latents(sf_session *s, const latents **out, sf_err *e)
{
	if (s->l) {
		*out = s->l;
		return 0;
	}
	sf_err ce;
	int cur = latents_current(s->w, &ce);
	if (cur != 1 && !session_has_sae(s))
		return no_sae(s, e);
	if (cur == -1) {
		/* damaged: rebuilt when writable, refused (saying why) when not */
		char note[600] = "";
		STAGE(p, s, "encoding");
		if (latents_open_repair(&s->l, s->w, &p, note, sizeof note, e))
			return -1;
		notice(s, note);
	} else if (cur == 1) {
		if (latents_open(&s->l, s->w, e))
			return -1;
	} else {
		const sae *m;
		if (session_sae(s, &m, e))
			return -1;
		readonly_notice(s);
		STAGE(p, s, "encoding");
		if (latents_encode(&s->l, s->w, m, &p, e))
			return -1;
		readonly_notice(s); /* it may have become read-only on the way */
	}
	*out = s->l;
	return 0;
}

int session_width(sf_session *s, int *m, sf_err *e)
{
	if (s->l || s->have_stats) {
		*m = s->l ? s->l->m : s->st.m;
		return 0;
	}
	sf_err le;
	if (session_has_latents(s) && latents_open(&s->l, s->w, &le) == 0) {
		*m = s->l->m;
		return 0;
	}
	const sae *model;
	if (session_sae(s, &model, e))
		return -1;
	*m = model->m;
	return 0;
}

int session_index(sf_session *s, const sf_index **out, sf_err *e)
{
	if (!s->ix) {
		const latents *l;
		if (session_latents(s, &l, e))
			return -1;
		STAGE(p, s, "index");
		int built = 0;
		if (index_open(&s->ix, s->w, l, &p, &built, e))
			return -1;
		if (built)
			readonly_notice(s);
	}
	*out = s->ix;
	return 0;
}

/* ---- analysis chain ----------------------------------------------------- */

int session_stats(sf_session *s, const sf_stats **out, sf_err *e)
{
	if (!s->have_stats && !s->l) {
		/* The cached numbers need neither the latents nor their check. */
		char fp[17];
		sf_err fe;
		int found = 0;
		if (sae_ws_fingerprint(s->w, fp, &fe) == 0 &&
		    stats_ws_cached(&s->st, s->w, fp, s->rows_mode, &found, e))
			return -1;
		s->have_stats = s->stats_cached = found;
	}
	if (!s->have_stats) {
		const latents *l;
		if (session_latents(s, &l, e))
			return -1;
		STAGE(p, s, "statistics");
		if (stats_ws(&s->st, s->w, l, s->rows_mode, &p, &s->stats_cached, e))
			return -1;
		if (!s->stats_cached)
			readonly_notice(s);
		s->have_stats = 1;
	}
	*out = &s->st;
	return 0;
}

int session_stats_cached(const sf_session *s) { return s->have_stats && s->stats_cached; }

/* 1 when loading may switch label sets (labels_load): the file is there
 * and does not name the workspace's SAE. A missing file never switches. */
static int labels_may_switch(sf_session *s)
{
	char path[4096], cur[17], fp[17];
	int64_t m;
	int exists;
	sf_err e;
	if (ws_file(s->w, "labels.msgpack", path, sizeof path, &e) ||
	    sae_ws_fingerprint(s->w, cur, &e) || labels_peek(path, fp, &m, &exists, &e))
		return 1;
	return exists && strcmp(fp, cur) != 0;
}

static int load_labels(sf_session *s, sf_err *e)
{
	int m;
	if (session_width(s, &m, e))
		return -1;
	/* Loading switches label sets when the file belongs to another SAE,
	 * which writes: only then is the lock needed. */
	int writing = !ws_readonly(s->w) && labels_may_switch(s);
	sf_err le;
	if (writing && ws_write_begin(s->w, &le)) {
		/* the switch cannot be saved now (busy, full disk): make it in
		 * memory only, as a read-only workspace does */
		ws_cannot_write(s->w, le.msg);
		writing = 0;
	}
	remember(s, WATCH_LABELS);
	int rc = labels_load(&s->L, s->w, m, e);
	if (rc == 0)
		remember(s, WATCH_LABELS);
	if (writing)
		ws_write_end(s->w);
	if (rc)
		return -1;
	s->have_labels = 1;
	notice(s, s->L.notice);
	return 0;
}

int session_labels(sf_session *s, const sf_labels **out, sf_err *e)
{
	if (!s->have_labels && load_labels(s, e))
		return -1;
	*out = &s->L;
	return 0;
}

int session_verdicts(sf_session *s, const sf_verdicts **out, sf_err *e)
{
	if (!s->have_verdicts) {
		int m;
		if (session_width(s, &m, e))
			return -1;
		verdicts_id(s, &s->verdicts_seen);
		if (verdicts_ws_load(&s->V, s->w, m, e))
			return -1;
		s->have_verdicts = 1;
	}
	*out = &s->V;
	return 0;
}

int session_verdicts_reload(sf_session *s, sf_err *e)
{
	const sf_verdicts *V;
	session_drop(s, SESS_LABELS);
	return session_verdicts(s, &V, e);
}

int session_safety(sf_session *s, const sf_safety **out, sf_err *e)
{
	if (!s->have_safety) {
		const sf_stats *st;
		const sf_labels *L;
		const sf_verdicts *V = NULL;
		if (session_stats(s, &st, e) || session_labels(s, &L, e) ||
		    (s->so.ratings != RATINGS_HUMAN && session_verdicts(s, &V, e)))
			return -1;
		if (safety_select(&s->S, st, L, V, &s->so, e))
			return -1;
		s->have_safety = 1;
		if (s->S.fallback) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s (top %d)", SAFETY_FALLBACK_NOTE, s->so.cap);
			notice(s, msg);
		}
	}
	*out = &s->S;
	return 0;
}

int session_scores(sf_session *s, const sf_scores **out, sf_err *e)
{
	if (!s->have_scores) {
		const sf_safety *S;
		const latents *l;
		if (session_safety(s, &S, e) || session_latents(s, &l, e))
			return -1;
		STAGE(p, s, "scores");
		if (scores_compute_ws(&s->sc, l, ws_store(s->w), ws_pairs(s->w)->n, S,
		                      s->rows_mode, &p, e))
			return -1;
		s->have_scores = 1;
	}
	*out = &s->sc;
	return 0;
}

/* ---- labels ------------------------------------------------------------- */

/* Under the lock: the labels as they are on disk now, so that a change made
 * by another process since they were read is kept. */
static int labels_fresh(sf_session *s, sf_err *e)
{
	file_id now;
	file_id_of(s, WATCH_LABELS, &now);
	if (s->have_labels && file_id_same(&now, &s->seen[WATCH_LABELS]))
		return 0;
	if (s->have_labels) {
		drop_labels(s);
		s->gen[GEN_LABELS]++;
	}
	return load_labels(s, e);
}

/* One change of the labels: op runs under the lock on fresh labels. */
static int labels_change(sf_session *s, int (*op)(sf_labels *L, void *ctx, sf_err *e), void *ctx,
                         sf_err *e)
{
	if (ws_write_begin(s->w, e))
		return -1;
	int rc = labels_fresh(s, e);
	if (rc == 0)
		rc = op(&s->L, ctx, e);
	/* the labels could not follow the SAE on disk (full disk): say that,
	 * not that the workspace was opened read-only */
	if (rc && ws_readonly(s->w))
		sf_fail(e, "%s: labels not changed: %s", ws_dir(s->w), ws_readonly_reason(s->w));
	if (rc == 0) {
		remember(s, WATCH_LABELS);
		drop_scores(s);
		s->gen[GEN_LABELS]++;
	}
	ws_write_end(s->w);
	return rc;
}

typedef struct label_args {
	int feature, safety;
	const char *name, *note, *path;
	size_t *n;
} label_args;

static int op_set(sf_labels *L, void *ctx, sf_err *e)
{
	label_args *a = ctx;
	return labels_set(L, a->feature, a->name, a->safety, a->note, e);
}

static int op_remove(sf_labels *L, void *ctx, sf_err *e)
{
	label_args *a = ctx;
	return labels_remove(L, a->feature, e);
}

static int op_import(sf_labels *L, void *ctx, sf_err *e)
{
	label_args *a = ctx;
	return labels_import_json(L, a->path, a->n, e);
}

int session_label_set(sf_session *s, int feature, const char *name, int safety,
                      const char *note, sf_err *e)
{
	label_args a = { .feature = feature, .safety = safety, .name = name, .note = note };
	return labels_change(s, op_set, &a, e);
}

int session_label_remove(sf_session *s, int feature, sf_err *e)
{
	label_args a = { .feature = feature };
	return labels_change(s, op_remove, &a, e);
}

int session_labels_import(sf_session *s, const char *path, size_t *n, sf_err *e)
{
	label_args a = { .path = path, .n = n };
	return labels_change(s, op_import, &a, e);
}

/* ---- the current plan --------------------------------------------------- */

static int plan_path(sf_session *s, char *buf, size_t n, sf_err *e)
{
	return ws_file(s->w, "plan.jsonl", buf, n, e);
}

int session_plan(sf_session *s, const sf_plan **out, sf_err *e)
{
	if (!s->plan_loaded) {
		char path[4096];
		if (plan_path(s, path, sizeof path, e))
			return -1;
		remember(s, WATCH_PLAN);
		if (s->seen[WATCH_PLAN].exists) {
			if (plan_read(&s->plan, ws_pairs(s->w), path, ws_fingerprint(s->w), e))
				return sf_prefix(e, "the current plan");
			s->have_plan = 1;
		}
		s->plan_loaded = 1;
	}
	*out = s->have_plan ? &s->plan : NULL;
	return 0;
}

int session_plan_actions(sf_session *s, const unsigned char **out, sf_err *e)
{
	if (!s->actions) {
		const sf_plan *pl;
		if (session_plan(s, &pl, e))
			return -1;
		size_t n = ws_pairs(s->w)->n;
		if (!(s->actions = calloc(n ? n : 1, 1)))
			return sf_fail(e, "out of memory");
		if (pl)
			plan_actions(pl, n, s->actions);
	}
	*out = s->actions;
	return 0;
}

/* Install pl (NULL: none) as the loaded current plan. */
static void plan_take(sf_session *s, sf_plan *pl)
{
	drop_plan(s);
	if (pl) {
		s->plan = *pl;
		s->have_plan = 1;
	}
	s->plan_loaded = 1;
	s->gen[GEN_PLAN]++;
}

int session_plan_set(sf_session *s, sf_plan *pl, sf_err *e)
{
	char path[4096];
	if (plan_path(s, path, sizeof path, e) || ws_write_begin(s->w, e)) {
		plan_free(pl);
		return -1;
	}
	int rc = plan_write(pl, ws_pairs(s->w), path, e);
	if (rc == 0)
		remember(s, WATCH_PLAN);
	ws_write_end(s->w);
	if (rc) {
		plan_free(pl);
		return -1;
	}
	plan_take(s, pl);
	return 0;
}

int session_plan_clear(sf_session *s, sf_err *e)
{
	char path[4096];
	if (plan_path(s, path, sizeof path, e) || ws_write_begin(s->w, e))
		return -1;
	int rc = 0;
	if (unlink(path) != 0 && errno != ENOENT)
		rc = sf_fail_errno(e, "%s: cannot remove", path);
	remember(s, WATCH_PLAN);
	ws_write_end(s->w);
	if (rc == 0)
		plan_take(s, NULL);
	return rc;
}

int session_plan_keep(sf_session *s, sf_err *e)
{
	char path[4096];
	if (plan_path(s, path, sizeof path, e) || ws_write_begin(s->w, e))
		return -1;
	int rc = plans_keep(s->w, path, e);
	ws_write_end(s->w);
	return rc;
}

int session_plan_kept(sf_session *s, size_t *n, sf_err *e)
{
	unsigned long seq;
	return plans_list(s->w, &seq, 1, n, e);
}

int session_plan_undo(sf_session *s, size_t *left, sf_err *e)
{
	char path[4096], kept[4096];
	unsigned long seq;
	size_t n;
	sf_plan pl;
	*left = 0;
	if (plan_path(s, path, sizeof path, e) || ws_write_begin(s->w, e))
		return -1;
	int rc = plans_list(s->w, &seq, 1, &n, e);
	if (rc == 0 && !n)
		rc = 1;
	if (rc == 0 && (plans_file(s->w, seq, kept, sizeof kept, e) ||
	                plan_read(&pl, ws_pairs(s->w), kept, ws_fingerprint(s->w), e)))
		rc = -1;
	if (rc == 0 && rename(kept, path) != 0) {
		rc = sf_fail_errno(e, "%s: cannot put back as %s", kept, path);
		plan_free(&pl);
	}
	if (rc == 0) {
		remember(s, WATCH_PLAN);
		plan_take(s, &pl);
		*left = n - 1;
	}
	ws_write_end(s->w);
	return rc;
}

/* ---- evaluation --------------------------------------------------------- */

int session_pooled(sf_session *s, const sf_pooled **out, sf_err *e)
{
	if (!s->have_pooled) {
		STAGE(p, s, "pooling");
		if (bt_pool_ws(&s->pooled, s->w, &p, e))
			return -1;
		s->have_pooled = 1;
	}
	*out = &s->pooled;
	return 0;
}

int session_eval(sf_session *s, const sf_bt_opts *o, const sf_bt_result **out, sf_err *e)
{
	sf_bt_opts def;
	if (!o) {
		bt_opts_default(&def);
		o = &def;
	}
	if (s->have_bt && memcmp(o, &s->bt_opts, sizeof *o))
		drop_eval(s);
	if (!s->have_bt) {
		const sf_pooled *pp;
		const sf_plan *pl;
		if (session_plan(s, &pl, e) || session_pooled(s, &pp, e))
			return -1;
		STAGE(p, s, "evaluating");
		if (bt_eval(&s->bt, pp, ws_pairs(s->w), pl, o, &p, e))
			return -1;
		s->bt_opts = *o;
		s->have_bt = 1;
	}
	*out = &s->bt;
	return 0;
}

/* ---- a new SAE and other processes' changes ----------------------------- */

int session_sae_install(sf_session *s, const sae *model, sf_err *e)
{
	/* codes that overflow on these rows would poison everything after */
	if (latents_probe(s->w, model, model->source ? model->source : "the SAE", e) ||
	    ws_write_begin(s->w, e))
		return -1;
	int rc = sae_save_ws(s->w, model, e);
	ws_write_end(s->w);
	session_drop(s, SESS_SAE);
	return rc;
}

int session_poll(sf_session *s)
{
	int changed = 0;
	file_id now;
	file_id_of(s, WATCH_SAE_CFG, &now);
	int sae_changed = !file_id_same(&now, &s->seen[WATCH_SAE_CFG]);
	file_id_of(s, WATCH_SAE_WEIGHTS, &now);
	sae_changed |= !file_id_same(&now, &s->seen[WATCH_SAE_WEIGHTS]);
	if (sae_changed) {
		session_drop(s, SESS_SAE);
		changed |= SESS_SAE;
	}
	file_id_of(s, WATCH_LABELS, &now);
	if (!file_id_same(&now, &s->seen[WATCH_LABELS])) {
		s->seen[WATCH_LABELS] = now;
		if (!(changed & SESS_SAE))
			session_drop(s, SESS_LABELS);
		changed |= SESS_LABELS;
	}
	if (s->have_verdicts && !(changed & (SESS_SAE | SESS_LABELS))) {
		verdicts_id(s, &now);
		if (!file_id_same(&now, &s->verdicts_seen)) {
			session_drop(s, SESS_LABELS);
			changed |= SESS_LABELS;
		}
	}
	file_id_of(s, WATCH_PLAN, &now);
	if (!file_id_same(&now, &s->seen[WATCH_PLAN])) {
		s->seen[WATCH_PLAN] = now;
		session_drop(s, SESS_PLAN);
		changed |= SESS_PLAN;
	}
	return changed;
}

/* ---- reward head, effects, attribution, paired salience ----------------- */

static int need_pooled(void *ctx, const sf_pooled **pp, sf_err *e)
{
	return session_pooled(ctx, pp, e);
}

int session_head(sf_session *s, const sf_head **out, sf_err *e)
{
	if (!s->have_head) {
		STAGE(p, s, "reward head");
		if (head_ws(&s->head, s->w, need_pooled, s, &p, e))
			return -1;
		s->have_head = 1;
	}
	*out = &s->head;
	return 0;
}

static int need_sae_head(void *ctx, const sae **model, const sf_head **h, sf_err *e)
{
	return session_sae(ctx, model, e) || session_head(ctx, h, e) ? -1 : 0;
}

int session_reward_effects(sf_session *s, const sf_effects **out, sf_err *e)
{
	if (!s->have_effects) {
		char fp[17] = "";
		sf_err fe;
		if (!session_has_sae(s))
			return no_sae(s, e);
		if (sae_ws_fingerprint(s->w, fp, &fe))
			fp[0] = 0; /* a damaged SAE: need_sae_head says so */
		if (effects_ws(&s->effects, s->w, fp, need_sae_head, s, e))
			return -1;
		s->have_effects = 1;
	}
	*out = &s->effects;
	return 0;
}

int session_explain(sf_session *s, size_t pair, sf_attrib *out, sf_err *e)
{
	const sf_head *h;
	const sf_effects *ef;
	const latents *l;
	if (pair >= ws_pairs(s->w)->n)
		return sf_fail(e, "no pair %zu (the workspace has %zu pairs)", pair, ws_pairs(s->w)->n);
	if (session_head(s, &h, e) || session_reward_effects(s, &ef, e) ||
	    session_latents(s, &l, e))
		return -1;
	return attrib_pair_ws(out, ws_store(s->w), l, h, ef, pair, e);
}

static int need_latents(void *ctx, const latents **l, sf_err *e)
{
	return session_latents(ctx, l, e);
}

int session_paired(sf_session *s, const sf_paired **out, sf_err *e)
{
	if (!s->have_paired) {
		char fp[17] = "";
		sf_err fe;
		if (!session_has_sae(s) && !s->l)
			return no_sae(s, e);
		if (s->l)
			memcpy(fp, s->l->sae_fingerprint, 17);
		else if (sae_ws_fingerprint(s->w, fp, &fe))
			fp[0] = 0;
		STAGE(p, s, "paired salience");
		if (paired_ws(&s->paired, s->w, fp, s->rows_mode, need_latents, s, &p,
		              &s->paired_cached, e))
			return -1;
		if (!s->paired_cached)
			readonly_notice(s);
		s->have_paired = 1;
	}
	*out = &s->paired;
	return 0;
}
