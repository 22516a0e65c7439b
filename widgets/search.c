#include "widgets/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wsearch_clear(wsearch *s)
{
	if (s->compiled)
		regfree(&s->re);
	s->compiled = 0;
	s->pat[0] = '\0';
}

int wsearch_active(const wsearch *s)
{
	return s->compiled;
}

int wsearch_set(wsearch *s, const char *pat, int dir, char *err, size_t n)
{
	regex_t re;
	wsearch_clear(s);
	if (!pat || !*pat)
		return 0;
	if (strlen(pat) >= WSEARCH_MAX) {
		snprintf(err, n, "search pattern longer than %d bytes", WSEARCH_MAX - 1);
		return -1;
	}
	int rc = regcomp(&re, pat, REG_EXTENDED | REG_ICASE);
	if (rc) {
		char why[128];
		regerror(rc, &re, why, sizeof why);
		snprintf(err, n, "bad regular expression '%s': %s", pat, why);
		return -1;
	}
	s->re = re;
	s->compiled = 1;
	s->dir = dir < 0 ? -1 : 1;
	snprintf(s->pat, sizeof s->pat, "%s", pat);
	return 0;
}

int wsearch_find(const wsearch *s, const char *text, size_t len, size_t from, size_t *so,
                 size_t *eo)
{
	if (!s->compiled || from >= len)
		return 0;
	/* regexec wants a terminated string: copy the part searched. */
	char buf[1024];
	size_t n = len - from < sizeof buf - 1 ? len - from : sizeof buf - 1;
	memcpy(buf, text + from, n);
	buf[n] = '\0';
	regmatch_t m;
	if (regexec(&s->re, buf, 1, &m, from ? REG_NOTBOL : 0) || m.rm_eo <= m.rm_so)
		return 0;
	*so = from + (size_t)m.rm_so;
	*eo = from + (size_t)m.rm_eo;
	return 1;
}

long wsearch_step(size_t n, size_t from, int dir, int include_from,
                  int (*hit)(size_t i, void *ctx), void *ctx, int *wrapped)
{
	*wrapped = 0;
	if (!n)
		return -1;
	if (from >= n)
		from = n - 1;
	for (size_t k = include_from ? 0 : 1; k <= n; k++) {
		size_t i;
		int past;
		if (dir > 0) {
			i = (from + k) % n;
			past = from + k >= n;
		} else {
			i = (from + n - k % n) % n;
			past = k > from;
		}
		if (hit(i, ctx)) {
			*wrapped = past && !(include_from && k == 0);
			return (long)i;
		}
	}
	return -1;
}
