/* Activation store (store_open) on top of the safetensors reader. The
 * first 4 input bytes give the number of pairs the rows may refer to
 * (little-endian, taken mod 4096); the rest is the file. Properties of an
 * accepted store: every row's pair < n_pairs, side < 3, rows sorted by
 * (pair, side, pos), token texts inside the file, response row ranges
 * consistent, and reading every row either gives finite floats or a
 * one-line error. */
#include <string.h>

#include "engine/formats/store.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	size_t n_pairs = (data[0] | data[1] << 8 | (size_t)data[2] << 16 | (size_t)data[3] << 24) % 4096;
	char path[64];
	int fd = fuzz_memfd(data + 4, size - 4, path, sizeof path);
	if (fd < 0)
		return 0;
	store *s = NULL;
	sf_err e = {{0}};
	if (store_open(&s, path, n_pairs, &e)) {
		FUZZ_CHECK_MSG(e.msg);
		close(fd);
		return 0;
	}
	size_t N = store_nrows(s);
	int d = store_dim(s);
	FUZZ_CHECK(d > 0, "d positive");
	FUZZ_CHECK(N * (size_t)d <= size, "N x d elements fit the file");
	const int32_t *pair = store_pair(s), *pos = store_pos(s);
	const uint8_t *side = store_side(s);
	store_flags(s);
	for (size_t r = 0; r < N; r++) {
		FUZZ_CHECK(pair[r] >= 0 && (size_t)pair[r] < n_pairs, "pair index < n_pairs");
		FUZZ_CHECK(side[r] < SIDE_COUNT, "side < 3");
		FUZZ_CHECK(pos[r] >= 0, "pos >= 0");
		if (r) {
			int ordered = pair[r - 1] < pair[r] ||
			              (pair[r - 1] == pair[r] && (side[r - 1] < side[r] ||
			                                          (side[r - 1] == side[r] && pos[r - 1] < pos[r])));
			FUZZ_CHECK(ordered, "rows sorted by (pair, side, pos)");
		}
		size_t len = 0;
		const char *t = store_token(s, r, &len);
		FUZZ_CHECK(len <= size, "token no longer than the file");
		if (len)
			fuzz_touch(t, len);
	}
	for (size_t p = 0; p < n_pairs && p < 64; p++)
		for (int sd = 0; sd < SIDE_COUNT; sd++) {
			size_t b, en;
			store_response_rows(s, p, sd, &b, &en);
			FUZZ_CHECK(b <= en && en <= N, "response rows inside the store");
			for (size_t r = b; r < en; r++)
				FUZZ_CHECK((size_t)pair[r] == p && side[r] == sd, "response rows belong to it");
		}
	float *x = malloc((size_t)d * sizeof *x);
	for (size_t r = 0; x && r < N; r++) {
		if (store_rows_f32(s, r, 1, x, &e) == 0) {
			for (int j = 0; j < d; j++)
				FUZZ_CHECK(x[j] == x[j] && x[j] - x[j] == 0, "rows read are finite");
		} else {
			FUZZ_CHECK_MSG(e.msg);
		}
	}
	free(x);
	store_check_finite(s, NULL, &e);
	fuzz_strlen(store_meta(s, "format"));
	store_close(s);
	close(fd);
	return 0;
}
