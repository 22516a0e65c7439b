/* Top-k by a bounded min-heap (see topk.h). Shapes: m values, k kept. */
#include "engine/topk.h"

/* a ranks above b: larger value, or equal value and lower index */
static inline int above(float va, uint32_t ia, float vb, uint32_t ib)
{
	return va > vb || (va == vb && ia < ib);
}

/* restore the min-heap (root = lowest ranked) below position i */
static void sift_down(float *hv, uint32_t *hi, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, lo = i;
		if (l < n && above(hv[lo], hi[lo], hv[l], hi[l]))
			lo = l;
		if (r < n && above(hv[lo], hi[lo], hv[r], hi[r]))
			lo = r;
		if (lo == i)
			return;
		float tv = hv[i];
		uint32_t ti = hi[i];
		hv[i] = hv[lo], hi[i] = hi[lo];
		hv[lo] = tv, hi[lo] = ti;
		i = lo;
	}
}

static void sift_up(float *hv, uint32_t *hi, int i)
{
	while (i > 0) {
		int p = (i - 1) / 2;
		if (!above(hv[p], hi[p], hv[i], hi[i]))
			return;
		float tv = hv[i];
		uint32_t ti = hi[i];
		hv[i] = hv[p], hi[i] = hi[p];
		hv[p] = tv, hi[p] = ti;
		i = p;
	}
}

/* heap -> sorted largest first, by repeatedly moving the root to the end */
static void heap_sort_desc(float *hv, uint32_t *hi, int n)
{
	for (int end = n - 1; end > 0; end--) {
		float tv = hv[0];
		uint32_t ti = hi[0];
		hv[0] = hv[end], hi[0] = hi[end];
		hv[end] = tv, hi[end] = ti;
		sift_down(hv, hi, end, 0);
	}
}

int topk_select(const float *v, const float *bias, const uint8_t *mask, int m, int k,
                uint32_t *idx, float *val)
{
	int n = 0, j = 0;
	if (k <= 0)
		return 0;
	/* fill the heap with the first k allowed values */
	for (; j < m && n < k; j++) {
		if (mask && !mask[j])
			continue;
		val[n] = v[j] + (bias ? bias[j] : 0.0f);
		idx[n] = (uint32_t)j;
		sift_up(val, idx, n);
		n++;
	}
	if (n == k) {
		/* scanning in increasing j, an equal value never ranks above the
		 * root, so a strict compare against the threshold suffices */
		float thr = val[0];
		if (!mask && bias) {
			for (; j < m; j++) {
				float x = v[j] + bias[j];
				if (x > thr) {
					val[0] = x, idx[0] = (uint32_t)j;
					sift_down(val, idx, k, 0);
					thr = val[0];
				}
			}
		} else {
			for (; j < m; j++) {
				if (mask && !mask[j])
					continue;
				float x = v[j] + (bias ? bias[j] : 0.0f);
				if (x > thr) {
					val[0] = x, idx[0] = (uint32_t)j;
					sift_down(val, idx, k, 0);
					thr = val[0];
				}
			}
		}
	}
	heap_sort_desc(val, idx, n);
	return n;
}
