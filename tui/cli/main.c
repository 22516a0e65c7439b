/* safer: look inside a reward model with a sparse autoencoder and curate
 * the preference data it was trained on. This file only dispatches. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
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

/* "--color never|always|auto" (or --color=...), anywhere, as for --quiet:
 * the only output with colour is the explorer's, whose theme reads
 * NO_COLOR, so the option sets or clears it. 0, or -1 after a usage
 * error. */
static int take_color(int *argc, char **argv)
{
	int n = 1, bad = 0;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *v = NULL;
		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[n++] = argv[i++];
			break;
		}
		if (!strncmp(a, "--color=", 8))
			v = a + 8;
		else if (!strcmp(a, "--color") && i + 1 < *argc)
			v = argv[++i];
		else if (!strcmp(a, "--color"))
			v = "";
		if (!v) {
			argv[n++] = argv[i];
			continue;
		}
		if (!strcmp(v, "never"))
			setenv("NO_COLOR", "1", 1);
		else if (!strcmp(v, "always"))
			unsetenv("NO_COLOR");
		else if (strcmp(v, "auto"))
			bad = 1;
		if (bad) {
			cli_say(stderr, "safer: --color is never, always or auto, not '%.40s'", v);
			return -1;
		}
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* an input truncated while mapped: one line naming it, not "Bus error" */
	mapguard_install("safer");
	argc = take_quiet(argc, argv);
	if (take_color(&argc, argv))
		return EXIT_USAGE;
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
