#include "engine/report/writer.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

void rep_cell_str(rep_writer *w, const char *s)
{
	w->ops->cell(w, s ? s : "", s ? strlen(s) : 0, 0, 0);
}

void rep_cell_num(rep_writer *w, double v, int decimals)
{
	char b[64];
	if (isnan(v))
		snprintf(b, sizeof b, "-");
	else
		snprintf(b, sizeof b, "%.*f", decimals, v);
	rep_cell_str(w, b);
}

void rep_cell_int(rep_writer *w, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	rep_cell_str(w, b);
}

void rep_para(rep_writer *w, const char *fmt, ...)
{
	char b[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	w->ops->para(w, b);
}

void rep_put_marked(FILE *f, const char *s, size_t n, size_t mb, size_t me,
                    void (*put)(FILE *f, const char *s, size_t n), const char *open,
                    const char *close)
{
	if (!(mb < me && me <= n)) {
		put(f, s, n);
		return;
	}
	put(f, s, mb);
	fputs(open, f);
	put(f, s + mb, me - mb);
	fputs(close, f);
	put(f, s + me, n - me);
}

uint32_t rep_hist_max(const rep_hist *h)
{
	uint32_t max = 1;
	for (int i = 0; i < h->nbins; i++) {
		if (h->chosen[i] > max)
			max = h->chosen[i];
		if (h->rejected[i] > max)
			max = h->rejected[i];
	}
	return max;
}
