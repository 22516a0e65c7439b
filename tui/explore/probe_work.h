/* The Probe screen's requests and their results: a small cache of texts
 * (prompt, response) and what the probe server answered for each, and one
 * request at a time on a thread of its own, so that a server that is down
 * or slow never holds up the screen. The thread only talks HTTP (engine/
 * probe/client.h); the rows are encoded on the main thread, which owns the
 * session. */
#ifndef TUI_EXPLORE_PROBE_WORK_H
#define TUI_EXPLORE_PROBE_WORK_H

#include <stddef.h>

#include "engine/probe/client.h"
#include "engine/probe/result.h"

enum { PE_WAIT, PE_SENT, PE_DONE, PE_FAILED };
enum { PCACHE_N = 16 };

typedef struct pentry {
	char *prompt, *response; /* NULL: a free slot */
	int state;               /* PE_* */
	probe_rows rows;         /* PE_DONE */
	probe_result res;        /* when encoded */
	int encoded;
	unsigned long gen;       /* the model generation it was encoded for */
	char err[512];           /* PE_FAILED, or why it could not be encoded */
	unsigned long used;      /* for dropping the least recently used */
} pentry;

typedef struct pwork pwork;

pwork *pwork_new(void);
/* Cancels a request in flight and waits for its thread. */
void pwork_free(pwork *w);

/* The entry of (prompt, response), made (PE_WAIT, the oldest one dropped
 * when the cache is full) when it is not there; NULL when out of memory. */
pentry *pwork_entry(pwork *w, const char *prompt, const char *response);
/* Forget an entry's result so that it is asked again. */
void pwork_forget(pwork *w, pentry *e);

/* Send e when no request runs: 0 started, 1 busy, -1 failed (e->err). */
int pwork_send(pwork *w, pentry *e, const char *url, const char *token, double timeout);
int pwork_busy(pwork *w);
void pwork_cancel(pwork *w);
/* A finished request's result into its entry (when it is still cached):
 * 1 when one came in, else 0. Main thread. */
int pwork_collect(pwork *w);

#endif
