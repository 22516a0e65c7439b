/* Random numbers for initialisation, shuffles and sample data: splitmix64
 * (Steele, Lea and Flood), a 64-bit state advanced by a constant and
 * mixed. Small and fast, and the same stream on every machine for a seed,
 * which is what reproducible runs need; not for anything secret.
 *
 *   uint64_t st = seed;
 *   uint64_t x = sf_splitmix64(&st);     // next 64 random bits
 *   double u = sf_unit_double(x);        // uniform in [0, 1) */
#ifndef ENGINE_BASE_RNG_H
#define ENGINE_BASE_RNG_H

#include <stdint.h>

/* Advance *state and return the next 64 bits. Also a good way to seed a
 * larger generator from one number. */
uint64_t sf_splitmix64(uint64_t *state);

/* The top 53 bits of x as a double uniform in [0, 1). */
double sf_unit_double(uint64_t x);

#endif
