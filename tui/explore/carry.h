/* Reviewing label carry-over in the explorer: `:carry FINGERPRINT` takes
 * the suggestions of engine/ws/carry_ws.h (an earlier SAE's labels matched
 * to this SAE's features by decoder cosine) and steps through them one at
 * a time, opening each new feature's screen so that its contexts can be
 * read before the label is taken: `:carry-accept` takes it (undoable like
 * any label), `:carry-skip` passes, `:carry-all` takes every one left. A
 * new feature that has a label already is never offered. */
#ifndef TUI_EXPLORE_CARRY_H
#define TUI_EXPLORE_CARRY_H

#include "tui/explore/explore.h"

/* Drop the review in progress (with the model). */
void xc_free(xmodel *m);

/* :carry, :carry-accept, :carry-skip and :carry-all are declared with the
 * other commands (commands.h). */

#endif
