/* Saves labels in a loop, for tests/test_kill_labels.sh to SIGKILL at
 * random moments.
 *
 *   kill_labels_driver save WS M     open WS for writing, load its labels
 *                                    (SAE width M), then for i = number of
 *                                    labels, i+1, ...: label feature i
 *                                    "label i" and print "saved i+1" once
 *                                    labels_set has returned. Runs until
 *                                    killed or feature M-1 is labelled.
 *   kill_labels_driver check WS M N  the workspace opens, its labels load,
 *                                    and features 0..N-1 hold exactly
 *                                    "label i" (rating i % 5 + 1); features
 *                                    >= N may exist (a save that completed
 *                                    after the last "saved" line made it
 *                                    out) but only as a prefix: 0..n-1.
 *                                    Exit 0 when all holds, else 1 with the
 *                                    reason on stderr.
 *   kill_labels_driver hold WS       open WS, take the writer lock as a
 *                                    save does (ws_write_begin), print
 *                                    "held" or "refused: REASON", then wait
 *                                    until killed (tests/test_lock.sh).
 *   kill_labels_driver open WS F     open a session on WS with its labels
 *                                    loaded, print "open", wait; on
 *                                    SIGUSR1 label feature F "from holder"
 *                                    through that session (whose labels
 *                                    others may have changed meanwhile),
 *                                    print "saved" or "failed: REASON",
 *                                    wait until killed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/analysis/labels.h"
#include "engine/ws/labels_ws.h"
#include "engine/ws/session.h"
#include "engine/ws/workspace.h"

static int fail(const char *what, const char *msg)
{
	fprintf(stderr, "kill_labels_driver: %s: %s\n", what, msg);
	return 1;
}

static int do_save(ws *w, int m)
{
	sf_err e;
	sf_labels L;
	if (ws_readonly(w))
		return fail("read-only", ws_readonly_reason(w));
	if (labels_load(&L, w, m, &e))
		return fail("load", e.msg);
	printf("loaded %zu\n", L.n);
	fflush(stdout);
	for (int i = (int)L.n; i < m; i++) {
		char name[64], note[64];
		snprintf(name, sizeof name, "label %d", i);
		snprintf(note, sizeof note, "note %d", i);
		if (labels_set(&L, i, name, i % 5 + 1, note, &e)) {
			labels_free(&L);
			return fail("save", e.msg);
		}
		printf("saved %d\n", i + 1);
		fflush(stdout);
	}
	labels_free(&L);
	return 0;
}

static int do_check(ws *w, int m, int n)
{
	sf_err e;
	sf_labels L;
	if (labels_load(&L, w, m, &e))
		return fail("load", e.msg);
	int rc = 0;
	char msg[160];
	if (L.n < (size_t)n) {
		snprintf(msg, sizeof msg, "%zu labels, but %d saves completed", L.n, n);
		rc = fail("lost", msg);
	}
	for (size_t i = 0; !rc && i < L.n; i++) {
		char want[64];
		snprintf(want, sizeof want, "label %zu", i);
		const sf_label *l = &L.v[i];
		if (l->feature != (int)i || strcmp(l->name, want) || l->safety != (int)(i % 5 + 1)) {
			snprintf(msg, sizeof msg, "entry %zu: feature %d \"%s\" safety %d", i,
			         l->feature, l->name, l->safety);
			rc = fail("wrong", msg);
		}
	}
	labels_free(&L);
	return rc;
}

static int do_hold(const char *dir)
{
	sf_err e;
	ws *w;
	if (ws_open(&w, dir, 0, &e))
		return fail("open", e.msg);
	if (ws_write_begin(w, &e))
		printf("refused: %s\n", e.msg);
	else
		printf("held\n");
	fflush(stdout);
	for (;;)
		pause();
}

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1 = 1;
}

static int do_open(const char *dir, int feature)
{
	sf_err e;
	sf_session *s;
	const sf_labels *L;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	/* blocked until sigsuspend, so a signal sent right after "open" is
	 * not lost */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (session_open(&s, dir, 0, &e) || session_labels(s, &L, &e))
		return fail("open", e.msg);
	printf("open\n");
	fflush(stdout);
	while (!usr1)
		sigsuspend(&old);
	if (session_label_set(s, feature, "from holder", 4, NULL, &e))
		printf("failed: %s\n", e.msg);
	else
		printf("saved\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return do_hold(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "open"))
		return do_open(argv[2], atoi(argv[3]));
	if (argc < 4 || (strcmp(argv[1], "save") && strcmp(argv[1], "check")) ||
	    (!strcmp(argv[1], "check") && argc < 5)) {
		fprintf(stderr, "usage: kill_labels_driver save WS M | check WS M N | hold WS | open WS F\n");
		return 2;
	}
	int m = atoi(argv[3]);
	int check = !strcmp(argv[1], "check");
	sf_err e;
	ws *w;
	if (ws_open(&w, argv[2], check ? WS_READONLY : 0, &e))
		return fail("open", e.msg);
	int rc = check ? do_check(w, m, atoi(argv[4])) : do_save(w, m);
	ws_close(w);
	return rc;
}
