/* Replays fuzz inputs through a harness without libFuzzer:
 *   replay_HARNESS FILE|DIR...
 * Each file is read into a buffer of exactly its size (so an overread is
 * caught by ASan in the sanitizer build) and passed to
 * LLVMFuzzerTestOneInput. A crash or a broken property aborts; the last
 * "replay: FILE" line on stderr names the input. Exit 0 when all ran. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) || st.st_size < 0 || st.st_size > (64 << 20)) {
		fprintf(stderr, "replay: %s: not a regular file of at most 64 MB\n", path);
		fclose(f);
		return -1;
	}
	size_t n = (size_t)st.st_size;
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != n) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, int *count)
{
	struct stat st;
	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	if (!d)
		return -1;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **nn = realloc(names, cap * sizeof *names);
			if (!nn)
				abort();
			names = nn;
		}
		size_t len = strlen(path) + strlen(de->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n])
			abort();
		snprintf(names[n++], len, "%s/%s", path, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat s2;
		/* one level only: subdirectories (e.g. open/) are not replayed */
		if (!stat(names[i], &s2) && S_ISREG(s2.st_mode)) {
			(*count)++;
			if (run_file(names[i]))
				r = -1;
		}
		free(names[i]);
	}
	free(names);
	return r;
}

int main(int argc, char **argv)
{
	int r = 0, count = 0;
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &count))
			r = 1;
	printf("replayed %d inputs\n", count);
	return r;
}
