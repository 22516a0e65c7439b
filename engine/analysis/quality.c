/* SAE quality figures (quality.h). */
#include "engine/analysis/quality.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/codes.h"

enum { CHUNK = 256 };

/* Mean and scale of a raw row as standardize uses them: x = mu + s x~. */
static void row_scale(const float *x, int d, double *mu, double *sc)
{
	double m = 0, v = 0;
	for (int i = 0; i < d; i++)
		m += x[i];
	m /= d;
	for (int i = 0; i < d; i++)
		v += (x[i] - m) * (x[i] - m);
	*mu = m;
	*sc = (d > 1 ? sqrt(v / (d - 1)) : 0) + 1e-6;
}

/* Sums of one pass (all in double). */
typedef struct fit_acc {
	double err, sq, nmse;
	double *sum;        /* [d] of x~ over rows in use */
	uint64_t rows, nmse_rows, l0;
	double *pool;       /* [d] the current response's reconstruction sum */
	size_t pool_n;
	long pool_pair;
	int pool_side;
} fit_acc;

/* Close the current response: its mean into recon_diff (+ chosen,
 * - rejected). */
static void pool_flush(fit_acc *a, float *recon_diff, int d)
{
	float *o = a->pool_pair >= 0 && recon_diff ? recon_diff + (size_t)a->pool_pair * (size_t)d
	                                           : NULL;
	for (int i = 0; i < d; i++) {
		double v = a->pool_n ? a->pool[i] / (double)a->pool_n : NAN;
		if (o && a->pool_side == SIDE_CHOSEN)
			o[i] = (float)v;
		else if (o)
			o[i] = (float)(o[i] - v); /* NaN when the chosen side had no rows */
		a->pool[i] = 0;
	}
	a->pool_n = 0;
}

int quality_fit(sf_quality *q, const store *s, const sae *model, const uint32_t *idx,
                const float *val, int k, const uint64_t *off, int rows_mode, size_t n_pairs, float *recon_diff,
                const sf_progress *p, sf_err *e)
{
	int d = model->d;
	if (store_dim(s) != d)
		return sf_fail(e, "quality: the SAE reads %d dimensions, the rows have %d", d,
		               store_dim(s));
	size_t N = store_nrows(s);
	float *x = malloc((size_t)CHUNK * (size_t)d * sizeof *x), *xs = malloc((size_t)d * sizeof *xs),
	      *xh = malloc((size_t)d * sizeof *xh);
	fit_acc a = { .pool_pair = -1 };
	a.sum = calloc((size_t)d, sizeof *a.sum);
	a.pool = calloc((size_t)d, sizeof *a.pool);
	int rc = 0;
	if (!x || !xs || !xh || !a.sum || !a.pool) {
		rc = sf_fail(e, "quality: out of memory");
		goto out;
	}
	if (recon_diff)
		for (size_t i = 0; i < n_pairs * (size_t)d; i++)
			recon_diff[i] = NAN;
	const uint8_t *sd = store_side(s), *fl = store_flags(s);
	const int32_t *pr = store_pair(s);
	for (size_t r0 = 0; r0 < N && !rc; r0 += CHUNK) {
		size_t n = N - r0 < CHUNK ? N - r0 : CHUNK;
		if (sf_progress_report(p, (double)r0 / (double)N, "quality")) {
			rc = sf_fail(e, "cancelled");
			break;
		}
		if (store_rows_f32(s, r0, n, x, e)) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			size_t r = r0 + i;
			uint8_t side = sd[r];
			if (side != SIDE_CHOSEN && side != SIDE_REJECTED)
				continue;
			const float *xr = x + i * (size_t)d;
			double mu = 0, sc = 1;
			memcpy(xs, xr, (size_t)d * sizeof *xs);
			if (model->normalize == SAE_NORM_STANDARDIZE) {
				row_scale(xr, d, &mu, &sc);
				sae_standardize(xs, 1, d);
			}
			size_t b, ne = codes_row(off, k, r, &b);
			sae_decode_row(model, idx + b, val + b, (int)ne, xh);
			if ((long)pr[r] != a.pool_pair || side != a.pool_side) {
				pool_flush(&a, recon_diff, d);
				a.pool_pair = pr[r] >= 0 && (size_t)pr[r] < n_pairs ? pr[r] : -1;
				a.pool_side = side;
			}
			for (int c = 0; c < d; c++)
				a.pool[c] += mu + sc * xh[c];
			a.pool_n++;
			if (!row_in_use(side, fl[r], rows_mode))
				continue;
			double err = 0, sq = 0;
			for (int c = 0; c < d; c++) {
				double t = (double)xh[c] - xs[c];
				err += t * t;
				sq += (double)xs[c] * xs[c];
				a.sum[c] += xs[c];
			}
			a.err += err;
			a.sq += sq;
			if (sq > 0) {
				a.nmse += err / sq;
				a.nmse_rows++;
			}
			for (size_t j = b; j < b + ne; j++)
				a.l0 += val[j] > 0;
			a.rows++;
		}
	}
	if (rc)
		goto out;
	pool_flush(&a, recon_diff, d);
	double mean_sq = 0;
	for (int c = 0; c < d; c++)
		mean_sq += a.rows ? a.sum[c] * a.sum[c] / (double)a.rows : 0;
	double tot = a.sq - mean_sq; /* sum_r |x~_r - mean|^2 */
	q->rows_mode = rows_mode;
	q->rows = a.rows;
	q->k = k;
	q->d = d;
	q->m = model->m;
	q->ev = tot > 0 ? 1 - a.err / tot : 0;
	q->nmse = a.nmse_rows ? a.nmse / (double)a.nmse_rows : 0;
	q->l0 = a.rows ? (double)a.l0 / (double)a.rows : 0;
out:
	free(x);
	free(xs);
	free(xh);
	free(a.sum);
	free(a.pool);
	return rc;
}

double quality_bin_edge(const sf_quality *q, int b)
{
	return q->hist_lo + (double)b / QUALITY_BINS_PER_DECADE;
}

void quality_features(sf_quality *q, const sf_stats *st)
{
	double rows = (double)st->rows_chosen + (double)st->rows_rejected;
	int decades = rows > 1 ? (int)ceil(log10(rows)) : 1;
	if (decades * QUALITY_BINS_PER_DECADE > QUALITY_MAX_BINS)
		decades = QUALITY_MAX_BINS / QUALITY_BINS_PER_DECADE;
	q->hist_bins = decades * QUALITY_BINS_PER_DECADE;
	q->hist_lo = -decades;
	q->dead = q->dense = 0;
	memset(q->hist, 0, sizeof q->hist);
	for (int f = 0; f < st->m; f++) {
		double act = st->density_chosen[f] * (double)st->rows_chosen +
		             st->density_rejected[f] * (double)st->rows_rejected;
		double dens = rows > 0 ? act / rows : 0;
		if (!(dens > 0)) {
			q->dead++;
			continue;
		}
		q->dense += dens > QUALITY_DENSE;
		int b = (int)floor((log10(dens) - q->hist_lo) * QUALITY_BINS_PER_DECADE);
		q->hist[b < 0 ? 0 : b >= q->hist_bins ? q->hist_bins - 1 : b]++;
	}
}

int quality_head(sf_quality *q, const sf_pooled *raw, const float *recon_diff, const pairs *P,
                 const sf_progress *p, sf_err *e)
{
	q->head = 0;
	q->test_pairs = 0;
	q->acc_raw = q->acc_recon = 0;
	size_t n = P->n, ntrain = 0, ntest = 0;
	if (raw->n_pairs != n)
		return sf_fail(e, "quality: %zu pooled pairs for %zu pairs", raw->n_pairs, n);
	int *split = malloc((n ? n : 1) * sizeof *split), *cat = calloc(n ? n : 1, sizeof *cat);
	float *w = malloc((size_t)raw->d * sizeof *w);
	sf_pooled rec = { 0 };
	int rc = 0;
	if (!split || !cat || !w) {
		rc = sf_fail(e, "quality: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		split[i] = pairs_split(P, i);
		ntrain += split[i] == SPLIT_TRAIN && raw->ok[i];
		ntest += split[i] == SPLIT_TEST && raw->ok[i];
	}
	if (!ntrain || !ntest)
		goto out;
	if (bt_train(w, raw, split, NULL, NULL, p, e) ||
	    bt_pool_from(&rec, recon_diff, n, raw->d, e)) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!raw->ok[i])
			rec.ok[i] = 0; /* the same test pairs on both */
	size_t cnt;
	bt_accuracy(w, raw, split, cat, 1, &q->acc_raw, &cnt);
	q->test_pairs = cnt;
	bt_accuracy(w, &rec, split, cat, 1, &q->acc_recon, &cnt);
	q->head = 1;
out:
	bt_pool_free(&rec);
	free(split);
	free(cat);
	free(w);
	return rc;
}
