/* safer plan WS (--poison R | --denoise R | --mark I,... --action A |
 * --unmark I,...): the edit list (§7). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/analysis/plan.h"
#include "engine/base/atomic.h"
#include "engine/ws/outpath.h"
#include "engine/ws/plans_ws.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_plan_usage[] =
	"usage: safer plan WS (--poison R | --denoise R [--max-score T]) [--category C]\n"
	"                  [--out F.jsonl [--force]] [--rows sentence|all] [--candidates N] [--threshold T] [--cap C]\n"
	"                  [--ratings human|judge|both] [--unparsed skip|5] [--read-only]\n"
	"       safer plan WS [--poison R | --denoise R] [--mark I[,I...] --action flip|drop]\n"
	"                  [--unmark I[,I...]] [--out F.jsonl [--force]]\n"
	"       safer plan WS --undo | --history\n"
	"\n"
	"Plan a dataset edit from the pair scores (see `safer score`), over the\n"
	"train pairs only (N of them); R is a ratio in (0, 1]:\n"
	"  --poison R   flip the floor(R*N) highest-scored pairs\n"
	"  --denoise R  drop the floor(R*N) lowest-scored pairs\n"
	"  --category C only the train pairs of category C count (N too); C \"\" is\n"
	"               the pairs without one\n"
	"  --max-score T  (denoise) drop only pairs scoring at most T: the plan stops\n"
	"               where the evidence stops, and may drop fewer than floor(R*N)\n"
	"Scores use the rows --rows names (sentence-end rows by default), as stderr\n"
	"says.\n"
	"Prints the edit list as JSONL, one line per edited pair: {\"index\", \"id\",\n"
	"\"action\", \"score\", \"strategy\", \"ratio\", \"fingerprint\", \"s_plus\",\n"
	"\"s_minus\", \"ratings\", \"unparsed\", \"fallback\"}, and \"category\" and\n"
	"\"max_score\" when given (ratings: whose ratings\n"
	"chose S+/S-, as for `safer score`). --out F writes it to F instead, atomically\n"
	"(- is standard output); an existing F is replaced only with --force, and F is\n"
	"never in the workspace or one of its inputs (doc/formats.md, Output files). The plan is\n"
	"also kept as the workspace's current plan (WS/plan.jsonl, which `safer eval`\n"
	"and `safer export` use without --plan) unless the workspace is read-only.\n"
	"\n"
	"Manual marks change single pairs (I = pair index, 0-based line number in the\n"
	"pairs file; train pairs only):\n"
	"  --mark I,... --action flip|drop   plan that edit for these pairs (replacing\n"
	"                                    another action planned for them)\n"
	"  --unmark I,...                    take these pairs out of the plan\n"
	"Without --poison/--denoise they adjust the current plan (WS/plan.jsonl; an\n"
	"empty one when there is none); with one, the fresh plan. Either way the\n"
	"result is a \"manual\" plan, printed like the others and saved as the\n"
	"current plan; marking needs a writable workspace. A test pair or an index\n"
	"past the last pair is an error and nothing changes. Marked pairs carry\n"
	"their score (computed as for --poison) when the workspace has an SAE, null\n"
	"otherwise.\n"
	"\n"
	"A plan that replaces the current one keeps it first in WS/plans/ (the\n"
	"last 8, the explorer's too):\n"
	"  --history  list them, newest first: back (1 = the one --undo brings\n"
	"             back), strategy, ratio, edits, flips, drops, kept (UTC)\n"
	"  --undo     make the newest kept plan the current one again (the plan\n"
	"             it replaces is not kept)\n"
	"Replacing a plan with hand-made edits says so on stderr.\n"
	"What is missing is computed first - the rows encoded with the workspace's\n"
	"SAE, the index, the statistics -, with progress on stderr, and kept in WS.\n"
	"--read-only writes nothing in WS: changes are refused, and what is missing\n"
	"is computed in memory only.\n";

#define MAX_MARKS 1000000

/* "3,17,42" -> indices (appended to *v). -1 on a bad list. */
static int parse_indices(const char *s, size_t **v, size_t *n)
{
	while (*s) {
		char *end;
		errno = 0;
		if (*s < '0' || *s > '9')
			return -1;
		unsigned long long x = strtoull(s, &end, 10);
		if (errno || end == s || (*end && *end != ',') || *n >= MAX_MARKS)
			return -1;
		size_t *nv = realloc(*v, (*n + 1) * sizeof *nv);
		if (!nv)
			return -1;
		*v = nv;
		(*v)[(*n)++] = (size_t)x;
		s = *end ? end + 1 : end;
		if (end[0] == ',' && !end[1])
			return -1;
	}
	return 0;
}

typedef struct marks {
	size_t *mark, n_mark, *unmark, n_unmark;
	int action; /* EDIT_*; 0 = not given */
} marks;

/* The plan the marks apply to when there is no fresh one: the current
 * plan, or an empty one. */
static int base_plan(sf_plan *pl, sf_session *s, sf_err *e)
{
	const sf_plan *cur;
	if (session_plan(s, &cur, e))
		return -1;
	if (cur)
		return plan_copy(pl, cur, e);
	plan_init(pl, ws_fingerprint(session_ws(s)));
	return 0;
}

/* Refuse bad indices before the (slower, chattier) scores. */
static int check_marks(const pairs *P, const marks *mk, sf_err *e)
{
	for (size_t i = 0; i < mk->n_mark + mk->n_unmark; i++) {
		size_t x = i < mk->n_mark ? mk->mark[i] : mk->unmark[i - mk->n_mark];
		if (x >= P->n)
			return sf_fail(e, "plan: no pair %zu (the data has %zu)", x, P->n);
		if (pairs_split(P, x) != SPLIT_TRAIN)
			return sf_fail(e, "plan: pair %zu is a test pair; test pairs are never edited", x);
	}
	return 0;
}

/* Apply the marks; any refused mark fails the whole command. New edits
 * carry their pair's score (sc NULL: unknown). */
static int apply_marks(sf_plan *pl, const pairs *P, const sf_scores *sc, const marks *mk,
                       sf_err *e)
{
	for (size_t i = 0; i < mk->n_mark; i++) {
		size_t x = mk->mark[i];
		if (plan_mark(pl, P, x, mk->action, sc ? sc->score[x] : NAN, e))
			return -1;
	}
	for (size_t i = 0; i < mk->n_unmark; i++)
		if (plan_mark(pl, P, mk->unmark[i], 0, NAN, e))
			return -1;
	return 0;
}

static void free_marks(marks *mk)
{
	free(mk->mark);
	free(mk->unmark);
}

typedef struct pargs {
	copts o;
	const char *out;
	int force;
	double ratio;
	int strategy;
	int undo, history;
	sf_plan_limits lim;
	marks mk;
} pargs;

/* EXIT_OK or the exit code of a bad command line (message printed). */
static int parse_args(pargs *g, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("plan", &g->o, OPT_ANALYSIS, argc, argv, &i), bad = 0;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		int which = !strncmp(argv[i], "--poison", 8) ? PLAN_POISON
		            : !strncmp(argv[i], "--denoise", 9) ? PLAN_DENOISE : 0;
		if (which && ((v = opt_value("plan", "--poison", argc, argv, &i, &bad)) ||
		              (!bad && (v = opt_value("plan", "--denoise", argc, argv, &i, &bad))))) {
			if (g->strategy)
				return cli_usage_error("plan", "give one of --poison and --denoise");
			if (opt_double_in("plan", which == PLAN_POISON ? "--poison" : "--denoise", v, 0, 1,
			                  1, &g->ratio))
				return EXIT_USAGE;
			g->strategy = which;
		} else if (!bad && (v = opt_value("plan", "--category", argc, argv, &i, &bad))) {
			g->lim.category = v;
		} else if (!bad && (v = opt_value("plan", "--max-score", argc, argv, &i, &bad))) {
			if (opt_double_in("plan", "--max-score", v, -1e300, 0, 1e300, &g->lim.max_score))
				return EXIT_USAGE;
			g->lim.has_max_score = 1;
		} else if (!bad && (v = opt_value("plan", "--out", argc, argv, &i, &bad))) {
			g->out = v;
		} else if (!bad && !strcmp(argv[i], "--force")) {
			g->force = 1;
		} else if (!bad && !strcmp(argv[i], "--undo")) {
			g->undo = 1;
		} else if (!bad && !strcmp(argv[i], "--history")) {
			g->history = 1;
		} else if (!bad && (v = opt_value("plan", "--mark", argc, argv, &i, &bad))) {
			if (parse_indices(v, &g->mk.mark, &g->mk.n_mark))
				return cli_usage_error("plan", "--mark takes pair indices like 3,17,42, not '%s'", v);
		} else if (!bad && (v = opt_value("plan", "--unmark", argc, argv, &i, &bad))) {
			if (parse_indices(v, &g->mk.unmark, &g->mk.n_unmark))
				return cli_usage_error("plan", "--unmark takes pair indices like 3,17,42, not '%s'", v);
		} else if (!bad && (v = opt_value("plan", "--action", argc, argv, &i, &bad))) {
			g->mk.action = !strcmp(v, "flip") ? EDIT_FLIP : !strcmp(v, "drop") ? EDIT_DROP : -1;
			if (g->mk.action < 0)
				return cli_usage_error("plan", "--action is flip or drop, not '%s'", v);
		} else if (bad) {
			return EXIT_USAGE;
		} else if ((argv[i][0] == '-' && argv[i][1]) || g->o.ws) {
			return cli_usage_error("plan", "unexpected argument '%s'", argv[i]);
		} else {
			g->o.ws = argv[i];
		}
	}
	if (!g->o.ws)
		return cli_usage_error("plan", "missing workspace");
	if (g->mk.n_mark && !g->mk.action)
		return cli_usage_error("plan", "--mark needs --action flip or --action drop");
	if (g->mk.action && !g->mk.n_mark)
		return cli_usage_error("plan", "--action goes with --mark");
	if (g->force && !g->out)
		return cli_usage_error("plan", "--force goes with --out");
	if ((g->undo || g->history) &&
	    (g->undo + g->history > 1 || g->strategy || g->mk.n_mark || g->mk.n_unmark || g->out ||
	     g->lim.category || g->lim.has_max_score))
		return cli_usage_error("plan", "--undo and --history go alone");
	if (g->undo || g->history)
		return EXIT_OK;
	if (g->lim.has_max_score && g->strategy != PLAN_DENOISE)
		return cli_usage_error("plan", "--max-score goes with --denoise");
	if (g->lim.category && !g->strategy)
		return cli_usage_error("plan", "--category goes with --poison or --denoise");
	if (!g->strategy && !g->mk.n_mark && !g->mk.n_unmark)
		return cli_usage_error("plan", "give --poison R, --denoise R, --mark or --unmark");
	return EXIT_OK;
}

/* The plan asked for: fresh (poison / denoise), marked, or both. */
static int make_plan(sf_plan *pl, sf_session *s, const pargs *g, sf_err *e)
{
	const pairs *P = ws_pairs(session_ws(s));
	int manual = g->mk.n_mark || g->mk.n_unmark;
	const sf_scores *sc = NULL;
	const sf_safety *S = NULL;
	if (manual && ws_readonly(session_ws(s)))
		return sf_fail(e, "%s: read-only (%s); the plan cannot change", ws_dir(session_ws(s)),
		               ws_readonly_reason(session_ws(s)));
	if (manual && check_marks(P, &g->mk, e))
		return -1;
	/* Marks carry scores whenever there is an SAE to compute them with. */
	if ((g->strategy || (g->mk.n_mark && session_has_sae(s))) &&
	    (session_scores(s, &sc, e) || session_safety(s, &S, e)))
		return -1;
	if (g->strategy) {
		if (plan_make_limited(pl, P, sc, S, g->strategy, g->ratio, &g->lim,
		                      ws_fingerprint(session_ws(s)), e))
			return -1;
	} else if (base_plan(pl, s, e)) {
		return -1;
	}
	if (manual && (plan_take_sets(pl, g->mk.n_mark ? S : NULL, e) ||
	               apply_marks(pl, P, sc, &g->mk, e))) {
		plan_free(pl);
		return -1;
	}
	return 0;
}

/* Make (or adjust) the plan, keep it as the current plan, print it. */
static int run(pargs *g)
{
	cli_session c;
	sf_err e;
	sf_plan mine;
	const sf_plan *pl = &mine;
	/* the output is checked before anything, the current plan included, is written */
	if (cli_session_open(&c, &g->o, 0, &e) ||
	    (g->out && outpath_check(g->out, session_ws(c.s), NULL, g->force ? NULL : "--force", &e)) ||
	    make_plan(&mine, c.s, g, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	int keep = !ws_readonly(w);
	/* --out opened first: a FIFO nobody reads leaves the current plan as it was */
	atomic_file af = { .f = stdout, .tty = isatty(STDOUT_FILENO) };
	if (g->out && atomic_open_out(&af, g->out, &e)) {
		plan_free(&mine);
		return cli_session_fail(&c, &e);
	}
	/* the plan replaced is kept first (--undo), and hand-made edits it
	 * drops are said */
	const sf_plan *old = NULL;
	size_t old_hand = 0;
	if (keep && session_plan(c.s, &old, &e) == 0 && old && old->strategy == PLAN_MANUAL &&
	    g->strategy)
		old_hand = old->n;
	if (keep && (session_plan_keep(c.s, &e) || session_plan_set(c.s, &mine, &e) ||
	             session_plan(c.s, &pl, &e))) {
		if (g->out)
			atomic_abort(&af);
		return cli_session_fail(&c, &e);
	}
	cli_session_quiet(&c);
	if (g->strategy)
		safety_used_note(c.s);
	int rc = EXIT_OK;
	if (plan_write_stream_ascii(pl, ws_pairs(w), af.f, af.tty, &e)) {
		if (g->out)
			atomic_abort(&af);
		rc = cli_fail("%s%s%s", g->out ? g->out : "", g->out ? ": " : "", e.msg);
	} else if (g->out && atomic_commit(&af, &e)) {
		rc = cli_fail("%s", e.msg);
	}
	if (!rc && old_hand)
		cli_note("the current plan's %zu hand-made %s replaced; `safer plan %s --undo` "
		         "brings them back", old_hand, old_hand == 1 ? "edit was" : "edits were",
		         ws_dir(w));
	if (!rc && !keep)
		cli_note("%s is read-only (%s): the plan is not kept as its current plan", ws_dir(w),
		         ws_readonly_reason(w));
	char cut[40] = "";
	if (g->lim.has_max_score)
		snprintf(cut, sizeof cut, "%g", g->lim.max_score);
	if (!rc && pl->strategy == PLAN_MANUAL)
		cli_say(stderr, "safer: manual: %zu of the train pairs (%zu flips, %zu drops)", pl->n,
		        plan_count(pl, EDIT_FLIP), plan_count(pl, EDIT_DROP));
	else if (!rc)
		cli_say(stderr, "safer: %s %g%s%.200s%s%s: %zu of the train pairs (S+ %d, S- %d "
		        "features; scores over %s)", plan_strategy_name(g->strategy), g->ratio,
		        g->lim.category ? " in category " : "", g->lim.category ? g->lim.category : "",
		        g->lim.has_max_score ? " scoring at most " : "", cut, pl->n, pl->n_plus,
		        pl->n_minus, rows_mode_text(g->o.rows_mode));
	if (!keep)
		plan_free(&mine);
	cli_session_close(&c);
	if (!rc && fflush(stdout))
		rc = cli_fail("cannot write the plan to stdout");
	return rc;
}

/* --history: the kept plans, newest first, one line each. */
static int run_history(pargs *g)
{
	cli_session c;
	sf_err e;
	unsigned long seq[PLANS_KEEP];
	size_t n;
	if (cli_session_open(&c, &g->o, 0, &e) ||
	    plans_list(session_ws(c.s), seq, PLANS_KEEP, &n, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	printf("back\tstrategy\tratio\tedits\tflips\tdrops\tkept\n");
	for (size_t i = 0; i < n && i < PLANS_KEEP; i++) {
		char path[4096], when[32] = "?";
		struct stat sb;
		sf_plan pl;
		if (plans_file(w, seq[i], path, sizeof path, &e) ||
		    plan_read(&pl, ws_pairs(w), path, ws_fingerprint(w), &e))
			return cli_session_fail(&c, &e);
		if (stat(path, &sb) == 0)
			strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&sb.st_mtime));
		printf("%zu\t%s\t%g\t%zu\t%zu\t%zu\t%s\n", i + 1, plan_strategy_name(pl.strategy),
		       pl.ratio, pl.n, plan_count(&pl, EDIT_FLIP), plan_count(&pl, EDIT_DROP), when);
		plan_free(&pl);
	}
	cli_session_close(&c);
	return fflush(stdout) ? cli_fail("cannot write to stdout") : EXIT_OK;
}

/* --undo: the newest kept plan is the current one again. */
static int run_undo(pargs *g)
{
	cli_session c;
	sf_err e;
	size_t left;
	const sf_plan *pl;
	if (cli_session_open(&c, &g->o, 0, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	if (ws_readonly(w)) {
		sf_fail(&e, "%s: read-only (%s); the plan cannot change", ws_dir(w),
		        ws_readonly_reason(w));
		return cli_session_fail(&c, &e);
	}
	int rc = session_plan_undo(c.s, &left, &e);
	if (rc == 1) {
		sf_fail(&e, "%s: no earlier plan kept (WS/plans/ is empty)", ws_dir(w));
		return cli_session_fail(&c, &e);
	}
	if (rc || session_plan(c.s, &pl, &e))
		return cli_session_fail(&c, &e);
	cli_say(stderr, "safer: the earlier plan is back: %s %g, %zu %s (%zu flips, %zu drops); "
	        "%zu more kept", plan_strategy_name(pl->strategy), pl->ratio, pl->n,
	        pl->n == 1 ? "edit" : "edits", plan_count(pl, EDIT_FLIP), plan_count(pl, EDIT_DROP),
	        left);
	cli_session_close(&c);
	return EXIT_OK;
}

int cmd_plan(int argc, char **argv)
{
	pargs g = { 0 };
	copts_default(&g.o);
	int rc = parse_args(&g, argc, argv);
	if (rc == EXIT_OK)
		rc = g.undo ? run_undo(&g) : g.history ? run_history(&g) : run(&g);
	free_marks(&g.mk);
	return rc;
}
