/* Keys read whole: escape sequences are never split into keys.
 *
 * With keypad mode on, curses decodes the sequences its terminfo entry
 * names. Terminals send others too (tmux sends ESC [ 1 ~ for Home under
 * TERM=xterm-256color; rxvt, screen and the Linux console each have their
 * own F-keys), and curses hands those over byte by byte: Esc, '[', '1',
 * '~'. After an Esc, wkeys_after_esc reads the rest of the sequence and
 * turns it into one curses key code when it knows it (the common Home,
 * End, Insert, Delete, PgUp, PgDn, arrow and F1-F12 variants of xterm,
 * rxvt, screen/tmux and the Linux console, and the application keypad),
 * or drops it whole (WKEY_NONE). A lone Esc (nothing within ESCDELAY)
 * stays Esc; Esc then a key is that key with Meta (WKEY_META). */
#ifndef WIDGETS_KEYS_H
#define WIDGETS_KEYS_H

#include <curses.h>
#include <stddef.h>

enum {
	WKEY_NONE = -2,          /* a sequence read whole and dropped */
	WKEY_META = 0x10000000,  /* ORed into a key typed with Alt (Esc first) */
	WKEY_MAX_SEQ = 64,       /* longest sequence kept; longer ones are dropped */
};

/* Decode what followed an Esc: in[0..n) are keys as wgetch returned them.
 * Returns how many of them the key used (the rest belong to what comes
 * next) and sets *key, or -1 when in is the start of a sequence that needs
 * more. With final set (nothing more will come) it never returns -1. */
int wkeys_decode(const int *in, size_t n, int final, int *key);

/* After wgetch(w) returned Esc: read the rest of the sequence (Esc alone
 * waits ESCDELAY milliseconds) and return the key, 27 for a lone Esc, or
 * WKEY_NONE. Keys read past the sequence go back to curses (ungetch). */
int wkeys_after_esc(WINDOW *w);

/* A curses key code as the program knows it: the modified variants
 * curses names from terminfo extensions (Ctrl-Home, Shift-F1 as F13...)
 * become the plain key; others beyond KEY_MAX become WKEY_NONE. */
int wkeys_normal(int k);

/* wgetch(w), with sequences decoded and keys normalised as above. */
int wkeys_get(WINDOW *w);

#endif
