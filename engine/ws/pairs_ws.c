/* WS/pairs.bin through the common cache header (cache.h). */
#include "engine/ws/pairs_ws.h"

#include <string.h>

#include "engine/base/fingerprint.h"
#include "engine/ws/cache.h"

#define PAIRS_VERSION 1

static void key_of(cache_key *k, uint64_t fp)
{
	memset(k, 0, sizeof *k);
	k->kind = CACHE_PAIRS;
	k->version = PAIRS_VERSION;
	fp_hex(fp, k->data_fp);
}

int pairs_save_ws(const pairs *p, const char *file, sf_err *e)
{
	cache_hdr h;
	memset(&h, 0, sizeof h);
	key_of(&h.key, pairs_file_fp(p));
	h.key.param[0] = p->n;
	size_t len;
	const void *b = pairs_index_bytes(p, &len);
	cache_seg seg = { b, len };
	return cache_write(file, &h, &seg, 1, e);
}

/* The cached index when it is current for want_fp; -1 with *damaged set
 * when the file is there and not to be trusted. */
static int from_cache(pairs *out, const char *path, const char *file, uint64_t want_fp,
                      int *damaged, sf_err *de)
{
	cache_key want;
	key_of(&want, want_fp);
	cache_map m;
	*damaged = 0;
	int rc = cache_map_file(&m, file, &want, NULL, NULL, NULL, de);
	if (rc != CACHE_CURRENT) {
		*damaged = rc == CACHE_DAMAGED;
		return -1;
	}
	/* a copy, so that the index may take a new stat identity */
	uint64_t n = m.h.key.param[0];
	rc = pairs_adopt(out, path, m.payload, (size_t)m.h.payload_size, 1, file, de);
	cache_unmap(&m);
	if (rc == 0 && (out->n != n || pairs_file_fp(out) != want_fp)) {
		pairs_free(out);
		rc = sf_fail(de, "%s: damaged (its header and payload disagree)", file);
	}
	*damaged = rc != 0;
	return rc;
}

int pairs_open_ws(pairs *out, const char *file, const char *ro_reason, const char *path,
                  uint64_t want_fp, uint64_t *size, uint64_t *fp, sf_err *e)
{
	sf_err de = { { 0 } };
	int damaged;
	if (from_cache(out, path, file, want_fp, &damaged, &de) == 0) {
		pairs_stat now;
		uint64_t at;
		if (pairs_stat_now(out, &now, &at, e)) {
			pairs_free(out);
			return -1;
		}
		*fp = want_fp;
		*size = now.size;
		if (pairs_identity_trusted(out, &now))
			return 0;
		/* touched, copied back, or indexed just after a change: the
		 * contents decide */
		if (pairs_hash_file(out, size, fp, e)) {
			pairs_free(out);
			return -1;
		}
		if (*fp != want_fp) {
			pairs_free(out);
			return 1;
		}
		pairs_set_stat(out, &now, at);
		if (!ro_reason && pairs_save_ws(out, file, e)) {
			pairs_free(out);
			return -1;
		}
		return 0;
	}
	if (damaged && ro_reason)
		return sf_fail(e, "%s (not rebuilt: workspace is read-only, %s)", de.msg, ro_reason);
	/* Indexed again: the file first, so that a changed file is called
	 * changed rather than whatever is wrong with its lines now. */
	if (fp_whole_file(path, size, fp, e))
		return -1;
	if (*fp != want_fp)
		return 1;
	if (pairs_index(out, path, e))
		return -1;
	*fp = pairs_file_fp(out);
	if (*fp != want_fp) {
		pairs_free(out);
		return 1;
	}
	if (!ro_reason && pairs_save_ws(out, file, e)) {
		pairs_free(out);
		return -1;
	}
	return 0;
}
