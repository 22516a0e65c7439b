#include "widgets/input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "widgets/draw.h"
#include "widgets/keys.h"
#include "engine/base/textsafe.h"
#include "widgets/theme.h"
#include "widgets/widget.h"

static struct {
	int ready;
	int active;
	int ch;          /* the byte readline reads next (or read last) */
	int ch_avail;
	int line_done;   /* the line handler ran */
	char *line;      /* what it got (NULL: EOF) */
	winput_done_fn done;
	winput_word_fn words;
	void *ctx;
	int slot, cur_slot;
	HISTORY_STATE *hist[WINPUT_SLOTS];
	WINDOW *win;     /* where the last draw happened */
	int wy, wx, ww;
	char matches[512];
	FILE *devnull;
	void (*entered)(void *, int, const char *);
	void *entered_ctx;
} in;

void winput_set_entered(void (*fn)(void *ctx, int slot, const char *line), void *ctx)
{
	in.entered = fn;
	in.entered_ctx = ctx;
}

static int getc_cb(FILE *f)
{
	(void)f;
	in.ch_avail = 0;
	return in.ch;
}

static int avail_cb(void)
{
	return in.ch_avail;
}

static void redisplay_cb(void)
{
	if (in.win)
		winput_draw(in.win, in.wy, in.wx, in.ww);
}

static void line_cb(char *line)
{
	in.line_done = 1;
	in.line = line;
}

/* Completion: prefix matches from the owner's word list. */
static size_t gen_i;
static char *generator(const char *text, int state)
{
	if (!state)
		gen_i = 0;
	if (!in.words)
		return NULL;
	size_t n = strlen(text);
	const char *wd;
	while ((wd = in.words(in.ctx, gen_i++)) != NULL)
		if (!strncmp(wd, text, n))
			return strdup(wd);
	return NULL;
}

static char **complete_cb(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_attempted_completion_over = 1; /* never fall back to file names */
	return rl_completion_matches(text, generator);
}

/* Readline would print the match list on the terminal; keep it for the
 * owner to show instead. */
static void show_matches_cb(char **matches, int num, int max_len)
{
	(void)max_len;
	size_t o = 0;
	in.matches[0] = '\0';
	for (int i = 1; i <= num && o + 2 < sizeof in.matches; i++) {
		int n = snprintf(in.matches + o, sizeof in.matches - o, "%s%s", i > 1 ? "  " : "",
		                 matches[i]);
		if (n < 0)
			break;
		o += (size_t)n;
		if (o >= sizeof in.matches)
			o = sizeof in.matches - 1;
	}
	rl_forced_update_display();
}

int winput_setup(void)
{
	if (in.ready)
		return 0;
	in.devnull = fopen("/dev/null", "r+");
	if (!in.devnull)
		return -1;
	rl_readline_name = "safer";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0; /* LINES/COLUMNS belong to curses */
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_instream = in.devnull;
	rl_outstream = in.devnull;
	rl_getc_function = getc_cb;
	rl_input_available_hook = avail_cb;
	rl_redisplay_function = redisplay_cb;
	rl_attempted_completion_function = complete_cb;
	rl_completion_display_matches_hook = show_matches_cb;
	rl_variable_bind("show-all-if-ambiguous", "on");
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("horizontal-scroll-mode", "on");
	in.ready = 1;
	return 0;
}

/* One history per slot: swap readline's global history in and out. */
static void use_slot(int slot)
{
	if (slot < 0 || slot >= WINPUT_SLOTS)
		slot = 0;
	if (slot == in.cur_slot)
		return;
	free(in.hist[in.cur_slot]);
	in.hist[in.cur_slot] = history_get_history_state();
	if (in.hist[slot]) {
		history_set_history_state(in.hist[slot]);
	} else {
		HISTORY_STATE empty;
		memset(&empty, 0, sizeof empty);
		history_set_history_state(&empty);
	}
	in.cur_slot = slot;
}

void winput_begin(int slot, const char *prompt, const char *initial, winput_done_fn done,
                  winput_word_fn words, void *ctx)
{
	if (!in.ready && winput_setup() < 0)
		return;
	if (in.active)
		rl_callback_handler_remove();
	use_slot(slot);
	in.done = done;
	in.words = words;
	in.ctx = ctx;
	in.matches[0] = '\0';
	in.line_done = 0;
	in.ch = 0;
	in.active = 1;
	rl_callback_handler_install(prompt, line_cb);
	if (initial && *initial) {
		rl_insert_text(initial);
		rl_point = rl_end;
	}
}

int winput_active(void)
{
	return in.active;
}

static void finish(char *line)
{
	winput_done_fn done = in.done;
	void *ctx = in.ctx;
	rl_callback_handler_remove();
	in.active = 0;
	in.win = NULL;
	if (line && *line) {
		add_history(line);
		if (in.entered)
			in.entered(in.entered_ctx, in.cur_slot, line);
	}
	if (done)
		done(ctx, line);
	free(line);
}

int winput_history_n(int slot)
{
	if (in.active)
		return 0; /* the line being edited owns readline's history */
	use_slot(slot);
	return history_length;
}

const char *winput_history_get(int slot, int i)
{
	if (in.active)
		return NULL;
	use_slot(slot);
	HIST_ENTRY *h = history_get(history_base + i);
	return h ? h->line : NULL;
}

void winput_history_add(int slot, const char *line)
{
	if (in.active || !line || !*line)
		return;
	use_slot(slot);
	add_history(line);
}

static void feed(int ch)
{
	in.ch = ch;
	in.ch_avail = 1;
	rl_callback_read_char();
}

/* A named key (decoded by curses or wkeys): the readline command it means. */
static void edit_key(int k)
{
	switch (k) {
	case KEY_LEFT: rl_backward_char(1, 0); break;
	case KEY_RIGHT: rl_forward_char(1, 0); break;
	case KEY_UP: rl_get_previous_history(1, 0); break;
	case KEY_DOWN: rl_get_next_history(1, 0); break;
	case KEY_HOME: rl_beg_of_line(1, 0); break;
	case KEY_END: rl_end_of_line(1, 0); break;
	case KEY_DC: rl_delete(1, 0); break;
	case KEY_BACKSPACE: feed(0x7F); return;
	case KEY_ENTER: feed('\r'); return;
	default: return; /* F-keys, PgUp...: nothing to do in a line */
	}
	if (in.win)
		winput_draw(in.win, in.wy, in.wx, in.ww);
}

static int line_end(void);

int winput_key(WINDOW *from, int ch)
{
	if (!in.active)
		return WF_IGNORED;
	if (ch == KEY_RESIZE || ch == ERR)
		return WF_IGNORED;
	in.matches[0] = '\0';
	if (ch == 27 && in.ch == 0x16) {
		feed(27); /* quoted with ^V: the byte itself */
		return line_end();
	}
	if (ch == 27)
		ch = from ? wkeys_after_esc(from) : 27;
	if (ch == 27) { /* alone: cancel */
		rl_replace_line("", 0);
		finish(NULL);
		return WF_HANDLED | WF_REDRAW | WF_CANCEL;
	}
	if (ch == WKEY_NONE)
		return WF_HANDLED;
	if (ch >= 0 && (ch & WKEY_META)) {
		feed(27); /* Meta-key for readline (M-b, M-f...) */
		ch &= ~WKEY_META;
	}
	if (ch > 0xFF) {
		edit_key(ch);
		return WF_HANDLED | WF_REDRAW;
	}
	feed(ch);
	return line_end();
}

/* The line ended (Enter, ^D on an empty line): hand it over. */
static int line_end(void)
{
	if (in.line_done) {
		char *line = in.line;
		in.line = NULL;
		in.line_done = 0;
		finish(line);
		return WF_HANDLED | WF_REDRAW | (line ? WF_ACCEPT : WF_CANCEL);
	}
	return WF_HANDLED | WF_REDRAW;
}

void winput_draw(WINDOW *w, int y, int x, int maxw)
{
	in.win = w;
	in.wy = y;
	in.wx = x;
	in.ww = maxw;
	if (!in.active || maxw <= 0)
		return;
	attr_t a = theme_attr(TH_INPUT);
	wdraw_fill(w, wrect_make(y, x, 1, maxw), a);
	const char *prompt = rl_display_prompt ? rl_display_prompt : "";
	int pw = wdraw_str(w, y, x, maxw, prompt, a | A_BOLD);
	int room = maxw - pw - 1;
	if (room <= 0)
		return;
	/* Cursor column: display width of the first rl_point bytes, made
	 * safe exactly as they are drawn. Scroll so the cursor stays in. */
	const char *buf = rl_line_buffer ? rl_line_buffer : "";
	size_t pt = (size_t)(rl_point > 0 ? rl_point : 0);
	size_t blen = strlen(buf);
	if (pt > blen)
		pt = blen;
	char *head = textsafe_dup(buf, pt, 0);
	char *all = textsafe_dup(buf, blen, 0);
	if (!head || !all) {
		free(head);
		free(all);
		return;
	}
	int cur = wdraw_width(head, strlen(head));
	/* Drop whole code points from the left until the cursor fits. */
	const char *start = all;
	int skipped = 0;
	while (cur - skipped > room && *start) {
		long cp;
		size_t left = strlen(start);
		int u = textsafe_decode((const unsigned char *)start, left, &cp);
		skipped += wdraw_width(start, (size_t)u);
		start += u;
	}
	wdraw_safe(w, y, x + pw, room, start, strlen(start), a);
	wmove(w, y, x + pw + cur - skipped);
	free(head);
	free(all);
}

const char *winput_matches(void)
{
	return in.matches;
}

void winput_cancel(void)
{
	if (!in.active)
		return;
	rl_replace_line("", 0);
	rl_callback_handler_remove();
	in.active = 0;
	in.win = NULL;
}

void winput_teardown(void)
{
	winput_cancel();
}

const char *winput_line(void)
{
	return rl_line_buffer ? rl_line_buffer : "";
}

int winput_point(void)
{
	return rl_point;
}
