#include "engine/base/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/base/textsafe.h"

#define MSG_CAP sizeof ((sf_err *)0)->msg

/* 1 when snprintf's result n did not fit in cap bytes. */
static int cut(int n, size_t cap)
{
	return n < 0 || (size_t)n >= cap;
}

/* Messages quote paths and file content, which may hold newlines or
 * escape sequences; every message must stay one line and print no
 * control character, so those bytes are shown in caret notation (a
 * newline as ^J, DEL as ^?). Bytes >= 0x80 are left alone: UTF-8 in a
 * path reads as itself, and the CLI escapes what a terminal would act
 * on. A message longer than sf_err holds (was_cut, or the caret form
 * grew past it) ends in "..." so that the cut shows. */
static void visible(char *msg, int was_cut)
{
	char out[MSG_CAP];
	size_t used = textsafe_caret(out, sizeof out, msg);
	size_t n = strlen(out);
	if (was_cut || msg[used]) {
		n = n < sizeof out - 4 ? n : sizeof out - 4;
		memcpy(out + n, "...", 4);
		n += 3;
	}
	memcpy(msg, out, n + 1);
}

int sf_fail(sf_err *e, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		visible(e->msg, cut(n, sizeof e->msg));
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
		int was_cut = cut(n, sizeof e->msg);
		if (!was_cut)
			was_cut = cut(snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s",
			                       strerror(saved)),
			              sizeof e->msg - (size_t)n);
		visible(e->msg, was_cut);
	}
	errno = saved;
	return -1;
}

int sf_prefix(sf_err *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	/* head: at most a message's length, so the old message always
	 * starts within e */
	char head[MSG_CAP], old[MSG_CAP];
	va_list ap;
	va_start(ap, fmt);
	int was_cut = cut(vsnprintf(head, sizeof head, fmt, ap), sizeof head);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	was_cut |= cut(snprintf(e->msg, sizeof e->msg, "%s: %s", head, old), sizeof e->msg);
	visible(e->msg, was_cut);
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
