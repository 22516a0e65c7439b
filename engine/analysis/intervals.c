/* Interval and random samples of a feature's activating rows (§11). */
#include "engine/analysis/intervals.h"

#include <stdlib.h>

#include "engine/analysis/stats.h"
#include "engine/base/rng.h"

/* The positions in the (feature, side) list of the rows in use, strongest
 * first, into a fresh array (*pos; NULL when every row of the list is in
 * use, as with rows "all": position i is then i). *n gets how many, and
 * *total (may be NULL) too. The arguments are checked first. */
static int in_use(const sf_index *ix, const store *s, int feature, int side, int rows_mode,
                  const sf_ientry **list, uint32_t **pos, size_t *n, size_t *total, sf_err *e)
{
	if (top_check(ix, s, feature, side, e))
		return -1;
	if (total)
		*total = 0;
	size_t len;
	*list = index_list(ix, feature, side, &len);
	*pos = NULL;
	*n = len;
	if (rows_mode == ROWS_ALL) {
		if (total)
			*total = len;
		return 0;
	}
	const uint8_t *flags = store_flags(s);
	uint32_t *p = malloc((len ? len : 1) * sizeof *p);
	if (!p)
		return sf_fail(e, "interval samples: out of memory");
	size_t got = 0;
	for (size_t i = 0; i < len; i++)
		if (row_in_use((uint8_t)side, flags[ientry_row((*list)[i])], rows_mode))
			p[got++] = (uint32_t)i;
	*pos = p;
	*n = got;
	if (total)
		*total = got;
	return 0;
}

/* The list entry of ascending rank a among n in use. */
static sf_ientry at_rank(const sf_ientry *list, const uint32_t *pos, size_t n, size_t a)
{
	size_t i = n - 1 - a;
	return list[pos ? pos[i] : i];
}

int intervals_rows(const sf_index *ix, const store *s, int feature, int side, int rows_mode,
                   int Q, size_t per, int window, sf_interval *iv, sf_top_row *out,
                   int *quant, size_t *n_out, size_t *total, sf_err *e)
{
	*n_out = 0;
	if (Q < 1 || Q > INTERVALS_MAX)
		return sf_fail(e, "interval samples: Q must be from 1 to %d", INTERVALS_MAX);
	const sf_ientry *list;
	uint32_t *pos;
	size_t n;
	if (in_use(ix, s, feature, side, rows_mode, &list, &pos, &n, total, e))
		return -1;
	size_t got = 0;
	for (int q = 0; q < Q; q++) {
		sf_interval *v = &iv[q];
		v->begin = (size_t)((uint64_t)q * n / (uint64_t)Q);
		v->end = (size_t)((uint64_t)(q + 1) * n / (uint64_t)Q);
		v->lo = v->hi = 0;
		size_t c = v->end - v->begin;
		if (!c)
			continue;
		v->lo = ientry_act(at_rank(list, pos, n, v->begin));
		v->hi = ientry_act(at_rank(list, pos, n, v->end - 1));
		size_t take = per < c ? per : c;
		for (size_t t = 0; t < take; t++) {
			size_t a = v->begin + (take == c ? t : (size_t)((2 * (uint64_t)t + 1) * c /
			                                                 (2 * (uint64_t)take)));
			sf_ientry x = at_rank(list, pos, n, a);
			if (quant)
				quant[got] = q;
			top_fill_row(&out[got++], s, ientry_row(x), ientry_act(x), window);
		}
	}
	free(pos);
	*n_out = got;
	return 0;
}

static int by_position(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

int intervals_random(const sf_index *ix, const store *s, int feature, int side,
                     int rows_mode, size_t want, uint64_t seed, int window, sf_top_row *out,
                     size_t *n_out, size_t *total, sf_err *e)
{
	*n_out = 0;
	const sf_ientry *list;
	uint32_t *pos;
	size_t n;
	if (in_use(ix, s, feature, side, rows_mode, &list, &pos, &n, total, e))
		return -1;
	size_t take = want < n ? want : n;
	size_t *pick = malloc((take ? take : 1) * sizeof *pick);
	if (!pick) {
		free(pos);
		return sf_fail(e, "random samples: out of memory");
	}
	/* Floyd's algorithm: take distinct positions, each subset equally
	 * likely, in O(take^2) time and O(take) space whatever n is. */
	uint64_t st = seed;
	size_t got = 0;
	for (size_t j = n - take; j < n; j++) {
		size_t t = (size_t)(sf_unit_double(sf_splitmix64(&st)) * (double)(j + 1));
		if (t > j)
			t = j;
		for (size_t i = 0; i < got; i++)
			if (pick[i] == t) {
				t = j;
				break;
			}
		pick[got++] = t;
	}
	/* list order is strongest first */
	qsort(pick, take, sizeof *pick, by_position);
	for (size_t i = 0; i < take; i++) {
		sf_ientry x = list[pos ? pos[pick[i]] : pick[i]];
		top_fill_row(&out[i], s, ientry_row(x), ientry_act(x), window);
	}
	free(pick);
	free(pos);
	*n_out = take;
	return 0;
}
