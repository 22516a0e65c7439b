/* The `:` command table, its dispatcher, completion and help. */
#include "tui/explore/commands.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/ws/outpath.h"
#include "widgets/input.h"

void xcmd_join(char *buf, size_t n, int argc, char **argv, int from)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = from; i < argc && o + 1 < n; i++) {
		int w = snprintf(buf + o, n - o, "%s%s", i > from ? " " : "", argv[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

/* ---- the commands ----------------------------------------------------------- */

static int do_goto(xmodel *m, int argc, char **argv)
{
	char text[1024];
	xcmd_join(text, sizeof text, argc, argv, 1);
	if (m->data != XD_READY) {
		app_msg(m->a, MSG_ERROR, "%s", m->state);
		return -1;
	}
	int f = xm_find_feature(m, text);
	if (f < 0) {
		app_msg(m->a, MSG_ERROR, "no feature '%s'", text);
		return -1;
	}
	xm_open(m, XS_FEATURE, f);
	return 0;
}

static int do_label(xmodel *m, int argc, char **argv)
{
	char text[1024];
	(void)argc;
	/* Free text: as typed, quotes and runs of blanks kept. */
	snprintf(text, sizeof text, "%s", app_command_text(m->a));
	int name = !strcmp(argv[0], "label");
	return xm_label(m, m->cur_feature, name ? text : NULL, -1, name ? NULL : text);
}

static int do_rate(xmodel *m, int argc, char **argv)
{
	(void)argc;
	if (argv[1][0] < '0' || argv[1][0] > '5' || argv[1][1]) {
		app_msg(m->a, MSG_ERROR, "usage: :rate 0-5 (0 clears)");
		return -1;
	}
	return xm_label(m, m->cur_feature, NULL, argv[1][0] - '0', NULL);
}

static int do_undo(xmodel *m, int argc, char **argv)
{
	(void)argc;
	return !strcmp(argv[0], "redo") ? xm_redo(m) : xm_undo(m);
}

static int do_plan(xmodel *m, int argc, char **argv)
{
	char text[64];
	double r;
	int strategy = !strcmp(argv[1], "poison") ? PLAN_POISON
	               : !strcmp(argv[1], "denoise") ? PLAN_DENOISE : 0;
	char why[200];
	xcmd_join(text, sizeof text, argc, argv, 2);
	if (!strategy) {
		app_msg(m->a, MSG_ERROR, "usage: :plan poison|denoise RATIO (e.g. 5%%)");
		return -1;
	}
	if (xm_parse_ratio(text, &r, why, sizeof why)) {
		app_msg(m->a, MSG_ERROR, "%s", why);
		return -1;
	}
	return xm_plan_job(m, strategy, r);
}

static int do_eval(xmodel *m, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return xm_eval_job(m);
}

static void export_yes(app *a, void *ctx)
{
	xmodel *m = ctx;
	app_command(a, m->pending_export);
}

static int do_export(xmodel *m, int argc, char **argv)
{
	sf_err e;
	char path[1024];
	if (!m->plan) {
		app_msg(m->a, MSG_ERROR, "no plan yet: :plan poison 5%% (or p / d in Edits)");
		return -1;
	}
	char typed[1024];
	xcmd_join(typed, sizeof typed, argc, argv, 1);
	xm_path(typed, path, sizeof path);
	/* "export! F" replaces an existing F; never a file of the workspace */
	size_t n = strlen(argv[0]);
	int force = argv[0][n - 1] == '!', dataset = !strncmp(argv[0], "export-dataset", 14);
	char how[32];
	snprintf(how, sizeof how, ":%s! FILE", dataset ? "export-dataset" : "export");
	if (!strcmp(path, "-")) {
		app_msg(m->a, MSG_ERROR, "standard output is this screen: give a file");
		return -1;
	}
	struct stat sb;
	if (!force && stat(path, &sb) == 0 && outpath_check(path, m->w, NULL, NULL, &e) == 0) {
		/* an existing file: ask, and replace it only on yes */
		char q[1200];
		snprintf(m->pending_export, sizeof m->pending_export, "%s! \"%s\"", argv[0], path);
		snprintf(q, sizeof q, "%s exists. Replace it?", path);
		app_confirm(m->a, dataset ? "Export the dataset" : "Export", q, export_yes, m);
		return 0;
	}
	int rc = outpath_check(path, m->w, NULL, force ? NULL : how, &e) ||
	         (dataset ? plan_export(m->plan, m->P, path, &e)
	                   : plan_write_out(m->plan, m->P, path, &e));
	if (rc) {
		app_msg(m->a, MSG_ERROR, "%s", e.msg);
		return -1;
	}
	app_msg(m->a, MSG_INFO, "wrote %s (%zu %s)", path, m->plan->n, xm_s(m->plan->n, "edit", "edits"));
	return 0;
}

static int do_pair(xmodel *m, int argc, char **argv)
{
	char *end;
	(void)argc;
	long p = strtol(argv[1], &end, 10);
	if (*end || p < 0 || (size_t)p >= m->P->n) {
		app_msg(m->a, MSG_ERROR, "usage: :pair INDEX (0..%zu)", m->P->n ? m->P->n - 1 : 0);
		return -1;
	}
	if (m->data != XD_READY) {
		app_msg(m->a, MSG_ERROR, "%s", m->state);
		return -1;
	}
	/* [ ] step through the plan's pairs when p is one of them, else by index */
	if (m->plan && m->actions && m->actions[p]) {
		size_t *v = malloc(m->plan->n * sizeof *v + 1);
		for (size_t i = 0; v && i < m->plan->n; i++)
			v[i] = m->plan->v[i].index;
		xm_pair_list(m, v, v ? m->plan->n : 0, "in the plan");
		free(v);
	} else {
		xm_pair_list(m, NULL, 0, NULL);
	}
	xm_open(m, XS_PAIR, p);
	return 0;
}

static int do_rows(xmodel *m, int argc, char **argv)
{
	int mode;
	(void)argc;
	if (rows_mode_parse(argv[1], &mode)) {
		app_msg(m->a, MSG_ERROR, "usage: :rows sentence|all");
		return -1;
	}
	return xm_rows(m, mode);
}

static int do_screen(xmodel *m, int argc, char **argv)
{
	(void)argc;
	int id = !strcmp(argv[0], "edits") ? XS_EDITS : !strcmp(argv[0], "train") ? XS_TRAIN
	                                                                          : XS_FEATURES;
	xm_open(m, id, XM_KEEP);
	return 0;
}

static int do_load_sae(xmodel *m, int argc, char **argv)
{
	char path[4096], typed[4096];
	xcmd_join(typed, sizeof typed, argc, argv, 1);
	xm_path(typed, path, sizeof path);
	return xm_load_sae(m, path);
}

static int do_reload(xmodel *m, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	xm_reload(m);
	return 0;
}

static int do_quit(xmodel *m, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	app_quit(m->a);
	return 0;
}

static int do_help(xmodel *m, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	app_help(m->a);
	return 0;
}

static const char *const rate_words[] = { "0", "1", "2", "3", "4", "5", NULL };
static const char *const plan_words[] = { "poison", "denoise", NULL };
static const char *const ratio_words[] = { "1%", "2%", "5%", "10%", NULL };
static const char *const rows_words[] = { "sentence", "all", NULL };

static const xcmd cmd_goto = {
	.name = "goto", .usage = "ID|NAME", .help = "open a feature by id or label name",
	.min = 1, .max = XCMD_TEXT, .screens = XS_ANALYSIS, .complete = { XC_FEATURE },
	.fn = do_goto,
};
static const xcmd cmd_label = {
	.name = "label", .usage = "NAME", .help = "name the current feature",
	.min = 0, .max = XCMD_TEXT, .screens = XS_ANALYSIS, .fn = do_label,
};
static const xcmd cmd_rate = {
	.name = "rate", .usage = "0-5", .help = "rate the current feature (0 clears)",
	.min = 1, .max = 1, .screens = XS_ANALYSIS, .complete = { XC_LIST },
	.words = { rate_words }, .fn = do_rate,
};
static const xcmd cmd_note = {
	.name = "note", .usage = "TEXT", .help = "note on the current feature",
	.min = 0, .max = XCMD_TEXT, .screens = XS_ANALYSIS, .fn = do_label,
};
static const xcmd cmd_undo = {
	.name = "undo", .usage = "", .help = "undo the last label change (u; many levels)",
	.min = 0, .max = 0, .screens = XS_ANALYSIS, .fn = do_undo,
};
static const xcmd cmd_redo = {
	.name = "redo", .usage = "", .help = "redo the last undone label change (^R)",
	.min = 0, .max = 0, .screens = XS_ANALYSIS, .fn = do_undo,
};
static const xcmd cmd_plan = {
	.name = "plan", .usage = "poison|denoise R", .help = "plan an edit (R: 5% or 0.05)",
	.min = 2, .max = XCMD_TEXT, .screens = XS_ANALYSIS, .complete = { XC_LIST, XC_LIST },
	.words = { plan_words, ratio_words }, .fn = do_plan,
};
static const xcmd cmd_eval = {
	.name = "eval", .usage = "", .help = "projected effect of the plan",
	.min = 0, .max = 0, .screens = XS_ANALYSIS, .fn = do_eval,
};
static const xcmd cmd_export = {
	.name = "export", .alias = "export!", .usage = "FILE",
	.help = "write the edit list (JSONL; export! replaces a file)",
	.min = 1, .max = XCMD_TEXT, .screens = XS_ANALYSIS, .complete = { XC_PATH },
	.fn = do_export,
};
static const xcmd cmd_export_dataset = {
	.name = "export-dataset", .alias = "export-dataset!", .usage = "FILE",
	.help = "write the edited dataset (export-dataset! replaces a file)",
	.min = 1, .max = XCMD_TEXT, .screens = XS_ANALYSIS, .complete = { XC_PATH },
	.fn = do_export,
};
static const xcmd cmd_pair = {
	.name = "pair", .usage = "N", .help = "open pair N ([ ] there: the plan's pairs, else by index)",
	.min = 1, .max = 1, .screens = XS_ANALYSIS, .fn = do_pair,
};
static const xcmd cmd_rows = {
	.name = "rows", .usage = "sentence|all", .help = "rows the statistics use",
	.min = 1, .max = 1, .screens = XS_ANALYSIS, .complete = { XC_LIST },
	.words = { rows_words }, .fn = do_rows,
};
static const xcmd cmd_features = {
	.name = "features", .usage = "", .help = "the Features screen", .fn = do_screen,
};
static const xcmd cmd_edits = {
	.name = "edits", .usage = "", .help = "the Edits screen", .fn = do_screen,
};
static const xcmd cmd_train = {
	.name = "train", .usage = "", .help = "the Train screen", .fn = do_screen,
};
static const xcmd cmd_load_sae = {
	.name = "load-sae", .usage = "PATH", .help = "install an SAE trained elsewhere and encode",
	.min = 1, .max = XCMD_TEXT, .complete = { XC_PATH }, .fn = do_load_sae,
};
static const xcmd cmd_reload = {
	.name = "reload", .usage = "", .help = "read labels and plan again; retry a failed load",
	.fn = do_reload,
};
static const xcmd cmd_help = {
	.name = "help", .usage = "", .help = "this screen", .fn = do_help,
};
static const xcmd cmd_quit = {
	.name = "quit", .alias = "q", .usage = "", .help = "quit", .fn = do_quit,
};

/* In the order the help shows them. */
static const xcmd *const table[] = {
	&xcmd_sort, &xcmd_filter, &xcmd_search, &cmd_goto, &cmd_label, &cmd_rate, &cmd_note,
	&cmd_undo, &cmd_redo, &cmd_plan, &cmd_eval, &cmd_export, &cmd_export_dataset, &cmd_pair,
	&cmd_rows, &xcmd_set, &xcmd_judge, &xcmd_ratings, &xcmd_carry, &xcmd_carry_accept,
	&xcmd_carry_skip, &xcmd_carry_all, &cmd_load_sae, &cmd_features, &cmd_edits,
	&cmd_train, &xcmd_probe, &cmd_reload, &cmd_help,
	&cmd_quit,
};
enum { NTABLE = sizeof table / sizeof table[0] };

static const xcmd *find(const char *name)
{
	for (int i = 0; i < NTABLE; i++)
		if (!strcmp(table[i]->name, name) || (table[i]->alias && !strcmp(table[i]->alias, name)))
			return table[i];
	return NULL;
}

static int top_id(xmodel *m)
{
	screen *t = app_top(m->a);
	for (int i = 0; i < XS_N; i++)
		if (m->screens[i] == t)
			return i;
	return -1;
}

static int applies(xmodel *m, const xcmd *c)
{
	int id = top_id(m);
	return !c->screens || (id >= 0 && (c->screens & XS_BIT(id)));
}

/* "Features, Feature, Pair or Edits" */
static void screens_text(const xcmd *c, char *buf, size_t n)
{
	int k = 0, total = 0;
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < XS_N; i++)
		total += (c->screens & XS_BIT(i)) != 0;
	for (int i = 0; i < XS_N && o < n; i++) {
		if (!(c->screens & XS_BIT(i)))
			continue;
		k++;
		o += (size_t)snprintf(buf + o, n - o, "%s%s", k == 1 ? "" : k == total ? " or " : ", ",
		                      xm_screen_defs[i]->name);
	}
}

int xcmd_run(app *a, void *ctx, int argc, char **argv)
{
	xmodel *m = ctx;
	const xcmd *c = find(argv[0]);
	char where[128];
	if (!c) {
		app_msg(a, MSG_ERROR, "unknown command: %s (:help lists them)", argv[0]);
		return -1;
	}
	if (!applies(m, c)) {
		screens_text(c, where, sizeof where);
		app_msg(a, MSG_ERROR, ":%s works on the %s screen", c->name, where);
		return -1;
	}
	int n = argc - 1;
	if (n < c->min || (c->max != XCMD_TEXT && n > c->max)) {
		app_msg(a, MSG_ERROR, "usage: :%s%s%s", c->name, c->usage[0] ? " " : "", c->usage);
		return -1;
	}
	return c->fn(m, argc, argv) ? -1 : 0;
}

/* ---- completion --------------------------------------------------------------- */

enum { COMP_MAX = 1000 };

static void comp_clear(xcompletion *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	c->n = 0;
}

static void comp_add(xcompletion *c, const char *a, const char *b)
{
	if (c->n >= COMP_MAX)
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		char **v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return;
		c->v = v;
		c->cap = cap;
	}
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	char *s = malloc(la + lb + 1);
	if (!s)
		return;
	memcpy(s, a, la);
	memcpy(s + la, b ? b : "", lb);
	s[la + lb] = '\0';
	c->v[c->n++] = s;
}

static void complete_feature(xmodel *m, const char *cur)
{
	size_t n = strlen(cur);
	if (cur[0] >= '0' && cur[0] <= '9') {
		char id[16];
		for (int f = 0; m->st && f < m->st->m && m->comp.n < COMP_MAX; f++) {
			snprintf(id, sizeof id, "%d", f);
			if (!strncmp(id, cur, n))
				comp_add(&m->comp, id, NULL);
		}
		return;
	}
	for (size_t i = 0; m->L && i < m->L->n; i++)
		if (m->L->v[i].name[0] && !strncmp(m->L->v[i].name, cur, n))
			comp_add(&m->comp, m->L->v[i].name, NULL);
}

/* Entries of cur's directory that begin with its last part; directories
 * get a trailing '/'. Hidden files only when asked for with a dot. */
static void complete_path(xmodel *m, const char *cur)
{
	char dir[4096], home[4096];
	/* "~/..." lists the home directory, and the candidates keep the "~/" */
	if (cur[0] == '~' && cur[1] == '/' && getenv("HOME")) {
		size_t before = m->comp.n;
		snprintf(home, sizeof home, "%s/%s", getenv("HOME"), cur + 2);
		complete_path(m, home);
		size_t hl = strlen(getenv("HOME"));
		for (size_t i = before; i < m->comp.n; i++) {
			char *s = m->comp.v[i];
			if (strlen(s) > hl && s[hl] == '/') {
				s[0] = '~';
				memmove(s + 1, s + hl, strlen(s + hl) + 1);
			}
		}
		return;
	}
	const char *slash = strrchr(cur, '/');
	size_t dl = slash ? (size_t)(slash - cur) + 1 : 0;
	const char *base = cur + dl;
	size_t bl = strlen(base);
	if (dl >= sizeof dir)
		return;
	memcpy(dir, cur, dl);
	dir[dl] = '\0';
	DIR *d = opendir(dl ? dir : ".");
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && m->comp.n < COMP_MAX) {
		const char *nm = de->d_name;
		if (!strcmp(nm, ".") || !strcmp(nm, "..") || (nm[0] == '.' && base[0] != '.'))
			continue;
		if (strncmp(nm, base, bl))
			continue;
		char full[8192];
		struct stat sb;
		snprintf(full, sizeof full, "%s%s", dir, nm);
		int isdir = stat(dl ? full : nm, &sb) == 0 && S_ISDIR(sb.st_mode);
		comp_add(&m->comp, full, isdir ? "/" : NULL);
	}
	closedir(d);
}

const char *xcmd_path_word(void *ctx, size_t i)
{
	xmodel *m = ctx;
	if (i == 0) {
		comp_clear(&m->comp);
		complete_path(m, winput_line());
	}
	return i < m->comp.n ? m->comp.v[i] : NULL;
}

/* The candidates for the word under the cursor of the `:` line. */
static void complete(xmodel *m)
{
	char line[1024];
	char *argv[32];
	int argc = 0;
	const char *buf = winput_line();
	size_t pt = (size_t)(winput_point() > 0 ? winput_point() : 0);
	if (pt >= sizeof line)
		pt = sizeof line - 1;
	if (pt > strlen(buf))
		pt = strlen(buf);
	memcpy(line, buf, pt);
	line[pt] = '\0';
	int open_word = pt > 0 && line[pt - 1] != ' ' && line[pt - 1] != '\t';
	for (char *s = line; *s && argc < 32;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		argv[argc++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
	int at = open_word ? argc - 1 : argc; /* which word is being completed */
	const char *cur = open_word ? argv[argc - 1] : "";
	if (at == 0) {
		for (int i = 0; i < NTABLE; i++)
			if (applies(m, table[i]))
				comp_add(&m->comp, table[i]->name, NULL);
		return;
	}
	const xcmd *c = find(argv[0]);
	int arg = at - 1;
	if (!c || arg >= XCMD_ARGS)
		return;
	switch (c->complete[arg]) {
	case XC_LIST:
		for (const char *const *w = c->words[arg]; w && *w; w++)
			comp_add(&m->comp, *w, NULL);
		break;
	case XC_FEATURE: complete_feature(m, cur); break;
	case XC_PATH: complete_path(m, cur); break;
	case XC_FN: {
		const char *w;
		for (size_t i = 0; c->wordfn[arg] && (w = c->wordfn[arg](at, argv, i)) != NULL; i++)
			comp_add(&m->comp, w, NULL);
		break;
	}
	}
}

const char *xcmd_word(void *ctx, size_t i)
{
	xmodel *m = ctx;
	if (i == 0) { /* a new attempt */
		comp_clear(&m->comp);
		complete(m);
	}
	return i < m->comp.n ? m->comp.v[i] : NULL;
}

/* ---- help and installing ------------------------------------------------------- */

wkey *xcmd_help(int *n)
{
	enum { KEYW = 40, DESCW = 160 };
	wkey *k = malloc(NTABLE * (sizeof *k + KEYW + DESCW));
	if (!k)
		return NULL;
	char *text = (char *)(k + NTABLE);
	for (int i = 0; i < NTABLE; i++) {
		const xcmd *c = table[i];
		char *key = text + (size_t)i * (KEYW + DESCW), *desc = key + KEYW;
		char where[128] = "";
		if (c->screens && c->screens != XS_ANALYSIS)
			screens_text(c, where, sizeof where);
		snprintf(key, KEYW, ":%s%s%s%s%s", c->alias ? c->alias : "", c->alias ? " :" : "",
		         c->name, c->usage[0] ? " " : "", c->usage);
		snprintf(desc, DESCW, "%s%s%s%s", c->help, where[0] ? " (" : "", where,
		         where[0] ? " screen)" : "");
		k[i] = (wkey){ key, desc, 0 };
	}
	*n = NTABLE;
	return k;
}

int xcmd_install(xmodel *m)
{
	if (!(m->cmd_help = xcmd_help(&m->n_cmd_help)))
		return -1;
	app_set_commands(m->a, xcmd_run, xcmd_word, m);
	app_set_command_help(m->a, m->cmd_help, m->n_cmd_help);
	return 0;
}
