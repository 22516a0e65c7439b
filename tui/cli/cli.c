#include "tui/cli/cli.h"

#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/textsafe.h"

/* Messages quote file names, tensor names, JSON tokens: text from outside.
 * Print it through textsafe so that it cannot drive the terminal. */
static __attribute__((format(printf, 2, 0))) void put_safe(FILE *f, const char *fmt,
                                                           va_list ap)
{
	char buf[2048];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	char *safe = textsafe_dup(buf, len, 0);
	fputs(safe ? safe : "(message lost: out of memory)", f);
	free(safe);
}

void cli_say(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_safe(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("safer: ", stderr);
	va_start(ap, fmt);
	put_safe(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

void cli_note(const char *fmt, ...)
{
	va_list ap;
	fputs("safer: note: ", stderr);
	va_start(ap, fmt);
	put_safe(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "safer %s: ", cmd);
	va_start(ap, fmt);
	put_safe(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'safer %s --help')\n", cmd);
	return EXIT_USAGE;
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int cli_parse_format(const char *s, int *fmt)
{
	if (!strcmp(s, "tsv"))
		*fmt = FMT_TSV;
	else if (!strcmp(s, "json"))
		*fmt = FMT_JSON;
	else
		return -1;
	return 0;
}

/* ---- tables ------------------------------------------------------ */

struct tout {
	FILE *f;
	int fmt;
	int tty;
	const char *const *cols;
	int ncols;
	int col;     /* next column in the current row */
	long rows;
	json_t *obj; /* JSON: the row being built */
};

tout *tout_new(FILE *f, int fmt, const char *const *cols, int ncols)
{
	tout *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->f = f;
	t->fmt = fmt;
	t->tty = isatty(fileno(f));
	t->cols = cols;
	t->ncols = ncols;
	if (fmt == FMT_TSV) {
		for (int i = 0; i < ncols; i++)
			fprintf(f, "%s%s", i ? "\t" : "", cols[i]);
		fputc('\n', f);
	} else {
		fputs("[", f);
	}
	return t;
}

static void tout_sep(tout *t)
{
	if (t->fmt == FMT_TSV && t->col > 0)
		fputc('\t', t->f);
	if (t->fmt == FMT_JSON && !t->obj)
		t->obj = json_object();
}

static void tout_put(tout *t, json_t *v)
{
	if (t->col < t->ncols)
		json_object_set_new(t->obj, t->cols[t->col], v);
	else
		json_decref(v);
}

void tout_strn(tout *t, const char *s, size_t n)
{
	tout_sep(t);
	if (t->fmt == FMT_JSON) {
		char *c = textsafe_dup(s, n, TEXTSAFE_UTF8_ONLY);
		tout_put(t, c ? json_string(c) : json_null());
		free(c);
	} else {
		char *safe = t->tty ? textsafe_dup(s, n, TEXTSAFE_KEEP_NL | TEXTSAFE_KEEP_TAB) : NULL;
		const char *p = safe ? safe : s;
		size_t len = safe ? strlen(safe) : n;
		for (size_t i = 0; i < len; i++) {
			switch (p[i]) {
			case '\\': fputs("\\\\", t->f); break;
			case '\t': fputs("\\t", t->f); break;
			case '\n': fputs("\\n", t->f); break;
			case '\r': fputs("\\r", t->f); break;
			default: fputc(p[i], t->f);
			}
		}
		free(safe);
	}
	t->col++;
}

void tout_str(tout *t, const char *s)
{
	if (!s) {
		tout_null(t);
		return;
	}
	tout_strn(t, s, strlen(s));
}

void tout_null(tout *t)
{
	tout_sep(t);
	if (t->fmt == FMT_JSON)
		tout_put(t, json_null());
	t->col++;
}

void tout_int(tout *t, long long v)
{
	tout_sep(t);
	if (t->fmt == FMT_JSON)
		tout_put(t, json_integer(v));
	else
		fprintf(t->f, "%lld", v);
	t->col++;
}

void tout_num(tout *t, double v)
{
	tout_sep(t);
	if (t->fmt == FMT_JSON)
		tout_put(t, isfinite(v) ? json_real(v) : json_null());
	else
		fprintf(t->f, "%.9g", v);
	t->col++;
}

void tout_json(tout *t, const char *text)
{
	if (!text) {
		tout_null(t);
		return;
	}
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	if (t->fmt == FMT_JSON) {
		tout_sep(t);
		tout_put(t, v ? v : json_null());
		t->col++;
		return;
	}
	if (v && json_is_string(v))
		tout_strn(t, json_string_value(v), json_string_length(v));
	else
		tout_str(t, text);
	json_decref(v);
}

void tout_row_end(tout *t)
{
	if (t->fmt == FMT_TSV) {
		fputc('\n', t->f);
	} else {
		if (!t->obj)
			t->obj = json_object();
		size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9);
		if (t->tty)
			flags |= JSON_ENSURE_ASCII;
		char *s = json_dumps(t->obj, flags);
		fputs(t->rows ? ",\n" : "\n", t->f);
		if (t->tty)
			textsafe_put_json(t->f, s ? s : "{}");
		else
			fputs(s ? s : "{}", t->f);
		free(s);
		json_decref(t->obj);
		t->obj = NULL;
	}
	t->col = 0;
	t->rows++;
}

int tout_finish(tout *t)
{
	if (t->fmt == FMT_JSON)
		fputs("]\n", t->f);
	int bad = fflush(t->f) != 0 || ferror(t->f);
	json_decref(t->obj);
	free(t);
	return bad ? cli_fail("cannot write output") : EXIT_OK;
}

/* ---- progress ---------------------------------------------------- */

static volatile sig_atomic_t interrupted;
static int quiet;

void cli_set_quiet(int q)
{
	quiet = q;
}

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

void cli_catch_interrupt(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

int cli_interrupted(void)
{
	return interrupted;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int progress_cb(void *ctx, double frac, const char *phase)
{
	cli_progress *p = ctx;
	if (quiet)
		return interrupted ? 1 : 0;
	double t = now_s();
	if (p->tty) {
		if (t - p->last_time >= 0.1 || frac >= 1.0) {
			int w = 30, fill = (int)(frac * w + 0.5);
			if (fill > w)
				fill = w;
			char *safe = textsafe_dup(phase ? phase : "", phase ? strlen(phase) : 0, 0);
			fprintf(stderr, "\r%s [%.*s%*s] %3.0f%% %-40.40s", p->label, fill,
			        "##############################", w - fill, "", frac * 100,
			        safe ? safe : "");
			free(safe);
			fflush(stderr);
			p->drawn = 1;
			p->last_time = t;
		}
	} else if (t - p->last_time >= 5.0 || frac - p->last_frac >= 0.25 ||
	           (p->announce && (!p->lines || (frac >= 1.0 && p->last_frac < 1.0)))) {
		int detail = phase && phase[0];
		cli_say(stderr, "%s: %.0f%%%s%s", p->label, frac * 100, detail ? " " : "",
		        detail ? phase : "");
		p->last_time = t;
		p->last_frac = frac;
		p->lines++;
	}
	return interrupted ? 1 : 0;
}

sf_progress cli_progress_begin(cli_progress *p, const char *label)
{
	memset(p, 0, sizeof *p);
	p->label = label;
	p->tty = isatty(STDERR_FILENO);
	p->start_time = p->last_time = now_s();
	return (sf_progress){ progress_cb, p };
}

void cli_progress_end(cli_progress *p)
{
	if (p->tty && p->drawn)
		fputc('\n', stderr);
}
