/* A judge verdicts file (verdicts_load) for an SAE of 64 features: a bad
 * file is one error line and an empty set; an accepted one holds sorted,
 * unique, in-range verdicts with scores 0..5, and saved then loaded again
 * it is the same. */
#include <stdio.h>

#include "engine/base/textsafe.h"
#include "engine/judge/verdicts.h"
#include "tests/fuzz/fuzz.h"

static char dir[64], out_path[128];

static void cleanup(void)
{
	unlink(out_path);
	rmdir(dir);
}

static int same(const sf_verdicts *a, const sf_verdicts *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const sf_verdict *x = &a->v[i], *y = &b->v[i];
		if (x->feature != y->feature || x->score != y->score || x->time != y->time || x->check_n != y->check_n ||
		    x->check_correct != y->check_correct ||
		    strcmp(x->explanation, y->explanation) || strcmp(x->model, y->model) ||
		    strcmp(x->raw, y->raw))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/fuzz-verdicts.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(out_path, sizeof out_path, "%s/judge.json", dir);
		atexit(cleanup);
	}
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	sf_verdicts V;
	sf_err e = {{0}};
	int rc = verdicts_load(&V, path, 64, &e);
	close(fd);
	if (rc) {
		FUZZ_CHECK_MSG(e.msg);
		FUZZ_CHECK(V.n == 0 && !V.v, "a failed load leaves an empty set");
		return 0;
	}
	for (size_t i = 0; i < V.n; i++) {
		const sf_verdict *v = &V.v[i];
		FUZZ_CHECK(v->feature >= 0 && v->feature < 64, "features in range");
		FUZZ_CHECK(i == 0 || V.v[i - 1].feature < v->feature, "sorted and unique");
		FUZZ_CHECK(v->score >= 0 && v->score <= 5, "scores 0..5");
		FUZZ_CHECK(textsafe_utf8_valid(v->explanation, strlen(v->explanation)) &&
		                   textsafe_utf8_valid(v->model, strlen(v->model)) &&
		                   textsafe_utf8_valid(v->raw, strlen(v->raw)),
		           "texts are UTF-8");
	}
	snprintf(V.path, sizeof V.path, "%s", out_path);
	FUZZ_CHECK(verdicts_save(&V, &e) == 0, "an accepted set saves");
	sf_verdicts W;
	FUZZ_CHECK(verdicts_load(&W, out_path, 64, &e) == 0, "a saved set loads");
	FUZZ_CHECK(same(&V, &W), "save and load keep every verdict");
	verdicts_free(&W);
	verdicts_free(&V);
	return 0;
}
