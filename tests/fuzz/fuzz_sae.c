/* SAE loader (sae_load on a directory holding cfg.json and
 * sae.safetensors, any of the three layouts). The input is the cfg.json
 * text, a NUL byte, then the safetensors file (no NUL: cfg only, which
 * must be refused for lack of weights). An accepted SAE has 0 < k <= m,
 * d > 0, finite weights, and d x m no larger than the file allows. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/sae/sae.h"
#include "tests/fuzz/fuzz.h"

static char dir[256], cfg_path[300], st_path[300];

static void cleanup(void)
{
	unlink(cfg_path);
	unlink(st_path);
	rmdir(dir);
}

static int put(const char *path, const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	int r = write(fd, p, n) == (ssize_t)n ? 0 : -1;
	close(fd);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(dir, sizeof dir, "%s/fuzz-sae.XXXXXX", tmp);
		if (!mkdtemp(dir))
			abort();
		snprintf(cfg_path, sizeof cfg_path, "%s/cfg.json", dir);
		snprintf(st_path, sizeof st_path, "%s/sae.safetensors", dir);
		atexit(cleanup);
	}
	const uint8_t *nul = memchr(data, 0, size);
	size_t cfg_len = nul ? (size_t)(nul - data) : size;
	unlink(st_path);
	if (put(cfg_path, data, cfg_len))
		return 0;
	size_t st_len = 0;
	if (nul) {
		st_len = size - cfg_len - 1;
		if (put(st_path, nul + 1, st_len))
			return 0;
	}
	sae *s = NULL;
	sf_err e = {{0}};
	if (sae_load(&s, dir, -1, 0, &e)) {
		FUZZ_CHECK(s == NULL, "no SAE on failure");
		FUZZ_CHECK_MSG(e.msg);
		return 0;
	}
	FUZZ_CHECK(nul != NULL, "weights needed");
	FUZZ_CHECK(s->d > 0 && s->m > 0 && s->k <= s->m &&
	           (s->kind == SAE_KIND_TOPK) == (s->k > 0), "0 < k <= m (TopK), d > 0");
	FUZZ_CHECK((size_t)s->d * (size_t)s->m * 2 <= st_len, "weights came from the file");
	FUZZ_CHECK(sae_validate(s, "fuzz", &e) == 0, "loaded SAE validates");
	/* Encode one row: scratch sized from d, m, k must be right. */
	sae_encoder *en = NULL;
	if (sae_encoder_new(&en, s, 1, &e) == 0) {
		float *x = calloc((size_t)s->d, sizeof *x);
		uint32_t *idx = calloc((size_t)(s->k ? s->k : 1), sizeof *idx);
		float *val = calloc((size_t)(s->k ? s->k : 1), sizeof *val);
		if (x && idx && val) {
			for (int j = 0; j < s->d; j++)
				x[j] = (float)(j % 7) - 3.0f;
			if (s->kind == SAE_KIND_TOPK) {
				sae_encode(en, x, 1, idx, val);
				for (int j = 0; j < s->k; j++)
					FUZZ_CHECK(idx[j] < (uint32_t)s->m, "encoded index < m");
			} else if (!s->scale_pending) {
				uint32_t cnt = 0;
				const uint32_t *ri;
				const float *rv;
				sae_encode_var(en, x, 1, &cnt);
				size_t n = sae_encoder_row(en, 0, &ri, &rv);
				FUZZ_CHECK(n == cnt && n <= (size_t)s->m, "active count <= m");
				for (size_t j = 0; j < n; j++)
					FUZZ_CHECK(ri[j] < (uint32_t)s->m && rv[j] > 0, "active index < m, value > 0");
			}
		}
		free(x);
		free(idx);
		free(val);
		sae_encoder_free(en);
	}
	sae_free(s);
	return 0;
}
