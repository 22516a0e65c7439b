/* Encoder throughput of the SAE kinds on the same weights and rows: TopK
 * (k), JumpReLU and ReLU (a varying count per row), with the mean number
 * of active latents. bench/kinds.sh runs it beside a numpy peer.
 *
 * usage: bench_kinds D M K BATCH STEPS X.f32 W.f32
 *   X.f32: [BATCH*STEPS, D] rows; W.f32: W_enc [M,D], b_enc [M],
 *   threshold [M], b_dec [D] (float32, little-endian). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/sae/sae.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int read_f32(const char *path, float *dst, size_t n)
{
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(dst, sizeof *dst, n, f) : 0;
	if (f)
		fclose(f);
	return got == n ? 0 : -1;
}

/* Rows per second encoding every batch once (after one warm-up batch),
 * and the mean active count per row. */
static double run(sae *s, const float *x, int B, int steps, double *l0)
{
	sf_err e;
	sae_encoder *en;
	if (sae_encoder_new(&en, s, (size_t)B, &e)) {
		fprintf(stderr, "bench_kinds: %s\n", e.msg);
		exit(1);
	}
	uint32_t *cnt = malloc((size_t)B * sizeof *cnt);
	uint32_t *idx = malloc((size_t)B * (s->k ? s->k : 1) * sizeof *idx);
	float *val = malloc((size_t)B * (s->k ? s->k : 1) * sizeof *val);
	double tot = 0, t0 = 0;
	for (int st = -1; st < steps; st++) {
		const float *xb = x + (size_t)(st < 0 ? 0 : st) * B * s->d;
		if (st == 0)
			t0 = now_s();
		if (s->kind == SAE_KIND_TOPK) {
			sae_encode(en, xb, (size_t)B, idx, val);
			for (int r = 0; st >= 0 && r < B * s->k; r++)
				tot += val[r] > 0;
		} else {
			sae_encode_var(en, xb, (size_t)B, cnt);
			for (int r = 0; st >= 0 && r < B; r++)
				tot += cnt[r];
		}
	}
	double dt = now_s() - t0;
	*l0 = tot / ((double)B * steps);
	sae_encoder_free(en);
	free(cnt), free(idx), free(val);
	return (double)B * steps / dt;
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: bench_kinds D M K BATCH STEPS X.f32 W.f32\n");
		return 2;
	}
	int d = atoi(argv[1]), m = atoi(argv[2]), k = atoi(argv[3]), B = atoi(argv[4]);
	int steps = atoi(argv[5]);
	float *x = malloc((size_t)B * steps * d * sizeof *x);
	float *w = malloc(((size_t)m * d + 2 * (size_t)m + d) * sizeof *w);
	if (!x || !w || read_f32(argv[6], x, (size_t)B * steps * d) ||
	    read_f32(argv[7], w, (size_t)m * d + 2 * (size_t)m + d)) {
		fprintf(stderr, "bench_kinds: cannot read the inputs\n");
		return 1;
	}
	const char *names[] = { "topk", "jumprelu", "relu" };
	const int kinds[] = { SAE_KIND_TOPK, SAE_KIND_JUMPRELU, SAE_KIND_RELU };
	for (int i = 0; i < 3; i++) {
		sae *s;
		sf_err e;
		if (sae_new(&s, d, m, kinds[i] == SAE_KIND_TOPK ? k : 0, &e) ||
		    (kinds[i] == SAE_KIND_JUMPRELU && sae_add_threshold(s, &e))) {
			fprintf(stderr, "bench_kinds: %s\n", e.msg);
			return 1;
		}
		s->kind = kinds[i];
		s->relu = 1;
		s->normalize = SAE_NORM_NONE;
		memcpy(s->W_enc, w, (size_t)m * d * sizeof *w);
		memcpy(s->W_dec, w, (size_t)m * d * sizeof *w);
		memcpy(s->b_lat, w + (size_t)m * d, (size_t)m * sizeof *w);
		if (s->threshold)
			memcpy(s->threshold, w + (size_t)m * d + m, (size_t)m * sizeof *w);
		memcpy(s->b_pre, w + (size_t)m * d + 2 * (size_t)m, (size_t)d * sizeof *w);
		double l0, rs = run(s, x, B, steps, &l0);
		printf("kind=%s rows_s=%.0f l0=%.1f\n", names[i], rs, l0);
		sae_free(s);
	}
	free(x), free(w);
	return 0;
}
