#include "engine/ws/outpath.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* 1 when the directory dir (absolute, resolved) is the one of *top or
 * lies below it: its ancestors are compared with top by identity. */
static int below(const char *dir, const struct stat *top)
{
	char *p = strdup(dir);
	int hit = 0;
	while (p && !hit) {
		struct stat sb;
		hit = stat(p, &sb) == 0 && same_file(&sb, top);
		char *slash = strrchr(p, '/');
		if (!slash || !strcmp(p, "/"))
			break;
		slash[slash == p] = '\0'; /* "/a" -> "/" */
	}
	free(p);
	return hit;
}

/* The resolved directory that holds (or would hold) path (malloc'd). */
static char *holder(const char *path, int exists)
{
	char *copy = exists ? realpath(path, NULL) : strdup(path);
	if (!copy)
		return NULL;
	char *dir = realpath(dirname(copy), NULL);
	free(copy);
	return dir;
}

/* -1 with a message when the existing file *sb is the file at input. */
static int not_input(const char *path, const struct stat *sb, const char *input,
                     const char *what, sf_err *e)
{
	struct stat ib;
	if (input && stat(input, &ib) == 0 && same_file(sb, &ib))
		return sf_fail(e, "%s: is %s (%s); not written over", path, what, input);
	return 0;
}

int outpath_check(const char *path, const ws *w, const char *const *inputs,
                  const char *how_to_replace, sf_err *e)
{
	if (!strcmp(path, "-"))
		return 0;
	if (!*path)
		return sf_fail(e, "an empty output file name");
	struct stat sb, wsb;
	int exists = stat(path, &sb) == 0;
	if (!exists && errno != ENOENT)
		return sf_fail_errno(e, "%s", path);
	if (!exists && lstat(path, &sb) == 0)
		return sf_fail(e, "%s: a dangling symlink; not writing through it", path);
	if (exists && (S_ISDIR(sb.st_mode) || S_ISBLK(sb.st_mode) || S_ISSOCK(sb.st_mode)))
		return sf_fail(e, "%s: is %s; give a file", path,
		               S_ISDIR(sb.st_mode) ? "a directory"
		               : S_ISBLK(sb.st_mode) ? "a block device" : "a socket");
	char *dir = holder(path, exists);
	if (!dir)
		return sf_fail_errno(e, "%s: cannot find the directory it goes in", path);
	int in_ws = w && stat(ws_dir(w), &wsb) == 0 && below(dir, &wsb);
	free(dir);
	if (in_ws)
		return sf_fail(e, "%s: is inside the workspace %s, which only safer's own files go in; "
		               "write it elsewhere", path, ws_dir(w));
	if (exists && w && not_input(path, &sb, ws_pairs(w)->path, "the workspace's pairs file", e))
		return -1;
	for (size_t i = 0; exists && w && i < store_nfiles(ws_store(w)); i++)
		if (not_input(path, &sb, store_file_path(ws_store(w), i),
		              store_nfiles(ws_store(w)) > 1 ? "a shard of the workspace's activations"
		                                           : "the workspace's activation file", e))
			return -1;
	for (size_t i = 0; exists && inputs && inputs[i]; i++)
		if (not_input(path, &sb, inputs[i], "an input of this command", e))
			return -1;
	if (exists && S_ISREG(sb.st_mode) && how_to_replace)
		return sf_fail(e, "%s: exists; %s replaces it", path, how_to_replace);
	return 0;
}
