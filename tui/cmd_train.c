#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_train_usage[] = "usage: safer train (not built yet)\n";

int cmd_train(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("train: not built yet");
}
