#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_init_usage[] = "usage: safer init (not built yet)\n";

int cmd_init(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("init: not built yet");
}
