/* The workspace's SAE (WS/sae): its fingerprint and its weights. */
#include "engine/ws/sae_ws.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
