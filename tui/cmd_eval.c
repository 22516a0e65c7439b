#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_eval_usage[] = "usage: safer eval (not built yet)\n";

int cmd_eval(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("eval: not built yet");
}
