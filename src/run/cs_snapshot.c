/* cs_snapshot.c - plain-data snapshots of a training net and their triple buffer (see
 * cs_snapshot.h; the 3-slot hand-over follows darknet's demo.c ring, kept in a struct). */
#include "cs_snapshot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cs_snap_layer_from_net(cs_snap_layer *out, const cs_net *net, int l)
{
    const cs_layer *L = &net->layers[l];
    memset(out, 0, sizeof *out);
    out->kind = L->kind;
    memcpy(out->name, L->name, sizeof out->name);
    out->name[sizeof out->name - 1] = '\0';
    out->in_c = L->in_c, out->in_h = L->in_h, out->in_w = L->in_w;
    out->out_c = L->out_c, out->out_h = L->out_h, out->out_w = L->out_w;
    out->k = L->k, out->stride = L->stride, out->pad = L->pad;
    out->win = L->win;
}

cs_status cs_snapshot_init(cs_snapshot *s, const cs_net *net)
{
    memset(s, 0, sizeof *s);
    if (net->n_layers > CS_SNAP_MAX_LAYERS)
        return cs_fail(CS_ERR_SHAPE, "a snapshot describes at most %d layers (the net has %d)", CS_SNAP_MAX_LAYERS,
                       net->n_layers);
    if (net->n_classes > CS_MAX_CLASSES)
        return cs_fail(CS_ERR_SHAPE, "the net has %d outputs (at most %d)", net->n_classes, CS_MAX_CLASSES);
    s->n_layers = net->n_layers;
    s->in_c = net->in_c, s->in_h = net->in_h, s->in_w = net->in_w;
    s->n_classes = net->n_classes;
    size_t acts = 0;
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        cs_snap_layer_from_net(&s->layers[l], net, l);
        s->w_off[l] = L->w ? (size_t)(L->w - net->params) : 0;
        s->w_count[l] = L->w ? L->w_count : 0;
        s->act_off[l] = acts;
        acts += (size_t)L->out_c * L->out_h * L->out_w;
    }
    s->n_weights = net->n_params;
    s->n_acts = acts;
    cs_gradcurve_init(&s->grad_norms, net);
    s->weights = calloc(s->n_weights ? s->n_weights : 1, sizeof *s->weights);
    s->acts = calloc(acts ? acts : 1, sizeof *s->acts);
    s->probe = calloc((size_t)net->in_c * net->in_h * net->in_w, sizeof *s->probe);
    if (!s->weights || !s->acts || !s->probe) {
        cs_snapshot_free(s);
        return cs_fail(CS_ERR_NOMEM, "out of memory for a snapshot of %zu weights and %zu activations",
                       net->n_params, acts);
    }
    return CS_OK;
}

void cs_snapshot_free(cs_snapshot *s)
{
    free(s->weights);
    free(s->acts);
    free(s->probe);
    free(s->act_grads);
    free(s->weight_grads);
    free(s->optim.m);
    free(s->optim.v);
    memset(s, 0, sizeof *s);
}

/* The gradient buffers, allocated the first time they are wanted (v only for Adam). */
static cs_status want_grads(cs_snapshot *s, int adam)
{
    const size_t nw = s->n_weights ? s->n_weights : 1;
    if (!s->act_grads) s->act_grads = calloc(s->n_acts ? s->n_acts : 1, sizeof(float));
    if (!s->weight_grads) s->weight_grads = calloc(nw, sizeof(float));
    if (!s->optim.m) s->optim.m = calloc(nw, sizeof(float));
    if (adam && !s->optim.v) s->optim.v = calloc(nw, sizeof(float));
    if (!s->act_grads || !s->weight_grads || !s->optim.m || (adam && !s->optim.v))
        return cs_fail(CS_ERR_NOMEM, "out of memory for the gradients of %zu weights", s->n_weights);
    return CS_OK;
}

/* Copies src's gradient fields into dst (whose buffers were kept by the caller). */
static void copy_grads(cs_snapshot *dst, const cs_snapshot *src)
{
    const int adam = src->optim.kind == CS_OPTIM_ADAM;
    if (!src->has_grads || want_grads(dst, adam) != CS_OK) {
        dst->has_grads = 0;
        return;
    }
    if (!adam && dst->optim.v) {
        free(dst->optim.v); /* kept from an Adam run's snapshot */
        dst->optim.v = NULL;
    }
    memcpy(dst->act_grads, src->act_grads, src->n_acts * sizeof(float));
    memcpy(dst->weight_grads, src->weight_grads, src->n_weights * sizeof(float));
    memcpy(dst->optim.m, src->optim.m, src->n_weights * sizeof(float));
    if (adam) memcpy(dst->optim.v, src->optim.v, src->n_weights * sizeof(float));
}

void cs_snapshot_copy(cs_snapshot *dst, const cs_snapshot *src)
{
    float *w = dst->weights, *a = dst->acts, *p = dst->probe;
    float *ag = dst->act_grads, *wg = dst->weight_grads, *om = dst->optim.m, *ov = dst->optim.v;
    memcpy(dst, src, sizeof *dst);
    dst->weights = w, dst->acts = a, dst->probe = p;
    dst->act_grads = ag, dst->weight_grads = wg, dst->optim.m = om, dst->optim.v = ov;
    memcpy(w, src->weights, src->n_weights * sizeof *w);
    memcpy(a, src->acts, src->n_acts * sizeof *a);
    memcpy(p, src->probe, (size_t)src->in_c * src->in_h * src->in_w * sizeof *p);
    copy_grads(dst, src);
}

/* Copies n floats, replacing non-finite ones by 0; returns how many were replaced. */
static long copy_finite(float *dst, const float *src, size_t n)
{
    long bad = 0;
    for (size_t i = 0; i < n; i++) {
        float v = src[i];
        if (!isfinite(v)) v = 0.0f, bad++;
        dst[i] = v;
    }
    return bad;
}

long cs_snapshot_capture(cs_snapshot *s, const cs_net *net, int i)
{
    long bad = copy_finite(s->weights, net->params, s->n_weights);
    for (int l = 0; l < s->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        bad += copy_finite(s->acts + s->act_off[l], cs_net_layer_output(net, l, i),
                           (size_t)L->out_c * L->out_h * L->out_w);
    }
    float probs[CS_MAX_CLASSES];
    cs_net_probs(net, i, probs);
    bad += copy_finite(s->probs, probs, (size_t)s->n_classes);
    s->predicted = 0;
    for (int c = 1; c < s->n_classes; c++)
        if (s->probs[c] > s->probs[s->predicted]) s->predicted = c;
    s->nonfinite = bad;
    return bad;
}

cs_status cs_snapshot_capture_grads(cs_snapshot *s, const cs_net *probe_net, float probe_loss, const cs_net *train_net,
                                    const cs_optim *opt)
{
    s->has_grads = 0;
    const int adam = opt->kind == CS_OPTIM_ADAM;
    cs_status st = want_grads(s, adam);
    if (st) return st;
    long bad = 0;
    for (int l = 0; l < s->n_layers; l++) {
        const cs_layer *L = &probe_net->layers[l];
        bad += copy_finite(s->act_grads + s->act_off[l], L->dout, (size_t)L->out_c * L->out_h * L->out_w);
    }
    bad += copy_finite(s->weight_grads, train_net->grads, s->n_weights);
    float *m = s->optim.m, *v = s->optim.v;
    s->optim = *opt; /* kind, hyper-parameters, t */
    s->optim.m = m, s->optim.v = adam ? v : NULL;
    if (!adam && v) free(v); /* the run's optimizer is not Adam (any more) */
    bad += copy_finite(s->optim.m, opt->m, s->n_weights);
    if (adam) bad += copy_finite(s->optim.v, opt->v, s->n_weights);
    s->probe_loss = isfinite(probe_loss) ? probe_loss : 0.0f;
    bad += !isfinite(probe_loss);
    s->nonfinite += bad;
    s->has_grads = 1;
    return CS_OK;
}

cs_status cs_snap_triple_init(cs_snap_triple *t, const cs_net *net)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < 3; i++) {
        cs_status st = cs_snapshot_init(&t->slot[i], net);
        if (st) {
            for (int j = 0; j < i; j++) cs_snapshot_free(&t->slot[j]);
            return st;
        }
    }
    t->back = 0, t->ready = 1, t->front = 2;
    if (pthread_mutex_init(&t->mu, NULL) != 0) {
        for (int i = 0; i < 3; i++) cs_snapshot_free(&t->slot[i]);
        return cs_fail(CS_ERR_NOMEM, "cannot create a mutex");
    }
    return CS_OK;
}

void cs_snap_triple_free(cs_snap_triple *t)
{
    pthread_mutex_destroy(&t->mu);
    for (int i = 0; i < 3; i++) cs_snapshot_free(&t->slot[i]);
}

cs_snapshot *cs_snap_triple_back(cs_snap_triple *t) { return &t->slot[t->back]; }

void cs_snap_triple_publish(cs_snap_triple *t)
{
    pthread_mutex_lock(&t->mu);
    int r = t->ready;
    t->ready = t->back;
    t->back = r;
    t->fresh = 1;
    pthread_mutex_unlock(&t->mu);
}

const cs_snapshot *cs_snap_triple_front(cs_snap_triple *t, int *is_new)
{
    pthread_mutex_lock(&t->mu);
    int fresh = t->fresh;
    if (fresh) {
        int f = t->front;
        t->front = t->ready;
        t->ready = f;
        t->fresh = 0;
    }
    pthread_mutex_unlock(&t->mu);
    if (is_new) *is_new = fresh;
    return &t->slot[t->front];
}
