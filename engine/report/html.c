#include "engine/report/html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/textsafe.h"

/* Text, made safe for a terminal first (controls visible, UTF-8 valid),
 * then with every character that means something in HTML escaped. */
static void put_text(FILE *f, const char *s, size_t n)
{
	char *t = textsafe_dup(s, n, 0);
	if (!t) {
		fputs("(out of memory)", f);
		return;
	}
	for (const char *p = t; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f);
		}
	}
	free(t);
}

static void put_str(FILE *f, const char *s)
{
	put_text(f, s, strlen(s));
}

/* No script may run and nothing may be fetched, even if markup got in. */
static const char head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	"style-src 'unsafe-inline'\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";

static const char css[] =
	"<style>\n"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2430;"
	"background:#fff;margin:0}\n"
	"main{max-width:72rem;margin:0 auto;padding:1.5rem 2rem 4rem}\n"
	"h1{font-size:1.7rem;border-bottom:3px solid #2c5aa0;padding-bottom:.3rem}\n"
	"h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:1px solid #ccd3dd}\n"
	"h3{font-size:1.08rem;margin-top:1.8rem;background:#eef2f8;padding:.3rem .5rem}\n"
	"table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}\n"
	"th,td{border:1px solid #d5dbe3;padding:.2rem .5rem;text-align:left;vertical-align:top}\n"
	"th{background:#f3f5f8}\n"
	"td{max-width:46rem;overflow-wrap:anywhere}\n"
	"mark{background:#ffd966;font-weight:bold;padding:0 .1rem}\n"
	"svg{display:block;margin:.4rem 0 1rem}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#333}\n"
	".c{fill:#2c7bb6}.r{fill:#d7301f}.n{fill:#8c96a3}.p{fill:#d7301f}.q{fill:#2c7bb6}\n"
	"</style>\n</head>\n<body>\n<main>\n";

static void h_begin(rep_writer *w, const char *title)
{
	fputs(head, w->f);
	fputs("<title>", w->f);
	put_str(w->f, title);
	fputs("</title>\n", w->f);
	fputs(css, w->f);
	fputs("<h1>", w->f);
	put_str(w->f, title);
	fputs("</h1>\n", w->f);
}

static void h_end(rep_writer *w)
{
	fputs("</main>\n</body>\n</html>\n", w->f);
}

static void h_heading(rep_writer *w, int level, const char *text, const char *id)
{
	if (level < 1 || level > 3)
		level = 3;
	fprintf(w->f, "<h%d", level);
	if (id) {
		fputs(" id=\"", w->f);
		put_str(w->f, id);
		fputc('"', w->f);
	}
	fputc('>', w->f);
	put_str(w->f, text);
	fprintf(w->f, "</h%d>\n", level);
}

static void h_para(rep_writer *w, const char *text)
{
	fputs("<p>", w->f);
	put_str(w->f, text);
	fputs("</p>\n", w->f);
}

static void h_table(rep_writer *w, const char *const *cols, int ncols)
{
	fputs("<table>\n<tr>", w->f);
	for (int i = 0; i < ncols; i++) {
		fputs("<th>", w->f);
		put_str(w->f, cols[i]);
		fputs("</th>", w->f);
	}
	fputs("</tr>\n", w->f);
	w->ncols = ncols;
	w->col = 0;
}

static void h_cell(rep_writer *w, const char *s, size_t n, size_t mb, size_t me)
{
	fputs(w->col ? "<td>" : "<tr><td>", w->f);
	rep_put_marked(w->f, s, n, mb, me, put_text, "<mark>", "</mark>");
	fputs("</td>", w->f);
	w->col++;
}

static void h_row_end(rep_writer *w)
{
	fputs("</tr>\n", w->f);
	w->col = 0;
}

static void h_table_end(rep_writer *w)
{
	fputs("</table>\n", w->f);
}

/* Counts on a log scale (1 + count), so that a side with a few rows still
 * shows next to one with thousands. */
static double bar_len(uint32_t c, uint32_t max, double full)
{
	return max ? log10(1.0 + c) / log10(1.0 + max) * full : 0;
}

static void h_histogram(rep_writer *w, const rep_hist *h)
{
	FILE *f = w->f;
	/* labels above and below the plot, never over its bars */
	enum { W = 460, H = 192, X0 = 56, X1 = 440, HALF = 58, MID = 20 + 4 + HALF };
	uint32_t max = rep_hist_max(h);
	double bw = (double)(X1 - X0) / h->nbins;
	fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W, H, W,
	        H);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafbfc\" "
	        "stroke=\"#d5dbe3\"/>\n", X0, MID - HALF - 4, X1 - X0, 2 * HALF + 8);
	for (int i = 0; i < h->nbins; i++) {
		double x = X0 + i * bw + 0.5, lc = bar_len(h->chosen[i], max, HALF),
		       lr = bar_len(h->rejected[i], max, HALF);
		if (h->chosen[i])
			fprintf(f, "<rect class=\"c\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
			        x, MID - lc, bw - 1, lc);
		if (h->rejected[i])
			fprintf(f, "<rect class=\"r\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\"/>\n",
			        x, MID, bw - 1, lr);
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", X0, MID, X1,
	        MID);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%u</text>\n", X0 - 4,
	        MID - HALF + 4, max);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", X0 - 4, MID + 4);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%u</text>\n", X0 - 4,
	        MID + HALF + 4, max);
	fprintf(f, "<text x=\"%d\" y=\"%d\">0</text>\n", X0, H - 4);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.4g</text>\n", X1, H - 4, h->hi);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">activation</text>\n",
	        (X0 + X1) / 2, H - 4);
	fprintf(f, "<text x=\"%d\" y=\"%d\">chosen: fires on %zu of %zu rows (%.2f%%)</text>\n",
	        X0, MID - HALF - 10, h->fired_chosen, h->rows_chosen,
	        h->rows_chosen ? 100.0 * h->fired_chosen / h->rows_chosen : 0.0);
	fprintf(f, "<text x=\"%d\" y=\"%d\">rejected: fires on %zu of %zu rows (%.2f%%)</text>\n",
	        X0, MID + HALF + 18, h->fired_rejected, h->rows_rejected,
	        h->rows_rejected ? 100.0 * h->fired_rejected / h->rows_rejected : 0.0);
	fprintf(f, "<text x=\"4\" y=\"%d\" transform=\"rotate(-90 12 %d)\">rows (log)</text>\n",
	        MID + 24, MID + 24);
	fputs("</svg>\n", f);
}

static void h_bars(rep_writer *w, const rep_bar *b, size_t n)
{
	FILE *f = w->f;
	enum { X0 = 150, LEN = 300, ROW = 15, GAP = 12 };
	int H = (int)n * (3 * ROW + GAP) + 30;
	fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
	        X0 + LEN + 170, H, X0 + LEN + 170, H);
	static const char *const what[] = { "none", "plan", "random" };
	static const char *const cls[] = { "n", "p", "q" };
	int y = 8;
	for (size_t i = 0; i < n; i++) {
		double v[3] = { b[i].none, b[i].plan, b[i].random };
		fprintf(f, "<text x=\"0\" y=\"%d\">", y + ROW + 4);
		put_str(f, b[i].category[0] ? b[i].category : "(no category)");
		fprintf(f, " (%zu)</text>\n", b[i].pairs);
		for (int k = 0; k < 3; k++) {
			int yy = y + k * ROW;
			fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", X0 - 6,
			        yy + ROW - 4, what[k]);
			if (isnan(v[k])) {
				fprintf(f, "<text x=\"%d\" y=\"%d\">no plan</text>\n", X0 + 4, yy + ROW - 4);
				continue;
			}
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#eef0f3\"/>\n",
			        X0, yy + 1, LEN, ROW - 3);
			fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n",
			        cls[k], X0, yy + 1, v[k] * LEN, ROW - 3);
			if (k == 2)
				fprintf(f, "<text x=\"%d\" y=\"%d\">%.3f &#177; %.3f</text>\n", X0 + LEN + 6,
				        yy + ROW - 4, v[k], b[i].spread);
			else
				fprintf(f, "<text x=\"%d\" y=\"%d\">%.3f</text>\n", X0 + LEN + 6, yy + ROW - 4,
				        v[k]);
		}
		y += 3 * ROW + GAP;
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\">0</text><text x=\"%d\" y=\"%d\" "
	        "text-anchor=\"end\">1 (accuracy)</text>\n", X0, y + 8, X0 + LEN, y + 8);
	fputs("</svg>\n", f);
}

static const rep_ops html_ops = {
	h_begin, h_end, h_heading, h_para, h_table, h_cell, h_row_end, h_table_end,
	h_histogram, h_bars,
};

void report_html_writer(rep_writer *w, FILE *f)
{
	memset(w, 0, sizeof *w);
	w->ops = &html_ops;
	w->f = f;
}
