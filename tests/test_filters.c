/* test_filters.c - kernel presets (their sums and shapes) and the kernel text format,
 * including every error case, from files the test writes itself; the fraction form a file or
 * preset gives (1/9, 2/16) and when there is none. */
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

#include "cs_filters.h"

static void test_preset_sums(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int k;
        double sum;
    } want[] = {
        {"identity", 3, 1.0},   {"box", 3, 1.0},        {"gaussian3", 3, 1.0}, {"gaussian5", 5, 1.0},
        {"laplacian4", 3, 0.0}, {"laplacian8", 3, 0.0}, {"sobel-x", 3, 0.0},   {"sobel-y", 3, 0.0},
        {"sharpen", 3, 1.0},    {"emboss", 3, 1.0},     {"curve", 7, 180.0},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        cs_filter f;
        assert_int_equal(cs_filter_preset(&f, want[i].name), CS_OK);
        assert_string_equal(f.name, want[i].name);
        assert_int_equal(f.c, 1);
        assert_int_equal(f.k, want[i].k);
        if (fabs(cs_filter_sum(&f) - want[i].sum) > 1e-6)
            fail_msg("%s sums to %.9g, want %g", want[i].name, cs_filter_sum(&f), want[i].sum);
        assert_non_null(strstr(cs_filter_preset_names(), want[i].name));
        cs_filter_free(&f);
    }
    /* box: every entry 1/9, the 8-neighbourhood smoothing */
    cs_filter f;
    assert_int_equal(cs_filter_preset(&f, "box"), CS_OK);
    for (int i = 0; i < 9; i++)
        assert_true(f.w[i] == 1.0f / 9.0f);
    cs_filter_free(&f);
    /* curve: six entries of 30, everything else 0 */
    assert_int_equal(cs_filter_preset(&f, "curve"), CS_OK);
    int n30 = 0, n0 = 0;
    for (int i = 0; i < 49; i++)
        n30 += f.w[i] == 30.0f, n0 += f.w[i] == 0.0f;
    assert_int_equal(n30, 6);
    assert_int_equal(n0, 43);
    cs_filter_free(&f);
    /* sobel-x answers positive to a left-to-right brightening */
    assert_int_equal(cs_filter_preset(&f, "sobel-x"), CS_OK);
    assert_true(f.w[2] > 0 && f.w[0] < 0);
    cs_filter_free(&f);

    assert_int_equal(cs_filter_preset(&f, "blur"), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "unknown kernel preset 'blur'"));
    assert_non_null(strstr(cs_last_error(), "gaussian5"));
    assert_null(f.w);
}

static void test_parse_ok(void **state)
{
    (void)state;
    cs_filter f;
    assert_int_equal(cs_filter_parse(&f, "1 2 1\n2 4 2\n1 2 1\n", "k"), CS_OK);
    assert_int_equal(f.c, 1);
    assert_int_equal(f.k, 3);
    assert_true(f.w[4] == 4.0f);
    cs_filter_free(&f);

    /* commas, comments, CRLF, a scale as a fraction, no final newline */
    const char *text = "# gaussian, the long way\r\n"
                       "scale 1/16   # normalise\r\n"
                       "1, 2, 1\r\n"
                       "2,4,2  # centre\r\n"
                       "1 ,2 , 1";
    assert_int_equal(cs_filter_parse(&f, text, "k"), CS_OK);
    assert_int_equal(f.k, 3);
    assert_true(f.w[0] == 0.0625f);
    assert_true(f.w[4] == 0.25f);
    assert_true(fabs(cs_filter_sum(&f) - 1.0) < 1e-9);
    cs_filter_free(&f);

    /* decimal scale after the rows, fractions and exponents as entries */
    assert_int_equal(cs_filter_parse(&f, "1/2 -3e1\n0.5 +2\nscale 0.5\n", "k"), CS_OK);
    assert_int_equal(f.k, 2);
    assert_true(f.w[0] == 0.25f);
    assert_true(f.w[1] == -15.0f);
    assert_true(f.w[2] == 0.25f);
    assert_true(f.w[3] == 1.0f);
    cs_filter_free(&f);

    /* channels by blank line(s) and by a `channel` line; comment lines do not split */
    const char *rgb = "# red\n1 0\n0 1\n\n\n# green\n2 0\n# still green\n0 2\nchannel blue\n3 3\n3 3\n";
    assert_int_equal(cs_filter_parse(&f, rgb, "rgb"), CS_OK);
    assert_int_equal(f.c, 3);
    assert_int_equal(f.k, 2);
    const float want[12] = {1, 0, 0, 1, 2, 0, 0, 2, 3, 3, 3, 3};
    assert_memory_equal(f.w, want, sizeof want);
    cs_filter_free(&f);

    assert_int_equal(cs_filter_parse(&f, "5\n", "k"), CS_OK);
    assert_int_equal(f.k, 1);
    assert_true(f.w[0] == 5.0f);
    cs_filter_free(&f);

    /* a value under float's smallest is about 0, not an error; 1e36 is a float */
    assert_int_equal(cs_filter_parse(&f, "1e-50 1e36\n-2 -3.4e38\n", "k"), CS_OK);
    assert_true(f.w[0] == 0.0f && f.w[1] == 1e36f && f.w[3] == -3.4e38f);
    cs_filter_free(&f);
}

/* Parses text and checks the status and that the message contains each needle. */
static void expect_parse_error(const char *text, const char *needle1, const char *needle2)
{
    cs_filter f;
    cs_status s = cs_filter_parse(&f, text, "k.txt");
    if (s != CS_ERR_SPEC)
        fail_msg("parsing \"%s\": got status %d, want CS_ERR_SPEC (%s)", text, s, cs_last_error());
    if (!strstr(cs_last_error(), needle1) || (needle2 && !strstr(cs_last_error(), needle2)))
        fail_msg("parsing \"%s\": message '%s' lacks '%s' / '%s'", text, cs_last_error(), needle1,
                 needle2 ? needle2 : "");
    assert_null(f.w);
    cs_filter_free(&f);
}

/* Windows Notepad: a UTF-8 byte-order mark and CRLF line ends read like the plain file. */
static void test_parse_bom_crlf(void **state)
{
    (void)state;
    const float want[9] = {1, 0, -1, 2, 0, -2, 1, 0, -1};
    const char *texts[4] = {"1 0 -1\n2 0 -2\n1 0 -1\n", "\xEF\xBB\xBF" "1 0 -1\n2 0 -2\n1 0 -1\n",
                            "1 0 -1\r\n2 0 -2\r\n1 0 -1\r\n", "\xEF\xBB\xBF" "1 0 -1\r\n2 0 -2\r\n1 0 -1\r\n"};
    for (int i = 0; i < 4; i++) {
        cs_filter f;
        if (cs_filter_parse(&f, texts[i], "bom.txt") != CS_OK) fail_msg("text %d: %s", i, cs_last_error());
        assert_int_equal(f.k, 3);
        assert_int_equal(f.c, 1);
        assert_memory_equal(f.w, want, sizeof want);
        cs_filter_free(&f);
    }
    /* two channels separated by a CRLF blank line, after a mark and a comment */
    cs_filter f;
    assert_int_equal(cs_filter_parse(&f, "\xEF\xBB\xBF# rg\r\n1\r\n\r\n2\r\n", "bom.txt"), CS_OK);
    assert_int_equal(f.c, 2);
    assert_true(f.w[0] == 1.0f && f.w[1] == 2.0f);
    cs_filter_free(&f);
    /* the mark counts for nothing in column numbers: 'x' is at column 3 */
    expect_parse_error("\xEF\xBB\xBF" "1 x\r\n", "k.txt:1:3:", "entry 'x' is not a number");
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_parse_error("", "k.txt:1:1:", "empty kernel");
    expect_parse_error("# nothing here\n\n   \n", "empty kernel", NULL);
    expect_parse_error("scale 2\n", "empty kernel", NULL);
    /* ragged: too few on line 2 (column after the last number), too many on line 3 */
    expect_parse_error("1 2 3\n4 5\n6 7 8\n", "k.txt:2:4:", "row has 2 numbers but line 1 has 3");
    expect_parse_error("1 2 3\n4 5 6\n7 8 9 10\n", "k.txt:3:7:", "rows must have equal length");
    expect_parse_error("1 2 x\n", "k.txt:1:5:", "'x' is not a number");
    expect_parse_error("1 2\n3 nan\n", "k.txt:2:3:", "entry 'nan' is not a finite number");
    expect_parse_error("1 2\n3 -inf\n", "k.txt:2:3:", "entry '-inf' is not a finite number");
    expect_parse_error("1 2\n3 1/0\n", "k.txt:2:3:", "entry '1/0' divides by zero");
    expect_parse_error("1 2\n3 1e400\n", "k.txt:2:3:", "entry '1e400' is out of range");
    expect_parse_error("1 2\n3 4,,5\n", "k.txt:2:", "row has 3 numbers");
    /* non-square: fewer rows than columns (reported at the last row), more rows */
    expect_parse_error("1 2 3\n4 5 6\n", "k.txt:2:1:", "2 rows of 3 numbers (lines 1-2); kernels must be square");
    expect_parse_error("1 2\n3 4\n5 6\n", "k.txt:3:1:", "more rows than its 2 columns");
    /* channels of different sizes */
    expect_parse_error("1 2\n3 4\n\n1 2 3\n4 5 6\n7 8 9\n", "k.txt:4:1:", "channel 2 is 3x3 but channel 1 is 2x2");
    /* scale errors */
    expect_parse_error("scale 1/16\nscale 2\n1\n", "k.txt:2:1:", "second scale line");
    expect_parse_error("scale\n1\n", "k.txt:1:1:", "expected one number after 'scale'");
    expect_parse_error("scale one\n1\n", "k.txt:1:7:", "scale 'one' is not a number");
    expect_parse_error("scale nan\n1\n", "k.txt:1:7:", "scale 'nan' is not a finite number");
    /* float range: 3.4e38, for an entry, a fraction and an entry times the scale */
    expect_parse_error("1e39 1\n1 1\n", "k.txt:1:1:", "entry '1e39' is out of range (a float holds at most about 3.4e38)");
    expect_parse_error("1 3e38/0.5\n1 1\n", "k.txt:1:3:", "entry '3e38/0.5' is out of range");
    expect_parse_error("scale 1e30\n\n1 2\n3 1e10\n", "k.txt:4:3: entry 1e+10 times scale 1e+30 (line 1)",
                       "out of range");
    /* too big: 32 numbers on one line, and 17 channels */
    char big[256] = "";
    for (int i = 0; i < 32; i++)
        strcat(big, "1 ");
    expect_parse_error(big, "k.txt:1:63:", "at most 31x31");
    char many[256] = "";
    for (int i = 0; i < CS_FILTER_MAX_C + 1; i++)
        strcat(many, "1\n\n");
    expect_parse_error(many, "k.txt:33:1:", "more than 16 channels");
}

/* Writes text to a fresh file in the current directory; returns its name (static). */
static const char *write_file(const char *name, const char *text, size_t len)
{
    FILE *f = fopen(name, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return name;
}

static void test_load_files(void **state)
{
    (void)state;
    cs_filter f;
    const char *ok = "scale 1/9\n1 1 1\n1 1 1\n1 1 1\n";
    write_file("test_filters_box.txt", ok, strlen(ok));
    assert_int_equal(cs_filter_load(&f, "test_filters_box.txt"), CS_OK);
    assert_string_equal(f.name, "test_filters_box.txt");
    assert_int_equal(f.k, 3);
    assert_true(fabs(cs_filter_sum(&f) - 1.0) < 1e-6);
    cs_filter_free(&f);
    /* open: presets first, then files */
    assert_int_equal(cs_filter_open(&f, "test_filters_box.txt"), CS_OK);
    cs_filter_free(&f);
    assert_int_equal(cs_filter_open(&f, "sobel-y"), CS_OK);
    assert_string_equal(f.name, "sobel-y");
    cs_filter_free(&f);

    /* errors name the file */
    write_file("test_filters_ragged.txt", "1 2\n3\n", 6);
    assert_int_equal(cs_filter_load(&f, "test_filters_ragged.txt"), CS_ERR_SPEC);
    assert_non_null(strstr(cs_last_error(), "test_filters_ragged.txt:2:2:"));
    write_file("test_filters_empty.txt", "", 0);
    assert_int_equal(cs_filter_load(&f, "test_filters_empty.txt"), CS_ERR_SPEC);
    assert_non_null(strstr(cs_last_error(), "test_filters_empty.txt:1:1: empty kernel"));
    write_file("test_filters_binary.txt", "1\0 2", 4);
    assert_int_equal(cs_filter_load(&f, "test_filters_binary.txt"), CS_ERR_SPEC);
    assert_non_null(strstr(cs_last_error(), "not a text file"));

    assert_int_equal(cs_filter_load(&f, "test_filters_missing.txt"), CS_ERR_IO);
    assert_non_null(strstr(cs_last_error(), "test_filters_missing.txt: cannot open kernel file"));
    assert_int_equal(cs_filter_open(&f, "no-such-preset"), CS_ERR_IO);
    assert_non_null(strstr(cs_last_error(), "neither a preset"));
    assert_null(f.w);

    remove("test_filters_box.txt");
    remove("test_filters_ragged.txt");
    remove("test_filters_empty.txt");
    remove("test_filters_binary.txt");
}

/* The fraction form: given as fractions (entries like 1/9, or integers with a fraction scale), kept
 * with the common denominator; decimals have none. */
static void test_fraction_form(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int den;
    } cases[] = {
        {"scale 1/16\n1 2 1\n2 4 2\n1 2 1\n", 16},       /* the Gaussian as the README writes it */
        {"1/9 1/9 1/9\n1/9 1/9 1/9\n1/9 1/9 1/9\n", 9},  /* each entry a fraction */
        {"1/8 2/16\n1/4 0\n", 16},                      /* one common denominator */
        {"scale 2/9\n1 1\n1 0\n", 9},                   /* numerators 2 over 9 */
        {"-1/2 1/2\n0 0\n", 2},
        {"scale 0.0625\n1 2\n2 1\n", 0},                /* a decimal scale: decimals */
        {"0.5 0.25\n1 0\n", 0},                          /* decimal entries */
        {"1 2\n3 4\n", 0},                               /* integers: nothing to factor out */
        {"scale 1/3\n1/3 1/3\n1/3 1/3\n", 9},           /* 1/3 of 1/3: the float of 1/9 */
        {"scale 1/3\n0.3 1\n1 1\n", 0},                 /* one decimal entry: decimals */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_filter f;
        assert_int_equal(cs_filter_parse(&f, cases[i].text, "k"), CS_OK);
        if (f.frac_den != cases[i].den) fail_msg("case %zu: denominator %d, want %d", i, f.frac_den, cases[i].den);
        cs_filter_free(&f);
    }
    cs_filter f;
    assert_int_equal(cs_filter_parse(&f, "1/8 2/16\n1/4 0\n", "k"), CS_OK);
    long n;
    static const long want[4] = {2, 2, 4, 0};
    for (int i = 0; i < 4; i++) {
        assert_true(cs_filter_numerator(f.w[i], 16, &n));
        assert_int_equal(n, want[i]);
    }
    assert_false(cs_filter_numerator(0.1f, 16, &n)); /* 0.1 is no sixteenth */
    cs_filter_free(&f);
    /* the presets that are fractions say so */
    static const struct {
        const char *name;
        int den;
        int smoothing;
    } presets[] = {{"box", 9, 1}, {"gaussian3", 16, 1}, {"gaussian5", 256, 1}, {"identity", 0, 1},
                   {"laplacian4", 0, 0}, {"sharpen", 0, 0}, {"curve", 0, 0}};
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        assert_int_equal(cs_filter_preset(&f, presets[i].name), CS_OK);
        assert_int_equal(f.frac_den, presets[i].den);
        assert_int_equal(cs_filter_is_smoothing(&f), presets[i].smoothing);
        cs_filter_free(&f);
    }
    assert_int_equal(cs_filter_preset(&f, "gaussian3"), CS_OK);
    assert_true(cs_filter_numerator(f.w[4], 16, &n));
    assert_int_equal(n, 4);
    cs_filter_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fraction_form),
        cmocka_unit_test(test_preset_sums),
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_bom_crlf),
        cmocka_unit_test(test_load_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
