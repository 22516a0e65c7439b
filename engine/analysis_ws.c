/* The analysis caches and user files inside a workspace: index.bin,
 * pooled.bin, labels.msgpack. Kept apart from the pure computations so
 * that those link without a workspace. */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/atomic.h"
#include "engine/bteval.h"
#include "engine/index.h"
#include "engine/labels.h"
#include "engine/workspace.h"

int index_open(sf_index **out, struct ws *w, const latents *l,
               const sf_progress *p, int *rebuilt, sf_err *e)
{
	char path[4096];
	const store *s = ws_store(w);
	if (rebuilt)
		*rebuilt = 0;
	if (l->n_rows != store_nrows(s))
		return sf_fail(e, "latents: %zu rows but the store has %zu", l->n_rows,
		               store_nrows(s));
	if (ws_file(w, "index.bin", path, sizeof path, e))
		return -1;
	int stale = 0;
	if (index_load_file(out, path, l->n_rows, l->k, l->m, ws_fingerprint(w),
	                    l->sae_fingerprint, &stale, e))
		return -1;
	if (!stale)
		return 0;
	sf_index *ix;
	if (index_build(&ix, l->idx, l->val, store_side(s), l->n_rows, l->k, l->m, p, e))
		return -1;
	memcpy(ix->data_fingerprint, ws_fingerprint(w), 16);
	memcpy(ix->sae_fingerprint, l->sae_fingerprint, 16);
	if (!ws_readonly(w) && index_save(ix, path, e)) {
		index_close(ix);
		return -1;
	}
	if (rebuilt)
		*rebuilt = 1;
	*out = ix;
	return 0;
}

int labels_load(sf_labels *out, struct ws *w, int m, sf_err *e)
{
	char path[4096];
	if (ws_file(w, "labels.msgpack", path, sizeof path, e))
		return -1;
	if (labels_load_file(out, path, m, e))
		return -1;
	out->readonly = ws_readonly(w);
	return 0;
}

/* pooled.bin: "SFPOOL01", u64 P, u32 d, u32 0, 16 bytes fingerprint,
 * then ok [P] padded to 8 bytes, then diff [P, d] f32. */
#define POOL_MAGIC "SFPOOL01"
#define POOL_HEADER 40

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static int pool_load(sf_pooled *out, const char *path, size_t P, int d, const char *fp,
                     int *stale, sf_err *e)
{
	*stale = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	unsigned char h[POOL_HEADER];
	struct stat sb;
	uint64_t fP;
	uint32_t fd_;
	if (fstat(fd, &sb) || pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h ||
	    memcmp(h, POOL_MAGIC, 8)) {
		close(fd);
		return 0;
	}
	memcpy(&fP, h + 8, 8);
	memcpy(&fd_, h + 16, 4);
	size_t want = POOL_HEADER + pad8(P) + P * (size_t)d * sizeof(float);
	if (fP != P || fd_ != (uint32_t)d || memcmp(h + 24, fp, 16) || (size_t)sb.st_size != want) {
		close(fd);
		return 0;
	}
	memset(out, 0, sizeof *out);
	out->ok = malloc(pad8(P) ? pad8(P) : 1);
	out->diff = malloc(P * (size_t)d * sizeof(float) + 1);
	int rc = 0;
	if (!out->ok || !out->diff)
		rc = sf_fail(e, "%s: out of memory", path);
	else if (pread(fd, out->ok, pad8(P), POOL_HEADER) != (ssize_t)pad8(P))
		rc = sf_fail_errno(e, "%s: read", path);
	else {
		size_t left = P * (size_t)d * sizeof(float), at = 0;
		while (left && !rc) {
			ssize_t got = pread(fd, (char *)out->diff + at, left, (off_t)(POOL_HEADER + pad8(P) + at));
			if (got <= 0)
				rc = sf_fail_errno(e, "%s: read", path);
			else {
				at += (size_t)got;
				left -= (size_t)got;
			}
		}
	}
	close(fd);
	for (size_t i = 0; !rc && i < P; i++) {
		if (out->ok[i] > 1)
			rc = sf_fail(e, "%s: damaged cache", path);
		for (int j = 0; !rc && j < d; j++)
			if (!isfinite(out->diff[i * (size_t)d + (size_t)j]))
				rc = sf_fail(e, "%s: damaged cache", path);
	}
	if (rc) {
		bt_pool_free(out);
		return -1;
	}
	out->n_pairs = P;
	out->d = d;
	*stale = 0;
	return 0;
}

static int pool_save(const sf_pooled *pp, const char *path, const char *fp, sf_err *e)
{
	atomic_file af;
	if (atomic_open(&af, path, e))
		return -1;
	unsigned char h[POOL_HEADER] = { 0 };
	uint64_t P = pp->n_pairs;
	uint32_t d = (uint32_t)pp->d;
	memcpy(h, POOL_MAGIC, 8);
	memcpy(h + 8, &P, 8);
	memcpy(h + 16, &d, 4);
	memcpy(h + 24, fp, 16);
	static const unsigned char zero[8];
	size_t nd = pp->n_pairs * (size_t)pp->d;
	if (fwrite(h, 1, sizeof h, af.f) != sizeof h || fwrite(pp->ok, 1, pp->n_pairs, af.f) != pp->n_pairs ||
	    fwrite(zero, 1, pad8(pp->n_pairs) - pp->n_pairs, af.f) != pad8(pp->n_pairs) - pp->n_pairs ||
	    fwrite(pp->diff, sizeof(float), nd, af.f) != nd) {
		atomic_abort(&af);
		return sf_fail_errno(e, "%s: cannot write", path);
	}
	return atomic_commit(&af, e);
}

int bt_pool_ws(sf_pooled *out, struct ws *w, const sf_progress *p, sf_err *e)
{
	char path[4096];
	const store *s = ws_store(w);
	size_t P = ws_pairs(w)->n;
	if (ws_file(w, "pooled.bin", path, sizeof path, e))
		return -1;
	int stale;
	if (pool_load(out, path, P, store_dim(s), ws_fingerprint(w), &stale, e))
		return -1;
	if (!stale)
		return 0;
	if (bt_pool(out, s, P, p, e))
		return -1;
	if (!ws_readonly(w) && pool_save(out, path, ws_fingerprint(w), e)) {
		bt_pool_free(out);
		return -1;
	}
	return 0;
}
