/* Train: the SAE's hyperparameters, start and cancel, and live curves of
 * the figures the trainer reports (NMSE, L0, dead fraction, aux loss)
 * with a progress bar. Training runs on the worker thread; keys keep
 * working. At the end the latents are encoded and the explorer reloads. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sae/train.h"
#include "engine/ws/train_ws.h"
#include "tui/explore/explore.h"
#include "widgets/chart.h"
#include "widgets/draw.h"
#include "widgets/theme.h"

enum { HIST = 512 };

struct train_view {
	xmodel *m;
	train_opts o;
	pthread_mutex_t mu; /* the curves: written by the worker */
	double nmse[HIST], l0[HIST], dead[HIST], loss[HIST];
	size_t n;
	train_report last;
	int have_last;
	int running;
	char result[512];
};

static const wkey keys[] = {
	{ "s", "start training" }, { "c x", "cancel" }, { "=", "set a hyperparameter" },
	{ "q Esc", "back" }, { "?", "help" },
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
	train_opts o = j->T->o;
	o.encode_after = 1;
	return train_ws(j->T->m->w, &o, 0, 0, report_and_progress, j, &j->final, e);
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
		sf_err le;
		xm_free_analysis(m);
		if (xm_load_analysis(m, NULL, &le)) {
			app_msg(a, MSG_ERROR, "%s", le.msg);
		} else {
			features_reload(m);
			xm_update_title(m);
			xm_show(m, m->features);
			app_msg(a, MSG_INFO, "%s", T->result);
		}
	} else {
		snprintf(T->result, sizeof T->result, "%s", e->msg);
	}
	free(j);
}

static void start(struct train_view *T)
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

static void draw(screen *s, app *a, wrect r)
{
	struct train_view *T = s->data;
	xmodel *m = T->m;
	/* What training would use: automatic fields resolved for display
	 * (train_ws resolves them itself, over the rows it picks). */
	train_opts shown = T->o;
	train_opts_resolve(&shown, store_dim(m->s), store_nrows(m->s));
	const train_opts *o = &shown;
	int y = r.y;
	(void)a;
	wdraw_fmt(stdscr, y++, 1, r.w - 2, theme_attr(TH_NORMAL) | A_BOLD,
	          "Train the workspace's TopK SAE · %zu rows · d = %d%s", store_nrows(m->s),
	          store_dim(m->s), m->l ? " · an SAE exists: training replaces it" : "");
	y++;
	wdraw_fmt(stdscr, y++, 3, r.w - 4, theme_attr(TH_NORMAL),
	          "latents m %d   k %d   lr %g   batch %d   epochs %d   seed %llu", o->m, o->k,
	          o->lr, o->batch, o->epochs, (unsigned long long)o->seed);
	wdraw_fmt(stdscr, y++, 3, r.w - 4, theme_attr(TH_NORMAL),
	          "rows %s   normalize %s   auxk %s   (change with = or :set NAME VALUE)",
	          o->rows == TRAIN_ROWS_ALL ? "all" : "sentence",
	          o->normalize == SAE_NORM_STANDARDIZE ? "standardize" : "none",
	          o->auxk ? "on" : "off");
	y++;
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
		wdraw_str(stdscr, y + 3, 3, r.w - 4, "press s to start", theme_attr(TH_DIM));
}

/* `:set NAME VALUE` */
static int set_param(struct train_view *T, const char *name, const char *val)
{
	train_opts *o = &T->o;
	char *end;
	double v = strtod(val, &end);
	int num = end != val && !*end;
	if (!strcmp(name, "rows") && (!strcmp(val, "all") || !strcmp(val, "sentence")))
		o->rows = !strcmp(val, "all") ? TRAIN_ROWS_ALL : TRAIN_ROWS_SENTENCE;
	else if (!strcmp(name, "normalize") && (!strcmp(val, "none") || !strcmp(val, "standardize")))
		o->normalize = !strcmp(val, "none") ? SAE_NORM_NONE : SAE_NORM_STANDARDIZE;
	else if (!strcmp(name, "auxk") && (!strcmp(val, "on") || !strcmp(val, "off")))
		o->auxk = !strcmp(val, "on");
	else if (!num)
		return -1;
	else if (!strcmp(name, "m") && v >= 1 && v <= 1 << 20)
		o->m = (int)v;
	else if (!strcmp(name, "k") && v >= 1 && v <= 4096)
		o->k = (int)v;
	else if (!strcmp(name, "lr") && v > 0 && v < 10)
		o->lr = v;
	else if (!strcmp(name, "batch") && v >= 1 && v <= 1 << 16)
		o->batch = (int)v;
	else if (!strcmp(name, "epochs") && v >= 1 && v <= 1000)
		o->epochs = (int)v;
	else if (!strcmp(name, "seed") && v >= 0)
		o->seed = (uint64_t)v;
	else
		return -1;
	if (o->m && o->k > o->m)
		o->k = o->m;
	return 0;
}

static int command(screen *s, app *a, int argc, char **argv)
{
	struct train_view *T = s->data;
	if (strcmp(argv[0], "set"))
		return 0;
	if (argc != 3 || set_param(T, argv[1], argv[2])) {
		app_msg(a, MSG_ERROR, "usage: :set m|k|lr|batch|epochs|seed|rows|normalize|auxk VALUE");
		return -1;
	}
	return 1;
}

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
	case 's': start(T); return WF_HANDLED;
	case 'c': app_cancel_job(a); return WF_HANDLED;
	case '=': app_prompt(a, 0, "set (e.g. k 32): ", NULL, on_set, NULL, T); return WF_HANDLED;
	}
	return WF_IGNORED;
}

static void destroy(screen *s)
{
	(void)s;
}

static const screen_ops ops = { "Train", draw, key, NULL, command, NULL, destroy, keys,
                                (int)(sizeof keys / sizeof keys[0]) };

screen *train_screen(xmodel *m)
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

void train_screen_free(screen *s)
{
	if (!s)
		return;
	struct train_view *T = s->data;
	pthread_mutex_destroy(&T->mu);
	free(T);
	free(s);
}
