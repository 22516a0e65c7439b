/* Token-text mode of the Features table (text_search.h). */
#include "tui/explore/text_search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xts_clear(xtext_search *t)
{
	free(t->hits);
	memset(t, 0, sizeof *t);
}

int xts_run(const xmodel *m, xtext_search *t, const char *text, sf_err *e)
{
	if (!m->l)
		return sf_fail(e, "the latents are not loaded yet");
	sf_search_hit *h;
	size_t n;
	uint64_t rows;
	if (search_text(m->s, m->l->idx, m->l->val, m->l->k, m->l->off, m->l->m, text, 0, ROWS_ALL, &h, &n,
	                &rows, e))
		return -1;
	xts_clear(t);
	snprintf(t->text, sizeof t->text, "%s", text);
	t->hits = h;
	t->n = n;
	t->rows = rows;
	return 0;
}
