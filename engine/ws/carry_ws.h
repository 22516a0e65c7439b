/* Carrying the labels of an SAE that the workspace's SAE replaced: the old
 * SAE's labels (WS/labels-<fingerprint>.msgpack) and weights (kept as
 * WS/sae-<fingerprint>.safetensors when a labelled SAE is replaced)
 * against the workspace's SAE, matched by decoder cosine (carry.h). */
#ifndef ENGINE_WS_CARRY_WS_H
#define ENGINE_WS_CARRY_WS_H

#include "engine/analysis/carry.h"
#include "engine/analysis/labels.h"
#include "engine/base/err.h"

struct ws;

/* The suggestions for the labelled features of SAE `from` (16 hex digits):
 * *old gets its labels (free with labels_free), *out / *n the matches. */
int carry_ws_suggest(struct ws *w, const char *from, double min_cos, sf_labels *old,
                     sf_carry **out, size_t *n, sf_err *e);

/* The note a carried label gets: the old note, then where it came from
 * ("carried from SAE FP feature J (decoder cosine C)"), within n bytes
 * (n > 128) without cutting a UTF-8 character. */
void carry_ws_note(char *out, size_t n, const sf_label *lb, const char *from, const sf_carry *c);

/* 1 when the weights of SAE fp are kept for carrying its labels over. */
int carry_ws_available(struct ws *w, const char *fp);

#endif
