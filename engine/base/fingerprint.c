/* 64-bit hash: 8 bytes at a time, multiply-rotate mixing per word, and the
 * splitmix64 finalizer over the state and the length. Bytes are read as
 * little-endian words, so the value is the same on every machine. */
#include "engine/base/fingerprint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include "engine/base/infile.h"

#define K1 0x9e3779b97f4a7c15ull
#define K2 0xbf58476d1ce4e5b9ull
#define K3 0x94d049bb133111ebull

static inline uint64_t rotl(uint64_t x, int r) { return x << r | x >> (64 - r); }

static inline uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * K2;
	z = (z ^ (z >> 27)) * K3;
	return z ^ (z >> 31);
}

/* One whole little-endian word: a single load (the byte loop below is not
 * folded into one by the compiler, and the pairs file is hashed on every
 * open). */
static inline uint64_t load_le8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static inline uint64_t load_le(const unsigned char *p, size_t n)
{
	uint64_t w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

uint64_t fp_bytes(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = mix(seed + K1);
	size_t i = 0;
	for (; i + 8 <= len; i += 8)
		h = rotl(h ^ (load_le8(p + i) * K1), 29) * K2;
	if (i < len)
		h = rotl(h ^ (load_le(p + i, len - i) * K1), 29) * K2;
	return mix(h ^ (uint64_t)len * K3);
}

uint64_t fp_u64(uint64_t seed, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return fp_bytes(b, 8, seed);
}

#define WHOLE_CHUNK ((size_t)1 << 20)

uint64_t fp_whole_buf(const void *buf, size_t size)
{
	const unsigned char *b = buf;
	uint64_t h = fp_u64(0, (uint64_t)size);
	for (size_t at = 0; at < size; at += WHOLE_CHUNK)
		h = fp_bytes(b + at, size - at < WHOLE_CHUNK ? size - at : WHOLE_CHUNK, h);
	return h;
}

int fp_whole_fd(int fd, uint64_t size, uint64_t *fp)
{
	unsigned char *buf = malloc(WHOLE_CHUNK);
	if (!buf)
		return -1;
	uint64_t h = fp_u64(0, size);
	for (uint64_t at = 0; at < size;) {
		size_t n = (size_t)(size - at < WHOLE_CHUNK ? size - at : WHOLE_CHUNK), got = 0;
		while (got < n) {
			ssize_t r = pread(fd, buf + got, n - got, (off_t)(at + got));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				free(buf);
				if (r == 0)
					errno = EIO;
				return -1;
			}
			got += (size_t)r;
		}
		h = fp_bytes(buf, n, h);
		at += n;
	}
	free(buf);
	*fp = h;
	return 0;
}

int fp_whole_file(const char *path, uint64_t *size, uint64_t *fp, sf_err *e)
{
	struct stat sb;
	int fd = infile_open(path, &sb, e);
	if (fd < 0)
		return -1;
	int rc = 0;
	if (*size = (uint64_t)sb.st_size, fp_whole_fd(fd, *size, fp))
		rc = sf_fail_errno(e, "%s: read failed", path);
	close(fd);
	return rc;
}

void fp_hex(uint64_t h, char out[FP_HEX_LEN])
{
	snprintf(out, FP_HEX_LEN, "%016llx", (unsigned long long)h);
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int fp_hex_ok(const char *s)
{
	for (int i = 0; i < 16; i++)
		if (hex_digit(s[i]) < 0)
			return 0; /* also stops at a NUL before 16 */
	return s[16] == 0;
}

int fp_parse_hex(const char *s, uint64_t *out)
{
	if (!fp_hex_ok(s))
		return -1;
	uint64_t v = 0;
	for (int i = 0; i < 16; i++)
		v = v << 4 | (uint64_t)hex_digit(s[i]);
	*out = v;
	return 0;
}
