/* cs_rng.h - a small seeded random number generator (xoshiro128++ seeded by splitmix64).
 *
 * State is a plain struct passed explicitly, so a run's randomness can be saved in a
 * checkpoint and replayed bit for bit. */
#ifndef CS_RNG_H
#define CS_RNG_H

#include <stdint.h>

typedef struct {
    uint32_t s[4];
} cs_rng;

void cs_rng_seed(cs_rng *rng, uint64_t seed);
uint32_t cs_rng_u32(cs_rng *rng);
/* Uniform in [0, 1). */
float cs_rng_uniform(cs_rng *rng);
/* Uniform integer in [0, n), n > 0. */
uint32_t cs_rng_below(cs_rng *rng, uint32_t n);
/* Standard normal (Box-Muller; uses two draws). */
float cs_rng_normal(cs_rng *rng);
/* Fisher-Yates shuffle of idx[0..n). */
void cs_rng_shuffle(cs_rng *rng, int *idx, int n);

#endif
