/* Editing a text of the Probe screen in the user's editor, as git does:
 * the text goes to a temporary file, $VISUAL (else $EDITOR, else vi) runs
 * on it through the shell with the terminal handed over, and the file is
 * read back (at most 1 MB, no NUL). One trailing newline that the editor
 * added is dropped when the text had none. */
#ifndef TUI_EXPLORE_PROBE_EDIT_H
#define TUI_EXPLORE_PROBE_EDIT_H

#include <stddef.h>

#include "tui/explore/app.h"

/* 0 with *out the new text (malloc'd); -1 with err (one line). */
int probe_edit_text(app *a, const char *text, char **out, char *err, size_t n);

#endif
