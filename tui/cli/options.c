#include "tui/cli/options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/stats.h"
#include "engine/ws/workspace.h"
#include "tui/cli/cli.h"

void copts_default(copts *o)
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

int opt_long_in(const char *cmd, const char *name, const char *v, long lo, long hi, long *out)
{
	if (!parse_long(v, lo, hi, out))
		return 0;
	return cli_usage_error(cmd, "%s needs an integer from %ld to %ld, not '%.40s'", name, lo, hi,
	                       v);
}

int opt_double_in(const char *cmd, const char *name, const char *v, double lo, int lo_open,
                  double hi, double *out)
{
	double x;
	if (!parse_double(v, &x) && isfinite(x) && (lo_open ? x > lo : x >= lo) && x <= hi) {
		*out = x;
		return 0;
	}
	if (lo_open)
		return cli_usage_error(cmd, "%s needs a number in (%g, %g], not '%.40s'", name, lo, hi,
		                       v);
	return cli_usage_error(cmd, "%s needs a number from %g to %g, not '%.40s'", name, lo, hi, v);
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

const char *opt_value(const char *cmd, const char *name, int argc, char **argv, int *i, int *bad)
{
	const char *v = NULL;
	int r = opt_arg(argc, argv, i, name, &v);
	if (r < 0) {
		cli_usage_error(cmd, "%s needs a value", name);
		*bad = 1;
	}
	return r > 0 ? v : NULL;
}

/* A positive count option of the safety sets. */
static int count_opt(const char *cmd, const char *name, long lo, long hi, int argc, char **argv,
                     int *i, int *bad, int *out)
{
	long x;
	const char *v = opt_value(cmd, name, argc, argv, i, bad);
	if (!v)
		return *bad ? -1 : 0;
	if (opt_long_in(cmd, name, v, lo, hi, &x))
		return -1;
	*out = (int)x;
	return 1;
}

int opt_shared(const char *cmd, copts *o, int which, int argc, char **argv, int *i)
{
	int bad = 0, r;
	const char *v;
	if ((which & OPT_READONLY) &&
	    (!strcmp(argv[*i], "--read-only") || !strcmp(argv[*i], "--readonly"))) {
		o->flags |= WS_READONLY;
		return 1;
	}
	if ((which & OPT_FORMAT) && (v = opt_value(cmd, "--format", argc, argv, i, &bad))) {
		if (cli_parse_format(v, &o->fmt))
			return cli_usage_error(cmd, "--format must be tsv or json"), -1;
		return 1;
	}
	if (bad)
		return -1;
	if ((which & OPT_ROWS) && (v = opt_value(cmd, "--rows", argc, argv, i, &bad))) {
		if (rows_mode_parse(v, &o->rows_mode))
			return cli_usage_error(cmd, "--rows must be sentence or all"), -1;
		return 1;
	}
	if (bad)
		return -1;
	if ((which & OPT_RATINGS) && (v = opt_value(cmd, "--ratings", argc, argv, i, &bad))) {
		if (safety_parse_ratings(v, &o->so.ratings))
			return cli_usage_error(cmd, "--ratings must be human, judge or both"), -1;
		return 1;
	}
	if (bad)
		return -1;
	if ((which & OPT_RATINGS) && (v = opt_value(cmd, "--unparsed", argc, argv, i, &bad))) {
		if (safety_parse_unparsed(v, &o->so.unparsed))
			return cli_usage_error(cmd, "--unparsed must be skip or 5"), -1;
		return 1;
	}
	if (bad)
		return -1;
	if (!(which & OPT_SAFETY))
		return 0;
	if ((r = count_opt(cmd, "--candidates", 1, 1 << 30, argc, argv, i, &bad,
	                   &o->so.candidates)) ||
	    (r = count_opt(cmd, "--threshold", 1, 5, argc, argv, i, &bad, &o->so.threshold)) ||
	    (r = count_opt(cmd, "--cap", 1, 1 << 30, argc, argv, i, &bad, &o->so.cap)))
		return r;
	return 0;
}

/* "3,17,40-45" into a list of features below m. */
int opt_feature_list(const char *s, int m, int **out, int *n)
{
	*out = NULL;
	*n = 0;
	int cap = 0;
	const char *p = s;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;
		if (end == p || a < 0)
			return -1;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				return -1;
		}
		if (b >= m || b - a > 1000000)
			return -2;
		for (long f = a; f <= b; f++) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				int *nv = realloc(*out, (size_t)cap * sizeof **out);
				if (!nv)
					return -1;
				*out = nv;
			}
			(*out)[(*n)++] = (int)f;
		}
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	return *n ? 0 : -1;
}
