#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_info_usage[] = "usage: safer info (not built yet)\n";

int cmd_info(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("info: not built yet");
}
