#include "engine/base/threads.h"

#include <cblas.h>
#include <pthread.h>

typedef struct par_arg {
	void (*fn)(void *, int, int);
	void *ctx;
	int t, nt;
} par_arg;

static void *par_main(void *a)
{
	par_arg *p = a;
	p->fn(p->ctx, p->t, p->nt);
	return NULL;
}

/* Threads are created per section (tens of microseconds, against
 * sections of milliseconds) and sleep in join: nothing spins while
 * OpenBLAS's workers run the GEMM. */
void sf_parallel(int nt, void (*fn)(void *ctx, int t, int nt), void *ctx)
{
	if (nt <= 1) {
		fn(ctx, 0, 1);
		return;
	}
	if (nt > 64)
		nt = 64;
	pthread_t th[64];
	par_arg args[64];
	int started = 0;
	for (int t = 1; t < nt; t++) {
		args[t] = (par_arg){ fn, ctx, t, nt };
		if (pthread_create(&th[t], NULL, par_main, &args[t]))
			break;
		started = t;
	}
	for (int t = started + 1; t < nt; t++) /* could not start them all */
		fn(ctx, t, nt);
	fn(ctx, 0, nt);
	for (int t = 1; t <= started; t++)
		pthread_join(th[t], NULL);
}

int sf_threads(void)
{
	int n = openblas_get_num_threads();
	return n < 1 ? 1 : n;
}
