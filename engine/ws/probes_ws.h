/* Saved probes: WS/probes/NAME.json, one probe record each
 * (engine/probe/record.h), written atomically under the workspace lock,
 * so that a counterfactual that shows something can be cited later.
 * Names: 1-64 characters of [A-Za-z0-9._-], not starting with a dot. */
#ifndef ENGINE_WS_PROBES_WS_H
#define ENGINE_WS_PROBES_WS_H

#include <stddef.h>

#include "engine/base/err.h"
#include "engine/probe/reply.h"
#include "engine/sae/sae.h"
#include "engine/ws/workspace.h"

enum { PROBE_NAME_MAX = 64 };
#define PROBE_FILE_MAX ((size_t)64 << 20) /* bytes of a saved probe */

/* 0 when name is a probe name, else -1 with e saying why. */
int probes_ws_name_check(const char *name, sf_err *e);
/* Save json (a record's text) as NAME, replacing a probe of that name. */
int probes_ws_save(ws *w, const char *name, const char *json, sf_err *e);
/* The names saved, sorted (malloc'd array of malloc'd strings). */
int probes_ws_list(ws *w, char ***names, size_t *n, sf_err *e);
void probes_ws_list_free(char **names, size_t n);
/* The text of probe NAME (malloc'd, NUL-terminated), at most
 * PROBE_FILE_MAX bytes; fails naming the file. */
char *probes_ws_read(ws *w, const char *name, size_t *len, sf_err *e);

/* Rows from a probe server fit the workspace: d is the activations' and
 * the SAE's, and the layer is the activations' (where both say one).
 * Fails naming both values and the server (url). */
int probes_ws_check(ws *w, const sae *s, const probe_rows *r, const char *url, sf_err *e);

/* The probe server's URL remembered in the workspace (WS/probe-url):
 * get fills buf and returns 1, or 0 when none is kept; set keeps url
 * (checked) atomically. */
int probes_ws_url_get(ws *w, char *buf, size_t n);
int probes_ws_url_set(ws *w, const char *url, sf_err *e);

#endif
