/* Making untrusted text safe to show on a terminal.
 *
 * Dataset text may hold escape sequences, C0/C1 controls, bidi overrides
 * and invalid UTF-8. textsafe turns any byte string into valid UTF-8 in
 * which nothing can drive a terminal:
 *   C0 controls and DEL  -> caret form: ESC -> "^[", BEL -> "^G", DEL -> "^?"
 *   C1 controls          -> "<U+009B>"
 *   bidi/format controls -> "<U+202E>" (overrides, isolates, marks)
 *   invalid, overlong or surrogate UTF-8 -> U+FFFD, one per bad byte
 * Newline and tab are kept or made visible as the caller asks. No curses
 * here: the CLI and the engine's error messages use it too. */
#ifndef ENGINE_BASE_TEXTSAFE_H
#define ENGINE_BASE_TEXTSAFE_H

#include <stddef.h>
#include <stdio.h>

enum {
	TEXTSAFE_KEEP_NL = 1,  /* keep '\n' as is (else "^J") */
	TEXTSAFE_KEEP_TAB = 2, /* keep '\t' as is (else "^I") */
	/* Only repair the encoding: invalid UTF-8 and NUL become U+FFFD, every
	 * valid code point, controls included, is kept (for JSON, which
	 * escapes controls itself). Overrides the other flags. */
	TEXTSAFE_UTF8_ONLY = 4,
};

/* Safe form of src[0..len) in a new NUL-terminated string (malloc'd), or
 * NULL when out of memory. */
char *textsafe_dup(const char *src, size_t len, int flags);

/* Decode one UTF-8 code point at s (n bytes available). Returns the number
 * of bytes used (>= 1) and stores the code point, or stores -1 for an
 * invalid sequence (and returns 1). */
int textsafe_decode(const unsigned char *s, size_t n, long *cp);

/* Non-zero for code points that must not reach a terminal raw. */
int textsafe_is_hazard(long cp);

/* 1 when s[0..n) is well-formed UTF-8 (no overlong form, surrogate or
 * code point past U+10FFFF; NUL counts as valid), else 0. */
int textsafe_utf8_valid(const char *s, size_t n);

/* Caret form only, for one-line messages: the NUL-terminated s into out
 * (cap >= 1 bytes) with C0 controls and DEL as "^J", "^?"; every other
 * byte, >= 0x80 included, is copied as it is (UTF-8 in a path reads as
 * itself). Stops at the end of s or when out is full, never splitting a
 * caret pair; out is always NUL-terminated. out and s must not overlap.
 * Returns how many bytes of s went into out: strlen(s) when all of it fit. */
size_t textsafe_caret(char *out, size_t cap, const char *s);

/* Put JSON text made with JSON_ENSURE_ASCII on f with DEL, which that
 * leaves raw, as \u007f: JSON for a terminal, nothing in it a control.
 * Returns EOF on a write error. */
int textsafe_put_json(FILE *f, const char *json);

#endif
