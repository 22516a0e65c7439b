/* Writing an SAE for other libraries, as their own save code lays it out:
 *
 *   SAELens (SAE.save_model): DIR/sae_weights.safetensors with W_enc [d,m],
 *     b_enc [m], W_dec [m,d], b_dec [d] (threshold [m] for JumpReLU), and
 *     DIR/cfg.json = SAEConfig.to_dict(): d_in, d_sae, dtype, device,
 *     apply_b_dec_to_input, normalize_activations, reshape_activations,
 *     architecture (topk with k, jumprelu, standard) and metadata
 *     (hook_name, model_name).
 *   sparsify (SparseCoder.save_to_disk): DIR/sae.safetensors with
 *     encoder.weight [m,d], encoder.bias [m], W_dec [m,d], b_dec [d], and
 *     DIR/cfg.json = SparseCoderConfig.to_dict() plus d_in. TopK only.
 *
 * Both libraries ignore keys they do not know, so cfg.json also carries
 * safer's own "normalize" and "relu": read back by safer, the SAE is the
 * one written (the same fingerprint). */
#ifndef ENGINE_SAE_EXPORT_H
#define ENGINE_SAE_EXPORT_H

#include "engine/base/err.h"
#include "engine/sae/sae.h"

enum { SAE_EXPORT_SAELENS = 0, SAE_EXPORT_SPARSIFY = 1 };

/* "saelens" or "sparsify": 0 and *layout set, else -1. */
int sae_export_layout_parse(const char *s, int *layout);

/* What the other library will read differently from safer, one line (""
 * when nothing): a standardize SAE (SAELens's layer_norm uses eps 1e-5,
 * sparsify none at all), raw TopK (both apply ReLU to the kept values). */
void sae_export_caveat(const sae *s, int layout, char *out, size_t n);

/* Write s into the new directory dir (refused when it exists), made as a
 * unit: a temporary directory beside it is filled, fsynced and renamed.
 * hook: the layer's name in that library (SAELens hook_name), or NULL for
 * the SAE's own. model: for SAELens's metadata, or NULL. */
int sae_export(const sae *s, int layout, const char *dir, const char *hook, const char *model,
               sf_err *e);

#endif
