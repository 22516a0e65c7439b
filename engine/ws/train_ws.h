/* Training the workspace's SAE: rows picked from its store, the SAE saved
 * in WS/sae, a checkpoint on cancel, resume, latents encoded at the end. */
#ifndef ENGINE_WS_TRAIN_WS_H
#define ENGINE_WS_TRAIN_WS_H

#include <stddef.h>

#include "engine/base/err.h"
#include "engine/sae/train.h"

struct ws;

/* Train the workspace's SAE: rows per o->rows / o->sides, from scratch or
 * (continue_sae) from WS/sae; or resume WS/sae/checkpoint.safetensors.
 * Saves WS/sae/{sae.safetensors,cfg.json}; on cancel saves the checkpoint
 * and returns 1 (the message in e says how to resume). */
int train_ws(struct ws *w, const train_opts *o, int continue_sae, int resume,
             train_report_fn fn, void *ctx, train_report *final, sf_err *e);

/* The options train_ws would train with (not resuming): *out is o with
 * the rows mode and the automatic fields resolved as train_ws resolves
 * them, over the *n_rows rows it would pick. Continuing loads WS/sae for
 * its shape. */
int train_ws_resolve(struct ws *w, const train_opts *o, int continue_sae, train_opts *out,
                     size_t *n_rows, sf_err *e);

#endif
