/* WS/history.jsonl: the lines typed at the explorer's `:` and `/` prompts,
 * kept across sessions as shells keep theirs. One JSON object a line,
 * oldest first: {"kind": "command", "text": ":line as typed"}. At most
 * HISTORY_MAX lines of each kind are kept (the oldest go first), a text
 * is at most HISTORY_TEXT_MAX bytes, the file at most HISTORY_FILE_MAX.
 * The texts are what someone typed, or what a file put there: whoever
 * shows them makes them safe first (textsafe). */
#ifndef ENGINE_WS_HISTORY_WS_H
#define ENGINE_WS_HISTORY_WS_H

#include <stddef.h>

#include "engine/base/err.h"

struct ws;

enum {
	HISTORY_MAX = 500,
	HISTORY_TEXT_MAX = 1024,
	HISTORY_KIND_MAX = 16,
	HISTORY_FILE_MAX = 4 << 20,
};

typedef struct sf_history_entry {
	char kind[HISTORY_KIND_MAX]; /* "command", "search" */
	char *text;
} sf_history_entry;

typedef struct sf_history {
	sf_history_entry *v;
	size_t n;
} sf_history;

/* Read WS/history.jsonl (missing: empty). A line that is no entry, or a
 * file too large, is an error naming the file and line. */
int history_read(sf_history *h, const struct ws *w, sf_err *e);
void history_free(sf_history *h);
/* Add text under kind, saved at once (atomically, under the workspace's
 * writer lock, over what other processes added meanwhile). A text equal
 * to the newest of its kind is not added again; an empty one is not. A
 * damaged file is replaced by what could be read of it. */
int history_add(struct ws *w, const char *kind, const char *text, sf_err *e);

#endif
