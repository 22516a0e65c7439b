/* The workspace's policy for its caches: see cache_ws.h. */
#include "engine/ws/cache_ws.h"

#include "engine/ws/workspace.h"

int cache_open(cache_map *m, struct ws *w, const char *name, const cache_key *want,
               const cache_ops *ops, void *ctx, const sf_progress *p, int *from_file, sf_err *e)
{
	char path[4096];
	*from_file = 0;
	if (ws_file(w, name, path, sizeof path, e))
		return -1;
	sf_err de = { { 0 } };
	int rc = cache_map_file(m, path, want, ops->check, ctx, NULL, &de);
	if (rc == CACHE_CURRENT) {
		*from_file = 1;
		return 0;
	}
	/* Damaged: never trusted. Rebuilt when the rebuild can replace it on
	 * disk; read-only, say why instead of hiding the damage. */
	if (rc == CACHE_DAMAGED && ws_readonly(w))
		return sf_fail(e, "%s (not rebuilt: workspace is read-only, %s)", de.msg,
		               ws_readonly_reason(w));
	cache_hdr h = { .key = *want };
	cache_seg seg[CACHE_SEGS];
	int nseg = 0;
	if (ops->build(ctx, &h, seg, &nseg, p, e))
		return -1;
	sf_err we;
	if (!ws_readonly(w) && cache_write(path, &h, seg, nseg, &we))
		ws_cannot_write(w, we.msg); /* the result is in ctx all the same */
	return 0;
}
