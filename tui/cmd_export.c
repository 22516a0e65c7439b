#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_export_usage[] = "usage: safer export (not built yet)\n";

int cmd_export(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("export: not built yet");
}
