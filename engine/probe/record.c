/* The probe record (see record.h). */
#include "engine/probe/record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/base/textsafe.h"

/* A JSON string of any bytes (UTF-8 repaired); NULL when out of memory. */
static json_t *text_json(const char *s, size_t n)
{
	char *t = textsafe_dup(s, n, TEXTSAFE_UTF8_ONLY);
	json_t *v = t ? json_string(t) : NULL;
	free(t);
	return v;
}

static int set_text(json_t *o, const char *k, const char *s)
{
	return s ? json_object_set_new(o, k, text_json(s, strlen(s))) : 0;
}

static json_t *features(const probe_result *res, const sf_labels *L)
{
	json_t *a = json_array();
	for (int i = 0; a && i < res->n_feat; i++) {
		const probe_feature *f = &res->feat[i];
		const sf_label *lb = L ? labels_get(L, f->feature) : NULL;
		const char *name = lb ? lb->name : "";
		if (json_array_append_new(a, json_pack("{s:i, s:f, s:f, s:i, s:o}", "feature",
		                                       f->feature, "total", f->total, "max",
		                                       (double)f->max, "rows", f->rows, "label",
		                                       text_json(name, strlen(name)))))
			return json_decref(a), NULL;
	}
	return a;
}

static json_t *tokens(const probe_rows *r, const probe_result *res, int top)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->n; i++) {
		json_t *t = json_array();
		const uint32_t *ri;
		const float *rv;
		size_t nr = probe_row(res, i, &ri, &rv);
		for (size_t j = 0; t && j < nr && j < (size_t)top; j++) {
			if (rv[j] <= 0)
				break; /* largest first: the rest is not active */
			json_array_append_new(t, json_pack("{s:i, s:f}", "feature", (int)ri[j], "act",
			                                   (double)rv[j]));
		}
		json_t *o = json_pack("{s:o, s:b, s:o}", "text",
		                      text_json(r->tok_bytes + r->tok_off[i],
		                                r->tok_off[i + 1] - r->tok_off[i]),
		                      "sentence_end", r->flags[i] & 1, "top", t);
		if (json_array_append_new(a, o))
			return json_decref(a), NULL;
	}
	return a;
}

json_t *probe_record(const probe_record_in *in)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = 0;
	if (in->name) {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
		bad |= set_text(o, "name", in->name) | set_text(o, "saved", ts);
	}
	bad |= json_object_set_new(o, "features", features(in->res, in->L));
	bad |= json_object_set_new(o, "score", json_real(in->res->score));
	bad |= json_object_set_new(o, "score_rows", json_integer(in->res->score_rows));
	bad |= json_object_set_new(o, "reward", isfinite(in->rows->reward)
	                                            ? json_real(in->rows->reward) : json_null());
	bad |= json_object_set_new(o, "fallback", json_boolean(in->fallback));
	bad |= set_text(o, "rows", in->rows_mode);
	bad |= set_text(o, "prompt", in->prompt) | set_text(o, "response", in->response);
	bad |= set_text(o, "url", in->url) | set_text(o, "model", in->model);
	bad |= set_text(o, "sae", in->sae);
	bad |= json_object_set_new(o, "d", json_integer(in->rows->d));
	if (in->rows->layer >= 0)
		bad |= json_object_set_new(o, "layer", json_integer(in->rows->layer));
	if (in->tokens)
		bad |= json_object_set_new(o, "tokens", tokens(in->rows, in->res, in->top));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
