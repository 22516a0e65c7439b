/* The probe protocol's messages (doc/formats.md, "Probe protocol"): the
 * request body, and the replies of GET /v1/info and POST /v1/activations
 * parsed and checked. A reply comes from a server: every field is checked
 * (types, ranges, n x d against the bytes, finite values, token count)
 * before it is used, and a bad one fails with one line saying what. */
#ifndef ENGINE_PROBE_REPLY_H
#define ENGINE_PROBE_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"

enum {
	PROBE_MAX_ROWS = 65536,    /* tokens of one response */
	PROBE_MAX_D = 65536,       /* model width */
	PROBE_MAX_TOKEN = 4096,    /* bytes of one token's text */
};

typedef struct probe_info {
	char model[256]; /* as the server names it (UTF-8 repaired, may hold controls) */
	char hook[128];
	int layer;       /* -1 when the server did not say */
	int d;
	int reward;      /* 1: the server gives a reward */
} probe_info;

typedef struct probe_rows {
	int d, layer;
	size_t n;
	float *acts;      /* [n,d] as f32 (f16 converted) */
	size_t *tok_off;  /* [n+1]: row r's token is tok_bytes[tok_off[r] .. tok_off[r+1]) */
	char *tok_bytes;
	uint8_t *flags;   /* [n] bit 0: sentence end */
	double reward;    /* NaN when the reply's reward is null */
} probe_rows;

/* {"prompt": P, "response": R} (invalid UTF-8 repaired), malloc'd. */
char *probe_request_body(const char *prompt, const char *response);

int probe_parse_info(const char *body, size_t len, probe_info *out, sf_err *e);
int probe_parse_rows(const char *body, size_t len, probe_rows *out, sf_err *e);
void probe_rows_free(probe_rows *r);

#endif
