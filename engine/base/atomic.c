#include "engine/base/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "engine/base/mapguard.h"

int fsync_parent_dir(const char *path, sf_err *e)
{
	char *copy = strdup(path);
	if (!copy)
		return sf_fail(e, "%s: out of memory", path);
	const char *dir = dirname(copy);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		sf_fail_errno(e, "%s: cannot open directory", dir);
		free(copy);
		return -1;
	}
	int rc = fsync(fd);
	/* Some file systems refuse fsync on a directory; that is not a
	 * failure of ours. */
	if (rc < 0 && errno != EINVAL && errno != EROFS) {
		sf_fail_errno(e, "%s: fsync", dir);
		close(fd);
		free(copy);
		return -1;
	}
	close(fd);
	free(copy);
	return 0;
}

/* A new temp file "path.tmp-XXXXXX", locked while it is being written, so
 * that a sweep of the temp files killed saves left (workspace.c) can tell
 * a live one from a dead one: the kernel drops the lock when the writer
 * dies. A sweep that found the file between its creation and our lock has
 * unlinked it (we then cannot lock it, or it has no link left): make
 * another. */
static int locked_temp(char *tmp, size_t n, const char *path)
{
	for (int tries = 0; tries < 100; tries++) {
		snprintf(tmp, n, "%s.tmp-XXXXXX", path);
		int fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0)
			return -1;
		struct stat sb;
		int r = flock(fd, LOCK_EX | LOCK_NB);
		if (r != 0 && errno != EWOULDBLOCK)
			return fd; /* a file system without flock: go on unlocked */
		if (r == 0 && fstat(fd, &sb) == 0 && sb.st_nlink > 0)
			return fd;
		close(fd); /* the sweep holds it, or has removed it */
	}
	errno = EBUSY;
	return -1;
}

int atomic_open(atomic_file *af, const char *path, sf_err *e)
{
	memset(af, 0, sizeof *af);
	size_t n = strlen(path) + 16;
	af->tmp_path = malloc(n);
	af->path = strdup(path);
	if (!af->tmp_path || !af->path) {
		atomic_abort(af);
		return sf_fail(e, "%s: out of memory", path);
	}
	int fd = locked_temp(af->tmp_path, n, path);
	if (fd < 0) {
		sf_fail_errno(e, "%s: cannot create temporary file", path);
		free(af->tmp_path);
		af->tmp_path = NULL;
		atomic_abort(af);
		return -1;
	}
	mapguard_temp(af->tmp_path); /* removed if a fault ends the program */
	/* mkostemp makes the file 0600; user files should follow the umask. */
	mode_t um = umask(0);
	umask(um);
	(void)fchmod(fd, 0666 & ~um);
	af->f = fdopen(fd, "wb");
	if (!af->f) {
		close(fd);
		sf_fail_errno(e, "%s: fdopen", path);
		atomic_abort(af);
		return -1;
	}
	return 0;
}

int atomic_commit(atomic_file *af, sf_err *e)
{
	int rc = 0;
	if (fflush(af->f) != 0 || ferror(af->f))
		rc = sf_fail_errno(e, "%s: write failed", af->path);
	else if (fsync(fileno(af->f)) != 0)
		rc = sf_fail_errno(e, "%s: fsync failed", af->path);
	/* Renamed before it is closed, so it stays locked while it is a temp. */
	if (rc == 0 && rename(af->tmp_path, af->path) != 0)
		rc = sf_fail_errno(e, "%s: rename failed", af->path);
	if (fclose(af->f) != 0 && rc == 0)
		rc = sf_fail_errno(e, "%s: close failed", af->path);
	af->f = NULL;
	if (rc == 0)
		rc = fsync_parent_dir(af->path, e);
	if (rc != 0)
		unlink(af->tmp_path);
	mapguard_untemp(af->tmp_path);
	free(af->tmp_path);
	free(af->path);
	af->tmp_path = af->path = NULL;
	return rc;
}

void atomic_abort(atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	if (af->tmp_path) {
		unlink(af->tmp_path);
		mapguard_untemp(af->tmp_path);
	}
	free(af->tmp_path);
	free(af->path);
	memset(af, 0, sizeof *af);
}

int atomic_write(const char *path, const void *data, size_t len, sf_err *e)
{
	atomic_file af;
	if (atomic_open(&af, path, e) != 0)
		return -1;
	if (len && fwrite(data, 1, len, af.f) != len) {
		sf_fail_errno(e, "%s: write failed", path);
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af, e);
}
