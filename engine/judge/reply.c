/* Parsing the judge's reply (see reply.h). */
#include "engine/judge/reply.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/textsafe.h"

int judge_reply_text(sf_judge_reply *out, const char *text, size_t len, sf_err *e)
{
	memset(out, 0, sizeof *out);
	if (!(out->content = textsafe_dup(text, len, TEXTSAFE_UTF8_ONLY)))
		return sf_fail(e, "out of memory");
	return 0;
}

void judge_reply_free(sf_judge_reply *r)
{
	free(r->content);
	r->content = NULL;
}

static long usage_count(json_t *usage, const char *k)
{
	json_t *v = json_object_get(usage, k);
	return json_is_integer(v) && json_integer_value(v) >= 0 &&
	               json_integer_value(v) < (1L << 40)
	           ? (long)json_integer_value(v)
	           : 0;
}

int judge_reply_parse(sf_judge_reply *out, const char *body, size_t len, sf_err *e)
{
	memset(out, 0, sizeof *out);
	json_error_t je;
	json_t *o = json_loadb(body, len, JSON_ALLOW_NUL, &je);
	if (!o)
		return sf_fail(e, "reply is not JSON (%s)", je.text);
	int rc = -1;
	json_t *ch = json_object_get(o, "choices");
	json_t *msg = json_object_get(json_array_get(ch, 0), "message");
	json_t *c = json_object_get(msg, "content");
	if (!json_is_object(o))
		sf_fail(e, "reply is not a JSON object");
	else if (!json_is_array(ch) || !json_array_size(ch))
		sf_fail(e, "reply has no \"choices\"");
	else if (!json_is_string(c))
		sf_fail(e, "reply has no choices[0].message.content string");
	else if (!(out->content = textsafe_dup(json_string_value(c), json_string_length(c),
	                                       TEXTSAFE_UTF8_ONLY)))
		sf_fail(e, "out of memory");
	else {
		json_t *u = json_object_get(o, "usage");
		out->prompt_tokens = usage_count(u, "prompt_tokens");
		out->completion_tokens = usage_count(u, "completion_tokens");
		rc = 0;
	}
	json_decref(o);
	return rc;
}

/* Case-insensitive search for an ASCII word. */
static const char *find_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	for (; *s; s++)
		if (!strncasecmp(s, w, n))
			return s;
	return NULL;
}

int judge_parse_score(const char *text)
{
	for (const char *p = text; (p = find_word(p, "score")); p++) {
		const char *q = p + 5;
		/* between the word and the digit: markdown, punctuation, brackets */
		for (int k = 0; k < 8 && *q && strchr(" \t*_:=[(#\"'`", *q); k++)
			q++;
		if (*q >= '1' && *q <= '5' && !isdigit((unsigned char)q[1]) &&
		    !(q[1] == '.' && isdigit((unsigned char)q[2])))
			return *q - '0';
	}
	return 0;
}

static char *trimmed_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && (isspace((unsigned char)s[n - 1])))
		n--;
	char *r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = 0;
	}
	return r;
}

char *judge_parse_explanation(const char *text)
{
	const char *p = find_word(text, "explanation");
	if (p) {
		p += strlen("explanation");
		while (*p && strchr("*_ \t", *p))
			p++;
		if (*p == ':') {
			p++;
			while (*p && strchr("*_ \t", *p))
				p++;
			return trimmed_dup(p, strlen(p));
		}
	}
	/* no label: the text without the line holding the score */
	const char *s = find_word(text, "score");
	if (!s || !judge_parse_score(text))
		return trimmed_dup(text, strlen(text));
	const char *bol = s, *eol = strchr(s, '\n');
	while (bol > text && bol[-1] != '\n')
		bol--;
	size_t before = (size_t)(bol - text);
	const char *after = eol ? eol + 1 : s + strlen(s);
	char *joined = malloc(before + strlen(after) + 1);
	if (!joined)
		return NULL;
	memcpy(joined, text, before);
	strcpy(joined + before, after);
	char *r = trimmed_dup(joined, strlen(joined));
	free(joined);
	return r;
}

static void one_line(const char *s, size_t n, char *out, size_t cap)
{
	char *t = textsafe_dup(s, n, TEXTSAFE_UTF8_ONLY);
	size_t k = 0;
	for (const char *c = t ? t : ""; *c && k + 1 < cap; c++)
		out[k++] = (*c == '\n' || *c == '\r' || *c == '\t') ? ' ' : *c;
	/* do not end inside a UTF-8 sequence */
	size_t lead = k;
	while (lead > 0 && ((unsigned char)out[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead > 0 && ((unsigned char)out[lead - 1] & 0x80)) {
		unsigned char b = (unsigned char)out[lead - 1];
		size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
		if (lead - 1 + need > k)
			k = lead - 1;
	}
	out[k] = 0;
	free(t);
}

void judge_error_message(const char *body, size_t len, char *out, size_t cap)
{
	if (cap == 0)
		return;
	out[0] = 0;
	json_t *o = json_loadb(body, len, 0, NULL);
	json_t *er = json_object_get(o, "error");
	json_t *m = json_is_string(er) ? er : json_object_get(er, "message");
	if (!json_is_string(m))
		m = json_object_get(o, "message");
	if (!json_is_string(m))
		m = json_object_get(o, "detail");
	if (json_is_string(m))
		one_line(json_string_value(m), json_string_length(m), out, cap);
	else
		one_line(body, len > 4096 ? 4096 : len, out, cap);
	json_decref(o);
}
