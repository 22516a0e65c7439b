/* Fork-join parallel sections for the engine's hot loops (encoder,
 * trainer, index): each thread takes a fixed share of the items, so
 * results do not depend on timing.
 *
 *   static void work(void *ctx, int t, int nt)
 *   {
 *       size_t r0 = sf_share(n, t, nt), r1 = sf_share(n, t + 1, nt);
 *       ...rows [r0, r1)...
 *   }
 *   sf_parallel(sf_threads(), work, &ctx); */
#ifndef ENGINE_BASE_THREADS_H
#define ENGINE_BASE_THREADS_H

#include <stddef.h>

/* Run fn(ctx, t, nt) for t < nt on nt threads (the caller's included);
 * threads sleep rather than spin, so they do not fight OpenBLAS's. */
void sf_parallel(int nt, void (*fn)(void *ctx, int t, int nt), void *ctx);
int sf_threads(void); /* OpenBLAS's thread count, at least 1 */
/* Thread t's share of n items out of nt: [sf_share(n,t,nt), sf_share(n,t+1,nt)). */
static inline size_t sf_share(size_t n, int t, int nt)
{
	return n * (size_t)t / (size_t)nt;
}

#endif
