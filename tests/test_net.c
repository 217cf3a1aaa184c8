/* test_net.c - spec parsing, shape checks, presets, and whole-network gradient checks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_net.h"

static void expect_error(const char *spec, cs_status code, const char *fragment)
{
    cs_net *net = (cs_net *)1;
    cs_status st = cs_net_create(&net, spec, 4, 1);
    if (st != code) fail_msg("spec '%s': status %d, want %d (%s)", spec, st, code, cs_last_error());
    assert_null(net);
    if (!strstr(cs_last_error(), fragment))
        fail_msg("spec '%s': message '%s' lacks '%s'", spec, cs_last_error(), fragment);
}

static void test_spec_errors(void **state)
{
    (void)state;
    expect_error("", CS_ERR_SPEC, "empty spec");
    expect_error("conv 8@5", CS_ERR_SPEC, "starts with the input shape");
    expect_error("input 28x28", CS_ERR_SPEC, "input 28x28");
    expect_error("input 28x28x1, conv 8", CS_ERR_SPEC, "conv FILTERS@SIZE");
    expect_error("input 28x28x1, conv 8@5x0", CS_ERR_SPEC, "item 2");
    expect_error("input 28x28x1, conv 8@5 pad 1 2 1", CS_ERR_SPEC, "four: top left bottom right");
    expect_error("input 28x28x1, conv 8@5 stride 1 2 3", CS_ERR_SPEC, "(or two: down, across)");
    expect_error("input 28x28x1, leakyrelu x", CS_ERR_SPEC, "'leakyrelu [SLOPE]'");
    expect_error("input 28x28x1, globalavgpool 2", CS_ERR_SPEC, "takes no arguments");
    expect_error("input 28x28x1, conv 8@5 pad", CS_ERR_SPEC, "'pad' needs");
    expect_error("input 28x28x1, conv 8@5 stride 0", CS_ERR_SPEC, "stride 0 is out of range (expected 1..4096)");
    expect_error("input 28x28x1, conv 8@5 padding 2", CS_ERR_SPEC, "unexpected 'padding'");
    expect_error("input 28x28x1, convolution 8@5", CS_ERR_SPEC, "unknown layer 'convolution'");
    expect_error("input 28x28x1, relu 3", CS_ERR_SPEC, "takes no arguments");
    expect_error("input 28x28x1, fc", CS_ERR_SPEC, "'fc OUTPUTS'");
    expect_error("input 28x28x1, maxpool x", CS_ERR_SPEC, "window size 'x' is not a whole number");
    expect_error("input 28x28x1, maxpool", CS_ERR_SPEC, "maxpool SIZE");
    expect_error("input 28x28x1, maxpool 2 pad 1 include-pad", CS_ERR_SPEC, "unexpected 'include-pad'");
    expect_error("input 28x28x1, conv 2@3 ceil", CS_ERR_SPEC, "expected 'stride S' or 'pad P'");
    expect_error("input 28x28x1, maxpool 2 window 1", CS_ERR_SPEC, "expected 'stride S'");
    expect_error("input 28x28x1, conv 8@5 pad 99999999999", CS_ERR_SPEC, "pad 99999999999 is out of range");
    expect_error("input 99999999999x1x1, fc 1", CS_ERR_SPEC, "height 99999999999 is out of range");
    expect_error("input 28x28x1", CS_ERR_SPEC, "no layers");
    expect_error("input 28x28x1, fc 10, input 3x3x1", CS_ERR_SPEC, "only be the first");
}

static void test_shape_errors(void **state)
{
    (void)state;
    /* a 5x5 pool on a 3x3 map */
    expect_error("input 6x6x1, maxpool 2, maxpool 5", CS_ERR_SHAPE, "pool2");
    expect_error("input 6x6x1, maxpool 2, maxpool 5", CS_ERR_SHAPE, "3x3x1");
    /* a kernel bigger than the padded input */
    expect_error("input 4x4x1, conv 2@7 pad 1", CS_ERR_SHAPE, "conv1");
    expect_error("input 28x28x1, fc 10, softmax, relu", CS_ERR_SHAPE, "softmax may only be the last");
    /* PyTorch's rules: any conv padding; pool padding at most half the window */
    expect_error("input 8x8x1, maxpool 2 pad 2", CS_ERR_SHAPE, "more than half the 2x2 window");
    expect_error("input 8x8x1, avgpool 3 pad 0 0 0 2", CS_ERR_SHAPE, "padding 0 0 0 2");
    expect_error("input 8x8x1, softmax", CS_ERR_SHAPE, "flat input");
}

/* Issue 9: numbers that do not fit are refused with their item and range, never wrapped;
 * and a net over a budget is refused before its blocks are allocated. */
static void test_numbers_and_budgets(void **state)
{
    (void)state;
    expect_error("input 99999999999x1x1, fc 2", CS_ERR_SPEC,
                 "spec item 1 'input 99999999999x1x1': height 99999999999 is out of range (expected 1..4096)");
    expect_error("input 28x4294967297x1, fc 2", CS_ERR_SPEC, "width 4294967297 is out of range");
    expect_error("input 28x28x-1, fc 2", CS_ERR_SPEC, "channels '-1' is not a whole number");
    expect_error("input 28x28x1, conv 1@1000000", CS_ERR_SPEC,
                 "spec item 2 'conv 1@1000000': kernel size 1000000 is out of range (expected 1..4096)");
    expect_error("input 28x28x1, conv 99999999999999999999@3", CS_ERR_SPEC, "filter count 99999999999999999999 is out of range");
    expect_error("input 28x28x1, conv 8@3 pad 2147483648", CS_ERR_SPEC, "pad 2147483648 is out of range (expected 0..4096)");
    expect_error("input 28x28x1, fc 1e3", CS_ERR_SPEC, "output count '1e3' is not a whole number");
    /* issue 12: a large input with parameter-free layers; then one that fits the input budget
     * but not the memory budget, naming what it needs */
    expect_error("input 4096x4096x3, relu, relu, relu, relu, relu, relu, relu, relu, relu, relu", CS_ERR_SHAPE,
                 "input 4096x4096x3 has 50331648 values, over the budget of 16777216 per image");
    /* 2048 * 2048 * 3 = 12,582,912 values, (input + 10 x (output + delta)) x 4 bytes x batch 4 = 3.94 GiB */
    expect_error("input 2048x2048x3, relu, relu, relu, relu, relu, relu, relu, relu, relu, relu", CS_ERR_SHAPE,
                 "the net needs 3.94 GiB for a batch of 4 (activations 3.94 GiB");
    expect_error("input 4096x4096x1, fc 2", CS_ERR_SHAPE, "the net has 33554434 parameters, over the budget of 16777216");
    /* a custom budget */
    cs_net_budget b;
    cs_net_budget_defaults(&b);
    b.max_params = 100;
    cs_net *net;
    assert_int_equal(cs_net_create_budget(&net, "input 4x4x1, fc 5", 1, 1, &b), CS_OK); /* 5 * 16 + 5 = 85 */
    cs_net_destroy(net);
    assert_int_equal(cs_net_create_budget(&net, "input 4x4x1, fc 6", 1, 1, &b), CS_ERR_SHAPE); /* 102 */
    assert_null(net);
    assert_int_equal(cs_net_create(&net, "mnist", 0, 1), CS_ERR_ARG);
    assert_int_equal(cs_net_create(&net, "mnist", CS_NET_MAX_BATCH + 1, 1), CS_ERR_ARG);
}

/* Issue 15: conv padding of any size is valid (PyTorch's rule); the border outputs of a
 * 1x1 kernel with pad 2 are the bias, and the fast kernels agree with the reference. */
static void test_pad_any_size(void **state)
{
    (void)state;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, "input 2x2x1, conv 1@1 pad 2, fc 3", 2, 1), CS_OK);
    assert_int_equal(net->layers[0].out_h, 6);
    assert_int_equal(net->layers[0].out_w, 6);
    net->layers[0].w[0] = 10.0f;
    net->layers[0].b[0] = 0.5f;
    const float x[4] = {1, 2, 3, 4};
    memcpy(net->input, x, sizeof x);
    memcpy(net->input + 4, x, sizeof x);
    cs_net_forward(net, 2);
    for (int i = 0; i < 2; i++) {
        const float *y = cs_net_layer_output(net, 0, i);
        for (int r = 0; r < 6; r++)
            for (int c = 0; c < 6; c++) {
                const int in = r >= 2 && r < 4 && c >= 2 && c < 4;
                const float want = in ? 10.0f * x[(r - 2) * 2 + c - 2] + 0.5f : 0.5f;
                if (y[r * 6 + c] != want) fail_msg("output (%d, %d) is %g, want %g", c, r, (double)y[r * 6 + c], (double)want);
            }
    }
    cs_net_destroy(net);
    /* a 3x3 kernel with pad 3 and 5 builds, so does stride 2 */
    assert_int_equal(cs_net_create(&net, "input 5x5x2, conv 3@3 pad 5 stride 2, relu, conv 2@3 pad 3, fc 2", 3, 1), CS_OK);
    assert_int_equal(net->layers[0].out_h, 7); /* (5 + 10 - 3) / 2 + 1 */
    cs_net_destroy(net);
}

static void test_presets(void **state)
{
    (void)state;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, "mnist", 20, 1), CS_OK);
    assert_int_equal(net->n_layers, 8);
    char buf[128];
    cs_net_describe_layer(net, 0, buf, sizeof buf);
    assert_string_equal(buf, "conv1 8@28x28 (5x5, pad 2)");
    cs_net_describe_layer(net, 5, buf, sizeof buf);
    assert_string_equal(buf, "pool2 16@4x4 (maxpool 3)");
    assert_int_equal(net->n_classes, 10);
    /* conv1 8*25+8, conv2 16*8*25+16, fc 10*256+10 */
    assert_int_equal(net->n_params, 208 + 3216 + 2570);
    assert_string_equal(net->layers[1].name, "relu1");
    cs_net_destroy(net);

    assert_int_equal(cs_net_create(&net, "cifar", 20, 1), CS_OK);
    assert_int_equal(net->layers[8].out_c, 20);
    assert_int_equal(net->layers[8].out_h, 4);
    cs_net_destroy(net);

    /* the article: 12 filters on 32x32x3 give 32x32x12 */
    assert_int_equal(cs_net_create(&net, "article", 20, 1), CS_OK);
    assert_int_equal(net->layers[0].out_c, 12);
    assert_int_equal(net->layers[0].out_h, 32);
    assert_int_equal(net->layers[0].out_w, 32);
    assert_int_equal(net->in_c, 3);
    cs_net_destroy(net);

    /* separators and case */
    assert_int_equal(cs_net_create(&net, "INPUT 8x8x1 -> Conv 2@3 | relu\navgpool 2 stride 1; fc 3", 2, 1), CS_OK);
    assert_int_equal(net->layers[2].out_h, 5);
    assert_int_equal(net->n_classes, 3);
    cs_net_destroy(net);
}

/* Finite-difference check of every parameter and both losses through a small net. */
static void check_net_gradients(const char *spec, cs_loss_kind loss)
{
    cs_net *net;
    const int N = 3;
    if (cs_net_create(&net, spec, N, 1) != CS_OK) fail_msg("%s: %s", spec, cs_last_error());
    cs_rng rng;
    cs_rng_seed(&rng, 3);
    cs_net_init_params(net, &rng);
    for (size_t i = 0; i < net->n_params; i++) net->params[i] += 0.05f * cs_rng_normal(&rng); /* non-zero biases */
    const size_t nin = (size_t)N * net->in_c * net->in_h * net->in_w;
    for (size_t i = 0; i < nin; i++) net->input[i] = cs_rng_uniform(&rng);
    int labels[3] = {1, 0, 2};
    cs_net_zero_grads(net);
    cs_net_forward(net, N);
    cs_net_backward(net, labels, N, loss);
    float *analytic = malloc(net->n_params * sizeof(float));
    memcpy(analytic, net->grads, net->n_params * sizeof(float));
    const float h = 1e-3f; /* small: ReLU and max-pool kinks must not be crossed */
    int bad = 0;
    for (size_t i = 0; i < net->n_params; i++) {
        float keep = net->params[i];
        net->params[i] = keep + h;
        cs_net_forward(net, N);
        double fp = cs_net_loss(net, labels, N, loss);
        net->params[i] = keep - h;
        cs_net_forward(net, N);
        double fm = cs_net_loss(net, labels, N, loss);
        net->params[i] = keep;
        double numeric = (fp - fm) / (2 * h);
        double denom = fmax(1e-3, fabs(numeric) + fabs(analytic[i]));
        if (fabs(numeric - analytic[i]) / denom > 5e-2 && fabs(numeric - analytic[i]) > 2e-4) {
            if (bad++ < 5) print_error("%s param %zu: analytic %g numeric %g\n", spec, i, analytic[i], numeric);
        }
    }
    free(analytic);
    cs_net_destroy(net);
    if (bad) fail_msg("%s: %d gradients disagree", spec, bad);
}

static void test_net_gradients(void **state)
{
    (void)state;
    const char *specs[] = {
        "input 7x6x2, conv 3@3 pad 1, tanh, avgpool 2, fc 3, softmax",
        "input 9x9x1, conv 2@4 stride 2 pad 1, sigmoid, conv 3@2, relu, fc 4",
        "input 8x8x3, conv 2@5 pad 2, relu, maxpool 3 stride 2, fc 3, tanh, fc 3",
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        check_net_gradients(specs[i], CS_LOSS_XENT);
        check_net_gradients(specs[i], CS_LOSS_MSE);
    }
}

static void test_probs_and_introspection(void **state)
{
    (void)state;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, "input 4x4x1, conv 2@3 pad 1, relu, fc 3", 2, 1), CS_OK);
    cs_rng rng;
    cs_rng_seed(&rng, 1);
    cs_net_init_params(net, &rng);
    for (int i = 0; i < 32; i++) net->input[i] = (float)i / 32.0f;
    cs_net_forward(net, 2);
    float p[3];
    cs_net_probs(net, 1, p);
    assert_float_equal(p[0] + p[1] + p[2], 1.0f, 1e-5f);
    /* layer outputs of sample 1 start after sample 0's maps */
    assert_ptr_equal(cs_net_layer_output(net, 0, 1), net->layers[0].out + 2 * 16);
    assert_int_equal(cs_net_find_prev(net, 2, CS_LAYER_CONV), 0);
    assert_int_equal(cs_net_find_prev(net, 0, CS_LAYER_CONV), -1);
    /* conv weights live inside the one parameter block */
    assert_ptr_equal(net->layers[0].w, net->params);
    assert_ptr_equal(net->layers[0].b, net->params + 18);
    assert_ptr_equal(net->layers[2].w, net->params + 20);
    cs_net_destroy(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_errors),
        cmocka_unit_test(test_shape_errors),
        cmocka_unit_test(test_numbers_and_budgets),
        cmocka_unit_test(test_pad_any_size),
        cmocka_unit_test(test_presets),
        cmocka_unit_test(test_net_gradients),
        cmocka_unit_test(test_probs_and_introspection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
