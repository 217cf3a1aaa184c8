/* cs_history.h - a bounded record of training over time: snapshots of the whole parameter
 * block (every layer's weights and biases), with the step, epoch, loss and accuracy at which
 * they were taken, so any recorded step can be rebuilt as a whole net; and the learning curves
 * (cs_curve), bounded too.
 *
 * Recording: call cs_history_observe after every training step; it records when the
 * step is a multiple of the current interval. The byte budget is fixed at creation and
 * allocated then (capacity = budget / record size). When the history is full, the older
 * records are thinned evenly instead of dropping the beginning: the interval doubles and
 * only records on the new grid (step % interval == 0) are kept, plus always the first
 * and the last one. So a run of any length can be replayed from its first record at a
 * resolution that halves each time the budget fills.
 *
 * Record layout (CS_HISTORY_PARAMS, what a history records): the net's parameter block as it
 * is, n_params floats, layers in spec order, each weights then biases; cs_history_conv says
 * where each conv layer's kernels (OC, C, K, K) and biases (OC) start in it. Histories read
 * from version-1 checkpoints have the older layout CS_HISTORY_CONV: only the conv layers in net
 * order, each kernels then biases, so they give the kernels of a recorded step but not the
 * rest of the net (cs_history_layout says which).
 *
 * Access is random (record i of cs_history_count) for timeline scrubbing. A history is
 * not locked: the thread that records it owns it, and another thread (the window) must
 * be handed records under the owner's lock or copy them with cs_history_get. Pointers
 * returned by the accessors are borrowed and invalidated by the next record or thinning.
 */
#ifndef CS_HISTORY_H
#define CS_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"
#include "cs_net.h"
#include "cs_train.h"

typedef struct {
    int64_t step;         /* batches trained when the record was taken (0: the initial weights) */
    int32_t epoch;        /* completed epochs */
    int32_t epoch_end;    /* 1: taken right at the end of epoch `epoch` (step is its last batch) */
    int64_t images_seen;
    float loss;           /* loss of the last batch */
    float accuracy;       /* accuracy on the last batch */
} cs_history_meta;

/* The epoch a step belongs to, as every counter, curve, banner and message says it: epoch E is
 * the E-th pass over the training set (1-based). Step 0 (nothing trained yet) is the start of
 * epoch 1; the step that ends an epoch belongs to it; the next one starts the next. */
int cs_history_epoch_label(const cs_history_meta *m);

/* What a record holds. */
typedef enum {
    CS_HISTORY_PARAMS = 1, /* the whole parameter block: the net at that step */
    CS_HISTORY_CONV = 0,   /* conv kernels and biases only (version-1 checkpoints) */
} cs_history_layout_kind;

/* One conv layer within a record. */
typedef struct {
    int layer;            /* index into net->layers */
    char name[32];        /* "conv1", ... */
    int oc, c, k;         /* kernels are (oc, c, k, k) */
    size_t offset;        /* first float of the kernels within a record; biases follow */
} cs_history_conv;

typedef struct cs_history cs_history;

/* Smallest budget that holds CS_HISTORY_MIN_RECORDS records (thinning needs room for the
 * first, the last and one on-grid record). */
#define CS_HISTORY_MIN_RECORDS 4

/* Creates an empty history of net's whole parameter block (CS_HISTORY_PARAMS; a net without
 * parameters records only the meta: step, epoch, loss and accuracy), recording every `every`
 * steps (>= 1) within budget_bytes. Allocates the whole budget (rounded down to whole records)
 * now. Fails with CS_ERR_ARG, naming the record size, when the budget holds fewer than
 * CS_HISTORY_MIN_RECORDS records, or when a conv layer's kernel is not square (the window and
 * the records show K x K kernels). The caller owns *out: free with cs_history_destroy. */
cs_status cs_history_create(cs_history **out, const cs_net *net, size_t budget_bytes, long every);
/* The same with a chosen layout (checkpoints of version 1 restore CS_HISTORY_CONV ones). */
cs_status cs_history_create_layout(cs_history **out, const cs_net *net, size_t budget_bytes, long every,
                                   cs_history_layout_kind layout);
void cs_history_destroy(cs_history *h);

/* Bytes one record takes (its floats plus its meta) in a CS_HISTORY_PARAMS history of net:
 * n_params x 4 + 32. cs_history_record_bytes_conv_for: the same for CS_HISTORY_CONV. */
size_t cs_history_record_bytes_for(const cs_net *net);
size_t cs_history_record_bytes_conv_for(const cs_net *net);

/* Records net's parameters with meta when meta->step is a multiple of the current
 * interval (thinning first if full, and skipping the step if it then falls off the
 * coarser grid). Returns 1 when a record was added, 0 otherwise. Never allocates. */
int cs_history_observe(cs_history *h, const cs_net *net, const cs_history_meta *meta);

/* Records unconditionally (e.g. the state before the first step or at the end of a run),
 * thinning first if full. A record for the same step as the last one replaces it. */
void cs_history_record(cs_history *h, const cs_net *net, const cs_history_meta *meta);

/* The recording rule of a training loop, shared by the CLI and the window so their
 * histories agree: call once before training (records the starting state when it is on
 * the grid) and after every step with the step's epoch_done; records on the grid, and
 * always at the end of an epoch. Deterministic, so a replayed or resumed run records the
 * same history. */
void cs_history_after_step(cs_history *h, const cs_trainer *tr, int epoch_done);
/* The trainer's counters as a record's meta. */
cs_history_meta cs_history_meta_of(const cs_trainer *tr);

/* Thins once: doubles the interval and keeps the first, the last and the on-grid records. */
void cs_history_thin(cs_history *h);

/* Sets the base recording interval (>= 1); later thinning doubles from it. */
void cs_history_set_every(cs_history *h, long every);

/* Counters and shape. */
size_t cs_history_count(const cs_history *h);
size_t cs_history_capacity(const cs_history *h);
size_t cs_history_budget(const cs_history *h);
long cs_history_every(const cs_history *h);      /* base interval as set */
long cs_history_interval(const cs_history *h);   /* current interval (every * 2^thinnings) */
size_t cs_history_record_floats(const cs_history *h);
cs_history_layout_kind cs_history_layout(const cs_history *h);
int cs_history_conv_count(const cs_history *h);
/* Conv layer j (0 <= j < cs_history_conv_count). Borrowed. */
const cs_history_conv *cs_history_conv_at(const cs_history *h, int j);

/* Record i (0 <= i < count, oldest first). Borrowed; valid until the next record. In a
 * CS_HISTORY_PARAMS history the floats are a parameter block (n_params, the net's order). */
const cs_history_meta *cs_history_meta_at(const cs_history *h, size_t i);
const float *cs_history_record_at(const cs_history *h, size_t i);
/* Conv layer j's kernels (oc, c, k, k) in record i; *bias (may be NULL) gets its (oc)
 * biases. Borrowed; valid until the next record. */
const float *cs_history_kernels(const cs_history *h, size_t i, int j, const float **bias);

/* Copies record i into meta (may be NULL) and floats (cs_history_record_floats floats,
 * may be NULL), for handing a record to another thread. */
void cs_history_get(const cs_history *h, size_t i, cs_history_meta *meta, float *floats);

/* Index of the last record with step <= step (0 if none): maps a timeline position to a
 * record. */
size_t cs_history_find_step(const cs_history *h, int64_t step);

/* Restoring a saved history (checkpoints): appends a raw record of
 * cs_history_record_floats floats without checking the grid. CS_ERR_ARG when full or
 * when steps would not increase. */
cs_status cs_history_append_raw(cs_history *h, const cs_history_meta *meta, const float *floats);
/* Sets the current interval (a restored history continues on the saved grid). */
void cs_history_set_interval(cs_history *h, long interval);

/* ---- learning curves ---------------------------------------------------------------------- */

#define CS_CURVE_POINTS 1024 /* points per learning curve; older points are merged pairwise */
#define CS_CURVE_EPOCHS 256  /* epoch boundaries a run remembers for its curves */

typedef struct {
    long step;  /* batches trained when the point was taken */
    float loss; /* mean over the points it stands for */
    float acc;  /* accuracy in [0, 1] */
    int weight; /* how many measurements were averaged into it */
} cs_curve_point;

/* A learning curve of bounded size: when full, neighbouring points are averaged pairwise, so a
 * long run keeps its whole shape at half the resolution. Plain data (checkpoints save it as it
 * is drawn). */
typedef struct {
    int n;
    cs_curve_point p[CS_CURVE_POINTS];
} cs_curve;

void cs_curve_clear(cs_curve *c);
void cs_curve_add(cs_curve *c, long step, float loss, float acc);

#endif
