/* IEEE binary16 and bfloat16 <-> binary32.
 *
 * Widening is exact for every input (all half and bf16 values are f32
 * values). Narrowing rounds to nearest, ties to even, overflows to
 * infinity, keeps the sign of zero, and maps NaN to a quiet NaN that keeps
 * the top payload bits. */
#include "engine/formats/half.h"

#include <string.h>

static inline uint32_t f2u(float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof u);
	return u;
}

static inline float u2f(uint32_t u)
{
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

/* Branch-light widening: shift the half's exponent and mantissa into the
 * f32 fields and rebias by multiplying with 2^-112 (exact: the product is
 * a normal f32 for every finite half, and inf/NaN stay inf/NaN because
 * their exponent lands at 0xff). Subnormal halfs are built as
 * (0.5 + m*2^-24 scaled) - 0.5, which is exact as well. */
float half_to_f32(uint16_t h)
{
	uint32_t w = (uint32_t)h << 16;
	uint32_t sign = w & 0x80000000u;
	uint32_t two_w = w + w; /* exponent and mantissa at the top, sign gone */
	uint32_t bits;
	if (two_w < (1u << 27)) {
		/* zero or subnormal: m * 2^-24 */
		float den = u2f((two_w >> 17) | (126u << 23)) - 0.5f;
		bits = f2u(den);
	} else if ((two_w >> 27) == 0x1f) {
		/* inf or NaN: exponent all ones, mantissa shifted up */
		bits = 0x7f800000u | ((two_w >> 4) & 0x007fffffu);
	} else {
		bits = (two_w >> 4) + (112u << 23); /* rebias 15 -> 127 */
	}
	return u2f(sign | bits);
}

uint16_t f32_to_half(float f)
{
	uint32_t x = f2u(f);
	uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
	uint32_t a = x & 0x7fffffffu;
	if (a >= 0x7f800000u) {
		if (a == 0x7f800000u)
			return sign | 0x7c00u;
		/* NaN: keep the top 10 payload bits, force quiet */
		return sign | 0x7e00u | (uint16_t)((a >> 13) & 0x3ffu);
	}
	if (a >= 0x477ff000u) /* >= 65520 = max half + half an ulp: inf */
		return sign | 0x7c00u;
	if (a < 0x38800000u) {
		/* below 2^-14: subnormal half (or zero). The unit is 2^-24. */
		if (a <= 0x33000000u) /* <= 2^-25: ties to even give 0 */
			return sign;
		uint32_t e = a >> 23;                      /* 103..112 */
		uint32_t m = (a & 0x7fffffu) | 0x800000u;  /* value = m * 2^(e-150) */
		uint32_t shift = 126u - e;                 /* 14..23 */
		uint32_t q = m >> shift;
		uint32_t rem = m & ((1u << shift) - 1u);
		uint32_t halfway = 1u << (shift - 1u);
		if (rem > halfway || (rem == halfway && (q & 1u)))
			q++;
		return sign | (uint16_t)q; /* q == 0x400 is the smallest normal */
	}
	uint32_t h = ((a >> 23) - 112u) << 10 | ((a >> 13) & 0x3ffu);
	uint32_t rem = a & 0x1fffu;
	if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
		h++; /* a carry into the exponent is the right answer */
	return sign | (uint16_t)h;
}

float bf16_to_f32(uint16_t b)
{
	return u2f((uint32_t)b << 16);
}

uint16_t f32_to_bf16(float f)
{
	uint32_t x = f2u(f);
	if ((x & 0x7fffffffu) > 0x7f800000u)
		return (uint16_t)((x >> 16) | 0x0040u); /* quiet NaN */
	uint32_t lsb = (x >> 16) & 1u;
	x += 0x7fffu + lsb; /* round to nearest even; overflow becomes inf */
	return (uint16_t)(x >> 16);
}

void half_to_f32_n(const void *src, float *dst, size_t n)
{
	const unsigned char *p = src;
	for (size_t i = 0; i < n; i++)
		dst[i] = half_to_f32((uint16_t)(p[2 * i] | (unsigned)p[2 * i + 1] << 8));
}

void bf16_to_f32_n(const void *src, float *dst, size_t n)
{
	const unsigned char *p = src;
	for (size_t i = 0; i < n; i++)
		dst[i] = u2f((uint32_t)p[2 * i] << 16 | (uint32_t)p[2 * i + 1] << 24);
}
