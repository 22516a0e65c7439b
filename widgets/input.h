/* A one-line input backed by GNU readline: history, emacs keys, and
 * completion from a word list the owner supplies.
 *
 * ncurses reads the keys and feeds readline one byte at a time through its
 * callback interface: readline never touches the terminal (no signal
 * handlers, no terminal prep, rl_outstream on /dev/null) and its line is
 * drawn by our redisplay function into the window given to winput_draw.
 * Read keys for the input from a window WITHOUT keypad mode so readline
 * sees the raw escape sequences of arrows and friends, and call
 * winput_teardown() before endwin().
 *
 * Readline is global state, so there is one input at a time. */
#ifndef WIDGETS_INPUT_H
#define WIDGETS_INPUT_H

#include <curses.h>
#include <stddef.h>

/* line is NULL when the input was cancelled (Esc, or ^D on an empty
 * line); the callback may begin another input. */
typedef void (*winput_done_fn)(void *ctx, const char *line);
/* Completion candidates: the i-th word, NULL past the end. */
typedef const char *(*winput_word_fn)(void *ctx, size_t i);

/* Separate histories: commands, names, searches, notes, the rest (paths, ratios). */
enum { WINPUT_CMD, WINPUT_NAME, WINPUT_SEARCH, WINPUT_NOTE, WINPUT_OTHER, WINPUT_SLOTS };

/* Configure readline once (before the first begin). Returns 0, or -1 when
 * /dev/null cannot be opened. */
int winput_setup(void);
void winput_begin(int slot, const char *prompt, const char *initial, winput_done_fn done,
                  winput_word_fn words, void *ctx);
int winput_active(void);
/* Feed one key read from window `from` (keypad off). After an Esc the
 * rest of its sequence is read from `from` whole (widgets/keys.h): named
 * keys (arrows, Home, End, Delete) edit the line, unknown sequences are
 * dropped, and a lone Esc (nothing follows within ESCDELAY) cancels.
 * Returns WF_* flags. */
int winput_key(WINDOW *from, int ch);
/* Draw prompt and line at (y, x) in maxw columns and leave the cursor
 * where readline's point is. Also remembers the spot for readline's own
 * redisplay calls. */
void winput_draw(WINDOW *w, int y, int x, int maxw);
/* The list of matches readline last offered (empty when none). */
const char *winput_matches(void);
/* Cancel the current input without calling its callback. */
void winput_cancel(void);
/* Remove readline's handler; call before endwin (safe to call twice). */
void winput_teardown(void);
/* A slot's history, oldest first: how many lines, the i-th, and adding
 * one (as an entered line is), for keeping them across sessions. */
int winput_history_n(int slot);
const char *winput_history_get(int slot, int i);
void winput_history_add(int slot, const char *line);

/* Called with every line entered (after it joined its slot's history),
 * e.g. to keep it in a file. */
void winput_set_entered(void (*fn)(void *ctx, int slot, const char *line), void *ctx);

/* For tests: the current line and point. */
const char *winput_line(void);
int winput_point(void);

#endif
