/* F16 / BF16 conversions against closed forms.
 *
 * Widening: every one of the 65536 half and bf16 bit patterns is compared
 * with the value computed from the IEEE definition (sign, exponent,
 * mantissa) with ldexp. Narrowing: every finite half round-trips, every
 * midpoint between neighbours rounds to the even one, and a hair above or
 * below a midpoint rounds to the nearer one; the same for bf16 on a
 * stride of patterns. Plus the named edge cases (subnormals, overflow,
 * signed zero, inf, NaN). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "engine/formats/half.h"
#include "tests/tap.h"

static uint32_t f2u(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

/* The value of a half from its definition. */
static double half_ref(uint16_t h)
{
	int s = h >> 15, e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double v;
	if (e == 0x1f)
		v = m ? NAN : INFINITY;
	else if (e == 0)
		v = ldexp(m, -24);
	else
		v = ldexp(1024 + m, e - 25);
	return s ? -v : v;
}

static double bf16_ref(uint16_t b)
{
	int s = b >> 15, e = (b >> 7) & 0xff, m = b & 0x7f;
	double v;
	if (e == 0xff)
		v = m ? NAN : INFINITY;
	else if (e == 0)
		v = ldexp(m, -133);
	else
		v = ldexp(128 + m, e - 134);
	return s ? -v : v;
}

static int same(double want, float got)
{
	if (isnan(want))
		return isnan(got);
	return (double)got == want && !signbit(got) == !signbit(want);
}

static void widening(void)
{
	int bad_h = 0, bad_b = 0, bad_n = 0;
	unsigned char buf[2 * 65536];
	static float out[65536];
	for (uint32_t i = 0; i < 65536; i++) {
		if (!same(half_ref((uint16_t)i), half_to_f32((uint16_t)i)) && bad_h++ < 3)
			diag("half 0x%04x -> %g, want %g", i, half_to_f32((uint16_t)i),
			     half_ref((uint16_t)i));
		if (!same(bf16_ref((uint16_t)i), bf16_to_f32((uint16_t)i)) && bad_b++ < 3)
			diag("bf16 0x%04x -> %g", i, bf16_to_f32((uint16_t)i));
		buf[2 * i] = (unsigned char)(i & 0xff);
		buf[2 * i + 1] = (unsigned char)(i >> 8);
	}
	ok(bad_h == 0, "half -> f32 exact for all 65536 patterns (%d wrong)", bad_h);
	ok(bad_b == 0, "bf16 -> f32 exact for all 65536 patterns (%d wrong)", bad_b);
	/* bulk forms on an unaligned little-endian buffer */
	static unsigned char shifted[2 * 65536 + 1];
	memcpy(shifted + 1, buf, sizeof buf);
	half_to_f32_n(shifted + 1, out, 65536);
	for (uint32_t i = 0; i < 65536; i++)
		bad_n += !same(half_ref((uint16_t)i), out[i]);
	bf16_to_f32_n(shifted + 1, out, 65536);
	for (uint32_t i = 0; i < 65536; i++)
		bad_n += !same(bf16_ref((uint16_t)i), out[i]);
	ok(bad_n == 0, "bulk conversions from an unaligned buffer (%d wrong)", bad_n);
}

/* Narrowing of every finite, non-max value h: h itself, the midpoint to
 * h+1 (ties to even), and the floats just around that midpoint. */
static void narrowing_half(void)
{
	int bad_rt = 0, bad_tie = 0, bad_near = 0;
	for (uint32_t i = 0; i < 0x10000; i++) {
		uint16_t h = (uint16_t)i;
		if (((h >> 10) & 0x1f) == 0x1f)
			continue;
		bad_rt += f32_to_half(half_to_f32(h)) != h;
		uint16_t up = (uint16_t)(h + 1); /* next magnitude up, same sign */
		if ((h & 0x7fff) == 0x7bff)
			continue; /* max half: the next step is overflow, tested below */
		double mid = (half_ref(h) + half_ref(up)) / 2; /* exact in f32 */
		float fm = (float)mid;
		uint16_t even = (h & 1) ? up : h;
		bad_tie += f32_to_half(fm) != even;
		float below = nextafterf(fm, 0.0f), above = nextafterf(fm, fm * 2);
		bad_near += f32_to_half(below) != h;
		bad_near += f32_to_half(above) != up;
	}
	ok(bad_rt == 0, "f32 -> half round-trips every finite half (%d wrong)", bad_rt);
	ok(bad_tie == 0, "f32 -> half: midpoints round to even (%d wrong)", bad_tie);
	ok(bad_near == 0, "f32 -> half: around midpoints, nearest (%d wrong)", bad_near);
}

static void narrowing_bf16(void)
{
	int bad = 0;
	for (uint32_t i = 0; i < 0x10000; i++) {
		uint16_t b = (uint16_t)i;
		if (((b >> 7) & 0xff) == 0xff)
			continue;
		bad += f32_to_bf16(bf16_to_f32(b)) != b;
		if ((b & 0x7fff) == 0x7f7f)
			continue;
		uint16_t up = (uint16_t)(b + 1);
		/* the midpoint has bit 15 of the f32 set and nothing below */
		uint32_t mid = (uint32_t)b << 16 | 0x8000u;
		float fm;
		memcpy(&fm, &mid, 4);
		bad += f32_to_bf16(fm) != ((b & 1) ? up : b);
		uint32_t lo = mid - 1, hi = mid + 1;
		float fl, fh;
		memcpy(&fl, &lo, 4);
		memcpy(&fh, &hi, 4);
		bad += f32_to_bf16(fl) != b;
		bad += f32_to_bf16(fh) != up;
	}
	ok(bad == 0, "f32 -> bf16: round trip, ties to even, nearest (%d wrong)", bad);
}

static void edges(void)
{
	ok(f32_to_half(65504.0f) == 0x7bff, "65504 is max half");
	ok(f32_to_half(65519.996f) == 0x7bff, "65519.996 rounds down to max half");
	ok(f32_to_half(65520.0f) == 0x7c00, "65520 rounds to inf");
	ok(f32_to_half(-1e30f) == 0xfc00, "-1e30 -> -inf");
	ok(f32_to_half(INFINITY) == 0x7c00 && f32_to_half(-INFINITY) == 0xfc00, "inf");
	uint16_t hn = f32_to_half(NAN);
	ok((hn & 0x7c00) == 0x7c00 && (hn & 0x3ff) != 0, "NaN stays NaN (0x%04x)", hn);
	ok(isnan(half_to_f32(hn)), "NaN widens to NaN");
	ok(f32_to_half(-0.0f) == 0x8000, "-0 keeps its sign");
	ok(f32_to_half(ldexpf(1, -24)) == 0x0001, "2^-24 is the smallest subnormal");
	ok(f32_to_half(ldexpf(1, -25)) == 0x0000, "2^-25 ties to even: 0");
	ok(f32_to_half(ldexpf(3, -26)) == 0x0001, "3*2^-26 rounds up to 2^-24");
	ok(f32_to_half(ldexpf(3, -25)) == 0x0002, "3*2^-25 ties to even: 2*2^-24");
	ok(f32_to_half(ldexpf(1023, -24)) == 0x03ff, "largest subnormal");
	ok(f32_to_half(ldexpf(2047, -25)) == 0x0400, "tie above largest subnormal -> min normal");
	ok(f32_to_half(1e-10f) == 0, "1e-10 underflows to 0");
	ok(half_to_f32(0x3c00) == 1.0f && half_to_f32(0xc000) == -2.0f, "1 and -2");
	ok(half_to_f32(0x0001) == ldexpf(1, -24), "subnormal widens exactly");
	ok(f32_to_bf16(1.0f) == 0x3f80, "bf16 1.0");
	ok(f32_to_bf16(3.4028235e38f) == 0x7f80, "bf16: FLT_MAX rounds to inf");
	uint16_t bn = f32_to_bf16(NAN);
	ok(isnan(bf16_to_f32(bn)), "bf16 NaN stays NaN");
	uint32_t snan = 0x7f800001u; /* payload only in the low bits */
	float fs;
	memcpy(&fs, &snan, 4);
	ok(isnan(half_to_f32(f32_to_half(fs))) && isnan(bf16_to_f32(f32_to_bf16(fs))),
	   "NaN with low payload stays NaN");
	ok(f2u(bf16_to_f32(0x0001)) == 0x00010000u, "bf16 subnormal widens exactly");
}

int main(void)
{
	widening();
	narrowing_half();
	narrowing_bf16();
	edges();
	return done_testing();
}
