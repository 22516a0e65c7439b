/* JumpReLU and ReLU activations (jumprelu.h).
 *
 * Shapes: m latents; one row at a time. A pass keeps the active entries
 * (in index order), then a sort by value orders them as the latents
 * expect (largest first, ties by index): insertion for the short rows
 * most SAEs give, a stable radix sort on the value's bits beyond (the
 * scan left ties in index order, which a stable sort keeps). */
#include "engine/sae/jumprelu.h"

#include <stdlib.h>
#include <string.h>

enum { SHORT_ROW = 64 };

/* A key whose ascending order is the values' descending order (positive
 * floats only: their bits order as the values do). */
static inline uint32_t desc_key(float v)
{
	uint32_t u;
	memcpy(&u, &v, sizeof u);
	return ~u;
}

static void insertion_sort(uint32_t *idx, float *val, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		float v = val[i];
		uint32_t j = idx[i];
		size_t q = i;
		while (q > 0 && val[q - 1] < v) { /* ties keep index order */
			val[q] = val[q - 1];
			idx[q] = idx[q - 1];
			q--;
		}
		val[q] = v;
		idx[q] = j;
	}
}

/* LSD radix sort by desc_key, 8 bits a pass, a pass skipped when every key
 * has the same byte there. tmp holds 2n words. 0, or -1 when it could not
 * get the scratch memory (the caller sorts another way). */
static int radix_sort(uint32_t *idx, float *val, size_t n)
{
	uint32_t *buf = malloc(4 * n * sizeof *buf);
	if (!buf)
		return -1;
	uint32_t *ka = buf, *ia = buf + n, *kb = buf + 2 * n, *ib = buf + 3 * n;
	for (size_t i = 0; i < n; i++)
		ka[i] = desc_key(val[i]), ia[i] = idx[i];
	for (int shift = 0; shift < 32; shift += 8) {
		size_t cnt[257] = { 0 };
		for (size_t i = 0; i < n; i++)
			cnt[((ka[i] >> shift) & 255) + 1]++;
		if (cnt[((ka[0] >> shift) & 255) + 1] == n)
			continue; /* one bucket: the order stands */
		for (int b = 0; b < 256; b++)
			cnt[b + 1] += cnt[b];
		for (size_t i = 0; i < n; i++) {
			size_t at = cnt[(ka[i] >> shift) & 255]++;
			kb[at] = ka[i], ib[at] = ia[i];
		}
		uint32_t *t = ka;
		ka = kb, kb = t;
		t = ia, ia = ib, ib = t;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t u = ~ka[i];
		memcpy(&val[i], &u, sizeof u);
		idx[i] = ia[i];
	}
	free(buf);
	return 0;
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
	if (n <= SHORT_ROW || radix_sort(idx, val, n))
		insertion_sort(idx, val, n); /* short, or no memory for the radix: slow but right */
	return n;
}
