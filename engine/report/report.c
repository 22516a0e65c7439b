#include "engine/report/report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/catstats.h"
#include "engine/analysis/head.h"
#include "engine/analysis/top.h"
#include "engine/formats/pairs.h"
#include "engine/formats/store.h"

void report_opts_default(report_opts *o)
{
	memset(o, 0, sizeof *o);
	o->contexts = 5;
	o->window = 24;
	o->nbins = 24;
	o->max_pairs = 500;
	bt_opts_default(&o->bt);
}

static void kv(rep_writer *w, const char *k, const char *v)
{
	rep_cell_str(w, k);
	rep_cell_str(w, v);
	w->ops->row_end(w);
}

static void kv_int(rep_writer *w, const char *k, long long v)
{
	rep_cell_str(w, k);
	rep_cell_int(w, v);
	w->ops->row_end(w);
}

static void kv_num(rep_writer *w, const char *k, double v, int decimals)
{
	rep_cell_str(w, k);
	if (isnan(v))
		rep_cell_str(w, "not recorded");
	else
		rep_cell_num(w, v, decimals);
	w->ops->row_end(w);
}

static void section_summary(sf_session *s, const report_opts *o, rep_writer *w)
{
	ws *W = session_ws(s);
	rep_para(w, "Workspace %s (data fingerprint %s)%s%s%s%s.", ws_dir(W), ws_fingerprint(W),
	         o->when ? ", written " : "", o->when ? o->when : "", o->generator ? " by " : "",
	         o->generator ? o->generator : "");
	rep_para(w, "Rows in use: the statistics, the salience ranking, the safety sets and the "
	         "pair scores below all use the %s of each response.", rows_mode_text(session_rows_mode(s)));
}

static void section_dataset(sf_session *s, rep_writer *w)
{
	ws *W = session_ws(s);
	const pairs *P = ws_pairs(W);
	const store *st = ws_store(W);
	w->ops->heading(w, 2, "Dataset", "dataset");
	static const char *const cols[] = { "what", "value" };
	w->ops->table(w, cols, 2);
	kv(w, "pairs file", P->path);
	kv(w, "activation file", store_path(st));
	size_t split[2] = { 0, 0 };
	for (size_t i = 0; i < P->n; i++)
		split[pairs_split(P, i) == SPLIT_TEST]++;
	kv_int(w, "pairs", (long long)P->n);
	kv_int(w, "train pairs", (long long)split[0]);
	kv_int(w, "test pairs", (long long)split[1]);
	const char **names = NULL;
	size_t nc = pairs_categories(P, &names);
	size_t *cnt = names ? pairs_category_split_counts(P, nc) : NULL;
	if (cnt) {
		for (size_t j = 0; j < nc; j++) {
			char b[160];
			snprintf(b, sizeof b, "train / test pairs, category %.100s",
			         names[j][0] ? names[j] : "(none)");
			char v[64];
			snprintf(v, sizeof v, "%zu / %zu", cnt[2 * j], cnt[2 * j + 1]);
			kv(w, b, v);
		}
	}
	free(cnt);
	free(names);
	kv_int(w, "pairs without rows for a response",
	       store_pairs_without_rows(st, P->n, NULL, 0));
	size_t n = store_nrows(st), side[SIDE_COUNT], sent;
	store_count_rows(st, side, &sent);
	kv_int(w, "token rows", (long long)n);
	kv_int(w, "rows: prompt", (long long)side[SIDE_PROMPT]);
	kv_int(w, "rows: chosen", (long long)side[SIDE_CHOSEN]);
	kv_int(w, "rows: rejected", (long long)side[SIDE_REJECTED]);
	kv_int(w, "sentence-end rows", (long long)sent);
	kv_int(w, "width d", store_dim(st));
	kv(w, "dtype", store_dtype_name(st));
	static const char *const meta[] = { "model", "layer", "hook", "dataset" };
	for (size_t i = 0; i < sizeof meta / sizeof *meta; i++)
		if (store_meta(st, meta[i]))
			kv(w, meta[i], store_meta(st, meta[i]));
	w->ops->table_end(w);
}

/* Mean number of active latents on the rows in use. */
static double mean_l0(const latents *L, const store *st, int mode)
{
	const uint8_t *sd = store_side(st), *fl = store_flags(st);
	size_t rows = 0, act = 0;
	for (size_t r = 0; r < L->n_rows; r++) {
		if (!row_in_use(sd[r], fl[r], mode))
			continue;
		rows++;
		for (int j = 0; j < L->k; j++)
			act += L->val[r * (size_t)L->k + j] > 0;
	}
	return rows ? (double)act / rows : NAN;
}

static int section_sae(sf_session *s, rep_writer *w, sf_err *e)
{
	w->ops->heading(w, 2, "SAE", "sae");
	if (!session_has_sae(s)) {
		rep_para(w, "The workspace has no SAE yet: train one (safer train) or load one "
		         "(safer load-sae); the feature sections need it.");
		return 0;
	}
	const sae *m;
	const latents *L;
	const sf_stats *st;
	if (session_sae(s, &m, e) || session_latents(s, &L, e) || session_stats(s, &st, e))
		return -1;
	char fp[17];
	sae_fingerprint(m, fp);
	static const char *const cols[] = { "what", "value" };
	w->ops->table(w, cols, 2);
	kv(w, "fingerprint", fp);
	kv(w, "layout", sae_layout_name(m->layout));
	if (m->source)
		kv(w, "imported from", m->source);
	kv_int(w, "input width d", m->d);
	kv_int(w, "latents m", m->m);
	kv_int(w, "k (TopK)", m->k);
	kv(w, "input normalisation", m->normalize == SAE_NORM_STANDARDIZE ? "standardize" : "none");
	kv(w, "ReLU on kept values", m->relu ? "yes" : "no");
	kv_num(w, "training NMSE", m->nmse, 4);
	kv_num(w, "training explained variance (1 - NMSE)", isnan(m->nmse) ? NAN : 1 - m->nmse, 4);
	kv_num(w, "training L0", m->l0, 2);
	kv_num(w, "training dead fraction", m->dead_frac, 4);
	const store *sto = ws_store(session_ws(s));
	kv_num(w, "L0 on the rows in use (mean active latents)", mean_l0(L, sto, st->rows_mode), 2);
	size_t dead = 0, dense = 0, nc = st->rows_chosen, nr = st->rows_rejected;
	for (int f = 0; f < st->m; f++) {
		double d = nc + nr ? (st->density_chosen[f] * nc + st->density_rejected[f] * nr) /
		                             (double)(nc + nr)
		                   : 0;
		dead += st->max_act[f] <= 0;
		dense += d > 0.1;
	}
	char b[96];
	snprintf(b, sizeof b, "%zu of %d (%.2f%%)", dead, st->m, 100.0 * dead / st->m);
	kv(w, "dead features (never fire on the rows in use)", b);
	snprintf(b, sizeof b, "%zu of %d (%.2f%%)", dense, st->m, 100.0 * dense / st->m);
	kv(w, "dense features (fire on more than 10% of the rows in use)", b);
	kv_int(w, "rows in use: chosen", (long long)nc);
	kv_int(w, "rows in use: rejected", (long long)nr);
	w->ops->table_end(w);
	return 0;
}

/* The features the report shows: labelled, judged, or in a safety set;
 * sorted by rank. *out malloc'd. */
static int pick_features(const sf_stats *st, const sf_labels *L, const sf_verdicts *V,
                         const sf_safety *S, int **out, size_t *n, sf_err *e)
{
	unsigned char *in = calloc((size_t)st->m, 1);
	int *v = malloc(((size_t)st->m + 1) * sizeof *v);
	if (!in || !v) {
		free(in);
		free(v);
		return sf_fail(e, "report: out of memory");
	}
	for (size_t i = 0; L && i < L->n; i++)
		if (L->v[i].feature < st->m && (L->v[i].name[0] || L->v[i].safety))
			in[L->v[i].feature] = 1;
	for (size_t i = 0; V && i < V->n; i++)
		if (V->v[i].feature < st->m)
			in[V->v[i].feature] = 1;
	for (int i = 0; i < S->n_plus; i++)
		in[S->plus[i]] = 1;
	for (int i = 0; i < S->n_minus; i++)
		in[S->minus[i]] = 1;
	*n = 0;
	for (int r = 0; r < st->m; r++)
		if (in[st->order[r]])
			v[(*n)++] = st->order[r];
	free(in);
	*out = v;
	return 0;
}

static const char *set_of(const sf_safety *S, int f)
{
	for (int i = 0; i < S->n_plus; i++)
		if (S->plus[i] == f)
			return "S+";
	for (int i = 0; i < S->n_minus; i++)
		if (S->minus[i] == f)
			return "S-";
	return "";
}

/* ef: the reward effects (w . d_j), or NULL when there is no head. */
static void feature_table(rep_writer *w, const sf_stats *st, const sf_labels *L,
                          const sf_verdicts *V, const sf_safety *S, const sf_effects *ef,
                          const int *fs, size_t n)
{
	static const char *const cols[] = { "feature", "name", "rating", "judge", "set",
		                            "salience", "reward effect", "rank", "density chosen",
		                            "density rejected" };
	w->ops->table(w, cols, 10);
	for (size_t i = 0; i < n; i++) {
		int f = fs[i];
		const sf_label *lb = labels_get(L, f);
		const sf_verdict *vd = V ? verdicts_get(V, f) : NULL;
		rep_cell_int(w, f);
		rep_cell_str(w, lb ? lb->name : "");
		if (lb && lb->safety)
			rep_cell_int(w, lb->safety);
		else
			rep_cell_str(w, "");
		if (vd && vd->score)
			rep_cell_int(w, vd->score);
		else
			rep_cell_str(w, vd ? "no score" : "");
		rep_cell_str(w, set_of(S, f));
		rep_cell_num(w, st->salience[f], 4);
		if (ef && f < ef->m)
			rep_cell_num(w, ef->e[f], 4);
		else
			rep_cell_str(w, "");
		rep_cell_int(w, st->rank[f]);
		rep_cell_num(w, 100 * st->density_chosen[f], 3);
		rep_cell_num(w, 100 * st->density_rejected[f], 3);
		w->ops->row_end(w);
	}
	w->ops->table_end(w);
}

static int contexts(rep_writer *w, const sf_index *ix, const store *sto, int f, int side,
                    int mode, const report_opts *o, sf_top_row *rows, char *buf, size_t bufsz,
                    sf_err *e)
{
	size_t got, total;
	if (top_rows(ix, sto, f, side, mode, (size_t)o->contexts, o->window, rows, &got, &total,
	             e))
		return -1;
	rep_para(w, "Top %zu of %zu %s rows where it fires:", got, total,
	         side == SIDE_CHOSEN ? "chosen" : "rejected");
	if (!got)
		return 0;
	static const char *const cols[] = { "activation", "pair", "pos", "context" };
	w->ops->table(w, cols, 4);
	for (size_t i = 0; i < got; i++) {
		size_t hb = 0, he = 0;
		size_t len = top_context_text(sto, rows[i].ctx_begin, rows[i].ctx_end, rows[i].row, buf,
		                              bufsz, &hb, &he);
		rep_cell_num(w, rows[i].act, 3);
		rep_cell_int(w, rows[i].pair);
		rep_cell_int(w, rows[i].pos);
		w->ops->cell(w, buf, len, hb, he);
		w->ops->row_end(w);
	}
	w->ops->table_end(w);
	return 0;
}

/* How f fires per category and side, as `safer stats --by-category`. */
static int by_category(rep_writer *w, sf_session *s, const sf_index *ix, const sf_stats *st,
                       int f, sf_err *e)
{
	const pairs *P = ws_pairs(session_ws(s));
	const store *sto = ws_store(session_ws(s));
	const char **names;
	size_t nc = pairs_categories(P, &names);
	size_t *pc = pairs_category_nos(P);
	sf_catstats cs;
	if (!names || !pc) {
		free(names);
		free(pc);
		return sf_fail(e, "report: out of memory");
	}
	int rc = catstats_compute(&cs, ix, store_pair(sto), store_side(sto), store_flags(sto),
	                          store_nrows(sto), pc, P->n, (int)nc, st->rows_mode, f, e);
	free(pc);
	if (!rc) {
		static const char *const cols[] = { "category", "fires on chosen rows, %",
			                            "fires on rejected rows, %" };
		w->ops->table(w, cols, 3);
		for (size_t c = 0; c < nc; c++) {
			rep_cell_str(w, names[c][0] ? names[c] : "(none)");
			rep_cell_num(w, 100 * catstats_density(&cs, f, (int)c, 0), 3);
			rep_cell_num(w, 100 * catstats_density(&cs, f, (int)c, 1), 3);
			w->ops->row_end(w);
		}
		w->ops->table_end(w);
		catstats_free(&cs);
	}
	free(names);
	return rc;
}

static int feature_section(sf_session *s, rep_writer *w, const report_opts *o, int f,
                           const sf_stats *st, const sf_index *ix, const sf_labels *L,
                           const sf_verdicts *V, const sf_safety *S, const sf_effects *ef,
                           sf_top_row *rows, char *buf, size_t bufsz, sf_err *e)
{
	const sf_label *lb = labels_get(L, f);
	const sf_verdict *vd = V ? verdicts_get(V, f) : NULL;
	char id[32], title[LABEL_MAX_TEXT + 64];
	snprintf(id, sizeof id, "f%d", f);
	snprintf(title, sizeof title, "Feature %d%s%s", f, lb && lb->name[0] ? ": " : "",
	         lb && lb->name[0] ? lb->name : "");
	w->ops->heading(w, 3, title, id);
	const char *set = set_of(S, f);
	rep_para(w, "Salience %+.4f (rank %d by |salience|), density %.3f%% of chosen and %.3f%% of "
	         "rejected rows in use, max activation %.4g%s%s.", st->salience[f], st->rank[f],
	         100 * st->density_chosen[f], 100 * st->density_rejected[f], st->max_act[f],
	         set[0] ? "; in " : "", set);
	if (ef && f < ef->m)
		rep_para(w, "Reward effect %+.4g (w . d_j, the reward head's weights on its decoder "
		         "direction): firing pushes the reward %s.", ef->e[f],
		         ef->e[f] > 0 ? "up" : "down");
	static const char *const stars[] = { "none", "1", "2", "3", "4", "5" };
	if (lb && (lb->safety || lb->note[0]))
		rep_para(w, "Rating by a person: %s%s%.1500s", stars[lb->safety],
		         lb->note[0] ? ". Note: " : "", lb->note);
	if (vd)
		rep_para(w, "The judge (%.200s): %s. %.1500s", vd->model,
		         vd->score ? stars[vd->score] : "no score", vd->explanation);
	const store *sto = ws_store(session_ws(s));
	uint32_t *hc = calloc(2 * (size_t)o->nbins, sizeof *hc);
	size_t zc, zr;
	if (!hc)
		return sf_fail(e, "report: out of memory");
	if (stats_histogram(ix, store_flags(sto), st, f, SIDE_CHOSEN, o->nbins, 0, hc, &zc, e) ||
	    stats_histogram(ix, store_flags(sto), st, f, SIDE_REJECTED, o->nbins, 0, hc + o->nbins,
	                    &zr, e)) {
		free(hc);
		return -1;
	}
	rep_hist h = { o->nbins, st->max_act[f], hc, hc + o->nbins, st->rows_chosen,
		       st->rows_rejected, st->rows_chosen - zc, st->rows_rejected - zr };
	w->ops->histogram(w, &h);
	free(hc);
	if (by_category(w, s, ix, st, f, e))
		return -1;
	if (contexts(w, ix, sto, f, SIDE_CHOSEN, st->rows_mode, o, rows, buf, bufsz, e) ||
	    contexts(w, ix, sto, f, SIDE_REJECTED, st->rows_mode, o, rows, buf, bufsz, e))
		return -1;
	return 0;
}

static int section_features(sf_session *s, const report_opts *o, rep_writer *w, sf_err *e)
{
	w->ops->heading(w, 2, "Safety features", "features");
	if (!session_has_sae(s)) {
		rep_para(w, "No SAE: no features to show.");
		return 0;
	}
	const sf_stats *st;
	const sf_index *ix;
	const sf_labels *L;
	const sf_verdicts *V = NULL;
	const sf_safety *S;
	if (session_stats(s, &st, e) || session_index(s, &ix, e) || session_labels(s, &L, e) ||
	    session_verdicts(s, &V, e) || session_safety(s, &S, e))
		return -1;
	char note[320];
	safety_ratings_note(S, note, sizeof note);
	rep_para(w, "Safety sets: S+ %d features, S- %d features (candidates: the top %d by "
	         "|salience|; selected: rated %d or more, at most %d). Safety %s.", S->n_plus,
	         S->n_minus, S->opts.candidates, S->opts.threshold, S->opts.cap, note);
	int *fs = NULL;
	size_t n = 0;
	if (pick_features(st, L, V, S, &fs, &n, e))
		return -1;
	rep_para(w, "%zu features: every feature a person labelled or the judge rated, and the "
	         "members of S+ and S-, by |salience|. rating: a person's (1-5); judge: the LLM "
	         "judge's suggestion; density in %% of the rows in use.", n);
	const sf_effects *ef = NULL;
	sf_err oe;
	if (session_reward_effects(s, &ef, &oe)) {
		ef = NULL;
		rep_para(w, "No reward effects: %.300s.", oe.msg);
	} else {
		rep_para(w, "Reward effects are under %s.", head_kind_text(ef->head_kind));
	}
	feature_table(w, st, L, V, S, ef, fs, n);
	enum { BUF = 1 << 16 };
	sf_top_row *rows = malloc((size_t)(o->contexts > 0 ? o->contexts : 1) * sizeof *rows);
	char *buf = malloc(BUF);
	int rc = rows && buf ? 0 : sf_fail(e, "report: out of memory");
	for (size_t i = 0; !rc && i < n; i++)
		rc = feature_section(s, w, o, fs[i], st, ix, L, V, S, ef, rows, buf, BUF, e);
	free(rows);
	free(buf);
	free(fs);
	return rc;
}

/* The eval rows as bars, one per category: none, plan, random. */
static rep_bar *eval_bars(const sf_bt_result *r, size_t *n)
{
	rep_bar *b = calloc(r->n + 1, sizeof *b);
	*n = 0;
	if (!b)
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		const sf_bt_row *x = &r->rows[i];
		size_t j = 0;
		while (j < *n && strcmp(b[j].category, x->category))
			j++;
		if (j == *n) {
			b[j] = (rep_bar){ x->category, x->pairs, NAN, NAN, NAN, 0 };
			(*n)++;
		}
		if (!strcmp(x->edit, "none"))
			b[j].none = x->accuracy;
		else if (!strcmp(x->edit, "plan"))
			b[j].plan = x->accuracy;
		else {
			b[j].random = x->accuracy;
			b[j].spread = x->spread;
		}
	}
	return b;
}

/* A pair's id as text: a JSON string's value, any other id as its JSON. */
static void id_cell(rep_writer *w, const char *id_json)
{
	json_t *v = id_json ? json_loads(id_json, JSON_DECODE_ANY, NULL) : NULL;
	if (v && json_is_string(v))
		w->ops->cell(w, json_string_value(v), json_string_length(v), 0, 0);
	else
		rep_cell_str(w, id_json);
	json_decref(v);
}

static void edited_pairs(rep_writer *w, const sf_plan *pl, const pairs *P, size_t max)
{
	static const char *const cols[] = { "index", "id", "category", "action", "score",
		                            "prompt" };
	w->ops->table(w, cols, 6);
	for (size_t i = 0; i < pl->n && i < max; i++) {
		const sf_edit *x = &pl->v[i];
		pair_rec rec;
		sf_err pe;
		int have = !pairs_get(P, x->index, &rec, &pe);
		rep_cell_int(w, (long long)x->index);
		id_cell(w, pairs_id(P, x->index));
		rep_cell_str(w, pairs_category(P, x->index));
		rep_cell_str(w, plan_action_name(x->action));
		rep_cell_num(w, x->score, 4);
		if (have) {
			size_t len = rec.prompt_len > 200 ? 200 : rec.prompt_len;
			w->ops->cell(w, rec.prompt, len, 0, 0);
			pair_rec_free(&rec);
		} else {
			rep_cell_str(w, pe.msg);
		}
		w->ops->row_end(w);
	}
	w->ops->table_end(w);
	if (pl->n > max)
		rep_para(w, "... and %zu more (safer plan prints them all).", pl->n - max);
}

static int section_plan(sf_session *s, const report_opts *o, rep_writer *w, sf_err *e)
{
	w->ops->heading(w, 2, "Plan and projected effect", "plan");
	const sf_plan *pl;
	if (session_plan(s, &pl, e))
		return -1;
	if (!pl) {
		rep_para(w, "No current plan (make one with safer plan); the effect below is the "
		         "unedited head's alone.");
	} else {
		if (pl->strategy == PLAN_MANUAL)
			rep_para(w, "Manual plan: %zu edits (%zu flips, %zu drops).", pl->n,
			         plan_count(pl, EDIT_FLIP), plan_count(pl, EDIT_DROP));
		else {
			char cut[64] = "";
			if (pl->has_max_score)
				snprintf(cut, sizeof cut, ", only pairs scoring at most %g", pl->max_score);
			rep_para(w, "%s %g%s%.200s%s: %zu edits (%zu flips, %zu drops), made with S+ %d and "
			         "S- %d features%s%s.", plan_strategy_name(pl->strategy), pl->ratio,
			         pl->category ? " within category " : "",
			         pl->category ? (pl->category[0] ? pl->category : "(none)") : "", cut, pl->n,
			         plan_count(pl, EDIT_FLIP), plan_count(pl, EDIT_DROP), pl->n_plus,
			         pl->n_minus, pl->ratings >= 0 ? ", ratings: " : "",
			         pl->ratings >= 0 ? safety_ratings_name(pl->ratings) : "");
		}
		if (pl->fallback)
			rep_para(w, "The plan was made with %s.", SAFETY_FALLBACK_NOTE);
	}
	const sf_bt_result *r;
	sf_err ee;
	if (session_eval(s, &o->bt, &r, &ee)) {
		if (!strcmp(ee.msg, "cancelled"))
			return sf_fail(e, "%s", ee.msg);
		rep_para(w, "No projected effect: %s.", ee.msg);
	} else {
		rep_para(w, "Projected effect: pairwise accuracy on the test pairs of a linear "
		         "Bradley-Terry reward head trained on the train pairs as they are (none), "
		         "with the plan applied (plan), and with a random edit of the same size "
		         "(random: mean and spread over %d seeds), as safer eval computes it.",
		         r->random_seeds);
		size_t nb;
		rep_bar *b = eval_bars(r, &nb);
		if (!b)
			return sf_fail(e, "report: out of memory");
		w->ops->bars(w, b, nb);
		free(b);
	}
	if (pl && pl->n) {
		w->ops->heading(w, 3, "The pairs it edits", "edits");
		edited_pairs(w, pl, ws_pairs(session_ws(s)), o->max_pairs);
	}
	return 0;
}

int report_write(sf_session *s, const report_opts *o, rep_writer *w, sf_err *e)
{
	w->ops->begin(w, "safer audit report");
	section_summary(s, o, w);
	section_dataset(s, w);
	if (section_sae(s, w, e) || section_features(s, o, w, e) || section_plan(s, o, w, e))
		return -1;
	w->ops->end(w);
	return 0;
}
