#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_explore_usage[] = "usage: safer explore (not built yet)\n";

int cmd_explore(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("explore: not built yet");
}
