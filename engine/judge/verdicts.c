/* The judge's verdicts as JSON in the workspace (see verdicts.h). */
#include "engine/judge/verdicts.h"

#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/analysis/labels.h"
#include "engine/base/atomic.h"
#include "engine/base/byfeature.h"
#include "engine/base/fingerprint.h"
#include "engine/base/infile.h"
#include "engine/base/textsafe.h"

#define VERDICTS_FORMAT "safer-judge/1"
#define VERDICTS_MAX_FILE ((size_t)512 << 20)

void verdicts_init(sf_verdicts *V, int m)
{
	memset(V, 0, sizeof *V);
	V->m = m;
}

static void verdict_clear(sf_verdict *v)
{
	free(v->explanation);
	free(v->model);
	free(v->raw);
	v->explanation = v->model = v->raw = NULL;
}

void verdicts_free(sf_verdicts *V)
{
	if (!V)
		return;
	for (size_t i = 0; i < V->n; i++)
		verdict_clear(&V->v[i]);
	free(V->v);
	V->v = NULL;
	V->n = 0;
}

_Static_assert(offsetof(sf_verdict, feature) == 0, "byfeature_find reads the leading feature");

static size_t find_pos(const sf_verdicts *V, int f)
{
	return byfeature_find(V->v, V->n, sizeof *V->v, f);
}

const sf_verdict *verdicts_get(const sf_verdicts *V, int feature)
{
	size_t i = find_pos(V, feature);
	return i < V->n && V->v[i].feature == feature ? &V->v[i] : NULL;
}

size_t verdicts_scored(const sf_verdicts *V)
{
	size_t c = 0;
	for (size_t i = 0; i < V->n; i++)
		c += V->v[i].score > 0;
	return c;
}

/* A stored copy: valid UTF-8, at most VERDICT_MAX_TEXT bytes. */
static char *text_copy(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > VERDICT_MAX_TEXT)
		n = VERDICT_MAX_TEXT;
	return textsafe_dup(s ? s : "", n, TEXTSAFE_UTF8_ONLY);
}

static int copy_verdict(sf_verdict *dst, const sf_verdict *src)
{
	*dst = *src;
	dst->explanation = text_copy(src->explanation);
	dst->model = text_copy(src->model);
	dst->raw = text_copy(src->raw);
	if (!dst->explanation || !dst->model || !dst->raw) {
		verdict_clear(dst);
		return -1;
	}
	return 0;
}

static json_t *to_json(const sf_verdicts *V)
{
	json_t *a = json_array();
	json_t *root = json_pack("{s:s, s:i, s:s, s:o}", "format", VERDICTS_FORMAT, "m", V->m,
	                         "sae", V->sae, "verdicts", a);
	for (size_t i = 0; root && i < V->n; i++) {
		const sf_verdict *v = &V->v[i];
		char t[32];
		labels_format_time(v->time, t);
		json_t *o = json_pack("{s:i, s:o, s:s, s:s, s:s, s:s}", "feature", v->feature, "score",
		                      v->score ? json_integer(v->score) : json_null(), "explanation",
		                      v->explanation, "model", v->model, "time", t, "raw", v->raw);
		if (o && v->check_n > 0 &&
		    json_object_set_new(o, "check", json_pack("{s:i, s:i}", "correct", v->check_correct,
		                                              "n", v->check_n))) {
			json_decref(o);
			o = NULL;
		}
		if (!o || json_array_append_new(a, o)) {
			json_decref(root);
			return NULL;
		}
	}
	return root;
}

int verdicts_save(const sf_verdicts *V, sf_err *e)
{
	if (!V->path[0])
		return sf_fail(e, "judge verdicts: not bound to a file");
	json_t *root = to_json(V);
	char *s = root ? json_dumps(root, JSON_INDENT(1)) : NULL;
	json_decref(root);
	if (!s)
		return sf_fail(e, "%s: out of memory", V->path);
	size_t n = strlen(s);
	s[n] = '\n'; /* json_dumps left room for the NUL we replace */
	int rc = atomic_write(V->path, s, n + 1, e);
	free(s);
	return rc;
}

int verdicts_put(sf_verdicts *V, const sf_verdict *v, sf_err *e)
{
	if (v->feature < 0 || v->feature >= V->m)
		return sf_fail(e, "judge verdicts: no feature %d (the SAE has %d)", v->feature, V->m);
	if (v->score < 0 || v->score > 5)
		return sf_fail(e, "judge verdicts: score %d is outside 1-5", v->score);
	if (v->check_n < 0 || v->check_n > 1000 || v->check_correct < 0 ||
	    v->check_correct > v->check_n)
		return sf_fail(e, "judge verdicts: check %d of %d is not a result", v->check_correct,
		               v->check_n);
	sf_verdict nv;
	if (copy_verdict(&nv, v))
		return sf_fail(e, "judge verdicts: out of memory");
	size_t i = find_pos(V, v->feature);
	int replace = i < V->n && V->v[i].feature == v->feature;
	sf_verdict old;
	if (replace) {
		old = V->v[i];
		V->v[i] = nv;
	} else {
		sf_verdict *nvv = realloc(V->v, (V->n + 1) * sizeof *nvv);
		if (!nvv) {
			verdict_clear(&nv);
			return sf_fail(e, "judge verdicts: out of memory");
		}
		V->v = nvv;
		memmove(&V->v[i + 1], &V->v[i], (V->n - i) * sizeof *V->v);
		V->v[i] = nv;
		V->n++;
	}
	if (verdicts_save(V, e)) { /* put the old state back */
		verdict_clear(&V->v[i]);
		if (replace) {
			V->v[i] = old;
		} else {
			memmove(&V->v[i], &V->v[i + 1], (V->n - i - 1) * sizeof *V->v);
			V->n--;
		}
		return -1;
	}
	if (replace)
		verdict_clear(&old);
	return 0;
}

static int read_capped(const char *path, char **buf, size_t *len, int *missing, sf_err *e)
{
	*buf = NULL;
	*missing = 0;
	struct stat st;
	FILE *f = infile_fopen(path, &st, e); /* a FIFO in its place is refused, not waited on */
	if (!f) {
		if (errno == ENOENT) {
			*missing = 1;
			return 0;
		}
		return -1;
	}
	if ((size_t)st.st_size > VERDICTS_MAX_FILE) {
		fclose(f);
		return sf_fail(e, "%s: larger than %zu MB; a verdicts file is far smaller", path,
		               VERDICTS_MAX_FILE >> 20);
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		fclose(f);
		return sf_fail(e, "%s: out of memory", path);
	}
	*len = fread(*buf, 1, (size_t)st.st_size + 1, f);
	int bad = ferror(f) || *len > (size_t)st.st_size;
	fclose(f);
	if (bad) {
		free(*buf);
		*buf = NULL;
		return sf_fail(e, "%s: read error or changed while read", path);
	}
	return 0;
}

static int str_field(json_t *o, const char *k, const char *path, size_t i, char **out, sf_err *e)
{
	json_t *s = json_object_get(o, k);
	if (!json_is_string(s))
		return sf_fail(e, "%s: verdict %zu: \"%s\" must be a string", path, i + 1, k);
	*out = text_copy(json_string_value(s));
	return *out ? 0 : sf_fail(e, "%s: out of memory", path);
}

static int parse_entry(sf_verdicts *V, json_t *o, size_t i, const char *path, sf_err *e)
{
	if (!json_is_object(o))
		return sf_fail(e, "%s: verdict %zu is not an object", path, i + 1);
	json_t *f = json_object_get(o, "feature"), *s = json_object_get(o, "score");
	json_t *t = json_object_get(o, "time");
	if (!json_is_integer(f) || json_integer_value(f) < 0 || json_integer_value(f) >= V->m)
		return sf_fail(e, "%s: verdict %zu: \"feature\" must be a feature number 0-%d", path,
		               i + 1, V->m - 1);
	if (!json_is_null(s) && (!json_is_integer(s) || json_integer_value(s) < 1 ||
	                         json_integer_value(s) > 5))
		return sf_fail(e, "%s: verdict %zu: \"score\" must be 1-5 or null", path, i + 1);
	sf_verdict *v = &V->v[i];
	memset(v, 0, sizeof *v);
	v->feature = (int)json_integer_value(f);
	v->score = json_is_integer(s) ? (int)json_integer_value(s) : 0;
	if (i > 0 && V->v[i - 1].feature >= v->feature)
		return sf_fail(e, "%s: verdict %zu: features must be sorted and unique", path, i + 1);
	json_t *ck = json_object_get(o, "check");
	if (ck) {
		json_t *cc = json_object_get(ck, "correct"), *cn = json_object_get(ck, "n");
		if (!json_is_integer(cc) || !json_is_integer(cn) || json_integer_value(cn) < 1 ||
		    json_integer_value(cn) > 1000 || json_integer_value(cc) < 0 ||
		    json_integer_value(cc) > json_integer_value(cn))
			return sf_fail(e, "%s: verdict %zu: \"check\" must be {\"correct\": C, \"n\": N} "
			               "with 0 <= C <= N <= 1000", path, i + 1);
		v->check_correct = (int)json_integer_value(cc);
		v->check_n = (int)json_integer_value(cn);
	}
	if (!json_is_string(t) || labels_parse_time(json_string_value(t), &v->time))
		return sf_fail(e, "%s: verdict %zu: \"time\" must be a UTC time", path, i + 1);
	if (str_field(o, "explanation", path, i, &v->explanation, e) ||
	    str_field(o, "model", path, i, &v->model, e) || str_field(o, "raw", path, i, &v->raw, e))
		return -1;
	return 0;
}

int verdicts_load(sf_verdicts *V, const char *path, int m, sf_err *e)
{
	verdicts_init(V, m);
	if (strlen(path) >= sizeof V->path)
		return sf_fail(e, "%s: path too long", path);
	char *buf;
	size_t len = 0;
	int missing;
	if (read_capped(path, &buf, &len, &missing, e))
		return -1;
	snprintf(V->path, sizeof V->path, "%s", path);
	if (missing)
		return 0;
	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	free(buf);
	if (!root)
		return sf_fail(e, "%s:%d: not valid JSON: %s", path, je.line, je.text);
	int rc = -1;
	json_t *fm = json_object_get(root, "format"), *jm = json_object_get(root, "m");
	json_t *sae = json_object_get(root, "sae"), *a = json_object_get(root, "verdicts");
	if (!json_is_string(fm) || strcmp(json_string_value(fm), VERDICTS_FORMAT))
		sf_fail(e, "%s: not a judge verdicts file (format is not \"%s\")", path,
		        VERDICTS_FORMAT);
	else if (!json_is_integer(jm) || json_integer_value(jm) != m)
		sf_fail(e, "%s: made for an SAE of another width (the SAE has %d features)", path, m);
	else if (!json_is_string(sae) ||
	         (json_string_length(sae) && !fp_hex_ok(json_string_value(sae))))
		sf_fail(e, "%s: \"sae\" must be an SAE fingerprint", path);
	else if (!json_is_array(a))
		sf_fail(e, "%s: \"verdicts\" must be an array", path);
	else if (json_array_size(a) && !(V->v = calloc(json_array_size(a), sizeof *V->v)))
		sf_fail(e, "%s: out of memory", path);
	else {
		snprintf(V->sae, sizeof V->sae, "%s", json_string_value(sae));
		rc = 0;
		for (size_t i = 0; i < json_array_size(a) && !rc; i++) {
			rc = parse_entry(V, json_array_get(a, i), i, path, e);
			V->n = i + 1;
		}
	}
	json_decref(root);
	if (rc) {
		verdicts_free(V);
		V->path[0] = 0;
	}
	return rc;
}
