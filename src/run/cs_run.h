/* cs_run.h - one training run, owned in one place: the datasets (train and test), the net (built
 * once), the trainer and its optimizer, the history, the learning curves, the probe image, and
 * saving and resuming. `convscope train` and the window's training thread both drive a run
 * through this interface; the CLI only prints what it reports and the window only draws it.
 *
 * Opening a run (cs_run_open) loads and adapts the data and builds the net once: fresh from a
 * spec and a seed, from given weights (an imported model), or resumed from a checkpoint exactly
 * where it stopped. The run is then driven by one thread at a time: cs_run_step trains one batch
 * and returns what happened as CS_RUN_* event bits (stepped, epoch done, diverged, saved,
 * evaluated); cs_run_set_lr, cs_run_set_probe, cs_run_restart and cs_run_save are the controls;
 * cs_run_capture fills a plain-data snapshot (cs_snapshot.h) for a view. cs_run_driver.h runs
 * the same calls on a thread of their own or in lockstep with a window's frames.
 *
 * One home for each value:
 *   - the learning rate is run->trainer->cfg.lr (read by every step; written only through
 *     cs_run_set_lr and cs_run_restart, and saved in checkpoints from there);
 *   - the probe is run->probe and run->probe_pixels (converted from bytes once, by
 *     cs_dataset_fill_batch, and copied into snapshots: the net, the window and the step view
 *     all see those floats);
 *   - the thread count is spec->threads, an argument of the training net (cs_net_create).
 *
 * Curves and test evaluations are taken on a step schedule (every curve_every and eval_every
 * steps, and at epoch ends), never on a clock, so a run replayed step by step draws the same
 * curves on a fast machine and a slow one. */
#ifndef CS_RUN_H
#define CS_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cs_dataset.h"
#include "cs_error.h"
#include "cs_history.h"
#include "cs_inspect.h"
#include "cs_snapshot.h"
#include "cs_train.h"

/* What to open. Strings are borrowed for the duration of cs_run_open only. */
typedef struct {
    const char *dataset;  /* "shapes", "fashion-mnist", "mnist", "cifar10" or a folder of class folders;
                           * NULL: fashion-mnist when installed, else shapes (a resumed run: its own) */
    const char *data_dir; /* where the dataset's files are; NULL: its default place */
    const char *net;      /* preset or spec; NULL: the dataset's natural preset (a resumed run: its own;
                           * given with load, it must describe the saved net) */
    int limit;            /* at most this many training images (<= 0: all) */
    cs_train_config cfg;  /* batch, lr, optimizer, momentum, loss, seed; a resumed run keeps its own */
    int threads;          /* threads of the training net (>= 1) */
    const float *params;  /* optional starting weights, n_params floats in the net's block order
                           * (layers in spec order, weights then biases), instead of random ones;
                           * not with load */
    size_t n_params;
    const char *model;    /* an ONNX model (cs_onnx.h) to start from: its net and its weights, instead
                           * of net and params; not with load. Needs a build with ONNX support */
    const char *load;     /* resume the run saved in this checkpoint */
    const char *save;     /* checkpoint written at every epoch's end, and by cs_run_save(run, NULL) */
    int keep_history;     /* record the history even without `save` (the window's timeline) */
    long history_every;   /* record every N steps (default 10) */
    double history_mb;    /* the history's memory in MiB (default 32) */
    long curve_every;     /* a train-curve point every N steps (default 10) */
    long eval_every;      /* a test-curve point every N steps, and one at the start (0: at epoch ends only) */
    int eval_images;      /* test images per test-curve point (0: the whole test set) */
    int probe;            /* test image shown as the probe (taken modulo the test set's size) */
} cs_run_spec;

/* Defaults: every dataset/net field NULL, cs_train_config_defaults, one thread, history every 10
 * steps in 32 MiB, a train-curve point every 10 steps, test points at epoch ends on the whole test
 * set, probe 0. */
void cs_run_spec_defaults(cs_run_spec *spec);

/* Event bits returned by cs_run_step and the controls. */
enum {
    CS_RUN_STEPPED = 1 << 0,     /* a batch was trained */
    CS_RUN_EPOCH_DONE = 1 << 1,  /* it completed an epoch: run->last_epoch describes it */
    CS_RUN_DIVERGED = 1 << 2,    /* the batch diverged and was not applied; run->message says where */
    CS_RUN_EVALUATED = 1 << 3,   /* a test-curve point was added */
    CS_RUN_SAVED = 1 << 4,       /* a checkpoint was written; run->event names it */
    CS_RUN_SAVE_FAILED = 1 << 5, /* a checkpoint could not be written; run->event says why */
    CS_RUN_RESTARTED = 1 << 6,   /* new random weights; curves and history start again */
};

/* The summary of the last completed epoch. */
typedef struct {
    int epoch;                          /* its number, counted over the whole run (1 = the first) */
    double train_loss, train_accuracy;  /* means over its batches */
    double test_loss, test_accuracy;    /* the test point taken at its end */
    double images_per_sec;              /* its training images per second of its steps */
    double seconds;                     /* since the run was opened */
} cs_run_epoch;

typedef struct {
    /* Fixed once open: any thread may read these. */
    cs_dataset train, test;   /* owned, adapted to the net's input */
    char dataset_name[64];    /* as given ("shapes", a folder) */
    char net_name[64];        /* the preset's name, or "custom" */
    const char *net_spec;     /* the net's normalised spec text (borrowed from the trainer's net): what
                               * another thread builds its own cs_inspect from */
    char notes[2048];         /* what opening adapted, imported or resumed ("" or lines for stderr) */
    int resumed;              /* opened from a checkpoint */

    /* The driving thread's. */
    cs_trainer *trainer;      /* owned: net, optimizer, data order, counters; trainer->cfg.lr is
                               * the run's one learning rate */
    int probe;                /* index into test (-1 when the test set is empty or the probe is a file) */
    int probe_label;          /* its class; -1 for an image file (no truth) */
    float *probe_pixels;      /* (in_c, in_h, in_w), owned: the probe as the net sees it */
    char probe_note[256];     /* where the probe comes from and how it became the net's input */
    long saved_step;          /* the step of the last checkpoint written or loaded (0 for a fresh run):
                               * training after it is unsaved */
    int diverged;             /* the last step diverged; only cs_run_restart trains again */
    char message[256];        /* why it diverged, "" otherwise */
    char event[320];          /* the last event's text for a status line ("checkpoint saved to ..."), or "" */
    uint64_t event_seq;       /* bumps with every new event text */
    cs_run_epoch last_epoch;  /* valid after the first CS_RUN_EPOCH_DONE */
    cs_curve train_curve, test_curve;
    cs_gradcurve grad_curve;  /* per-layer ||dL/dw||, a point with every train-curve point */
    int capture_grads;        /* snapshots carry the probe's and the last batch's gradients (cs_run_set_capture_grads) */
    long epoch_marks[CS_SNAP_EPOCHS]; /* steps at which epochs ended */
    int n_epoch_marks;

    /* The history: the driving thread records under hist_mu; readers on other threads use
     * cs_run_history_trylock. */
    pthread_mutex_t hist_mu;
    cs_history *hist;         /* owned; NULL when there is none (hist_note says why when it failed) */
    char hist_note[256];
    _Atomic uint64_t hist_version;    /* bumps whenever the records change */
    _Atomic uint64_t hist_generation; /* bumps when a restart starts a new history */

    /* Private: the rest of the run's bookkeeping. */
    struct cs_run_private *p;
} cs_run;

/* Opens a run as spec says (see cs_run_spec): loads the data, adapts it to the net's input,
 * builds the net once and its trainer (fresh, from spec->params, or restored from spec->load),
 * the history and the probe. A preset's output layer is sized to the dataset's classes (the
 * mnist preset on shapes has 8 outputs); a spec or given weights with another number of outputs
 * than the data has classes are refused, naming both numbers. On failure nothing is left open
 * and cs_last_error() says why in one line (a bad spec, a missing or malformed file, a
 * checkpoint made for another net or data).
 * The caller owns *out: close with cs_run_close. */
cs_status cs_run_open(cs_run **out, const cs_run_spec *spec);
void cs_run_close(cs_run *run);

/* Trains one batch at the current learning rate and does what follows on the step schedule:
 * records the history, adds a train-curve point (every curve_every steps, at an epoch's end, or
 * now when flush is set: stepping one batch at a time shows every step), a test point (every
 * eval_every steps and at an epoch's end), the epoch summary, and at an epoch's end the
 * checkpoint to spec->save. Returns CS_RUN_* bits; nothing is trained while run->diverged. */
int cs_run_step(cs_run *run, int flush);

/* Sets the learning rate of the next step (lr > 0). */
void cs_run_set_lr(cs_run *run, float lr);
/* Snapshots (cs_run_capture) carry gradients, or not (the default; then they cost nothing): the
 * probe's dL/d(every layer's output) against its label, the last batch's weight gradients, the
 * probe's loss and the optimizer's state (cs_snapshot.h). */
void cs_run_set_capture_grads(cs_run *run, int on);
/* The run's inspector (a batch-1 copy of the net, made on first use; NULL when it cannot be made),
 * borrowed, for the driving thread: what snapshots and one-image backprops go through. */
cs_inspect *cs_run_inspector(cs_run *run);
/* Makes test image `index` (modulo the test set's size) the probe. */
void cs_run_set_probe(cs_run *run, int index);
/* Makes image `index` of ds (the net's input shape, e.g. a user's photo loaded with
 * cs_run_load_probe_file) the probe; run->probe becomes -1, probe_label `label` (its class, in
 * 0..n_classes-1, or -1: a file of the user's has no class, so no loss and no right or wrong) and
 * note (may be NULL) becomes run->probe_note. */
cs_status cs_run_set_probe_image(cs_run *run, const cs_dataset *ds, int index, int label, const char *note);
/* Loads an image file as a probe for a net of input c x h x w, as a dataset of one image (out is
 * initialised here; free with cs_dataset_free), converted as folder datasets are: gray from
 * colour is (77 R + 150 G + 29 B) / 256, gray to RGB copies the plane, then a bilinear resize.
 * note gets the conversion in a caption ("cat.jpg: 640x480 colour -> 28x28 gray"), detail (may
 * be NULL) in a sentence with the format and the formula. Errors name the file. */
cs_status cs_run_load_probe_file(const char *path, int c, int h, int w, cs_dataset *out, char *note, size_t size,
                                 char *detail, size_t dsize);
/* Adds a test-curve point now (on eval_images test images). Returns CS_RUN_EVALUATED. */
int cs_run_test_point(cs_run *run);
/* New random weights from the first seed plus the number of restarts, and a new history and
 * curves; after a divergence the learning rate is lowered tenfold (the same rate would diverge
 * again). Returns CS_RUN_RESTARTED | CS_RUN_EVALUATED when a start point is taken. */
int cs_run_restart(cs_run *run);
/* Saves the run (weights, optimizer, data order, counters, history, learning curves, where the
 * data came from) to path, or to spec->save when path is NULL, atomically. Returns CS_RUN_SAVED
 * or CS_RUN_SAVE_FAILED; run->event says where or why, and on failure cs_last_error() too. */
int cs_run_save(cs_run *run, const char *path);
/* The path checkpoints go to (spec->save), or NULL. */
const char *cs_run_save_path(const cs_run *run);

/* The preset's spec with its output layer sized for n_classes ("fc 10" -> "fc 8"), written to out;
 * a spec that is no preset is copied. Returns out. */
const char *cs_run_spec_for_classes(const char *spec_or_preset, int n_classes, char *out, size_t size);

/* Initialises s for this run's net (free with cs_snapshot_free). */
cs_status cs_run_snapshot_init(const cs_run *run, cs_snapshot *s);
/* Fills s with the run's state: weights, the probe through the net, curves, epoch marks,
 * counters, the learning rate, names, seed, divergence and the last event. seq, data_seq,
 * images_per_sec and paused are the caller's (a driver's). */
void cs_run_capture(cs_run *run, cs_snapshot *s);

/* The history for a reader on another thread: 1 when run->hist (which may be NULL; hist_note
 * says why) and hist_note may now be read, until cs_run_history_unlock; 0 when the driving thread
 * is recording right now (try again later). Hold it only to copy. */
int cs_run_history_trylock(cs_run *run);
void cs_run_history_unlock(cs_run *run);

#endif
