#include "tui/cli/analysis_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sae/sae.h"
#include "engine/ws/labels_ws.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/scores_ws.h"
#include "engine/ws/stats_ws.h"
#include "tui/cli/cli.h"

void aopts_default(aopts *o)
{
	memset(o, 0, sizeof *o);
	o->fmt = FMT_TSV;
	o->rows_mode = ROWS_SENTENCE;
	safety_opts_default(&o->so);
}

int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int parse_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno)
		return -1;
	*out = v;
	return 0;
}

int opt_arg(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] || *i + 1 >= argc)
		return a[n] ? 0 : -1;
	*val = argv[++*i];
	return 1;
}

const char *aopt_value(const char *cmd, const char *name, int argc, char **argv, int *i, int *bad)
{
	const char *v = NULL;
	int r = opt_arg(argc, argv, i, name, &v);
	if (r < 0) {
		cli_usage_error(cmd, "%s needs a value", name);
		*bad = 1;
	}
	return r > 0 ? v : NULL;
}

int aopt_shared(const char *cmd, aopts *o, int argc, char **argv, int *i)
{
	int bad = 0;
	const char *v;
	long x;
	if ((v = aopt_value(cmd, "--format", argc, argv, i, &bad))) {
		if (cli_parse_format(v, &o->fmt))
			return cli_usage_error(cmd, "--format must be tsv or json"), -1;
		return 1;
	}
	if (!bad && (v = aopt_value(cmd, "--rows", argc, argv, i, &bad))) {
		if (rows_mode_parse(v, &o->rows_mode))
			return cli_usage_error(cmd, "--rows must be sentence or all"), -1;
		return 1;
	}
	if (!bad && (v = aopt_value(cmd, "--candidates", argc, argv, i, &bad))) {
		if (parse_long(v, 1, 1 << 30, &x))
			return cli_usage_error(cmd, "--candidates must be a positive integer"), -1;
		o->so.candidates = (int)x;
		return 1;
	}
	if (!bad && (v = aopt_value(cmd, "--threshold", argc, argv, i, &bad))) {
		if (parse_long(v, 1, 5, &x))
			return cli_usage_error(cmd, "--threshold must be 1-5"), -1;
		o->so.threshold = (int)x;
		return 1;
	}
	if (!bad && (v = aopt_value(cmd, "--cap", argc, argv, i, &bad))) {
		if (parse_long(v, 1, 1 << 30, &x))
			return cli_usage_error(cmd, "--cap must be a positive integer"), -1;
		o->so.cap = (int)x;
		return 1;
	}
	return bad ? -1 : 0;
}

int actx_open(actx *a, const char *dir, int flags, sf_err *e)
{
	memset(a, 0, sizeof *a);
	return ws_open(&a->w, dir, flags, e);
}

int actx_latents(actx *a, sf_err *e)
{
	if (a->l)
		return 0;
	char note[600];
	cli_progress pr;
	sf_progress p = cli_progress_begin(&pr, "rebuilding damaged latents");
	int rc = latents_open_repair(&a->l, a->w, &p, note, sizeof note, e);
	cli_progress_end(&pr);
	if (note[0])
		fprintf(stderr, "safer: note: %s\n", note);
	return rc;
}

int actx_stats(actx *a, const aopts *o, sf_err *e)
{
	if (a->have_stats)
		return 0;
	if (actx_latents(a, e))
		return -1;
	cli_progress pr;
	sf_progress p = cli_progress_begin(&pr, "statistics");
	int rc = stats_compute_ws(&a->st, a->l, ws_store(a->w), o->rows_mode, &p, e);
	cli_progress_end(&pr);
	a->have_stats = rc == 0;
	return rc;
}

int actx_labels(actx *a, sf_err *e)
{
	if (a->have_labels)
		return 0;
	int m;
	sf_err le;
	/* Only the width is needed here: a damaged cache is not worth
	 * rebuilding for it, the SAE says the same. */
	if (a->l || latents_open(&a->l, a->w, &le) == 0) {
		m = a->l->m;
	} else {
		sae *s;
		if (sae_load_ws(&s, a->w, e))
			return -1;
		m = s->m;
		sae_free(s);
	}
	if (labels_load(&a->L, a->w, m, e))
		return -1;
	a->have_labels = 1;
	if (a->L.notice[0])
		fprintf(stderr, "safer: note: %s\n", a->L.notice);
	return 0;
}

int actx_safety(actx *a, const aopts *o, sf_err *e)
{
	if (a->have_safety)
		return 0;
	if (actx_stats(a, o, e) || actx_labels(a, e))
		return -1;
	if (safety_select(&a->S, &a->st, &a->L, &o->so, e))
		return -1;
	a->have_safety = 1;
	if (a->S.fallback)
		fprintf(stderr, "safer: note: %s (top %d)\n", SAFETY_FALLBACK_NOTE, o->so.cap);
	return 0;
}

int actx_scores(actx *a, const aopts *o, sf_err *e)
{
	if (a->have_scores)
		return 0;
	if (actx_safety(a, o, e))
		return -1;
	int rc = scores_compute_ws(&a->sc, a->l, ws_store(a->w), ws_pairs(a->w)->n, &a->S,
	                           o->rows_mode, NULL, e);
	a->have_scores = rc == 0;
	return rc;
}

void actx_close(actx *a)
{
	if (a->have_scores)
		scores_free(&a->sc);
	if (a->have_safety)
		safety_free(&a->S);
	if (a->have_labels)
		labels_free(&a->L);
	if (a->have_stats)
		stats_free(&a->st);
	latents_close(a->l);
	if (a->w)
		ws_close(a->w);
	memset(a, 0, sizeof *a);
}

void label_row(tout *t, const sf_label *lb, int feature)
{
	char when[32] = "";
	tout_int(t, feature);
	tout_str(t, lb ? lb->name : "");
	if (lb && lb->safety)
		tout_int(t, lb->safety);
	else
		tout_null(t);
	tout_str(t, lb ? lb->note : "");
	if (lb)
		labels_format_time(lb->updated, when);
	tout_str(t, when);
	tout_row_end(t);
}

