/* safer info WS [--format tsv|json]: one key/value row per fact. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/cli/analysis_cli.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"

const char cmd_info_usage[] =
	"usage: safer info WS [--format tsv|json]\n"
	"\n"
	"Describe a workspace as a table with columns `key value`:\n"
	"  workspace, pairs_file, acts_file, fingerprint\n"
	"  pairs, pairs.train, pairs.test, and per category\n"
	"    category.NAME.train, category.NAME.test (NAME \"\" when unset)\n"
	"  pairs.without_rows: pairs with no activation rows for a response (they\n"
	"    score 0 and eval leaves them out; stderr names the first few)\n"
	"  rows, rows.prompt, rows.chosen, rows.rejected, rows.sentence_end\n"
	"  d, dtype, and from the activation file's metadata: format, model,\n"
	"    layer, hook, d_model, dataset (empty when absent)\n"
	"  sae: yes when the workspace has an SAE the other commands can use (when\n"
	"    its files are there but it cannot be used, stderr says why)\n"
	"  latents: yes when the rows are encoded with that SAE (otherwise the\n"
	"    first command that needs them encodes them)\n"
	"An SAE fits this workspace when its input width is d and it was trained on\n"
	"the same model, layer and hook.\n";

static void kv_str(tout *t, const char *k, const char *v)
{
	tout_str(t, k);
	tout_str(t, v);
	tout_row_end(t);
}

static void kv_int(tout *t, const char *k, long long v)
{
	tout_str(t, k);
	tout_int(t, v);
	tout_row_end(t);
}

static void pairs_rows(tout *t, const pairs *p)
{
	size_t split[2] = {0, 0};
	for (size_t i = 0; i < p->n; i++)
		split[pairs_split(p, i) == SPLIT_TEST]++;
	kv_int(t, "pairs", (long long)p->n);
	kv_int(t, "pairs.train", (long long)split[0]);
	kv_int(t, "pairs.test", (long long)split[1]);
	const char **names;
	size_t nc = pairs_categories(p, &names);
	size_t *cnt = names ? pairs_category_split_counts(p, nc) : NULL;
	if (!names || !cnt) {
		free(names);
		free(cnt);
		return;
	}
	for (size_t j = 0; j < nc; j++) {
		for (int sp = 0; sp < 2; sp++) {
			size_t len = strlen(names[j]) + 16;
			char *k = malloc(len);
			if (!k)
				break;
			snprintf(k, len, "category.%s.%s", names[j], sp ? "test" : "train");
			kv_int(t, k, (long long)cnt[2 * j + sp]);
			free(k);
		}
	}
	free(names);
	free(cnt);
}

static void store_rows(tout *t, const store *s)
{
	size_t n = store_nrows(s), side[SIDE_COUNT], sent;
	store_count_rows(s, side, &sent);
	kv_int(t, "rows", (long long)n);
	kv_int(t, "rows.prompt", (long long)side[SIDE_PROMPT]);
	kv_int(t, "rows.chosen", (long long)side[SIDE_CHOSEN]);
	kv_int(t, "rows.rejected", (long long)side[SIDE_REJECTED]);
	kv_int(t, "rows.sentence_end", (long long)sent);
	kv_int(t, "d", store_dim(s));
	kv_str(t, "dtype", store_dtype_name(s));
	static const char *meta[] = {"format", "model", "layer", "hook", "d_model", "dataset"};
	for (size_t i = 0; i < sizeof meta / sizeof *meta; i++)
		kv_str(t, meta[i], store_meta(s, meta[i]) ? store_meta(s, meta[i]) : "");
}

int cmd_info(int argc, char **argv)
{
	const char *dir = NULL;
	copts o;
	copts_default(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = opt_shared("info", &o, OPT_FORMAT, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (a[0] == '-' && a[1]) {
			return cli_usage_error("info", "unknown option '%s'", a);
		} else if (dir) {
			return cli_usage_error("info", "one workspace directory, please");
		} else {
			dir = a;
		}
	}
	if (!dir)
		return cli_usage_error("info", "missing the workspace directory");
	o.ws = dir;
	sf_err e = {{0}};
	cli_session c;
	if (cli_session_open(&c, &o, WS_READONLY, &e))
		return cli_session_fail(&c, &e);
	ws *w = session_ws(c.s);
	/* The same test as the commands': the SAE loads and fits. */
	const sae *model;
	int sae_ok = session_has_sae(c.s) && session_sae(c.s, &model, &e) == 0;
	if (!sae_ok && session_has_sae(c.s))
		cli_note("%s", e.msg);
	int lat_ok = sae_ok && session_has_latents(c.s);
	static const char *cols[] = {"key", "value"};
	tout *t = tout_new(stdout, o.fmt, cols, 2);
	char abs[PATH_MAX];
	kv_str(t, "workspace", realpath(ws_dir(w), abs) ? abs : ws_dir(w));
	kv_str(t, "pairs_file", ws_pairs(w)->path);
	kv_str(t, "acts_file", store_path(ws_store(w)));
	kv_int(t, "acts_files", (long long)store_nfiles(ws_store(w)));
	kv_str(t, "fingerprint", ws_fingerprint(w));
	pairs_rows(t, ws_pairs(w));
	kv_int(t, "pairs.without_rows", cli_note_rowless(w));
	store_rows(t, ws_store(w));
	kv_str(t, "sae", sae_ok ? "yes" : "no");
	kv_str(t, "latents", lat_ok ? "yes" : "no");
	int rc = tout_finish(t);
	cli_session_close(&c);
	return rc;
}
