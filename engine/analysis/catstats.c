#include "engine/analysis/catstats.h"

#include <stdlib.h>
#include <string.h>

#include "engine/analysis/stats.h"

void catstats_free(sf_catstats *cs)
{
	if (!cs)
		return;
	free(cs->rows);
	free(cs->fires);
	memset(cs, 0, sizeof *cs);
}

int catstats_compute(sf_catstats *out, const sf_index *ix, const int32_t *pair,
                     const uint8_t *side, const uint8_t *flags, size_t n_rows,
                     const size_t *pair_cat, size_t n_pairs, int n_cat, int rows_mode,
                     int feature, sf_err *e)
{
	memset(out, 0, sizeof *out);
	if (n_cat < 1 || ix->n_rows != n_rows || feature >= ix->m)
		return sf_fail(e, "category statistics: bad arguments");
	size_t cells = (size_t)n_cat * 2, all;
	if (sf_mul_size((size_t)ix->m, cells, &all))
		return sf_fail(e, "category statistics: too large");
	out->rows = calloc(cells, sizeof *out->rows);
	out->fires = calloc(all ? all : 1, sizeof *out->fires);
	if (!out->rows || !out->fires) {
		catstats_free(out);
		return sf_fail(e, "category statistics: out of memory");
	}
	out->m = ix->m;
	out->n_cat = n_cat;
	out->rows_mode = rows_mode;
	for (size_t r = 0; r < n_rows; r++) {
		if (!row_in_use(side[r], flags[r], rows_mode) || (size_t)pair[r] >= n_pairs)
			continue;
		out->rows[pair_cat[pair[r]] * 2 + (side[r] == SIDE_REJECTED)]++;
	}
	int f0 = feature < 0 ? 0 : feature, f1 = feature < 0 ? ix->m : feature + 1;
	for (int f = f0; f < f1; f++) {
		uint64_t *fc = out->fires + (size_t)f * cells;
		for (int s = SIDE_CHOSEN; s <= SIDE_REJECTED; s++) {
			size_t n;
			const sf_ientry *l = index_list(ix, f, s, &n);
			for (size_t i = 0; i < n; i++) {
				uint32_t r = ientry_row(l[i]);
				if (r < n_rows && row_in_use((uint8_t)s, flags[r], rows_mode) &&
				    (size_t)pair[r] < n_pairs && ientry_act(l[i]) > 0)
					fc[pair_cat[pair[r]] * 2 + (s == SIDE_REJECTED)]++;
			}
		}
	}
	return 0;
}

double catstats_density(const sf_catstats *cs, int f, int c, int s)
{
	size_t cell = (size_t)c * 2 + (size_t)s;
	uint64_t rows = cs->rows[cell];
	return rows ? (double)cs->fires[(size_t)f * cs->n_cat * 2 + cell] / (double)rows : 0;
}
