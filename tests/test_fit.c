/* test_fit.c - text fitting without fonts (a fixed-advance measure): the size steps down to the
 * minimum and no further, wrapped lines stay in their box, labels are cut with an ellipsis only as
 * a last resort, numbers get fewer digits (1500 -> 1.5k -> 2k) and are never cut or emptied, and
 * the text dump is valid JSON-shaped output with every field. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cs_fit.h"
#include "cs_layout.h"
#include "cs_textlog.h"

static float EM = 0.5f; /* every code point is half a pixel size wide */
static const cs_measure M = {cs_measure_fixed, &EM};

static int inside(cs_rect in, cs_rect out)
{
    return in.x >= out.x - 0.01f && in.y >= out.y - 0.01f && in.x + in.w <= out.x + out.w + 0.01f &&
           in.y + in.h <= out.y + out.h + 0.01f;
}

static void test_shrink(void **state)
{
    (void)state;
    cs_fit_result r;
    const cs_fit_policy p = {CS_FACE_SANS, 20, 10, CS_FIT_SHRINK, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    /* 10 characters at 20 px are 100 px: a 100 px box keeps 20 px */
    assert_true(cs_fit_text(&M, "abcdefghij", (cs_rect){0, 0, 100, 30}, &p, &r));
    assert_int_equal(r.px, 20);
    /* a 60 px box: the largest size at which 10 characters fit is 12 px */
    assert_true(cs_fit_text(&M, "abcdefghij", (cs_rect){0, 0, 60, 30}, &p, &r));
    assert_int_equal(r.px, 12);
    assert_true(inside(r.rect, (cs_rect){0, 0, 60, 30}));
    /* a 40 px box: not even at the 10 px minimum; it says so and stays at the minimum */
    assert_false(cs_fit_text(&M, "abcdefghij", (cs_rect){0, 0, 40, 30}, &p, &r));
    assert_int_equal(r.px, 10);
    /* right alignment places the text's own box at the right edge */
    const cs_fit_policy rp = {CS_FACE_SANS, 20, 20, 0, CS_ALIGN_RIGHT, CS_VALIGN_MIDDLE, 0};
    assert_true(cs_fit_text(&M, "abcd", (cs_rect){10, 10, 100, 40}, &rp, &r));
    assert_float_equal(r.rect.x + r.rect.w, 110, 0.01);
    assert_float_equal(r.rect.w, 40, 0.01);
}

static void test_wrap_and_ellipsis(void **state)
{
    (void)state;
    cs_fit_result r;
    const cs_fit_policy p = {CS_FACE_SANS, 10, 10, CS_FIT_WRAP, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    /* 5 px per character, 60 px lines: "aaaa bbbb cccc dddd" wraps two words a line */
    assert_true(cs_fit_text(&M, "aaaa bbbb cccc dddd", (cs_rect){0, 0, 60, 100}, &p, &r));
    assert_int_equal(r.n_lines, 2);
    assert_string_equal(r.text, "aaaa bbbb\ncccc dddd");
    assert_true(inside(r.rect, (cs_rect){0, 0, 60, 100}));
    /* too low for two lines: with an ellipsis, one line ending in "…" */
    const cs_fit_policy e = {CS_FACE_SANS, 10, 10, CS_FIT_WRAP | CS_FIT_ELLIPSIS, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    assert_true(cs_fit_text(&M, "aaaa bbbb cccc dddd", (cs_rect){0, 0, 60, 14}, &e, &r));
    assert_int_equal(r.n_lines, 1);
    assert_non_null(strstr(r.text, "\u2026"));
    assert_true(r.line_w[0] <= 60);
    /* a label cut at the minimum size */
    const cs_fit_policy l = {CS_FACE_SANS, 10, 10, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    assert_true(cs_fit_text(&M, "horizontal", (cs_rect){0, 0, 30, 14}, &l, &r));
    assert_string_equal(r.text, "horiz\u2026"); /* 5 letters and the ellipsis: 6 x 5 px <= 30 */
}

/* Chinese has no spaces: lines break between characters, never before a closing mark, and a
 * number or a Latin word inside stays whole. The fixed measure makes every code point 10 px at
 * 20 px, so a 100 px box holds 10 of them. */
static void test_wrap_cjk(void **state)
{
    (void)state;
    cs_fit_result r;
    const cs_fit_policy p = {CS_FACE_SANS, 20, 20, CS_FIT_WRAP, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    const cs_rect box = {0, 0, 100, 400};
    /* 15 ideographs: 10, then 5 */
    assert_true(cs_fit_text(&M, "一二三四五六七八九十一二三四五", box, &p, &r));
    assert_int_equal(r.n_lines, 2);
    assert_string_equal(r.text, "一二三四五六七八九十\n一二三四五");
    /* the comma may not start a line: the character before it goes down with it */
    assert_true(cs_fit_text(&M, "一二三四五六七八九十,一二", box, &p, &r));
    assert_string_equal(r.text, "一二三四五六七八九\n十,一二");
    /* the fullwidth comma and the ideographic full stop likewise */
    assert_true(cs_fit_text(&M, "一二三四五六七八九十\xEF\xBC\x8C二\xE3\x80\x82", box, &p, &r));
    assert_string_equal(r.text, "一二三四五六七八九\n十\xEF\xBC\x8C二\xE3\x80\x82");
    /* a number inside Chinese stays whole: "6600" goes down as one piece */
    assert_true(cs_fit_text(&M, "一二三四五六七八6600个", box, &p, &r));
    assert_string_equal(r.text, "一二三四五六七八\n6600个");
    /* an opening bracket stays with what follows it */
    assert_true(cs_fit_text(&M, "一二三四五六七八九(十)", box, &p, &r));
    assert_string_equal(r.text, "一二三四五六七八九\n(十)");
    /* Latin words still break at spaces only, and the space is swallowed */
    assert_true(cs_fit_text(&M, "ab cdefgh ij 一二", box, &p, &r));
    assert_string_equal(r.text, "ab cdefgh\nij 一二");
    for (int i = 0; i < r.n_lines; i++) assert_true(r.line_w[i] <= box.w);
    /* forced breaks stay, a final newline adds no line */
    assert_true(cs_fit_text(&M, "一二\n三四\n", box, &p, &r));
    assert_int_equal(r.n_lines, 2);
    assert_string_equal(r.text, "一二\n三四");
    assert_true(cs_fit_is_cjk(0x4E2D) && cs_fit_is_cjk(0x3002) && cs_fit_is_cjk(0xFF0C));
    assert_false(cs_fit_is_cjk('a') || cs_fit_is_cjk(0x00D7) || cs_fit_is_cjk(0x2212));
}

static void test_values(void **state)
{
    (void)state;
    char f[12][32];
    /* most precise first, then fewer digits, then k */
    int n = cs_fmt_variants(1500, 3, f, 12);
    assert_true(n >= 3);
    assert_string_equal(f[0], "1500");
    int has_k = 0;
    for (int i = 0; i < n; i++) has_k |= !strcmp(f[i], "1.5k") || !strcmp(f[i], "2k");
    assert_true(has_k);
    n = cs_fmt_variants(0.1111f, 3, f, 12);
    assert_string_equal(f[0], "0.111");
    assert_string_equal(f[n - 1], "0.1");
    /* fixed decimals */
    n = cs_fmt_variants(0.534f, -2, f, 12);
    assert_string_equal(f[0], "0.53");
    /* tiny values never become a lying 0 */
    n = cs_fmt_variants(0.00035f, 3, f, 12);
    for (int i = 0; i < n; i++) assert_string_not_equal(f[i], "0");
    /* 99.97 at two digits is 100, not 1e+02 */
    char buf[32];
    cs_fmt_sig(buf, sizeof buf, 99.97f, 2);
    assert_string_equal(buf, "100");
    /* a cell too narrow for "6600" at 20 px (40 px at 10 px... no: 4 x 10 = 40) shows 6.6k or 7k */
    cs_fit_result r;
    const cs_fit_policy p = {CS_FACE_SANS, 20, 20, 0, CS_ALIGN_CENTER, CS_VALIGN_MIDDLE, 0};
    assert_true(cs_fit_value(&M, 6600, 3, (cs_rect){0, 0, 30, 30}, &p, &r));
    assert_string_equal(r.text, "7k");
    assert_true(inside(r.rect, (cs_rect){0, 0, 30, 30}));
    /* and never an empty string, even where nothing fits */
    assert_false(cs_fit_value(&M, 6600, 3, (cs_rect){0, 0, 5, 30}, &p, &r));
    assert_true(strlen(r.text) > 0);
    assert_null(strstr(r.text, "\u2026"));
}

static void test_mark_stride(void **state)
{
    (void)state;
    /* 10 epochs on 600 px: every one (60 px apart); 300 epochs on 600 px: every 20th (40 px) */
    assert_int_equal(cs_mark_stride(600, 10, 30), 1);
    assert_int_equal(cs_mark_stride(600, 300, 30), 20);
    assert_int_equal(cs_mark_stride(600, 30, 30), 2);
    for (int n = 1; n < 5000; n += 37) {
        const int k = cs_mark_stride(400, n, 30);
        assert_true(k >= n || 400.0f / (float)n * (float)k >= 30);
    }
}

static void test_textlog(void **state)
{
    (void)state;
    cs_textlog log;
    cs_textlog_init(&log);
    cs_textlog_add(&log, CS_TEXTLOG_TEXT, "a \"quoted\"\nline", (cs_rect){1, 2, 3, 4}, (cs_rect){0, 0, 10, 10}, 12, 0);
    cs_textlog_add(&log, CS_TEXTLOG_VALUE, "6600", (cs_rect){5, 6, 7, 8}, (cs_rect){5, 6, 9, 9}, 24, 1);
    cs_textlog_add(&log, CS_TEXTLOG_TARGET, "map conv1 3", (cs_rect){9, 9, 9, 9}, (cs_rect){9, 9, 9, 9}, 0, 0);
    char path[64];
    snprintf(path, sizeof path, "textlog_test_%ld.json", (long)getpid());
    const cs_textlog_frame fr = {"train", 1920, 1080, 1.5f, 0, 15, ""};
    assert_int_equal(cs_textlog_write(&log, &fr, path), CS_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[2048] = "";
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    unlink(path);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "[{\"kind\": \"frame\", \"view\": \"train\", \"rect\": [0.0, 0.0, 1920.0, 1080.0]"));
    assert_non_null(strstr(buf, "\"text\": \"a \\\"quoted\\\"\\nline\", \"rect\": [1.0, 2.0, 3.0, 4.0], \"fit\": [0.0, 0.0, "
                                "10.0, 10.0], \"px\": 12, \"z\": 0}"));
    assert_non_null(strstr(buf, "{\"kind\": \"value\", \"text\": \"6600\""));
    assert_non_null(strstr(buf, "{\"kind\": \"target\", \"text\": \"map conv1 3\", \"rect\": [9.0, 9.0, 9.0, 9.0]}"));
    /* a file that cannot be written is an error naming it */
    assert_int_equal(cs_textlog_write(&log, &fr, "/nonexistent-dir/x.json"), CS_ERR_IO);
    cs_textlog_free(&log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shrink),          cmocka_unit_test(test_wrap_and_ellipsis),
        cmocka_unit_test(test_wrap_cjk),
        cmocka_unit_test(test_values),          cmocka_unit_test(test_mark_stride),
        cmocka_unit_test(test_textlog),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
