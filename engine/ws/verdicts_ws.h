/* The judge's verdicts of the workspace's current SAE:
 * WS/judge-<SAE fingerprint>.json (WS/judge.json while the SAE has none),
 * so that verdicts, like labels, stay with the SAE they describe. */
#ifndef ENGINE_WS_VERDICTS_WS_H
#define ENGINE_WS_VERDICTS_WS_H

#include <stddef.h>

#include "engine/base/err.h"
#include "engine/judge/verdicts.h"

struct ws;

/* The file's path into buf. */
int verdicts_ws_path(struct ws *w, char *buf, size_t n, sf_err *e);
/* Load it (missing: empty), bound to the file; m is the SAE width. */
int verdicts_ws_load(sf_verdicts *V, struct ws *w, int m, sf_err *e);
/* verdicts_put under the workspace's writer lock, on the file as it is on
 * disk then (another process may have added verdicts): V becomes that set
 * with v in it. On failure V is unchanged. */
int verdicts_ws_put(sf_verdicts *V, struct ws *w, const sf_verdict *v, sf_err *e);

#endif
