/* What the C benchmarks share: a monotonic clock and a small xorshift
 * generator (the same stream in every benchmark for the same calls). */
#ifndef BENCH_BENCH_UTIL_H
#define BENCH_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

static inline double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t rs = 88172645463325252ULL;
static inline uint64_t xr(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}
static inline double ur(void) { return (double)(xr() >> 11) * (1.0 / 9007199254740992.0); }

#endif
