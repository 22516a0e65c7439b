/* Synthetic latents for the benchmarks: see synth.h. */
#include "bench/synth.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "engine/formats/store.h"

double synth_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t rs = 88172645463325252ULL;

double synth_unit(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (double)(rs >> 11) * (1.0 / 9007199254740992.0);
}

int synth_make(synth_latents *L, size_t N, int k, int m, size_t R)
{
	L->idx = malloc(N * (size_t)k * sizeof *L->idx);
	L->val = malloc(N * (size_t)k * sizeof *L->val);
	L->pair = malloc(N * sizeof *L->pair);
	L->side = malloc(N);
	L->flags = malloc(N);
	uint8_t *seen = calloc((size_t)m, 1);
	if (!L->idx || !L->val || !L->pair || !L->side || !L->flags || !seen) {
		free(seen);
		synth_free(L);
		return -1;
	}
	for (size_t r = 0; r < N; r++) {
		L->pair[r] = (int32_t)(r / R);
		L->side[r] = (r % R) < R / 2 ? SIDE_CHOSEN : SIDE_REJECTED;
		L->flags[r] = (r % 8) == 7;
		float v = (float)(5 + 5 * synth_unit());
		for (int i = 0; i < k; i++) {
			uint32_t f;
			do
				f = (uint32_t)(pow(synth_unit(), 2.0) * m);
			while (seen[f]);
			seen[f] = 1;
			L->idx[r * k + i] = f;
			v *= (float)(0.9 + 0.09 * synth_unit());
			L->val[r * k + i] = v;
		}
		for (int i = 0; i < k; i++)
			seen[L->idx[r * k + i]] = 0;
	}
	free(seen);
	return 0;
}

void synth_free(synth_latents *L)
{
	free(L->idx);
	free(L->val);
	free(L->pair);
	free(L->side);
	free(L->flags);
}
