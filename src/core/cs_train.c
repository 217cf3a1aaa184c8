/* cs_train.c - minibatch training over a dataset: shuffling, steps, divergence checks,
 * evaluation. */
#include "cs_train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cs_train_config_defaults(cs_train_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->batch = 20;
    cfg->lr = 0.0f;
    cfg->optimizer = CS_OPTIM_SGD;
    cfg->momentum = 0.9f;
    cfg->weight_decay = -1.0f;
    cfg->loss = CS_LOSS_XENT;
    cfg->seed = 1;
    cfg->divergence_loss = 1000.0f;
}

/* Measured recipes (README, "Default learning rates" and "colour-shapes"); net NULL: any net. */
static const struct {
    const char *net;
    cs_optim_kind optimizer;
    cs_loss_kind loss;
    float lr;
} default_lrs[] = {
    {"colour", CS_OPTIM_SGD, CS_LOSS_XENT, 0.005f},
    {NULL, CS_OPTIM_SGD, CS_LOSS_XENT, 0.01f},
    {NULL, CS_OPTIM_SGD, CS_LOSS_MSE, 0.2f},
    {NULL, CS_OPTIM_ADAM, CS_LOSS_XENT, 0.001f},
    {NULL, CS_OPTIM_ADAM, CS_LOSS_MSE, 0.001f},
};

float cs_train_default_lr(const char *net, cs_optim_kind optimizer, cs_loss_kind loss)
{
    for (size_t i = 0; i < sizeof default_lrs / sizeof default_lrs[0]; i++)
        if ((!default_lrs[i].net || (net && strcmp(net, default_lrs[i].net) == 0)) &&
            default_lrs[i].optimizer == optimizer && default_lrs[i].loss == loss)
            return default_lrs[i].lr;
    return 0.01f;
}

float cs_train_default_weight_decay(const char *net) { return net && strcmp(net, "colour") == 0 ? 0.06f : 0.0f; }

void cs_train_config_resolve(cs_train_config *cfg, const char *net)
{
    if (!(cfg->lr > 0)) cfg->lr = cs_train_default_lr(net, cfg->optimizer, cfg->loss);
    if (!(cfg->weight_decay >= 0)) cfg->weight_decay = cs_train_default_weight_decay(net);
}

static void start_epoch(cs_trainer *tr)
{
    for (int i = 0; i < tr->train->n; i++) tr->order[i] = i;
    cs_rng_shuffle(&tr->rng, tr->order, tr->train->n);
    tr->pos = 0;
}

cs_status cs_trainer_create(cs_trainer **out, const char *spec_or_preset, const cs_train_config *cfg,
                            const cs_dataset *train, int threads)
{
    *out = NULL;
    if (cfg->batch <= 0) return cs_fail(CS_ERR_ARG, "batch size must be positive (got %d)", cfg->batch);
    cs_train_config resolved = *cfg;
    cs_train_config_resolve(&resolved, spec_or_preset);
    cs_net *net;
    cs_status st = cs_net_create(&net, spec_or_preset, cfg->batch, threads);
    return st ? st : cs_trainer_create_for_net(out, net, &resolved, train);
}

cs_status cs_trainer_create_for_net(cs_trainer **out, cs_net *net, const cs_train_config *cfg, const cs_dataset *train)
{
    *out = NULL;
    cs_status st = CS_OK;
    if (cfg->batch <= 0 || cfg->batch > net->max_batch)
        st = cs_fail(CS_ERR_ARG, "batch size %d does not fit the net's batches of up to %d", cfg->batch, net->max_batch);
    else if (train->n <= 0) st = cs_fail(CS_ERR_ARG, "%s has no images to train on", train->name);
    cs_trainer *tr = st ? NULL : calloc(1, sizeof *tr);
    if (!st && !tr) st = cs_fail(CS_ERR_NOMEM, "out of memory");
    if (st) {
        cs_net_destroy(net);
        return st;
    }
    tr->cfg = *cfg;
    cs_train_config_resolve(&tr->cfg, NULL); /* what the caller left to the defaults */
    tr->train = train;
    tr->net = net;
    if (net->in_c != train->c || net->in_h != train->h || net->in_w != train->w) {
        st = cs_fail(CS_ERR_SHAPE, "%s has %dx%dx%d images but the net's input is %dx%dx%d", train->name, train->h,
                     train->w, train->c, net->in_h, net->in_w, net->in_c);
        cs_trainer_destroy(tr);
        return st;
    }
    if (net->n_classes < train->n_classes) {
        st = cs_fail(CS_ERR_SHAPE, "%s has %d classes but the net has only %d outputs", train->name, train->n_classes,
                     net->n_classes);
        cs_trainer_destroy(tr);
        return st;
    }
    if ((st = cs_optim_init(&tr->opt, cfg->optimizer, net->n_params))) {
        cs_trainer_destroy(tr);
        return st;
    }
    tr->order = malloc((size_t)train->n * sizeof *tr->order);
    tr->batch_idx = malloc((size_t)cfg->batch * sizeof *tr->batch_idx);
    tr->batch_labels = malloc((size_t)cfg->batch * sizeof *tr->batch_labels);
    if (!tr->order || !tr->batch_idx || !tr->batch_labels) {
        cs_trainer_destroy(tr);
        return cs_fail(CS_ERR_NOMEM, "out of memory");
    }
    cs_trainer_reset(tr, cfg->seed);
    *out = tr;
    return CS_OK;
}

void cs_trainer_destroy(cs_trainer *tr)
{
    if (!tr) return;
    cs_net_destroy(tr->net);
    cs_optim_free(&tr->opt);
    free(tr->order);
    free(tr->batch_idx);
    free(tr->batch_labels);
    free(tr);
}

void cs_trainer_reset(cs_trainer *tr, uint64_t seed)
{
    const cs_train_config *cfg = &tr->cfg;
    tr->cfg.seed = seed;
    cs_rng_seed(&tr->rng, seed);
    cs_net_init_params(tr->net, &tr->rng);
    cs_optim_reset(&tr->opt);
    tr->opt.momentum = cfg->momentum;
    tr->opt.weight_decay = cfg->weight_decay;
    tr->step = 0;
    tr->epoch = 0;
    tr->images_seen = 0;
    tr->last_loss = 0;
    tr->last_accuracy = 0;
    start_epoch(tr);
}

static int argmax(const float *x, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

static int all_finite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

cs_status cs_trainer_step(cs_trainer *tr, int *epoch_done)
{
    cs_net *net = tr->net;
    const int n = tr->train->n - tr->pos < tr->cfg.batch ? tr->train->n - tr->pos : tr->cfg.batch;
    memcpy(tr->batch_idx, tr->order + tr->pos, (size_t)n * sizeof(int));
    cs_dataset_fill_batch(tr->train, tr->batch_idx, n, net->input, tr->batch_labels);

    cs_net_zero_grads(net);
    const float *outp = cs_net_forward(net, n);
    const float loss = cs_net_backward(net, tr->batch_labels, n, tr->cfg.loss);
    if (!isfinite(loss) || !all_finite(outp, (size_t)n * net->n_classes) || !all_finite(net->grads, net->n_params))
        return cs_fail(CS_ERR_DIVERGED, "training diverged at step %ld (epoch %d): the loss is %s; try a smaller "
                       "learning rate than %g", tr->step + 1, tr->epoch + 1, isfinite(loss) ? "finite but the "
                       "gradients are not" : "not a finite number", (double)tr->cfg.lr);
    if (tr->cfg.divergence_loss > 0 && loss > tr->cfg.divergence_loss)
        return cs_fail(CS_ERR_DIVERGED, "training diverged at step %ld (epoch %d): the loss %.4g exceeds %g, the "
                       "weights are exploding; try a smaller learning rate than %g", tr->step + 1, tr->epoch + 1,
                       (double)loss, (double)tr->cfg.divergence_loss, (double)tr->cfg.lr);
    cs_optim_step(&tr->opt, net->params, net->grads, tr->cfg.lr);

    int correct = 0;
    for (int i = 0; i < n; i++) correct += argmax(outp + (size_t)i * net->n_classes, net->n_classes) == tr->batch_labels[i];
    tr->last_loss = loss;
    tr->last_accuracy = (float)correct / (float)n;
    tr->step++;
    tr->images_seen += n;
    tr->pos += n;
    int done = tr->pos >= tr->train->n;
    if (done) {
        tr->epoch++;
        start_epoch(tr);
    }
    if (epoch_done) *epoch_done = done;
    return CS_OK;
}

void cs_trainer_evaluate(cs_trainer *tr, const cs_dataset *ds, int limit, float *accuracy, float *loss)
{
    cs_net *net = tr->net;
    const int total = limit > 0 && limit < ds->n ? limit : ds->n;
    double loss_sum = 0.0;
    int correct = 0;
    for (int start = 0; start < total; start += net->max_batch) {
        const int n = total - start < net->max_batch ? total - start : net->max_batch;
        for (int i = 0; i < n; i++) tr->batch_idx[i] = start + i;
        cs_dataset_fill_batch(ds, tr->batch_idx, n, net->input, tr->batch_labels);
        const float *outp = cs_net_forward(net, n);
        loss_sum += (double)cs_net_loss(net, tr->batch_labels, n, tr->cfg.loss) * n;
        for (int i = 0; i < n; i++)
            correct += argmax(outp + (size_t)i * net->n_classes, net->n_classes) == tr->batch_labels[i];
    }
    if (accuracy) *accuracy = total ? (float)correct / (float)total : 0.0f;
    if (loss) *loss = total ? (float)(loss_sum / total) : 0.0f;
}
