/* The external editor for the Probe screen (see probe_edit.h). */
#include "tui/explore/probe_edit.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { EDIT_MAX = 1 << 20 };

static const char *editor(void)
{
	const char *v = getenv("VISUAL");
	if (!v || !*v)
		v = getenv("EDITOR");
	return v && *v ? v : "vi";
}

/* Run `EDITOR "$1"` through sh with path as $1; its exit status or -1. */
static int run_editor(app *a, const char *path)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "%s \"$1\"", editor());
	struct sigaction ign, old_int, old_quit;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	app_suspend(a);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	int st = -1;
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	app_resume(a);
	return pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int probe_edit_text(app *a, const char *text, char **out, char *err, size_t n)
{
	*out = NULL;
	const char *tmp = getenv("TMPDIR");
	char path[4200];
	snprintf(path, sizeof path, "%s/safer-probe-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, n, "cannot make a temporary file in %s: %s", tmp && *tmp ? tmp : "/tmp",
		         strerror(errno));
		return -1;
	}
	size_t len = strlen(text);
	int ok = write(fd, text, len) == (ssize_t)len;
	close(fd);
	int rc = -1;
	if (!ok) {
		snprintf(err, n, "cannot write %s", path);
	} else {
		int st = run_editor(a, path);
		FILE *f = st == 0 ? fopen(path, "rb") : NULL;
		char *buf = f ? malloc(EDIT_MAX + 1) : NULL;
		size_t got = buf ? fread(buf, 1, EDIT_MAX + 1, f) : 0;
		if (f)
			fclose(f);
		if (st != 0)
			snprintf(err, n, "the editor (%s) failed (exit %d): text unchanged", editor(), st);
		else if (!buf)
			snprintf(err, n, "cannot read the edited text back");
		else if (got > EDIT_MAX || memchr(buf, 0, got))
			snprintf(err, n, "the edited text is larger than 1 MB or holds a NUL byte");
		else {
			if (got && buf[got - 1] == '\n' && !(len && text[len - 1] == '\n'))
				got--;
			buf[got] = 0;
			*out = buf;
			buf = NULL;
			rc = 0;
		}
		free(buf);
	}
	unlink(path);
	return rc;
}
