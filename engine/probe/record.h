/* A probe's record: the JSON object `safer probe --format json` prints and
 * a saved probe (engine/ws/probes_ws.h) holds (doc/formats.md, "Probe
 * protocol"):
 *
 *   {"features": [{"feature", "total", "max", "rows", "label"}, ...],
 *    "score": a(resp), "score_rows": n, "reward": r | null,
 *    "tokens": [{"text", "sentence_end", "top": [{"feature", "act"}, ...]}, ...],
 *    ...the inputs: "prompt", "response", "url", "model", "layer", "d",
 *    "sae", "rows", "fallback", "name", "saved" where given}
 *
 * Token texts are the token's bytes with invalid UTF-8 repaired (a token
 * may hold part of a character). Labels come from L (may be NULL). */
#ifndef ENGINE_PROBE_RECORD_H
#define ENGINE_PROBE_RECORD_H

#include <jansson.h>

#include "engine/analysis/labels.h"
#include "engine/probe/reply.h"
#include "engine/probe/result.h"

typedef struct probe_record_in {
	const probe_rows *rows;
	const probe_result *res;
	const sf_labels *L;
	int tokens;            /* 1: the per-token rows */
	int top;               /* features per token (those > 0, at most this) */
	const char *prompt, *response, *url, *model, *sae, *name; /* NULL: left out */
	const char *rows_mode; /* "sentence" | "all", NULL: left out */
	int fallback;          /* the safety sets were the fallback */
} probe_record_in;

/* A new JSON object, or NULL when out of memory. */
json_t *probe_record(const probe_record_in *in);

#endif
