/* SAE: model, inference encoder (TopK, JumpReLU, ReLU), the three file
 * layouts.
 *
 * Shapes: B rows, d model width, m latents, k kept latents per row (TopK).
 * W_enc [m,d], b_lat [m], W_dec [m,d] (row j = decoder column j), b_pre [d]. */
#include "engine/sae/sae.h"

#include <cblas.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/base/hot.h"
#include "engine/base/infile.h"
#include "engine/base/rng.h"
#include "engine/base/threads.h"
#include "engine/formats/half.h"
#include "engine/formats/jsonerr.h"
#include "engine/formats/safetensors.h"
#include "engine/sae/jumprelu.h"
#include "engine/sae/topk.h"

#define SAE_MAX_CFG ((size_t)1 << 20)

/* ---- model ------------------------------------------------------- */

int sae_mem_check(size_t bytes, const char *what, sf_err *e)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGE_SIZE);
	size_t phys;
	if (pages <= 0 || psz <= 0 || sf_mul_size((size_t)pages, (size_t)psz, &phys))
		return 0; /* unknown: leave it to malloc */
	if (bytes <= phys)
		return 0;
	const double gib = 1024.0 * 1024 * 1024;
	if (bytes == SIZE_MAX)
		return sf_fail(e, "%s needs more than %zu bytes; the machine has %zu bytes "
		               "(%.1f GiB) of memory", what, bytes, phys, phys / gib);
	return sf_fail(e, "%s needs %zu bytes (%.1f GiB); the machine has %zu bytes (%.1f GiB) "
	               "of memory", what, bytes, bytes / gib, phys, phys / gib);
}

int sae_new(sae **out, int d, int m, int k, sf_err *e)
{
	*out = NULL;
	if (d <= 0 || m <= 0 || k < 0)
		return sf_fail(e, "SAE shape d %d, m %d, k %d is not positive", d, m, k);
	if (k > m)
		return sf_fail(e, "SAE k %d exceeds its %d latents", k, m);
	size_t md, n;
	if (sf_mul_size((size_t)m, (size_t)d, &md) || sf_mul_size(md, 2, &n) ||
	    sf_add_size(n, (size_t)m + (size_t)d, &n) || sf_mul_size(n, sizeof(float), &n))
		return sf_fail(e, "SAE shape %d x %d is too large", m, d);
	char what[80];
	snprintf(what, sizeof what, "an SAE of %d x %d", m, d);
	if (sae_mem_check(n, what, e))
		return -1;
	sae *s = calloc(1, sizeof *s);
	float *blk = malloc(n);
	if (!s || !blk) {
		free(s);
		free(blk);
		return sf_fail(e, "out of memory for an SAE of %d x %d", m, d);
	}
	s->d = d, s->m = m, s->k = k;
	s->relu = 0;
	s->normalize = SAE_NORM_STANDARDIZE;
	s->block_ = blk;
	s->W_enc = blk;
	s->W_dec = blk + md;
	s->b_lat = blk + 2 * md;
	s->b_pre = s->b_lat + m;
	s->nmse = s->l0 = s->dead_frac = NAN;
	memset(blk, 0, n);
	*out = s;
	return 0;
}

void sae_free(sae *s)
{
	if (!s)
		return;
	free(s->block_);
	free(s->threshold);
	free(s->train_json);
	free(s->source);
	free(s->hook);
	free(s);
}

int sae_add_threshold(sae *s, sf_err *e)
{
	if (!s->threshold && !(s->threshold = calloc((size_t)s->m, sizeof(float))))
		return sf_fail(e, "out of memory for the threshold of %d latents", s->m);
	s->kind = SAE_KIND_JUMPRELU;
	s->k = 0;
	return 0;
}

void sae_fold_scale(sae *s, double c)
{
	size_t md = (size_t)s->m * s->d;
	float fc = (float)c, inv = (float)(1.0 / c);
	for (size_t i = 0; i < md; i++) {
		s->W_enc[i] *= fc;
		s->W_dec[i] *= inv;
	}
	for (int i = 0; i < s->d; i++)
		s->b_pre[i] *= inv;
	s->scale_pending = 0;
}

double sae_estimate_scale(const float *x, size_t B, int d)
{
	double sum = 0;
	for (size_t r = 0; r < B; r++) {
		double ss = 0;
		for (int c = 0; c < d; c++)
			ss += (double)x[r * d + c] * x[r * d + c];
		sum += sqrt(ss);
	}
	return B && sum > 0 ? sqrt((double)d) / (sum / (double)B) : NAN;
}

const char *sae_kind_name(int kind)
{
	return kind == SAE_KIND_JUMPRELU ? "JumpReLU" : kind == SAE_KIND_RELU ? "ReLU" : "TopK";
}

static const char *const NORM_NAMES[SAE_NORM_COUNT] = {
	[SAE_NORM_NONE] = "none",
	[SAE_NORM_STANDARDIZE] = "standardize",
	[SAE_NORM_LAYER_NORM] = "layer_norm",
	[SAE_NORM_CONST_NORM] = "constant_norm_rescale",
};

const char *sae_norm_name(int norm)
{
	return norm >= 0 && norm < SAE_NORM_COUNT ? NORM_NAMES[norm] : "?";
}

int sae_norm_parse(const char *s, int *out)
{
	for (int i = 0; s && i < SAE_NORM_COUNT; i++)
		if (!strcmp(s, NORM_NAMES[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

static int all_finite(const float *v, size_t n, size_t *bad)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i])) {
			*bad = i;
			return 0;
		}
	return 1;
}

int sae_validate(const sae *s, const char *what, sf_err *e)
{
	size_t md = (size_t)s->m * s->d, bad;
	if (s->k > s->m)
		return sf_fail(e, "%s: k %d exceeds the %d latents", what, s->k, s->m);
	if ((s->kind == SAE_KIND_TOPK) != (s->k > 0))
		return sf_fail(e, "%s: a %s SAE %s", what, sae_kind_name(s->kind),
		               s->k > 0 ? "has no k" : "needs k");
	if (s->threshold && !all_finite(s->threshold, s->m, &bad))
		return sf_fail(e, "%s: threshold [%zu] is not finite", what, bad);
	if (!all_finite(s->W_enc, md, &bad))
		return sf_fail(e, "%s: encoder weight [%zu, %zu] is not finite", what,
		               bad / s->d, bad % s->d);
	if (!all_finite(s->W_dec, md, &bad))
		return sf_fail(e, "%s: decoder weight of latent %zu, entry %zu is not finite",
		               what, bad / s->d, bad % s->d);
	if (!all_finite(s->b_lat, s->m, &bad))
		return sf_fail(e, "%s: latent bias [%zu] is not finite", what, bad);
	if (!all_finite(s->b_pre, s->d, &bad))
		return sf_fail(e, "%s: pre-encoder bias [%zu] is not finite", what, bad);
	return 0;
}

void sae_init(sae *s, uint64_t seed)
{
	uint64_t st = seed ^ 0x5afe5aeULL;
	float bound = 1.0f / sqrtf((float)s->d);
	size_t md = (size_t)s->m * s->d;
	for (size_t i = 0; i < md; i++) {
		double u = sf_unit_double(sf_splitmix64(&st));
		s->W_enc[i] = (float)((2.0 * u - 1.0) * bound);
	}
	memcpy(s->W_dec, s->W_enc, md * sizeof(float));
	memset(s->b_lat, 0, s->m * sizeof(float));
	memset(s->b_pre, 0, s->d * sizeof(float));
	sae_normalize_decoder(s);
}

void sae_normalize_decoder(sae *s)
{
	for (int j = 0; j < s->m; j++) {
		float *w = s->W_dec + (size_t)j * s->d;
		double ss = 0;
		for (int i = 0; i < s->d; i++)
			ss += (double)w[i] * w[i];
		if (ss <= 0)
			continue;
		float inv = (float)(1.0 / sqrt(ss));
		for (int i = 0; i < s->d; i++)
			w[i] *= inv;
	}
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	/* 8 bytes at a time to keep it quick on large weights */
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

void sae_fingerprint(const sae *s, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int hdr[5] = { s->d, s->m, s->k, s->normalize, s->relu };
	size_t md = (size_t)s->m * s->d;
	h = fnv1a(h, hdr, sizeof hdr);
	h = fnv1a(h, s->W_enc, md * sizeof(float));
	h = fnv1a(h, s->W_dec, md * sizeof(float));
	h = fnv1a(h, s->b_lat, s->m * sizeof(float));
	h = fnv1a(h, s->b_pre, s->d * sizeof(float));
	if (s->kind != SAE_KIND_TOPK) {
		int kind = s->kind;
		h = fnv1a(h, &kind, sizeof kind);
		if (s->threshold)
			h = fnv1a(h, s->threshold, s->m * sizeof(float));
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* (x - mean) / (std + eps) per row, std with n-1: SAFER's standardize
 * (eps 1e-6) and SAELens's layer_norm (eps 1e-5, as torch's std). */
static void standardize_eps(float *x, size_t B, int d, float eps)
{
	for (size_t r = 0; r < B; r++) {
		float *v = x + r * d;
		double mu = 0, ss = 0;
		for (int i = 0; i < d; i++)
			mu += v[i];
		mu /= d;
		for (int i = 0; i < d; i++)
			ss += (v[i] - mu) * (v[i] - mu);
		double sd = d > 1 ? sqrt(ss / (d - 1)) : 0.0;
		float inv = (float)(1.0 / (sd + eps)), fmu = (float)mu;
		for (int i = 0; i < d; i++)
			v[i] = (v[i] - fmu) * inv;
	}
}

void sae_standardize(float *x, size_t B, int d)
{
	standardize_eps(x, B, d, SAE_STD_EPS);
}

/* SAELens's constant_norm_rescale: x * sqrt(d) / |x|. */
static void const_norm_rows(float *x, size_t B, int d)
{
	for (size_t r = 0; r < B; r++) {
		float *v = x + r * d;
		double ss = 0;
		for (int i = 0; i < d; i++)
			ss += (double)v[i] * v[i];
		/* a zero row stays zero (SAELens would give NaN) */
		float f = ss > 0 ? (float)(sqrt((double)d) / sqrt(ss)) : 0.0f;
		for (int i = 0; i < d; i++)
			v[i] *= f;
	}
}

void sae_normalize_rows(const sae *s, float *x, size_t B)
{
	if (s->normalize == SAE_NORM_STANDARDIZE)
		sae_standardize(x, B, s->d);
	else if (s->normalize == SAE_NORM_LAYER_NORM)
		standardize_eps(x, B, s->d, SAE_LN_EPS);
	else if (s->normalize == SAE_NORM_CONST_NORM)
		const_norm_rows(x, B, s->d);
}

void sae_decode_row(const sae *s, const uint32_t *idx, const float *val, int k, float *out)
{
	int d = s->d;
	memcpy(out, s->b_pre, d * sizeof(float));
	for (int i = 0; i < k; i++) {
		const float *w = s->W_dec + (size_t)idx[i] * d;
		float a = val[i];
		if (a == 0.0f)
			continue;
		for (int c = 0; c < d; c++)
			out[c] += a * w[c];
	}
}

/* ---- inference encoder ------------------------------------------- */

struct sae_encoder {
	const sae *s;
	size_t max_rows;
	int nt;
	int blas_before; /* OpenBLAS thread count to restore, 0 if untouched */
	float *xc;  /* [max_rows, d] */
	float *pre; /* [max_rows, m] */
	uint32_t *aidx; /* [max_rows, m] active latents of the varying kinds */
	uint32_t *cnt;  /* their count per row (sae_encode_var) */
	/* per-call bindings for the parallel sections */
	size_t B;
	uint32_t *idx;
	float *val;
	size_t *bad; /* [nt] each thread's first row with a non-finite value, or SIZE_MAX */
};

int sae_encoder_new(sae_encoder **out, const sae *s, size_t max_rows, sf_err *e)
{
	*out = NULL;
	sae_encoder *en = calloc(1, sizeof *en);
	size_t nx, np;
	if (!en || sf_mul_size(max_rows, (size_t)s->d * sizeof(float), &nx) ||
	    sf_mul_size(max_rows, (size_t)s->m * sizeof(float), &np)) {
		free(en);
		return sf_fail(e, "encoder buffers too large");
	}
	en->s = s;
	en->max_rows = max_rows;
	en->nt = sf_threads();
	if (en->nt > 1) {
		/* our threads run the GEMM, each on its rows (see sae_encode) */
		en->blas_before = en->nt;
		openblas_set_num_threads(1);
	}
	en->xc = malloc(nx);
	en->pre = malloc(np);
	en->bad = malloc((size_t)(en->nt > 0 ? en->nt : 1) * sizeof *en->bad);
	if (s->kind != SAE_KIND_TOPK)
		en->aidx = malloc(np);
	if (!en->xc || !en->pre || !en->bad || (s->kind != SAE_KIND_TOPK && !en->aidx)) {
		sae_encoder_free(en);
		return sf_fail(e, "out of memory for encoder buffers (%zu rows)", max_rows);
	}
	*out = en;
	return 0;
}

void sae_encoder_free(sae_encoder *en)
{
	if (!en)
		return;
	if (en->blas_before)
		openblas_set_num_threads(en->blas_before);
	free(en->xc);
	free(en->pre);
	free(en->aidx);
	free(en->bad);
	free(en);
}

/* xc = normalise(x) - b_pre, rows split across threads */
static void enc_prep(void *arg, int t, int nt)
{
	sae_encoder *en = arg;
	const sae *s = en->s;
	int d = s->d;
	size_t r0 = sf_share(en->B, t, nt), r1 = sf_share(en->B, t + 1, nt);
	float *xc = en->xc + r0 * d;
	sae_normalize_rows(s, xc, r1 - r0);
	for (size_t r = r0; r < r1; r++, xc += d)
		for (int c = 0; c < d; c++)
			xc[c] -= s->b_pre[c];
}

/* 0 when v[0..n) is all finite, NaN otherwise: weights too large overflow
 * the GEMM, and 0 * v is 0 for finite v and NaN for inf or NaN. Eight
 * partial sums let the compiler vectorise it: a few percent of the
 * selection's cost, a fraction of the GEMM's. */
HOT static float nonfinite_mark(const float *restrict v, int n)
{
	float acc[8] = { 0 };
	int i = 0;
	for (; i + 8 <= n; i += 8)
		for (int l = 0; l < 8; l++)
			acc[l] += v[i + l] * 0.0f;
	float s = 0;
	for (; i < n; i++)
		s += v[i] * 0.0f;
	for (int l = 0; l < 8; l++)
		s += acc[l];
	return s;
}

/* v += b, and as nonfinite_mark of v's values before and after. */
HOT static float add_bias_mark(float *restrict v, const float *restrict b, int n)
{
	float acc[8] = { 0 };
	int i = 0;
	for (; i + 8 <= n; i += 8)
		for (int l = 0; l < 8; l++) {
			float p = v[i + l];
			v[i + l] = p + b[i + l];
			acc[l] += p * 0.0f + v[i + l] * 0.0f;
		}
	float s = 0;
	for (; i < n; i++) {
		float p = v[i];
		v[i] = p + b[i];
		s += p * 0.0f + v[i] * 0.0f;
	}
	for (int l = 0; l < 8; l++)
		s += acc[l];
	return s;
}

static void enc_select(void *arg, int t, int nt)
{
	sae_encoder *en = arg;
	const sae *s = en->s;
	int m = s->m, k = s->k;
	size_t r0 = sf_share(en->B, t, nt), r1 = sf_share(en->B, t + 1, nt);
	en->bad[t] = SIZE_MAX;
	for (size_t r = r0; r < r1; r++) {
		uint32_t *ri = en->idx + r * k;
		float *rv = en->val + r * k;
		const float *pre = en->pre + r * m;
		float nf = nonfinite_mark(pre, m);
		topk_select(pre, s->b_lat, NULL, m, k, ri, rv);
		for (int i = 0; i < k; i++) {
			nf += rv[i] * 0.0f; /* pre + b_lat may overflow too */
			if (s->relu)
				rv[i] = rv[i] > 0 ? rv[i] : 0.0f;
		}
		if (nf != 0 && en->bad[t] == SIZE_MAX)
			en->bad[t] = r;
	}
}

/* The varying kinds: each row's active latents compacted into the front
 * of its own pre-activation row (values) and of aidx (indices). */
static void enc_activate(void *arg, int t, int nt)
{
	sae_encoder *en = arg;
	const sae *s = en->s;
	int m = s->m;
	size_t r0 = sf_share(en->B, t, nt), r1 = sf_share(en->B, t + 1, nt);
	en->bad[t] = SIZE_MAX;
	for (size_t r = r0; r < r1; r++) {
		float *pre = en->pre + r * m;
		/* one pass adds the bias and marks a value that is not finite
		 * (the GEMM's, or its sum with b_lat: 0 * inf is NaN) */
		float nf = add_bias_mark(pre, s->b_lat, m);
		en->cnt[r] = (uint32_t)jumprelu_select(pre, NULL, s->threshold, m, en->aidx + r * m, pre);
		if (nf != 0 && en->bad[t] == SIZE_MAX)
			en->bad[t] = r;
	}
}

/* One thread's share of the rows, start to end: normalise, its own
 * single-threaded GEMM while the rows are hot, selection. One pool of
 * threads, none spinning while another works. */
static void enc_rows(void *arg, int t, int nt)
{
	sae_encoder *en = arg;
	size_t r0 = sf_share(en->B, t, nt), r1 = sf_share(en->B, t + 1, nt);
	enc_prep(en, t, nt);
	sae_pre_rows(en->s, en->xc, en->pre, r0, r1);
	if (en->s->kind == SAE_KIND_TOPK)
		enc_select(en, t, nt);
	else
		enc_activate(en, t, nt);
}

void sae_pre_rows(const sae *s, const float *xc, float *pre, size_t r0, size_t r1)
{
	int d = s->d, m = s->m;
	if (r1 > r0)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0), m, d, 1.0f,
		            xc + r0 * d, d, s->W_enc, d, 0.0f, pre + r0 * m, m);
}

static long encode_run(sae_encoder *en, const float *x, size_t B)
{
	int nt = B >= 64 ? en->nt : 1;
	en->B = B;
	memcpy(en->xc, x, B * en->s->d * sizeof(float));
	sf_parallel(nt, enc_rows, en);
	for (int t = 0; t < nt; t++)
		if (en->bad[t] != SIZE_MAX)
			return (long)en->bad[t]; /* threads hold rows in order */
	return -1;
}

long sae_encode(sae_encoder *en, const float *x, size_t B, uint32_t *idx, float *val)
{
	en->idx = idx, en->val = val;
	return encode_run(en, x, B);
}

long sae_encode_var(sae_encoder *en, const float *x, size_t B, uint32_t *cnt)
{
	en->cnt = cnt;
	return encode_run(en, x, B);
}

size_t sae_encoder_row(const sae_encoder *en, size_t r, const uint32_t **idx, const float **val)
{
	size_t m = (size_t)en->s->m;
	*idx = en->aidx + r * m;
	*val = en->pre + r * m;
	return en->cnt[r];
}

/* ---- loading ------------------------------------------------------ */

/* Copy a 1-D or 2-D F32/F16/BF16 tensor into dst as f32, transposing a
 * [rows, cols] tensor into [cols, rows] when transpose is set. */
static int tensor_to_f32(const st_tensor *t, float *dst, int transpose, const char *path,
                         sf_err *e)
{
	size_t n = t->nelem;
	float *tmp = dst;
	if (t->dtype != ST_F32 && t->dtype != ST_F16 && t->dtype != ST_BF16)
		return sf_fail(e, "%s: tensor %s has dtype %s (F32, F16 or BF16 expected)", path,
		               t->name, st_dtype_name(t->dtype));
	if (transpose && !(tmp = malloc(n * sizeof(float))))
		return sf_fail(e, "%s: out of memory reading %s", path, t->name);
	if (t->dtype == ST_F32)
		memcpy(tmp, t->data, n * sizeof(float));
	else if (t->dtype == ST_F16)
		half_to_f32_n(t->data, tmp, n);
	else
		bf16_to_f32_n(t->data, tmp, n);
	if (transpose) {
		size_t R = (size_t)t->shape[0], C = (size_t)t->shape[1];
		for (size_t r = 0; r < R; r++)
			for (size_t c = 0; c < C; c++)
				dst[c * R + r] = tmp[r * C + c];
		free(tmp);
	}
	return 0;
}

static const char *layout_name(int layout)
{
	return layout == SAE_LAYOUT_SAELENS ? "SAELens" :
	       layout == SAE_LAYOUT_SAFER   ? "SAFER reference" : "sparsify";
}

static int check_shape(const st_tensor *t, int ndim, int64_t a, int64_t b, const char *path,
                       const char *want, sf_err *e)
{
	int okk = t->ndim == ndim && t->shape[0] == a && (ndim < 2 || t->shape[1] == b);
	if (okk)
		return 0;
	char got[96] = "";
	size_t o = 0;
	for (int i = 0; i < t->ndim && o < sizeof got - 24; i++)
		o += snprintf(got + o, sizeof got - o, "%s%lld", i ? ", " : "",
		              (long long)t->shape[i]);
	return sf_fail(e, "%s: tensor %s has shape [%s], expected %s", path, t->name, got, want);
}

char *sae_read_small(const char *path, sf_err *e)
{
	FILE *f = infile_fopen(path, NULL, e);
	if (!f)
		return NULL;
	char *buf = malloc(SAE_MAX_CFG + 1);
	size_t n = buf ? fread(buf, 1, SAE_MAX_CFG + 1, f) : 0;
	fclose(f);
	if (!buf)
		return sf_fail(e, "%s: out of memory", path), NULL;
	if (n > SAE_MAX_CFG) {
		free(buf);
		return sf_fail(e, "%s: larger than %zu bytes", path, SAE_MAX_CFG), NULL;
	}
	buf[n] = 0;
	return buf;
}

void *sae_read_json(const char *path, sf_err *e)
{
	char *txt = sae_read_small(path, e);
	if (!txt)
		return NULL;
	json_error_t je;
	char at[24];
	json_t *j = json_loads(txt, 0, &je);
	free(txt);
	if (!j)
		sf_fail(e, "%s%s: not valid JSON: %s", path, jsonerr_line(&je, at), je.text);
	return j;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Anything but a directory: a FIFO or a device named here is opened, and
 * refused there with a message saying what it is (engine/base/infile.h). */
static int file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* snprintf into a path buffer of n bytes. A path that does not fit is an
 * error: cut short, it would name some other file. */
static __attribute__((format(printf, 4, 5))) int path_fmt(char *out, size_t n, sf_err *e,
                                                          const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= n)
		return sf_fail(e, "path longer than %zu bytes: %.200s...", n - 1, out);
	return 0;
}

/* Resolve PATH into the weights file and the cfg.json next to it (cfg
 * may be absent: cfg_path[0] = 0). */
static int resolve_paths(const char *path, char *wpath, char *cfg_path, size_t n, sf_err *e)
{
	cfg_path[0] = 0;
	if (is_dir(path)) {
		if (path_fmt(wpath, n, e, "%s/sae.safetensors", path))
			return -1;
		if (!file_exists(wpath) && path_fmt(wpath, n, e, "%s/sae_weights.safetensors", path))
			return -1;
		if (!file_exists(wpath)) {
			DIR *dd = opendir(path);
			int found = 0;
			struct dirent *de;
			if (!dd)
				return sf_fail_errno(e, "%s", path);
			while ((de = readdir(dd))) {
				size_t L = strlen(de->d_name);
				if (L > 12 && !strcmp(de->d_name + L - 12, ".safetensors")) {
					found++;
					if (path_fmt(wpath, n, e, "%s/%s", path, de->d_name)) {
						closedir(dd);
						return -1;
					}
				}
			}
			closedir(dd);
			if (found != 1)
				return sf_fail(e, "%s: %s", path,
				               found ? "holds several .safetensors files (name one)"
				                     : "holds no .safetensors file");
		}
		if (path_fmt(cfg_path, n, e, "%s/cfg.json", path))
			return -1;
	} else {
		if (path_fmt(wpath, n, e, "%s", path))
			return -1;
		const char *sl = strrchr(path, '/');
		if (sl ? path_fmt(cfg_path, n, e, "%.*s/cfg.json", (int)(sl - path), path)
		       : path_fmt(cfg_path, n, e, "cfg.json"))
			return -1;
	}
	/* no cfg.json is fine (k may come from metadata or --k); one that
	 * cannot be read (or is no regular file: infile says) is an error,
	 * never taken for none */
	struct stat st;
	if (stat(cfg_path, &st)) {
		if (errno != ENOENT)
			return sf_fail_errno(e, "%s", cfg_path);
		cfg_path[0] = 0;
	}
	return 0;
}

/* An integer cfg field, -1 when absent or null. */
static long long cfg_int(json_t *cfg, const char *key, const char *cpath, int *bad, sf_err *e)
{
	json_t *v = cfg ? json_object_get(cfg, key) : NULL;
	if (!v || json_is_null(v))
		return -1;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		*bad = 1;
		sf_fail(e, "%s: \"%s\" is not a non-negative integer", cpath, key);
		return -1;
	}
	return json_integer_value(v);
}

/* SAELens's activation scaler file beside cfg.json, {"scaling_factor": c}:
 * 1 with *c set, 0 when there is none (or it holds null), -1 on error. */
static int scaler_file(const char *cpath, double *c, sf_err *e)
{
	char p[4096];
	const char *sl = strrchr(cpath, '/');
	if (sl ? path_fmt(p, sizeof p, e, "%.*s/activation_scaler.json", (int)(sl - cpath), cpath)
	       : path_fmt(p, sizeof p, e, "activation_scaler.json"))
		return -1;
	struct stat st;
	if (stat(p, &st))
		return errno == ENOENT ? 0 : sf_fail_errno(e, "%s", p);
	json_t *j = sae_read_json(p, e);
	if (!j)
		return -1;
	json_t *v = json_is_object(j) ? json_object_get(j, "scaling_factor") : NULL;
	int rc = 0;
	if (!json_is_object(j) || (v && !json_is_null(v) && !json_is_number(v)))
		rc = sf_fail(e, "%s: \"scaling_factor\" is not a number", p);
	else if (v && json_is_number(v)) {
		*c = json_number_value(v);
		rc = 1;
	}
	json_decref(j);
	return rc;
}

/* SAELens's normalize_activations (a bool in old files: true is
 * expected_average_only_in) or our "normalize". *scale_mode: 1 for
 * expected_average_only_in. */
static int cfg_norm(sae *s, json_t *cfg, const char *cpath, int *scale_mode, sf_err *e)
{
	*scale_mode = 0;
	json_t *nv = json_object_get(cfg, "normalize");
	if (!nv)
		nv = json_object_get(cfg, "normalize_activations");
	if (!nv || json_is_null(nv) || json_is_false(nv))
		return 0;
	if (json_is_true(nv) ||
	    (json_is_string(nv) && !strcmp(json_string_value(nv), "expected_average_only_in"))) {
		*scale_mode = 1;
		return 0;
	}
	int nm;
	if (!json_is_string(nv) || sae_norm_parse(json_string_value(nv), &nm))
		return sf_fail(e, "%s: normalisation %s%s%s is not supported (none, standardize, "
		               "layer_norm, constant_norm_rescale, expected_average_only_in)", cpath,
		               json_is_string(nv) ? "\"" : "",
		               json_is_string(nv) ? json_string_value(nv) : "(not a string)",
		               json_is_string(nv) ? "\"" : "");
	s->normalize = nm;
	return 0;
}

/* expected_average_only_in: the scale from cfg.json (scaling_factor or
 * norm_scaling_factor) or activation_scaler.json beside it, folded into
 * the weights; without one, scale_pending (estimated on the rows later). */
static int cfg_scale(sae *s, json_t *cfg, const char *cpath, sf_err *e)
{
	double c = NAN;
	const char *keys[] = { "scaling_factor", "norm_scaling_factor" };
	for (int i = 0; i < 2 && isnan(c); i++) {
		json_t *v = json_object_get(cfg, keys[i]);
		if (v && !json_is_null(v) && !json_is_number(v))
			return sf_fail(e, "%s: \"%s\" is not a number", cpath, keys[i]);
		if (json_is_number(v))
			c = json_number_value(v);
	}
	if (isnan(c)) {
		int r = scaler_file(cpath, &c, e);
		if (r < 0)
			return -1;
	}
	if (isnan(c)) {
		s->scale_pending = 1;
		return 0;
	}
	if (!(c > 0) || !isfinite(c))
		return sf_fail(e, "%s: the activation scaling factor %g is not a positive number", cpath,
		               c);
	sae_fold_scale(s, c);
	return 0;
}

/* sparsify folders this reader cannot take as an SAE: a transcoder (its
 * decoder predicts another layer's output, and its encoder reads the
 * input without b_dec) or a skip connection (W_skip adds x W_skip^T to
 * every reconstruction, which the latents alone do not show). */
static int cfg_sparsify_refuse(json_t *cfg, const char *cpath, sf_err *e)
{
	if (json_is_true(json_object_get(cfg, "transcode")))
		return sf_fail(e, "%s: a transcoder (\"transcode\": true) predicts another layer's "
		               "output from this one; safer reads autoencoders only", cpath);
	if (json_is_true(json_object_get(cfg, "skip_connection")))
		return sf_fail(e, "%s: has a skip connection (\"skip_connection\": true, tensor "
		               "W_skip): part of each reconstruction bypasses the latents, so safer "
		               "would misread it", cpath);
	json_t *act = json_object_get(cfg, "activation");
	if (json_is_string(act) && strcmp(json_string_value(act), "topk"))
		return sf_fail(e, "%s: sparsify activation \"%s\" is not supported (topk)", cpath,
		               json_string_value(act));
	return 0;
}

/* The SAE's kind from SAELens's architecture; k (when given) decides for a
 * file that names none. */
static int cfg_kind(sae *s, json_t *cfg, const char *cpath, long long k, sf_err *e)
{
	json_t *arch = json_object_get(cfg, "architecture");
	const char *a = json_is_string(arch) ? json_string_value(arch) : NULL;
	if (arch && !json_is_null(arch) && !a)
		return sf_fail(e, "%s: \"architecture\" is not a string", cpath);
	if (!a)
		return 0; /* decided by the tensors and k */
	if (!strcmp(a, "topk"))
		return s->kind == SAE_KIND_TOPK ? 0 :
		       sf_fail(e, "%s: architecture \"topk\" but the weights hold a threshold", cpath);
	if (!strcmp(a, "jumprelu"))
		return s->kind == SAE_KIND_JUMPRELU ? 0 :
		       sf_fail(e, "%s: architecture \"jumprelu\" but the weights hold no threshold "
		               "tensor", cpath);
	if (!strcmp(a, "standard")) {
		if (s->kind == SAE_KIND_JUMPRELU)
			return sf_fail(e, "%s: architecture \"standard\" but the weights hold a "
			               "threshold", cpath);
		if (k > 0)
			return sf_fail(e, "%s: architecture \"standard\" (ReLU) has no k, but k %lld "
			               "is given", cpath, k);
		s->kind = SAE_KIND_RELU;
		s->k = 0;
		return 0;
	}
	if (!strcmp(a, "batchtopk") || !strcmp(a, "matryoshka_batchtopk"))
		return sf_fail(e, "%s: architecture \"%s\" is a training checkpoint; SAELens saves "
		               "it for inference as \"jumprelu\" (save_inference_model), which "
		               "safer reads", cpath, a);
	return sf_fail(e, "%s: architecture \"%s\" is not supported (topk, jumprelu, standard)",
	               cpath, a);
}

/* SAELens's hook: metadata.hook_name (6.x; "meta" in some), else the
 * older top-level names. */
static void cfg_hook(sae *s, json_t *cfg)
{
	const char *objs[] = { "metadata", "meta" };
	for (int i = 0; i < 2 && !s->hook; i++) {
		json_t *md = json_object_get(cfg, objs[i]);
		json_t *v = json_is_object(md) ? json_object_get(md, "hook_name") : NULL;
		if (json_is_string(v))
			s->hook = strdup(json_string_value(v));
	}
	const char *hk[] = { "hook", "hook_name", "hookpoint", "hook_point" };
	for (int i = 0; i < 4 && !s->hook; i++) {
		json_t *v = json_object_get(cfg, hk[i]);
		if (json_is_string(v))
			s->hook = strdup(json_string_value(v));
	}
	json_t *hl = json_object_get(cfg, "hook_layer");
	if (!s->hook && json_is_integer(hl)) {
		char b[32];
		snprintf(b, sizeof b, "layer %lld", (long long)json_integer_value(hl));
		s->hook = strdup(b);
	}
}

/* SAELens's apply_b_dec_to_input false: pre = W_enc x~ + b_enc, which is
 * W_enc (x~ - b_pre) + (b_enc + W_enc b_pre): folded into the bias. */
static void fold_b_dec_input(sae *s)
{
	for (int j = 0; j < s->m; j++) {
		const float *w = s->W_enc + (size_t)j * s->d;
		double a = 0;
		for (int c = 0; c < s->d; c++)
			a += (double)w[c] * s->b_pre[c];
		s->b_lat[j] += (float)a;
	}
}

/* Apply cfg.json (sparsify, SAELens or ours) to s, cross-checking it
 * against the tensors. */
static int apply_cfg(sae *s, json_t *cfg, const char *cpath, int *k_out, char *fp_out,
                     sf_err *e)
{
	json_t *ours = json_object_get(cfg, "fingerprint");
	if (json_is_string(ours) && strlen(json_string_value(ours)) == 16)
		memcpy(fp_out, json_string_value(ours), 17);
	int bad = 0;
	long long k = cfg_int(cfg, "k", cpath, &bad, e);
	json_t *fk = json_object_get(cfg, "activation_fn_kwargs");
	if (k < 0 && !bad && json_is_object(fk))
		k = cfg_int(fk, "k", cpath, &bad, e);
	long long d_in = bad ? -1 : cfg_int(cfg, "d_in", cpath, &bad, e);
	long long nl = bad ? -1 : cfg_int(cfg, "num_latents", cpath, &bad, e);
	long long dsae = bad ? -1 : cfg_int(cfg, "d_sae", cpath, &bad, e);
	if (bad)
		return -1;
	if (d_in >= 0 && d_in != s->d)
		return sf_fail(e, "%s: d_in %lld contradicts the tensors' d %d", cpath, d_in, s->d);
	if (nl > 0 && nl != s->m)
		return sf_fail(e, "%s: num_latents %lld contradicts the tensors' %d latents", cpath,
		               nl, s->m);
	if (dsae >= 0 && dsae != s->m)
		return sf_fail(e, "%s: d_sae %lld contradicts the tensors' %d latents", cpath, dsae,
		               s->m);
	if (k == 0 || k > s->m)
		return sf_fail(e, "%s: k %lld is out of range (1 to %d, the SAE's latents)", cpath, k,
		               s->m);
	*k_out = (int)k;
	if (cfg_sparsify_refuse(cfg, cpath, e) || cfg_kind(s, cfg, cpath, k, e))
		return -1;
	int scale_mode;
	if (cfg_norm(s, cfg, cpath, &scale_mode, e))
		return -1;
	json_t *ab = json_object_get(cfg, "apply_b_dec_to_input");
	if (ab && !json_is_boolean(ab))
		return sf_fail(e, "%s: \"apply_b_dec_to_input\" is not a boolean", cpath);
	if (json_is_false(ab))
		fold_b_dec_input(s);
	if (scale_mode && cfg_scale(s, cfg, cpath, e))
		return -1;
	json_t *rv = json_object_get(cfg, "relu");
	if (rv) {
		if (!json_is_boolean(rv))
			return sf_fail(e, "%s: \"relu\" is not a boolean", cpath);
		s->relu = json_is_true(rv);
	}
	json_t *fp = json_object_get(cfg, "data_fingerprint");
	if (json_is_string(fp))
		snprintf(s->data_fingerprint, sizeof s->data_fingerprint, "%s",
		         json_string_value(fp));
	const char *fig[] = { "nmse", "l0", "dead_frac" };
	double *dst[] = { &s->nmse, &s->l0, &s->dead_frac };
	for (int i = 0; i < 3; i++) {
		json_t *v = json_object_get(cfg, fig[i]);
		if (json_is_number(v))
			*dst[i] = json_number_value(v);
	}
	json_t *tr = json_object_get(cfg, "train");
	if (json_is_object(tr))
		s->train_json = json_dumps(tr, JSON_COMPACT | JSON_SORT_KEYS);
	json_t *src = json_object_get(cfg, "source");
	if (json_is_string(src))
		s->source = strdup(json_string_value(src));
	cfg_hook(s, cfg);
	return 0;
}

typedef struct layout_names {
	const char *enc, *benc, *dec, *bdec;
} layout_names;

static const layout_names LAYOUTS[3] = {
	[SAE_LAYOUT_SPARSIFY] = { "encoder.weight", "encoder.bias", "W_dec", "b_dec" },
	[SAE_LAYOUT_SAELENS] = { "W_enc", "b_enc", "W_dec", "b_dec" },
	[SAE_LAYOUT_SAFER] = { "encoder.weight", "latent_bias", "decoder.weight", "pre_bias" },
};

static int detect_layout(const st_file *f, const char *path, sf_err *e)
{
	for (int l = SAE_LAYOUT_SAFER; l >= 0; l--) {
		const layout_names *n = &LAYOUTS[l];
		if (st_find(f, n->enc) && st_find(f, n->benc) && st_find(f, n->dec) &&
		    st_find(f, n->bdec))
			return l;
	}
	return sf_fail(e, "%s: not a TopK SAE in a known layout (sparsify: encoder.weight, "
	               "encoder.bias, W_dec, b_dec; SAELens: W_enc, b_enc, W_dec, b_dec; SAFER: "
	               "encoder.weight, latent_bias, decoder.weight, pre_bias)", path);
}

/* Is t the 2-D [m,d] tensor (or [d,m] with `dm`)? */
static int is_md(const st_tensor *t, int dm, int64_t m, int64_t d)
{
	return t->ndim == 2 && t->shape[0] == (dm ? d : m) && t->shape[1] == (dm ? m : d);
}

/* m and d of the four tensors, and the one that disagrees named: the two
 * biases give m and d, a weight matrix that does not fit them is blamed
 * (with "transposed" when it is), unless both matrices agree with each
 * other (and are not both transposed), and then the bias that does not
 * fit them is. */
static int sae_shape(const st_tensor *te, const st_tensor *tb, const st_tensor *td,
                     const st_tensor *tp, int enc_dm, int dec_dm, const char *path, int64_t *m,
                     int64_t *d, sf_err *e)
{
	if (te->ndim != 2)
		return sf_fail(e, "%s: tensor %s is not 2-D", path, te->name);
	if (td->ndim != 2)
		return sf_fail(e, "%s: tensor %s is not 2-D", path, td->name);
	/* the matrices' own m and d */
	int64_t me = te->shape[enc_dm], de = te->shape[!enc_dm];
	int64_t md = td->shape[dec_dm], dd = td->shape[!dec_dm];
	int bias_ok = tb->ndim == 1 && tp->ndim == 1;
	*m = bias_ok ? tb->shape[0] : me;
	*d = bias_ok ? tp->shape[0] : de;
	int fe = is_md(te, enc_dm, *m, *d), fd = is_md(td, dec_dm, *m, *d);
	int both_t = !fe && !fd && is_md(te, !enc_dm, *m, *d);
	if (!bias_ok || (!fe && !fd && !both_t && me == md && de == dd)) {
		*m = me, *d = de; /* the matrices agree: a bias is wrong */
		fe = fd = 1;
	}
	if (*m <= 0 || *d <= 0 || *m > (1 << 24) || *d > (1 << 20))
		return sf_fail(e, "%s: tensor %s has an implausible shape", path, te->name);
	char want[64];
	snprintf(want, sizeof want, "[%lld] (m)", (long long)*m);
	if (check_shape(tb, 1, *m, 0, path, want, e))
		return -1;
	snprintf(want, sizeof want, "[%lld] (d)", (long long)*d);
	if (check_shape(tp, 1, *d, 0, path, want, e))
		return -1;
	const st_tensor *bad = !fe ? te : !fd ? td : NULL;
	if (!bad)
		return 0;
	int dm = bad == te ? enc_dm : dec_dm;
	snprintf(want, sizeof want, "[%lld, %lld] (%s)%s", (long long)(dm ? *d : *m),
	         (long long)(dm ? *m : *d), dm ? "d, m" : "m, d",
	         is_md(bad, !dm, *m, *d) ? "; it is transposed" : "");
	return check_shape(bad, 2, dm ? *d : *m, dm ? *m : *d, path, want, e);
}

static int load_tensors(sae **out, const st_file *f, int layout, const char *path, sf_err *e)
{
	const layout_names *n = &LAYOUTS[layout];
	const st_tensor *te = st_find(f, n->enc), *tb = st_find(f, n->benc),
	                *td = st_find(f, n->dec), *tp = st_find(f, n->bdec);
	int dec_t = layout == SAE_LAYOUT_SAFER; /* decoder.weight is [d,m] */
	int64_t m = 0, d = 0;
	if (sae_shape(te, tb, td, tp, layout == SAE_LAYOUT_SAELENS, dec_t, path, &m, &d, e))
		return -1;
	sae *s;
	if (sae_new(&s, (int)d, (int)m, 1, e))
		return sf_prefix(e, "%s", path);
	s->layout = layout;
	s->relu = layout != SAE_LAYOUT_SAFER;
	s->normalize = layout == SAE_LAYOUT_SAFER ? SAE_NORM_STANDARDIZE : SAE_NORM_NONE;
	if (tensor_to_f32(te, s->W_enc, layout == SAE_LAYOUT_SAELENS, path, e) ||
	    tensor_to_f32(tb, s->b_lat, 0, path, e) || tensor_to_f32(td, s->W_dec, dec_t, path, e) ||
	    tensor_to_f32(tp, s->b_pre, 0, path, e)) {
		sae_free(s);
		return -1;
	}
	if (st_find(f, "W_skip")) {
		sae_free(s);
		return sf_fail(e, "%s: has a skip connection (tensor W_skip): part of each "
		               "reconstruction bypasses the latents, so safer would misread it", path);
	}
	/* SAELens JumpReLU (BatchTopK, Matryoshka and Gemma Scope are saved so) */
	const st_tensor *tt = st_find(f, "threshold");
	if (tt) {
		char want[64];
		snprintf(want, sizeof want, "[%lld] (m)", (long long)m);
		if (check_shape(tt, 1, m, 0, path, want, e) || sae_add_threshold(s, e) ||
		    tensor_to_f32(tt, s->threshold, 0, path, e)) {
			sae_free(s);
			return -1;
		}
	}
	*out = s;
	return 0;
}

int sae_load(sae **out, const char *path, int norm_override, int k_override, sf_err *e)
{
	*out = NULL;
	char wpath[4096], cpath[4096];
	if (resolve_paths(path, wpath, cpath, sizeof wpath, e))
		return -1;
	st_file *f;
	if (st_open(&f, wpath, e))
		return -1;
	sae *s = NULL;
	int layout = detect_layout(f, wpath, e);
	if (layout < 0 || load_tensors(&s, f, layout, wpath, e))
		goto fail;
	const char *mh = st_meta(f, "hook");
	if (!mh)
		mh = st_meta(f, "hook_name");
	if (!mh)
		mh = st_meta(f, "layer");
	if (mh)
		s->hook = strdup(mh);
	int k = -1;
	char cfg_fp[17] = "";
	const char *mk = st_meta(f, "k");
	if (mk) {
		char *end;
		errno = 0;
		long v = strtol(mk, &end, 10);
		if (!*mk || *end || errno || v <= 0 || v > s->m) {
			sf_fail(e, "%s: metadata k \"%.40s\" is not an integer from 1 to %d (the SAE's "
			        "latents)", wpath, mk, s->m);
			goto fail;
		}
		k = (int)v;
	}
	if (cpath[0]) {
		json_t *cfg = sae_read_json(cpath, e);
		if (!cfg)
			goto fail;
		if (!json_is_object(cfg)) {
			json_decref(cfg);
			sf_fail(e, "%s: not a JSON object (cfg.json holds one object of settings)", cpath);
			goto fail;
		}
		int ck = -1, rc = apply_cfg(s, cfg, cpath, &ck, cfg_fp, e);
		json_decref(cfg);
		if (rc)
			goto fail;
		if (ck > 0 && k > 0 && ck != k) {
			sf_fail(e, "%s: k %d contradicts the weights file's metadata k %d", cpath, ck, k);
			goto fail;
		}
		if (ck > 0)
			k = ck;
	}
	if (k_override > 0)
		k = k_override;
	/* SAELens without an architecture and without a k: "standard", its
	 * default */
	if (s->kind == SAE_KIND_TOPK && k <= 0 && s->layout == SAE_LAYOUT_SAELENS)
		s->kind = SAE_KIND_RELU;
	if (s->kind != SAE_KIND_TOPK && k > 0) {
		sf_fail(e, "%s: a %s SAE has no k, but k %d is given", wpath, sae_kind_name(s->kind), k);
		goto fail;
	}
	if (s->kind != SAE_KIND_TOPK)
		k = 0;
	else if (k <= 0) {
		if (cpath[0])
			sf_fail(e, "%s: k is unknown (%s gives no k; give --k)", wpath, cpath);
		else
			sf_fail(e, "%s: k is unknown (no cfg.json next to it, no k in its metadata; "
			        "give --k)", wpath);
		goto fail;
	}
	if (s->kind == SAE_KIND_TOPK && k > s->m) {
		sf_fail(e, "%s: k %d is out of range (1 to %d, the SAE's latents)",
		        k_override > 0 ? wpath : cpath[0] ? cpath : wpath, k, s->m);
		goto fail;
	}
	s->k = k;
	if (norm_override >= 0)
		s->normalize = norm_override;
	if (sae_validate(s, wpath, e))
		goto fail;
	if (cfg_fp[0] && norm_override < 0 && k_override <= 0) {
		/* our own cfg.json names the weights it was written with */
		char fp[17];
		sae_fingerprint(s, fp);
		if (strcmp(fp, cfg_fp)) {
			sf_fail(e, "%s: weights do not match the fingerprint in %s (damaged or "
			        "replaced)", wpath, cpath);
			goto fail;
		}
	}
	st_close(f);
	*out = s;
	return 0;
fail:
	sae_free(s);
	st_close(f);
	return -1;
}

/* ---- saving ------------------------------------------------------- */

static int mkdir_p1(const char *dir, sf_err *e)
{
	if (mkdir(dir, 0777) && errno != EEXIST)
		return sf_fail_errno(e, "%s", dir);
	return 0;
}

static void set_num(json_t *o, const char *key, double v)
{
	json_object_set_new(o, key, isfinite(v) ? json_real(v) : json_null());
}

int sae_save(const sae *s, const char *dir, sf_err *e)
{
	char path[4096];
	if (mkdir_p1(dir, e))
		return -1;
	char fp[17], kbuf[16];
	sae_fingerprint(s, fp);
	snprintf(kbuf, sizeof kbuf, "%d", s->k);
	st_tensor_in t[5] = {
		{ "encoder.weight", ST_F32, 2, { s->m, s->d }, s->W_enc },
		{ "encoder.bias", ST_F32, 1, { s->m }, s->b_lat },
		{ "W_dec", ST_F32, 2, { s->m, s->d }, s->W_dec },
		{ "b_dec", ST_F32, 1, { s->d }, s->b_pre },
		{ "threshold", ST_F32, 1, { s->m }, s->threshold },
	};
	/* TopK keeps its metadata as it was; the varying kinds have no k */
	int topk = s->kind == SAE_KIND_TOPK;
	const char *meta[9];
	int nm = 0;
	meta[nm++] = "format", meta[nm++] = "safer-sae/1";
	if (topk)
		meta[nm++] = "k", meta[nm++] = kbuf;
	meta[nm++] = "fingerprint", meta[nm++] = fp;
	if (s->hook)
		meta[nm++] = "hook", meta[nm++] = s->hook;
	meta[nm] = NULL;
	if (path_fmt(path, sizeof path, e, "%s/sae.safetensors", dir) ||
	    st_write(path, t, s->threshold ? 5 : 4, meta, e))
		return -1;

	json_t *c = json_object();
	json_object_set_new(c, "format", json_string("safer-sae/1"));
	json_object_set_new(c, "layout", json_string("sparsify"));
	if (topk)
		json_object_set_new(c, "k", json_integer(s->k));
	else
		json_object_set_new(c, "architecture",
		                    json_string(s->kind == SAE_KIND_JUMPRELU ? "jumprelu" : "standard"));
	json_object_set_new(c, "num_latents", json_integer(s->m));
	json_object_set_new(c, "d_in", json_integer(s->d));
	json_object_set_new(c, "normalize", json_string(sae_norm_name(s->normalize)));
	json_object_set_new(c, "relu", json_boolean(s->relu));
	json_object_set_new(c, "fingerprint", json_string(fp));
	json_object_set_new(c, "data_fingerprint", json_string(s->data_fingerprint));
	set_num(c, "nmse", s->nmse);
	set_num(c, "l0", s->l0);
	set_num(c, "dead_frac", s->dead_frac);
	if (s->hook)
		json_object_set_new(c, "hook", json_string(s->hook));
	if (s->source)
		json_object_set_new(c, "source", json_string(s->source));
	if (s->train_json) {
		json_t *tr = json_loads(s->train_json, 0, NULL);
		if (tr)
			json_object_set_new(c, "train", tr);
	}
	char *txt = json_dumps(c, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(c);
	if (!txt)
		return sf_fail(e, "%s: cannot format cfg.json", dir);
	int rc = path_fmt(path, sizeof path, e, "%s/cfg.json", dir) ||
	         atomic_write(path, txt, strlen(txt), e) ? -1 : 0;
	free(txt);
	return rc;
}

const char *sae_layout_name(int layout)
{
	return layout_name(layout);
}
