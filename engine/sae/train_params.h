/* The training hyperparameters as one table, so that `safer train` (flags
 * --NAME VALUE) and the explorer's Train screen (`:set NAME VALUE`) parse,
 * check, describe and show them alike: same names, same limits, same
 * defaults (those of train_opts_default).
 *
 * A field whose value 0 means "chosen by train_opts_resolve" (m, k, epochs,
 * ...) has an auto_text; "auto" sets it back to 0, and it is shown as
 * "auto (→ 32)" when the resolved value is known. */
#ifndef ENGINE_SAE_TRAIN_PARAMS_H
#define ENGINE_SAE_TRAIN_PARAMS_H

#include <stddef.h>

#include "engine/base/err.h"
#include "engine/sae/train.h"

enum {
	TP_INT,    /* int */
	TP_DOUBLE, /* double */
	TP_SIZE,   /* size_t */
	TP_SEED,   /* uint64_t, written in decimal */
	TP_ENUM,   /* int, one of names[] (indexed by value) */
	TP_BIT     /* bit `mask` of an int field: off | on */
};

typedef struct train_param {
	const char *name;   /* --name and :set name */
	const char *alias;  /* another name accepted for it, or NULL */
	const char *arg;    /* the value's placeholder in help ("M"); NULL: the names */
	const char *help;   /* one line */
	int type;           /* TP_* */
	size_t off;         /* offsetof(train_opts, field) */
	double lo, hi;      /* numeric limits, inclusive */
	const char *const *names; /* TP_ENUM: NULL-terminated, indexed by value */
	int mask;           /* TP_BIT */
	const char *bare;   /* the value a flag given alone (--relu) sets; NULL: needs one */
	const char *auto_text; /* how the automatic value is chosen; NULL: no auto */
	int auto_value;     /* the raw value meaning auto (0, or an enum's) */
} train_param;

/* The table, in the order help and the screen list it. */
extern const train_param train_params[];
extern const size_t train_params_count;

/* By name or alias; NULL when there is none. */
const train_param *train_param_find(const char *name);

/* Parse val and set the field, checking its limits. On failure returns -1
 * with one line naming prefix+name, what it takes and the value given
 * (prefix: "--" for flags, "" for :set); o is then unchanged. */
int train_param_set(train_opts *o, const train_param *p, const char *val, const char *prefix,
                    sf_err *e);
/* The same, by name (an unknown name is an error naming it). */
int train_param_set_name(train_opts *o, const char *name, const char *val, const char *prefix,
                         sf_err *e);

/* Checks across fields (k within latents). -1 with one line naming both. */
int train_params_check(const train_opts *o, const char *prefix, sf_err *e);

/* 1 when the field holds its automatic value. */
int train_param_is_auto(const train_param *p, const train_opts *o);
/* The field's value as it is parsed back: "0.01", "standardize", "auto";
 * an automatic one with resolved non-NULL as "auto (→ 32)". */
void train_param_format(const train_param *p, const train_opts *o, const train_opts *resolved,
                        char *buf, size_t n);
/* What it takes: "1 to 65536", "1e-12 to 10", "sentence|all|auto". */
void train_param_limits(const train_param *p, char *buf, size_t n);
/* Its default: train_opts_default's value, or "auto: <how>". */
void train_param_default(const train_param *p, char *buf, size_t n);

#endif
