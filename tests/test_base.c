/* engine/base functions without a test of their own: the random numbers
 * (splitmix64 against the reference values of its published C code, seed
 * 0; the unit double's range and resolution), the fingerprint syntax
 * check that every reader of a fingerprint uses, and error messages that
 * do not fit (they end in "..."). */
#include <errno.h>
#include <stdint.h>

#include "engine/base/err.h"
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

static void test_err(void)
{
	sf_err e;
	char big[2000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	sf_fail(&e, "f.json:%d: bad \"%s\"", 3, "k\n");
	is_str(e.msg, "f.json:3: bad \"k^J\"", "a message that fits is as formatted, in caret form");
	sf_fail(&e, "%s", big);
	ok(strlen(e.msg) == sizeof e.msg - 1 && !strcmp(e.msg + strlen(e.msg) - 4, "x..."),
	   "a message too long is cut to fit and ends in ...");
	sf_fail(&e, "problem");
	sf_prefix(&e, "%s", big);
	ok(strlen(e.msg) == sizeof e.msg - 1 && !strcmp(e.msg + strlen(e.msg) - 3, "..."),
	   "a prefix too long cuts the message, marked");
	sf_fail(&e, "problem");
	sf_prefix(&e, "%s", "a/b.msgpack");
	is_str(e.msg, "a/b.msgpack: problem", "a prefix that fits");
	char ctl[400];
	memset(ctl, '\n', sizeof ctl - 1);
	ctl[sizeof ctl - 1] = 0;
	sf_fail(&e, "%s", ctl); /* fits as bytes, not in caret form */
	ok(strlen(e.msg) <= sizeof e.msg - 1 && !strcmp(e.msg + strlen(e.msg) - 3, "...") &&
	   !strchr(e.msg, '\n'), "caret form that outgrows the message is cut, marked");
	errno = ENOENT;
	sf_fail_errno(&e, "%s", "x.bin");
	ok(!strncmp(e.msg, "x.bin: ", 7) && strlen(e.msg) > 7 && !strstr(e.msg, "..."),
	   "errno text appended");
	errno = ENOENT;
	sf_fail_errno(&e, "%.505s", big); /* room left, but not for the errno text */
	ok(!strcmp(e.msg + strlen(e.msg) - 3, "...") && strlen(e.msg) == sizeof e.msg - 1,
	   "errno text that does not fit is cut, marked");
}

int main(void)
{
	test_rng();
	test_fp_hex();
	test_err();
	return done_testing();
}
