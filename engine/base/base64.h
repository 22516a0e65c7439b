/* Base64 (RFC 4648, standard alphabet, '=' padding) for the probe
 * protocol's binary fields. */
#ifndef ENGINE_BASE_BASE64_H
#define ENGINE_BASE_BASE64_H

#include <stddef.h>

/* Bytes that src[0..n) decodes to, at most; for sizing a buffer. */
size_t base64_decoded_max(size_t n);
/* Decode src[0..n) into out (base64_decoded_max(n) bytes). Returns the
 * number of bytes, or -1 when src is not base64 (a character outside the
 * alphabet, a length that is not a multiple of 4, padding inside). */
long base64_decode(const char *src, size_t n, unsigned char *out);

#endif
