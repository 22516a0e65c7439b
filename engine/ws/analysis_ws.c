/* The analysis caches and user files inside a workspace: index.bin,
 * pooled.bin, labels.msgpack. Kept apart from the pure computations so
 * that those link without a workspace. */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/analysis/bteval.h"
#include "engine/analysis/index.h"
#include "engine/analysis/labels.h"
#include "engine/sae/sae.h"
#include "engine/ws/workspace.h"

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
	sf_err de = { { 0 } };
	if (index_load_file(out, path, l->n_rows, l->k, l->m, ws_fingerprint(w),
	                    l->sae_fingerprint, &stale, &de)) {
		/* Damaged: never trusted. Rebuilt when the rebuild can replace
		 * it on disk; read-only, say why instead of hiding the damage. */
		if (ws_readonly(w))
			return sf_fail(e, "%s (not rebuilt: workspace is read-only, %s)", de.msg,
			               ws_readonly_reason(w));
		stale = 1;
	}
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

/* Copy a (bounded) file to dst atomically: archiving keeps the bytes as
 * they were, whatever SAE width they were written for. */
static int copy_atomic(const char *src, const char *dst, sf_err *e)
{
	FILE *f = fopen(src, "rb");
	if (!f)
		return sf_fail_errno(e, "%s: cannot open", src);
	struct stat sb;
	char *buf = NULL;
	int rc = 0;
	if (fstat(fileno(f), &sb) || sb.st_size < 0 || sb.st_size > ((off_t)256 << 20))
		rc = sf_fail(e, "%s: not a labels file of a sane size", src);
	else if (!(buf = malloc((size_t)sb.st_size + 1)))
		rc = sf_fail(e, "%s: out of memory", src);
	else if (fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size)
		rc = sf_fail_errno(e, "%s: read", src);
	fclose(f);
	if (!rc)
		rc = atomic_write(dst, buf, (size_t)sb.st_size, e);
	free(buf);
	return rc;
}

/* WS/labels-<tag>.msgpack */
static int archive_path(struct ws *w, const char *tag, char *out, size_t n, sf_err *e)
{
	char name[64];
	snprintf(name, sizeof name, "labels-%s.msgpack", tag);
	return ws_file(w, name, out, n, e);
}

/* The labels file belongs to another SAE (old, a fingerprint or a legacy
 * tag): archive it, then take up the current SAE's set. */
static int labels_switch(sf_labels *out, struct ws *w, int m, const char *path,
                         const char *old, const char *cur, sf_err *e)
{
	char arch[4096], back[4096];
	if (archive_path(w, old, arch, sizeof arch, e) || archive_path(w, cur, back, sizeof back, e))
		return -1;
	int restored = access(back, F_OK) == 0;
	if (restored) {
		if (labels_load_file(out, back, m, e))
			return -1;
		if (out->sae[0] && strcmp(out->sae, cur)) {
			labels_free(out);
			return sf_fail(e, "%s: holds the labels of SAE %s, not of SAE %s", back, out->sae,
			               cur);
		}
	} else {
		labels_init(out, m);
	}
	labels_bind(out, path);
	memcpy(out->sae, cur, 17);
	out->readonly = ws_readonly(w);
	if (!out->readonly && (copy_atomic(path, arch, e) || labels_save(out, e))) {
		labels_free(out);
		return -1;
	}
	char what[160];
	if (restored)
		snprintf(what, sizeof what, "restored its %zu labels from labels-%s.msgpack", out->n, cur);
	else
		snprintf(what, sizeof what, "starting an empty label set for it");
	snprintf(out->notice, sizeof out->notice,
	         "the labels were made for SAE %s, the workspace now has SAE %s: %s labels-%s.msgpack; %s",
	         old, cur, out->readonly ? "(read-only, nothing moved yet) they will be kept in"
	                                 : "they are kept in", old, what);
	return 0;
}

int labels_load(sf_labels *out, struct ws *w, int m, sf_err *e)
{
	char path[4096], cur[17] = "", old[17];
	int64_t fm;
	int exists;
	sf_err se;
	if (ws_file(w, "labels.msgpack", path, sizeof path, e))
		return -1;
	if (sae_ws_fingerprint(w, cur, &se) || !labels_fp_ok(cur))
		cur[0] = 0; /* no SAE to tie the labels to */
	if (labels_peek(path, old, &fm, &exists, e))
		return -1;
	if (cur[0] && exists && old[0] && strcmp(old, cur))
		return labels_switch(out, w, m, path, old, cur, e);
	if (cur[0] && exists && !old[0] && fm >= 0 && fm != m) {
		char tag[40];
		snprintf(tag, sizeof tag, "legacy-m%lld", (long long)fm);
		return labels_switch(out, w, m, path, tag, cur, e);
	}
	if (labels_load_file(out, path, m, e))
		return -1;
	if (cur[0])
		memcpy(out->sae, cur, 17); /* stamped at the next change */
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
