/* cs_inspect.h - one image through a net under any weights, without touching a training run: a
 * batch-1, one-thread copy of the net that the live snapshots, a timeline's recorded steps and a
 * one-image backprop all go through, so each sees exactly what the net computes.
 *
 * An inspector is owned by one thread at a time. The training thread publishes live snapshots
 * through its run's inspector; the window can make its own for recorded weights while training
 * goes on. */
#ifndef CS_INSPECT_H
#define CS_INSPECT_H

#include <stddef.h>

#include "cs_error.h"
#include "cs_net.h"
#include "cs_snapshot.h"

typedef struct cs_inspect cs_inspect;

/* Builds the inspector's net from a preset or spec (batch 1, one thread). The caller owns *out:
 * free with cs_inspect_destroy. */
cs_status cs_inspect_create(cs_inspect **out, const char *spec_or_preset);
void cs_inspect_destroy(cs_inspect *ins);

/* Runs pixels (in_c, in_h, in_w floats, as cs_dataset_fill_batch makes them) through the net
 * with params (n_params floats, layers in spec order, each weights then biases: a trainer's or a
 * checkpoint's block) and fills s (initialised for the same net) with the weights, every layer's
 * output and the class probabilities; s->probe gets a copy of pixels. The counters, curves and
 * texts of s are left alone. Returns the number of non-finite values replaced by 0. */
long cs_inspect_capture(cs_inspect *ins, const float *params, const float *pixels, cs_snapshot *s);

/* After cs_inspect_capture: back-propagates that image's loss against `label` (the loss of
 * cs_net_backward with n = 1). The net's gradients are zeroed first, so afterwards its grads and
 * every layer's dout are that one image's. Returns the loss. */
float cs_inspect_backward(cs_inspect *ins, int label, cs_loss_kind loss);
/* The loss of the image last captured against class label (as training computes it, with loss
 * kind `loss`); NaN when label < 0 (an image without a class). */
float cs_inspect_loss(cs_inspect *ins, int label, cs_loss_kind loss);

/* The inspector's net (batch 1), borrowed: after cs_inspect_capture its layers hold that image's
 * outputs, and cs_net_backward on it gives one image's gradients. */
cs_net *cs_inspect_net(cs_inspect *ins);

#endif
