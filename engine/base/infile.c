#include "engine/base/infile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

const char *infile_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "a special file";
}

int infile_open(const char *path, struct stat *sb, sf_err *e)
{
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer before fstat could tell what it is. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int err = errno;
		sf_fail_errno(e, "%s: cannot open", path);
		errno = err; /* callers may tell a missing file from others */
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int err = errno;
		close(fd);
		errno = err;
		return sf_fail_errno(e, "%s: cannot stat", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		sf_fail(e, "%s: not a regular file (%s)", path, infile_kind(st.st_mode));
		errno = EINVAL;
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
		int err = errno;
		close(fd);
		errno = err;
		return sf_fail_errno(e, "%s: cannot open", path);
	}
	if (sb)
		*sb = st;
	return fd;
}

FILE *infile_fopen(const char *path, struct stat *sb, sf_err *e)
{
	int fd = infile_open(path, sb, e);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		sf_fail_errno(e, "%s: cannot open", path);
		close(fd);
	}
	return f;
}

FILE *infile_fopen_or_stdin(const char *path, sf_err *e)
{
	if (strcmp(path, "-"))
		return infile_fopen(path, NULL, e);
	if (isatty(STDIN_FILENO)) {
		sf_fail(e, "-: standard input is a terminal; pipe or redirect the file into it");
		return NULL;
	}
	int fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
	if (!f) {
		sf_fail_errno(e, "-: cannot read standard input");
		if (fd >= 0)
			close(fd);
	}
	return f;
}
