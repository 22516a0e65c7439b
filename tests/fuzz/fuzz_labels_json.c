/* Label JSON import (labels_import_json) into a set of 4096 features that
 * already holds two labels. The import is all or nothing: on failure the
 * set is unchanged; on success it holds valid labels, and exported
 * (labels_export_json) then imported into an empty set it is the same. */
#include <stdio.h>

#include "tests/fuzz/labels_common.h"

static char out_path[300];

static void cleanup(void)
{
	unlink(out_path);
	rmdir(fuzz_tmpdir());
}

static void fill(sf_labels *L)
{
	sf_err e;
	labels_init(L, 4096);
	if (labels_set(L, 7, "seven", 3, "a note", &e) || labels_set(L, 4095, "last", 5, "", &e))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!out_path[0]) {
		snprintf(out_path, sizeof out_path, "%s/labels.json", fuzz_tmpdir());
		atexit(cleanup);
	}
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	sf_labels L, before;
	fill(&L);
	fill(&before);
	before.v[0].updated = L.v[0].updated;
	before.v[1].updated = L.v[1].updated;
	sf_err e = {{0}};
	size_t n_imp = 0;
	int rc = labels_import_json(&L, path, &n_imp, &e);
	close(fd);
	if (rc) {
		FUZZ_CHECK_MSG(e.msg);
		FUZZ_CHECK(same_labels(&L, &before), "a failed import changes nothing");
	} else {
		check_labels(&L);
		FUZZ_CHECK(L.n >= n_imp, "imported labels are in the set");
		FUZZ_CHECK(labels_export_json(&L, out_path, &e) == 0, "an accepted set exports");
		sf_labels L2;
		labels_init(&L2, 4096);
		rc = labels_import_json(&L2, out_path, &n_imp, &e);
		if (rc)
			fprintf(stderr, "re-import: %s\n", e.msg);
		FUZZ_CHECK(rc == 0, "an exported set imports");
		FUZZ_CHECK(same_labels(&L, &L2), "export and import keep every label");
		labels_free(&L2);
	}
	labels_free(&before);
	labels_free(&L);
	return 0;
}
