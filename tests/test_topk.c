/* topk_select against a full sort, with and without bias and mask,
 * including ties (lower index first) and k = m. */
#include <stdlib.h>
#include <string.h>

#include "engine/sae/topk.h"
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

static int check(int m, int k, int with_bias, int with_mask, int ties, unsigned seed)
{
	float *v = malloc(m * sizeof(float)), *b = malloc(m * sizeof(float));
	uint8_t *mask = malloc(m);
	iv *all = malloc(m * sizeof(iv));
	uint32_t *idx = malloc(k * 4);
	float *val = malloc(k * 4);
	srand(seed);
	int n = 0;
	for (int j = 0; j < m; j++) {
		v[j] = ties ? (float)(rand() % 5) : (float)rand() / RAND_MAX - 0.5f;
		b[j] = with_bias ? (ties ? (float)(rand() % 3) : (float)rand() / RAND_MAX) : 0;
		mask[j] = with_mask ? rand() % 3 == 0 : 1;
		if (mask[j])
			all[n++] = (iv){ v[j] + b[j], (uint32_t)j };
	}
	qsort(all, n, sizeof(iv), cmp_desc);
	int got = topk_select(v, with_bias ? b : NULL, with_mask ? mask : NULL, m, k, idx, val);
	int want = n < k ? n : k, good = got == want;
	for (int i = 0; good && i < want; i++)
		good = idx[i] == all[i].i && val[i] == all[i].v;
	if (good && !with_mask && with_bias) {
		/* the unsorted variant: the same set */
		got = topk_select_unsorted(v, b, m, k, idx, val);
		iv *u = malloc(k * sizeof(iv));
		for (int i = 0; i < got; i++)
			u[i] = (iv){ val[i], idx[i] };
		qsort(u, got, sizeof(iv), cmp_desc);
		good = got == want;
		for (int i = 0; good && i < want; i++)
			good = u[i].i == all[i].i && u[i].v == all[i].v;
		free(u);
	}
	free(v), free(b), free(mask), free(all), free(idx), free(val);
	return good;
}

int main(void)
{
	int ms[] = { 1, 7, 64, 1000, 16384 };
	for (size_t a = 0; a < sizeof ms / sizeof ms[0]; a++) {
		int m = ms[a];
		int ks[] = { 1, m < 4 ? m : 4, m < 64 ? m : 64, m };
		for (int q = 0; q < 4; q++)
			for (int opt = 0; opt < 8; opt++)
				ok(check(m, ks[q], opt & 1, (opt >> 1) & 1, (opt >> 2) & 1, 11 * a + q + opt),
				   "m %d k %d bias %d mask %d ties %d", m, ks[q], opt & 1, (opt >> 1) & 1,
				   (opt >> 2) & 1);
	}
	return done_testing();
}
