#include "engine/ws/history_ws.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/base/atomic.h"
#include "engine/base/infile.h"
#include "engine/ws/workspace.h"

void history_free(sf_history *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].text);
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

static int push(sf_history *h, const char *kind, const char *text, size_t len, sf_err *e)
{
	sf_history_entry *v = realloc(h->v, (h->n + 1) * sizeof *v);
	if (!v)
		return sf_fail(e, "out of memory");
	h->v = v;
	char *t = malloc(len + 1);
	if (!t)
		return sf_fail(e, "out of memory");
	memcpy(t, text, len);
	t[len] = '\0';
	snprintf(v[h->n].kind, sizeof v[h->n].kind, "%s", kind);
	v[h->n].text = t;
	h->n++;
	return 0;
}

/* One line: {"kind": K, "text": T}, both strings within their bounds. */
static int parse_line(sf_history *h, const char *s, size_t n, const char *path, size_t lineno,
                      sf_err *e)
{
	json_error_t je;
	json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
	json_t *k = json_is_object(o) ? json_object_get(o, "kind") : NULL;
	json_t *t = json_is_object(o) ? json_object_get(o, "text") : NULL;
	int rc;
	if (!json_is_string(k) || !json_is_string(t))
		rc = sf_fail(e, "%s:%zu: not a history entry ({\"kind\": ..., \"text\": ...})", path,
		             lineno);
	else if (json_string_length(k) >= HISTORY_KIND_MAX || !json_string_length(k) ||
	         memchr(json_string_value(k), 0, json_string_length(k)))
		rc = sf_fail(e, "%s:%zu: kind empty or longer than %d bytes", path, lineno,
		             HISTORY_KIND_MAX - 1);
	else if (json_string_length(t) > HISTORY_TEXT_MAX ||
	         memchr(json_string_value(t), 0, json_string_length(t)))
		rc = sf_fail(e, "%s:%zu: text longer than %d bytes or holding a NUL", path, lineno,
		             HISTORY_TEXT_MAX);
	else
		rc = push(h, json_string_value(k), json_string_value(t), json_string_length(t), e);
	json_decref(o);
	return rc;
}

int history_read(sf_history *h, const struct ws *w, sf_err *e)
{
	char path[4096];
	struct stat sb;
	memset(h, 0, sizeof *h);
	if (ws_file(w, "history.jsonl", path, sizeof path, e))
		return -1;
	FILE *f = infile_fopen(path, &sb, e);
	if (!f)
		return errno == ENOENT ? 0 : -1;
	if (sb.st_size > HISTORY_FILE_MAX) {
		fclose(f);
		return sf_fail(e, "%s: larger than %d bytes: not a history", path, HISTORY_FILE_MAX);
	}
	char *buf = malloc((size_t)sb.st_size + 1);
	size_t n = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
	int bad = !buf || ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return sf_fail(e, "%s: cannot read", path);
	}
	size_t lineno = 0;
	for (size_t at = 0; at < n;) {
		const char *nl = memchr(buf + at, '\n', n - at);
		size_t len = nl ? (size_t)(nl - (buf + at)) : n - at;
		lineno++;
		if (len && parse_line(h, buf + at, len, path, lineno, e)) {
			free(buf);
			history_free(h);
			return -1;
		}
		at += len + 1;
	}
	free(buf);
	return 0;
}

/* Keep the newest HISTORY_MAX of each kind (the entries are oldest first). */
static void trim(sf_history *h)
{
	size_t o = 0;
	for (size_t i = 0; i < h->n; i++) {
		size_t later = 0;
		for (size_t j = i + 1; j < h->n && later < HISTORY_MAX; j++)
			later += !strcmp(h->v[j].kind, h->v[i].kind);
		if (later >= HISTORY_MAX)
			free(h->v[i].text);
		else
			h->v[o++] = h->v[i];
	}
	h->n = o;
}

static int write_all(const sf_history *h, const char *path, sf_err *e)
{
	atomic_file af;
	if (atomic_open(&af, path, e))
		return -1;
	for (size_t i = 0; i < h->n; i++) {
		json_t *o = json_pack("{s:s, s:s}", "kind", h->v[i].kind, "text", h->v[i].text);
		char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		if (!s) {
			atomic_abort(&af);
			return sf_fail(e, "out of memory");
		}
		fprintf(af.f, "%s\n", s);
		free(s);
	}
	return atomic_commit(&af, e);
}

int history_add(struct ws *w, const char *kind, const char *text, sf_err *e)
{
	char path[4096];
	sf_history h;
	sf_err re;
	size_t len = strlen(text);
	if (!len)
		return 0;
	if (len > HISTORY_TEXT_MAX)
		len = HISTORY_TEXT_MAX;
	if (ws_file(w, "history.jsonl", path, sizeof path, e) || ws_write_begin(w, e))
		return -1;
	if (history_read(&h, w, &re))
		memset(&h, 0, sizeof h); /* damaged: replaced by the new line */
	const char *newest = NULL;
	for (size_t i = h.n; i-- > 0;)
		if (!strcmp(h.v[i].kind, kind)) {
			newest = h.v[i].text;
			break;
		}
	int rc = 0;
	if (!newest || strlen(newest) != len || memcmp(newest, text, len)) {
		rc = push(&h, kind, text, len, e);
		if (rc == 0) {
			trim(&h);
			rc = write_all(&h, path, e);
		}
	}
	history_free(&h);
	ws_write_end(w);
	return rc;
}
