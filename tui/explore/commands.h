/* The `:` commands, in one table as tmux's cmd_entry: each entry names
 * its command, its arguments (usage, how many, how each one completes),
 * the screens it can be typed on and the function that runs it. The
 * dispatcher, Tab completion and the help screen are all made from the
 * table. Entries that drive one screen are defined in that screen's file
 * and listed in the table like the others. */
#ifndef TUI_EXPLORE_COMMANDS_H
#define TUI_EXPLORE_COMMANDS_H

#include "tui/explore/explore.h"

/* How an argument completes. */
enum {
	XC_NONE,    /* it does not */
	XC_LIST,    /* from the entry's word list for that argument */
	XC_FEATURE, /* label names, or feature ids when it starts with a digit */
	XC_PATH,    /* file names */
	XC_FN,      /* from the entry's word function for that argument */
};

enum { XCMD_ARGS = 2 };   /* arguments with their own completion */
enum { XCMD_TEXT = -1 };  /* max: any number (the words are one text) */

typedef struct xcmd {
	const char *name;
	const char *alias;   /* another name, or NULL */
	const char *usage;   /* the arguments as shown: "COLUMN [asc|desc]" */
	const char *help;    /* one line */
	int min, max;        /* argument counts (after the name) */
	unsigned screens;    /* XS_BIT()s it can be typed on; 0: everywhere */
	unsigned char complete[XCMD_ARGS];       /* XC_* of argument 1, 2 */
	const char *const *words[XCMD_ARGS];     /* XC_LIST: NULL-terminated */
	/* XC_FN: the i-th candidate (NULL past the end), given the words
	 * typed before the one completed (argv[0] the command) */
	const char *(*wordfn[XCMD_ARGS])(int argc, char **argv, size_t i);
	/* argv[0] is the name as typed; argc within min + 1 .. max + 1.
	 * Returns 0, or -1 after setting the status line. */
	int (*fn)(xmodel *m, int argc, char **argv);
} xcmd;

/* Defined with the screens they drive. */
extern const xcmd xcmd_sort, xcmd_filter, xcmd_search, xcmd_set, xcmd_judge, xcmd_ratings;
extern const xcmd xcmd_carry, xcmd_carry_accept, xcmd_carry_skip, xcmd_carry_all;
extern const xcmd xcmd_probe;

/* Make the table m's `:` commands: dispatch, completion and help on its
 * app. -1 when out of memory. */
int xcmd_install(xmodel *m);
/* app_command_fn over the table (ctx: the model). */
int xcmd_run(app *a, void *ctx, int argc, char **argv);
/* winput_word_fn for the `:` line (ctx: the model): the candidates for
 * the word under the cursor, as its argument of its command completes. */
const char *xcmd_word(void *ctx, size_t i);
/* Help lines from the table, for app_set_command_help: one allocation
 * (free() it), *n lines; NULL when out of memory. */
wkey *xcmd_help(int *n);
/* The words from argv[from] on joined by single spaces into buf. */
void xcmd_join(char *buf, size_t n, int argc, char **argv, int from);

/* Completion of a prompt whose whole line is a file name (ctx: the model). */
const char *xcmd_path_word(void *ctx, size_t i);

#endif
