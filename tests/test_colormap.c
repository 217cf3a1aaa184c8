/* test_colormap.c - colormap ends and middle, value ranges, NaN handling. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cs_colormap.h"

static void test_tables(void **state)
{
    (void)state;
    const uint8_t *v = cs_colormap_table(CS_CMAP_VIRIDIS);
    /* viridis runs from dark purple to yellow */
    assert_int_equal(v[0], 68);
    assert_int_equal(v[2], 84);
    assert_true(v[255 * 3] > 240 && v[255 * 3 + 1] > 220 && v[255 * 3 + 2] < 50);
    /* the diverging map is blue at the low end, near white in the middle, red at the top */
    const uint8_t *d = cs_colormap_table(CS_CMAP_RDBU);
    assert_true(d[2] > d[0]);
    assert_true(d[255 * 3] > d[255 * 3 + 2]);
    uint8_t mid[3];
    cs_colormap_rgb(CS_CMAP_RDBU, (cs_value_range){-1, 1}, 0.0f, mid);
    assert_true(mid[0] > 230 && mid[1] > 230 && mid[2] > 230);
    const uint8_t *g = cs_colormap_table(CS_CMAP_GRAY);
    assert_int_equal(g[0], 0);
    assert_int_equal(g[255 * 3 + 1], 255);
    assert_string_equal(cs_colormap_name(CS_CMAP_RDBU), "rdbu");
}

static void test_ranges(void **state)
{
    (void)state;
    const float x[5] = {-0.5f, 2.0f, NAN, 1.0f, INFINITY};
    cs_value_range r = cs_value_range_of(x, 5, 0);
    assert_float_equal(r.lo, -0.5f, 0);
    assert_float_equal(r.hi, 2.0f, 0);
    cs_value_range s = cs_value_range_of(x, 5, 1);
    assert_float_equal(s.lo, -2.0f, 0);
    assert_float_equal(s.hi, 2.0f, 0);
    assert_float_equal(cs_value_range_normalize(s, 0.0f), 0.5f, 1e-6f);
    assert_float_equal(cs_value_range_normalize(s, 5.0f), 1.0f, 0);
    assert_float_equal(cs_value_range_normalize(s, NAN), 0.0f, 0);
    const float c[3] = {3, 3, 3};
    cs_value_range k = cs_value_range_of(c, 3, 0);
    assert_true(k.hi > k.lo);
    assert_float_equal(cs_value_range_normalize(k, 3.0f), 0.5f, 1e-3f);
    cs_value_range u = cs_value_range_union(r, (cs_value_range){-3, 1});
    assert_float_equal(u.lo, -3, 0);
    assert_float_equal(u.hi, 2, 0);
    uint8_t rgb[6];
    const float plane[2] = {-0.5f, 2.0f};
    cs_colormap_plane(rgb, plane, 1, 2, CS_CMAP_VIRIDIS, r);
    assert_memory_equal(rgb, cs_colormap_table(CS_CMAP_VIRIDIS), 3);
    assert_memory_equal(rgb + 3, cs_colormap_table(CS_CMAP_VIRIDIS) + 765, 3);
}

/* Issue 11: ranges that overflow to Inf, have zero width or are NaN, and values that are
 * Inf or NaN, all give an entry of the table, and the one a reader expects. */
static void test_hostile_ranges(void **state)
{
    (void)state;
    const uint8_t *t = cs_colormap_table(CS_CMAP_RDBU);
    uint8_t rgb[3];
    /* two weights at +-3e38: the width overflows float */
    const float w[4] = {3e38f, -3e38f, 0.0f, 1.0f};
    cs_value_range r = cs_value_range_of(w, 4, 1);
    assert_true(isfinite(r.hi - r.lo) && r.hi > r.lo);
    cs_colormap_rgb(CS_CMAP_RDBU, r, 3e38f, rgb);
    assert_memory_equal(rgb, t + 3 * 255, 3);
    cs_colormap_rgb(CS_CMAP_RDBU, r, -3e38f, rgb);
    assert_memory_equal(rgb, t, 3);
    cs_colormap_rgb(CS_CMAP_RDBU, r, 0.0f, rgb);
    assert_memory_equal(rgb, t + 3 * 128, 3); /* the middle: 0.5 * 255 + 0.5 = 128 */
    /* the same range given by hand, unsanitised, and an infinite one */
    const cs_value_range raw[5] = {{-3e38f, 3e38f}, {-INFINITY, INFINITY}, {100.0f, 100.0f}, {NAN, NAN}, {5.0f, -5.0f}};
    const float vals[6] = {0.0f, 1e38f, INFINITY, -INFINITY, NAN, 100.0f};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 6; j++) {
            const float n = cs_value_range_normalize(raw[i], vals[j]);
            if (!(n >= 0.0f && n <= 1.0f)) fail_msg("range %d value %d: %g", i, j, (double)n);
            cs_colormap_rgb(CS_CMAP_VIRIDIS, raw[i], vals[j], rgb); /* in the table: ASan checks */
        }
    assert_float_equal(cs_value_range_normalize(raw[1], INFINITY), 1.0f, 0);
    assert_float_equal(cs_value_range_normalize(raw[1], -INFINITY), 0.0f, 0);
    assert_float_equal(cs_value_range_normalize(raw[1], 0.0f), 0.5f, 1e-6f);
    /* all weights 0 and a bias of 100: a map of one value has zero width */
    const float flat[4] = {100, 100, 100, 100};
    cs_value_range f = cs_value_range_of(flat, 4, 0);
    assert_true(f.hi > f.lo && f.lo < 100.0f && f.hi > 100.0f);
    assert_float_equal(cs_value_range_normalize(f, 100.0f), 0.5f, 1e-3f);
    assert_float_equal(cs_value_range_normalize(raw[2], 100.0f), 0.5f, 1e-3f);
    assert_float_equal(cs_value_range_normalize(raw[2], 101.0f), 1.0f, 0);
    /* drawable: finite width in float, order kept */
    for (int i = 0; i < 5; i++) {
        const cs_value_range d = cs_value_range_drawable(raw[i]);
        assert_true(isfinite(d.lo) && isfinite(d.hi) && d.hi > d.lo && isfinite(d.hi - d.lo));
    }
    const cs_value_range ok = cs_value_range_drawable((cs_value_range){-2.0f, 3.0f});
    assert_true(ok.lo == -2.0f && ok.hi == 3.0f); /* a sane range is left alone */
}

/* CIELAB lightness of an sRGB byte triple (D65). */
static double lightness(const uint8_t *c)
{
    double lin[3];
    for (int i = 0; i < 3; i++) {
        const double v = c[i] / 255.0;
        lin[i] = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
    }
    const double y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    return y > 0.008856 ? 116 * cbrt(y) - 16 : 903.3 * y;
}

/* Deuteranopia and protanopia as Machado, Oliveira and Fernandes (2009) simulate them (severity 1),
 * in linear RGB; returns the simulated colour's difference between two colours (sum of |d| in
 * linear RGB). */
static double dichromat_distance(const uint8_t *a, const uint8_t *b, int protan)
{
    static const double D[3][3] = {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413},
                                   {-0.011820, 0.042940, 0.968881}};
    static const double P[3][3] = {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216},
                                   {-0.003882, -0.048116, 1.051998}};
    const double(*M)[3] = protan ? P : D;
    double la[3], lb[3], d = 0;
    for (int i = 0; i < 3; i++) {
        const double x = a[i] / 255.0, y = b[i] / 255.0;
        la[i] = x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
        lb[i] = y <= 0.04045 ? y / 12.92 : pow((y + 0.055) / 1.055, 2.4);
    }
    for (int i = 0; i < 3; i++) {
        double sa = 0, sb = 0;
        for (int j = 0; j < 3; j++) sa += M[i][j] * la[j], sb += M[i][j] * lb[j];
        d += fabs(sa - sb);
    }
    return d;
}

static void test_blue_orange(void **state)
{
    (void)state;
    const uint8_t *t = cs_colormap_table(CS_CMAP_BLUEORANGE);
    assert_string_equal(cs_colormap_name(CS_CMAP_BLUEORANGE), "blue-orange");
    /* blue at the low end, orange at the high end, near white in the middle */
    assert_true(t[2] > t[0] + 100);
    assert_true(t[255 * 3] > t[255 * 3 + 2] + 100 && t[255 * 3] > t[255 * 3 + 1]);
    assert_true(lightness(t + 127 * 3) > 95 && lightness(t + 128 * 3) > 95);
    for (int i = 1; i < 128; i++) {
        /* lightness rises to the middle from both ends, and -x and +x are equally light */
        assert_true(lightness(t + 3 * i) >= lightness(t + 3 * (i - 1)) - 0.5);
        assert_true(lightness(t + 3 * (255 - i)) >= lightness(t + 3 * (256 - i)) - 0.5);
        assert_true(fabs(lightness(t + 3 * i) - lightness(t + 3 * (255 - i))) < 3.0);
    }
    /* a negative and a positive value of the same size stay apart for red-green colour blindness
     * (a red and a green of equal lightness, (200, 80, 60) and (90, 140, 60), come out 0.04 apart) */
    assert_true(dichromat_distance((const uint8_t[]){200, 80, 60}, (const uint8_t[]){90, 140, 60}, 0) < 0.08);
    for (int i = 0; i < 96; i++) {
        assert_true(dichromat_distance(t + 3 * i, t + 3 * (255 - i), 0) > 0.08);
        assert_true(dichromat_distance(t + 3 * i, t + 3 * (255 - i), 1) > 0.08);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_blue_orange),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_hostile_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
