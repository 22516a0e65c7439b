/* What the analysis benchmarks share: a clock, a fixed random stream, and
 * synthetic latents of N rows in pairs of R rows (half chosen, half
 * rejected, every 8th row a sentence end), k distinct features per row
 * drawn with a skew (some common, most rare), values decreasing along the
 * row as the latents keep them. */
#ifndef BENCH_SYNTH_H
#define BENCH_SYNTH_H

#include <stddef.h>
#include <stdint.h>

double synth_now(void);      /* seconds, monotonic */
double synth_unit(void);     /* uniform in [0, 1), the same stream every run */

typedef struct synth_latents {
	uint32_t *idx; /* [N, k] */
	float *val;    /* [N, k] */
	int32_t *pair; /* [N] */
	uint8_t *side, *flags;
} synth_latents;

/* 0, or -1 when out of memory. */
int synth_make(synth_latents *L, size_t N, int k, int m, size_t R);
void synth_free(synth_latents *L);

#endif
