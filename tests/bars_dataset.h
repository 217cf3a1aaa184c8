/* bars_dataset.h - a tiny learnable dataset for training tests: a bright horizontal (label 0)
 * or vertical (label 1) bar at a random place on 8x8 noise. Include after <cmocka.h>. */
#ifndef CS_TEST_BARS_DATASET_H
#define CS_TEST_BARS_DATASET_H

#include "cs_dataset.h"
#include "cs_rng.h"

static void make_bars(cs_dataset *ds, int n, uint64_t seed)
{
    assert_int_equal(cs_dataset_init(ds, "bars", n, 1, 8, 8, 2), CS_OK);
    cs_rng rng;
    cs_rng_seed(&rng, seed);
    for (int i = 0; i < n; i++) {
        uint8_t *px = ds->pixels + i * 64;
        int label = (int)cs_rng_below(&rng, 2), at = (int)cs_rng_below(&rng, 8);
        for (int j = 0; j < 64; j++) px[j] = (uint8_t)cs_rng_below(&rng, 60);
        for (int j = 0; j < 8; j++) px[label ? j * 8 + at : at * 8 + j] = 230;
        ds->labels[i] = label;
    }
}

#endif
