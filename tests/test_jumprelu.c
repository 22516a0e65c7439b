/* jumprelu_select against a plain filter and sort: JumpReLU (pre > the
 * latent's threshold and > 0, as SAELens's ReLU then mask), ReLU (no
 * threshold), with bias, ties (lower index first), a value equal to its
 * threshold (not active), NaN (never active), and a row with none. Then
 * the encoder's varying rows against the same filter on its own
 * pre-activations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sae/jumprelu.h"
#include "engine/sae/sae.h"
#include "tests/tap.h"

typedef struct iv {
	float v;
	uint32_t i;
} iv;

static int cmp_desc(const void *a, const void *b)
{
	const iv *x = a, *y = b;
	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The reference: every j with v > thr_j (thr NULL: 0) and v > 0, sorted. */
static size_t reference(const float *pre, const float *b, const float *thr, int m, iv *out)
{
	size_t n = 0;
	for (int j = 0; j < m; j++) {
		float v = b ? pre[j] + b[j] : pre[j];
		if (v > 0 && (!thr || v > thr[j]))
			out[n++] = (iv){ v, (uint32_t)j };
	}
	qsort(out, n, sizeof *out, cmp_desc);
	return n;
}

static int check(int m, int with_bias, int with_thr, int ties, unsigned seed)
{
	float *pre = malloc(m * 4), *b = malloc(m * 4), *thr = malloc(m * 4), *val = malloc(m * 4);
	uint32_t *idx = malloc(m * 4);
	iv *want = malloc(m * sizeof *want);
	srand(seed);
	for (int j = 0; j < m; j++) {
		pre[j] = ties ? (float)(rand() % 5) - 2 : (float)rand() / RAND_MAX * 4 - 2;
		b[j] = ties ? (float)(rand() % 2) : (float)rand() / RAND_MAX - 0.5f;
		thr[j] = ties ? (float)(rand() % 3) - 1 : (float)rand() / RAND_MAX;
	}
	if (with_thr && !with_bias && m > 3) {
		pre[1] = thr[1] = 0.75f; /* equal: not active */
		pre[2] = NAN;            /* never active */
	}
	size_t n = reference(pre, with_bias ? b : NULL, with_thr ? thr : NULL, m, want);
	size_t got = jumprelu_select(pre, with_bias ? b : NULL, with_thr ? thr : NULL, m, idx, val);
	int good = got == n;
	for (size_t i = 0; good && i < n; i++)
		good = idx[i] == want[i].i && val[i] == want[i].v;
	ok(good, "m %d bias %d threshold %d ties %d: %zu active (want %zu), in order", m, with_bias,
	   with_thr, ties, got, n);
	free(pre), free(b), free(thr), free(val), free(idx), free(want);
	return good;
}

/* sae_encode_var's rows equal the filter applied to W_enc (x - b_pre) + b_lat. */
static void check_encoder(int kind)
{
	int d = 12, m = 80, B = 70; /* B >= 64: the threaded path */
	sae *s;
	sf_err e;
	if (!ok(sae_new(&s, d, m, 0, &e) == 0, "an SAE of 80 x 12"))
		return;
	sae_init(s, 3);
	s->kind = kind;
	s->normalize = SAE_NORM_NONE;
	if (kind == SAE_KIND_JUMPRELU)
		sae_add_threshold(s, &e);
	for (int j = 0; j < m; j++) {
		s->b_lat[j] = (float)(j % 7) * 0.05f - 0.1f;
		if (s->threshold)
			s->threshold[j] = (float)(j % 5) * 0.1f;
	}
	for (int c = 0; c < d; c++)
		s->b_pre[c] = 0.01f * c;
	float *x = malloc((size_t)B * d * 4), *pre = malloc((size_t)m * 4);
	iv *want = malloc((size_t)m * sizeof *want);
	uint32_t *cnt = malloc((size_t)B * 4);
	srand(9);
	for (int i = 0; i < B * d; i++)
		x[i] = (float)rand() / RAND_MAX * 2 - 1;
	sae_encoder *en;
	int good = sae_encoder_new(&en, s, (size_t)B, &e) == 0 && sae_encode_var(en, x, B, cnt) < 0;
	size_t total = 0;
	for (int r = 0; good && r < B; r++) {
		for (int j = 0; j < m; j++) {
			double a = 0;
			for (int c = 0; c < d; c++)
				a += (double)s->W_enc[(size_t)j * d + c] * (x[r * d + c] - s->b_pre[c]);
			pre[j] = (float)a;
		}
		size_t n = reference(pre, s->b_lat, s->threshold, m, want);
		const uint32_t *ri;
		const float *rv;
		size_t got = sae_encoder_row(en, (size_t)r, &ri, &rv);
		good = got == n && got == cnt[r];
		for (size_t i = 0; good && i < n; i++)
			good = ri[i] == want[i].i && fabsf(rv[i] - want[i].v) < 1e-5f;
		total += got;
		if (!good)
			diag("row %d: %zu active, want %zu", r, got, n);
	}
	ok(good && total > 0, "%s encoder: %zu active latents over %d rows, as the filter gives",
	   sae_kind_name(kind), total, B);
	sae_encoder_free(en);
	free(x), free(pre), free(want), free(cnt);
	sae_free(s);
}

int main(void)
{
	plan_lazy();
	for (int bias = 0; bias < 2; bias++)
		for (int thr = 0; thr < 2; thr++)
			for (int ties = 0; ties < 2; ties++) {
				check(200, bias, thr, ties, 1 + bias + 2 * thr + 4 * ties);
				check(5, bias, thr, ties, 7 + bias);
			}
	float none[4] = { -1, -2, 0, -0.5f };
	uint32_t idx[4];
	float val[4];
	ok(jumprelu_select(none, NULL, NULL, 4, idx, val) == 0, "a row with no positive value has none");
	check_encoder(SAE_KIND_JUMPRELU);
	check_encoder(SAE_KIND_RELU);
	return done_testing();
}
