/* The workspace's SAE (WS/sae): its fingerprint and its weights. */
#include "engine/ws/sae_ws.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/formats/safetensors.h"
#include "engine/analysis/labels.h"
#include "engine/ws/workspace.h"

#define DAMAGED SAE_WS_DAMAGED

/* The fingerprint in the weights' header (empty when it has none, as in
 * SAEs from elsewhere): the half of the unit that cfg.json must match. */
static int weights_fingerprint(const char *wpath, char out[17], sf_err *e)
{
	st_file *f;
	out[0] = 0;
	if (st_open(&f, wpath, e))
		return -1;
	const char *fp = st_meta(f, "fingerprint");
	if (fp && strlen(fp) == 16)
		memcpy(out, fp, 17);
	st_close(f);
	return 0;
}

/* cfg.json's fingerprint cfp against the weights': equal, or damaged. */
static int check_unit(struct ws *w, const char *cfp, sf_err *e)
{
	char wpath[4096], wfp[17];
	if (ws_file(w, "sae/sae.safetensors", wpath, sizeof wpath, e))
		return -1;
	struct stat sb;
	if (stat(wpath, &sb) != 0)
		return sf_fail(e, "%s/sae: %s (cfg.json without sae.safetensors)", ws_dir(w),
		               DAMAGED);
	if (weights_fingerprint(wpath, wfp, e))
		return -1;
	if (wfp[0] && strcmp(wfp, cfp))
		return sf_fail(e, "%s/sae: %s (the weights are SAE %s, cfg.json is of SAE %s)",
		               ws_dir(w), DAMAGED, wfp, cfp);
	return 0;
}

int sae_ws_fingerprint(struct ws *w, char out[17], sf_err *e)
{
	char path[4096];
	if (ws_file(w, "sae/cfg.json", path, sizeof path, e))
		return -1;
	struct stat sb;
	if (stat(path, &sb))
		return sf_fail(e, "%s: no SAE yet; run `safer train %s` or `safer load-sae %s PATH`",
		               ws_dir(w), ws_dir(w), ws_dir(w));
	json_t *cfg = sae_read_json(path, e);
	if (!cfg)
		return -1;
	json_t *fp = json_object_get(cfg, "fingerprint");
	int rc = 0;
	if (!json_is_string(fp) || strlen(json_string_value(fp)) != 16)
		rc = sf_fail(e, "%s: no \"fingerprint\" in the SAE's cfg.json", path);
	else
		memcpy(out, json_string_value(fp), 17);
	json_decref(cfg);
	return rc ? rc : check_unit(w, out, e);
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
	/* Both halves, of one SAE: a workspace's SAE is always saved with
	 * its cfg.json (sae_save_ws). */
	char cfg[4200], cfp[17];
	snprintf(cfg, sizeof cfg, "%s/cfg.json", dir);
	if (lstat(cfg, &st) != 0)
		return sf_fail(e, "%s: %s (sae.safetensors without cfg.json)", dir, DAMAGED);
	sf_err ce;
	if (sae_ws_fingerprint(w, cfp, &ce) && strstr(ce.msg, DAMAGED)) {
		*e = ce;
		return -1;
	}
	sae *s;
	if (sae_load(&s, dir, -1, 0, e)) {
		/* the weights do not hash to what their cfg.json says */
		if (strstr(e->msg, "weights do not match the fingerprint"))
			sf_fail(e, "%s: %s (the weights do not match cfg.json)", dir, DAMAGED);
		return -1;
	}
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

/* Remove a directory of plain files (an SAE directory swapped out, or one
 * a killed save left). Best effort: what stays is swept by the next save. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		char p[4096];
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    snprintf(p, sizeof p, "%s/%s", dir, de->d_name) >= (int)sizeof p)
			continue;
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* "sae.new-XXXXXX": the directory a save builds the new SAE in. */
#define NEW_PREFIX "sae.new-"

/* Directories of saves killed before they were swapped in, or swapped out
 * and not yet removed. Run under the writer lock, so none is live. */
static void sweep_new_dirs(struct ws *w)
{
	DIR *d = opendir(ws_dir(w));
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		char p[4096];
		if (strncmp(de->d_name, NEW_PREFIX, strlen(NEW_PREFIX)) ||
		    strlen(de->d_name) != strlen(NEW_PREFIX) + 6 ||
		    ws_file(w, de->d_name, p, sizeof p, NULL))
			continue;
		struct stat sb;
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			remove_dir(p);
	}
	closedir(d);
}

/* The weights of a replaced SAE whose labels are kept (labels.msgpack or
 * an archived set names it) stay as WS/sae-<fingerprint>.safetensors, so
 * that its labels can be carried to a later SAE by decoder direction
 * (safer labels --carry-from). Best effort: without them, carrying over
 * says the weights are gone. */
static void keep_labelled_weights(struct ws *w, const char *old_dir)
{
	char wpath[4200], fp[17], lab[4096], name[64], keep[4096], lfp[17];
	sf_err e;
	snprintf(wpath, sizeof wpath, "%s/sae.safetensors", old_dir);
	if (weights_fingerprint(wpath, fp, &e) || strlen(fp) != 16)
		return;
	int64_t m;
	int exists = 0, labelled = 0;
	if (!ws_file(w, "labels.msgpack", lab, sizeof lab, &e) &&
	    !labels_peek(lab, lfp, &m, &exists, &e) && exists && !strcmp(lfp, fp))
		labelled = 1;
	snprintf(name, sizeof name, "labels-%s.msgpack", fp);
	if (!labelled && !ws_file(w, name, lab, sizeof lab, &e) && access(lab, F_OK) == 0)
		labelled = 1;
	snprintf(name, sizeof name, "sae-%s.safetensors", fp);
	if (labelled && !ws_file(w, name, keep, sizeof keep, &e) && rename(wpath, keep) == 0)
		fsync_parent_dir(keep, &e);
}

int sae_save_ws(struct ws *w, const sae *s, sf_err *e)
{
	char dir[4096], tmp[4096], ck[4200], ck_new[4200];
	if (ws_file(w, "sae", dir, sizeof dir, e) ||
	    ws_file(w, NEW_PREFIX "XXXXXX", tmp, sizeof tmp, e))
		return -1;
	sweep_new_dirs(w);
	if (!mkdtemp(tmp))
		return sf_fail_errno(e, "%s: cannot create a directory for the new SAE", ws_dir(w));
	mode_t um = umask(0);
	umask(um);
	if (chmod(tmp, 0777 & ~um) != 0) {
		/* mkdtemp's 0700 only keeps others out */
	}
	if (sae_save(s, tmp, e)) {
		remove_dir(tmp);
		return -1;
	}
	/* a training's checkpoint stays with the workspace, not the old SAE */
	snprintf(ck, sizeof ck, "%s/checkpoint.safetensors", dir);
	snprintf(ck_new, sizeof ck_new, "%s/checkpoint.safetensors", tmp);
	if (link(ck, ck_new) != 0 && errno != ENOENT) {
		/* not kept: a resume starts over, nothing else is lost */
	}
	/* The one step that changes what the workspace holds. */
	int rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE);
	if (rc != 0 && errno == ENOENT)
		rc = rename(tmp, dir); /* no SAE before: nothing to exchange */
	else if (rc != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
		/* a file system without exchange: the old directory is moved
		 * aside first, so a kill in between leaves no SAE rather than a
		 * mix (the moved one is swept by the next save) */
		char aside[4096];
		if (ws_file(w, NEW_PREFIX "XXXXXX", aside, sizeof aside, e) || !mkdtemp(aside)) {
			remove_dir(tmp);
			return e->msg[0] ? -1 : sf_fail_errno(e, "%s: cannot save the SAE", dir);
		}
		rc = rename(dir, aside);
		if (rc == 0 && (rc = rename(tmp, dir)) == 0)
			snprintf(tmp, sizeof tmp, "%s", aside);
		else if (rc != 0 && rename(aside, dir) != 0) {
			/* the old SAE stays in WS/sae.new-*, found by hand */
		}
	}
	if (rc != 0) {
		sf_fail_errno(e, "%s: cannot put the new SAE in place", dir);
		remove_dir(tmp);
		return -1;
	}
	/* tmp now holds the old SAE (or nothing) */
	keep_labelled_weights(w, tmp);
	remove_dir(tmp);
	return fsync_parent_dir(dir, e);
}

/* SAELens's estimate of the activation scale on up to 4096 rows spread over
 * the store. */
static int estimate_scale(struct ws *w, const sae *s, double *c, size_t *used, sf_err *e)
{
	const store *st = ws_store(w);
	size_t n = store_nrows(st), ne = n < 4096 ? n : 4096;
	size_t *rows = malloc((ne ? ne : 1) * sizeof *rows);
	float *x = malloc((ne ? ne : 1) * (size_t)s->d * sizeof *x);
	int rc = 0;
	if (!rows || !x)
		rc = sf_fail(e, "out of memory estimating the activation scale");
	else {
		store_sample_rows(n, ne, rows);
		rc = store_gather_f32(st, rows, ne, x, e);
	}
	if (!rc) {
		*c = sae_estimate_scale(x, ne, s->d);
		*used = ne;
		if (!(*c > 0) || !isfinite(*c))
			rc = sf_fail(e, "%s: cannot estimate the activation scale (the rows are zero)",
			             ws_dir(w));
	}
	free(rows);
	free(x);
	return rc;
}

/* The workspace's names for its layer: 1 when the SAE's hook is one of
 * them; names gets them, for a message. *known: the file records the
 * other tools' names, so that a hook it does not list is another layer. */
static int hook_matches(const store *st, const char *hook, char *names, size_t n, int *known)
{
	const char *keys[] = { "saelens_hook", "sparsify_hookpoint", "hook" };
	int hit = 0;
	size_t o = 0;
	names[0] = 0;
	*known = 0;
	for (int i = 0; i < 3; i++) {
		const char *v = store_meta(st, keys[i]);
		if (!v)
			continue;
		if (i < 2)
			*known = 1;
		hit |= !strcmp(v, hook);
		if (o < n)
			o += (size_t)snprintf(names + o, n - o, "%s%s", o ? ", " : "", v);
	}
	return hit;
}

int sae_ws_fit(struct ws *w, sae *s, int force, char *note, size_t note_len, sf_err *e)
{
	char buf[512] = "";
	if (s->scale_pending) {
		double c;
		size_t used;
		if (estimate_scale(w, s, &c, &used, e))
			return -1;
		sae_fold_scale(s, c);
		snprintf(buf, sizeof buf, "the SAE gives no activation scale "
		         "(expected_average_only_in): estimated as SAELens does, sqrt(d) / mean |x| "
		         "over %zu rows = %.9g, and folded into the weights", used, c);
	}
	const store *st = ws_store(w);
	if (s->hook && s->hook[0]) {
		char names[600];
		int known;
		const char *layer = store_meta(st, "layer");
		if (!hook_matches(st, s->hook, names, sizeof names, &known) && known && !force)
			return sf_fail(e, "SAE hook \"%s\" is not the workspace's layer %s (%s); --force "
			               "loads it anyway", s->hook, layer ? layer : "?", names);
		if (!known && !buf[0])
			snprintf(buf, sizeof buf, "SAE hook \"%s\" not checked: the activation file "
			         "names its layer only as %s", s->hook, names[0] ? names : "nothing");
	}
	if (note_len)
		snprintf(note, note_len, "%s", buf);
	return 0;
}
