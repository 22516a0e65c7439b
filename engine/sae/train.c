/* TopK SAE trainer (safer-method.md §3).
 *
 * Shapes: B rows in the batch, d model width, m latents, k kept per row,
 * ka AuxK latents per row, P = 2md + m + d parameters.
 *
 * One step:
 *   forward   x~ [B,d]; xc = x~ - b_pre; pre = xc W_enc^T [B,m] (sgemm);
 *             z = TopK(pre + b_lat) [B,k]; x^ = b_pre + W_dec z (k columns)
 *   loss      mean_r ||x^_r - x~_r||^2 / ||x~_r||^2
 *   backward  g_r = dL/dx^_r [B,d]; dz_ri = W_dec[idx_ri] . g_r; the only
 *             non-zero rows of dW_dec, dW_enc and db_lat are the latents in
 *             the batch's codes, so the (row, slot) entries are bucketed by
 *             latent and each latent's gradient row is summed in a small
 *             per-thread buffer and fed straight into Adam: no [m,d] gradient
 *             array exists, and Adam reads and writes each parameter once.
 *   db_pre    = sum_r (g_r - W_enc^T dpre_r)  (b_pre feeds both ends)
 *
 * Every parallel section splits fixed ranges (rows, latents, columns) and
 * reduces in a fixed order, so results depend on the seed and on the
 * thread count only through OpenBLAS's sgemm.
 *
 * A run (train_run): init b_pre, then for each epoch shuffle the rows and
 * for each batch gather -> step -> renorm -> report; a cancel leaves a
 * checkpoint. The step's and the loop's buffers are carved from one block
 * whose size is computed first (step_carve, run_carve) and checked
 * against physical memory before anything is allocated. */
#include "engine/sae/train.h"

#include <cblas.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/base/hot.h"
#include "engine/base/rng.h"
#include "engine/base/threads.h"
#include "engine/formats/safetensors.h"
#include "engine/sae/topk.h"

void train_opts_default(train_opts *o)
{
	memset(o, 0, sizeof *o);
	o->normalize = SAE_NORM_STANDARDIZE;
	o->relu = 0;
	o->lr = 1e-2;
	o->beta1 = 0.9, o->beta2 = 0.999, o->eps = 1e-8;
	o->batch = 256;
	o->seed = 1;
	o->warmup_frac = 0.05;
	o->decay_frac = 0.20;
	o->renorm_every = 10;
	o->aux_coef = 1.0 / 32;
	o->bpre_sample = 4096;
	o->rows = TRAIN_ROWS_AUTO;
	o->sides = TRAIN_SIDE_CHOSEN | TRAIN_SIDE_REJECTED;
	o->encode_after = 1;
}

void train_opts_resolve(train_opts *o, int d, size_t n_rows)
{
	if (o->m <= 0)
		o->m = d >= 2048 ? 16384 : 8 * d; /* SAFER: 16384 at d 2048 */
	if (o->k <= 0)
		o->k = d >= 2048 ? 64 : 32; /* SAFER: 64 */
	if (o->k > o->m)
		o->k = o->m;
	if (o->batch <= 0)
		o->batch = 256;
	if (o->epochs <= 0) {
		/* one epoch (SAFER) when there are millions of rows; otherwise
		 * about 2000 steps in whole passes, at most 8 */
		size_t steps1 = (n_rows + o->batch - 1) / o->batch;
		int ep = steps1 ? (int)((2000 + steps1 / 2) / steps1) : 1;
		o->epochs = ep < 1 ? 1 : ep > 8 ? 8 : ep;
	}
	if (!o->dead_rows) {
		size_t dr = n_rows < 1000000 ? n_rows : 1000000;
		o->dead_rows = dr < (size_t)o->batch * 10 ? (size_t)o->batch * 10 : dr;
	}
	if (o->k_aux <= 0)
		o->k_aux = d / 2 < o->m ? d / 2 : o->m;
	if (o->k_aux < 1)
		o->k_aux = 1;
	if (o->report_every <= 0) {
		size_t steps = (size_t)o->epochs * ((n_rows + o->batch - 1) / o->batch);
		o->report_every = steps > 100 ? (int)(steps / 100) : 1;
	}
	if (o->threads <= 0)
		o->threads = sf_threads();
}

/* ---- small kernels ------------------------------------------------ */

HOT static void k_axpy(int n, float a, const float *restrict x, float *restrict y)
{
	for (int i = 0; i < n; i++)
		y[i] += a * x[i];
}

HOT static float k_dot(int n, const float *restrict x, const float *restrict y)
{
	/* 8 partial sums so the compiler may vectorise the reduction */
	float acc[8] = { 0 };
	int i = 0;
	for (; i + 8 <= n; i += 8)
		for (int l = 0; l < 8; l++)
			acc[l] += x[i + l] * y[i + l];
	float s = 0;
	for (; i < n; i++)
		s += x[i] * y[i];
	for (int l = 0; l < 8; l++)
		s += acc[l];
	return s;
}

typedef struct adam_hp {
	float b1, b2, omb1, omb2, step_size, inv_sqrt_bc2, eps;
} adam_hp;

/* One Adam update of n parameters; g NULL means a zero gradient. */
HOT static void k_adam(int n, float *restrict p, float *restrict mo, float *restrict vo,
                       const float *restrict g, const adam_hp *h)
{
	float b1 = h->b1, b2 = h->b2, omb1 = h->omb1, omb2 = h->omb2;
	float ss = h->step_size, ib = h->inv_sqrt_bc2, eps = h->eps;
	if (g) {
		for (int i = 0; i < n; i++) {
			float gi = g[i];
			float mi = b1 * mo[i] + omb1 * gi;
			float vi = b2 * vo[i] + omb2 * gi * gi;
			mo[i] = mi, vo[i] = vi;
			p[i] -= ss * mi / (sqrtf(vi) * ib + eps);
		}
	} else {
		for (int i = 0; i < n; i++) {
			float mi = b1 * mo[i], vi = b2 * vo[i];
			mo[i] = mi, vo[i] = vi;
			p[i] -= ss * mi / (sqrtf(vi) * ib + eps);
		}
	}
}

#define par_run sf_parallel

/* ---- the step ----------------------------------------------------- */

typedef struct entry {
	uint32_t r;   /* row in the batch */
	uint32_t aux; /* 1: AuxK entry (gradient comes from ga) */
	float a;      /* activation (decoder gradient coefficient) */
	float dpre;   /* dL/dpre (encoder gradient coefficient) */
} entry;

struct train_step_ctx {
	int d, m, k, ka, maxB, nt;
	int relu, normalize, auxk;
	double aux_coef;
	/* the buffers, carved from block_ (see step_carve) */
	float *xt, *xc, *pre, *g, *tmp, *ga; /* [B,d] except pre [B,m]; ga only with AuxK */
	float *rn;                           /* [B] 1/||x~||^2 */
	uint32_t *idx, *aidx;                /* [B,k], [B,ka] */
	float *val, *dz, *aval, *adz;        /* [B,k], [B,k], [B,ka], [B,ka] */
	double *row_loss, *row_aux;          /* [B] */
	int *row_l0, *row_nonpos;            /* [B] */
	uint32_t *off;                       /* [m+1] bucket offsets */
	entry *ent;                          /* [B(k+ka)] */
	float *scratch;                      /* [nt, 3d] */
	float *adam_m, *adam_v;              /* [P] each, mirror the sae block */
	uint8_t *dead;                       /* [m] AuxK mask */
	float *db_pre;                       /* [d] */
	void *block_;
	long t;                              /* Adam steps taken */
	double beta1, beta2, eps;
	int n_dead;
	/* figures of the last step */
	double last_l0, last_nonpos, last_aux;
	/* per-step bindings for the parallel sections */
	sae *s;
	int B;
	adam_hp hp;
	double phase_s[TRAIN_PHASES];        /* time spent per phase, summed */
	float in_scale;                      /* rows times this after normalising (see run_scale) */
	int own_gemm;                        /* our threads run the GEMM (OpenBLAS at 1) */
	int blas_threads_before;             /* restored on free */
};

/* ---- one block for all the buffers --------------------------------- */

/* Buffers laid out one after another: a first pass with base NULL adds
 * up the bytes (checked: overflow sets the flag), a second carves them
 * out of the block allocated in between. Each starts on a cache line. */
typedef struct carver {
	char *base;
	size_t at;
	int overflow;
} carver;

enum { CARVE_ALIGN = 64 };

/* a * b elements of size bytes; NULL in the first pass and for none */
static void *carve(carver *cv, size_t a, size_t b, size_t size)
{
	size_t start, bytes;
	if (sf_add_size(cv->at, CARVE_ALIGN - 1, &start) || sf_mul_size(a, b, &bytes) ||
	    sf_mul_size(bytes, size, &bytes) ||
	    sf_add_size(start & ~(size_t)(CARVE_ALIGN - 1), bytes, &cv->at)) {
		cv->overflow = 1;
		cv->at = SIZE_MAX;
		return NULL;
	}
	start &= ~(size_t)(CARVE_ALIGN - 1);
	return cv->base && bytes ? cv->base + start : NULL;
}

/* Zeroed, aligned to CARVE_ALIGN: calloc touches no page until used. */
static void *carve_alloc(carver *cv, void **block)
{
	*block = calloc(1, cv->at + CARVE_ALIGN);
	if (!*block)
		return NULL;
	uintptr_t p = ((uintptr_t)*block + CARVE_ALIGN - 1) & ~(uintptr_t)(CARVE_ALIGN - 1);
	return (void *)p;
}

/* The training loop's own buffers, carved after the step's (train_run). */
typedef struct run_bufs {
	float *x;            /* [B,d] the batch as gathered */
	size_t *perm;        /* [n] the epoch's row order */
	int64_t *last_fired; /* [m] rows_seen at the latent's last firing */
	uint8_t *dead;       /* [m] */
	double *bpre_acc;    /* [d] b_pre's initial sum */
	size_t *bpre_rows;   /* [B] rows gathered for it */
} run_bufs;

static size_t n_params_of(int d, int m)
{
	return 2 * (size_t)m * d + m + d;
}

static size_t n_params(const sae *s)
{
	return n_params_of(s->d, s->m);
}

/* The shape the buffers depend on. */
static void step_dims(train_step_ctx *c, int d, int m, int k, const train_opts *o, int batch)
{
	c->d = d, c->m = m, c->k = k, c->maxB = batch;
	c->nt = o->threads > 0 ? o->threads : 1;
	c->auxk = o->auxk;
	c->ka = o->auxk ? (o->k_aux > 0 ? (o->k_aux < m ? o->k_aux : m) : 1) : 0;
}

static void step_carve(train_step_ctx *c, carver *cv)
{
	size_t B = (size_t)c->maxB, d = (size_t)c->d, m = (size_t)c->m, k = (size_t)c->k;
	size_t ka = (size_t)c->ka, P = n_params_of(c->d, c->m);
	c->xt = carve(cv, B, d, sizeof(float));
	c->xc = carve(cv, B, d, sizeof(float));
	c->g = carve(cv, B, d, sizeof(float));
	c->tmp = carve(cv, B, d, sizeof(float));
	c->ga = carve(cv, c->auxk ? B : 0, d, sizeof(float));
	c->pre = carve(cv, B, m, sizeof(float));
	c->rn = carve(cv, B, 1, sizeof(float));
	c->idx = carve(cv, B, k, sizeof(uint32_t));
	c->val = carve(cv, B, k, sizeof(float));
	c->dz = carve(cv, B, k, sizeof(float));
	c->aidx = carve(cv, B, ka, sizeof(uint32_t));
	c->aval = carve(cv, B, ka, sizeof(float));
	c->adz = carve(cv, B, ka, sizeof(float));
	c->row_loss = carve(cv, B, 1, sizeof(double));
	c->row_aux = carve(cv, B, 1, sizeof(double));
	c->row_l0 = carve(cv, B, 1, sizeof(int));
	c->row_nonpos = carve(cv, B, 1, sizeof(int));
	c->off = carve(cv, m + 1, 1, sizeof(uint32_t));
	c->ent = carve(cv, B, k + ka, sizeof(entry));
	c->scratch = carve(cv, (size_t)c->nt, 3 * d, sizeof(float));
	c->adam_m = carve(cv, P, 1, sizeof(float));
	c->adam_v = carve(cv, P, 1, sizeof(float));
	c->dead = carve(cv, m, 1, 1);
	c->db_pre = carve(cv, d, 1, sizeof(float));
}

static void run_carve(run_bufs *b, carver *cv, int d, int m, int batch, size_t n)
{
	b->x = carve(cv, (size_t)batch, (size_t)d, sizeof(float));
	b->perm = carve(cv, n, 1, sizeof(size_t));
	b->last_fired = carve(cv, (size_t)m, 1, sizeof(int64_t));
	b->dead = carve(cv, (size_t)m, 1, 1);
	b->bpre_acc = carve(cv, (size_t)d, 1, sizeof(double));
	b->bpre_rows = carve(cv, (size_t)batch, 1, sizeof(size_t));
}

/* Bytes of the step's buffers, and of the loop's for n rows (n 0: none). */
static size_t block_bytes(int d, int m, int k, const train_opts *o, int batch, size_t n)
{
	train_step_ctx c = { 0 };
	run_bufs b;
	carver cv = { 0 };
	step_dims(&c, d, m, k, o, batch);
	step_carve(&c, &cv);
	if (n)
		run_carve(&b, &cv, d, m, batch, n);
	return cv.overflow ? SIZE_MAX : cv.at + CARVE_ALIGN;
}

/* Adam's m and v and the firing history, as a checkpoint holds them. */
static size_t state_bytes(int d, int m)
{
	size_t t;
	if (sf_mul_size(n_params_of(d, m), 2 * sizeof(float), &t) ||
	    sf_add_size(t, (size_t)m * sizeof(int64_t) + 2 * CARVE_ALIGN, &t))
		return SIZE_MAX;
	return t;
}

/* What a run of an m x d SAE on n rows holds at its peak: the weights,
 * the one block of train_run and, on cancel, the checkpoint's copy. */
static size_t train_mem_needed(int d, int m, int k, const train_opts *o, size_t n)
{
	size_t w, t;
	int batch = o->batch > 0 ? o->batch : 1;
	if (sf_mul_size(n_params_of(d, m), sizeof(float), &w) ||
	    sf_add_size(w, block_bytes(d, m, k, o, batch, n ? n : 1), &t) ||
	    sf_add_size(t, state_bytes(d, m), &t))
		return SIZE_MAX;
	return t;
}

int train_mem_check(int d, int m, int k, const train_opts *o, size_t n, sf_err *e)
{
	char what[120];
	snprintf(what, sizeof what, "training an SAE of %d x %d (k %d, batch %d)", m, d, k,
	         o->batch);
	return sae_mem_check(train_mem_needed(d, m, k, o, n), what, e);
}

void train_step_free(train_step_ctx *c)
{
	if (!c)
		return;
	if (c->own_gemm)
		openblas_set_num_threads(c->blas_threads_before);
	free(c->block_);
	free(c);
}

/* The step context, its buffers in one block; with rb, the loop's for n
 * rows in the same block (freed with the context). */
static int step_new(train_step_ctx **out, const sae *s, const train_opts *o, int batch,
                    run_bufs *rb, size_t n, sf_err *e)
{
	*out = NULL;
	train_step_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return sf_fail(e, "out of memory");
	step_dims(c, s->d, s->m, s->k, o, batch);
	carver cv = { 0 };
	step_carve(c, &cv);
	if (rb)
		run_carve(rb, &cv, s->d, s->m, batch, n);
	if (cv.overflow) {
		free(c);
		return sf_fail(e, "training buffers for batch %d, %d x %d are too large", batch,
		               s->m, s->d);
	}
	/* Allocated once per run and reused by every step: nothing is freed
	 * and re-faulted between steps. */
	cv.base = carve_alloc(&cv, &c->block_);
	if (!cv.base) {
		free(c);
		return sf_fail(e, "out of memory for training buffers (batch %d, %d x %d)", batch,
		               s->m, s->d);
	}
	cv.at = 0;
	step_carve(c, &cv);
	if (rb)
		run_carve(rb, &cv, s->d, s->m, batch, n);
	c->relu = s->relu, c->normalize = s->normalize;
	c->in_scale = 1;
	c->aux_coef = o->aux_coef;
	c->beta1 = o->beta1, c->beta2 = o->beta2, c->eps = o->eps;
	if (c->nt > 1) {
		/* see sec_forward; restored by train_step_free */
		c->own_gemm = 1;
		c->blas_threads_before = openblas_get_num_threads();
		openblas_set_num_threads(1);
	}
	*out = c;
	return 0;
}

int train_step_new(train_step_ctx **out, const sae *s, const train_opts *o, int batch,
                   sf_err *e)
{
	return step_new(out, s, o, batch, NULL, 0, e);
}

/* forward for rows [r0, r1): TopK, decode, loss, g, dz, AuxK, and each
 * row's contribution to db_pre (in tmp) */
static void sec_rows(void *arg, int t, int nt)
{
	train_step_ctx *c = arg;
	const sae *s = c->s;
	int d = c->d, m = c->m, k = c->k, ka = c->ka, B = c->B;
	size_t r0 = sf_share(B, t, nt), r1 = sf_share(B, t + 1, nt);
	for (size_t r = r0; r < r1; r++) {
		const float *xt = c->xt + r * d;
		float *xh = c->tmp + r * d, *g = c->g + r * d;
		uint32_t *ri = c->idx + r * k;
		float *rv = c->val + r * k, *rdz = c->dz + r * k;
		topk_select_unsorted(c->pre + r * m, s->b_lat, m, k, ri, rv);
		int l0 = 0, np = 0;
		for (int i = 0; i < k; i++) {
			if (rv[i] <= 0) {
				np++;
				if (c->relu)
					rv[i] = 0;
			} else {
				l0++;
			}
		}
		c->row_l0[r] = l0, c->row_nonpos[r] = np;
		/* x^ = b_pre + sum_i val_i W_dec[idx_i] */
		memcpy(xh, s->b_pre, d * sizeof(float));
		for (int i = 0; i < k; i++)
			if (rv[i] != 0)
				k_axpy(d, rv[i], s->W_dec + (size_t)ri[i] * d, xh);
		/* e = x^ - x~; g = 2 e / (B ||x~||^2) */
		double se = 0;
		for (int i = 0; i < d; i++) {
			float ei = xh[i] - xt[i];
			g[i] = ei;
			se += (double)ei * ei;
		}
		c->row_loss[r] = se * c->rn[r];
		float gs = (float)(2.0 * c->rn[r] / B);
		for (int i = 0; i < d; i++)
			g[i] *= gs;
		for (int i = 0; i < k; i++) {
			int live = !c->relu || rv[i] > 0;
			rdz[i] = live ? k_dot(d, s->W_dec + (size_t)ri[i] * d, g) : 0.0f;
		}
		c->row_aux[r] = 0;
		if (ka && c->n_dead > 0) {
			/* AuxK: the top ka dead latents reconstruct the residual
			 * x~ - x^ (a constant target); the term is scaled by
			 * min(#dead / ka, 1) as sparsify does */
			int kk = ka < c->n_dead ? ka : c->n_dead;
			double scale = (double)c->n_dead / ka < 1.0 ? (double)c->n_dead / ka : 1.0;
			uint32_t *ai = c->aidx + r * ka;
			float *av = c->aval + r * ka, *adz = c->adz + r * ka, *ga = c->ga + r * d;
			int got = topk_select(c->pre + r * m, s->b_lat, c->dead, m, kk, ai, av);
			for (int i = got; i < ka; i++)
				ai[i] = 0, av[i] = 0;
			if (c->relu)
				for (int i = 0; i < got; i++)
					av[i] = av[i] > 0 ? av[i] : 0;
			/* diff = e^ - (x~ - x^) = e^ + e ; e = x^ - x~ is g / gs */
			float inv_gs = 1.0f / gs;
			for (int i = 0; i < d; i++)
				ga[i] = g[i] * inv_gs;
			for (int i = 0; i < got; i++)
				if (av[i] != 0)
					k_axpy(d, av[i], s->W_dec + (size_t)ai[i] * d, ga);
			double sa = 0;
			for (int i = 0; i < d; i++)
				sa += (double)ga[i] * ga[i];
			c->row_aux[r] = scale * sa * c->rn[r];
			float as = (float)(2.0 * c->aux_coef * scale * c->rn[r] / B);
			for (int i = 0; i < d; i++)
				ga[i] *= as;
			for (int i = 0; i < ka; i++) {
				int live = i < got && (!c->relu || av[i] > 0);
				adz[i] = live ? k_dot(d, s->W_dec + (size_t)ai[i] * d, ga) : 0.0f;
			}
		}
	}
}

/* db_pre's decoder half: the sum of g over rows, columns split across
 * threads (the encoder half, -W_enc^T db_lat, is summed in sec_latents) */
static void sec_dbpre(void *arg, int t, int nt)
{
	train_step_ctx *c = arg;
	int d = c->d;
	size_t c0 = sf_share(d, t, nt), c1 = sf_share(d, t + 1, nt);
	for (size_t j = c0; j < c1; j++)
		c->db_pre[j] = 0;
	for (int r = 0; r < c->B; r++) {
		const float *v = c->g + (size_t)r * d;
		for (size_t j = c0; j < c1; j++)
			c->db_pre[j] += v[j];
	}
}

/* bucket the (row, slot) entries by latent, in row order */
static void bucket(train_step_ctx *c)
{
	int m = c->m, k = c->k, ka = (c->ka && c->n_dead > 0) ? c->ka : 0, B = c->B;
	uint32_t *off = c->off;
	memset(off, 0, ((size_t)m + 1) * sizeof(uint32_t));
	for (int r = 0; r < B; r++) {
		for (int i = 0; i < k; i++)
			off[c->idx[(size_t)r * k + i] + 1]++;
		for (int i = 0; i < ka; i++)
			if (c->adz[(size_t)r * ka + i] != 0 || c->aval[(size_t)r * ka + i] != 0)
				off[c->aidx[(size_t)r * ka + i] + 1]++;
	}
	for (int j = 0; j < m; j++)
		off[j + 1] += off[j];
	/* fill with a moving cursor per latent, then restore the offsets */
	for (int r = 0; r < B; r++) {
		for (int i = 0; i < k; i++) {
			size_t q = (size_t)r * k + i;
			c->ent[off[c->idx[q]]++] = (entry){ (uint32_t)r, 0, c->val[q], c->dz[q] };
		}
		for (int i = 0; i < ka; i++) {
			size_t q = (size_t)r * ka + i;
			if (c->adz[q] != 0 || c->aval[q] != 0)
				c->ent[off[c->aidx[q]]++] =
					(entry){ (uint32_t)r, 1, c->aval[q], c->adz[q] };
		}
	}
	for (int j = m; j > 0; j--)
		off[j] = off[j - 1];
	off[0] = 0;
}

/* per latent: gradient rows from its entries, then Adam on W_dec[j],
 * W_enc[j] and b_lat[j] */
static void sec_latents(void *arg, int t, int nt)
{
	train_step_ctx *c = arg;
	sae *s = c->s;
	int d = c->d, m = c->m;
	size_t md = (size_t)m * d;
	float *gdec = c->scratch + (size_t)t * 3 * d, *genc = gdec + d, *acc = genc + d;
	size_t j0 = sf_share(m, t, nt), j1 = sf_share(m, t + 1, nt);
	float *mW_enc = c->adam_m, *vW_enc = c->adam_v;
	float *mW_dec = c->adam_m + md, *vW_dec = c->adam_v + md;
	float *mb = c->adam_m + 2 * md, *vb = c->adam_v + 2 * md;
	for (size_t j = j0; j < j1; j++) {
		uint32_t e0 = c->off[j], e1 = c->off[j + 1];
		size_t o = j * d;
		if (j == j0)
			memset(acc, 0, d * sizeof(float));
		if (e0 == e1) {
			k_adam(d, s->W_dec + o, mW_dec + o, vW_dec + o, NULL, &c->hp);
			k_adam(d, s->W_enc + o, mW_enc + o, vW_enc + o, NULL, &c->hp);
			k_adam(1, s->b_lat + j, mb + j, vb + j, NULL, &c->hp);
			continue;
		}
		memset(gdec, 0, d * sizeof(float));
		memset(genc, 0, d * sizeof(float));
		float gb = 0;
		for (uint32_t q = e0; q < e1; q++) {
			const entry *en = &c->ent[q];
			const float *gr = (en->aux ? c->ga : c->g) + (size_t)en->r * d;
			if (en->a != 0)
				k_axpy(d, en->a, gr, gdec);
			if (en->dpre != 0)
				k_axpy(d, en->dpre, c->xc + (size_t)en->r * d, genc);
			gb += en->dpre;
		}
		/* b_pre feeds the encoder too: db_pre -= W_enc^T db_lat, read
		 * here while the old row is in cache */
		if (gb != 0)
			k_axpy(d, gb, s->W_enc + o, acc);
		k_adam(d, s->W_dec + o, mW_dec + o, vW_dec + o, gdec, &c->hp);
		k_adam(d, s->W_enc + o, mW_enc + o, vW_enc + o, genc, &c->hp);
		k_adam(1, s->b_lat + j, mb + j, vb + j, &gb, &c->hp);
	}
}

/* x -> x~ (copy, normalise), 1/||x~||^2, xc = x~ - b_pre, for rows of t */
static void sec_prep(void *arg, int t, int nt)
{
	train_step_ctx *c = arg;
	const sae *s = c->s;
	int d = c->d;
	size_t r0 = sf_share(c->B, t, nt), r1 = sf_share(c->B, t + 1, nt);
	if (c->normalize == SAE_NORM_STANDARDIZE)
		sae_standardize(c->xt + r0 * d, r1 - r0, d);
	if (c->in_scale != 1)
		for (size_t i = r0 * d; i < r1 * d; i++)
			c->xt[i] *= c->in_scale;
	for (size_t r = r0; r < r1; r++) {
		const float *xt = c->xt + r * d;
		float *xc = c->xc + r * d;
		double ss = 0;
		for (int i = 0; i < d; i++) {
			ss += (double)xt[i] * xt[i];
			xc[i] = xt[i] - s->b_pre[i];
		}
		/* an all-zero row would divide by zero: it then counts as
		 * squared error, unnormalised */
		c->rn[r] = ss > 0 ? (float)(1.0 / ss) : 1.0f;
	}
}

void train_step_set_dead(train_step_ctx *c, const uint8_t *dead)
{
	if (!c->ka)
		return;
	int nd = 0;
	for (int j = 0; j < c->m; j++)
		nd += (c->dead[j] = dead[j] != 0);
	c->n_dead = nd;
}

void train_step_figures(const train_step_ctx *c, double *l0, double *nonpos, double *aux)
{
	*l0 = c->last_l0, *nonpos = c->last_nonpos, *aux = c->last_aux;
}

static double clock_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* With several threads, each takes a share of the batch rows through the
 * whole forward pass: prep, its own single-threaded sgemm, TopK, decode,
 * backward rows. The rows' pre-activations are still in cache for TopK,
 * and no second thread pool (OpenBLAS's workers spin for a while after
 * each call) competes with ours for the cores. */
static void sec_forward(void *arg, int t, int nt)
{
	train_step_ctx *c = arg;
	size_t r0 = sf_share(c->B, t, nt), r1 = sf_share(c->B, t + 1, nt);
	sec_prep(c, t, nt);
	sae_pre_rows(c->s, c->xc, c->pre, r0, r1);
	sec_rows(c, t, nt);
}

void train_step_phases(const train_step_ctx *c, double out[TRAIN_PHASES])
{
	memcpy(out, c->phase_s, sizeof c->phase_s);
}

double train_step(train_step_ctx *c, sae *s, const float *x, int B, double lr)
{
	int d = c->d, m = c->m;
	double t[TRAIN_PHASES + 1];
	c->s = s;
	c->B = B;
	t[0] = clock_s();
	memcpy(c->xt, x, (size_t)B * d * sizeof(float));
	if (c->own_gemm) {
		t[1] = clock_s();
		par_run(c->nt, sec_forward, c);
		t[2] = t[3] = clock_s();
	} else {
		par_run(c->nt, sec_prep, c);
		t[1] = clock_s();
		sae_pre_rows(s, c->xc, c->pre, 0, (size_t)B); /* BLAS's own threads */
		t[2] = clock_s();
		par_run(c->nt, sec_rows, c);
		t[3] = clock_s();
	}
	par_run(c->nt, sec_dbpre, c);
	bucket(c);
	t[4] = clock_s();
	c->t++;
	double bc1 = 1.0 - pow(c->beta1, (double)c->t), bc2 = 1.0 - pow(c->beta2, (double)c->t);
	c->hp = (adam_hp){ (float)c->beta1, (float)c->beta2, (float)(1 - c->beta1),
	                   (float)(1 - c->beta2), (float)(lr / bc1), (float)(1.0 / sqrt(bc2)),
	                   (float)c->eps };
	par_run(c->nt, sec_latents, c);
	for (int th = 0; th < c->nt; th++) {
		const float *acc = c->scratch + (size_t)th * 3 * d + 2 * d;
		if (sf_share(m, th, c->nt) == sf_share(m, th + 1, c->nt))
			continue; /* a thread with no latents left its buffer unset */
		for (int i = 0; i < d; i++)
			c->db_pre[i] -= acc[i];
	}
	size_t bo = 2 * (size_t)m * d + m;
	k_adam(d, s->b_pre, c->adam_m + bo, c->adam_v + bo, c->db_pre, &c->hp);
	t[5] = clock_s();
	for (int i = 0; i < TRAIN_PHASES; i++)
		c->phase_s[i] += t[i + 1] - t[i];
	double loss = 0, aux = 0;
	long l0 = 0, np = 0;
	for (int r = 0; r < B; r++) {
		loss += c->row_loss[r];
		aux += c->row_aux[r];
		l0 += c->row_l0[r];
		np += c->row_nonpos[r];
	}
	c->last_l0 = (double)l0 / B;
	c->last_nonpos = (double)np / ((double)B * c->k);
	c->last_aux = aux / B;
	return loss / B;
}

/* ---- the loop ------------------------------------------------------ */

struct train_state {
	long step;          /* optimizer steps done */
	long t;             /* Adam's step counter */
	size_t rows_seen;
	size_t P;
	int m;
	float *adam_m, *adam_v; /* [P] */
	int64_t *last_fired;    /* [m] rows_seen at the latent's last firing */
	void *block_;
};

static void state_carve(train_state *st, carver *cv)
{
	st->adam_m = carve(cv, st->P, 1, sizeof(float));
	st->adam_v = carve(cv, st->P, 1, sizeof(float));
	st->last_fired = carve(cv, (size_t)st->m, 1, sizeof(int64_t));
}

/* A state for P parameters and m latents, its arrays in one block. */
static train_state *state_new(size_t P, int m)
{
	train_state *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->P = P, st->m = m;
	carver cv = { 0 };
	state_carve(st, &cv);
	if (cv.overflow || !(cv.base = carve_alloc(&cv, &st->block_))) {
		free(st);
		return NULL;
	}
	cv.at = 0;
	state_carve(st, &cv);
	return st;
}

void train_state_free(train_state *st)
{
	if (!st)
		return;
	free(st->block_);
	free(st);
}

static void permute(size_t *perm, size_t n, uint64_t seed, int epoch)
{
	uint64_t st = seed * 0x2545f4914f6cdd1dULL + (uint64_t)epoch * 0x9e3779b97f4a7c15ULL + 7;
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(sf_splitmix64(&st) % i);
		size_t tmp = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = tmp;
	}
}

/* The schedule: linear warm-up, constant, linear decay to 0. */
static double lr_at(const train_opts *o, long step, long steps)
{
	long W = (long)ceil(o->warmup_frac * steps), D = (long)ceil(o->decay_frac * steps);
	if (W > 0 && step < W)
		return o->lr * (double)(step + 1) / W;
	if (D > 0 && step >= steps - D)
		return o->lr * (double)(steps - step) / D;
	return o->lr;
}

/* Figures summed over the rows since t0 (rows_seen was rows0 then). */
typedef struct window {
	double loss, l0, nonpos, aux;
	size_t rows;
	double t0;
	size_t rows0;
} window;

static void window_start(window *w, double t, size_t rows_seen)
{
	*w = (window){ 0 };
	w->t0 = t, w->rows0 = rows_seen;
}

static void window_add(window *w, const train_step_ctx *c, double loss, int B)
{
	w->loss += loss * B;
	w->l0 += c->last_l0 * B;
	w->nonpos += c->last_nonpos * B;
	w->aux += c->last_aux * B;
	w->rows += B;
}

static void fill_report(train_report *rep, const window *w, const int64_t *last_fired, int m,
                        size_t rows_seen, size_t dead_rows, double t_now, double t_start)
{
	double n = w->rows ? (double)w->rows : 1;
	rep->nmse = w->loss / n;
	rep->l0 = w->l0 / n;
	rep->nonpos_frac = w->nonpos / n;
	rep->aux_loss = w->aux / n;
	size_t win = rows_seen < dead_rows ? rows_seen : dead_rows;
	int dead = 0;
	for (int j = 0; j < m; j++)
		if ((int64_t)rows_seen - last_fired[j] >= (int64_t)win && win > 0)
			dead++;
	rep->dead_frac = (double)dead / m;
	double dt = t_now - w->t0;
	rep->rows_per_s = dt > 0 ? (rows_seen - w->rows0) / dt : 0;
	rep->elapsed_s = t_now - t_start;
	rep->rows_seen = rows_seen;
}

/* A run in progress. */
typedef struct run {
	sae *s;
	const train_source *src;
	const train_opts *o;
	train_report_fn fn;
	void *ctx;
	train_step_ctx *c;
	run_bufs b;               /* in c's block */
	size_t steps_per_epoch;
	float scale;              /* the rows' scale factor (run_scale), a power of 2 */
	long step, steps;         /* optimizer steps done / in all */
	size_t rows_seen;
	size_t rows_before;       /* rows_seen when this run began (resumed: > 0) */
	double t_start, t_last;   /* the run's start, the last report */
	window w;                 /* since the last report */
	window fin;               /* over the last epoch, for the final figures */
	train_report rep;
} run;

/* Check the source against the model; the step context with every
 * buffer of the run in its one block. */
static int run_open(run *r, sae *s, const train_source *src, const train_opts *o,
                    train_report_fn fn, void *ctx, sf_err *e)
{
	*r = (run){ .s = s, .src = src, .o = o, .fn = fn, .ctx = ctx };
	if (src->d != s->d)
		return sf_fail(e, "rows have width %d but the SAE expects %d", src->d, s->d);
	if (!src->n)
		return sf_fail(e, "no rows to train on");
	r->steps_per_epoch = (src->n + o->batch - 1) / o->batch;
	r->steps = (long)(r->steps_per_epoch * o->epochs);
	r->rep.steps = r->steps, r->rep.epochs = o->epochs;
	if (train_mem_check(s->d, s->m, s->k, o, src->n, e))
		return -1;
	return step_new(&r->c, s, o, o->batch, &r->b, src->n, e);
}

/* b_pre <- mean of up to bpre_sample (normalised) rows, spread evenly */
static int init_bpre(run *r, sf_err *e)
{
	sae *s = r->s;
	const train_source *src = r->src;
	size_t want = r->o->bpre_sample ? r->o->bpre_sample : 4096, bufrows = r->o->batch;
	if (want > src->n)
		want = src->n;
	if (!want)
		return 0;
	double *acc = r->b.bpre_acc;
	size_t *rows = r->b.bpre_rows;
	float *buf = r->b.x;
	memset(acc, 0, s->d * sizeof(double));
	for (size_t done = 0; done < want;) {
		size_t cnt = want - done < bufrows ? want - done : bufrows;
		for (size_t i = 0; i < cnt; i++)
			rows[i] = (size_t)(((done + i) * (double)src->n) / want);
		if (src->gather(src->ctx, rows, cnt, buf, e))
			return -1;
		if (s->normalize == SAE_NORM_STANDARDIZE)
			sae_standardize(buf, cnt, s->d);
		for (size_t q = 0; q < cnt; q++)
			for (int c = 0; c < s->d; c++)
				acc[c] += buf[q * s->d + c] * r->scale;
		done += cnt;
	}
	for (int c = 0; c < s->d; c++)
		s->b_pre[c] = (float)(acc[c] / want);
	return 0;
}

/* Rows far from unit scale (activations of 1e-30 or 1e36, or rows that
 * standardising leaves tiny because the 1e-6 dominates their spread)
 * overflow or underflow float training: 1/||x||^2 and the gradients leave
 * the float range and the loss reads inf or 0. The run then trains on the
 * rows times a power of 2 that brings their RMS near 1, exactly (no
 * rounding), with b_pre and b_lat in those units; the SAE is handed back
 * in the rows' own units (b_pre, b_lat divided by the factor: the code
 * scales with the rows, the TopK choice is unchanged). Rows within 2^16
 * of unit scale are left as they are. */
static int run_scale(run *r, sf_err *e)
{
	const train_source *src = r->src;
	int d = r->s->d;
	size_t want = src->n < 4096 ? src->n : 4096, bufrows = r->o->batch;
	double ss = 0;
	r->scale = 1;
	for (size_t done = 0; done < want;) {
		size_t cnt = want - done < bufrows ? want - done : bufrows;
		for (size_t i = 0; i < cnt; i++)
			r->b.bpre_rows[i] = (size_t)(((done + i) * (double)src->n) / want);
		if (src->gather(src->ctx, r->b.bpre_rows, cnt, r->b.x, e))
			return -1;
		if (r->s->normalize == SAE_NORM_STANDARDIZE)
			sae_standardize(r->b.x, cnt, d);
		for (size_t i = 0; i < cnt * (size_t)d; i++)
			ss += (double)r->b.x[i] * r->b.x[i];
		done += cnt;
	}
	double rms = want ? sqrt(ss / ((double)want * d)) : 0;
	if (rms > 0 && isfinite(rms) && (rms < 0x1p-16 || rms > 0x1p16)) {
		long x = -lround(log2(rms)); /* kept so that 2^x and 2^-x are normal floats */
		r->scale = (float)ldexp(1.0, (int)(x < -126 ? -126 : x > 126 ? 126 : x));
	}
	r->c->in_scale = r->scale;
	return 0;
}

/* b_pre and b_lat into the run's units (by = scale) or back (1/scale). */
static void run_rescale(run *r, double by)
{
	if (r->scale == 1)
		return;
	float f = (float)by;
	for (int i = 0; i < r->s->d; i++)
		r->s->b_pre[i] *= f;
	for (int j = 0; j < r->s->m; j++)
		r->s->b_lat[j] *= f;
}

/* A fresh model gets b_pre from the data (one being continued keeps its
 * own), and unit decoder columns. */
static int run_init(run *r, sf_err *e)
{
	int fresh = 1;
	for (int i = 0; i < r->s->d && fresh; i++)
		fresh = r->s->b_pre[i] == 0;
	if (fresh && init_bpre(r, e))
		return -1;
	sae_normalize_decoder(r->s);
	return 0;
}

/* Go on from a checkpoint: Adam's moments, the firing history, the counters. */
static int run_resume(run *r, const train_state *st, sf_err *e)
{
	if (st->P != n_params(r->s) || st->m != r->s->m)
		return sf_fail(e, "checkpoint does not match the SAE's shape");
	memcpy(r->c->adam_m, st->adam_m, st->P * sizeof(float));
	memcpy(r->c->adam_v, st->adam_v, st->P * sizeof(float));
	memcpy(r->b.last_fired, st->last_fired, st->m * sizeof(int64_t));
	r->c->t = st->t;
	r->step = st->step;
	r->rows_seen = r->rows_before = st->rows_seen;
	return 0;
}

static void run_clock_start(run *r)
{
	r->t_start = r->t_last = clock_s();
	window_start(&r->w, r->t_start, r->rows_seen);
	window_start(&r->fin, r->t_start, r->rows_seen);
}

/* AuxK's mask: latents unfired for dead_rows rows */
static void mark_dead(run *r)
{
	int m = r->s->m;
	for (int j = 0; j < m; j++)
		r->b.dead[j] = (int64_t)r->rows_seen - r->b.last_fired[j] >= (int64_t)r->o->dead_rows;
	train_step_set_dead(r->c, r->b.dead);
}

/* each latent kept with a value > 0 fired at its row */
static void note_fired(run *r, int B)
{
	const train_step_ctx *c = r->c;
	for (size_t q = 0; q < (size_t)B * c->k; q++)
		if (c->val[q] > 0)
			r->b.last_fired[c->idx[q]] = (int64_t)(r->rows_seen + q / c->k + 1);
}

/* Every report_every steps, and at least twice a second so that a cancel
 * is seen quickly on long runs. 1 when the callback asks to stop. */
static int run_report(run *r, int epoch, double lr)
{
	double t = clock_s();
	if (r->step % r->o->report_every && r->step != r->steps && t - r->t_last < 0.5)
		return 0;
	r->t_last = t;
	train_report *rep = &r->rep;
	rep->step = r->step, rep->epoch = epoch, rep->lr = lr;
	rep->phase = "training", rep->frac = (double)r->step / r->steps;
	fill_report(rep, &r->w, r->b.last_fired, r->s->m, r->rows_seen, r->o->dead_rows, t,
	            r->t_start);
	rep->final = 0;
	window_start(&r->w, t, r->rows_seen);
	return r->fn && r->step < r->steps && r->fn(r->ctx, rep);
}

/* One batch, the rows perm[pos..]: gather -> step -> renorm -> report. */
static int run_batch(run *r, int epoch, size_t pos, sf_err *e)
{
	const train_opts *o = r->o;
	size_t left = r->src->n - pos;
	int B = (int)(left < (size_t)o->batch ? left : (size_t)o->batch);
	if (r->src->gather(r->src->ctx, r->b.perm + pos, B, r->b.x, e))
		return -1;
	if (r->c->ka)
		mark_dead(r);
	double lr = lr_at(o, r->step, r->steps);
	double loss = train_step(r->c, r->s, r->b.x, B, lr);
	if (!isfinite(loss))
		return sf_fail(e, "training diverged at step %ld (loss %g); lower the learning rate",
		               r->step, loss);
	note_fired(r, B);
	r->rows_seen += B;
	r->step++;
	window_add(&r->w, r->c, loss, B);
	window_add(&r->fin, r->c, loss, B);
	if (o->renorm_every > 0 && r->step % o->renorm_every == 0)
		sae_normalize_decoder(r->s);
	return run_report(r, epoch, lr);
}

/* The rest of the current epoch (all of it unless resumed part-way):
 * shuffle, then batch after batch. 1 when cancelled. */
static int run_epoch(run *r, sf_err *e)
{
	const train_opts *o = r->o;
	int epoch = (int)(r->step / (long)r->steps_per_epoch);
	permute(r->b.perm, r->src->n, o->seed, epoch);
	if (epoch == o->epochs - 1)
		window_start(&r->fin, clock_s(), r->rows_seen);
	size_t pos = (size_t)(r->step % (long)r->steps_per_epoch) * o->batch;
	for (; pos < r->src->n; pos += o->batch) {
		int rc = run_batch(r, epoch, pos, e);
		if (rc)
			return rc;
	}
	return 0;
}

/* Cancelled: the model stays exactly as after the last step, and the
 * state holds the rest, so that a resumed run equals an uninterrupted one. */
static int run_checkpoint(run *r, train_state **state_out, sf_err *e)
{
	if (state_out) {
		train_state *st = state_new(n_params(r->s), r->s->m);
		if (!st)
			return sf_fail(e, "out of memory saving the training state");
		st->step = r->step, st->t = r->c->t, st->rows_seen = r->rows_seen;
		memcpy(st->adam_m, r->c->adam_m, st->P * sizeof(float));
		memcpy(st->adam_v, r->c->adam_v, st->P * sizeof(float));
		memcpy(st->last_fired, r->b.last_fired, st->m * sizeof(int64_t));
		*state_out = st;
	}
	sf_fail(e, "cancelled at step %ld of %ld", r->step, r->steps);
	return 1;
}

/* Unit decoder columns, and the final figures: over the last epoch. */
static void run_finish(run *r, train_report *final)
{
	sae *s = r->s;
	sae_normalize_decoder(s);
	train_report *rep = &r->rep;
	double t = clock_s();
	fill_report(rep, r->fin.rows ? &r->fin : &r->w, r->b.last_fired, s->m, r->rows_seen,
	            r->o->dead_rows, t, r->t_start);
	size_t done = r->rows_seen - r->rows_before;
	rep->rows_per_s = t > r->t_start ? (double)done / (t - r->t_start) : 0;
	rep->step = r->step;
	rep->final = 1;
	rep->phase = "training", rep->frac = 1.0;
	s->nmse = rep->nmse, s->l0 = rep->l0, s->dead_frac = rep->dead_frac;
	if (r->fn)
		r->fn(r->ctx, rep);
	if (final)
		*final = *rep;
}

int train_run(sae *s, const train_source *src, const train_opts *o, train_report_fn fn,
              void *ctx, const train_state *resume, train_state **state_out,
              train_report *final, sf_err *e)
{
	if (state_out)
		*state_out = NULL;
	run r;
	int rc = run_open(&r, s, src, o, fn, ctx, e), scaled = 0;
	if (!rc && !(rc = run_scale(&r, e))) {
		run_rescale(&r, r.scale);
		scaled = 1;
	}
	if (!rc)
		rc = resume ? run_resume(&r, resume, e) : run_init(&r, e);
	if (!rc) {
		run_clock_start(&r);
		while (!rc && r.step < r.steps)
			rc = run_epoch(&r, e);
	}
	if (scaled) /* whatever the outcome, the SAE in the rows' own units */
		run_rescale(&r, 1.0 / r.scale);
	if (rc == 1)
		rc = run_checkpoint(&r, state_out, e);
	else if (rc == 0)
		run_finish(&r, final);
	train_step_free(r.c);
	return rc;
}

/* ---- options as JSON, checkpoints ----------------------------------- */

#define OPT_FIELDS(X)                                                           \
	X(m, int) X(k, int) X(normalize, int) X(relu, int) X(lr, real)          \
	X(beta1, real) X(beta2, real) X(eps, real) X(batch, int) X(epochs, int) \
	X(seed, u64) X(warmup_frac, real) X(decay_frac, real)                   \
	X(renorm_every, int) X(auxk, int) X(k_aux, int) X(aux_coef, real)       \
	X(dead_rows, size) X(bpre_sample, size) X(report_every, int)            \
	X(rows, int) X(sides, int) X(encode_after, int)

char *train_opts_json(const train_opts *o)
{
	json_t *j = json_object();
#define PUT_int(f) json_object_set_new(j, #f, json_integer(o->f));
#define PUT_u64(f) json_object_set_new(j, #f, json_integer((json_int_t)o->f));
#define PUT_size(f) json_object_set_new(j, #f, json_integer((json_int_t)o->f));
#define PUT_real(f) json_object_set_new(j, #f, json_real(o->f));
#define PUT(f, t) PUT_##t(f)
	OPT_FIELDS(PUT)
	char *txt = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	return txt;
}

int train_opts_from_json(train_opts *o, const char *txt, sf_err *e)
{
	json_error_t je;
	json_t *j = json_loads(txt, 0, &je);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return sf_fail(e, "training options are not a JSON object");
	}
	train_opts_default(o);
	json_t *v;
#define GET_int(f) if ((v = json_object_get(j, #f)) && json_is_integer(v)) o->f = (int)json_integer_value(v);
#define GET_u64(f) if ((v = json_object_get(j, #f)) && json_is_integer(v)) o->f = (uint64_t)json_integer_value(v);
#define GET_size(f) if ((v = json_object_get(j, #f)) && json_is_integer(v)) o->f = (size_t)json_integer_value(v);
#define GET_real(f) if ((v = json_object_get(j, #f)) && json_is_number(v)) o->f = json_number_value(v);
#define GET(f, t) GET_##t(f)
	OPT_FIELDS(GET)
	json_decref(j);
	return 0;
}

int train_state_save(const train_state *st, const sae *s, const train_opts *o,
                     const char *path, sf_err *e)
{
	size_t md = (size_t)s->m * s->d;
	char step[32], t[32], rows[32], k[16], nrm[4], relu[4];
	snprintf(step, sizeof step, "%ld", st->step);
	snprintf(t, sizeof t, "%ld", st->t);
	snprintf(rows, sizeof rows, "%zu", st->rows_seen);
	snprintf(k, sizeof k, "%d", s->k);
	snprintf(nrm, sizeof nrm, "%d", s->normalize);
	snprintf(relu, sizeof relu, "%d", s->relu);
	char *oj = train_opts_json(o);
	if (!oj)
		return sf_fail(e, "%s: out of memory", path);
	st_tensor_in tin[7] = {
		{ "encoder.weight", ST_F32, 2, { s->m, s->d }, s->W_enc },
		{ "encoder.bias", ST_F32, 1, { s->m }, s->b_lat },
		{ "W_dec", ST_F32, 2, { s->m, s->d }, s->W_dec },
		{ "b_dec", ST_F32, 1, { s->d }, s->b_pre },
		{ "adam.m", ST_F32, 1, { (int64_t)st->P }, st->adam_m },
		{ "adam.v", ST_F32, 1, { (int64_t)st->P }, st->adam_v },
		{ "last_fired", ST_I64, 1, { s->m }, st->last_fired },
	};
	(void)md;
	const char *meta[] = { "format", "safer-ckpt/1", "step", step, "adam_t", t,
	                       "rows_seen", rows, "k", k, "normalize", nrm, "relu", relu,
	                       "data_fingerprint", s->data_fingerprint, "opts", oj, NULL };
	int rc = st_write(path, tin, 7, meta, e);
	free(oj);
	return rc;
}

static int meta_long(const st_file *f, const char *key, long *out, sf_err *e)
{
	const char *v = st_meta(f, key);
	char *end;
	if (!v)
		return sf_fail(e, "%s: checkpoint lacks \"%s\"", st_path(f), key);
	*out = strtol(v, &end, 10);
	if (*end || *out < 0)
		return sf_fail(e, "%s: checkpoint \"%s\" is not a count", st_path(f), key);
	return 0;
}

int train_state_load(train_state **out, sae **sp, train_opts *o, const char *path,
                     sf_err *e)
{
	*out = NULL;
	*sp = NULL;
	st_file *f;
	if (st_open(&f, path, e))
		return -1;
	const char *fmt = st_meta(f, "format");
	long step, t, rows, k, nrm, relu;
	train_state *st = NULL;
	sae *s = NULL;
	if (!fmt || strcmp(fmt, "safer-ckpt/1")) {
		sf_fail(e, "%s: not a training checkpoint", path);
		goto fail;
	}
	if (meta_long(f, "step", &step, e) || meta_long(f, "adam_t", &t, e) ||
	    meta_long(f, "rows_seen", &rows, e) || meta_long(f, "k", &k, e) ||
	    meta_long(f, "normalize", &nrm, e) || meta_long(f, "relu", &relu, e))
		goto fail;
	const char *oj = st_meta(f, "opts");
	if (!oj || train_opts_from_json(o, oj, e)) {
		sf_fail(e, "%s: checkpoint options unreadable", path);
		goto fail;
	}
	const st_tensor *we = st_find(f, "encoder.weight"), *be = st_find(f, "encoder.bias"),
	                *wd = st_find(f, "W_dec"), *bd = st_find(f, "b_dec"),
	                *am = st_find(f, "adam.m"), *av = st_find(f, "adam.v"),
	                *lf = st_find(f, "last_fired");
	if (!we || !be || !wd || !bd || !am || !av || !lf || we->ndim != 2 ||
	    we->dtype != ST_F32 || be->dtype != ST_F32 || wd->dtype != ST_F32 ||
	    bd->dtype != ST_F32 || am->dtype != ST_F32 || av->dtype != ST_F32 ||
	    lf->dtype != ST_I64) {
		sf_fail(e, "%s: checkpoint tensors missing or of the wrong type", path);
		goto fail;
	}
	if (we->shape[0] <= 0 || we->shape[1] <= 0 || we->shape[0] > (1 << 24) ||
	    we->shape[1] > (1 << 20)) {
		sf_fail(e, "%s: checkpoint encoder has an implausible shape", path);
		goto fail;
	}
	int m = (int)we->shape[0], d = (int)we->shape[1];
	/* weights, Adam m and v, last_fired: all held at once below */
	size_t need;
	char what[4200];
	if (sf_mul_size(n_params_of(d, m), sizeof(float), &need) ||
	    sf_add_size(need, state_bytes(d, m), &need))
		need = SIZE_MAX;
	snprintf(what, sizeof what, "%s: resuming an SAE of %d x %d", path, m, d);
	if (sae_mem_check(need, what, e) || sae_new(&s, d, m, (int)(k > 0 ? k : 1), e))
		goto fail;
	size_t md = (size_t)m * d, P = n_params(s);
	if (be->nelem != (size_t)m || wd->nelem != md || bd->nelem != (size_t)d ||
	    am->nelem != P || av->nelem != P || lf->nelem != (size_t)m || k > m) {
		sf_fail(e, "%s: checkpoint tensor shapes disagree", path);
		goto fail;
	}
	memcpy(s->W_enc, we->data, md * 4);
	memcpy(s->b_lat, be->data, m * 4);
	memcpy(s->W_dec, wd->data, md * 4);
	memcpy(s->b_pre, bd->data, d * 4);
	s->normalize = (int)nrm;
	s->relu = (int)relu;
	const char *dfp = st_meta(f, "data_fingerprint");
	if (dfp)
		snprintf(s->data_fingerprint, sizeof s->data_fingerprint, "%s", dfp);
	if (sae_validate(s, path, e))
		goto fail;
	if (!(st = state_new(P, m))) {
		sf_fail(e, "%s: out of memory", path);
		goto fail;
	}
	memcpy(st->adam_m, am->data, P * sizeof(float));
	memcpy(st->adam_v, av->data, P * sizeof(float));
	memcpy(st->last_fired, lf->data, m * sizeof(int64_t));
	st->step = step, st->t = t, st->rows_seen = (size_t)rows;
	st_close(f);
	*out = st;
	*sp = s;
	return 0;
fail:
	train_state_free(st);
	sae_free(s);
	st_close(f);
	return -1;
}
