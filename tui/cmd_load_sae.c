#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_load_sae_usage[] = "usage: safer load-sae (not built yet)\n";

int cmd_load_sae(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("load-sae: not built yet");
}
