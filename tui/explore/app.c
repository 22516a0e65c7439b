#include "tui/explore/app.h"

#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/mapguard.h"
#include "widgets/chart.h"
#include "widgets/draw.h"
#include "widgets/keys.h"
#include "widgets/theme.h"

struct job {
	pthread_t th;
	int running;          /* main thread's view */
	atomic_int done;      /* set by the worker as its last act */
	atomic_int cancel;
	pthread_mutex_t mu;   /* guards frac and phase */
	double frac;
	char phase[64];
	char label[64];
	int rc;
	sf_err err;
	app_job_fn fn;
	app_done_fn on_done;
	void *ctx;
	double started; /* ms, CLOCK_MONOTONIC */
};

struct app {
	screen *stack[APP_MAX_SCREENS];
	int n;
	int quit;
	int started;
	int dirty;
	int ready; /* the first screen has what it shows (app_ready) */
	wlayout L;
	WINDOW *inwin; /* the input line: keypad OFF so readline sees raw bytes */
	char title[512];
	char cmd_text[1024]; /* the running command's text after its word */
	char msg[512];
	int msg_level;
	long count; /* digits typed before a key (screens with counts) */
	wdialog dialog;
	char dialog_msg[256];
	void (*dialog_yes)(app *, void *);
	void *dialog_ctx;
	int (*gkey_fn)(app *, int, void *);
	void *gkey_ctx;
	const wkey *gkeys;
	int n_gkeys;
	const wkey *cmd_help;
	int n_cmd_help;
	app_command_fn cmd_fn;
	winput_word_fn cmd_words;
	void *cmd_ctx;
	void (*tick)(app *, void *);
	void *tick_ctx;
	struct job job;
	/* benchmark hooks (environment) */
	const char *bench_keys;
	FILE *bench_out;
};

static volatile sig_atomic_t sig_quit;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static app *the_app; /* for the crash handler and atexit */

/* ---- terminal restore ---------------------------------------------- */

static void restore_terminal(void)
{
	if (the_app && the_app->started) {
		winput_teardown();
		endwin();
		the_app->started = 0;
	}
}

static void on_quit_signal(int sig)
{
	if (sig_quit) {
		/* A second Ctrl-C while the loop is stuck: restore and go. */
		restore_terminal();
		_exit(128 + sig);
	}
	sig_quit = sig;
}

static void on_crash(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A mapped input that shrank (engine/base/mapguard.h): the terminal
 * first, then the one line naming the file. */
static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	restore_terminal();
	mapguard_fault(si->si_addr);
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
}

static void at_exit(void)
{
	restore_terminal();
}

/* ---- lifecycle ------------------------------------------------------ */

app *app_new(void)
{
	app *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	pthread_mutex_init(&a->job.mu, NULL);
	a->dirty = 1;
	return a;
}

screen *screen_new(const screen_ops *ops, size_t data_size)
{
	screen *s = calloc(1, sizeof *s);
	void *d = calloc(1, data_size);
	if (!s || !d) {
		free(s);
		free(d);
		return NULL;
	}
	s->ops = ops;
	s->data = d;
	return s;
}

void app_free(app *a)
{
	if (!a)
		return;
	app_cancel_job(a);
	if (a->job.running) {
		pthread_join(a->job.th, NULL);
		a->job.running = 0;
	}
	while (a->n)
		app_pop(a);
	app_stop(a);
	if (a->bench_out)
		fclose(a->bench_out);
	pthread_mutex_destroy(&a->job.mu);
	if (the_app == a)
		the_app = NULL;
	free(a);
}

static void make_inwin(app *a)
{
	if (a->inwin)
		delwin(a->inwin);
	a->inwin = newwin(1, COLS > 0 ? COLS : 1, LINES > 1 ? LINES - 2 : 0, 0);
	if (a->inwin) {
		keypad(a->inwin, FALSE);
		meta(a->inwin, TRUE);
	}
}

int app_start(app *a)
{
	the_app = a;
	install_signals(); /* before initscr: curses then keeps ours */
	atexit(at_exit);
	if (getenv("ESCDELAY") == NULL)
		ESCDELAY = 25;
	if (!initscr())
		return -1;
	a->started = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	meta(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED,
	          NULL);
	mouseinterval(200);
	theme_init(THEME_AUTO);
	winput_setup();
	make_inwin(a);
	wlayout_screen(LINES, COLS, &a->L);
	a->bench_keys = getenv("SAFER_EXPLORE_BENCH_KEYS");
	const char *bo = getenv("SAFER_EXPLORE_BENCH_OUT");
	if (bo && *bo)
		a->bench_out = fopen(bo, "w");
	return 0;
}

void app_stop(app *a)
{
	if (a->inwin) {
		delwin(a->inwin);
		a->inwin = NULL;
	}
	restore_terminal();
}

void app_suspend(app *a)
{
	if (!a->started)
		return;
	def_prog_mode();
	endwin();
}

void app_resume(app *a)
{
	if (!a->started)
		return;
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	a->dirty = 1;
}

void app_quit(app *a)
{
	a->quit = 1;
}

/* ---- screens -------------------------------------------------------- */

void app_push(app *a, screen *s)
{
	if (a->n == APP_MAX_SCREENS) {
		/* Deep enough: drop the one under the top to make room. */
		screen *gone = a->stack[1];
		memmove(a->stack + 1, a->stack + 2, (size_t)(a->n - 2) * sizeof *a->stack);
		a->n--;
		if (gone->ops->destroy)
			gone->ops->destroy(gone);
	}
	a->stack[a->n++] = s;
	if (s->ops->enter)
		s->ops->enter(s, a);
	a->dirty = 1;
}

void app_pop(app *a)
{
	if (!a->n)
		return;
	screen *s = a->stack[--a->n];
	if (s->ops->destroy)
		s->ops->destroy(s);
	if (a->n && a->stack[a->n - 1]->ops->enter)
		a->stack[a->n - 1]->ops->enter(a->stack[a->n - 1], a);
	a->dirty = 1;
}

screen *app_top(app *a)
{
	return a->n ? a->stack[a->n - 1] : NULL;
}

screen *app_find(app *a, const screen_ops *ops)
{
	for (int i = a->n - 1; i >= 0; i--)
		if (a->stack[i]->ops == ops)
			return a->stack[i];
	return NULL;
}

void app_raise(app *a, screen *s)
{
	while (a->n && app_top(a) != s)
		app_pop(a);
}

void app_set_title(app *a, const char *title)
{
	snprintf(a->title, sizeof a->title, "%s", title);
	a->dirty = 1;
}

void app_msg(app *a, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	a->msg_level = level;
	a->dirty = 1;
}

void app_ready(app *a)
{
	a->ready = 1;
	a->dirty = 1;
}

void app_redraw(app *a)
{
	a->dirty = 1;
}

void app_set_commands(app *a, app_command_fn fn, winput_word_fn words, void *ctx)
{
	a->cmd_fn = fn;
	a->cmd_words = words;
	a->cmd_ctx = ctx;
}

void app_set_tick(app *a, void (*tick)(app *, void *), void *ctx)
{
	a->tick = tick;
	a->tick_ctx = ctx;
}

/* ---- dialogs and prompts -------------------------------------------- */

void app_confirm(app *a, const char *title, const char *msg, void (*yes)(app *, void *),
                 void *ctx)
{
	snprintf(a->dialog_msg, sizeof a->dialog_msg, "%s", msg);
	wdialog_open(&a->dialog, title, a->dialog_msg);
	a->dialog_yes = yes;
	a->dialog_ctx = ctx;
	a->dirty = 1;
}

static void input_mode(app *a, int on)
{
	/* Mouse reports would reach readline as raw bytes: off while typing. */
	mousemask(on ? 0 : BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
	                   BUTTON5_PRESSED, NULL);
	curs_set(on ? 1 : 0);
	a->dirty = 1;
}

void app_prompt(app *a, int slot, const char *prompt, const char *initial,
                winput_done_fn done, winput_word_fn words, void *ctx)
{
	winput_begin(slot, prompt, initial, done, words, ctx);
	input_mode(a, 1);
}

/* ---- commands --------------------------------------------------------- */

enum { MAX_ARGS = 32 };

/* Split on blanks; "double quotes" group words. */
static int split_args(char *s, char **argv)
{
	int argc = 0;
	while (*s && argc < MAX_ARGS) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (*s == '"') {
			argv[argc++] = ++s;
			while (*s && *s != '"')
				s++;
		} else {
			argv[argc++] = s;
			while (*s && *s != ' ' && *s != '\t')
				s++;
		}
		if (*s)
			*s++ = '\0';
	}
	return argc;
}

int app_command(app *a, const char *line)
{
	char buf[1024];
	char *argv[MAX_ARGS];
	snprintf(buf, sizeof buf, "%s", line);
	const char *rest = line + strspn(line, " \t");
	rest += strcspn(rest, " \t");
	rest += strspn(rest, " \t");
	snprintf(a->cmd_text, sizeof a->cmd_text, "%s", rest);
	int argc = split_args(buf, argv);
	if (!argc)
		return 0;
	a->dirty = 1;
	if (!a->cmd_fn) {
		app_msg(a, MSG_ERROR, "unknown command: %s", argv[0]);
		return -1;
	}
	return a->cmd_fn(a, a->cmd_ctx, argc, argv) ? -1 : 0;
}

const char *app_command_text(const app *a)
{
	return a->cmd_text;
}

static void on_command_line(void *ctx, const char *line)
{
	app *a = ctx;
	input_mode(a, winput_active());
	if (line)
		app_command(a, line);
}

/* The input line's context is the app (for on_command_line); the words
 * come from the owner of the commands. */
static const char *command_word(void *ctx, size_t i)
{
	app *a = ctx;
	return a->cmd_words ? a->cmd_words(a->cmd_ctx, i) : NULL;
}

void app_command_line(app *a, const char *initial)
{
	app_prompt(a, WINPUT_CMD, ":", initial, on_command_line, command_word, a);
}

/* ---- worker ----------------------------------------------------------- */

static int job_progress(void *ctx, double frac, const char *phase)
{
	struct job *j = ctx;
	pthread_mutex_lock(&j->mu);
	j->frac = frac;
	if (phase)
		snprintf(j->phase, sizeof j->phase, "%s", phase);
	pthread_mutex_unlock(&j->mu);
	return atomic_load(&j->cancel);
}

static void *job_main(void *arg)
{
	struct job *j = arg;
	sf_progress p = { job_progress, j };
	j->rc = j->fn(j->ctx, &p, &j->err);
	atomic_store(&j->done, 1);
	return NULL;
}

int app_job(app *a, const char *label, app_job_fn fn, app_done_fn done, void *ctx)
{
	struct job *j = &a->job;
	if (j->running)
		return -1;
	j->fn = fn;
	j->on_done = done;
	j->ctx = ctx;
	j->frac = 0;
	j->phase[0] = '\0';
	j->rc = 0;
	j->err.msg[0] = '\0';
	snprintf(j->label, sizeof j->label, "%s", label);
	atomic_store(&j->done, 0);
	atomic_store(&j->cancel, 0);
	if (pthread_create(&j->th, NULL, job_main, j)) {
		app_msg(a, MSG_ERROR, "cannot start a worker thread for %s", label);
		return -1;
	}
	j->running = 1;
	j->started = now_ms();
	a->dirty = 1;
	return 0;
}

int app_busy(const app *a)
{
	return a->job.running;
}

void app_cancel_job(app *a)
{
	if (a->job.running)
		atomic_store(&a->job.cancel, 1);
}

double app_job_frac(app *a, char *phase, size_t n)
{
	pthread_mutex_lock(&a->job.mu);
	double f = a->job.frac;
	if (phase && n)
		snprintf(phase, n, "%s", a->job.phase);
	pthread_mutex_unlock(&a->job.mu);
	return f;
}

static void job_reap(app *a)
{
	struct job *j = &a->job;
	if (!j->running || !atomic_load(&j->done))
		return;
	pthread_join(j->th, NULL);
	j->running = 0;
	if (j->rc == 1)
		app_msg(a, MSG_INFO, "%s cancelled%s%s", j->label, j->err.msg[0] ? ": " : "",
		        j->err.msg);
	else if (j->rc < 0)
		app_msg(a, MSG_ERROR, "%s", j->err.msg);
	if (j->on_done)
		j->on_done(a, j->ctx, j->rc, &j->err);
	a->dirty = 1;
}

/* ---- help ------------------------------------------------------------- */

static const wkey global_keys[] = {
	{ "h F1", "help: the keys of this screen (? too where nothing is searched)", 'h' },
	{ "5j", "a count before a key repeats it, on screens where digits are no ratings", 0 },
	{ ":", "command line (readline): sort, goto, label, plan, export, q...", ':' },
	{ "q Esc", "back; quit from the first screen", 'q' },
	{ "x", "cancel the running job", 'x' },
	{ "^L", "redraw", 12 },
};

struct help {
	const screen_ops *of;
	const wkey *gkeys;
	int ngkeys;
	const wkey *cmds;
	int ncmds;
	size_t top;
	size_t lines, page; /* of the last draw: how far top may go */
};

void app_set_global_keys(app *a, int (*fn)(app *, int key, void *), void *ctx,
                         const wkey *keys, int n)
{
	a->gkey_fn = fn;
	a->gkey_ctx = ctx;
	a->gkeys = keys;
	a->n_gkeys = n;
}

void app_set_command_help(app *a, const wkey *cmds, int n)
{
	a->cmd_help = cmds;
	a->n_cmd_help = n;
}

/* Never past the end: the last line at the bottom at most. 1 if moved. */
static int help_clamp(struct help *h)
{
	size_t max = h->lines > h->page ? h->lines - h->page : 0;
	if (h->top <= max)
		return 0;
	h->top = max;
	return 1;
}

/* Columns for the keys of a section: the widest, at least 14, at most 26. */
static int key_width(const wkey *k, int n, int kw)
{
	for (int i = 0; i < n; i++) {
		int w = wdraw_text_width(k[i].key, strlen(k[i].key), 40);
		if (w > kw)
			kw = w;
	}
	return kw < 26 ? kw : 26;
}

/* Sections: the screen's keys, the global keys, the `:` commands. */
static void help_draw(screen *s, app *a, wrect r)
{
	struct help *h = s->data;
	wdraw_box(stdscr, r, "Help", theme_attr(TH_BORDER), theme_attr(TH_NORMAL) | A_BOLD);
	wrect in = wrect_make(r.y + 1, r.x + 2, r.h - 2, r.w - 4);
	char head[128];
	snprintf(head, sizeof head, "Keys of the %s screen", h->of ? h->of->name : "?");
	int ng = (int)(sizeof global_keys / sizeof global_keys[0]);
	int gw = key_width(h->gkeys, h->ngkeys, key_width(global_keys, ng, 14));
	struct { const char *title; const wkey *k; int n; int kw; } sec[4] = {
		{ head, h->of ? h->of->keys : NULL, h->of ? h->of->nkeys : 0,
		  key_width(h->of ? h->of->keys : NULL, h->of ? h->of->nkeys : 0, 14) },
		{ "Everywhere", global_keys, ng, gw },
		{ "", h->gkeys, h->ngkeys, gw },
		{ "Commands (type : first; Tab completes)", h->cmds, h->ncmds, 26 },
	};
	size_t line = 0;
	int y = in.y;
	for (int si = 0; si < 4; si++) {
		if (si == 2) { /* more global keys: no heading, no gap */
			for (int i = 0; i < sec[si].n; i++, line++) {
				if (line < h->top || y >= in.y + in.h)
					continue;
				wdraw_str(stdscr, y, in.x + 2, gw, sec[si].k[i].key, theme_attr(TH_KEY));
				wdraw_str(stdscr, y, in.x + 3 + gw, in.w - 3 - gw, sec[si].k[i].desc,
				          theme_attr(TH_NORMAL));
				y++;
			}
			if (line >= h->top && y < in.y + in.h)
				y++;
			line++;
			continue;
		}
		for (int i = -1; i < sec[si].n; i++, line++) {
			if (line < h->top || y >= in.y + in.h)
				continue;
			if (i < 0) {
				wdraw_str(stdscr, y++, in.x, in.w, sec[si].title, theme_attr(TH_HEADER));
				continue;
			}
			const wkey *k = &sec[si].k[i];
			wdraw_str(stdscr, y, in.x + 2, sec[si].kw, k->key, theme_attr(TH_KEY));
			wdraw_str(stdscr, y, in.x + 3 + sec[si].kw, in.w - 3 - sec[si].kw, k->desc,
			          theme_attr(TH_NORMAL));
			y++;
		}
		if (si == 1)
			continue; /* its gap follows the extra keys */
		if (line >= h->top && y < in.y + in.h)
			y++;
		line++;
	}
	h->lines = line;
	h->page = in.h > 0 ? (size_t)in.h : 1;
	if (help_clamp(h))
		a->dirty = 1; /* drawn from too far down: again from the end */
}

static int help_key(screen *s, app *a, int key)
{
	struct help *h = s->data;
	(void)a;
	size_t page = h->page > 1 ? h->page - 1 : 1;
	switch (key) {
	case KEY_DOWN: case 'j': case 14 /* ^N */: h->top++; break;
	case KEY_UP: case 'k': case 16 /* ^P */: h->top = h->top ? h->top - 1 : 0; break;
	case KEY_NPAGE: case ' ': case 6 /* ^F */: h->top += page; break;
	case KEY_PPAGE: case 2 /* ^B */: h->top = h->top > page ? h->top - page : 0; break;
	case 4 /* ^D */: h->top += page / 2; break;
	case 21 /* ^U */: h->top = h->top > page / 2 ? h->top - page / 2 : 0; break;
	case KEY_HOME: case 'g': h->top = 0; break;
	case KEY_END: case 'G': h->top = h->lines; break;
	case 'h': case '?': case 'q': case 27: case '\n': case '\r': return WF_HANDLED | WF_QUIT;
	default: return WF_IGNORED;
	}
	help_clamp(h);
	return WF_HANDLED | WF_REDRAW;
}

static void help_destroy(screen *s)
{
	free(s->data);
	free(s);
}

static const wkey help_keys[] = {
	{ "j/k", "scroll", 'j' }, { "Space PgDn/PgUp", "page", ' ' }, { "g/G", "top/end", 'g' },
	{ "q h", "close", 'q' }, { "^D/^U", "half a page down/up", 4 },
	{ "^F/^B", "page down/up", 6 },
};
static const screen_ops help_ops = {
	.name = "help",
	.draw = help_draw,
	.key = help_key,
	.destroy = help_destroy,
	.keys = help_keys,
	.nkeys = (int)(sizeof help_keys / sizeof help_keys[0]),
	.counts = 1,
};

void app_help(app *a)
{
	screen *top = app_top(a);
	if (top && top->ops == &help_ops)
		return;
	screen *s = calloc(1, sizeof *s);
	struct help *h = calloc(1, sizeof *h);
	if (!s || !h) {
		free(s);
		free(h);
		return;
	}
	h->of = top ? top->ops : NULL;
	h->cmds = a->cmd_help;
	h->gkeys = a->gkeys;
	h->ngkeys = a->n_gkeys;
	h->ncmds = a->n_cmd_help;
	s->ops = &help_ops;
	s->data = h;
	app_push(a, s);
}

/* ---- drawing ---------------------------------------------------------- */

static void draw_all(app *a)
{
	wlayout *L = &a->L;
	werase(stdscr);
	if (L->small) {
		wlayout_small(stdscr, LINES, COLS);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	wstatus_draw(stdscr, L->title.y, 0, L->title.w, a->title, theme_attr(TH_TITLE));
	screen *top = app_top(a);
	if (top) {
		top->body = L->body;
		top->ops->draw(top, a, L->body);
	}
	/* Status: a running job's progress, else the last message. */
	if (a->job.running) {
		char phase[64], label[160];
		double f = app_job_frac(a, phase, sizeof phase);
		snprintf(label, sizeof label, "%s%s%s  (x cancels)", a->job.label, phase[0] ? ": " : "",
		         phase);
		wdraw_fill(stdscr, L->status, theme_attr(TH_NORMAL));
		wprogress_draw(stdscr, L->status.y, 0, L->status.w, f, label);
	} else {
		wstatus_draw(stdscr, L->status.y, 0, L->status.w, a->msg,
		             theme_attr(a->msg_level == MSG_ERROR ? TH_ERROR : TH_STATUS));
	}
	if (top)
		wkeybar_draw(stdscr, L->keys.y, 0, L->keys.w, top->ops->keys, top->ops->nkeys);
	if (winput_active()) {
		const char *m = winput_matches();
		if (m && *m)
			wstatus_draw(stdscr, L->keys.y, 0, L->keys.w, m, theme_attr(TH_DIM));
	}
	wdialog_draw(stdscr, L->body, &a->dialog);
	wnoutrefresh(stdscr);
	if (winput_active() && a->inwin) {
		werase(a->inwin);
		winput_draw(a->inwin, 0, 0, COLS);
		wnoutrefresh(a->inwin);
	}
	doupdate();
}

static void relayout(app *a)
{
	wlayout_screen(LINES, COLS, &a->L);
	make_inwin(a);
	clearok(curscr, TRUE);
	a->dirty = 1;
}

/* ---- keys ------------------------------------------------------------- */

static int global_key(app *a, int key);
static void dispatch(app *a, int ch);

static void on_mouse(app *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	screen *top = app_top(a);
	if (!top)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		int k = (ev.bstate & BUTTON4_PRESSED) ? KEY_UP : KEY_DOWN;
		for (int i = 0; i < 3; i++)
			top->ops->key(top, a, k);
		a->dirty = 1;
		return;
	}
	if (ev.y == a->L.keys.y) {
		int i = wkeybar_hit(top->ops->keys, top->ops->nkeys, 0, a->L.keys.w, ev.x);
		if (i >= 0 && top->ops->keys[i].code)
			dispatch(a, top->ops->keys[i].code); /* as if typed */
		else if (i >= 0)
			app_msg(a, MSG_INFO, "press %s: %s", top->ops->keys[i].key,
			        top->ops->keys[i].desc);
		a->dirty = 1;
		return;
	}
	wrect b = top->body;
	if (top->ops->click && ev.y >= b.y && ev.y < b.y + b.h) {
		int f = top->ops->click(top, a, b, ev.y, ev.x,
		                        (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0);
		if (f & WF_QUIT)
			app_pop(a);
		a->dirty = 1;
	}
}

static void quit_anyway(app *a, void *ctx)
{
	(void)ctx;
	app_cancel_job(a);
	app_quit(a);
}

static int global_key(app *a, int key)
{
	switch (key) {
	case 'q': case 27:
		if (a->n > 1) {
			app_pop(a);
		} else if (a->job.running) {
			app_confirm(a, "Quit", "A job is running. Cancel it and quit?", quit_anyway, NULL);
		} else {
			app_quit(a);
		}
		return WF_HANDLED;
	case 'h': case '?': case KEY_F(1):
		app_help(a);
		return WF_HANDLED;
	case ':':
		app_command_line(a, NULL);
		return WF_HANDLED;
	case 'x':
		if (a->job.running) {
			app_cancel_job(a);
			app_msg(a, MSG_INFO, "cancelling %s...", a->job.label);
		}
		return WF_HANDLED;
	case 12: /* ^L */
		clearok(curscr, TRUE);
		return WF_HANDLED;
	}
	return WF_IGNORED;
}

/* Keys a count repeats: moves and steps. */
static int repeats(int ch)
{
	switch (ch) {
	case 'j': case 'k': case KEY_UP: case KEY_DOWN: case KEY_NPAGE: case KEY_PPAGE:
	case ' ': case 2: case 4: case 6: case 21: case 'n': case 'N': case '[': case ']':
	case KEY_LEFT: case KEY_RIGHT:
		return 1;
	}
	return 0;
}

static void key_once(app *a, screen *top, int ch);

static void dispatch(app *a, int ch)
{
	if (ch == KEY_RESIZE) {
		relayout(a);
		return;
	}
	if (a->dialog.active) {
		int f = wdialog_key(&a->dialog, ch);
		if ((f & WF_ACCEPT) && a->dialog_yes)
			a->dialog_yes(a, a->dialog_ctx);
		a->dirty = 1;
		return;
	}
	if (winput_active()) {
		winput_key(a->inwin, ch);
		if (!winput_active())
			input_mode(a, 0);
		a->dirty = 1;
		return;
	}
	if (ch == KEY_MOUSE) {
		on_mouse(a);
		return;
	}
	if (a->L.small) {
		if (ch == 'q' || ch == 27)
			app_quit(a);
		return;
	}
	/* A message is about the key before: the next key clears it (as in
	 * vim), so an old error never stands beside a later success. */
	a->msg[0] = '\0';
	screen *top = app_top(a);
	if (top && top->ops->counts && ch >= '0' && ch <= '9' && (ch != '0' || a->count)) {
		if (a->count < 10000)
			a->count = a->count * 10 + (ch - '0');
		app_msg(a, MSG_INFO, "%ld (a count: the next key is repeated; Esc forgets it)", a->count);
		return;
	}
	long times = a->count > 0 && repeats(ch) ? a->count : 1;
	if (a->count && ch == 27) {
		a->count = 0;
		a->dirty = 1;
		return;
	}
	a->count = 0;
	while (times-- > 1 && app_top(a) == top && !a->quit)
		key_once(a, top, ch);
	key_once(a, app_top(a), ch);
}

/* What a key does once: the screen, then the program's, then the frame's. */
static void key_once(app *a, screen *top, int ch)
{
	int f = top ? top->ops->key(top, a, ch) : WF_IGNORED;
	if (f & WF_QUIT)
		app_pop(a);
	else if (!(f & WF_HANDLED) && a->gkey_fn)
		f |= a->gkey_fn(a, ch, a->gkey_ctx);
	if (!(f & (WF_HANDLED | WF_QUIT)))
		f |= global_key(a, ch);
	/* Any handled key may change what is shown. */
	if (f & (WF_HANDLED | WF_REDRAW))
		a->dirty = 1;
}

/* Two resizes in quick succession can leave curses with the first size
 * (the second SIGWINCH arrives while it handles the first). Compare with
 * the terminal now and then, and resize when they disagree. */
static void check_size(app *a)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return;
	if (ws.ws_row != LINES || ws.ws_col != COLS) {
		resizeterm(ws.ws_row, ws.ws_col);
		relayout(a);
	}
}

/* Idle: wake four times a second. A job: ten times (its progress), and
 * often in its first moments, since most end at once (a cached load) and
 * their result should not wait for the next wake. */
static int read_key(app *a)
{
	int ms = !a->job.running ? 250 : now_ms() - a->job.started < 300 ? 10 : 100;
	WINDOW *w = winput_active() && a->inwin ? a->inwin : stdscr;
	wtimeout(w, ms);
	if (w == a->inwin)
		return wgetch(w); /* the input reads its own sequences */
	int k = wkeys_get(w);
	/* Sequences no screen knows, and Alt with a key, are not keys here. */
	return k == WKEY_NONE || (k >= 0 && (k & WKEY_META)) ? ERR : k;
}

/* Benchmark: feed the keys of SAFER_EXPLORE_BENCH_KEYS one by one after
 * the first draw, timing each from dispatch to the end of its redraw. */
static void run_bench(app *a)
{
	for (const char *k = a->bench_keys; *k && !a->quit; k++) {
		double t0 = now_ms();
		dispatch(a, (unsigned char)*k);
		draw_all(a);
		a->dirty = 0;
		double t1 = now_ms();
		if (a->bench_out)
			fprintf(a->bench_out, "%.3f\n", t1 - t0);
	}
	app_quit(a);
}

int app_run(app *a)
{
	int exit_after_draw = getenv("SAFER_EXPLORE_EXIT_AFTER_DRAW") != NULL;
	while (!a->quit && a->n > 0) {
		if (sig_quit == SIGINT && (winput_active() || a->dialog.active)) {
			/* ^C in a prompt or dialog cancels it, as in readline and vim. */
			sig_quit = 0;
			if (winput_active()) {
				winput_cancel();
				input_mode(a, 0);
			}
			a->dialog.active = 0;
			app_msg(a, MSG_INFO, "cancelled");
		}
		if (sig_quit)
			break;
		job_reap(a);
		if (a->tick)
			a->tick(a, a->tick_ctx);
		if (a->job.running)
			a->dirty = 1;
		if (a->dirty) {
			draw_all(a);
			a->dirty = 0;
			/* The first screen that is ready: said so, or no job still
			 * loading it. */
			if (exit_after_draw && (a->ready || !a->job.running))
				break;
			if (a->bench_keys && !a->job.running) {
				run_bench(a);
				break;
			}
		}
		int ch = read_key(a);
		check_size(a);
		if (ch == ERR)
			continue;
		dispatch(a, ch);
	}
	if (a->job.running) {
		app_cancel_job(a);
		pthread_join(a->job.th, NULL);
		a->job.running = 0;
		if (a->job.on_done)
			a->job.on_done(a, a->job.ctx, a->job.rc, &a->job.err);
	}
	return sig_quit ? 128 + sig_quit : 0;
}
