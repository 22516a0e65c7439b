/* Pairs JSONL reader (pairs_index, pairs_get). An accepted file gives
 * records whose texts are NUL-terminated, of the stated length, valid
 * UTF-8 (NUL bytes allowed: \u0000 is legal JSON), with a split of train
 * or test, the index's split and id, and line numbers that increase;
 * categories are listed once each; the index survives a round trip
 * through its bytes (the workspace cache). A rejected file gives one line
 * of message. */
#include <string.h>

#include "engine/formats/pairs.h"
#include "tests/fuzz/fuzz.h"
#include "engine/base/textsafe.h"

static void check_text(const char *s, size_t n)
{
	FUZZ_CHECK(s != NULL, "text present");
	FUZZ_CHECK(s[n] == '\0', "text NUL-terminated at its length");
	for (size_t i = 0; i < n;) {
		long cp;
		int used = textsafe_decode((const unsigned char *)s + i, n - i, &cp);
		FUZZ_CHECK(cp >= 0, "text is valid UTF-8");
		i += (size_t)used;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	pairs P;
	sf_err e = {{0}};
	if (pairs_index(&P, path, &e)) {
		FUZZ_CHECK_MSG(e.msg);
		close(fd);
		return 0;
	}
	size_t prev_line = 0;
	for (size_t i = 0; i < P.n; i++) {
		pair_rec rec, *r = &rec;
		FUZZ_CHECK(pairs_get(&P, i, r, &e) == 0, "an indexed record parses");
		check_text(r->prompt, r->prompt_len);
		check_text(r->chosen, r->chosen_len);
		check_text(r->rejected, r->rejected_len);
		FUZZ_CHECK(r->split == SPLIT_TRAIN || r->split == SPLIT_TEST, "split is train or test");
		FUZZ_CHECK(r->split == pairs_split(&P, i), "split as indexed");
		FUZZ_CHECK(r->line > prev_line && r->line == pairs_line(&P, i), "line numbers increase");
		prev_line = r->line;
		fuzz_strlen(r->id_json);
		fuzz_strlen(r->category);
		pair_rec_free(r);
	}
	size_t len;
	const void *ix = pairs_index_bytes(&P, &len);
	pairs Q;
	FUZZ_CHECK(pairs_adopt(&Q, path, ix, len, 1, "index", &e) == 0 && Q.n == P.n,
	           "the index round-trips through its bytes");
	for (size_t i = 0; i < Q.n; i++) {
		const char *a = pairs_id(&P, i), *b = pairs_id(&Q, i);
		FUZZ_CHECK(a == b || (a && b && !strcmp(a, b)), "ids round-trip");
		FUZZ_CHECK(pairs_category_no(&P, i) == pairs_category_no(&Q, i), "categories round-trip");
	}
	pairs_free(&Q);
	const char **names = NULL;
	size_t nc = pairs_categories(&P, &names);
	for (size_t i = 0; i < nc; i++)
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(names[i], names[j]) != 0, "categories distinct");
	free(names);
	pairs_free(&P);
	close(fd);
	return 0;
}
