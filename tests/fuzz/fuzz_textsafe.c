/* textsafe: whatever the bytes, the output is valid UTF-8 with no C0 or
 * C1 control, no DEL and no bidi/format control (except '\n' and '\t'
 * when the caller keeps them), and decoding it again changes nothing. */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "engine/base/textsafe.h"

static void check_output(const char *out, int flags)
{
	const unsigned char *s = (const unsigned char *)out;
	size_t n = strlen(out);
	size_t i = 0;
	while (i < n) {
		long cp;
		int used = textsafe_decode(s + i, n - i, &cp);
		FUZZ_CHECK(used >= 1 && (size_t)used <= n - i, "decode length in range");
		FUZZ_CHECK(cp >= 0, "output is valid UTF-8");
		int kept = (cp == '\n' && (flags & TEXTSAFE_KEEP_NL)) ||
		           (cp == '\t' && (flags & TEXTSAFE_KEEP_TAB));
		FUZZ_CHECK(kept || !textsafe_is_hazard(cp), "no hazard code point in output");
		FUZZ_CHECK(kept || cp >= 0x20, "no C0 control in output");
		FUZZ_CHECK(cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F), "no DEL or C1 in output");
		FUZZ_CHECK(cp != 0x202E && cp != 0x202D && cp != 0x2066 && cp != 0x2067 &&
		                   cp != 0x2068,
		           "no bidi override or isolate in output");
		i += (size_t)used;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int flags = data[0] & 3;
	const char *src = (const char *)data + 1;
	size_t len = size - 1;

	char *out = textsafe_dup(src, len, flags);
	FUZZ_CHECK(out != NULL, "textsafe_dup succeeds on small input");
	check_output(out, flags);

	/* Idempotent: safe text is left as it is. */
	char *again = textsafe_dup(out, strlen(out), flags);
	FUZZ_CHECK(again && !strcmp(again, out), "textsafe is idempotent");
	free(again);
	free(out);

	/* Decoding never reads past n and always advances. */
	const unsigned char *s = (const unsigned char *)src;
	for (size_t i = 0; i < len;) {
		long cp;
		int used = textsafe_decode(s + i, len - i, &cp);
		FUZZ_CHECK(used >= 1 && (size_t)used <= len - i, "decode advances within bounds");
		FUZZ_CHECK(cp == -1 || (cp >= 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)),
		           "decoded code point is a scalar value");
		i += (size_t)used;
	}

	/* Validation: valid exactly when the UTF-8-only repair changes nothing
	 * (NUL aside, which the repair replaces). */
	if (!memchr(src, 0, len)) {
		char *rep = textsafe_dup(src, len, TEXTSAFE_UTF8_ONLY);
		FUZZ_CHECK(rep != NULL, "textsafe_dup succeeds on small input");
		int same = strlen(rep) == len && !memcmp(rep, src, len);
		FUZZ_CHECK(same == textsafe_utf8_valid(src, len), "utf8_valid agrees with the repair");
		free(rep);
	}

	/* Caret form: no C0 control or DEL, and within the buffer. */
	char *z = malloc(len + 1), cap[64];
	FUZZ_CHECK(z != NULL, "malloc");
	memcpy(z, src, len);
	z[len] = 0;
	size_t room = (size_t)(data[0] >> 2) % sizeof cap + 1;
	size_t used = textsafe_caret(cap, room, z), cn = strlen(cap);
	FUZZ_CHECK(cn < room && used <= cn && used <= strlen(z), "caret output within its buffer");
	FUZZ_CHECK(used == strlen(z) || cn + 2 >= room, "caret stops early only when out of room");
	for (size_t k = 0; k < cn; k++)
		FUZZ_CHECK((unsigned char)cap[k] >= 0x20 && cap[k] != 0x7f, "no C0 or DEL in caret form");
	free(z);
	return 0;
}
