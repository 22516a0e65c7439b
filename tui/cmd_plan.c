#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_plan_usage[] = "usage: safer plan (not built yet)\n";

int cmd_plan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("plan: not built yet");
}
