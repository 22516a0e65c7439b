/* Checks shared by the two label harnesses. */
#ifndef TESTS_FUZZ_LABELS_COMMON_H
#define TESTS_FUZZ_LABELS_COMMON_H

#include <string.h>

#include "engine/analysis/labels.h"
#include "tests/fuzz/fuzz.h"
#include "engine/base/textsafe.h"

static void check_text(const char *s)
{
	FUZZ_CHECK(s != NULL, "label text never NULL");
	size_t n = strlen(s);
	FUZZ_CHECK(n <= LABEL_MAX_TEXT, "label text bounded");
	for (size_t i = 0; i < n;) {
		long cp;
		i += (size_t)textsafe_decode((const unsigned char *)s + i, n - i, &cp);
		FUZZ_CHECK(cp >= 0, "label text is UTF-8");
	}
}

static void check_labels(const sf_labels *L)
{
	for (size_t i = 0; i < L->n; i++) {
		const sf_label *l = &L->v[i];
		FUZZ_CHECK(l->feature >= 0 && l->feature < L->m, "feature < m");
		FUZZ_CHECK(i == 0 || L->v[i - 1].feature < l->feature, "sorted, unique");
		FUZZ_CHECK(l->safety >= 0 && l->safety <= 5, "safety 0-5");
		check_text(l->name);
		check_text(l->note);
		FUZZ_CHECK(labels_get(L, l->feature) == l, "labels_get finds it");
	}
}

static int same_labels(const sf_labels *a, const sf_labels *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const sf_label *x = &a->v[i], *y = &b->v[i];
		if (x->feature != y->feature || x->safety != y->safety || strcmp(x->name, y->name) ||
		    strcmp(x->note, y->note) || x->updated != y->updated)
			return 0;
	}
	return 1;
}

/* A private directory for files the round trips write. */
static const char *fuzz_tmpdir(void)
{
	static char dir[256];
	if (!dir[0]) {
		const char *t = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(dir, sizeof dir, "%s/fuzz-labels.XXXXXX", t);
		if (!mkdtemp(dir))
			abort();
	}
	return dir;
}

#endif
