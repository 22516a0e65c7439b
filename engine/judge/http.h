/* The judge's HTTP client: chat-completions requests POSTed through libcurl,
 * several in flight (one curl multi handle), each bounded in size and time.
 *
 * Failures are sorted three ways:
 *   transient  connection errors, timeouts, HTTP 429 and 5xx: retried with
 *              exponential backoff (a 429's Retry-After is honoured); after
 *              the last retry the request fails for good (done gets why)
 *   the reply  a reply larger than max_reply fails that request (no retry)
 *   fatal      any other 4xx (the server's message is kept), a redirect to
 *              another host (never followed), a TLS or protocol error: the
 *              run stops, the requests in flight are dropped
 * A redirect to the same host is followed by POSTing there again.
 *
 * The API key goes only into the Authorization header: it is cut out of
 * every reply body and message handed back. */
#ifndef ENGINE_JUDGE_HTTP_H
#define ENGINE_JUDGE_HTTP_H

#include <stddef.h>

#include "engine/base/err.h"

typedef struct judge_http_opts {
	const char *url;     /* the endpoint (http or https) */
	const char *api_key; /* NULL or "": no Authorization header; else the bearer token */
	int jobs;            /* requests in flight, >= 1 */
	double timeout;      /* seconds per request */
	int retries;         /* attempts after the first, on transient failures */
	double backoff;      /* first wait in seconds, doubled per retry */
	size_t max_reply;    /* bytes of a reply body */
	int (*stop)(void *ctx); /* non-zero: stop the run ("cancelled"); may be NULL */
	int get;             /* non-zero: GET requests (the bodies next gives are not sent) */
	const char *agent;   /* User-Agent, NULL: "safer-judge" */
} judge_http_opts;

void judge_http_opts_default(judge_http_opts *o);

typedef struct judge_http_tally {
	long requests; /* sent, retries included */
	long retries;
} judge_http_tally;

/* next: the next request: *id and *body (malloc'd JSON, taken over);
 * returns 1 when it gave one, 0 when there are no more, -1 to stop the run
 * (e set). done: request id finished: body[len] of a 200 reply, or body
 * NULL and why (one line) when it failed for good; non-zero stops the run
 * (e set). Both run on the calling thread. */
typedef int (*judge_next_fn)(void *ctx, int *id, char **body, sf_err *e);
typedef int (*judge_done_fn)(void *ctx, int id, const char *body, size_t len, const char *why,
                             sf_err *e);

int judge_http_run(const judge_http_opts *o, judge_next_fn next, judge_done_fn done,
                   void *ctx, judge_http_tally *t, sf_err *e);

/* Check a base URL: http or https, a host, no user name or password in
 * it (the key belongs in the environment). */
int judge_http_check_url(const char *url, sf_err *e);

#endif
