/* File helpers for the C tests. */
#ifndef TESTS_TESTFILE_H
#define TESTS_TESTFILE_H

#include <stdio.h>

/* Copy from to to; -1 when either cannot be opened or a write fails. */
static inline int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
	char buf[4096];
	size_t n;
	int rc = a && b ? 0 : -1;
	while (!rc && (n = fread(buf, 1, sizeof buf, a)) > 0)
		if (fwrite(buf, 1, n, b) != n)
			rc = -1;
	if (a)
		fclose(a);
	if (b && fclose(b))
		rc = -1;
	return rc;
}

#endif
