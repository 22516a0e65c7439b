/* IEEE half (F16) and bfloat16 (BF16) conversions, exact in both
 * directions where the value is representable; f32 -> half/bf16 rounds to
 * nearest even; subnormals, infinities and NaN are handled. */
#ifndef ENGINE_FORMATS_HALF_H
#define ENGINE_FORMATS_HALF_H

#include <stddef.h>
#include <stdint.h>

float half_to_f32(uint16_t h);
uint16_t f32_to_half(float f);
float bf16_to_f32(uint16_t b);
uint16_t f32_to_bf16(float f);

/* Bulk forms (src may be unaligned: it is read byte-wise as little-endian). */
void half_to_f32_n(const void *src, float *dst, size_t n);
void bf16_to_f32_n(const void *src, float *dst, size_t n);

#endif
