/* Log-scale activation density of one feature (density.h). */
#include "engine/analysis/density.h"

#include <math.h>
#include <stdlib.h>
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
	/* the activations in use of each side, strongest first: the range is
	 * their ends */
	size_t len[2];
	const sf_ientry *l[2] = { index_list(ix, feature, SIDE_CHOSEN, &len[0]),
		                  index_list(ix, feature, SIDE_REJECTED, &len[1]) };
	float *act = malloc((len[0] + len[1] + 1) * sizeof *act), mn = INFINITY, mx = 0;
	if (!act)
		return sf_fail(e, "density: out of memory");
	size_t n = 0, from[3] = { 0 };
	for (int i = 0; i < 2; i++) {
		int side = i ? SIDE_REJECTED : SIDE_CHOSEN;
		for (size_t j = 0; j < len[i]; j++)
			if (row_in_use((uint8_t)side, flags[ientry_row(l[i][j])], rows_mode))
				act[n++] = ientry_act(l[i][j]);
		from[i + 1] = n;
		out->active[i] = from[i + 1] - from[i];
		if (out->active[i]) {
			mx = act[from[i]] > mx ? act[from[i]] : mx;
			mn = act[n - 1] < mn ? act[n - 1] : mn;
		}
	}
	if (!(mx > 0)) {
		free(act);
		return 0;
	}
	out->lo = log10(mn);
	out->hi = log10(mx);
	if (out->hi - out->lo < 1e-9) {
		out->lo -= 0.5;
		out->hi += 0.5;
	}
	double scale = nbins / (out->hi - out->lo);
	for (int i = 0; i < 2; i++)
		for (size_t j = from[i]; j < from[i + 1]; j++) {
			int b = (int)((log10(act[j]) - out->lo) * scale);
			out->count[i][b < 0 ? 0 : b >= nbins ? nbins - 1 : b]++;
		}
	free(act);
	return 0;
}
