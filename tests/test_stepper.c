/* test_stepper.c - the convolution stepper: golden hand-computed windows, "stepping every
 * position reproduces cs_conv2d_forward_ref bit for bit", movement (positions and single
 * multiply-adds, both ways, and over the zero terms), the padding mask, live geometry changes
 * and errors, a kernel's fraction form, and the output as a gray picture at the input's scale. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_filters.h"
#include "cs_rng.h"
#include "cs_stepper.h"
#include "cs_tensor.h"

static void assert_near(float got, float want, float tol)
{
    if (!(fabsf(got - want) <= tol))
        fail_msg("got %.9g, want %.9g (tolerance %g)", got, want, tol);
}

/* Bitwise float comparison, so 0.1 + 0.2 style rounding differences are caught. */
static void assert_same_bits(const float *got, const float *want, size_t n, const char *what)
{
    if (memcmp(got, want, n * sizeof *got) != 0) {
        for (size_t i = 0; i < n; i++)
            if (memcmp(&got[i], &want[i], sizeof *got) != 0)
                fail_msg("%s: element %zu differs: got %.9g, want %.9g", what, i, got[i], want[i]);
    }
}

/* 4x4 ramp 1..16 under the 3x3 box (each 1/9): every window of a linear ramp averages to
 * its centre, so the 2x2 output is 6, 7, 10, 11; with pad 1 the corner sees 1+2+5+6 = 14. */
static void test_golden_box(void **state)
{
    (void)state;
    float img[16];
    for (int i = 0; i < 16; i++)
        img[i] = (float)(i + 1);
    cs_filter box;
    assert_int_equal(cs_filter_preset(&box, "box"), CS_OK);
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img, 1, 4, 4, box.w, 3, 0.0f, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(st.OH, 2);
    assert_int_equal(st.OW, 2);
    const float win00[9] = {1, 2, 3, 5, 6, 7, 9, 10, 11};
    assert_memory_equal(st.window, win00, sizeof win00);
    for (int i = 0; i < 9; i++)
        assert_true(st.products[i] == win00[i] * (1.0f / 9.0f));
    assert_near(st.sum, 6.0f, 1e-5f);
    assert_near(st.channel_sums[0], 6.0f, 1e-5f);
    const float want[4] = {6, 7, 10, 11};
    while (cs_stepper_next(&st))
        ;
    for (int i = 0; i < 4; i++)
        assert_near(st.output[i], want[i], 1e-5f);

    assert_int_equal(cs_stepper_set_geometry(&st, 1, 1), CS_OK);
    assert_int_equal(st.OH, 4);
    assert_int_equal(cs_stepper_seek(&st, 0, 0), CS_OK);
    assert_near(st.sum, 14.0f / 9.0f, 1e-6f);
    assert_int_equal(cs_stepper_seek(&st, 3, 3), CS_OK);
    assert_near(st.sum, (11 + 12 + 15 + 16) / 9.0f, 1e-5f);
    cs_stepper_free(&st);
    cs_filter_free(&box);
}

/* A single bright pixel under laplacian4 with pad 1: the response is the kernel itself
 * (mirrored, but it is symmetric): -4 at the pixel, 1 at its four neighbours. Integers,
 * so exact. laplacian8 on a flat patch gives 0. */
static void test_golden_laplacian(void **state)
{
    (void)state;
    float img[25] = {0};
    img[2 * 5 + 2] = 1.0f;
    cs_filter lap;
    assert_int_equal(cs_filter_preset(&lap, "laplacian4"), CS_OK);
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img, 1, 5, 5, lap.w, 3, 0.0f, 1, 1, CS_STEPPER_ACT_NONE), CS_OK);
    cs_stepper_to_end(&st);
    const float want[25] = {
        0, 0, 0, 0, 0,
        0, 0, 1, 0, 0,
        0, 1, -4, 1, 0,
        0, 0, 1, 0, 0,
        0, 0, 0, 0, 0,
    };
    for (int i = 0; i < 25; i++)
        assert_true(st.output[i] == want[i]);
    /* At the bright pixel: the equation has one non-zero term, 1 x -4. */
    assert_int_equal(cs_stepper_seek(&st, 2, 2), CS_OK);
    int nonzero = 0;
    for (int t = 0; t < st.n_terms; t++)
        nonzero += st.products[t] != 0.0f;
    assert_int_equal(nonzero, 1);
    assert_true(st.products[4] == -4.0f);
    /* ReLU clips it. */
    cs_stepper_set_activation(&st, CS_STEPPER_ACT_RELU);
    assert_true(st.pre == -4.0f);
    assert_true(st.value == 0.0f);
    assert_true(st.output[2 * 5 + 1] == 1.0f);
    cs_stepper_free(&st);
    cs_filter_free(&lap);

    float flat[16];
    for (int i = 0; i < 16; i++)
        flat[i] = 7.25f;
    assert_int_equal(cs_filter_preset(&lap, "laplacian8"), CS_OK);
    assert_int_equal(cs_stepper_init(&st, flat, 1, 4, 4, lap.w, 3, 0.5f, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    cs_stepper_to_end(&st);
    for (int i = 0; i < 4; i++)
        assert_true(st.output[i] == 0.5f);
    cs_stepper_free(&st);
    cs_filter_free(&lap);
}

static void fill_random(cs_rng *rng, float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = cs_rng_uniform(rng) * 2.0f - 1.0f;
}

/* Visiting every position (three ways: next, term by term, to_end) reproduces the
 * reference conv2d bit for bit, with and without ReLU, over strides 1-3, pads 0-6 (also
 * pads as large as the kernel or larger, whose border windows lie wholly in the padding),
 * 1 and 3 channels, odd and even kernels and non-square images. */
static void test_matches_conv2d_bitwise(void **state)
{
    (void)state;
    static const int shapes[][2] = {{7, 9}, {10, 6}, {5, 5}};
    cs_rng rng;
    cs_rng_seed(&rng, 42);
    int cases = 0;
    for (int si = 0; si < 3; si++)
        for (int C = 1; C <= 3; C += 2)
            for (int K = 1; K <= 5; K++)
                for (int S = 1; S <= 3; S++)
                    for (int P = 0; P <= 6; P++) {
                        int H = shapes[si][0], W = shapes[si][1];
                        if (K > H + 2 * P || K > W + 2 * P)
                            continue;
                        float img[3 * 10 * 10], w[3 * 5 * 5], b;
                        fill_random(&rng, img, (size_t)C * H * W);
                        fill_random(&rng, w, (size_t)C * K * K);
                        fill_random(&rng, &b, 1);
                        int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
                        float ref[22 * 22], ref_relu[22 * 22];
                        cs_conv2d_forward_ref(ref, img, w, &b, 1, C, H, W, 1, K, S, P);
                        cs_relu_forward(ref_relu, ref, (size_t)OH * OW);

                        cs_stepper st;
                        assert_int_equal(cs_stepper_init(&st, img, C, H, W, w, K, b, S, P, CS_STEPPER_ACT_NONE),
                                         CS_OK);
                        assert_int_equal(st.OH, OH);
                        assert_int_equal(st.OW, OW);
                        /* position by position: each window's pre-activation equals ref */
                        do {
                            assert_same_bits(&st.pre, &ref[st.oy * OW + st.ox], 1, "pre at position");
                            assert_int_equal(st.n_visited, st.oy * OW + st.ox + 1);
                        } while (cs_stepper_next(&st));
                        assert_true(cs_stepper_done(&st));
                        assert_same_bits(st.output, ref, (size_t)OH * OW, "stepped map");

                        /* term by term from an empty map */
                        cs_stepper_to_start(&st);
                        assert_int_equal(st.n_visited, 0);
                        int moves = 0;
                        while (cs_stepper_next_term(&st))
                            moves++;
                        assert_int_equal(moves, OH * OW * (st.n_terms + 1) - 1);
                        assert_same_bits(st.output, ref, (size_t)OH * OW, "term-stepped map");

                        cs_stepper_set_activation(&st, CS_STEPPER_ACT_RELU);
                        cs_stepper_to_start(&st);
                        cs_stepper_to_end(&st);
                        assert_same_bits(st.output, ref_relu, (size_t)OH * OW, "relu map");
                        cs_stepper_free(&st);
                        cases++;
                    }
    assert_true(cases > 100);
}

/* Moving both ways keeps the map equal to "every position before the current one, plus
 * the current one when complete". */
static void check_prefix(const cs_stepper *st, const float *ref)
{
    int done = st->oy * st->OW + st->ox + (st->term == st->n_terms);
    assert_int_equal(st->n_visited, done);
    for (int i = 0; i < st->OH * st->OW; i++) {
        assert_int_equal(st->visited[i], i < done);
        if (i < done)
            assert_same_bits(&st->output[i], &ref[i], 1, "visited value");
        else
            assert_true(st->output[i] == 0.0f);
    }
}

static void test_movement(void **state)
{
    (void)state;
    enum { H = 6, W = 5, K = 3 };
    float img[H * W], w[K * K], ref[16];
    for (int i = 0; i < H * W; i++)
        img[i] = (float)((i * 7) % 11);
    for (int i = 0; i < K * K; i++)
        w[i] = (float)(i - 4);
    cs_conv2d_forward_ref(ref, img, w, NULL, 1, 1, H, W, 1, K, 1, 0);

    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img, 1, H, W, w, K, 0.0f, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(st.OH, 4);
    assert_int_equal(st.OW, 3);
    assert_int_equal(st.term, st.n_terms);
    check_prefix(&st, ref);
    assert_int_equal(cs_stepper_prev(&st), 0);

    assert_int_equal(cs_stepper_next(&st), 1);
    assert_int_equal(st.oy, 0);
    assert_int_equal(st.ox, 1);
    check_prefix(&st, ref);
    assert_int_equal(cs_stepper_next(&st), 1);
    assert_int_equal(cs_stepper_next(&st), 1); /* wraps to the next row */
    assert_int_equal(st.oy, 1);
    assert_int_equal(st.ox, 0);
    assert_int_equal(st.iy0, 1);
    assert_int_equal(st.ix0, 0);
    check_prefix(&st, ref);
    assert_int_equal(cs_stepper_prev(&st), 1);
    assert_int_equal(st.oy, 0);
    assert_int_equal(st.ox, 2);
    check_prefix(&st, ref);

    /* seek forward and back */
    assert_int_equal(cs_stepper_seek(&st, 3, 1), CS_OK);
    check_prefix(&st, ref);
    assert_true(st.sum == ref[3 * 3 + 1]);
    assert_int_equal(cs_stepper_seek(&st, 1, 2), CS_OK);
    check_prefix(&st, ref);
    assert_int_equal(cs_stepper_seek(&st, 4, 0), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "outside the 3x4 output"));
    assert_int_equal(cs_stepper_seek(&st, 0, -1), CS_ERR_ARG);
    assert_int_equal(st.oy, 1); /* unchanged */
    assert_int_equal(st.ox, 2);

    cs_stepper_to_end(&st);
    assert_true(cs_stepper_done(&st));
    check_prefix(&st, ref);
    assert_int_equal(cs_stepper_next(&st), 0);
    assert_int_equal(cs_stepper_next_term(&st), 0);

    /* Half-shown last position: next completes it. */
    cs_stepper_set_term(&st, 2);
    assert_false(cs_stepper_done(&st));
    check_prefix(&st, ref);
    assert_int_equal(cs_stepper_next(&st), 1);
    assert_true(cs_stepper_done(&st));

    /* Term by term at the start: the partial sum grows in kernel order. */
    cs_stepper_to_start(&st);
    assert_int_equal(st.term, 0);
    assert_int_equal(st.n_visited, 0);
    assert_int_equal(cs_stepper_prev_term(&st), 0);
    float running = 0.0f;
    for (int t = 0; t < st.n_terms; t++) {
        int c, ky, kx;
        cs_stepper_term_cell(&st, t, &c, &ky, &kx);
        assert_int_equal(c, 0);
        assert_int_equal(ky * K + kx, t);
        assert_int_equal(cs_stepper_next_term(&st), 1);
        running += st.products[t];
        assert_int_equal(st.term, t + 1);
        assert_true(st.partial == running);
        check_prefix(&st, ref);
    }
    assert_true(st.partial == st.sum); /* integers: the orders agree exactly */
    assert_int_equal(st.n_visited, 1);
    assert_int_equal(cs_stepper_next_term(&st), 1); /* to (0, 1), nothing shown yet */
    assert_int_equal(st.ox, 1);
    assert_int_equal(st.term, 0);
    assert_true(st.partial == 0.0f);
    check_prefix(&st, ref);
    assert_int_equal(cs_stepper_prev_term(&st), 1); /* back to (0, 0), complete */
    assert_int_equal(st.ox, 0);
    assert_int_equal(st.term, st.n_terms);
    check_prefix(&st, ref);
    assert_int_equal(cs_stepper_prev_term(&st), 1);
    assert_int_equal(st.term, st.n_terms - 1);
    assert_int_equal(st.n_visited, 0);
    check_prefix(&st, ref);
    cs_stepper_set_term(&st, 100);
    assert_int_equal(st.term, st.n_terms);
    cs_stepper_set_term(&st, -3);
    assert_int_equal(st.term, 0);

    /* Three channels: terms run channel by channel. */
    cs_stepper_free(&st);
    float img3[3 * 16], w3[3 * 4];
    for (int i = 0; i < 48; i++)
        img3[i] = (float)i;
    for (int i = 0; i < 12; i++)
        w3[i] = 1.0f;
    assert_int_equal(cs_stepper_init(&st, img3, 3, 4, 4, w3, 2, 0.0f, 2, 0, CS_STEPPER_ACT_NONE), CS_OK);
    int c, ky, kx;
    cs_stepper_term_cell(&st, 5, &c, &ky, &kx);
    assert_int_equal(c, 1);
    assert_int_equal(ky, 0);
    assert_int_equal(kx, 1);
    /* window (0,0) of each channel: 0+1+4+5 = 10, then +16*4 per channel */
    assert_true(st.channel_sums[0] == 10.0f);
    assert_true(st.channel_sums[1] == 74.0f);
    assert_true(st.channel_sums[2] == 138.0f);
    assert_true(st.sum == 222.0f);
    cs_stepper_free(&st);
}

static void test_padding_mask(void **state)
{
    (void)state;
    float img[12], w[25];
    for (int i = 0; i < 12; i++)
        img[i] = (float)(i + 1);
    for (int i = 0; i < 25; i++)
        w[i] = 1.0f;
    cs_stepper st;
    /* 3x4 image, 3x3 kernel, pad 1: the window at (0,0) hangs over the top row and left column. */
    assert_int_equal(cs_stepper_init(&st, img, 1, 3, 4, w, 3, 0.0f, 1, 1, CS_STEPPER_ACT_NONE), CS_OK);
    const unsigned char mask00[9] = {1, 1, 1, 1, 0, 0, 1, 0, 0};
    const float win00[9] = {0, 0, 0, 0, 1, 2, 0, 5, 6};
    assert_memory_equal(st.pad_mask, mask00, 9);
    assert_memory_equal(st.window, win00, sizeof win00);
    assert_int_equal(st.iy0, -1);
    assert_int_equal(st.ix0, -1);
    cs_stepper_free(&st);
    /* Bottom-right with pad 2 and a 5x5 kernel, stride 2: OH = (3+4-5)/2+1 = 2, OW = 2. */
    assert_int_equal(cs_stepper_init(&st, img, 1, 3, 4, w, 5, 0.0f, 2, 2, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(st.OH, 2);
    assert_int_equal(st.OW, 2);
    assert_int_equal(cs_stepper_seek(&st, 1, 1), CS_OK);
    /* window rows 0..4, cols 0..4 of the input: row 3, 4 and column 4 are padding */
    for (int ky = 0; ky < 5; ky++)
        for (int kx = 0; kx < 5; kx++) {
            int pad = ky >= 3 || kx >= 4;
            assert_int_equal(st.pad_mask[ky * 5 + kx], pad);
            if (pad)
                assert_true(st.window[ky * 5 + kx] == 0.0f);
            else
                assert_true(st.window[ky * 5 + kx] == img[ky * 4 + kx]);
        }
    assert_true(st.sum == 78.0f); /* the whole image */
    cs_stepper_free(&st);
}

/* Changing stride and pad live keeps the position (clamped) and recomputes the map. */
static void test_live_geometry(void **state)
{
    (void)state;
    enum { H = 9, W = 8, K = 3 };
    float img[H * W], w[K * K], ref[128];
    cs_rng rng;
    cs_rng_seed(&rng, 7);
    fill_random(&rng, img, H * W);
    fill_random(&rng, w, K * K);
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img, 1, H, W, w, K, 0.25f, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(cs_stepper_seek(&st, 6, 5), CS_OK);
    assert_int_equal(cs_stepper_set_geometry(&st, 2, 0), CS_OK); /* 4x3 output */
    assert_int_equal(st.OH, 4);
    assert_int_equal(st.OW, 3);
    assert_int_equal(st.oy, 3);
    assert_int_equal(st.ox, 2);
    float b = 0.25f;
    cs_conv2d_forward_ref(ref, img, w, &b, 1, 1, H, W, 1, K, 2, 0);
    check_prefix(&st, ref);
    assert_true(cs_stepper_done(&st));

    assert_int_equal(cs_stepper_seek(&st, 1, 1), CS_OK);
    assert_int_equal(cs_stepper_set_geometry(&st, 1, 2), CS_OK); /* 11x10 output */
    assert_int_equal(st.oy, 1);
    assert_int_equal(st.ox, 1);
    cs_conv2d_forward_ref(ref, img, w, &b, 1, 1, H, W, 1, K, 1, 2);
    check_prefix(&st, ref);

    /* A refused geometry leaves everything as it was. */
    assert_int_equal(cs_stepper_set_geometry(&st, 0, 1), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "stride 0 is out of range"));
    assert_int_equal(st.S, 1);
    assert_int_equal(st.P, 2);
    check_prefix(&st, ref);

    cs_stepper_set_bias(&st, -1.0f);
    b = -1.0f;
    cs_conv2d_forward_ref(ref, img, w, &b, 1, 1, H, W, 1, K, 1, 2);
    check_prefix(&st, ref);

    /* The caller edits the kernel in place, then refreshes. */
    w[4] += 1.0f;
    cs_stepper_refresh(&st);
    cs_conv2d_forward_ref(ref, img, w, &b, 1, 1, H, W, 1, K, 1, 2);
    check_prefix(&st, ref);
    cs_stepper_free(&st);
}

static void expect_init_error(const float *img, int C, int H, int W, const float *w, int K, int S, int P,
                              cs_status want, const char *needle)
{
    cs_stepper st;
    cs_status s = cs_stepper_init(&st, img, C, H, W, w, K, 0.0f, S, P, CS_STEPPER_ACT_NONE);
    if (s != want)
        fail_msg("init(C=%d H=%d W=%d K=%d S=%d P=%d): got status %d, want %d (%s)", C, H, W, K, S, P, s, want,
                 cs_last_error());
    if (!strstr(cs_last_error(), needle))
        fail_msg("message '%s' does not contain '%s'", cs_last_error(), needle);
    assert_null(st.output);
    cs_stepper_free(&st); /* safe after a failed init */
}

/* Issue 15: a 1x1 kernel with pad 2 is valid, as in PyTorch; the outputs whose window lies
 * in the padding are the bias. conv2d([[1, 2], [3, 4]], w = 10, b = 0.5, padding = 2) is 6x6:
 * a ring two wide of 0.5 around 10.5, 20.5 / 30.5, 40.5. */
static void test_pad_larger_than_kernel(void **state)
{
    (void)state;
    const float img[4] = {1, 2, 3, 4}, w = 10.0f;
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img, 1, 2, 2, &w, 1, 0.5f, 1, 2, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(st.OH, 6);
    assert_int_equal(st.OW, 6);
    assert_int_equal(st.pad_mask[0], 1); /* the first window is all padding */
    cs_stepper_to_end(&st);
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 6; x++) {
            const int inside = y >= 2 && y < 4 && x >= 2 && x < 4;
            const float want = inside ? 10.0f * img[(y - 2) * 2 + (x - 2)] + 0.5f : 0.5f;
            if (st.output[y * 6 + x] != want) fail_msg("output (%d, %d) is %g, want %g", x, y, (double)st.output[y * 6 + x], (double)want);
        }
    /* and it can grow live past the kernel size */
    assert_int_equal(cs_stepper_set_geometry(&st, 2, 5), CS_OK);
    assert_int_equal(st.OH, 6); /* (2 + 10 - 1) / 2 + 1 */
    cs_stepper_free(&st);
}

static void test_errors(void **state)
{
    (void)state;
    float img[16] = {0}, w[49] = {0};
    expect_init_error(img, 1, 4, 4, w, 3, 0, 0, CS_ERR_ARG, "stride 0 is out of range (1..65536)");
    expect_init_error(img, 1, 4, 4, w, 3, 1, -1, CS_ERR_ARG, "pad -1 is out of range (0..65536)");
    /* any pad is valid, but the output map has a budget */
    expect_init_error(img, 1, 4, 4, w, 3, 1, 3000, CS_ERR_SHAPE, "the output map would be 6002x6002 = 36024004 values");
    expect_init_error(img, 1, 4, 4, w, 7, 1, 0, CS_ERR_SHAPE, "kernel 7x7 is larger than the padded image 4x4");
    expect_init_error(img, 1, 4, 4, w, 7, 1, 0, CS_ERR_SHAPE, "pad of at least 2");
    expect_init_error(img, 1, 2, 4, w, 5, 1, 1, CS_ERR_SHAPE, "padded image 6x4");
    expect_init_error(img, 1, 4, 4, w, 0, 1, 0, CS_ERR_ARG, "kernel size 0");
    expect_init_error(img, 0, 4, 4, w, 3, 1, 0, CS_ERR_ARG, "channel count 0");
    expect_init_error(img, 1, 0, 4, w, 3, 1, 0, CS_ERR_ARG, "empty");
    expect_init_error(NULL, 1, 4, 4, w, 3, 1, 0, CS_ERR_ARG, "needs an image");
    /* exactly fitting is fine: one output */
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img, 1, 4, 4, w, 4, 0.0f, 5, 0, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(st.OH, 1);
    assert_int_equal(st.OW, 1);
    assert_int_equal(cs_stepper_next(&st), 0);
    assert_int_equal(cs_stepper_prev(&st), 0);
    cs_stepper_free(&st);
}

/* The curve detector on its match: 5 of its 49 terms are non-zero. Term stepping that skips the
 * zero ones shows them one a step, then completes the window, then moves on; backward likewise. */
static void test_skip_zero_terms(void **state)
{
    (void)state;
    cs_filter k;
    assert_int_equal(cs_filter_preset(&k, "curve"), CS_OK);
    float img[12 * 12] = {0};
    static const float vals[] = {50, 50, 50, 20, 50};
    int n = 0, nonzero_at[5];
    for (int i = 0; i < 49 && n < 5; i++)
        if (k.w[i] != 0) img[(2 + i / 7) * 12 + 2 + i % 7] = vals[n], nonzero_at[n++] = i;
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img, 1, 12, 12, k.w, 7, 0, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(cs_stepper_seek(&st, 2, 2), CS_OK);
    assert_near(st.sum, 50 * 30 * 4 + 20 * 30, 0);
    cs_stepper_set_term(&st, 0);
    for (int j = 0; j < 5; j++) {
        assert_int_equal(cs_stepper_next_nonzero_term(&st), 1);
        assert_int_equal(st.term, nonzero_at[j] + 1); /* the newest term shown is a non-zero one */
        assert_true(st.products[st.term - 1] != 0.0f);
        assert_int_equal(st.oy * st.OW + st.ox, 2 * st.OW + 2);
    }
    assert_near(st.partial, st.sum, 0);
    assert_int_equal(cs_stepper_next_nonzero_term(&st), 1); /* the zero tail at once */
    assert_int_equal(st.term, 49);
    assert_int_equal(cs_stepper_next_nonzero_term(&st), 1); /* then the next window, no terms yet */
    assert_int_equal(st.ox, 3);
    assert_int_equal(st.term, 0);
    /* backward: the previous window complete, then its non-zero terms hidden one a step */
    assert_int_equal(cs_stepper_prev_nonzero_term(&st), 1);
    assert_int_equal(st.ox, 2);
    assert_int_equal(st.term, 49);
    assert_int_equal(cs_stepper_prev_nonzero_term(&st), 1);
    assert_int_equal(st.term, nonzero_at[4] + 1);
    assert_int_equal(cs_stepper_prev_nonzero_term(&st), 1);
    assert_int_equal(st.term, nonzero_at[3] + 1);
    cs_stepper_free(&st);
    cs_filter_free(&k);
}

/* A kernel's fraction form is kept while every weight is an integer over it; the numerators come
 * back; an edit to a decimal drops it. The gray picture of a box blur over a white square. */
static void test_fraction_and_grey(void **state)
{
    (void)state;
    cs_filter k;
    assert_int_equal(cs_filter_preset(&k, "box"), CS_OK);
    float img[6 * 6];
    for (int i = 0; i < 36; i++) img[i] = (i / 6 >= 1 && i / 6 <= 3 && i % 6 >= 1 && i % 6 <= 3) ? 255.0f : 0.0f;
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img, 1, 6, 6, k.w, 3, 0, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    assert_int_equal(st.frac_den, 0);
    assert_int_equal(cs_stepper_set_fraction(&st, k.frac_den), 1);
    assert_int_equal(st.frac_den, 9);
    for (int t = 0; t < 9; t++) assert_int_equal(cs_stepper_numerator(&st, t), 1);
    k.w[4] = 2.0f / 9.0f; /* typed 2/9: still ninths */
    cs_stepper_refresh(&st);
    assert_int_equal(cs_stepper_set_fraction(&st, 9), 1);
    assert_int_equal(cs_stepper_numerator(&st, 4), 2);
    k.w[4] = 0.25f; /* a decimal: no more ninths */
    cs_stepper_refresh(&st);
    assert_int_equal(cs_stepper_set_fraction(&st, 9), 0);
    assert_int_equal(st.frac_den, 0);
    k.w[4] = 1.0f / 9.0f;
    cs_stepper_refresh(&st);
    /* the blurred square at the input's scale: 4x4 outputs, the centre windows see 9, 6 or 4 of its
     * pixels: 255, 170, 113 */
    cs_stepper_to_end(&st);
    unsigned char grey[16];
    cs_stepper_grey(&st, 255.0f, grey);
    assert_int_equal(grey[0], 113); /* window rows 0-2, cols 0-2: 4 white pixels -> 4/9 x 255 = 113.3 */
    assert_int_equal(grey[1 * 4 + 1], 255); /* rows 1-3, cols 1-3: all 9 */
    assert_int_equal(grey[1 * 4 + 0], 170); /* rows 1-3, cols 0-2: 6 */
    assert_int_equal(grey[3 * 4 + 3], 28);  /* rows 3-5, cols 3-5: 1 -> 28.3 */
    /* not computed yet: 0; a range of 0..1 (the probe) saturates a 0..255 map */
    cs_stepper_to_start(&st);
    cs_stepper_grey(&st, 255.0f, grey);
    for (int i = 0; i < 16; i++) assert_int_equal(grey[i], 0);
    cs_stepper_to_end(&st);
    cs_stepper_grey(&st, 1.0f, grey);
    assert_int_equal(grey[0], 255);
    cs_stepper_free(&st);
    cs_filter_free(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_box),
        cmocka_unit_test(test_golden_laplacian),
        cmocka_unit_test(test_matches_conv2d_bitwise),
        cmocka_unit_test(test_movement),
        cmocka_unit_test(test_padding_mask),
        cmocka_unit_test(test_pad_larger_than_kernel),
        cmocka_unit_test(test_live_geometry),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_skip_zero_terms),
        cmocka_unit_test(test_fraction_and_grey),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
