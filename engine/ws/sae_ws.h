/* The workspace's SAE: WS/sae (sae.safetensors + cfg.json). */
#ifndef ENGINE_WS_SAE_WS_H
#define ENGINE_WS_SAE_WS_H

#include "engine/base/err.h"
#include "engine/sae/sae.h"

struct ws;

/* The workspace's SAE (WS/sae), checked against the workspace: its width
 * must be the store's d. Fails saying to train or load one when absent. */
int sae_load_ws(sae **out, struct ws *w, sf_err *e);
/* Its fingerprint from WS/sae/cfg.json, without loading the weights. */
int sae_ws_fingerprint(struct ws *w, char out[17], sf_err *e);

#endif
