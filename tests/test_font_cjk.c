/* test_font_cjk.c - Chinese on screen: fontconfig finds a CJK font, DejaVu keeps the Latin text
 * and digits, a code point DejaVu lacks comes from the CJK font glyph by glyph (a string mixing
 * "6600" and Chinese measures as the sum of both), its glyphs sit on DejaVu's line, and a machine
 * without a CJK font (FONTCONFIG_FILE at an empty configuration) gets one line naming the package.
 * Skips (77) when the machine has no CJK font at all. */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_ttf.h>
#include <cmocka.h>

#include "cs_font.h"

static cs_fonts *F;

static void test_find(void **state)
{
    (void)state;
    char path[1024];
    int index = -1;
    assert_int_equal(cs_fonts_find_cjk(path, sizeof path, &index), CS_OK);
    assert_true(index >= 0);
    assert_int_equal(access(path, R_OK), 0);
    assert_string_equal(cs_fonts_cjk_path(F), path);
}

static void test_fallback_per_glyph(void **state)
{
    (void)state;
    /* DejaVu has neither ideograph; the fallback has both; nobody has U+10FFFD */
    assert_true(cs_fonts_has_glyph(F, CS_FACE_SANS, 0x4E2D));
    assert_true(cs_fonts_has_glyph(F, CS_FACE_MONO, 0x6587));
    assert_true(cs_fonts_has_glyph(F, CS_FACE_SANS, '6'));
    assert_false(cs_fonts_has_glyph(F, CS_FACE_SANS, 0x10FFFD));
    const int px = 24;
    const float digits = cs_fonts_width(F, CS_FACE_SANS, px, "6600");
    const float han = cs_fonts_width(F, CS_FACE_SANS, px, "\u4E2D\u6587");
    const float mixed = cs_fonts_width(F, CS_FACE_SANS, px, "6600\u4E2D\u6587");
    /* DejaVu's digits are 0.636 em; an ideograph is a full em */
    assert_true(digits > 4 * 0.6f * px && digits < 4 * 0.7f * px);
    assert_true(han >= 2 * 0.9f * px && han <= 2 * 1.1f * px);
    assert_true(mixed > digits + han - 0.5f && mixed < digits + han + 0.5f);
    /* a missing glyph is DejaVu's '?', as wide as '?' */
    assert_true(cs_fonts_width(F, CS_FACE_SANS, px, "\U0010FFFD") == cs_fonts_width(F, CS_FACE_SANS, px, "?"));
}

/* Ink rows of a glyph's coverage: first and last row with any coverage. */
static void ink_rows(uint32_t cp, int px, int *top, int *bottom, int *h)
{
    const uint8_t *cov;
    int w;
    float adv;
    assert_int_equal(cs_fonts_glyph(F, CS_FACE_SANS, px, cp, &cov, &w, h, &adv), 0);
    *top = -1, *bottom = -1;
    for (int y = 0; y < *h; y++)
        for (int x = 0; x < w; x++)
            if (cov[(size_t)y * w + x] > 128) {
                if (*top < 0) *top = y;
                *bottom = y;
            }
}

static void test_baseline(void **state)
{
    (void)state;
    const int px = 40;
    int ht, hb, hh, xt, xb, xh;
    ink_rows('H', px, &ht, &hb, &hh);
    ink_rows(0x4E2D, px, &xt, &xb, &xh); /* 中 reaches a little below the baseline */
    assert_true(ht >= 0 && xt >= 0);
    /* on DejaVu's line: the ideograph's ink starts near the capital's top and ends within a
     * fifth of an em below the capital's baseline, inside the line box (1.17 em) */
    assert_true(abs(xt - ht) <= px / 5);
    assert_true(xb >= hb - 2 && xb <= hb + px / 5);
    assert_true(xb < (int)(1.17f * px) + 1);
}

static void test_no_cjk_font(void **state)
{
    (void)state;
    char conf[] = "/tmp/cs_fontconf_XXXXXX";
    const int fd = mkstemp(conf);
    assert_true(fd >= 0);
    const char *empty = "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n";
    assert_int_equal(write(fd, empty, strlen(empty)), (int)strlen(empty));
    close(fd);
    const char *old = getenv("FONTCONFIG_FILE");
    char *saved = old ? strdup(old) : NULL;
    setenv("FONTCONFIG_FILE", conf, 1);
    char path[1024];
    int index;
    const cs_status st = cs_fonts_find_cjk(path, sizeof path, &index);
    if (saved) setenv("FONTCONFIG_FILE", saved, 1), free(saved);
    else unsetenv("FONTCONFIG_FILE");
    unlink(conf);
    assert_int_equal(st, CS_ERR_IO);
    assert_non_null(strstr(cs_last_error(), "fonts-wqy-microhei"));
    assert_null(strchr(cs_last_error(), '\n'));
}

int main(void)
{
    if (TTF_Init() != 0) return fprintf(stderr, "TTF_Init: %s\n", TTF_GetError()), 1;
    char path[1024], dir[1024];
    int index;
    if (cs_fonts_find_cjk(path, sizeof path, &index) != CS_OK) {
        printf("SKIP: %s\n", cs_last_error());
        return 77;
    }
    if (cs_fonts_find_dir(NULL, dir, sizeof dir) != CS_OK || cs_fonts_create(&F, dir) != CS_OK)
        return fprintf(stderr, "%s\n", cs_last_error()), 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find), cmocka_unit_test(test_fallback_per_glyph), cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_no_cjk_font),
    };
    const int r = cmocka_run_group_tests(tests, NULL, NULL);
    cs_fonts_destroy(F);
    TTF_Quit();
    return r;
}
