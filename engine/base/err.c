#include "engine/base/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/base/textsafe.h"

/* Messages quote paths and file content, which may hold newlines or
 * escape sequences; every message must stay one line and print no
 * control character, so those bytes are shown in caret notation (a
 * newline as ^J, DEL as ^?). Bytes >= 0x80 are left alone: UTF-8 in a
 * path reads as itself, and the CLI escapes what a terminal would act
 * on. */
static void visible(char *msg, size_t cap)
{
	char out[sizeof ((sf_err *)0)->msg];
	textsafe_caret(out, sizeof out, msg);
	snprintf(msg, cap, "%s", out);
}

int sf_fail(sf_err *e, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		visible(e->msg, sizeof e->msg);
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
		visible(e->msg, sizeof e->msg);
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
	visible(e->msg, sizeof e->msg);
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
