/* safer labels WS: list, export or import feature labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ws/carry_ws.h"
#include "engine/ws/outpath.h"
#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_labels_usage[] =
	"usage: safer labels WS [--export F.json [--force] | --import F.json]\n"
	"                    [--format tsv|json] [--read-only]\n"
	"       safer labels WS --carry-from FINGERPRINT [--min-cosine C]\n"
	"                    [--apply | --accept LIST]\n"
	"\n"
	"Without options, list every label: columns feature name safety note updated.\n"
	"--export writes them as JSON: [{\"feature\": 123, \"name\": \"...\", \"safety\": 5,\n"
	"\"note\": \"...\", \"updated\": \"2026-11-27T21:00:00Z\"}] (safety null when unrated).\n"
	"- is standard output; an existing F.json is replaced only with --force; it\n"
	"may not be in the workspace or one of its inputs.\n"
	"--import reads the same JSON and merges it: each entry replaces that\n"
	"feature's label (- reads standard input). The file is checked whole first;\n"
	"on any error nothing changes.\n"
	"\n"
	"Labels belong to the workspace's SAE. After `safer train` or `safer load-sae`\n"
	"brings another SAE, the next command that reads labels keeps the old ones\n"
	"in WS/labels-<old SAE fingerprint>.msgpack, starts an empty set (or the\n"
	"archived set of the new SAE, when it was used before) and says so once\n"
	"(with --read-only, in memory only).\n"
	"\n"
	"--carry-from FINGERPRINT suggests which labels of that earlier SAE (its\n"
	"labels-FINGERPRINT.msgpack; the weights of a labelled SAE are kept as\n"
	"WS/sae-FINGERPRINT.safetensors when another replaces it) fit features of\n"
	"the workspace's SAE: each labelled old feature goes to the new feature whose\n"
	"decoder direction has the largest cosine with its own, one to one, best\n"
	"first, when that cosine is at least C (--min-cosine, default 0.9). Columns\n"
	"old new cosine name safety status; status is suggested, labelled (the new\n"
	"feature has a label already: never replaced) or carried. Nothing changes\n"
	"until confirmed: --apply carries every suggestion, --accept 3,17,40-45 those\n"
	"of the new features listed; a carried label keeps its name and rating, and\n"
	"its note says where it came from.\n";

static int labels_carry(const copts *o, const char *from, double min_cos, int apply,
                        const char *accept)
{
	cli_session c;
	sf_err e;
	const sf_labels *L;
	if (cli_session_open(&c, o, 0, &e) || session_labels(c.s, &L, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	sf_labels old;
	sf_carry *sug;
	size_t n;
	int *acc = NULL, nacc = 0;
	if (carry_ws_suggest(w, from, min_cos, &old, &sug, &n, &e))
		return cli_session_fail(&c, &e);
	int rc = EXIT_OK;
	if (accept) {
		int pr = opt_feature_list(accept, L->m, &acc, &nacc);
		if (pr) {
			rc = pr == -2 ? cli_fail("--accept: no such feature in '%s' (the SAE has %d)", accept,
			                         L->m)
			              : cli_usage_error("labels", "--accept must be a list like 3,17,40-45");
			goto out;
		}
	}
	if ((apply || accept) && ws_readonly(w)) {
		rc = cli_fail("%s: the workspace is read-only (%s); labels cannot change", o->ws,
		              ws_readonly_reason(w));
		goto out;
	}
	cli_session_quiet(&c);
	static const char *const cols[] = { "old", "new", "cosine", "name", "safety", "status" };
	tout *t = tout_new(stdout, o->fmt, cols, 6);
	size_t carried = 0;
	for (size_t i = 0; i < n; i++) {
		const sf_label *lb = labels_get(&old, sug[i].old_feature);
		const char *status = labels_get(L, sug[i].new_feature) ? "labelled" : "suggested";
		int take = apply;
		for (int q = 0; !take && q < nacc; q++)
			take = acc[q] == sug[i].new_feature;
		if (take && !strcmp(status, "suggested")) {
			char note[LABEL_MAX_TEXT + 1];
			carry_ws_note(note, sizeof note, lb, from, &sug[i]);
			if (session_label_set(c.s, sug[i].new_feature, lb->name, lb->safety, note, &e)) {
				rc = cli_fail("%s", e.msg);
				break;
			}
			status = "carried";
			carried++;
			if (session_labels(c.s, &L, &e)) {
				rc = cli_fail("%s", e.msg);
				break;
			}
		}
		tout_int(t, sug[i].old_feature);
		tout_int(t, sug[i].new_feature);
		tout_num(t, sug[i].cosine);
		tout_str(t, lb->name);
		if (lb->safety > 0)
			tout_int(t, lb->safety);
		else
			tout_null(t);
		tout_str(t, status);
		tout_row_end(t);
	}
	int tr = tout_finish(t);
	if (rc == EXIT_OK)
		rc = tr;
	size_t labelled = 0;
	for (size_t i = 0; i < old.n; i++)
		labelled += old.v[i].name[0] || old.v[i].safety > 0;
	cli_say(stderr, "safer: %zu of the %zu labels of SAE %s match a feature at cosine >= %g%s",
	        n, labelled, from, min_cos, apply || accept ? "" : " (suggestions: --apply or "
	        "--accept LIST carries them)");
	if (apply || accept)
		cli_say(stderr, "safer: carried %zu labels", carried);
out:
	free(acc);
	free(sug);
	labels_free(&old);
	cli_session_close(&c);
	return rc;
}

int cmd_labels(int argc, char **argv)
{
	copts o;
	copts_default(&o);
	const char *exp = NULL, *imp = NULL, *from = NULL, *accept = NULL;
	int force = 0, apply = 0;
	double min_cos = CARRY_MIN_COSINE;
	for (int i = 1; i < argc; i++) {
		int bad = 0, r = opt_shared("labels", &o, OPT_FORMAT | OPT_READONLY, argc, argv, &i);
		const char *v;
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if ((v = opt_value("labels", "--export", argc, argv, &i, &bad))) {
			exp = v;
		} else if (!bad && (v = opt_value("labels", "--import", argc, argv, &i, &bad))) {
			imp = v;
		} else if (!bad && !strcmp(argv[i], "--force")) {
			force = 1;
		} else if (!bad && (v = opt_value("labels", "--carry-from", argc, argv, &i, &bad))) {
			from = v;
		} else if (!bad && (v = opt_value("labels", "--accept", argc, argv, &i, &bad))) {
			accept = v;
		} else if (!bad && (v = opt_value("labels", "--min-cosine", argc, argv, &i, &bad))) {
			if (opt_double_in("labels", "--min-cosine", v, 0, 1, 1, &min_cos))
				return EXIT_USAGE;
		} else if (!bad && !strcmp(argv[i], "--apply")) {
			apply = 1;
		} else if (bad) {
			return EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("labels", "unknown option '%s'", argv[i]);
		} else if (!o.ws) {
			o.ws = argv[i];
		} else {
			return cli_usage_error("labels", "unexpected argument '%s'", argv[i]);
		}
	}
	if (!o.ws)
		return cli_usage_error("labels", "missing workspace");
	if (exp && imp)
		return cli_usage_error("labels", "--export and --import exclude each other");
	if (force && !exp)
		return cli_usage_error("labels", "--force goes with --export");
	if ((apply || accept) && !from)
		return cli_usage_error("labels", "--apply and --accept go with --carry-from");
	if (apply && accept)
		return cli_usage_error("labels", "--apply and --accept exclude each other");
	if (from && (exp || imp))
		return cli_usage_error("labels", "--carry-from goes without --export and --import");
	if (from)
		return labels_carry(&o, from, min_cos, apply, accept);
	cli_session c;
	sf_err e;
	const sf_labels *L;
	if (cli_session_open(&c, &o, 0, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	if (exp && outpath_check(exp, w, NULL, force ? NULL : "--force", &e))
		return cli_session_fail(&c, &e);
	if (imp && ws_readonly(w)) {
		int rc = cli_fail("%s: the workspace is read-only (%s); labels cannot change", o.ws,
		                  ws_readonly_reason(w));
		cli_session_close(&c);
		return rc;
	}
	size_t n = 0;
	if ((imp && session_labels_import(c.s, imp, &n, &e)) || session_labels(c.s, &L, &e))
		return cli_session_fail(&c, &e);
	cli_session_quiet(&c);
	int rc = EXIT_OK;
	if (imp) {
		cli_say(stderr, "safer: imported %zu labels (%zu in the workspace)", n, L->n);
	} else if (exp) {
		if (labels_export_json(L, exp, &e))
			rc = cli_fail("%s", e.msg);
	} else {
		static const char *const cols[] = { "feature", "name", "safety", "note", "updated" };
		tout *t = tout_new(stdout, o.fmt, cols, 5);
		for (size_t i = 0; i < L->n; i++)
			label_row(t, &L->v[i], L->v[i].feature);
		rc = tout_finish(t);
	}
	cli_session_close(&c);
	return rc;
}
