/* engine/base functions without a test of their own: the random numbers
 * (splitmix64 against the reference values of its published C code, seed
 * 0; the unit double's range and resolution) and the fingerprint syntax
 * check that every reader of a fingerprint uses. */
#include <stdint.h>

#include "engine/base/fingerprint.h"
#include "engine/base/rng.h"
#include "tests/tap.h"

static void test_rng(void)
{
	static const uint64_t want[3] = { 0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL,
		                          0x06c45d188009454fULL };
	uint64_t st = 0;
	int same = 1;
	for (int i = 0; i < 3; i++)
		same &= sf_splitmix64(&st) == want[i];
	ok(same, "splitmix64 from seed 0 gives the reference stream");
	ok(st == 3 * 0x9e3779b97f4a7c15ULL, "the state advances by the golden gamma per draw");
	ok(sf_unit_double(0) == 0.0, "unit double of 0 is 0");
	ok(sf_unit_double(UINT64_MAX) == 1.0 - 0x1.0p-53, "unit double stays below 1");
	ok(sf_unit_double((uint64_t)1 << 63) == 0.5, "top bit alone is one half");
	ok(sf_unit_double(((uint64_t)1 << 11) - 1) == 0.0, "the low 11 bits are not used");
}

static void test_fp_hex(void)
{
	char hex[FP_HEX_LEN];
	fp_hex(0x0123456789abcdefULL, hex);
	ok(fp_hex_ok(hex), "fp_hex output passes fp_hex_ok");
	fp_hex(0, hex);
	ok(fp_hex_ok(hex), "all zeros pass");
	ok(!fp_hex_ok("0123456789ABCDEF"), "uppercase is refused");
	ok(!fp_hex_ok("0123456789abcde"), "15 digits are refused");
	ok(!fp_hex_ok("0123456789abcdef0"), "17 digits are refused");
	ok(!fp_hex_ok(""), "the empty string is refused");
	ok(!fp_hex_ok("0123456789abcdeg"), "a non-hex letter is refused");
	ok(!fp_hex_ok("../../etc/passwd"), "a path is refused");
	uint64_t v = 7;
	ok(fp_parse_hex("0123456789ABCDEF", &v) == -1 && v == 7,
	   "fp_parse_hex refuses what fp_hex_ok refuses, leaving the output");
}

int main(void)
{
	test_rng();
	test_fp_hex();
	return done_testing();
}
