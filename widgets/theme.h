/* Colours as a table of named elements. Every widget asks for an element
 * by name (TH_HEADER, TH_SELECTED...) and gets back curses attributes, so
 * a theme, NO_COLOR and monochrome terminals are one switch here.
 *
 * Heat (how strongly a feature fires on a token) is a ramp of
 * THEME_HEAT_LEVELS background intensities, in two hues for signed heat
 * (warm positive, blue negative); without colour it falls back
 * to bold / underline, and the activating token is always reverse video,
 * so the mark never depends on colour. */
#ifndef WIDGETS_THEME_H
#define WIDGETS_THEME_H

#include <curses.h>

enum theme_elem {
	TH_NORMAL,
	TH_TITLE,     /* top line */
	TH_HEADER,    /* table column titles */
	TH_SELECTED,  /* selected row, focused pane */
	TH_SELECTED_DIM, /* selected row, unfocused pane */
	TH_BORDER,
	TH_STATUS,    /* status line */
	TH_KEY,       /* key in the key-hint bar */
	TH_KEYDESC,   /* its description */
	TH_ERROR,
	TH_DIM,
	TH_POS,       /* positive values (chosen side, S+) */
	TH_NEG,       /* negative values (rejected side, S-) */
	TH_BAR,       /* bars, histograms, sparklines */
	TH_BAR_ALT,   /* second series (plan vs before) */
	TH_INPUT,     /* the readline line */
	TH_DIALOG,
	TH_MARK,      /* the activating token */
	TH_COUNT
};

#define THEME_HEAT_LEVELS 6

enum { THEME_AUTO = 0, THEME_MONO = 1, THEME_COLOR = 2 };

/* Call after initscr/newterm. THEME_AUTO: colour when the terminal has it
 * and NO_COLOR is unset or empty (https://no-color.org). */
void theme_init(int mode);
int theme_has_color(void);
attr_t theme_attr(int elem);
/* Attribute for heat h in [-1, 1] (level 0 is plain): positive heat in
 * the warm ramp, negative in the blue one (without colour: dimmed). */
attr_t theme_heat(double h);
int theme_heat_level(double h);
/* The element's name ("header", "selected"...), for help and tests. */
const char *theme_name(int elem);

#endif
