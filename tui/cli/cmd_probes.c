/* safer probes WS [NAME]: the probes saved in a workspace. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/textsafe.h"
#include "engine/ws/probes_ws.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"
#include "tui/cli/options.h"

const char cmd_probes_usage[] =
	"usage: safer probes WS [NAME] [--format tsv|json]\n"
	"\n"
	"The probes saved with `safer probe --save NAME` or the explorer's Probe\n"
	"screen (WS/probes/NAME.json). Without NAME, one line per probe, by name:\n"
	"  name saved score reward tokens prompt response\n"
	"(score is a(resp) when it was saved; reward empty when the server gave\n"
	"none). With NAME, that probe's features, as `safer probe` printed them:\n"
	"  feature total max rows label\n"
	"and with --format json its whole record (texts, features, score, reward,\n"
	"per-token rows; doc/formats.md).\n";

/* Probe NAME's record, checked to be an object; NULL after a message. */
static json_t *load(ws *w, const char *name)
{
	sf_err e;
	size_t len;
	char *text = probes_ws_read(w, name, &len, &e);
	if (!text) {
		cli_fail("%s", e.msg);
		return NULL;
	}
	json_error_t je;
	json_t *o = json_loadb(text, len, 0, &je);
	free(text);
	if (!json_is_object(o) || !json_is_array(json_object_get(o, "features"))) {
		json_decref(o);
		cli_fail("%s/probes/%s.json: not a saved probe (%s)", ws_dir(w), name,
		         o ? "no \"features\" array" : je.text);
		return NULL;
	}
	return o;
}

static void put_num(tout *t, json_t *v)
{
	if (json_is_number(v))
		tout_num(t, json_number_value(v));
	else
		tout_null(t);
}

static const char *str_of(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int list(ws *w, int fmt)
{
	sf_err e;
	char **names;
	size_t n;
	if (probes_ws_list(w, &names, &n, &e))
		return cli_fail("%s", e.msg);
	static const char *const cols[] = { "name", "saved", "score", "reward", "tokens", "prompt",
		                            "response" };
	tout *t = tout_new(stdout, fmt, cols, 7);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		json_t *o = load(w, names[i]);
		if (!o) {
			rc = EXIT_FAIL;
			break;
		}
		tout_str(t, names[i]);
		tout_str(t, str_of(o, "saved"));
		put_num(t, json_object_get(o, "score"));
		put_num(t, json_object_get(o, "reward"));
		json_t *tk = json_object_get(o, "tokens");
		if (json_is_array(tk))
			tout_int(t, (long long)json_array_size(tk));
		else
			tout_null(t);
		tout_str(t, str_of(o, "prompt"));
		tout_str(t, str_of(o, "response"));
		tout_row_end(t);
		json_decref(o);
	}
	int rc2 = tout_finish(t);
	probes_ws_list_free(names, n);
	return rc ? rc : rc2;
}

static int show(ws *w, const char *name, int fmt)
{
	json_t *o = load(w, name);
	if (!o)
		return EXIT_FAIL;
	int rc = 0;
	if (fmt == FMT_JSON) {
		char *text = json_dumps(o, JSON_ENSURE_ASCII | JSON_COMPACT);
		if (!text || textsafe_put_json(stdout, text) == EOF || fputc('\n', stdout) == EOF ||
		    fflush(stdout))
			rc = cli_fail("cannot write the output");
		free(text);
	} else {
		static const char *const cols[] = { "feature", "total", "max", "rows", "label" };
		tout *t = tout_new(stdout, fmt, cols, 5);
		json_t *f;
		size_t i;
		json_array_foreach(json_object_get(o, "features"), i, f) {
			put_num(t, json_object_get(f, "feature"));
			put_num(t, json_object_get(f, "total"));
			put_num(t, json_object_get(f, "max"));
			put_num(t, json_object_get(f, "rows"));
			tout_str(t, str_of(f, "label"));
			tout_row_end(t);
		}
		rc = tout_finish(t);
	}
	json_decref(o);
	return rc;
}

int cmd_probes(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	const char *name = NULL;
	for (int i = 1; i < argc; i++) {
		int r = opt_shared("probes", &o, OPT_FORMAT, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("probes", "unknown option '%s'", argv[i]);
		else if (!o.ws)
			o.ws = argv[i];
		else if (!name)
			name = argv[i];
		else
			return cli_usage_error("probes", "unexpected argument '%s'", argv[i]);
	}
	sf_err e;
	if (!o.ws)
		return cli_usage_error("probes", "need a workspace");
	if (name && probes_ws_name_check(name, &e))
		return cli_usage_error("probes", "NAME: %s", e.msg);
	ws *w;
	if (ws_open(&w, o.ws, WS_READONLY, &e))
		return cli_fail("%s", e.msg);
	int rc = name ? show(w, name, o.fmt) : list(w, o.fmt);
	ws_close(w);
	return rc;
}
