/* test_history.c - the training history: bounded memory, even thinning that keeps the first
 * and the last record, records equal to the whole parameter block at their step (and the
 * kernels-only layout of version-1 checkpoints), random access, epoch labels, learning curves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_history.h"
#include "cs_train.h"

static const char *small_net = "input 8x8x1, conv 4@3 pad 1, relu, maxpool 2, conv 3@3, relu, fc 2, softmax";

/* Marks every parameter with the step so a record shows which step it came from. */
static void stamp(cs_net *net, int64_t step)
{
    for (size_t i = 0; i < net->n_params; i++) net->params[i] = (float)step + (float)i * 1e-3f;
}

static cs_history_meta meta_for(int64_t step)
{
    cs_history_meta m = {0};
    m.step = step;
    m.epoch = (int32_t)(step / 100);
    m.images_seen = step * 10;
    m.loss = 1.0f / (float)(step + 1);
    m.accuracy = 0.5f;
    return m;
}

static void test_layout(void **state)
{
    (void)state;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, small_net, 1, 1), CS_OK);
    cs_history *h;
    const size_t rb = cs_history_record_bytes_for(net);
    /* a record is the whole parameter block plus 32 bytes of meta */
    assert_int_equal(rb, net->n_params * sizeof(float) + 32);
    assert_int_equal(sizeof(cs_history_meta), 32);
    assert_int_equal(cs_history_create(&h, net, 10 * rb + rb / 2, 1), CS_OK);
    assert_int_equal(cs_history_capacity(h), 10);
    assert_int_equal(cs_history_layout(h), CS_HISTORY_PARAMS);
    assert_int_equal(cs_history_conv_count(h), 2);
    const cs_history_conv *c0 = cs_history_conv_at(h, 0), *c1 = cs_history_conv_at(h, 1);
    assert_string_equal(c0->name, "conv1");
    assert_int_equal(c0->oc, 4);
    assert_int_equal(c0->c, 1);
    assert_int_equal(c0->k, 3);
    assert_int_equal(c0->offset, 0);
    assert_int_equal(c1->offset, 4 * 9 + 4);
    assert_int_equal(c1->c, 4);
    /* conv1 40, conv2 111, fc1 2 x (3 x 2 x 2) + 2 */
    assert_int_equal(cs_history_record_floats(h), 4 * 9 + 4 + 3 * 4 * 9 + 3 + 2 * 12 + 2);
    assert_int_equal(cs_history_record_floats(h), net->n_params);
    stamp(net, 7);
    cs_history_meta m = meta_for(0);
    assert_int_equal(cs_history_observe(h, net, &m), 1);
    const float *bias;
    const float *k1 = cs_history_kernels(h, 0, 1, &bias);
    assert_memory_equal(k1, net->layers[3].w, net->layers[3].w_count * sizeof(float));
    assert_memory_equal(bias, net->layers[3].b, 3 * sizeof(float));
    /* the whole net: the fully connected layer's weights are in the record too */
    assert_memory_equal(cs_history_record_at(h, 0), net->params, net->n_params * sizeof(float));
    cs_history_destroy(h);
    /* too small a budget is refused with the sizes in the message */
    assert_int_equal(cs_history_create(&h, net, 3 * rb, 1), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "at least 4"));

    /* the kernels-only layout of version-1 checkpoints: conv layers back to back */
    const size_t rbc = cs_history_record_bytes_conv_for(net);
    assert_int_equal(rbc, (4 * 9 + 4 + 3 * 4 * 9 + 3) * sizeof(float) + 32);
    assert_int_equal(cs_history_create_layout(&h, net, 10 * rbc, 1, CS_HISTORY_CONV), CS_OK);
    assert_int_equal(cs_history_layout(h), CS_HISTORY_CONV);
    assert_int_equal(cs_history_record_floats(h), 4 * 9 + 4 + 3 * 4 * 9 + 3);
    assert_int_equal(cs_history_conv_at(h, 1)->offset, 4 * 9 + 4);
    assert_int_equal(cs_history_observe(h, net, &m), 1);
    k1 = cs_history_kernels(h, 0, 1, &bias);
    assert_memory_equal(k1, net->layers[3].w, net->layers[3].w_count * sizeof(float));
    assert_memory_equal(bias, net->layers[3].b, 3 * sizeof(float));
    cs_history_destroy(h);
    cs_net_destroy(net);
}

/* Epoch labels: step 0 and the steps of the first pass are epoch 1, the step that ends an epoch
 * belongs to it, the next starts the next one; the trainer's meta says so at every step. */
static void test_epoch_label(void **state)
{
    (void)state;
    cs_history_meta m = {0};
    assert_int_equal(cs_history_epoch_label(&m), 1); /* step 0 */
    m.step = 7;
    assert_int_equal(cs_history_epoch_label(&m), 1);
    m.step = 10, m.epoch = 1, m.epoch_end = 1;
    assert_int_equal(cs_history_epoch_label(&m), 1);
    m.step = 11, m.epoch_end = 0;
    assert_int_equal(cs_history_epoch_label(&m), 2);

    /* a trainer over 10 images in batches of 4: epochs end at steps 3, 6, 9 (batches 4, 4, 2) */
    cs_dataset ds;
    assert_int_equal(cs_dataset_init(&ds, "ten", 10, 1, 8, 8, 2), CS_OK);
    for (int i = 0; i < 10; i++) ds.labels[i] = i % 2;
    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    cfg.batch = 4;
    cs_trainer *tr;
    assert_int_equal(cs_trainer_create(&tr, small_net, &cfg, &ds, 1), CS_OK);
    static const int want[] = {1, 1, 1, 1, 2, 2, 2, 3, 3, 3};
    for (int step = 0; step < 10; step++) {
        const cs_history_meta t = cs_history_meta_of(tr);
        assert_int_equal(t.step, step);
        if (cs_history_epoch_label(&t) != want[step])
            fail_msg("step %d: epoch %d, expected %d", step, cs_history_epoch_label(&t), want[step]);
        int done;
        assert_int_equal(cs_trainer_step(tr, &done), CS_OK);
        assert_int_equal(done, step == 2 || step == 5 || step == 8);
    }
    cs_trainer_destroy(tr);
    cs_dataset_free(&ds);
}

/* A full curve merges neighbouring points pairwise, keeping its level and the later step. */
static void test_curve(void **state)
{
    (void)state;
    static cs_curve c;
    cs_curve_clear(&c);
    for (int i = 0; i < CS_CURVE_POINTS; i++) cs_curve_add(&c, i + 1, (float)(i % 2), 0.25f);
    assert_int_equal(c.n, CS_CURVE_POINTS);
    cs_curve_add(&c, CS_CURVE_POINTS + 1, 3.0f, 1.0f);
    assert_int_equal(c.n, CS_CURVE_POINTS / 2 + 1);
    assert_int_equal(c.p[0].step, 2);
    assert_float_equal(c.p[0].loss, 0.5f, 0.0f);
    assert_int_equal(c.p[0].weight, 2);
    assert_int_equal(c.p[c.n - 1].step, CS_CURVE_POINTS + 1);
    assert_int_equal(c.p[c.n - 1].weight, 1);
}

static void check_invariants(const cs_history *h, int64_t last_recorded)
{
    const size_t n = cs_history_count(h);
    assert_true(n >= 1 && n <= cs_history_capacity(h));
    assert_int_equal(cs_history_meta_at(h, 0)->step, 0);
    assert_int_equal(cs_history_meta_at(h, n - 1)->step, last_recorded);
    for (size_t i = 1; i < n; i++) {
        const int64_t a = cs_history_meta_at(h, i - 1)->step, b = cs_history_meta_at(h, i)->step;
        assert_true(b > a);
        /* even: no gap wider than the current interval */
        if (b - a > cs_history_interval(h))
            fail_msg("gap %lld..%lld wider than interval %ld", (long long)a, (long long)b, cs_history_interval(h));
    }
}

static void test_thinning(void **state)
{
    (void)state;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, small_net, 1, 1), CS_OK);
    const size_t rb = cs_history_record_bytes_for(net);
    for (size_t cap = 4; cap <= 37; cap += 11) {
        for (long every = 1; every <= 3; every++) {
            cs_history *h;
            assert_int_equal(cs_history_create(&h, net, cap * rb, every), CS_OK);
            assert_true(cs_history_capacity(h) * rb <= cap * rb);
            int64_t last = -1;
            for (int64_t step = 0; step <= 5000; step++) {
                stamp(net, step);
                cs_history_meta m = meta_for(step);
                if (cs_history_observe(h, net, &m)) last = step;
                if (step > 0) check_invariants(h, last);
            }
            /* the budget is used well: after thinning at least half of it is still filled */
            assert_true(cs_history_count(h) >= cap / 2);
            assert_true(cs_history_interval(h) > every);
            /* each record holds the weights of its step */
            for (size_t i = 0; i < cs_history_count(h); i++) {
                const float *r = cs_history_record_at(h, i);
                assert_float_equal(r[0], (float)cs_history_meta_at(h, i)->step, 0.0f);
                assert_float_equal(cs_history_meta_at(h, i)->loss, 1.0f / (float)(cs_history_meta_at(h, i)->step + 1),
                                   0.0f);
            }
            /* a forced final record at an off-grid step becomes the last one */
            stamp(net, 5003);
            cs_history_meta m = meta_for(5003);
            cs_history_record(h, net, &m);
            check_invariants(h, 5003);
            assert_float_equal(cs_history_record_at(h, cs_history_count(h) - 1)[0], 5003.0f, 0.0f);
            /* and an explicit thinning keeps both ends */
            cs_history_thin(h);
            check_invariants(h, 5003);
            cs_history_destroy(h);
        }
    }
    cs_net_destroy(net);
}

static void test_random_access(void **state)
{
    (void)state;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, small_net, 1, 1), CS_OK);
    cs_history *h;
    assert_int_equal(cs_history_create(&h, net, 100 * cs_history_record_bytes_for(net), 10), CS_OK);
    for (int64_t step = 0; step <= 200; step++) {
        stamp(net, step);
        cs_history_meta m = meta_for(step);
        cs_history_observe(h, net, &m);
    }
    assert_int_equal(cs_history_count(h), 21);
    assert_int_equal(cs_history_find_step(h, 0), 0);
    assert_int_equal(cs_history_find_step(h, 9), 0);
    assert_int_equal(cs_history_find_step(h, 10), 1);
    assert_int_equal(cs_history_find_step(h, 155), 15);
    assert_int_equal(cs_history_find_step(h, 100000), 20);
    cs_history_meta m;
    float *buf = malloc(cs_history_record_floats(h) * sizeof(float));
    assert_non_null(buf);
    cs_history_get(h, 15, &m, buf);
    assert_int_equal(m.step, 150);
    assert_memory_equal(buf, cs_history_record_at(h, 15), cs_history_record_floats(h) * sizeof(float));
    /* raw appends must keep steps increasing */
    cs_history *g;
    assert_int_equal(cs_history_create(&g, net, 100 * cs_history_record_bytes_for(net), 10), CS_OK);
    assert_int_equal(cs_history_append_raw(g, &m, buf), CS_OK);
    assert_int_equal(cs_history_append_raw(g, &m, buf), CS_ERR_ARG);
    free(buf);
    cs_history_destroy(g);
    cs_history_destroy(h);
    cs_net_destroy(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_thinning),
        cmocka_unit_test(test_random_access),
        cmocka_unit_test(test_epoch_label),
        cmocka_unit_test(test_curve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
