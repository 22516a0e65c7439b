#include "engine/ws/plans_ws.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/base/infile.h"
#include "engine/ws/workspace.h"

enum { SEQ_MAX = 999999 };

int plans_file(const struct ws *w, unsigned long seq, char *buf, size_t n, sf_err *e)
{
	char name[64];
	snprintf(name, sizeof name, "plans/plan-%06lu.jsonl", seq);
	return ws_file(w, name, buf, n, e);
}

/* "plan-000012.jsonl" -> 12; 0 for any other name. */
static unsigned long seq_of(const char *name)
{
	unsigned long v = 0;
	if (strncmp(name, "plan-", 5) || strlen(name) != 17 || strcmp(name + 11, ".jsonl"))
		return 0;
	for (int i = 5; i < 11; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(name[i] - '0');
	}
	return v;
}

static int by_desc(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return (x < y) - (x > y);
}

/* Every kept number, newest first (malloc'd into *out). */
static int all_seqs(const struct ws *w, unsigned long **out, size_t *n, sf_err *e)
{
	char dir[4096];
	*out = NULL;
	*n = 0;
	if (ws_file(w, "plans", dir, sizeof dir, e))
		return -1;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : sf_fail_errno(e, "%s: cannot read", dir);
	struct dirent *de;
	size_t cap = 0;
	while ((de = readdir(d)) != NULL) {
		unsigned long s = seq_of(de->d_name);
		if (!s)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			unsigned long *v = realloc(*out, cap * sizeof *v);
			if (!v) {
				closedir(d);
				free(*out);
				*out = NULL;
				return sf_fail(e, "out of memory");
			}
			*out = v;
		}
		(*out)[(*n)++] = s;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof **out, by_desc);
	return 0;
}

int plans_list(const struct ws *w, unsigned long *seq, size_t max, size_t *n, sf_err *e)
{
	unsigned long *v;
	if (all_seqs(w, &v, n, e))
		return -1;
	for (size_t i = 0; i < *n && i < max; i++)
		seq[i] = v[i];
	free(v);
	return 0;
}

/* A copy of src at dst (a workspace file: atomic). */
static int copy_file(const char *src, const char *dst, sf_err *e)
{
	FILE *in = infile_fopen(src, NULL, e);
	atomic_file af;
	if (!in)
		return -1;
	if (atomic_open(&af, dst, e)) {
		fclose(in);
		return -1;
	}
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, k, af.f) != k)
			break;
	int bad = ferror(in) || ferror(af.f);
	fclose(in);
	if (bad) {
		atomic_abort(&af);
		return sf_fail(e, "%s: cannot copy to %s", src, dst);
	}
	return atomic_commit(&af, e);
}

int plans_keep(struct ws *w, const char *cur, sf_err *e)
{
	char dir[4096], path[4096];
	struct stat sb;
	unsigned long *v;
	size_t n;
	if (lstat(cur, &sb) != 0)
		return errno == ENOENT ? 0 : sf_fail_errno(e, "%s: cannot stat", cur);
	if (ws_file(w, "plans", dir, sizeof dir, e))
		return -1;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return sf_fail_errno(e, "%s: cannot create", dir);
	if (all_seqs(w, &v, &n, e))
		return -1;
	unsigned long next = n ? v[0] + 1 : 1;
	if (next > SEQ_MAX) {
		free(v);
		return sf_fail(e, "%s: numbered up to %d: remove the directory to start again", dir,
		               SEQ_MAX);
	}
	int rc = plans_file(w, next, path, sizeof path, e);
	/* The current plan is only ever replaced by a rename (atomic writes),
	 * so a second link to it keeps this version: no copy needed. */
	if (rc == 0 && (!S_ISREG(sb.st_mode) || link(cur, path) != 0))
		rc = copy_file(cur, path, e);
	for (size_t i = PLANS_KEEP - 1; rc == 0 && i < n; i++)
		if (plans_file(w, v[i], path, sizeof path, e) == 0)
			unlink(path); /* older than the newest PLANS_KEEP */
	free(v);
	return rc;
}
