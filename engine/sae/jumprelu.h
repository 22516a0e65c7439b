/* Threshold activations: JumpReLU (z_j = pre_j where pre_j > threshold_j,
 * after SAELens's ReLU: pre_j > 0 too) and ReLU (threshold NULL: pre_j > 0).
 * The number of active latents varies from row to row. */
#ifndef ENGINE_SAE_JUMPRELU_H
#define ENGINE_SAE_JUMPRELU_H

#include <stddef.h>
#include <stdint.h>

/* The active latents of one row of pre-activations pre[j] + bias[j], j < m
 * (bias and threshold may be NULL): idx and val [m at most] sorted by
 * value, largest first (ties: lower index first). Returns their number.
 * val may be pre itself (compacted in place) when bias is NULL. */
size_t jumprelu_select(const float *pre, const float *bias, const float *threshold, int m,
                       uint32_t *idx, float *val);

#endif
