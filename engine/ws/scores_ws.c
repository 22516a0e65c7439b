/* Pair safety scores over a workspace's latents and store. */
#include "engine/ws/scores_ws.h"

int scores_compute_ws(sf_scores *out, const latents *l, const store *s, size_t n_pairs,
                      const sf_safety *S, int rows_mode, const sf_progress *p,
                      sf_err *e)
{
	if (l->n_rows != store_nrows(s))
		return sf_fail(e, "latents: %zu rows but the store has %zu", l->n_rows,
		               store_nrows(s));
	return scores_compute_off(out, l->idx, l->val, l->off, store_pair(s), store_side(s), store_flags(s),
	                      l->n_rows, l->k, l->m, n_pairs, S, rows_mode, p, e);
}
