/* The table of subcommands: name, entry point, summary, usage. */
#include "tui/cli/commands.h"

#include <stdio.h>
#include <string.h>

#define CMD(n, fn, s) { n, cmd_##fn, s, cmd_##fn##_usage, NULL }
static const cli_cmd commands[] = {
	CMD("init", init, "create a workspace from pairs JSONL and activations"),
	CMD("info", info, "describe a workspace: pairs, rows, model, SAE"),
	{ "train", cmd_train, "train the workspace's TopK SAE", cmd_train_usage, cmd_train_options },
	CMD("load-sae", load_sae, "import an SAE (sparsify, SAELens or SAFER layout)"),
	CMD("export-sae", export_sae, "write the SAE for SAELens or sparsify"),
	CMD("encode", encode, "encode every row with the SAE (cached)"),
	CMD("stats", stats, "per-feature salience, sums, density, max activation"),
	CMD("head", head, "the reward head that reward effects and explain use"),
	CMD("explain", explain, "which features move one pair's reward margin"),
	CMD("top", top, "top-activating rows of one feature, with context"),
	CMD("similar", similar, "features like one: decoder cosine or co-occurrence"),
	CMD("search", search, "features that fire where a text occurs"),
	CMD("label", label, "name and rate one feature"),
	CMD("labels", labels, "list, export or import feature labels"),
	CMD("judge", judge, "ask an LLM judge to rate the candidate features"),
	CMD("judged", judged, "list the judge's verdicts"),
	CMD("score", score, "safety score of every train pair"),
	CMD("plan", plan, "poison or denoise edit list (JSONL)"),
	CMD("eval", eval, "projected effect of an edit on a reward head"),
	CMD("quality", quality, "SAE quality: explained variance, NMSE, L0, density"),
	CMD("export", export, "write the edited dataset"),
	CMD("probe", probe, "one text against the live reward model (a probe server)"),
	CMD("probes", probes, "list or show the saved probes"),
	CMD("report", report, "an audit report to share (HTML or Markdown)"),
	CMD("explore", explore, "the interactive explorer"),
};
#undef CMD
#define NCOMMANDS (sizeof commands / sizeof commands[0])

const cli_cmd *cli_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void cli_print_overview(FILE *f)
{
	fputs("usage: safer COMMAND [ARGS...]\n"
	      "       safer help COMMAND | safer COMMAND --help | safer --version\n\n"
	      "commands:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nTables print as TSV (--format tsv, the default) or JSON (--format json).\n"
	      "Exit status: 0 ok, 1 failure (one line on stderr), 2 usage error.\n", f);
}

int cli_print_help(const char *name)
{
	const cli_cmd *c = cli_find(name);
	if (!c)
		return cli_fail("no such command '%s' (see 'safer help')", name);
	fputs(c->usage, stdout);
	if (c->usage_more)
		c->usage_more(stdout);
	return EXIT_OK;
}
