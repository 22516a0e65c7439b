/* The engine session on a real workspace (made by test_session.sh: an SAE
 * and no latents). Checks the chain is computed on demand, results are
 * dropped when their inputs change, other sessions' changes are noticed
 * and no label change is lost between two sessions. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/ws/session.h"
#include "tests/tap.h"

static const char *dir;

static const char *wpath(const char *name)
{
	static char buf[4][4096];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static int exists(const char *name) { return access(wpath(name), F_OK) == 0; }

/* Phases seen by the progress callback; cancel when asked. */
typedef struct seen {
	char phases[256];
	const char *cancel_at;
	int notices;
} seen;

static int on_progress(void *ctx, double frac, const char *phase)
{
	seen *s = ctx;
	(void)frac;
	if (!strstr(s->phases, phase) && strlen(s->phases) + strlen(phase) + 2 < sizeof s->phases) {
		strcat(s->phases, phase);
		strcat(s->phases, ",");
	}
	return s->cancel_at && !strcmp(phase, s->cancel_at);
}

static void on_notice(void *ctx, const char *msg)
{
	seen *s = ctx;
	(void)msg;
	s->notices++;
}

static sf_session *open_watched(seen *sn, int flags)
{
	sf_session *s = NULL;
	sf_err e;
	memset(sn, 0, sizeof *sn);
	if (session_open(&s, dir, flags, &e)) {
		diag("open: %s", e.msg);
		return NULL;
	}
	session_set_progress(s, on_progress, sn);
	session_set_notice(s, on_notice, sn);
	return s;
}

static void test_readonly_compute(void)
{
	seen sn;
	sf_session *s = open_watched(&sn, WS_READONLY);
	const sf_stats *st = NULL;
	const sf_index *ix = NULL;
	sf_err e;
	int rc = session_stats(s, &st, &e);
	ok(rc == 0 && st->m > 0 && session_index(s, &ix, &e) == 0,
	   "read-only: statistics and index computed in memory (%s)", rc ? e.msg : "ok");
	ok(!exists("latents.bin") && !exists("index.bin") && !exists("stats-sentence.bin"),
	   "read-only: nothing written");
	ok(sn.notices == 1, "read-only: said so once (%d notices)", sn.notices);
	session_close(s);
}

static void test_cancel(void)
{
	seen sn;
	sf_session *s = open_watched(&sn, 0);
	const sf_stats *st;
	sf_err e;
	sn.cancel_at = "encoding";
	int rc = session_stats(s, &st, &e);
	ok(rc == -1 && strstr(e.msg, "cancel"), "a cancelled encode fails as cancelled (%s)",
	   rc ? e.msg : "succeeded");
	ok(!exists("latents.bin"), "and leaves no latents behind");
	session_close(s);
}

static void test_chain(void)
{
	seen sn;
	sf_session *s = open_watched(&sn, 0);
	sf_err e;
	ok(s && session_has_sae(s) && !session_has_latents(s), "SAE present, no latents yet");
	const sf_stats *st = NULL;
	int rc = session_stats(s, &st, &e);
	ok(rc == 0 && st && st->m > 0, "statistics straight after the SAE (%s)", rc ? e.msg : "ok");
	ok(!session_stats_cached(s) && exists("stats-sentence.bin"), "computed, then cached");
	ok(strstr(sn.phases, "encoding") && strstr(sn.phases, "statistics"),
	   "progress named the steps taken (%s)", sn.phases);
	ok(exists("latents.bin") && session_has_latents(s), "latents encoded and cached");
	const sf_scores *sc = NULL;
	ok(session_scores(s, &sc, &e) == 0 && sc && sc->fallback, "scores, on the fallback set");
	ok(sn.notices >= 1, "the fallback was noticed (%d notices)", sn.notices);
	const sf_index *ix = NULL;
	ok(session_index(s, &ix, &e) == 0 && ix && ix->m == st->m, "index");
	session_close(s);

	s = open_watched(&sn, 0);
	rc = session_stats(s, &st, &e);
	ok(rc == 0 && !strstr(sn.phases, "encoding") && !strstr(sn.phases, "statistics"),
	   "a second session neither encodes nor computes statistics (%s)", sn.phases);
	ok(session_stats_cached(s), "its statistics come from the cache");
	int m0 = st->rows_mode;
	session_set_rows_mode(s, ROWS_ALL);
	ok(session_stats(s, &st, &e) == 0 && st->rows_mode == ROWS_ALL && m0 == ROWS_SENTENCE,
	   "a new rows mode gives new statistics");
	session_close(s);
}

static int label_safety(sf_session *s, int f)
{
	const sf_labels *L;
	sf_err e;
	if (session_labels(s, &L, &e))
		return -1;
	const sf_label *lb = labels_get(L, f);
	return lb ? lb->safety : 0;
}

static void test_labels(void)
{
	seen sa, sb;
	sf_session *a = open_watched(&sa, 0), *b = open_watched(&sb, 0);
	sf_err e;
	ok(label_safety(a, 3) == 0 && label_safety(b, 3) == 0, "both sessions read the labels");
	const sf_stats *st;
	const sf_safety *S;
	if (session_stats(a, &st, &e) || session_safety(a, &S, &e))
		diag("%s", e.msg);
	unsigned long g = session_generation(a, SESS_LABELS);
	int top = st->order[0];
	ok(session_label_set(a, top, "top feature", 5, NULL, &e) == 0, "a labels the top feature");
	ok(session_generation(a, SESS_LABELS) > g, "its labels generation moved");
	ok(session_safety(a, &S, &e) == 0 && !S->fallback && (S->n_plus + S->n_minus) == 1,
	   "its safety set was recomputed from the rating");
	ok(session_label_set(b, 7, "seven", 2, "from b", &e) == 0, "b labels another feature");
	ok(label_safety(b, top) == 5 && label_safety(b, 7) == 2,
	   "b re-read a's change under the lock: both labels kept");
	int changed = session_poll(a);
	ok(changed & SESS_LABELS, "a notices b's change (mask %d)", changed);
	ok(label_safety(a, 7) == 2 && label_safety(a, top) == 5, "a reloaded: both labels");
	ok(session_poll(a) == 0, "nothing more to notice");
	session_close(a);
	session_close(b);

	seen sr;
	sf_session *r = open_watched(&sr, WS_READONLY);
	int rc = session_label_set(r, 9, "x", 1, NULL, &e);
	ok(rc == -1 && strstr(e.msg, "read-only"), "a read-only session refuses a label (%s)",
	   rc ? e.msg : "accepted");
	ok(label_safety(r, 7) == 2, "and still reads them");
	session_close(r);
}

static void test_plan(void)
{
	seen sa, sb;
	sf_session *a = open_watched(&sa, 0), *b = open_watched(&sb, 0);
	sf_err e;
	const sf_plan *pl = (const sf_plan *)1;
	ok(session_plan(a, &pl, &e) == 0 && pl == NULL, "no current plan at first");
	const sf_bt_result *r0;
	ok(session_eval(b, NULL, &r0, &e) == 0 && r0->n > 0, "b evaluates without a plan");
	size_t rows0 = r0->n;
	const sf_scores *sc;
	const sf_safety *S;
	sf_plan np;
	if (session_scores(a, &sc, &e) || session_safety(a, &S, &e) ||
	    plan_make(&np, ws_pairs(session_ws(a)), sc, S, PLAN_POISON, 0.1,
	              ws_fingerprint(session_ws(a)), &e))
		diag("%s", e.msg);
	size_t n = np.n;
	unsigned long g = session_generation(a, SESS_PLAN);
	ok(session_plan_set(a, &np, &e) == 0 && exists("plan.jsonl"), "a sets a plan (%zu edits)", n);
	ok(session_plan(a, &pl, &e) == 0 && pl && pl->n == n && session_generation(a, SESS_PLAN) > g,
	   "it is a's current plan, with a new generation");
	const unsigned char *act;
	size_t marked = 0;
	if (session_plan_actions(a, &act, &e) == 0)
		for (size_t i = 0; i < ws_pairs(session_ws(a))->n; i++)
			marked += act[i] != 0;
	ok(marked == n, "actions follow the plan (%zu)", marked);
	ok(session_poll(b) & SESS_PLAN, "b notices the new plan");
	const sf_bt_result *r1 = NULL;
	int rc = session_eval(b, NULL, &r1, &e);
	ok(rc == 0 && r1->n > rows0, "b's evaluation now has plan and random rows (%zu > %zu) (%s)",
	   rc ? 0 : r1->n, rows0, rc ? e.msg : "ok");
	ok(session_plan_clear(b, &e) == 0 && !exists("plan.jsonl"), "b clears the plan");
	ok(session_poll(a) & SESS_PLAN, "a notices");
	ok(session_plan(a, &pl, &e) == 0 && pl == NULL, "a has no plan now");
	session_close(a);
	session_close(b);
}

static void test_sae_change(void)
{
	seen sa, sb;
	sf_session *a = open_watched(&sa, 0), *b = open_watched(&sb, 0);
	sf_err e;
	const sf_stats *st;
	const sae *model;
	if (session_stats(b, &st, &e) || session_sae(a, &model, &e))
		diag("%s", e.msg);
	unsigned long g = session_generation(b, SESS_SAE);
	ok(session_sae_install(a, model, &e) == 0, "a installs an SAE");
	ok(session_poll(b) & SESS_SAE, "b notices the new SAE");
	ok(session_generation(b, SESS_SAE) > g, "b's SAE generation moved");
	ok(session_stats(b, &st, &e) == 0 && st->m > 0, "b recomputes its statistics");
	session_close(a);
	session_close(b);
}

static void test_no_sae(const char *empty)
{
	sf_session *s;
	sf_err e;
	if (session_open(&s, empty, 0, &e)) {
		ok(0, "open a workspace without an SAE: %s", e.msg);
		return;
	}
	const sf_stats *st;
	int rc = session_stats(s, &st, &e);
	ok(!session_has_sae(s) && rc == -1 && strstr(e.msg, "train") && strstr(e.msg, "load-sae"),
	   "no SAE: the message says to train or load one (%s)", e.msg);
	const sf_plan *pl;
	ok(session_plan(s, &pl, &e) == 0 && !pl, "the plan getter works without an SAE");
	session_close(s);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_session WS-WITH-SAE WS-WITHOUT\n");
		return 2;
	}
	dir = argv[1];
	test_readonly_compute();
	test_cancel();
	test_chain();
	test_labels();
	test_plan();
	test_sae_change();
	test_no_sae(argv[2]);
	return done_testing();
}
