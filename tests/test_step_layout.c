/* test_step_layout.c - the step view's pure parts without GL: compact cell numbers, the
 * equation (the article's 6600, zero terms counted, growing term by term, wrapping, running
 * out of lines, channel sums; sums that check on a calculator, kernels given as fractions
 * written with the fraction factored out), and layout hit tests (a click on the input, the output or the
 * kernel comes back as the right position or cell). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_filters.h"
#include "cs_step_layout.h"

static float EM = 0.6f;
static const cs_measure MEASURE = {cs_measure_fixed, &EM};
#include "cs_stepper.h"

static void fmt_is(float v, const char *want)
{
    char buf[64];
    cs_step_fmt(buf, sizeof buf, v);
    assert_string_equal(buf, want);
}

static void test_fmt(void **state)
{
    (void)state;
    fmt_is(6600, "6600");
    fmt_is(1500, "1500");
    fmt_is(0, "0");
    fmt_is(-0.0f, "0");
    fmt_is(30, "30");
    fmt_is(1.0f / 9.0f, "0.111");
    fmt_is(-0.05f, "\u22120.05");
    fmt_is(-30, "\u221230");
    fmt_is(28.33f, "28.3");
    fmt_is(65025, "65025");
    fmt_is(123456.7f, "123k");
    fmt_is(2.5e6f, "2.5M");
    fmt_is(1234.5f, "1234"); /* never "1.23e+03" */
    fmt_is(0.000123f, "0.00012");
    fmt_is(1e-6f, "1e\u22126"); /* tiny but not zero */
    char buf[64];
    assert_int_equal(cs_step_fmt(buf, sizeof buf, -0.05f), 5); /* characters, not bytes */
    cs_step_fmt_sig(buf, sizeof buf, -0.0366f, 2);
    assert_string_equal(buf, "\u22120.037");
    cs_step_fmt_sig(buf, sizeof buf, 123.4f, 2);
    assert_string_equal(buf, "123");
    assert_int_equal(cs_step_utf8_len("(50\u00D730)"), 7);
}

/* demo:curve's strokes where the curve kernel has them: the article's window. Built here from
 * the kernel itself so the test does not need the data layer: the window at (4, 4) holds the
 * kernel's 30s' positions with 50, 50, 50, 20, 50. */
typedef struct {
    cs_filter k;
    float img[24 * 24];
    cs_stepper st;
} curve_case;

static void curve_setup(curve_case *c)
{
    assert_int_equal(cs_filter_preset(&c->k, "curve"), CS_OK);
    memset(c->img, 0, sizeof c->img);
    static const float vals[] = {50, 50, 50, 20, 50};
    int n = 0;
    for (int i = 0; i < 49 && n < 5; i++)
        if (c->k.w[i] != 0) c->img[(4 + i / 7) * 24 + 4 + i % 7] = vals[n++];
    assert_int_equal(cs_stepper_init(&c->st, c->img, 1, 24, 24, c->k.w, 7, 0, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(cs_stepper_seek(&c->st, 4, 4), CS_OK);
}

static void curve_teardown(curve_case *c)
{
    cs_stepper_free(&c->st);
    cs_filter_free(&c->k);
}

static int max_line_len(const char *text)
{
    int best = 0;
    char line[1024];
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        memcpy(line, p, n);
        line[n] = '\0';
        int l = cs_step_utf8_len(line);
        if (l > best) best = l;
        p = nl ? nl + 1 : p + n;
    }
    return best;
}

static void test_equation_6600(void **state)
{
    (void)state;
    curve_case c;
    curve_setup(&c);
    assert_float_equal(c.st.sum, 6600, 0);
    char text[2048], res[256];
    int unwritten = -1;
    int n = cs_step_equation(&c.st, 100, 6, text, sizeof text, &unwritten);
    assert_int_equal(unwritten, 0);
    assert_true(n >= 1 && n <= 6);
    assert_non_null(strstr(text, "sum = (50\u00D730) + (50\u00D730) + (50\u00D730) + (20\u00D730) + (50\u00D730) = 6600"));
    assert_non_null(strstr(text, "44 of the 49 terms are zero"));
    cs_step_result(&c.st, res, sizeof res);
    assert_string_equal(res, "6600 + 0 = 6600");

    /* narrow: wrapped, no line longer than asked, nothing lost */
    n = cs_step_equation(&c.st, 30, 10, text, sizeof text, &unwritten);
    assert_true(n > 2);
    assert_int_equal(unwritten, 0);
    assert_true(max_line_len(text) <= 30);
    assert_non_null(strstr(text, "+ (20\u00D730)"));

    /* out of lines: the rest is counted */
    n = cs_step_equation(&c.st, 30, 2, text, sizeof text, &unwritten);
    assert_true(n <= 2);
    assert_true(unwritten > 0);
    assert_non_null(strstr(text, "more)"));

    /* term by term: after the first 6 terms (kernel row 0, cols 0..5) only the 30 at col 5 has met
     * a 50; the sum so far is 1500 */
    cs_stepper_set_term(&c.st, 6);
    cs_step_equation(&c.st, 100, 6, text, sizeof text, &unwritten);
    assert_non_null(strstr(text, "sum = (50\u00D730) = 1500 so far"));
    assert_non_null(strstr(text, "6 of 49 terms; 5 zero"));
    cs_step_result(&c.st, res, sizeof res);
    assert_non_null(strstr(res, "so far: 1500"));
    /* the newest term is written even when it is zero, so each step shows something */
    cs_stepper_set_term(&c.st, 7);
    cs_step_equation(&c.st, 100, 6, text, sizeof text, &unwritten);
    assert_non_null(strstr(text, "(50\u00D730) + (0\u00D70) = 1500 so far"));
    cs_stepper_set_term(&c.st, 0);
    cs_step_equation(&c.st, 100, 6, text, sizeof text, &unwritten);
    assert_non_null(strstr(text, "no terms yet"));

    /* a window on nothing: all zero */
    assert_int_equal(cs_stepper_seek(&c.st, 17, 17), CS_OK);
    cs_step_equation(&c.st, 100, 6, text, sizeof text, &unwritten);
    assert_non_null(strstr(text, "sum = 0    (all 49 terms are zero)"));

    /* bias and ReLU in the result line */
    cs_stepper_set_bias(&c.st, -5);
    cs_stepper_set_activation(&c.st, CS_STEPPER_ACT_RELU);
    cs_step_result(&c.st, res, sizeof res);
    assert_string_equal(res, "relu(0 \u2212 5) = relu(\u22125) = 0");
    curve_teardown(&c);
}

static void test_equation_channels(void **state)
{
    (void)state;
    /* 3 channels, 1x1 kernel: per-channel products 1x2, 3x4, 5x6 */
    const float img[3] = {1, 3, 5}, k[3] = {2, 4, 6};
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img, 3, 1, 1, k, 1, 0, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    char text[1024];
    int unwritten;
    int n = cs_step_equation(&st, 80, 5, text, sizeof text, &unwritten);
    assert_true(n >= 2);
    assert_non_null(strstr(text, "(1\u00D72) + (3\u00D74) + (5\u00D76) = 44"));
    assert_non_null(strstr(text, "channels: R 2 + G 12 + B 30 = 44"));
    cs_stepper_set_term(&st, 2);
    cs_step_equation(&st, 80, 5, text, sizeof text, &unwritten);
    assert_non_null(strstr(text, "channels so far: R 2 + G 12 + B 0 = 14"));
    cs_stepper_free(&st);
}

/* A number as the equation writes it (U+2212 for minus) back to a double; *end after it. */
static double read_number(const char *p, const char **end)
{
    char buf[64];
    size_t o = 0;
    while (*p && o + 1 < sizeof buf) {
        if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x88 && (unsigned char)p[2] == 0x92) buf[o++] = '-', p += 3;
        else if ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e') buf[o++] = *p++;
        else break;
    }
    buf[o] = '\0';
    *end = p;
    return strtod(buf, NULL);
}

/* What a reader with a calculator gets from a decimal equation: the written products added up, and
 * the total it writes after the last "= ". */
static void calculator(const char *text, double *sum, double *total)
{
    *sum = 0;
    const char *p = text, *end;
    while ((p = strchr(p, '('))) {
        const double a = read_number(p + 1, &end);
        if (strncmp(end, "\u00D7", 2) != 0) break;
        const double b = read_number(end + 2, &end);
        *sum += a * b;
        p = end;
    }
    const char *eq = text, *q;
    while ((q = strstr(eq + 1, "= "))) eq = q;
    *total = read_number(eq + 2, &end);
}

/* A 3x3 window of six white pixels over three black ones. */
static const float six_white[9] = {255, 255, 255, 255, 255, 255, 0, 0, 0};

/* The box kernel: as fractions, 1/9 factored out and whole numbers in the bracket; as decimals,
 * weights with the digits the total needs (0.111 would add up to 169.83, not 170). */
static void test_equation_checks(void **state)
{
    (void)state;
    cs_filter k;
    assert_int_equal(cs_filter_preset(&k, "box"), CS_OK);
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, six_white, 1, 3, 3, k.w, 3, 0, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    char text[2048], w[40];
    int unwritten;
    assert_int_equal(cs_stepper_set_fraction(&st, k.frac_den), 1);
    cs_step_equation(&st, 200, 6, text, sizeof text, &unwritten);
    assert_non_null(strstr(text, "sum = 1/9 \u00D7 (255 + 255 + 255 + 255 + 255 + 255) = 1/9 \u00D7 1530 = 170"));
    assert_non_null(strstr(text, "3 of the 9 terms are zero"));
    cs_step_weight_text(w, sizeof w, &st, 4, 3);
    assert_string_equal(w, "1/9");
    /* growing: the bracket so far */
    cs_stepper_set_term(&st, 2);
    cs_step_equation(&st, 200, 6, text, sizeof text, &unwritten);
    assert_non_null(strstr(text, "sum = 1/9 \u00D7 (255 + 255) = 1/9 \u00D7 510 = 56.6667 so far"));
    cs_stepper_set_term(&st, 9);

    /* the same weights as decimals: written with enough digits that they add up */
    st.frac_den = 0;
    cs_step_equation(&st, 200, 6, text, sizeof text, &unwritten);
    double sum, total;
    calculator(text, &sum, &total);
    assert_true(strstr(text, "(255\u00D70.111)") == NULL);
    assert_true(total == 170.0);
    if (fabs(sum - total) >= 0.05) fail_msg("'%s' adds up to %.6f, not %g", text, sum, total);
    cs_step_weight_text(w, sizeof w, &st, 4, 3);
    assert_string_equal(w, "0.111");
    cs_stepper_free(&st);

    /* a kernel of 0.111s really sums to 169.83: the total says so */
    float k111[9];
    for (int i = 0; i < 9; i++) k111[i] = 0.111f;
    assert_int_equal(cs_stepper_init(&st, six_white, 1, 3, 3, k111, 3, 0, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    cs_step_equation(&st, 200, 6, text, sizeof text, &unwritten);
    assert_non_null(strstr(text, "sum = (255\u00D70.111) + (255\u00D70.111)"));
    calculator(text, &sum, &total);
    assert_true(fabs(total - 169.83) < 1e-9);
    assert_true(fabs(sum - total) < 0.005);
    cs_stepper_free(&st);
    cs_filter_free(&k);

    /* the Gaussian: numerators differ, so 1/16 is factored out and each term keeps its own */
    assert_int_equal(cs_filter_preset(&k, "gaussian3"), CS_OK);
    assert_int_equal(cs_stepper_init(&st, six_white, 1, 3, 3, k.w, 3, 0, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(cs_stepper_set_fraction(&st, k.frac_den), 1);
    cs_step_equation(&st, 200, 6, text, sizeof text, &unwritten);
    assert_non_null(strstr(text, "sum = 1/16 \u00D7 (1\u00D7255 + 2\u00D7255 + 1\u00D7255 + 2\u00D7255 + 4\u00D7255 + "
                                 "2\u00D7255) = 1/16 \u00D7 3060 = 191.25"));
    assert_float_equal(st.sum, 191.25f, 0);
    cs_step_weight_text(w, sizeof w, &st, 1, 3);
    assert_string_equal(w, "2/16");
    /* wrapped over lines, nothing lost */
    cs_step_equation(&st, 40, 8, text, sizeof text, &unwritten);
    assert_int_equal(unwritten, 0);
    assert_true(max_line_len(text) <= 40);
    assert_non_null(strstr(text, "3060 = 191.25"));
    cs_stepper_free(&st);
    cs_filter_free(&k);
}

static void test_layout_hits(void **state)
{
    (void)state;
    curve_case c;
    curve_setup(&c);
    static const int sizes[][2] = {{1280, 720}, {1920, 1080}, {1024, 600}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        cs_step_layout L;
        cs_step_layout_compute(&L, sizes[i][0], sizes[i][1], 1, 0, &MEASURE, &c.st);
        const cs_rect win = {0, 0, (float)sizes[i][0], (float)sizes[i][1]};
        const cs_rect panels[] = {L.input_panel, L.output_panel, L.grids_panel, L.eq_panel};
        for (size_t p = 0; p < 4; p++) {
            assert_true(panels[p].x >= 0 && panels[p].y >= L.top.h - 1);
            assert_true(panels[p].x + panels[p].w <= win.w && panels[p].y + panels[p].h <= L.status.y + 1);
        }
        /* whole pixels per cell, and 7x7 cells wide enough for "1500" at 1280x720 and up */
        assert_float_equal(L.in_cell, floorf(L.in_cell), 0);
        if (sizes[i][0] >= 1280) {
            assert_true(L.numbers);
            assert_true(L.cell_w >= 36 && L.cell_h >= 20);
        }
        /* output: the middle of cell (4, 4) is (4, 4) */
        int oy, ox, iy, ix, ch, ky, kx;
        cs_rect oc = cs_step_output_cell(&L, 4, 4);
        assert_true(cs_step_hit_output(&L, oc.x + oc.w * 0.5f, oc.y + oc.h * 0.5f, &oy, &ox));
        assert_int_equal(oy, 4);
        assert_int_equal(ox, 4);
        assert_false(cs_step_hit_output(&L, oc.x - L.output_area.w, oc.y, &oy, &ox));
        /* input: a click on pixel (7, 7) centres the 7x7 window there: position (4, 4) */
        cs_rect ic = cs_step_input_cell(&L, 7, 7);
        assert_true(cs_step_hit_input(&L, ic.x + 1, ic.y + 1, &iy, &ix));
        assert_int_equal(iy, 7);
        assert_int_equal(ix, 7);
        cs_step_pos_for_pixel(&L, iy, ix, &oy, &ox);
        assert_int_equal(oy, 4);
        assert_int_equal(ox, 4);
        /* corners clamp to the output */
        cs_step_pos_for_pixel(&L, 0, 23, &oy, &ox);
        assert_int_equal(oy, 0);
        assert_int_equal(ox, 17);
        /* the window of (4, 4) starts at input pixel (4, 4) and is 7 cells wide */
        cs_rect wr = cs_step_window_rect(&L, 4, 4), p44 = cs_step_input_cell(&L, 4, 4);
        assert_float_equal(wr.x, p44.x, 1e-3);
        assert_float_equal(wr.w, 7 * L.in_cell, 1e-3);
        /* kernel cell (2, 3) */
        cs_rect kc = cs_step_grid_cell(&L, CS_STEP_GRID_KERNEL, 0, 2, 3);
        assert_true(cs_step_hit_kernel(&L, kc.x + kc.w * 0.5f, kc.y + kc.h * 0.5f, &ch, &ky, &kx));
        assert_int_equal(ch, 0);
        assert_int_equal(ky, 2);
        assert_int_equal(kx, 3);
        /* the products grid is not the kernel */
        cs_rect pc = cs_step_grid_cell(&L, CS_STEP_GRID_PRODUCTS, 0, 2, 3);
        assert_false(cs_step_hit_kernel(&L, pc.x + 1, pc.y + 1, &ch, &ky, &kx));
        /* grids do not overlap each other or the equation */
        assert_true(L.grid[0][0].x + L.grid[0][0].w <= L.grid[1][0].x);
        assert_true(L.grid[1][0].x + L.grid[1][0].w <= L.grid[2][0].x);
        assert_true(L.grid_legend[0].y + L.grid_legend[0].h <= L.eq_panel.y);
    }
    /* padding shifts the input: with pad 2 a click on the padding reports negative pixels */
    assert_int_equal(cs_stepper_set_geometry(&c.st, 2, 2), CS_OK);
    cs_step_layout L;
    cs_step_layout_compute(&L, 1280, 720, 1, 0, &MEASURE, &c.st);
    int iy, ix, oy, ox;
    assert_true(cs_step_hit_input(&L, L.input_area.x + 1, L.input_area.y + 1, &iy, &ix));
    assert_int_equal(iy, -2);
    assert_int_equal(ix, -2);
    assert_int_equal(L.OW, c.st.OW);
    cs_rect oc = cs_step_output_cell(&L, L.OH - 1, L.OW - 1);
    assert_true(cs_step_hit_output(&L, oc.x + 1, oc.y + 1, &oy, &ox));
    assert_int_equal(oy, L.OH - 1);
    assert_int_equal(ox, L.OW - 1);
    curve_teardown(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt),
        cmocka_unit_test(test_equation_6600),
        cmocka_unit_test(test_equation_channels),
        cmocka_unit_test(test_equation_checks),
        cmocka_unit_test(test_layout_hits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
