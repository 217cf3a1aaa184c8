/* test_layers.c - the general-window kernels (non-square kernels, per-axis strides, padding
 * per side, ceil mode, count_include_pad), global average pooling, leaky ReLU and the
 * per-channel affine layer: golden
 * hand-computed cases, numerical gradient checks, im2col against the plain loops, and
 * square windows running the (K, S, P) kernels bit for bit. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_net.h"
#include "cs_rng.h"
#include "cs_tensor.h"

static void assert_floats(const float *got, const float *want, size_t n, float tol)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabsf(got[i] - want[i]) <= tol)) fail_msg("element %zu: got %.7g, want %.7g", i, got[i], want[i]);
}

static cs_win win(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int ceil_mode)
{
    return (cs_win){kh, kw, sh, sw, pt, pl, pb, pr, ceil_mode};
}

static void test_out_sizes(void **state)
{
    (void)state;
    assert_int_equal(cs_win_out_size(28, 5, 1, 2, 2, 0), 28);
    assert_int_equal(cs_win_out_size(4, 3, 2, 0, 0, 0), 1);
    assert_int_equal(cs_win_out_size(4, 3, 2, 0, 0, 1), 2);   /* ONNX test_maxpool_2d_ceil */
    assert_int_equal(cs_win_out_size(6, 3, 2, 1, 1, 1), 4);   /* (6+2-3)/2 = 2.5 -> 3 + 1 */
    assert_int_equal(cs_win_out_size(5, 2, 3, 1, 1, 0), 2);
    /* ceil would give 3, but that window would start at 6 - 1 = 5, past the 5 pixels */
    assert_int_equal(cs_win_out_size(5, 2, 3, 1, 1, 1), 2);
    assert_int_equal(cs_win_out_size(2, 3, 1, 0, 0, 0), 0);   /* does not fit */
    int oh, ow;
    const cs_win g = win(3, 2, 2, 1, 1, 0, 1, 0, 0);
    cs_win_out(&g, 7, 5, &oh, &ow);
    assert_int_equal(oh, 4);
    assert_int_equal(ow, 4);
}

/* 3x3 input 1..9, 2x2 kernel of ones, pads top 1, right 1 only: every output is the sum of
 * the input pixels of rows oy-1..oy and columns ox..ox+1. */
static void test_conv_asymmetric_golden(void **state)
{
    (void)state;
    float in[9], w[4] = {1, 1, 1, 1}, out[9];
    for (int i = 0; i < 9; i++) in[i] = (float)(i + 1);
    const float want[9] = {3, 5, 3, 12, 16, 9, 24, 28, 15};
    const cs_win g = win(2, 2, 1, 1, 1, 0, 0, 1, 0);
    cs_conv2d_win_forward_ref(out, in, w, NULL, 1, 1, 3, 3, 1, &g);
    assert_floats(out, want, 9, 0);
    float scratch[256];
    assert_true(cs_conv2d_win_scratch_floats(1, 3, 3, 1, &g) <= 256);
    cs_conv2d_win_forward(out, in, w, NULL, 1, 1, 3, 3, 1, &g, scratch);
    assert_floats(out, want, 9, 0);
}

/* A 1x3 kernel (1, 2, 3) with strides 1 down and 2 across on a 2x5 image of 1..10: the
 * 1-D convolution of each row. */
static void test_conv_nonsquare_golden(void **state)
{
    (void)state;
    float in[10], out[4];
    for (int i = 0; i < 10; i++) in[i] = (float)(i + 1);
    const float w[3] = {1, 2, 3}, b = 0.5f;
    /* row 0: 1+4+9 = 14, 3+8+15 = 26; row 1: 6+14+24 = 44, 8+18+30 = 56 */
    const float want[4] = {14.5f, 26.5f, 44.5f, 56.5f};
    const cs_win g = win(1, 3, 1, 2, 0, 0, 0, 0, 0);
    cs_conv2d_win_forward_ref(out, in, w, &b, 1, 1, 2, 5, 1, &g);
    assert_floats(out, want, 4, 0);
    float scratch[256];
    cs_conv2d_win_forward(out, in, w, &b, 1, 1, 2, 5, 1, &g, scratch);
    assert_floats(out, want, 4, 0);
}

static void test_pool_golden(void **state)
{
    (void)state;
    float in16[16], out[16];
    int am[16];
    for (int i = 0; i < 16; i++) in16[i] = (float)(i + 1);
    /* ONNX's test_maxpool_2d_ceil and test_averagepool_2d_ceil: 3x3 windows, stride 2 */
    const cs_win ceil3 = win(3, 3, 2, 2, 0, 0, 0, 0, 1);
    cs_maxpool_win_forward(out, am, in16, 1, 1, 4, 4, &ceil3);
    const float want_max[4] = {11, 12, 15, 16};
    assert_floats(out, want_max, 4, 0);
    assert_int_equal(am[3], 15);
    cs_avgpool_win_forward(out, in16, 1, 1, 4, 4, &ceil3, 0);
    const float want_avg[4] = {6, 7.5f, 12, 13.5f};
    assert_floats(out, want_avg, 4, 0);
    /* the last partial window counts 4 cells with or without the padding rule: there is no padding */
    cs_avgpool_win_forward(out, in16, 1, 1, 4, 4, &ceil3, 1);
    assert_floats(out, want_avg, 4, 0);

    /* padding never wins a max, even over negative pixels */
    const float neg[9] = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
    const cs_win p1 = win(2, 2, 1, 1, 1, 1, 1, 1, 0);
    cs_maxpool_win_forward(out, am, neg, 1, 1, 3, 3, &p1);
    const float want_neg[16] = {-1, -1, -2, -3, -1, -1, -2, -3, -4, -4, -5, -6, -7, -7, -8, -9};
    assert_floats(out, want_neg, 16, 0);
    assert_int_equal(am[0], 0);
    assert_int_equal(am[15], 8);

    /* 3x3 average with pad 1 on 1..9: corner 12/4 (or /9 with the padding), edge 21/6, centre 45/9 */
    float in9[9];
    for (int i = 0; i < 9; i++) in9[i] = (float)(i + 1);
    const cs_win a3 = win(3, 3, 1, 1, 1, 1, 1, 1, 0);
    cs_avgpool_win_forward(out, in9, 1, 1, 3, 3, &a3, 0);
    assert_float_equal(out[0], 3.0f, 1e-6f);
    assert_float_equal(out[1], 3.5f, 1e-6f);
    assert_float_equal(out[4], 5.0f, 1e-6f);
    assert_float_equal(out[8], 28.0f / 4.0f, 1e-6f);
    cs_avgpool_win_forward(out, in9, 1, 1, 3, 3, &a3, 1);
    assert_float_equal(out[0], 12.0f / 9.0f, 1e-6f);
    assert_float_equal(out[1], 21.0f / 9.0f, 1e-6f);
    assert_float_equal(out[4], 5.0f, 1e-6f);

    /* global average: two 2x3 maps */
    const float two[12] = {1, 2, 3, 4, 5, 6, -6, 0, 0, 0, 0, 0};
    cs_global_avgpool_forward(out, two, 1, 2, 2, 3);
    assert_float_equal(out[0], 3.5f, 1e-6f);
    assert_float_equal(out[1], -1.0f, 1e-6f);

    /* per-channel affine: channel 0 times 2 plus 0.5, channel 1 times -1 plus 1 */
    const float ax[4] = {1, 2, 3, 4}, aw[2] = {2, -1}, ab[2] = {0.5f, 1};
    const float want_affine[4] = {2.5f, 4.5f, -2, -3};
    cs_affine_forward(out, ax, aw, ab, 1, 2, 2);
    assert_floats(out, want_affine, 4, 0);
    float adin[4], adw[2] = {0}, adb[2] = {0};
    const float ag[4] = {1, 1, 0.5f, -1};
    cs_affine_backward(adin, adw, adb, ag, ax, aw, 1, 2, 2);
    const float want_adin[4] = {2, 2, -0.5f, 1}, want_adw[2] = {3, 1.5f - 4}, want_adb[2] = {2, -0.5f};
    assert_floats(adin, want_adin, 4, 0);
    assert_floats(adw, want_adw, 2, 0);
    assert_floats(adb, want_adb, 2, 0);

    const float x[4] = {-2, -0.5f, 0, 3};
    cs_leakyrelu_forward(out, x, 4, 0.1f);
    const float want_leaky[4] = {-0.2f, -0.05f, 0, 3};
    assert_floats(out, want_leaky, 4, 1e-7f);
}

/* ---- numerical gradient checks ------------------------------------------------------ */

static void fill(cs_rng *rng, float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] = cs_rng_uniform(rng) * 2.0f - 1.0f;
}

/* |analytic - numeric| small against their size (float forward, h = 1e-2 central differences). */
static void check_rel(double analytic, double numeric, const char *what, size_t i)
{
    const double denom = fmax(1e-2, fabs(numeric) + fabs(analytic));
    if (fabs(analytic - numeric) / denom > 1e-2 && fabs(analytic - numeric) > 1e-3)
        fail_msg("%s gradient %zu: analytic %g numeric %g", what, i, analytic, numeric);
}

typedef struct {
    int N, C, H, W, OC;
    cs_win g;
} conv_case;

static double conv_objective(const conv_case *c, const float *in, const float *w, const float *b, const float *r,
                             float *out)
{
    int OH, OW;
    cs_win_out(&c->g, c->H, c->W, &OH, &OW);
    cs_conv2d_win_forward_ref(out, in, w, b, c->N, c->C, c->H, c->W, c->OC, &c->g);
    double s = 0;
    for (size_t i = 0; i < (size_t)c->N * c->OC * OH * OW; i++) s += (double)out[i] * r[i];
    return s;
}

static void test_conv_gradients(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {2, 2, 5, 6, 3, win(3, 2, 2, 1, 1, 0, 0, 1, 0)},
        {1, 3, 4, 7, 2, win(1, 3, 1, 2, 0, 1, 0, 2, 0)},
        {2, 1, 6, 5, 2, win(2, 3, 1, 1, 1, 2, 0, 1, 0)},
    };
    cs_rng rng;
    cs_rng_seed(&rng, 5);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const conv_case *c = &cases[k];
        int OH, OW;
        cs_win_out(&c->g, c->H, c->W, &OH, &OW);
        const size_t nin = (size_t)c->N * c->C * c->H * c->W, nw = (size_t)c->OC * c->C * c->g.kh * c->g.kw;
        const size_t nout = (size_t)c->N * c->OC * OH * OW;
        float *in = malloc(nin * 4), *w = malloc(nw * 4), b[8], *r = malloc(nout * 4), *out = malloc(nout * 4);
        float *din = malloc(nin * 4), *dw = calloc(nw, 4), db[8] = {0};
        float *din2 = malloc(nin * 4), *dw2 = calloc(nw, 4), db2[8] = {0};
        fill(&rng, in, nin), fill(&rng, w, nw), fill(&rng, b, (size_t)c->OC), fill(&rng, r, nout);
        cs_conv2d_win_backward_ref(din, dw, db, r, in, w, c->N, c->C, c->H, c->W, c->OC, &c->g);
        const float h = 1e-2f;
        float *params[3] = {in, w, b}, *grads[3] = {din, dw, db};
        const size_t counts[3] = {nin, nw, (size_t)c->OC};
        for (int p = 0; p < 3; p++)
            for (size_t i = 0; i < counts[p]; i++) {
                const float keep = params[p][i];
                params[p][i] = keep + h;
                const double fp = conv_objective(c, in, w, b, r, out);
                params[p][i] = keep - h;
                const double fm = conv_objective(c, in, w, b, r, out);
                params[p][i] = keep;
                check_rel(grads[p][i], (fp - fm) / (2 * h), p == 0 ? "conv input" : p == 1 ? "conv weight" : "conv bias", i);
            }
        /* the im2col kernels agree with the plain loops */
        float *scratch = malloc(cs_conv2d_win_scratch_floats(c->C, c->H, c->W, c->OC, &c->g) * 4);
        float *out2 = malloc(nout * 4);
        cs_conv2d_win_forward(out2, in, w, b, c->N, c->C, c->H, c->W, c->OC, &c->g, scratch);
        conv_objective(c, in, w, b, r, out);
        assert_floats(out2, out, nout, 1e-5f);
        cs_conv2d_win_backward(din2, dw2, db2, r, in, w, c->N, c->C, c->H, c->W, c->OC, &c->g, scratch);
        assert_floats(din2, din, nin, 1e-5f);
        assert_floats(dw2, dw, nw, 1e-4f);
        assert_floats(db2, db, (size_t)c->OC, 1e-5f);
        free(in), free(w), free(r), free(out), free(din), free(dw), free(din2), free(dw2), free(scratch), free(out2);
    }
}

/* Square, symmetric windows run the (K, S, P) kernels: the same bits as calling them. */
static void test_square_windows_use_fast_kernels(void **state)
{
    (void)state;
    const int N = 2, C = 3, H = 9, W = 11, OC = 5;
    const int shapes[][3] = {{5, 1, 2}, {3, 2, 1}, {3, 1, 0}};
    cs_rng rng;
    cs_rng_seed(&rng, 9);
    for (size_t k = 0; k < 3; k++) {
        const int K = shapes[k][0], S = shapes[k][1], P = shapes[k][2];
        const cs_win g = cs_win_square(K, S, P);
        assert_true(cs_win_is_square(&g));
        const int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
        const size_t nin = (size_t)N * C * H * W, nw = (size_t)OC * C * K * K, nout = (size_t)N * OC * OH * OW;
        float *in = malloc(nin * 4), *w = malloc(nw * 4), b[5], *o1 = malloc(nout * 4), *o2 = malloc(nout * 4);
        fill(&rng, in, nin), fill(&rng, w, nw), fill(&rng, b, 5);
        const size_t sf = cs_conv2d_scratch_floats(C, H, W, OC, K, S, P);
        assert_int_equal(cs_conv2d_win_scratch_floats(C, H, W, OC, &g), sf);
        float *scratch = malloc(sf * 4);
        cs_conv2d_forward(o1, in, w, b, N, C, H, W, OC, K, S, P, scratch);
        cs_conv2d_win_forward(o2, in, w, b, N, C, H, W, OC, &g, scratch);
        assert_memory_equal(o1, o2, nout * 4);
        free(in), free(w), free(o1), free(o2), free(scratch);
    }
}

enum { PN = 2, PC = 2, PH = 5, PW = 6 };
typedef struct {
    int kind; /* 0 max, 1 avg, 2 avg include-pad, 3 global avg, 4 leaky 0.2, 5 leaky -0.3 */
    cs_win g;
} pool_case;

static size_t pool_out_count(const pool_case *c)
{
    if (c->kind == 3) return PN * PC;
    if (c->kind >= 4) return PN * PC * PH * PW;
    int OH, OW;
    cs_win_out(&c->g, PH, PW, &OH, &OW);
    return (size_t)PN * PC * OH * OW;
}

static int argmax_buf[PN * PC * PH * PW * 4];

static double pool_objective(const pool_case *c, const float *in, const float *r, float *out)
{
    switch (c->kind) {
    case 0: cs_maxpool_win_forward(out, argmax_buf, in, PN, PC, PH, PW, &c->g); break;
    case 1:
    case 2: cs_avgpool_win_forward(out, in, PN, PC, PH, PW, &c->g, c->kind == 2); break;
    case 3: cs_global_avgpool_forward(out, in, PN, PC, PH, PW); break;
    default: cs_leakyrelu_forward(out, in, PN * PC * PH * PW, c->kind == 4 ? 0.2f : -0.3f); break;
    }
    double s = 0;
    for (size_t i = 0; i < pool_out_count(c); i++) s += (double)out[i] * r[i];
    return s;
}

static void test_pool_gradients(void **state)
{
    (void)state;
    const pool_case cases[] = {
        {0, win(3, 2, 2, 2, 1, 0, 1, 1, 1)}, {0, win(2, 2, 1, 1, 1, 1, 0, 0, 0)},
        {1, win(3, 3, 2, 2, 1, 1, 1, 1, 1)}, {2, win(3, 3, 2, 2, 1, 1, 1, 1, 1)},
        {2, win(2, 3, 1, 2, 0, 1, 1, 2, 0)}, {3, {0}}, {4, {0}}, {5, {0}},
    };
    cs_rng rng;
    cs_rng_seed(&rng, 7);
    const size_t nin = PN * PC * PH * PW;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const pool_case *c = &cases[k];
        const size_t nout = pool_out_count(c);
        float in[PN * PC * PH * PW], din[PN * PC * PH * PW], out[PN * PC * PH * PW * 4], r[PN * PC * PH * PW * 4];
        fill(&rng, in, nin), fill(&rng, r, nout);
        /* spread the values so that h never reorders a max window or crosses zero */
        for (size_t i = 0; i < nin; i++) in[i] = (float)(((i * 37) % nin) + 1) * 0.1f * (i % 3 ? 1.0f : -1.0f);
        pool_objective(c, in, r, out);
        switch (c->kind) {
        case 0: cs_maxpool_win_backward(din, r, argmax_buf, PN, PC, PH, PW, &c->g); break;
        case 1:
        case 2: cs_avgpool_win_backward(din, r, PN, PC, PH, PW, &c->g, c->kind == 2); break;
        case 3: cs_global_avgpool_backward(din, r, PN, PC, PH, PW); break;
        default: cs_leakyrelu_backward(din, r, in, nin, c->kind == 4 ? 0.2f : -0.3f); break;
        }
        const float h = 1e-2f;
        for (size_t i = 0; i < nin; i++) {
            const float keep = in[i];
            in[i] = keep + h;
            const double fp = pool_objective(c, in, r, out);
            in[i] = keep - h;
            const double fm = pool_objective(c, in, r, out);
            in[i] = keep;
            check_rel(din[i], (fp - fm) / (2 * h), "pool/activation", k * 1000 + i);
        }
    }
}

/* ---- the layers in a net ------------------------------------------------------------ */

static void test_spec_layers(void **state)
{
    (void)state;
    cs_net *net;
    const char *spec = "input 7x5x2, conv 3@3x2 stride 2 1 pad 1 0 0 1, leakyrelu 0.2, maxpool 2 pad 1 ceil, "
                       "avgpool 2x1 stride 1 include-pad, flatten, fc 4, leakyrelu, globalavgpool";
    if (cs_net_create(&net, spec, 2, 1) != CS_OK) fail_msg("%s", cs_last_error());
    /* conv: (7+1-3)/2+1 = 3 rows, (5+1-2)/1+1 = 5 columns */
    assert_int_equal(net->layers[0].out_h, 3);
    assert_int_equal(net->layers[0].out_w, 5);
    assert_int_equal(net->layers[0].w_count, 3 * 2 * 3 * 2);
    char buf[128];
    cs_net_describe_layer(net, 0, buf, sizeof buf);
    assert_string_equal(buf, "conv1 3@3x5 (3x2, stride 2 1, pad 1 0 0 1)");
    cs_net_describe_layer(net, 1, buf, sizeof buf);
    assert_string_equal(buf, "lrelu1 3@3x5 (slope 0.2)");
    assert_float_equal(net->layers[1].alpha, 0.2f, 0);
    /* pool, ceil mode: rows (3+2-2)/2 = 1.5 -> 2 + 1 = 3 windows, but the third would start
     * at 2*2 - 1 = 3, in the bottom padding, so 2; columns (5+2-2)/2 = 2.5 -> 3 + 1 = 4, the
     * fourth starting at 3*2 - 1 = 5, in the right padding, so 3 */
    cs_net_describe_layer(net, 2, buf, sizeof buf);
    assert_string_equal(buf, "pool1 3@2x3 (maxpool 2x2, stride 2, pad 1, ceil)");
    cs_net_describe_layer(net, 3, buf, sizeof buf);
    assert_string_equal(buf, "pool2 3@1x3 (avgpool 2x1, include-pad)");
    assert_int_equal(net->layers[4].out_c, 9);
    assert_int_equal(net->layers[4].out_h, 1);
    assert_float_equal(net->layers[6].alpha, 0.01f, 0);
    cs_net_describe_layer(net, 7, buf, sizeof buf);
    assert_string_equal(buf, "pool3 4@1x1 (global average of 1x1)");
    assert_int_equal(net->n_classes, 4);
    cs_net_destroy(net);
    /* affine: one weight and one bias per channel, starting as the identity */
    if (cs_net_create(&net, "input 4x4x3, affine, fc 2", 1, 1) != CS_OK) fail_msg("%s", cs_last_error());
    assert_int_equal(net->layers[0].w_count, 3);
    assert_int_equal(net->layers[0].b_count, 3);
    assert_string_equal(net->layers[0].name, "affine1");
    cs_rng rng;
    cs_rng_seed(&rng, 1);
    cs_net_init_params(net, &rng);
    for (int c = 0; c < 3; c++) {
        assert_float_equal(net->layers[0].w[c], 1.0f, 0);
        assert_float_equal(net->layers[0].b[c], 0.0f, 0);
    }
    cs_net_destroy(net);
}

/* Finite differences of the loss against every parameter of nets built from the new layers. */
static void check_net_gradients(const char *spec)
{
    cs_net *net;
    const int N = 3;
    if (cs_net_create(&net, spec, N, 1) != CS_OK) fail_msg("%s: %s", spec, cs_last_error());
    cs_rng rng;
    cs_rng_seed(&rng, 11);
    cs_net_init_params(net, &rng);
    for (size_t i = 0; i < net->n_params; i++) net->params[i] += 0.05f * cs_rng_normal(&rng);
    const size_t nin = (size_t)N * net->in_c * net->in_h * net->in_w;
    for (size_t i = 0; i < nin; i++) net->input[i] = cs_rng_uniform(&rng);
    int labels[3] = {1, 0, 2};
    cs_net_zero_grads(net);
    cs_net_forward(net, N);
    cs_net_backward(net, labels, N, CS_LOSS_XENT);
    float *analytic = malloc(net->n_params * sizeof(float));
    memcpy(analytic, net->grads, net->n_params * sizeof(float));
    const float h = 1e-3f;
    int bad = 0;
    for (size_t i = 0; i < net->n_params; i++) {
        const float keep = net->params[i];
        net->params[i] = keep + h;
        cs_net_forward(net, N);
        const double fp = cs_net_loss(net, labels, N, CS_LOSS_XENT);
        net->params[i] = keep - h;
        cs_net_forward(net, N);
        const double fm = cs_net_loss(net, labels, N, CS_LOSS_XENT);
        net->params[i] = keep;
        const double numeric = (fp - fm) / (2 * h), denom = fmax(1e-3, fabs(numeric) + fabs(analytic[i]));
        if (fabs(numeric - analytic[i]) / denom > 5e-2 && fabs(numeric - analytic[i]) > 2e-4)
            if (bad++ < 5) print_error("%s param %zu: analytic %g numeric %g\n", spec, i, analytic[i], numeric);
    }
    free(analytic);
    cs_net_destroy(net);
    if (bad) fail_msg("%s: %d gradients disagree", spec, bad);
}

static void test_net_gradients(void **state)
{
    (void)state;
    check_net_gradients("input 7x5x2, conv 3@3x2 stride 2 1 pad 1 0 0 1, leakyrelu 0.2, maxpool 2 pad 1 ceil, "
                        "flatten, fc 3, softmax");
    check_net_gradients("input 6x6x1, conv 4@3 pad 1, leakyrelu -0.5, avgpool 3 stride 2 pad 1 include-pad, "
                        "conv 3@2, globalavgpool, fc 3");
    check_net_gradients("input 1x9x2, conv 3@1x3 pad 0 1, relu, avgpool 1x2 ceil, flatten, fc 3, softmax");
    check_net_gradients("input 6x6x2, conv 3@3, tanh, affine, maxpool 2, affine, fc 3, affine, softmax");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_out_sizes),
        cmocka_unit_test(test_conv_asymmetric_golden),
        cmocka_unit_test(test_conv_nonsquare_golden),
        cmocka_unit_test(test_pool_golden),
        cmocka_unit_test(test_conv_gradients),
        cmocka_unit_test(test_square_windows_use_fast_kernels),
        cmocka_unit_test(test_pool_gradients),
        cmocka_unit_test(test_spec_layers),
        cmocka_unit_test(test_net_gradients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
