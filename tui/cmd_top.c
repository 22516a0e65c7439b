#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_top_usage[] = "usage: safer top (not built yet)\n";

int cmd_top(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("top: not built yet");
}
