/* The subcommands. Each lives in tui/cli/cmd_NAME.c and defines its entry
 * point and its usage text (printed by `safer help NAME`). */
#ifndef TUI_CLI_COMMANDS_H
#define TUI_CLI_COMMANDS_H

#include <stdio.h>

#define SAFER_COMMAND(name)                      \
	int cmd_##name(int argc, char **argv);   \
	extern const char cmd_##name##_usage[];

SAFER_COMMAND(init)
SAFER_COMMAND(info)
SAFER_COMMAND(train)
SAFER_COMMAND(load_sae)
SAFER_COMMAND(encode)
SAFER_COMMAND(stats)
SAFER_COMMAND(top)
SAFER_COMMAND(label)
SAFER_COMMAND(labels)
SAFER_COMMAND(score)
SAFER_COMMAND(plan)
SAFER_COMMAND(eval)
SAFER_COMMAND(export)
SAFER_COMMAND(explore)

#undef SAFER_COMMAND

/* The hyperparameters' part of `safer train --help`, from their table. */
void cmd_train_options(FILE *f);

#endif
