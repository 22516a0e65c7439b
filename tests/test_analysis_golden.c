/* The analysis engine against tests/analysis_ref.py (numpy): stats, the
 * index and top rows, judge input (with its drop rules, on a second
 * store built for them), safety sets, pair scores, plans, pooling and the
 * reward head. The fixture is tests/data/analysis_golden.txt. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/analysis/bteval.h"
#include "engine/analysis/index.h"
#include "engine/analysis/plan.h"
#include "engine/formats/safetensors.h"
#include "engine/analysis/safety.h"
#include "engine/analysis/scores.h"
#include "engine/analysis/stats.h"
#include "engine/formats/store.h"
#include "engine/analysis/top.h"
#include "engine/ws/index_ws.h"
#include "tests/tap.h"

/* ---- fixture: "name count" then count numbers ------------------------ */

typedef struct sec {
	char name[64];
	size_t n;
	double *v;
} sec;

static sec secs[256];
static int nsecs;

static void load_fixture(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	char name[64];
	size_t n;
	while (nsecs < 256 && fscanf(f, "%63s %zu", name, &n) == 2) {
		sec *s = &secs[nsecs++];
		snprintf(s->name, sizeof s->name, "%s", name);
		s->n = n;
		s->v = malloc((n ? n : 1) * sizeof(double));
		for (size_t i = 0; i < n; i++)
			if (fscanf(f, "%lf", &s->v[i]) != 1) {
				printf("Bail out! short section %s\n", name);
				exit(1);
			}
	}
	fclose(f);
}

static const sec *get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const sec *get(const char *fmt, ...)
{
	char name[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	for (int i = 0; i < nsecs; i++)
		if (!strcmp(secs[i].name, name))
			return &secs[i];
	printf("Bail out! no section %s\n", name);
	exit(1);
}

static int close_all(const double *got, const sec *want, double rtol, double atol)
{
	for (size_t i = 0; i < want->n; i++)
		if (!(fabs(got[i] - want->v[i]) <= atol + rtol * fabs(want->v[i]))) {
			diag("%s[%zu]: got %.17g, want %.17g", want->name, i, got[i], want->v[i]);
			return 0;
		}
	return 1;
}

static int same_ints(const int *got, size_t n, const sec *want)
{
	if (n != want->n) {
		diag("%s: %zu values, want %zu", want->name, n, want->n);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (got[i] != (int)want->v[i]) {
			diag("%s[%zu]: got %d, want %d", want->name, i, got[i], (int)want->v[i]);
			return 0;
		}
	return 1;
}

/* ---- the data --------------------------------------------------------- */

static size_t N, P;
static int K, M, D;
static uint32_t *idx;
static float *val, *acts;
static int32_t *pairv, *posv;
static uint8_t *sidev, *flagv;

static const char *const TOKENS[] = { "The", "the", " A", "a", "Hi", "hi", "X" };

typedef struct store_in {
	size_t n, n_pairs;
	int d;
	const float *acts;
	const int32_t *pair, *pos;
	const uint8_t *side, *flags;
	const int64_t *tok_off; /* [n + 1] */
	const char *tok_bytes;
} store_in;

static store *write_store(const char *path, const store_in *in)
{
	size_t n = in->n, nb = (size_t)in->tok_off[n];
	st_tensor_in t[] = {
		{ "acts", ST_F32, 2, { (int64_t)n, in->d }, in->acts },
		{ "pair", ST_I32, 1, { (int64_t)n }, in->pair },
		{ "side", ST_U8, 1, { (int64_t)n }, in->side },
		{ "pos", ST_I32, 1, { (int64_t)n }, in->pos },
		{ "flags", ST_U8, 1, { (int64_t)n }, in->flags },
		{ "tok_off", ST_I64, 1, { (int64_t)n + 1 }, in->tok_off },
		{ "tok_bytes", ST_U8, 1, { (int64_t)nb }, in->tok_bytes },
	};
	const char *meta[] = { "format", "safer-acts/1", NULL };
	sf_err e;
	store *s = NULL;
	if (st_write(path, t, 7, meta, &e) || store_open(&s, path, in->n_pairs, &e)) {
		printf("Bail out! %s\n", e.msg);
		exit(1);
	}
	return s;
}

static store *make_store(const char *path)
{
	int64_t *off = malloc((N + 1) * sizeof *off);
	char *bytes = malloc(N * 4 + 1);
	size_t nb = 0;
	for (size_t r = 0; r < N; r++) {
		const char *t = TOKENS[r % 7];
		off[r] = (int64_t)nb;
		memcpy(bytes + nb, t, strlen(t));
		nb += strlen(t);
	}
	off[N] = (int64_t)nb;
	store_in in = { N, P, D, acts, pairv, posv, sidev, flagv, off, bytes };
	store *s = write_store(path, &in);
	free(off);
	free(bytes);
	return s;
}

static void load_data(void)
{
	const sec *sh = get("shape");
	N = (size_t)sh->v[0];
	K = (int)sh->v[1];
	M = (int)sh->v[2];
	P = (size_t)sh->v[3];
	D = (int)sh->v[4];
	idx = malloc(N * K * sizeof *idx);
	val = malloc(N * K * sizeof *val);
	acts = malloc(N * D * sizeof *acts);
	pairv = malloc(N * sizeof *pairv);
	posv = malloc(N * sizeof *posv);
	sidev = malloc(N);
	flagv = malloc(N);
	for (size_t i = 0; i < N * K; i++) {
		idx[i] = (uint32_t)get("idx")->v[i];
		val[i] = (float)get("val")->v[i];
	}
	for (size_t i = 0; i < N * D; i++)
		acts[i] = (float)get("acts")->v[i];
	for (size_t r = 0; r < N; r++) {
		pairv[r] = (int32_t)get("pair")->v[r];
		sidev[r] = (uint8_t)get("side")->v[r];
		flagv[r] = (uint8_t)get("flags")->v[r];
		posv[r] = r && pairv[r] == pairv[r - 1] && sidev[r] == sidev[r - 1] ? posv[r - 1] + 1 : 0;
	}
}

/* The fixture's splits and categories as a pairs index (text is kept in
 * *jsonl, which the index reads records from). */
static pairs make_pairs(char **jsonl)
{
	enum { LINE = 96 };
	pairs p;
	sf_err e;
	size_t len = 0;
	*jsonl = malloc(P * LINE + 1);
	for (size_t i = 0; i < P; i++)
		len += (size_t)snprintf(*jsonl + len, LINE + 1,
		                        "{\"prompt\":\"p\",\"chosen\":\"c\",\"rejected\":\"r\","
		                        "\"split\":\"%s\",\"category\":\"%s\"}\n",
		                        (int)get("split")->v[i] ? "test" : "train",
		                        (int)get("cat")->v[i] ? "chat" : "safety");
	if (pairs_index_mem(&p, "fixture pairs", *jsonl, len, &e)) {
		diag("%s", e.msg);
		exit(1);
	}
	return p;
}

/* ---- checks per rows mode ---------------------------------------------- */

static void check_mode(int mode, const sf_index *ix, const store *s, const pairs *pp)
{
	const char *mn = rows_mode_name(mode);
	sf_err e;
	sf_stats st;
	if (!ok(stats_compute(&st, idx, val, sidev, flagv, N, K, M, mode, NULL, &e) == 0,
	        "%s: stats computed", mn))
		return;
	ok(close_all(st.chosen_sum, get("%s.C", mn), 1e-12, 1e-12), "%s: C_j", mn);
	ok(close_all(st.rejected_sum, get("%s.R", mn), 1e-12, 1e-12), "%s: R_j", mn);
	ok(close_all(st.salience, get("%s.s", mn), 1e-12, 1e-14), "%s: s_j", mn);
	ok(close_all(st.density_chosen, get("%s.dc", mn), 1e-12, 0), "%s: density chosen", mn);
	ok(close_all(st.density_rejected, get("%s.dr", mn), 1e-12, 0), "%s: density rejected", mn);
	double mx[256];
	for (int j = 0; j < M; j++)
		mx[j] = st.max_act[j];
	ok(close_all(mx, get("%s.max", mn), 1e-7, 0), "%s: max activation", mn);
	ok(same_ints(st.order, (size_t)M, get("%s.order", mn)), "%s: |s_j| order", mn);

	/* top rows from the index, per side */
	int fs[3] = { st.order[0], st.order[1], 5 };
	for (int q = 0; q < 3; q++)
		for (int sd = 1; sd <= 2; sd++) {
			sf_top_row out[64];
			size_t n, total;
			int rows[64];
			top_rows(ix, s, fs[q], sd, mode, 64, 9, out, &n, &total, &e);
			for (size_t i = 0; i < n; i++)
				rows[i] = (int)out[i].row;
			const sec *w = get("%s.top.%d.%d", mn, fs[q], sd);
			ok(same_ints(rows, n, w) && total == w->n, "%s: top rows of feature %d side %d",
			   mn, fs[q], sd);
			/* the first three only: n = 3 must give the same prefix */
			size_t n3;
			top_rows(ix, s, fs[q], sd, mode, 3, 9, out, &n3, NULL, &e);
			int pre = n3 == (w->n < 3 ? w->n : 3);
			for (size_t i = 0; pre && i < n3; i++)
				pre = (int)out[i].row == (int)w->v[i];
			ok(pre, "%s: top-3 prefix of feature %d side %d", mn, fs[q], sd);
		}

	/* judge input */
	int jf[4] = { st.order[0], st.order[1], st.order[2], st.order[M - 1] };
	for (int q = 0; q < 4; q++) {
		sf_judge_input j;
		const sec *h = get("%s.judge.%d", mn, jf[q]);
		const sec *sz = get("%s.judge.%d.sizes", mn, jf[q]);
		const sec *rw = get("%s.judge.%d.rows", mn, jf[q]);
		if (!ok(top_judge_input(&j, ix, s, jf[q], mode, &e) == 0, "%s: judge input %d", mn, jf[q]))
			continue;
		int good = j.n_texts == (size_t)h->v[0] && j.n_contexts == (size_t)h->v[1] &&
		           j.dropped == (int)h->v[2] && j.n_groups == (size_t)h->v[3];
		size_t at = 0;
		for (size_t g = 0; good && g < j.n_groups; g++) {
			good = j.groups[g].n == (size_t)sz->v[g];
			for (size_t c = 0; good && c < j.groups[g].n; c++)
				good = j.groups[g].ctx[c].row == (size_t)rw->v[at++];
		}
		ok(good, "%s: judge groups of feature %d (%zu texts, %zu contexts)", mn, jf[q],
		   j.n_texts, j.n_contexts);
		top_judge_free(&j);
	}

	/* fallback safety sets (cap 6), scores, plans */
	sf_safety_opts so;
	safety_opts_default(&so);
	so.cap = 6;
	sf_safety S;
	safety_select(&S, &st, NULL, NULL, &so, &e);
	ok(S.fallback == 1, "%s: no labels means fallback", mn);
	ok(same_ints(S.plus, (size_t)S.n_plus, get("%s.plus", mn)), "%s: S+", mn);
	ok(same_ints(S.minus, (size_t)S.n_minus, get("%s.minus", mn)), "%s: S-", mn);
	sf_scores sc;
	if (ok(scores_compute(&sc, idx, val, pairv, sidev, flagv, N, K, M, P, &S, mode, NULL, &e) == 0,
	       "%s: scores computed", mn)) {
		ok(close_all(sc.score, get("%s.score", mn), 1e-12, 1e-12), "%s: pair scores", mn);
		ok(sc.fallback == 1, "%s: scores carry the fallback flag", mn);
		struct { int strat; const char *key; double r; } pk[2] = {
			{ PLAN_POISON, "poison.0.2", 0.2 }, { PLAN_DENOISE, "denoise.0.15", 0.15 } };
		for (int q = 0; q < 2; q++) {
			sf_plan pl;
			plan_make(&pl, pp, &sc, &S, pk[q].strat, pk[q].r, "0123456789abcdef", &e);
			int got[64];
			for (size_t i = 0; i < pl.n; i++)
				got[i] = (int)pl.v[i].index;
			ok(same_ints(got, pl.n, get("%s.%s", mn, pk[q].key)), "%s: %s membership and order",
			   mn, pk[q].key);
			ok(pl.fallback == 1 && pl.n_plus == S.n_plus, "%s: plan records the sets", mn);
			plan_free(&pl);
		}
		scores_free(&sc);
	}
	safety_free(&S);
	stats_free(&st);
}

/* ---- judge input drop rules, on the second store (j2.*) -------------- */

/* One group of the engine's answer against the reference's: size, rows
 * strongest first, and the lower-cased text. */
static int same_group(const sf_judge_group *g, const sec *sz, const sec *rw, const sec *tl,
                      const sec *tb, size_t gi, size_t *at, size_t *bt)
{
	size_t len = (size_t)tl->v[gi];
	if (g->n != (size_t)sz->v[gi] || strlen(g->token) != len)
		return 0;
	for (size_t c = 0; c < g->n; c++)
		if (g->ctx[c].row != (size_t)rw->v[(*at)++])
			return 0;
	for (size_t b = 0; b < len; b++)
		if ((unsigned char)g->token[b] != (unsigned)tb->v[(*bt)++])
			return 0;
	return 1;
}

static void check_judge_one(const sf_index *ix, const store *s, int mode, int f)
{
	const char *mn = rows_mode_name(mode);
	const sec *h = get("j2.%s.judge.%d", mn, f), *sz = get("j2.%s.judge.%d.sizes", mn, f);
	const sec *rw = get("j2.%s.judge.%d.rows", mn, f), *tl = get("j2.%s.judge.%d.toklen", mn, f);
	const sec *tb = get("j2.%s.judge.%d.tokbytes", mn, f);
	size_t texts = (size_t)h->v[0], ctxs = (size_t)h->v[1], groups = (size_t)h->v[3];
	int dropped = (int)h->v[2];
	sf_judge_input j;
	sf_err e;
	if (!ok(top_judge_input(&j, ix, s, f, mode, &e) == 0, "%s: judge input of j2 feature %d", mn, f))
		return;
	if (texts > JUDGE_MAX_TOKENS) {
		/* the engine stops at the 33rd text: it knows "more than 32" only */
		ok(j.dropped && j.n_texts > JUDGE_MAX_TOKENS && j.n_groups == 0 && j.why &&
		   strstr(j.why, "32"), "%s: j2 feature %d dropped, more than 32 texts (numpy: %zu)",
		   mn, f, texts);
	} else {
		int good = j.n_texts == texts && j.n_contexts == ctxs && j.dropped == dropped &&
		           j.n_groups == groups;
		size_t at = 0, bt = 0;
		for (size_t g = 0; good && g < j.n_groups; g++)
			good = same_group(&j.groups[g], sz, rw, tl, tb, g, &at, &bt);
		if (!good)
			diag("engine: %zu texts %zu contexts dropped %d; numpy: %zu %zu %d", j.n_texts,
			     j.n_contexts, j.dropped, texts, ctxs, dropped);
		ok(good, "%s: j2 feature %d: %zu texts, %zu contexts, %s; groups, order, texts match",
		   mn, f, texts, ctxs, dropped ? "dropped (4 or fewer contexts)" : "kept");
		if (dropped)
			ok(j.why && strstr(j.why, "4 or fewer"), "%s: j2 feature %d says why", mn, f);
	}
	top_judge_free(&j);
}

static void check_judge_rules(const char *dir)
{
	const sec *sh = get("j2.shape");
	size_t n = (size_t)sh->v[0], np = (size_t)sh->v[3];
	int k = (int)sh->v[1], m = (int)sh->v[2];
	uint32_t *ix_ = malloc(n * k * sizeof *ix_);
	float *vl = malloc(n * k * sizeof *vl), *ac = calloc(n, sizeof *ac);
	int32_t *pr = malloc(n * sizeof *pr), *ps = malloc(n * sizeof *ps);
	uint8_t *sd = malloc(n), *fl = malloc(n);
	int64_t *off = malloc((n + 1) * sizeof *off);
	const sec *tb = get("j2.tokbytes");
	char *bytes = malloc(tb->n + 1);
	for (size_t i = 0; i < n * k; i++) {
		ix_[i] = (uint32_t)get("j2.idx")->v[i];
		vl[i] = (float)get("j2.val")->v[i];
	}
	for (size_t r = 0; r < n; r++) {
		pr[r] = (int32_t)get("j2.pair")->v[r];
		sd[r] = (uint8_t)get("j2.side")->v[r];
		fl[r] = (uint8_t)get("j2.flags")->v[r];
		ps[r] = r && pr[r] == pr[r - 1] && sd[r] == sd[r - 1] ? ps[r - 1] + 1 : 0;
	}
	for (size_t r = 0; r <= n; r++)
		off[r] = (int64_t)get("j2.tokoff")->v[r];
	for (size_t b = 0; b < tb->n; b++)
		bytes[b] = (char)(unsigned char)tb->v[b];
	char path[4200];
	snprintf(path, sizeof path, "%s/judge.safetensors", dir);
	store_in in = { n, np, 1, ac, pr, ps, sd, fl, off, bytes };
	store *s = write_store(path, &in);
	sf_index *ix;
	sf_err e;
	if (ok(index_build(&ix, ix_, vl, sd, n, k, m, NULL, &e) == 0, "j2: index built")) {
		for (int mode = 0; mode < 2; mode++)
			for (int f = 0; f < 6; f++)
				check_judge_one(ix, s, mode, f);
		index_close(ix);
	}
	store_close(s);
	unlink(path);
	free(ix_), free(vl), free(ac), free(pr), free(ps), free(sd), free(fl), free(off), free(bytes);
}

static void check_bt(const store *s, const pairs *pp)
{
	sf_err e;
	sf_pooled pool;
	if (!ok(bt_pool(&pool, s, P, NULL, &e) == 0, "pooling: %s", "ok"))
		return;
	double got[4096];
	for (size_t i = 0; i < P * (size_t)D; i++)
		got[i] = pool.diff[i];
	ok(close_all(got, get("diff"), 1e-5, 1e-6), "pooled differences match numpy");
	sf_bt_opts o;
	bt_opts_default(&o);
	o.l2 = get("bt.l2")->v[0];
	o.max_iter = 500;
	o.tol = 1e-7;
	int split[256];
	for (size_t i = 0; i < P; i++)
		split[i] = pairs_split(pp, i);
	const char *names[2] = { "none", "plan" };
	sf_plan pl;
	plan_init(&pl, "0123456789abcdef");
	const sec *fl = get("bt.plan.flip");
	for (size_t i = 0; i < fl->n; i++)
		plan_mark(&pl, pp, (size_t)fl->v[i], EDIT_FLIP, NAN, &e);
	unsigned char act[256];
	plan_actions(&pl, P, act);
	for (int h = 0; h < 2; h++) {
		float w[64];
		bt_train(w, &pool, split, h ? act : NULL, &o, NULL, &e);
		for (int j = 0; j < D; j++)
			got[j] = w[j];
		ok(close_all(got, get("bt.%s.w", names[h]), 2e-3, 1e-4), "reward head weights (%s) match Newton's",
		   names[h]);
	}
	sf_bt_result r, r2;
	o.random_seeds = 4;
	if (ok(bt_eval(&r, &pool, pp, &pl, &o, NULL, &e) == 0, "bt_eval runs")) {
		/* rows: none safety/chat/all, plan ..., random ... */
		int good = r.n == 9;
		for (int h = 0; good && h < 2; h++) {
			const sec *a = get("bt.%s.acc", names[h]);
			for (int c = 0; c < 3; c++) {
				const sf_bt_row *x = &r.rows[h * 3 + c];
				good = good && !strcmp(x->edit, names[h]) && fabs(x->accuracy - a->v[c]) < 1e-12;
				if (!good)
					diag("%s %s: got %.9g want %.9g", x->edit, x->category, x->accuracy, a->v[c]);
			}
		}
		ok(good, "accuracy per category for none and plan matches numpy");
		ok(r.n_flip == fl->n && r.n_drop == 0, "random edit has the plan's size and kind");
		bt_eval(&r2, &pool, pp, &pl, &o, NULL, &e);
		int same = r2.n == r.n;
		for (size_t i = 0; same && i < r.n; i++)
			same = r.rows[i].accuracy == r2.rows[i].accuracy && r.rows[i].spread == r2.rows[i].spread;
		ok(same, "eval is deterministic for a seed");
		ok(!strcmp(r.rows[6].edit, "random") && r.rows[6].spread >= 0, "random rows carry a spread");
		bt_result_free(&r);
		bt_result_free(&r2);
	}
	plan_free(&pl);
	bt_pool_free(&pool);
}

int main(void)
{
	const char *srcdir = getenv("srcdir");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/analysis_golden.txt", srcdir ? srcdir : ".");
	load_fixture(path);
	load_data();
	char tmpl[] = "/tmp/safer-golden.XXXXXX";
	if (!mkdtemp(tmpl))
		return 1;
	char spath[4200];
	snprintf(spath, sizeof spath, "%s/acts.safetensors", tmpl);
	store *s = make_store(spath);
	char *jsonl;
	pairs pp = make_pairs(&jsonl);
	sf_err e;
	sf_index *ix;
	if (!ok(index_build(&ix, idx, val, sidev, N, K, M, NULL, &e) == 0, "index built"))
		return done_testing();
	/* save and reload: the loaded index answers the same */
	char ipath[4200];
	snprintf(ipath, sizeof ipath, "%s/index.bin", tmpl);
	memcpy(ix->data_fingerprint, "0123456789abcdef", 16);
	memcpy(ix->sae_fingerprint, "fedcba9876543210", 16);
	sf_index *ix2 = NULL;
	int stale = 1;
	ok(index_save(ix, ipath, &e) == 0 &&
	   index_load_file(&ix2, ipath, N, K, M, "0123456789abcdef", "fedcba9876543210", &stale, &e) == 0 &&
	   !stale && ix2 && ix2->n_entries == ix->n_entries &&
	   !memcmp(ix2->ent, ix->ent, ix->n_entries * sizeof(sf_ientry)),
	   "index round-trips through index.bin");
	sf_index *ix3 = NULL;
	ok(index_load_file(&ix3, ipath, N, K, M, "0123456789abcdef", "0000000000000000", &stale, &e) == 0 &&
	   stale && !ix3, "index made with another SAE is stale");
	for (int mode = 0; mode < 2; mode++)
		check_mode(mode, ix2 ? ix2 : ix, s, &pp);
	check_bt(s, &pp);
	check_judge_rules(tmpl);
	index_close(ix);
	index_close(ix2);
	store_close(s);
	pairs_free(&pp);
	free(jsonl);
	unlink(ipath);
	unlink(spath);
	rmdir(tmpl);
	return done_testing();
}
