/* Sparse autoencoders (safer-method.md §2-3): TopK, JumpReLU and ReLU.
 *
 * Shapes: B rows in a batch, d model width, m latents, k active latents
 * (TopK), or a number per row (JumpReLU, ReLU).
 *
 *   x~  = normalise(x)                         [B,d]   (per-row option, SAE_NORM_*)
 *   pre = W_enc (x~ - b_pre) + b_lat           [B,m]   one dense GEMM
 *   z   = TopK(pre)  (relu: max(z, 0) after)   [B,k]   (index, value) pairs
 *         JumpReLU: pre where pre > max(threshold_j, 0), ReLU: pre where pre > 0
 *   x^  = W_dec z + b_pre                      [B,d]   the active columns per row
 *
 * Storage follows the sparsify layout: W_enc [m,d] (row j encodes latent
 * j), W_dec [m,d] (row j is decoder column j, the feature direction).
 * ReLU-then-TopK (sparsify) and TopK-then-ReLU (SAELens) give the same
 * values, so both are `relu = 1`; the SAFER reference keeps raw values
 * (`relu = 0`). */
#ifndef ENGINE_SAE_SAE_H
#define ENGINE_SAE_SAE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"

/* Input normalisations. STANDARDIZE is SAFER's (eps 1e-6); LAYER_NORM is
 * SAELens's layer_norm (the same with eps 1e-5); CONST_NORM is SAELens's
 * constant_norm_rescale (x * sqrt(d) / |x|). SAELens's
 * expected_average_only_in (one scale c for all rows) is folded into the
 * weights when loaded (W_enc * c, W_dec / c, b_pre / c, as SAELens folds
 * it), leaving NONE: the codes are the same. */
enum {
	SAE_NORM_NONE = 0,
	SAE_NORM_STANDARDIZE = 1,
	SAE_NORM_LAYER_NORM = 2,
	SAE_NORM_CONST_NORM = 3,
	SAE_NORM_COUNT
};
#define SAE_LN_EPS 1e-5f
/* Activation kinds. TopK keeps k per row; the others a varying number. */
enum { SAE_KIND_TOPK = 0, SAE_KIND_JUMPRELU = 1, SAE_KIND_RELU = 2 };
/* The most active latents per row, on average over a sample, that an SAE
 * of a varying count may have: every active latent is stored, so the
 * latents take about 8 bytes x this x rows at most. */
#define SAE_MAX_MEAN_L0 512
enum { SAE_LAYOUT_SPARSIFY = 0, SAE_LAYOUT_SAELENS = 1, SAE_LAYOUT_SAFER = 2 };

#define SAE_STD_EPS 1e-6f

typedef struct sae {
	int d, m, k;   /* k: TopK's count; 0 for the varying kinds */
	int kind;      /* SAE_KIND_* */
	int normalize; /* SAE_NORM_* */
	int relu;      /* 1: clamp kept values at 0 */
	int layout;    /* where it was read from (SAE_LAYOUT_*) */
	float *W_enc;  /* [m,d] */
	float *b_lat;  /* [m]   */
	float *W_dec;  /* [m,d] */
	float *b_pre;  /* [d]   */
	float *threshold; /* [m] JumpReLU's, else NULL (own allocation) */
	/* SAELens expected_average_only_in with no scale given: the loader
	 * leaves the weights unfolded and sets this; sae_fold_scale (with a
	 * scale estimated on the rows) clears it. Such an SAE cannot encode. */
	int scale_pending;
	/* cfg.json extras; figures are NaN when unknown */
	char data_fingerprint[17]; /* training data, "" when unknown */
	double nmse, l0, dead_frac;
	char *train_json; /* hyperparameters as JSON object text, or NULL */
	char *source;     /* where it was imported from, or NULL */
	char *hook;       /* hook / layer from the file's metadata, or NULL */
	void *block_;     /* the one allocation holding the four tensors */
} sae;

/* k 0: a varying kind (set kind and, for JumpReLU, sae_add_threshold). */
int sae_new(sae **out, int d, int m, int k, sf_err *e);
/* Allocate s->threshold [m] (zeros) and make s a JumpReLU SAE. */
int sae_add_threshold(sae *s, sf_err *e);
/* Fold a scale c (SAELens expected_average_only_in: x~ = c x) into the
 * weights: W_enc * c, W_dec / c, b_pre / c; clears scale_pending. */
void sae_fold_scale(sae *s, double c);
/* SAELens's estimate of that scale over rows x [B,d]: sqrt(d) / mean |x|. */
double sae_estimate_scale(const float *x, size_t B, int d);
const char *sae_kind_name(int kind);  /* "TopK", "JumpReLU", "ReLU" */
const char *sae_norm_name(int norm);  /* "none", "standardize", "layer_norm", ... */
/* "none", "standardize", "layer_norm", "constant_norm_rescale": 0, else -1 */
int sae_norm_parse(const char *s, int *out);
void sae_free(sae *s);

/* 0 when bytes (SIZE_MAX: the count overflowed) fit in physical memory,
 * else -1 with one line naming what, the bytes needed and those there are.
 * Refusing up front beats relying on malloc: overcommit lets a huge
 * allocation succeed and the run die later. */
int sae_mem_check(size_t bytes, const char *what, sf_err *e);
/* The text of a small file (cfg.json), at most 1 MB, NUL-terminated,
 * malloc'd; NULL with one line naming the file otherwise. */
char *sae_read_small(const char *path, sf_err *e);
/* That file parsed as JSON (a json_t *, to json_decref), or NULL with one
 * line naming the file (and the line of a syntax error). */
void *sae_read_json(const char *path, sf_err *e);

/* Check k <= m, every weight finite (the threshold too). */
int sae_validate(const sae *s, const char *what, sf_err *e);

/* SAFER/sparsify initialisation: W_enc ~ U(-1/sqrt(d), 1/sqrt(d)) from
 * seed, b_lat = 0, W_dec = W_enc (rows) with unit-norm rows, b_pre = 0. */
void sae_init(sae *s, uint64_t seed);
/* Rescale every decoder column (row of W_dec) to unit L2 norm. */
void sae_normalize_decoder(sae *s);

/* 16 hex digits naming weights, k, normalize and relu (and, for the
 * varying kinds only, the kind and the threshold: TopK's are unchanged). */
void sae_fingerprint(const sae *s, char out[17]);

/* Read a .safetensors file, or a directory holding one (sae.safetensors
 * or the only *.safetensors) plus an optional cfg.json, in any of the
 * three layouts, F32/F16/BF16. norm_override: -1 to take the cfg's (or
 * the layout's default), else SAE_NORM_*. k_override: 0 to take the cfg's.
 * Refuses shapes that disagree, k > m, NaN/inf, cfg contradicting the
 * tensors, naming the file. */
int sae_load(sae **out, const char *path, int norm_override, int k_override, sf_err *e);

const char *sae_layout_name(int layout); /* "sparsify", "SAELens", "SAFER reference" */

/* Write dir/sae.safetensors (sparsify layout, F32) and dir/cfg.json,
 * atomically each; creates dir. */
int sae_save(const sae *s, const char *dir, sf_err *e);

/* Encoder pre-activations of rows [r0, r1), one GEMM on the calling
 * thread's BLAS: pre [rows,m] = xc [rows,d] . W_enc^T [d,m], xc and pre
 * indexed from row 0. b_lat is not added (the TopK selection adds it). */
void sae_pre_rows(const sae *s, const float *xc, float *pre, size_t r0, size_t r1);

/* Standardise rows in place: x <- (x - mean) / (std + 1e-6), std with n-1. */
void sae_standardize(float *x, size_t B, int d);

/* Inference encoder with its own scratch buffers (allocated once). With
 * several threads it runs the GEMM on its own threads, each on a share of
 * the rows, and sets OpenBLAS to one thread until sae_encoder_free.
 * Rows are sorted by value, largest first, in the output. */
typedef struct sae_encoder sae_encoder;
int sae_encoder_new(sae_encoder **out, const sae *s, size_t max_rows, sf_err *e);
void sae_encoder_free(sae_encoder *en);
/* TopK: x [B,d] (read only; normalised internally when s->normalize),
 * idx/val [B,k]. B <= max_rows. Returns -1, or the first row whose
 * pre-activations or code are not finite (weights so large that the
 * products overflow). */
long sae_encode(sae_encoder *en, const float *x, size_t B, uint32_t *idx, float *val);
/* The varying kinds (not TopK): encode x [B,d]; cnt[r] = row r's active latents, which
 * sae_encoder_row then gives (sorted by value, largest first) until the
 * next call. Returns as sae_encode. */
long sae_encode_var(sae_encoder *en, const float *x, size_t B, uint32_t *cnt);
size_t sae_encoder_row(const sae_encoder *en, size_t r, const uint32_t **idx, const float **val);
/* Normalise rows x [B,d] in place as s->normalize says. */
void sae_normalize_rows(const sae *s, float *x, size_t B);

/* Decode one row's code: out [d] = b_pre + sum val_i W_dec[idx_i]. */
void sae_decode_row(const sae *s, const uint32_t *idx, const float *val, int k, float *out);


#endif
