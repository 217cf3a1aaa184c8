/* cs_train.h - the training loop's state: a net, its optimizer, the data order and the counters.
 *
 * One trainer is driven by one thread (the CLI's, or the window's training thread).
 * The same seed and configuration on one thread give bit-identical weights. */
#ifndef CS_TRAIN_H
#define CS_TRAIN_H

#include <stdint.h>

#include "cs_dataset.h"
#include "cs_net.h"
#include "cs_optim.h"
#include "cs_rng.h"

typedef struct {
    int batch;                /* minibatch size, default 20 */
    float lr;                 /* the learning rate. Given: <= 0 asks for the default for the net,
                               * optimizer and loss (cs_train_default_lr).
                               * In a trainer (tr->cfg.lr) it is resolved at creation and from then on
                               * the run's one learning rate: every step reads it here, and whoever
                               * changes the rate (a window's slider, a restart after a divergence,
                               * a resumed checkpoint) writes it here and nowhere else. */
    cs_optim_kind optimizer;
    float momentum;           /* SGD, default 0.9 */
    float weight_decay;       /* L2; < 0: the net's default (cs_train_default_weight_decay) */
    cs_loss_kind loss;
    uint64_t seed;
    float divergence_loss;    /* a batch loss above this counts as diverged (default 1000; 0: only NaN/Inf) */
} cs_train_config;

/* Defaults: batch 20, SGD momentum 0.9, cross-entropy, seed 1; the learning rate and the weight
 * decay are left to cs_train_config_resolve (lr 0, weight decay -1). */
void cs_train_config_defaults(cs_train_config *cfg);

/* The default learning rate, chosen by measurement (see the README's "Default learning rates"):
 * SGD 0.01 with cross-entropy and 0.2 with MSE (MSE's gradient is 2 (p - y) / 10 through the
 * softmax, so it needs a larger step: at 0.01 it reaches 34.5% where cross-entropy reaches
 * 92.7%), Adam 0.001 with either; the "colour" preset's recipe uses SGD 0.005 with
 * cross-entropy. net is a preset name or spec (NULL for none). */
float cs_train_default_lr(const char *net, cs_optim_kind optimizer, cs_loss_kind loss);

/* The default weight decay: 0.06 for the "colour" preset (the recipe that grows smooth edge and
 * colour-blob filters within a minute), 0 otherwise. net is a preset name or spec (or NULL). */
float cs_train_default_weight_decay(const char *net);

/* Replaces cfg's "default" values (lr <= 0, weight decay < 0) by the defaults for net. */
void cs_train_config_resolve(cs_train_config *cfg, const char *net);

typedef struct {
    cs_train_config cfg;
    cs_net *net;              /* owned */
    cs_optim opt;             /* owned state */
    const cs_dataset *train;  /* borrowed; must match the net's input shape */
    cs_rng rng;               /* shuffling; also seeds the weights at create/reset */
    int *order;               /* (train->n) shuffled indices, owned */
    int pos;                  /* next index into order */
    long step;                /* batches trained */
    int epoch;                /* completed epochs */
    long images_seen;
    int *batch_idx;           /* (batch) scratch, owned */
    int *batch_labels;        /* (batch) labels of the last batch, owned */
    float last_loss;
    float last_accuracy;      /* on the last batch */
} cs_trainer;

/* Builds the net from spec_or_preset for batches of cfg->batch on `threads` threads (see
 * cs_net_create; any count from 1 to CS_NET_MIN_CHUNKS trains the same weights), resolves cfg's
 * defaults for that net (cs_train_config_resolve), initialises weights from cfg->seed and shuffles
 * the first epoch. train is borrowed and must outlive the trainer; its shape must equal the net's
 * input (adapt it first with cs_dataset_adapt). Free with cs_trainer_destroy. */
cs_status cs_trainer_create(cs_trainer **out, const char *spec_or_preset, const cs_train_config *cfg,
                            const cs_dataset *train, int threads);
/* The same around a net already built for batches of at least cfg->batch (its input shape can
 * decide how the data is loaded first). Takes ownership of net, also on failure. */
cs_status cs_trainer_create_for_net(cs_trainer **out, cs_net *net, const cs_train_config *cfg, const cs_dataset *train);
void cs_trainer_destroy(cs_trainer *tr);

/* New random weights from seed, optimizer state cleared, counters to zero. The learning rate
 * (cfg.lr) is kept. */
void cs_trainer_reset(cs_trainer *tr, uint64_t seed);

/* Trains one minibatch. Returns CS_ERR_DIVERGED (with the step in the message) when
 * the loss, an output or a gradient is NaN or Inf, or the loss exceeds
 * cfg.divergence_loss (a cross-entropy of 1000 means logits apart by 1000: the weights
 * are exploding, as with a learning rate of 100); the weights are then not updated. Sets
 * epoch_done to 1 when this batch completed an epoch (may be NULL). */
cs_status cs_trainer_step(cs_trainer *tr, int *epoch_done);

/* Accuracy and mean loss over the first `limit` images of ds (all if limit <= 0).
 * Uses the net's buffers: call from the thread that trains. */
void cs_trainer_evaluate(cs_trainer *tr, const cs_dataset *ds, int limit, float *accuracy, float *loss);

#endif
