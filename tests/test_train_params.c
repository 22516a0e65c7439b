/* The hyperparameter table, and that `safer train` and the Train screen's
 * `:set` (both train_param_set, by flag or by name) agree on it: every
 * entry's limits are accepted at the edge and refused just past it, with
 * one line naming the limits; the defaults are within them and read back;
 * and the CLI, run for real, accepts and refuses exactly the same values,
 * saying the same thing, and lists every entry in --help. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/sae/train.h"
#include "engine/sae/train_params.h"
#include "tests/tap.h"

static char tmpdir[] = "/tmp/test_train_params.XXXXXX";
static char safer[4096];

static int integral(const train_param *p)
{
	return p->type == TP_INT || p->type == TP_SIZE || p->type == TP_SEED;
}

static int named(const train_param *p)
{
	return p->type == TP_ENUM || p->type == TP_BIT;
}

/* The value as train_param_format writes it, read back as a number. */
static double value_of(const train_param *p, const train_opts *o)
{
	char buf[128];
	train_param_format(p, o, NULL, buf, sizeof buf);
	return strtod(buf, NULL);
}

/* Values just past each limit, and the limits themselves, as text. */
static void edges(const train_param *p, char lo[64], char hi[64], char below[64],
                  char above[64])
{
	if (integral(p)) {
		snprintf(lo, 64, "%.0f", p->lo);
		snprintf(hi, 64, "%.0f", p->hi);
		snprintf(below, 64, "%.0f", p->lo - 1);
		snprintf(above, 64, "%.0f", p->hi + 1);
	} else {
		snprintf(lo, 64, "%.17g", p->lo);
		snprintf(hi, 64, "%.17g", p->hi);
		snprintf(below, 64, "%.17g", nextafter(p->lo, -INFINITY));
		snprintf(above, 64, "%.17g", nextafter(p->hi, INFINITY));
	}
}

/* `safer train DIR --NAME=VALUE`: exit status, first line of stderr. */
static int run_cli(const char *name, const char *val, char *err, size_t n)
{
	char cmd[8192], errf[4200];
	err[0] = '\0';
	/* a command cut short would test something else: fail instead */
	if (snprintf(errf, sizeof errf, "%s/err", tmpdir) >= (int)sizeof errf ||
	    snprintf(cmd, sizeof cmd, "'%s' train '%s/none' '--%s=%s' >/dev/null 2>'%s'", safer,
	             tmpdir, name, val, errf) >= (int)sizeof cmd) {
		snprintf(err, n, "command line too long");
		return -1;
	}
	int st = system(cmd);
	FILE *f = fopen(errf, "r");
	if (f) {
		if (fgets(err, (int)n, f))
			err[strcspn(err, "\n")] = '\0';
		fclose(f);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The value refused by the table (as :set and as a flag) and by the CLI,
 * all three saying the same. */
static void refused(const train_param *p, const char *val, const char *why)
{
	train_opts o, before;
	train_opts_default(&o);
	before = o;
	sf_err es, ef;
	int rs = train_param_set_name(&o, p->name, val, "", &es);
	int rf = train_param_set(&o, p, val, "--", &ef);
	char lim[96];
	train_param_limits(p, lim, sizeof lim);
	ok(rs == -1 && rf == -1 && !memcmp(&o, &before, sizeof o) && strstr(es.msg, p->name) &&
	   (named(p) || strstr(es.msg, lim)) && !strcmp(ef.msg + 2, es.msg) && !strchr(es.msg, '\n'),
	   "%s %s (%s) refused, o unchanged: %s", p->name, val, why, es.msg);
	char err[600], want[600];
	int rc = run_cli(p->name, val, err, sizeof err);
	snprintf(want, sizeof want, "safer train: %s", ef.msg);
	ok(rc == 2 && !strcmp(err, want), "safer train --%s=%s: exit %d, %s", p->name, val, rc, err);
}

/* Accepted by the table and by the CLI (which then fails on the missing
 * workspace, exit 1, past the option parsing). */
static void accepted(const train_param *p, const char *val, double want)
{
	train_opts o;
	train_opts_default(&o);
	sf_err e = { { 0 } };
	int r = train_param_set_name(&o, p->name, val, "", &e);
	ok(r == 0 && (isnan(want) || value_of(p, &o) == want), "%s %s accepted %s", p->name, val,
	   e.msg);
	char err[600];
	int rc = run_cli(p->name, val, err, sizeof err);
	ok(rc == 1 && strncmp(err, "safer train:", 12), "safer train --%s=%s gets past the options (exit %d: %s)",
	   p->name, val, rc, err);
}

static void test_entry(const train_param *p)
{
	ok(train_param_find(p->name) == p && (!p->alias || train_param_find(p->alias) == p),
	   "%s: found by name%s", p->name, p->alias ? " and alias" : "");
	ok(p->help && *p->help && !strchr(p->help, '\n'), "%s: one line of help", p->name);
	/* the default, as shown, reads back to itself */
	train_opts d, o;
	train_opts_default(&d);
	char buf[128];
	train_param_format(p, &d, NULL, buf, sizeof buf);
	o = d;
	sf_err e = { { 0 } };
	int r = train_param_set_name(&o, p->name, buf, "", &e);
	ok(r == 0 && !memcmp(&o, &d, sizeof o), "%s: default '%s' reads back %s", p->name, buf, e.msg);
	if (!train_param_is_auto(p, &d) && !named(p)) {
		double v = value_of(p, &d);
		ok(v >= p->lo && v <= p->hi, "%s: default %g within [%g, %g]", p->name, v, p->lo,
		   p->hi);
	}
	if (p->auto_text) {
		o = d;
		ok(train_param_set_name(&o, p->name, "auto", "", &e) == 0 && train_param_is_auto(p, &o),
		   "%s: auto", p->name);
	} else {
		refused(p, "auto", "no automatic value");
	}
	if (named(p)) {
		int all = 1;
		for (int i = 0; p->names[i]; i++) {
			o = d;
			train_param_set_name(&o, p->name, p->names[i], "", &e);
			train_param_format(p, &o, NULL, buf, sizeof buf);
			all &= !strcmp(buf, p->names[i]);
		}
		ok(all, "%s: every name sets and shows itself", p->name);
		if (p->bare) {
			o = d;
			ok(train_param_set_name(&o, p->name, p->bare, "", &e) == 0,
			   "%s: the bare flag's value '%s' is one of them", p->name, p->bare);
		}
		refused(p, "maybe", "not a name");
		return;
	}
	char lo[64], hi[64], below[64], above[64];
	edges(p, lo, hi, below, above);
	accepted(p, lo, p->lo);
	accepted(p, hi, p->hi);
	refused(p, below, "below the lower limit");
	refused(p, above, "above the upper limit");
	refused(p, "12x", "not a number");
	if (integral(p)) {
		snprintf(buf, sizeof buf, "%.1f", p->lo + 0.5);
		refused(p, buf, "not an integer");
	}
}

/* every entry in --help */
static void test_help(void)
{
	char cmd[8192], out[4200];
	snprintf(out, sizeof out, "%s/help", tmpdir);
	snprintf(cmd, sizeof cmd, "'%s' train --help >'%s'", safer, out);
	int st = system(cmd);
	ok(st == 0, "safer train --help");
	FILE *f = fopen(out, "r");
	static char text[1 << 16];
	size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
	text[n] = '\0';
	if (f)
		fclose(f);
	for (size_t i = 0; i < train_params_count; i++) {
		const train_param *p = &train_params[i];
		char a[64], b[64], lim[96], def[160];
		snprintf(a, sizeof a, "\n  --%s ", p->name);
		snprintf(b, sizeof b, "\n  --%s[", p->name);
		train_param_limits(p, lim, sizeof lim);
		train_param_default(p, def, sizeof def);
		/* the text is wrapped: look for the default's first word */
		def[strcspn(def, " ")] = '\0';
		const char *at = strstr(text, a) ? strstr(text, a) : strstr(text, b);
		ok(at && strstr(at, def), "--help lists --%s (%s; default %s...)", p->name, lim, def);
	}
}

static void test_across(void)
{
	train_opts o;
	train_opts_default(&o);
	sf_err e;
	train_param_set_name(&o, "latents", "8", "", &e);
	train_param_set_name(&o, "k", "9", "", &e);
	ok(train_params_check(&o, "", &e) == -1 && strstr(e.msg, "k 9 exceeds latents 8"),
	   "k above latents refused: %s", e.msg);
	ok(train_params_check(&o, "--", &e) == -1 && strstr(e.msg, "--k 9 exceeds --latents 8"),
	   "as flags: %s", e.msg);
	train_param_set_name(&o, "k", "8", "", &e);
	ok(train_params_check(&o, "", &e) == 0, "k = latents is fine");
	train_param_set_name(&o, "latents", "auto", "", &e);
	train_param_set_name(&o, "k", "9", "", &e);
	ok(train_params_check(&o, "", &e) == 0, "k with automatic latents is left to resolve");
	/* the CLI's own check, with both flags as separate words */
	char err[600];
	char cmd[8192], errf[4200];
	snprintf(errf, sizeof errf, "%s/err", tmpdir);
	snprintf(cmd, sizeof cmd, "'%s' train '%s/none' --latents 8 --k 9 2>'%s'", safer, tmpdir,
	         errf);
	int st = system(cmd);
	FILE *f = fopen(errf, "r");
	err[0] = '\0';
	if (f) {
		if (!fgets(err, sizeof err, f))
			err[0] = '\0';
		fclose(f);
	}
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 2 && strstr(err, "--k 9 exceeds --latents 8"),
	   "safer train --latents 8 --k 9 is a usage error: %s", err);

	/* automatic values shown with what they resolve to */
	train_opts_default(&o);
	train_opts r = o;
	train_opts_resolve(&r, 16, 1000);
	char buf[128];
	train_param_format(train_param_find("k"), &o, &r, buf, sizeof buf);
	is_str(buf, "auto (→ 32)", "automatic k shown resolved");
	train_param_format(train_param_find("k"), &o, NULL, buf, sizeof buf);
	is_str(buf, "auto", "and as auto when unresolved");
	train_param_set_name(&o, "k", "7", "", &e);
	train_param_format(train_param_find("k"), &o, &r, buf, sizeof buf);
	is_str(buf, "7", "a set value shown as it is");
	ok(train_param_set_name(&o, "nosuch", "1", "", &e) == -1 && strstr(e.msg, "nosuch"),
	   "unknown name refused: %s", e.msg);
}

int main(void)
{
	const char *s = getenv("SAFER");
	const char *bd = getenv("top_builddir");
	snprintf(safer, sizeof safer, "%s", s ? s : bd ? bd : ".");
	if (!s)
		snprintf(safer + strlen(safer), sizeof safer - strlen(safer), "/tui/safer");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	for (size_t i = 0; i < train_params_count; i++)
		for (size_t j = 0; j < i; j++) {
			const train_param *a = &train_params[i], *b = &train_params[j];
			if (!strcmp(a->name, b->name) || (a->alias && !strcmp(a->alias, b->name)) ||
			    (b->alias && !strcmp(b->alias, a->name)))
				ok(0, "names %s and %s collide", a->name, b->name);
		}
	for (size_t i = 0; i < train_params_count; i++)
		test_entry(&train_params[i]);
	test_help();
	test_across();
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd))
		diag("could not remove %s", tmpdir);
	return done_testing();
}
