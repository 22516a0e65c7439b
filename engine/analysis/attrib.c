/* Reward attribution of one pair: see attrib.h. */
#include "engine/analysis/attrib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/codes.h"
#include "engine/sae/sae.h"

/* The factor s_r with x = mu_r + s_r x~ (standardize, layer_norm) or
 * x = s_r x~ (constant_norm_rescale), as sae_normalize_rows scales rows. */
double attrib_row_scale(const float *x, int d, int normalize)
{
	if (d < 2)
		return 1.0;
	if (normalize == SAE_NORM_CONST_NORM) {
		double ss = 0;
		for (int q = 0; q < d; q++)
			ss += (double)x[q] * x[q];
		return sqrt(ss / d);
	}
	if (normalize != SAE_NORM_STANDARDIZE && normalize != SAE_NORM_LAYER_NORM)
		return 1.0;
	double mean = 0;
	for (int q = 0; q < d; q++)
		mean += x[q];
	mean /= d;
	double ss = 0;
	for (int q = 0; q < d; q++)
		ss += (x[q] - mean) * (x[q] - mean);
	double eps = normalize == SAE_NORM_LAYER_NORM ? (double)SAE_LN_EPS : (double)SAE_STD_EPS;
	return sqrt(ss / (d - 1)) + eps;
}

/* acc[j] += sign/n * s_r * z_rj over one side's rows [r0, r0 + n). */
static int add_side(double *acc, unsigned char *seen, int *touched, size_t *nt,
                    const uint32_t *idx, const float *val, const uint64_t *off, int k,
                    size_t r0, const double *scale, size_t n, int m, double sign, sf_err *e)
{
	if (!n)
		return 0;
	double w = sign / (double)n;
	for (size_t r = 0; r < n; r++) {
		size_t b, cnt = codes_row(off, k, r0 + r, &b);
		for (size_t q = b; q < b + cnt; q++) {
			uint32_t j = idx[q];
			float z = val[q];
			if (z == 0)
				continue;
			if (j >= (uint32_t)m)
				return sf_fail(e, "attribution: feature %u out of range", j);
			if (!seen[j]) {
				seen[j] = 1;
				touched[(*nt)++] = (int)j;
			}
			acc[j] += w * scale[r] * (double)z;
		}
	}
	return 0;
}

static int by_size(const void *a, const void *b)
{
	const sf_contrib *x = a, *y = b;
	double ax = fabs(x->value), ay = fabs(y->value);
	if (ax != ay)
		return ax > ay ? -1 : 1;
	return (x->feature > y->feature) - (x->feature < y->feature);
}

int attrib_compute(sf_attrib *out, const uint32_t *idx, const float *val, const uint64_t *off,
                   int k, size_t c0, const double *scale_c, size_t n_c, size_t r0,
                   const double *scale_r, size_t n_r, int m, const double *effect,
                   double margin, sf_err *e)
{
	memset(out, 0, sizeof *out);
	double *acc = calloc((size_t)m, sizeof *acc);
	unsigned char *seen = calloc((size_t)m, 1);
	int *touched = malloc((size_t)m * sizeof *touched);
	size_t nt = 0;
	int rc = 0;
	if (!acc || !seen || !touched)
		rc = sf_fail(e, "attribution: out of memory");
	if (!rc)
		rc = add_side(acc, seen, touched, &nt, idx, val, off, k, c0, scale_c, n_c, m, 1.0, e);
	if (!rc)
		rc = add_side(acc, seen, touched, &nt, idx, val, off, k, r0, scale_r, n_r, m, -1.0, e);
	if (!rc && !(out->c = malloc((nt ? nt : 1) * sizeof *out->c)))
		rc = sf_fail(e, "attribution: out of memory");
	if (!rc) {
		for (size_t i = 0; i < nt; i++) {
			int j = touched[i];
			double v = acc[j] * effect[j];
			out->features_sum += v;
			if (v != 0)
				out->c[out->n++] = (sf_contrib){ j, v };
		}
		qsort(out->c, out->n, sizeof *out->c, by_size);
		out->margin = margin;
		out->residual = margin - out->features_sum;
	}
	free(acc);
	free(seen);
	free(touched);
	if (rc)
		attrib_free(out);
	return rc;
}

void attrib_free(sf_attrib *a)
{
	if (!a)
		return;
	free(a->c);
	memset(a, 0, sizeof *a);
}

double attrib_rest(const sf_attrib *a, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n && i < a->n; i++)
		s += a->c[i].value;
	return a->margin - s;
}
