/* Where the judge's verdicts live in a workspace (see verdicts_ws.h). */
#include "engine/ws/verdicts_ws.h"

#include <stdio.h>
#include <string.h>

#include "engine/base/fingerprint.h"
#include "engine/ws/sae_ws.h"
#include "engine/ws/workspace.h"

static void sae_fp(struct ws *w, char fp[17])
{
	sf_err se;
	if (sae_ws_fingerprint(w, fp, &se) || !fp_hex_ok(fp))
		fp[0] = 0;
}

int verdicts_ws_path(struct ws *w, char *buf, size_t n, sf_err *e)
{
	char fp[17], name[64];
	sae_fp(w, fp);
	if (fp[0])
		snprintf(name, sizeof name, "judge-%s.json", fp);
	else
		snprintf(name, sizeof name, "judge.json");
	return ws_file(w, name, buf, n, e);
}

int verdicts_ws_load(sf_verdicts *V, struct ws *w, int m, sf_err *e)
{
	char path[4096], fp[17];
	verdicts_init(V, m);
	if (verdicts_ws_path(w, path, sizeof path, e) || verdicts_load(V, path, m, e))
		return -1;
	sae_fp(w, fp);
	memcpy(V->sae, fp, sizeof fp);
	return 0;
}

int verdicts_ws_put(sf_verdicts *V, struct ws *w, const sf_verdict *v, sf_err *e)
{
	if (ws_write_begin(w, e))
		return -1;
	/* the file as it is now, so that verdicts another process saved since
	 * V was read are kept */
	sf_verdicts now;
	int rc = verdicts_load(&now, V->path, V->m, e);
	if (rc == 0) {
		memcpy(now.sae, V->sae, sizeof now.sae);
		rc = verdicts_put(&now, v, e);
	}
	if (rc == 0) {
		verdicts_free(V);
		*V = now;
	} else {
		verdicts_free(&now);
	}
	ws_write_end(w);
	return rc;
}
