/* cs_backprop.c - one training step of one image in slow motion, as plain data (see
 * cs_backprop.h): the forward pass, the loss term by term, the backward pass layer by layer with
 * what each layer did to the gradient, the weight gradients, the update and the forward pass
 * after it, all through a batch-1 inspector net and the core's own functions. */
#include "cs_backprop.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs_run.h"

static const char *const phase_names[CS_BACKPROP_PHASES] = {
    "forward", "loss", "output-gradient", "map-gradients", "weight-gradient", "update", "forward-again",
};

const char *cs_backprop_phase_name(int phase)
{
    return phase >= 0 && phase < CS_BACKPROP_PHASES ? phase_names[phase] : NULL;
}

int cs_backprop_phase_parse(const char *name)
{
    for (int p = 0; p < CS_BACKPROP_PHASES; p++)
        if (strcmp(name, phase_names[p]) == 0) return p;
    return -1;
}

/* ---- the walk through the phases ---------------------------------------------------------------- */

void cs_backprop_cursor_start(cs_backprop_cursor *c) { *c = (cs_backprop_cursor){CS_BACKPROP_FORWARD, 0}; }

static int shown_at(const cs_backprop *bp, int phase)
{
    return phase < CS_BACKPROP_MAP_GRADIENTS ? 0 : phase == CS_BACKPROP_MAP_GRADIENTS ? 1 : bp->n_layers;
}

void cs_backprop_cursor_seek(cs_backprop_cursor *c, const cs_backprop *bp, int phase)
{
    if (phase < 0) phase = 0;
    if (phase >= CS_BACKPROP_PHASES) phase = CS_BACKPROP_PHASES - 1;
    *c = (cs_backprop_cursor){phase, shown_at(bp, phase)};
}

int cs_backprop_cursor_at_phase_end(const cs_backprop_cursor *c, const cs_backprop *bp)
{
    return c->phase != CS_BACKPROP_MAP_GRADIENTS || c->layers_shown >= bp->n_layers;
}

int cs_backprop_cursor_next(cs_backprop_cursor *c, const cs_backprop *bp)
{
    if (!cs_backprop_cursor_at_phase_end(c, bp)) {
        c->layers_shown++;
        return 1;
    }
    if (c->phase + 1 >= CS_BACKPROP_PHASES) return 0;
    cs_backprop_cursor_seek(c, bp, c->phase + 1);
    return 1;
}

int cs_backprop_cursor_prev(cs_backprop_cursor *c, const cs_backprop *bp)
{
    if (c->phase == CS_BACKPROP_MAP_GRADIENTS && c->layers_shown > 1) {
        c->layers_shown--;
        return 1;
    }
    if (c->phase == 0) return 0;
    const int phase = c->phase - 1;
    /* back into phase 4 at its end: every layer shown */
    *c = (cs_backprop_cursor){phase, phase == CS_BACKPROP_MAP_GRADIENTS ? bp->n_layers : shown_at(bp, phase)};
    return 1;
}

int cs_backprop_cursor_shows_grad(const cs_backprop_cursor *c, const cs_backprop *bp, int l)
{
    return l >= 0 && l < bp->n_layers && l >= bp->n_layers - c->layers_shown;
}

/* ---- the step ------------------------------------------------------------------------------------- */

static size_t out_count(const cs_backprop_layer *L) { return (size_t)L->out_c * L->out_h * L->out_w; }

cs_status cs_backprop_init(cs_backprop *bp, const cs_net *net)
{
    memset(bp, 0, sizeof *bp);
    bp->n_layers = net->n_layers;
    bp->in_c = net->in_c, bp->in_h = net->in_h, bp->in_w = net->in_w;
    bp->n_classes = net->n_classes;
    bp->softmax_last = net->n_layers > 1 && net->layers[net->n_layers - 1].kind == CS_LAYER_SOFTMAX;
    bp->n_params = net->n_params;
    bp->layers = calloc((size_t)net->n_layers, sizeof *bp->layers);
    if (!bp->layers) return cs_fail(CS_ERR_NOMEM, "out of memory for %d layers", net->n_layers);
    size_t outs = 0, plane = 1;
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        cs_backprop_layer *B = &bp->layers[l];
        B->kind = L->kind;
        memcpy(B->name, L->name, sizeof B->name);
        B->name[sizeof B->name - 1] = '\0';
        B->in_c = L->in_c, B->in_h = L->in_h, B->in_w = L->in_w;
        B->out_c = L->out_c, B->out_h = L->out_h, B->out_w = L->out_w;
        B->win = L->win, B->include_pad = L->include_pad, B->alpha = L->alpha;
        B->out_off = outs;
        outs += out_count(B);
        if (L->w) B->w_off = (size_t)(L->w - net->params), B->w_count = L->w_count;
        if (L->b) B->b_off = (size_t)(L->b - net->params), B->b_count = L->b_count;
        if ((size_t)L->in_h * L->in_w > plane) plane = (size_t)L->in_h * L->in_w;
    }
    bp->n_outs = outs;
    const size_t np = net->n_params ? net->n_params : 1, nc = (size_t)net->n_classes;
    bp->input = calloc((size_t)net->in_c * net->in_h * net->in_w, sizeof(float));
    bp->outs = calloc(outs, sizeof(float));
    bp->grad_outs = calloc(outs, sizeof(float));
    bp->params = calloc(np, sizeof(float));
    bp->grads = calloc(np, sizeof(float));
    bp->params_after = calloc(np, sizeof(float));
    bp->output = calloc(nc, sizeof(float));
    bp->target = calloc(nc, sizeof(float));
    bp->probs = calloc(nc, sizeof(float));
    bp->loss_terms = calloc(nc, sizeof(double));
    bp->grad_output = calloc(nc, sizeof(float));
    bp->grad_logits = calloc(nc, sizeof(float));
    bp->output_after = calloc(nc, sizeof(float));
    bp->probs_after = calloc(nc, sizeof(float));
    bp->marks = calloc(plane, 1);
    if (!bp->input || !bp->outs || !bp->grad_outs || !bp->params || !bp->grads || !bp->params_after || !bp->output ||
        !bp->target || !bp->probs || !bp->loss_terms || !bp->grad_output || !bp->grad_logits || !bp->output_after ||
        !bp->probs_after || !bp->marks)
        return cs_fail(CS_ERR_NOMEM, "out of memory for one step of a net of %zu parameters and %zu activations",
                       net->n_params, outs);
    return CS_OK;
}

void cs_backprop_free(cs_backprop *bp)
{
    free(bp->layers);
    free(bp->input);
    free(bp->outs);
    free(bp->grad_outs);
    free(bp->params);
    free(bp->grads);
    free(bp->params_after);
    free(bp->m_before);
    free(bp->m_after);
    free(bp->v_before);
    free(bp->v_after);
    free(bp->output);
    free(bp->target);
    free(bp->probs);
    free(bp->loss_terms);
    free(bp->grad_output);
    free(bp->grad_logits);
    free(bp->output_after);
    free(bp->probs_after);
    free(bp->marks);
    memset(bp, 0, sizeof *bp);
}

/* ins and rq against bp's net: the same shapes everywhere, a label and rate that make sense. */
static cs_status check_request(const cs_backprop *bp, const cs_net *net, const cs_backprop_request *rq)
{
    int same = net->n_layers == bp->n_layers && net->n_params == bp->n_params && net->in_c == bp->in_c &&
               net->in_h == bp->in_h && net->in_w == bp->in_w;
    for (int l = 0; same && l < bp->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        const cs_backprop_layer *B = &bp->layers[l];
        same = L->kind == B->kind && L->out_c == B->out_c && L->out_h == B->out_h && L->out_w == B->out_w;
    }
    if (!same) return cs_fail(CS_ERR_SHAPE, "the inspector's net is not the net this step was sized for");
    if (rq->label < 0 || rq->label >= bp->n_classes)
        return cs_fail(CS_ERR_ARG, "label %d is out of range (the net has %d classes: 0..%d)", rq->label, bp->n_classes,
                       bp->n_classes - 1);
    if (!(rq->lr > 0) || !isfinite(rq->lr))
        return cs_fail(CS_ERR_ARG, "the learning rate must be a positive number (got %g)", (double)rq->lr);
    if (rq->optim && rq->optim->n != bp->n_params)
        return cs_fail(CS_ERR_SHAPE, "the optimizer holds state for %zu parameters, the net has %zu", rq->optim->n,
                       bp->n_params);
    return CS_OK;
}

static double norm2(const float *x, size_t n, long *nonzero)
{
    double s = 0.0;
    long nz = 0;
    for (size_t i = 0; i < n; i++) {
        s += (double)x[i] * x[i];
        nz += x[i] != 0.0f;
    }
    *nonzero = nz;
    return sqrt(s);
}

const float *cs_backprop_layer_input(const cs_backprop *bp, int l)
{
    return l == 0 ? bp->input : bp->outs + bp->layers[l - 1].out_off;
}

/* Input positions of a max pool that are the max of at least one window (argmax of sample 0). */
static long pool_winners(const cs_backprop *bp, const cs_layer *L)
{
    const size_t plane = (size_t)L->in_h * L->in_w, per = (size_t)L->out_h * L->out_w;
    long winners = 0;
    for (int c = 0; c < L->out_c; c++) {
        memset(bp->marks, 0, plane);
        const int *am = L->argmax + (size_t)c * per;
        for (size_t o = 0; o < per; o++) {
            if (am[o] < 0 || (size_t)am[o] >= plane) continue;
            winners += !bp->marks[am[o]];
            bp->marks[am[o]] = 1;
        }
    }
    return winners;
}

/* Phase 4's facts of every layer, from bp's maps and gradients and the net's max-pool choices. */
static void layer_facts(cs_backprop *bp, const cs_net *net)
{
    for (int l = 0; l < bp->n_layers; l++) {
        cs_backprop_layer *B = &bp->layers[l];
        cs_backprop_facts *f = &B->facts;
        memset(f, 0, sizeof *f);
        const size_t n_in = (size_t)B->in_c * B->in_h * B->in_w, n_out = out_count(B);
        f->n_in = (long)n_in, f->n_out = (long)n_out;
        const float *gout = bp->grad_outs + B->out_off;
        f->grad_out_norm = norm2(gout, n_out, &f->grad_out_nonzero);
        f->passes_back = l > 0;
        if (l > 0) f->grad_in_norm = norm2(bp->grad_outs + bp->layers[l - 1].out_off, n_in, &f->grad_in_nonzero);
        const float *in = cs_backprop_layer_input(bp, l);
        switch (B->kind) {
        case CS_LAYER_RELU:
        case CS_LAYER_LEAKYRELU:
            for (size_t i = 0; i < n_in; i++)
                if (!(in[i] > 0.0f)) f->blocked++, f->blocked_nonzero += gout[i] != 0.0f;
            break;
        case CS_LAYER_MAXPOOL:
            f->windows = (long)n_out;
            f->winners = pool_winners(bp, &net->layers[l]);
            break;
        case CS_LAYER_AVGPOOL: f->windows = (long)n_out; break;
        default: break;
        }
    }
}

/* Copies every layer's output (phase 1) or gradient of the net's sample 0 into dst. */
static void copy_layers(const cs_backprop *bp, const cs_net *net, float *dst, int grads)
{
    for (int l = 0; l < bp->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        memcpy(dst + bp->layers[l].out_off, grads ? L->dout : L->out, out_count(&bp->layers[l]) * sizeof(float));
    }
}

/* State buffers for the optimizer's terms, kept once allocated. */
static cs_status want_state(float **buf, size_t n)
{
    if (!*buf) *buf = calloc(n ? n : 1, sizeof(float));
    return *buf ? CS_OK : cs_fail(CS_ERR_NOMEM, "out of memory for the optimizer's state of %zu parameters", n);
}

/* Phase 6: params_after = params after one step of rq's rule, on copies of its state. */
static cs_status update(cs_backprop *bp, const cs_backprop_request *rq)
{
    const size_t n = bp->n_params;
    cs_optim o;
    float *scratch = NULL;
    if (rq->optim) {
        const int adam = rq->optim->kind == CS_OPTIM_ADAM;
        cs_status st;
        if ((st = want_state(&bp->m_before, n)) || (st = want_state(&bp->m_after, n))) return st;
        if (adam && ((st = want_state(&bp->v_before, n)) || (st = want_state(&bp->v_after, n)))) return st;
        o = *rq->optim;
        memcpy(bp->m_before, rq->optim->m, n * sizeof(float));
        memcpy(bp->m_after, rq->optim->m, n * sizeof(float));
        o.m = bp->m_after;
        o.v = NULL;
        if (adam) {
            memcpy(bp->v_before, rq->optim->v, n * sizeof(float));
            memcpy(bp->v_after, rq->optim->v, n * sizeof(float));
            o.v = bp->v_after;
        }
    } else {
        /* plain SGD: torch.optim.SGD's rule with momentum and weight decay 0 gives w - lr g */
        if (!(scratch = calloc(n ? n : 1, sizeof(float))))
            return cs_fail(CS_ERR_NOMEM, "out of memory for one update of %zu parameters", n);
        memset(&o, 0, sizeof o);
        o.kind = CS_OPTIM_SGD;
        o.n = n;
        o.m = scratch;
    }
    memcpy(bp->params_after, bp->params, n * sizeof(float));
    cs_optim_step(&o, bp->params_after, bp->grads, rq->lr);
    bp->update = (cs_backprop_update){o.kind, rq->optim == NULL, rq->lr, o.momentum, o.weight_decay, o.beta1, o.beta2,
                                      o.eps, o.t};
    if (!rq->optim || rq->optim->kind != CS_OPTIM_ADAM) {
        free(bp->v_before), free(bp->v_after);
        bp->v_before = bp->v_after = NULL;
    }
    if (!rq->optim) {
        free(bp->m_before), free(bp->m_after);
        bp->m_before = bp->m_after = NULL;
    }
    free(scratch);
    return CS_OK;
}

/* Phases 2 and 3 from the net's output and gradients (copied into outs and grad_outs). */
static void loss_and_output_gradient(cs_backprop *bp, const cs_net *net)
{
    const int D = bp->n_classes, last = bp->n_layers - 1;
    const float *y = bp->outs + bp->layers[last].out_off;
    memcpy(bp->output, y, (size_t)D * sizeof(float));
    for (int d = 0; d < D; d++) bp->target[d] = d == bp->label ? 1.0f : 0.0f;
    cs_net_probs(net, 0, bp->probs);
    if (bp->loss_kind == CS_LOSS_MSE) cs_loss_mse_terms(bp->loss_terms, y, bp->label, D);
    else cs_loss_xent_terms(bp->loss_terms, bp->softmax_last ? bp->outs + bp->layers[last - 1].out_off : y, bp->label, D);
    memcpy(bp->grad_output, bp->grad_outs + bp->layers[last].out_off, (size_t)D * sizeof(float));
    memcpy(bp->grad_logits, bp->softmax_last ? bp->grad_outs + bp->layers[last - 1].out_off : bp->grad_output,
           (size_t)D * sizeof(float));
}

cs_status cs_backprop_compute(cs_backprop *bp, cs_inspect *ins, const cs_backprop_request *rq)
{
    cs_net *net = cs_inspect_net(ins);
    cs_status st = check_request(bp, net, rq);
    if (st) return st;
    const size_t n_in = (size_t)bp->in_c * bp->in_h * bp->in_w;
    memcpy(bp->params, rq->params, bp->n_params * sizeof(float));
    memcpy(bp->input, rq->pixels, n_in * sizeof(float));
    bp->label = rq->label;
    bp->loss_kind = rq->loss;

    /* 1: forward; 2-5: the loss and the backward pass of this one image */
    memcpy(net->params, bp->params, bp->n_params * sizeof(float));
    memcpy(net->input, bp->input, n_in * sizeof(float));
    cs_net_forward(net, 1);
    copy_layers(bp, net, bp->outs, 0);
    bp->loss = cs_inspect_backward(ins, bp->label, bp->loss_kind);
    copy_layers(bp, net, bp->grad_outs, 1);
    memcpy(bp->grads, net->grads, bp->n_params * sizeof(float));
    loss_and_output_gradient(bp, net);
    layer_facts(bp, net);

    /* 6: the update, on copies */
    if ((st = update(bp, rq))) return st;

    /* 7: forward again on the same image */
    memcpy(net->params, bp->params_after, bp->n_params * sizeof(float));
    cs_net_forward(net, 1);
    const int D = bp->n_classes;
    memcpy(bp->output_after, net->layers[bp->n_layers - 1].out, (size_t)D * sizeof(float));
    cs_net_probs(net, 0, bp->probs_after);
    bp->loss_after = cs_net_loss(net, &bp->label, 1, bp->loss_kind);
    double first = 0.0;
    for (size_t i = 0; i < bp->n_params; i++) first += (double)bp->grads[i] * ((double)bp->params_after[i] - bp->params[i]);
    bp->first_order = first;
    bp->verdict = bp->loss_after < bp->loss    ? CS_BACKPROP_WENT_DOWN
                  : bp->loss_after == bp->loss ? CS_BACKPROP_UNCHANGED
                  : first < 0                  ? CS_BACKPROP_OVERSHOT
                                               : CS_BACKPROP_OTHER_WAY;
    return CS_OK;
}

cs_status cs_run_backprop(cs_run *run, cs_backprop *bp, float lr, int plain_sgd)
{
    cs_inspect *ins = cs_run_inspector(run);
    if (!ins) return cs_fail(CS_ERR_NOMEM, "cannot build the one-image copy of the net");
    const cs_trainer *tr = run->trainer;
    const cs_backprop_request rq = {tr->net->params, run->probe_pixels, run->probe_label, tr->cfg.loss,
                                    lr > 0 ? lr : tr->cfg.lr, plain_sgd ? NULL : &tr->opt};
    return cs_backprop_compute(bp, ins, &rq);
}

cs_status cs_run_apply_backprop(cs_run *run, const cs_backprop *bp)
{
    cs_trainer *tr = run->trainer;
    cs_optim *o = &tr->opt;
    const size_t n = bp->n_params;
    if (n != tr->net->n_params || memcmp(bp->params, tr->net->params, n * sizeof(float)) != 0)
        return cs_fail(CS_ERR_ARG, "the run's weights have changed since this step was computed; compute it again");
    const int stateful = !bp->update.plain;
    if (stateful && (bp->update.kind != o->kind || memcmp(bp->m_before, o->m, n * sizeof(float)) != 0 ||
                     (o->v && memcmp(bp->v_before, o->v, n * sizeof(float)) != 0) || bp->update.t != o->t + 1))
        return cs_fail(CS_ERR_ARG, "the run's optimizer has moved on since this step was computed; compute it again");
    memcpy(tr->net->params, bp->params_after, n * sizeof(float));
    if (stateful) {
        memcpy(o->m, bp->m_after, n * sizeof(float));
        if (o->v) memcpy(o->v, bp->v_after, n * sizeof(float));
        o->t = bp->update.t;
    }
    return CS_OK;
}

int cs_backprop_request_from_snapshot(cs_backprop_request *rq, const cs_snapshot *s)
{
    *rq = (cs_backprop_request){s->weights, s->probe, s->probe_label, s->loss_kind, s->lr,
                                s->has_grads ? &s->optim : NULL};
    return s->has_grads;
}

cs_status cs_backprop_wgrad(const cs_backprop *bp, int layer, int filter, cs_wgrad *ws)
{
    memset(ws, 0, sizeof *ws);
    if (layer < 0 || layer >= bp->n_layers || bp->layers[layer].kind != CS_LAYER_CONV)
        return cs_fail(CS_ERR_ARG, "layer %d is not a conv layer", layer + 1);
    const cs_backprop_layer *L = &bp->layers[layer];
    if (filter < 0 || filter >= L->out_c)
        return cs_fail(CS_ERR_ARG, "%s has filters 0..%d (not %d)", L->name, L->out_c - 1, filter);
    const float *dout = bp->grad_outs + L->out_off + (size_t)filter * L->out_h * L->out_w;
    return cs_wgrad_init(ws, cs_backprop_layer_input(bp, layer), L->in_c, L->in_h, L->in_w, dout, &L->win);
}
