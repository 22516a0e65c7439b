/* One pair's reward attribution from the store and the latents. */
#include "engine/ws/attrib_ws.h"

#include <stdlib.h>
#include <string.h>

/* Rows [b, e) of one side: scale[r - b] and the mean row into mean [d]. */
static int side_rows(const store *s, size_t b, size_t e_, int normalize, double *scale,
                     double *mean, float *buf, sf_err *e)
{
	int d = store_dim(s);
	memset(mean, 0, (size_t)d * sizeof *mean);
	for (size_t r = b; r < e_; r++) {
		if (store_rows_f32(s, r, 1, buf, e))
			return -1;
		scale[r - b] = attrib_row_scale(buf, d, normalize);
		for (int q = 0; q < d; q++)
			mean[q] += buf[q];
	}
	for (int q = 0; q < d; q++)
		mean[q] /= (double)(e_ - b);
	return 0;
}

int attrib_pair_ws(sf_attrib *out, const store *s, const latents *l, const sf_head *h,
                   const sf_effects *ef, size_t pair, sf_err *e)
{
	memset(out, 0, sizeof *out);
	size_t cb, ce, rb, re;
	store_response_rows(s, pair, SIDE_CHOSEN, &cb, &ce);
	store_response_rows(s, pair, SIDE_REJECTED, &rb, &re);
	if (cb == ce || rb == re)
		return sf_fail(e, "pair %zu has no activation rows for its %s response", pair,
		               cb == ce ? "chosen" : "rejected");
	int d = store_dim(s);
	if (h->d != d || ef->m != l->m)
		return sf_fail(e, "attribution: the head or the effects do not fit the data");
	double *scale = malloc((ce - cb + re - rb) * sizeof *scale);
	double *mc = malloc((size_t)d * sizeof *mc), *mr = malloc((size_t)d * sizeof *mr);
	float *buf = malloc((size_t)d * sizeof *buf);
	int rc = 0;
	if (!scale || !mc || !mr || !buf)
		rc = sf_fail(e, "attribution: out of memory");
	if (!rc)
		rc = side_rows(s, cb, ce, ef->normalize, scale, mc, buf, e);
	if (!rc)
		rc = side_rows(s, rb, re, ef->normalize, scale + (ce - cb), mr, buf, e);
	if (!rc) {
		double margin = 0;
		for (int q = 0; q < d; q++)
			margin += (double)h->w[q] * (mc[q] - mr[q]);
		rc = attrib_compute(out, l->idx, l->val, l->off, l->k, cb, scale, ce - cb, rb,
		                    scale + (ce - cb), re - rb, l->m, ef->e, margin, e);
	}
	free(scale);
	free(mc);
	free(mr);
	free(buf);
	return rc;
}
