/* Top-k selection by a bounded min-heap: one pass over the m values, with
 * O(log k) work only when a value beats the current k-th largest, which
 * for typical rows happens O(k log(m/k)) times. No full sort. */
#ifndef ENGINE_SAE_TOPK_H
#define ENGINE_SAE_TOPK_H

#include <stddef.h>
#include <stdint.h>

/* The k largest of v[j] + bias[j] (bias may be NULL), j < m, optionally
 * restricted to latents with mask[j] != 0 (mask may be NULL). Writes idx
 * and val [k] sorted by value, largest first (ties: lower index first).
 * Returns the number found (< k only when fewer than k are allowed). */
int topk_select(const float *v, const float *bias, const uint8_t *mask, int m, int k,
                uint32_t *idx, float *val);

/* The same set (with bias, no mask) in no particular order: cheaper, for
 * training where order does not matter. */
int topk_select_unsorted(const float *v, const float *bias, int m, int k, uint32_t *idx,
                         float *val);

#endif
