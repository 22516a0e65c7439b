/* JSON shapes without parsing: see engine/base/jsonscan.h. */
#include "engine/base/jsonscan.h"

#include <string.h>

int json_scan(const char *s, size_t n, size_t max_values, int max_depth, json_shape *out)
{
	memset(out, 0, sizeof *out);
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '"':
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			continue;
		case '{':
		case '[':
			out->values++;
			if (++depth > out->depth)
				out->depth = depth;
			break;
		case '}':
		case ']':
			depth--;
			break;
		case ':':
			out->top_keys += depth == 1;
			out->values++;
			break;
		case ',':
			out->values++;
			break;
		default:
			continue;
		}
		if (out->values > max_values || out->depth > max_depth)
			return 1;
	}
	return 0;
}

typedef struct cur {
	const char *s;
	size_t n, i;
} cur;

static void ws_skip(cur *c)
{
	while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' ||
	                       c->s[c->i] == '\r'))
		c->i++;
}

static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

static int hex4(cur *c)
{
	for (int k = 0; k < 4; k++, c->i++) {
		char h = c->i < c->n ? c->s[c->i] : 0;
		if (!is_digit(h) && !(h >= 'a' && h <= 'f') && !(h >= 'A' && h <= 'F'))
			return 0;
	}
	return 1;
}

static int string(cur *c)
{
	c->i++; /* the opening quote */
	while (c->i < c->n) {
		unsigned char ch = (unsigned char)c->s[c->i++];
		if (ch == '"')
			return 1;
		if (ch < 0x20)
			return 0;
		if (ch != '\\')
			continue;
		if (c->i >= c->n)
			return 0;
		ch = (unsigned char)c->s[c->i++];
		if (ch == 'u') {
			if (!hex4(c))
				return 0;
		} else if (!strchr("\"\\/bfnrt", ch) || !ch) {
			return 0;
		}
	}
	return 0;
}

static int digits(cur *c)
{
	size_t i0 = c->i;
	while (c->i < c->n && is_digit(c->s[c->i]))
		c->i++;
	return c->i > i0;
}

static int number(cur *c)
{
	if (c->i < c->n && c->s[c->i] == '-')
		c->i++;
	if (c->i < c->n && c->s[c->i] == '0')
		c->i++;
	else if (!digits(c))
		return 0;
	if (c->i < c->n && c->s[c->i] == '.') {
		c->i++;
		if (!digits(c))
			return 0;
	}
	if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
		c->i++;
		if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
			c->i++;
		if (!digits(c))
			return 0;
	}
	return 1;
}

static int word(cur *c, const char *w)
{
	size_t l = strlen(w);
	if (c->n - c->i < l || memcmp(c->s + c->i, w, l))
		return 0;
	c->i += l;
	return 1;
}

static int value(cur *c, int depth);

/* An object or array after its opening bracket. */
static int members(cur *c, int depth, char close, int keyed)
{
	c->i++;
	ws_skip(c);
	if (c->i < c->n && c->s[c->i] == close) {
		c->i++;
		return 1;
	}
	for (;;) {
		ws_skip(c);
		if (keyed) {
			if (c->i >= c->n || c->s[c->i] != '"' || !string(c))
				return 0;
			ws_skip(c);
			if (c->i >= c->n || c->s[c->i++] != ':')
				return 0;
		}
		if (!value(c, depth))
			return 0;
		ws_skip(c);
		if (c->i >= c->n)
			return 0;
		char ch = c->s[c->i++];
		if (ch == close)
			return 1;
		if (ch != ',')
			return 0;
	}
}

static int value(cur *c, int depth)
{
	ws_skip(c);
	if (c->i >= c->n)
		return 0;
	switch (c->s[c->i]) {
	case '{': return depth > 0 && members(c, depth - 1, '}', 1);
	case '[': return depth > 0 && members(c, depth - 1, ']', 0);
	case '"': return string(c);
	case 't': return word(c, "true");
	case 'f': return word(c, "false");
	case 'n': return word(c, "null");
	default: return number(c);
	}
}

int json_valid(const char *s, size_t n, int max_depth)
{
	cur c = { s, n, 0 };
	if (!value(&c, max_depth))
		return 0;
	ws_skip(&c);
	return c.i == n;
}
