/* test_kmetrics.c - filter smoothness, orientation and colour on hand-built kernels whose values
 * are worked out by hand, on random filters (about 0), and a layer summary. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_kmetrics.h"
#include "cs_rng.h"

static void near(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol)) fail_msg("%s: got %.9g, want %.9g", what, got, want);
}

static void test_checkerboard_is_minus_one(void **state)
{
    (void)state;
    float w[16];
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) w[y * 4 + x] = (x + y) % 2 ? -1.0f : 1.0f;
    cs_kmetrics_filter f;
    cs_kmetrics_of_filter(&f, w, 1, 4);
    /* every neighbour pair is (1, -1): cross -1, square 1 */
    near(f.smoothness, -1.0, 1e-6, "checkerboard smoothness");
    /* every 2x2 cell has gx = gy = 0 */
    near(f.coherence, 0.0, 1e-6, "checkerboard coherence");
    near(f.colour, 0.0, 1e-6, "one channel has no colour");
}

static void test_ramps(void **state)
{
    (void)state;
    /* w = x on 3x3: centred -1 0 1 in every row. Horizontal pairs: cross 0, square 1 per row;
     * vertical pairs repeat a value: cross = square = 2 (x=0) + 0 + 2 (x=2). 4 / (3 + 4). */
    const float ramp_x[9] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    cs_kmetrics_filter f;
    cs_kmetrics_of_filter(&f, ramp_x, 1, 3);
    near(f.smoothness, 4.0 / 7.0, 1e-6, "ramp smoothness");
    near(f.coherence, 1.0, 1e-6, "ramp coherence");     /* gx = 1, gy = 0 in every cell */
    near(f.edge_deg, 90.0, 1e-4, "ramp edge angle");    /* brightening to the right: a vertical edge */

    const float ramp_y[9] = {0, 0, 0, 1, 1, 1, 2, 2, 2};
    cs_kmetrics_of_filter(&f, ramp_y, 1, 3);
    near(f.smoothness, 4.0 / 7.0, 1e-6, "transposed ramp smoothness");
    near(f.edge_deg, 0.0, 1e-4, "horizontal edge angle");

    /* w = x + y (y down): gx = gy = 1, Jxx = Jyy = Jxy = 4, so coherence 1; the level lines
     * x + y = const rise to the right on screen: 45 degrees, '/' */
    const float diag[9] = {0, 1, 2, 1, 2, 3, 2, 3, 4};
    cs_kmetrics_of_filter(&f, diag, 1, 3);
    near(f.coherence, 1.0, 1e-6, "diagonal coherence");
    near(f.edge_deg, 45.0, 1e-4, "diagonal edge angle");
    const float anti[9] = {2, 1, 0, 3, 2, 1, 4, 3, 2};
    cs_kmetrics_of_filter(&f, anti, 1, 3);
    near(f.edge_deg, 135.0, 1e-4, "anti-diagonal edge angle");
}

static void test_isotropic_blob(void **state)
{
    (void)state;
    /* the 3x3 Gaussian: the four cells have gradients (+-1.5, +-1.5), Jxx = Jyy = 9, Jxy = 0 */
    const float g[9] = {1, 2, 1, 2, 4, 2, 1, 2, 1};
    cs_kmetrics_filter f;
    cs_kmetrics_of_filter(&f, g, 1, 3);
    near(f.coherence, 0.0, 1e-6, "blob coherence");
    /* mean 16/9; centred corners -7/9, edges 2/9, centre 20/9. 8 corner-edge pairs (cross
     * -14/81, square 53/162 each) and 4 edge-centre pairs (cross 40/81, square 404/162 each):
     * r = (48/81) / (2040/162) = 4/85. A 3x3 blob is mostly its border. */
    near(f.smoothness, 4.0 / 85.0, 1e-6, "blob smoothness");
}

static void test_colour(void **state)
{
    (void)state;
    /* red plane +1, green -1, blue 0: channels cancel, so all of it is colour; each plane is
     * uniform, so neighbours agree: smoothness 1 */
    float w[12];
    for (int i = 0; i < 4; i++) w[i] = 1.0f, w[4 + i] = -1.0f, w[8 + i] = 0.0f;
    cs_kmetrics_filter f;
    cs_kmetrics_of_filter(&f, w, 3, 2);
    near(f.colour, 1.0, 1e-6, "opponent colour");
    near(f.smoothness, 1.0, 1e-6, "uniform colour field smoothness");
    near(f.coherence, 0.0, 1e-6, "uniform colour field coherence");
    /* the same ramp in every channel: gray */
    float gray[27];
    const float ramp[9] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    for (int c = 0; c < 3; c++) memcpy(gray + 9 * c, ramp, sizeof ramp);
    cs_kmetrics_of_filter(&f, gray, 3, 3);
    near(f.colour, 0.0, 1e-6, "gray filter colour");
    near(f.smoothness, 4.0 / 7.0, 1e-6, "gray ramp smoothness");
    /* flat: no spread */
    float flat[9];
    for (int i = 0; i < 9; i++) flat[i] = 0.25f;
    cs_kmetrics_of_filter(&f, flat, 1, 3);
    assert_true(isnan(f.smoothness));
    near(f.coherence, 0.0, 0.0, "flat coherence");
}

static void test_random_filters_are_about_zero(void **state)
{
    (void)state;
    enum { OC = 500, C = 3, K = 5 };
    float *w = malloc(sizeof(float) * OC * C * K * K);
    cs_kmetrics_filter *per = malloc(sizeof *per * OC);
    assert_non_null(w);
    assert_non_null(per);
    cs_rng rng;
    cs_rng_seed(&rng, 3);
    for (int i = 0; i < OC * C * K * K; i++) w[i] = cs_rng_normal(&rng);
    cs_kmetrics_layer m;
    cs_kmetrics_of_layer(&m, per, w, OC, C, K);
    near(m.smoothness, 0.0, 0.05, "random smoothness");
    near(m.smoothness_pooled, 0.0, 0.05, "random pooled smoothness");
    near(m.coherence, 0.19, 0.03, "random coherence");
    assert_int_equal(m.edges, 0);
    assert_int_equal(m.blobs, 0);
    assert_int_equal(m.flat, 0);
    double colour = 0.0;
    for (int o = 0; o < OC; o++) colour += per[o].colour;
    near(colour / OC, 2.0 / 3.0, 0.02, "random colour share");
    free(w);
    free(per);
}

static void test_layer_summary(void **state)
{
    (void)state;
    /* four 3-channel 5x5 filters: a gray vertical edge, an opponent colour blob, a flat
     * filter, a checkerboard */
    enum { OC = 4, C = 3, K = 5, N = C * K * K };
    float w[OC * N];
    for (int c = 0; c < C; c++)
        for (int y = 0; y < K; y++)
            for (int x = 0; x < K; x++) {
                const int i = (c * K + y) * K + x;
                w[0 * N + i] = x < 2 ? -1.0f : x == 2 ? 0.0f : 1.0f;
                const float r2 = (float)((x - 2) * (x - 2) + (y - 2) * (y - 2));
                w[1 * N + i] = (c == 0 ? 1.0f : -0.5f) * expf(-r2 / 4.0f);
                w[2 * N + i] = 0.5f;
                w[3 * N + i] = (x + y) % 2 ? -1.0f : 1.0f;
            }
    cs_kmetrics_filter per[OC];
    cs_kmetrics_layer m;
    cs_kmetrics_of_layer(&m, per, w, OC, C, K);
    assert_int_equal(m.filters, OC);
    assert_int_equal(m.flat, 1);
    assert_true(per[0].smoothness >= CS_KMETRICS_SMOOTH && per[0].coherence > 0.99f);
    assert_true(per[1].smoothness >= CS_KMETRICS_SMOOTH && per[1].coherence < 0.01f && per[1].colour > 0.99f);
    assert_true(per[3].smoothness < 0.0f);
    assert_int_equal(m.edges, 1);
    assert_int_equal(m.edges_by_angle[2], 1); /* vertical */
    assert_int_equal(m.blobs, 1);
    near(m.smoothness, (per[0].smoothness + per[1].smoothness + per[3].smoothness) / 3.0, 1e-6, "mean over non-flat");
    near(m.coherence, (per[0].coherence + per[1].coherence + per[2].coherence + per[3].coherence) / 4.0, 1e-6,
         "mean coherence");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checkerboard_is_minus_one),
        cmocka_unit_test(test_ramps),
        cmocka_unit_test(test_isotropic_blob),
        cmocka_unit_test(test_colour),
        cmocka_unit_test(test_random_filters_are_about_zero),
        cmocka_unit_test(test_layer_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
