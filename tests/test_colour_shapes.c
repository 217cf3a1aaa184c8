/* test_colour_shapes.c - the synthetic colour-shapes set: deterministic, balanced, named, the
 * right shape, bad sizes refused; and every class draws what its name says (stripe orientation
 * measured with the structure tensor, blob hue, rings and checkerboard isotropic). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_data.h"
#include "cs_kmetrics.h"

enum { N_TRAIN = 400, N_TEST = 100 };

static void test_deterministic_and_balanced(void **state)
{
    (void)state;
    cs_dataset a, at, b, bt;
    assert_int_equal(cs_data_make_colour_shapes(N_TRAIN, N_TEST, 32, 32, 5, &a, &at), CS_OK);
    assert_int_equal(cs_data_make_colour_shapes(N_TRAIN, N_TEST, 32, 32, 5, &b, &bt), CS_OK);
    assert_int_equal(a.n, N_TRAIN);
    assert_int_equal(at.n, N_TEST);
    assert_int_equal(a.c, 3);
    assert_int_equal(a.h, 32);
    assert_int_equal(a.n_classes, CS_DATA_COLOUR_SHAPES_CLASSES);
    assert_memory_equal(a.pixels, b.pixels, (size_t)N_TRAIN * 3 * 32 * 32);
    assert_memory_equal(a.labels, b.labels, N_TRAIN * sizeof(int));
    assert_memory_equal(at.pixels, bt.pixels, (size_t)N_TEST * 3 * 32 * 32);
    int count[CS_DATA_COLOUR_SHAPES_CLASSES] = {0};
    for (int i = 0; i < a.n; i++) count[a.labels[i]]++;
    for (int k = 0; k < CS_DATA_COLOUR_SHAPES_CLASSES; k++) assert_int_equal(count[k], N_TRAIN / 10);
    assert_string_equal(a.class_names[0], "horizontal stripes");
    assert_string_equal(a.class_names[4], "red blobs");
    assert_string_equal(a.class_names[9], "rings");
    /* another seed, other pictures; the test set does not repeat the training set */
    cs_dataset c, ct;
    assert_int_equal(cs_data_make_colour_shapes(N_TRAIN, N_TEST, 32, 32, 6, &c, &ct), CS_OK);
    assert_true(memcmp(a.pixels, c.pixels, (size_t)N_TRAIN * 3 * 32 * 32) != 0);
    assert_true(memcmp(a.pixels, at.pixels, (size_t)N_TEST * 3 * 32 * 32) != 0);
    cs_dataset_free(&a), cs_dataset_free(&at), cs_dataset_free(&b), cs_dataset_free(&bt);
    cs_dataset_free(&c), cs_dataset_free(&ct);
}

static void test_refusals_and_dispatch(void **state)
{
    (void)state;
    cs_dataset tr, te;
    assert_int_equal(cs_data_make_colour_shapes(10, 2, 15, 32, 1, &tr, &te), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "colour-shapes: size 15x32 asked (expected 16..256 per side)"));
    assert_null(tr.pixels);
    assert_int_equal(cs_data_make_colour_shapes(0, 2, 32, 32, 1, &tr, &te), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "0 train and 2 test images"));

    cs_data_options opt;
    cs_data_options_defaults(&opt);
    opt.dataset = "color-shapes";
    opt.limit = 600;
    assert_true(cs_data_default_available("colour-shapes"));
    assert_int_equal(cs_data_load(&opt, &tr, &te), CS_OK);
    assert_int_equal(tr.n, 600);
    assert_int_equal(te.n, 100); /* the default 1000 test images scaled like 600 of 6000 */
    assert_int_equal(tr.c, 3);
    assert_int_equal(tr.w, 32);
    cs_dataset_free(&tr), cs_dataset_free(&te);
    opt.dataset = "colours";
    assert_int_equal(cs_data_load(&opt, &tr, &te), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "colour-shapes"));
}

/* The image's structure tensor, as a 32x32 "filter" of its luminance. */
static cs_kmetrics_filter image_metrics(const cs_dataset *ds, int i, float *lum)
{
    const size_t plane = (size_t)ds->h * ds->w;
    const uint8_t *px = ds->pixels + (size_t)i * 3 * plane;
    for (size_t j = 0; j < plane; j++) lum[j] = 0.299f * px[j] + 0.587f * px[plane + j] + 0.114f * px[2 * plane + j];
    cs_kmetrics_filter f;
    cs_kmetrics_of_filter(&f, lum, 1, ds->w);
    return f;
}

static float angle_gap(float a, float b)
{
    float d = fabsf(a - b);
    return d > 90.0f ? 180.0f - d : d;
}

static void test_classes_draw_what_they_say(void **state)
{
    (void)state;
    cs_dataset tr, te;
    assert_int_equal(cs_data_make_colour_shapes(N_TRAIN, 0, 32, 32, 9, &tr, &te), CS_OK);
    float lum[32 * 32];
    static const float stripe_edge_deg[4] = {0.0f, 90.0f, 45.0f, 135.0f};
    const size_t plane = 32 * 32;
    for (int i = 0; i < tr.n; i++) {
        const int k = tr.labels[i];
        const cs_kmetrics_filter f = image_metrics(&tr, i, lum);
        if (k < 4) {
            /* jitter 10 degrees, and the tensor of a few stripes leans a little more */
            if (f.coherence < 0.8f || angle_gap(f.edge_deg, stripe_edge_deg[k]) > 14.0f)
                fail_msg("image %d (%s): coherence %.2f, edges at %.1f degrees", i, tr.class_names[k],
                         (double)f.coherence, (double)f.edge_deg);
        } else if (k < 8) {
            /* some pixel shows the class colour strongly: red, green, blue or yellow */
            const uint8_t *p = tr.pixels + (size_t)i * 3 * plane;
            int best = 0;
            for (size_t j = 0; j < plane; j++) {
                const int r = p[j], g = p[plane + j], b = p[2 * plane + j];
                const int score = k == 4 ? r - (g > b ? g : b) : k == 5 ? g - (r > b ? r : b)
                                : k == 6 ? b - (r > g ? r : g) : (r < g ? r : g) - b;
                best = score > best ? score : best;
            }
            if (best < 100) fail_msg("image %d (%s): colour margin %d", i, tr.class_names[k], best);
        } else if (f.coherence > 0.6f) {
            fail_msg("image %d (%s) is oriented: coherence %.2f", i, tr.class_names[k], (double)f.coherence);
        }
    }
    cs_dataset_free(&tr), cs_dataset_free(&te);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic_and_balanced),
        cmocka_unit_test(test_refusals_and_dispatch),
        cmocka_unit_test(test_classes_draw_what_they_say),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
