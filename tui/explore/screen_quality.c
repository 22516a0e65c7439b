/* Quality: how well the SAE fits the rows (explained variance, NMSE, L0),
 * its dead and dense features, the log10-density histogram of all its
 * features, and the proxy reward head's test accuracy on the raw rows and
 * on the SAE's reconstructions (engine/ws/quality_ws.h; `safer quality`
 * prints the same figures). Read from the workspace's cache when there,
 * else computed on the worker thread when the screen opens. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ws/quality_ws.h"
#include "engine/ws/sae_ws.h"
#include "tui/explore/screens.h"
#include "widgets/chart.h"
#include "widgets/draw.h"
#include "widgets/mirror.h"
#include "widgets/theme.h"

struct quality {
	xmodel *m;
	sf_quality q;
	int have;          /* q is for the current data */
	int running;       /* a job computes it */
	int rows_mode;     /* of q */
	unsigned long seen; /* XG_DATA generation q was made at */
	char err[sizeof ((sf_err *)0)->msg];
};

static const wkey keys[] = {
	{ "c", "compute (after a failure)", 'c' }, { "q Esc", "back", 'q' }, { "?", "help", '?' },
};

struct quality_job {
	struct quality *Q;
	sf_quality q;
	int rows_mode;
};

static int job_run(void *ctx, const sf_progress *p, sf_err *e)
{
	struct quality_job *j = ctx;
	sf_session *S = j->Q->m->sess;
	const sae *model;
	const latents *l;
	const sf_stats *st;
	const sf_pooled *raw;
	session_set_progress(S, p->fn, p->ctx);
	int rc = session_sae(S, &model, e) || session_latents(S, &l, e) ||
	         session_stats(S, &st, e) || session_pooled(S, &raw, e) ||
	         quality_ws(&j->q, session_ws(S), model, l, st, raw, j->rows_mode, p, NULL, e)
	         ? -1 : 0;
	session_set_progress(S, NULL, NULL);
	if (rc && sf_progress_report(p, 1, NULL))
		return 1; /* cancelled */
	return rc;
}

static void job_done(app *a, void *ctx, int rc, const sf_err *e)
{
	struct quality_job *j = ctx;
	struct quality *Q = j->Q;
	Q->running = 0;
	if (rc == 0) {
		Q->q = j->q;
		Q->have = 1;
		Q->rows_mode = j->rows_mode;
		Q->err[0] = '\0';
	} else {
		snprintf(Q->err, sizeof Q->err, "%s", rc > 0 ? "cancelled (c computes again)" : e->msg);
	}
	free(j);
	app_redraw(a);
}

/* The figures for the current data: from the cache, else a job; after a
 * failure only when retry is set. */
static void fetch(struct quality *Q, int retry)
{
	xmodel *m = Q->m;
	if (!m->st || Q->running || xm_busy(m))
		return;
	unsigned long gen = xm_gen(m, XG_DATA);
	if (Q->seen == gen && (Q->have || (Q->err[0] && !retry)))
		return;
	Q->have = 0;
	Q->seen = gen;
	Q->err[0] = '\0';
	int rows_mode = m->st->rows_mode, found = 0;
	char fp[17];
	sf_err e;
	if (sae_ws_fingerprint(m->w, fp, &e) == 0 &&
	    quality_ws_cached(&Q->q, m->w, fp, rows_mode, &found, &e) == 0 && found) {
		Q->have = 1;
		Q->rows_mode = rows_mode;
		return;
	}
	struct quality_job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->Q = Q;
	j->rows_mode = rows_mode;
	if (app_job(m->a, "SAE quality", job_run, job_done, j)) {
		free(j);
		return;
	}
	Q->running = 1;
}

/* "label  ██████░░░░  0.883" */
static void bar_line(int y, int x, int w, const char *label, double v, int digits, attr_t a)
{
	wdraw_str(stdscr, y, x, 24, label, theme_attr(TH_NORMAL));
	int bw = w - 24 - 10 > 40 ? 40 : w - 24 - 10;
	if (bw > 4)
		whbar_draw(stdscr, y, x + 24, bw, v < 0 ? 0 : v > 1 ? 1 : v, a);
	wdraw_fmt(stdscr, y, x + 24 + (bw > 4 ? bw + 2 : 0), 12, theme_attr(TH_NORMAL) | A_BOLD,
	          "%.*f", digits, v);
}

static void draw_hist(const sf_quality *q, wrect r)
{
	double v[QUALITY_MAX_BINS];
	for (int b = 0; b < q->hist_bins; b++)
		v[b] = (double)q->hist[b];
	wmirror_tick t[QUALITY_MAX_BINS / QUALITY_BINS_PER_DECADE + 1];
	char lab[QUALITY_MAX_BINS / QUALITY_BINS_PER_DECADE + 1][16];
	int decades = q->hist_bins / QUALITY_BINS_PER_DECADE, nt = 0;
	for (int i = 0; i <= decades; i++) {
		snprintf(lab[nt], sizeof lab[nt], "%g", pow(10, q->hist_lo + i));
		t[nt].at = (double)i / decades;
		t[nt].label = lab[nt];
		nt++;
	}
	wmirror_draw(stdscr, r, v, NULL, q->hist_bins, theme_attr(TH_POS), 0, t, nt,
	             "share of rows (log scale)");
}

static void draw(screen *s, app *a, wrect r)
{
	struct quality *Q = s->data;
	xmodel *m = Q->m;
	(void)a;
	fetch(Q, 0);
	if (!m->st) {
		wdraw_str(stdscr, r.y + 1, 2, r.w - 4, m->state, theme_attr(TH_NORMAL));
		return;
	}
	if (!Q->have) {
		wdraw_str(stdscr, r.y + 1, 2, r.w - 4,
		          Q->err[0] ? Q->err : Q->running ? "computing the SAE's quality figures..."
		                                          : "the quality figures come when the job in progress ends",
		          theme_attr(Q->err[0] ? TH_ERROR : TH_DIM));
		return;
	}
	const sf_quality *q = &Q->q;
	int y = r.y, x = 2, w = r.w - 4;
	wdraw_fmt(stdscr, y++, 1, r.w - 2, theme_attr(TH_NORMAL) | A_BOLD,
	          "SAE quality · %d features × k%d · d %d · %llu %s rows in use", q->m, q->k, q->d,
	          (unsigned long long)q->rows, rows_mode_name(q->rows_mode));
	y++;
	bar_line(y++, x, w, "explained variance", q->ev, 4, theme_attr(TH_POS));
	bar_line(y++, x, w, "NMSE", q->nmse, 4, theme_attr(TH_NEG));
	wdraw_fmt(stdscr, y++, x, w, theme_attr(TH_NORMAL), "%-24s%.2f latents per row (k %d)",
	          "L0", q->l0, q->k);
	wdraw_fmt(stdscr, y++, x, w, theme_attr(TH_NORMAL),
	          "%-24s%llu of %d (%.1f%%) never fire on the rows in use", "dead features",
	          (unsigned long long)q->dead, q->m, q->m ? 100.0 * (double)q->dead / q->m : 0);
	wdraw_fmt(stdscr, y++, x, w, theme_attr(TH_NORMAL),
	          "%-24s%llu of %d (%.1f%%) fire on more than %.0f%% of them", "dense features",
	          (unsigned long long)q->dense, q->m, q->m ? 100.0 * (double)q->dense / q->m : 0,
	          QUALITY_DENSE * 100);
	y++;
	if (q->head) {
		wdraw_fmt(stdscr, y++, x, w, theme_attr(TH_DIM),
		          "proxy reward head: test accuracy on %llu pairs (trained on the raw train pairs)",
		          (unsigned long long)q->test_pairs);
		bar_line(y++, x, w, "  raw activations", q->acc_raw, 3, theme_attr(TH_POS));
		bar_line(y++, x, w, "  SAE reconstructions", q->acc_recon, 3, theme_attr(TH_POS));
	} else {
		wdraw_str(stdscr, y++, x, w, "proxy reward head: no train or no test pairs to measure on",
		          theme_attr(TH_DIM));
	}
	y++;
	if (r.y + r.h - y >= 6) {
		wdraw_str(stdscr, y++, x, w, "features by the share of rows they fire on (dead ones left out)",
		          theme_attr(TH_DIM));
		int hw = r.w - 4 > WMIRROR_MARGIN + 4 * q->hist_bins ? WMIRROR_MARGIN + 4 * q->hist_bins
		                                                    : r.w - 4;
		draw_hist(q, wrect_make(y, x, r.y + r.h - y, hw));
	}
}

static int key(screen *s, app *a, int k)
{
	struct quality *Q = s->data;
	(void)a;
	if (k == 'c') {
		if (xm_busy(Q->m))
			return WF_HANDLED;
		fetch(Q, 1);
		return WF_HANDLED;
	}
	return WF_IGNORED;
}

static void enter(screen *s, app *a)
{
	(void)a;
	fetch(s->data, 0);
}

static void destroy(screen *s)
{
	(void)s; /* lives as long as the model */
}

static void quality_free(screen *s)
{
	if (!s)
		return;
	free(s->data);
	free(s);
}

static const screen_ops ops = {
	.name = "Quality",
	.draw = draw,
	.key = key,
	.enter = enter,
	.destroy = destroy,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
};

static screen *quality_new(xmodel *m)
{
	screen *s = screen_new(&ops, sizeof(struct quality));
	if (!s)
		return NULL;
	struct quality *Q = s->data;
	Q->m = m;
	return s;
}

const xscreen_def xs_quality_def = { "Quality", quality_new, quality_free, NULL };
