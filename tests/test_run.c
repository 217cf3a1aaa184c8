/* test_run.c - the run layer headless (cs_run.h, cs_run_driver.h): a learning-rate change takes
 * effect on the next step, a restart after a divergence lowers the rate tenfold, saving at an
 * epoch's end and resuming equals an uninterrupted run byte for byte, 1 and 4 threads train the
 * same weights, the probe the window shows is bit for bit what the net sees, curves and test
 * points come on the step schedule, and the lockstep driver trains exactly N steps per tick. */
#define _DEFAULT_SOURCE
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

#include "cs_run.h"
#include "cs_run_driver.h"

/* A small net for the built-in shapes (28x28 gray, 8 classes). */
static const char *small_net = "input 28x28x1, conv 4@5, relu, maxpool 4, fc 8";

/* 200 training images in batches of 20: an epoch is 10 steps. */
static void spec_for(cs_run_spec *spec)
{
    cs_run_spec_defaults(spec);
    spec->dataset = "shapes";
    spec->net = small_net;
    spec->limit = 200;
    spec->cfg.seed = 7;
}

static cs_run *open_ok(const cs_run_spec *spec)
{
    cs_run *run;
    if (cs_run_open(&run, spec) != CS_OK) fail_msg("cs_run_open: %s", cs_last_error());
    return run;
}

static void steps(cs_run *run, int n)
{
    for (int i = 0; i < n; i++)
        if (!(cs_run_step(run, 0) & CS_RUN_STEPPED)) fail_msg("step %d did not train: %s", i, run->message);
}

static const float *params(const cs_run *run) { return run->trainer->net->params; }
static size_t n_params(const cs_run *run) { return run->trainer->net->n_params; }

/* Plain SGD (no momentum): a step moves the weights by -lr x gradient. Two identical runs, one of
 * which changes its rate before the step, move by amounts in the ratio of the rates: the new rate
 * took effect on that very step. */
static void test_lr_next_step(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    spec.cfg.momentum = 0;
    spec.cfg.lr = 0.01f;
    cs_run *a = open_ok(&spec), *b = open_ok(&spec);
    steps(a, 5), steps(b, 5);
    assert_memory_equal(params(a), params(b), n_params(a) * sizeof(float));
    const size_t n = n_params(a);
    float *before = malloc(n * sizeof *before);
    memcpy(before, params(a), n * sizeof *before);
    cs_run_set_lr(b, 0.04f);
    assert_float_equal(b->trainer->cfg.lr, 0.04f, 0.0f);
    steps(a, 1), steps(b, 1);
    int compared = 0;
    for (size_t i = 0; i < n; i++) {
        const double da = (double)params(a)[i] - before[i], db = (double)params(b)[i] - before[i];
        if (fabs(da) < 1e-6) continue;
        if (fabs(db / da - 4.0) > 1e-2) fail_msg("weight %zu moved %g at lr 0.01 but %g at lr 0.04", i, da, db);
        compared++;
    }
    assert_true(compared > 50);
    /* the snapshot reports the rate's one home */
    cs_snapshot s;
    assert_int_equal(cs_run_snapshot_init(b, &s), CS_OK);
    cs_run_capture(b, &s);
    assert_float_equal(s.lr, 0.04f, 0.0f);
    cs_snapshot_free(&s);
    free(before);
    cs_run_close(a);
    cs_run_close(b);
}

/* A rate of 1000 under MSE on a linear net explodes; the step that diverges is not applied, the
 * run refuses to step again, and a restart gives new weights at a tenth of the rate. A restart
 * without a divergence keeps the rate. */
static void test_restart_after_divergence(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    spec.net = "input 28x28x1, fc 8";
    spec.cfg.lr = 1000.0f;
    spec.cfg.loss = CS_LOSS_MSE;
    cs_run *run = open_ok(&spec);
    int ev = 0, n = 0;
    while (!(ev & CS_RUN_DIVERGED) && n < 100) ev = cs_run_step(run, 0), n++;
    assert_true(ev & CS_RUN_DIVERGED);
    assert_true(run->diverged);
    assert_non_null(strstr(run->message, "diverged at step"));
    for (size_t i = 0; i < n_params(run); i++) assert_true(isfinite(params(run)[i]));
    assert_int_equal(cs_run_step(run, 0), 0); /* nothing trains until a restart */
    const uint64_t seed = run->trainer->cfg.seed;
    assert_true(cs_run_restart(run) & CS_RUN_RESTARTED);
    assert_false(run->diverged);
    assert_float_equal(run->trainer->cfg.lr, 1000.0f * 0.1f, 0.0f);
    assert_int_equal(run->trainer->step, 0);
    assert_int_equal(run->trainer->cfg.seed, seed + 1);
    assert_non_null(strstr(run->event, "a tenth of the learning rate"));
    assert_true(cs_run_step(run, 0) & CS_RUN_STEPPED);
    cs_run_restart(run);
    assert_float_equal(run->trainer->cfg.lr, 100.0f, 0.0f);
    assert_int_equal(run->trainer->cfg.seed, seed + 2);
    cs_run_close(run);
}

static char *read_file(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)*size);
    if (fread(b, 1, (size_t)*size, f) != (size_t)*size) fail_msg("short read of %s", path);
    fclose(f);
    return b;
}

static void train_epochs(cs_run *run, int epochs)
{
    const int last = run->trainer->epoch + epochs;
    while (run->trainer->epoch < last) {
        const int ev = cs_run_step(run, 0);
        if (ev & (CS_RUN_DIVERGED | CS_RUN_SAVE_FAILED)) fail_msg("%s", run->event);
        if ((ev & CS_RUN_EPOCH_DONE) && run->trainer->epoch <= last) assert_true(ev & CS_RUN_SAVED);
    }
}

/* One epoch, saved at its end, resumed for a second, writes the very bytes of two epochs in one
 * go: weights, optimizer, data order, random state, counters and history. */
static void test_save_resume_equals_uninterrupted(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    char dir[300], part[400], resumed[400], full[400];
    snprintf(dir, sizeof dir, "%s/cs-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(part, sizeof part, "%s/part.ckpt", dir);
    snprintf(resumed, sizeof resumed, "%s/resumed.ckpt", dir);
    snprintf(full, sizeof full, "%s/full.ckpt", dir);
    cs_run_spec spec;
    spec_for(&spec);
    spec.history_every = 3;
    spec.save = part;
    cs_run *p = open_ok(&spec);
    train_epochs(p, 1);
    cs_run_close(p);

    cs_run_spec rs;
    cs_run_spec_defaults(&rs);
    rs.load = part;
    rs.save = resumed;
    cs_run *r = open_ok(&rs);
    assert_true(r->resumed);
    assert_int_equal(r->trainer->epoch, 1);
    assert_int_equal(r->trainer->step, 10);
    assert_string_equal(r->net_name, "custom");
    train_epochs(r, 1);

    spec.save = full;
    cs_run *f = open_ok(&spec);
    train_epochs(f, 2);
    assert_memory_equal(params(f), params(r), n_params(f) * sizeof(float));
    long na, nb;
    char *a = read_file(full, &na), *b = read_file(resumed, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, (size_t)na);
    /* the epoch summaries agree too: the resumed run continues the count */
    assert_int_equal(r->last_epoch.epoch, 2);
    assert_float_equal(r->last_epoch.test_accuracy, f->last_epoch.test_accuracy, 0.0);
    free(a), free(b);
    cs_run_close(r);
    cs_run_close(f);
    remove(part), remove(resumed), remove(full), rmdir(dir);
}

/* The thread count is an argument of the run's net: 1 and 4 threads train bit-identical weights. */
static void test_threads_same_weights(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    spec.net = "input 28x28x1, conv 6@5 pad 2, relu, maxpool 2, conv 8@3, relu, fc 8";
    cs_run *one = open_ok(&spec);
    spec.threads = 4;
    cs_run *four = open_ok(&spec);
    assert_int_equal(one->trainer->net->n_threads, 1);
    assert_int_equal(four->trainer->net->n_threads, 4);
    assert_int_equal(cs_pool_threads(four->trainer->net->pool), 4);
    steps(one, 25), steps(four, 25);
    assert_memory_equal(params(one), params(four), n_params(one) * sizeof(float));
    cs_run_close(one);
    cs_run_close(four);
}

/* The probe's floats are converted once: the snapshot holds exactly what the net gets in a
 * batch, and the snapshot's maps are the training net's own forward pass of that image. */
static void test_probe_one_conversion(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    spec.probe = 3;
    cs_run *run = open_ok(&spec);
    steps(run, 4);
    cs_snapshot s;
    assert_int_equal(cs_run_snapshot_init(run, &s), CS_OK);
    cs_run_capture(run, &s);
    cs_net *net = run->trainer->net;
    const size_t per = (size_t)net->in_c * net->in_h * net->in_w;
    const int index = 3;
    int label;
    cs_dataset_fill_batch(&run->test, &index, 1, net->input, &label);
    assert_int_equal(s.probe_index, 3);
    assert_int_equal(s.probe_label, label);
    assert_memory_equal(s.probe, net->input, per * sizeof(float));
    cs_net_forward(net, 1);
    const int last = net->n_layers - 1;
    assert_memory_equal(s.acts + s.act_off[last], cs_net_layer_output(net, last, 0), (size_t)net->n_classes * sizeof(float));
    assert_memory_equal(s.weights, net->params, net->n_params * sizeof(float));
    /* another thread's inspector under the same weights sees the same maps */
    cs_inspect *ins;
    assert_int_equal(cs_inspect_create(&ins, run->net_spec), CS_OK);
    cs_snapshot t;
    assert_int_equal(cs_run_snapshot_init(run, &t), CS_OK);
    cs_inspect_capture(ins, net->params, s.probe, &t);
    assert_memory_equal(t.acts, s.acts, s.n_acts * sizeof(float));
    cs_snapshot_free(&t);
    cs_inspect_destroy(ins);
    /* every byte value comes back from its float exactly (exports rely on it) */
    for (int b = 0; b < 256; b++) assert_int_equal((int)lrintf((float)b * (1.0f / 255.0f) * 255.0f), b);
    /* the probe wraps around the test set */
    cs_run_set_probe(run, -1);
    assert_int_equal(run->probe, run->test.n - 1);
    cs_snapshot_free(&s);
    cs_run_close(run);
}

/* Curves come on the step schedule: train points every curve_every steps and at epoch ends, test
 * points at the start, every eval_every steps and at epoch ends. */
static void test_step_schedule(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    spec.curve_every = 4;
    spec.eval_every = 6;
    spec.eval_images = 50;
    cs_run *run = open_ok(&spec);
    assert_int_equal(run->test_curve.n, 1);
    assert_int_equal(run->test_curve.p[0].step, 0);
    steps(run, 13);
    /* train: every 4 steps and the epoch's end at 10; test: the start, every 6 steps, the epoch's end */
    const long train_steps[] = {4, 8, 10, 12}, test_steps[] = {0, 6, 10, 12};
    assert_int_equal(run->train_curve.n, 4);
    for (int i = 0; i < 4; i++) assert_int_equal(run->train_curve.p[i].step, train_steps[i]);
    assert_int_equal(run->test_curve.n, 4);
    for (int i = 0; i < 4; i++) assert_int_equal(run->test_curve.p[i].step, test_steps[i]);
    assert_int_equal(run->n_epoch_marks, 1);
    assert_int_equal(run->epoch_marks[0], 10);
    assert_int_equal(run->last_epoch.epoch, 1);
    /* flush: a point for this very step */
    assert_true(cs_run_step(run, 1) & CS_RUN_STEPPED);
    assert_int_equal(run->train_curve.p[run->train_curve.n - 1].step, 14);
    cs_run_close(run);
}

/* Opening from given weights (an imported model): the run starts with exactly them. */
static void test_open_with_params(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    cs_run *a = open_ok(&spec);
    steps(a, 3);
    spec.params = params(a);
    spec.n_params = n_params(a);
    spec.cfg.seed = 99;
    cs_run *b = open_ok(&spec);
    assert_memory_equal(params(a), params(b), n_params(a) * sizeof(float));
    spec.n_params = 5;
    cs_run *c;
    assert_int_equal(cs_run_open(&c, &spec), CS_ERR_SHAPE);
    assert_null(c);
    assert_non_null(strstr(cs_last_error(), "5 weights were given for a net of"));
    spec.load = "run.ckpt";
    assert_int_equal(cs_run_open(&c, &spec), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "not both"));
    cs_run_close(a);
    cs_run_close(b);
}

static void test_open_errors(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    spec.net = "input 28x28x1, conv 4@5, wibble";
    cs_run *run;
    assert_int_equal(cs_run_open(&run, &spec), CS_ERR_SPEC);
    assert_null(run);
    assert_non_null(strstr(cs_last_error(), "unknown layer 'wibble'"));
    spec.net = small_net;
    spec.dataset = "nosuchset";
    assert_true(cs_run_open(&run, &spec) != CS_OK);
    assert_non_null(strstr(cs_last_error(), "nosuchset"));
    spec.dataset = "shapes";
    spec.load = "/nonexistent/run.ckpt";
    assert_true(cs_run_open(&run, &spec) != CS_OK);
    assert_non_null(strstr(cs_last_error(), "/nonexistent/run.ckpt"));
}

static int events_seen;
static void count_events(void *ctx, int events, const char *text)
{
    (void)ctx, (void)text;
    events_seen |= events;
}

/* Lockstep: every tick trains exactly N steps and publishes; paused ticks train nothing but
 * apply one-step, probe and rate requests; the epoch limit pauses; a divergence pauses. */
static void test_driver_lockstep(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    cs_run *run = open_ok(&spec);
    cs_run_driver_config dc;
    cs_run_driver_config_defaults(&dc);
    dc.lockstep = 3;
    dc.epoch_limit = 2;
    dc.on_event = count_events;
    cs_run_driver *d;
    assert_int_equal(cs_run_driver_create(&d, run, &dc), CS_OK);
    int is_new;
    const cs_snapshot *s = cs_run_driver_snapshot(d, &is_new);
    assert_true(is_new);
    assert_int_equal(s->step, 0); /* frame 0 shows step 0 */
    for (int t = 1; t <= 5; t++) {
        cs_run_driver_tick(d);
        s = cs_run_driver_snapshot(d, &is_new);
        assert_true(is_new);
        assert_int_equal(s->step, 3 * t);
    }
    cs_run_driver_set_paused(d, 1);
    cs_run_driver_tick(d);
    assert_int_equal(cs_run_driver_snapshot(d, NULL)->step, 15);
    cs_run_driver_request_step(d);
    cs_run_driver_set_probe(d, 5);
    cs_run_driver_set_lr(d, 0.02f);
    cs_run_driver_tick(d);
    s = cs_run_driver_snapshot(d, NULL);
    assert_int_equal(s->step, 16);
    assert_int_equal(s->probe_index, 5);
    assert_float_equal(s->lr, 0.02f, 0.0f);
    assert_float_equal(run->trainer->cfg.lr, 0.02f, 0.0f);
    assert_int_equal(s->test.p[s->test.n - 1].step, 16); /* a step by hand gets its test point */
    /* the epoch limit (2 epochs = 20 steps) pauses at step 20 */
    cs_run_driver_set_paused(d, 0);
    for (int t = 0; t < 4; t++) cs_run_driver_tick(d);
    assert_int_equal(run->trainer->step, 20);
    assert_true(cs_run_driver_paused(d));
    assert_true(events_seen & CS_RUN_EPOCH_DONE);
    /* a restart request: step 0, new seed */
    cs_run_driver_request_restart(d);
    cs_run_driver_tick(d);
    s = cs_run_driver_snapshot(d, NULL);
    assert_int_equal(s->step, 0);
    assert_int_equal(s->seed, 8);
    assert_true(events_seen & CS_RUN_RESTARTED);
    cs_run_driver_destroy(d);
    cs_run_close(run);
}

/* Its own thread: it trains while the caller only reads snapshots, and stops cleanly. */
static void test_driver_thread(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    cs_run *run = open_ok(&spec);
    cs_run_driver_config dc;
    cs_run_driver_config_defaults(&dc);
    cs_run_driver *d;
    assert_int_equal(cs_run_driver_create(&d, run, &dc), CS_OK);
    long seen = 0;
    for (int i = 0; i < 2000 && seen < 30; i++) {
        seen = cs_run_driver_snapshot(d, NULL)->step;
        usleep(1000);
    }
    cs_run_driver_stop(d);
    assert_true(seen >= 30);
    assert_true(run->trainer->step >= seen);
    double seconds;
    long images;
    cs_run_driver_train_time(d, &seconds, &images);
    assert_true(seconds > 0 && images >= 30 * 20);
    cs_run_driver_destroy(d);
    cs_run_close(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lr_next_step),
        cmocka_unit_test(test_restart_after_divergence),
        cmocka_unit_test(test_save_resume_equals_uninterrupted),
        cmocka_unit_test(test_threads_same_weights),
        cmocka_unit_test(test_probe_one_conversion),
        cmocka_unit_test(test_step_schedule),
        cmocka_unit_test(test_open_with_params),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_driver_lockstep),
        cmocka_unit_test(test_driver_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
