/* Chat-completions requests through curl multi (see http.h). */
#include "engine/judge/http.h"

#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine/judge/reply.h"

enum { MAX_REDIRECTS = 3, MAX_JOBS = 64 };
#define BACKOFF_CAP 60.0     /* seconds between two attempts, at most */
#define RETRY_AFTER_CAP 300.0 /* a server's Retry-After, honoured up to this */

void judge_http_opts_default(judge_http_opts *o)
{
	memset(o, 0, sizeof *o);
	o->jobs = 4;
	o->timeout = 120;
	o->retries = 5;
	o->backoff = 1;
	o->max_reply = (size_t)1 << 20;
}

enum { SLOT_FREE, SLOT_RUNNING, SLOT_WAITING };

typedef struct slot {
	CURL *h;
	int state;
	int id;
	char *body;
	char *reply;
	size_t len, cap, max;
	int too_big;
	int attempt, redirects;
	double wake;
	char url[4096];
	char errbuf[CURL_ERROR_SIZE];
} slot;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static size_t on_data(char *p, size_t sz, size_t n, void *ctx)
{
	slot *s = ctx;
	size_t k = sz * n;
	if (k > s->max - s->len) {
		s->too_big = 1;
		return 0; /* aborts the transfer */
	}
	if (s->len + k + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 16384;
		while (cap < s->len + k + 1)
			cap *= 2;
		char *r = realloc(s->reply, cap);
		if (!r)
			return 0;
		s->reply = r;
		s->cap = cap;
	}
	memcpy(s->reply + s->len, p, k);
	s->len += k;
	s->reply[s->len] = 0;
	return k;
}

/* Cut every copy of the key out of s[0..n) (in place). */
static void scrub(char *s, size_t n, const char *key)
{
	size_t k = key ? strlen(key) : 0;
	if (!k || !s)
		return;
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(s + i, key, k)) {
			memset(s + i, '*', k);
			i += k - 1;
		}
}

static int url_part(const char *url, CURLUPart what, char *out, size_t cap)
{
	CURLU *u = curl_url();
	char *p = NULL;
	int rc = -1;
	if (u && !curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_get(u, what, &p, 0)) {
		snprintf(out, cap, "%s", p);
		rc = 0;
	}
	curl_free(p);
	curl_url_cleanup(u);
	return rc;
}

int judge_http_check_url(const char *url, sf_err *e)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *pw = NULL;
	int rc = -1;
	if (!u)
		return sf_fail(e, "out of memory");
	if (strlen(url) > 2000 || curl_url_set(u, CURLUPART_URL, url, 0))
		sf_fail(e, "--url: '%s' is not a URL", url);
	else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	         (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")))
		sf_fail(e, "--url: '%s' is not an http or https URL", url);
	else if (curl_url_get(u, CURLUPART_HOST, &host, 0) || !host[0])
		sf_fail(e, "--url: '%s' names no host", url);
	else if (!curl_url_get(u, CURLUPART_USER, &user, 0) ||
	         !curl_url_get(u, CURLUPART_PASSWORD, &pw, 0))
		sf_fail(e, "--url must not hold a user name or password: give the key through the "
		           "environment (--api-key-env)");
	else
		rc = 0;
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(pw);
	curl_url_cleanup(u);
	return rc;
}

static void slot_reset(slot *s)
{
	free(s->body);
	free(s->reply);
	s->body = s->reply = NULL;
	s->len = s->cap = 0;
	s->too_big = 0;
	s->attempt = s->redirects = 0;
	s->state = SLOT_FREE;
}

typedef struct run {
	const judge_http_opts *o;
	CURLM *multi;
	struct curl_slist *hdr;
	slot slots[MAX_JOBS];
	int njobs;
	judge_http_tally *t;
} run;

static int start(run *r, slot *s, sf_err *e)
{
	CURL *h = s->h;
	curl_easy_reset(h);
	s->len = 0;
	s->max = r->o->max_reply;
	s->too_big = 0;
	s->errbuf[0] = 0;
	curl_easy_setopt(h, CURLOPT_URL, s->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->hdr);
	if (r->o->get) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, s->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(s->body));
	}
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(r->o->timeout * 1000));
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(r->o->timeout * 1000));
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->o->max_reply);
	curl_easy_setopt(h, CURLOPT_USERAGENT, r->o->agent ? r->o->agent : "safer-judge");
	if (curl_multi_add_handle(r->multi, h))
		return sf_fail(e, "cannot start a request (libcurl)");
	s->state = SLOT_RUNNING;
	r->t->requests++;
	return 0;
}

/* A transient failure: wait and try again, or give up on this request. */
static int retry_later(run *r, slot *s, double retry_after, const char *why,
                       judge_done_fn done, void *ctx, sf_err *e)
{
	if (s->attempt >= r->o->retries) {
		char msg[600];
		snprintf(msg, sizeof msg, "%s (after %d attempts)", why, s->attempt + 1);
		int rc = done(ctx, s->id, NULL, 0, msg, e);
		slot_reset(s);
		return rc ? -1 : 0;
	}
	double wait = r->o->backoff * pow(2, s->attempt);
	if (wait > BACKOFF_CAP)
		wait = BACKOFF_CAP;
	if (retry_after > RETRY_AFTER_CAP)
		retry_after = RETRY_AFTER_CAP;
	if (retry_after > wait)
		wait = retry_after;
	s->attempt++;
	r->t->retries++;
	s->wake = now_s() + wait;
	s->state = SLOT_WAITING;
	return 0;
}

static int transient_code(CURLcode c)
{
	return c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST ||
	       c == CURLE_COULDNT_RESOLVE_PROXY || c == CURLE_OPERATION_TIMEDOUT ||
	       c == CURLE_GOT_NOTHING || c == CURLE_RECV_ERROR || c == CURLE_SEND_ERROR ||
	       c == CURLE_PARTIAL_FILE;
}

/* A finished transfer: hand it on, retry it, or stop the run (-1). */
static int finished(run *r, slot *s, CURLcode res, judge_done_fn done, void *ctx, sf_err *e)
{
	const judge_http_opts *o = r->o;
	long code = 0;
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	scrub(s->reply, s->len, o->api_key);
	scrub(s->errbuf, strlen(s->errbuf), o->api_key);
	char why[600];
	if (s->too_big || res == CURLE_FILESIZE_EXCEEDED) {
		snprintf(why, sizeof why, "the reply is larger than %zu bytes", o->max_reply);
		int rc = done(ctx, s->id, NULL, 0, why, e);
		slot_reset(s);
		return rc ? -1 : 0;
	}
	if (res != CURLE_OK) {
		if (res == CURLE_OPERATION_TIMEDOUT)
			snprintf(why, sizeof why, "no reply within %g s", o->timeout);
		else
			snprintf(why, sizeof why, "%s", s->errbuf[0] ? s->errbuf : curl_easy_strerror(res));
		if (transient_code(res))
			return retry_later(r, s, 0, why, done, ctx, e);
		return sf_fail(e, "%s: %s", o->url, why);
	}
	char msg[400];
	if (code == 200) {
		int rc = done(ctx, s->id, s->reply ? s->reply : "", s->len, NULL, e);
		slot_reset(s);
		return rc ? -1 : 0;
	}
	judge_error_message(s->reply ? s->reply : "", s->len, msg, sizeof msg);
	scrub(msg, strlen(msg), o->api_key);
	if (code == 429 || code >= 500) {
		curl_off_t ra = 0;
		curl_easy_getinfo(s->h, CURLINFO_RETRY_AFTER, &ra);
		snprintf(why, sizeof why, "HTTP %ld%s%s", code, msg[0] ? ": " : "", msg);
		return retry_later(r, s, (double)ra, why, done, ctx, e);
	}
	if (code >= 300 && code < 400) {
		char *to = NULL, host_a[512], host_b[512];
		curl_easy_getinfo(s->h, CURLINFO_REDIRECT_URL, &to);
		if (!to)
			return sf_fail(e, "%s: HTTP %ld without a Location", o->url, code);
		if (url_part(s->url, CURLUPART_HOST, host_a, sizeof host_a) ||
		    url_part(to, CURLUPART_HOST, host_b, sizeof host_b) ||
		    judge_http_check_url(to, NULL) || strcasecmp(host_a, host_b))
			return sf_fail(e, "%s: redirected to another host, not followed", o->url);
		if (++s->redirects > MAX_REDIRECTS || strlen(to) >= sizeof s->url)
			return sf_fail(e, "%s: too many redirects", o->url);
		snprintf(s->url, sizeof s->url, "%s", to);
		return start(r, s, e);
	}
	return sf_fail(e, "%s: the server refused the request: HTTP %ld%s%s", o->url, code,
	               msg[0] ? ": " : "", msg);
}

int judge_http_run(const judge_http_opts *o, judge_next_fn next, judge_done_fn done,
                   void *ctx, judge_http_tally *t, sf_err *e)
{
	judge_http_tally dummy;
	if (!t)
		t = &dummy;
	memset(t, 0, sizeof *t);
	if (judge_http_check_url(o->url, e))
		return -1;
	if (o->jobs < 1 || o->jobs > MAX_JOBS)
		return sf_fail(e, "judge: jobs must be 1-%d", MAX_JOBS);
	if (strlen(o->url) >= sizeof ((slot *)0)->url)
		return sf_fail(e, "judge: URL too long");
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return sf_fail(e, "judge: libcurl did not start");
	static run zero;
	run *r = malloc(sizeof *r);
	if (!r)
		return sf_fail(e, "judge: out of memory");
	*r = zero;
	r->o = o;
	r->t = t;
	r->njobs = o->jobs;
	r->multi = curl_multi_init();
	r->hdr = curl_slist_append(NULL, "Content-Type: application/json");
	r->hdr = r->hdr ? curl_slist_append(r->hdr, "Expect:") : NULL;
	int rc = 0;
	if (o->api_key && o->api_key[0] && r->hdr) {
		size_t n = strlen(o->api_key) + 32;
		char *a = malloc(n);
		if (a) {
			snprintf(a, n, "Authorization: Bearer %s", o->api_key);
			struct curl_slist *h2 = curl_slist_append(r->hdr, a);
			memset(a, 0, n);
			free(a);
			r->hdr = h2;
		} else {
			curl_slist_free_all(r->hdr);
			r->hdr = NULL;
		}
	}
	if (!r->multi || !r->hdr)
		rc = sf_fail(e, "judge: out of memory");
	for (int i = 0; !rc && i < r->njobs; i++)
		if (!(r->slots[i].h = curl_easy_init()))
			rc = sf_fail(e, "judge: out of memory");
	int more = 1;
	while (!rc) {
		if (o->stop && o->stop(ctx)) {
			rc = sf_fail(e, "cancelled");
			break;
		}
		int busy = 0;
		double soonest = 0.25;
		for (int i = 0; !rc && i < r->njobs; i++) {
			slot *s = &r->slots[i];
			if (s->state == SLOT_FREE && more) {
				char *body = NULL;
				int got = next(ctx, &s->id, &body, e);
				if (got < 0) {
					rc = -1;
				} else if (got == 0) {
					more = 0;
				} else {
					s->body = body;
					snprintf(s->url, sizeof s->url, "%s", o->url);
					rc = start(r, s, e);
				}
			} else if (s->state == SLOT_WAITING) {
				double left = s->wake - now_s();
				if (left <= 0)
					rc = start(r, s, e);
				else if (left < soonest)
					soonest = left;
			}
			busy += s->state != SLOT_FREE;
		}
		if (rc || (!busy && !more))
			break;
		int running;
		if (curl_multi_perform(r->multi, &running) ||
		    curl_multi_poll(r->multi, NULL, 0, (int)(soonest * 1000) + 1, NULL)) {
			rc = sf_fail(e, "judge: libcurl failed");
			break;
		}
		curl_multi_perform(r->multi, &running);
		CURLMsg *m;
		int left;
		while (!rc && (m = curl_multi_info_read(r->multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			slot *s = NULL;
			for (int i = 0; i < r->njobs; i++)
				if (r->slots[i].h == m->easy_handle)
					s = &r->slots[i];
			CURLcode res = m->data.result;
			curl_multi_remove_handle(r->multi, m->easy_handle);
			if (s)
				rc = finished(r, s, res, done, ctx, e);
		}
	}
	for (int i = 0; i < r->njobs; i++) {
		slot *s = &r->slots[i];
		if (s->h) {
			if (s->state == SLOT_RUNNING)
				curl_multi_remove_handle(r->multi, s->h);
			curl_easy_cleanup(s->h);
		}
		slot_reset(s);
	}
	curl_slist_free_all(r->hdr);
	if (r->multi)
		curl_multi_cleanup(r->multi);
	free(r);
	return rc;
}
