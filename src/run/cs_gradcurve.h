/* cs_gradcurve.h - the size of every layer's weight gradient over a training run: one curve of
 * ||dL/dw|| per layer with weights, as plain data for a view's gradient strip (vanishing or
 * exploding gradients show when the learning rate is pushed).
 *
 * The run adds each training step's gradient (cs_gradcurve_add_step, after the batch's backward:
 * the gradient of the batch's mean loss, weight decay not included) and takes a point on the
 * train curve's step schedule (cs_gradcurve_point): the mean over the steps since the last point,
 * so a point stands for the same steps as the loss curve's point beside it. Bounded like
 * cs_curve: when full, neighbouring points are merged pairwise (weighted means). */
#ifndef CS_GRADCURVE_H
#define CS_GRADCURVE_H

#include "cs_net.h"

#define CS_GRADCURVE_POINTS 1024 /* as many as a learning curve (CS_SNAP_HISTORY) */
#define CS_GRADCURVE_LAYERS 32   /* as many as a snapshot describes (CS_SNAP_MAX_LAYERS) */

typedef struct {
    int n_layers;                                     /* layers with weights, in spec order */
    int layer[CS_GRADCURVE_LAYERS];                   /* their indices in the net */
    int n;                                            /* points */
    long step[CS_GRADCURVE_POINTS];                   /* the step the point was taken at */
    int weight[CS_GRADCURVE_POINTS];                  /* training steps averaged into it */
    float norm[CS_GRADCURVE_POINTS][CS_GRADCURVE_LAYERS]; /* mean ||dL/dw|| (L2, weights only) of each layer */
    double acc[CS_GRADCURVE_LAYERS];                  /* sums since the last point */
    int acc_n;                                        /* steps since the last point */
} cs_gradcurve;

/* Empty curves for the layers of net that have weights (at most CS_GRADCURVE_LAYERS of them are
 * followed; a net with more follows the first ones). */
void cs_gradcurve_init(cs_gradcurve *g, const cs_net *net);
/* Drops the points and the sums (a restart); keeps the layers. */
void cs_gradcurve_clear(cs_gradcurve *g);
/* Adds the gradient in net->grads (after a training step) to the sums. */
void cs_gradcurve_add_step(cs_gradcurve *g, const cs_net *net);
/* Takes a point at `step` from the sums, if any step was added since the last point. */
void cs_gradcurve_point(cs_gradcurve *g, long step);

#endif
