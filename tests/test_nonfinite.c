/* Non-finite values are caught where they arise: the encoder names the
 * first row whose code overflows (and only that one), and statistics and
 * scores refuse latents that hold infinities instead of ordering them. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/safety.h"
#include "engine/analysis/scores.h"
#include "engine/analysis/stats.h"
#include "engine/formats/store.h"
#include "engine/sae/sae.h"
#include "tests/tap.h"

enum { D = 8, M = 16, K = 4, B = 200 };

static void test_encoder(void)
{
	sae *s;
	sf_err e;
	if (sae_new(&s, D, M, K, &e)) {
		printf("Bail out! %s\n", e.msg);
		exit(1);
	}
	sae_init(s, 5);
	s->normalize = SAE_NORM_NONE;
	for (size_t i = 0; i < (size_t)M * D; i++)
		s->W_enc[i] *= 1e10f;
	float *x = malloc(sizeof(float) * B * D);
	uint32_t *idx = malloc(sizeof(uint32_t) * B * K);
	float *val = malloc(sizeof(float) * B * K);
	sae_encoder *en;
	if (!x || !idx || !val || sae_encoder_new(&en, s, B, &e)) {
		printf("Bail out! encoder\n");
		exit(1);
	}
	for (size_t i = 0; i < (size_t)B * D; i++)
		x[i] = (float)((i * 7919 % 17) - 8) / 8.0f;
	long bad = sae_encode(en, x, B, idx, val);
	ok(bad == -1, "weights of 1e10 on rows of 1: every code finite (%ld)", bad);
	for (int r = 0; r < B * K; r++)
		if (!isfinite(val[r])) {
			ok(0, "value %d is %g", r, val[r]);
			break;
		}
	/* rows 137 and 150 of 1e30: their products overflow */
	for (int j = 0; j < D; j++)
		x[137 * D + j] = x[150 * D + j] = 1e30f * (j % 2 ? 1 : -1);
	bad = sae_encode(en, x, B, idx, val);
	ok(bad == 137, "rows of 1e30: the first overflowing row is named (%ld, want 137)", bad);
	bad = sae_encode(en, x + 140 * D, 20, idx, val);
	ok(bad == 10, "on a block of 20 rows (one thread): row %ld (want 10)", bad);
	sae_encoder_free(en);
	sae_free(s);
	free(x);
	free(idx);
	free(val);
}

static void test_analysis(void)
{
	/* 4 rows: pair 0 chosen, pair 0 rejected, pair 1 chosen, pair 1 rejected */
	uint32_t idx[4 * 2] = { 0, 1, 1, 2, 0, 3, 2, 3 };
	float val[4 * 2] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	int32_t pair[4] = { 0, 0, 1, 1 };
	uint8_t side[4] = { SIDE_CHOSEN, SIDE_REJECTED, SIDE_CHOSEN, SIDE_REJECTED };
	uint8_t flags[4] = { 1, 1, 1, 1 };
	int plus[1] = { 0 }, minus[1] = { 3 };
	sf_safety S = { .n_plus = 1, .n_minus = 1, .plus = plus, .minus = minus };
	sf_stats st;
	sf_scores sc;
	sf_err e;
	int r = stats_compute(&st, idx, val, side, flags, 4, 2, 4, ROWS_SENTENCE, NULL, &e);
	ok(r == 0, "finite latents: stats computed");
	if (!r)
		stats_free(&st);
	r = scores_compute(&sc, idx, val, pair, side, flags, 4, 2, 4, 2, &S, ROWS_SENTENCE, NULL, &e);
	ok(r == 0 && isfinite(sc.score[0]) && isfinite(sc.score[1]), "finite latents: scores");
	if (!r)
		scores_free(&sc);
	val[5] = INFINITY; /* row 2, feature 3 */
	r = stats_compute(&st, idx, val, side, flags, 4, 2, 4, ROWS_SENTENCE, NULL, &e);
	ok(r == -1 && strstr(e.msg, "not finite"), "an infinite latent: stats refused (%s)",
	   r ? e.msg : "accepted");
	r = scores_compute(&sc, idx, val, pair, side, flags, 4, 2, 4, 2, &S, ROWS_SENTENCE, NULL, &e);
	ok(r == -1 && strstr(e.msg, "pair 1 has a non-finite score"),
	   "an infinite latent: scores refused naming the pair (%s)", r ? e.msg : "accepted");
}

int main(void)
{
	plan_lazy();
	test_encoder();
	test_analysis();
	return done_testing();
}
