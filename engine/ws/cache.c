/* One header and one open-or-rebuild policy for the workspace caches.
 * See cache.h for the layout. */
#include "engine/ws/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/fingerprint.h"
#include "engine/base/infile.h"
#include "engine/base/mapguard.h"
#include "engine/base/threads.h"

#define SUM_BLOCK ((size_t)1 << 20)
#define HDR_SUMMED 104

/* Magics of the layouts before this one: stale, not damaged. */
static const char *const legacy_magic[] = { "SAFERLT1", "SFIDX001", "SFPOOL01" };

typedef struct sum_job {
	const unsigned char *p;
	size_t n, nb;
	uint64_t *h; /* [nb] */
} sum_job;

static void sum_blocks(void *ctx, int t, int nt)
{
	sum_job *j = ctx;
	for (size_t b = sf_share(j->nb, t, nt); b < sf_share(j->nb, t + 1, nt); b++) {
		size_t at = b * SUM_BLOCK, len = j->n - at < SUM_BLOCK ? j->n - at : SUM_BLOCK;
		j->h[b] = fp_bytes(j->p + at, len, b);
	}
}

/* The blocks are hashed independently, so a large payload (the latents
 * are checked at every open) is hashed on every thread, then folded in
 * order: the same sum for any thread count. */
static uint64_t payload_sum(const unsigned char *p, size_t n)
{
	sum_job j = { p, n, (n + SUM_BLOCK - 1) / SUM_BLOCK, NULL };
	int nt = sf_threads();
	if (nt > 1 && j.nb >= 16)
		j.h = malloc(j.nb * sizeof *j.h);
	if (j.h)
		sf_parallel(nt, sum_blocks, &j);
	uint64_t h = fp_u64(0, n);
	for (size_t b = 0; b < j.nb; b++) {
		size_t at = b * SUM_BLOCK, len = n - at < SUM_BLOCK ? n - at : SUM_BLOCK;
		h = fp_u64(h, j.h ? j.h[b] : fp_bytes(p + at, len, b));
	}
	free(j.h);
	return h;
}

static void hdr_fill(unsigned char *b, const cache_hdr *h)
{
	memset(b, 0, CACHE_HEADER);
	memcpy(b, CACHE_MAGIC, 8);
	uint32_t u[4] = { h->key.kind, h->key.version, CACHE_HEADER, h->flags };
	memcpy(b + 8, u, 16);
	memcpy(b + 24, h->key.data_fp, strnlen(h->key.data_fp, 16));
	memcpy(b + 40, h->key.sae_fp, strnlen(h->key.sae_fp, 16));
	memcpy(b + 56, h->key.param, 8 * CACHE_NPARAM);
	memcpy(b + 88, &h->payload_size, 8);
	memcpy(b + 96, &h->payload_sum, 8);
	uint64_t hs = fp_bytes(b, HDR_SUMMED, 0);
	memcpy(b + HDR_SUMMED, &hs, 8);
}

static int is_legacy(const void *magic)
{
	for (size_t i = 0; i < sizeof legacy_magic / sizeof *legacy_magic; i++)
		if (!memcmp(magic, legacy_magic[i], 8))
			return 1;
	return 0;
}

/* 0 intact (h filled), -1 not a cache header. */
static int hdr_parse(const unsigned char *b, cache_hdr *h)
{
	if (memcmp(b, CACHE_MAGIC, 8))
		return -1;
	uint64_t hs;
	memcpy(&hs, b + HDR_SUMMED, 8);
	uint32_t u[4];
	memcpy(u, b + 8, 16);
	if (hs != fp_bytes(b, HDR_SUMMED, 0) || u[2] != CACHE_HEADER)
		return -1;
	memset(h, 0, sizeof *h);
	h->key.kind = u[0], h->key.version = u[1], h->flags = u[3];
	memcpy(h->key.data_fp, b + 24, 16);
	memcpy(h->key.sae_fp, b + 40, 16);
	memcpy(h->key.param, b + 56, 8 * CACHE_NPARAM);
	memcpy(&h->payload_size, b + 88, 8);
	memcpy(&h->payload_sum, b + 96, 8);
	return 0;
}

/* NULL when have is want's key, else the difference in a few words. */
static const char *key_differs(const cache_key *have, const cache_key *want)
{
	if (have->kind != want->kind)
		return "another kind of cache";
	if (have->version != want->version)
		return "another version";
	if (memcmp(have->data_fp, want->data_fp, 16))
		return "data changed";
	if (memcmp(have->sae_fp, want->sae_fp, 16))
		return "SAE changed";
	for (int i = 0; i < CACHE_NPARAM; i++)
		if ((want->match >> i & 1) && have->param[i] != want->param[i])
			return "shape changed";
	return NULL;
}

void cache_unmap(cache_map *m)
{
	if (m && m->base_) {
		mapguard_unmap(m->base_);
		munmap(m->base_, m->len_);
	}
	if (m)
		memset(m, 0, sizeof *m);
}

int cache_map_file(cache_map *m, const char *path, const cache_key *want, cache_check_fn check,
                   void *ctx, const char **why, sf_err *e)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = NULL;
	memset(m, 0, sizeof *m);
	/* the wanted key padded as the header stores it (zeros after a short
	 * or empty fingerprint) */
	cache_key w = *want;
	char d[17] = { 0 }, s[17] = { 0 };
	memcpy(d, want->data_fp, strnlen(want->data_fp, 16));
	memcpy(s, want->sae_fp, strnlen(want->sae_fp, 16));
	memcpy(w.data_fp, d, 17), memcpy(w.sae_fp, s, 17);
	struct stat st;
	int fd = infile_open(path, &st, e);
	if (fd < 0) {
		if (errno == ENOENT) {
			*why = "missing";
			return CACHE_STALE;
		}
		return CACHE_DAMAGED;
	}
	char magic[8];
	if (st.st_size >= 8 && pread(fd, magic, 8, 0) == 8 && is_legacy(magic)) {
		close(fd);
		*why = "older layout";
		return CACHE_STALE;
	}
	if (st.st_size < CACHE_HEADER) {
		close(fd);
		sf_fail(e, "%s: damaged (too short for its header)", path);
		return CACHE_DAMAGED;
	}
	void *base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED) {
		sf_fail_errno(e, "%s: mmap", path);
		return CACHE_DAMAGED;
	}
	m->base_ = base, m->len_ = (size_t)st.st_size;
	mapguard_map(base, m->len_, path);
	if (hdr_parse(base, &m->h)) {
		cache_unmap(m);
		sf_fail(e, "%s: damaged (not a cache header, or its checksum fails)", path);
		return CACHE_DAMAGED;
	}
	if (m->h.payload_size != (uint64_t)st.st_size - CACHE_HEADER) {
		unsigned long long want_sz = (unsigned long long)m->h.payload_size + CACHE_HEADER;
		cache_unmap(m);
		sf_fail(e, "%s: damaged (%lld bytes, the header says %llu: truncated?)", path,
		        (long long)st.st_size, want_sz);
		return CACHE_DAMAGED;
	}
	if ((*why = key_differs(&m->h.key, &w))) {
		cache_unmap(m);
		return CACHE_STALE;
	}
	m->payload = (const unsigned char *)base + CACHE_HEADER;
	if (payload_sum(m->payload, m->h.payload_size) != m->h.payload_sum) {
		cache_unmap(m);
		sf_fail(e, "%s: damaged (checksum mismatch)", path);
		return CACHE_DAMAGED;
	}
	if (check && check(ctx, m, path, e)) {
		cache_unmap(m);
		return CACHE_DAMAGED;
	}
	return CACHE_CURRENT;
}

int cache_peek(const char *path, cache_hdr *h)
{
	unsigned char b[CACHE_HEADER];
	int fd = infile_open(path, NULL, NULL);
	if (fd < 0)
		return -1;
	int ok = pread(fd, b, sizeof b, 0) == (ssize_t)sizeof b && hdr_parse(b, h) == 0;
	close(fd);
	return ok ? 0 : -1;
}

int cache_create(atomic_file *af, const char *path, sf_err *e)
{
	static const unsigned char zero[CACHE_HEADER];
	if (atomic_open(af, path, e))
		return -1;
	if (fwrite(zero, 1, sizeof zero, af->f) != sizeof zero) {
		sf_fail_errno(e, "%s: cannot write", path);
		atomic_abort(af);
		return -1;
	}
	return 0;
}

int cache_commit(atomic_file *af, const cache_hdr *h, sf_err *e)
{
	/* Sum what is in the file rather than what the writer meant to put
	 * there: the writer may fill the payload in any order. */
	const char *path = af->path;
	struct stat st;
	int fd = fileno(af->f);
	if (fflush(af->f) || fstat(fd, &st)) {
		sf_fail_errno(e, "%s: cannot write", path);
		atomic_abort(af);
		return -1;
	}
	if (st.st_size < CACHE_HEADER) {
		sf_fail(e, "%s: nothing written", path);
		atomic_abort(af);
		return -1;
	}
	void *base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		sf_fail_errno(e, "%s: mmap", path);
		atomic_abort(af);
		return -1;
	}
	cache_hdr hh = *h;
	hh.payload_size = (uint64_t)st.st_size - CACHE_HEADER;
	hh.payload_sum = payload_sum((const unsigned char *)base + CACHE_HEADER, hh.payload_size);
	munmap(base, (size_t)st.st_size);
	unsigned char b[CACHE_HEADER];
	hdr_fill(b, &hh);
	if (fseek(af->f, 0, SEEK_SET) || fwrite(b, 1, sizeof b, af->f) != sizeof b) {
		sf_fail_errno(e, "%s: cannot write", path);
		atomic_abort(af);
		return -1;
	}
	return atomic_commit(af, e);
}

int cache_write(const char *path, const cache_hdr *h, const cache_seg *seg, int nseg, sf_err *e)
{
	atomic_file af;
	if (cache_create(&af, path, e))
		return -1;
	for (int i = 0; i < nseg; i++)
		if (seg[i].n && fwrite(seg[i].p, 1, seg[i].n, af.f) != seg[i].n) {
			sf_fail_errno(e, "%s: cannot write", path);
			atomic_abort(&af);
			return -1;
		}
	return cache_commit(&af, h, e);
}
