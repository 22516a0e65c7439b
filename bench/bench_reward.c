/* Reward attribution and paired salience benchmark on synthetic latents:
 * N rows, k entries per row, m features, pairs of 100 rows (half chosen,
 * half rejected, every 8th row a sentence end), width d for the head.
 * Prints one "name seconds" line per step for bench/reward.sh:
 *   paired_sentence   paired salience with 1000 resamples, from the latents
 *   paired_cached     reading it back from its cache file (what a command
 *                     pays once it is cached)
 *   effects           e = W_dec . w for all m features
 *   explain_pair      one pair's attribution: its rows' scales and codes
 *   latents_open      mapping the latents cache with its checksum, which
 *                     explain (as top and score) pays at every run
 *
 *   bench_reward [N k m d] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/analysis/attrib.h"
#include "engine/analysis/head.h"
#include "engine/analysis/paired.h"
#include "engine/analysis/stats.h"
#include "engine/sae/sae.h"
#include "engine/ws/cache.h"
#include "bench/synth.h"

int main(int argc, char **argv)
{
	size_t N = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	int k = argc > 2 ? atoi(argv[2]) : 64, m = argc > 3 ? atoi(argv[3]) : 16384;
	int d = argc > 4 ? atoi(argv[4]) : 2048;
	const size_t R = 100;
	size_t P = N / R;
	synth_latents S;
	unsigned char *train = malloc(P);
	if (!train || synth_make(&S, N, k, m, R))
		return 1;
	for (size_t i = 0; i < P; i++)
		train[i] = i % 5 != 4;
	uint32_t *idx = S.idx;
	float *val = S.val;
	int32_t *pair = S.pair;
	uint8_t *side = S.side, *flags = S.flags;
	sf_err e;
	sf_paired pd;
	double t0 = synth_now();
	if (paired_compute(&pd, idx, val, NULL, pair, side, flags, N, k, m, train, P, ROWS_SENTENCE,
	                   PAIRED_RESAMPLES, PAIRED_SEED, NULL, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	printf("paired_sentence %.4f\n", synth_now() - t0);

	/* the cache as paired_ws writes and reads it */
	char path[] = "/tmp/bench-paired-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	uint64_t head[2] = { pd.n_pairs, (uint64_t)m };
	cache_hdr h = { .key = { .kind = CACHE_PAIRED, .version = 1, .data_fp = "0123456789abcdef",
	                         .sae_fp = "0123456789abcdef", .param = { 0, N, 1000, 1 } } };
	cache_seg seg[4] = { { head, 16 }, { pd.mean, (size_t)m * 8 }, { pd.lo, (size_t)m * 8 },
		             { pd.hi, (size_t)m * 8 } };
	if (cache_write(path, &h, seg, 4, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	cache_key want = h.key;
	want.match = 15;
	t0 = synth_now();
	cache_map mp;
	sf_paired back;
	if (cache_map_file(&mp, path, &want, NULL, NULL, NULL, &e) != CACHE_CURRENT ||
	    paired_alloc(&back, m, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	memcpy(back.mean, mp.payload + 16, (size_t)m * 8);
	memcpy(back.lo, mp.payload + 16 + (size_t)m * 8, (size_t)m * 8);
	memcpy(back.hi, mp.payload + 16 + (size_t)m * 16, (size_t)m * 8);
	cache_unmap(&mp);
	printf("paired_cached %.6f\n", synth_now() - t0);
	int same = !memcmp(back.lo, pd.lo, (size_t)m * 8);
	paired_free(&back);
	unlink(path);
	printf("paired_mean_max %.6f\n", fabs(pd.mean[0]) > 0 ? fabs(pd.mean[0]) : 0.0);
	printf("cache_roundtrip %d\n", same);

	/* effects: W_dec [m, d] . w [d] */
	float *W = malloc((size_t)m * d * sizeof *W), *w = malloc((size_t)d * sizeof *w);
	double *ef = malloc((size_t)m * sizeof *ef);
	for (size_t i = 0; i < (size_t)m * d; i++)
		W[i] = (float)(synth_unit() - 0.5);
	for (int q = 0; q < d; q++)
		w[q] = (float)(synth_unit() - 0.5);
	t0 = synth_now();
	head_effects(W, m, d, w, ef);
	printf("effects %.4f\n", synth_now() - t0);

	/* one pair's attribution: its 100 raw rows (scales) and codes */
	float *x = malloc(R * (size_t)d * sizeof *x);
	double scale[100];
	double worst = 0;
	for (int rep = 0; rep < 20; rep++) {
		size_t p0 = (size_t)rep * (P / 20) * R;
		for (size_t i = 0; i < R * (size_t)d; i++)
			x[i] = (float)(synth_unit() - 0.5);
		t0 = synth_now();
		for (size_t r = 0; r < R; r++)
			scale[r] = attrib_row_scale(x + r * d, d, SAE_NORM_STANDARDIZE);
		sf_attrib a;
		if (attrib_compute(&a, idx, val, NULL, k, p0, scale, R / 2, p0 + R / 2, scale + R / 2,
		                   R / 2, m, ef, 1.0, &e)) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
		double dt = synth_now() - t0;
		worst = dt > worst ? dt : worst;
		attrib_free(&a);
	}
	printf("explain_pair %.6f\n", worst);

	/* what explain pays first: opening the latents, whose whole payload
	 * is checked at every open (the caches' policy) */
	cache_hdr hl = { .key = { .kind = CACHE_LATENTS, .version = 1,
	                          .data_fp = "0123456789abcdef", .sae_fp = "0123456789abcdef",
	                          .param = { N, (uint64_t)k, (uint64_t)m, 0 } } };
	cache_seg sl[2] = { { idx, N * (size_t)k * 4 }, { val, N * (size_t)k * 4 } };
	char lpath[] = "/tmp/bench-latents-XXXXXX";
	fd = mkstemp(lpath);
	if (fd < 0)
		return 1;
	close(fd);
	if (cache_write(lpath, &hl, sl, 2, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	cache_key wl = hl.key;
	wl.match = 7;
	double best = 1e9;
	for (int rep = 0; rep < 3; rep++) {
		t0 = synth_now();
		if (cache_map_file(&mp, lpath, &wl, NULL, NULL, NULL, &e) != CACHE_CURRENT) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
		cache_unmap(&mp);
		double dt = synth_now() - t0;
		best = dt < best ? dt : best;
	}
	unlink(lpath);
	printf("latents_open %.4f\n", best);
	paired_free(&pd);
	free(W), free(w), free(ef), free(x);
	synth_free(&S);
	free(train);
	return 0;
}
