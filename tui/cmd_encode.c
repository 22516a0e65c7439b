#include "tui/cli.h"
#include "tui/commands.h"

const char cmd_encode_usage[] = "usage: safer encode (not built yet)\n";

int cmd_encode(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("encode: not built yet");
}
