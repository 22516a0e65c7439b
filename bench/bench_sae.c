/* Trainer and encoder throughput on random data, next to OpenBLAS sgemm on
 * the encoder's GEMM shape, in the same process.
 *
 *   bench_sae D M K BATCH STEPS [in.f32 out.f32]
 *
 * Prints one line of key=value figures: train rows/s, encode rows/s, sgemm
 * GFLOP/s on [B,d] x [d,m], and the fractions of the one-GEMM limit
 * (2 d m FLOP per row at that sgemm rate). With in.f32/out.f32 it reads the
 * inputs (B*STEPS rows) from in.f32 instead (the same bytes the torch peer
 * reads) and writes the trained weights there, for cross-checks. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/base/threads.h"
#include "engine/sae/sae.h"
#include "engine/sae/train.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fill(float *x, size_t n, uint64_t seed)
{
	/* rows with a shared offset and a few heavy coordinates, like
	 * residual-stream activations; exact values do not matter here */
	for (size_t i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		double u1 = ((seed >> 11) + 0.5) / 9007199254740992.0;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		double u2 = (seed >> 11) / 9007199254740992.0;
		x[i] = (float)(sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2));
	}
}

int main(int argc, char **argv)
{
	if (argc != 6 && argc != 8) {
		fprintf(stderr, "usage: bench_sae D M K BATCH STEPS [in.f32 out.f32]\n");
		return 2;
	}
	int d = atoi(argv[1]), m = atoi(argv[2]), k = atoi(argv[3]), B = atoi(argv[4]);
	int steps = atoi(argv[5]);
	size_t nx = (size_t)B * d * (steps + 1);
	float *x = malloc(nx * sizeof(float));
	if (argc == 8) {
		FILE *f = fopen(argv[6], "rb");
		if (!f || fread(x, sizeof(float), (size_t)B * d * steps, f) != (size_t)B * d * steps) {
			fprintf(stderr, "bench_sae: cannot read %s\n", argv[6]);
			return 1;
		}
		fclose(f);
		memcpy(x + (size_t)B * d * steps, x, (size_t)B * d * sizeof(float));
	} else {
		fill(x, nx, 42);
	}
	sf_err e;
	sae *s;
	if (sae_new(&s, d, m, k, &e)) {
		fprintf(stderr, "bench_sae: %s\n", e.msg);
		return 1;
	}
	sae_init(s, 1);
	s->normalize = SAE_NORM_STANDARDIZE;
	train_opts o;
	train_opts_default(&o);
	o.m = m, o.k = k, o.batch = B, o.lr = 1e-3;
	if (getenv("SAE_THREADS")) /* the sparse sections' threads, for experiments */
		o.threads = atoi(getenv("SAE_THREADS"));
	train_opts_resolve(&o, d, (size_t)B * steps);
	int T0 = sf_threads();
	train_step_ctx *c;
	if (train_step_new(&c, s, &o, B, &e)) {
		fprintf(stderr, "bench_sae: %s\n", e.msg);
		return 1;
	}
	float *pre = malloc((size_t)B * m * sizeof(float));
	int T1 = openblas_get_num_threads(); /* the trainer may have set 1: see train.c */
	openblas_set_num_threads(T0);
	sae_encoder *en;
	sae_encoder_new(&en, s, B, &e);
	openblas_set_num_threads(T1);
	uint32_t *idx = malloc((size_t)B * k * 4);
	float *val = malloc((size_t)B * k * 4);
	/* warm-up on the extra batch: first touches of every buffer */
	const float *xw = x + (size_t)B * d * steps;
	train_step(c, s, xw, B, o.lr);
	openblas_set_num_threads(T0);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, m, d, 1.0f, xw, d, s->W_enc, d,
	            0.0f, pre, m);
	openblas_set_num_threads(1);
	sae_encode(en, xw, B, idx, val);
	openblas_set_num_threads(T1);
	/* The three are interleaved, step by step, and each figure is the
	 * fastest of its steps: the machine is shared, and the minimum is the
	 * measurement least disturbed by other work. */
	double best_train = 1e30, best_gemm = 1e30, best_enc = 1e30, loss = 0;
	for (int i = 0; i < steps; i++) {
		const float *xi = x + (size_t)i * B * d;
		double t0 = now_s();
		loss = train_step(c, s, xi, B, o.lr);
		double t1 = now_s();
		openblas_set_num_threads(T0); /* sgemm at full width */
		t1 = now_s();
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, m, d, 1.0f, xi, d, s->W_enc,
		            d, 0.0f, pre, m);
		openblas_set_num_threads(1); /* the encoder runs its own threads */
		double t2 = now_s();
		sae_encode(en, xi, B, idx, val);
		double t3 = now_s();
		openblas_set_num_threads(T1);
		best_train = fmin(best_train, t1 - t0);
		best_gemm = fmin(best_gemm, t2 - t1);
		best_enc = fmin(best_enc, t3 - t2);
	}
	double t_train = best_train * steps, t_gemm = best_gemm, t_enc = best_enc * steps;
	double gflops = 2.0 * B * d * m / t_gemm / 1e9;

	double rows = (double)B * steps;
	double limit = B / t_gemm; /* rows/s if a step cost one GEMM */
	printf("threads=%d d=%d m=%d k=%d batch=%d steps=%d loss=%.5f train_rows_s=%.0f "
	       "encode_rows_s=%.0f sgemm_gflops=%.2f gemm_limit_rows_s=%.0f train_frac=%.3f "
	       "encode_frac=%.3f\n",
	       T0, d, m, k, B, steps, loss, rows / t_train, rows / t_enc, gflops, limit,
	       rows / t_train / limit, rows / t_enc / limit);
	double ph[TRAIN_PHASES];
	train_step_phases(c, ph);
	double tot = 0;
	for (int i = 0; i < TRAIN_PHASES; i++)
		tot += ph[i];
	fprintf(stderr, "phases (share of step time): prep %.1f%%, gemm %.1f%%, rows %.1f%%, "
	        "bucket %.1f%%, latents+adam %.1f%% (%.1f ms/step)\n", 100 * ph[0] / tot,
	        100 * ph[1] / tot, 100 * ph[2] / tot, 100 * ph[3] / tot, 100 * ph[4] / tot,
	        1e3 * ph[4] / (steps + 1));
	if (argc == 8) {
		FILE *f = fopen(argv[7], "wb");
		size_t md = (size_t)m * d;
		if (!f || fwrite(s->W_enc, 4, md, f) != md || fwrite(s->b_lat, 4, m, f) != (size_t)m ||
		    fwrite(s->W_dec, 4, md, f) != md || fwrite(s->b_pre, 4, d, f) != (size_t)d) {
			fprintf(stderr, "bench_sae: cannot write %s\n", argv[7]);
			return 1;
		}
		fclose(f);
	}
	train_step_free(c);
	sae_encoder_free(en);
	sae_free(s);
	free(x), free(pre), free(idx), free(val);
	return 0;
}
