/* Bounded msgpack: see engine/formats/mpk.h. */
#include "engine/formats/mpk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/infile.h"

typedef struct walker {
	const unsigned char *p, *end, *start;
	sf_err *e;
} walker;

static int need(walker *w, size_t n)
{
	if ((size_t)(w->end - w->p) < n)
		return sf_fail(w->e, "msgpack truncated at byte %zu", (size_t)(w->p - w->start));
	return 0;
}

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Read an n-byte big-endian count that follows the type byte. */
static int count(walker *w, int n, uint64_t *out)
{
	if (need(w, (size_t)n))
		return -1;
	*out = be(w->p, n);
	w->p += n;
	return 0;
}

/* Skip len payload bytes (a str, bin or ext body). */
static int skip(walker *w, uint64_t len)
{
	if (len > (uint64_t)(w->end - w->p))
		return sf_fail(w->e, "msgpack: a %llu-byte payload at byte %zu runs past the end",
		               (unsigned long long)len, (size_t)(w->p - w->start));
	w->p += len;
	return 0;
}

static int walk(walker *w, int depth);

/* n elements follow; each takes at least one byte, so n must fit. */
static int elems(walker *w, uint64_t n, int depth)
{
	if (n > (uint64_t)(w->end - w->p))
		return sf_fail(w->e, "msgpack: a count of %llu at byte %zu exceeds the bytes left",
		               (unsigned long long)n, (size_t)(w->p - w->start));
	if (depth >= MPK_MAX_DEPTH)
		return sf_fail(w->e, "msgpack: nested deeper than %d", MPK_MAX_DEPTH);
	for (uint64_t i = 0; i < n; i++)
		if (walk(w, depth + 1))
			return -1;
	return 0;
}

static int walk(walker *w, int depth)
{
	if (need(w, 1))
		return -1;
	unsigned c = *w->p++;
	uint64_t n;
	if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3)
		return 0;
	if (c >= 0x80 && c <= 0x8f)
		return elems(w, 2 * (uint64_t)(c & 0x0f), depth);
	if (c >= 0x90 && c <= 0x9f)
		return elems(w, c & 0x0f, depth);
	if (c >= 0xa0 && c <= 0xbf)
		return skip(w, c & 0x1f);
	switch (c) {
	case 0xc4: case 0xd9: return count(w, 1, &n) ? -1 : skip(w, n);
	case 0xc5: case 0xda: return count(w, 2, &n) ? -1 : skip(w, n);
	case 0xc6: case 0xdb: return count(w, 4, &n) ? -1 : skip(w, n);
	case 0xc7: return count(w, 1, &n) ? -1 : skip(w, n + 1);
	case 0xc8: return count(w, 2, &n) ? -1 : skip(w, n + 1);
	case 0xc9: return count(w, 4, &n) ? -1 : skip(w, n + 1);
	case 0xca: return skip(w, 4);
	case 0xcb: return skip(w, 8);
	case 0xcc: case 0xd0: return skip(w, 1);
	case 0xcd: case 0xd1: return skip(w, 2);
	case 0xce: case 0xd2: return skip(w, 4);
	case 0xcf: case 0xd3: return skip(w, 8);
	case 0xd4: return skip(w, 2);
	case 0xd5: return skip(w, 3);
	case 0xd6: return skip(w, 5);
	case 0xd7: return skip(w, 9);
	case 0xd8: return skip(w, 17);
	case 0xdc: return count(w, 2, &n) ? -1 : elems(w, n, depth);
	case 0xdd: return count(w, 4, &n) ? -1 : elems(w, n, depth);
	case 0xde: return count(w, 2, &n) ? -1 : elems(w, 2 * n, depth);
	case 0xdf: return count(w, 4, &n) ? -1 : elems(w, 2 * n, depth);
	default:
		return sf_fail(w->e, "msgpack: invalid type byte 0x%02x at byte %zu", c,
		               (size_t)(w->p - 1 - w->start));
	}
}

int mpk_unpack(const void *buf, size_t len, size_t max_len, msgpack_unpacked *out, sf_err *e)
{
	msgpack_unpacked_init(out);
	if (len > max_len)
		return sf_fail(e, "msgpack message of %zu bytes exceeds the %zu-byte limit", len,
		               max_len);
	if (len == 0)
		return sf_fail(e, "empty msgpack message");
	walker w = {buf, (const unsigned char *)buf + len, buf, e};
	if (walk(&w, 0))
		return -1;
	if (w.p != w.end)
		return sf_fail(e, "msgpack: %zu stray bytes after the message",
		               (size_t)(w.end - w.p));
	size_t off = 0;
	msgpack_unpack_return r = msgpack_unpack_next(out, buf, len, &off);
	if (r != MSGPACK_UNPACK_SUCCESS || off != len) {
		msgpack_unpacked_destroy(out);
		msgpack_unpacked_init(out);
		return sf_fail(e, "msgpack: cannot unpack (code %d)", (int)r);
	}
	return 0;
}

int mpk_read_file(mpk_doc *doc, const char *path, size_t max_len, sf_err *e)
{
	memset(doc, 0, sizeof *doc);
	msgpack_unpacked_init(&doc->u);
	struct stat sb;
	int fd = infile_open(path, &sb, e);
	if (fd < 0)
		return -1;
	if ((uint64_t)sb.st_size > max_len) {
		close(fd);
		return sf_fail(e, "%s: %lld bytes exceeds the %zu-byte limit", path,
		               (long long)sb.st_size, max_len);
	}
	doc->len = (size_t)sb.st_size;
	doc->buf = malloc(doc->len ? doc->len : 1);
	if (!doc->buf) {
		close(fd);
		return sf_fail(e, "%s: out of memory", path);
	}
	size_t got = 0;
	while (got < doc->len) {
		ssize_t r = read(fd, (char *)doc->buf + got, doc->len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			sf_fail_errno(e, "%s: read failed", path);
			close(fd);
			mpk_doc_free(doc);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	if (mpk_unpack(doc->buf, doc->len, max_len, &doc->u, e)) {
		sf_prefix(e, "%s", path);
		mpk_doc_free(doc);
		return -1;
	}
	return 0;
}

void mpk_doc_free(mpk_doc *doc)
{
	msgpack_unpacked_destroy(&doc->u);
	msgpack_unpacked_init(&doc->u);
	free(doc->buf);
	doc->buf = NULL;
	doc->len = 0;
}

int mpk_str_eq(const msgpack_object *o, const char *s)
{
	size_t n = strlen(s);
	return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
	       !memcmp(o->via.str.ptr, s, n);
}

const msgpack_object *mpk_map_get(const msgpack_object *map, const char *key)
{
	if (!map || map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->via.map.size; i++)
		if (mpk_str_eq(&map->via.map.ptr[i].key, key))
			return &map->via.map.ptr[i].val;
	return NULL;
}

char *mpk_strdup(const msgpack_object *o)
{
	if (!o || o->type != MSGPACK_OBJECT_STR || memchr(o->via.str.ptr, 0, o->via.str.size))
		return NULL;
	char *s = malloc((size_t)o->via.str.size + 1);
	if (s) {
		memcpy(s, o->via.str.ptr, o->via.str.size);
		s[o->via.str.size] = 0;
	}
	return s;
}

int mpk_get_u64(const msgpack_object *o, uint64_t *out)
{
	if (!o || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return -1;
	*out = o->via.u64;
	return 0;
}

int mpk_get_i64(const msgpack_object *o, int64_t *out)
{
	if (!o)
		return -1;
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
		*out = o->via.i64;
		return 0;
	}
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX) {
		*out = (int64_t)o->via.u64;
		return 0;
	}
	return -1;
}

int mpk_get_f64(const msgpack_object *o, double *out)
{
	if (!o)
		return -1;
	switch (o->type) {
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64: *out = o->via.f64; return 0;
	case MSGPACK_OBJECT_POSITIVE_INTEGER: *out = (double)o->via.u64; return 0;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER: *out = (double)o->via.i64; return 0;
	default: return -1;
	}
}

int mpk_pack_cstr(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);
	return msgpack_pack_str(pk, n) || msgpack_pack_str_body(pk, s, n) ? -1 : 0;
}
