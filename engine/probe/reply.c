/* Probe protocol messages (see reply.h). */
#include "engine/probe/reply.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/base64.h"
#include "engine/base/textsafe.h"
#include "engine/formats/half.h"

char *probe_request_body(const char *prompt, const char *response)
{
	char *p = textsafe_dup(prompt, strlen(prompt), TEXTSAFE_UTF8_ONLY);
	char *r = textsafe_dup(response, strlen(response), TEXTSAFE_UTF8_ONLY);
	char *out = NULL;
	json_t *o = p && r ? json_pack("{s:s, s:s}", "prompt", p, "response", r) : NULL;
	if (o)
		out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	free(p);
	free(r);
	return out;
}

static json_t *load_object(const char *body, size_t len, sf_err *e)
{
	json_error_t je;
	json_t *o = json_loadb(body, len, 0, &je);
	if (!o) {
		sf_fail(e, "the reply is not JSON (line %d: %s)", je.line, je.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		sf_fail(e, "the reply is not a JSON object");
		return NULL;
	}
	return o;
}

/* An integer field in [lo, hi]; 0, or -1 with e saying which. */
static int int_field(json_t *o, const char *k, long lo, long hi, long *out, sf_err *e)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return sf_fail(e, "the reply's \"%s\" is not an integer from %ld to %ld", k, lo, hi);
	*out = (long)json_integer_value(v);
	return 0;
}

static void copy_text(char *dst, size_t cap, json_t *v)
{
	dst[0] = 0;
	if (!json_is_string(v))
		return;
	char *t = textsafe_dup(json_string_value(v), json_string_length(v), TEXTSAFE_UTF8_ONLY);
	if (t) {
		size_t n = strlen(t);
		if (n >= cap)
			n = cap - 1;
		while (n && ((unsigned char)t[n] & 0xC0) == 0x80)
			n--; /* not inside a character */
		memcpy(dst, t, n);
		dst[n] = 0;
	}
	free(t);
}

int probe_parse_info(const char *body, size_t len, probe_info *out, sf_err *e)
{
	memset(out, 0, sizeof *out);
	json_t *o = load_object(body, len, e);
	if (!o)
		return -1;
	long d, layer = -1;
	int rc = int_field(o, "d", 1, PROBE_MAX_D, &d, e);
	if (!rc && json_object_get(o, "layer") &&
	    int_field(o, "layer", 0, 1 << 20, &layer, e))
		rc = -1;
	if (!rc) {
		out->d = (int)d;
		out->layer = (int)layer;
		out->reward = json_is_true(json_object_get(o, "reward"));
		copy_text(out->model, sizeof out->model, json_object_get(o, "model"));
		copy_text(out->hook, sizeof out->hook, json_object_get(o, "hook"));
	}
	json_decref(o);
	return rc;
}

void probe_rows_free(probe_rows *r)
{
	free(r->acts);
	free(r->tok_off);
	free(r->tok_bytes);
	free(r->flags);
	memset(r, 0, sizeof *r);
}

/* acts: base64 of n*d values of dtype into r->acts, all finite. */
static int decode_acts(json_t *a, int f16, probe_rows *r, sf_err *e)
{
	if (!json_is_string(a))
		return sf_fail(e, "the reply has no \"acts\" string");
	size_t want, count = r->n * (size_t)r->d; /* both bounded: no overflow */
	want = count * (f16 ? 2 : 4);
	size_t len = json_string_length(a);
	if (base64_decoded_max(len) < want || base64_decoded_max(len) > want + 2)
		return sf_fail(e, "the reply's \"acts\" holds about %zu bytes; n %zu x d %d x %d = %zu "
		               "expected", base64_decoded_max(len), r->n, r->d, f16 ? 2 : 4, want);
	unsigned char *raw = malloc(base64_decoded_max(len) + 1);
	r->acts = malloc((count ? count : 1) * sizeof *r->acts);
	if (!raw || !r->acts) {
		free(raw);
		return sf_fail(e, "out of memory for %zu activations", count);
	}
	long got = base64_decode(json_string_value(a), len, raw);
	if (got < 0 || (size_t)got != want) {
		free(raw);
		return sf_fail(e, "the reply's \"acts\" is not base64 of n %zu x d %d values", r->n,
		               r->d);
	}
	if (f16) {
		half_to_f32_n(raw, r->acts, count);
	} else {
		for (size_t i = 0; i < count; i++) {
			uint32_t u = (uint32_t)raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 |
			             (uint32_t)raw[4 * i + 2] << 16 | (uint32_t)raw[4 * i + 3] << 24;
			memcpy(&r->acts[i], &u, 4);
		}
	}
	free(raw);
	for (size_t i = 0; i < count; i++)
		if (!isfinite(r->acts[i]))
			return sf_fail(e, "the reply's activations hold NaN or infinity (row %zu)",
			               i / (size_t)r->d);
	return 0;
}

static int decode_tokens(json_t *t, probe_rows *r, sf_err *e)
{
	if (!json_is_array(t) || json_array_size(t) != r->n)
		return sf_fail(e, "the reply's \"tokens\" is not an array of n = %zu tokens", r->n);
	size_t total = 0;
	for (size_t i = 0; i < r->n; i++) {
		json_t *b = json_object_get(json_array_get(t, i), "bytes");
		if (!json_is_string(b) || json_string_length(b) > 4 * PROBE_MAX_TOKEN)
			return sf_fail(e, "the reply's token %zu has no \"bytes\" string (of at most %d "
			               "bytes)", i, PROBE_MAX_TOKEN);
		total += base64_decoded_max(json_string_length(b));
	}
	r->tok_off = malloc((r->n + 1) * sizeof *r->tok_off);
	r->tok_bytes = malloc(total + 1);
	r->flags = calloc(r->n ? r->n : 1, 1);
	if (!r->tok_off || !r->tok_bytes || !r->flags)
		return sf_fail(e, "out of memory for %zu tokens", r->n);
	size_t at = 0;
	r->tok_off[0] = 0;
	for (size_t i = 0; i < r->n; i++) {
		json_t *tk = json_array_get(t, i), *b = json_object_get(tk, "bytes");
		json_t *se = json_object_get(tk, "sentence_end");
		long got = base64_decode(json_string_value(b), json_string_length(b),
		                         (unsigned char *)r->tok_bytes + at);
		if (got < 0)
			return sf_fail(e, "the reply's token %zu: \"bytes\" is not base64", i);
		if (se && !json_is_boolean(se))
			return sf_fail(e, "the reply's token %zu: \"sentence_end\" is not true or false", i);
		at += (size_t)got;
		r->tok_off[i + 1] = at;
		r->flags[i] = json_is_true(se) ? 1 : 0;
	}
	r->tok_bytes[at] = 0;
	return 0;
}

int probe_parse_rows(const char *body, size_t len, probe_rows *out, sf_err *e)
{
	memset(out, 0, sizeof *out);
	out->reward = NAN;
	json_t *o = load_object(body, len, e);
	if (!o)
		return -1;
	long d, layer = -1, n;
	json_t *dt = json_object_get(o, "dtype"), *rw = json_object_get(o, "reward");
	int f16 = json_is_string(dt) && !strcmp(json_string_value(dt), "f16");
	int rc = -1;
	if (int_field(o, "d", 1, PROBE_MAX_D, &d, e) ||
	    (json_object_get(o, "layer") && int_field(o, "layer", 0, 1 << 20, &layer, e)) ||
	    int_field(o, "n", 0, PROBE_MAX_ROWS, &n, e))
		goto out;
	if (!f16 && !(json_is_string(dt) && !strcmp(json_string_value(dt), "f32"))) {
		sf_fail(e, "the reply's \"dtype\" is not \"f32\" or \"f16\"");
		goto out;
	}
	if (rw && !json_is_null(rw) && (!json_is_number(rw) || !isfinite(json_number_value(rw)))) {
		sf_fail(e, "the reply's \"reward\" is not a finite number or null");
		goto out;
	}
	out->d = (int)d;
	out->layer = (int)layer;
	out->n = (size_t)n;
	if (rw && json_is_number(rw))
		out->reward = json_number_value(rw);
	if (decode_acts(json_object_get(o, "acts"), f16, out, e) ||
	    decode_tokens(json_object_get(o, "tokens"), out, e))
		goto out;
	rc = 0;
out:
	if (rc)
		probe_rows_free(out);
	json_decref(o);
	return rc;
}
