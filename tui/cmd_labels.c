#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_labels_usage[] = "usage: safer labels (not built yet)\n";

int cmd_labels(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("labels: not built yet");
}
