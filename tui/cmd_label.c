#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_label_usage[] = "usage: safer label (not built yet)\n";

int cmd_label(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("label: not built yet");
}
