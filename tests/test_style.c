/* test_style.c - the window's style without a display: font sizes and the stated minimum at
 * sizes and scales, presenter sizes (1/45 of the height), and WCAG contrast computed from the
 * palettes: every presenter text colour reaches 7:1 on every background it is drawn on, and the
 * ink chosen for a number on any colormap cell reaches it too, or asks for a plate that does. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cs_colormap.h"
#include "cs_style.h"

static void test_contrast_formula(void **state)
{
    (void)state;
    /* WCAG's own ends: white on black is 21:1, a colour on itself 1:1; #777 on white is 4.48:1 */
    assert_float_equal(cs_contrast((cs_rgba){1, 1, 1, 1}, (cs_rgba){0, 0, 0, 1}), 21.0, 1e-9);
    assert_float_equal(cs_contrast((cs_rgba){0.3f, 0.5f, 0.7f, 1}, (cs_rgba){0.3f, 0.5f, 0.7f, 1}), 1.0, 1e-9);
    const float g = 0x77 / 255.0f;
    assert_float_equal(cs_contrast((cs_rgba){g, g, g, 1}, (cs_rgba){1, 1, 1, 1}), 4.48, 0.01);
}

static void test_sizes(void **state)
{
    (void)state;
    cs_style st;
    cs_style_make(&st, 1280, 720, 1, 0);
    assert_int_equal(st.px[CS_FONT_NORMAL], 14);
    assert_int_equal(st.min_px, 10);
    cs_style_make(&st, 1920, 1080, 1, 0);
    assert_int_equal(st.px[CS_FONT_NORMAL], 21);
    assert_int_equal(st.min_px, 15);
    /* --scale raises the sizes, not the floor text may shrink to */
    cs_style_make(&st, 1920, 1080, 2.5f, 0);
    assert_int_equal(st.px[CS_FONT_NORMAL], 53);
    assert_int_equal(st.min_px, 15);
    assert_float_equal(cs_style_floor(&st), 1.5f, 1e-6);
    /* presenting: everything at least ceil(h / 45) px, which is also the minimum */
    static const int heights[] = {600, 720, 1080, 1440, 2160};
    for (int i = 0; i < 5; i++) {
        cs_style_make(&st, heights[i] * 16 / 9, heights[i], 1, 1);
        const int floor_px = (int)ceil(heights[i] / 45.0);
        assert_int_equal(st.min_px, floor_px);
        for (int f = 0; f < CS_FONT_COUNT; f++) assert_true(st.px[f] >= floor_px);
        assert_true(st.rule >= 3);
        cs_style_at(&st, cs_style_floor(&st));
        for (int f = 0; f < CS_FONT_COUNT; f++) assert_true(st.px[f] >= floor_px);
    }
    cs_style_make(&st, 1920, 1080, 1, 1);
    assert_int_equal(st.px[CS_FONT_NORMAL], 24);
}

static void test_presenter_contrast(void **state)
{
    (void)state;
    cs_style st;
    cs_style_make(&st, 1920, 1080, 1, 1);
    const cs_palette *p = &st.c;
    /* every text colour the views use, on every background they draw text on */
    const cs_rgba inks[] = {p->text, p->dim, p->hilite, p->good, p->bad, p->train, p->test};
    const cs_rgba grounds[] = {p->panel, p->gutter, p->bar, p->overlay_bg, p->plate};
    for (size_t i = 0; i < sizeof inks / sizeof inks[0]; i++)
        for (size_t j = 0; j < sizeof grounds / sizeof grounds[0]; j++) {
            const double r = cs_contrast(inks[i], grounds[j]);
            if (r < 7.0) print_error("presenter ink %zu on background %zu: %.2f:1\n", i, j, r);
            assert_true(r >= 7.0);
        }
    /* button labels on buttons, on and off */
    assert_true(cs_contrast(p->text, p->button_on) >= 7.0 && cs_contrast(p->text, p->button) >= 7.0);
    /* the everyday palette: body text and secondary text reach WCAG AA (4.5:1) on panels */
    cs_style n;
    cs_style_make(&n, 1920, 1080, 1, 0);
    assert_true(cs_contrast(n.c.text, n.c.panel) >= 4.5 && cs_contrast(n.c.dim, n.c.panel) >= 4.5);
    assert_true(cs_contrast(n.c.dim, n.c.overlay_bg) >= 4.5);
}

static void test_ink_on_cells(void **state)
{
    (void)state;
    /* a number on any colour of any colormap: the chosen ink reaches the style's ratio, or the
     * number goes on a plate, where it does */
    for (int present = 0; present < 2; present++) {
        cs_style st;
        cs_style_make(&st, 1920, 1080, 1, present);
        int plates = 0;
        for (int m = 0; m < CS_CMAP_COUNT; m++) {
            const uint8_t *t = cs_colormap_table((cs_colormap_id)m);
            for (int i = 0; i < 256; i++) {
                const cs_rgba bg = {t[3 * i] / 255.0f, t[3 * i + 1] / 255.0f, t[3 * i + 2] / 255.0f, 1};
                cs_rgba ink;
                const int plate = cs_style_ink(&st, bg, &ink);
                plates += plate;
                assert_true(cs_contrast(ink, plate ? st.c.plate : bg) >= st.min_contrast);
            }
        }
        /* plates are the exception: most cells take black or white ink directly */
        assert_true(plates < 4 * 256 / 3);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contrast_formula),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_presenter_contrast),
        cmocka_unit_test(test_ink_on_cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
