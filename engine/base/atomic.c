#include "engine/base/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
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

enum { FIFO_WAIT_MS = 5000, FIFO_POLL_MS = 50 };

/* The file path names once its symlinks are followed (malloc'd), and its
 * stat in *sb (*exists 0 when there is none yet). NULL on failure. */
static char *resolve(const char *path, struct stat *sb, int *exists, sf_err *e)
{
	*exists = 0;
	if (lstat(path, sb) != 0) {
		if (errno != ENOENT) {
			sf_fail_errno(e, "%s", path);
			return NULL;
		}
	} else if (S_ISLNK(sb->st_mode)) {
		char *real = realpath(path, NULL);
		if (!real && errno == ENOENT)
			sf_fail(e, "%s: a dangling symlink; not writing through it", path);
		else if (!real)
			sf_fail_errno(e, "%s: cannot follow the symlink", path);
		else if (stat(real, sb) != 0)
			sf_fail_errno(e, "%s", real);
		else
			*exists = 1;
		if (!*exists) {
			free(real);
			return NULL;
		}
		return real;
	} else {
		*exists = 1;
	}
	char *p = strdup(path);
	if (!p)
		sf_fail(e, "%s: out of memory", path);
	return p;
}

/* Open a character device or FIFO for writing as it is: no O_CREAT, no
 * O_TRUNC. Non-blocking, so that a FIFO without a reader fails (ENXIO)
 * instead of waiting forever; retried for FIFO_WAIT_MS, in case its
 * reader is just starting. Blocking again once open. */
static int open_direct(const char *path, int fifo, sf_err *e)
{
	for (int waited = 0;; waited += FIFO_POLL_MS) {
		int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			struct stat sb;
			int fl = fcntl(fd, F_GETFL);
			if (fstat(fd, &sb) != 0 || fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
				sf_fail_errno(e, "%s: cannot open", path);
				close(fd);
				return -1;
			}
			if (!S_ISCHR(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
				close(fd); /* replaced meanwhile; nothing was written */
				return sf_fail(e, "%s: changed while being opened; not written", path);
			}
			return fd;
		}
		if (!fifo || errno != ENXIO)
			return sf_fail_errno(e, "%s: cannot open", path);
		if (waited >= FIFO_WAIT_MS)
			return sf_fail(e, "%s: a FIFO that no program reads (waited %d s); not written",
			               path, FIFO_WAIT_MS / 1000);
		struct timespec ts = { 0, FIFO_POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* af writes to fd as it is (standard output, a device, a FIFO). */
static int use_direct(atomic_file *af, int fd, sf_err *e)
{
	af->tty = isatty(fd);
	af->f = fdopen(fd, "wb");
	if (!af->f) {
		sf_fail_errno(e, "%s: fdopen", af->path);
		close(fd);
		atomic_abort(af);
		return -1;
	}
	return 0;
}

static const char *kind_refused(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket"
	                                                                        : "not a file";
}

/* The temporary file for af->path; mode: that of the file it replaces,
 * or -1 for the umask's. */
static int open_temp(atomic_file *af, int mode, sf_err *e)
{
	size_t n = strlen(af->path) + 16;
	af->tmp_path = malloc(n);
	if (!af->tmp_path) {
		sf_fail(e, "%s: out of memory", af->path);
		atomic_abort(af);
		return -1;
	}
	int fd = locked_temp(af->tmp_path, n, af->path);
	if (fd < 0) {
		sf_fail_errno(e, "%s: cannot create temporary file", af->path);
		free(af->tmp_path);
		af->tmp_path = NULL;
		atomic_abort(af);
		return -1;
	}
	mapguard_temp(af->tmp_path); /* removed if a fault ends the program */
	/* mkostemp makes the file 0600; user files follow the umask. */
	mode_t um = umask(0);
	umask(um);
	(void)fchmod(fd, mode >= 0 ? (mode_t)mode : 0666 & ~um);
	af->f = fdopen(fd, "wb");
	if (!af->f) {
		close(fd);
		sf_fail_errno(e, "%s: fdopen", af->path);
		atomic_abort(af);
		return -1;
	}
	return 0;
}

int atomic_open(atomic_file *af, const char *path, sf_err *e)
{
	memset(af, 0, sizeof *af);
	if (!(af->path = strdup(path)))
		return sf_fail(e, "%s: out of memory", path);
	return open_temp(af, -1, e);
}

int atomic_open_out(atomic_file *af, const char *path, sf_err *e)
{
	memset(af, 0, sizeof *af);
	if (!strcmp(path, "-")) {
		fflush(stdout); /* what stdout holds goes first */
		int fd = dup(STDOUT_FILENO);
		if (fd < 0)
			return sf_fail_errno(e, "standard output");
		if (!(af->path = strdup("standard output"))) {
			close(fd);
			return sf_fail(e, "out of memory");
		}
		return use_direct(af, fd, e);
	}
	struct stat sb;
	int exists;
	if (!(af->path = resolve(path, &sb, &exists, e)))
		return -1;
	if (exists && (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode))) {
		int fd = open_direct(af->path, S_ISFIFO(sb.st_mode), e);
		if (fd < 0) {
			atomic_abort(af);
			return -1;
		}
		return use_direct(af, fd, e);
	}
	if (exists && !S_ISREG(sb.st_mode)) {
		sf_fail(e, "%s: %s; not written", af->path, kind_refused(sb.st_mode));
		atomic_abort(af);
		return -1;
	}
	/* a file replaced keeps its mode */
	return open_temp(af, exists ? (int)(sb.st_mode & 07777) : -1, e);
}

/* Flush and close a direct write (nothing to rename or fsync: a pipe
 * or a terminal has no data to keep). */
static int commit_direct(atomic_file *af, sf_err *e)
{
	int rc = 0;
	if (fflush(af->f) != 0 || ferror(af->f))
		rc = sf_fail_errno(e, "%s: write failed", af->path);
	if (fclose(af->f) != 0 && rc == 0)
		rc = sf_fail_errno(e, "%s: close failed", af->path);
	af->f = NULL;
	free(af->path);
	af->path = NULL;
	return rc;
}

int atomic_commit(atomic_file *af, sf_err *e)
{
	if (!af->tmp_path)
		return commit_direct(af, e);
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
