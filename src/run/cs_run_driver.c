/* cs_run_driver.c - a cs_run driven on a thread of its own or in lockstep with a window's
 * frames: controls through atomics, snapshots through a triple buffer (see cs_run_driver.h). */
#define _DEFAULT_SOURCE
#include "cs_run_driver.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* Images per second are measured over the last steps: at most IPS_STAMPS of them within
 * IPS_WINDOW seconds, and always the last two, so one batch every 5 s still reads its true
 * rate (batch / 5 s) instead of 0 between steps. */
enum { IPS_STAMPS = 64 };
static const double IPS_WINDOW = 2.0;

struct cs_run_driver {
    cs_run *run;                 /* borrowed; the driving thread's while it runs */
    cs_run_driver_config cfg;
    pthread_t thread;
    int started, stopped;

    /* controls: any thread -> the driving thread */
    atomic_int quit, paused, probe, epoch_limit, grads;
    _Atomic double speed;        /* batches per second; 0 full speed */
    atomic_long step_requests, restart_requests, save_requests, lr_requests;
    _Atomic float lr;
    pthread_mutex_t save_mu;     /* guards save_path and the pending probe image */
    char save_path[1024];        /* "" for the run's own path */
    atomic_long probe_image_requests;
    atomic_long probe_requests;  /* counts set_probe calls: the same index again replaces a photo */
    cs_dataset probe_image;      /* the image to make the probe (one image), owned; under save_mu */
    int have_probe_image;
    char probe_note[256];

    /* the driving thread's */
    long seen_steps, seen_restarts, seen_saves, seen_lr, seen_probe_images, seen_probe_requests;
    int seen_probe, seen_grads;
    long ticks;                  /* lockstep: ticks so far; the clock is ticks x tick_seconds */
    double clock;
    double next_step;            /* throttled speeds: when the next step is due */
    long throttled_steps;        /* steps at a throttled speed since the last test point */
    double ips;                  /* images per second over the last steps (see measure) */
    double stamp_t[IPS_STAMPS];  /* when each of the last steps ended (its clock) ... */
    long stamp_img[IPS_STAMPS];  /* ... and the images seen then */
    int n_stamps;
    double stamp_speed;          /* the speed the stamps were taken at */
    int dirty, data_changed, urgent, last_paused;
    double last_pub;
    uint64_t seq, data_seq;
    double run_seconds;          /* unpaused, full-speed training time and images */
    long run_images;

    cs_snap_triple snaps;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sleep_seconds(double s)
{
    if (s <= 0) return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

void cs_run_driver_config_defaults(cs_run_driver_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->tick_seconds = 1.0 / 60.0;
    cfg->publish_hz = 20;
}

/* ---- the driving side ---------------------------------------------------------------------- */

static void report(cs_run_driver *d, int events)
{
    if (events && d->cfg.on_event) d->cfg.on_event(d->cfg.ctx, events, d->run->event);
}

/* Requests of the controls (restart, learning rate, probe, save), applied in that order. */
static void apply_controls(cs_run_driver *d)
{
    cs_run *run = d->run;
    int ev = 0;
    const long r = atomic_load(&d->restart_requests);
    if (r != d->seen_restarts) {
        d->seen_restarts = r;
        ev |= cs_run_restart(run);
        d->data_changed = d->urgent = 1, d->throttled_steps = 0;
        d->ips = 0, d->n_stamps = 0;
    }
    const long l = atomic_load(&d->lr_requests);
    if (l != d->seen_lr) {
        d->seen_lr = l;
        cs_run_set_lr(run, atomic_load(&d->lr));
        d->dirty = d->urgent = 1;
    }
    const long pi = atomic_load(&d->probe_image_requests);
    if (pi != d->seen_probe_images) {
        d->seen_probe_images = pi;
        pthread_mutex_lock(&d->save_mu);
        if (d->have_probe_image) cs_run_set_probe_image(run, &d->probe_image, 0, -1, d->probe_note);
        pthread_mutex_unlock(&d->save_mu);
        d->data_changed = d->urgent = 1;
    }
    const int p = atomic_load(&d->probe);
    const long pr = atomic_load(&d->probe_requests);
    if (p != d->seen_probe || pr != d->seen_probe_requests) {
        d->seen_probe = p, d->seen_probe_requests = pr;
        cs_run_set_probe(run, p);
        d->data_changed = d->urgent = 1;
    }
    const int g = atomic_load(&d->grads);
    if (g != d->seen_grads) {
        d->seen_grads = g;
        cs_run_set_capture_grads(run, g);
        d->data_changed = d->urgent = 1; /* the next snapshot carries gradients, or none */
    }
    const long s = atomic_load(&d->save_requests);
    if (s != d->seen_saves) {
        d->seen_saves = s;
        char path[sizeof d->save_path];
        pthread_mutex_lock(&d->save_mu);
        memcpy(path, d->save_path, sizeof path);
        pthread_mutex_unlock(&d->save_mu);
        ev |= cs_run_save(run, path[0] ? path : NULL);
        d->dirty = d->urgent = 1;
    }
    report(d, ev);
}

/* Notes that a step ended at time t (the driver's clock) with `images` seen, and updates the rate:
 * images over the time between the oldest and the newest stamp kept. */
static void stamp(cs_run_driver *d, double t, long images)
{
    if (d->n_stamps == IPS_STAMPS) {
        memmove(d->stamp_t, d->stamp_t + 1, (IPS_STAMPS - 1) * sizeof d->stamp_t[0]);
        memmove(d->stamp_img, d->stamp_img + 1, (IPS_STAMPS - 1) * sizeof d->stamp_img[0]);
        d->n_stamps--;
    }
    d->stamp_t[d->n_stamps] = t, d->stamp_img[d->n_stamps] = images, d->n_stamps++;
    int first = 0;
    while (d->n_stamps - first > 2 && t - d->stamp_t[first] > IPS_WINDOW) first++;
    if (first) {
        memmove(d->stamp_t, d->stamp_t + first, (size_t)(d->n_stamps - first) * sizeof d->stamp_t[0]);
        memmove(d->stamp_img, d->stamp_img + first, (size_t)(d->n_stamps - first) * sizeof d->stamp_img[0]);
        d->n_stamps -= first;
    }
    const double span = t - d->stamp_t[0];
    if (d->n_stamps >= 2 && span > 0) d->ips = (double)(images - d->stamp_img[0]) / span;
}

/* One step and what it means for the controls: a divergence or the epoch limit pauses. t is the
 * time the step ends at (the driver's clock for throttled steps, else the real clock). */
static int step_one(cs_run_driver *d, int flush, double t)
{
    cs_run *run = d->run;
    const int ev = cs_run_step(run, flush);
    if (ev & CS_RUN_STEPPED) stamp(d, t < 0 ? now_seconds() : t, run->trainer->images_seen);
    if (ev & CS_RUN_DIVERGED) atomic_store(&d->paused, 1);
    const int limit = atomic_load(&d->epoch_limit);
    if ((ev & CS_RUN_EPOCH_DONE) && limit > 0 && run->trainer->epoch >= limit) atomic_store(&d->paused, 1);
    if (ev & CS_RUN_EVALUATED) d->throttled_steps = 0;
    d->data_changed = 1;
    report(d, ev);
    return ev;
}

static int running(const cs_run_driver *d) { return !atomic_load(&d->paused) && !d->run->diverged; }

/* Trains what is due at time now; returns the number of steps taken. */
static int train(cs_run_driver *d, double now, int lockstep)
{
    cs_run *run = d->run;
    int steps = 0;
    const long sr = atomic_load(&d->step_requests);
    const int manual = sr != d->seen_steps;
    for (; d->seen_steps != sr && !run->diverged; d->seen_steps++) steps += (step_one(d, 1, -1) & CS_RUN_STEPPED) != 0;
    d->seen_steps = sr;
    if (manual && steps > 0 && !running(d)) report(d, cs_run_test_point(run)); /* a step by hand shows at once */
    const double speed = atomic_load(&d->speed);
    if (speed != d->stamp_speed) {
        d->stamp_speed = speed, d->n_stamps = 0, d->ips = 0; /* measure anew */
        /* faster: the next step need not wait out the old, longer period */
        if (speed > 0) d->next_step = fmin(d->next_step, now + 1.0 / speed);
    }
    if (speed == 0) {
        const double t0 = now_seconds();
        const long seen = run->trainer->images_seen;
        int n = 0;
        for (const int want = lockstep > 0 ? lockstep : 1; n < want && running(d); n++) step_one(d, 0, -1);
        if (n > 0) d->run_seconds += now_seconds() - t0, d->run_images += run->trainer->images_seen - seen;
        return steps + n;
    }
    /* throttled: one step per 1/speed seconds; a late loop does not race to catch up */
    while (running(d) && now >= d->next_step) {
        d->next_step = fmax(d->next_step + 1.0 / speed, now - 0.5 / speed);
        const int ev = step_one(d, 1, now);
        steps++;
        /* a test point about every two seconds of throttled training (every step below 0.5/s) */
        if ((ev & CS_RUN_STEPPED) && ++d->throttled_steps >= 2.0 * speed) report(d, cs_run_test_point(run)), d->throttled_steps = 0;
    }
    if (!running(d)) d->next_step = now;
    return steps;
}

/* Paused or stopped: no rate, and the next one is measured from the next steps only. */
static void measure(cs_run_driver *d)
{
    if (!running(d)) d->ips = 0, d->n_stamps = 0;
}

static void publish(cs_run_driver *d)
{
    cs_snapshot *s = cs_snap_triple_back(&d->snaps);
    cs_run_capture(d->run, s);
    s->paused = atomic_load(&d->paused);
    s->images_per_sec = running(d) ? d->ips : 0.0;
    if (d->data_changed) d->data_seq++;
    s->data_seq = d->data_seq;
    s->seq = ++d->seq;
    cs_snap_triple_publish(&d->snaps);
    d->dirty = d->data_changed = d->urgent = 0;
    d->last_paused = s->paused;
    d->last_pub = now_seconds();
}

/* Controls, training due at `now`, and a snapshot when something changed (in lockstep at once,
 * else at most publish_hz a second unless a control asked for it). Returns the steps taken. */
static int tick(cs_run_driver *d, double now, int lockstep)
{
    apply_controls(d);
    const int steps = train(d, now, lockstep);
    measure(d);
    if (atomic_load(&d->paused) != d->last_paused) d->urgent = 1;
    if (d->data_changed || d->urgent) d->dirty = 1;
    const double hz = d->cfg.publish_hz > 0 ? d->cfg.publish_hz : 20;
    if (d->dirty && (lockstep > 0 || d->urgent || now_seconds() - d->last_pub >= 1.0 / hz)) publish(d);
    return steps;
}

static void *thread_main(void *arg)
{
    cs_run_driver *d = arg;
#ifdef __linux__
    /* a little below the window: training takes every idle cycle, but when both want the same
     * core a frame goes first (Linux nice values are per thread) */
    if (d->cfg.lower_priority) setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 4);
#endif
    while (!atomic_load(&d->quit)) {
        const double t = now_seconds();
        if (tick(d, t, 0) > 0) continue;
        /* idle: paused, diverged or waiting for the next throttled step */
        double wait = 0.005;
        if (running(d) && atomic_load(&d->speed) != 0) wait = fmin(wait, d->next_step - now_seconds());
        sleep_seconds(wait);
    }
    return NULL;
}

/* ---- the controlling side ------------------------------------------------------------------ */

cs_status cs_run_driver_create(cs_run_driver **out, cs_run *run, const cs_run_driver_config *cfg)
{
    *out = NULL;
    cs_run_driver *d = calloc(1, sizeof *d);
    if (!d) return cs_fail(CS_ERR_NOMEM, "out of memory");
    d->run = run;
    d->cfg = *cfg;
    if (!(d->cfg.tick_seconds > 0)) d->cfg.tick_seconds = 1.0 / 60.0;
    cs_status st = cs_snap_triple_init(&d->snaps, run->trainer->net);
    if (st) {
        free(d);
        return st;
    }
    if (pthread_mutex_init(&d->save_mu, NULL) != 0) {
        cs_snap_triple_free(&d->snaps);
        free(d);
        return cs_fail(CS_ERR_NOMEM, "cannot create a mutex");
    }
    atomic_store(&d->lr, run->trainer->cfg.lr);
    atomic_store(&d->probe, run->probe);
    atomic_store(&d->paused, cfg->paused != 0);
    atomic_store(&d->epoch_limit, cfg->epoch_limit);
    d->seen_probe = run->probe;
    atomic_store(&d->grads, run->capture_grads);
    d->seen_grads = run->capture_grads;
    d->last_paused = -1;
    d->dirty = d->data_changed = 1;
    if (cfg->lockstep > 0) {
        publish(d);
    } else {
        if (pthread_create(&d->thread, NULL, thread_main, d) != 0) {
            pthread_mutex_destroy(&d->save_mu);
            cs_snap_triple_free(&d->snaps);
            free(d);
            return cs_fail(CS_ERR_NOMEM, "cannot start the training thread");
        }
        d->started = 1;
    }
    *out = d;
    return CS_OK;
}

void cs_run_driver_stop(cs_run_driver *d)
{
    if (d->stopped) return;
    d->stopped = 1;
    atomic_store(&d->quit, 1);
    if (d->started) pthread_join(d->thread, NULL);
    if (cs_run_save_path(d->run)) report(d, cs_run_save(d->run, NULL));
}

void cs_run_driver_destroy(cs_run_driver *d)
{
    if (!d) return;
    cs_run_driver_stop(d);
    if (d->have_probe_image) cs_dataset_free(&d->probe_image);
    pthread_mutex_destroy(&d->save_mu);
    cs_snap_triple_free(&d->snaps);
    free(d);
}

void cs_run_driver_set_paused(cs_run_driver *d, int paused) { atomic_store(&d->paused, paused != 0); }
int cs_run_driver_paused(const cs_run_driver *d) { return atomic_load(&d->paused); }
void cs_run_driver_set_speed(cs_run_driver *d, double bps)
{
    atomic_store(&d->speed, bps > 0 && isfinite(bps) ? bps : 0.0);
}
double cs_run_driver_speed(const cs_run_driver *d) { return atomic_load(&d->speed); }

void cs_run_driver_set_lr(cs_run_driver *d, float lr)
{
    atomic_store(&d->lr, lr);
    atomic_fetch_add(&d->lr_requests, 1);
}

void cs_run_driver_set_probe(cs_run_driver *d, int index)
{
    atomic_store(&d->probe, index);
    atomic_fetch_add(&d->probe_requests, 1);
}
void cs_run_driver_set_capture_grads(cs_run_driver *d, int on) { atomic_store(&d->grads, on != 0); }
int cs_run_driver_probe(const cs_run_driver *d) { return atomic_load(&d->probe); }
void cs_run_driver_request_step(cs_run_driver *d) { atomic_fetch_add(&d->step_requests, 1); }
void cs_run_driver_request_restart(cs_run_driver *d) { atomic_fetch_add(&d->restart_requests, 1); }

void cs_run_driver_request_save(cs_run_driver *d, const char *path)
{
    pthread_mutex_lock(&d->save_mu);
    snprintf(d->save_path, sizeof d->save_path, "%s", path ? path : "");
    pthread_mutex_unlock(&d->save_mu);
    atomic_fetch_add(&d->save_requests, 1);
}

cs_status cs_run_driver_set_probe_image(cs_run_driver *d, const cs_dataset *ds, const char *note)
{
    const cs_net *n = d->run->trainer->net; /* its input shape is fixed while the run lasts */
    if (ds->n < 1 || ds->c != n->in_c || ds->h != n->in_h || ds->w != n->in_w)
        return cs_fail(CS_ERR_SHAPE, "%s has %dx%dx%d images but the net's input is %dx%dx%d", ds->name, ds->h, ds->w,
                       ds->c, n->in_h, n->in_w, n->in_c);
    cs_dataset copy;
    cs_status st = cs_dataset_init(&copy, ds->name, 1, ds->c, ds->h, ds->w, 1);
    if (st) return st;
    memcpy(copy.pixels, ds->pixels, (size_t)ds->c * ds->h * ds->w);
    pthread_mutex_lock(&d->save_mu);
    if (d->have_probe_image) cs_dataset_free(&d->probe_image);
    d->probe_image = copy;
    d->have_probe_image = 1;
    snprintf(d->probe_note, sizeof d->probe_note, "%s", note ? note : ds->name);
    pthread_mutex_unlock(&d->save_mu);
    atomic_fetch_add(&d->probe_image_requests, 1);
    return CS_OK;
}

void cs_run_driver_set_epoch_limit(cs_run_driver *d, int epochs) { atomic_store(&d->epoch_limit, epochs); }

void cs_run_driver_tick(cs_run_driver *d)
{
    if (d->cfg.lockstep <= 0 || d->stopped) return;
    tick(d, d->clock, d->cfg.lockstep);
    d->ticks++;
    d->clock = (double)d->ticks * d->cfg.tick_seconds; /* no drift from adding up 1/60s */
}

const cs_snapshot *cs_run_driver_snapshot(cs_run_driver *d, int *is_new) { return cs_snap_triple_front(&d->snaps, is_new); }

void cs_run_driver_train_time(const cs_run_driver *d, double *seconds, long *images)
{
    *seconds = d->run_seconds;
    *images = d->run_images;
}
