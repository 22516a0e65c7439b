/* Log-scale activation density of one feature (density.h). */
#include "engine/analysis/density.h"

#include <math.h>
#include <string.h>

#include "engine/analysis/stats.h"
#include "engine/analysis/top.h"

double density_edge(const sf_density *d, int b)
{
	return pow(10.0, d->lo + (d->hi - d->lo) * b / d->nbins);
}

int density_feature(const sf_index *ix, const store *s, int feature, int rows_mode,
                    size_t rows_chosen, size_t rows_rejected, int nbins, sf_density *out,
                    sf_err *e)
{
	memset(out, 0, sizeof *out);
	if (nbins < 1 || nbins > DENSITY_MAX_BINS)
		return sf_fail(e, "density: bins must be from 1 to %d", DENSITY_MAX_BINS);
	if (top_check(ix, s, feature, SIDE_CHOSEN, e))
		return -1;
	out->nbins = nbins;
	out->rows[0] = rows_chosen;
	out->rows[1] = rows_rejected;
	const uint8_t *flags = store_flags(s);
	float mn = INFINITY, mx = 0;
	for (int i = 0; i < 2; i++) {
		int side = i ? SIDE_REJECTED : SIDE_CHOSEN;
		size_t len;
		const sf_ientry *l = index_list(ix, feature, side, &len);
		for (size_t j = 0; j < len; j++) {
			if (!row_in_use((uint8_t)side, flags[ientry_row(l[j])], rows_mode))
				continue;
			float a = ientry_act(l[j]);
			mn = a < mn ? a : mn;
			mx = a > mx ? a : mx;
			out->active[i]++;
		}
	}
	if (!(mx > 0))
		return 0;
	out->lo = log10(mn);
	out->hi = log10(mx);
	if (out->hi - out->lo < 1e-9) {
		out->lo -= 0.5;
		out->hi += 0.5;
	}
	double scale = nbins / (out->hi - out->lo);
	for (int i = 0; i < 2; i++) {
		int side = i ? SIDE_REJECTED : SIDE_CHOSEN;
		size_t len;
		const sf_ientry *l = index_list(ix, feature, side, &len);
		for (size_t j = 0; j < len; j++) {
			if (!row_in_use((uint8_t)side, flags[ientry_row(l[j])], rows_mode))
				continue;
			int b = (int)((log10(ientry_act(l[j])) - out->lo) * scale);
			out->count[i][b < 0 ? 0 : b >= nbins ? nbins - 1 : b]++;
		}
	}
	return 0;
}
