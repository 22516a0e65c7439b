/* WS/latents.bin: the top-k code of every store row, mmapped.
 *
 * Layout (little-endian):
 *   0    magic "SAFERLT1"
 *   8    u32 version (1), u32 k, u32 m, u32 flags (bit 0: prompt rows encoded)
 *   24   u64 n_rows
 *   32   data fingerprint (16 hex), SAE fingerprint (16 hex)
 *   64   u64 data checksum, u64 header checksum (of bytes 0..72)
 *   80   zero padding to 128
 *   128  idx u32 [n_rows, k], then val f32 [n_rows, k]
 * The data checksum chains fp_bytes over blocks of LAT_BLOCK rows: all idx
 * blocks, then all val blocks (the writer streams block by block). */
#include "engine/ws/latents_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/fingerprint.h"
#include "engine/sae/sae.h"
#include "engine/ws/workspace.h"

void lat_header_fill(unsigned char *h, const lat_header *in)
{
	memset(h, 0, LAT_HEADER);
	memcpy(h, LAT_MAGIC, 8);
	uint32_t u[4] = { 1, (uint32_t)in->k, (uint32_t)in->m, in->flags };
	memcpy(h + 8, u, 16);
	uint64_t n = in->n_rows;
	memcpy(h + 24, &n, 8);
	memcpy(h + 32, in->data_fp, 16);
	memcpy(h + 48, in->sae_fp, 16);
	memcpy(h + 64, &in->data_sum, 8);
	uint64_t hs = fp_bytes(h, 72, 0);
	memcpy(h + 72, &hs, 8);
}

int lat_header_parse(const unsigned char *h, size_t file_size, lat_header *out,
                     const char *path, sf_err *e)
{
	if (file_size < LAT_HEADER || memcmp(h, LAT_MAGIC, 8))
		return sf_fail(e, "%s: not a latents file", path);
	uint64_t hs;
	memcpy(&hs, h + 72, 8);
	if (hs != fp_bytes(h, 72, 0))
		return sf_fail(e, "%s: damaged header (checksum)", path);
	uint32_t u[4];
	memcpy(u, h + 8, 16);
	if (u[0] != 1)
		return sf_fail(e, "%s: latents format version %u is not supported", path, u[0]);
	uint64_t n;
	memcpy(&n, h + 24, 8);
	out->k = (int)u[1], out->m = (int)u[2], out->flags = u[3];
	out->n_rows = n;
	memcpy(out->data_fp, h + 32, 16);
	out->data_fp[16] = 0;
	memcpy(out->sae_fp, h + 48, 16);
	out->sae_fp[16] = 0;
	memcpy(&out->data_sum, h + 64, 8);
	size_t nk, bytes;
	if (out->k <= 0 || out->m <= 0 || out->k > out->m || out->k > 1 << 16 ||
	    sf_mul_size(n, (size_t)out->k, &nk) || sf_mul_size(nk, 8, &bytes) ||
	    sf_add_size(bytes, LAT_HEADER, &bytes) || bytes != file_size)
		return sf_fail(e, "%s: size does not match %llu rows of k %d (truncated?)", path,
		               (unsigned long long)n, out->k);
	return 0;
}

uint64_t lat_data_sum(const uint32_t *idx, const float *val, size_t n_rows, int k)
{
	uint64_t hi = 0, hv = 0;
	for (size_t r = 0; r < n_rows; r += LAT_BLOCK) {
		size_t cnt = n_rows - r < LAT_BLOCK ? n_rows - r : LAT_BLOCK;
		hi = fp_bytes(idx + r * k, cnt * k * 4, hi);
		hv = fp_bytes(val + r * k, cnt * k * 4, hv);
	}
	return fp_u64(hi, hv);
}

typedef struct lat_map {
	void *base;
	size_t len;
} lat_map;

static int stale_msg(sf_err *e, const char *dir, const char *why)
{
	return sf_fail(e, "%s: latents %s; run `safer encode %s`", dir, why, dir);
}

/* Map and check the file; *why names staleness (0 = current). -1: the
 * file is damaged; -2: the workspace's SAE config is unreadable. */
static int map_checked(struct ws *w, lat_map *mp, lat_header *h, const char **why,
                       sf_err *e)
{
	char path[4096], sfp[17];
	*why = NULL;
	mp->base = NULL;
	if (ws_file(w, "latents.bin", path, sizeof path, e))
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = "are missing";
		return 0;
	}
	struct stat st;
	if (fstat(fd, &st) || st.st_size < LAT_HEADER) {
		close(fd);
		return sf_fail(e, "%s: not a latents file (too short)", path);
	}
	void *base = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return sf_fail_errno(e, "%s: mmap", path);
	mp->base = base, mp->len = st.st_size;
	if (lat_header_parse(base, st.st_size, h, path, e))
		goto bad;
	if (h->n_rows != store_nrows(ws_store(w))) {
		*why = "were computed for a different number of rows";
		return 0;
	}
	if (strcmp(h->data_fp, ws_fingerprint(w))) {
		*why = "were computed from other data";
		return 0;
	}
	if (sae_ws_fingerprint(w, sfp, e)) {
		char cfg[4096];
		struct stat cs;
		if (!ws_file(w, "sae/cfg.json", cfg, sizeof cfg, NULL) && stat(cfg, &cs) == 0) {
			/* the SAE's config is bad, not the cache: say so (e) */
			munmap(mp->base, mp->len);
			mp->base = NULL;
			return -2;
		}
		*why = "have no SAE to match (train or load one)";
		return 0;
	}
	if (strcmp(h->sae_fp, sfp)) {
		*why = "were computed with another SAE";
		return 0;
	}
	const uint32_t *idx = (const uint32_t *)((char *)base + LAT_HEADER);
	const float *val = (const float *)(idx + h->n_rows * h->k);
	if (lat_data_sum(idx, val, h->n_rows, h->k) != h->data_sum) {
		sf_fail(e, "%s: damaged (checksum mismatch); run `safer encode %s --force`", path,
		        ws_dir(w));
		goto bad;
	}
	for (size_t i = 0; i < h->n_rows * h->k; i++)
		if (idx[i] >= (uint32_t)h->m) {
			sf_fail(e, "%s: latent index %u out of range (m %d)", path, idx[i], h->m);
			goto bad;
		}
	return 0;
bad:
	munmap(mp->base, mp->len);
	mp->base = NULL;
	return -1;
}

int lat_current_flags(struct ws *w, uint32_t *flags, sf_err *e)
{
	lat_map mp;
	lat_header h;
	const char *why;
	if (map_checked(w, &mp, &h, &why, e))
		return -1;
	if (mp.base)
		munmap(mp.base, mp.len);
	if (why)
		return stale_msg(e, ws_dir(w), why), 0;
	*flags = h.flags;
	return 1;
}

int latents_current(struct ws *w, sf_err *e)
{
	uint32_t flags;
	return lat_current_flags(w, &flags, e);
}

/* *damaged = 1 when the file exists but failed its checks. */
static int open_checked(latents **out, struct ws *w, int *damaged, sf_err *e)
{
	*out = NULL;
	*damaged = 0;
	lat_map mp;
	lat_header h;
	const char *why;
	int rc = map_checked(w, &mp, &h, &why, e);
	if (rc) {
		*damaged = rc == -1;
		return -1;
	}
	if (why) {
		if (mp.base)
			munmap(mp.base, mp.len);
		return stale_msg(e, ws_dir(w), why);
	}
	latents *l = calloc(1, sizeof *l);
	lat_map *keep = malloc(sizeof *keep);
	if (!l || !keep) {
		free(l);
		free(keep);
		munmap(mp.base, mp.len);
		return sf_fail(e, "out of memory");
	}
	*keep = mp;
	l->n_rows = h.n_rows;
	l->k = h.k;
	l->m = h.m;
	l->idx = (const uint32_t *)((char *)mp.base + LAT_HEADER);
	l->val = (const float *)(l->idx + h.n_rows * h.k);
	memcpy(l->sae_fingerprint, h.sae_fp, 17);
	l->priv_ = keep;
	*out = l;
	return 0;
}

int latents_open(latents **out, struct ws *w, sf_err *e)
{
	int damaged;
	return open_checked(out, w, &damaged, e);
}

/* Whether the damaged file's header still says prompt rows were encoded:
 * the rebuild keeps that choice when it can tell. */
static int damaged_had_prompt(struct ws *w)
{
	char path[4096];
	unsigned char h[LAT_HEADER];
	struct stat st;
	lat_header lh;
	if (ws_file(w, "latents.bin", path, sizeof path, NULL))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int ok = !fstat(fd, &st) && pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h &&
	         !lat_header_parse(h, (size_t)st.st_size, &lh, path, NULL);
	close(fd);
	return ok && (lh.flags & LAT_PROMPT);
}

int latents_open_repair(latents **out, struct ws *w, const sf_progress *p, char *note,
                        size_t note_len, sf_err *e)
{
	if (note_len)
		note[0] = 0;
	int damaged;
	sf_err de = { { 0 } };
	if (open_checked(out, w, &damaged, &de) == 0)
		return 0;
	if (!damaged)
		return sf_fail(e, "%s", de.msg);
	if (ws_readonly(w))
		return sf_fail(e, "%s (not rebuilt: workspace is read-only, %s)", de.msg,
		               ws_readonly_reason(w));
	struct sae *s;
	sf_err se;
	if (sae_load_ws(&s, w, &se))
		return sf_fail(e, "%s (not rebuilt: no usable SAE)", de.msg);
	int rc = latents_build(w, s, damaged_had_prompt(w), 1, p, NULL, e);
	sae_free(s);
	/* The index was derived from the damaged file, under the same keys:
	 * drop it so that it is rebuilt from the new latents. */
	char ipath[4096];
	if (!rc && !ws_file(w, "index.bin", ipath, sizeof ipath, NULL))
		unlink(ipath);
	if (rc || latents_open(out, w, e))
		return -1;
	if (note_len)
		snprintf(note, note_len, "%s/latents.bin was damaged and has been rebuilt",
		         ws_dir(w));
	return 0;
}

void latents_close(latents *l)
{
	if (!l)
		return;
	lat_map *mp = l->priv_;
	if (mp) {
		munmap(mp->base, mp->len);
		free(mp);
	}
	free(l);
}
