/* Training a TopK SAE (safer-method.md §3).
 *
 * Adam; lr schedule: linear warm-up over the first 5% of steps, constant,
 * linear decay to 0 over the last 20%; decoder columns renormalised to unit
 * norm before training, every 10 batches and at the end; W_dec initialised
 * as W_enc's rows with unit norm; b_pre initialised to the mean of a sample
 * of (normalised) rows. Deterministic for a given seed and thread count.
 *
 * Defaults (train_opts_default) that are SAFER's: Adam betas (0.9, 0.999),
 * the schedule, renorm every 10 batches, raw TopK (no ReLU), standardize,
 * chosen + rejected sides, k 64 / m 16384 for d 2048; rows: token level
 * from scratch, sentence ends when continuing (TRAIN_ROWS_AUTO), as SAFER's
 * two stages.
 * Defaults that are NOT SAFER's, chosen so that the SAE converges on ~10^5
 * rows: lr 1e-2 (SAFER: 5e-4 token stage, 3e-4 sentence stage, tuned for
 * millions of rows), batch 256 (SAFER: 1024 -- fewer rows need more steps),
 * epochs: about 2000 steps' worth, 1 to 8 (SAFER: 1, on millions of rows);
 * see train_opts_resolve.
 *
 * train_run trains on any row source (plain arrays in tests and
 * benchmarks); train_ws (engine/ws/train_ws.h) on a workspace. The
 * hyperparameters' names, limits and help are in train_params.h. */
#ifndef ENGINE_SAE_TRAIN_H
#define ENGINE_SAE_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/sae/sae.h"

/* AUTO: all token rows when training from scratch (SAFER's first stage is
 * token-level), sentence-end rows when continuing an SAE (its second,
 * safety stage) */
enum { TRAIN_ROWS_SENTENCE = 0, TRAIN_ROWS_ALL = 1, TRAIN_ROWS_AUTO = 2 };
enum { TRAIN_SIDE_PROMPT = 1, TRAIN_SIDE_CHOSEN = 2, TRAIN_SIDE_REJECTED = 4 };

typedef struct train_opts {
	int m, k;          /* 0 -> chosen from d by train_opts_resolve */
	int normalize;     /* SAE_NORM_* */
	int relu;          /* 0: raw TopK (SAFER) */
	double lr;
	double beta1, beta2, eps;
	int batch;
	int epochs;        /* 0 -> chosen from the row count */
	uint64_t seed;
	double warmup_frac;   /* 0.05 */
	double decay_frac;    /* 0.20 */
	int renorm_every;     /* 10 */
	int auxk;             /* AuxK dead-latent loss on/off (off) */
	int k_aux;            /* 0 -> min(d/2, m) */
	double aux_coef;      /* 1/32 */
	size_t dead_rows;     /* a latent is dead after this many rows unfired; 0 -> auto */
	size_t bpre_sample;   /* rows averaged for b_pre's init (4096) */
	int report_every;     /* steps between reports (0 -> about 100 reports per run) */
	int threads;          /* 0 -> OpenBLAS's thread count */
	/* train_ws only */
	int rows;             /* TRAIN_ROWS_* */
	int sides;            /* TRAIN_SIDE_* mask; chosen|rejected */
	int encode_after;     /* write latents.bin at the end (1) */
} train_opts;

void train_opts_default(train_opts *o);
/* Fill the automatic fields (m, k, epochs, dead_rows, k_aux, report_every)
 * for width d and n_rows rows. */
void train_opts_resolve(train_opts *o, int d, size_t n_rows);

/* Options as a JSON object (recorded in cfg.json and checkpoints). */
char *train_opts_json(const train_opts *o); /* malloc'd */
int train_opts_from_json(train_opts *o, const char *txt, sf_err *e);

/* What the progress callback sees. Figures are over the rows since the
 * previous report (dead fraction: over the last dead_rows rows). */
typedef struct train_report {
	long step, steps;     /* optimizer steps done / total */
	int epoch, epochs;    /* 0-based epoch in progress */
	size_t rows_seen;
	double nmse;          /* mean ||x^ - x~||^2 / ||x~||^2 */
	double l0;            /* mean number of latents > 0 per row */
	double nonpos_frac;   /* fraction of kept values <= 0 */
	double dead_frac;     /* latents not fired in the last dead_rows rows */
	double aux_loss;      /* AuxK term (0 when off) */
	double lr;            /* current learning rate */
	double rows_per_s;
	double elapsed_s;
	int final;            /* 1 on the last report of a run */
	const char *phase;    /* "training", or "encoding" (train_ws, after training) */
	double frac;          /* 0..1 of the phase */
} train_report;

/* Return non-zero to stop at the next batch boundary. Called from the
 * training thread. */
typedef int (*train_report_fn)(void *ctx, const train_report *r);

/* A source of rows: fill out [count, d] with rows[0..count) (indices in
 * 0..n). Must fail (naming the row) on NaN/inf. */
typedef struct train_source {
	size_t n;
	int d;
	int (*gather)(void *ctx, const size_t *rows, size_t count, float *out, sf_err *e);
	void *ctx;
} train_source;

/* 0 when training an m x d SAE (k, o's batch, threads and AuxK) on n rows
 * fits in physical memory, counting the weights, train_run's buffers and a
 * checkpoint's copy; else -1 naming the bytes (see sae_mem_check). */
int train_mem_check(int d, int m, int k, const train_opts *o, size_t n_rows, sf_err *e);

/* Train s in place (a fresh sae_init'ed model, or one to continue from).
 * o must be resolved. Every buffer of the run is one block, checked
 * against physical memory first. state: NULL, or a checkpoint to resume (see below).
 * On cancel returns 1 with *state_out (if non-NULL) holding a checkpoint. */
typedef struct train_state train_state;
int train_run(sae *s, const train_source *src, const train_opts *o, train_report_fn fn,
              void *ctx, const train_state *resume, train_state **state_out,
              train_report *final, sf_err *e);
void train_state_free(train_state *st);
int train_state_save(const train_state *st, const sae *s, const train_opts *o,
                     const char *path, sf_err *e);
int train_state_load(train_state **out, sae **s, train_opts *o, const char *path,
                     sf_err *e);

/* With threads > 1 the step context runs the encoder GEMM on its own
 * threads (each a share of the rows, fused with that share's TopK and
 * backward) and sets OpenBLAS to one thread while it exists;
 * train_step_free restores the previous count. */
/* One optimizer step on a batch x [B,d] (rows as given; normalised
 * inside when s->normalize): forward, backward, Adam at learning rate lr.
 * Returns the batch's NMSE (without the aux term). For tests and benches:
 * the trainer (train_run) is this in a loop. */
typedef struct train_step_ctx train_step_ctx;
int train_step_new(train_step_ctx **out, const sae *s, const train_opts *o, int batch,
                   sf_err *e);
void train_step_free(train_step_ctx *c);
double train_step(train_step_ctx *c, sae *s, const float *x, int B, double lr);
/* AuxK's dead-latent mask [m] for the next steps (the trainer sets it from
 * firing history; tests set it directly). */
void train_step_set_dead(train_step_ctx *c, const uint8_t *dead);
/* Seconds spent so far in each phase of the steps: input prep, encoder
 * GEMM, TopK + decode + backward per row, bucketing, latent gradients +
 * Adam. For benchmarks. */
enum { TRAIN_PHASES = 5 };
void train_step_phases(const train_step_ctx *c, double out[TRAIN_PHASES]);
/* Figures of the last step: mean L0, fraction of kept values <= 0, aux term. */
void train_step_figures(const train_step_ctx *c, double *l0, double *nonpos, double *aux);

#endif
