#include "widgets/keys.h"

#include <string.h>

/* ECMA-48: a CSI sequence is ESC [, parameter bytes 0x30-0x3F,
 * intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E; SS3 is ESC O
 * and the same. rxvt ends its modified keys in '$' (shift), '^' (ctrl)
 * or '@' (both) after the number instead of '~'. */
static int is_param(int c) { return c >= 0x30 && c <= 0x3F; }
static int is_inter(int c) { return c >= 0x20 && c <= 0x2F; }
static int is_final(int c) { return c >= 0x40 && c <= 0x7E; }

/* ESC [ N ~ (vt220, xterm, screen, tmux, Linux console, rxvt). */
static int tilde_key(int n)
{
	switch (n) {
	case 1: case 7: return KEY_HOME; /* 7 and 8: rxvt */
	case 4: case 8: return KEY_END;
	case 2: return KEY_IC;
	case 3: return KEY_DC;
	case 5: return KEY_PPAGE;
	case 6: return KEY_NPAGE;
	}
	if (n >= 11 && n <= 15)
		return KEY_F(n - 10); /* rxvt, putty */
	if (n >= 17 && n <= 21)
		return KEY_F(n - 11);
	if (n == 23 || n == 24)
		return KEY_F(n - 12);
	return WKEY_NONE;
}

/* A final letter of CSI or SS3, any modifier ignored (Ctrl-Home is Home). */
static int letter_key(int c, int ss3)
{
	switch (c) {
	case 'A': case 'a': return KEY_UP; /* lower case: rxvt's shift/ctrl arrows */
	case 'B': case 'b': return KEY_DOWN;
	case 'C': case 'c': return KEY_RIGHT;
	case 'D': case 'd': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	case 'P': case 'Q': case 'R': case 'S': return KEY_F(c - 'P' + 1);
	case 'Z': return KEY_BTAB;
	}
	if (!ss3)
		return WKEY_NONE;
	/* The application keypad (curses turns it on with keypad mode). */
	if (c >= 'p' && c <= 'y')
		return '0' + (c - 'p');
	switch (c) {
	case 'M': return '\r';
	case 'j': return '*';
	case 'k': return '+';
	case 'l': return ',';
	case 'm': return '-';
	case 'n': return '.';
	case 'o': return '/';
	case 'X': return '=';
	}
	return WKEY_NONE;
}

/* in[0] is '[' or 'O'. */
static int decode_seq(const int *in, size_t n, int final, int *key)
{
	int ss3 = in[0] == 'O';
	size_t i = 1;
	if (!ss3 && n >= 2 && in[1] == '[') { /* Linux console F1-F5: ESC [ [ A..E */
		if (n < 3) {
			if (!final)
				return -1;
			*key = WKEY_NONE;
			return 2;
		}
		*key = in[2] >= 'A' && in[2] <= 'E' ? KEY_F(in[2] - 'A' + 1) : WKEY_NONE;
		return is_final(in[2]) ? 3 : 2;
	}
	if (!ss3 && n >= 2 && in[1] == 'M') { /* X10 mouse report: three bytes follow */
		if (n < 5 && !final)
			return -1;
		*key = WKEY_NONE;
		return n < 5 ? (int)n : 5;
	}
	/* Only the first number names the key; the second is a modifier
	 * (ignored: Ctrl-Home is Home). "<", "=", ">", "?" mark private
	 * sequences: mouse reports, replies to queries, never a key. */
	long p1 = -1;
	int first = 1, priv = 0;
	while (i < n && is_param(in[i])) {
		int b = in[i++];
		if (b >= '0' && b <= '9') {
			if (first && p1 < 100000)
				p1 = (p1 < 0 ? 0 : p1) * 10 + (b - '0');
		} else if (b == ';' || b == ':') {
			first = 0;
		} else {
			priv = 1;
		}
	}
	if (!ss3 && i < n && p1 >= 0 && first && (in[i] == '$' || in[i] == '^' || in[i] == '@')) {
		*key = tilde_key((int)p1);
		return (int)i + 1;
	}
	while (i < n && is_inter(in[i]))
		i++;
	if (i == n) {
		if (!final)
			return -1;
		if (n == 1) { /* Alt-[ or Alt-O */
			*key = WKEY_META | in[0];
			return 1;
		}
		*key = WKEY_NONE; /* cut short: drop what came */
		return (int)n;
	}
	if (!is_final(in[i])) {
		/* Not a sequence after all (a control key, a curses key): drop
		 * the part read and leave that key for what comes next. */
		*key = i == 1 ? WKEY_META | in[0] : WKEY_NONE;
		return (int)i;
	}
	int c = in[i];
	if (priv)
		*key = WKEY_NONE;
	else if (c == '~')
		*key = ss3 ? WKEY_NONE : tilde_key((int)p1);
	else
		*key = letter_key(c, ss3);
	return (int)i + 1;
}

int wkeys_decode(const int *in, size_t n, int final, int *key)
{
	if (n == 0) {
		if (!final)
			return -1;
		*key = 27;
		return 0;
	}
	int c = in[0];
	if (c == 27) {
		/* Esc Esc: Alt with a sequence (rxvt sends Alt-Up as ESC ESC [ A),
		 * else two keys, the first a lone Esc. */
		if (n == 1)
			return final ? (*key = 27, 0) : -1;
		if (in[1] != '[' && in[1] != 'O') {
			*key = 27;
			return 0;
		}
		int used = decode_seq(in + 1, n - 1, final, key);
		if (used < 0)
			return -1;
		if (used == 1) {
			*key = 27;
			return 0;
		}
		return used + 1;
	}
	if (c == '[' || c == 'O')
		return decode_seq(in, n, final, key);
	/* Esc then a curses key (curses decoded the rest): that key. */
	if (c > 0xFF) {
		*key = wkeys_normal(c);
		return 1;
	}
	*key = WKEY_META | c;
	return 1;
}

int wkeys_normal(int k)
{
	if (k < KEY_MIN || k == KEY_RESIZE || k == KEY_MOUSE)
		return k;
	/* xterm's shifted and controlled F-keys are F13-F60: the F-key. */
	if (k >= KEY_F(13) && k <= KEY_F(60))
		return KEY_F((k - KEY_F(13)) % 12 + 1);
	if (k <= KEY_MAX)
		return k;
	/* Keys of the terminfo extensions (kHOM5: Ctrl-Home, kUP3: Alt-Up...):
	 * by the name's stem, the modifier ignored. */
	static const struct { const char *stem; int key; } ext[] = {
		{ "kHOM", KEY_HOME }, { "kEND", KEY_END }, { "kUP", KEY_UP }, { "kDN", KEY_DOWN },
		{ "kLFT", KEY_LEFT }, { "kRIT", KEY_RIGHT }, { "kDC", KEY_DC }, { "kIC", KEY_IC },
		{ "kNXT", KEY_NPAGE }, { "kPRV", KEY_PPAGE },
	};
	const char *name = keyname(k);
	for (size_t i = 0; name && i < sizeof ext / sizeof ext[0]; i++) {
		size_t l = strlen(ext[i].stem);
		if (!strncmp(name, ext[i].stem, l) && name[l] >= '0' && name[l] <= '9')
			return ext[i].key;
	}
	return WKEY_NONE;
}

int wkeys_after_esc(WINDOW *w)
{
	int in[WKEY_MAX_SEQ];
	size_t n = 0;
	int key = 27, used;
	int delay = wgetdelay(w);
	int esc_ms = ESCDELAY > 0 ? ESCDELAY : 25;
	for (;;) {
		int final = 0;
		if (n == WKEY_MAX_SEQ) {
			/* Too long to be a key: swallow it to its final byte. */
			int c;
			wtimeout(w, esc_ms < 50 ? 50 : esc_ms);
			while ((c = wgetch(w)) != ERR && !is_final(c))
				;
			key = WKEY_NONE;
			used = (int)n;
			break;
		}
		/* The first byte after Esc within ESCDELAY, or Esc was alone; the
		 * rest of a sequence comes at once but may cross a slow link. */
		wtimeout(w, n == 0 ? esc_ms : esc_ms < 50 ? 50 : esc_ms);
		int c = wgetch(w);
		if (c == ERR)
			final = 1;
		else
			in[n++] = c;
		used = wkeys_decode(in, n, final, &key);
		if (used >= 0)
			break;
	}
	for (size_t i = n; i > (size_t)used; i--)
		ungetch(in[i - 1]);
	wtimeout(w, delay);
	return key;
}

int wkeys_get(WINDOW *w)
{
	int c = wgetch(w);
	return c == 27 ? wkeys_after_esc(w) : wkeys_normal(c);
}
