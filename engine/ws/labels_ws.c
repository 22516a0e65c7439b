/* Labels in a workspace: which set belongs to the current SAE, and the
 * archive of the others. The label operations themselves are in
 * engine/analysis/labels.c. */
#include "engine/ws/labels_ws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/base/fingerprint.h"
#include "engine/base/infile.h"
#include "engine/ws/carry_ws.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/workspace.h"

/* Copy a (bounded) file to dst atomically: archiving keeps the bytes as
 * they were, whatever SAE width they were written for. */
static int copy_atomic(const char *src, const char *dst, sf_err *e)
{
	struct stat sb;
	FILE *f = infile_fopen(src, &sb, e);
	if (!f)
		return -1;
	char *buf = NULL;
	int rc = 0;
	if (sb.st_size < 0 || sb.st_size > ((off_t)256 << 20))
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
	sf_err se = { "" };
	if (!out->readonly && (copy_atomic(path, arch, &se) || labels_save(out, &se))) {
		/* Nothing moved: the archive copy and the save are atomic. The
		 * switch holds in memory, as in a read-only workspace. */
		ws_cannot_write(w, se.msg);
		out->readonly = 1;
	}
	char what[160], how[300];
	if (se.msg[0])
		snprintf(how, sizeof how, "(not saved: %s; nothing moved yet) they will be kept in",
		         se.msg);
	else
		snprintf(how, sizeof how, "%s", out->readonly ? "(read-only, nothing moved yet) they "
		                                                "will be kept in" : "they are kept in");
	if (restored)
		snprintf(what, sizeof what, "restored its %zu labels from labels-%s.msgpack", out->n, cur);
	else
		snprintf(what, sizeof what, "starting an empty label set for it");
	char offer[128] = "";
	if (carry_ws_available(w, old))
		snprintf(offer, sizeof offer, "; labels --carry-from %s (:carry in the explorer) suggests which "
		         "fit it", old);
	int n = snprintf(out->notice, sizeof out->notice, "the labels were made for SAE %s, the "
	                 "workspace now has SAE %s: %s labels-%s.msgpack; %s%s", old, cur, how, old,
	                 what, offer);
	if (n >= (int)sizeof out->notice)
		memcpy(out->notice + sizeof out->notice - 4, "...", 4);
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
	if (sae_ws_fingerprint(w, cur, &se) || !fp_hex_ok(cur))
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
