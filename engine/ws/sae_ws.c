/* The workspace's SAE (WS/sae) and the encoder pass that writes
 * WS/latents.bin, block by block (LAT_BLOCK rows), so memory stays
 * independent of the number of rows.
 *
 * Shapes: n rows in the store, d width, m latents, k per row. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/base/atomic.h"
#include "engine/base/fingerprint.h"
#include "engine/ws/latents_file.h"
#include "engine/sae/sae.h"
#include "engine/ws/workspace.h"

int sae_ws_fingerprint(struct ws *w, char out[17], sf_err *e)
{
	char path[4096];
	if (ws_file(w, "sae/cfg.json", path, sizeof path, e))
		return -1;
	struct stat sb;
	if (stat(path, &sb))
		return sf_fail(e, "%s: no SAE yet; run `safer train %s` or `safer load-sae %s PATH`",
		               ws_dir(w), ws_dir(w), ws_dir(w));
	char *txt = sae_read_small(path, e);
	if (!txt)
		return -1;
	json_error_t je;
	json_t *cfg = json_loads(txt, 0, &je);
	free(txt);
	if (!cfg)
		return sf_fail(e, "%s:%d: not valid JSON: %s", path, je.line, je.text);
	json_t *fp = json_object_get(cfg, "fingerprint");
	int rc = 0;
	if (!json_is_string(fp) || strlen(json_string_value(fp)) != 16)
		rc = sf_fail(e, "%s: no \"fingerprint\" in the SAE's cfg.json", path);
	else
		memcpy(out, json_string_value(fp), 17);
	json_decref(cfg);
	return rc;
}

int sae_load_ws(sae **out, struct ws *w, sf_err *e)
{
	char dir[4096], wpath[4200];
	*out = NULL;
	if (ws_file(w, "sae", dir, sizeof dir, e))
		return -1;
	snprintf(wpath, sizeof wpath, "%s/sae.safetensors", dir);
	struct stat st;
	if (stat(wpath, &st))
		return sf_fail(e, "%s: no SAE yet; run `safer train %s` or `safer load-sae %s PATH`",
		               ws_dir(w), ws_dir(w), ws_dir(w));
	sae *s;
	if (sae_load(&s, dir, -1, 0, e))
		return -1;
	int d = store_dim(ws_store(w));
	if (s->d != d) {
		sf_fail(e, "%s: SAE width d %d differs from the workspace's activations d %d%s%s%s",
		        dir, s->d, d, s->hook ? " (SAE hook " : "", s->hook ? s->hook : "",
		        s->hook ? ")" : "");
		sae_free(s);
		return -1;
	}
	*out = s;
	return 0;
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

int latents_build(struct ws *w, const sae *s, int with_prompt, int force,
                  const sf_progress *p, int *rebuilt, sf_err *e)
{
	const store *st = ws_store(w);
	size_t n = store_nrows(st);
	int d = s->d, k = s->k;
	char fp[17], wsfp[17], path[4096];
	if (rebuilt)
		*rebuilt = 0;
	if (d != store_dim(st))
		return sf_fail(e, "%s: SAE width d %d differs from the activations' d %d", ws_dir(w),
		               d, store_dim(st));
	sae_fingerprint(s, fp);
	if (!force && !sae_ws_fingerprint(w, wsfp, e) && !strcmp(fp, wsfp)) {
		uint32_t flags = 0;
		if (lat_current_flags(w, &flags, e) == 1 && (!with_prompt || (flags & LAT_PROMPT)))
			return 0;
	}
	if (ws_readonly(w))
		return sf_fail(e, "%s: read-only (%s); cannot write latents", ws_dir(w),
		               ws_readonly_reason(w));
	if (ws_file(w, "latents.bin", path, sizeof path, e))
		return -1;
	enc_buf b = { 0 };
	sae_encoder *en = NULL;
	b.x = malloc((size_t)LAT_BLOCK * d * sizeof(float));
	b.idx = malloc((size_t)LAT_BLOCK * k * 4);
	b.val = malloc((size_t)LAT_BLOCK * k * 4);
	b.eidx = malloc((size_t)LAT_BLOCK * k * 4);
	b.eval = malloc((size_t)LAT_BLOCK * k * 4);
	b.rows = malloc((size_t)LAT_BLOCK * sizeof(size_t));
	if (!b.x || !b.idx || !b.val || !b.eidx || !b.eval || !b.rows) {
		enc_buf_free(&b);
		return sf_fail(e, "out of memory for encode buffers");
	}
	if (sae_encoder_new(&en, s, LAT_BLOCK, e)) {
		enc_buf_free(&b);
		return -1;
	}
	atomic_file af;
	if (atomic_open(&af, path, e)) {
		sae_encoder_free(en);
		enc_buf_free(&b);
		return -1;
	}
	const uint8_t *side = store_side(st);
	unsigned char hdr[LAT_HEADER] = { 0 };
	uint64_t hi = 0, hv = 0;
	long val_base = LAT_HEADER + (long)(n * k * 4);
	int rc = write_at(af.f, 0, hdr, LAT_HEADER, path, e);
	for (size_t r0 = 0; !rc && r0 < n; r0 += LAT_BLOCK) {
		size_t cnt = n - r0 < LAT_BLOCK ? n - r0 : LAT_BLOCK, ne = 0;
		for (size_t i = 0; i < cnt; i++)
			if (with_prompt || side[r0 + i] != SIDE_PROMPT)
				b.rows[ne++] = r0 + i;
		memset(b.idx, 0, cnt * k * 4);
		memset(b.val, 0, cnt * k * 4);
		if (ne) {
			if ((rc = store_gather_f32(st, b.rows, ne, b.x, e)))
				break;
			sae_encode(en, b.x, ne, b.eidx, b.eval);
			for (size_t i = 0; i < ne; i++) {
				size_t o = (b.rows[i] - r0) * k;
				memcpy(b.idx + o, b.eidx + i * k, k * 4);
				memcpy(b.val + o, b.eval + i * k, k * 4);
			}
		}
		hi = fp_bytes(b.idx, cnt * k * 4, hi);
		hv = fp_bytes(b.val, cnt * k * 4, hv);
		rc = write_at(af.f, LAT_HEADER + (long)(r0 * k * 4), b.idx, cnt * k * 4, path, e);
		if (!rc)
			rc = write_at(af.f, val_base + (long)(r0 * k * 4), b.val, cnt * k * 4, path, e);
		if (!rc && sf_progress_report(p, (double)(r0 + cnt) / n, "encoding rows"))
			rc = sf_fail(e, "cancelled");
	}
	if (!rc) {
		lat_header h = { .k = k, .m = s->m, .flags = with_prompt ? LAT_PROMPT : 0,
		                 .n_rows = n, .data_sum = fp_u64(hi, hv) };
		memcpy(h.data_fp, ws_fingerprint(w), 17);
		memcpy(h.sae_fp, fp, 17);
		lat_header_fill(hdr, &h);
		rc = write_at(af.f, 0, hdr, LAT_HEADER, path, e);
	}
	if (!rc)
		rc = atomic_commit(&af, e);
	else
		atomic_abort(&af);
	sae_encoder_free(en);
	enc_buf_free(&b);
	if (!rc && rebuilt)
		*rebuilt = 1;
	return rc;
}
