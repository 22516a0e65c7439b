/* Widget tests, headless: curses on a terminal that writes to /dev/null
 * and reads from a pipe the test fills; what a widget drew is read back
 * from the window with mvwinnstr. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "tests/tap.h"
#include "widgets/bars.h"
#include "widgets/chart.h"
#include "widgets/draw.h"
#include "widgets/input.h"
#include "widgets/keys.h"
#include "widgets/search.h"
#include "widgets/table.h"
#include "widgets/theme.h"
#include "widgets/tokview.h"

static int keys_w = -1;

/* Text of row y from column x, n display columns, trailing blanks cut.
 * (mvwinnstr counts bytes, so read the rest of the line and cut by width.) */
static const char *row_text(int y, int x, int n)
{
	static char buf[2048];
	buf[0] = '\0';
	mvwinnstr(stdscr, y, x, buf, (int)sizeof buf - 1);
	size_t i = 0, len = strlen(buf);
	int cols = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (i < len) {
		wchar_t wc;
		size_t u = mbrtowc(&wc, buf + i, len - i, &st);
		if (u == (size_t)-1 || u == (size_t)-2 || u == 0)
			break;
		int cw = wcwidth(wc);
		if (cols + (cw > 0 ? cw : 0) > n)
			break;
		cols += cw > 0 ? cw : 0;
		i += u;
	}
	buf[i] = '\0';
	while (i && buf[i - 1] == ' ')
		buf[--i] = '\0';
	return buf;
}

static void test_draw(void)
{
	werase(stdscr);
	int n = wdraw_text(stdscr, 0, 0, 40, "a\x1b[31mb\xff|", 9, A_NORMAL);
	is_str(row_text(0, 0, 40), "a^[[31mb\xEF\xBF\xBD|", "escape and invalid byte made visible");
	ok(n == 10, "width of the safe text is 10 (got %d)", n);
	/* A wide character never straddles the edge. */
	werase(stdscr);
	n = wdraw_text(stdscr, 1, 0, 5, "日本語", strlen("日本語"), A_NORMAL);
	ok(n == 4, "two wide chars fit in 5 columns (used %d)", n);
	is_str(row_text(1, 0, 10), "日本", "third wide char left out");
	ok(wdraw_width("日本x", strlen("日本x")) == 5, "display width of wide text");
	werase(stdscr);
	wdraw_right(stdscr, 2, 0, 10, "42", A_NORMAL);
	is_str(row_text(2, 0, 10), "        42", "right aligned");
	/* Bidi override is shown, not obeyed. */
	werase(stdscr);
	wdraw_text(stdscr, 3, 0, 40, "x\xE2\x80\xAEy", 5, A_NORMAL);
	is_str(row_text(3, 0, 40), "x<U+202E>y", "bidi override made visible");
}

struct tdata {
	int v[100];
};

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, attr_t *a)
{
	struct tdata *d = ctx;
	(void)a;
	if (col == 0)
		snprintf(buf, n, "%zu", row);
	else
		snprintf(buf, n, "v%d", d->v[row]);
}

static int cmp_int(size_t a, size_t b, void *ctx)
{
	const int *v = ctx;
	return (v[a] > v[b]) - (v[a] < v[b]);
}

static void test_table(void)
{
	static const wtable_col cols[] = { { "id", 4, 1, 0 }, { "value", 8, 0, 1 } };
	struct tdata d;
	for (int i = 0; i < 100; i++)
		d.v[i] = i * 7 % 13;
	wtable t;
	wtable_init(&t, cols, 2, cell, &d);
	t.title = "Things";
	wtable_set_rows(&t, 100);
	werase(stdscr);
	wrect r = wrect_make(0, 0, 12, 30);
	wtable_draw(stdscr, r, &t);
	ok(t.page == 9, "page is inner height minus header (%d)", t.page);
	ok(strstr(row_text(0, 0, 30), "Things") != NULL, "title in the border");
	ok(strstr(row_text(1, 0, 30), "id") && strstr(row_text(1, 0, 30), "value"), "header row");
	is_str(row_text(2, 1, 12), "   0 v0", "first row");
	int f = wtable_key(&t, 'j');
	ok((f & WF_HANDLED) && (f & WF_SELECT) && t.sel == 1, "j moves down");
	f = wtable_key(&t, 'G');
	ok(t.sel == 99, "G goes to the last row");
	wtable_draw(stdscr, r, &t);
	ok(t.top == 91, "scrolled so the last row shows (top %zu)", t.top);
	ok(strstr(row_text(10, 0, 30), "99 v") != NULL, "last row drawn at the bottom");
	f = wtable_key(&t, KEY_PPAGE);
	ok(t.sel == 91, "PgUp moves a page less one (sel %zu)", t.sel);
	f = wtable_key(&t, 'g');
	ok(t.sel == 0 && t.top == 0, "g goes to the top");
	f = wtable_key(&t, '\n');
	ok(f & WF_ACCEPT, "Enter accepts");
	f = wtable_key(&t, 'x');
	ok(f == WF_IGNORED, "unknown key falls through");
	f = wtable_key(&t, 's');
	ok((f & WF_SORT) && t.sort_col == 0, "s picks a sort column");
	/* Clicking the value title sorts by it, again reverses. */
	f = wtable_click(&t, r, 1, 10);
	ok((f & WF_SORT) && t.sort_col == 1 && t.sort_desc == 1, "click on title sorts desc");
	f = wtable_click(&t, r, 1, 10);
	ok(t.sort_desc == 0, "second click reverses");
	f = wtable_click(&t, r, 4, 3);
	ok((f & WF_SELECT) && t.sel == 2, "click selects a row (sel %zu)", t.sel);
	/* Stable permutation sort. */
	size_t perm[100];
	for (size_t i = 0; i < 100; i++)
		perm[i] = i;
	wtable_sort_perm(perm, 100, cmp_int, d.v, 0);
	int sorted = 1, stable = 1;
	for (int i = 1; i < 100; i++) {
		if (d.v[perm[i - 1]] > d.v[perm[i]])
			sorted = 0;
		if (d.v[perm[i - 1]] == d.v[perm[i]] && perm[i - 1] > perm[i])
			stable = 0;
	}
	ok(sorted && stable, "permutation sorted and stable");
	wtable_sort_perm(perm, 100, cmp_int, d.v, 1);
	ok(d.v[perm[0]] == 12 && d.v[perm[99]] == 0, "descending sort");
	/* Selected row drawn in the selection attribute. */
	t.sel = 0;
	t.top = 0;
	werase(stdscr);
	wtable_draw(stdscr, r, &t);
	chtype c = mvwinch(stdscr, 2, 3);
	ok((c & A_REVERSE) != 0, "selected row in reverse video (monochrome)");
	c = mvwinch(stdscr, 3, 3);
	ok((c & A_REVERSE) == 0, "other rows plain");
}

static void test_tokview(void)
{
	wtok toks[] = {
		{ "ab", 2, 0.0f, 0 },
		{ "日本", 6, 1.0f, 0 },
		{ "c\x1b", 2, 0.5f, 1 },
	};
	/* Width 5: "ab日" (4 cols), the next wide char wraps, then "本c^[" */
	ok(wtok_lines(toks, 3, 5, 0) == 2, "wide chars wrap to 2 lines at width 5 (%d)",
	   wtok_lines(toks, 3, 5, 0));
	werase(stdscr);
	int lines = wtok_draw(stdscr, wrect_make(0, 0, 3, 5), toks, 3, 0, 0);
	ok(lines == 2, "draw reports 2 lines");
	is_str(row_text(0, 0, 5), "ab日", "line 1");
	is_str(row_text(1, 0, 5), "本c^[", "line 2 with escape made visible");
	chtype c = mvwinch(stdscr, 1, 2);
	ok((c & A_REVERSE) != 0, "activating token in reverse video");
	c = mvwinch(stdscr, 0, 0);
	ok((c & (A_REVERSE | A_BOLD | A_UNDERLINE)) == 0, "cold token plain");
	c = mvwinch(stdscr, 0, 2);
	ok((c & A_BOLD) != 0, "hot token emphasised without colour");
	/* Word mode: a token that fits is moved whole to the next line. */
	wtok words2[] = { { "the", 3, 0, 0 }, { " quick", 6, 0, 0 }, { " brown", 6, 0, 0 } };
	werase(stdscr);
	ok(wtok_draw(stdscr, wrect_make(0, 0, 3, 10), words2, 3, 0, WTOK_WORDS) == 2,
	   "word wrap: 2 lines at width 10");
	is_str(row_text(0, 0, 10), "the quick", "word wrap line 1");
	is_str(row_text(1, 0, 10), " brown", "word wrap line 2 starts with the whole token");
	wtok longtok[] = { { "abcdefghijkl", 12, 0, 0 } };
	ok(wtok_lines(longtok, 1, 5, WTOK_WORDS) == 3, "a token wider than the line is split");
	/* Newline breaks in BREAK_NL mode. */
	wtok nl[] = { { "x\ny", 3, 0, 0 } };
	ok(wtok_lines(nl, 1, 20, WTOK_BREAK_NL) == 2, "newline breaks the line");
	ok(wtok_lines(nl, 1, 20, 0) == 1, "newline shown inline otherwise");
	/* One-line context keeps the mark in view. */
	wtok ctx[40];
	char words[40][8];
	for (int i = 0; i < 40; i++) {
		snprintf(words[i], sizeof words[i], "w%02d ", i);
		ctx[i].s = words[i];
		ctx[i].len = 4;
		ctx[i].heat = 0;
		ctx[i].mark = i == 30;
	}
	werase(stdscr);
	wtok_draw_line(stdscr, 5, 0, 30, ctx, 40);
	const char *line = row_text(5, 0, 30);
	ok(strstr(line, "w30") != NULL, "mark visible in the context line: %s", line);
	ok(strstr(line, "…") != NULL, "cut text marked with an ellipsis");
	/* Zero width never loops. */
	ok(wtok_lines(toks, 3, 0, 0) == 0, "zero width");
}

static void test_charts(void)
{
	float v[] = { 0, 0.1f, 0.2f, 0.9f, 1.0f, 0.95f };
	double bins[4];
	double mx = wchart_bin(v, 6, 0, 1, bins, 4);
	/* 4 bins of 0.25: {0, .1, .2} {} {} {.9, 1, .95} */
	ok(bins[0] == 3 && bins[1] == 0 && bins[2] == 0 && bins[3] == 3 && mx == 3,
	   "binning %g %g %g %g", bins[0], bins[1], bins[2], bins[3]);
	werase(stdscr);
	whist_draw(stdscr, wrect_make(0, 0, 2, 4), bins, 4, A_NORMAL);
	is_str(row_text(0, 3, 1), "█", "tallest bin fills the top row");
	is_str(row_text(0, 2, 1), "", "empty bin is blank");
	double s[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	werase(stdscr);
	wspark_draw(stdscr, 0, 0, 8, s, 8, A_NORMAL);
	is_str(row_text(0, 0, 8), "▁▂▃▄▅▆▇█", "sparkline ramps");
	werase(stdscr);
	wspark_draw(stdscr, 0, 0, 3, s, 8, A_NORMAL);
	/* last three: 6 7 8 -> levels 1, 1 + round(3.5), 8 */
	is_str(row_text(0, 0, 8), "▁▅█", "sparkline shows the last values");
	werase(stdscr);
	wprogress_draw(stdscr, 0, 0, 60, 0.5, "training");
	ok(strstr(row_text(0, 0, 60), " 50% training") != NULL, "progress bar: %s", row_text(0, 0, 60));
	werase(stdscr);
	whbar_draw(stdscr, 0, 0, 10, 0.5, A_NORMAL);
	is_str(row_text(0, 0, 10), "█████░░░░░", "half bar");
}

static void test_bars(void)
{
	wkey keys[] = { { "Enter", "open", '\n' }, { "/", "search", '/' }, { "q", "quit", 'q' } };
	werase(stdscr);
	wkeybar_draw(stdscr, 0, 0, 80, keys, 3);
	is_str(row_text(0, 0, 80), " Enter open  / search  q quit", "key bar");
	ok(wkeybar_hit(keys, 3, 0, 80, 13) == 1, "click on '/ search' hits key 1");
	ok(wkeybar_hit(keys, 3, 0, 80, 70) == -1, "click past the keys hits nothing");
	ok(wkeybar_code(keys, 3, 0, 80, 1) == '\n' && wkeybar_code(keys, 3, 0, 80, 13) == '/',
	   "a click sends the label's own code (Enter, /)");
	ok(wkeybar_code(keys, 3, 0, 80, 70) == 0, "a click past the keys sends nothing");
	/* A range label carries no code: a click on it sends nothing, not
	 * the first character of "1-5". */
	wkey rate[] = { { "Tab h/l", "switch side", '\t' }, { "1-5", "rate", 0 } };
	werase(stdscr);
	wkeybar_draw(stdscr, 0, 0, 80, rate, 2);
	is_str(row_text(0, 0, 80), " Tab h/l switch side  1-5 rate", "key bar with a range");
	ok(wkeybar_code(rate, 2, 0, 80, 2) == '\t', "'Tab h/l' sends Tab, not 'T'");
	ok(wkeybar_hit(rate, 2, 0, 80, 23) == 1 && wkeybar_code(rate, 2, 0, 80, 23) == 0,
	   "'1-5 rate' is hit but sends nothing");
	werase(stdscr);
	wkeybar_draw(stdscr, 0, 0, 14, keys, 3);
	is_str(row_text(0, 0, 80), " Enter open", "only whole entries that fit");
	wdialog d;
	wdialog_open(&d, "Quit", "Discard the plan?");
	werase(stdscr);
	wdialog_draw(stdscr, wrect_make(0, 0, 20, 60), &d);
	int found = 0;
	for (int y = 0; y < 20; y++)
		if (strstr(row_text(y, 0, 60), "Discard the plan?"))
			found = 1;
	ok(found, "dialog shows its message");
	ok(wdialog_key(&d, 'x') == WF_HANDLED && d.active, "dialog swallows other keys");
	ok((wdialog_key(&d, 'y') & WF_ACCEPT) && !d.active, "y accepts and closes");
	wdialog_open(&d, "Quit", "?");
	ok((wdialog_key(&d, 27) & WF_CANCEL) && !d.active, "Esc cancels");
	wlayout L;
	wlayout_screen(30, 100, &L);
	ok(!L.small && L.body.y == 1 && L.body.h == 27 && L.keys.y == 29 && L.status.y == 28,
	   "layout regions");
	wlayout_screen(8, 30, &L);
	ok(L.small, "below minimum size");
	wrect p[2];
	ok(wlayout_panes(wrect_make(1, 0, 20, 100), 2, 40, p) == 1 && p[1].x == 50 && p[0].w == 50,
	   "two panes side by side");
	ok(wlayout_panes(wrect_make(1, 0, 20, 60), 2, 40, p) == 0 && p[1].y == 11 && p[1].w == 60,
	   "stacked when narrow");
	werase(stdscr);
	wlayout_small(stdscr, 8, 30);
	ok(strstr(row_text(4, 0, 30), "too small") != NULL, "too-small message");
}

/* Readline: keys arrive through the pipe and curses, as in the program. */
static char got_line[256];
static int got_calls, got_null;

static void on_line(void *ctx, const char *line)
{
	(void)ctx;
	got_calls++;
	got_null = line == NULL;
	snprintf(got_line, sizeof got_line, "%s", line ? line : "");
}

static const char *words[] = { "sort", "salience", "label", "goto", "quit", NULL };
static const char *word_at(void *ctx, size_t i)
{
	(void)ctx;
	return i < 5 ? words[i] : NULL;
}

static void type(const char *s)
{
	ssize_t n = write(keys_w, s, strlen(s));
	(void)n;
	/* Until the pipe is drained: the input may read ahead after Esc. */
	wtimeout(stdscr, 50);
	int ch;
	while ((ch = wgetch(stdscr)) != ERR)
		winput_key(stdscr, ch);
}

static void test_input(void)
{
	keypad(stdscr, FALSE);
	meta(stdscr, TRUE); /* 8-bit input: UTF-8 bytes reach readline whole */
	ok(winput_setup() == 0, "readline set up");
	winput_begin(0, ":", NULL, on_line, word_at, NULL);
	ok(winput_active(), "input active");
	type("sort sal\t");
	is_str(winput_line(), "sort salience ", "Tab completes a word from the list");
	type("\x01x"); /* ^A then x */
	is_str(winput_line(), "xsort salience ", "^A moves to the start (emacs keys)");
	type("\x01\x04\x05"); /* ^A, ^D deletes x, ^E to the end */
	ok(winput_point() == (int)strlen("sort salience "), "^E to the end");
	type("\x08\r"); /* backspace, Enter */
	ok(got_calls == 1 && !strcmp(got_line, "sort salience"), "line delivered: '%s'", got_line);
	ok(!winput_active(), "input closed after Enter");
	/* History: ^P brings the last line back. */
	winput_begin(0, ":", NULL, on_line, word_at, NULL);
	type("\x10");
	is_str(winput_line(), "sort salience", "^P recalls history");
	/* Arrow keys arrive as raw escape sequences (keypad off). */
	type("\x1b[D\x1b[DX");
	is_str(winput_line(), "sort salienXce", "left arrow via escape sequence");
	/* Ambiguous completion lists the matches instead of printing them. */
	type("\x15s\t"); /* ^U clears, then s + Tab */
	ok(strstr(winput_matches(), "salience") && strstr(winput_matches(), "sort"),
	   "matches listed: '%s'", winput_matches());
	/* A lone Esc cancels (nothing follows in the pipe). */
	got_calls = 0;
	type("\x1b");
	ok(got_calls == 1 && got_null && !winput_active(), "Esc cancels with a NULL line");
	/* A separate history slot does not see slot 0's lines. */
	winput_begin(1, "name: ", "old name", on_line, NULL, NULL);
	is_str(winput_line(), "old name", "initial text");
	type("\x10");
	is_str(winput_line(), "old name", "slot 1 history is empty");
	/* Drawing: prompt, text and cursor column by display width. */
	type("\x15日本x\x02");
	werase(stdscr);
	winput_draw(stdscr, 3, 0, 40);
	int cy, cx;
	getyx(stdscr, cy, cx);
	is_str(row_text(3, 0, 40), "name: 日本x", "input drawn with prompt");
	ok(cy == 3 && cx == 6 + 4, "cursor after the wide chars (col %d)", cx);
	/* A control character typed with ^V is drawn visibly. */
	type("\x16\x1b");
	werase(stdscr);
	winput_draw(stdscr, 3, 0, 40);
	is_str(row_text(3, 0, 40), "name: 日本^[x", "control char in the line made visible");
	type("\r");
	ok(!strcmp(got_line, "日本\x1bx"), "line keeps the typed bytes");
	winput_teardown();
	ok(!winput_active(), "teardown");
}

/* Decode S (the bytes after Esc) as complete: the key and how many it used. */
static int dec(const char *s, int *used)
{
	int in[WKEY_MAX_SEQ], key = -99;
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		in[i] = (unsigned char)s[i];
	*used = wkeys_decode(in, n, 1, &key);
	return key;
}

static void test_keys(void)
{
	static const struct { const char *seq; int key; const char *what; } known[] = {
		{ "[1~", KEY_HOME, "Home (vt220, tmux, screen, Linux)" }, { "[7~", KEY_HOME, "Home (rxvt)" },
		{ "[H", KEY_HOME, "Home (xterm)" }, { "OH", KEY_HOME, "Home (xterm app mode)" },
		{ "[1;5H", KEY_HOME, "Ctrl-Home" }, { "[7^", KEY_HOME, "Ctrl-Home (rxvt)" },
		{ "[4~", KEY_END, "End" }, { "[8~", KEY_END, "End (rxvt)" }, { "[F", KEY_END, "End (xterm)" },
		{ "OF", KEY_END, "End (app mode)" }, { "[4$", KEY_END, "Shift-End (rxvt)" },
		{ "[3~", KEY_DC, "Delete" }, { "[3;2~", KEY_DC, "Shift-Delete" }, { "[2~", KEY_IC, "Insert" },
		{ "[5~", KEY_PPAGE, "PgUp" }, { "[6~", KEY_NPAGE, "PgDn" },
		{ "OP", KEY_F(1), "F1 (xterm)" }, { "[11~", KEY_F(1), "F1 (rxvt)" },
		{ "[[A", KEY_F(1), "F1 (Linux console)" }, { "[[E", KEY_F(5), "F5 (Linux console)" },
		{ "[1;2P", KEY_F(1), "Shift-F1 (xterm)" }, { "[15~", KEY_F(5), "F5" },
		{ "[17~", KEY_F(6), "F6" }, { "[21~", KEY_F(10), "F10" }, { "[24~", KEY_F(12), "F12" },
		{ "[A", KEY_UP, "Up" }, { "OB", KEY_DOWN, "Down (app mode)" }, { "[1;3C", KEY_RIGHT, "Alt-Right" },
		{ "Oa", KEY_UP, "Ctrl-Up (rxvt)" }, { "[d", KEY_LEFT, "Shift-Left (rxvt)" },
		{ "[Z", KEY_BTAB, "Shift-Tab" }, { "Op", '0', "keypad 0" }, { "Oy", '9', "keypad 9" },
		{ "OM", '\r', "keypad Enter" }, { "\033[A", KEY_UP, "Alt-Up (rxvt: Esc Esc [ A)" },
		{ "[99~", WKEY_NONE, "unknown tilde key dropped" }, { "[200~", WKEY_NONE, "paste start dropped" },
		{ "[?1;2c", WKEY_NONE, "a terminal's reply dropped" }, { "[<0;3;4M", WKEY_NONE, "SGR mouse dropped" },
		{ "[I", WKEY_NONE, "focus report dropped" }, { "[M !!", WKEY_NONE, "X10 mouse dropped" },
		{ "O2R", KEY_F(3), "Shift-F3 (old xterm)" }, { "Oz", WKEY_NONE, "unknown SS3 dropped" },
	};
	int used;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		int k = dec(known[i].seq, &used);
		ok(k == known[i].key && used == (int)strlen(known[i].seq), "ESC %s: %s (key %d, used %d)",
		   known[i].seq[0] == 27 ? "ESC..." : known[i].seq, known[i].what, k, used);
	}
	ok(dec("", &used) == 27 && used == 0, "nothing after Esc: a lone Esc");
	ok(dec("q", &used) == (WKEY_META | 'q') && used == 1, "Esc q: Alt-q");
	ok(dec("[", &used) == (WKEY_META | '[') && used == 1, "Esc [ and nothing more: Alt-[");
	ok(dec("\033", &used) == 27 && used == 0, "Esc Esc: the first is a lone Esc");
	ok(dec("\033q", &used) == 27 && used == 0, "Esc Esc q: Esc, then Alt-q");
	ok(dec("[1;", &used) == WKEY_NONE && used == 3, "a sequence cut short is dropped whole");
	ok(dec("[1\x01", &used) == WKEY_NONE && used == 2, "a control key ends it: kept for later");
	ok(dec("[1~j", &used) == KEY_HOME && used == 3, "the key after a sequence is not part of it");
	int in[4] = { '[', '1' }, key;
	ok(wkeys_decode(in, 2, 0, &key) == -1, "ESC [ 1 asks for more");
	ok(wkeys_decode(in, 0, 0, &key) == -1, "nothing yet asks for more");
	in[0] = KEY_UP;
	ok(wkeys_decode(in, 1, 0, &key) == 1 && key == KEY_UP, "Esc then a decoded key: that key");
	ok(wkeys_normal(KEY_F(13)) == KEY_F(1) && wkeys_normal(KEY_F(26)) == KEY_F(2),
	   "Shift-F1 (F13) and Ctrl-F2 (F26) are F1 and F2");
	ok(wkeys_normal('a') == 'a' && wkeys_normal(KEY_HOME) == KEY_HOME, "plain keys unchanged");
	/* Read from the terminal: a sequence the terminfo entry lacks arrives
	 * whole; a lone Esc waits ESCDELAY and stays Esc. */
	keypad(stdscr, TRUE);
	const char *burst = "\033[7~x\033[99~y";
	ssize_t wn = write(keys_w, burst, strlen(burst));
	(void)wn;
	wtimeout(stdscr, 200);
	int k1 = wkeys_get(stdscr), k2 = wkeys_get(stdscr), k3 = wkeys_get(stdscr),
	    k4 = wkeys_get(stdscr);
	ok(k1 == KEY_HOME && k2 == 'x' && k3 == WKEY_NONE && k4 == 'y',
	   "read whole from the terminal (%d %d %d %d)", k1, k2, k3, k4);
	wn = write(keys_w, "\033", 1);
	ok(wkeys_get(stdscr) == 27, "a lone Esc read from the terminal");
	keypad(stdscr, FALSE);
}

static const char *const search_words[] = { "alpha", "Beta", "gamma", "beta max", "delta" };

static int word_hit(size_t i, void *ctx)
{
	return wsearch_match(ctx, search_words[i]);
}

static void test_search(void)
{
	wsearch q;
	char err[200];
	int wrapped;
	memset(&q, 0, sizeof q);
	ok(wsearch_set(&q, "BETA( max)?$", 1, err, sizeof err) == 0 && wsearch_active(&q),
	   "an extended regular expression compiles");
	ok(wsearch_match(&q, "beta") && wsearch_match(&q, "x beta max") && !wsearch_match(&q, "betamax"),
	   "it matches in any case, groups and anchors as POSIX says");
	long i = wsearch_step(5, 0, 1, 1, word_hit, &q, &wrapped);
	ok(i == 1 && !wrapped, "down from the top: the first match (%ld)", i);
	i = wsearch_step(5, 1, 1, 0, word_hit, &q, &wrapped);
	ok(i == 3 && !wrapped, "next: the second (%ld)", i);
	i = wsearch_step(5, 3, 1, 0, word_hit, &q, &wrapped);
	ok(i == 1 && wrapped, "past the last it wraps to the first, and says so (%ld)", i);
	i = wsearch_step(5, 1, -1, 0, word_hit, &q, &wrapped);
	ok(i == 3 && wrapped, "up from the first it wraps to the last (%ld)", i);
	i = wsearch_step(5, 4, -1, 1, word_hit, &q, &wrapped);
	ok(i == 3 && !wrapped, "up from the end: the last match (%ld)", i);
	size_t so, eo;
	ok(wsearch_find(&q, "a beta max", 10, 0, &so, &eo) && so == 2 && eo == 10,
	   "the match's bytes (%zu, %zu)", so, eo);
	ok(wsearch_set(&q, "gam", 1, err, sizeof err) == 0 &&
	   wsearch_step(5, 2, 1, 0, word_hit, &q, &wrapped) == 2 && wrapped,
	   "a single match is found again from itself, wrapped");
	ok(wsearch_set(&q, "a(b", 1, err, sizeof err) < 0 && !wsearch_active(&q) &&
	   strstr(err, "bad regular expression 'a(b'"), "a bad expression is refused: %s", err);
	ok(wsearch_step(5, 0, 1, 1, word_hit, &q, &wrapped) == -1, "no search: nothing matches");
	char big[WSEARCH_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ok(wsearch_set(&q, big, 1, err, sizeof err) < 0, "a pattern over %d bytes is refused",
	   WSEARCH_MAX - 1);
	wsearch_clear(&q);
}

/* Narrow tables drop columns in their order; cut cells end in …; the
 * search's matches are drawn in the mark attribute. */
static void test_table_narrow(void)
{
	static const wtable_col cols[] = { { "id", 4, 1, 0 }, { "extra", 10, 1, 0 },
		                               { "name", 6, 0, 1 }, { "keep", 4, 0, 0 } };
	static const int drop[] = { 0, 1, 0, 0 };
	struct tdata d;
	for (int i = 0; i < 100; i++)
		d.v[i] = i;
	wtable t;
	wtable_init(&t, cols, 4, cell, &d);
	t.drop = drop;
	wtable_set_rows(&t, 3);
	werase(stdscr);
	wtable_draw(stdscr, wrect_make(0, 0, 6, 22), &t);
	const char *h = row_text(1, 0, 22);
	ok(strstr(h, "keep") && !strstr(h, "extra"), "too narrow: the droppable column goes, the "
	   "last stays (%s)", h);
	werase(stdscr);
	wtable_draw(stdscr, wrect_make(0, 0, 6, 40), &t);
	h = row_text(1, 0, 40);
	ok(strstr(h, "extra") && strstr(h, "keep"), "wide enough: every column (%s)", h);
	werase(stdscr);
	wdraw_cut(stdscr, 0, 0, 6, "abcdefghij", 10, A_NORMAL);
	is_str(row_text(0, 0, 10), "abcde\u2026", "a cut text ends in …");
	werase(stdscr);
	wdraw_cut(stdscr, 0, 0, 6, "abcdef", 6, A_NORMAL);
	is_str(row_text(0, 0, 10), "abcdef", "a text that fits is whole");
	wsearch q;
	char err[100];
	memset(&q, 0, sizeof q);
	wsearch_set(&q, "v1", 1, err, sizeof err);
	t.hl = &q;
	t.sel = 2;
	werase(stdscr);
	wtable_draw(stdscr, wrect_make(0, 0, 6, 40), &t);
	h = row_text(3, 0, 40);
	const char *at = strstr(h, "v1");
	int col = at ? (int)(at - h) : -1;
	ok(col > 0 && (mvwinch(stdscr, 3, col) & A_REVERSE) && !(mvwinch(stdscr, 3, col - 2) & A_REVERSE),
	   "the match is marked, the rest of the row is not (%s)", h);
	wsearch_clear(&q);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	setenv("TERM", "xterm-256color", 1);
	setenv("LINES", "30", 1);
	setenv("COLUMNS", "100", 1);
	unsetenv("INPUTRC");
	setenv("INPUTRC", "/dev/null", 1);
	int fds[2];
	if (pipe(fds) < 0)
		return 1;
	keys_w = fds[1];
	FILE *out = fopen("/dev/null", "w");
	FILE *in = fdopen(fds[0], "r");
	SCREEN *scr = newterm("xterm-256color", out, in);
	if (!scr) {
		printf("Bail out! newterm failed\n");
		return 1;
	}
	set_term(scr);
	cbreak();
	noecho();
	ESCDELAY = 10;
	/* Monochrome so attributes can be checked without colour pairs. */
	setenv("NO_COLOR", "1", 1);
	theme_init(THEME_AUTO);
	ok(!theme_has_color(), "NO_COLOR gives monochrome");
	ok(theme_attr(TH_SELECTED) == A_REVERSE, "monochrome selection is reverse video");
	ok(theme_heat_level(0) == 0 && theme_heat_level(1) == THEME_HEAT_LEVELS - 1 &&
	   theme_heat_level(0.5) > 1, "heat levels");
	is_str(theme_name(TH_HEADER), "header", "elements are named");
	test_draw();
	test_table();
	test_table_narrow();
	test_search();
	test_tokview();
	test_charts();
	test_bars();
	test_keys();
	test_input();
	endwin();
	delscreen(scr);
	return done_testing();
}
