/* Error convention for the engine.
 *
 * Every engine function that can fail returns 0 on success and -1 on
 * failure, after filling an sf_err with one line naming the file and the
 * problem ("pairs.jsonl:17: missing field \"chosen\""). Control characters
 * in a message (a newline in a quoted path) are shown as ^J and the like, so
 * a message is always one line. Nothing in the
 * engine prints or exits; the caller decides what to show. */
#ifndef ENGINE_BASE_ERR_H
#define ENGINE_BASE_ERR_H

#include <stddef.h>

typedef struct sf_err {
	char msg[512];
} sf_err;

/* Fill e (if non-NULL) with a printf-style message; always returns -1 so
 * that `return sf_fail(e, ...)` reads naturally. */
int sf_fail(sf_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Same, with ": strerror(errno)" appended. */
int sf_fail_errno(sf_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Put "prefix: " in front of the message already in e (for context added
 * by a caller, e.g. the path of the file being read). */
int sf_prefix(sf_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Checked size arithmetic: return -1 on overflow, else store the result. */
int sf_mul_size(size_t a, size_t b, size_t *out);
int sf_add_size(size_t a, size_t b, size_t *out);

#endif
