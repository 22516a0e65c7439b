/* Base64 decoding (see base64.h). */
#include "engine/base/base64.h"

size_t base64_decoded_max(size_t n)
{
	return n / 4 * 3;
}

static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long base64_decode(const char *src, size_t n, unsigned char *out)
{
	if (n % 4)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		const unsigned char *q = (const unsigned char *)src + i;
		int last = i + 4 == n;
		int pad = last ? (q[3] == '=') + (q[2] == '=' && q[3] == '=') : 0;
		int v[4];
		for (int j = 0; j < 4 - pad; j++)
			if ((v[j] = sextet(q[j])) < 0)
				return -1;
		unsigned long w = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12;
		if (pad < 2)
			w |= (unsigned long)v[2] << 6;
		if (pad < 1)
			w |= (unsigned long)v[3];
		out[o++] = (unsigned char)(w >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(w >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)w;
	}
	return (long)o;
}
