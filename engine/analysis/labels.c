/* Feature labels: msgpack in the workspace, JSON export/import.
 *
 * labels.msgpack: {"format": "safer-labels/1", "m": M, "sae": FP, "labels": [
 *   {"feature": F, "name": S, "safety": 0-5, "note": S, "updated": T}, ...]}
 * "sae" (16 hex digits, the SAE's fingerprint) is absent in files written
 * before labels were tied to an SAE, and when the SAE is unknown.
 * Every change rewrites the whole file through atomic_write; the in-memory
 * set only changes once the file is safely written. */
#include "engine/analysis/labels.h"

#include <errno.h>
#include <jansson.h>
#include <msgpack.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/base/atomic.h"
#include "engine/base/byfeature.h"
#include "engine/base/fingerprint.h"
#include "engine/base/infile.h"
#include "engine/base/textsafe.h"
#include "engine/formats/jsonerr.h"
#include "engine/formats/mpk.h"

#define LABELS_FORMAT "safer-labels/1"
#define LABELS_MAX_FILE ((size_t)256 << 20)
#define LABELS_MAX_JSON ((size_t)64 << 20) /* an imported labels JSON file */

void labels_init(sf_labels *out, int m)
{
	memset(out, 0, sizeof *out);
	out->m = m;
}

static void label_clear(sf_label *l)
{
	free(l->name);
	free(l->note);
	l->name = l->note = NULL;
}

void labels_free(sf_labels *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < L->n; i++)
		label_clear(&L->v[i]);
	free(L->v);
	L->v = NULL;
	L->n = 0;
}

void labels_bind(sf_labels *L, const char *path)
{
	snprintf(L->path, sizeof L->path, "%s", path);
}

_Static_assert(offsetof(sf_label, feature) == 0, "byfeature_find reads the leading feature");

static size_t find_pos(const sf_labels *L, int f)
{
	return byfeature_find(L->v, L->n, sizeof *L->v, f);
}

const sf_label *labels_get(const sf_labels *L, int feature)
{
	size_t i = find_pos(L, feature);
	return i < L->n && L->v[i].feature == feature ? &L->v[i] : NULL;
}

size_t labels_rated(const sf_labels *L)
{
	size_t c = 0;
	for (size_t i = 0; i < L->n; i++)
		c += L->v[i].safety > 0;
	return c;
}

void labels_format_time(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

int labels_parse_time(const char *s, int64_t *t)
{
	int Y, M, D, h, mi, se, n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &Y, &M, &D, &h, &mi, &se, &n) != 6 ||
	    s[n] || n != 20)
		return -1;
	if (Y < 1970 || Y > 9999 || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 ||
	    se > 60 || h < 0 || mi < 0 || se < 0)
		return -1;
	struct tm tm = { .tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D,
	                 .tm_hour = h, .tm_min = mi, .tm_sec = se };
	time_t v = timegm(&tm);
	if (v == (time_t)-1)
		return -1;
	*t = (int64_t)v;
	return 0;
}

/* Well-formed UTF-8 without NUL, at most LABEL_MAX_TEXT bytes. */
static int text_ok(const char *s, size_t n)
{
	return n <= LABEL_MAX_TEXT && !memchr(s, 0, n) && textsafe_utf8_valid(s, n);
}

/* ---- msgpack file ------------------------------------------------ */

int labels_save(const sf_labels *L, sf_err *e)
{
	if (!L->path[0])
		return 0;
	msgpack_sbuffer sb;
	msgpack_sbuffer_init(&sb);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, L->sae[0] ? 4 : 3);
	mpk_pack_cstr(&pk, "format");
	mpk_pack_cstr(&pk, LABELS_FORMAT);
	mpk_pack_cstr(&pk, "m");
	msgpack_pack_int64(&pk, L->m);
	if (L->sae[0]) {
		mpk_pack_cstr(&pk, "sae");
		mpk_pack_cstr(&pk, L->sae);
	}
	mpk_pack_cstr(&pk, "labels");
	msgpack_pack_array(&pk, L->n);
	for (size_t i = 0; i < L->n; i++) {
		const sf_label *l = &L->v[i];
		msgpack_pack_map(&pk, 5);
		mpk_pack_cstr(&pk, "feature");
		msgpack_pack_int64(&pk, l->feature);
		mpk_pack_cstr(&pk, "name");
		mpk_pack_cstr(&pk, l->name);
		mpk_pack_cstr(&pk, "safety");
		msgpack_pack_int64(&pk, l->safety);
		mpk_pack_cstr(&pk, "note");
		mpk_pack_cstr(&pk, l->note);
		mpk_pack_cstr(&pk, "updated");
		msgpack_pack_int64(&pk, l->updated);
	}
	int rc = atomic_write(L->path, sb.data, sb.size, e);
	msgpack_sbuffer_destroy(&sb);
	return rc;
}

static int read_str(const msgpack_object *o, char **out)
{
	if (!o || o->type != MSGPACK_OBJECT_STR || !text_ok(o->via.str.ptr, o->via.str.size))
		return -1;
	*out = mpk_strdup(o);
	return *out ? 0 : -1;
}

static int load_entry(sf_labels *L, const msgpack_object *o, size_t i, const char *path,
                      sf_err *e)
{
	int64_t f, s, t;
	sf_label l = { 0 };
	if (o->type != MSGPACK_OBJECT_MAP || mpk_get_i64(mpk_map_get(o, "feature"), &f) ||
	    mpk_get_i64(mpk_map_get(o, "safety"), &s) || mpk_get_i64(mpk_map_get(o, "updated"), &t))
		return sf_fail(e, "%s: label %zu: bad or missing field", path, i);
	if (f < 0 || f >= L->m)
		return sf_fail(e, "%s: label %zu: feature %lld does not exist (the SAE has %d)", path, i,
		               (long long)f, L->m);
	if (s < 0 || s > 5)
		return sf_fail(e, "%s: label %zu: safety %lld outside 1-5", path, i, (long long)s);
	if (i > 0 && L->v[i - 1].feature >= f)
		return sf_fail(e, "%s: label %zu: features out of order", path, i);
	if (read_str(mpk_map_get(o, "name"), &l.name) || read_str(mpk_map_get(o, "note"), &l.note)) {
		label_clear(&l);
		return sf_fail(e, "%s: label %zu: bad name or note", path, i);
	}
	l.feature = (int)f;
	l.safety = (int)s;
	l.updated = t;
	L->v[L->n++] = l;
	return 0;
}

/* The optional "sae" field of a labels document into sae ("" absent). */
static int read_sae(const msgpack_object *root, char sae[17], const char *path, sf_err *e)
{
	const msgpack_object *o = mpk_map_get(root, "sae");
	sae[0] = 0;
	if (!o)
		return 0;
	if (o->type != MSGPACK_OBJECT_STR || o->via.str.size != 16)
		return sf_fail(e, "%s: \"sae\" is not an SAE fingerprint", path);
	memcpy(sae, o->via.str.ptr, 16);
	sae[16] = 0;
	if (!fp_hex_ok(sae))
		return sf_fail(e, "%s: \"sae\" is not an SAE fingerprint", path);
	return 0;
}

/* 0 only when nothing is at path: whatever is there (unreadable, a FIFO)
 * is read, and refused with a message by the reader. */
static int file_present(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 || errno != ENOENT;
}

int labels_peek(const char *path, char sae[17], int64_t *m, int *exists, sf_err *e)
{
	sae[0] = 0;
	*m = -1;
	*exists = 0;
	if (!file_present(path))
		return 0;
	*exists = 1;
	mpk_doc doc;
	if (mpk_read_file(&doc, path, LABELS_MAX_FILE, e))
		return -1;
	const msgpack_object *root = &doc.u.data;
	int rc = 0;
	if (!mpk_str_eq(mpk_map_get(root, "format"), LABELS_FORMAT))
		rc = sf_fail(e, "%s: not a labels file (format %s expected)", path, LABELS_FORMAT);
	else if (read_sae(root, sae, path, e))
		rc = -1;
	else if (mpk_get_i64(mpk_map_get(root, "m"), m))
		*m = -1;
	mpk_doc_free(&doc);
	return rc;
}

/* Load path into an empty L (m set). A missing file is an empty set. */
static int labels_load_path(sf_labels *L, const char *path, sf_err *e)
{
	if (!file_present(path))
		return 0; /* nothing labelled yet */
	mpk_doc doc;
	if (mpk_read_file(&doc, path, LABELS_MAX_FILE, e))
		return -1;
	const msgpack_object *root = &doc.u.data, *arr = mpk_map_get(root, "labels");
	int rc = 0;
	if (!mpk_str_eq(mpk_map_get(root, "format"), LABELS_FORMAT) || !arr ||
	    arr->type != MSGPACK_OBJECT_ARRAY) {
		rc = sf_fail(e, "%s: not a labels file (format %s expected)", path, LABELS_FORMAT);
	} else if (read_sae(root, L->sae, path, e)) {
		rc = -1;
	} else if (arr->via.array.size &&
	           !(L->v = calloc(arr->via.array.size, sizeof *L->v))) {
		rc = sf_fail(e, "%s: out of memory", path);
	}
	for (uint32_t i = 0; !rc && i < arr->via.array.size; i++)
		rc = load_entry(L, &arr->via.array.ptr[i], i, path, e);
	mpk_doc_free(&doc);
	if (rc)
		labels_free(L);
	return rc;
}

int labels_load_file(sf_labels *out, const char *path, int m, sf_err *e)
{
	labels_init(out, m);
	if (strlen(path) >= sizeof out->path)
		return sf_fail(e, "path longer than %zu bytes: %.200s...", sizeof out->path - 1, path);
	labels_bind(out, path);
	return labels_load_path(out, path, e);
}

/* ---- changes ----------------------------------------------------- */

static int refuse_readonly(const sf_labels *L, sf_err *e)
{
	if (L->readonly)
		return sf_fail(e, "%s: the workspace is open read-only; labels cannot change",
		               L->path[0] ? L->path : "labels");
	return 0;
}

static int check_feature(const sf_labels *L, int feature, sf_err *e)
{
	if (feature < 0 || feature >= L->m)
		return sf_fail(e, "no feature %d (the SAE has %d features: 0-%d)", feature, L->m,
		               L->m - 1);
	return 0;
}

int labels_set(sf_labels *L, int feature, const char *name, int safety, const char *note,
               sf_err *e)
{
	if (refuse_readonly(L, e) || check_feature(L, feature, e))
		return -1;
	if (safety < -1 || safety > 5)
		return sf_fail(e, "safety rating %d is outside 1-5", safety);
	if (name && !text_ok(name, strlen(name)))
		return sf_fail(e, "label name is not UTF-8 text of at most %d bytes", LABEL_MAX_TEXT);
	if (note && !text_ok(note, strlen(note)))
		return sf_fail(e, "label note is not UTF-8 text of at most %d bytes", LABEL_MAX_TEXT);
	size_t i = find_pos(L, feature);
	int fresh = !(i < L->n && L->v[i].feature == feature);
	sf_label nl = { feature, NULL, 0, NULL, (int64_t)time(NULL) };
	const sf_label *old = fresh ? NULL : &L->v[i];
	nl.name = strdup(name ? name : old ? old->name : "");
	nl.note = strdup(note ? note : old ? old->note : "");
	nl.safety = safety >= 0 ? safety : old ? old->safety : 0;
	if (!nl.name || !nl.note) {
		label_clear(&nl);
		return sf_fail(e, "labels: out of memory");
	}
	if (fresh) {
		sf_label *nv = realloc(L->v, (L->n + 1) * sizeof *nv);
		if (!nv) {
			label_clear(&nl);
			return sf_fail(e, "labels: out of memory");
		}
		L->v = nv;
		memmove(L->v + i + 1, L->v + i, (L->n - i) * sizeof *nv);
		L->n++;
	}
	sf_label saved = L->v[i];
	L->v[i] = nl;
	if (labels_save(L, e)) { /* put everything back as it was */
		label_clear(&L->v[i]);
		if (fresh) {
			memmove(L->v + i, L->v + i + 1, (L->n - i - 1) * sizeof *L->v);
			L->n--;
		} else {
			L->v[i] = saved;
		}
		return -1;
	}
	if (!fresh)
		label_clear(&saved);
	return 0;
}

int labels_remove(sf_labels *L, int feature, sf_err *e)
{
	if (refuse_readonly(L, e) || check_feature(L, feature, e))
		return -1;
	size_t i = find_pos(L, feature);
	if (!(i < L->n && L->v[i].feature == feature))
		return 0;
	sf_label saved = L->v[i];
	memmove(L->v + i, L->v + i + 1, (L->n - i - 1) * sizeof *L->v);
	L->n--;
	if (labels_save(L, e)) {
		memmove(L->v + i + 1, L->v + i, (L->n - i) * sizeof *L->v);
		L->v[i] = saved;
		L->n++;
		return -1;
	}
	label_clear(&saved);
	return 0;
}

/* ---- JSON -------------------------------------------------------- */

int labels_export_json(const sf_labels *L, const char *path, sf_err *e)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < L->n; i++) {
		const sf_label *l = &L->v[i];
		char t[32];
		labels_format_time(l->updated, t);
		json_t *o = json_pack("{s:i, s:s, s:o, s:s, s:s}", "feature", l->feature, "name", l->name,
		                      "safety", l->safety ? json_integer(l->safety) : json_null(),
		                      "note", l->note, "updated", t);
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			a = NULL;
		}
	}
	atomic_file af;
	if (!a || atomic_open_out(&af, path, e)) {
		json_decref(a);
		return a ? -1 : sf_fail(e, "%s: out of memory", path);
	}
	/* on a terminal, as printable ASCII */
	char *s = json_dumps(a, JSON_INDENT(1) | (af.tty ? JSON_ENSURE_ASCII : 0));
	json_decref(a);
	if (!s) {
		atomic_abort(&af);
		return sf_fail(e, "%s: cannot encode labels", path);
	}
	if ((af.tty ? textsafe_put_json(af.f, s) : fputs(s, af.f)) == EOF || fputc('\n', af.f) == EOF) {
		free(s);
		sf_fail_errno(e, "%s: write failed", path);
		atomic_abort(&af);
		return -1;
	}
	free(s);
	return atomic_commit(&af, e);
}

/* One imported entry, validated; *l gets fresh strings. */
static int import_entry(const sf_labels *L, json_t *o, size_t i, const char *path,
                        sf_label *l, sf_err *e)
{
	memset(l, 0, sizeof *l);
	if (!json_is_object(o))
		return sf_fail(e, "%s: entry %zu is not an object", path, i);
	json_t *f = json_object_get(o, "feature"), *n = json_object_get(o, "name");
	json_t *s = json_object_get(o, "safety"), *t = json_object_get(o, "note");
	json_t *u = json_object_get(o, "updated");
	if (!json_is_integer(f))
		return sf_fail(e, "%s: entry %zu: \"feature\" must be an integer", path, i);
	json_int_t fv = json_integer_value(f);
	if (fv < 0 || fv >= L->m)
		return sf_fail(e, "%s: entry %zu: feature %lld does not exist (the SAE has %d)", path, i,
		               (long long)fv, L->m);
	if (n && !json_is_null(n) && !json_is_string(n))
		return sf_fail(e, "%s: entry %zu: \"name\" must be a string", path, i);
	if (t && !json_is_null(t) && !json_is_string(t))
		return sf_fail(e, "%s: entry %zu: \"note\" must be a string", path, i);
	if (s && !json_is_null(s) && !json_is_integer(s))
		return sf_fail(e, "%s: entry %zu: \"safety\" must be an integer 1-5", path, i);
	json_int_t sv = json_is_integer(s) ? json_integer_value(s) : 0;
	if (json_is_integer(s) && (sv < 1 || sv > 5))
		return sf_fail(e, "%s: entry %zu: safety %lld is outside 1-5", path, i, (long long)sv);
	int64_t when = (int64_t)time(NULL);
	if (u && !json_is_null(u) && (!json_is_string(u) || labels_parse_time(json_string_value(u), &when)))
		return sf_fail(e, "%s: entry %zu: \"updated\" must be a time like 2026-11-27T21:00:00Z",
		               path, i);
	const char *ns = json_is_string(n) ? json_string_value(n) : "";
	const char *ts = json_is_string(t) ? json_string_value(t) : "";
	size_t nl = json_is_string(n) ? json_string_length(n) : 0;
	size_t tl = json_is_string(t) ? json_string_length(t) : 0;
	if (!text_ok(ns, nl) || !text_ok(ts, tl))
		return sf_fail(e, "%s: entry %zu: name or note longer than %d bytes or not text", path,
		               i, LABEL_MAX_TEXT);
	l->feature = (int)fv;
	l->safety = (int)sv;
	l->updated = when;
	l->name = strdup(ns);
	l->note = strdup(ts);
	if (!l->name || !l->note) {
		label_clear(l);
		return sf_fail(e, "%s: out of memory", path);
	}
	return 0;
}

static int by_feature(const void *a, const void *b)
{
	int x = ((const sf_label *)a)->feature, y = ((const sf_label *)b)->feature;
	return (x > y) - (x < y);
}

/* Reading the JSON through a callback stops at LABELS_MAX_JSON bytes, so
 * a huge file (or an endless pipe) fails early instead of filling memory. */
typedef struct capped_src {
	FILE *f;
	size_t got;
	int over, err;
} capped_src;

static size_t capped_read(void *buf, size_t n, void *arg)
{
	capped_src *c = arg;
	if (c->got >= LABELS_MAX_JSON) {
		/* one more byte tells a file of exactly the cap from a longer one */
		if (getc(c->f) != EOF)
			c->over = 1;
		if (c->over)
			return (size_t)-1;
	}
	size_t want = LABELS_MAX_JSON - c->got < n ? LABELS_MAX_JSON - c->got : n;
	size_t r = want ? fread(buf, 1, want, c->f) : 0;
	c->got += r;
	if (r < want && ferror(c->f)) {
		c->err = 1;
		return (size_t)-1;
	}
	return r;
}

static int load_json_capped(const char *path, json_t **out, sf_err *e)
{
	capped_src c = { infile_fopen_or_stdin(path, e), 0, 0, 0 };
	if (!c.f)
		return -1;
	json_error_t je;
	*out = json_load_callback(capped_read, &c, JSON_REJECT_DUPLICATES, &je);
	int err = c.err ? errno : 0;
	fclose(c.f);
	/* jansson reads a failed callback as end of input, so a cut-off file
	 * may still parse: the flags decide */
	if (c.over || c.err) {
		json_decref(*out);
		*out = NULL;
	}
	if (*out)
		return 0;
	if (c.over)
		return sf_fail(e, "%s: larger than %zu MB; a labels file is far smaller", path,
		               LABELS_MAX_JSON >> 20);
	if (c.err) {
		errno = err;
		return sf_fail_errno(e, "%s: read error", path);
	}
	char at[24];
	return sf_fail(e, "%s%s: not valid JSON: %s", path, jsonerr_line(&je, at), je.text);
}

int labels_import_json(sf_labels *L, const char *path, size_t *n_imported, sf_err *e)
{
	if (refuse_readonly(L, e))
		return -1;
	json_t *a = NULL;
	if (load_json_capped(path, &a, e))
		return -1;
	if (!json_is_array(a)) {
		json_decref(a);
		return sf_fail(e, "%s: expected a JSON array of labels", path);
	}
	size_t n = json_array_size(a);
	sf_label *in = calloc(n ? n : 1, sizeof *in);
	int rc = in ? 0 : sf_fail(e, "%s: out of memory", path);
	size_t got = 0;
	for (; !rc && got < n; got++)
		if (import_entry(L, json_array_get(a, got), got, path, &in[got], e)) {
			rc = -1;
			break;
		}
	json_decref(a);
	if (!rc) {
		qsort(in, n, sizeof *in, by_feature);
		for (size_t i = 1; i < n && !rc; i++)
			if (in[i].feature == in[i - 1].feature)
				rc = sf_fail(e, "%s: feature %d appears twice", path, in[i].feature);
	}
	/* merge into a new array: imported entries replace existing ones */
	sf_label *mv = NULL;
	size_t mn = 0, i = 0, j = 0;
	if (!rc && !(mv = malloc((L->n + n + 1) * sizeof *mv)))
		rc = sf_fail(e, "%s: out of memory", path);
	while (!rc && (i < L->n || j < n)) {
		if (j == n || (i < L->n && L->v[i].feature < in[j].feature))
			mv[mn++] = L->v[i++];
		else if (i < L->n && L->v[i].feature == in[j].feature)
			i++, mv[mn++] = in[j++];
		else
			mv[mn++] = in[j++];
	}
	if (!rc) {
		sf_labels trial = *L;
		trial.v = mv;
		trial.n = mn;
		rc = labels_save(&trial, e);
	}
	if (rc) {
		for (size_t q = 0; q < got && q < n; q++)
			label_clear(&in[q]);
		free(in);
		free(mv);
		return -1;
	}
	/* committed: free the replaced old labels, adopt the merged array */
	for (size_t q = 0, k = 0; q < L->n; q++) {
		while (k < n && in[k].feature < L->v[q].feature)
			k++;
		if (k < n && in[k].feature == L->v[q].feature)
			label_clear(&L->v[q]);
	}
	free(L->v);
	free(in);
	L->v = mv;
	L->n = mn;
	if (n_imported)
		*n_imported = n;
	return 0;
}
