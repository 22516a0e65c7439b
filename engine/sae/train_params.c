/* The training hyperparameters' table and what parses and shows them. */
#include "engine/sae/train_params.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rows_names[] = { "sentence", "all", "auto", NULL };
static const char *const norm_names[] = { "none", "standardize", NULL };
static const char *const off_on[] = { "off", "on", NULL };

/* integers above 2^53 would not survive JSON readers that use doubles */
#define MAX_EXACT 9007199254740991.0

#define F(field) offsetof(train_opts, field)

const train_param train_params[] = {
	{ .name = "latents", .alias = "m", .arg = "M", .type = TP_INT, .off = F(m),
	  .help = "SAE width: the number of latents", .lo = 1, .hi = 1 << 24,
	  .auto_text = "16384 for d >= 2048 (SAFER), else 8 d" },
	{ .name = "k", .arg = "K", .type = TP_INT, .off = F(k), .help = "active latents per row",
	  .lo = 1, .hi = 1 << 16, .auto_text = "64 for d >= 2048 (SAFER), else 32; at most latents" },
	{ .name = "lr", .arg = "LR", .type = TP_DOUBLE, .off = F(lr),
	  .help = "Adam learning rate (SAFER's 5e-4 then 3e-4 are tuned for millions of rows; "
	          "on ~10^5 rows they do not converge)",
	  .lo = 1e-12, .hi = 10 },
	{ .name = "batch", .arg = "B", .type = TP_INT, .off = F(batch),
	  .help = "rows per step (SAFER: 1024)", .lo = 1, .hi = 1 << 20 },
	{ .name = "epochs", .arg = "E", .type = TP_INT, .off = F(epochs),
	  .help = "passes over the rows", .lo = 1, .hi = 100000,
	  .auto_text = "about 2000 steps' worth, 1 to 8 (SAFER: 1, on millions of rows)" },
	{ .name = "seed", .arg = "S", .type = TP_SEED, .off = F(seed),
	  .help = "initialisation and shuffling seed", .lo = 0, .hi = MAX_EXACT },
	{ .name = "rows", .type = TP_ENUM, .off = F(rows), .names = rows_names,
	  .help = "rows to train on: all (token rows) or sentence (sentence-end rows)",
	  .auto_text = "all from scratch, sentence with --continue (SAFER's two stages)",
	  .auto_value = TRAIN_ROWS_AUTO },
	{ .name = "prompt", .type = TP_BIT, .off = F(sides), .mask = TRAIN_SIDE_PROMPT,
	  .names = off_on, .bare = "on",
	  .help = "train on prompt rows too, not only chosen and rejected ones" },
	{ .name = "normalize", .type = TP_ENUM, .off = F(normalize), .names = norm_names,
	  .help = "row normalisation before the encoder (standardize: SAFER)" },
	{ .name = "relu", .type = TP_ENUM, .off = F(relu), .names = off_on, .bare = "on",
	  .help = "clamp kept activations at 0 (sparsify); off: raw TopK (SAFER)" },
	{ .name = "auxk", .type = TP_ENUM, .off = F(auxk), .names = off_on, .bare = "on",
	  .help = "AuxK dead-latent loss (off in SAFER)" },
	{ .name = "k-aux", .arg = "N", .type = TP_INT, .off = F(k_aux),
	  .help = "AuxK latents per row", .lo = 1, .hi = 1 << 20,
	  .auto_text = "d/2, at most latents" },
	{ .name = "aux-coef", .arg = "C", .type = TP_DOUBLE, .off = F(aux_coef),
	  .help = "AuxK loss coefficient", .lo = 0, .hi = 100 },
	{ .name = "dead-rows", .arg = "N", .type = TP_SIZE, .off = F(dead_rows),
	  .help = "rows a latent may go unfired before it counts as dead", .lo = 1,
	  .hi = MAX_EXACT, .auto_text = "the row count, at most 10^6, at least 10 batches" },
	{ .name = "beta1", .arg = "B1", .type = TP_DOUBLE, .off = F(beta1),
	  .help = "Adam's first-moment decay", .lo = 0, .hi = 0.999999 },
	{ .name = "beta2", .arg = "B2", .type = TP_DOUBLE, .off = F(beta2),
	  .help = "Adam's second-moment decay", .lo = 0, .hi = 0.999999 },
	{ .name = "eps", .arg = "EPS", .type = TP_DOUBLE, .off = F(eps),
	  .help = "Adam's epsilon", .lo = 1e-30, .hi = 1 },
	{ .name = "warmup", .arg = "F", .type = TP_DOUBLE, .off = F(warmup_frac),
	  .help = "fraction of the steps with a linear learning-rate warm-up", .lo = 0, .hi = 1 },
	{ .name = "decay", .arg = "F", .type = TP_DOUBLE, .off = F(decay_frac),
	  .help = "fraction of the steps, at the end, with a linear decay to 0", .lo = 0, .hi = 1 },
	{ .name = "renorm-every", .arg = "N", .type = TP_INT, .off = F(renorm_every),
	  .help = "batches between decoder renormalisations (0: only before and after)",
	  .lo = 0, .hi = 1e9 },
	{ .name = "bpre-sample", .arg = "N", .type = TP_SIZE, .off = F(bpre_sample),
	  .help = "rows averaged to initialise b_pre", .lo = 1, .hi = MAX_EXACT },
	{ .name = "report-every", .arg = "N", .type = TP_INT, .off = F(report_every),
	  .help = "steps between progress reports", .lo = 1, .hi = 1e9,
	  .auto_text = "about 100 reports per run" },
	{ .name = "threads", .arg = "N", .type = TP_INT, .off = F(threads),
	  .help = "threads (results depend on the count)", .lo = 1, .hi = 64,
	  .auto_text = "OpenBLAS's thread count" },
};
const size_t train_params_count = sizeof train_params / sizeof train_params[0];

#undef F

const train_param *train_param_find(const char *name)
{
	for (size_t i = 0; i < train_params_count; i++) {
		const train_param *p = &train_params[i];
		if (!strcmp(p->name, name) || (p->alias && !strcmp(p->alias, name)))
			return p;
	}
	return NULL;
}

#define FIELD(o, p, T) ((T *)((char *)(o) + (p)->off))
#define CFIELD(o, p, T) ((const T *)((const char *)(o) + (p)->off))

/* The field as a number (an enum's index, a bit's 0/1). */
static double get_num(const train_param *p, const train_opts *o)
{
	switch (p->type) {
	case TP_DOUBLE: return *CFIELD(o, p, double);
	case TP_SIZE: return (double)*CFIELD(o, p, size_t);
	case TP_SEED: return (double)*CFIELD(o, p, uint64_t);
	case TP_BIT: return (*CFIELD(o, p, int) & p->mask) != 0;
	default: return *CFIELD(o, p, int);
	}
}

/* v is within the field's type (checked by the caller) */
static void put_num(const train_param *p, train_opts *o, double v)
{
	switch (p->type) {
	case TP_DOUBLE: *FIELD(o, p, double) = v; break;
	case TP_SIZE: *FIELD(o, p, size_t) = (size_t)v; break;
	case TP_SEED: *FIELD(o, p, uint64_t) = (uint64_t)v; break;
	case TP_BIT:
		if (v != 0)
			*FIELD(o, p, int) |= p->mask;
		else
			*FIELD(o, p, int) &= ~p->mask;
		break;
	default: *FIELD(o, p, int) = (int)v; break;
	}
}

static int is_integral(const train_param *p)
{
	return p->type == TP_INT || p->type == TP_SIZE || p->type == TP_SEED;
}

static int has_names(const train_param *p)
{
	return p->type == TP_ENUM || p->type == TP_BIT;
}

/* "a, b or c" */
static void join_names(const train_param *p, char *buf, size_t n, const char *sep,
                       const char *last)
{
	size_t at = 0, cnt = 0;
	while (p->names[cnt])
		cnt++;
	buf[0] = '\0';
	for (size_t i = 0; i < cnt && at < n; i++) {
		const char *s = i == 0 ? "" : i + 1 == cnt ? last : sep;
		int w = snprintf(buf + at, n - at, "%s%s", s, p->names[i]);
		at += w > 0 ? (size_t)w : 0;
	}
}

static void fmt_limit(const train_param *p, double v, char *buf, size_t n)
{
	if (is_integral(p))
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%g", v);
}

void train_param_limits(const train_param *p, char *buf, size_t n)
{
	if (has_names(p)) {
		join_names(p, buf, n, "|", "|");
		return;
	}
	char lo[32], hi[32];
	fmt_limit(p, p->lo, lo, sizeof lo);
	fmt_limit(p, p->hi, hi, sizeof hi);
	snprintf(buf, n, "%s to %s%s", lo, hi, p->auto_text ? ", or auto" : "");
}

int train_param_set(train_opts *o, const train_param *p, const char *val, const char *prefix,
                    sf_err *e)
{
	if (p->auto_text && !strcmp(val, "auto")) {
		put_num(p, o, p->auto_value);
		return 0;
	}
	if (has_names(p)) {
		for (int i = 0; p->names[i]; i++)
			if (!strcmp(val, p->names[i])) {
				put_num(p, o, i);
				return 0;
			}
		char names[128];
		join_names(p, names, sizeof names, ", ", " or ");
		return sf_fail(e, "%s%s takes %s, not '%.40s'", prefix, p->name, names, val);
	}
	char *end;
	double v = strtod(val, &end);
	int num = end != val && !*end && !isspace((unsigned char)val[0]) && isfinite(v);
	if (!num || (is_integral(p) && v != floor(v)) || !(v >= p->lo && v <= p->hi)) {
		char lim[80];
		train_param_limits(p, lim, sizeof lim);
		return sf_fail(e, "%s%s needs %s from %s, not '%.40s'", prefix, p->name,
		               is_integral(p) ? "an integer" : "a number", lim, val);
	}
	put_num(p, o, v);
	return 0;
}

int train_param_set_name(train_opts *o, const char *name, const char *val, const char *prefix,
                         sf_err *e)
{
	const train_param *p = train_param_find(name);
	if (!p)
		return sf_fail(e, "no hyperparameter '%s%.40s'", prefix, name);
	return train_param_set(o, p, val, prefix, e);
}

int train_params_check(const train_opts *o, const char *prefix, sf_err *e)
{
	if (o->m > 0 && o->k > o->m)
		return sf_fail(e, "%sk %d exceeds %slatents %d", prefix, o->k, prefix, o->m);
	return 0;
}

int train_param_is_auto(const train_param *p, const train_opts *o)
{
	return p->auto_text && get_num(p, o) == p->auto_value;
}

/* the value alone, never "auto" */
static void fmt_value(const train_param *p, const train_opts *o, char *buf, size_t n)
{
	switch (p->type) {
	case TP_DOUBLE: snprintf(buf, n, "%g", *CFIELD(o, p, double)); break;
	case TP_SIZE: snprintf(buf, n, "%zu", *CFIELD(o, p, size_t)); break;
	case TP_SEED:
		snprintf(buf, n, "%llu", (unsigned long long)*CFIELD(o, p, uint64_t));
		break;
	case TP_ENUM:
	case TP_BIT: {
		int v = (int)get_num(p, o), cnt = 0;
		while (p->names[cnt])
			cnt++;
		if (v >= 0 && v < cnt)
			snprintf(buf, n, "%s", p->names[v]);
		else
			snprintf(buf, n, "%d", v);
		break;
	}
	default: snprintf(buf, n, "%d", *CFIELD(o, p, int)); break;
	}
}

void train_param_format(const train_param *p, const train_opts *o, const train_opts *resolved,
                        char *buf, size_t n)
{
	if (!train_param_is_auto(p, o)) {
		fmt_value(p, o, buf, n);
		return;
	}
	if (!resolved || train_param_is_auto(p, resolved)) {
		snprintf(buf, n, "auto");
		return;
	}
	char r[64];
	fmt_value(p, resolved, r, sizeof r);
	snprintf(buf, n, "auto (→ %s)", r);
}

void train_param_default(const train_param *p, char *buf, size_t n)
{
	train_opts d;
	train_opts_default(&d);
	if (train_param_is_auto(p, &d))
		snprintf(buf, n, "auto: %s", p->auto_text);
	else
		fmt_value(p, &d, buf, n);
}
