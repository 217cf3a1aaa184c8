/* cs_run_driver.h - drives a cs_run for a window: controls in, snapshots and events out.
 *
 * Controls (pause, speed, learning rate, probe, one-step, restart and save requests, an epoch
 * limit) may be set from any thread; they are atomics the driver applies before its next step,
 * through the run's own calls (cs_run_set_lr, cs_run_restart, ...), so every value keeps its one
 * home in the run. Snapshots come back through a triple buffer (cs_snapshot.h) and events
 * through a callback on the driving thread.
 *
 * Two ways to run:
 *   - own thread (lockstep 0): the driver trains on a thread of its own as fast as it may (or at
 *     the requested batches per second) and publishes at most publish_hz snapshots a second.
 *     Neither side waits for the other.
 *   - lockstep (lockstep N > 0): there is no thread. Each cs_run_driver_tick, called by the window
 *     once per frame, applies the controls, trains exactly N steps when running at full speed (a
 *     throttled speed steps on a clock that advances tick_seconds per tick) and publishes before
 *     it returns. Frame F then always shows step F x N, however fast the machine is: scripted
 *     windows and their screenshots are reproducible.
 */
#ifndef CS_RUN_DRIVER_H
#define CS_RUN_DRIVER_H

#include "cs_error.h"
#include "cs_run.h"
#include "cs_snapshot.h"

typedef struct {
    int lockstep;        /* > 0: no thread; every tick trains this many steps at full speed */
    double tick_seconds; /* lockstep: the time one tick stands for, for throttled speeds (default 1/60) */
    int publish_hz;      /* own thread: snapshots per second at most (default 20) */
    int lower_priority;  /* own thread: run a little below the caller (Linux), so a window's frames go first */
    int paused;          /* the controls' first state: paused */
    int epoch_limit;     /* ... and the epoch limit (0: none) */
    /* Called on the driving thread with the event bits of each step or control (CS_RUN_*) and the
     * run's event text; may be NULL. */
    void (*on_event)(void *ctx, int events, const char *text);
    void *ctx;
} cs_run_driver_config;

void cs_run_driver_config_defaults(cs_run_driver_config *cfg);

typedef struct cs_run_driver cs_run_driver;

/* Takes over driving run (borrowed; it must outlive the driver) and, unless lockstep, starts the
 * training thread; in lockstep the run's state is published at once (frame 0 shows step 0). The
 * controls start as cfg says (paused, epoch limit), at full speed, with the run's probe and rate.
 * Free with cs_run_driver_destroy. */
cs_status cs_run_driver_create(cs_run_driver **out, cs_run *run, const cs_run_driver_config *cfg);
/* Stops and joins the thread (once; later calls do nothing), then saves the run when it has a
 * checkpoint path (spec->save). Afterwards the caller may read the run again. */
void cs_run_driver_stop(cs_run_driver *d);
/* cs_run_driver_stop, then frees the driver; NULL is a no-op. */
void cs_run_driver_destroy(cs_run_driver *d);

/* Controls, from any thread. */
void cs_run_driver_set_paused(cs_run_driver *d, int paused);
int cs_run_driver_paused(const cs_run_driver *d);
/* Batches per second (0.2 is one batch every 5 s), 0 for full speed. The snapshots' images_per_sec
 * is then measured over the last steps on the driver's clock (at least the last two, within 2 s
 * of steps), so a slow speed reads its true rate: batch x speed. */
void cs_run_driver_set_speed(cs_run_driver *d, double batches_per_second);
double cs_run_driver_speed(const cs_run_driver *d);
/* The learning rate for the next step (written into the run's one home, tr->cfg.lr). */
void cs_run_driver_set_lr(cs_run_driver *d, float lr);
/* Test image index (modulo the test set) as the probe; cs_run_driver_probe is the last index
 * asked for (the run takes it modulo its test set before the next step). */
void cs_run_driver_set_probe(cs_run_driver *d, int index);
int cs_run_driver_probe(const cs_run_driver *d);
/* Snapshots with gradients on or off (cs_run_set_capture_grads); off by default. */
void cs_run_driver_set_capture_grads(cs_run_driver *d, int on);
/* Image 0 of ds (the net's input shape, e.g. from cs_run_load_probe_file; copied) as the probe,
 * with note as its caption; [ and ] (cs_run_driver_set_probe) go back to the test set. CS_ERR_SHAPE
 * when ds does not fit the net. */
cs_status cs_run_driver_set_probe_image(cs_run_driver *d, const cs_dataset *ds, const char *note);
void cs_run_driver_request_step(cs_run_driver *d);
void cs_run_driver_request_restart(cs_run_driver *d);
/* Saves to the run's checkpoint path, or to path (copied) when it is not NULL. */
void cs_run_driver_request_save(cs_run_driver *d, const char *path);
/* Pauses once the run has completed this many epochs (counted over the whole run); 0: never. */
void cs_run_driver_set_epoch_limit(cs_run_driver *d, int epochs);

/* Lockstep only: one tick on the calling thread (see the top of this file). */
void cs_run_driver_tick(cs_run_driver *d);

/* The consumer's side of the triple buffer (one consumer thread): the newest published snapshot;
 * *is_new (may be NULL) says whether it changed since the last call. seq is 0 until the first
 * publication. */
const cs_snapshot *cs_run_driver_snapshot(cs_run_driver *d, int *is_new);

/* Seconds and images trained while running unpaused at full speed, for a throughput figure
 * (after cs_run_driver_stop, or in lockstep). */
void cs_run_driver_train_time(const cs_run_driver *d, double *seconds, long *images);

#endif
