#include "widgets/theme.h"

#include <stdlib.h>

/* One row per element: its name, colour pair (fg, bg; -1 = terminal
 * default) and the attributes used with colour and without. */
struct theme_row {
	const char *name;
	short fg, bg;
	attr_t color_attr, mono_attr;
};

static const struct theme_row table[TH_COUNT] = {
	[TH_NORMAL] = { "normal", -1, -1, A_NORMAL, A_NORMAL },
	[TH_TITLE] = { "title", COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[TH_HEADER] = { "header", COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE | A_BOLD },
	[TH_SELECTED] = { "selected", COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[TH_SELECTED_DIM] = { "selected-dim", COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_UNDERLINE },
	[TH_BORDER] = { "border", COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[TH_STATUS] = { "status", COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[TH_KEY] = { "key", COLOR_WHITE, -1, A_BOLD, A_BOLD },
	[TH_KEYDESC] = { "keydesc", COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[TH_ERROR] = { "error", COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE },
	[TH_DIM] = { "dim", COLOR_BLUE, -1, A_BOLD, A_DIM },
	[TH_POS] = { "positive", COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[TH_NEG] = { "negative", COLOR_RED, -1, A_NORMAL, A_NORMAL },
	[TH_BAR] = { "bar", COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[TH_BAR_ALT] = { "bar-alt", COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL },
	[TH_INPUT] = { "input", -1, -1, A_NORMAL, A_NORMAL },
	[TH_DIALOG] = { "dialog", COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE },
	[TH_MARK] = { "mark", -1, -1, A_REVERSE | A_BOLD, A_REVERSE | A_BOLD },
};

/* Heat backgrounds: 256-colour ramps from dark to bright, orange-red for
 * positive heat and blue for negative, and 8-colour fallbacks. Level 0
 * is always the plain background. */
static const short heat256[2][THEME_HEAT_LEVELS] = {
	{ -1, 52, 94, 130, 166, 202 },
	{ -1, 17, 18, 19, 20, 27 },
};
static const short heat8[2][THEME_HEAT_LEVELS] = {
	{ -1, -1, COLOR_MAGENTA, COLOR_RED, COLOR_RED, COLOR_RED },
	{ -1, -1, COLOR_CYAN, COLOR_BLUE, COLOR_BLUE, COLOR_BLUE },
};

static int use_color;
static attr_t attrs[TH_COUNT];
static attr_t heat[2][THEME_HEAT_LEVELS]; /* positive, negative */

static int no_color_env(void)
{
	const char *v = getenv("NO_COLOR");
	return v && *v;
}

static void init_mono(void)
{
	for (int i = 0; i < TH_COUNT; i++)
		attrs[i] = table[i].mono_attr;
	/* Without colour, heat shows as emphasis in three steps. */
	for (int i = 0; i < THEME_HEAT_LEVELS; i++) {
		heat[0][i] = i < 2 ? A_NORMAL : i < 4 ? A_UNDERLINE : A_BOLD | A_UNDERLINE;
		heat[1][i] = i < 2 ? A_NORMAL : i < 4 ? A_DIM | A_UNDERLINE : A_DIM | A_BOLD | A_UNDERLINE;
	}
}

void theme_init(int mode)
{
	use_color = mode == THEME_COLOR ||
	            (mode == THEME_AUTO && has_colors() && !no_color_env());
	if (use_color && start_color() == ERR)
		use_color = 0;
	if (!use_color) {
		init_mono();
		return;
	}
	use_default_colors();
	short pair = 1;
	for (int i = 0; i < TH_COUNT; i++, pair++) {
		init_pair(pair, table[i].fg, table[i].bg);
		attrs[i] = COLOR_PAIR(pair) | table[i].color_attr;
	}
	for (int sg = 0; sg < 2; sg++) {
		const short *ramp = COLORS >= 256 ? heat256[sg] : heat8[sg];
		for (int i = 0; i < THEME_HEAT_LEVELS; i++, pair++) {
			short fg = (COLORS < 256 && i >= 2) ? (sg && i == 2 ? COLOR_BLACK : COLOR_WHITE) : -1;
			init_pair(pair, fg, ramp[i]);
			heat[sg][i] = COLOR_PAIR(pair) |
			              (COLORS < 256 && i == THEME_HEAT_LEVELS - 1 ? A_BOLD : 0);
		}
		heat[sg][0] = A_NORMAL;
	}
}

int theme_has_color(void)
{
	return use_color;
}

attr_t theme_attr(int elem)
{
	if (elem < 0 || elem >= TH_COUNT)
		return A_NORMAL;
	return attrs[elem];
}

int theme_heat_level(double h)
{
	if (h < 0)
		h = -h;
	if (!(h > 0))
		return 0;
	if (h >= 1)
		return THEME_HEAT_LEVELS - 1;
	int l = 1 + (int)(h * (THEME_HEAT_LEVELS - 1));
	return l >= THEME_HEAT_LEVELS ? THEME_HEAT_LEVELS - 1 : l;
}

attr_t theme_heat(double h)
{
	return heat[h < 0][theme_heat_level(h)];
}

const char *theme_name(int elem)
{
	return (elem >= 0 && elem < TH_COUNT) ? table[elem].name : "?";
}
