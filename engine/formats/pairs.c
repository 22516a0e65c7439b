/* Preference pairs JSONL reader: see engine/formats/pairs.h and doc/formats.md.
 *
 * Indexing maps the file, hashes it and splits it on '\n'; each
 * non-blank line (a trailing '\r' is dropped) must be one JSON object,
 * checked for its bounds before jansson builds it (a line of a million
 * empty objects would otherwise take gigabytes) and freed once its fields
 * are read. jansson checks UTF-8.
 *
 * The index buffer (native byte order; it is cached by the machine that
 * made it):
 *   u64 hdr[HDR_N]      n, ncat, pool bytes, the file's size, fingerprint,
 *                       mtime, ctime, inode, device, time taken, 0, 0
 *   pair_ix [n]         one per record
 *   u64 cat [ncat]      pool offset of each category, first-seen order
 *   pool                ids (JSON text) and categories, NUL-terminated,
 *                       padded to 8 bytes
 * A record without a category has the number of "" (so that categories
 * are numbered as pairs_categories lists them) and the flag IX_NO_CAT. */
#include "engine/formats/pairs.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/fingerprint.h"
#include "engine/base/infile.h"
#include "engine/base/jsonscan.h"
#include "engine/base/mapguard.h"
#include "engine/base/threads.h"

enum { H_N, H_NCAT, H_POOL, H_SIZE, H_FP, H_MTIME, H_CTIME, H_INO, H_DEV, H_TAKEN, HDR_N = 12 };
enum { IX_TEST = 1, IX_NO_CAT = 2 };
#define NO_ID UINT64_MAX
/* How much older than its reading a file's mtime must be for its stat
 * identity to stand for its contents: more than one tick of the clock
 * that stamps it (a few ms), or 2 s (FAT) when it is in whole seconds. */
#define STAMP_FINE_NS 20000000ull
#define STAMP_COARSE_NS 2000000000ull

typedef struct pair_ix {
	uint64_t at, id; /* line offset; pool offset of the id or NO_ID */
	uint32_t len, line, cat, flags;
} pair_ix;

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static const uint64_t *hdr(const pairs *p) { return p->ix_; }
static const pair_ix *recs(const pairs *p) { return (const pair_ix *)(hdr(p) + HDR_N); }
static const uint64_t *cats(const pairs *p) { return (const uint64_t *)(recs(p) + p->n); }
static const char *pool(const pairs *p) { return (const char *)(cats(p) + hdr(p)[H_NCAT]); }

/* ---- small pieces ----------------------------------------------------- */

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

typedef struct strbuf {
	char *p;
	size_t n, cap;
} strbuf;

/* Append s and its NUL; its offset, or NO_ID when out of memory. */
static uint64_t sb_add(strbuf *b, const char *s)
{
	size_t l = strlen(s) + 1;
	if (b->n + l > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + l)
			cap *= 2;
		char *np = realloc(b->p, cap);
		if (!np)
			return NO_ID;
		b->p = np, b->cap = cap;
	}
	memcpy(b->p + b->n, s, l);
	b->n += l;
	return b->n - l;
}

/* The bounds of one line, checked before jansson builds it. */
static int check_bounds(const char *s, size_t n, const char *path, size_t line, sf_err *e)
{
	json_shape sh;
	if (!json_scan(s, n, PAIRS_MAX_VALUES, PAIRS_MAX_DEPTH, &sh))
		return 0;
	if (sh.depth > PAIRS_MAX_DEPTH)
		return sf_fail(e, "%s:%zu: values nested deeper than %d levels", path, line,
		               PAIRS_MAX_DEPTH);
	return sf_fail(e, "%s:%zu: more than %d JSON values in one record", path, line,
	               PAIRS_MAX_VALUES);
}

/* ---- one record -------------------------------------------------------- */

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

/* The fields of a record; *id_json (malloc'd) is the id as compact JSON. */
static int parse_fields(json_t *o, pair_rec *r, char **id_json, const char *path, size_t line,
                        sf_err *e)
{
	*id_json = NULL;
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
	json_t *cat = json_object_get(o, "category");
	r->category = NULL;
	if (cat && !json_is_null(cat)) {
		if (!json_is_string(cat))
			return sf_fail(e, "%s:%zu: field \"category\" is not a string", path, line);
		if (json_string_length(cat) > PAIRS_MAX_ID)
			return sf_fail(e, "%s:%zu: field \"category\" is longer than %d bytes", path, line,
			               PAIRS_MAX_ID);
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
	json_t *id = json_object_get(o, "id");
	if (id && !json_is_null(id)) {
		if (!json_is_string(id) && !json_is_integer(id))
			return sf_fail(e, "%s:%zu: field \"id\" must be a string or an integer", path,
			               line);
		if (json_is_string(id) && json_string_length(id) > PAIRS_MAX_ID - 2)
			return sf_fail(e, "%s:%zu: field \"id\" is longer than %d bytes", path, line,
			               PAIRS_MAX_ID - 2);
		*id_json = json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);
		if (!*id_json)
			return sf_fail(e, "%s:%zu: out of memory", path, line);
	}
	return 0;
}

/* Parse one line into r (r->record holds the object, also on failure). */
static int parse_line(const char *s, size_t n, pair_rec *r, char **id_json, const char *path,
                      size_t line, sf_err *e)
{
	memset(r, 0, sizeof *r);
	*id_json = NULL;
	r->line = line;
	if (check_bounds(s, n, path, line, e))
		return -1;
	json_error_t je;
	json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!o) {
		/* jansson does not always say that it ran out of memory: a
		 * failure on a well-formed line is that, unless it is one of the
		 * things jansson checks beyond the grammar */
		static const char *const beyond[] = { "duplicate", "decode byte", "too big",
		                                      "overflow", "Unicode", "NUL" };
		int grammar_ok = json_valid(s, n, PAIRS_MAX_DEPTH);
		for (size_t k = 0; k < sizeof beyond / sizeof *beyond; k++)
			grammar_ok &= !strstr(je.text, beyond[k]);
		if (json_error_code(&je) == json_error_out_of_memory || grammar_ok)
			return sf_fail(e, "%s:%zu: out of memory (reading a line of %zu bytes)", path,
			               line, n);
		char col[32] = ""; /* jansson's column is -1 where it has none */
		if (je.column > 0)
			snprintf(col, sizeof col, " (column %d)", je.column);
		return sf_fail(e, "%s:%zu: %s: %s%s", path, line,
		               strstr(je.text, "decode byte") ? "not valid UTF-8" : "invalid JSON",
		               je.text, col);
	}
	r->record = o;
	if (!json_is_object(o))
		return sf_fail(e, "%s:%zu: not a JSON object", path, line);
	return parse_fields(o, r, id_json, path, line, e);
}

void pair_rec_free(pair_rec *r)
{
	if (!r)
		return;
	json_decref(r->record);
	memset(r, 0, sizeof *r);
}

/* ---- indexing ----------------------------------------------------------- */

/* One non-blank line: where it is and its 1-based number. */
typedef struct line_span {
	size_t at, len, line;
} line_span;

/* What a thread keeps of a record: offsets into its own pool. */
typedef struct rec_tmp {
	uint64_t id, cat; /* NO_ID when absent */
	int split;
} rec_tmp;

typedef struct parse_job {
	const char *path, *buf;
	const line_span *ln;
	size_t n;
	rec_tmp *tmp;      /* [n] */
	strbuf *pool;      /* [nt] */
	size_t *first_bad; /* [nt] lowest failing record of each thread, or n */
	sf_err *err;       /* [nt] its message */
} parse_job;

static int keep_fields(const pair_rec *r, const char *id_json, rec_tmp *t, strbuf *b,
                       const char *path, sf_err *e)
{
	t->split = r->split;
	t->id = id_json ? sb_add(b, id_json) : NO_ID;
	t->cat = r->category ? sb_add(b, r->category) : NO_ID;
	if ((id_json && t->id == NO_ID) || (r->category && t->cat == NO_ID))
		return sf_fail(e, "%s:%zu: out of memory", path, r->line);
	return 0;
}

/* JSON parsing is most of the cost of indexing: each thread parses a
 * fixed share of the records and keeps what the index needs. */
static void parse_share(void *ctx, int t, int nt)
{
	parse_job *j = ctx;
	j->first_bad[t] = j->n;
	for (size_t i = sf_share(j->n, t, nt); i < sf_share(j->n, t + 1, nt); i++) {
		pair_rec r;
		char *id_json;
		const line_span *l = &j->ln[i];
		int bad = parse_line(j->buf + l->at, l->len, &r, &id_json, j->path, l->line, &j->err[t]) ||
		          keep_fields(&r, id_json, &j->tmp[i], &j->pool[t], j->path, &j->err[t]);
		free(id_json);
		pair_rec_free(&r);
		if (bad) {
			j->first_bad[t] = i;
			return;
		}
	}
}

/* The non-blank lines of buf, each within the line limit. */
static int split_lines(const char *path, const char *buf, size_t size, line_span **out,
                       size_t *n, sf_err *e)
{
	size_t cap = 0, line = 0;
	line_span *v = NULL;
	*n = 0;
	for (size_t at = 0; at < size;) {
		const char *nl = memchr(buf + at, '\n', size - at);
		size_t len = (nl ? (size_t)(nl - buf) : size) - at;
		const char *s = buf + at;
		if (++line > UINT32_MAX) {
			free(v);
			return sf_fail(e, "%s: more than %u lines", path, (unsigned)UINT32_MAX);
		}
		if (len > PAIRS_MAX_LINE) {
			free(v);
			return sf_fail(e, "%s:%zu: line of %zu bytes exceeds the %zu-byte limit", path,
			               line, len, PAIRS_MAX_LINE);
		}
		if (!blank(s, len)) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 256;
				line_span *nv = realloc(v, cap * sizeof *nv);
				if (!nv) {
					free(v);
					return sf_fail(e, "%s: out of memory", path);
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

/* Open-addressing map from pool strings to a number. */
typedef struct str_map {
	uint64_t *key; /* pool offset + 1, 0 empty */
	uint32_t *val;
	size_t mask, n;
} str_map;

static int map_init(str_map *s, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	s->mask = cap - 1;
	s->n = 0;
	s->key = calloc(cap, sizeof *s->key);
	s->val = calloc(cap, sizeof *s->val);
	return s->key && s->val ? 0 : -1;
}

/* Room for one more key: the table is kept at most half full. */
static int map_grow(str_map *s, const strbuf *b)
{
	if (2 * (s->n + 1) <= s->mask + 1)
		return 0;
	str_map t;
	if (map_init(&t, 2 * (s->mask + 1))) {
		free(t.key);
		free(t.val);
		return -1;
	}
	for (size_t k = 0; k <= s->mask; k++)
		if (s->key[k]) {
			size_t h = (size_t)str_hash(b->p + s->key[k] - 1) & t.mask;
			while (t.key[h])
				h = (h + 1) & t.mask;
			t.key[h] = s->key[k], t.val[h] = s->val[k];
		}
	t.n = s->n;
	free(s->key);
	free(s->val);
	*s = t;
	return 0;
}

/* The slot of str: empty, or holding it. */
static size_t map_find(const str_map *s, const strbuf *b, const char *str)
{
	size_t h = (size_t)str_hash(str) & s->mask;
	while (s->key[h] && strcmp(b->p + s->key[h] - 1, str))
		h = (h + 1) & s->mask;
	return h;
}

/* Add str (not yet in s) to the pool and to s with value v; its pool
 * offset, or NO_ID when out of memory. */
static uint64_t map_add(str_map *s, strbuf *b, const char *str, uint32_t v)
{
	if (map_grow(s, b))
		return NO_ID;
	size_t h = map_find(s, b, str);
	uint64_t at = sb_add(b, str);
	if (at != NO_ID)
		s->key[h] = at + 1, s->val[h] = v, s->n++;
	return at;
}

typedef struct merge {
	strbuf pool;
	uint64_t *cat; /* pool offsets, first-seen order */
	size_t ncat;
	str_map cats;  /* name -> number */
	str_map ids;   /* id -> line */
} merge;

/* The category number of s, adding it in first-seen order. */
static int cat_number(merge *m, const char *s, uint32_t *no)
{
	size_t h = map_find(&m->cats, &m->pool, s);
	if (m->cats.key[h]) {
		*no = m->cats.val[h];
		return 0;
	}
	uint64_t *nc = realloc(m->cat, (m->ncat + 1) * sizeof *nc);
	if (!nc)
		return -1;
	m->cat = nc;
	uint64_t at = map_add(&m->cats, &m->pool, s, (uint32_t)m->ncat);
	if (at == NO_ID)
		return -1;
	*no = (uint32_t)m->ncat;
	m->cat[m->ncat++] = at;
	return 0;
}

static void merge_free(merge *m)
{
	free(m->pool.p);
	free(m->cat);
	free(m->cats.key);
	free(m->cats.val);
	free(m->ids.key);
	free(m->ids.val);
}

/* The records in file order into the index: ids checked for repeats,
 * categories numbered, everything moved into one pool. */
static int build_index(pairs *p, const line_span *ln, size_t n, const rec_tmp *tmp,
                       const strbuf *tp, int nt, const uint64_t *h, sf_err *e)
{
	merge m;
	memset(&m, 0, sizeof m);
	pair_ix *ix = malloc((n ? n : 1) * sizeof *ix);
	int rc = 0;
	if (!ix || map_init(&m.cats, 64) || map_init(&m.ids, 1024))
		rc = sf_fail(e, "%s: out of memory (indexing %zu pairs)", p->path, n);
	for (int t = 0; t < nt && !rc; t++)
		for (size_t i = sf_share(n, t, nt); i < sf_share(n, t + 1, nt) && !rc; i++) {
			const rec_tmp *r = &tmp[i];
			pair_ix *x = &ix[i];
			*x = (pair_ix){ ln[i].at, NO_ID, (uint32_t)ln[i].len, (uint32_t)ln[i].line, 0,
			                r->split == SPLIT_TEST ? IX_TEST : 0 };
			if (r->cat == NO_ID)
				x->flags |= IX_NO_CAT;
			if (cat_number(&m, r->cat == NO_ID ? "" : tp[t].p + r->cat, &x->cat)) {
				rc = sf_fail(e, "%s: out of memory (indexing %zu pairs)", p->path, n);
				break;
			}
			if (r->id == NO_ID)
				continue;
			const char *id = tp[t].p + r->id;
			size_t slot = map_find(&m.ids, &m.pool, id);
			if (m.ids.key[slot]) {
				rc = sf_fail(e, "%s:%zu: id %s repeats the id of line %u (ids must be unique)",
				             p->path, ln[i].line, id, (unsigned)m.ids.val[slot]);
				break;
			}
			if ((x->id = map_add(&m.ids, &m.pool, id, (uint32_t)ln[i].line)) == NO_ID) {
				rc = sf_fail(e, "%s: out of memory (indexing %zu pairs)", p->path, n);
				break;
			}
		}
	size_t len = 0;
	uint64_t *buf = NULL;
	if (!rc) {
		len = HDR_N * 8 + n * sizeof *ix + m.ncat * 8 + pad8(m.pool.n);
		if (!(buf = calloc(1, len)))
			rc = sf_fail(e, "%s: out of memory (indexing %zu pairs)", p->path, n);
	}
	if (!rc && buf) {
		char *at = (char *)buf + HDR_N * 8;
		memcpy(buf, h, HDR_N * 8);
		buf[H_N] = n, buf[H_NCAT] = m.ncat, buf[H_POOL] = m.pool.n;
		memcpy(at, ix, n * sizeof *ix);
		if (m.ncat)
			memcpy(at + n * sizeof *ix, m.cat, m.ncat * 8);
		if (m.pool.n)
			memcpy(at + n * sizeof *ix + m.ncat * 8, m.pool.p, m.pool.n);
		p->own_ = buf;
		p->ix_ = buf;
		p->ix_len_ = len;
		p->n = n;
	}
	free(ix);
	merge_free(&m);
	return rc;
}

static int index_buf(pairs *p, const char *buf, size_t size, uint64_t *h, sf_err *e)
{
	line_span *ln = NULL;
	size_t n;
	if (split_lines(p->path, buf, size, &ln, &n, e))
		return -1;
	if (n == 0) {
		free(ln);
		return sf_fail(e, "%s: no pairs (the file holds no JSON lines)", p->path);
	}
	if (n > INT32_MAX) {
		free(ln);
		return sf_fail(e, "%s: more than %d pairs", p->path, INT32_MAX);
	}
	/* the fingerprint of what is indexed, as the manifest records it */
	h[H_SIZE] = size, h[H_FP] = fp_whole_buf(buf, size);
	int nt = n >= 1024 ? sf_threads() : 1;
	if (nt > 64)
		nt = 64;
	size_t first_bad[64];
	sf_err err[64];
	strbuf tp[64];
	memset(tp, 0, sizeof tp);
	rec_tmp *tmp = malloc(n * sizeof *tmp);
	if (!tmp) {
		free(ln);
		return sf_fail(e, "%s: out of memory for %zu pairs", p->path, n);
	}
	json_object_seed(0); /* once, before threads create objects */
	parse_job j = { p->path, buf, ln, n, tmp, tp, first_bad, err };
	sf_parallel(nt, parse_share, &j);
	int rc = 0;
	/* The first bad line of the file is the one reported. */
	for (int t = 0; t < nt && !rc; t++)
		if (first_bad[t] < n) {
			*e = err[t];
			rc = -1;
		}
	if (!rc)
		rc = build_index(p, ln, n, tmp, tp, nt, h, e);
	for (int t = 0; t < nt; t++)
		free(tp[t].p);
	free(tmp);
	free(ln);
	return rc;
}

static uint64_t ts_ns(struct timespec t) { return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec; }

static void stat_fill(const struct stat *sb, pairs_stat *st)
{
	st->size = (uint64_t)sb->st_size;
	st->mtime_ns = ts_ns(sb->st_mtim);
	st->ctime_ns = ts_ns(sb->st_ctim);
	st->ino = (uint64_t)sb->st_ino;
	st->dev = (uint64_t)sb->st_dev;
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return ts_ns(t);
}

/* Open path for reading records: a regular file, without blocking on a
 * FIFO. */
static int open_file(pairs *p, const char *path, struct stat *sb, sf_err *e)
{
	memset(p, 0, sizeof *p);
	p->fd_ = -1;
	if (!(p->path = strdup(path)))
		return sf_fail(e, "%s: out of memory", path);
	int fd = infile_open(path, sb, e); /* a regular file, never waited on */
	if (fd < 0)
		return -1;
	p->fd_ = fd;
	return 0;
}

int pairs_index(pairs *out, const char *path, sf_err *e)
{
	struct stat sb;
	if (open_file(out, path, &sb, e)) {
		pairs_free(out);
		return -1;
	}
	uint64_t h[HDR_N] = { 0 };
	pairs_stat st;
	stat_fill(&sb, &st);
	h[H_MTIME] = st.mtime_ns, h[H_CTIME] = st.ctime_ns, h[H_INO] = st.ino, h[H_DEV] = st.dev;
	h[H_TAKEN] = now_ns();
	size_t size = (size_t)sb.st_size;
	void *m = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, out->fd_, 0) : NULL;
	if (m == MAP_FAILED) {
		sf_fail_errno(e, "%s: cannot map", path);
		pairs_free(out);
		return -1;
	}
	if (m) {
		madvise(m, size, MADV_SEQUENTIAL);
		mapguard_map(m, size, path); /* truncated meanwhile: named, not "Bus error" */
	}
	int rc = index_buf(out, m, size, h, e);
	if (m) {
		mapguard_unmap(m);
		munmap(m, size);
	}
	struct stat after;
	if (!rc && (fstat(out->fd_, &after) || after.st_size != sb.st_size ||
	            ts_ns(after.st_mtim) != st.mtime_ns))
		rc = sf_fail(e, "%s: changed while it was read", path);
	if (rc)
		pairs_free(out);
	return rc;
}

int pairs_index_mem(pairs *out, const char *name, const char *buf, size_t len, sf_err *e)
{
	memset(out, 0, sizeof *out);
	out->fd_ = -1;
	out->mem_ = buf;
	if (!(out->path = strdup(name)))
		return sf_fail(e, "%s: out of memory", name);
	uint64_t h[HDR_N] = { 0 };
	if (index_buf(out, buf, len, h, e)) {
		pairs_free(out);
		return -1;
	}
	return 0;
}

/* ---- a cached index ------------------------------------------------------ */

/* 1 when the NUL-terminated string at off lies inside the pool. */
static int pool_str_ok(const char *pool, uint64_t pool_len, uint64_t off)
{
	return off < pool_len && memchr(pool + off, 0, (size_t)(pool_len - off)) != NULL;
}

/* The index buffer's own consistency: sizes, records in file order and
 * inside the file, strings inside the pool. */
static int check_index(const pairs *p, const char *src, sf_err *e)
{
	const uint64_t *h = hdr(p);
	uint64_t n = h[H_N], nc = h[H_NCAT], pl = h[H_POOL];
	if (p->ix_len_ < HDR_N * 8 || n > INT32_MAX || nc > n + 1 || pl > p->ix_len_ ||
	    HDR_N * 8 + n * sizeof(pair_ix) + nc * 8 + pad8((size_t)pl) != p->ix_len_ || n == 0)
		return sf_fail(e, "%s: damaged (sizes)", src);
	const pair_ix *x = recs(p);
	const char *pool_ = (const char *)p->ix_ + HDR_N * 8 + n * sizeof(pair_ix) + nc * 8;
	uint64_t end = 0, line = 0;
	for (uint64_t i = 0; i < n; i++) {
		if (x[i].at < end || x[i].line <= line || x[i].len > PAIRS_MAX_LINE ||
		    x[i].at > h[H_SIZE] || x[i].len > h[H_SIZE] - x[i].at || x[i].cat >= nc || x[i].flags > 3 ||
		    (x[i].id != NO_ID && !pool_str_ok(pool_, pl, x[i].id)))
			return sf_fail(e, "%s: damaged (pair %llu)", src, (unsigned long long)i);
		end = x[i].at + x[i].len + 1, line = x[i].line;
	}
	const uint64_t *c = (const uint64_t *)(x + n);
	for (uint64_t k = 0; k < nc; k++)
		if (!pool_str_ok(pool_, pl, c[k]))
			return sf_fail(e, "%s: damaged (category %llu)", src, (unsigned long long)k);
	return 0;
}

int pairs_adopt(pairs *out, const char *path, const void *buf, size_t len, int copy,
                const char *src, sf_err *e)
{
	struct stat sb;
	if (open_file(out, path, &sb, e))
		goto fail;
	if (len < HDR_N * 8 || ((uintptr_t)buf & 7)) {
		sf_fail(e, "%s: damaged (sizes)", src);
		goto fail;
	}
	if (copy) {
		if (!(out->own_ = malloc(len))) {
			sf_fail(e, "%s: out of memory", src);
			goto fail;
		}
		memcpy(out->own_, buf, len);
		buf = out->own_;
	}
	out->ix_ = buf;
	out->ix_len_ = len;
	out->n = (size_t)hdr(out)[H_N];
	if (check_index(out, src, e))
		goto fail;
	return 0;
fail:
	pairs_free(out);
	return -1;
}

void pairs_free(pairs *p)
{
	if (!p)
		return;
	if (p->path && p->fd_ >= 0) /* a zeroed struct has opened nothing */
		close(p->fd_);
	free(p->own_);
	free(p->path);
	memset(p, 0, sizeof *p);
	p->fd_ = -1;
}

const void *pairs_index_bytes(const pairs *p, size_t *len)
{
	*len = p->ix_len_;
	return p->ix_;
}

uint64_t pairs_file_fp(const pairs *p) { return hdr(p)[H_FP]; }

void pairs_file_stat(const pairs *p, pairs_stat *st, uint64_t *taken_ns)
{
	const uint64_t *h = hdr(p);
	*st = (pairs_stat){ h[H_SIZE], h[H_MTIME], h[H_CTIME], h[H_INO], h[H_DEV] };
	if (taken_ns)
		*taken_ns = h[H_TAKEN];
}

void pairs_set_stat(pairs *p, const pairs_stat *st, uint64_t taken_ns)
{
	uint64_t *h = p->own_;
	if (!h || p->ix_ != p->own_)
		return;
	h[H_MTIME] = st->mtime_ns, h[H_CTIME] = st->ctime_ns, h[H_INO] = st->ino;
	h[H_DEV] = st->dev, h[H_TAKEN] = taken_ns;
}

int pairs_stat_now(const pairs *p, pairs_stat *st, uint64_t *now, sf_err *e)
{
	struct stat sb;
	*now = now_ns();
	if (p->fd_ < 0 || fstat(p->fd_, &sb) != 0)
		return sf_fail_errno(e, "%s: cannot stat", p->path);
	stat_fill(&sb, st);
	return 0;
}

int pairs_hash_file(const pairs *p, uint64_t *size, uint64_t *fp, sf_err *e)
{
	struct stat sb;
	if (p->fd_ < 0 || fstat(p->fd_, &sb) != 0)
		return sf_fail_errno(e, "%s: cannot stat", p->path);
	*size = (uint64_t)sb.st_size;
	if (fp_whole_fd(p->fd_, *size, fp))
		return sf_fail_errno(e, "%s: read failed", p->path);
	return 0;
}

int pairs_identity_trusted(const pairs *p, const pairs_stat *now)
{
	pairs_stat was;
	uint64_t taken;
	pairs_file_stat(p, &was, &taken);
	uint64_t slack = was.mtime_ns % 1000000000ull ? STAMP_FINE_NS : STAMP_COARSE_NS;
	return !memcmp(&was, now, sizeof was) && was.mtime_ns + slack < taken;
}

/* ---- per record ------------------------------------------------------------ */

int pairs_split(const pairs *p, size_t i)
{
	return recs(p)[i].flags & IX_TEST ? SPLIT_TEST : SPLIT_TRAIN;
}

const char *pairs_id(const pairs *p, size_t i)
{
	uint64_t id = recs(p)[i].id;
	return id == NO_ID ? NULL : pool(p) + id;
}

const char *pairs_category(const pairs *p, size_t i)
{
	const pair_ix *x = &recs(p)[i];
	return x->flags & IX_NO_CAT ? NULL : pool(p) + cats(p)[x->cat];
}

size_t pairs_line(const pairs *p, size_t i) { return recs(p)[i].line; }

size_t pairs_category_no(const pairs *p, size_t i) { return recs(p)[i].cat; }

size_t *pairs_category_nos(const pairs *p)
{
	size_t *v = malloc((p->n ? p->n : 1) * sizeof *v);
	for (size_t i = 0; v && i < p->n; i++)
		v[i] = pairs_category_no(p, i);
	return v;
}

size_t *pairs_category_split_counts(const pairs *p, size_t nc)
{
	size_t *cnt = calloc(2 * nc + 1, sizeof *cnt);
	for (size_t i = 0; cnt && i < p->n; i++)
		cnt[2 * pairs_category_no(p, i) + (pairs_split(p, i) == SPLIT_TEST)]++;
	return cnt;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int pairs_get(const pairs *p, size_t i, pair_rec *r, sf_err *e)
{
	memset(r, 0, sizeof *r);
	const pair_ix *x = &recs(p)[i];
	char *buf = malloc((size_t)x->len + 1);
	if (!buf)
		return sf_fail(e, "%s:%u: out of memory", p->path, x->line);
	if (p->mem_) {
		memcpy(buf, p->mem_ + x->at, x->len);
	} else {
		size_t got = 0;
		while (got < x->len) {
			ssize_t k = pread(p->fd_, buf + got, x->len - got, (off_t)(x->at + got));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				free(buf);
				return k < 0 ? sf_fail_errno(e, "%s:%u: cannot read", p->path, x->line)
				             : sf_fail(e, "%s:%u: the file changed while in use (it is shorter)",
				                       p->path, x->line);
			}
			got += (size_t)k;
		}
	}
	char *id_json = NULL;
	int rc = parse_line(buf, x->len, r, &id_json, p->path, x->line, e);
	free(buf);
	if (!rc && (r->split != pairs_split(p, i) || !same_str(id_json, pairs_id(p, i)) ||
	            !same_str(r->category, pairs_category(p, i))))
		rc = sf_fail(e, "%s:%u: the file changed while in use (the record differs)", p->path,
		             x->line);
	free(id_json);
	if (rc) {
		pair_rec_free(r);
		return -1;
	}
	r->id_json = pairs_id(p, i);
	r->category = pairs_category(p, i);
	return 0;
}

size_t pairs_categories(const pairs *p, const char ***names_out)
{
	size_t nc = (size_t)hdr(p)[H_NCAT];
	const char **names = malloc((nc + 1) * sizeof *names);
	*names_out = names;
	if (!names)
		return 0;
	for (size_t c = 0; c < nc; c++)
		names[c] = pool(p) + cats(p)[c];
	return nc;
}
