/* The query behind the shell completion (completion/): `safer __complete
 * features WS [PREFIX]`, not listed by `safer help`. */
#ifndef TUI_CLI_COMPLETE_H
#define TUI_CLI_COMPLETE_H

/* argv[0] is "__complete". Exit status 0, or 1/2 with nothing printed. */
int cli_complete(int argc, char **argv);

#endif
