#include "engine/ws/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

struct ws_lock {
	int fd;
};

/* The pid written by the holder, or 0 when unreadable (it may be between
 * taking the lock and writing it). */
static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *end;
	long pid = strtol(buf, &end, 10);
	return pid > 0 && (*end == '\n' || *end == 0) ? pid : 0;
}

/* Put our pid in the lock file. It only feeds messages ("in use by
 * process N"): on a full disk it is not written, an empty file reads as
 * "another process", and the flock alone does the locking. */
static void write_pid(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)len, 0) == len)
		return;
	if (ftruncate(fd, 0) != 0) {
		/* a cut pid does not parse (holder_pid), which is as good */
	}
}

int lock_take(ws_lock **out, const char *path, int wait_ms, char *reason, size_t reason_len,
              sf_err *e)
{
	*out = NULL;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0) {
		if (errno == EACCES || errno == EROFS || errno == EPERM || errno == ENOSPC ||
		    errno == EDQUOT) {
			snprintf(reason, reason_len, "cannot create the lock file %s: %s", path,
			         strerror(errno));
			return 2;
		}
		return sf_fail_errno(e, "%s: cannot open lock file", path);
	}
	/* Writers hold the lock only for the moment a save takes: wait a
	 * little for one to finish rather than fail at once. */
	int waited = 0;
	while (flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK && waited < wait_ms) {
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
		waited += 20;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		if (err == EWOULDBLOCK) {
			long pid = holder_pid(fd);
			if (pid)
				snprintf(reason, reason_len, "in use by process %ld", pid);
			else
				snprintf(reason, reason_len, "in use by another process");
			close(fd);
			return 1;
		}
		close(fd);
		errno = err;
		return sf_fail_errno(e, "%s: cannot lock", path);
	}
	/* Ours now; whatever pid was there belonged to a process that is gone. */
	write_pid(fd);
	ws_lock *l = malloc(sizeof *l);
	if (!l) {
		close(fd);
		return sf_fail(e, "%s: out of memory", path);
	}
	l->fd = fd;
	*out = l;
	return 0;
}

void lock_release(ws_lock *l)
{
	if (!l)
		return;
	/* Empty the file first so nobody reads our pid after we are gone. */
	if (ftruncate(l->fd, 0) != 0) {
		/* nothing to do: closing drops the lock regardless */
	}
	close(l->fd);
	free(l);
}
