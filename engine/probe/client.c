/* Probe requests through the judge's HTTP client (see client.h). */
#include "engine/probe/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/judge/http.h"

void probe_conn_default(probe_conn *c)
{
	memset(c, 0, sizeof *c);
	c->timeout = 60;
	c->max_reply = (size_t)256 << 20;
}

int probe_check_url(const char *url, sf_err *e)
{
	return judge_http_check_url(url, e);
}

typedef struct req {
	const probe_conn *c;
	char *body;   /* handed to the client once */
	int sent;
	char *reply;  /* the 200 reply, copied */
	size_t len;
	char why[600];
	int failed;
} req;

static int req_next(void *ctx, int *id, char **body, sf_err *e)
{
	req *q = ctx;
	if (q->sent)
		return 0;
	q->sent = 1;
	*id = 0;
	*body = q->body;
	q->body = NULL;
	return *body ? 1 : sf_fail(e, "out of memory");
}

static int req_done(void *ctx, int id, const char *body, size_t len, const char *why, sf_err *e)
{
	(void)id;
	(void)e;
	req *q = ctx;
	if (!body) {
		q->failed = 1;
		snprintf(q->why, sizeof q->why, "%s", why);
		return 0;
	}
	if (!(q->reply = malloc(len + 1)))
		return sf_fail(e, "out of memory for a reply of %zu bytes", len);
	memcpy(q->reply, body, len);
	q->reply[len] = 0;
	q->len = len;
	return 0;
}

static int req_stop(void *ctx)
{
	req *q = ctx;
	return q->c->stop ? q->c->stop(q->c->stop_ctx) : 0;
}

/* One request to base URL + path; the 200 reply in *reply (malloc'd). */
static int request(const probe_conn *c, const char *path, char *body, char **reply, size_t *len,
                   sf_err *e)
{
	*reply = NULL;
	char url[4096];
	size_t n = strlen(c->url);
	while (n && c->url[n - 1] == '/')
		n--;
	if (n + strlen(path) >= sizeof url) {
		free(body);
		return sf_fail(e, "--url: too long");
	}
	memcpy(url, c->url, n);
	strcpy(url + n, path);
	judge_http_opts o;
	judge_http_opts_default(&o);
	o.url = url;
	o.api_key = c->token;
	o.jobs = 1;
	o.timeout = c->timeout;
	o.retries = 0;
	o.max_reply = c->max_reply;
	o.stop = req_stop;
	o.get = body == NULL;
	o.agent = "safer-probe";
	req q = { .c = c, .body = body ? body : strdup("") };
	int rc = judge_http_run(&o, req_next, req_done, &q, NULL, e);
	free(q.body);
	if (!rc && q.failed) {
		/* "(after 1 attempts)" says nothing when nothing is retried */
		char *p = strstr(q.why, " (after 1 attempts)");
		if (p)
			*p = 0;
		rc = sf_fail(e, "%s: %s", url, q.why);
	}
	if (rc) {
		free(q.reply);
		return -1;
	}
	*reply = q.reply;
	*len = q.len;
	return 0;
}

int probe_fetch_info(const probe_conn *c, probe_info *out, sf_err *e)
{
	char *reply;
	size_t len;
	if (request(c, "/v1/info", NULL, &reply, &len, e))
		return -1;
	int rc = probe_parse_info(reply, len, out, e);
	free(reply);
	return rc ? sf_prefix(e, "%s/v1/info", c->url) : 0;
}

int probe_fetch_rows(const probe_conn *c, const char *prompt, const char *response,
                     probe_rows *out, sf_err *e)
{
	memset(out, 0, sizeof *out);
	char *body = probe_request_body(prompt, response), *reply;
	size_t len;
	if (!body)
		return sf_fail(e, "out of memory");
	if (request(c, "/v1/activations", body, &reply, &len, e))
		return -1;
	int rc = probe_parse_rows(reply, len, out, e);
	free(reply);
	return rc ? sf_prefix(e, "%s/v1/activations", c->url) : 0;
}
