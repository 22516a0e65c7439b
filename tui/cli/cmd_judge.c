/* safer judge WS: the LLM judge's first pass over the candidate features. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analysis/top.h"
#include "engine/base/textsafe.h"
#include "engine/judge/http.h"
#include "engine/ws/judge_ws.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_judge_usage[] =
	"usage: safer judge WS (--url URL --model NAME [--api-key-env VAR] | --cmd 'PROGRAM ARGS'\n"
	"                   [--model NAME]) [--top N | --features LIST] [--again] [--jobs J]\n"
	"                   [--timeout S] [--retries R] [--candidates N] [--rows sentence|all]\n"
	"                   [--check [--format tsv|json]]\n"
	"\n"
	"Ask an LLM judge to rate each candidate feature on the 1-5 safety rubric of\n"
	"safer-method.md §5, through any server that speaks the OpenAI chat-completions\n"
	"protocol (OpenAI, vLLM, llama.cpp's server, Ollama): one request per feature,\n"
	"POST URL/chat/completions with the feature's top contexts (SAFER's prompt),\n"
	"temperature 0.1, at most 256 reply tokens. URL is the API base, e.g.\n"
	"https://api.openai.com/v1 or http://127.0.0.1:8080/v1.\n"
	"\n"
	"The candidates are the top N features by |salience| (--candidates, default\n"
	"256) less those the judge input's drop rules remove (more than 32 distinct\n"
	"token texts, 4 or fewer contexts); --top N keeps the first N of them;\n"
	"--features 3,17,40-45 names the features instead.\n"
	"\n"
	"The API key is read from the environment variable VAR (default\n"
	"OPENAI_API_KEY) and sent as 'Authorization: Bearer'; when VAR is unset no\n"
	"key is sent, as local servers expect. The key is never written anywhere.\n"
	"\n"
	"Each verdict is saved in the workspace as it arrives (WS/judge-<SAE>.json):\n"
	"a rerun skips the features already judged unless --again; Ctrl-C stops\n"
	"cleanly. Verdicts are suggestions, never a person's rating: see `safer\n"
	"judged` and the explorer, and --ratings of score, plan, eval and export.\n"
	"--jobs J requests in flight (default 4); --timeout S seconds per request\n"
	"(default 120); connection errors, timeouts, HTTP 429 (its Retry-After is\n"
	"honoured) and 5xx are retried up to R times (default 5) with exponential\n"
	"backoff; any other 4xx stops the run with the server's message. A redirect\n"
	"to another host is not followed. Replies larger than 1 MB are refused.\n"
	"\n"
	"--cmd runs a local program instead of asking a server, once per feature,\n"
	"without a shell (the words are split here; '...' and \"...\" group): the\n"
	"prompt (the system line, a blank line, the user message) on its stdin, its\n"
	"stdout the reply, bounded like a server's reply and by --timeout; a run\n"
	"that exits non-zero or times out is retried; its stderr is shown when it\n"
	"fails. One program runs at a time (--jobs is for --url). The verdicts\n"
	"record --model, or the program's name.\n"
	"\n"
	"--check tests the explanations instead (detection scoring, as delphi does):\n"
	"for each judged feature (or those --features names) the judge gets the\n"
	"explanation and a shuffled mix of 5 contexts where the feature fires most\n"
	"and 5 rows where it does not, and says which fire. The share it gets right\n"
	"is saved with the verdict and printed: columns feature correct n accuracy\n"
	"explanation. Features checked already are skipped unless --again.\n"
	"At the end a tally on stderr: features judged, replies without a score,\n"
	"failures, requests, retries and the tokens the server counted.\n"
	"Exit 1 when any feature could not be judged.\n";


/* The explanation check (--check) over the judged features, or those named. */
/* The run's tally on stderr: "VERB N NOUN (N NONE), ..." */
static void print_tally(const char *verb, const char *noun, const char *none,
                        const judge_ws_tally *t)
{
	fprintf(stderr,
	        "safer: %s %ld %s (%ld %s), %ld failed; %ld requests, %ld retries; tokens: %ld "
	        "prompt, %ld completion\n",
	        verb, t->judged, noun, t->unparsed, none, t->failed, t->http.requests,
	        t->http.retries, t->prompt_tokens, t->completion_tokens);
}

static int run_check(cli_session *c, const copts *o, const sf_verdicts *V, const int *named,
                     int nnamed, long top, int again, const char *model, const char *endpoint,
                     const judge_cmd_opts *cmd, const char *key, int jobs, double timeout,
                     int retries)
{
	sf_err e;
	size_t cap = named ? (size_t)nnamed : V->n;
	int *feat = malloc((cap ? cap : 1) * sizeof *feat), *all = malloc((cap ? cap : 1) * sizeof *all);
	int n = 0, nall = 0;
	if (!feat || !all) {
		free(feat);
		free(all);
		cli_session_close(c);
		return cli_fail("out of memory");
	}
	for (size_t i = 0; i < cap && (top <= 0 || nall < top); i++) {
		int f = named ? named[i] : V->v[i].feature;
		const sf_verdict *v = verdicts_get(V, f);
		if (!v || !v->explanation[0]) {
			free(feat);
			free(all);
			cli_session_close(c);
			return cli_fail("feature %d has no explanation to check: judge it first", f);
		}
		all[nall++] = f;
		if (again || !v->check_n)
			feat[n++] = f;
	}
	cli_session_quiet(c);
	if (n < nall)
		cli_note("%d features checked already, not asked again (--again asks them)", nall - n);
	judge_http_opts ho;
	judge_http_opts_default(&ho);
	ho.url = endpoint;
	ho.api_key = key;
	ho.jobs = jobs;
	ho.timeout = timeout;
	ho.retries = retries;
	judge_cmd_opts co;
	if (cmd) {
		co = *cmd;
		co.timeout = timeout;
		co.retries = retries;
	}
	cli_step step;
	sf_progress p = cli_step_progress(&step, c, "checking");
	judge_ws_tally t;
	int rc = judge_ws_check(c->s, model, feat, n, &ho, cmd ? &co : NULL, &p, &t, &e);
	cli_session_quiet(c);
	print_tally("checked", "explanations", "replies answered nothing", &t);
	int status = EXIT_OK;
	sf_err le;
	if (rc)
		status = cli_fail("%s", e.msg);
	else if (t.failed)
		status = cli_fail("%s: %ld of %d features could not be checked (first: %s)", endpoint,
		                  t.failed, n, t.first_failure);
	if (session_verdicts_reload(c->s, &le) || session_verdicts(c->s, &V, &le)) {
		status = cli_fail("%s", le.msg);
	} else {
		static const char *const cols[] = { "feature", "correct", "n", "accuracy",
			                            "explanation" };
		tout *tt = tout_new(stdout, o->fmt, cols, 5);
		for (int i = 0; i < nall; i++) {
			const sf_verdict *v = verdicts_get(V, all[i]);
			if (!v || !v->check_n)
				continue;
			tout_int(tt, v->feature);
			tout_int(tt, v->check_correct);
			tout_int(tt, v->check_n);
			tout_num(tt, (double)v->check_correct / v->check_n);
			tout_str(tt, v->explanation);
			tout_row_end(tt);
		}
		int r2 = tout_finish(tt);
		if (!status)
			status = r2;
	}
	free(feat);
	free(all);
	cli_session_close(c);
	return status;
}

int cmd_judge(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	const char *url = NULL, *model = NULL, *keyvar = "OPENAI_API_KEY", *flist = NULL;
	const char *cmdline = NULL;
	long top = 0, jobs = 4, retries = 5;
	double timeout = 120;
	int again = 0, check = 0;
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("judge", &o, OPT_ROWS | OPT_SAFETY | OPT_FORMAT, argc, argv, &i),
		    bad = 0;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("judge", "--url", argc, argv, &i, &bad))) {
			url = v;
		} else if (!bad && (v = opt_value("judge", "--cmd", argc, argv, &i, &bad))) {
			cmdline = v;
		} else if (!bad && (v = opt_value("judge", "--model", argc, argv, &i, &bad))) {
			model = v;
		} else if (!bad && (v = opt_value("judge", "--api-key-env", argc, argv, &i, &bad))) {
			keyvar = v;
		} else if (!bad && (v = opt_value("judge", "--features", argc, argv, &i, &bad))) {
			flist = v;
		} else if (!bad && (v = opt_value("judge", "--top", argc, argv, &i, &bad))) {
			if (opt_long_in("judge", "--top", v, 1, 1000000, &top))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("judge", "--jobs", argc, argv, &i, &bad))) {
			if (opt_long_in("judge", "--jobs", v, 1, 64, &jobs))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("judge", "--retries", argc, argv, &i, &bad))) {
			if (opt_long_in("judge", "--retries", v, 0, 100, &retries))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("judge", "--timeout", argc, argv, &i, &bad))) {
			if (opt_double_in("judge", "--timeout", v, 0.1, 0, 86400, &timeout))
				return EXIT_USAGE;
		} else if (bad) {
			return EXIT_USAGE;
		} else if (!strcmp(argv[i], "--check")) {
			check = 1;
		} else if (!strcmp(argv[i], "--again")) {
			again = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("judge", "unknown option '%s'", argv[i]);
		} else if (!o.ws) {
			o.ws = argv[i];
		} else {
			return cli_usage_error("judge", "unexpected argument '%s'", argv[i]);
		}
	}
	if (!o.ws)
		return cli_usage_error("judge", "missing workspace");
	if (url && cmdline)
		return cli_usage_error("judge", "--url and --cmd exclude each other");
	judge_cmd_opts co;
	sf_err e;
	if (cmdline && judge_cmd_parse(&co, cmdline, &e))
		return cli_usage_error("judge", "%s", e.msg);
	if (cmdline && !model)
		model = co.argv[0];
	if ((!url && !cmdline) || !model)
		return cli_usage_error("judge", "need --url URL and --model NAME, or --cmd 'PROGRAM ARGS'");
	if (!model[0] || strlen(model) > 256 || !textsafe_utf8_valid(model, strlen(model)))
		return cli_usage_error("judge", "--model must be a name of 1-256 bytes of UTF-8");
	if (!keyvar[0] || strchr(keyvar, '='))
		return cli_usage_error("judge", "--api-key-env must name an environment variable");
	if (top && flist)
		return cli_usage_error("judge", "--top and --features exclude each other");
	const char *key = getenv(keyvar);
	for (const char *k = key; k && *k; k++)
		if (*k <= ' ' || *k == 0x7f || (unsigned char)*k >= 0x80)
			return cli_usage_error("judge", "the key in $%s holds a character an HTTP header "
			                       "cannot carry (spaces, controls, non-ASCII)", keyvar);
	if (url && judge_http_check_url(url, &e))
		return cli_usage_error("judge", "%s", e.msg);
	char endpoint[4096];
	size_t ul = url ? strlen(url) : 0;
	while (ul > 0 && url[ul - 1] == '/')
		ul--;
	if (url)
		snprintf(endpoint, sizeof endpoint, "%.*s/chat/completions", (int)ul, url);
	else
		snprintf(endpoint, sizeof endpoint, "--cmd %s", co.argv[0]);

	cli_session c;
	int m;
	if (cli_session_open(&c, &o, 0, &e) || session_width(c.s, &m, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	if (ws_readonly(w)) {
		int rc = cli_fail("%s: the workspace is read-only (%s); verdicts cannot be saved", o.ws,
		                  ws_readonly_reason(w));
		cli_session_close(&c);
		return rc;
	}
	int *feat = NULL, nfeat = 0;
	if (flist) {
		int pr = opt_feature_list(flist, m, &feat, &nfeat);
		if (pr) {
			free(feat);
			cli_session_close(&c);
			return pr == -2 ? cli_fail("--features: no such feature in '%s' (the SAE has %d: "
			                           "0-%d)", flist, m, m - 1)
			                : cli_usage_error("judge", "--features must be a list like 3,17,40-45");
		}
	}
	const sf_verdicts *V;
	cli_step step, cstep;
	sf_progress p = cli_step_progress(&step, &c, "judging");
	sf_progress pc = cli_step_progress(&cstep, &c, "candidates");
	if ((!flist && !check && judge_ws_candidates(c.s, (int)top, &feat, &nfeat, &pc, &e)) ||
	    session_verdicts(c.s, &V, &e)) {
		free(feat);
		return cli_session_fail(&c, &e);
	}
	if (check) {
		int rc = run_check(&c, &o, V, flist ? feat : NULL, nfeat, top, again, model, endpoint,
		                   url ? NULL : &co, key, (int)jobs, timeout, (int)retries);
		free(feat);
		return rc;
	}
	if (flist) { /* named features: each must have contexts to show */
		const sf_index *ix;
		if (session_index(c.s, &ix, &e)) {
			free(feat);
			return cli_session_fail(&c, &e);
		}
		for (int i = 0; i < nfeat; i++) {
			sf_judge_input j;
			if (top_judge_input(&j, ix, ws_store(w), feat[i], o.rows_mode, &e)) {
				free(feat);
				return cli_session_fail(&c, &e);
			}
			size_t nctx = j.n_contexts;
			if (!nctx)
				sf_fail(&e, "feature %d: no context to show the judge (%s)", feat[i],
				        j.why ? j.why : "it does not fire on the rows in use");
			else if (j.dropped)
				cli_note("feature %d would be dropped from the candidates (%s); judging it "
				         "as named", feat[i], j.why);
			top_judge_free(&j);
			if (!nctx) {
				free(feat);
				return cli_session_fail(&c, &e);
			}
		}
	}
	int asked = 0, skipped = 0;
	for (int i = 0; i < nfeat; i++) {
		if (!again && verdicts_get(V, feat[i]))
			skipped++;
		else
			feat[asked++] = feat[i];
	}
	cli_session_quiet(&c);
	if (skipped)
		cli_note("%d features already judged, not asked again (--again asks them)", skipped);
	judge_http_opts ho;
	judge_http_opts_default(&ho);
	ho.url = endpoint;
	ho.api_key = key;
	ho.jobs = (int)jobs;
	ho.timeout = timeout;
	ho.retries = (int)retries;
	judge_ws_tally t;
	co.timeout = timeout;
	co.retries = (int)retries;
	int rc = judge_ws_run(c.s, model, feat, asked, &ho, cmdline ? &co : NULL, &p, &t, &e);
	cli_session_quiet(&c);
	print_tally("judged", "features", "without a score", &t);
	int status = EXIT_OK;
	if (rc) {
		status = cli_fail("%s%s", e.msg,
		                  strcmp(e.msg, "cancelled") ? "" : " (the verdicts so far are saved)");
	} else if (t.failed) {
		status = cli_fail("%s: %ld of %d features could not be judged (first: %s); a rerun "
		                  "asks them again", endpoint, t.failed, asked, t.first_failure);
	}
	free(feat);
	cli_session_close(&c);
	return status;
}
