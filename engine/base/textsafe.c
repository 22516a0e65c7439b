#include "engine/base/textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int textsafe_decode(const unsigned char *s, size_t n, long *cp)
{
	unsigned c = s[0];
	int len;
	long v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4; v = c & 0x07; min = 0x10000;
	} else {
		*cp = -1;
		return 1;
	}
	if ((size_t)len > n) {
		*cp = -1;
		return 1;
	}
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = -1;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = -1;
		return 1;
	}
	*cp = v;
	return len;
}

int textsafe_is_hazard(long cp)
{
	if (cp < 0x20 || cp == 0x7F)
		return 1;
	if (cp >= 0x80 && cp <= 0x9F)
		return 1;
	/* Bidi embeddings/overrides/isolates and marks, and the Arabic letter
	 * mark: they reorder what the user reads. */
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200E || cp == 0x200F || cp == 0x061C)
		return 1;
	/* Line and paragraph separators act as newlines in some terminals. */
	if (cp == 0x2028 || cp == 0x2029)
		return 1;
	return 0;
}

int textsafe_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		long cp;
		i += (size_t)textsafe_decode(p + i, n - i, &cp);
		if (cp < 0)
			return 0;
	}
	return 1;
}

/* The caret form of a C0 control or DEL: "^@".."^_", "^?". */
static void put_caret(char *out, unsigned c)
{
	out[0] = '^';
	out[1] = c == 0x7F ? '?' : (char)('@' + c);
}

size_t textsafe_caret(char *out, size_t cap, const char *s)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	for (; *p && o + 1 < cap; p++) {
		if (*p >= 0x20 && *p != 0x7F) {
			out[o++] = (char)*p;
			continue;
		}
		if (o + 2 >= cap)
			break;
		put_caret(out + o, *p);
		o += 2;
	}
	out[o] = 0;
	return (size_t)(p - (const unsigned char *)s);
}

char *textsafe_dup(const char *src, size_t len, int flags)
{
	/* Worst case: every byte becomes "<U+XXXX>" (8) or U+FFFD (3). */
	size_t cap = len * 8 + 1;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0;
	while (i < len) {
		long cp;
		int used = textsafe_decode(s + i, len - i, &cp);
		if (cp < 0 || (cp == 0 && (flags & TEXTSAFE_UTF8_ONLY))) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
		} else if (flags & TEXTSAFE_UTF8_ONLY) {
			memcpy(out + o, s + i, (size_t)used);
			o += (size_t)used;
		} else if (cp == '\n' && (flags & TEXTSAFE_KEEP_NL)) {
			out[o++] = '\n';
		} else if (cp == '\t' && (flags & TEXTSAFE_KEEP_TAB)) {
			out[o++] = '\t';
		} else if (cp < 0x20 || cp == 0x7F) {
			put_caret(out + o, (unsigned)cp);
			o += 2;
		} else if (textsafe_is_hazard(cp)) {
			o += (size_t)snprintf(out + o, cap - o, "<U+%04lX>", cp);
		} else {
			memcpy(out + o, s + i, (size_t)used);
			o += (size_t)used;
		}
		i += (size_t)used;
	}
	out[o] = '\0';
	return out;
}

int textsafe_put_json(FILE *f, const char *json)
{
	for (const char *p = json; *p; p++)
		if ((*p == 0x7f ? fputs("\\u007f", f) : fputc(*p, f)) == EOF)
			return EOF;
	return 0;
}
