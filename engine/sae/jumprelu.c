/* JumpReLU and ReLU activations (jumprelu.h).
 *
 * Shapes: m latents; one row at a time. A pass keeps the active entries,
 * then a sort orders them as the latents expect (largest first). */
#include "engine/sae/jumprelu.h"

#include <stdlib.h>

typedef struct act_ent {
	float v;
	uint32_t j;
} act_ent;

static int by_value_desc(const void *a, const void *b)
{
	const act_ent *x = a, *y = b;
	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return (x->j > y->j) - (x->j < y->j);
}

/* Insertion sort for the short rows most SAEs give, qsort beyond. */
static void sort_entries(act_ent *a, size_t n)
{
	if (n > 32) {
		qsort(a, n, sizeof *a, by_value_desc);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		act_ent t = a[i];
		size_t q = i;
		while (q > 0 && by_value_desc(&a[q - 1], &t) > 0) {
			a[q] = a[q - 1];
			q--;
		}
		a[q] = t;
	}
}

size_t jumprelu_select(const float *pre, const float *bias, const float *threshold, int m,
                       uint32_t *idx, float *val)
{
	size_t n = 0;
	for (int j = 0; j < m; j++) {
		float v = bias ? pre[j] + bias[j] : pre[j];
		/* !(v > t) drops NaN too; the caller checks finiteness */
		if (!(v > 0) || (threshold && !(v > threshold[j])))
			continue;
		idx[n] = (uint32_t)j;
		val[n] = v;
		n++;
	}
	/* order (value, index) pairs through a scratch copy kept on the stack
	 * for short rows */
	act_ent small[64], *a = n <= 64 ? small : malloc(n * sizeof *a);
	if (!a) {
		/* no memory for the sort: a selection sort in place, slow but right */
		for (size_t i = 0; i < n; i++) {
			size_t b = i;
			for (size_t q = i + 1; q < n; q++)
				if (val[q] > val[b] || (val[q] == val[b] && idx[q] < idx[b]))
					b = q;
			float tv = val[i];
			uint32_t tj = idx[i];
			val[i] = val[b], idx[i] = idx[b];
			val[b] = tv, idx[b] = tj;
		}
		return n;
	}
	for (size_t i = 0; i < n; i++)
		a[i] = (act_ent){ val[i], idx[i] };
	sort_entries(a, n);
	for (size_t i = 0; i < n; i++)
		val[i] = a[i].v, idx[i] = a[i].j;
	if (a != small)
		free(a);
	return n;
}
