/* The subcommands. Each lives in tui/cli/cmd_NAME.c and defines its entry
 * point and its usage text (printed by `safer help NAME`), declared here;
 * commands.c holds the table that names them. */
#ifndef TUI_CLI_COMMANDS_H
#define TUI_CLI_COMMANDS_H

#include <stdio.h>

#include "tui/cli/cli.h"

/* The command called name, or NULL. */
const cli_cmd *cli_find(const char *name);
/* `safer help`: every command with its summary. */
void cli_print_overview(FILE *f);
/* Print the usage text of cmd to stdout; returns EXIT_OK. */
int cli_print_help(const char *cmd);

#define SAFER_COMMAND(name)                      \
	int cmd_##name(int argc, char **argv);   \
	extern const char cmd_##name##_usage[];

SAFER_COMMAND(init)
SAFER_COMMAND(info)
SAFER_COMMAND(train)
SAFER_COMMAND(load_sae)
SAFER_COMMAND(export_sae)
SAFER_COMMAND(encode)
SAFER_COMMAND(stats)
SAFER_COMMAND(top)
SAFER_COMMAND(head)
SAFER_COMMAND(explain)
SAFER_COMMAND(label)
SAFER_COMMAND(labels)
SAFER_COMMAND(score)
SAFER_COMMAND(plan)
SAFER_COMMAND(eval)
SAFER_COMMAND(export)
SAFER_COMMAND(report)
SAFER_COMMAND(explore)
SAFER_COMMAND(judge)
SAFER_COMMAND(judged)
SAFER_COMMAND(probe)
SAFER_COMMAND(probes)
SAFER_COMMAND(similar)
SAFER_COMMAND(search)
SAFER_COMMAND(quality)

#undef SAFER_COMMAND

/* The hyperparameters' part of `safer train --help`, from their table. */
void cmd_train_options(FILE *f);

#endif
