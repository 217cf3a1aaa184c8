/* cs_backprop.h - one training step in slow motion: everything back-propagation computes for one
 * image, as plain data for the backprop view and `convscope backprop`.
 *
 * The batch is the one image (the probe): every number is exactly that image's. Training itself
 * uses the mean over a batch. Every number comes from the core's own forward, loss and backward
 * (cs_net_forward, cs_net_backward through a batch-1 inspector net, cs_loss_*_terms,
 * cs_optim_step); nothing is computed a second way for display. The object works on copies:
 * computing it never changes a training run's weights or optimizer (cs_run_apply_backprop takes
 * the step on the run when asked).
 *
 * The phases, in the order (and with the names) of a lesson file's `@phase`:
 *   1 forward          every layer's output (outs) under the weights (params)
 *   2 loss             the output against the one-hot truth, the loss and its terms
 *                      (MSE: L = (1/n) sum_i (y_i - t_i)^2, every term; cross-entropy: L = -log p_true)
 *   3 output-gradient  dL/dy per class (MSE: 2 (y_i - t_i) / n), and through the softmax when the net
 *                      ends in one (grad_logits)
 *   4 map-gradients    dL/d(output) of every layer (grad_outs) and what each layer did to the gradient
 *                      on its way back (cs_backprop_facts: how many positions a ReLU blocked, how many
 *                      inputs won a max-pool window, the gradient's size before and after)
 *   5 weight-gradient  dL/dw and dL/db of every layer (grads); for a chosen conv filter, one weight's
 *                      sum term by term with a cs_wgrad stepper (cs_backprop_wgrad)
 *   6 update           w <- w - lr dL/dw, or the optimizer's rule with its momentum or Adam terms
 *                      (params_after, and the optimizer's state before and after)
 *   7 forward-again    the new output and loss for the same image, next to the old, and why the loss
 *                      did not go down when it did not (first_order, verdict)
 *
 * Layouts are PyTorch's: NCHW, conv weights (OC, C, KH, KW), fc weights (OUT, IN) over the
 * flattened C x H x W input; the losses are PyTorch's MSELoss and CrossEntropyLoss (mean
 * reduction) on the net's last layer, except that with a final softmax the cross-entropy reads the
 * softmax's input (the logits), as training does: L = -log p_true of the net's output p.
 */
#ifndef CS_BACKPROP_H
#define CS_BACKPROP_H

#include <stddef.h>

#include "cs_error.h"
#include "cs_inspect.h"
#include "cs_net.h"
#include "cs_optim.h"
#include "cs_run.h"
#include "cs_snapshot.h"
#include "cs_wgrad.h"

typedef enum {
    CS_BACKPROP_FORWARD,
    CS_BACKPROP_LOSS,
    CS_BACKPROP_OUTPUT_GRADIENT,
    CS_BACKPROP_MAP_GRADIENTS,
    CS_BACKPROP_WEIGHT_GRADIENT,
    CS_BACKPROP_UPDATE,
    CS_BACKPROP_FORWARD_AGAIN,
    CS_BACKPROP_PHASES
} cs_backprop_phase;

/* "forward", "loss", "output-gradient", "map-gradients", "weight-gradient", "update",
 * "forward-again" (static strings); NULL out of range. */
const char *cs_backprop_phase_name(int phase);
/* The phase named name, or -1. */
int cs_backprop_phase_parse(const char *name);

/* What a layer did to the gradient on its way back (phase 4): facts, the view words them. */
typedef struct {
    long n_in, n_out;         /* values of the layer's input and output */
    int passes_back;          /* 0 for the first layer: the gradient of the image is not computed */
    double grad_out_norm;     /* ||dL/d out|| (L2) */
    double grad_in_norm;      /* ||dL/d in||, what it passed back (the previous layer's grad_out) */
    long grad_out_nonzero;    /* entries of dL/d out that are not 0 */
    long grad_in_nonzero;     /* entries of dL/d in that are not 0 */
    long blocked;             /* relu: inputs <= 0, where dL/d in is 0 whatever came back;
                               * leakyrelu: inputs <= 0, where the gradient is multiplied by alpha */
    long blocked_nonzero;     /* of those, the positions where dL/d out was not 0 (gradient actually stopped) */
    long windows;             /* max and average pools: the windows (= n_out) */
    long winners;             /* max pool: input positions that are the max of at least one window, the only
                               * ones the gradient is routed to */
} cs_backprop_facts;

/* A layer as the object describes it (no pointers). */
typedef struct {
    cs_layer_kind kind;
    char name[32];
    int in_c, in_h, in_w;
    int out_c, out_h, out_w;
    cs_win win;               /* conv and pool windows */
    int include_pad;          /* avgpool */
    float alpha;              /* leakyrelu */
    size_t out_off;           /* the layer's output in outs and grad_outs */
    size_t w_off, w_count;    /* its weights in params, grads and params_after (w_count 0: none) */
    size_t b_off, b_count;    /* its biases */
    cs_backprop_facts facts;
} cs_backprop_layer;

/* The update phase 6 shows. */
typedef struct {
    cs_optim_kind kind;
    int plain;                /* plain SGD: w <- w - lr g, no state (momentum and weight decay 0) */
    float lr, momentum, weight_decay, beta1, beta2, eps;
    long t;                   /* the optimizer's step count after this update */
} cs_backprop_update;

/* Why the loss went where it did (phase 7). first_order = sum_i g_i (w'_i - w_i), the change of L
 * the gradient predicts for the step taken (for plain SGD -lr ||g||^2 <= 0). */
typedef enum {
    CS_BACKPROP_WENT_DOWN,    /* loss_after < loss */
    CS_BACKPROP_UNCHANGED,    /* loss_after == loss: no gradient reached the weights, or the step is below float
                               * resolution */
    CS_BACKPROP_OVERSHOT,     /* the gradient predicted a fall (first_order < 0) but L rose: the step was too large
                               * for the loss's curvature (a smaller learning rate would lower L) */
    CS_BACKPROP_OTHER_WAY     /* the step did not follow this image's gradient (first_order >= 0): momentum from
                               * earlier batches, weight decay or Adam's per-weight scaling moved the weights */
} cs_backprop_verdict;

typedef struct {
    /* The net, fixed by cs_backprop_init. */
    int n_layers;
    cs_backprop_layer *layers; /* (n_layers), owned */
    int in_c, in_h, in_w;
    int n_classes;
    int softmax_last;          /* the last layer is a softmax */
    size_t n_outs;             /* all layers' outputs, concatenated */
    size_t n_params;

    /* The problem (cs_backprop_compute's request). */
    int label;
    cs_loss_kind loss_kind;

    /* Buffers, owned, sized by cs_backprop_init. */
    float *input;              /* (in_c, in_h, in_w) the image as the net sees it */
    float *outs;               /* (n_outs) phase 1: every layer's output, at layers[l].out_off */
    float *grad_outs;          /* (n_outs) phase 4: dL/d(every layer's output) */
    float *params;             /* (n_params) the weights the step starts from: layers in spec order, each weights then
                                * biases */
    float *grads;              /* (n_params) phase 5: dL/dparams for this image */
    float *params_after;       /* (n_params) phase 6: after the update */
    float *m_before, *m_after; /* (n_params) SGD velocity or Adam's first moment; NULL for plain SGD */
    float *v_before, *v_after; /* (n_params) Adam's second moment; NULL otherwise */

    /* Phase 2: (n_classes) each, owned. */
    float *output;             /* the last layer's values y */
    float *target;             /* the one-hot truth t */
    float *probs;              /* class probabilities (the output when it is a softmax, else its softmax) */
    double *loss_terms;        /* MSE: (y_i - t_i)^2, so L = (float)(sum / n); cross-entropy: -log p_true at the
                                * true class, 0 elsewhere (cs_loss_*_terms) */
    float loss;                /* L as training computes it (cs_net_backward) */

    /* Phase 3: (n_classes) each, owned. */
    float *grad_output;        /* dL/dy: MSE 2 (y_i - t_i) / n; cross-entropy after a softmax -t_i / p_i; cross-entropy
                                * on logits p_i - t_i */
    float *grad_logits;        /* dL/d(the softmax's input) when softmax_last (p_i - t_i for cross-entropy), else a copy
                                * of grad_output */

    /* Phase 6. */
    cs_backprop_update update;

    /* Phase 7: (n_classes) each, owned. */
    float *output_after;
    float *probs_after;
    float loss_after;
    double first_order;
    cs_backprop_verdict verdict;

    unsigned char *marks;      /* (largest layer input) scratch for counting max-pool winners */
} cs_backprop;

/* Sizes bp for net's layers and parameters (any batch size; only the shapes are read). The
 * caller owns bp's buffers: free with cs_backprop_free (also after a failed init). */
cs_status cs_backprop_init(cs_backprop *bp, const cs_net *net);
void cs_backprop_free(cs_backprop *bp);

/* What to compute. */
typedef struct {
    const float *params;       /* (n_params) the weights, borrowed */
    const float *pixels;       /* (in_c, in_h, in_w) the image as the net sees it (cs_dataset_fill_batch), borrowed */
    int label;                 /* its class, 0..n_classes-1: the one-hot truth */
    cs_loss_kind loss;
    float lr;                  /* the learning rate of the update (> 0) */
    const cs_optim *optim;     /* the rule phase 6 applies: its kind, hyper-parameters and state, copied and never
                                * changed (a run's optimizer, or a snapshot's copy); NULL: plain SGD */
} cs_backprop_request;

/* Computes every phase for rq on ins (an inspector for the same net: its weights are overwritten,
 * ending as params_after). CS_ERR_SHAPE when ins or rq->optim does not match bp's net, CS_ERR_ARG
 * for a label out of range or a learning rate that is not a positive number; bp is then unchanged. */
cs_status cs_backprop_compute(cs_backprop *bp, cs_inspect *ins, const cs_backprop_request *rq);

/* The driving thread's one-image step of a run: its current weights, probe image and label, loss,
 * and its optimizer (or plain SGD when plain_sgd), at learning rate lr (<= 0: the run's own rate),
 * through the run's inspector. bp must be initialised for the run's net. The run is not changed. */
cs_status cs_run_backprop(cs_run *run, cs_backprop *bp, float lr, int plain_sgd);

/* Takes the step bp shows on the run, when asked to (the step never changes the run by itself):
 * the run's weights become bp->params_after and, when bp used the run's optimizer, its moments and
 * step count become bp's after the update. bp must have been computed from the run's current
 * weights and optimizer state: CS_ERR_ARG when they have changed since (training went on), and
 * the run is left as it was. Not a training step: the counters, curves and history stay. On the
 * driving thread. */
cs_status cs_run_apply_backprop(cs_run *run, const cs_backprop *bp);

/* A request from a snapshot (for a view on another thread): its weights, probe, label, loss and
 * learning rate, and its copy of the optimizer when it carries gradients (has_grads), else plain
 * SGD. Returns 1 when the optimizer is the run's, 0 for plain SGD. rq borrows from s. */
int cs_backprop_request_from_snapshot(cs_backprop_request *rq, const cs_snapshot *s);

/* A walk through the phases, one press at a time, as the view and a lesson's `@phase` and
 * `@wait event phase-end` step it: phases 1-3, 5-7 are one press each; phase 4 reveals the layers'
 * gradients one press per layer, from the last layer back to the first (on entering it, the last
 * layer's, which is phase 3's dL/dy, is shown). */
typedef struct {
    int phase;                 /* cs_backprop_phase */
    int layers_shown;          /* phase 4: layers whose dL/d out is shown, counted from the last; before phase 4 0,
                                * after it all */
} cs_backprop_cursor;

/* Phase 1 (forward). */
void cs_backprop_cursor_start(cs_backprop_cursor *c);
/* The start of `phase` (phase 4: the last layer's gradient shown). */
void cs_backprop_cursor_seek(cs_backprop_cursor *c, const cs_backprop *bp, int phase);
/* One press forward / back; 0 at the end of phase 7 / the start of phase 1 (nothing changed). */
int cs_backprop_cursor_next(cs_backprop_cursor *c, const cs_backprop *bp);
int cs_backprop_cursor_prev(cs_backprop_cursor *c, const cs_backprop *bp);
/* 1 when the next press leaves the phase (a lesson's phase-end). */
int cs_backprop_cursor_at_phase_end(const cs_backprop_cursor *c, const cs_backprop *bp);
/* 1 when layer l's dL/d out is shown at c. */
int cs_backprop_cursor_shows_grad(const cs_backprop_cursor *c, const cs_backprop *bp, int l);

/* Layer l's input: the image for layer 0, else the previous layer's output (borrowed from bp). */
const float *cs_backprop_layer_input(const cs_backprop *bp, int l);
/* Phase 5's sum for filter `filter` of conv layer `layer`: a weight-gradient stepper over the
 * layer's input and the filter's output gradient (borrowed from bp: keep bp unchanged while ws is
 * used). CS_ERR_ARG when the layer is not a conv layer or the filter is out of range. Free ws with
 * cs_wgrad_free. */
cs_status cs_backprop_wgrad(const cs_backprop *bp, int layer, int filter, cs_wgrad *ws);

#endif
