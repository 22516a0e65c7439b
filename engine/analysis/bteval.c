/* Projected effect of an edit (§8): Bradley-Terry heads on pooled
 * activations, trained together.
 *
 * Shapes: P pairs, d model width, n train pairs in use, H heads (none,
 * plan, and one per random seed). Every head sees the same difference
 * matrix X [n, d] and differs only in its labels Y [n, H] (+1 keep,
 * -1 flip, 0 drop). So each L-BFGS round evaluates all heads with two
 * sgemm calls over X:
 *   T = X W^T        [n, H]   margins r(chosen) - r(rejected)
 *   G = X^T C        [H, d]   C [n, H] the per-pair loss derivatives
 * and X is read twice per round whatever H is. Each head keeps its own
 * L-BFGS history and backtracking step; a head that has converged drops
 * out of the rounds. */
#include "engine/analysis/bteval.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/rng.h"

#define LBFGS_MEM 8

void bt_opts_default(sf_bt_opts *o)
{
	o->l2 = 1e-3;
	o->max_iter = 100;
	o->tol = 1e-4;
	o->random_seeds = 5;
	o->seed = 1;
}

void bt_pool_free(sf_pooled *pp)
{
	if (!pp)
		return;
	free(pp->diff);
	free(pp->ok);
	memset(pp, 0, sizeof *pp);
}

int bt_pool_from(sf_pooled *out, const float *diff, size_t n_pairs, int d, sf_err *e)
{
	memset(out, 0, sizeof *out);
	size_t nd;
	if (d <= 0 || sf_mul_size(n_pairs, (size_t)d, &nd) || nd > ((size_t)1 << 40))
		return sf_fail(e, "pooled activations: bad shape");
	out->diff = malloc((nd ? nd : 1) * sizeof(float));
	out->ok = malloc(n_pairs ? n_pairs : 1);
	if (!out->diff || !out->ok) {
		bt_pool_free(out);
		return sf_fail(e, "pooled activations: out of memory");
	}
	memcpy(out->diff, diff, nd * sizeof(float));
	for (size_t i = 0; i < n_pairs; i++) {
		out->ok[i] = 1;
		for (int j = 0; j < d; j++)
			if (!isfinite(diff[i * (size_t)d + (size_t)j]))
				out->ok[i] = 0;
	}
	out->n_pairs = n_pairs;
	out->d = d;
	return 0;
}

/* Mean of rows [b, e) into acc [d] (double), reading in chunks. */
static int mean_rows(const store *s, size_t b, size_t e_, float *buf, size_t chunk,
                     double *acc, sf_err *e)
{
	int d = store_dim(s);
	memset(acc, 0, (size_t)d * sizeof *acc);
	for (size_t r = b; r < e_; r += chunk) {
		size_t c = e_ - r < chunk ? e_ - r : chunk;
		if (store_rows_f32(s, r, c, buf, e))
			return -1;
		for (size_t q = 0; q < c; q++)
			for (int j = 0; j < d; j++)
				acc[j] += buf[q * (size_t)d + (size_t)j];
	}
	if (e_ > b)
		for (int j = 0; j < d; j++)
			acc[j] /= (double)(e_ - b);
	return 0;
}

int bt_pool(sf_pooled *out, const store *s, size_t n_pairs, const sf_progress *p,
            sf_err *e)
{
	memset(out, 0, sizeof *out);
	int d = store_dim(s);
	size_t nd, chunk = 256;
	if (d <= 0 || sf_mul_size(n_pairs, (size_t)d, &nd))
		return sf_fail(e, "pooled activations: bad shape");
	out->diff = calloc(nd ? nd : 1, sizeof(float));
	out->ok = calloc(n_pairs ? n_pairs : 1, 1);
	float *buf = malloc(chunk * (size_t)d * sizeof(float));
	double *mc = malloc((size_t)d * sizeof(double)), *mr = malloc((size_t)d * sizeof(double));
	int rc = 0;
	if (!out->diff || !out->ok || !buf || !mc || !mr)
		rc = sf_fail(e, "pooled activations: out of memory");
	for (size_t i = 0; i < n_pairs && !rc; i++) {
		if (i % 64 == 0 && sf_progress_report(p, (double)i / (double)n_pairs, "pooling activations")) {
			rc = sf_fail(e, "cancelled");
			break;
		}
		size_t cb, ce, rb, re;
		store_response_rows(s, i, SIDE_CHOSEN, &cb, &ce);
		store_response_rows(s, i, SIDE_REJECTED, &rb, &re);
		if (ce == cb || re == rb)
			continue; /* a response without rows cannot be scored */
		if (mean_rows(s, cb, ce, buf, chunk, mc, e) || mean_rows(s, rb, re, buf, chunk, mr, e)) {
			rc = -1;
			break;
		}
		float *o = out->diff + i * (size_t)d;
		for (int j = 0; j < d; j++)
			o[j] = (float)(mc[j] - mr[j]);
		for (int j = 0; j < d && !rc; j++)
			if (!isfinite(o[j]))
				rc = sf_fail(e, "%s: pair %zu: its responses' mean activations differ by "
				             "more than a float holds at column %d (values near the F32 "
				             "limit)", store_path(s), i, j);
		out->ok[i] = !rc;
	}
	free(buf);
	free(mc);
	free(mr);
	if (rc) {
		bt_pool_free(out);
		return -1;
	}
	out->n_pairs = n_pairs;
	out->d = d;
	sf_progress_report(p, 1.0, "pooling activations");
	return 0;
}

/* ---- training -------------------------------------------------- */

typedef struct head {
	float *w, *g, *dir, *wt, *gt; /* [d] */
	float *S, *Yh;                /* [LBFGS_MEM, d] history */
	double rho[LBFGS_MEM];
	int hist, next;               /* history length and ring position */
	double f, ft, step, g0;
	int iter, done;
	double n_used;                /* train pairs this head sees */
} head;

static double dot(const float *a, const float *b, int d)
{
	double s = 0;
	for (int j = 0; j < d; j++)
		s += (double)a[j] * b[j];
	return s;
}

/* dir = -H g by the two-loop recursion. */
static void lbfgs_dir(head *h, int d)
{
	double alpha[LBFGS_MEM];
	for (int j = 0; j < d; j++)
		h->dir[j] = -h->g[j];
	for (int i = 0; i < h->hist; i++) {
		int q = (h->next - 1 - i + 2 * LBFGS_MEM) % LBFGS_MEM;
		alpha[q] = h->rho[q] * dot(h->S + (size_t)q * d, h->dir, d);
		cblas_saxpy(d, (float)-alpha[q], h->Yh + (size_t)q * d, 1, h->dir, 1);
	}
	if (h->hist) {
		int q = (h->next - 1 + LBFGS_MEM) % LBFGS_MEM;
		float *y = h->Yh + (size_t)q * d;
		double gamma = 1.0 / (h->rho[q] * dot(y, y, d));
		cblas_sscal(d, (float)gamma, h->dir, 1);
	}
	for (int i = h->hist - 1; i >= 0; i--) {
		int q = (h->next - 1 - i + 2 * LBFGS_MEM) % LBFGS_MEM;
		double beta = h->rho[q] * dot(h->Yh + (size_t)q * d, h->dir, d);
		cblas_saxpy(d, (float)(alpha[q] - beta), h->S + (size_t)q * d, 1, h->dir, 1);
	}
}

typedef struct trainer {
	int d, H;
	size_t n;
	const float *X;   /* [n, d] scaled differences */
	const float *Y;   /* [n, H] */
	double l2;
	float *Wb, *T, *C, *Gb; /* [H, d], [n, H], [n, H], [H, d] */
	int *act;               /* [H] heads evaluated this round */
} trainer;

/* f and gradient at wt of every head listed in act[0..na). */
static void eval_heads(trainer *t, head *hs, int na)
{
	int d = t->d;
	size_t n = t->n;
	for (int a = 0; a < na; a++)
		memcpy(t->Wb + (size_t)a * d, hs[t->act[a]].wt, (size_t)d * sizeof(float));
	/* T [n, na] = X [n, d] . Wb^T [d, na] */
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, na, d, 1.0f, t->X, d, t->Wb, d,
	            0.0f, t->T, na);
	for (int a = 0; a < na; a++) {
		head *h = &hs[t->act[a]];
		int hh = t->act[a];
		double loss = 0, inv = h->n_used > 0 ? 1.0 / h->n_used : 0;
		for (size_t i = 0; i < n; i++) {
			float y = t->Y[i * (size_t)t->H + (size_t)hh];
			double z = -(double)y * t->T[i * (size_t)na + (size_t)a]; /* -y t */
			if (y == 0) {
				t->C[i * (size_t)na + (size_t)a] = 0;
				continue;
			}
			loss += (z > 0 ? z : 0) + log1p(exp(-fabs(z)));
			double sig = 1.0 / (1.0 + exp(-z)); /* sigma(-y t) */
			t->C[i * (size_t)na + (size_t)a] = (float)(-(double)y * sig * inv);
		}
		h->ft = loss * inv + 0.5 * t->l2 * dot(h->wt, h->wt, d);
	}
	/* Gb [na, d] = C^T [na, n] . X [n, d] */
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, na, d, (int)n, 1.0f, t->C, na, t->X, d,
	            0.0f, t->Gb, d);
	for (int a = 0; a < na; a++) {
		head *h = &hs[t->act[a]];
		float *gb = t->Gb + (size_t)a * d;
		for (int j = 0; j < d; j++)
			h->gt[j] = gb[j] + (float)(t->l2 * h->wt[j]);
	}
}

/* Accept the trial point of a head (Armijo held): update history, w, g. */
static void head_accept(head *h, int d, const sf_bt_opts *o)
{
	float *s = h->S + (size_t)h->next * d, *y = h->Yh + (size_t)h->next * d;
	for (int j = 0; j < d; j++) {
		s[j] = h->wt[j] - h->w[j];
		y[j] = h->gt[j] - h->g[j];
	}
	double sy = dot(s, y, d);
	if (sy > 1e-12) {
		h->rho[h->next] = 1.0 / sy;
		h->next = (h->next + 1) % LBFGS_MEM;
		if (h->hist < LBFGS_MEM)
			h->hist++;
	}
	double fold = h->f;
	memcpy(h->w, h->wt, (size_t)d * sizeof(float));
	memcpy(h->g, h->gt, (size_t)d * sizeof(float));
	h->f = h->ft;
	h->iter++;
	double gn = sqrt(dot(h->g, h->g, d));
	if (gn <= o->tol * h->g0 || h->iter >= o->max_iter ||
	    fold - h->f <= o->tol * 1e-3 * fmax(1.0, fabs(h->f))) {
		h->done = 1;
		return;
	}
	lbfgs_dir(h, d);
	h->step = 1;
	if (dot(h->g, h->dir, d) >= 0) { /* not a descent direction: restart */
		for (int j = 0; j < d; j++)
			h->dir[j] = -h->g[j];
		h->hist = 0;
		h->step = 1.0 / fmax(gn, 1e-30);
	}
}

static int train_heads(float *W, trainer *t, const sf_bt_opts *o, const sf_progress *p,
                       sf_err *e)
{
	int d = t->d, H = t->H;
	head *hs = calloc((size_t)H, sizeof *hs);
	size_t per = (size_t)d * (5 + 2 * LBFGS_MEM);
	float *blk = calloc(per * (size_t)H, sizeof(float));
	if (!hs || !blk) {
		free(hs);
		free(blk);
		return sf_fail(e, "reward head: out of memory");
	}
	for (int h = 0; h < H; h++) {
		float *b = blk + per * (size_t)h;
		hs[h].w = b;
		hs[h].g = b + d;
		hs[h].dir = b + 2 * (size_t)d;
		hs[h].wt = b + 3 * (size_t)d;
		hs[h].gt = b + 4 * (size_t)d;
		hs[h].S = b + 5 * (size_t)d;
		hs[h].Yh = hs[h].S + (size_t)LBFGS_MEM * d;
		for (size_t i = 0; i < t->n; i++)
			hs[h].n_used += t->Y[i * (size_t)H + (size_t)h] != 0;
		t->act[h] = h;
	}
	/* w = 0 everywhere: evaluate, then the first direction is -g */
	eval_heads(t, hs, H);
	for (int h = 0; h < H; h++) {
		head *x = &hs[h];
		x->f = x->ft;
		memcpy(x->g, x->gt, (size_t)d * sizeof(float));
		x->g0 = sqrt(dot(x->g, x->g, d));
		for (int j = 0; j < d; j++)
			x->dir[j] = -x->g[j];
		x->step = 1.0 / fmax(x->g0, 1e-30);
		x->done = x->n_used == 0 || x->g0 == 0;
	}
	int rc = 0;
	for (int round = 0;; round++) {
		int na = 0;
		for (int h = 0; h < H; h++)
			if (!hs[h].done)
				t->act[na++] = h;
		if (!na)
			break;
		if (sf_progress_report(p, fmin(1.0, (double)round / (2.0 * o->max_iter)),
		                       "training reward heads")) {
			rc = sf_fail(e, "cancelled");
			break;
		}
		for (int a = 0; a < na; a++) {
			head *x = &hs[t->act[a]];
			for (int j = 0; j < d; j++)
				x->wt[j] = x->w[j] + (float)x->step * x->dir[j];
		}
		eval_heads(t, hs, na);
		for (int a = 0; a < na; a++) {
			head *x = &hs[t->act[a]];
			double gd = dot(x->g, x->dir, d);
			if (x->ft <= x->f + 1e-4 * x->step * gd)
				head_accept(x, d, o);
			else if ((x->step *= 0.5) < 1e-12)
				x->done = 1; /* no more progress in float precision */
		}
		if (round > 20 * o->max_iter)
			break;
	}
	for (int h = 0; h < H && !rc; h++)
		memcpy(W + (size_t)h * d, hs[h].w, (size_t)d * sizeof(float));
	free(hs);
	free(blk);
	return rc;
}

/* Train H heads; actions[h] (NULL = no edit) over P pairs. The features are
 * scaled by one constant so that their mean square is 1 (which makes l2
 * comparable across models); W is returned in the original units. */
static int bt_train_many(float *W, const sf_pooled *pp, const int *split,
                         const unsigned char *const *actions, int H, const sf_bt_opts *o,
                         const sf_progress *p, sf_err *e)
{
	int d = pp->d;
	size_t n = 0;
	for (size_t i = 0; i < pp->n_pairs; i++)
		n += split[i] == SPLIT_TRAIN && pp->ok[i];
	if (!n)
		return sf_fail(e, "reward head: no train pairs with activations");
	trainer t = { .d = d, .H = H, .n = n, .l2 = o->l2 };
	float *X = malloc(n * (size_t)d * sizeof(float));
	float *Y = malloc(n * (size_t)H * sizeof(float));
	t.Wb = malloc((size_t)H * d * sizeof(float));
	t.Gb = malloc((size_t)H * d * sizeof(float));
	t.T = malloc(n * (size_t)H * sizeof(float));
	t.C = malloc(n * (size_t)H * sizeof(float));
	t.act = malloc((size_t)H * sizeof(int));
	int rc = 0;
	if (!X || !Y || !t.Wb || !t.Gb || !t.T || !t.C || !t.act) {
		rc = sf_fail(e, "reward head: out of memory");
		goto out;
	}
	double ms = 0;
	size_t q = 0;
	for (size_t i = 0; i < pp->n_pairs; i++) {
		if (split[i] != SPLIT_TRAIN || !pp->ok[i])
			continue;
		memcpy(X + q * d, pp->diff + i * (size_t)d, (size_t)d * sizeof(float));
		ms += dot(X + q * d, X + q * d, d);
		for (int h = 0; h < H; h++) {
			int a = actions && actions[h] ? actions[h][i] : 0;
			Y[q * (size_t)H + (size_t)h] = a == EDIT_FLIP ? -1.0f : a == EDIT_DROP ? 0.0f : 1.0f;
		}
		q++;
	}
	ms /= (double)n * d;
	float scale = ms > 0 ? (float)(1.0 / sqrt(ms)) : 1.0f;
	cblas_sscal((int)(n * (size_t)d), scale, X, 1);
	t.X = X;
	t.Y = Y;
	rc = train_heads(W, &t, o, p, e);
	if (!rc)
		cblas_sscal(H * d, scale, W, 1);
	for (size_t j = 0; !rc && j < (size_t)H * d; j++)
		if (!isfinite(W[j]))
			rc = sf_fail(e, "reward head: training gave a non-finite weight (activations "
			             "of too extreme a scale?)");
out:
	free(X);
	free(Y);
	free(t.Wb);
	free(t.Gb);
	free(t.T);
	free(t.C);
	free(t.act);
	return rc;
}

int bt_train(float *w, const sf_pooled *pp, const int *split, const unsigned char *actions,
             const sf_bt_opts *o, const sf_progress *p, sf_err *e)
{
	sf_bt_opts d;
	if (!o) {
		bt_opts_default(&d);
		o = &d;
	}
	const unsigned char *a[1] = { actions };
	return bt_train_many(w, pp, split, a, 1, o, p, e);
}

void bt_accuracy(const float *w, const sf_pooled *pp, const int *split, const int *cat,
                 int n_cat, double *acc, size_t *count)
{
	for (int c = 0; c < n_cat; c++) {
		acc[c] = 0;
		count[c] = 0;
	}
	for (size_t i = 0; i < pp->n_pairs; i++) {
		if (split[i] != SPLIT_TEST || !pp->ok[i] || cat[i] < 0 || cat[i] >= n_cat)
			continue;
		double m = dot(w, pp->diff + i * (size_t)pp->d, pp->d);
		acc[cat[i]] += m > 0 ? 1.0 : m == 0 ? 0.5 : 0.0;
		count[cat[i]]++;
	}
	for (int c = 0; c < n_cat; c++)
		if (count[c])
			acc[c] /= (double)count[c];
}

/* ---- the three edits -------------------------------------------- */

/* Uniform in [0, n) without modulo bias. */
static size_t rand_below(uint64_t *st, size_t n)
{
	uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;
	do
		x = sf_splitmix64(st);
	while (x >= lim);
	return (size_t)(x % n);
}

/* A random edit with n_flip flips and n_drop drops on distinct train pairs. */
static void random_edit(unsigned char *act, const int *split, size_t P, size_t n_flip,
                        size_t n_drop, uint64_t seed, size_t *scratch)
{
	size_t n = 0;
	memset(act, 0, P);
	for (size_t i = 0; i < P; i++)
		if (split[i] == SPLIT_TRAIN)
			scratch[n++] = i;
	uint64_t st = seed;
	size_t want = n_flip + n_drop < n ? n_flip + n_drop : n;
	for (size_t i = 0; i < want; i++) { /* partial Fisher-Yates */
		size_t j = i + rand_below(&st, n - i);
		size_t t = scratch[i];
		scratch[i] = scratch[j];
		scratch[j] = t;
		act[scratch[i]] = i < n_flip ? EDIT_FLIP : EDIT_DROP;
	}
}

void bt_result_free(sf_bt_result *r)
{
	if (!r)
		return;
	free(r->rows);
	for (int c = 0; c < r->n_cat_; c++)
		free(r->cat_names_[c]);
	free(r->cat_names_);
	memset(r, 0, sizeof *r);
}

int bt_eval(sf_bt_result *out, const sf_pooled *pp, const pairs *P, const sf_plan *pl,
            const sf_bt_opts *o, const sf_progress *p, sf_err *e)
{
	memset(out, 0, sizeof *out);
	sf_bt_opts dflt;
	if (!o) {
		bt_opts_default(&dflt);
		o = &dflt;
	}
	if (pp->n_pairs != P->n)
		return sf_fail(e, "reward head: %zu pooled pairs for %zu pairs", pp->n_pairs, P->n);
	if (o->random_seeds < 1 || o->random_seeds > 1000 || !(o->l2 >= 0) || o->max_iter < 1)
		return sf_fail(e, "reward head: bad options");
	const char **names = NULL;
	size_t nc = pairs_categories(P, &names);
	size_t Pn = P->n, d = (size_t)pp->d;
	int H = pl ? 2 + o->random_seeds : 1, kinds = pl ? 3 : 1;
	int *split = malloc((Pn ? Pn : 1) * sizeof(int)), *cat = malloc((Pn ? Pn : 1) * sizeof(int));
	unsigned char *acts = calloc((size_t)H, Pn ? Pn : 1);
	const unsigned char **ap = calloc((size_t)H, sizeof *ap);
	size_t *scratch = malloc((Pn ? Pn : 1) * sizeof(size_t));
	float *W = malloc((size_t)H * d * sizeof(float));
	double *acc = malloc((nc + 1) * sizeof(double) * (size_t)H);
	size_t *cnt = malloc((nc + 1) * sizeof(size_t));
	int rc = 0;
	if (!split || !cat || !acts || !ap || !scratch || !W || !acc || !cnt) {
		rc = sf_fail(e, "reward head: out of memory");
		goto out;
	}
	size_t n_test = 0;
	for (size_t i = 0; i < Pn; i++) {
		split[i] = pairs_split(P, i);
		cat[i] = (int)pairs_category_no(P, i);
		n_test += split[i] == SPLIT_TEST && pp->ok[i];
	}
	if (!n_test) {
		rc = sf_fail(e, "reward head: no test pairs to measure on (mark some \"split\": \"test\")");
		goto out;
	}
	if (pl) {
		plan_actions(pl, Pn, acts + Pn);
		for (size_t i = 0; i < Pn; i++)
			if (split[i] != SPLIT_TRAIN)
				acts[Pn + i] = 0; /* test pairs are never edited */
		for (size_t i = 0; i < Pn; i++) {
			out->n_flip += acts[Pn + i] == EDIT_FLIP;
			out->n_drop += acts[Pn + i] == EDIT_DROP;
		}
		for (int s = 0; s < o->random_seeds; s++) {
			uint64_t seed = o->seed * 0x100000001b3ULL + (uint64_t)s;
			random_edit(acts + (size_t)(2 + s) * Pn, split, Pn, out->n_flip, out->n_drop,
			            sf_splitmix64(&seed), scratch);
		}
	}
	for (int h = 0; h < H; h++)
		ap[h] = acts + (size_t)h * Pn;
	if ((rc = bt_train_many(W, pp, split, ap, H, o, p, e)))
		goto out;
	/* per-head accuracy per category; the last slot is "all" */
	for (int h = 0; h < H; h++) {
		double *ah = acc + (size_t)h * (nc + 1);
		bt_accuracy(W + (size_t)h * d, pp, split, cat, (int)nc, ah, cnt);
		double tot = 0;
		size_t all = 0;
		for (size_t c = 0; c < nc; c++) {
			tot += ah[c] * (double)cnt[c];
			all += cnt[c];
		}
		ah[nc] = all ? tot / (double)all : 0;
		cnt[nc] = all;
	}
	size_t used = 0;
	for (size_t c = 0; c <= nc; c++)
		used += cnt[c] > 0;
	out->cat_names_ = calloc(nc + 1, sizeof(char *));
	out->rows = calloc(used * (size_t)kinds, sizeof *out->rows);
	if (!out->cat_names_ || !out->rows) {
		rc = sf_fail(e, "reward head: out of memory");
		goto out;
	}
	out->n_cat_ = (int)nc + 1;
	for (size_t c = 0; c <= nc; c++)
		if (!(out->cat_names_[c] = strdup(c < nc ? names[c] : "all"))) {
			rc = sf_fail(e, "reward head: out of memory");
			goto out;
		}
	static const char *const kind_names[3] = { "none", "plan", "random" };
	for (int kd = 0; kd < kinds; kd++) {
		for (size_t c = 0; c <= nc; c++) {
			if (!cnt[c])
				continue;
			sf_bt_row *r = &out->rows[out->n++];
			r->edit = kind_names[kd];
			r->category = out->cat_names_[c];
			r->pairs = cnt[c];
			if (kd < 2) {
				r->accuracy = acc[(size_t)kd * (nc + 1) + c];
				continue;
			}
			double m = 0, v = 0;
			for (int s = 0; s < o->random_seeds; s++)
				m += acc[(size_t)(2 + s) * (nc + 1) + c];
			m /= o->random_seeds;
			for (int s = 0; s < o->random_seeds; s++) {
				double x = acc[(size_t)(2 + s) * (nc + 1) + c] - m;
				v += x * x;
			}
			r->accuracy = m;
			r->spread = o->random_seeds > 1 ? sqrt(v / (o->random_seeds - 1)) : 0;
		}
	}
	out->random_seeds = pl ? o->random_seeds : 0;
	sf_progress_report(p, 1.0, "training reward heads");
out:
	if (rc)
		bt_result_free(out);
	free(names);
	free(split);
	free(cat);
	free(acts);
	free(ap);
	free(scratch);
	free(W);
	free(acc);
	free(cnt);
	return rc;
}
