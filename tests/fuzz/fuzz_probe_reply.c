/* A probe server's replies (engine/probe/reply.h): GET /v1/info and POST
 * /v1/activations. Whatever the bytes: no crash, and a reply taken has
 * n within bounds, finite values, token offsets that rise within the
 * token bytes and flags of one bit; a refused one has a one-line
 * message. */
#include <math.h>

#include "engine/probe/reply.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	sf_err e = {{0}};
	probe_info in;
	if (probe_parse_info(body, size, &in, &e) == 0)
		FUZZ_CHECK(in.d >= 1 && in.d <= PROBE_MAX_D && in.layer >= -1, "info d and layer");
	else
		FUZZ_CHECK_MSG(e.msg);
	probe_rows r;
	if (probe_parse_rows(body, size, &r, &e) == 0) {
		FUZZ_CHECK(r.n <= PROBE_MAX_ROWS && r.d >= 1 && r.d <= PROBE_MAX_D, "n and d bounded");
		FUZZ_CHECK(r.tok_off[0] == 0, "the first token starts at 0");
		for (size_t i = 0; i < r.n; i++) {
			FUZZ_CHECK(r.tok_off[i] <= r.tok_off[i + 1], "token offsets rise");
			FUZZ_CHECK(r.flags[i] <= 1, "flags are one bit");
		}
		for (size_t i = 0; i < r.n * (size_t)r.d; i++)
			FUZZ_CHECK(isfinite(r.acts[i]), "values are finite");
		FUZZ_CHECK(isnan(r.reward) || isfinite(r.reward), "the reward is finite or null");
		probe_rows_free(&r);
	} else {
		FUZZ_CHECK_MSG(e.msg);
	}
	return 0;
}
