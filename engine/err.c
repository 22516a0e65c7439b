#include "engine/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sf_fail(sf_err *e, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int sf_fail_errno(sf_err *e, const char *fmt, ...)
{
	int saved = errno;
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < sizeof e->msg)
			snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s",
			         strerror(saved));
	}
	errno = saved;
	return -1;
}

int sf_prefix(sf_err *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	char head[256], old[sizeof e->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	snprintf(e->msg, sizeof e->msg, "%s: %s", head, old);
	return -1;
}

int sf_mul_size(size_t a, size_t b, size_t *out)
{
	if (a && b > (size_t)-1 / a)
		return -1;
	*out = a * b;
	return 0;
}

int sf_add_size(size_t a, size_t b, size_t *out)
{
	if (b > (size_t)-1 - a)
		return -1;
	*out = a + b;
	return 0;
}
