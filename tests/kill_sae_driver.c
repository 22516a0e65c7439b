/* Saves SAEs in a loop, for tests/test_sae_unit.sh to SIGKILL at random
 * moments.
 *
 *   kill_sae_driver save WS A B   load the SAEs A and B, open a session on
 *                                 WS, then install A, B, A, ... as the
 *                                 workspace's SAE, printing "saved N"
 *                                 after each; runs until killed.
 *   kill_sae_driver check WS      the workspace's SAE loads, and its
 *                                 weights are the SAE its cfg.json names.
 *                                 Exit 0, else 1 with the reason. */
#include <stdio.h>
#include <string.h>

#include "engine/sae/sae.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/session.h"
#include "engine/ws/workspace.h"

static int fail(const char *what, const char *msg)
{
	fprintf(stderr, "kill_sae_driver: %s: %s\n", what, msg);
	return 1;
}

static int do_save(const char *dir, const char *pa, const char *pb)
{
	sf_err e;
	sae *m[2];
	if (sae_load(&m[0], pa, -1, 0, &e) || sae_load(&m[1], pb, -1, 0, &e))
		return fail("load", e.msg);
	sf_session *s;
	if (session_open(&s, dir, 0, &e))
		return fail("open", e.msg);
	printf("open\n");
	fflush(stdout);
	for (long i = 0;; i++) {
		if (session_sae_install(s, m[i % 2], &e))
			return fail("save", e.msg);
		printf("saved %ld\n", i + 1);
		fflush(stdout);
	}
}

static int do_check(const char *dir)
{
	sf_err e;
	ws *w;
	if (ws_open(&w, dir, WS_READONLY, &e))
		return fail("open", e.msg);
	sae *s;
	char cfg_fp[17], fp[17];
	int rc = 0;
	if (sae_load_ws(&s, w, &e))
		rc = fail("load", e.msg);
	else {
		sae_fingerprint(s, fp);
		sae_free(s);
		if (sae_ws_fingerprint(w, cfg_fp, &e))
			rc = fail("cfg.json", e.msg);
		else if (strcmp(fp, cfg_fp))
			rc = fail("mixed", "the weights are not the SAE cfg.json names");
	}
	ws_close(w);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "save"))
		return do_save(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "check"))
		return do_check(argv[2]);
	fprintf(stderr, "usage: kill_sae_driver save WS A B | check WS\n");
	return 2;
}
