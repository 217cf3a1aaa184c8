/* test_snapshot.c - plain-data snapshots: learning curves that merge instead of growing,
 * capture from a net with NaN replaced, and the triple buffer handing over whole snapshots
 * (a producer thread against a consumer: never a torn or stale-after-fresh slot). */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cs_net.h"
#include "cs_snapshot.h"

static void test_curve(void **state)
{
    (void)state;
    static cs_curve c;
    cs_curve_clear(&c);
    const int total = 3000;
    double sum = 0;
    for (int i = 0; i < total; i++) {
        float loss = 2.0f + (float)(i % 7);
        cs_curve_add(&c, i + 1, loss, 0.5f);
        sum += loss;
    }
    assert_true(c.n > CS_SNAP_HISTORY / 2 - 1 && c.n <= CS_SNAP_HISTORY);
    long w = 0;
    double wsum = 0;
    for (int i = 0; i < c.n; i++) {
        w += c.p[i].weight;
        wsum += (double)c.p[i].loss * c.p[i].weight;
        assert_float_equal(c.p[i].acc, 0.5f, 1e-6);
        if (i) assert_true(c.p[i].step > c.p[i - 1].step);
    }
    assert_int_equal(w, total);                   /* every measurement still counts */
    assert_float_equal(wsum / w, sum / total, 1e-3); /* and the mean is kept */
    assert_int_equal(c.p[c.n - 1].step, total);  /* the latest step is the right end */
}

static void test_capture(void **state)
{
    (void)state;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, "mnist", 2, 1), CS_OK);
    cs_rng rng;
    cs_rng_seed(&rng, 3);
    cs_net_init_params(net, &rng);
    for (size_t i = 0; i < (size_t)2 * 28 * 28; i++) net->input[i] = cs_rng_uniform(&rng);
    cs_net_forward(net, 2);
    static cs_snapshot s;
    assert_int_equal(cs_snapshot_init(&s, net), CS_OK);
    assert_int_equal(s.n_layers, net->n_layers);
    assert_int_equal(cs_snapshot_capture(&s, net, 1), 0);
    /* sample 1's outputs, layer by layer, and the weights */
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        assert_memory_equal(s.acts + s.act_off[l], cs_net_layer_output(net, l, 1),
                            (size_t)L->out_c * L->out_h * L->out_w * sizeof(float));
        if (L->kind == CS_LAYER_CONV) {
            assert_int_equal(s.w_count[l], L->w_count);
            assert_memory_equal(s.weights + s.w_off[l], L->w, L->w_count * sizeof(float));
        }
    }
    float sum = 0;
    for (int i = 0; i < s.n_classes; i++) sum += s.probs[i];
    assert_float_equal(sum, 1.0f, 1e-4);
    /* no pointer into the net: changing the net leaves the snapshot alone */
    float w0 = s.weights[0];
    net->params[0] += 1.0f;
    assert_float_equal(s.weights[0], w0, 0);
    /* NaN and Inf never reach the window */
    net->params[3] = NAN;
    net->params[4] = INFINITY;
    assert_int_equal(cs_snapshot_capture(&s, net, 0), 2);
    assert_int_equal(s.nonfinite, 2);
    assert_float_equal(s.weights[3], 0, 0);
    assert_float_equal(s.weights[4], 0, 0);
    /* a copy is deep */
    static cs_snapshot t;
    assert_int_equal(cs_snapshot_init(&t, net), CS_OK);
    cs_snapshot_copy(&t, &s);
    assert_ptr_not_equal(t.weights, s.weights);
    assert_memory_equal(t.weights, s.weights, s.n_weights * sizeof(float));
    cs_snapshot_free(&t);
    cs_snapshot_free(&s);
    cs_net_destroy(net);
}

/* Producer: each published snapshot is filled entirely with its sequence number. */
typedef struct {
    cs_snap_triple *t;
    int count;
} producer_arg;

static void *producer(void *p)
{
    producer_arg *a = p;
    for (int k = 1; k <= a->count; k++) {
        cs_snapshot *s = cs_snap_triple_back(a->t);
        for (size_t i = 0; i < s->n_acts; i++) s->acts[i] = (float)k;
        for (size_t i = 0; i < s->n_weights; i++) s->weights[i] = (float)k;
        s->seq = (uint64_t)k;
        cs_snap_triple_publish(a->t);
    }
    return NULL;
}

static void test_triple(void **state)
{
    (void)state;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, "input 8x8x1, conv 2@3, relu, fc 3", 1, 1), CS_OK);
    static cs_snap_triple t;
    assert_int_equal(cs_snap_triple_init(&t, net), CS_OK);
    int is_new;
    const cs_snapshot *f = cs_snap_triple_front(&t, &is_new);
    assert_false(is_new);
    assert_int_equal(f->seq, 0);
    /* single thread: publish, take, nothing fresh until the next publish */
    cs_snap_triple_back(&t)->seq = 7;
    cs_snap_triple_publish(&t);
    f = cs_snap_triple_front(&t, &is_new);
    assert_true(is_new);
    assert_int_equal(f->seq, 7);
    f = cs_snap_triple_front(&t, &is_new);
    assert_false(is_new);
    assert_int_equal(f->seq, 7);
    /* two publishes before a take: the consumer gets the newest */
    cs_snap_triple_back(&t)->seq = 8;
    cs_snap_triple_publish(&t);
    cs_snap_triple_back(&t)->seq = 9;
    cs_snap_triple_publish(&t);
    f = cs_snap_triple_front(&t, &is_new);
    assert_int_equal(f->seq, 9);
    cs_snap_triple_free(&t);

    /* threads: every snapshot the consumer sees is whole (all values equal its seq) and the
     * sequence never goes backwards */
    assert_int_equal(cs_snap_triple_init(&t, net), CS_OK);
    producer_arg a = {&t, 20000};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, producer, &a), 0);
    uint64_t last = 0;
    long checks = 0;
    while (last < (uint64_t)a.count) {
        f = cs_snap_triple_front(&t, &is_new);
        if (!is_new) continue;
        assert_true(f->seq > last);
        last = f->seq;
        for (size_t i = 0; i < f->n_acts; i++) assert_float_equal(f->acts[i], (float)f->seq, 0);
        for (size_t i = 0; i < f->n_weights; i++) assert_float_equal(f->weights[i], (float)f->seq, 0);
        checks++;
    }
    pthread_join(th, NULL);
    assert_true(checks > 0);
    cs_snap_triple_free(&t);
    cs_net_destroy(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curve),
        cmocka_unit_test(test_capture),
        cmocka_unit_test(test_triple),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
