/* A small, fast 64-bit hash for fingerprints of data (inputs of a
 * workspace, the data an SAE or a cache was computed from). Not
 * cryptographic: it detects changed or swapped files, not tampering.
 *
 *   uint64_t h = fp_bytes(buf, len, 0);
 *   h = fp_bytes(more, n, h);          // chain: the previous hash is the seed
 *   h = fp_u64(h, some_count);         // mix in a number
 *   char hex[FP_HEX_LEN]; fp_hex(h, hex);  // "0123456789abcdef" */
#ifndef ENGINE_BASE_FINGERPRINT_H
#define ENGINE_BASE_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"

#define FP_HEX_LEN 17 /* 16 hex digits and the NUL */

uint64_t fp_bytes(const void *data, size_t len, uint64_t seed);
uint64_t fp_u64(uint64_t seed, uint64_t v);
void fp_hex(uint64_t h, char out[FP_HEX_LEN]);
/* The fingerprint of a whole file's contents: its size, then the bytes
 * hashed 1 MiB at a time, chained. fp_whole_buf from memory, fp_whole_fd
 * read from fd (-1 on a read error, errno set; 0 bytes after size is
 * a read error too: the file shrank). */
uint64_t fp_whole_buf(const void *buf, size_t size);
int fp_whole_fd(int fd, uint64_t size, uint64_t *fp);
/* The same of the regular file at path; 0, or -1 with e naming it. */
int fp_whole_file(const char *path, uint64_t *size, uint64_t *fp, sf_err *e);
/* 1 when s is exactly 16 lowercase hex digits, as fp_hex writes them (and
 * so safe in a file name), else 0. */
int fp_hex_ok(const char *s);
/* Parse what fp_hex_ok accepts; -1 if s is not that. */
int fp_parse_hex(const char *s, uint64_t *out);

#endif
