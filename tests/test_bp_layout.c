/* test_bp_layout.c - the backprop view's pure layout without GL: every box inside the window and
 * none overlapping, at the sizes and scales the window is checked at (presenting too); the scale
 * stepping down to what --scale 1 gives when the asked one does not fit; cell grids and their hit
 * tests; phase 5's filter tiles and weight cells coming back from a click as the right filter and
 * weight, and fewer channels drawn before a cell would lose its number. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cs_bp_layout.h"

static float EM = 0.6f;
static const cs_measure MEASURE = {cs_measure_fixed, &EM};

static int inside(cs_rect r, float w, float h)
{
    return r.x >= 0 && r.y >= 0 && r.x + r.w <= w + 0.5f && r.y + r.h <= h + 0.5f && r.w > 0 && r.h > 0;
}

static int overlap(cs_rect a, cs_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void test_frame(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1024, 600}, {1280, 720}, {1920, 1080}, {2560, 1440}};
    static const float scales[] = {1, 1.5f, 2, 2.5f};
    for (int s = 0; s < 4; s++)
        for (int k = 0; k < 4; k++)
            for (int present = 0; present < 2; present++) {
                cs_bp_layout L;
                const float W = (float)sizes[s][0], H = (float)sizes[s][1];
                cs_bp_layout_compute(&L, sizes[s][0], sizes[s][1], 0, scales[k], present, &MEASURE, 10);
                const cs_rect boxes[] = {L.title, L.note, L.main, L.status};
                for (int i = 0; i < 4; i++) assert_true(inside(boxes[i], W, H));
                for (int i = 0; i < 4; i++)
                    for (int j = i + 1; j < 4; j++) assert_false(overlap(boxes[i], boxes[j]));
                for (int b = 0; b < CS_BP_BTN_COUNT; b++) {
                    assert_true(inside(L.buttons[b], W, H));
                    assert_false(overlap(L.buttons[b], L.main));
                    assert_false(overlap(L.buttons[b], L.status));
                    for (int c = b + 1; c < CS_BP_BTN_COUNT; c++) assert_false(overlap(L.buttons[b], L.buttons[c]));
                }
                /* the output table: a header, ten classes and L at the minimum size */
                assert_true(L.main.h >= 13 * cs_text_pitch(L.st.min_px));
                assert_true(L.st.min_px >= (present ? (int)ceilf(H / 45) : 10));
            }
}

static void test_scale_steps_down(void **state)
{
    (void)state;
    cs_bp_layout a, b;
    cs_bp_layout_compute(&a, 1280, 720, 0, 1, 0, &MEASURE, 10);
    cs_bp_layout_compute(&b, 1280, 720, 0, 2.5f, 0, &MEASURE, 10);
    assert_true(b.st.scale <= 2.5f + 1e-6f);
    assert_true(b.st.scale >= a.st.scale - 1e-6f); /* never below what --scale 1 gives */
    assert_true(b.st.px[CS_FONT_NORMAL] >= a.st.px[CS_FONT_NORMAL]);
}

static void test_cells(void **state)
{
    (void)state;
    const cs_bp_cells g = cs_bp_cells_fit((cs_rect){10, 20, 100, 50}, 5, 5, 0);
    assert_float_equal(g.cell, 10, 0); /* 50 / 5 rows, whole pixels */
    assert_float_equal(g.r.x, 35, 0);  /* centred: (100 - 50) / 2 */
    const cs_rect c = cs_bp_cell(&g, 2, 3);
    assert_float_equal(c.x, 65, 0);
    assert_float_equal(c.y, 40, 0);
    int row, col;
    assert_true(cs_bp_cells_hit(&g, c.x + 5, c.y + 5, &row, &col));
    assert_int_equal(row, 2);
    assert_int_equal(col, 3);
    assert_false(cs_bp_cells_hit(&g, 20, 25, &row, &col));
    const cs_bp_cells capped = cs_bp_cells_fit((cs_rect){0, 0, 1000, 1000}, 3, 3, 40);
    assert_float_equal(capped.cell, 40, 0);
    const cs_bp_cells none = cs_bp_cells_fit((cs_rect){0, 0, 0, 10}, 3, 3, 0);
    assert_false(cs_bp_cells_hit(&none, 0, 0, &row, &col));
}

static void test_filter_hits(void **state)
{
    (void)state;
    cs_bp_layout L;
    cs_bp_layout_compute(&L, 1920, 1080, 0, 1, 0, &MEASURE, 8);
    cs_bp_filter_layout F;
    cs_bp_filter_layout_compute(&F, &L, &MEASURE, 1, 5, 8);
    assert_int_equal(F.shown, 1);
    assert_true(F.numbers);
    int f = -1, c = -1, i = -1, j = -1;
    const cs_rect t = cs_grid_tile(&F.tiles, 6);
    assert_int_equal(cs_bp_filter_hit(&F, 1, 5, t.x + t.w / 2, t.y + t.h / 2, &f, &c, &i, &j), 1);
    assert_int_equal(f, 6);
    const cs_rect cell = cs_bp_cell(&F.grid[0], 3, 1);
    assert_int_equal(cs_bp_filter_hit(&F, 1, 5, cell.x + 2, cell.y + 2, &f, &c, &i, &j), 2);
    assert_int_equal(c, 0);
    assert_int_equal(i, 3);
    assert_int_equal(j, 1);
    assert_int_equal(cs_bp_filter_hit(&F, 1, 5, F.sum.x + 5, F.sum.y + F.sum.h - 2, &f, &c, &i, &j), 0);
    /* eight channels at 1280x720: fewer drawn, each still with its numbers */
    cs_bp_layout_compute(&L, 1280, 720, 0, 1, 0, &MEASURE, 8);
    cs_bp_filter_layout_compute(&F, &L, &MEASURE, 8, 5, 16);
    assert_true(F.shown >= 1 && F.shown < 4);
    assert_true(F.numbers);
    for (int ch = 1; ch < F.shown; ch++) assert_false(overlap(F.grid[ch - 1].r, F.grid[ch].r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_scale_steps_down),
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_filter_hits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
