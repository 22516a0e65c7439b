/* Preference pairs JSONL reader: see engine/formats/pairs.h and doc/formats.md.
 *
 * The file is mapped and split on '\n'; each non-blank line (a trailing
 * '\r' is dropped) must be one JSON object. jansson checks UTF-8. */
#include "engine/formats/pairs.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/infile.h"
#include "engine/base/threads.h"

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* A required string field: its value and byte length. */
static int need_str(json_t *o, const char *key, const char **s, size_t *n, const char *path,
                    size_t line, sf_err *e)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return sf_fail(e, "%s:%zu: missing field \"%s\"", path, line, key);
	if (!json_is_string(v))
		return sf_fail(e, "%s:%zu: field \"%s\" is not a string", path, line, key);
	*s = json_string_value(v);
	*n = json_string_length(v);
	return 0;
}

/* PKU-SafeRLHF: chosen = response_<safer_response_id>, rejected the other. */
static int map_pku(json_t *o, pair_rec *r, const char *path, size_t line, sf_err *e)
{
	json_t *id = json_object_get(o, "safer_response_id");
	if (!id)
		return sf_fail(e, "%s:%zu: missing field \"chosen\" (or PKU-SafeRLHF's "
		               "\"safer_response_id\")", path, line);
	if (!json_is_integer(id) || (json_integer_value(id) != 0 && json_integer_value(id) != 1))
		return sf_fail(e, "%s:%zu: field \"safer_response_id\" must be 0 or 1", path, line);
	int c = (int)json_integer_value(id);
	const char *k[2] = {"response_0", "response_1"};
	if (need_str(o, k[c], &r->chosen, &r->chosen_len, path, line, e) ||
	    need_str(o, k[1 - c], &r->rejected, &r->rejected_len, path, line, e))
		return -1;
	return 0;
}

static int parse_fields(json_t *o, pair_rec *r, const char *path, size_t line, sf_err *e)
{
	if (need_str(o, "prompt", &r->prompt, &r->prompt_len, path, line, e))
		return -1;
	if (json_object_get(o, "chosen") || json_object_get(o, "rejected") ||
	    !json_object_get(o, "response_0")) {
		if (need_str(o, "chosen", &r->chosen, &r->chosen_len, path, line, e) ||
		    need_str(o, "rejected", &r->rejected, &r->rejected_len, path, line, e))
			return -1;
	} else if (map_pku(o, r, path, line, e)) {
		return -1;
	}
	json_t *id = json_object_get(o, "id");
	if (id && !json_is_null(id)) {
		if (!json_is_string(id) && !json_is_integer(id))
			return sf_fail(e, "%s:%zu: field \"id\" must be a string or an integer", path,
			               line);
		r->id_json = json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);
		if (!r->id_json)
			return sf_fail(e, "%s:%zu: out of memory", path, line);
	}
	json_t *cat = json_object_get(o, "category");
	if (cat && !json_is_null(cat)) {
		if (!json_is_string(cat))
			return sf_fail(e, "%s:%zu: field \"category\" is not a string", path, line);
		r->category = json_string_value(cat);
	}
	json_t *sp = json_object_get(o, "split");
	r->split = SPLIT_TRAIN;
	if (sp && !json_is_null(sp)) {
		const char *s = json_is_string(sp) ? json_string_value(sp) : NULL;
		if (s && !strcmp(s, "test"))
			r->split = SPLIT_TEST;
		else if (!s || strcmp(s, "train"))
			return sf_fail(e, "%s:%zu: field \"split\" must be \"train\" or \"test\"", path,
			               line);
	}
	return 0;
}

static int parse_line(const char *s, size_t n, pair_rec *r, const char *path, size_t line,
                      sf_err *e)
{
	memset(r, 0, sizeof *r);
	json_error_t je;
	json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!o) {
		if (strstr(je.text, "decode byte"))
			return sf_fail(e, "%s:%zu: not valid UTF-8: %s (column %d)", path, line,
			               je.text, je.column);
		return sf_fail(e, "%s:%zu: invalid JSON: %s (column %d)", path, line, je.text,
		               je.column);
	}
	r->line = line;
	r->record = o;
	if (!json_is_object(o))
		return sf_fail(e, "%s:%zu: not a JSON object", path, line);
	return parse_fields(o, r, path, line, e);
}

static void rec_free(pair_rec *r)
{
	free(r->id_json);
	json_decref(r->record);
}

void pairs_free(pairs *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		rec_free(&p->v[i]);
	free(p->v);
	free(p->path);
	memset(p, 0, sizeof *p);
}

/* One non-blank line: where it is and its 1-based number. */
typedef struct line_span {
	size_t at, len, line;
} line_span;

typedef struct parse_job {
	const pairs *p;
	const char *buf;
	const line_span *ln;
	size_t n;
	size_t *first_bad; /* [nt] lowest failing record of each thread, or n */
	sf_err *err;       /* [nt] its message */
} parse_job;

/* JSON parsing is most of the cost of opening a workspace: each thread
 * parses a fixed share of the records into their own slots. */
static void parse_share(void *ctx, int t, int nt)
{
	parse_job *j = ctx;
	j->first_bad[t] = j->n;
	for (size_t i = sf_share(j->n, t, nt); i < sf_share(j->n, t + 1, nt); i++) {
		pair_rec *r = &j->p->v[i];
		if (parse_line(j->buf + j->ln[i].at, j->ln[i].len, r, j->p->path, j->ln[i].line,
		               &j->err[t])) {
			j->first_bad[t] = i;
			return;
		}
	}
}

/* The non-blank lines of buf, each within the line limit. */
static int split_lines(const pairs *p, const char *buf, size_t size, line_span **out, size_t *n,
                       sf_err *e)
{
	size_t cap = 0, line = 0;
	line_span *v = NULL;
	*n = 0;
	for (size_t at = 0; at < size;) {
		const char *nl = memchr(buf + at, '\n', size - at);
		size_t len = (nl ? (size_t)(nl - buf) : size) - at;
		const char *s = buf + at;
		line++;
		if (len > PAIRS_MAX_LINE) {
			free(v);
			return sf_fail(e, "%s:%zu: line of %zu bytes exceeds the %zu-byte limit", p->path,
			               line, len, PAIRS_MAX_LINE);
		}
		if (!blank(s, len)) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 256;
				line_span *nv = realloc(v, cap * sizeof *nv);
				if (!nv) {
					free(v);
					return sf_fail(e, "%s: out of memory", p->path);
				}
				v = nv;
			}
			v[(*n)++] = (line_span){ at, len, line };
		}
		at += len + 1;
	}
	*out = v;
	return 0;
}

static int parse_all(pairs *p, const char *buf, size_t size, sf_err *e)
{
	line_span *ln = NULL;
	size_t n;
	if (split_lines(p, buf, size, &ln, &n, e))
		return -1;
	if (n == 0) {
		free(ln);
		return sf_fail(e, "%s: no pairs (the file holds no JSON lines)", p->path);
	}
	int nt = n >= 1024 ? sf_threads() : 1;
	size_t first_bad[64];
	sf_err err[64];
	if (nt > 64)
		nt = 64;
	p->v = calloc(n, sizeof *p->v);
	if (!p->v) {
		free(ln);
		return sf_fail(e, "%s: out of memory for %zu pairs", p->path, n);
	}
	p->n = n; /* every slot is freed with the rest, parsed or not */
	json_object_seed(0); /* once, before threads create objects */
	parse_job j = { p, buf, ln, n, first_bad, err };
	sf_parallel(nt, parse_share, &j);
	free(ln);
	/* The first bad line of the file is the one reported. */
	for (int t = 0; t < nt; t++)
		if (first_bad[t] < n) {
			*e = err[t];
			return -1;
		}
	return 0;
}

int pairs_load(pairs *out, const char *path, sf_err *e)
{
	memset(out, 0, sizeof *out);
	if (!(out->path = strdup(path)))
		return sf_fail(e, "%s: out of memory", path);
	struct stat sb;
	int fd = infile_open(path, &sb, e);
	if (fd < 0) {
		pairs_free(out);
		return -1;
	}
	size_t size = (size_t)sb.st_size;
	void *m = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	close(fd);
	if (m == MAP_FAILED) {
		sf_fail_errno(e, "%s: cannot map", path);
		pairs_free(out);
		return -1;
	}
	if (m)
		madvise(m, size, MADV_SEQUENTIAL);
	int rc = parse_all(out, m, size, e);
	if (m)
		munmap(m, size);
	if (rc)
		pairs_free(out);
	return rc;
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

size_t pairs_categories(const pairs *p, const char ***names_out)
{
	/* A hash set of the names seen so far keeps this linear even when a
	 * file gives every pair its own category. */
	size_t cap = 16;
	while (cap < 2 * p->n)
		cap *= 2;
	const char **names = malloc((p->n + 1) * sizeof *names);
	const char **set = calloc(cap, sizeof *set);
	size_t k = 0;
	if (!names || !set) {
		free(names);
		free(set);
		*names_out = NULL;
		return 0;
	}
	for (size_t i = 0; i < p->n; i++) {
		const char *c = p->v[i].category ? p->v[i].category : "";
		size_t h = (size_t)str_hash(c) & (cap - 1);
		while (set[h] && strcmp(set[h], c))
			h = (h + 1) & (cap - 1);
		if (!set[h])
			set[h] = names[k++] = c;
	}
	free(set);
	*names_out = names;
	return k;
}
