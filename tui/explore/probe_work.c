/* Probe requests on their own thread, and the cache (see probe_work.h). */
#include "tui/explore/probe_work.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pwork {
	pentry v[PCACHE_N];
	unsigned long clock;
	/* the request in flight */
	pthread_t th;
	int running;           /* a thread was started and not joined */
	atomic_int finished;   /* set by the thread when it is done */
	atomic_int cancel;
	char *prompt, *response, *url, *token;
	double timeout;
	probe_rows rows;
	int rc;
	sf_err err;
};

pwork *pwork_new(void)
{
	return calloc(1, sizeof(pwork));
}

static void entry_clear(pentry *e)
{
	free(e->prompt);
	free(e->response);
	probe_rows_free(&e->rows);
	probe_result_free(&e->res);
	memset(e, 0, sizeof *e);
}

static void request_free(pwork *w)
{
	free(w->prompt);
	free(w->response);
	free(w->url);
	if (w->token)
		memset(w->token, 0, strlen(w->token));
	free(w->token);
	w->prompt = w->response = w->url = w->token = NULL;
}

static void join(pwork *w)
{
	if (w->running) {
		pthread_join(w->th, NULL);
		w->running = 0;
	}
}

void pwork_free(pwork *w)
{
	if (!w)
		return;
	pwork_cancel(w);
	join(w);
	probe_rows_free(&w->rows);
	request_free(w);
	for (int i = 0; i < PCACHE_N; i++)
		entry_clear(&w->v[i]);
	free(w);
}

pentry *pwork_entry(pwork *w, const char *prompt, const char *response)
{
	pentry *old = NULL;
	for (int i = 0; i < PCACHE_N; i++) {
		pentry *e = &w->v[i];
		if (e->prompt && !strcmp(e->prompt, prompt) && !strcmp(e->response, response)) {
			e->used = ++w->clock;
			return e;
		}
		/* never drop the one in flight */
		if (e->state != PE_SENT && (!old || !e->prompt || (old->prompt && e->used < old->used)))
			old = e;
	}
	if (!old)
		return NULL;
	entry_clear(old);
	old->prompt = strdup(prompt);
	old->response = strdup(response);
	if (!old->prompt || !old->response) {
		entry_clear(old);
		return NULL;
	}
	old->state = PE_WAIT;
	old->used = ++w->clock;
	return old;
}

void pwork_forget(pwork *w, pentry *e)
{
	(void)w;
	if (e->state == PE_SENT)
		return;
	probe_rows_free(&e->rows);
	probe_result_free(&e->res);
	e->encoded = 0;
	e->err[0] = 0;
	e->state = PE_WAIT;
}

static int stop(void *ctx)
{
	pwork *w = ctx;
	return atomic_load(&w->cancel);
}

static void *run(void *arg)
{
	pwork *w = arg;
	probe_conn c;
	probe_conn_default(&c);
	c.url = w->url;
	c.token = w->token;
	c.timeout = w->timeout;
	c.stop = stop;
	c.stop_ctx = w;
	w->rc = probe_fetch_rows(&c, w->prompt, w->response, &w->rows, &w->err);
	atomic_store(&w->finished, 1);
	return NULL;
}

int pwork_busy(pwork *w)
{
	return w->running;
}

int pwork_send(pwork *w, pentry *e, const char *url, const char *token, double timeout)
{
	if (w->running)
		return 1;
	request_free(w);
	w->prompt = strdup(e->prompt);
	w->response = strdup(e->response);
	w->url = strdup(url);
	w->token = token && token[0] ? strdup(token) : NULL;
	w->timeout = timeout;
	atomic_store(&w->finished, 0);
	atomic_store(&w->cancel, 0);
	memset(&w->rows, 0, sizeof w->rows);
	if (!w->prompt || !w->response || !w->url || (token && token[0] && !w->token) ||
	    pthread_create(&w->th, NULL, run, w)) {
		request_free(w);
		snprintf(e->err, sizeof e->err, "cannot start a request (out of memory or threads)");
		e->state = PE_FAILED;
		return -1;
	}
	w->running = 1;
	e->state = PE_SENT;
	return 0;
}

void pwork_cancel(pwork *w)
{
	atomic_store(&w->cancel, 1);
}

int pwork_collect(pwork *w)
{
	if (!w->running || !atomic_load(&w->finished))
		return 0;
	join(w);
	pentry *e = NULL;
	for (int i = 0; i < PCACHE_N; i++)
		if (w->v[i].state == PE_SENT && !strcmp(w->v[i].prompt, w->prompt) &&
		    !strcmp(w->v[i].response, w->response))
			e = &w->v[i];
	if (e && w->rc == 0) {
		e->rows = w->rows;
		e->state = PE_DONE;
	} else {
		probe_rows_free(&w->rows);
		if (e) {
			snprintf(e->err, sizeof e->err, "%s", w->err.msg);
			e->state = PE_FAILED;
		}
	}
	memset(&w->rows, 0, sizeof w->rows);
	request_free(w);
	return 1;
}
