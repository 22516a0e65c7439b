/* safer: look inside a reward model with a sparse autoencoder and curate
 * the preference data it was trained on. This file only dispatches. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "engine/base/mapguard.h"
#include "tui/cli/cli.h"
#include "tui/cli/commands.h"
#include "tui/cli/complete.h"

/* Take every "--quiet" (before a "--") out of argv: it may come anywhere,
 * before or after the command, and silences progress. */
static int take_quiet(int argc, char **argv)
{
	int n = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			while (i < argc)
				argv[n++] = argv[i++];
		else if (!strcmp(argv[i], "--quiet"))
			cli_set_quiet(1);
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* an input truncated while mapped: one line naming it, not "Bus error" */
	mapguard_install("safer");
	argc = take_quiet(argc, argv);
	if (argc < 2) {
		cli_print_overview(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("safer %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
		if (argc > 2)
			return cli_print_help(argv[2]);
		cli_print_overview(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "__complete"))
		return cli_complete(argc - 1, argv + 1);
	const cli_cmd *c = cli_find(name);
	if (!c) {
		cli_say(stderr, "safer: no such command '%s'", name);
		cli_print_overview(stderr);
		return EXIT_USAGE;
	}
	if (cli_wants_help(argc - 1, argv + 1))
		return cli_print_help(name);
	return c->run(argc - 1, argv + 1);
}
