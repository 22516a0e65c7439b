/* textsafe: nothing that can drive a terminal survives. */
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "engine/base/textsafe.h"

static int check(const char *in, size_t n, int flags, const char *want, const char *name)
{
	char *got = textsafe_dup(in, n, flags);
	int r = is_str(got, want, "%s", name);
	free(got);
	return r;
}

int main(void)
{
	check("plain", 5, 0, "plain", "plain ASCII unchanged");
	check("\x1b[31mred", 8, 0, "^[[31mred", "ESC made visible");
	check("a\x07" "b\x7f", 4, 0, "a^Gb^?", "BEL and DEL in caret form");
	check("a\nb\tc", 5, 0, "a^Jb^Ic", "newline and tab visible by default");
	check("a\nb\tc", 5, TEXTSAFE_KEEP_NL | TEXTSAFE_KEEP_TAB, "a\nb\tc", "kept when asked");
	check("\xc2\x9b" "2J", 4, 0, "<U+009B>2J", "C1 CSI shown as code point");
	check("x\xe2\x80\xaey", 5, 0, "x<U+202E>y", "bidi override shown");
	check("\xc3\xa9t\xc3\xa9", 5, 0, "\xc3\xa9t\xc3\xa9", "valid UTF-8 kept");
	check("\xff" "a", 2, 0, "\xef\xbf\xbd" "a", "invalid byte to U+FFFD");
	check("\xc0\xaf", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd", "overlong '/' rejected");
	check("\xed\xa0\x80", 3, 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "surrogate rejected");
	check("\xe2\x82", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd", "truncated sequence rejected");
	check("a\0b", 3, 0, "a^@b", "NUL visible");
	check("\x1b[1m\xc3\xa9\n\xe2\x80\xae", 10, TEXTSAFE_UTF8_ONLY, "\x1b[1m\xc3\xa9\n\xe2\x80\xae",
	      "UTF-8 only: valid code points kept, controls included");
	check("a\0\xff\xc0\xaf", 5, TEXTSAFE_UTF8_ONLY | TEXTSAFE_KEEP_NL,
	      "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "UTF-8 only: NUL and bad bytes to U+FFFD");

	/* Exhaustive: no output byte is a C0 control or DEL, for every byte
	 * and every 2-byte sequence. */
	int bad = 0;
	for (int a = 0; a < 256; a++)
		for (int b = 0; b < 256; b++) {
			char in[2] = { (char)a, (char)b };
			char *o = textsafe_dup(in, 2, 0);
			for (char *p = o; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					bad++;
			/* and no C1 in UTF-8 form */
			if (strstr(o, "\xc2\x9b") || strstr(o, "\xc2\x9d"))
				bad++;
			free(o);
		}
	ok(bad == 0, "no raw control byte out of any 2-byte input (%d bad)", bad);

	/* Validation agrees with decoding: valid exactly when textsafe_dup in
	 * UTF-8-only mode leaves the bytes as they are (NUL aside), for every
	 * 1- and 2-byte input and the named 3- and 4-byte cases. */
	int disagree = 0;
	for (int a = 1; a < 256; a++)
		for (int b = 1; b < 256; b++) {
			char in[3] = { (char)a, (char)b, 0 };
			for (size_t n = 1; n <= 2; n++) {
				char *o = textsafe_dup(in, n, TEXTSAFE_UTF8_ONLY);
				int same = strlen(o) == n && !memcmp(o, in, n);
				disagree += same != textsafe_utf8_valid(in, n);
				free(o);
			}
		}
	ok(disagree == 0, "utf8_valid matches the decoder on all 1- and 2-byte inputs (%d differ)",
	   disagree);
	ok(textsafe_utf8_valid("", 0), "empty text is valid");
	ok(textsafe_utf8_valid("\xe2\x82\xac \xf0\x9f\x98\x80", 8), "3- and 4-byte forms are valid");
	ok(!textsafe_utf8_valid("\xed\xa0\x80", 3), "a surrogate is invalid");
	ok(!textsafe_utf8_valid("\xf4\x90\x80\x80", 4), "past U+10FFFF is invalid");
	ok(!textsafe_utf8_valid("\xe0\x80\xaf", 3), "an overlong form is invalid");
	ok(!textsafe_utf8_valid("\xe2\x82", 2), "a truncated sequence is invalid");

	char out[16];
	textsafe_caret(out, sizeof out, "a\nb\x1b[\x7f");
	is_str(out, "a^Jb^[[^?", "caret: C0 and DEL in caret form");
	textsafe_caret(out, sizeof out, "\xc3\xa9\xc2\x9b\xff");
	is_str(out, "\xc3\xa9\xc2\x9b\xff", "caret: bytes >= 0x80 left alone");
	size_t n = textsafe_caret(out, 5, "abc\n");
	is_str(out, "abc", "caret: a pair that does not fit is left out whole");
	ok(n == 3, "caret: returns the bytes of the input used (%zu)", n);
	n = textsafe_caret(out, 5, "abcdef");
	ok(n == 4 && !strcmp(out, "abcd"), "caret: truncates to cap - 1 bytes");
	n = textsafe_caret(out, 6, "a\x01\x02");
	ok(n == 3 && !strcmp(out, "a^A^B"), "caret: all of the input used when it fits");
	n = textsafe_caret(out, 1, "abc");
	ok(n == 0 && out[0] == 0, "caret: cap 1 gives the empty string");
	return done_testing();
}
