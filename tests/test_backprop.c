/* test_backprop.c - one training step in slow motion (cs_backprop.h) and the gradients a run hands
 * to views (cs_gradcurve.h, the snapshot's gradient toggle): the loss terms add up to L bit for
 * bit; dL/dy is 2 (y - t) / n for MSE and -1/p_true after a softmax for cross-entropy; the new
 * weights are old - lr x gradient (plain SGD) or the momentum and Adam forms; the weight-gradient
 * stepper reproduces the reference backward and the net's gradient within its bound; the facts of
 * every layer agree with its maps; the loss goes down for a small learning rate on an untrained
 * and a trained net; the run itself is never changed; the snapshot carries the same gradients when
 * asked and nothing when not; gradient norms come on the train curve's schedule. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_backprop.h"
#include "cs_run.h"
#include "cs_run_driver.h"

static void spec_for(cs_run_spec *spec, const char *net, cs_loss_kind loss)
{
    cs_run_spec_defaults(spec);
    spec->dataset = "shapes";
    spec->net = net;
    spec->limit = 400;
    spec->cfg.seed = 5;
    spec->cfg.loss = loss;
}

static cs_run *open_ok(const cs_run_spec *spec)
{
    cs_run *run;
    if (cs_run_open(&run, spec) != CS_OK) fail_msg("cs_run_open: %s", cs_last_error());
    return run;
}

static void steps(cs_run *run, int n)
{
    for (int i = 0; i < n; i++)
        if (!(cs_run_step(run, 0) & CS_RUN_STEPPED)) fail_msg("step %d did not train: %s", i, run->message);
}

static void init_ok(cs_backprop *bp, const cs_run *run)
{
    if (cs_backprop_init(bp, run->trainer->net) != CS_OK) fail_msg("cs_backprop_init: %s", cs_last_error());
}

static void backprop_ok(cs_run *run, cs_backprop *bp, float lr, int plain)
{
    if (cs_run_backprop(run, bp, lr, plain) != CS_OK) fail_msg("cs_run_backprop: %s", cs_last_error());
}

static void test_phase_names(void **state)
{
    (void)state;
    /* the names and order of a lesson file's @phase */
    const char *want[] = {"forward", "loss", "output-gradient", "map-gradients", "weight-gradient", "update",
                          "forward-again"};
    assert_int_equal(CS_BACKPROP_PHASES, 7);
    for (int p = 0; p < CS_BACKPROP_PHASES; p++) {
        assert_string_equal(cs_backprop_phase_name(p), want[p]);
        assert_int_equal(cs_backprop_phase_parse(want[p]), p);
    }
    assert_null(cs_backprop_phase_name(7));
    assert_int_equal(cs_backprop_phase_parse("backward"), -1);
}

/* The walk: one press per phase, one per layer in phase 4 (last layer first), and back. */
static void test_cursor(void **state)
{
    (void)state;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, "mnist", 1, 1), CS_OK); /* 8 layers */
    cs_backprop bp;
    assert_int_equal(cs_backprop_init(&bp, net), CS_OK);
    cs_backprop_cursor c;
    cs_backprop_cursor_start(&c);
    assert_int_equal(c.phase, CS_BACKPROP_FORWARD);
    assert_int_equal(cs_backprop_cursor_prev(&c, &bp), 0);
    int presses = 0, ends = 0;
    while (cs_backprop_cursor_next(&c, &bp)) {
        presses++;
        if (c.phase == CS_BACKPROP_MAP_GRADIENTS) {
            assert_true(cs_backprop_cursor_shows_grad(&c, &bp, 7));
            assert_int_equal(cs_backprop_cursor_shows_grad(&c, &bp, 8 - c.layers_shown), 1);
            assert_int_equal(cs_backprop_cursor_shows_grad(&c, &bp, 7 - c.layers_shown), 0);
        }
        ends += cs_backprop_cursor_at_phase_end(&c, &bp);
    }
    /* 6 presses between phases, 7 more to reveal layers 6..0 */
    assert_int_equal(presses, 6 + 7);
    assert_int_equal(ends, 6);
    assert_int_equal(c.phase, CS_BACKPROP_FORWARD_AGAIN);
    assert_true(cs_backprop_cursor_shows_grad(&c, &bp, 0));
    int back = 0;
    while (cs_backprop_cursor_prev(&c, &bp)) back++;
    assert_int_equal(back, presses);
    assert_int_equal(c.phase, CS_BACKPROP_FORWARD);
    assert_int_equal(c.layers_shown, 0);
    cs_backprop_cursor_seek(&c, &bp, CS_BACKPROP_MAP_GRADIENTS);
    assert_int_equal(c.layers_shown, 1);
    assert_int_equal(cs_backprop_cursor_at_phase_end(&c, &bp), 0);
    cs_backprop_cursor_seek(&c, &bp, 99);
    assert_int_equal(c.phase, CS_BACKPROP_FORWARD_AGAIN);
    cs_backprop_free(&bp);
    cs_net_destroy(net);
}

/* Phases 2 and 3 against their definitions, in the core's own float arithmetic. */
static void check_loss_and_output_gradient(const cs_backprop *bp)
{
    const int D = bp->n_classes;
    if (bp->loss_kind == CS_LOSS_MSE) {
        double s = 0.0;
        for (int k = 0; k < D; k++) s += bp->loss_terms[k];
        const float L = (float)(s / D);
        assert_memory_equal(&L, &bp->loss, sizeof L); /* the terms add up to L, bit for bit */
        for (int k = 0; k < D; k++) {
            const float diff = bp->output[k] - bp->target[k];
            assert_true(bp->loss_terms[k] == (double)diff * diff);
            const float g = 2.0f * diff / (float)D;
            assert_memory_equal(&g, &bp->grad_output[k], sizeof g);
        }
    } else {
        const float L = (float)bp->loss_terms[bp->label];
        assert_memory_equal(&L, &bp->loss, sizeof L);
        for (int k = 0; k < D; k++) {
            if (k != bp->label) assert_true(bp->loss_terms[k] == 0.0);
            /* p - t at the logits: through the softmax when the net has one */
            assert_float_equal(bp->grad_logits[k], bp->probs[k] - bp->target[k], 1e-6);
            if (!bp->softmax_last) assert_memory_equal(&bp->grad_logits[k], &bp->grad_output[k], sizeof(float));
            else if (k != bp->label) assert_true(bp->grad_output[k] == 0.0f);
        }
        /* -log p_true, with p_true from the net's probabilities */
        assert_float_equal(-logf(bp->probs[bp->label]), bp->loss, 1e-5f * bp->loss + 1e-6f);
        if (bp->softmax_last) { /* dL/dp_true of the softmax output */
            const float g = -1.0f / (1.0f * bp->output[bp->label]);
            assert_memory_equal(&g, &bp->grad_output[bp->label], sizeof g);
        }
    }
}

/* Phase 4's facts from the maps themselves. */
static void check_facts(const cs_backprop *bp)
{
    for (int l = 0; l < bp->n_layers; l++) {
        const cs_backprop_layer *L = &bp->layers[l];
        const cs_backprop_facts *f = &L->facts;
        const float *in = cs_backprop_layer_input(bp, l), *gout = bp->grad_outs + L->out_off;
        assert_int_equal(f->passes_back, l > 0);
        if (L->kind == CS_LAYER_RELU) {
            long blocked = 0, stopped = 0, passed_nonzero = 0;
            const float *gin = bp->grad_outs + bp->layers[l - 1].out_off;
            for (long i = 0; i < f->n_in; i++) {
                if (in[i] <= 0.0f) {
                    blocked++, stopped += gout[i] != 0.0f;
                    assert_true(gin[i] == 0.0f); /* blocked: nothing passes */
                } else {
                    assert_memory_equal(&gin[i], &gout[i], sizeof(float)); /* passed unchanged */
                    passed_nonzero += gout[i] != 0.0f;
                }
            }
            assert_int_equal(f->blocked, blocked);
            assert_int_equal(f->blocked_nonzero, stopped);
            assert_int_equal(f->grad_in_nonzero, passed_nonzero);
            assert_true(blocked > 0 && blocked < f->n_in);
        }
        if (L->kind == CS_LAYER_MAXPOOL) {
            assert_int_equal(f->windows, f->n_out);
            /* the gradient reaches the window winners only */
            assert_true(f->grad_in_nonzero <= f->winners && f->winners <= f->windows);
            assert_true(f->winners > 0);
        }
    }
}

/* Phase 5: every weight of a conv filter, stepped, equals the reference backward bit for bit and the
 * net's own gradient within the summation bound. */
static void check_wgrad(const cs_backprop *bp, int layer, int filter)
{
    const cs_backprop_layer *L = &bp->layers[layer];
    const size_t per = (size_t)L->in_c * L->win.kh * L->win.kw, nw = (size_t)L->out_c * per;
    float *dw = calloc(nw, sizeof *dw), *db = calloc((size_t)L->out_c, sizeof *db);
    cs_conv2d_win_backward_ref(NULL, dw, db, bp->grad_outs + L->out_off, cs_backprop_layer_input(bp, layer),
                               bp->params + L->w_off, 1, L->in_c, L->in_h, L->in_w, L->out_c, &L->win);
    cs_wgrad ws;
    assert_int_equal(cs_backprop_wgrad(bp, layer, filter, &ws), CS_OK);
    assert_int_equal(ws.n_cells, (int)per);
    const float *net_grad = bp->grads + L->w_off + (size_t)filter * per;
    do {
        assert_memory_equal(&ws.sum, &dw[(size_t)filter * per + ws.cell], sizeof(float));
        if (fabs((double)ws.sum - net_grad[ws.cell]) > cs_wgrad_bound(&ws))
            fail_msg("%s filter %d weight %d: stepped %.9g, the net's %.9g, bound %.3g", L->name, filter, ws.cell,
                     (double)ws.sum, (double)net_grad[ws.cell], cs_wgrad_bound(&ws));
    } while (cs_wgrad_next(&ws));
    cs_wgrad_free(&ws);
    free(dw), free(db);
}

static void check_plain_update(const cs_backprop *bp, float lr)
{
    assert_true(bp->update.plain && bp->update.kind == CS_OPTIM_SGD);
    assert_null(bp->m_before);
    assert_float_equal(bp->update.lr, lr, 0.0f);
    double g2 = 0.0;
    for (size_t i = 0; i < bp->n_params; i++) {
        const float want = bp->params[i] - lr * bp->grads[i];
        assert_memory_equal(&want, &bp->params_after[i], sizeof want);
        g2 += (double)bp->grads[i] * bp->grads[i];
    }
    /* the first-order change is -lr ||g||^2 up to the rounding of the new weights */
    assert_true(fabs(bp->first_order + lr * g2) <= 1e-3 * lr * g2);
}

static void check_step(const char *net, cs_loss_kind loss)
{
    cs_run_spec spec;
    spec_for(&spec, net, loss);
    cs_run *run = open_ok(&spec);
    steps(run, 3);
    cs_run_set_probe(run, 4);
    const cs_trainer *tr = run->trainer;
    const size_t n = tr->net->n_params;
    float *w0 = malloc(n * sizeof *w0), *m0 = malloc(n * sizeof *m0);
    memcpy(w0, tr->net->params, n * sizeof *w0);
    memcpy(m0, tr->opt.m, n * sizeof *m0);
    const long t0 = tr->opt.t;
    cs_backprop bp;
    init_ok(&bp, run);
    backprop_ok(run, &bp, 0.01f, 1);
    /* the run is untouched */
    assert_memory_equal(w0, tr->net->params, n * sizeof *w0);
    assert_memory_equal(m0, tr->opt.m, n * sizeof *m0);
    assert_int_equal(tr->opt.t, t0);
    /* phase 1 is what the window's snapshot shows for the probe */
    cs_snapshot s;
    assert_int_equal(cs_run_snapshot_init(run, &s), CS_OK);
    cs_run_capture(run, &s);
    assert_int_equal(s.n_acts, bp.n_outs);
    assert_memory_equal(s.acts, bp.outs, bp.n_outs * sizeof(float));
    assert_memory_equal(s.probe, bp.input, (size_t)bp.in_c * bp.in_h * bp.in_w * sizeof(float));
    assert_int_equal(bp.label, run->probe_label);
    cs_snapshot_free(&s);

    check_loss_and_output_gradient(&bp);
    check_facts(&bp);
    for (int l = 0; l < bp.n_layers; l++)
        if (bp.layers[l].kind == CS_LAYER_CONV) {
            check_wgrad(&bp, l, 0);
            check_wgrad(&bp, l, bp.layers[l].out_c - 1);
        }
    check_plain_update(&bp, 0.01f);
    assert_true(bp.loss_after < bp.loss);
    assert_int_equal(bp.verdict, CS_BACKPROP_WENT_DOWN);
    /* the same step again gives the same numbers */
    cs_backprop again;
    init_ok(&again, run);
    backprop_ok(run, &again, 0.01f, 1);
    assert_memory_equal(again.params_after, bp.params_after, n * sizeof(float));
    assert_memory_equal(again.grad_outs, bp.grad_outs, bp.n_outs * sizeof(float));
    cs_backprop_free(&again);
    cs_backprop_free(&bp);
    free(w0), free(m0);
    cs_run_close(run);
}

static void test_step_every_loss(void **state)
{
    (void)state;
    check_step("mnist", CS_LOSS_XENT);
    check_step("mnist", CS_LOSS_MSE);
    /* no softmax layer: cross-entropy on the last layer's output as logits */
    check_step("input 28x28x1, conv 4@5 stride 2 pad 1, relu, maxpool 2, conv 6@3 pad 1, relu, fc 8", CS_LOSS_XENT);
}

/* Phase 6 with the run's optimizer: SGD with momentum and weight decay, and Adam, in torch.optim's
 * forms (cs_optim.h), on copies of the state. */
static void test_momentum_and_adam(void **state)
{
    (void)state;
    for (int adam = 0; adam <= 1; adam++) {
        cs_run_spec spec;
        spec_for(&spec, "input 28x28x1, conv 4@5 pad 2, relu, maxpool 2, fc 8", CS_LOSS_XENT);
        spec.cfg.optimizer = adam ? CS_OPTIM_ADAM : CS_OPTIM_SGD;
        spec.cfg.momentum = 0.9f;
        spec.cfg.weight_decay = 0.01f;
        cs_run *run = open_ok(&spec);
        steps(run, 4); /* the state is not zero */
        const cs_optim *o = &run->trainer->opt;
        const size_t n = o->n;
        const long t0 = o->t;
        cs_backprop bp;
        init_ok(&bp, run);
        const float lr = 0.003f;
        backprop_ok(run, &bp, lr, 0);
        assert_int_equal(bp.update.plain, 0);
        assert_int_equal(bp.update.kind, o->kind);
        assert_int_equal(bp.update.t, t0 + 1);
        assert_int_equal(o->t, t0);
        assert_memory_equal(bp.m_before, o->m, n * sizeof(float));
        float wd = o->weight_decay;
        assert_float_equal(wd, 0.01f, 0.0f);
        if (!adam) {
            assert_null(bp.v_before);
            const float mu = o->momentum;
            for (size_t i = 0; i < n; i++) {
                const float g = bp.grads[i] + wd * bp.params[i];
                const float v = mu * bp.m_before[i] + g;
                const float w = bp.params[i] - lr * v;
                assert_memory_equal(&v, &bp.m_after[i], sizeof v);
                assert_memory_equal(&w, &bp.params_after[i], sizeof w);
            }
        } else {
            assert_memory_equal(bp.v_before, o->v, n * sizeof(float));
            const float b1 = o->beta1, b2 = o->beta2, t = (float)(t0 + 1);
            const float c1 = 1.0f - powf(b1, t), c2 = 1.0f - powf(b2, t), step = lr * sqrtf(c2) / c1;
            for (size_t i = 0; i < n; i++) {
                const float g = bp.grads[i] + wd * bp.params[i];
                const float m = b1 * bp.m_before[i] + (1.0f - b1) * g;
                const float v = b2 * bp.v_before[i] + (1.0f - b2) * g * g;
                const float w = bp.params[i] - step * m / (sqrtf(v) + o->eps * sqrtf(c2));
                assert_memory_equal(&m, &bp.m_after[i], sizeof m);
                assert_memory_equal(&v, &bp.v_after[i], sizeof v);
                assert_memory_equal(&w, &bp.params_after[i], sizeof w);
            }
        }
        /* the verdict agrees with the numbers */
        if (bp.loss_after < bp.loss) assert_int_equal(bp.verdict, CS_BACKPROP_WENT_DOWN);
        else assert_int_equal(bp.verdict, bp.first_order < 0 ? CS_BACKPROP_OVERSHOT : CS_BACKPROP_OTHER_WAY);
        cs_backprop_free(&bp);
        cs_run_close(run);
    }
}

/* A small learning rate lowers the probe's loss, on an untrained and on a trained net, for every
 * test image whose loss is not already below float resolution. */
static void test_loss_goes_down(void **state)
{
    (void)state;
    for (int trained = 0; trained <= 1; trained++)
        for (int loss = 0; loss <= 1; loss++) {
            cs_run_spec spec;
            spec_for(&spec, "mnist", loss ? CS_LOSS_MSE : CS_LOSS_XENT);
            cs_run *run = open_ok(&spec);
            if (trained) steps(run, 100); /* 5 epochs of 400 images */
            cs_backprop bp;
            init_ok(&bp, run);
            int checked = 0;
            for (int p = 0; p < 8; p++) {
                cs_run_set_probe(run, p);
                backprop_ok(run, &bp, 1e-3f, 1);
                if (bp.loss < 1e-4f) continue;
                if (!(bp.loss_after < bp.loss))
                    fail_msg("%s net, %s, probe %d: loss %.9g, after %.9g", trained ? "trained" : "untrained",
                             loss ? "mse" : "xent", p, (double)bp.loss, (double)bp.loss_after);
                checked++;
            }
            assert_true(checked >= 4);
            cs_backprop_free(&bp);
            cs_run_close(run);
        }
}

/* Asked for, the step is taken on the run: its weights (and optimizer) become the step's, and the
 * probe's loss is then the step's loss_after; a step computed before training went on is refused. */
static void test_apply(void **state)
{
    (void)state;
    for (int plain = 0; plain <= 1; plain++) {
        cs_run_spec spec;
        spec_for(&spec, "mnist", CS_LOSS_XENT);
        cs_run *run = open_ok(&spec);
        steps(run, 2);
        const long step = run->trainer->step, t = run->trainer->opt.t;
        cs_backprop bp, again;
        init_ok(&bp, run);
        init_ok(&again, run);
        backprop_ok(run, &bp, 0.02f, plain);
        assert_int_equal(cs_run_apply_backprop(run, &bp), CS_OK);
        const size_t n = bp.n_params;
        assert_memory_equal(run->trainer->net->params, bp.params_after, n * sizeof(float));
        assert_int_equal(run->trainer->step, step); /* not a training step */
        if (plain) {
            assert_int_equal(run->trainer->opt.t, t);
        } else {
            assert_int_equal(run->trainer->opt.t, t + 1);
            assert_memory_equal(run->trainer->opt.m, bp.m_after, n * sizeof(float));
        }
        backprop_ok(run, &again, 0.02f, plain);
        assert_memory_equal(&again.loss, &bp.loss_after, sizeof(float));
        /* applying the old step again: the weights are no longer its starting point */
        assert_int_equal(cs_run_apply_backprop(run, &bp), CS_ERR_ARG);
        assert_non_null(strstr(cs_last_error(), "changed since"));
        steps(run, 1);
        assert_int_equal(cs_run_apply_backprop(run, &again), CS_ERR_ARG);
        cs_backprop_free(&bp);
        cs_backprop_free(&again);
        cs_run_close(run);
    }
}

static void test_refused_requests(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec, "mnist", CS_LOSS_XENT);
    cs_run *run = open_ok(&spec);
    cs_backprop bp;
    init_ok(&bp, run);
    backprop_ok(run, &bp, 0.01f, 1);
    const float loss = bp.loss;
    cs_backprop_request rq = {run->trainer->net->params, run->probe_pixels, 10, CS_LOSS_XENT, 0.01f, NULL};
    assert_int_equal(cs_backprop_compute(&bp, cs_run_inspector(run), &rq), CS_ERR_ARG);
    char range[32]; /* the preset's outputs are sized to the data's classes */
    snprintf(range, sizeof range, "0..%d", run->trainer->net->n_classes - 1);
    assert_non_null(strstr(cs_last_error(), range));
    rq.label = 1, rq.lr = 0.0f;
    assert_int_equal(cs_backprop_compute(&bp, cs_run_inspector(run), &rq), CS_ERR_ARG);
    assert_true(bp.loss == loss); /* unchanged */
    /* an inspector of another net */
    cs_inspect *other;
    assert_int_equal(cs_inspect_create(&other, "input 28x28x1, conv 2@3, relu, fc 10"), CS_OK);
    rq.lr = 0.01f;
    assert_int_equal(cs_backprop_compute(&bp, other, &rq), CS_ERR_SHAPE);
    cs_inspect_destroy(other);
    /* phase 5 takes conv layers and their filters only */
    cs_wgrad ws;
    assert_int_equal(cs_backprop_wgrad(&bp, 1, 0, &ws), CS_ERR_ARG);
    assert_int_equal(cs_backprop_wgrad(&bp, 0, 8, &ws), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "0..7"));
    cs_backprop_free(&bp);
    cs_run_close(run);
}

/* The snapshot's gradients: nothing unless asked; when asked, the probe's layer gradients (the same
 * as the one-image step's), the last batch's weight gradients and the optimizer, from which a view
 * computes the run's next update exactly as the run would show it. */
static void test_snapshot_grads(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec, "mnist", CS_LOSS_MSE);
    cs_run *run = open_ok(&spec);
    steps(run, 3);
    cs_snapshot s, copy;
    assert_int_equal(cs_run_snapshot_init(run, &s), CS_OK);
    assert_int_equal(cs_run_snapshot_init(run, &copy), CS_OK);
    cs_run_capture(run, &s);
    assert_int_equal(s.has_grads, 0);
    assert_null(s.act_grads);
    assert_null(s.weight_grads);
    assert_null(s.optim.m);
    assert_int_equal(s.loss_kind, CS_LOSS_MSE);

    cs_run_set_capture_grads(run, 1);
    cs_run_capture(run, &s);
    assert_int_equal(s.has_grads, 1);
    cs_backprop bp;
    init_ok(&bp, run);
    backprop_ok(run, &bp, 0, 0); /* the run's rate and optimizer */
    assert_memory_equal(s.act_grads, bp.grad_outs, bp.n_outs * sizeof(float));
    assert_memory_equal(&s.probe_loss, &bp.loss, sizeof(float));
    assert_memory_equal(s.weight_grads, run->trainer->net->grads, s.n_weights * sizeof(float));
    assert_memory_equal(s.optim.m, run->trainer->opt.m, s.n_weights * sizeof(float));
    assert_int_equal(s.optim.t, run->trainer->opt.t);
    assert_float_equal(bp.update.lr, run->trainer->cfg.lr, 0.0f);

    /* a view on another thread: from the snapshot (a copy), with its own inspector */
    cs_snapshot_copy(&copy, &s);
    assert_int_equal(copy.has_grads, 1);
    assert_ptr_not_equal(copy.act_grads, s.act_grads);
    cs_backprop_request rq;
    assert_int_equal(cs_backprop_request_from_snapshot(&rq, &copy), 1);
    cs_inspect *ins;
    assert_int_equal(cs_inspect_create(&ins, run->net_spec), CS_OK);
    cs_backprop view;
    init_ok(&view, run);
    assert_int_equal(cs_backprop_compute(&view, ins, &rq), CS_OK);
    assert_memory_equal(view.params_after, bp.params_after, bp.n_params * sizeof(float));
    assert_memory_equal(view.grad_outs, bp.grad_outs, bp.n_outs * sizeof(float));
    assert_memory_equal(&view.loss_after, &bp.loss_after, sizeof(float));

    /* off again: the next capture carries none, and a copy of it says so */
    cs_run_set_capture_grads(run, 0);
    cs_run_capture(run, &s);
    assert_int_equal(s.has_grads, 0);
    cs_snapshot_copy(&copy, &s);
    assert_int_equal(copy.has_grads, 0);
    assert_int_equal(cs_backprop_request_from_snapshot(&rq, &copy), 0);
    assert_null(rq.optim);

    /* Adam's second moment travels too, and a copy from an SGD run's snapshot drops it */
    cs_run_spec adam_spec;
    spec_for(&adam_spec, "mnist", CS_LOSS_MSE);
    adam_spec.cfg.optimizer = CS_OPTIM_ADAM;
    cs_run *adam = open_ok(&adam_spec);
    steps(adam, 2);
    cs_snapshot sa;
    assert_int_equal(cs_run_snapshot_init(adam, &sa), CS_OK);
    cs_run_set_capture_grads(adam, 1);
    cs_run_capture(adam, &sa);
    assert_non_null(sa.optim.v);
    assert_memory_equal(sa.optim.v, adam->trainer->opt.v, sa.n_weights * sizeof(float));
    cs_run_set_capture_grads(run, 1);
    cs_run_capture(run, &s);
    cs_snapshot_copy(&copy, &s); /* an SGD snapshot with gradients: no v */
    assert_null(copy.optim.v);
    cs_snapshot_copy(&copy, &sa);
    assert_int_equal(copy.optim.kind, CS_OPTIM_ADAM);
    assert_memory_equal(copy.optim.v, adam->trainer->opt.v, sa.n_weights * sizeof(float));
    cs_snapshot_copy(&copy, &s);
    assert_null(copy.optim.v);
    assert_int_equal(copy.optim.kind, CS_OPTIM_SGD);

    cs_snapshot_free(&sa);
    cs_run_close(adam);
    cs_backprop_free(&view);
    cs_backprop_free(&bp);
    cs_inspect_destroy(ins);
    cs_snapshot_free(&s);
    cs_snapshot_free(&copy);
    cs_run_close(run);
}

/* ||dL/dw|| per layer: a point with every train-curve point, the mean over the steps it stands for. */
static void test_grad_curve(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec, "mnist", CS_LOSS_XENT);
    cs_run *run = open_ok(&spec);
    const cs_gradcurve *g = &run->grad_curve;
    assert_int_equal(g->n_layers, 3); /* conv1, conv2, fc1 */
    assert_int_equal(g->layer[0], 0), assert_int_equal(g->layer[1], 3), assert_int_equal(g->layer[2], 6);
    double sums[3] = {0};
    for (int s = 1; s <= 25; s++) {
        steps(run, 1);
        for (int k = 0; k < 3; k++) {
            const cs_layer *L = &run->trainer->net->layers[g->layer[k]];
            double q = 0;
            for (size_t i = 0; i < L->w_count; i++) q += (double)L->dw[i] * L->dw[i];
            sums[k] += sqrt(q);
        }
        if (s % 10 == 0) {
            assert_int_equal(g->n, s / 10);
            assert_int_equal(g->step[g->n - 1], s);
            assert_int_equal(g->weight[g->n - 1], 10);
            for (int k = 0; k < 3; k++) {
                assert_float_equal(g->norm[g->n - 1][k], sums[k] / 10, 1e-6 * sums[k]);
                sums[k] = 0;
            }
        }
    }
    assert_int_equal(g->n, 2);
    assert_true(g->norm[0][2] > 0 && g->norm[1][0] > 0);
    /* a step by hand (flush) takes a point at once */
    cs_run_step(run, 1);
    assert_int_equal(g->n, 3);
    assert_int_equal(g->step[2], 26);
    assert_int_equal(g->weight[2], 6);
    cs_snapshot s;
    assert_int_equal(cs_run_snapshot_init(run, &s), CS_OK);
    cs_run_capture(run, &s);
    assert_int_equal(s.grad_norms.n, 3);
    assert_memory_equal(s.grad_norms.norm, g->norm, sizeof g->norm);
    cs_run_restart(run);
    assert_int_equal(g->n, 0);
    assert_int_equal(g->n_layers, 3);
    cs_snapshot_free(&s);
    cs_run_close(run);

    /* bounded: merged pairwise when full, keeping the mean */
    cs_gradcurve c;
    cs_net *net;
    assert_int_equal(cs_net_create(&net, "input 4x4x1, fc 2", 1, 1), CS_OK);
    cs_gradcurve_init(&c, net);
    net->layers[0].dw[0] = 3, net->layers[0].dw[1] = 4; /* ||dw|| = 5 */
    for (int i = 0; i < CS_GRADCURVE_POINTS + 1; i++) {
        cs_gradcurve_add_step(&c, net);
        cs_gradcurve_point(&c, i + 1);
    }
    assert_int_equal(c.n, CS_GRADCURVE_POINTS / 2 + 1);
    assert_int_equal(c.weight[0], 2);
    assert_int_equal(c.step[0], 2);
    assert_float_equal(c.norm[0][0], 5.0f, 1e-6f);
    cs_gradcurve_point(&c, 9999); /* nothing added since the last point: no point */
    assert_int_equal(c.n, CS_GRADCURVE_POINTS / 2 + 1);
    cs_net_destroy(net);
}

/* The driver's toggle reaches the run before the next snapshot. */
static void test_driver_toggle(void **state)
{
    (void)state;
    cs_run_spec spec;
    spec_for(&spec, "mnist", CS_LOSS_XENT);
    cs_run *run = open_ok(&spec);
    cs_run_driver_config cfg;
    cs_run_driver_config_defaults(&cfg);
    cfg.lockstep = 1;
    cfg.paused = 1;
    cs_run_driver *d;
    assert_int_equal(cs_run_driver_create(&d, run, &cfg), CS_OK);
    const cs_snapshot *s = cs_run_driver_snapshot(d, NULL);
    assert_int_equal(s->has_grads, 0);
    const uint64_t data_seq = s->data_seq;
    cs_run_driver_set_capture_grads(d, 1);
    cs_run_driver_tick(d);
    int fresh;
    s = cs_run_driver_snapshot(d, &fresh);
    assert_true(fresh);
    assert_int_equal(s->has_grads, 1);
    assert_true(s->data_seq > data_seq); /* paused: only the toggle changed the data a view uploads */
    assert_int_equal(s->step, 0);
    assert_non_null(s->act_grads);
    cs_run_driver_set_capture_grads(d, 0);
    cs_run_driver_tick(d);
    s = cs_run_driver_snapshot(d, &fresh);
    assert_true(fresh);
    assert_int_equal(s->has_grads, 0);
    cs_run_driver_destroy(d);
    cs_run_close(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phase_names),     cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_step_every_loss),
        cmocka_unit_test(test_momentum_and_adam), cmocka_unit_test(test_loss_goes_down),
        cmocka_unit_test(test_refused_requests), cmocka_unit_test(test_snapshot_grads),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_grad_curve),      cmocka_unit_test(test_driver_toggle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
