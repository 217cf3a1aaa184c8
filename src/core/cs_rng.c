/* cs_rng.c - xoshiro128++ (Blackman & Vigna) with splitmix64 seeding. */
#include "cs_rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void cs_rng_seed(cs_rng *rng, uint64_t seed)
{
    uint64_t a = splitmix64(&seed), b = splitmix64(&seed);
    rng->s[0] = (uint32_t)a;
    rng->s[1] = (uint32_t)(a >> 32);
    rng->s[2] = (uint32_t)b;
    rng->s[3] = (uint32_t)(b >> 32);
    if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0) rng->s[0] = 1;
}

static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

uint32_t cs_rng_u32(cs_rng *rng)
{
    uint32_t *s = rng->s;
    uint32_t result = rotl(s[0] + s[3], 7) + s[0]; /* xoshiro128++ scrambler */
    uint32_t t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
}

float cs_rng_uniform(cs_rng *rng) { return (float)(cs_rng_u32(rng) >> 8) * (1.0f / 16777216.0f); }

uint32_t cs_rng_below(cs_rng *rng, uint32_t n)
{
    /* Lemire's multiply-shift; the tiny bias is irrelevant for shuffling datasets. */
    return (uint32_t)(((uint64_t)cs_rng_u32(rng) * n) >> 32);
}

float cs_rng_normal(cs_rng *rng)
{
    float u1 = cs_rng_uniform(rng), u2 = cs_rng_uniform(rng);
    if (u1 < 1e-7f) u1 = 1e-7f;
    return sqrtf(-2.0f * logf(u1)) * cosf(6.28318530718f * u2);
}

void cs_rng_shuffle(cs_rng *rng, int *idx, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)cs_rng_below(rng, (uint32_t)(i + 1));
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}
