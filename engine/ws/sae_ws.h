/* The workspace's SAE: WS/sae (sae.safetensors + cfg.json).
 *
 * The two files are one unit: a save writes both into a new directory
 * beside it and swaps that into place with one rename (RENAME_EXCHANGE),
 * so a kill at any moment leaves the old SAE or the new one, never new
 * weights with an old cfg.json. Both files carry the SAE's fingerprint; a
 * mix found anyway (a workspace saved by an older version, or files
 * copied in by hand) is "SAE damaged: retrain or load it again". */
#ifndef ENGINE_WS_SAE_WS_H
#define ENGINE_WS_SAE_WS_H

#include "engine/base/err.h"
#include "engine/sae/sae.h"

struct ws;

/* What a mixed or half SAE is called, in every message about one. */
#define SAE_WS_DAMAGED "SAE damaged: retrain or load it again"

/* The workspace's SAE (WS/sae), checked against the workspace: its width
 * must be the store's d. Fails saying to train or load one when absent. */
int sae_load_ws(sae **out, struct ws *w, sf_err *e);
/* Its fingerprint from WS/sae/cfg.json, checked against the one in the
 * weights' header, without loading the weights. */
int sae_ws_fingerprint(struct ws *w, char out[17], sf_err *e);
/* Save s as the workspace's SAE, replacing the old one as a unit. The
 * caller holds the writer lock (ws_write_begin). A checkpoint of a
 * training in progress (WS/sae/checkpoint.safetensors) is kept. */
int sae_save_ws(struct ws *w, const sae *s, sf_err *e);

/* Fit an imported SAE to the workspace before it is installed: an
 * activation scale the file does not give (SAELens
 * expected_average_only_in) is estimated on a sample of the rows as SAELens
 * does (sqrt(d) / mean |x|) and folded in; the SAE's hook (SAELens
 * metadata.hook_name / hook_name) is checked against the workspace's layer
 * (the activation file's saelens_hook, sparsify_hookpoint and hook), a
 * mismatch failing with both named unless force. note (may be NULL) gets
 * what was done or could not be checked, one line, or "". */
int sae_ws_fit(struct ws *w, sae *s, int force, char *note, size_t note_len, sf_err *e);

#endif
