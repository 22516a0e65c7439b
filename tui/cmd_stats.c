#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_stats_usage[] = "usage: safer stats (not built yet)\n";

int cmd_stats(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("stats: not built yet");
}
