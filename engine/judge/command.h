/* The judge as a local program instead of a server: `--cmd 'PROGRAM ARGS'`
 * runs PROGRAM once per feature (no shell: the words are split here, with
 * '...' and "..." grouping), the prompt on its stdin, its reply read from
 * its stdout, both bounded: at most max_reply bytes, within timeout
 * seconds, else the program is killed. Its stderr is kept (bounded) for
 * the message when it fails.
 *
 * A program that exits non-zero or times out is retried like a transient
 * HTTP failure (exponential backoff, up to `retries` more times); a reply
 * too large fails that feature; a program that cannot be started stops
 * the run. One program runs at a time. */
#ifndef ENGINE_JUDGE_COMMAND_H
#define ENGINE_JUDGE_COMMAND_H

#include <stddef.h>

#include "engine/base/err.h"
#include "engine/judge/http.h"

enum { JUDGE_CMD_MAX_WORDS = 64 };

typedef struct judge_cmd_opts {
	char *argv[JUDGE_CMD_MAX_WORDS + 1]; /* NULL-terminated */
	char words[4096];                    /* what argv points into */
	double timeout;
	int retries;
	double backoff;
	size_t max_reply;
	int (*stop)(void *ctx);
} judge_cmd_opts;

/* Split the command line into o->argv (and set the other fields to the
 * defaults of judge_http_opts_default). Fails on an empty line, an
 * unclosed quote or too many words. */
int judge_cmd_parse(judge_cmd_opts *o, const char *line, sf_err *e);

/* As judge_http_run, with next's *body the prompt text and done's body
 * the program's stdout. t->requests counts the runs. */
int judge_cmd_run(const judge_cmd_opts *o, judge_next_fn next, judge_done_fn done, void *ctx,
                  judge_http_tally *t, sf_err *e);

#endif
