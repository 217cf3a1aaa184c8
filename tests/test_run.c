/* test_run.c - the run layer headless (cs_run.h, cs_run_driver.h): a learning-rate change takes
 * effect on the next step, a restart after a divergence lowers the rate tenfold, saving at an
 * epoch's end and resuming equals an uninterrupted run byte for byte, 1 and 4 threads train the
 * same weights, the probe the window shows is bit for bit what the net sees, curves and test
 * points come on the step schedule, and the lockstep driver trains exactly N steps per tick.
 * The whole net at any step: a recorded step rebuilt from the history gives the maps and outputs
 * the live net gave at that step (record 0: those of a fresh start of the same seed); curves come
 * back from a checkpoint as they were drawn; presets are sized to the data's classes; an image
 * file as the probe; epochs labelled one way; slow speeds with their true images/s. */
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
#include "cs_imageio.h"
#include "cs_replay.h"
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


static cs_snapshot capture_of(cs_run *run)
{
    cs_snapshot s;
    assert_int_equal(cs_run_snapshot_init(run, &s), CS_OK);
    cs_run_capture(run, &s);
    return s;
}

/* The snapshot of history record i of run, through an inspector of its own (as the window's). */
static cs_snapshot replay_of(cs_run *run, const cs_snapshot *live, size_t i)
{
    cs_inspect *ins;
    assert_int_equal(cs_inspect_create(&ins, run->net_spec), CS_OK);
    cs_snapshot s;
    assert_int_equal(cs_run_snapshot_init(run, &s), CS_OK);
    assert_true(cs_run_history_trylock(run));
    const cs_replay_record rec = cs_replay_record_at(run->hist, i);
    cs_replay_snapshot(&s, live, ins, &rec);
    cs_run_history_unlock(run);
    cs_inspect_destroy(ins);
    return s;
}

/* The whole net at a recorded step: record 0 rebuilt from the history gives exactly the maps,
 * probabilities, prediction and loss of a fresh (paused) start with the same seed, and they differ
 * from the live ones; a later record gives those of a run trained to that step. */
static void test_replay_whole_net(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    spec.net = "input 28x28x1, conv 6@5 pad 2, relu, maxpool 2, conv 8@3, relu, maxpool 2, fc 8, softmax";
    spec.keep_history = 1;
    spec.history_every = 5;
    spec.probe = 2;
    cs_run *run = open_ok(&spec), *fresh = open_ok(&spec), *at15 = open_ok(&spec);
    steps(run, 30);
    steps(at15, 15);
    assert_int_equal(cs_history_layout(run->hist), CS_HISTORY_PARAMS);
    cs_snapshot live = capture_of(run), start = capture_of(fresh), mid = capture_of(at15);
    cs_snapshot r0 = replay_of(run, &live, 0);
    assert_int_equal(cs_history_meta_at(run->hist, 0)->step, 0);
    assert_true(r0.recorded);
    assert_false(r0.record_kernels_only);
    assert_int_equal(r0.step, 0);
    assert_int_equal(r0.live_step, 30);
    assert_int_equal(r0.epoch, 1);
    assert_memory_equal(r0.weights, start.weights, start.n_weights * sizeof(float));
    assert_memory_equal(r0.acts, start.acts, start.n_acts * sizeof(float));
    assert_memory_equal(r0.probs, start.probs, (size_t)start.n_classes * sizeof(float));
    assert_int_equal(r0.predicted, start.predicted);
    assert_memory_equal(&r0.probe_loss, &start.probe_loss, sizeof(float));
    assert_true(isfinite(r0.probe_loss));
    /* and not the live ones: 30 steps changed the maps and the outputs */
    assert_true(memcmp(r0.acts, live.acts, live.n_acts * sizeof(float)) != 0);
    assert_true(memcmp(r0.probs, live.probs, (size_t)live.n_classes * sizeof(float)) != 0);
    /* the record at step 15 (records every 5 steps) is the net of a run trained 15 steps */
    const size_t i15 = cs_history_find_step(run->hist, 15);
    assert_int_equal(cs_history_meta_at(run->hist, i15)->step, 15);
    cs_snapshot r15 = replay_of(run, &live, i15);
    assert_memory_equal(r15.acts, mid.acts, mid.n_acts * sizeof(float));
    assert_memory_equal(r15.probs, mid.probs, (size_t)mid.n_classes * sizeof(float));
    assert_int_equal(r15.step, 15);
    assert_int_equal(r15.epoch, 2); /* an epoch is 10 steps: step 15 is in the second */
    assert_int_equal(r15.images_seen, 300);
    /* the live snapshot is left as it was: training is not disturbed */
    cs_snapshot again = capture_of(run);
    assert_memory_equal(again.acts, live.acts, live.n_acts * sizeof(float));
    cs_snapshot_free(&again), cs_snapshot_free(&r15), cs_snapshot_free(&r0);
    cs_snapshot_free(&mid), cs_snapshot_free(&start), cs_snapshot_free(&live);
    cs_run_close(run), cs_run_close(fresh), cs_run_close(at15);
}

/* Counters: the epoch a step belongs to, as the counter, the curves' marks and the divergence
 * banner say it: step 0 and steps 1..10 are epoch 1, step 11 epoch 2. */
static void test_epoch_counter(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    cs_run *run = open_ok(&spec);
    static const int want[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2};
    for (int step = 0; step <= 12; step++) {
        cs_snapshot s = capture_of(run);
        assert_int_equal(s.step, step);
        if (s.epoch != want[step]) fail_msg("step %d: the counter says epoch %d, expected %d", step, s.epoch, want[step]);
        cs_snapshot_free(&s);
        if (step < 12) steps(run, 1);
    }
    assert_int_equal(run->epoch_marks[0], 10);
    cs_run_close(run);
}

/* Curves are saved as drawn: a reload has the same train and test points and epoch marks, and a
 * window's reload (a start test point) adds none. The saved step is what quitting asks about. */
static void test_curves_after_reload(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    char dir[300], path[400];
    snprintf(dir, sizeof dir, "%s/cs-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/curves.ckpt", dir);
    cs_run_spec spec;
    spec_for(&spec);
    spec.keep_history = 1;
    spec.curve_every = 3;
    spec.eval_every = 4;
    spec.eval_images = 40;
    cs_run *run = open_ok(&spec);
    assert_int_equal(run->saved_step, 0);
    steps(run, 17);
    assert_true(cs_run_step(run, 1) & CS_RUN_STEPPED); /* a point by hand: off the schedule */
    assert_int_equal(cs_run_save(run, path), CS_RUN_SAVED);
    assert_int_equal(run->saved_step, 18);
    cs_run_spec rs;
    cs_run_spec_defaults(&rs);
    rs.load = path;
    rs.keep_history = 1;
    rs.eval_every = 4;
    rs.eval_images = 40;
    cs_run *back = open_ok(&rs);
    assert_int_equal(back->saved_step, 18);
    assert_true(run->train_curve.n > 5 && run->test_curve.n > 4);
    assert_int_equal(back->train_curve.n, run->train_curve.n);
    assert_memory_equal(back->train_curve.p, run->train_curve.p, (size_t)run->train_curve.n * sizeof(cs_curve_point));
    assert_int_equal(back->test_curve.n, run->test_curve.n);
    assert_memory_equal(back->test_curve.p, run->test_curve.p, (size_t)run->test_curve.n * sizeof(cs_curve_point));
    assert_int_equal(back->n_epoch_marks, 1);
    assert_int_equal(back->epoch_marks[0], 10);
    cs_snapshot a = capture_of(run), b = capture_of(back);
    assert_int_equal(a.train.n, b.train.n);
    assert_memory_equal(&a.test, &b.test, sizeof a.test);
    assert_int_equal(b.saved_step, 18);
    cs_snapshot_free(&a), cs_snapshot_free(&b);
    cs_run_close(back);
    cs_run_close(run);
    remove(path), rmdir(dir);
}

/* A preset's output layer is sized to the data (mnist on shapes: 8 outputs), a spec with another
 * count is refused naming both numbers, and a resumed run accepts the preset's name. */
static void test_output_sizing(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    spec.net = "mnist";
    cs_run *run = open_ok(&spec);
    assert_int_equal(run->trainer->net->n_classes, 8);
    assert_string_equal(run->net_name, "mnist");
    assert_non_null(strstr(run->notes, "8 outputs for the 8 classes of shapes"));
    assert_non_null(strstr(run->net_spec, "fc 8, softmax"));
    char buf[512];
    assert_string_equal(cs_run_spec_for_classes("article", 2, buf, sizeof buf),
                        "input 32x32x3, conv 12@5 pad 2, relu, maxpool 2, conv 16@5 pad 2, relu, maxpool 2, fc 2, softmax");
    assert_string_equal(cs_run_spec_for_classes("input 4x4x1, fc 3", 2, buf, sizeof buf), "input 4x4x1, fc 3");
    cs_run_close(run);
    spec.net = "input 28x28x1, conv 4@5, relu, maxpool 4, fc 10";
    assert_int_equal(cs_run_open(&run, &spec), CS_ERR_SHAPE);
    assert_non_null(strstr(cs_last_error(), "the net has 10 outputs but shapes has 8 classes"));
    spec.net = "input 28x28x1, conv 4@5, relu, maxpool 4, fc 7";
    assert_int_equal(cs_run_open(&run, &spec), CS_ERR_SHAPE);
    assert_non_null(strstr(cs_last_error(), "7 outputs"));

    /* saved and resumed with --net mnist: the preset as it was sized */
    const char *tmp = getenv("TMPDIR");
    char dir[300], path[400];
    snprintf(dir, sizeof dir, "%s/cs-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/mnist8.ckpt", dir);
    spec.net = "mnist";
    spec.save = path;
    run = open_ok(&spec);
    steps(run, 2);
    assert_int_equal(cs_run_save(run, NULL), CS_RUN_SAVED);
    cs_run_close(run);
    cs_run_spec rs;
    cs_run_spec_defaults(&rs);
    rs.load = path;
    rs.net = "mnist";
    run = open_ok(&rs);
    assert_string_equal(run->net_name, "mnist");
    assert_int_equal(run->trainer->net->n_classes, 8);
    cs_run_close(run);
    remove(path), rmdir(dir);
}

/* An image file as the probe: converted as folder images are, with the conversion stated; the
 * snapshot holds exactly its floats, has no class and no loss. */
static void test_probe_file(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    char dir[300], path[400];
    snprintf(dir, sizeof dir, "%s/cs-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/photo.png", dir);
    enum { W = 40, H = 30 };
    static uint8_t rgb[W * H * 3];
    for (int i = 0; i < W * H; i++) rgb[3 * i] = (uint8_t)(i % W * 6), rgb[3 * i + 1] = 40, rgb[3 * i + 2] = 200;
    assert_int_equal(cs_image_write_png(path, rgb, W, H), CS_OK);
    cs_run_spec spec;
    spec_for(&spec);
    cs_run *run = open_ok(&spec);
    cs_dataset one;
    char note[256];
    char detail[256];
    assert_int_equal(cs_run_load_probe_file(path, 1, 28, 28, &one, note, sizeof note, detail, sizeof detail), CS_OK);
    assert_string_equal(note, "photo.png: 40\u00D730 colour \u2192 28\u00D728 gray");
    assert_string_equal(detail, "photo.png: PNG of 40\u00D730 colour \u2192 the net's 28\u00D728 gray input, gray = "
                                "(77 R + 150 G + 29 B) / 256, resized bilinearly; pixels \u00F7 255");
    assert_int_equal(cs_run_set_probe_image(run, &one, 0, -1, note), CS_OK);
    cs_snapshot s = capture_of(run);
    assert_int_equal(s.probe_index, -1);
    assert_int_equal(s.probe_label, -1);
    assert_true(isnan(s.probe_loss));
    assert_string_equal(s.probe_note, note);
    float px[28 * 28];
    const int first = 0;
    cs_dataset_fill_batch(&one, &first, 1, px, NULL);
    assert_memory_equal(s.probe, px, sizeof px);
    /* the gray of a colour pixel is its luminance: the blue-heavy left column is dark */
    assert_true(px[0] < 0.25f);
    cs_snapshot_free(&s);
    cs_dataset_free(&one);
    /* a file that is not an image: refused naming it; the probe stays */
    assert_int_equal(cs_run_load_probe_file(dir, 1, 28, 28, &one, note, sizeof note, NULL, 0) != CS_OK, 1);
    assert_non_null(strstr(cs_last_error(), dir));
    cs_run_close(run);
    remove(path), rmdir(dir);
}

/* One batch every 5 s, in lockstep on the window's clock (60 ticks a second): steps at 0, 5 and
 * 10 s, and the true rate, 20 images / 5 s = 4 images/s, not 0. */
static void test_driver_slow_speed(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec);
    cs_run *run = open_ok(&spec);
    cs_run_driver_config dc;
    cs_run_driver_config_defaults(&dc);
    dc.lockstep = 1;
    cs_run_driver *d;
    assert_int_equal(cs_run_driver_create(&d, run, &dc), CS_OK);
    cs_run_driver_set_speed(d, 0.2);
    assert_true(cs_run_driver_speed(d) == 0.2);
    long step_at[700];
    double ips_at[700];
    for (int t = 0; t < 700; t++) {
        cs_run_driver_tick(d);
        const cs_snapshot *s = cs_run_driver_snapshot(d, NULL);
        step_at[t] = s->step, ips_at[t] = s->images_per_sec;
    }
    assert_int_equal(step_at[0], 1);     /* the first step comes at once */
    assert_int_equal(step_at[290], 1);
    assert_int_equal(step_at[310], 2);   /* 5 s later */
    assert_int_equal(step_at[590], 2);
    assert_int_equal(step_at[610], 3);
    assert_int_equal(step_at[699], 3);
    assert_true(fabs(ips_at[320] - 4.0) < 1e-6);
    assert_true(fabs(ips_at[699] - 4.0) < 1e-6);
    /* 2 batches a second: 40 images/s */
    cs_run_driver_set_speed(d, 2);
    for (int t = 0; t < 120; t++) cs_run_driver_tick(d);
    assert_true(fabs(cs_run_driver_snapshot(d, NULL)->images_per_sec - 40.0) < 1e-6);
    /* paused: no rate */
    cs_run_driver_set_paused(d, 1);
    cs_run_driver_tick(d);
    assert_true(cs_run_driver_snapshot(d, NULL)->images_per_sec == 0);
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
        cmocka_unit_test(test_replay_whole_net),
        cmocka_unit_test(test_epoch_counter),
        cmocka_unit_test(test_curves_after_reload),
        cmocka_unit_test(test_output_sizing),
        cmocka_unit_test(test_probe_file),
        cmocka_unit_test(test_driver_slow_speed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
