/* Features firing on the rows whose token text contains a text (search.h). */
#include "engine/analysis/search.h"

#include <stdlib.h>
#include <string.h>

#include "engine/analysis/codes.h"
#include "engine/analysis/stats.h"

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int search_contains(const char *hay, size_t n, const char *needle, size_t nlen)
{
	if (nlen > n)
		return 0;
	for (size_t i = 0; i + nlen <= n; i++) {
		size_t j = 0;
		while (j < nlen && lower(hay[i + j]) == needle[j])
			j++;
		if (j == nlen)
			return 1;
	}
	return 0;
}

static int by_total(const void *a, const void *b)
{
	const sf_search_hit *x = a, *y = b;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return (x->feature > y->feature) - (x->feature < y->feature);
}

int search_text(const store *s, const uint32_t *idx, const float *val, int k,
                const uint64_t *off, int m,
                const char *text, int side, int rows_mode, sf_search_hit **out,
                size_t *n_out, uint64_t *rows_matched, sf_err *e)
{
	*out = NULL;
	*n_out = 0;
	size_t nlen = strlen(text);
	if (!nlen || nlen > SEARCH_MAX_TEXT)
		return sf_fail(e, "search: the text must have 1 to %d bytes", SEARCH_MAX_TEXT);
	char *needle = malloc(nlen + 1);
	uint64_t *rows = calloc((size_t)m, sizeof *rows);
	double *total = calloc((size_t)m, sizeof *total);
	if (!needle || !rows || !total) {
		free(needle);
		free(rows);
		free(total);
		return sf_fail(e, "search: out of memory");
	}
	for (size_t i = 0; i <= nlen; i++)
		needle[i] = lower(text[i]);
	const uint8_t *sd = store_side(s), *fl = store_flags(s);
	size_t N = store_nrows(s);
	uint64_t matched = 0;
	for (size_t r = 0; r < N; r++) {
		if ((side && sd[r] != side) || !row_in_use(sd[r], fl[r], rows_mode))
			continue;
		size_t len;
		const char *t = store_token(s, r, &len);
		if (!search_contains(t, len, needle, nlen))
			continue;
		matched++;
		size_t b, ne = codes_row(off, k, r, &b);
		for (size_t j = b; j < b + ne; j++) {
			float v = val[j];
			uint32_t f = idx[j];
			if (v > 0 && f < (uint32_t)m) {
				rows[f]++;
				total[f] += v;
			}
		}
	}
	size_t n = 0;
	for (int f = 0; f < m; f++)
		n += rows[f] > 0;
	sf_search_hit *h = malloc((n ? n : 1) * sizeof *h);
	if (!h) {
		free(needle);
		free(rows);
		free(total);
		return sf_fail(e, "search: out of memory");
	}
	n = 0;
	for (int f = 0; f < m; f++)
		if (rows[f])
			h[n++] = (sf_search_hit){ f, rows[f], total[f] };
	qsort(h, n, sizeof *h, by_total);
	free(needle);
	free(rows);
	free(total);
	*out = h;
	*n_out = n;
	if (rows_matched)
		*rows_matched = matched;
	return 0;
}
