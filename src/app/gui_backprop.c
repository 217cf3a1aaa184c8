/* gui_backprop.c - the backprop view's state and actions (see gui_backprop.h). */
#include "gui_backprop.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_backprop.h"
#include "cs_i18n.h"
#include "cs_inspect.h"
#include "cs_view_backprop.h"
#include "cs_wgrad.h"
#include "gui_app.h"

/* Autoplay: seconds per press, slowest first. */
static const double PLAY_SECONDS[] = {8, 4, 2, 1, 0.5};
enum { N_PLAY = sizeof PLAY_SECONDS / sizeof PLAY_SECONDS[0], PLAY_DEFAULT = 2 };

struct gui_backprop {
    cs_inspect *ins;          /* owned: the view's own batch-1 net */
    cs_backprop bp;           /* owned buffers, sized for the net */
    int computed;
    uint64_t data_seq;        /* the snapshot's data_seq the step was computed from */
    cs_backprop_cursor cur;
    int layer, filter;        /* phase 5 and 6: conv layer (index in bp, -1: none) and filter */
    cs_wgrad ws;              /* the chosen filter's weight-gradient sum; owned */
    int have_ws;
    int skip_zeros;
    int playing, speed;
    double next_at;
    char source[200];
    cs_bp_layout layout;
    int lw, lh, lstyle_h, lpresent;
    float lscale;
    cs_view_backprop *view;   /* owned, with the window */
};

cs_status gui_backprop_create(gui_backprop **out, const char *net_spec)
{
    *out = NULL;
    gui_backprop *g = calloc(1, sizeof *g);
    if (!g) return cs_fail(CS_ERR_NOMEM, "out of memory for the backprop view");
    cs_status st = cs_inspect_create(&g->ins, net_spec);
    if (!st) st = cs_backprop_init(&g->bp, cs_inspect_net(g->ins));
    if (st) {
        gui_backprop_destroy(g);
        return st;
    }
    g->layer = -1, g->speed = PLAY_DEFAULT, g->skip_zeros = 0;
    *out = g;
    return CS_OK;
}

cs_status gui_backprop_attach(gui_backprop *g, cs_gl *gl, cs_text *text)
{
    return cs_view_backprop_create(&g->view, gl, text);
}

void gui_backprop_destroy(gui_backprop *g)
{
    if (!g) return;
    cs_view_backprop_destroy(g->view);
    cs_wgrad_free(&g->ws);
    cs_backprop_free(&g->bp);
    cs_inspect_destroy(g->ins);
    free(g);
}

/* The stepper at the chosen filter's weight of channel 0 (which the view always shows) with the
 * largest |dL/dw|, no term shown: a sum with something in it rather than weight (0, 0, 0), which
 * is often 0. */
static void seek_strongest_weight(gui_backprop *g)
{
    const cs_backprop_layer *ly = &g->bp.layers[g->layer];
    const int KH = ly->win.kh, KW = ly->win.kw, C = ly->in_c;
    const float *w = g->bp.grads + ly->w_off + (size_t)g->filter * C * KH * KW;
    int best = 0;
    (void)C; /* channel 0: the one the view always shows */
    for (int i = 1; i < KH * KW; i++)
        if (fabsf(w[i]) > fabsf(w[best])) best = i;
    if (cs_wgrad_seek(&g->ws, best / (KH * KW), best / KW % KH, best % KW) == CS_OK) cs_wgrad_set_term(&g->ws, 0);
}

/* The stepper of the chosen filter, at its strongest weight of channel 0 with no term shown. */
static void choose_filter(gui_backprop *g, int layer, int filter)
{
    cs_wgrad_free(&g->ws);
    g->have_ws = 0;
    g->layer = layer;
    if (layer < 0) return;
    const int n = g->bp.layers[layer].out_c;
    g->filter = filter < 0 ? n - 1 : filter >= n ? 0 : filter;
    if (cs_backprop_wgrad(&g->bp, layer, g->filter, &g->ws) == CS_OK) {
        cs_wgrad_set_term(&g->ws, 0);
        g->have_ws = 1;
        seek_strongest_weight(g);
    }
}

/* The filter of conv layer l whose dL/dw is largest (sum of squares), and that sum for `filter`
 * and for the largest into *mine and *most. */
static int strongest_filter(const cs_backprop *bp, int l, int filter, double *mine, double *most)
{
    const cs_backprop_layer *ly = &bp->layers[l];
    const size_t per = ly->w_count / (size_t)ly->out_c;
    int best = 0;
    *mine = *most = 0;
    for (int o = 0; o < ly->out_c; o++) {
        double s2 = 0;
        for (size_t i = 0; i < per; i++) s2 += (double)bp->grads[ly->w_off + (size_t)o * per + i] * bp->grads[ly->w_off + (size_t)o * per + i];
        if (o == filter) *mine = s2;
        if (s2 > *most) *most = s2, best = o;
    }
    return best;
}

static int first_conv(const cs_backprop *bp, int after)
{
    for (int i = 1; i <= bp->n_layers; i++) {
        const int l = (after + i + bp->n_layers) % bp->n_layers;
        if (bp->layers[l].kind == CS_LAYER_CONV) return l;
    }
    return -1;
}

cs_status gui_backprop_compute(gui_backprop *g, const cs_snapshot *s, int filter)
{
    if (s->probe_label < 0)
        return cs_fail(CS_ERR_ARG, "%s", _("the probe image has no class, so there is no truth to learn: choose a test image ([ or ])"));
    cs_backprop_request rq;
    const int run_optim = cs_backprop_request_from_snapshot(&rq, s);
    const cs_status st = cs_backprop_compute(&g->bp, g->ins, &rq);
    if (st) return st;
    g->computed = 1;
    g->data_seq = s->data_seq;
    cs_backprop_cursor_start(&g->cur);
    g->playing = 0;
    if (s->probe_index >= 0)
        snprintf(g->source, sizeof g->source, _("test image #%d, the weights of step %ld, %s"), s->probe_index, s->step,
                 run_optim ? _("the run's optimizer") : _("plain SGD"));
    else
        snprintf(g->source, sizeof g->source, _("the probe image, the weights of step %ld, %s"), s->step,
                 run_optim ? _("the run's optimizer") : _("plain SGD"));
    const int l = first_conv(&g->bp, -1);
    if (l >= 0) {
        /* the filter asked for, unless its gradient is small beside the strongest one's (a quarter
         * of its sum of squares): then the strongest, where the sum has most to show */
        double mine, most;
        const int strongest = strongest_filter(&g->bp, l, filter, &mine, &most);
        if (filter < 0 || filter >= g->bp.layers[l].out_c || mine < 0.25 * most) filter = strongest;
    }
    choose_filter(g, l, filter);
    return CS_OK;
}

int gui_backprop_ready(const gui_backprop *g) { return g->computed; }
int gui_backprop_current(const gui_backprop *g, const cs_snapshot *s) { return g->computed && g->data_seq == s->data_seq; }
int gui_backprop_phase(const gui_backprop *g) { return g->computed ? g->cur.phase : -1; }
int gui_backprop_at_phase_end(const gui_backprop *g)
{
    return g->computed && cs_backprop_cursor_at_phase_end(&g->cur, &g->bp);
}

int gui_backprop_press(gui_backprop *g, int dir)
{
    if (!g->computed) return 0;
    return dir > 0 ? cs_backprop_cursor_next(&g->cur, &g->bp) : cs_backprop_cursor_prev(&g->cur, &g->bp);
}

void gui_backprop_seek(gui_backprop *g, int phase)
{
    if (!g->computed) return;
    phase = phase < 0 ? 0 : phase >= CS_BACKPROP_PHASES ? CS_BACKPROP_PHASES - 1 : phase;
    cs_backprop_cursor_seek(&g->cur, &g->bp, phase);
}

void gui_backprop_toggle_play(gui_backprop *g, double now)
{
    if (!g->computed) return;
    /* at the end, play starts over */
    if (!g->playing && g->cur.phase == CS_BACKPROP_PHASES - 1) cs_backprop_cursor_start(&g->cur);
    g->playing = !g->playing;
    g->next_at = now + PLAY_SECONDS[g->speed];
}

void gui_backprop_speed(gui_backprop *g, int d)
{
    g->speed += d;
    g->speed = g->speed < 0 ? 0 : g->speed >= N_PLAY ? N_PLAY - 1 : g->speed;
}

int gui_backprop_tick(gui_backprop *g, double now)
{
    if (!g->playing || now < g->next_at) return 0;
    g->next_at = now + PLAY_SECONDS[g->speed];
    if (!gui_backprop_press(g, 1)) g->playing = 0;
    return 1;
}

void gui_backprop_filter(gui_backprop *g, int d)
{
    if (g->computed && g->layer >= 0) choose_filter(g, g->layer, g->filter + d);
}

void gui_backprop_next_layer(gui_backprop *g)
{
    if (g->computed && g->layer >= 0) choose_filter(g, first_conv(&g->bp, g->layer), 0);
}

void gui_backprop_weight(gui_backprop *g, int d)
{
    if (!g->have_ws) return;
    if (d > 0) cs_wgrad_next(&g->ws);
    else cs_wgrad_prev(&g->ws);
    cs_wgrad_set_term(&g->ws, 0);
}

void gui_backprop_term(gui_backprop *g, int d)
{
    if (!g->have_ws) return;
    cs_wgrad *ws = &g->ws;
    /* the sum stays on its weight: forward stops at the last term, back at none */
    if (d > 0 && ws->term < ws->n_terms) {
        if (g->skip_zeros) cs_wgrad_next_nonzero(ws);
        else cs_wgrad_next_term(ws);
    } else if (d < 0 && ws->term > 0) {
        if (g->skip_zeros) cs_wgrad_prev_nonzero(ws);
        else cs_wgrad_prev_term(ws);
    }
}

void gui_backprop_restart_sum(gui_backprop *g)
{
    if (g->have_ws) cs_wgrad_set_term(&g->ws, 0);
}

void gui_backprop_toggle_zeros(gui_backprop *g) { g->skip_zeros = !g->skip_zeros; }

int gui_backprop_click(gui_backprop *g, float x, float y)
{
    for (int b = 0; b < CS_BP_BTN_COUNT; b++)
        if (cs_rect_contains(g->layout.buttons[b], x, y)) return b + 1;
    if (!g->computed || g->layer < 0 || !g->view) return 0;
    if (g->cur.phase != CS_BACKPROP_WEIGHT_GRADIENT) return 0;
    const cs_backprop_layer *ly = &g->bp.layers[g->layer];
    cs_bp_filter_layout F;
    const cs_measure m = cs_view_backprop_measure(g->view);
    cs_bp_filter_layout_compute(&F, &g->layout, &m, ly->in_c, ly->win.kh, ly->out_c);
    int f, c, i, j;
    const int hit = cs_bp_filter_hit(&F, ly->in_c, ly->win.kh, x, y, &f, &c, &i, &j);
    if (hit == 1) choose_filter(g, g->layer, f);
    else if (hit == 2 && g->have_ws && cs_wgrad_seek(&g->ws, c, i, j) == CS_OK) cs_wgrad_set_term(&g->ws, 0);
    return 0;
}

static void speed_text(const gui_backprop *g, char *buf, size_t size)
{
    const double s = PLAY_SECONDS[g->speed];
    if (s >= 1) snprintf(buf, size, _("one press every %g s"), s);
    else snprintf(buf, size, _("%g presses a second"), 1 / s);
}

void gui_backprop_draw(gui_backprop *g, cs_ui *ui, const gui_backprop_frame *f)
{
    if (f->dw != g->lw || f->dh != g->lh || f->style_h != g->lstyle_h || f->user_scale != g->lscale ||
        f->present != g->lpresent) {
        const cs_measure m = cs_view_backprop_measure(g->view);
        cs_bp_layout_compute(&g->layout, f->dw, f->dh, f->style_h, f->user_scale, f->present, &m, g->bp.n_classes);
        g->lw = f->dw, g->lh = f->dh, g->lstyle_h = f->style_h, g->lscale = f->user_scale, g->lpresent = f->present;
    }
    ui->st = &g->layout.st;
    if (!g->computed) {
        cs_ui_para(ui, CS_GL_OVER, g->layout.main, CS_FONT_BIG, ui->st->c.text,
                   f->message && *f->message ? f->message : _("Waiting for the first snapshot of the net\u2026"));
        return;
    }
    char speed[64];
    speed_text(g, speed, sizeof speed);
    const cs_bp_ui bu = {
        .class_names = f->class_names, .n_class_names = f->n_class_names, .batch = f->batch, .source = g->source,
        .layer = g->layer, .filter = g->filter, .ws = g->have_ws ? &g->ws : NULL, .skip_zeros = g->skip_zeros,
        .diverging = (cs_colormap_id)f->diverging, .playing = g->playing, .speed = speed, .message = f->message,
        .mouse_x = f->mouse_x, .mouse_y = f->mouse_y, .mouse_in = f->mouse_in, .show_help = f->show_help,
        .help = f->help, .help_lines = f->help_lines,
    };
    cs_view_backprop_draw(g->view, ui, &g->bp, &g->cur, &g->layout, &bu);
}

const cs_style *gui_backprop_style(const gui_backprop *g) { return &g->layout.st; }

cs_status gui_backprop_set_phase(gui_app *app, const char *name)
{
    gui_backprop *g = app->bp;
    int phase = -1;
    if (name && (phase = cs_backprop_phase_parse(name)) < 0)
        return cs_fail(CS_ERR_ARG,
                       _("no backprop phase '%s' (forward, loss, output-gradient, map-gradients, weight-gradient, update, "
                         "forward-again)"),
                       name);
    const cs_snapshot *s = app->snap ? app->snap : cs_run_driver_snapshot(app->driver, NULL);
    /* the weights and probe as they stand now: computed again when they changed since */
    if (!g->computed || (app->view != GUI_VIEW_BACKPROP && s && s->seq && !gui_backprop_current(g, s))) {
        if (!s || s->seq == 0) return cs_fail(CS_ERR_ARG, "%s", _("no snapshot of the net yet"));
        const cs_status st = gui_backprop_compute(g, s, app->step_filter);
        if (st) {
            gui_app_say(app, cs_last_error());
            return st;
        }
    }
    app->view = GUI_VIEW_BACKPROP;
    app->show_help = 0;
    if (phase >= 0) gui_backprop_seek(g, phase);
    return CS_OK;
}
