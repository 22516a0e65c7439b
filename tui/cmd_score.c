#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_score_usage[] = "usage: safer score (not built yet)\n";

int cmd_score(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("score: not built yet");
}
