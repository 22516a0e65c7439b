/* Label carry-over by decoder cosine (carry.h).
 *
 * Shapes: n labelled old features, m new features, d width. One GEMM
 * gives the n x m cosines of unit-normalised columns; every pair at or
 * above the floor is a candidate; a greedy pass over the candidates, best
 * first, takes a pair when neither side is taken yet (the one-to-one
 * matching that "best first" means). */
#include "engine/analysis/carry.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* rows of src [.., d] listed in pick (NULL: the first count), each
 * scaled to unit norm (a zero row stays zero) into dst [count, d] */
static void unit_rows(const float *src, const int *pick, size_t count, int d, float *dst)
{
	for (size_t i = 0; i < count; i++) {
		const float *r = src + (size_t)(pick ? pick[i] : (int)i) * d;
		double ss = 0;
		for (int c = 0; c < d; c++)
			ss += (double)r[c] * r[c];
		float inv = ss > 0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
		for (int c = 0; c < d; c++)
			dst[i * d + c] = r[c] * inv;
	}
}

static int by_cosine(const void *a, const void *b)
{
	const sf_carry *x = a, *y = b;
	if (x->cosine != y->cosine)
		return x->cosine > y->cosine ? -1 : 1;
	if (x->old_feature != y->old_feature)
		return x->old_feature < y->old_feature ? -1 : 1;
	return (x->new_feature > y->new_feature) - (x->new_feature < y->new_feature);
}

int carry_match(const float *dec_old, int m_old, const float *dec_new, int m_new, int d,
                const int *feat, size_t n, double min_cos, sf_carry **out, size_t *n_out,
                sf_err *e)
{
	*out = NULL;
	*n_out = 0;
	for (size_t i = 0; i < n; i++)
		if (feat[i] < 0 || feat[i] >= m_old)
			return sf_fail(e, "carry: feature %d is not one of the old SAE's %d", feat[i],
			               m_old);
	if (!n || m_new <= 0)
		return 0;
	float *a = malloc(n * (size_t)d * sizeof *a);
	float *b = malloc((size_t)m_new * d * sizeof *b);
	float *cs = malloc(n * (size_t)m_new * sizeof *cs);
	size_t cap = 0, nc = 0;
	sf_carry *cand = NULL;
	int rc = 0;
	if (!a || !b || !cs) {
		rc = sf_fail(e, "carry: out of memory for %zu x %d cosines", n, m_new);
		goto done;
	}
	unit_rows(dec_old, feat, n, d, a);
	unit_rows(dec_new, NULL, (size_t)m_new, d, b);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, m_new, d, 1.0f, a, d, b, d,
	            0.0f, cs, m_new);
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < m_new; f++) {
			double c = cs[i * m_new + f];
			if (!(c >= min_cos))
				continue;
			if (nc == cap) {
				size_t nn = cap ? 2 * cap : 256;
				sf_carry *g = realloc(cand, nn * sizeof *g);
				if (!g) {
					rc = sf_fail(e, "carry: out of memory for the candidates");
					goto done;
				}
				cand = g, cap = nn;
			}
			cand[nc++] = (sf_carry){ feat[i], f, c > 1 ? 1 : c };
		}
	qsort(cand, nc, sizeof *cand, by_cosine);
	unsigned char *used_new = calloc((size_t)m_new, 1), *used_old = calloc((size_t)m_old, 1);
	if (!used_new || !used_old) {
		free(used_new), free(used_old);
		rc = sf_fail(e, "carry: out of memory");
		goto done;
	}
	size_t k = 0;
	for (size_t i = 0; i < nc; i++) {
		sf_carry c = cand[i];
		if (used_old[c.old_feature] || used_new[c.new_feature])
			continue;
		used_old[c.old_feature] = used_new[c.new_feature] = 1;
		cand[k++] = c; /* k <= i: written behind the reader */
	}
	free(used_new), free(used_old);
	*out = cand;
	*n_out = k;
	cand = NULL;
done:
	free(a), free(b), free(cs), free(cand);
	return rc;
}
