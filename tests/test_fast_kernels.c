/* test_fast_kernels.c - the fast conv2d against the reference loops on many shapes: odd
 * and even sizes and kernels, stride 1 to 3, padding 0 to K-1 and beyond, 1 to 5 input
 * channels, batch 1 and more, and the preset layers; vectorised max pooling and the
 * fully connected forward against plain loops. Scratch is allocated at exactly the
 * advertised size so that an overrun shows under the address sanitizer. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_rng.h"
#include "cs_tensor.h"

typedef struct {
    int N, C, H, W, OC, K, S, P;
} conv_case;

static void fill(cs_rng *rng, float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] = cs_rng_uniform(rng) * 2.0f - 1.0f;
}

/* Reordered float sums of `terms` products of values in [-1, 1] differ by at most about
 * terms * eps * terms; the bound below is far tighter than an indexing mistake. */
static void assert_close(const float *got, const float *want, size_t n, int terms, const char *what,
                         const conv_case *c)
{
    const float tol = 1e-6f * (float)terms + 1e-6f;
    for (size_t i = 0; i < n; i++)
        if (!(fabsf(got[i] - want[i]) <= tol))
            fail_msg("%s[%zu]: got %.7g, want %.7g (N%d C%d %dx%d OC%d K%d S%d P%d)", what, i, got[i], want[i], c->N,
                     c->C, c->H, c->W, c->OC, c->K, c->S, c->P);
}

static void check_case(const conv_case *c, cs_rng *rng)
{
    const int OH = cs_out_size(c->H, c->K, c->S, c->P), OW = cs_out_size(c->W, c->K, c->S, c->P);
    if (OH <= 0 || OW <= 0) return;
    const size_t nin = (size_t)c->N * c->C * c->H * c->W, nw = (size_t)c->OC * c->C * c->K * c->K;
    const size_t nout = (size_t)c->N * c->OC * OH * OW, nb = (size_t)c->OC;
    const size_t ns = cs_conv2d_scratch_floats(c->C, c->H, c->W, c->OC, c->K, c->S, c->P);
    float *in = malloc(nin * 4), *w = malloc(nw * 4), *b = malloc(nb * 4), *g = malloc(nout * 4);
    float *out = malloc(nout * 4), *out2 = malloc(nout * 4), *scratch = malloc(ns * 4);
    float *din = malloc(nin * 4), *din2 = malloc(nin * 4);
    float *dw = malloc(nw * 4), *dw2 = malloc(nw * 4), *db = malloc(nb * 4), *db2 = malloc(nb * 4);
    assert_non_null(scratch);
    fill(rng, in, nin);
    fill(rng, w, nw);
    fill(rng, b, nb);
    fill(rng, g, nout);
    fill(rng, scratch, ns); /* stale scratch must not leak into results */

    cs_conv2d_forward_ref(out, in, w, b, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P);
    fill(rng, out2, nout);
    cs_conv2d_forward(out2, in, w, b, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P, scratch);
    assert_close(out2, out, nout, c->C * c->K * c->K, "out", c);
    /* without bias */
    cs_conv2d_forward_ref(out, in, w, NULL, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P);
    cs_conv2d_forward(out2, in, w, NULL, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P, scratch);
    assert_close(out2, out, nout, c->C * c->K * c->K, "out (no bias)", c);

    /* parameter gradients accumulate onto what is there; the input gradient is overwritten */
    fill(rng, dw, nw);
    fill(rng, db, nb);
    memcpy(dw2, dw, nw * 4);
    memcpy(db2, db, nb * 4);
    fill(rng, din2, nin);
    cs_conv2d_backward_ref(din, dw, db, g, in, w, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P);
    cs_conv2d_backward(din2, dw2, db2, g, in, w, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P, scratch);
    assert_close(din2, din, nin, c->OC * c->K * c->K, "din", c);
    assert_close(dw2, dw, nw, c->N * OH * OW + 1, "dw", c);
    assert_close(db2, db, nb, c->N * OH * OW + 1, "db", c);
    /* no input gradient, no bias gradient */
    memcpy(dw2, dw, nw * 4);
    cs_conv2d_backward_ref(NULL, dw, NULL, g, in, w, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P);
    cs_conv2d_backward(NULL, dw2, NULL, g, in, w, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P, scratch);
    assert_close(dw2, dw, nw, 2 * (c->N * OH * OW + 1), "dw (no din)", c);

    free(in), free(w), free(b), free(g), free(out), free(out2), free(scratch);
    free(din), free(din2), free(dw), free(dw2), free(db), free(db2);
}

static void test_conv_presets(void **state)
{
    (void)state;
    /* the layers of the mnist, cifar and article presets, batch 3 */
    const conv_case cases[] = {
        {3, 1, 28, 28, 8, 5, 1, 2},  {3, 8, 14, 14, 16, 5, 1, 2}, {3, 3, 32, 32, 16, 5, 1, 2},
        {3, 16, 16, 16, 20, 5, 1, 2}, {3, 20, 8, 8, 20, 5, 1, 2},  {3, 3, 32, 32, 12, 5, 1, 2},
    };
    cs_rng rng;
    cs_rng_seed(&rng, 21);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_case(&cases[i], &rng);
}

static void test_conv_grid(void **state)
{
    (void)state;
    cs_rng rng;
    cs_rng_seed(&rng, 22);
    static const int Ns[] = {1, 2}, Cs[] = {1, 3, 5}, OCs[] = {1, 3, 8, 9, 17, 25}, Ks[] = {1, 2, 3, 4, 5};
    static const int HWs[][2] = {{1, 1}, {5, 5}, {7, 4}, {6, 9}, {13, 11}, {3, 17}};
    for (size_t ni = 0; ni < 2; ni++)
        for (size_t ci = 0; ci < 3; ci++)
            for (size_t oi = 0; oi < 6; oi++)
                for (size_t ki = 0; ki < 5; ki++)
                    for (size_t hi = 0; hi < 6; hi++)
                        for (int S = 1; S <= 2; S++)
                            for (int P = 0; P <= 2; P++) {
                                /* thin the grid: every combination of (N, C, OC) meets every kernel and
                                 * size, but not every stride and padding */
                                if ((ni + ci + oi + ki + hi + (size_t)S + (size_t)P) % 3 != 0) continue;
                                const conv_case c = {Ns[ni], Cs[ci], HWs[hi][0], HWs[hi][1], OCs[oi], Ks[ki], S, P};
                                check_case(&c, &rng);
                            }
}

static void test_conv_odd_cases(void **state)
{
    (void)state;
    /* stride 3, padding equal to or above the kernel size (im2col path), wide OC */
    const conv_case cases[] = {
        {2, 2, 9, 10, 4, 3, 3, 1}, {1, 1, 4, 4, 2, 2, 1, 2}, {2, 3, 5, 6, 3, 3, 1, 3},
        {1, 2, 6, 7, 33, 3, 1, 1}, {4, 1, 28, 28, 8, 5, 1, 2}, {1, 4, 9, 9, 40, 5, 1, 4},
        {2, 2, 20, 3, 5, 3, 1, 0}, {1, 1, 2, 30, 6, 2, 1, 1},
        /* padding of any size (issue 15): a 1x1 kernel with pad 2, pads far past the kernel */
        {2, 1, 2, 2, 3, 1, 1, 2}, {1, 2, 3, 4, 9, 1, 2, 5}, {2, 3, 4, 3, 5, 3, 1, 7}, {1, 1, 1, 1, 2, 2, 3, 6},
    };
    cs_rng rng;
    cs_rng_seed(&rng, 23);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_case(&cases[i], &rng);
}

/* Max pooling with its vector path (2x2 stride 2, 8 outputs at a time) and the scalar one
 * against a plain loop: same maxima and the same argmax, the first maximum winning ties. */
static void test_maxpool_against_plain_loop(void **state)
{
    (void)state;
    static const int shapes[][4] = {{2, 2, 16, 16}, {2, 2, 28, 28}, {2, 2, 33, 35}, {2, 2, 5, 17},
                                    {3, 3, 14, 14}, {3, 2, 13, 20}, {2, 1, 9, 18}, {4, 4, 16, 36}};
    cs_rng rng;
    cs_rng_seed(&rng, 24);
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        const int K = shapes[si][0], S = shapes[si][1], H = shapes[si][2], W = shapes[si][3], N = 2, C = 3;
        const int OH = cs_out_size(H, K, S, 0), OW = cs_out_size(W, K, S, 0);
        const size_t nin = (size_t)N * C * H * W, nout = (size_t)N * C * OH * OW;
        float *in = malloc(nin * 4), *out = malloc(nout * 4);
        int *am = malloc(nout * sizeof(int));
        /* few distinct values, so that windows often hold tied maxima */
        for (size_t i = 0; i < nin; i++) in[i] = (float)cs_rng_below(&rng, 5) - 2.0f;
        cs_maxpool_forward(out, am, in, N, C, H, W, K, S);
        for (int p = 0; p < N * C; p++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    const float *x = in + (size_t)p * H * W;
                    int best = oy * S * W + ox * S;
                    for (int ky = 0; ky < K; ky++)
                        for (int kx = 0; kx < K; kx++) {
                            const int i = (oy * S + ky) * W + ox * S + kx;
                            if (x[i] > x[best]) best = i;
                        }
                    const size_t o = ((size_t)p * OH + oy) * OW + ox;
                    if (am[o] != best || out[o] != x[best])
                        fail_msg("K%d S%d %dx%d plane %d (%d,%d): got %g at %d, want %g at %d", K, S, H, W, p, oy, ox,
                                 out[o], am[o], x[best], best);
                }
        free(in), free(out), free(am);
    }
}

/* The fully connected forward sums in partial sums; compare with plain double sums. */
static void test_fc_against_plain_loop(void **state)
{
    (void)state;
    static const int shapes[][3] = {{1, 1, 1}, {3, 7, 5}, {20, 256, 10}, {2, 320, 10}, {4, 17, 3}, {1, 9, 1}};
    cs_rng rng;
    cs_rng_seed(&rng, 25);
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        const int N = shapes[si][0], IN = shapes[si][1], OUT = shapes[si][2];
        float *x = malloc((size_t)N * IN * 4), *w = malloc((size_t)OUT * IN * 4), *b = malloc((size_t)OUT * 4);
        float *out = malloc((size_t)N * OUT * 4);
        fill(&rng, x, (size_t)N * IN);
        fill(&rng, w, (size_t)OUT * IN);
        fill(&rng, b, (size_t)OUT);
        for (int with_bias = 0; with_bias < 2; with_bias++) {
            cs_fc_forward(out, x, w, with_bias ? b : NULL, N, IN, OUT);
            for (int n = 0; n < N; n++)
                for (int o = 0; o < OUT; o++) {
                    double want = with_bias ? b[o] : 0.0;
                    for (int i = 0; i < IN; i++) want += (double)w[(size_t)o * IN + i] * x[(size_t)n * IN + i];
                    const float got = out[(size_t)n * OUT + o];
                    if (fabs(got - want) > 1e-6 * (IN + 1))
                        fail_msg("fc N%d IN%d OUT%d out[%d][%d]: got %.7g, want %.7g", N, IN, OUT, n, o, got, want);
                }
        }
        free(x), free(w), free(b), free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_presets),
        cmocka_unit_test(test_conv_grid),
        cmocka_unit_test(test_conv_odd_cases),
        cmocka_unit_test(test_maxpool_against_plain_loop),
        cmocka_unit_test(test_fc_against_plain_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
