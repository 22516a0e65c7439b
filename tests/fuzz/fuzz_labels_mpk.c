/* Workspace labels file (labels_load_file: labels.msgpack through the
 * bounded msgpack reader), for an SAE of 4096 features. An accepted file
 * gives sorted unique labels of existing features with bounded UTF-8 text
 * and a rating of 0-5; saved again and reloaded, the set is the same. */
#include <stdio.h>

#include "tests/fuzz/labels_common.h"

static char out_path[300];

static void cleanup(void)
{
	unlink(out_path);
	rmdir(fuzz_tmpdir());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!out_path[0]) {
		snprintf(out_path, sizeof out_path, "%s/labels.msgpack", fuzz_tmpdir());
		atexit(cleanup);
	}
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	sf_labels L;
	sf_err e = {{0}};
	int rc = labels_load_file(&L, path, 4096, &e);
	close(fd);
	if (rc) {
		FUZZ_CHECK_MSG(e.msg);
		labels_free(&L);
		return 0;
	}
	check_labels(&L);
	labels_bind(&L, out_path);
	FUZZ_CHECK(labels_save(&L, &e) == 0, "an accepted set can be saved");
	sf_labels L2;
	rc = labels_load_file(&L2, out_path, 4096, &e);
	if (rc)
		fprintf(stderr, "reload: %s\n", e.msg);
	FUZZ_CHECK(rc == 0, "a saved set loads");
	FUZZ_CHECK(same_labels(&L, &L2), "save and load keep every label");
	labels_free(&L2);
	labels_free(&L);
	return 0;
}
