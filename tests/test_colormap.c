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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
