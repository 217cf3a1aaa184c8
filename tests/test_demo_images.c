/* test_demo_images.c - the built-in demo images (demo:curve answers 6600 and 0 at its
 * documented windows and is selective: at most a quarter of 6600 away from the curve) and
 * loading image files, with PNGs the test writes itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_demo_images.h"
#include "cs_imageio.h"
#include "cs_filters.h"
#include "cs_stepper.h"

static void test_curve_6600_and_0(void **state)
{
    (void)state;
    cs_demo_image img;
    cs_filter curve;
    assert_int_equal(cs_demo_make(&img, "curve", 1), CS_OK);
    assert_int_equal(cs_filter_preset(&curve, "curve"), CS_OK);
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img.pixels, 1, img.h, img.w, curve.w, curve.k, 0.0f, 1, 0,
                                     CS_STEPPER_ACT_NONE), CS_OK);

    assert_int_equal(cs_stepper_seek(&st, CS_DEMO_CURVE_MATCH_Y, CS_DEMO_CURVE_MATCH_X), CS_OK);
    assert_true(st.sum == 6600.0f);
    /* the explainer's equation, in the stepper's term order */
    const float want_terms[5] = {50 * 30, 50 * 30, 50 * 30, 20 * 30, 50 * 30};
    int n = 0;
    for (int t = 0; t < st.n_terms; t++)
        if (st.products[t] != 0.0f) {
            assert_true(n < 5);
            assert_true(st.products[t] == want_terms[n]);
            n++;
        }
    assert_int_equal(n, 5);

    /* a window on the whale's back: the stroke is there, but it meets none of the 30s */
    assert_int_equal(cs_stepper_seek(&st, CS_DEMO_CURVE_ZERO_Y, CS_DEMO_CURVE_ZERO_X), CS_OK);
    assert_true(st.sum == 0.0f);
    int stroke = 0;
    for (int t = 0; t < st.n_terms; t++)
        stroke += st.window[t] == 50.0f;
    assert_true(stroke >= 5);

    /* 6600 is the one largest response of the whole map */
    cs_stepper_to_end(&st);
    int at_max = 0;
    for (int i = 0; i < st.OH * st.OW; i++) {
        assert_true(st.output[i] <= 6600.0f);
        at_max += st.output[i] == 6600.0f;
    }
    assert_int_equal(at_max, 1);
    assert_true(st.output[CS_DEMO_CURVE_MATCH_Y * st.OW + CS_DEMO_CURVE_MATCH_X] == 6600.0f);
    assert_int_equal(img.w, CS_DEMO_CURVE_W);
    assert_int_equal(img.h, CS_DEMO_CURVE_H);
    assert_true(img.display_max == 50.0f);
    cs_stepper_free(&st);
    cs_filter_free(&curve);
    cs_demo_image_free(&img);
}

/* Chebyshev distance from pixel (x, y) to the nearest of the n pixels (sx, sy). */
static int distance_to(int x, int y, const int *sx, const int *sy, int n)
{
    int best = 1 << 20;
    for (int i = 0; i < n; i++) {
        const int dx = abs(x - sx[i]), dy = abs(y - sy[i]), d = dx > dy ? dx : dy;
        best = d < best ? d : best;
    }
    return best;
}

/* The article's point: high on the curve, small elsewhere. A response sits at its window's
 * centre (output x+3, y+3); the matching curve is the stroke inside the 6600 window. Every
 * response more than 2 pixels from that curve is at most 25% of 6600, while the drawing has
 * plenty of other strokes. */
static void test_curve_is_selective(void **state)
{
    (void)state;
    cs_demo_image img;
    cs_filter curve;
    assert_int_equal(cs_demo_make(&img, "curve", 1), CS_OK);
    assert_int_equal(cs_filter_preset(&curve, "curve"), CS_OK);
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img.pixels, 1, img.h, img.w, curve.w, curve.k, 0.0f, 1, 0,
                                     CS_STEPPER_ACT_NONE), CS_OK);
    cs_stepper_to_end(&st);
    const int half = curve.k / 2;
    int sx[49], sy[49], n = 0;
    for (int y = CS_DEMO_CURVE_MATCH_Y; y < CS_DEMO_CURVE_MATCH_Y + curve.k; y++)
        for (int x = CS_DEMO_CURVE_MATCH_X; x < CS_DEMO_CURVE_MATCH_X + curve.k; x++)
            if (img.pixels[y * img.w + x] > 0.0f) sx[n] = x, sy[n] = y, n++;
    assert_true(n >= 6);
    float worst = 0.0f;
    int far = 0;
    for (int oy = 0; oy < st.OH; oy++)
        for (int ox = 0; ox < st.OW; ox++)
            if (distance_to(ox + half, oy + half, sx, sy, n) > 2) {
                far++;
                worst = st.output[oy * st.OW + ox] > worst ? st.output[oy * st.OW + ox] : worst;
            }
    const float ratio = worst / 6600.0f;
    print_message("demo:curve: largest response more than 2 px from the curve %g = %.3f of 6600 (%d of %d "
                  "responses that far)\n", (double)worst, (double)ratio, far, st.OH * st.OW);
    assert_true(far > st.OH * st.OW / 2);
    assert_true(ratio <= 0.25f);
    assert_true(worst == 1500.0f); /* one stroke pixel on one 30: the drawing's known figure */
    /* other strokes: lit pixels more than 2 px from the curve */
    int other = 0;
    for (int y = 0; y < img.h; y++)
        for (int x = 0; x < img.w; x++)
            other += img.pixels[y * img.w + x] > 0.0f && distance_to(x, y, sx, sy, n) > 2;
    assert_true(other >= 60);
    cs_stepper_free(&st);
    cs_filter_free(&curve);
    cs_demo_image_free(&img);
}

static void test_all_demos(void **state)
{
    (void)state;
    static const char *names[] = {"curve", "edges", "checker", "letter"};
    for (size_t i = 0; i < 4; i++) {
        assert_non_null(strstr(cs_demo_names(), names[i]));
        cs_demo_image g, rgb;
        char spec[32];
        snprintf(spec, sizeof spec, "demo:%s", names[i]);
        assert_int_equal(cs_demo_open(&g, spec, 1, 0), CS_OK);
        assert_string_equal(g.name, spec);
        assert_int_equal(g.c, 1);
        assert_int_equal(g.downscale, 1);
        int lit = 0;
        for (int k = 0; k < g.h * g.w; k++) {
            assert_true(g.pixels[k] >= 0.0f && g.pixels[k] <= 255.0f);
            lit += g.pixels[k] > 0.0f;
        }
        assert_true(lit > 10 && lit < g.h * g.w);
        assert_int_equal(cs_demo_make(&rgb, names[i], 3), CS_OK);
        assert_int_equal(rgb.c, 3);
        for (int c = 0; c < 3; c++)
            assert_memory_equal(rgb.pixels + (size_t)c * g.h * g.w, g.pixels, (size_t)g.h * g.w * sizeof(float));
        cs_demo_image_free(&g);
        cs_demo_image_free(&rgb);
    }
    cs_demo_image img;
    assert_int_equal(cs_demo_open(&img, "demo:mouse", 1, 0), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "unknown demo image 'demo:mouse'"));
    assert_int_equal(cs_demo_make(&img, "curve", 2), CS_ERR_ARG);
    assert_null(img.pixels);
}

static void test_load_files(void **state)
{
    (void)state;
    /* 40x30 RGB: left half pure red, right half white */
    enum { W = 40, H = 30 };
    unsigned char *rgb = malloc(W * H * 3);
    assert_non_null(rgb);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            unsigned char *p = rgb + (y * W + x) * 3;
            p[0] = 255;
            p[1] = p[2] = x < W / 2 ? 0 : 255;
        }
    assert_int_equal(cs_image_write_png("test_demo_images.png", rgb, W, H), CS_OK);
    free(rgb);

    cs_demo_image img;
    assert_int_equal(cs_demo_load_file(&img, "test_demo_images.png", 3, 0), CS_OK);
    assert_string_equal(img.name, "test_demo_images.png");
    assert_int_equal(img.w, W);
    assert_int_equal(img.h, H);
    assert_int_equal(img.downscale, 1);
    assert_true(img.pixels[0] == 255.0f);              /* red plane */
    assert_true(img.pixels[W * H] == 0.0f);            /* green, left */
    assert_true(img.pixels[W * H + W - 1] == 255.0f);  /* green, right */
    cs_demo_image_free(&img);

    /* gray, shrunk to fit 16: factor ceil(40/16) = 3, 14x10 */
    assert_int_equal(cs_demo_open(&img, "test_demo_images.png", 1, 16), CS_OK);
    assert_int_equal(img.c, 1);
    assert_int_equal(img.downscale, 3);
    assert_int_equal(img.src_w, W);
    assert_int_equal(img.src_h, H);
    assert_int_equal(img.w, 14);
    assert_int_equal(img.h, 10);
    float red = img.pixels[0], white = img.pixels[13];
    assert_true(red > 50.0f && red < 100.0f); /* luminance of pure red */
    assert_true(white == 255.0f);
    /* block 6 covers x 18..20: two red columns and one white, averaged */
    float mixed = img.pixels[6];
    assert_true(mixed > red && mixed < white);
    cs_demo_image_free(&img);

    assert_int_equal(cs_demo_load_file(&img, "test_demo_images_missing.png", 1, 0), CS_ERR_IO);
    assert_non_null(strstr(cs_last_error(), "test_demo_images_missing.png: cannot open image"));
    FILE *f = fopen("test_demo_images.txt", "wb");
    assert_non_null(f);
    fputs("this is not an image\n", f);
    fclose(f);
    assert_int_equal(cs_demo_load_file(&img, "test_demo_images.txt", 1, 0), CS_ERR_FORMAT);
    assert_non_null(strstr(cs_last_error(), "test_demo_images.txt: not an image convscope reads: expected PNG"));
    assert_null(img.pixels);
    remove("test_demo_images.png");
    remove("test_demo_images.txt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curve_6600_and_0),
        cmocka_unit_test(test_curve_is_selective),
        cmocka_unit_test(test_all_demos),
        cmocka_unit_test(test_load_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
