#include "engine/report/md.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/textsafe.h"

/* Text made safe for a terminal first (controls visible: a newline
 * cannot end a table row), then every ASCII character that Markdown or
 * the HTML inside it reads as syntax backslash-escaped (CommonMark lets
 * any ASCII punctuation be escaped so). */
static void put_text(FILE *f, const char *s, size_t n)
{
	char *t = textsafe_dup(s, n, 0);
	if (!t) {
		fputs("(out of memory)", f);
		return;
	}
	for (const char *p = t; *p; p++) {
		if (strchr("\\`*_[]<>|~&", *p))
			fputc('\\', f);
		fputc(*p, f);
	}
	free(t);
}

static void put_str(FILE *f, const char *s)
{
	put_text(f, s, strlen(s));
}

static void m_begin(rep_writer *w, const char *title)
{
	fputs("# ", w->f);
	put_str(w->f, title);
	fputs("\n\n", w->f);
}

static void m_end(rep_writer *w)
{
	(void)w;
}

static void m_heading(rep_writer *w, int level, const char *text, const char *id)
{
	(void)id;
	if (level < 1 || level > 3)
		level = 3;
	fprintf(w->f, "%.*s ", level, "###");
	put_str(w->f, text);
	fputs("\n\n", w->f);
}

static void m_para(rep_writer *w, const char *text)
{
	put_str(w->f, text);
	fputs("\n\n", w->f);
}

static void m_table(rep_writer *w, const char *const *cols, int ncols)
{
	fputc('|', w->f);
	for (int i = 0; i < ncols; i++) {
		fputc(' ', w->f);
		put_str(w->f, cols[i]);
		fputs(" |", w->f);
	}
	fputs("\n|", w->f);
	for (int i = 0; i < ncols; i++)
		fputs(" --- |", w->f);
	fputc('\n', w->f);
	w->ncols = ncols;
	w->col = 0;
}

static void m_cell(rep_writer *w, const char *s, size_t n, size_t mb, size_t me)
{
	fputs(w->col ? " " : "| ", w->f);
	rep_put_marked(w->f, s, n, mb, me, put_text, "\xe2\x9f\xa6", "\xe2\x9f\xa7");
	fputs(" |", w->f);
	w->col++;
}

static void m_row_end(rep_writer *w)
{
	fputc('\n', w->f);
	w->col = 0;
}

static void m_table_end(rep_writer *w)
{
	fputc('\n', w->f);
}

/* One of the eight block characters for v in [0, 1] (a space for 0). */
static void put_block(FILE *f, double v)
{
	static const char *const bl[] = { " ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
		                          "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
		                          "\xe2\x96\x87", "\xe2\x96\x88" };
	int i = v > 0 ? 1 + (int)(v * 7.999) : 0;
	fputs(bl[i > 8 ? 8 : i], f);
}

static void m_histogram(rep_writer *w, const rep_hist *h)
{
	FILE *f = w->f;
	uint32_t max = rep_hist_max(h);
	const size_t fired[2] = { h->fired_chosen, h->fired_rejected };
	const size_t rows[2] = { h->rows_chosen, h->rows_rejected };
	fputs("```\n", f);
	for (int s = 0; s < 2; s++) {
		const uint32_t *c = s ? h->rejected : h->chosen;
		fputs(s ? "rejected |" : "chosen   |", f);
		for (int i = 0; i < h->nbins; i++)
			put_block(f, c[i] ? log10(1.0 + c[i]) / log10(1.0 + max) : 0);
		fprintf(f, "| %zu of %zu rows (%.2f%%)\n", fired[s], rows[s],
		        rows[s] ? 100.0 * fired[s] / rows[s] : 0.0);
	}
	fprintf(f, "          0%*s%.4g  activation (%d bins; height: log rows, top %u)\n```\n\n",
	        h->nbins > 2 ? h->nbins - 2 : 0, "", h->hi, h->nbins, max);
}

static void m_bars(rep_writer *w, const rep_bar *b, size_t n)
{
	FILE *f = w->f;
	static const char *const what[] = { "none", "plan", "random" };
	fputs("| category | pairs | edit | accuracy | |\n| --- | --- | --- | --- | --- |\n", f);
	for (size_t i = 0; i < n; i++) {
		double v[3] = { b[i].none, b[i].plan, b[i].random };
		for (int k = 0; k < 3; k++) {
			fputs("| ", f);
			if (!k) {
				put_str(f, b[i].category[0] ? b[i].category : "(no category)");
				fprintf(f, " | %zu", b[i].pairs);
			} else {
				fputs(" |", f);
			}
			fprintf(f, " | %s | ", what[k]);
			if (isnan(v[k])) {
				fputs("no plan | |\n", f);
				continue;
			}
			if (k == 2)
				fprintf(f, "%.3f \xc2\xb1 %.3f | `", v[k], b[i].spread);
			else
				fprintf(f, "%.3f | `", v[k]);
			int fill = (int)(v[k] * 20 + 0.5);
			for (int x = 0; x < 20; x++)
				fputs(x < fill ? "\xe2\x96\x88" : "\xe2\x96\x91", f);
			fputs("` |\n", f);
		}
	}
	fputc('\n', f);
}

static const rep_ops md_ops = {
	m_begin, m_end, m_heading, m_para, m_table, m_cell, m_row_end, m_table_end,
	m_histogram, m_bars,
};

void report_md_writer(rep_writer *w, FILE *f)
{
	memset(w, 0, sizeof *w);
	w->ops = &md_ops;
	w->f = f;
}
