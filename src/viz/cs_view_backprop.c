/* cs_view_backprop.c - the backprop view's drawing (see cs_view_backprop.h): the frame (phase title,
 * the one-image note, buttons, status), then the phase's panel. Maps are drawn as cells of colour,
 * numbers through cs_ui's value calls, so every one is in the text dump. */
#include "cs_view_backprop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_i18n.h"
#include "cs_labels.h"
#include "cs_layout.h"
#include "cs_theme.h"

struct cs_view_backprop {
    cs_gl *gl;
    cs_text *text;
    unsigned ramp_h, ramp_v; /* colour-bar ramps */
};

cs_status cs_view_backprop_create(cs_view_backprop **out, cs_gl *gl, cs_text *text)
{
    cs_view_backprop *v = calloc(1, sizeof *v);
    if (!v) return cs_fail(CS_ERR_NOMEM, "out of memory for the backprop view");
    v->gl = gl, v->text = text;
    cs_theme_create_ramps(&v->ramp_h, &v->ramp_v);
    *out = v;
    return CS_OK;
}

void cs_view_backprop_destroy(cs_view_backprop *v)
{
    if (!v) return;
    cs_gl_texture_destroy(v->ramp_h);
    cs_gl_texture_destroy(v->ramp_v);
    free(v);
}

cs_measure cs_view_backprop_measure(const cs_view_backprop *v) { return cs_text_measure(v->text); }

/* ---- helpers ------------------------------------------------------------------------------- */

static cs_rgba cmap_rgba(cs_colormap_id id, cs_value_range r, float x)
{
    uint8_t c[3];
    cs_colormap_rgb(id, r, x, c);
    return (cs_rgba){c[0] / 255.0f, c[1] / 255.0f, c[2] / 255.0f, 1};
}

static const char *class_name(const cs_bp_ui *bu, int k, char *buf, size_t size)
{
    if (k < bu->n_class_names && bu->class_names && bu->class_names[k]) snprintf(buf, size, "%d %s", k, cs_label_class(bu->class_names[k]));
    else snprintf(buf, size, _("class %d"), k);
    return buf;
}

/* An (h, w) plane as cells of colour in r (whole cells; nothing when r is too small). */
static void heat_cells(cs_ui *ui, cs_rect r, const float *x, int h, int w, cs_colormap_id id, cs_value_range range)
{
    const float c = fminf(r.w / (float)w, r.h / (float)h);
    if (c <= 0) return;
    for (int y = 0; y < h; y++)
        for (int xx = 0; xx < w; xx++)
            cs_gl_rect(ui->gl, CS_GL_UNDER, (cs_rect){r.x + (float)xx * c, r.y + (float)y * c, c, c},
                       cmap_rgba(id, range, x[y * w + xx]));
}

/* The image as the net sees it: grey for one channel, colour for three (values 0..1). */
static void image_cells(cs_ui *ui, cs_rect r, const float *x, int C, int h, int w)
{
    const float c = fminf(r.w / (float)w, r.h / (float)h);
    if (c <= 0) return;
    const size_t plane = (size_t)h * w;
    for (int y = 0; y < h; y++)
        for (int xx = 0; xx < w; xx++) {
            const size_t i = (size_t)y * w + xx;
            float v[3];
            for (int k = 0; k < 3; k++) v[k] = fminf(1, fmaxf(0, x[(C >= 3 ? k : 0) * plane + i]));
            cs_gl_rect(ui->gl, CS_GL_UNDER, (cs_rect){r.x + (float)xx * c, r.y + (float)y * c, c, c},
                       (cs_rgba){v[0], v[1], v[2], 1});
        }
}

static cs_value_range sym_range(const float *x, size_t n) { return cs_value_range_of(x, n, 1); }

/* Layer l's maps (or, for a flat layer, its values as one row) in area: up to max_maps tiles. */
static void layer_tiles(cs_ui *ui, cs_rect area, const cs_backprop_layer *ly, const float *x, cs_colormap_id id,
                        cs_value_range range, int max_maps)
{
    const int flat = ly->out_h == 1 && ly->out_w == 1;
    if (flat) {
        const int n = ly->out_c;
        const float c = fminf(area.h, area.w / (float)n);
        for (int i = 0; i < n; i++)
            cs_gl_rect(ui->gl, CS_GL_UNDER, (cs_rect){area.x + (float)i * c, area.y, c, c}, cmap_rgba(id, range, x[i]));
        return;
    }
    const int n = ly->out_c < max_maps ? ly->out_c : max_maps;
    const cs_grid g = cs_grid_fit(area, n, ly->out_w, ly->out_h, fmaxf(2, ui->st->rule), 0);
    const size_t plane = (size_t)ly->out_h * ly->out_w;
    for (int i = 0; i < n; i++)
        heat_cells(ui, cs_grid_tile(&g, i), x + (size_t)i * plane, ly->out_h, ly->out_w, id, range);
}

/* A column of a table: its header and one value per row at row boxes. */
typedef struct {
    float x, w;
} col;

static void text_left(cs_ui *ui, cs_rect r, cs_font_id f, cs_rgba c, const char *s)
{
    cs_ui_label(ui, CS_GL_OVER, r, f, CS_ALIGN_LEFT, c, s);
}

static void value_at(cs_ui *ui, cs_rect r, cs_rgba c, float v, int sig)
{
    cs_fit_policy p = cs_ui_policy(ui, CS_FONT_NORMAL, CS_FIT_SHRINK, CS_ALIGN_RIGHT, CS_VALIGN_MIDDLE);
    p.face = CS_FACE_MONO;
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){r.x, r.y, r.w - 6, r.h}, &p, c, v, sig);
}

/* ---- the frame ------------------------------------------------------------------------------- */

static const char *phase_title(int phase)
{
    static const char *const t[CS_BACKPROP_PHASES] = {
        N_("the image goes forward through every layer"),
        N_("the output against the one-hot truth: the loss L"),
        N_("the gradient at the output, \u2202L/\u2202y per class"),
        N_("backward, one layer per press: \u2202L/\u2202(map)"),
        N_("the weight gradient \u2202L/\u2202w of a chosen filter"),
        N_("the update: w \u2190 w \u2212 lr \u00B7 \u2202L/\u2202w"),
        N_("forward again on the same image: the new L"),
    };
    return phase >= 0 && phase < CS_BACKPROP_PHASES ? _(t[phase]) : "";
}

/* The phase's name in the UI language (cs_backprop_phase_name's words, which the CLI and scripts use). */
static const char *phase_word(int phase)
{
    switch (phase) {
    case CS_BACKPROP_FORWARD: return C_("backprop phase", "forward");
    case CS_BACKPROP_LOSS: return C_("backprop phase", "loss");
    case CS_BACKPROP_OUTPUT_GRADIENT: return C_("backprop phase", "output-gradient");
    case CS_BACKPROP_MAP_GRADIENTS: return C_("backprop phase", "map-gradients");
    case CS_BACKPROP_WEIGHT_GRADIENT: return C_("backprop phase", "weight-gradient");
    case CS_BACKPROP_UPDATE: return C_("backprop phase", "update");
    case CS_BACKPROP_FORWARD_AGAIN: return C_("backprop phase", "forward-again");
    default: return cs_backprop_phase_name(phase);
    }
}

static void draw_frame(cs_view_backprop *v, cs_ui *ui, const cs_backprop *bp, const cs_backprop_cursor *c,
                       const cs_bp_layout *L, const cs_bp_ui *bu)
{
    const cs_palette *p = &ui->st->c;
    char a[300], b[120];
    snprintf(a, sizeof a, _("Phase %d of 7 \u00B7 %s: %s"), c->phase + 1, phase_word(c->phase), phase_title(c->phase));
    snprintf(b, sizeof b, _("Phase %d of 7 \u00B7 %s"), c->phase + 1, phase_word(c->phase));
    const char *alts[] = {a, b};
    cs_ui_label_alt(ui, CS_GL_OVER, L->title, CS_FONT_BIG, CS_ALIGN_LEFT, p->text, alts, 2);
    char note[600], cname[64];
    snprintf(note, sizeof note,
             _("The batch is this one image (%s, truth: %s): every number is exactly its own. Training uses the mean "
               "over a batch of %d."),
             bu->source ? bu->source : _("the probe"), class_name(bu, bp->label, cname, sizeof cname), bu->batch);
    cs_ui_para(ui, CS_GL_OVER, L->note, CS_FONT_NORMAL, p->dim, note);
    for (int i = 0; i < CS_BP_BTN_COUNT; i++) {
        const cs_rect r = L->buttons[i];
        const int hot = bu->mouse_in && !bu->show_help && cs_rect_contains(r, bu->mouse_x, bu->mouse_y);
        cs_theme_button(ui, r, cs_bp_button_label(i, bu->playing), i == CS_BP_BTN_PLAY && bu->playing, hot);
    }
    char status[700];
    if (bu->message && *bu->message) snprintf(status, sizeof status, "%s", bu->message);
    else
        snprintf(status, sizeof status,
                 _("\u2192 or PageDown: next \u00B7 \u2190: back \u00B7 1\u20137: a phase \u00B7 space: autoplay (%s) "
                   "\u00B7 h: help"),
                 bu->speed ? bu->speed : "");
    cs_ui_label(ui, CS_GL_OVER, L->status, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, status);
    (void)v;
}

/* ---- phase 1: forward ------------------------------------------------------------------------ */

static void layer_label(const cs_backprop_layer *ly, char *buf, size_t size)
{
    if (ly->out_h == 1 && ly->out_w == 1) snprintf(buf, size, "%s %d", ly->name, ly->out_c);
    else snprintf(buf, size, "%s %d@%d\u00D7%d", ly->name, ly->out_c, ly->out_h, ly->out_w);
}

static void draw_forward(cs_ui *ui, const cs_backprop *bp, const cs_bp_layout *L, const float *outs, const char *what)
{
    const cs_palette *p = &ui->st->c;
    const cs_rect a = L->main;
    const float pad = L->pad, line = cs_text_box_h(ui->st->px[CS_FONT_NORMAL]) + 2;
    const float img_w = floorf(fminf(a.w * 0.22f, a.h - line));
    text_left(ui, (cs_rect){a.x, a.y, img_w, line}, CS_FONT_NORMAL, p->text, _("input image"));
    image_cells(ui, (cs_rect){a.x, a.y + line, img_w, img_w}, bp->input, bp->in_c, bp->in_h, bp->in_w);
    const float x0 = a.x + img_w + 2 * pad, w = a.x + a.w - x0;
    const float row_h = floorf(a.h / (float)bp->n_layers);
    const float name_w = floorf(fminf(w * 0.28f, ui->st->px[CS_FONT_NORMAL] * 11.0f));
    for (int l = 0; l < bp->n_layers; l++) {
        const cs_backprop_layer *ly = &bp->layers[l];
        const cs_rect row = {x0, a.y + (float)l * row_h, w, row_h - 2};
        char lab[96];
        layer_label(ly, lab, sizeof lab);
        text_left(ui, (cs_rect){row.x, row.y, name_w, fminf(line, row.h)}, CS_FONT_NORMAL, p->text, lab);
        const float *x = outs + ly->out_off;
        const size_t n = (size_t)ly->out_c * ly->out_h * ly->out_w;
        const cs_value_range r = cs_value_range_of(x, n, 0);
        layer_tiles(ui, (cs_rect){row.x + name_w + pad, row.y, row.w - name_w - pad, row.h}, ly, x, CS_CMAP_VIRIDIS, r, 16);
    }
    (void)what;
}

/* ---- phases 2, 3 and 7: the output table ---------------------------------------------------- */

enum { COL_CLASS, COL_Y, COL_T, COL_P, COL_TERM, COL_DY, COL_DLOGIT, COL_Y_AFTER, COL_P_AFTER, N_COLS };

/* What the table of phases 2, 3 and 7 means, in words and numbers, in side (right of it). */
static void table_words(cs_ui *ui, const cs_backprop *bp, cs_rect side, int phase)
{
    const cs_palette *p = &ui->st->c;
    const int mse = bp->loss_kind == CS_LOSS_MSE, D = bp->n_classes;
    char s[900], num[3][40];
    cs_fmt_sig(num[0], sizeof num[0], bp->loss, 5);
    if (phase == CS_BACKPROP_FORWARD_AGAIN) {
        cs_fmt_sig(num[1], sizeof num[1], bp->loss_after, 5);
        cs_fmt_sig(num[2], sizeof num[2], (float)bp->first_order, 4);
        static const char *const why[] = {
            N_("L went down: the step followed this image's gradient."),
            N_("L did not change: no gradient reached the weights, or the step is below float resolution."),
            N_("L went up: the gradient predicted a fall, but the step was too large for the loss's curvature; a "
               "smaller learning rate would lower L."),
            N_("L went up: the step did not follow this image's gradient; momentum from earlier batches, weight decay "
               "or Adam's per-weight scaling moved the weights."),
        };
        snprintf(s, sizeof s, _("L before: %s\nL after: %s\nThe gradient predicted a change of %s (\u03A3 g \u00B7 \u0394w). %s"),
                 num[0], num[1], num[2], _(why[bp->verdict]));
    } else if (mse) {
        double sum = 0;
        for (int k = 0; k < D; k++) sum += bp->loss_terms[k];
        cs_fmt_sig(num[1], sizeof num[1], (float)sum, 5);
        if (phase == CS_BACKPROP_LOSS)
            snprintf(s, sizeof s,
                     _("MSE, as the article has it: L = (1/n) \u03A3 (y\u1D62 \u2212 t\u1D62)\u00B2 over the n = %d classes. "
                       "The terms add up to %s; L = %s / %d = %s."),
                     D, num[1], num[1], D, num[0]);
        else
            snprintf(s, sizeof s,
                     _("\u2202L/\u2202y\u1D62 = 2 (y\u1D62 \u2212 t\u1D62) / %d: positive where the output is too high, "
                       "negative where it is too low.%s"),
                     D, bp->softmax_last ? _(" Then through the softmax to the logits.") : "");
    } else {
        cs_fmt_sig(num[1], sizeof num[1], bp->probs[bp->label], 5);
        if (phase == CS_BACKPROP_LOSS)
            snprintf(s, sizeof s, _("Cross-entropy: L = \u2212log p_true = \u2212log %s = %s. Only the true class's term is "
                                    "not 0."), num[1], num[0]);
        else
            snprintf(s, sizeof s, "%s", _("At the logits: \u2202L/\u2202logit\u1D62 = p\u1D62 \u2212 t\u1D62: push the true "
                                          "class up, every other class down by its probability."));
    }
    /* \n starts a new paragraph: one para per line */
    float y = side.y;
    const float ph = fmaxf(0, side.h / 4.0f);
    for (char *line = s, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        cs_ui_para(ui, CS_GL_OVER, (cs_rect){side.x, y, side.w, next ? cs_text_pitch(ui->st->px[CS_FONT_BIG]) * 1.3f : ph * 2},
                   next ? CS_FONT_BIG : CS_FONT_NORMAL, p->text, line);
        y += next ? cs_text_pitch(ui->st->px[CS_FONT_BIG]) * 1.4f : ph * 2;
    }
}

static void draw_table(cs_ui *ui, const cs_backprop *bp, const cs_bp_layout *L, const cs_bp_ui *bu, int phase)
{
    const cs_palette *p = &ui->st->c;
    const cs_rect a = L->main;
    const int mse = bp->loss_kind == CS_LOSS_MSE, D = bp->n_classes;
    int use[N_COLS] = {0};
    use[COL_CLASS] = use[COL_Y] = use[COL_T] = 1;
    if (!mse) use[COL_P] = 1;
    if (phase <= CS_BACKPROP_OUTPUT_GRADIENT) use[COL_TERM] = 1;
    if (phase == CS_BACKPROP_OUTPUT_GRADIENT) use[COL_DY] = 1, use[COL_DLOGIT] = bp->softmax_last || !mse;
    if (phase == CS_BACKPROP_FORWARD_AGAIN) use[COL_Y_AFTER] = 1, use[COL_P_AFTER] = !mse;
    static const char *const head[N_COLS] = {N_("class"), N_("output y"), N_("truth t"), "p",
                                             N_("term"), "\u2202L/\u2202y", "\u2202L/\u2202logit", N_("y after"),
                                             N_("p after")};
    char term_head[40];
    snprintf(term_head, sizeof term_head, "%s", mse ? "(y\u2212t)\u00B2" : "\u2212log p");
    int n_used = 0;
    for (int i = 0; i < N_COLS; i++) n_used += use[i];
    /* the table takes the left part; the equation and the verdict go right of it */
    const float tw = floorf(fminf(a.w * 0.62f, (float)n_used * ui->st->px[CS_FONT_NORMAL] * 8.5f));
    const float first_w = floorf(tw * 1.6f / ((float)n_used + 0.6f));
    const float cw = floorf((tw - first_w) / (float)(n_used - 1));
    const float rh = floorf(fminf(a.h / (float)(D + 3), cs_text_pitch(ui->st->px[CS_FONT_NORMAL]) * 1.5f));
    col cols[N_COLS];
    float x = a.x;
    for (int i = 0; i < N_COLS; i++) {
        if (!use[i]) continue;
        cols[i] = (col){x, i == COL_CLASS ? first_w : cw};
        x += cols[i].w;
        const char *h = i == COL_TERM ? term_head : _(head[i]);
        cs_ui_label(ui, CS_GL_OVER, (cs_rect){cols[i].x, a.y, cols[i].w, rh}, CS_FONT_NORMAL,
                    i == COL_CLASS ? CS_ALIGN_LEFT : CS_ALIGN_RIGHT, p->text, h);
    }
    const float out_scale = 1.0f;
    for (int k = 0; k < D; k++) {
        const float y = a.y + (float)(k + 1) * rh;
        const int truth = k == bp->label;
        if (truth) cs_gl_rect(ui->gl, CS_GL_UNDER, (cs_rect){a.x, y, x - a.x, rh}, p->button);
        char name[64];
        const cs_fit_policy lp = cs_ui_policy(ui, CS_FONT_NORMAL, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_LEFT,
                                              CS_VALIGN_MIDDLE);
        cs_ui_text(ui, CS_GL_OVER, (cs_rect){cols[COL_CLASS].x, y, cols[COL_CLASS].w, rh}, &lp, truth ? p->hilite : p->text,
                   class_name(bu, k, name, sizeof name));
        const struct {
            int c;
            double v;
        } cells[] = {{COL_Y, bp->output[k] * out_scale}, {COL_T, bp->target[k]}, {COL_P, bp->probs[k]},
                     {COL_TERM, bp->loss_terms[k]}, {COL_DY, bp->grad_output[k]}, {COL_DLOGIT, bp->grad_logits[k]},
                     {COL_Y_AFTER, bp->output_after[k]}, {COL_P_AFTER, bp->probs_after[k]}};
        for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
            if (use[cells[i].c])
                value_at(ui, (cs_rect){cols[cells[i].c].x, y, cols[cells[i].c].w, rh}, p->text, (float)cells[i].v, 4);
    }
    /* the sum: L in the term column (phases 2, 3), or before and after (phase 7) */
    const float ly = a.y + (float)(D + 1) * rh + rh * 0.3f;
    cs_gl_rect(ui->gl, CS_GL_UNDER, (cs_rect){a.x, ly - 2, x - a.x, fmaxf(1, ui->st->rule)}, p->dim);
    const cs_fit_policy lp = cs_ui_policy(ui, CS_FONT_NORMAL, CS_FIT_SHRINK, CS_ALIGN_LEFT, CS_VALIGN_MIDDLE);
    cs_ui_text(ui, CS_GL_OVER, (cs_rect){cols[COL_CLASS].x, ly, cols[COL_CLASS].w, rh}, &lp, p->text, "L");
    if (phase == CS_BACKPROP_FORWARD_AGAIN) {
        value_at(ui, (cs_rect){cols[COL_Y].x, ly, cols[COL_Y].w, rh}, p->text, bp->loss, 5);
        value_at(ui, (cs_rect){cols[COL_Y_AFTER].x, ly, cols[COL_Y_AFTER].w, rh}, p->text, bp->loss_after, 5);
    } else {
        value_at(ui, (cs_rect){cols[COL_TERM].x, ly, cols[COL_TERM].w, rh}, p->text, bp->loss, 5);
    }
    table_words(ui, bp, (cs_rect){x + 2 * L->pad, a.y, a.x + a.w - x - 2 * L->pad, a.h}, phase);
}

/* ---- phase 4: the gradient back through the layers ------------------------------------------ */

static void layer_sentence(const cs_backprop *bp, int l, char *s, size_t size)
{
    const cs_backprop_layer *ly = &bp->layers[l];
    const cs_backprop_facts *f = &ly->facts;
    char a[32], b[32];
    cs_fmt_sig(a, sizeof a, (float)f->grad_out_norm, 4);
    cs_fmt_sig(b, sizeof b, (float)f->grad_in_norm, 4);
    switch (ly->kind) {
    case CS_LAYER_FC: snprintf(s, size, P_("spreads it through the weights to %ld input", "spreads it through the weights to %ld inputs", (unsigned long)f->n_in), f->n_in); break;
    case CS_LAYER_CONV:
        if (f->passes_back) snprintf(s, size, P_("spreads it through the flipped kernels to %ld input", "spreads it through the flipped kernels to %ld inputs", (unsigned long)f->n_in), f->n_in);
        else snprintf(s, size, "%s", _("first layer: the image's gradient is not needed, only the weights'"));
        break;
    case CS_LAYER_RELU:
        snprintf(s, size,
                 P_("blocks it where the input was \u2264 0: %ld of %ld position (%ld with a gradient)",
                    "blocks it where the input was \u2264 0: %ld of %ld positions (%ld with a gradient)", (unsigned long)f->n_in),
                 f->blocked, f->n_in, f->blocked_nonzero);
        break;
    case CS_LAYER_LEAKYRELU:
        snprintf(s, size,
                 P_("scales it by \u03B1 where the input was \u2264 0: %ld of %ld position",
                    "scales it by \u03B1 where the input was \u2264 0: %ld of %ld positions", (unsigned long)f->n_in),
                 f->blocked, f->n_in);
        break;
    case CS_LAYER_MAXPOOL:
        snprintf(s, size,
                 P_("routes it to the max: %ld of %ld inputs won one of %ld window",
                    "routes it to the max: %ld of %ld inputs won one of %ld windows", (unsigned long)f->windows),
                 f->winners, f->n_in, f->windows);
        break;
    case CS_LAYER_AVGPOOL:
    case CS_LAYER_GLOBALAVGPOOL: snprintf(s, size, P_("shares it equally over each window's %ld input", "shares it equally over each window's %ld inputs", (unsigned long)f->n_in), f->n_in);
        break;
    case CS_LAYER_SOFTMAX: snprintf(s, size, "%s", _("through the softmax: p\u1D62 \u2212 t\u1D62 at the logits")); break;
    default: snprintf(s, size, "%s", _("passes it back through its derivative")); break;
    }
    if (f->passes_back) {
        const size_t n = strlen(s);
        snprintf(s + n, size - n, "; \u2016\u2202L/\u2202out\u2016 %s \u2192 \u2016\u2202L/\u2202in\u2016 %s", a, b);
    }
}

static void draw_map_gradients(cs_view_backprop *v, cs_ui *ui, const cs_backprop *bp, const cs_backprop_cursor *c,
                               const cs_bp_layout *L, const cs_bp_ui *bu)
{
    const cs_palette *p = &ui->st->c;
    const cs_rect a = L->main;
    const float pad = L->pad;
    const float bar_w = cs_style_u(ui->st, 14), lab_w = ui->st->px[CS_FONT_SMALL] * 6.5f;
    const float w = a.w - bar_w - lab_w - 2 * pad;
    const float row_h = floorf(a.h / (float)bp->n_layers);
    const float name_w = floorf(fminf(w * 0.22f, ui->st->px[CS_FONT_NORMAL] * 9.0f));
    const float line = fminf(cs_text_box_h(ui->st->px[CS_FONT_NORMAL]) + 2, row_h);
    /* each row on its own symmetric scale: the gradient's size changes by orders of magnitude from
     * layer to layer, and one scale would leave the small ones white; the row says its largest |value| */
    const cs_value_range unit = {-1, 1};
    for (int i = 0; i < bp->n_layers; i++) {
        const int l = bp->n_layers - 1 - i; /* the last layer at the top: the gradient flows down */
        const cs_backprop_layer *ly = &bp->layers[l];
        const cs_rect row = {a.x, a.y + (float)i * row_h, w, row_h - 2};
        char lab[96], s[300];
        layer_label(ly, lab, sizeof lab);
        const int shown = cs_backprop_cursor_shows_grad(c, bp, l);
        text_left(ui, (cs_rect){row.x, row.y, name_w, line}, CS_FONT_NORMAL, shown ? p->text : p->dim, lab);
        const cs_rect rest = {row.x + name_w + pad, row.y, row.w - name_w - pad, row.h};
        if (!shown) {
            snprintf(s, sizeof s, _("\u2192: pass the gradient back to %s"), ly->name);
            if (l == bp->n_layers - 1 - c->layers_shown)
                text_left(ui, (cs_rect){rest.x, rest.y, rest.w, line}, CS_FONT_NORMAL, p->dim, s);
            continue;
        }
        layer_sentence(bp, l, s, sizeof s);
        const float tiles_w = floorf(rest.w * 0.45f);
        const float *go = bp->grad_outs + ly->out_off;
        const cs_value_range range = sym_range(go, (size_t)ly->out_c * ly->out_h * ly->out_w);
        layer_tiles(ui, (cs_rect){rest.x, rest.y, tiles_w, rest.h}, ly, go, bu->diverging, range, 16);
        if (row.h >= 2 * line) {
            char pm[48], num[40];
            cs_fmt_sig(num, sizeof num, range.hi, 3);
            snprintf(pm, sizeof pm, "\u00B1%s", num);
            text_left(ui, (cs_rect){row.x, row.y + line, name_w, line}, CS_FONT_NORMAL, p->dim, pm);
        }
        cs_ui_para(ui, CS_GL_OVER, (cs_rect){rest.x + tiles_w + pad, rest.y, rest.w - tiles_w - pad, rest.h}, CS_FONT_NORMAL,
                   p->text, s);
    }
    /* the colour bar, labelled */
    const float bx = a.x + a.w - bar_w - lab_w - pad;
    const float line_s = cs_text_box_h(ui->st->px[CS_FONT_SMALL]) + 2;
    cs_ui_para(ui, CS_GL_OVER, (cs_rect){bx, a.y, bar_w + lab_w + pad, 2 * line_s}, CS_FONT_SMALL, p->dim,
                _("\u2202L/\u2202out \u00F7 the row's \u00B1"));
    cs_theme_vbar(ui, v->ramp_v, (cs_rect){bx, a.y + 2 * line_s, bar_w, a.h * 0.5f},
                  (cs_rect){bx + bar_w + 4, a.y + 2 * line_s, lab_w, a.h * 0.5f}, bu->diverging, unit);
}

/* ---- phases 5 and 6: a chosen filter -------------------------------------------------------- */

static void filter_grid(cs_ui *ui, const cs_bp_cells *g, const float *x, int K, cs_colormap_id id, cs_value_range range,
                        int numbers, int sel_i, int sel_j, int sig)
{
    const cs_fit_policy pol = cs_ui_policy(ui, CS_FONT_MONO, CS_FIT_SHRINK, CS_ALIGN_CENTER, CS_VALIGN_MIDDLE);
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            const cs_rect r = cs_bp_cell(g, i, j);
            const cs_rgba bg = cmap_rgba(id, range, x[i * K + j]);
            cs_gl_rect(ui->gl, CS_GL_UNDER, r, bg);
            if (numbers) cs_ui_cell_value(ui, CS_GL_OVER, cs_rect_inset(r, 1), &pol, bg, x[i * K + j], sig);
            if (i == sel_i && j == sel_j) cs_gl_frame(ui->gl, CS_GL_OVER, r, fmaxf(2, ui->st->rule), ui->st->c.hilite);
        }
}

static void draw_filter_tiles(cs_ui *ui, const cs_backprop *bp, const cs_bp_filter_layout *F, const cs_bp_ui *bu,
                              const float *block, const char *title)
{
    const cs_backprop_layer *ly = &bp->layers[bu->layer];
    const int K = ly->win.kh, KK = K * K, C = ly->in_c;
    cs_ui_label(ui, CS_GL_OVER, F->filters_title, CS_FONT_NORMAL, CS_ALIGN_LEFT, ui->st->c.text, title);
    const cs_value_range r = sym_range(block, ly->w_count);
    for (int f = 0; f < ly->out_c; f++) {
        const cs_rect t = cs_grid_tile(&F->tiles, f);
        heat_cells(ui, t, block + (size_t)f * C * KK, K, K, bu->diverging, r); /* channel 0 */
        if (f == bu->filter) cs_gl_frame(ui->gl, CS_GL_OVER, cs_rect_inset(t, -3), fmaxf(2, ui->st->rule), ui->st->c.hilite);
    }
}

static void draw_weight_gradient(cs_ui *ui, const cs_backprop *bp, const cs_bp_layout *L, const cs_bp_ui *bu)
{
    const cs_palette *p = &ui->st->c;
    if (bu->layer < 0) {
        cs_ui_para(ui, CS_GL_OVER, L->main, CS_FONT_NORMAL, p->text,
                   _("This net has no conv layer: its weight gradients are in the fc layers (see convscope backprop)."));
        return;
    }
    const cs_backprop_layer *ly = &bp->layers[bu->layer];
    const int K = ly->win.kh, KK = K * K, C = ly->in_c;
    const cs_measure m = cs_text_measure(ui->text);
    cs_bp_filter_layout F;
    cs_bp_filter_layout_compute(&F, L, &m, C, K, ly->out_c);
    const float *g = bp->grads + ly->w_off;
    draw_filter_tiles(ui, bp, &F, bu, g, _("\u2202L/\u2202w of every filter (click one)"));
    const float *gf = g + (size_t)bu->filter * C * KK;
    const cs_value_range r = sym_range(gf, (size_t)C * KK);
    char t[160];
    if (F.shown == 1 && C > 1)
        snprintf(t, sizeof t, _("%s filter %d: \u2202L/\u2202w (%d\u00D7%d\u00D7%d; channel 0 shown)"), ly->name, bu->filter, C, K, K);
    else if (F.shown < C)
        snprintf(t, sizeof t, _("%s filter %d: \u2202L/\u2202w (%d\u00D7%d\u00D7%d; channels 0\u2013%d shown)"), ly->name, bu->filter, C,
                 K, K, F.shown - 1);
    else snprintf(t, sizeof t, _("%s filter %d: \u2202L/\u2202w (%d\u00D7%d\u00D7%d)"), ly->name, bu->filter, C, K, K);
    cs_ui_label(ui, CS_GL_OVER, F.grid_title, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, t);
    const cs_wgrad *ws = bu->ws;
    for (int c = 0; c < F.shown; c++)
        filter_grid(ui, &F.grid[c], gf + (size_t)c * KK, K, bu->diverging, r, F.numbers, ws && ws->c == c ? ws->i : -1,
                    ws && ws->c == c ? ws->j : -1, 3);
    if (!ws) return;
    /* the sum for the chosen weight, like the 6600 sum */
    const cs_rect s = F.sum;
    const float line = cs_text_pitch(ui->st->px[CS_FONT_NORMAL]) * 1.1f;
    char buf[600], n1[40], n2[40], n3[40];
    snprintf(buf, sizeof buf, _("\u2202L/\u2202w[%d][%d][%d] = \u03A3 over the %d\u00D7%d output positions of input[%d][y+%d][x+%d] "
                                "\u00D7 \u2202L/\u2202out[y][x]"),
             ws->c, ws->i, ws->j, ws->OH, ws->OW, ws->c, ws->i, ws->j);
    cs_ui_para(ui, CS_GL_OVER, (cs_rect){s.x, s.y, s.w, 2 * line}, CS_FONT_NORMAL, p->text, buf);
    /* the window over the input, dL/dout and their products, as maps */
    const float gy = s.y + 2 * line + L->pad, tile = floorf(fminf((s.w - 2 * L->pad) / 3, s.h * 0.3f));
    const char *heads[3] = {_("input window"), "\u2202L/\u2202out", _("products")};
    const float *planes[3] = {ws->window, ws->dout, ws->products};
    for (int k = 0; k < 3; k++) {
        const cs_rect tr = {s.x + (float)k * (tile + L->pad), gy, tile, line};
        cs_ui_label(ui, CS_GL_OVER, tr, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, heads[k]);
        const size_t n = (size_t)ws->OH * ws->OW;
        const cs_value_range rr = k == 0 ? cs_value_range_of(planes[k], n, 0) : sym_range(planes[k], n);
        const cs_rect area = {tr.x, gy + line, tile, tile};
        heat_cells(ui, area, planes[k], ws->OH, ws->OW, k == 0 ? CS_CMAP_GRAY : bu->diverging, rr);
        /* the term being added */
        if (ws->term > 0 && ws->term <= ws->n_terms) {
            const int q = ws->term - 1, cell = (int)fminf(tile / (float)ws->OW, tile / (float)ws->OH);
            cs_gl_frame(ui->gl, CS_GL_OVER, (cs_rect){area.x + (float)(q % ws->OW * cell) - 1, area.y + (float)(q / ws->OW * cell) - 1,
                                                      (float)cell + 2, (float)cell + 2}, 2, p->hilite);
        }
    }
    float y = gy + line + tile + L->pad;
    /* the terms so far, written out */
    if (ws->term > 0 && ws->term <= ws->n_terms) {
        const int q = ws->term - 1;
        cs_fmt_sig(n1, sizeof n1, ws->window[q], 4);
        cs_fmt_sig(n2, sizeof n2, ws->dout[q], 4);
        cs_fmt_sig(n3, sizeof n3, ws->products[q], 4);
        snprintf(buf, sizeof buf, _("term %d of %d (y %d, x %d): %s \u00D7 %s = %s"), ws->term, ws->n_terms, q / ws->OW,
                 q % ws->OW, n1, n2, n3);
        cs_ui_para(ui, CS_GL_OVER, (cs_rect){s.x, y, s.w, 2 * line}, CS_FONT_NORMAL, p->text, buf);
    } else {
        snprintf(buf, sizeof buf, _("%s: one term forward  (%s)"), ws->term == 0 ? "." : "Backspace",
                 ws->term == 0 ? _("no term added yet") : _("all terms added"));
        cs_ui_para(ui, CS_GL_OVER, (cs_rect){s.x, y, s.w, line}, CS_FONT_NORMAL, p->dim, buf);
    }
    y += 2 * line;
    cs_fmt_sig(n1, sizeof n1, ws->partial, 5);
    snprintf(buf, sizeof buf,
             P_("sum of %d term: %s   (%d of the %d terms are 0%s; %s)", "sum of %d terms: %s   (%d of the %d terms are 0%s; %s)",
                (unsigned long)(ws->term > 0 ? ws->term : 0)),
             ws->term, n1, ws->n_zero, ws->n_terms, ws->n_pad ? _(", padding included") : "",
             bu->skip_zeros ? _("z: zeros skipped") : _("z: skip zeros"));
    cs_ui_para(ui, CS_GL_OVER, (cs_rect){s.x, y, s.w, 2 * line}, CS_FONT_NORMAL, p->text, buf);
    y += 2 * line;
    /* the total, and the cell of the gradient it equals */
    const float cellv = gf[(size_t)ws->c * KK + ws->i * K + ws->j];
    cs_ui_label(ui, CS_GL_OVER, (cs_rect){s.x, y, s.w * 0.45f, line}, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, _("the whole sum"));
    value_at(ui, (cs_rect){s.x + s.w * 0.45f, y, s.w * 0.25f, line}, p->text, ws->sum, 5);
    y += line;
    cs_ui_label(ui, CS_GL_OVER, (cs_rect){s.x, y, s.w * 0.45f, line}, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, _("the gradient's cell"));
    value_at(ui, (cs_rect){s.x + s.w * 0.45f, y, s.w * 0.25f, line}, p->text, cellv, 5);
}

static void draw_update(cs_ui *ui, const cs_backprop *bp, const cs_bp_layout *L, const cs_bp_ui *bu)
{
    const cs_palette *p = &ui->st->c;
    const cs_backprop_update *u = &bp->update;
    char buf[400], lr[32];
    cs_fmt_sig(lr, sizeof lr, u->lr, 4);
    if (bu->layer < 0) {
        cs_ui_para(ui, CS_GL_OVER, L->main, CS_FONT_NORMAL, p->text, _("This net has no conv layer to show."));
        return;
    }
    const cs_backprop_layer *ly = &bp->layers[bu->layer];
    const int K = ly->win.kh, KK = K * K, C = ly->in_c;
    const size_t off = ly->w_off + (size_t)bu->filter * C * KK;
    const float line = cs_text_pitch(ui->st->px[CS_FONT_NORMAL]) * 1.2f;
    const cs_rect a = L->main;
    /* old | dL/dw | [momentum or Adam's m] | step | new */
    const float gap = L->pad * 2;
    const float gy = a.y + line * 1.5f;
    const float gh = a.h - (gy - a.y) - line;
    const int n_grids = 4 + (!u->plain && bp->m_after);
    const float gw = floorf((a.w - gap * (float)(n_grids - 1)) / (float)n_grids);
    /* the channels drawn: as many of the first 4 as keep a number in every cell (at least 1) */
    int shown = C < 4 ? C : 4;
    for (; shown > 1; shown--) {
        const float each_try = (gh - line - L->pad * (float)(shown - 1)) / (float)shown;
        const cs_bp_cells g = cs_bp_cells_fit((cs_rect){0, 0, gw, each_try}, K, K, cs_style_u(ui->st, 90));
        if (g.cell >= cs_text_box_h(ui->st->min_px) * 1.2f && g.cell >= ui->st->min_px * 3.2f) break;
    }
    /* the rule, with its numbers */
    if (u->plain)
        snprintf(buf, sizeof buf, _("plain SGD: w\u2032 = w \u2212 lr \u00B7 \u2202L/\u2202w, for %s filter %d"), ly->name, bu->filter);
    else if (u->kind == CS_OPTIM_SGD)
        snprintf(buf, sizeof buf, _("SGD with momentum \u03BC = %g%s: v\u2032 = \u03BC v + \u2202L/\u2202w%s, w\u2032 = w \u2212 lr \u00B7 v\u2032"),
                 (double)u->momentum, u->weight_decay > 0 ? _(" and weight decay") : "",
                 u->weight_decay > 0 ? _(" + decay \u00B7 w") : "");
    else
        snprintf(buf, sizeof buf, _("Adam (\u03B2\u2081 %g, \u03B2\u2082 %g, step %ld): w\u2032 = w \u2212 lr \u00B7 m\u0302 / (\u221Av\u0302 + \u03B5)"),
                 (double)u->beta1, (double)u->beta2, u->t);
    if (!u->plain) {
        const size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, _(", for %s filter %d"), ly->name, bu->filter);
    }
    if (shown < C) {
        const size_t len = strlen(buf);
        if (shown == 1) snprintf(buf + len, sizeof buf - len, _(" (channel 0 of %d shown)"), C);
        else snprintf(buf + len, sizeof buf - len, _(" (channels 0\u2013%d of %d shown)"), shown - 1, C);
    }
    cs_ui_para(ui, CS_GL_OVER, (cs_rect){a.x, a.y, a.w * 0.75f, line}, CS_FONT_NORMAL, p->text, buf);
    cs_ui_label(ui, CS_GL_OVER, (cs_rect){a.x + a.w * 0.76f, a.y, a.w * 0.12f, line}, CS_FONT_NORMAL, CS_ALIGN_RIGHT, p->text,
                _("learning rate lr"));
    value_at(ui, (cs_rect){a.x + a.w * 0.88f, a.y, a.w * 0.12f, line}, p->text, u->lr, 4);
    /* the change of the channels drawn, as the float difference the update made */
    const size_t n = (size_t)shown * KK;
    float *step = malloc(n * sizeof *step);
    if (!step) return;
    for (size_t i = 0; i < n; i++) step[i] = bp->params_after[off + i] - bp->params[off + i];
    const float *cols[5];
    const char *heads[5];
    int nc = 0;
    cols[nc] = bp->params + off, heads[nc++] = _("old w");
    cols[nc] = bp->grads + off, heads[nc++] = "\u2202L/\u2202w";
    if (!u->plain && bp->m_after) cols[nc] = bp->m_after + off, heads[nc++] = u->kind == CS_OPTIM_SGD ? _("v\u2032 (momentum)") : _("m\u2032 (Adam)");
    cols[nc] = step, heads[nc++] = u->plain ? "\u2212lr \u00B7 \u2202L/\u2202w" : _("change w\u2032 \u2212 w");
    cols[nc] = bp->params_after + off, heads[nc++] = _("new w");
    const cs_fit_policy pol = cs_ui_policy(ui, CS_FONT_NORMAL, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_LEFT, CS_VALIGN_TOP);
    const float each = (gh - line - L->pad * (float)(shown - 1)) / (float)shown;
    for (int k = 0; k < nc; k++) {
        const float x = a.x + (float)k * (gw + gap);
        const cs_value_range r = sym_range(cols[k], n);
        cs_bp_cells g0 = cs_bp_cells_fit((cs_rect){x, gy + line, gw, each}, K, K, cs_style_u(ui->st, 90));
        /* the title exactly over the grid's columns, so a reader (or a test) can tell the grids apart */
        cs_ui_text(ui, CS_GL_OVER, (cs_rect){g0.r.x, gy, g0.r.w, line}, &pol, p->text, heads[k]);
        for (int c = 0; c < shown; c++) {
            const cs_bp_cells g = cs_bp_cells_fit((cs_rect){x, gy + line + (float)c * (each + L->pad), gw, each}, K, K,
                                                  cs_style_u(ui->st, 90));
            const int numbers = g.cell >= cs_text_box_h(ui->st->min_px) * 1.2f &&
                                g.cell >= ui->st->min_px * 3.2f;
            filter_grid(ui, &g, cols[k] + (size_t)c * KK, K, bu->diverging, r, numbers, -1, -1, k == 0 || k == nc - 1 ? 4 : 3);
        }
    }
    free(step);
}

void cs_view_backprop_draw(cs_view_backprop *v, cs_ui *ui, const cs_backprop *bp, const cs_backprop_cursor *c,
                           const cs_bp_layout *L, const cs_bp_ui *bu)
{
    ui->st = &L->st;
    draw_frame(v, ui, bp, c, L, bu);
    switch (c->phase) {
    case CS_BACKPROP_FORWARD: draw_forward(ui, bp, L, bp->outs, "forward"); break;
    case CS_BACKPROP_LOSS:
    case CS_BACKPROP_OUTPUT_GRADIENT:
    case CS_BACKPROP_FORWARD_AGAIN: draw_table(ui, bp, L, bu, c->phase); break;
    case CS_BACKPROP_MAP_GRADIENTS: draw_map_gradients(v, ui, bp, c, L, bu); break;
    case CS_BACKPROP_WEIGHT_GRADIENT: draw_weight_gradient(ui, bp, L, bu); break;
    case CS_BACKPROP_UPDATE: draw_update(ui, bp, L, bu); break;
    default: break;
    }
    if (bu->show_help) cs_theme_draw_help(ui, L->help, _("Keys of the backprop view"), bu->help, bu->help_lines);
}
