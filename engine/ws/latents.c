/* WS/latents.bin: the code of every store row, mmapped; and the encoder
 * pass that writes it block by block (LAT_BLOCK rows), so memory stays
 * independent of the number of rows (the varying kinds keep the row
 * offsets, 8 bytes a row, until the end). Header and checks: cache.h.
 *
 * Shapes: n rows in the store, d width, m latents, k per row (TopK) or E
 * entries in all (the varying kinds). */
#include "engine/ws/latents.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/sae/sae.h"
#include "engine/ws/cache.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/workspace.h"

#define LAT_VERSION 1
#define LAT_BLOCK 512 /* rows per encode batch */
enum { LAT_PROMPT = 1 };

/* Caches computed from the latents' values: dropped when they change. */
static const char *const derived[] = { "index.bin", "stats-sentence.bin", "stats-all.bin" };

static void lat_key(cache_key *k, struct ws *w, const char *sae_fp)
{
	memset(k, 0, sizeof *k);
	k->kind = CACHE_LATENTS;
	k->version = LAT_VERSION;
	memcpy(k->data_fp, ws_fingerprint(w), 17);
	memcpy(k->sae_fp, sae_fp, 17);
	k->param[0] = store_nrows(ws_store(w));
	k->match = 1;
}

/* The varying kinds' payload: off [n+1] from 0 to E, non-decreasing, no
 * row above m entries; every index below m. */
static int lat_check_var(const cache_map *m, const char *path, sf_err *e)
{
	uint64_t n = m->h.key.param[0], mm = m->h.key.param[2], E = m->h.key.param[3];
	size_t ob, eb, bytes;
	if (mm == 0 || mm > INT32_MAX || sf_mul_size((size_t)n + 1, 8, &ob) ||
	    sf_mul_size((size_t)E, 8, &eb) || sf_add_size(ob, eb, &bytes) ||
	    bytes != m->h.payload_size)
		return sf_fail(e, "%s: size does not match %llu rows of %llu entries (truncated?)", path,
		               (unsigned long long)n, (unsigned long long)E);
	const uint64_t *off = (const uint64_t *)m->payload;
	if (off[0] != 0 || off[n] != E)
		return sf_fail(e, "%s: row offsets do not span the %llu entries", path,
		               (unsigned long long)E);
	for (size_t r = 0; r < n; r++)
		if (off[r + 1] < off[r] || off[r + 1] - off[r] > mm)
			return sf_fail(e, "%s: row %zu's offsets are out of order", path, r);
	const uint32_t *idx = (const uint32_t *)(off + n + 1);
	for (size_t i = 0; i < E; i++)
		if (idx[i] >= (uint32_t)mm)
			return sf_fail(e, "%s: latent index %u out of range (m %llu)", path, idx[i],
			               (unsigned long long)mm);
	return 0;
}

static int lat_check(void *ctx, const cache_map *m, const char *path, sf_err *e)
{
	(void)ctx;
	uint64_t n = m->h.key.param[0], k = m->h.key.param[1], mm = m->h.key.param[2];
	if (k == 0)
		return lat_check_var(m, path, e);
	size_t nk, bytes;
	if (k == 0 || mm == 0 || k > mm || k > 1 << 16 || mm > INT32_MAX ||
	    sf_mul_size((size_t)n, (size_t)k, &nk) || sf_mul_size(nk, 8, &bytes) ||
	    bytes != m->h.payload_size)
		return sf_fail(e, "%s: size does not match %llu rows of k %llu (truncated?)", path,
		               (unsigned long long)n, (unsigned long long)k);
	const uint32_t *idx = (const uint32_t *)m->payload;
	for (size_t i = 0; i < nk; i++)
		if (idx[i] >= (uint32_t)mm)
			return sf_fail(e, "%s: latent index %u out of range (m %llu)", path, idx[i],
			               (unsigned long long)mm);
	return 0;
}

/* Map and check the file. 0: current (mp mapped) or stale (*why set,
 * nothing mapped); -1: damaged (*damaged = 1) or the workspace's SAE
 * config is unreadable (the SAE is bad, not the cache; e says so). */
static int map_checked(struct ws *w, cache_map *mp, const char **why, int *damaged, sf_err *e)
{
	char path[4096], sfp[17];
	*why = NULL;
	*damaged = 0;
	memset(mp, 0, sizeof *mp);
	if (ws_file(w, "latents.bin", path, sizeof path, e))
		return -1;
	if (sae_ws_fingerprint(w, sfp, e)) {
		char cfg[4096];
		struct stat cs;
		if (!ws_file(w, "sae/cfg.json", cfg, sizeof cfg, NULL) && stat(cfg, &cs) == 0)
			return -1;
		struct stat ls;
		*why = stat(path, &ls) ? "missing" : "no SAE";
		return 0;
	}
	cache_key want;
	lat_key(&want, w, sfp);
	int rc = cache_map_file(mp, path, &want, lat_check, NULL, why, e);
	if (rc == CACHE_DAMAGED) {
		*damaged = 1;
		return -1;
	}
	return 0;
}

static int stale_msg(sf_err *e, const char *dir, const char *why)
{
	if (!strcmp(why, "missing"))
		return sf_fail(e, "%s: latents are missing", dir);
	return sf_fail(e, "%s: latents are stale (%s)", dir, why);
}

/* 1 current (flags set), 0 stale or missing (why in e), -1 damaged. */
static int current_flags(struct ws *w, uint32_t *flags, sf_err *e)
{
	cache_map mp;
	const char *why;
	int damaged;
	if (map_checked(w, &mp, &why, &damaged, e))
		return -1;
	if (why)
		return stale_msg(e, ws_dir(w), why), 0;
	*flags = mp.h.flags;
	cache_unmap(&mp);
	return 1;
}

int latents_present(struct ws *w)
{
	char path[4096], sfp[17];
	cache_hdr h;
	cache_key want;
	sf_err e;
	if (ws_file(w, "latents.bin", path, sizeof path, &e) || sae_ws_fingerprint(w, sfp, &e) ||
	    cache_peek(path, &h))
		return 0;
	lat_key(&want, w, sfp);
	return h.key.kind == want.kind && h.key.version == want.version &&
	       !strcmp(h.key.data_fp, want.data_fp) && !strcmp(h.key.sae_fp, want.sae_fp) &&
	       h.key.param[0] == want.param[0];
}

int latents_current(struct ws *w, sf_err *e)
{
	uint32_t flags;
	return current_flags(w, &flags, e);
}

/* What a latents holds on to: the cache file's mapping, or (encoded in
 * memory for a read-only workspace) one heap block. */
typedef struct lat_own {
	cache_map mp;
	void *heap;
	void *heap_idx, *heap_val; /* the varying kinds: heap is off */
} lat_own;

static int open_checked(latents **out, struct ws *w, int *damaged, sf_err *e)
{
	*out = NULL;
	cache_map mp;
	const char *why;
	if (map_checked(w, &mp, &why, damaged, e))
		return -1;
	if (why)
		return stale_msg(e, ws_dir(w), why);
	latents *l = calloc(1, sizeof *l);
	lat_own *keep = calloc(1, sizeof *keep);
	if (!l || !keep) {
		free(l);
		free(keep);
		cache_unmap(&mp);
		return sf_fail(e, "out of memory");
	}
	keep->mp = mp;
	l->n_rows = (size_t)mp.h.key.param[0];
	l->k = (int)mp.h.key.param[1];
	l->m = (int)mp.h.key.param[2];
	if (l->k) {
		l->idx = (const uint32_t *)mp.payload;
		l->n_entries = l->n_rows * (size_t)l->k;
	} else {
		l->off = (const uint64_t *)mp.payload;
		l->n_entries = (size_t)mp.h.key.param[3];
		l->idx = (const uint32_t *)(l->off + l->n_rows + 1);
	}
	l->val = (const float *)(l->idx + l->n_entries);
	memcpy(l->sae_fingerprint, mp.h.key.sae_fp, 17);
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
	cache_hdr h;
	return !ws_file(w, "latents.bin", path, sizeof path, NULL) && !cache_peek(path, &h) &&
	       h.key.kind == CACHE_LATENTS && (h.flags & LAT_PROMPT);
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
	lat_own *own = l->priv_;
	if (own) {
		if (own->heap) {
			free(own->heap);
			free(own->heap_idx);
			free(own->heap_val);
		} else
			cache_unmap(&own->mp);
		free(own);
	}
	free(l);
}

typedef struct enc_buf {
	float *x;       /* [LAT_BLOCK, d] */
	uint32_t *idx;  /* [LAT_BLOCK, k] block output */
	float *val;
	uint32_t *eidx; /* [LAT_BLOCK, k] encoder output */
	float *eval;
	size_t *rows;   /* [LAT_BLOCK] */
} enc_buf;

static void enc_buf_free(enc_buf *b)
{
	free(b->x), free(b->idx), free(b->val), free(b->eidx), free(b->eval), free(b->rows);
}

static int write_at(FILE *f, long off, const void *p, size_t n, const char *path, sf_err *e)
{
	if (fseek(f, off, SEEK_SET) || fwrite(p, 1, n, f) != n)
		return sf_fail_errno(e, "%s: write", path);
	return 0;
}

/* Where encoded blocks go: the cache file being written, or memory. */
typedef struct lat_sink {
	FILE *f;            /* file: idx at CACHE_HEADER, val after all idx */
	const char *path;
	int write_failed;   /* the file could not take a block */
	uint32_t *idx;      /* memory: [n, k] each (TopK), or grown (varying) */
	float *val;
	/* the varying kinds: off [n+1] in memory; entries so far; in a file,
	 * idx goes after off and val to vtmp, appended at the end */
	uint64_t *off;
	size_t n_rows, n_ent, cap_ent;
	FILE *vtmp;
} lat_sink;

static int sink_block(lat_sink *o, size_t n, int k, size_t r0, size_t cnt, const uint32_t *idx,
                      const float *val, sf_err *e)
{
	size_t at = r0 * (size_t)k, len = cnt * (size_t)k;
	if (!o->f) {
		memcpy(o->idx + at, idx, len * 4);
		memcpy(o->val + at, val, len * 4);
		return 0;
	}
	long val_base = CACHE_HEADER + (long)(n * (size_t)k * 4);
	if (write_at(o->f, CACHE_HEADER + (long)(at * 4), idx, len * 4, o->path, e) ||
	    write_at(o->f, val_base + (long)(at * 4), val, len * 4, o->path, e)) {
		o->write_failed = 1;
		return -1;
	}
	return 0;
}

/* Buffers and encoder for blocks of up to `rows` rows. */
static int enc_setup(enc_buf *b, sae_encoder **en, const sae *s, size_t rows, sf_err *e)
{
	int d = s->d, k = s->k ? s->k : 1; /* the varying kinds read the encoder's rows */
	*b = (enc_buf){ 0 };
	*en = NULL;
	b->x = malloc(rows * d * sizeof(float));
	b->idx = malloc(rows * k * 4);
	b->val = malloc(rows * k * 4);
	b->eidx = malloc(rows * k * 4);
	b->eval = malloc(rows * k * 4);
	b->rows = malloc(rows * sizeof(size_t));
	if (!b->x || !b->idx || !b->val || !b->eidx || !b->eval || !b->rows) {
		enc_buf_free(b);
		return sf_fail(e, "out of memory for encode buffers");
	}
	if (sae_encoder_new(en, s, rows, e)) {
		enc_buf_free(b);
		return -1;
	}
	return 0;
}

/* Gather and encode the ne rows listed in b->rows into b->eidx/eval,
 * refusing a code that is not finite (naming the SAE, `name`, and the
 * row). */
static int encode_block(struct ws *w, const char *name, sae_encoder *en, enc_buf *b, size_t ne,
                        uint32_t *cnt, sf_err *e)
{
	const store *st = ws_store(w);
	if (store_gather_f32(st, b->rows, ne, b->x, e))
		return -1;
	long bad = cnt ? sae_encode_var(en, b->x, ne, cnt) : sae_encode(en, b->x, ne, b->eidx, b->eval);
	if (bad < 0)
		return 0;
	size_t r = b->rows[bad];
	return sf_fail(e, "%s: encoding row %zu (pair %d, %s, pos %d) gives a non-finite "
	               "latent (weights too large for these activations?)", name, r,
	               store_pair(st)[r], store_side_name(store_side(st)[r]), store_pos(st)[r]);
}

/* TopK: encode every row (prompt rows only when with_prompt) block by
 * block into the sink, k entries a row. Cancellable through p. */
static int encode_rows_topk(struct ws *w, const sae *s, int with_prompt, lat_sink *o,
                            const sf_progress *p, sf_err *e)
{
	const store *st = ws_store(w);
	size_t n = store_nrows(st);
	int k = s->k;
	enc_buf b;
	sae_encoder *en;
	if (enc_setup(&b, &en, s, LAT_BLOCK, e))
		return -1;
	const uint8_t *side = store_side(st);
	char name[4200];
	snprintf(name, sizeof name, "%s/sae", ws_dir(w));
	int rc = 0;
	for (size_t r0 = 0; !rc && r0 < n; r0 += LAT_BLOCK) {
		size_t cnt = n - r0 < LAT_BLOCK ? n - r0 : LAT_BLOCK, ne = 0;
		for (size_t i = 0; i < cnt; i++)
			if (with_prompt || side[r0 + i] != SIDE_PROMPT)
				b.rows[ne++] = r0 + i;
		memset(b.idx, 0, cnt * k * 4);
		memset(b.val, 0, cnt * k * 4);
		if (ne) {
			if ((rc = encode_block(w, name, en, &b, ne, NULL, e)))
				break;
			for (size_t i = 0; i < ne; i++) {
				size_t off = (b.rows[i] - r0) * k;
				memcpy(b.idx + off, b.eidx + i * k, k * 4);
				memcpy(b.val + off, b.eval + i * k, k * 4);
			}
		}
		rc = sink_block(o, n, k, r0, cnt, b.idx, b.val, e);
		if (!rc && sf_progress_report(p, (double)(r0 + cnt) / n, "encoding rows"))
			rc = sf_fail(e, "cancelled");
	}
	sae_encoder_free(en);
	enc_buf_free(&b);
	return rc;
}

/* Append one row's n entries to a varying sink. */
static int sink_row(lat_sink *o, const uint32_t *idx, const float *val, size_t n, sf_err *e)
{
	if (!n)
		return 0;
	if (o->f) {
		/* the indices follow each other from after the offsets (the file
		 * is positioned there once, by var_sink_open) */
		if (fwrite(idx, 4, n, o->f) != n || fwrite(val, 4, n, o->vtmp) != n) {
			o->write_failed = 1;
			return sf_fail_errno(e, "%s: write", o->path);
		}
	} else {
		if (o->n_ent + n > o->cap_ent) {
			size_t c = o->cap_ent ? o->cap_ent : 4096;
			while (c < o->n_ent + n)
				c *= 2;
			uint32_t *ni = realloc(o->idx, c * 4);
			if (ni)
				o->idx = ni;
			float *nv = ni ? realloc(o->val, c * 4) : NULL;
			if (!nv)
				return sf_fail(e, "out of memory for the latents (%zu entries)", c);
			o->val = nv;
			o->cap_ent = c;
		}
		memcpy(o->idx + o->n_ent, idx, n * 4);
		memcpy(o->val + o->n_ent, val, n * 4);
	}
	o->n_ent += n;
	return 0;
}

/* The varying kinds: every row's active latents, in row order; refused
 * when the entries outgrow SAE_MAX_MEAN_L0 a row over the store. */
static int encode_rows_var(struct ws *w, const sae *s, int with_prompt, lat_sink *o,
                           const sf_progress *p, sf_err *e)
{
	const store *st = ws_store(w);
	size_t n = store_nrows(st);
	enc_buf b;
	sae_encoder *en;
	uint32_t *cnt = malloc(LAT_BLOCK * sizeof *cnt);
	if (!cnt)
		return sf_fail(e, "out of memory for encode buffers");
	if (enc_setup(&b, &en, s, LAT_BLOCK, e)) {
		free(cnt);
		return -1;
	}
	const uint8_t *side = store_side(st);
	char name[4200];
	snprintf(name, sizeof name, "%s/sae", ws_dir(w));
	int rc = 0;
	o->off[0] = 0;
	for (size_t r0 = 0; !rc && r0 < n; r0 += LAT_BLOCK) {
		size_t nb = n - r0 < LAT_BLOCK ? n - r0 : LAT_BLOCK, ne = 0;
		for (size_t i = 0; i < nb; i++)
			if (with_prompt || side[r0 + i] != SIDE_PROMPT)
				b.rows[ne++] = r0 + i;
		if (ne && (rc = encode_block(w, name, en, &b, ne, cnt, e)))
			break;
		for (size_t i = 0, q = 0; !rc && i < nb; i++) {
			size_t r = r0 + i;
			if (q < ne && b.rows[q] == r) {
				const uint32_t *ri;
				const float *rv;
				size_t c = sae_encoder_row(en, q, &ri, &rv);
				rc = sink_row(o, ri, rv, c, e);
				q++;
			}
			o->off[r + 1] = o->n_ent;
		}
		if (!rc && o->n_ent > (size_t)SAE_MAX_MEAN_L0 * n)
			rc = sf_fail(e, "%s: more than %d active latents per row on average (%zu by row "
			             "%zu): too dense to store every active latent", name, SAE_MAX_MEAN_L0,
			             o->n_ent, r0 + nb);
		if (!rc && sf_progress_report(p, (double)(r0 + nb) / n, "encoding rows"))
			rc = sf_fail(e, "cancelled");
	}
	sae_encoder_free(en);
	enc_buf_free(&b);
	free(cnt);
	return rc;
}

static int encode_rows(struct ws *w, const sae *s, int with_prompt, lat_sink *o,
                       const sf_progress *p, sf_err *e)
{
	return s->kind == SAE_KIND_TOPK ? encode_rows_topk(w, s, with_prompt, o, p, e)
	                                : encode_rows_var(w, s, with_prompt, o, p, e);
}

static int check_width(struct ws *w, const sae *s, sf_err *e)
{
	if (s->d != store_dim(ws_store(w)))
		return sf_fail(e, "%s: SAE width d %d differs from the activations' d %d", ws_dir(w),
		               s->d, store_dim(ws_store(w)));
	return 0;
}

int latents_probe(struct ws *w, const sae *s, const char *name, sf_err *e)
{
	enc_buf b;
	sae_encoder *en;
	/* at most LAT_BLOCK rows, fewer for a very wide SAE: the buffers
	 * (a row of d and one of m per row) stay within 64 MB */
	size_t n = store_nrows(ws_store(w)), ne = n < LAT_BLOCK ? n : LAT_BLOCK;
	int var = s->kind != SAE_KIND_TOPK;
	size_t fit = ((size_t)64 << 20) /
	             (((size_t)s->d + (size_t)s->m * (var ? 2 : 1)) * sizeof(float));
	if (ne > fit)
		ne = fit ? fit : 1;
	if (s->scale_pending)
		return sf_fail(e, "%s: its activation scale is not known yet", name);
	uint32_t *cnt = var ? malloc((ne ? ne : 1) * sizeof *cnt) : NULL;
	if (var && !cnt)
		return sf_fail(e, "out of memory for encode buffers");
	if (check_width(w, s, e) || enc_setup(&b, &en, s, ne ? ne : 1, e)) {
		free(cnt);
		return -1;
	}
	store_sample_rows(n, ne, b.rows);
	int rc = ne ? encode_block(w, name, en, &b, ne, cnt, e) : 0;
	if (!rc && var && ne) {
		double tot = 0;
		for (size_t i = 0; i < ne; i++)
			tot += cnt[i];
		if (tot / (double)ne > SAE_MAX_MEAN_L0)
			rc = sf_fail(e, "%s: %.1f active latents per row on average over a sample of %zu "
			             "rows, more than the %d that safer stores (every active latent is "
			             "kept: a denser SAE would take more than 8 x %d bytes a row)", name,
			             tot / (double)ne, ne, SAE_MAX_MEAN_L0, SAE_MAX_MEAN_L0);
	}
	sae_encoder_free(en);
	enc_buf_free(&b);
	free(cnt);
	return rc;
}

/* A file sink for the varying kinds: the offsets in memory, the values
 * in an unlinked temporary file in the workspace (appended at the end). */
static int var_sink_open(lat_sink *o, struct ws *w, size_t n, sf_err *e)
{
	char tp[4096];
	if (ws_file(w, "latents.val-XXXXXX", tp, sizeof tp, e))
		return -1;
	o->n_rows = n;
	if (!(o->off = malloc((n + 1) * sizeof *o->off)))
		return sf_fail(e, "out of memory for the row offsets of %zu rows", n);
	if (fseek(o->f, CACHE_HEADER + (long)((n + 1) * 8), SEEK_SET))
		return sf_fail_errno(e, "%s: seek", o->path);
	int fd = mkstemp(tp);
	if (fd < 0)
		return sf_fail_errno(e, "%s", tp);
	unlink(tp);
	if (!(o->vtmp = fdopen(fd, "w+b"))) {
		close(fd);
		return sf_fail_errno(e, "%s", tp);
	}
	return 0;
}

/* Offsets at the start of the payload, then the values after the indices. */
static int var_sink_finish(lat_sink *o, size_t n, sf_err *e)
{
	if (write_at(o->f, CACHE_HEADER, o->off, (n + 1) * 8, o->path, e))
		return o->write_failed = 1, -1;
	if (fflush(o->vtmp) || fseek(o->vtmp, 0, SEEK_SET))
		return sf_fail_errno(e, "%s: temporary values", o->path);
	if (fseek(o->f, CACHE_HEADER + (long)((n + 1) * 8 + o->n_ent * 4), SEEK_SET))
		return o->write_failed = 1, sf_fail_errno(e, "%s: write", o->path);
	char buf[1 << 16];
	size_t got, left = o->n_ent * 4;
	while (left && (got = fread(buf, 1, left < sizeof buf ? left : sizeof buf, o->vtmp)) > 0) {
		if (fwrite(buf, 1, got, o->f) != got)
			return o->write_failed = 1, sf_fail_errno(e, "%s: write", o->path);
		left -= got;
	}
	if (left)
		return sf_fail(e, "%s: temporary values cut short", o->path);
	return 0;
}

int latents_build(struct ws *w, const sae *s, int with_prompt, int force,
                  const sf_progress *p, int *rebuilt, sf_err *e)
{
	char fp[17], wsfp[17], path[4096];
	if (rebuilt)
		*rebuilt = 0;
	if (check_width(w, s, e))
		return -1;
	sae_fingerprint(s, fp);
	if (!force && !sae_ws_fingerprint(w, wsfp, e) && !strcmp(fp, wsfp)) {
		uint32_t flags = 0;
		if (current_flags(w, &flags, e) == 1 && (!with_prompt || (flags & LAT_PROMPT)))
			return 0;
	}
	if (ws_readonly(w))
		return sf_fail(e, "%s: read-only (%s); cannot write latents", ws_dir(w),
		               ws_readonly_reason(w));
	if (ws_file(w, "latents.bin", path, sizeof path, e))
		return -1;
	/* A file that cannot be written (a full disk) makes the workspace
	 * read-only for this process (ws_cannot_write): a reader then encodes
	 * into memory instead. */
	atomic_file af;
	if (cache_create(&af, path, e)) {
		ws_cannot_write(w, e->msg);
		return -1;
	}
	lat_sink o = { .f = af.f, .path = path };
	size_t n = store_nrows(ws_store(w));
	if (s->kind != SAE_KIND_TOPK && var_sink_open(&o, w, n, e)) {
		atomic_abort(&af);
		return -1;
	}
	int rc = encode_rows(w, s, with_prompt, &o, p, e);
	if (!rc && o.off)
		rc = var_sink_finish(&o, n, e);
	free(o.off);
	if (o.vtmp)
		fclose(o.vtmp);
	if (rc) {
		if (o.write_failed)
			ws_cannot_write(w, e->msg);
		atomic_abort(&af);
		return -1;
	}
	cache_hdr h = { .flags = with_prompt ? LAT_PROMPT : 0 };
	lat_key(&h.key, w, fp);
	h.key.param[1] = (uint64_t)s->k;
	h.key.param[2] = (uint64_t)s->m;
	h.key.param[3] = o.off ? (uint64_t)o.n_ent : 0;
	if (cache_commit(&af, &h, e)) {
		ws_cannot_write(w, e->msg);
		return -1;
	}
	/* Derived caches are keyed by the fingerprints, which an encode with
	 * the same SAE keeps: drop them so they follow the new values. */
	for (size_t i = 0; i < sizeof derived / sizeof *derived; i++) {
		char dp[4096];
		if (!ws_file(w, derived[i], dp, sizeof dp, NULL))
			unlink(dp);
	}
	if (rebuilt)
		*rebuilt = 1;
	return 0;
}

/* The varying kinds in memory: the entries grow as rows are encoded. */
static int encode_mem_var(latents **out, struct ws *w, const sae *s, int with_prompt,
                          const sf_progress *p, sf_err *e)
{
	size_t n = store_nrows(ws_store(w));
	latents *l = calloc(1, sizeof *l);
	lat_own *own = calloc(1, sizeof *own);
	lat_sink o = { .n_rows = n };
	o.off = malloc((n + 1) * sizeof *o.off);
	if (!l || !own || !o.off) {
		free(l), free(own), free(o.off);
		return sf_fail(e, "out of memory for the latents (%zu rows)", n);
	}
	if (encode_rows(w, s, with_prompt, &o, p, e)) {
		free(l), free(own), free(o.off), free(o.idx), free(o.val);
		return -1;
	}
	own->heap = o.off, own->heap_idx = o.idx, own->heap_val = o.val;
	l->n_rows = n;
	l->k = 0;
	l->m = s->m;
	l->off = o.off;
	l->n_entries = o.n_ent;
	static const uint32_t none_i[1];
	static const float none_v[1];
	l->idx = o.idx ? o.idx : none_i;
	l->val = o.val ? o.val : none_v;
	sae_fingerprint(s, l->sae_fingerprint);
	l->priv_ = own;
	*out = l;
	return 0;
}

int latents_encode_mem(latents **out, struct ws *w, const sae *s, int with_prompt,
                       const sf_progress *p, sf_err *e)
{
	*out = NULL;
	if (check_width(w, s, e))
		return -1;
	if (s->kind != SAE_KIND_TOPK)
		return encode_mem_var(out, w, s, with_prompt, p, e);
	size_t n = store_nrows(ws_store(w)), cells = 0, bytes = 0;
	if (sf_mul_size(n, (size_t)s->k, &cells) || sf_mul_size(cells, 8, &bytes) ||
	    sae_mem_check(bytes, "latents in memory", e))
		return bytes ? -1 : sf_fail(e, "latents: size overflows");
	latents *l = calloc(1, sizeof *l);
	lat_own *own = calloc(1, sizeof *own);
	void *block = malloc(bytes ? bytes : 1);
	if (!l || !own || !block) {
		free(l), free(own), free(block);
		return sf_fail(e, "out of memory for the latents (%zu bytes)", bytes);
	}
	lat_sink o = { .idx = block, .val = (float *)((uint32_t *)block + cells) };
	if (encode_rows(w, s, with_prompt, &o, p, e)) {
		free(l), free(own), free(block);
		return -1;
	}
	own->heap = block;
	l->n_rows = n;
	l->k = s->k;
	l->m = s->m;
	l->idx = o.idx;
	l->val = o.val;
	l->n_entries = cells;
	sae_fingerprint(s, l->sae_fingerprint);
	l->priv_ = own;
	*out = l;
	return 0;
}
