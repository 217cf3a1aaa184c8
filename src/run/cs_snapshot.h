/* cs_snapshot.h - one state of a training run as plain data, for whoever shows it: a copy of the
 * weights, every layer's output for the probe image, the probe's class probabilities, the
 * learning curves and the counters. No pointer into a live net, so a snapshot can be copied, kept
 * (a timeline) or drawn by another thread while the network keeps training. cs_run fills them
 * (cs_run_capture); the window only draws them.
 *
 * Snapshots travel from the training thread to the window through a triple buffer: the trainer
 * fills the back slot and publishes it (a swap with the ready slot under a mutex held for a few
 * integer assignments); each frame the window takes the ready slot if it is fresh. Neither side
 * ever waits for the other to finish copying. */
#ifndef CS_SNAPSHOT_H
#define CS_SNAPSHOT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "cs_dataset.h"
#include "cs_error.h"
#include "cs_gradcurve.h"
#include "cs_history.h"
#include "cs_net.h"
#include "cs_optim.h"

#define CS_SNAP_MAX_LAYERS 32 /* layers a snapshot describes */

/* A layer as a snapshot describes it: plain data copied from the net (no pointers). */
typedef struct {
    cs_layer_kind kind;
    char name[32];
    int in_c, in_h, in_w;
    int out_c, out_h, out_w;
    int k, stride, pad;      /* conv and pool: the window's height, vertical stride and top padding */
    cs_win win;              /* conv and pool: the whole window (sizes, strides, padding per side) */
} cs_snap_layer;

/* Copies layer l's description out of a net. */
void cs_snap_layer_from_net(cs_snap_layer *out, const cs_net *net, int l);

/* Learning curves (cs_curve, in cs_history.h) hold CS_SNAP_HISTORY points; CS_SNAP_EPOCHS epoch
 * boundaries are remembered. */
#define CS_SNAP_HISTORY CS_CURVE_POINTS
#define CS_SNAP_EPOCHS CS_CURVE_EPOCHS

typedef struct {
    /* the run: fixed while it lasts */
    int n_layers;
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    size_t w_off[CS_SNAP_MAX_LAYERS];   /* layer's weights in `weights` (conv: (OC, C, K, K)) */
    size_t w_count[CS_SNAP_MAX_LAYERS]; /* 0 for layers without weights */
    size_t act_off[CS_SNAP_MAX_LAYERS]; /* layer's output in `acts`: (out_c, out_h, out_w) */
    int in_c, in_h, in_w;
    int n_classes;

    /* buffers, owned, sized by cs_snapshot_init */
    float *weights;    /* (n_weights): the net's parameter block */
    size_t n_weights;
    float *acts;       /* (n_acts): every layer's output for the probe image, concatenated */
    size_t n_acts;
    float *probe;      /* (in_c, in_h, in_w): the probe image in [0, 1], the floats the net saw
                        * (copied from the run's one conversion, cs_dataset_fill_batch) */
    float probs[CS_MAX_CLASSES]; /* (n_classes): the probe's class probabilities */
    int predicted;     /* the class with the highest probability (cs_snapshot_capture sets it) */
    float probe_loss;  /* the probe's loss under these weights (the run's loss; NaN without a label) */
    int probe_index;   /* index into the probe set; -1 for an image file */
    int probe_label;   /* its true class; -1 for an image file */
    char probe_note[256]; /* where the probe comes from and how it became the net's input */

    /* learning curves and epoch boundaries (in steps) */
    cs_curve train, test;
    int n_epoch_marks;
    long epoch_marks[CS_SNAP_EPOCHS];

    /* counters and settings */
    long step, images_seen; /* of the weights shown: the live net's, or a recorded step's */
    int epoch;         /* the epoch step belongs to, 1-based (cs_history_epoch_label): step 0 and
                        * steps 1..B are epoch 1, B+1.. epoch 2 */
    int recorded;      /* 1: a recorded step of the history (the timeline), not the live net */
    int record_kernels_only; /* recorded from a kernels-only history (version-1 checkpoint): only the
                              * conv weights are of that step; maps and outputs are the live net's */
    long live_step;    /* the live net's step when this was made (== step unless recorded) */
    long saved_step;   /* the step last saved to or loaded from a checkpoint (0 fresh) */
    double images_per_sec;
    float lr;          /* a copy of the run's learning rate (its home is the trainer's cfg.lr) */
    char optimizer[16], loss[16];
    cs_loss_kind loss_kind;  /* the run's loss (the name is in `loss`) */
    uint64_t seed;     /* the seed of the run's current weights (a restart changes it) */
    int paused;
    int diverged;      /* training stopped on NaN/Inf; message says where */
    long nonfinite;    /* non-finite values replaced by 0 in this snapshot (never drawn) */
    char message[256];
    char event[320];   /* the run's latest event for a status line ("checkpoint saved to ..."), or "" */
    uint64_t event_seq; /* increases with every new event */

    uint64_t seq;      /* increases with every published snapshot */
    uint64_t data_seq; /* increases when weights, acts or probe changed: textures need an upload */

    /* Gradients. grad_norms always (taken on the train curve's schedule). The rest only while the
     * run captures gradients (cs_run_set_capture_grads): otherwise has_grads is 0, nothing is
     * computed or copied, and the buffers stay NULL until first wanted. */
    cs_gradcurve grad_norms; /* per-layer ||dL/dw|| over the run */
    int has_grads;
    float *act_grads;        /* (n_acts), owned: dL/d(each layer's output) for the probe and its label, at act_off */
    float *weight_grads;     /* (n_weights), owned: the last training batch's gradient (of the batch's mean loss) */
    cs_optim optim;          /* the run's optimizer as it stands (kind, hyper-parameters, t); its m and v are owned
                              * copies (n_weights each, v only for Adam), so a view can show the next update */
} cs_snapshot;

/* Sizes the buffers and copies the layer descriptions for net. The caller owns the snapshot's
 * buffers: free with cs_snapshot_free. */
cs_status cs_snapshot_init(cs_snapshot *s, const cs_net *net);
void cs_snapshot_free(cs_snapshot *s);
/* Copies src into dst; both were initialised for the same net. */
void cs_snapshot_copy(cs_snapshot *dst, const cs_snapshot *src);

/* Copies the weights and sample i's layer outputs and probabilities out of net (after a forward
 * pass). Non-finite values are replaced by 0 and counted in s->nonfinite, so nothing is ever
 * drawn from NaN data. Returns that count. */
long cs_snapshot_capture(cs_snapshot *s, const cs_net *net, int i);
/* Fills the gradient fields: act_grads from sample 0's layer gradients (dout) of probe_net after a
 * cs_net_backward, weight_grads from train_net->grads, optim from opt (state copied), probe_loss;
 * sets has_grads. Allocates the buffers the first time (CS_ERR_NOMEM: has_grads stays 0).
 * Non-finite values become 0 and are added to s->nonfinite. */
cs_status cs_snapshot_capture_grads(cs_snapshot *s, const cs_net *probe_net, float probe_loss, const cs_net *train_net,
                                    const cs_optim *opt);


typedef struct {
    cs_snapshot slot[3];
    int back, ready, front; /* slot indices: producer's, handed over, consumer's */
    int fresh;              /* ready holds a snapshot the consumer has not taken */
    pthread_mutex_t mu;     /* guards ready and fresh (and the swaps) */
} cs_snap_triple;

/* All three slots initialised for net. Free with cs_snap_triple_free. */
cs_status cs_snap_triple_init(cs_snap_triple *t, const cs_net *net);
void cs_snap_triple_free(cs_snap_triple *t);
/* The producer's slot: only the producer touches it. */
cs_snapshot *cs_snap_triple_back(cs_snap_triple *t);
/* Hands the back slot over (it becomes ready) and gives the producer the old ready slot. */
void cs_snap_triple_publish(cs_snap_triple *t);
/* The consumer's slot, first swapped with ready if a fresh snapshot was published; *is_new (may be
 * NULL) tells whether it changed. Only the consumer touches the returned slot. */
const cs_snapshot *cs_snap_triple_front(cs_snap_triple *t, int *is_new);

#endif
