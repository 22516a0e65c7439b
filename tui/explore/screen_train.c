/* Train: the SAE's hyperparameters, start and cancel, and live curves of
 * the figures the trainer reports (NMSE, L0, dead fraction, aux loss)
 * with a progress bar. Training runs on the worker thread; keys keep
 * working. At the end the latents are encoded and the explorer reloads.
 * Without an SAE it says so and offers loading one trained elsewhere. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sae/train.h"
#include "engine/sae/train_params.h"
#include "engine/ws/train_ws.h"
#include "tui/explore/commands.h"
#include "tui/explore/screens.h"
#include "widgets/chart.h"
#include "widgets/draw.h"
#include "widgets/theme.h"

enum { HIST = 512 };

struct train_view {
	xmodel *m;
	train_opts o;
	/* o as train_ws would resolve it, over its rows (recomputed when o changes) */
	train_opts shown, shown_for;
	size_t shown_rows;
	int shown_ok;
	pthread_mutex_t mu; /* the curves: written by the worker */
	double nmse[HIST], l0[HIST], dead[HIST], loss[HIST];
	size_t n;
	train_report last;
	int have_last;
	int running;
	char result[512];
};

static const wkey keys[] = {
	{ "Enter", "start training", '\n' }, { "c x", "cancel", 'c' },
	{ "=", "set a hyperparameter", '=' }, { "L", "load an SAE", 'L' },
	{ "q Esc", "back", 'q' }, { "h ?", "help", 'h' },
};

static void push(double *v, size_t n, double x)
{
	if (n < HIST) {
		v[n] = x;
	} else {
		memmove(v, v + 1, (HIST - 1) * sizeof *v);
		v[HIST - 1] = x;
	}
}

static int on_report(void *ctx, const train_report *r)
{
	struct train_view *T = ctx;
	pthread_mutex_lock(&T->mu);
	if (r->phase && !strcmp(r->phase, "training")) {
		push(T->nmse, T->n, r->nmse);
		push(T->l0, T->n, r->l0);
		push(T->dead, T->n, r->dead_frac);
		push(T->loss, T->n, r->nmse + r->aux_loss);
		if (T->n < HIST)
			T->n++;
	}
	T->last = *r;
	T->have_last = 1;
	pthread_mutex_unlock(&T->mu);
	return 0;
}

/* The trainer reports through its own callback; cancel comes through the
 * app's progress (checked here on every report). */
struct train_job {
	struct train_view *T;
	train_opts o; /* copied at start: :set may change T->o meanwhile */
	const sf_progress *p;
	train_report final;
};

static int report_and_progress(void *ctx, const train_report *r)
{
	struct train_job *j = ctx;
	on_report(j->T, r);
	double frac = r->steps > 0 ? (double)r->step / (double)r->steps : r->frac;
	if (r->phase && strcmp(r->phase, "training"))
		frac = r->frac;
	return sf_progress_report(j->p, frac, r->phase ? r->phase : "training");
}

static int train_run_job(void *ctx, const sf_progress *p, sf_err *e)
{
	struct train_job *j = ctx;
	j->p = p;
	j->o.encode_after = 1;
	return train_ws(j->T->m->w, &j->o, 0, 0, report_and_progress, j, &j->final, e);
}

static void train_done(app *a, void *ctx, int rc, const sf_err *e)
{
	struct train_job *j = ctx;
	struct train_view *T = j->T;
	xmodel *m = T->m;
	T->running = 0;
	if (rc == 0) {
		snprintf(T->result, sizeof T->result,
		         "trained: NMSE %.4f · L0 %.1f · dead %.1f%% · %.0f rows/s · %.1f s",
		         j->final.nmse, j->final.l0, j->final.dead_frac * 100, j->final.rows_per_s,
		         j->final.elapsed_s);
		(void)a;
		xm_sae_replaced(m, T->result); /* ends on the Features table */
	} else {
		snprintf(T->result, sizeof T->result, "%s", e->msg);
	}
	free(j);
}

static void start_now(struct train_view *T);

static void train_yes(app *a, void *ctx)
{
	(void)a;
	start_now(ctx);
}

/* Replacing an SAE archives its labels: ask first. */
static void start(struct train_view *T)
{
	xmodel *m = T->m;
	if (m->has_sae && !app_busy(m->a) && !ws_readonly(m->w)) {
		char q[200];
		size_t nl = m->L ? m->L->n : 0;
		snprintf(q, sizeof q, "Training replaces the workspace's SAE%s. Train now?",
		         nl ? " and archives its labels" : "");
		app_confirm(m->a, "Train", q, train_yes, T);
		return;
	}
	start_now(T);
}

static void start_now(struct train_view *T)
{
	xmodel *m = T->m;
	if (ws_readonly(m->w)) {
		app_msg(m->a, MSG_ERROR, "read-only: %s", ws_readonly_reason(m->w));
		return;
	}
	if (app_busy(m->a)) {
		app_msg(m->a, MSG_ERROR, "a job is running; wait or cancel it (x)");
		return;
	}
	struct train_job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->T = T;
	j->o = T->o;
	pthread_mutex_lock(&T->mu);
	T->n = 0;
	T->have_last = 0;
	pthread_mutex_unlock(&T->mu);
	T->result[0] = '\0';
	if (app_job(m->a, "training", train_run_job, train_done, j)) {
		free(j);
		return;
	}
	T->running = 1;
}

/* What training would use: train_ws's resolution over the rows it picks. */
static const train_opts *resolved(struct train_view *T)
{
	if (!T->shown_ok || memcmp(&T->shown_for, &T->o, sizeof T->o)) {
		sf_err e;
		T->shown_for = T->o;
		T->shown_ok = !train_ws_resolve(T->m->w, &T->o, 0, &T->shown, &T->shown_rows, &e);
		if (!T->shown_ok)
			T->shown_rows = 0;
	}
	return T->shown_ok ? &T->shown : NULL;
}

/* terminal columns of UTF-8 text without wide characters */
static int cols_of(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void param_cell(const struct train_view *T, size_t i, const train_opts *res, char *buf,
                       size_t n)
{
	const train_param *p = &train_params[i];
	char v[80];
	train_param_format(p, &T->o, res, v, sizeof v);
	snprintf(buf, n, "%s %s", p->name, v);
}

/* Every hyperparameter of the table as "name value", in columns; returns
 * the next line. */
static int draw_params(struct train_view *T, const train_opts *res, wrect r, int y)
{
	char cell[128];
	int cw = 0;
	for (size_t i = 0; i < train_params_count; i++) {
		param_cell(T, i, res, cell, sizeof cell);
		int c = cols_of(cell);
		cw = c > cw ? c : cw;
	}
	cw += 3;
	int ncol = (r.w - 4) / cw > 0 ? (r.w - 4) / cw : 1;
	for (size_t i = 0; i < train_params_count && y < r.y + r.h; i++) {
		int col = (int)(i % (size_t)ncol);
		param_cell(T, i, res, cell, sizeof cell);
		wdraw_str(stdscr, y, 3 + col * cw, cw, cell, theme_attr(TH_NORMAL));
		if (col == ncol - 1 || i + 1 == train_params_count)
			y++;
	}
	return y;
}

static void draw(screen *s, app *a, wrect r)
{
	struct train_view *T = s->data;
	xmodel *m = T->m;
	int y = r.y;
	(void)a;
	const train_opts *res = resolved(T);
	wdraw_fmt(stdscr, y++, 1, r.w - 2, theme_attr(TH_NORMAL) | A_BOLD,
	          "Train the workspace's TopK SAE · %zu of %zu rows · d = %d%s", T->shown_rows,
	          store_nrows(m->s), store_dim(m->s),
	          m->has_sae ? " · an SAE exists: training replaces it" : "");
	if (!m->has_sae)
		wdraw_str(stdscr, y, 1, r.w - 2,
		          "No SAE in this workspace yet: s trains one with these settings, L loads "
		          "one trained elsewhere (:load-sae PATH).", theme_attr(TH_STATUS));
	y++;
	y = draw_params(T, res, r, y);
	if (y < r.y + r.h)
		wdraw_str(stdscr, y, 3, r.w - 4,
		          "change with = or :set NAME VALUE (`safer train --help` describes them)",
		          theme_attr(TH_DIM));
	y += 2;
	pthread_mutex_lock(&T->mu);
	static const char *const names[4] = { "loss", "NMSE", "L0", "dead" };
	const double *series[4] = { T->loss, T->nmse, T->l0, T->dead };
	for (int i = 0; i < 4 && y < r.y + r.h - 2; i++, y++) {
		if (T->n)
			wdraw_fmt(stdscr, y, 3, 18, theme_attr(TH_NORMAL), "%-5s %9.4g", names[i],
			          series[i][T->n - 1]);
		else
			wdraw_fmt(stdscr, y, 3, 18, theme_attr(TH_NORMAL), "%-5s %9s", names[i], "—");
		wspark_draw(stdscr, y, 22, r.w - 24, series[i], T->n, theme_attr(TH_BAR));
	}
	if (T->have_last) {
		const train_report *l = &T->last;
		double frac = l->steps > 0 ? (double)l->step / (double)l->steps : l->frac;
		char label[160];
		snprintf(label, sizeof label, "%s · step %ld/%ld · epoch %d/%d · %.0f rows/s",
		         l->phase ? l->phase : "", l->step, l->steps, l->epoch + 1, l->epochs,
		         l->rows_per_s);
		wprogress_draw(stdscr, y + 1, 3, r.w - 4, frac, label);
	}
	pthread_mutex_unlock(&T->mu);
	if (T->result[0])
		wdraw_str(stdscr, y + 3, 3, r.w - 4, T->result, theme_attr(TH_STATUS));
	else if (!T->running)
		wdraw_str(stdscr, y + 3, 3, r.w - 4, "press Enter to start", theme_attr(TH_DIM));
}

/* `:set NAME VALUE`, by the hyperparameter table (as `safer train --NAME VALUE`) */
static int do_set(xmodel *m, int argc, char **argv)
{
	struct train_view *T = xm_screen(m, XS_TRAIN)->data;
	(void)argc;
	int rc = xm_set_safety(m, argv[1], argv[2]);
	if (rc <= 0)
		return rc;
	train_opts next = T->o;
	sf_err e;
	if (train_param_set_name(&next, argv[1], argv[2], "", &e) ||
	    train_params_check(&next, "", &e)) {
		app_msg(m->a, MSG_ERROR, "%s (:set threshold|cap|candidates N sets the S+/S− sets)",
		        e.msg);
		return -1;
	}
	T->o = next;
	char v[80];
	const train_param *p = train_param_find(argv[1]);
	if (p)
		train_param_format(p, &T->o, resolved(T), v, sizeof v);
	app_msg(m->a, MSG_INFO, "%s %s for the next training (Train screen, s)", argv[1],
	        p ? v : argv[2]);
	return 0;
}

/* Completion: the table's names, then the values the named one takes. */
static const char *param_word(int argc, char **argv, size_t i)
{
	static const char *const safety[] = { "threshold", "cap", "candidates" };
	(void)argc;
	(void)argv;
	if (i < 3)
		return safety[i];
	return i - 3 < train_params_count ? train_params[i - 3].name : NULL;
}

static const char *value_word(int argc, char **argv, size_t i)
{
	static const char *const bit[] = { "off", "on", NULL };
	const train_param *p = argc > 1 ? train_param_find(argv[1]) : NULL;
	const char *const *names = !p ? NULL : p->type == TP_ENUM ? p->names
	                           : p->type == TP_BIT ? bit : NULL;
	for (; names && *names; names++)
		if (i-- == 0)
			return *names;
	return p && p->auto_text && i == 0 ? "auto" : NULL;
}

const xcmd xcmd_set = {
	.name = "set", .usage = "NAME VALUE",
	.help = "threshold|cap|candidates of the S+/S− sets, or a training hyperparameter",
	.min = 2, .max = 2, .complete = { XC_FN, XC_FN },
	.wordfn = { param_word, value_word }, .fn = do_set,
};

static void on_set(void *ctx, const char *line)
{
	struct train_view *T = ctx;
	char buf[256];
	if (!line || !*line)
		return;
	snprintf(buf, sizeof buf, "set %s", line);
	app_command(T->m->a, buf);
}

static int key(screen *s, app *a, int k)
{
	struct train_view *T = s->data;
	switch (k) {
	case '\n': case '\r': case KEY_ENTER: start(T); return WF_HANDLED; /* s sorts elsewhere */
	case 'c': app_cancel_job(a); return WF_HANDLED;
	case '=': app_prompt(a, WINPUT_OTHER, "set a training hyperparameter (e.g. k 32): ", NULL, on_set, NULL, T); return WF_HANDLED;
	case 'L': app_command_line(a, "load-sae "); return WF_HANDLED;
	}
	return WF_IGNORED;
}

static void destroy(screen *s)
{
	(void)s;
}

static const screen_ops ops = {
	.name = "Train",
	.draw = draw,
	.key = key,
	.destroy = destroy,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
	.counts = 1,
};

static screen *train_new(xmodel *m)
{
	screen *s = screen_new(&ops, sizeof(struct train_view));
	if (!s)
		return NULL;
	struct train_view *T = s->data;
	T->m = m;
	pthread_mutex_init(&T->mu, NULL);
	train_opts_default(&T->o);
	return s;
}

static void train_free(screen *s)
{
	if (!s)
		return;
	struct train_view *T = s->data;
	pthread_mutex_destroy(&T->mu);
	free(T);
	free(s);
}

const xscreen_def xs_train_def = { "Train", train_new, train_free, NULL };
