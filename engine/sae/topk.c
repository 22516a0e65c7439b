/* Top-k by a bounded min-heap (see topk.h). Shapes: m values, k kept. */
#include "engine/sae/topk.h"

#include <math.h>
#include <string.h>

#include "engine/base/hot.h"

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

/* The scan for the common case (bias, no mask): blocks of 16 are first
 * counted against the threshold with a vectorised compare, and only blocks
 * holding a candidate are walked one by one. thr = max(heap root, floor). */
HOT static void scan_bias(const float *v, const float *bias, int j, int m, int k, uint32_t *idx,
                          float *val, float floor)
{
	float thr = val[0] > floor ? val[0] : floor;
	for (; j + 16 <= m; j += 16) {
		float t[16];
		int cnt = 0;
		for (int i = 0; i < 16; i++) {
			t[i] = v[j + i] + bias[j + i];
			cnt += t[i] > thr;
		}
		if (!cnt)
			continue;
		for (int i = 0; i < 16; i++) {
			if (t[i] > thr) {
				val[0] = t[i], idx[0] = (uint32_t)(j + i);
				sift_down(val, idx, k, 0);
				thr = val[0] > floor ? val[0] : floor;
			}
		}
	}
	for (; j < m; j++) {
		float x = v[j] + bias[j];
		if (x > thr) {
			val[0] = x, idx[0] = (uint32_t)j;
			sift_down(val, idx, k, 0);
			thr = val[0] > floor ? val[0] : floor;
		}
	}
}

#define TOPK_MAXBLK 4096
#define TOPK_MAXCAND 4096

/* Maxima of W strided groups: mx[i] = max of v[i + t W] + bias[i + t W].
 * Any partition into groups serves the bound below; strided ones keep
 * every operation a vertical vector max, with no horizontal reductions. */
HOT static void group_max(const float *v, const float *bias, int m, int W, float *mx)
{
	for (int i = 0; i < W; i++)
		mx[i] = v[i] + bias[i];
	int j = W;
	for (; j + W <= m; j += W)
		for (int i = 0; i < W; i++) {
			float x = v[j + i] + bias[j + i];
			mx[i] = x > mx[i] ? x : mx[i];
		}
	for (int i = 0; j + i < m; i++) {
		float x = v[j + i] + bias[j + i];
		mx[i] = x > mx[i] ? x : mx[i];
	}
}

/* Values >= floor into (cv, ci), in index order; returns their count, or
 * -1 when more than cap. Only the groups of group_max whose maximum
 * reaches floor can hold one, about k of the W groups: their members
 * are visited, round by round (index i + t W for t = 0, 1, ...), which
 * keeps index order, and the rest of the row is not read again. */
HOT static int gather_cand(const float *v, const float *bias, int m, int W, const float *mx,
                           float floor, float *cv, uint32_t *ci, int cap)
{
	uint32_t g[TOPK_MAXBLK];
	int ng = 0;
	for (int i = 0; i < W; i++) {
		g[ng] = (uint32_t)i;
		ng += mx[i] >= floor;
	}
	int n = 0;
	for (int j = 0; j < m; j += W) {
		if (n + ng > cap)
			return -1;
		/* branch-free compaction: always write, advance when kept */
		for (int q = 0; q < ng; q++) {
			uint32_t at = (uint32_t)j + g[q];
			if (at >= (uint32_t)m)
				break; /* the last round is partial; g ascends */
			float x = v[at] + bias[at];
			cv[n] = x, ci[n] = at;
			n += x >= floor;
		}
	}
	return n;
}

static inline void swap2(float *v, uint32_t *ix, int a, int b)
{
	float tv = v[a];
	uint32_t ti = ix[a];
	v[a] = v[b], ix[a] = ix[b];
	v[b] = tv, ix[b] = ti;
}

/* Quickselect: afterwards (v, ix)[0..k) are the k highest ranked of the n
 * (value, index) pairs, in no particular order. Partitions are branch-free
 * (every element is swapped, the write position advances by the compare). */
static void select_k(float *v, uint32_t *ix, int n, int k)
{
	int lo = 0, hi = n;
	while (hi - lo > 1 && lo < k) {
		int mid = lo + (hi - lo) / 2, a = lo, c = hi - 1, p;
		/* median of three */
		if (above(v[a], ix[a], v[mid], ix[mid]))
			p = above(v[mid], ix[mid], v[c], ix[c]) ? mid :
			    above(v[a], ix[a], v[c], ix[c]) ? c : a;
		else
			p = above(v[a], ix[a], v[c], ix[c]) ? a :
			    above(v[mid], ix[mid], v[c], ix[c]) ? c : mid;
		swap2(v, ix, p, hi - 1);
		float pv = v[hi - 1];
		uint32_t pi = ix[hi - 1];
		int w = lo;
		for (int i = lo; i < hi - 1; i++) {
			int up = (v[i] > pv) | ((v[i] == pv) & (ix[i] < pi));
			swap2(v, ix, i, w);
			w += up;
		}
		swap2(v, ix, w, hi - 1); /* the pivot lands at w */
		if (w == k || w + 1 == k)
			return;
		if (w > k)
			hi = w;
		else
			lo = w + 1;
	}
}

/* The k-th largest of n values (a scratch copy is reordered): quickselect
 * with branch-free partitions. */
static float kth_largest(float *a, int n, int k)
{
	int lo = 0, hi = n, want = k - 1;
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		float x = a[lo], y = a[mid], z = a[hi - 1];
		float p = x > y ? (y > z ? y : (x > z ? z : x)) : (x > z ? x : (y > z ? z : y));
		/* three ways: > p to the front, == p next, < p last */
		int w = lo;
		for (int i = lo; i < hi; i++) {
			float t = a[i];
			a[i] = a[w];
			a[w] = t;
			w += t > p;
		}
		int e = w;
		for (int i = w; i < hi; i++) {
			float t = a[i];
			a[i] = a[e];
			a[e] = t;
			e += t == p;
		}
		if (want < w)
			hi = w;
		else if (want < e)
			return p;
		else
			lo = e;
	}
	return a[lo];
}

/* Two passes: the k-th largest of the group maxima is a value with at
 * least k values >= it, so it bounds the answer from below; the second
 * pass keeps only values at or above it (about k of them), and a
 * quickselect picks the k. No heap: its updates mispredict. Returns -1
 * when too many values tie at the bound (the caller falls back). */
static int topk_two_pass(const float *v, const float *bias, int m, int k, uint32_t *idx,
                         float *val)
{
	float mx[TOPK_MAXBLK], cv[TOPK_MAXCAND];
	uint32_t ci[TOPK_MAXCAND];
	/* about 16 values per group, at least 4k groups (m >= 64 k) */
	int nb = (m / 16) & ~7;
	if (nb > TOPK_MAXBLK)
		nb = TOPK_MAXBLK;
	if (nb < 4 * k || nb < 8)
		return -1; /* too few groups for a useful bound */
	float sel[TOPK_MAXBLK]; /* kth_largest reorders its copy; gather_cand reads mx */
	group_max(v, bias, m, nb, mx);
	memcpy(sel, mx, nb * sizeof(float));
	float floor = kth_largest(sel, nb, k);
	int n = gather_cand(v, bias, m, nb, mx, floor, cv, ci, TOPK_MAXCAND);
	if (n < k)
		return -1;
	select_k(cv, ci, n, k);
	memcpy(val, cv, k * sizeof(float));
	memcpy(idx, ci, k * sizeof(uint32_t));
	return 0;
}

/* insertion sort, largest first (k is small) */
static void sort_desc(float *v, uint32_t *ix, int n)
{
	for (int i = 1; i < n; i++) {
		float tv = v[i];
		uint32_t ti = ix[i];
		int j = i - 1;
		while (j >= 0 && above(tv, ti, v[j], ix[j])) {
			v[j + 1] = v[j], ix[j + 1] = ix[j];
			j--;
		}
		v[j + 1] = tv, ix[j + 1] = ti;
	}
}

int topk_select_unsorted(const float *v, const float *bias, int m, int k, uint32_t *idx,
                         float *val)
{
	if (k > 0 && bias && m >= 64 * k && k <= TOPK_MAXBLK / 4 &&
	    topk_two_pass(v, bias, m, k, idx, val) == 0)
		return k;
	return topk_select(v, bias, NULL, m, k, idx, val);
}

int topk_select(const float *v, const float *bias, const uint8_t *mask, int m, int k,
                uint32_t *idx, float *val)
{
	int n = 0, j = 0;
	if (k <= 0)
		return 0;
	if (!mask && bias && m >= 64 * k && k <= TOPK_MAXBLK / 4 &&
	    topk_two_pass(v, bias, m, k, idx, val) == 0) {
		sort_desc(val, idx, k);
		return k;
	}
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
			scan_bias(v, bias, j, m, k, idx, val, -INFINITY);
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
