/* The document a report is written as, independent of its format: one
 * walk over the workspace (report.c) calls these operations, and each
 * format (HTML, Markdown) implements them.
 *
 * Every text handed to a writer may come from the dataset (a pair's
 * text, a token, a category, a label): a writer passes all of it through
 * textsafe (controls made visible, invalid UTF-8 replaced) and then
 * escapes it for its format, so that no text can become markup. Numbers
 * and the report's own words take the same road. */
#ifndef ENGINE_REPORT_WRITER_H
#define ENGINE_REPORT_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The density histogram of one feature: nbins equal bins over [0, hi] of
 * its positive activations on each side's rows in use. */
typedef struct rep_hist {
	int nbins;
	double hi;
	const uint32_t *chosen, *rejected; /* [nbins] */
	size_t rows_chosen, rows_rejected; /* rows in use per side */
	size_t fired_chosen, fired_rejected;
} rep_hist;

/* The projected effect of the plan: accuracy per category with no edit,
 * with the plan and with a random edit of the same size. */
typedef struct rep_bar {
	const char *category; /* "" for pairs without one; "all" */
	size_t pairs;
	double none, plan, random, spread; /* plan/random NAN when there is no plan */
} rep_bar;

typedef struct rep_writer rep_writer;

typedef struct rep_ops {
	void (*begin)(rep_writer *w, const char *title);
	void (*end)(rep_writer *w);
	/* level 1..3; id: an anchor name made of [a-z0-9-] (may be NULL) */
	void (*heading)(rep_writer *w, int level, const char *text, const char *id);
	/* one paragraph of text */
	void (*para)(rep_writer *w, const char *text);
	void (*table)(rep_writer *w, const char *const *cols, int ncols);
	/* a cell of n bytes; [mark_b, mark_e) (byte offsets, mark_b < mark_e)
	 * is the activating token, shown marked; mark_b == mark_e: no mark */
	void (*cell)(rep_writer *w, const char *s, size_t n, size_t mark_b, size_t mark_e);
	void (*row_end)(rep_writer *w);
	void (*table_end)(rep_writer *w);
	void (*histogram)(rep_writer *w, const rep_hist *h);
	void (*bars)(rep_writer *w, const rep_bar *b, size_t n);
} rep_ops;

struct rep_writer {
	const rep_ops *ops;
	FILE *f;
	int col, ncols; /* of the table being written */
};

/* For the writers: s[0..n) through put, with [mb, me) between open and
 * close when mb < me <= n (the marked token); the largest count of either
 * side of a histogram (at least 1). */
void rep_put_marked(FILE *f, const char *s, size_t n, size_t mb, size_t me,
                    void (*put)(FILE *f, const char *s, size_t n), const char *open,
                    const char *close);
uint32_t rep_hist_max(const rep_hist *h);

/* Helpers for the report's walk: a cell of a string (NULL: empty), of a
 * number with that many decimals ("-" for NaN), of an integer; a
 * paragraph made with printf. */
void rep_cell_str(rep_writer *w, const char *s);
void rep_cell_num(rep_writer *w, double v, int decimals); /* "%.*f"; NaN: "-" */
void rep_cell_int(rep_writer *w, long long v);
void rep_para(rep_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
