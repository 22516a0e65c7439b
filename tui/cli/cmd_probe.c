/* safer probe WS: one text against the live reward model, through a probe
 * server (safer-serve), encoded with the workspace's SAE. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/infile.h"
#include "engine/base/textsafe.h"
#include "engine/probe/client.h"
#include "engine/probe/record.h"
#include "engine/probe/result.h"
#include "engine/ws/probes_ws.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_probe_usage[] =
	"usage: safer probe WS [--url URL] (--prompt P | --pair I) (--response R |\n"
	"                   --response-file F | --pair I --side chosen|rejected)\n"
	"                   [--token-env VAR] [--timeout S] [--top N] [--save NAME]\n"
	"                   [--rows sentence|all] [--ratings human|judge|both]\n"
	"                   [--format tsv|json] [--read-only]\n"
	"\n"
	"Send a prompt and a response to a probe server (safer-serve, or any server\n"
	"that speaks the probe protocol of doc/formats.md) and show what the\n"
	"workspace's SAE sees in the response: the server runs the reward model and\n"
	"returns the response's rows at its layer; they are encoded with the SAE\n"
	"exactly as the workspace's rows are. Columns:\n"
	"  feature total max rows label\n"
	"one line per feature active on some row of the response (all its rows),\n"
	"by total positive activation, largest first. A line on stderr gives the\n"
	"response's safety score a(resp) of safer-method.md §6 under the current\n"
	"safety sets (over the rows in use, --rows) and the model's reward when the\n"
	"server gives one. --format json prints one object: features, score,\n"
	"reward and the per-token rows (token text, sentence end, its top --top\n"
	"features, default 5).\n"
	"\n"
	"--pair I starts from pair I's text: its prompt, and with --side its chosen\n"
	"or rejected response; --prompt, --response or --response-file replace a\n"
	"part of it (a counterfactual). --response-file - reads standard input\n"
	"(at most 1 MB). URL is the server's base, e.g. http://127.0.0.1:8765;\n"
	"without --url the one the explorer's :probe kept in WS is used. The\n"
	"server's d and layer must be the workspace's (refused naming both). A\n"
	"bearer token is read from the environment variable VAR (default\n"
	"SAFER_PROBE_TOKEN) when set. --timeout S seconds (default 60); replies\n"
	"are bounded (256 MB); nothing is retried.\n"
	"\n"
	"--save NAME keeps the probe (texts and result) as WS/probes/NAME.json, to\n"
	"be listed and shown by `safer probes`.\n";

enum { TEXT_MAX = 1 << 20 };

/* The text of F ("-": stdin), at most TEXT_MAX bytes; NULL after a message. */
static char *read_text(const char *path)
{
	sf_err e;
	FILE *f = strcmp(path, "-") ? infile_fopen(path, NULL, &e) : stdin;
	if (!f) {
		cli_fail("%s", e.msg);
		return NULL;
	}
	char *buf = malloc(TEXT_MAX + 1);
	size_t n = buf ? fread(buf, 1, TEXT_MAX + 1, f) : 0;
	int err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!buf || err || n > TEXT_MAX || memchr(buf, 0, n)) {
		cli_fail("%s: %s", path, !buf ? "out of memory" : err ? "cannot read"
		         : n > TEXT_MAX ? "larger than 1 MB" : "holds a NUL byte");
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

static void print_features(const probe_result *res, const sf_labels *L, int fmt, int *rc)
{
	static const char *const cols[] = { "feature", "total", "max", "rows", "label" };
	tout *t = tout_new(stdout, fmt, cols, 5);
	for (int i = 0; i < res->n_feat; i++) {
		const probe_feature *f = &res->feat[i];
		const sf_label *lb = L ? labels_get(L, f->feature) : NULL;
		tout_int(t, f->feature);
		tout_num(t, f->total);
		tout_num(t, f->max);
		tout_int(t, f->rows);
		tout_str(t, lb ? lb->name : "");
		tout_row_end(t);
	}
	*rc = tout_finish(t);
}

typedef struct probe_args {
	const char *url, *prompt, *response, *file, *tokvar, *save;
	long pair, side, top;
	double timeout;
} probe_args;

static int parse(int argc, char **argv, copts *o, probe_args *a)
{
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("probe", o, OPT_ANALYSIS, argc, argv, &i), bad = 0;
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("probe", "--url", argc, argv, &i, &bad))) {
			a->url = v;
		} else if (!bad && (v = opt_value("probe", "--prompt", argc, argv, &i, &bad))) {
			a->prompt = v;
		} else if (!bad && (v = opt_value("probe", "--response", argc, argv, &i, &bad))) {
			a->response = v;
		} else if (!bad && (v = opt_value("probe", "--response-file", argc, argv, &i, &bad))) {
			a->file = v;
		} else if (!bad && (v = opt_value("probe", "--token-env", argc, argv, &i, &bad))) {
			a->tokvar = v;
		} else if (!bad && (v = opt_value("probe", "--save", argc, argv, &i, &bad))) {
			a->save = v;
		} else if (!bad && (v = opt_value("probe", "--pair", argc, argv, &i, &bad))) {
			if (opt_long_in("probe", "--pair", v, 0, 1L << 40, &a->pair))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("probe", "--top", argc, argv, &i, &bad))) {
			if (opt_long_in("probe", "--top", v, 0, 1000, &a->top))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("probe", "--timeout", argc, argv, &i, &bad))) {
			if (opt_double_in("probe", "--timeout", v, 0, 1, 86400, &a->timeout))
				return EXIT_USAGE;
		} else if (!bad && (v = opt_value("probe", "--side", argc, argv, &i, &bad))) {
			if (!strcmp(v, "chosen"))
				a->side = SIDE_CHOSEN;
			else if (!strcmp(v, "rejected"))
				a->side = SIDE_REJECTED;
			else
				return cli_usage_error("probe", "--side must be chosen or rejected");
		} else if (bad) {
			return EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("probe", "unknown option '%s'", argv[i]);
		} else if (!o->ws) {
			o->ws = argv[i];
		} else {
			return cli_usage_error("probe", "unexpected argument '%s'", argv[i]);
		}
	}
	sf_err e;
	if (!o->ws)
		return cli_usage_error("probe", "need a workspace");
	if (a->response && a->file)
		return cli_usage_error("probe", "--response and --response-file exclude each other");
	if (!a->prompt && a->pair < 0)
		return cli_usage_error("probe", "need --prompt P or --pair I");
	if (!a->response && !a->file && (a->pair < 0 || !a->side))
		return cli_usage_error("probe", "need --response R, --response-file F or --pair I "
		                       "--side chosen|rejected");
	if (a->side && a->pair < 0)
		return cli_usage_error("probe", "--side goes with --pair");
	if (a->url && probe_check_url(a->url, &e))
		return cli_usage_error("probe", "%s", e.msg);
	if (a->save && probes_ws_name_check(a->save, &e))
		return cli_usage_error("probe", "--save: %s", e.msg);
	if (!a->tokvar[0] || strchr(a->tokvar, '='))
		return cli_usage_error("probe", "--token-env must name an environment variable");
	const char *tok = getenv(a->tokvar);
	for (const char *k = tok; k && *k; k++)
		if (*k <= ' ' || *k == 0x7f || (unsigned char)*k >= 0x80)
			return cli_usage_error("probe", "the token in $%s holds a character an HTTP "
			                       "header cannot carry", a->tokvar);
	return 0;
}

/* Prompt and response from the options and the pair (malloc'd each). */
static int texts(const probe_args *a, ws *w, char **prompt, char **response)
{
	*prompt = *response = NULL;
	pair_rec rec;
	sf_err e;
	int have = 0;
	if (a->pair >= 0) {
		const pairs *P = ws_pairs(w);
		if ((size_t)a->pair >= P->n)
			return cli_fail("no pair %ld (the workspace has %zu: 0-%zu)", a->pair, P->n,
			                P->n - 1);
		if (pairs_get(P, (size_t)a->pair, &rec, &e))
			return cli_fail("%s", e.msg);
		have = 1;
	}
	*prompt = strdup(a->prompt ? a->prompt : rec.prompt);
	if (a->file)
		*response = read_text(a->file);
	else
		*response = strdup(a->response ? a->response
		                   : a->side == SIDE_CHOSEN ? rec.chosen : rec.rejected);
	if (have)
		pair_rec_free(&rec);
	if (!*prompt || !*response) {
		free(*prompt);
		free(*response);
		return a->file && *prompt && !*response ? EXIT_FAIL : cli_fail("out of memory");
	}
	return 0;
}

static int save(ws *w, const char *name, json_t *rec)
{
	char *text = json_dumps(rec, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	sf_err e;
	if (!text)
		return cli_fail("out of memory");
	int rc = probes_ws_save(w, name, text, &e);
	free(text);
	if (rc)
		return cli_fail("%s", e.msg);
	cli_say(stderr, "saved probe %s in %s/probes", name, ws_dir(w));
	return 0;
}

int cmd_probe(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	probe_args a = { .pair = -1, .top = 5, .timeout = 60, .tokvar = "SAFER_PROBE_TOKEN" };
	int rc = parse(argc, argv, &o, &a);
	if (rc)
		return rc;
	cli_session c;
	sf_err e;
	const sae *s;
	const sf_safety *S;
	const sf_labels *L;
	if (cli_session_open(&c, &o, 0, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	char kept[2100];
	const char *url = a.url ? a.url : probes_ws_url_get(w, kept, sizeof kept) ? kept : NULL;
	if (!url) {
		cli_session_close(&c);
		return cli_usage_error("probe", "need --url URL (the probe server, e.g. safer-serve's "
		                       "http://127.0.0.1:8765)");
	}
	if (a.save && ws_readonly(w)) {
		rc = cli_fail("%s: the workspace is read-only (%s); --save cannot keep the probe", o.ws,
		              ws_readonly_reason(w));
		cli_session_close(&c);
		return rc;
	}
	char *prompt, *response;
	if ((rc = texts(&a, w, &prompt, &response))) {
		cli_session_close(&c);
		return rc;
	}
	if (session_sae(c.s, &s, &e) || session_safety(c.s, &S, &e) || session_labels(c.s, &L, &e)) {
		free(prompt);
		free(response);
		return cli_session_fail(&c, &e);
	}
	cli_session_quiet(&c);
	probe_conn pc;
	probe_conn_default(&pc);
	pc.url = url;
	pc.token = getenv(a.tokvar);
	pc.timeout = a.timeout;
	probe_rows rows;
	probe_result res;
	if (probe_fetch_rows(&pc, prompt, response, &rows, &e)) {
		free(prompt);
		free(response);
		return cli_session_fail(&c, &e);
	}
	if (probes_ws_check(w, s, &rows, url, &e) ||
	    probe_result_compute(&res, s, &rows, S, o.rows_mode, &e)) {
		probe_rows_free(&rows);
		free(prompt);
		free(response);
		return cli_session_fail(&c, &e);
	}
	char fp[17];
	sae_fingerprint(s, fp);
	probe_record_in in = { .rows = &rows, .res = &res, .L = L, .tokens = 1, .top = (int)a.top,
		               .prompt = prompt, .response = response, .url = url, .sae = fp,
		               .rows_mode = o.rows_mode == ROWS_ALL ? "all" : "sentence",
		               .fallback = S->fallback };
	json_t *rec = NULL;
	if (o.fmt == FMT_JSON || a.save) {
		in.name = a.save;
		if (!(rec = probe_record(&in)))
			rc = cli_fail("out of memory");
	}
	if (!rc && o.fmt == FMT_JSON) {
		json_t *out = json_deep_copy(rec);
		json_object_del(out, "name");
		json_object_del(out, "saved");
		char *text = out ? json_dumps(out, JSON_ENSURE_ASCII | JSON_COMPACT) : NULL;
		json_decref(out);
		if (!text || textsafe_put_json(stdout, text) == EOF || fputc('\n', stdout) == EOF ||
		    fflush(stdout))
			rc = cli_fail("cannot write the output");
		free(text);
	} else if (!rc) {
		print_features(&res, L, o.fmt, &rc);
	}
	if (!rc) {
		char rw[64] = "none";
		if (isfinite(rows.reward))
			snprintf(rw, sizeof rw, "%.9g", rows.reward);
		cli_note("a(resp) %.9g over %d%s rows (S+ %d, S- %d features); reward %s; %zu tokens",
		         res.score, res.score_rows, o.rows_mode == ROWS_ALL ? "" : " sentence-end",
		         S->n_plus, S->n_minus, rw, rows.n);
	}
	if (!rc && a.save)
		rc = save(w, a.save, rec);
	json_decref(rec);
	probe_result_free(&res);
	probe_rows_free(&rows);
	free(prompt);
	free(response);
	cli_session_close(&c);
	return rc;
}
