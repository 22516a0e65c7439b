/* Edit-list JSONL reader (plan_read), against a fixed set of 8 pairs
 * (pairs 6 and 7 are test pairs). An accepted plan edits only train pairs
 * of the set, each at most once, with a valid action; written back out
 * (plan_write_stream) and read again it is the same plan. */
#include <string.h>

#include "engine/analysis/plan.h"
#include "tests/fuzz/fuzz.h"

static const char pairs_jsonl[] =
	"{\"prompt\":\"p0\",\"chosen\":\"c\",\"rejected\":\"r\",\"id\":\"a0\"}\n"
	"{\"prompt\":\"p1\",\"chosen\":\"c\",\"rejected\":\"r\",\"id\":1}\n"
	"{\"prompt\":\"p2\",\"chosen\":\"c\",\"rejected\":\"r\"}\n"
	"{\"prompt\":\"p3\",\"chosen\":\"c\",\"rejected\":\"r\",\"category\":\"safety\"}\n"
	"{\"prompt\":\"p4\",\"response_0\":\"x\",\"response_1\":\"y\",\"safer_response_id\":0}\n"
	"{\"prompt\":\"p5\",\"chosen\":\"c\",\"rejected\":\"r\",\"id\":\"a5\"}\n"
	"{\"prompt\":\"p6\",\"chosen\":\"c\",\"rejected\":\"r\",\"split\":\"test\"}\n"
	"{\"prompt\":\"p7\",\"chosen\":\"c\",\"rejected\":\"r\",\"split\":\"test\",\"id\":7}\n";

static pairs P;
static int have_pairs;

static void check_plan(const sf_plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		const sf_edit *ed = &pl->v[i];
		FUZZ_CHECK(ed->index < P.n, "edit index is a pair");
		FUZZ_CHECK(pairs_split(&P, ed->index) == SPLIT_TRAIN, "only train pairs edited");
		FUZZ_CHECK(ed->action == EDIT_FLIP || ed->action == EDIT_DROP, "valid action");
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(pl->v[j].index != ed->index, "one edit per pair");
	}
	FUZZ_CHECK(pl->n_plus >= 0 && pl->n_minus >= 0, "feature set sizes");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	sf_err e = {{0}};
	if (!have_pairs) {
		if (pairs_index_mem(&P, "pairs", pairs_jsonl, sizeof pairs_jsonl - 1, &e))
			abort();
		have_pairs = 1;
	}
	int fd = fuzz_memfd(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	sf_plan pl;
	if (plan_read(&pl, &P, path, NULL, &e)) {
		FUZZ_CHECK_MSG(e.msg);
		close(fd);
		return 0;
	}
	close(fd);
	check_plan(&pl);

	/* Round trip through the writer. */
	if (fuzz_skip("plan-roundtrip")) {
		plan_free(&pl);
		return 0;
	}
	int fd2 = memfd_create("plan2", 0);
	FILE *f = fd2 >= 0 ? fdopen(dup(fd2), "w") : NULL;
	if (f) {
		int w = plan_write_stream(&pl, &P, f, &e);
		fclose(f);
		if (w == 0) {
			char path2[64];
			snprintf(path2, sizeof path2, "/proc/self/fd/%d", fd2);
			sf_plan p2;
			int r2 = plan_read(&p2, &P, path2, NULL, &e);
			if (r2)
				fprintf(stderr, "reading the written plan: %s\n", e.msg);
			FUZZ_CHECK(r2 == 0, "written plan reads back");
			FUZZ_CHECK(p2.n == pl.n, "same number of edits after round trip");
			for (size_t i = 0; i < pl.n; i++) {
				int found = 0;
				for (size_t j = 0; j < p2.n; j++)
					found |= p2.v[j].index == pl.v[i].index &&
					         p2.v[j].action == pl.v[i].action;
				FUZZ_CHECK(found, "every edit survives the round trip");
			}
			plan_free(&p2);
		}
	}
	if (fd2 >= 0)
		close(fd2);
	plan_free(&pl);
	return 0;
}
