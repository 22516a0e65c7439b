/* The probe protocol's client: GET URL/v1/info and POST URL/v1/activations
 * through the judge's libcurl client (engine/judge/http.h), one request at
 * a time, bounded in reply size and time, never retried (a person is
 * waiting), cancellable through stop. The bearer token goes only into the
 * Authorization header and is cut out of every message. Failures are one
 * line naming the URL: the server is down, no reply within the timeout, a
 * reply too large, the server's own {"error": ...} (made terminal-safe by
 * whoever shows it), or a reply that does not follow the protocol. */
#ifndef ENGINE_PROBE_CLIENT_H
#define ENGINE_PROBE_CLIENT_H

#include <stddef.h>

#include "engine/base/err.h"
#include "engine/probe/reply.h"

typedef struct probe_conn {
	const char *url;     /* the server's base URL, e.g. http://127.0.0.1:8765 */
	const char *token;   /* bearer token, or NULL */
	double timeout;      /* seconds per request (default 60) */
	size_t max_reply;    /* bytes of a reply (default 256 MB) */
	int (*stop)(void *ctx); /* non-zero: cancel ("cancelled"); may be NULL */
	void *stop_ctx;
} probe_conn;

void probe_conn_default(probe_conn *c);

/* Check the base URL (http or https, a host, no user or password). */
int probe_check_url(const char *url, sf_err *e);

int probe_fetch_info(const probe_conn *c, probe_info *out, sf_err *e);
int probe_fetch_rows(const probe_conn *c, const char *prompt, const char *response,
                     probe_rows *out, sf_err *e);

#endif
