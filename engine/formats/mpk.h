/* Bounded msgpack reading. msgpack-c trusts the counts in its input: a
 * few bytes claiming a 4-billion-element array make it allocate
 * gigabytes. mpk_unpack first walks the message itself - every array,
 * map, str, bin and ext count must fit in the bytes that remain, nesting
 * is at most MPK_MAX_DEPTH, and exactly one object fills the buffer - and
 * only then hands it to msgpack_unpack_next.
 *
 * Usage (reading a file the project wrote, e.g. labels.msgpack):
 *
 *   mpk_doc doc;
 *   if (mpk_read_file(&doc, path, (size_t)16 << 20, &e))
 *           return -1;                 // e: "PATH: problem"
 *   const msgpack_object *root = &doc.u.data;
 *   const msgpack_object *v = mpk_map_get(root, "labels");
 *   ...
 *   mpk_doc_free(&doc);                // str/bin objects point into doc.buf
 *
 * Writing: pack into a msgpack_sbuffer and hand it to atomic_write. */
#ifndef ENGINE_FORMATS_MPK_H
#define ENGINE_FORMATS_MPK_H

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"

#define MPK_MAX_DEPTH 32

/* Check buf[0..len) (len <= max_len) and unpack it into out, which the
 * caller then releases with msgpack_unpacked_destroy. Strings in out point
 * into buf, so buf must outlive out. Messages do not name a file. */
int mpk_unpack(const void *buf, size_t len, size_t max_len, msgpack_unpacked *out, sf_err *e);

typedef struct mpk_doc {
	void *buf;
	size_t len;
	msgpack_unpacked u; /* u.data is the root object */
} mpk_doc;

/* Read a whole file (at most max_len bytes) and unpack it. */
int mpk_read_file(mpk_doc *doc, const char *path, size_t max_len, sf_err *e);
void mpk_doc_free(mpk_doc *doc);

/* Helpers for reading maps with string keys. NULL / -1 when absent or of
 * another type. */
const msgpack_object *mpk_map_get(const msgpack_object *map, const char *key);
/* A str object as a fresh NUL-terminated copy (NULL if not a str or if it
 * holds a NUL byte). */
char *mpk_strdup(const msgpack_object *o);
int mpk_get_u64(const msgpack_object *o, uint64_t *out);
int mpk_get_i64(const msgpack_object *o, int64_t *out);
int mpk_get_f64(const msgpack_object *o, double *out); /* float or integer */
/* Compare a str object with a C string. */
int mpk_str_eq(const msgpack_object *o, const char *s);

/* Pack a NUL-terminated string. */
int mpk_pack_cstr(msgpack_packer *pk, const char *s);

#endif
