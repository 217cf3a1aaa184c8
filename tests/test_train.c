/* test_train.c - optimizers lower a loss, training learns, runs are deterministic,
 * divergence is caught. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bars_dataset.h"

#include "cs_train.h"

/* f(p) = sum (p_i - i)^2, gradient 2 (p_i - i). */
static float quad_loss(const float *p, float *g, size_t n)
{
    float s = 0;
    for (size_t i = 0; i < n; i++) {
        float d = p[i] - (float)i;
        s += d * d;
        if (g) g[i] = 2 * d;
    }
    return s;
}

static void test_optimizers_lower_loss(void **state)
{
    (void)state;
    for (int kind = 0; kind < 2; kind++) {
        cs_optim opt;
        assert_int_equal(cs_optim_init(&opt, (cs_optim_kind)kind, 5), CS_OK);
        const float lr = kind == CS_OPTIM_SGD ? 0.05f : 0.1f;
        float p[5] = {0}, g[5];
        float first = quad_loss(p, NULL, 5), last = first;
        for (int it = 0; it < 300; it++) {
            quad_loss(p, g, 5);
            cs_optim_step(&opt, p, g, lr);
            last = quad_loss(p, NULL, 5);
        }
        if (!(last < first * 1e-3f)) fail_msg("optimizer %d: loss %g -> %g", kind, first, last);
        /* weight decay pulls towards zero: the optimum moves below the target */
        cs_optim_reset(&opt);
        opt.weight_decay = 1.0f;
        float q[5] = {0};
        for (int it = 0; it < 2000; it++) {
            quad_loss(q, g, 5);
            cs_optim_step(&opt, q, g, lr);
        }
        assert_float_equal(q[4], 4.0f * 2.0f / 3.0f, 0.05f); /* argmin of (p-4)^2 + p^2/2 */
        cs_optim_free(&opt);
    }
}

static const char *bars_net = "input 8x8x1, conv 4@3 pad 1, relu, maxpool 2, fc 2, softmax";

static void test_training_learns(void **state)
{
    (void)state;
    cs_dataset train, test;
    make_bars(&train, 400, 1);
    make_bars(&test, 200, 2);
    for (int loss = 0; loss < 2; loss++)
        for (int optk = 0; optk < 2; optk++) {
            cs_train_config cfg;
            cs_train_config_defaults(&cfg);
            cfg.loss = (cs_loss_kind)loss;
            cfg.optimizer = (cs_optim_kind)optk;
            cfg.batch = 10;
            if (loss == CS_LOSS_MSE && optk == CS_OPTIM_SGD) cfg.lr = 0.1f;
            if (optk == CS_OPTIM_ADAM) cfg.lr = 0.01f;
            cs_trainer *tr;
            assert_int_equal(cs_trainer_create(&tr, bars_net, &cfg, &train, 1), CS_OK);
            float acc0, loss0, acc, lossv;
            cs_trainer_evaluate(tr, &test, 0, &acc0, &loss0);
            int epochs = 0;
            while (tr->epoch < 5) {
                int done;
                assert_int_equal(cs_trainer_step(tr, &done), CS_OK);
                epochs += done;
            }
            assert_int_equal(epochs, 5);
            assert_int_equal(tr->step, 5 * 40);
            assert_int_equal(tr->images_seen, 5 * 400);
            cs_trainer_evaluate(tr, &test, 0, &acc, &lossv);
            if (acc < 0.95f || lossv >= loss0)
                fail_msg("loss %d optimizer %d: accuracy %.3f (from %.3f), loss %.4f (from %.4f)", loss, optk, acc, acc0,
                         lossv, loss0);
            cs_trainer_destroy(tr);
        }
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

static void test_determinism(void **state)
{
    (void)state;
    cs_dataset train;
    make_bars(&train, 100, 4);
    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    cfg.seed = 42;
    cs_trainer *a, *b, *c;
    assert_int_equal(cs_trainer_create(&a, bars_net, &cfg, &train, 1), CS_OK);
    assert_int_equal(cs_trainer_create(&b, bars_net, &cfg, &train, 1), CS_OK);
    cfg.seed = 43;
    assert_int_equal(cs_trainer_create(&c, bars_net, &cfg, &train, 1), CS_OK);
    for (int i = 0; i < 23; i++) {
        assert_int_equal(cs_trainer_step(a, NULL), CS_OK);
        assert_int_equal(cs_trainer_step(b, NULL), CS_OK);
        assert_int_equal(cs_trainer_step(c, NULL), CS_OK);
    }
    assert_memory_equal(a->net->params, b->net->params, a->net->n_params * sizeof(float));
    assert_memory_not_equal(a->net->params, c->net->params, a->net->n_params * sizeof(float));
    /* reset to the same seed replays the same run */
    cs_trainer_reset(c, 42);
    for (int i = 0; i < 23; i++) assert_int_equal(cs_trainer_step(c, NULL), CS_OK);
    assert_memory_equal(a->net->params, c->net->params, a->net->n_params * sizeof(float));
    cs_trainer_destroy(a);
    cs_trainer_destroy(b);
    cs_trainer_destroy(c);
    cs_dataset_free(&train);
}

/* Threads share each batch's chunks; runs with the same seed on 1, 2 and 4 threads must match bit
 * for bit (chunks and their gradient sums do not depend on the thread count up to
 * CS_NET_MIN_CHUNKS threads), and the thread count is the one given, not a process setting. */
static void test_determinism_threads(void **state)
{
    (void)state;
    cs_dataset train;
    make_bars(&train, 100, 4);
    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    cfg.seed = 42;
    const char *spec = "input 8x8x1, conv 4@3 pad 1, relu, maxpool 2, conv 5@3 pad 1, relu, fc 2, softmax";
    static const int threads[] = {1, 2, 4};
    cs_trainer *tr[3];
    for (int t = 0; t < 3; t++) {
        assert_int_equal(cs_trainer_create(&tr[t], spec, &cfg, &train, threads[t]), CS_OK);
        assert_int_equal(tr[t]->net->n_threads, threads[t]);
        assert_int_equal(cs_pool_threads(tr[t]->net->pool), threads[t]);
    }
    for (int i = 0; i < 23; i++)
        for (int t = 0; t < 3; t++) assert_int_equal(cs_trainer_step(tr[t], NULL), CS_OK);
    for (int t = 1; t < 3; t++)
        assert_memory_equal(tr[0]->net->params, tr[t]->net->params, tr[0]->net->n_params * sizeof(float));
    for (int t = 0; t < 3; t++) cs_trainer_destroy(tr[t]);
    cs_dataset_free(&train);
}

static void test_divergence_detected(void **state)
{
    (void)state;
    cs_dataset train;
    make_bars(&train, 100, 5);
    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    /* a linear net under MSE grows exponentially with a huge learning rate */
    cfg.lr = 1e3f;
    cfg.loss = CS_LOSS_MSE;
    cs_trainer *tr;
    assert_int_equal(cs_trainer_create(&tr, "input 8x8x1, fc 2", &cfg, &train, 1), CS_OK);
    cs_status st = CS_OK;
    int steps = 0;
    while (st == CS_OK && steps < 100) {
        st = cs_trainer_step(tr, NULL);
        steps++;
    }
    assert_int_equal(st, CS_ERR_DIVERGED);
    assert_non_null(strstr(cs_last_error(), "diverged at step"));
    for (size_t i = 0; i < tr->net->n_params; i++) assert_true(isfinite(tr->net->params[i]));
    cs_trainer_destroy(tr);
    cs_dataset_free(&train);
}

static void test_shape_mismatch_refused(void **state)
{
    (void)state;
    cs_dataset train;
    make_bars(&train, 10, 4);
    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    cs_trainer *tr;
    assert_int_equal(cs_trainer_create(&tr, "mnist", &cfg, &train, 1), CS_ERR_SHAPE);
    assert_non_null(strstr(cs_last_error(), "8x8x1 images but the net's input is 28x28x1"));
    /* adapt 1 -> 3 channels and 8 -> 32 pixels */
    cs_dataset big;
    assert_int_equal(cs_dataset_adapt(&big, &train, 3, 32, 32), CS_OK);
    assert_int_equal(big.c, 3);
    assert_int_equal(big.pixels[0], big.pixels[32 * 32]); /* gray replicated */
    assert_int_equal(cs_trainer_create(&tr, "article", &cfg, &big, 1), CS_OK);
    assert_int_equal(cs_trainer_step(tr, NULL), CS_OK);
    cs_trainer_destroy(tr);
    cs_dataset_free(&big);
    cs_dataset_free(&train);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optimizers_lower_loss),
        cmocka_unit_test(test_training_learns),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_determinism_threads),
        cmocka_unit_test(test_divergence_detected),
        cmocka_unit_test(test_shape_mismatch_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
