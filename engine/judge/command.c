/* The judge as a local program (see command.h). */
#include "engine/judge/command.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/textsafe.h"

extern char **environ;

#define BACKOFF_CAP 60.0

int judge_cmd_parse(judge_cmd_opts *o, const char *line, sf_err *e)
{
	judge_http_opts d;
	judge_http_opts_default(&d);
	memset(o, 0, sizeof *o);
	o->timeout = d.timeout;
	o->retries = d.retries;
	o->backoff = d.backoff;
	o->max_reply = d.max_reply;
	size_t k = 0;
	int n = 0;
	const char *p = line;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (n == JUDGE_CMD_MAX_WORDS)
			return sf_fail(e, "--cmd: more than %d words", JUDGE_CMD_MAX_WORDS);
		o->argv[n++] = o->words + k;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				while (*p && *p != q) {
					if (k + 2 >= sizeof o->words)
						return sf_fail(e, "--cmd: too long");
					o->words[k++] = *p++;
				}
				if (*p != q)
					return sf_fail(e, "--cmd: unclosed %c", q);
				p++;
			} else {
				if (k + 2 >= sizeof o->words)
					return sf_fail(e, "--cmd: too long");
				o->words[k++] = *p++;
			}
		}
		o->words[k++] = 0;
	}
	o->argv[n] = NULL;
	if (!n)
		return sf_fail(e, "--cmd: no program named");
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum { RUN_OK, RUN_TRANSIENT, RUN_TOO_BIG, RUN_FATAL, RUN_STOPPED };

typedef struct child_out {
	char *out;
	size_t n;
	char err[512];
	size_t nerr;
} child_out;

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* One run of the program: RUN_*; why says what went wrong. */
static int run_once(const judge_cmd_opts *o, void *ctx, const char *in, child_out *c, char *why,
                    size_t whyn)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	memset(c, 0, sizeof *c);
	if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC)) {
		snprintf(why, whyn, "cannot make pipes: %s", strerror(errno));
		close_fd(&pin[0]), close_fd(&pin[1]), close_fd(&pout[0]), close_fd(&pout[1]);
		return RUN_FATAL;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
	posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	pid_t pid;
	int rc = posix_spawnp(&pid, o->argv[0], &fa, NULL, o->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close_fd(&pin[0]);
	close_fd(&pout[1]);
	close_fd(&perr[1]);
	if (rc) {
		snprintf(why, whyn, "cannot run '%s': %s", o->argv[0], strerror(rc));
		close_fd(&pin[1]), close_fd(&pout[0]), close_fd(&perr[0]);
		return RUN_FATAL;
	}
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	size_t inlen = strlen(in), sent = 0, cap = 0;
	double deadline = now_s() + o->timeout;
	int result = RUN_OK;
	while (pout[0] >= 0 || perr[0] >= 0) {
		struct pollfd fds[3];
		int nf = 0, iin = -1, iout = -1, ierr = -1;
		if (pin[1] >= 0)
			iin = nf, fds[nf++] = (struct pollfd){ pin[1], POLLOUT, 0 };
		if (pout[0] >= 0)
			iout = nf, fds[nf++] = (struct pollfd){ pout[0], POLLIN, 0 };
		if (perr[0] >= 0)
			ierr = nf, fds[nf++] = (struct pollfd){ perr[0], POLLIN, 0 };
		double left = deadline - now_s();
		if (left <= 0) {
			snprintf(why, whyn, "no reply within %g s", o->timeout);
			result = RUN_TRANSIENT;
			break;
		}
		if (o->stop && o->stop(ctx)) {
			result = RUN_STOPPED;
			break;
		}
		int ms = left > 0.1 ? 100 : (int)(left * 1000) + 1;
		if (poll(fds, (nfds_t)nf, ms) < 0 && errno != EINTR) {
			snprintf(why, whyn, "poll: %s", strerror(errno));
			result = RUN_FATAL;
			break;
		}
		if (iin >= 0 && fds[iin].revents) {
			ssize_t w = write(pin[1], in + sent, inlen - sent);
			if (w > 0)
				sent += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == inlen)
				close_fd(&pin[1]); /* all sent, or the program stopped reading */
		}
		if (iout >= 0 && fds[iout].revents) {
			if (c->n + 65536 + 1 > cap) {
				size_t nc = cap ? cap * 2 : 65536 * 2;
				char *r = realloc(c->out, nc);
				if (!r) {
					snprintf(why, whyn, "out of memory");
					result = RUN_FATAL;
					break;
				}
				c->out = r;
				cap = nc;
			}
			ssize_t r = read(pout[0], c->out + c->n, 65536);
			if (r > 0) {
				c->n += (size_t)r;
				if (c->n > o->max_reply) {
					snprintf(why, whyn, "the reply is larger than %zu bytes", o->max_reply);
					result = RUN_TOO_BIG;
					break;
				}
			} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				close_fd(&pout[0]);
			}
		}
		if (ierr >= 0 && fds[ierr].revents) {
			char buf[4096];
			ssize_t r = read(perr[0], buf, sizeof buf);
			if (r > 0) {
				size_t room = sizeof c->err - 1 - c->nerr, k = (size_t)r < room ? (size_t)r : room;
				memcpy(c->err + c->nerr, buf, k);
				c->nerr += k;
			} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				close_fd(&perr[0]);
			}
		}
	}
	close_fd(&pin[1]);
	close_fd(&pout[0]);
	close_fd(&perr[0]);
	if (result != RUN_OK)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (c->out)
		c->out[c->n] = 0;
	if (result == RUN_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		char *msg = textsafe_dup(c->err, c->nerr, 0);
		if (WIFEXITED(status))
			snprintf(why, whyn, "'%s' exited with status %d%s%s", o->argv[0],
			         WEXITSTATUS(status), c->nerr ? ": " : "", msg ? msg : "");
		else
			snprintf(why, whyn, "'%s' was killed by signal %d", o->argv[0], WTERMSIG(status));
		free(msg);
		result = RUN_TRANSIENT;
	}
	return result;
}

int judge_cmd_run(const judge_cmd_opts *o, judge_next_fn next, judge_done_fn done, void *ctx,
                  judge_http_tally *t, sf_err *e)
{
	judge_http_tally dummy;
	if (!t)
		t = &dummy;
	memset(t, 0, sizeof *t);
	struct sigaction ign, old;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old); /* a program that stops reading its stdin */
	int rc = 0;
	for (;;) {
		int id;
		char *prompt = NULL;
		int got = next(ctx, &id, &prompt, e);
		if (got <= 0) {
			rc = got;
			break;
		}
		for (int attempt = 0;; attempt++) {
			child_out c;
			char why[700];
			t->requests++;
			int r = run_once(o, ctx, prompt, &c, why, sizeof why);
			if (r == RUN_OK) {
				rc = done(ctx, id, c.out ? c.out : "", c.n, NULL, e) ? -1 : 0;
			} else if (r == RUN_STOPPED) {
				rc = sf_fail(e, "cancelled");
			} else if (r == RUN_FATAL) {
				rc = sf_fail(e, "--cmd: %s", why);
			} else if (r == RUN_TRANSIENT && attempt < o->retries) {
				free(c.out);
				t->retries++;
				double wait = o->backoff * pow(2, attempt), until;
				if (wait > BACKOFF_CAP)
					wait = BACKOFF_CAP;
				for (until = now_s() + wait; now_s() < until;) {
					if (o->stop && o->stop(ctx))
						break;
					struct timespec ts = { 0, 50 * 1000 * 1000 };
					nanosleep(&ts, NULL);
				}
				if (o->stop && o->stop(ctx)) {
					rc = sf_fail(e, "cancelled");
					break;
				}
				continue;
			} else {
				char msg[760];
				if (r == RUN_TRANSIENT)
					snprintf(msg, sizeof msg, "%s (after %d attempts)", why, attempt + 1);
				else
					snprintf(msg, sizeof msg, "%s", why);
				rc = done(ctx, id, NULL, 0, msg, e) ? -1 : 0;
			}
			free(c.out);
			break;
		}
		free(prompt);
		if (rc)
			break;
	}
	sigaction(SIGPIPE, &old, NULL);
	return rc;
}
