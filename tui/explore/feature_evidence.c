/* Wiring of the Feature screen's evidence (feature_evidence.h). */
#include "tui/explore/feature_evidence.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/analysis/intervals.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/similar_ws.h"
#include "widgets/draw.h"
#include "widgets/mirror.h"
#include "widgets/theme.h"

const char *const xfe_view_names[FV_N] = { "top", "intervals", "random", "similar" };

int xfe_rows(const xmodel *m, int f, int view, int side, uint64_t seed, int window,
             sf_top_row *rows, int *quant, size_t cap, size_t *n, size_t *total, sf_err *e)
{
	int rows_mode = m->st->rows_mode;
	for (size_t i = 0; i < cap; i++)
		quant[i] = -1;
	if (view == FV_INTERVALS) {
		sf_interval iv[FE_Q];
		size_t per = cap / FE_Q < FE_PER ? cap / FE_Q : FE_PER;
		return intervals_rows(m->ix, m->s, f, side, rows_mode, FE_Q, per, window, iv, rows,
		                      quant, n, total, e);
	}
	if (view == FV_RANDOM)
		return intervals_random(m->ix, m->s, f, side, rows_mode, cap,
		                        seed + (uint64_t)side * 0x9e3779b97f4a7c15ULL, window, rows, n,
		                        total, e);
	return top_rows(m->ix, m->s, f, side, rows_mode, cap, window, rows, n, total, e);
}

int xfe_similar_load(xmodel *m, int f, xfe_similar *out, sf_err *e)
{
	out->ncos = out->nco = 0;
	if (!m->l || !m->ix || !m->st)
		return sf_fail(e, "the latents are not loaded yet");
	uint64_t *active = malloc((size_t)m->st->m * sizeof *active);
	if (!active)
		return sf_fail(e, "out of memory");
	similar_active_counts(m->st, active);
	int rc = similar_cooccur(m->ix, m->l->idx, m->l->val, m->l->k, m->l->off, store_flags(m->s),
	                         m->st->rows_mode, active, f, FE_SIMILAR, out->co, &out->nco, e);
	free(active);
	if (rc)
		return -1;
	/* the cached table when there (as `safer similar` left it), else the SAE */
	char fp[17];
	sf_err fe;
	sf_similar_table t;
	int found = 0;
	if (sae_ws_fingerprint(m->w, fp, &fe) == 0 &&
	    similar_ws_open(&t, m->w, fp, NULL, NULL, &found, &fe) == 0 && found) {
		similar_ws_query(&t, f, FE_SIMILAR, out->cos, &out->ncos);
		similar_ws_free(&t);
		return 0;
	}
	const sae *model;
	if (xm_busy(m))
		return sf_fail(e, "decoder cosines come when the job in progress ends");
	if (session_sae(m->sess, &model, e))
		return -1;
	return similar_cosine(model->W_dec, model->m, model->d, f, FE_SIMILAR, out->cos, &out->ncos,
	                      e);
}

int xfe_density_lines(int h)
{
	return h >= 30 ? 8 : h >= 22 ? 6 : h >= 16 ? 5 : 0;
}

/* Ticks at 1, 2 and 5 times the powers of ten inside [lo, hi] (log10),
 * only the powers when there are many decades. */
static int make_ticks(double lo, double hi, wmirror_tick *t, char lab[][16], int cap)
{
	int n = 0, dense = hi - lo < 2.5;
	for (int p = (int)floor(lo); p <= (int)ceil(hi) && n < cap; p++) {
		static const double mult[3] = { 1, 2, 5 };
		for (int i = 0; i < (dense ? 3 : 1) && n < cap; i++) {
			double v = mult[i] * pow(10, p), at = (log10(v) - lo) / (hi - lo);
			if (at < 0 || at > 1)
				continue;
			snprintf(lab[n], 16, "%.3g", v);
			t[n].at = at;
			t[n].label = lab[n];
			n++;
		}
	}
	return n;
}

void xfe_density_draw(const xmodel *m, int f, wrect r)
{
	if (r.h < 5 || !m->st || !m->ix)
		return;
	const sf_stats *st = m->st;
	int pw = wmirror_plot_width(r.w);
	/* about 2 sqrt(n) bins for n firing rows: fewer would hide the shape,
	 * more would leave most bins with a row or two */
	double act = st->density_chosen[f] * (double)st->rows_chosen +
	             st->density_rejected[f] * (double)st->rows_rejected;
	int nb = (int)lround(2 * sqrt(act));
	nb = nb < 8 ? 8 : nb > 80 ? 80 : nb;
	nb = nb > pw ? pw : nb;
	sf_density d;
	sf_err e;
	if (nb < 1 || density_feature(m->ix, m->s, f, st->rows_mode, st->rows_chosen,
	                              st->rows_rejected, nb, &d, &e)) {
		wdraw_str(stdscr, r.y, r.x + 1, r.w - 2, nb < 1 ? "" : e.msg, theme_attr(TH_ERROR));
		return;
	}
	const char *upm = wdraw_utf8() ? "▲" : "^", *dnm = wdraw_utf8() ? "▼" : "v";
	int x = r.x + 1;
	x += wdraw_str(stdscr, r.y, x, r.w - 2, "density (log scale) · active on ",
	               theme_attr(TH_DIM));
	x += wdraw_fmt(stdscr, r.y, x, r.x + r.w - x, theme_attr(TH_POS) | A_BOLD,
	               "%s chosen %.2f%% of %zu", upm, d.rows[0] ? 100.0 * d.active[0] / d.rows[0] : 0,
	               d.rows[0]);
	x += wdraw_str(stdscr, r.y, x, r.x + r.w - x, " · ", theme_attr(TH_DIM));
	x += wdraw_fmt(stdscr, r.y, x, r.x + r.w - x, theme_attr(TH_NEG) | A_BOLD,
	               "%s rejected %.2f%% of %zu", dnm, d.rows[1] ? 100.0 * d.active[1] / d.rows[1] : 0,
	               d.rows[1]);
	wdraw_fmt(stdscr, r.y, x, r.x + r.w - x, theme_attr(TH_DIM), " %s rows",
	          rows_mode_name(st->rows_mode));
	if (!(d.hi > d.lo)) {
		wdraw_str(stdscr, r.y + 1, r.x + 1, r.w - 2, "(never fires on the rows in use)",
		          theme_attr(TH_DIM));
		return;
	}
	double up[DENSITY_MAX_BINS], down[DENSITY_MAX_BINS];
	for (int b = 0; b < nb; b++) {
		up[b] = d.count[0][b];
		down[b] = d.count[1][b];
	}
	wmirror_tick t[24];
	char lab[24][16];
	int nt = make_ticks(d.lo, d.hi, t, lab, 24);
	wmirror_draw(stdscr, wrect_make(r.y + 1, r.x, r.h - 1, r.w), up, down, nb,
	             theme_attr(TH_POS), theme_attr(TH_NEG), t, nt, "activation");
}
