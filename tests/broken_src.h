/* Path of a file of the broken-input corpus, tests/broken/NAME under
 * $srcdir. Returns one of four rotating buffers, so up to four paths can
 * be in use at once. */
#ifndef TESTS_BROKEN_SRC_H
#define TESTS_BROKEN_SRC_H

#include <stdio.h>
#include <stdlib.h>

static const char *src(const char *name)
{
	static char buf[4][1024];
	static int k;
	k = (k + 1) % 4;
	const char *s = getenv("srcdir");
	snprintf(buf[k], sizeof buf[k], "%s/tests/broken/%s", s ? s : ".", name);
	return buf[k];
}

#endif
