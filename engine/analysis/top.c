/* Top rows of a feature with context, and the §5 judge input. */
#include "engine/analysis/top.h"

#include <stdlib.h>
#include <string.h>

#include "engine/analysis/stats.h"

void top_context(const store *s, size_t r, int window, size_t *begin, size_t *end)
{
	size_t b, e;
	store_response_rows(s, (size_t)store_pair(s)[r], store_side(s)[r], &b, &e);
	if (r < b || r >= e) { /* cannot happen with a valid store; stay safe */
		*begin = r;
		*end = r + 1;
		return;
	}
	size_t w = window > 0 ? (size_t)window : 1;
	size_t before = (w - 1) / 2, after = w - 1 - before;
	size_t lo = r - b > before ? r - before : b;
	size_t hi = e - r - 1 > after ? r + after + 1 : e;
	/* give the unused share of one side to the other */
	if (lo == b)
		hi = e - b > w ? b + w : e;
	if (hi == e)
		lo = e - b > w ? e - w : b;
	*begin = lo;
	*end = hi;
}

size_t top_context_text(const store *s, size_t begin, size_t end, size_t r, char *buf,
                        size_t bufsz, size_t *hl_begin, size_t *hl_end)
{
	size_t n = 0;
	if (hl_begin)
		*hl_begin = 0;
	if (hl_end)
		*hl_end = 0;
	if (!bufsz)
		return 0;
	for (size_t q = begin; q < end; q++) {
		size_t len;
		const char *t = store_token(s, q, &len);
		if (len > bufsz - 1 - n)
			len = bufsz - 1 - n;
		if (q == r && hl_begin)
			*hl_begin = n;
		memcpy(buf + n, t, len);
		n += len;
		if (q == r && hl_end)
			*hl_end = n;
	}
	buf[n] = 0;
	return n;
}

void top_fill_row(sf_top_row *o, const store *s, size_t r, float act, int window)
{
	o->row = r;
	o->pair = store_pair(s)[r];
	o->side = store_side(s)[r];
	o->pos = store_pos(s)[r];
	o->act = act;
	top_context(s, r, window, &o->ctx_begin, &o->ctx_end);
}

int top_check(const sf_index *ix, const store *s, int feature, int side, sf_err *e)
{
	if (feature < 0 || feature >= ix->m)
		return sf_fail(e, "no feature %d (the SAE has %d)", feature, ix->m);
	if (side != SIDE_CHOSEN && side != SIDE_REJECTED)
		return sf_fail(e, "top rows: side must be chosen or rejected");
	if (ix->n_rows != store_nrows(s))
		return sf_fail(e, "index: %zu rows but the store has %zu", ix->n_rows,
		               store_nrows(s));
	return 0;
}

int top_rows(const sf_index *ix, const store *s, int feature, int side, int rows_mode,
             size_t n, int window, sf_top_row *out, size_t *n_out, size_t *total,
             sf_err *e)
{
	if (top_check(ix, s, feature, side, e))
		return -1;
	const uint8_t *flags = store_flags(s);
	size_t len, got = 0, count = 0;
	const sf_ientry *l = index_list(ix, feature, side, &len);
	for (size_t i = 0; i < len; i++) {
		uint32_t r = ientry_row(l[i]);
		if (!row_in_use((uint8_t)side, flags[r], rows_mode))
			continue;
		count++;
		if (got < n)
			top_fill_row(&out[got++], s, r, ientry_act(l[i]), window);
		else if (!total)
			break;
	}
	*n_out = got;
	if (total)
		*total = count;
	return 0;
}

void top_judge_free(sf_judge_input *j)
{
	if (!j)
		return;
	for (size_t g = 0; g < j->n_groups; g++)
		free(j->groups[g].token);
	free(j->groups);
	memset(j, 0, sizeof *j);
}

/* Lower-cased (ASCII) token text of row r into a fresh string. */
static char *token_lower(const store *s, size_t r)
{
	size_t len;
	const char *t = store_token(s, r, &len);
	char *o = malloc(len + 1);
	if (!o)
		return NULL;
	for (size_t i = 0; i < len; i++)
		o[i] = (t[i] >= 'A' && t[i] <= 'Z') ? (char)(t[i] - 'A' + 'a') : t[i];
	o[len] = 0;
	return o;
}

int top_judge_input(sf_judge_input *out, const sf_index *ix, const store *s, int feature,
                    int rows_mode, sf_err *e)
{
	memset(out, 0, sizeof *out);
	out->feature = feature;
	if (feature < 0 || feature >= ix->m)
		return sf_fail(e, "no feature %d (the SAE has %d)", feature, ix->m);
	/* at most JUDGE_MAX_TOKENS + 1 groups are ever needed: the next new
	 * text decides the drop */
	out->groups = calloc(JUDGE_MAX_TOKENS + 1, sizeof *out->groups);
	if (!out->groups)
		return sf_fail(e, "judge input: out of memory");
	const uint8_t *flags = store_flags(s);
	size_t nc, nr;
	const sf_ientry *lc = index_list(ix, feature, SIDE_CHOSEN, &nc);
	const sf_ientry *lr = index_list(ix, feature, SIDE_REJECTED, &nr);
	size_t ic = 0, ir = 0;
	/* merge both sides, strongest first (packed entries sort ascending) */
	while (ic < nc || ir < nr) {
		int from_c = ir >= nr || (ic < nc && lc[ic] < lr[ir]);
		sf_ientry x = from_c ? lc[ic++] : lr[ir++];
		uint8_t sd = from_c ? SIDE_CHOSEN : SIDE_REJECTED;
		uint32_t r = ientry_row(x);
		if (!row_in_use(sd, flags[r], rows_mode))
			continue;
		char *t = token_lower(s, r);
		if (!t) {
			top_judge_free(out);
			return sf_fail(e, "judge input: out of memory");
		}
		size_t g = 0;
		while (g < out->n_groups && strcmp(out->groups[g].token, t))
			g++;
		if (g < out->n_groups) {
			free(t);
		} else {
			if (out->n_groups == JUDGE_MAX_TOKENS) {
				free(t);
				out->n_texts = JUDGE_MAX_TOKENS + 1; /* "more than" is all we know */
				for (size_t q = 0; q < out->n_groups; q++)
					free(out->groups[q].token);
				out->n_groups = 0;
				out->n_contexts = 0;
				out->dropped = 1;
				out->why = "fires on more than 32 distinct token texts";
				return 0;
			}
			out->groups[g].token = t;
			out->n_groups++;
		}
		sf_judge_group *gr = &out->groups[g];
		if (gr->n < JUDGE_PER_TOKEN) {
			top_fill_row(&gr->ctx[gr->n++], s, r, ientry_act(x), JUDGE_WINDOW);
			out->n_contexts++;
		}
	}
	out->n_texts = out->n_groups;
	if (out->n_contexts < JUDGE_MIN_CONTEXTS) {
		out->dropped = 1;
		out->why = "has 4 or fewer contexts";
	}
	return 0;
}
