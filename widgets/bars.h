/* The status line, the key-hint bar (htop's FunctionBar), a modal confirm
 * dialog and the screen layout that reflows on resize. */
#ifndef WIDGETS_BARS_H
#define WIDGETS_BARS_H

#include <curses.h>

#include "widgets/widget.h"

/* One key hint, as htop's FunctionBar keeps a label and an event per
 * entry: code is the key a click on the label sends. A label that names
 * several keys says in its code which one a click means; 0 sends nothing
 * (a click then only tells what to press), for labels where any one key
 * would pick a value the user did not choose ("1-5 rate"). */
typedef struct wkey {
	const char *key;  /* as shown: "Enter", "/", "1-5" */
	const char *desc; /* "open", "search" */
	int code;         /* sent by a click: '\n', '/', 0 for none */
} wkey;

/* One line at row y filling the width: text in attr (made safe), ending
 * in … when cut. */
void wstatus_draw(WINDOW *w, int y, int x, int maxw, const char *text, attr_t attr);
/* Keys then descriptions, as many as fit. */
void wkeybar_draw(WINDOW *w, int y, int x, int maxw, const wkey *keys, int n);
/* Index of the key drawn at column cx by wkeybar_draw, or -1. */
int wkeybar_hit(const wkey *keys, int n, int x, int maxw, int cx);
/* The code a click at column cx sends (keys[i].code), 0 for none. */
int wkeybar_code(const wkey *keys, int n, int x, int maxw, int cx);

/* A modal yes/no question. */
typedef struct wdialog {
	const char *title;
	const char *msg;
	int active;
} wdialog;

void wdialog_open(wdialog *d, const char *title, const char *msg);
/* Drawn centred in r. */
void wdialog_draw(WINDOW *w, wrect r, const wdialog *d);
/* y / Enter: WF_ACCEPT; n / Esc / q: WF_CANCEL; both close it. Every other
 * key is swallowed (modal). */
int wdialog_key(wdialog *d, int key);

/* The screen's regions: a title line, the body, a status line and the key
 * bar. small is set below the minimum size (body empty). */
typedef struct wlayout {
	wrect title, body, status, keys;
	int small;
} wlayout;

enum { WLAYOUT_MIN_W = 40, WLAYOUT_MIN_H = 10 };

void wlayout_screen(int lines, int cols, wlayout *out);
/* n panes across r when each gets at least min_w columns, else stacked.
 * Returns 1 when side by side. */
int wlayout_panes(wrect r, int n, int min_w, wrect *out);
/* Draw the "terminal too small" message. */
void wlayout_small(WINDOW *w, int lines, int cols);

#endif
