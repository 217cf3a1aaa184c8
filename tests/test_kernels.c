/* test_kernels.c - golden hand-computed cases and numerical gradient checks for every kernel. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_rng.h"
#include "cs_tensor.h"

static void assert_floats(const float *got, const float *want, size_t n, float tol)
{
    for (size_t i = 0; i < n; i++) {
        if (fabsf(got[i] - want[i]) > tol) fail_msg("element %zu: got %.7g, want %.7g", i, got[i], want[i]);
    }
}

/* 4x5 input 1..20, 3x3 kernel of ones + centre 1 more, stride 1 pad 0. */
static void test_conv_golden_stride1_pad0(void **state)
{
    (void)state;
    float in[20], w[9], out[6];
    for (int i = 0; i < 20; i++) in[i] = (float)(i + 1);
    for (int i = 0; i < 9; i++) w[i] = 1.0f;
    w[4] = 2.0f;
    float b = 0.5f;
    /* window at (0,0): 1+2+3+6+7+8+11+12+13 = 63, plus centre 7 again = 70, + 0.5 */
    const float want[6] = {70.5f, 80.5f, 90.5f, 120.5f, 130.5f, 140.5f};
    cs_conv2d_forward_ref(out, in, w, &b, 1, 1, 4, 5, 1, 3, 1, 0);
    assert_floats(out, want, 6, 0);
    float scratch[1024];
    cs_conv2d_forward(out, in, w, &b, 1, 1, 4, 5, 1, 3, 1, 0, scratch);
    assert_floats(out, want, 6, 1e-5f);
}

/* 3x3 input 1..9, 3x3 ones kernel, pad 1 stride 2: outputs at (0,0),(0,2),(2,0),(2,2) corners. */
static void test_conv_golden_stride2_pad1(void **state)
{
    (void)state;
    float in[9], w[9], out[4];
    for (int i = 0; i < 9; i++) in[i] = (float)(i + 1), w[i] = 1.0f;
    /* corners of the padded image: 1+2+4+5=12, 2+3+5+6=16, 4+5+7+8=24, 5+6+8+9=28 */
    const float want[4] = {12, 16, 24, 28};
    cs_conv2d_forward_ref(out, in, w, NULL, 1, 1, 3, 3, 1, 3, 2, 1);
    assert_floats(out, want, 4, 0);
    assert_int_equal(cs_out_size(3, 3, 2, 1), 2);
}

/* Two channels, pad 2, 2x2 kernel on a 2x3 image: checks padding 2 and even kernels. */
static void test_conv_golden_pad2_even(void **state)
{
    (void)state;
    const float in[12] = {1, 2, 3, 4, 5, 6, /* channel 1 */ 10, 20, 30, 40, 50, 60};
    const float w[8] = {1, 0, 0, 0, /* channel 1 */ 0, 0, 0, 1};
    /* OH = (2+4-2)/1+1 = 5, OW = (3+4-2)+1 = 6. out[oy][ox] = in0[oy-2][ox-2] + in1[oy-1][ox-1] */
    float out[30];
    cs_conv2d_forward_ref(out, in, w, NULL, 1, 2, 2, 3, 1, 2, 1, 2);
    float want[30];
    for (int oy = 0; oy < 5; oy++)
        for (int ox = 0; ox < 6; ox++) {
            float v = 0;
            int y = oy - 2, x = ox - 2;
            if (y >= 0 && y < 2 && x >= 0 && x < 3) v += in[y * 3 + x];
            y = oy - 1, x = ox - 1;
            if (y >= 0 && y < 2 && x >= 0 && x < 3) v += in[6 + y * 3 + x];
            want[oy * 6 + ox] = v;
        }
    assert_int_equal(cs_out_size(2, 2, 1, 2), 5);
    assert_floats(out, want, 30, 0);
    assert_float_equal(out[0], 0.0f, 0);
    assert_float_equal(out[1 * 6 + 1], 10.0f, 0);    /* only channel 1 at (0,0) */
    assert_float_equal(out[2 * 6 + 2], 1.0f + 50.0f, 0);
}

static void test_pool_golden(void **state)
{
    (void)state;
    /* 3x5 plane; maxpool 2 stride 2 drops the last row and column (floor mode) */
    const float in[15] = {1, 9, 2, 3, 7, 4, 5, 8, 6, 1, 0, 0, 0, 0, 99};
    float out[2];
    int am[2];
    cs_maxpool_forward(out, am, in, 1, 1, 3, 5, 2, 2);
    assert_float_equal(out[0], 9, 0);
    assert_float_equal(out[1], 8, 0);
    assert_int_equal(am[0], 1);
    assert_int_equal(am[1], 7);
    cs_avgpool_forward(out, in, 1, 1, 3, 5, 2, 2);
    assert_float_equal(out[0], (1 + 9 + 4 + 5) / 4.0f, 1e-6f);
    assert_float_equal(out[1], (2 + 3 + 8 + 6) / 4.0f, 1e-6f);
    /* maxpool 3 stride 3 on 8x8 -> 2x2, as in the mnist preset's second pool */
    assert_int_equal(cs_out_size(8, 3, 3, 0), 2);
    /* overlapping: 3 stride 2 on 5 -> 2 */
    float in5[25], o4[4];
    int a4[4];
    for (int i = 0; i < 25; i++) in5[i] = (float)i;
    cs_maxpool_forward(o4, a4, in5, 1, 1, 5, 5, 3, 2);
    const float want4[4] = {12, 14, 22, 24};
    assert_floats(o4, want4, 4, 0);
}

static void test_softmax_losses_golden(void **state)
{
    (void)state;
    const float logits[3] = {1, 2, 3};
    float p[3];
    cs_softmax_forward(p, logits, 1, 3);
    const float e = expf(1) + expf(2) + expf(3);
    assert_float_equal(p[2], expf(3) / e, 1e-6f);
    int label = 2;
    assert_float_equal(cs_loss_xent(NULL, logits, &label, 1, 3), logf(e) - 3.0f, 1e-5f);
    /* the article's case: output all ones vs one-hot third class: (1/10)*9 = 0.9 */
    float ones[10];
    for (int i = 0; i < 10; i++) ones[i] = 1.0f;
    assert_float_equal(cs_loss_mse(NULL, ones, &label, 1, 10), 0.9f, 1e-6f);
}

/* ---- numerical gradient checks ------------------------------------------------------ */

typedef struct {
    int N, C, H, W, OC, K, S, P;
} conv_case;

/* Scalar objective: sum(out * r) for a fixed random r; its gradient wrt out is r. */
static double conv_objective(const conv_case *c, const float *in, const float *w, const float *b, const float *r,
                             float *out)
{
    cs_conv2d_forward_ref(out, in, w, b, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P);
    const int OH = cs_out_size(c->H, c->K, c->S, c->P), OW = cs_out_size(c->W, c->K, c->S, c->P);
    double s = 0;
    for (size_t i = 0; i < (size_t)c->N * c->OC * OH * OW; i++) s += (double)out[i] * r[i];
    return s;
}

static void fill(cs_rng *rng, float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] = cs_rng_uniform(rng) * 2.0f - 1.0f;
}

static void check_rel(double analytic, double numeric, const char *what, size_t i)
{
    double denom = fmax(1e-2, fabs(analytic) + fabs(numeric));
    if (fabs(analytic - numeric) / denom > 2e-2)
        fail_msg("%s[%zu]: analytic %.6g vs numeric %.6g", what, i, analytic, numeric);
}

static void test_conv_gradients(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {2, 2, 5, 6, 3, 3, 1, 1}, {1, 3, 7, 5, 2, 5, 2, 2}, {2, 1, 6, 6, 2, 2, 2, 0}, {1, 2, 4, 4, 1, 4, 1, 3},
    };
    cs_rng rng;
    cs_rng_seed(&rng, 7);
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const conv_case *c = &cases[ci];
        const int OH = cs_out_size(c->H, c->K, c->S, c->P), OW = cs_out_size(c->W, c->K, c->S, c->P);
        const size_t nin = (size_t)c->N * c->C * c->H * c->W, nw = (size_t)c->OC * c->C * c->K * c->K;
        const size_t nout = (size_t)c->N * c->OC * OH * OW;
        float *in = malloc(nin * 4), *w = malloc(nw * 4), *b = malloc((size_t)c->OC * 4), *r = malloc(nout * 4);
        float *out = malloc(nout * 4), *din = malloc(nin * 4), *dw = calloc(nw, 4), *db = calloc((size_t)c->OC, 4);
        float *din2 = malloc(nin * 4), *dw2 = calloc(nw, 4), *db2 = calloc((size_t)c->OC, 4), *out2 = malloc(nout * 4);
        float *scratch = malloc(cs_conv2d_scratch_floats(c->C, c->H, c->W, c->OC, c->K, c->S, c->P) * 4);
        fill(&rng, in, nin);
        fill(&rng, w, nw);
        fill(&rng, b, (size_t)c->OC);
        fill(&rng, r, nout);
        cs_conv2d_backward_ref(din, dw, db, r, in, w, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P);
        const float h = 1e-2f;
        for (size_t i = 0; i < nw; i++) {
            float keep = w[i];
            w[i] = keep + h;
            double fp = conv_objective(c, in, w, b, r, out);
            w[i] = keep - h;
            double fm = conv_objective(c, in, w, b, r, out);
            w[i] = keep;
            check_rel(dw[i], (fp - fm) / (2 * h), "dw", i);
        }
        for (size_t i = 0; i < nin; i++) {
            float keep = in[i];
            in[i] = keep + h;
            double fp = conv_objective(c, in, w, b, r, out);
            in[i] = keep - h;
            double fm = conv_objective(c, in, w, b, r, out);
            in[i] = keep;
            check_rel(din[i], (fp - fm) / (2 * h), "din", i);
        }
        for (int i = 0; i < c->OC; i++) {
            float keep = b[i];
            b[i] = keep + h;
            double fp = conv_objective(c, in, w, b, r, out);
            b[i] = keep - h;
            double fm = conv_objective(c, in, w, b, r, out);
            b[i] = keep;
            check_rel(db[i], (fp - fm) / (2 * h), "db", (size_t)i);
        }
        /* the fast kernels agree with the reference */
        cs_conv2d_forward_ref(out, in, w, b, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P);
        cs_conv2d_forward(out2, in, w, b, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P, scratch);
        assert_floats(out2, out, nout, 1e-4f);
        cs_conv2d_backward(din2, dw2, db2, r, in, w, c->N, c->C, c->H, c->W, c->OC, c->K, c->S, c->P, scratch);
        assert_floats(din2, din, nin, 1e-4f);
        assert_floats(dw2, dw, nw, 1e-4f);
        assert_floats(db2, db, (size_t)c->OC, 1e-4f);
        free(in), free(w), free(b), free(r), free(out), free(din), free(dw), free(db);
        free(din2), free(dw2), free(db2), free(out2), free(scratch);
    }
}

/* Generic check for a parameter-free layer: forward f, backward g, input size n_in. */
typedef void (*fwd_fn)(float *out, const float *in, int which);
typedef void (*bwd_fn)(float *din, const float *dout, const float *in, const float *out, int which);

enum { PL_RELU, PL_TANH, PL_SIGMOID, PL_MAXPOOL, PL_AVGPOOL, PL_SOFTMAX };
#define PL_N 2
#define PL_C 2
#define PL_H 5
#define PL_W 7
#define PL_IN (PL_N * PL_C * PL_H * PL_W)

static int pl_outsize(int which)
{
    if (which == PL_MAXPOOL) return PL_N * PL_C * cs_out_size(PL_H, 2, 2, 0) * cs_out_size(PL_W, 2, 2, 0);
    if (which == PL_AVGPOOL) return PL_N * PL_C * cs_out_size(PL_H, 3, 2, 0) * cs_out_size(PL_W, 3, 2, 0);
    return PL_IN;
}

static int argmax_scratch[PL_IN];

static void pl_forward(float *out, const float *in, int which)
{
    switch (which) {
    case PL_RELU: cs_relu_forward(out, in, PL_IN); break;
    case PL_TANH: cs_tanh_forward(out, in, PL_IN); break;
    case PL_SIGMOID: cs_sigmoid_forward(out, in, PL_IN); break;
    case PL_MAXPOOL: cs_maxpool_forward(out, argmax_scratch, in, PL_N, PL_C, PL_H, PL_W, 2, 2); break;
    case PL_AVGPOOL: cs_avgpool_forward(out, in, PL_N, PL_C, PL_H, PL_W, 3, 2); break;
    case PL_SOFTMAX: cs_softmax_forward(out, in, PL_N * PL_C * PL_H, PL_W); break;
    }
}

static void pl_backward(float *din, const float *dout, const float *out, int which)
{
    switch (which) {
    case PL_RELU: cs_relu_backward(din, dout, out, PL_IN); break;
    case PL_TANH: cs_tanh_backward(din, dout, out, PL_IN); break;
    case PL_SIGMOID: cs_sigmoid_backward(din, dout, out, PL_IN); break;
    case PL_MAXPOOL: cs_maxpool_backward(din, dout, argmax_scratch, PL_N, PL_C, PL_H, PL_W, 2, 2); break;
    case PL_AVGPOOL: cs_avgpool_backward(din, dout, PL_N, PL_C, PL_H, PL_W, 3, 2); break;
    case PL_SOFTMAX: cs_softmax_backward(din, dout, out, PL_N * PL_C * PL_H, PL_W); break;
    }
}

static void test_pointwise_and_pool_gradients(void **state)
{
    (void)state;
    cs_rng rng;
    cs_rng_seed(&rng, 11);
    static const char *names[] = {"relu", "tanh", "sigmoid", "maxpool", "avgpool", "softmax"};
    for (int which = PL_RELU; which <= PL_SOFTMAX; which++) {
        float in[PL_IN], out[PL_IN], r[PL_IN], din[PL_IN];
        /* values away from ReLU's kink and distinct for max-pool */
        for (int i = 0; i < PL_IN; i++) {
            float v = cs_rng_uniform(&rng) * 2 - 1;
            in[i] = v + (v > 0 ? 0.05f : -0.05f) + 0.001f * (float)i;
        }
        const int nout = pl_outsize(which);
        fill(&rng, r, (size_t)nout);
        pl_forward(out, in, which);
        pl_backward(din, r, out, which);
        const float h = 1e-3f;
        for (int i = 0; i < PL_IN; i++) {
            float keep = in[i];
            double fp = 0, fm = 0;
            in[i] = keep + h;
            pl_forward(out, in, which);
            for (int j = 0; j < nout; j++) fp += (double)out[j] * r[j];
            in[i] = keep - h;
            pl_forward(out, in, which);
            for (int j = 0; j < nout; j++) fm += (double)out[j] * r[j];
            in[i] = keep;
            check_rel(din[i], (fp - fm) / (2 * h), names[which], (size_t)i);
        }
    }
}

static void test_fc_and_loss_gradients(void **state)
{
    (void)state;
    enum { N = 3, IN = 7, OUT = 5 };
    cs_rng rng;
    cs_rng_seed(&rng, 5);
    float x[N * IN], w[OUT * IN], b[OUT], r[N * OUT], out[N * OUT], din[N * IN], dw[OUT * IN] = {0}, db[OUT] = {0};
    fill(&rng, x, N * IN);
    fill(&rng, w, OUT * IN);
    fill(&rng, b, OUT);
    fill(&rng, r, N * OUT);
    cs_fc_forward(out, x, w, b, N, IN, OUT);
    cs_fc_backward(din, dw, db, r, x, w, N, IN, OUT);
    const float h = 1e-2f;
    float *params[3] = {x, w, b};
    float *grads[3] = {din, dw, db};
    int counts[3] = {N * IN, OUT * IN, OUT};
    for (int p = 0; p < 3; p++)
        for (int i = 0; i < counts[p]; i++) {
            float keep = params[p][i];
            double fp = 0, fm = 0;
            params[p][i] = keep + h;
            cs_fc_forward(out, x, w, b, N, IN, OUT);
            for (int j = 0; j < N * OUT; j++) fp += (double)out[j] * r[j];
            params[p][i] = keep - h;
            cs_fc_forward(out, x, w, b, N, IN, OUT);
            for (int j = 0; j < N * OUT; j++) fm += (double)out[j] * r[j];
            params[p][i] = keep;
            check_rel(grads[p][i], (fp - fm) / (2 * h), "fc", (size_t)i);
        }
    /* both losses */
    const int labels[N] = {0, 4, 2};
    float z[N * OUT], dz[N * OUT];
    fill(&rng, z, N * OUT);
    for (int loss = 0; loss < 2; loss++) {
        if (loss == 0) cs_loss_xent(dz, z, labels, N, OUT);
        else cs_loss_mse(dz, z, labels, N, OUT);
        for (int i = 0; i < N * OUT; i++) {
            float keep = z[i];
            z[i] = keep + h;
            double fp = loss == 0 ? cs_loss_xent(NULL, z, labels, N, OUT) : cs_loss_mse(NULL, z, labels, N, OUT);
            z[i] = keep - h;
            double fm = loss == 0 ? cs_loss_xent(NULL, z, labels, N, OUT) : cs_loss_mse(NULL, z, labels, N, OUT);
            z[i] = keep;
            check_rel(dz[i], (fp - fm) / (2 * h), loss == 0 ? "xent" : "mse", (size_t)i);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_golden_stride1_pad0),
        cmocka_unit_test(test_conv_golden_stride2_pad1),
        cmocka_unit_test(test_conv_golden_pad2_even),
        cmocka_unit_test(test_pool_golden),
        cmocka_unit_test(test_softmax_losses_golden),
        cmocka_unit_test(test_conv_gradients),
        cmocka_unit_test(test_pointwise_and_pool_gradients),
        cmocka_unit_test(test_fc_and_loss_gradients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
