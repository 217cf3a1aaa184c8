/* cs_view_train.c - the train view (see cs_view_train.h): panels laid out by cs_layout, maps and
 * kernels colour-mapped on the GPU from float textures, flat UI batched by cs_gl, every string
 * fitted into its box by the text box call (cs_ui.h). Colours come from the frame's style. */
#include "cs_view_train.h"
#include "cs_i18n.h"
#include "cs_labels.h"
#include "cs_kmetrics.h"
#include "cs_theme.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cs_view_train {
    cs_gl *gl;       /* borrowed */
    cs_text *text;   /* borrowed */
    int n_layers;
    unsigned act_tex[CS_SNAP_MAX_LAYERS], w_tex[CS_SNAP_MAX_LAYERS], probe_tex, ramp_h, ramp_v;
    int act_tw[CS_SNAP_MAX_LAYERS], act_th[CS_SNAP_MAX_LAYERS], w_tw[CS_SNAP_MAX_LAYERS], w_th[CS_SNAP_MAX_LAYERS];
    int probe_tw, probe_th;
    cs_value_range act_layer[CS_SNAP_MAX_LAYERS], w_layer[CS_SNAP_MAX_LAYERS];
    cs_value_range *act_map[CS_SNAP_MAX_LAYERS]; /* (n maps) each, owned */
    cs_value_range *w_map[CS_SNAP_MAX_LAYERS];   /* (OC) each, owned */
    /* gradients (when the snapshot has them): textures shaped as act_tex and w_tex, symmetric ranges */
    unsigned ag_tex[CS_SNAP_MAX_LAYERS], wg_tex[CS_SNAP_MAX_LAYERS];
    cs_value_range ag_layer[CS_SNAP_MAX_LAYERS], wg_layer[CS_SNAP_MAX_LAYERS];
    int have_grads;
    uint64_t uploaded_seq;
    int have_data;
    char hover[512];
    cs_rect hover_target;    /* what the pointer is over (the presenter's highlight) */
};


const char *cs_norm_name(cs_norm_mode m)
{
    switch (m) {
    case CS_NORM_PER_MAP: return _("per map");
    case CS_NORM_PER_LAYER: return _("per layer");
    default: return _("fixed");
    }
}

cs_status cs_view_train_create(cs_view_train **out, cs_gl *gl, cs_text *text)
{
    *out = NULL;
    cs_view_train *v = calloc(1, sizeof *v);
    if (!v) return cs_fail(CS_ERR_NOMEM, "out of memory");
    v->gl = gl, v->text = text;
    cs_theme_create_ramps(&v->ramp_h, &v->ramp_v);
    *out = v;
    return CS_OK;
}

static void free_textures(cs_view_train *v)
{
    for (int l = 0; l < CS_SNAP_MAX_LAYERS; l++) {
        cs_gl_texture_destroy(v->act_tex[l]);
        cs_gl_texture_destroy(v->w_tex[l]);
        cs_gl_texture_destroy(v->ag_tex[l]);
        cs_gl_texture_destroy(v->wg_tex[l]);
        v->act_tex[l] = v->w_tex[l] = v->ag_tex[l] = v->wg_tex[l] = 0;
        free(v->act_map[l]);
        free(v->w_map[l]);
        v->act_map[l] = v->w_map[l] = NULL;
    }
    cs_gl_texture_destroy(v->probe_tex);
    v->probe_tex = 0;
    v->have_data = 0;
}

void cs_view_train_destroy(cs_view_train *v)
{
    if (!v) return;
    free_textures(v);
    cs_gl_texture_destroy(v->ramp_h);
    cs_gl_texture_destroy(v->ramp_v);
    free(v);
}

static int shapes_match(const cs_view_train *v, const cs_snapshot *s)
{
    if (!v->have_data || v->n_layers != s->n_layers) return 0;
    if (v->probe_tw != s->in_w || v->probe_th != s->in_c * s->in_h) return 0;
    for (int l = 0; l < s->n_layers; l++) {
        const cs_snap_layer *L = &s->layers[l];
        if (v->act_tw[l] != L->out_w || v->act_th[l] != L->out_c * L->out_h) return 0;
    }
    return 1;
}

/* The probe's dL/d(maps) and the last batch's dL/dw, when the snapshot carries them (nothing is
 * created or uploaded otherwise). */
static void upload_grads(cs_view_train *v, const cs_snapshot *s)
{
    v->have_grads = s->has_grads && s->act_grads && s->weight_grads;
    if (!v->have_grads) return;
    for (int l = 0; l < s->n_layers; l++) {
        const cs_snap_layer *L = &s->layers[l];
        if (!v->ag_tex[l]) v->ag_tex[l] = cs_gl_texture_create(v->act_tw[l], v->act_th[l]);
        const float *g = s->act_grads + s->act_off[l];
        cs_gl_texture_update(v->ag_tex[l], v->act_tw[l], v->act_th[l], g);
        v->ag_layer[l] = cs_value_range_of(g, (size_t)L->out_c * L->out_h * L->out_w, 1);
        if (v->w_tex[l]) {
            if (!v->wg_tex[l]) v->wg_tex[l] = cs_gl_texture_create(v->w_tw[l], v->w_th[l]);
            const float *w = s->weight_grads + s->w_off[l];
            cs_gl_texture_update(v->wg_tex[l], v->w_tw[l], v->w_th[l], w);
            v->wg_layer[l] = cs_value_range_of(w, s->w_count[l], 1);
        }
    }
}

void cs_view_train_upload(cs_view_train *v, const cs_snapshot *s)
{
    if (!shapes_match(v, s)) {
        free_textures(v);
        v->n_layers = s->n_layers;
        for (int l = 0; l < s->n_layers; l++) {
            const cs_snap_layer *L = &s->layers[l];
            int n, mh, mw;
            cs_viz_layer_maps(L, &n, &mh, &mw);
            v->act_tw[l] = L->out_w, v->act_th[l] = L->out_c * L->out_h;
            v->act_tex[l] = cs_gl_texture_create(v->act_tw[l], v->act_th[l]);
            v->act_map[l] = calloc((size_t)n, sizeof *v->act_map[l]);
            if (L->kind == CS_LAYER_CONV && s->w_count[l]) {
                v->w_tw[l] = L->k, v->w_th[l] = L->out_c * L->in_c * L->k;
                v->w_tex[l] = cs_gl_texture_create(v->w_tw[l], v->w_th[l]);
                v->w_map[l] = calloc((size_t)L->out_c, sizeof *v->w_map[l]);
            }
        }
        v->probe_tw = s->in_w, v->probe_th = s->in_c * s->in_h;
        v->probe_tex = cs_gl_texture_create(v->probe_tw, v->probe_th);
        v->have_data = 1;
    }
    for (int l = 0; l < s->n_layers; l++) {
        const cs_snap_layer *L = &s->layers[l];
        const float *a = s->acts + s->act_off[l];
        cs_gl_texture_update(v->act_tex[l], v->act_tw[l], v->act_th[l], a);
        int n, mh, mw;
        cs_viz_layer_maps(L, &n, &mh, &mw);
        v->act_layer[l] = cs_value_range_of(a, (size_t)L->out_c * L->out_h * L->out_w, 0);
        if (v->act_map[l])
            for (int m = 0; m < n; m++) v->act_map[l][m] = cs_value_range_of(a + (size_t)m * mh * mw, (size_t)mh * mw, 0);
        if (v->w_tex[l]) {
            const float *w = s->weights + s->w_off[l];
            cs_gl_texture_update(v->w_tex[l], v->w_tw[l], v->w_th[l], w);
            v->w_layer[l] = cs_value_range_of(w, s->w_count[l], 1);
            const size_t per = (size_t)L->in_c * L->k * L->k;
            if (v->w_map[l])
                for (int o = 0; o < L->out_c; o++) v->w_map[l][o] = cs_value_range_of(w + (size_t)o * per, per, 1);
        }
    }
    cs_gl_texture_update(v->probe_tex, v->probe_tw, v->probe_th, s->probe);
    upload_grads(v, s);
    v->uploaded_seq = s->data_seq;
}

cs_rgba cs_view_train_background(const cs_style *st) { return st->c.panel; }

const char *cs_view_train_hover(const cs_view_train *v) { return v->hover; }

static cs_value_range act_range(const cs_view_train *v, const cs_view_ui *vu, int l, int m)
{
    if (vu->maps_norm == CS_NORM_FIXED) return (cs_value_range){0.0f, CS_FIXED_ACT_HI};
    if (vu->maps_norm == CS_NORM_PER_MAP && v->act_map[l]) return v->act_map[l][m];
    return v->act_layer[l];
}

static cs_value_range w_range(const cs_view_train *v, const cs_view_ui *vu, int l, int o)
{
    if (vu->kernels_norm == CS_NORM_FIXED) return (cs_value_range){-CS_FIXED_W, CS_FIXED_W};
    if (vu->kernels_norm == CS_NORM_PER_MAP && v->w_map[l]) return v->w_map[l][o];
    return v->w_layer[l];
}

static int hot(const cs_view_ui *vu, cs_rect r)
{
    return vu->mouse_in && !vu->show_help && r.w > 0 && cs_rect_contains(r, vu->mouse_x, vu->mouse_y);
}

/* A number in the hover readout: 3 significant digits, k/M/G for large values. */
static void fmt_num(char *buf, size_t size, float x) { cs_fmt_sig(buf, size, fabsf(x) < 5e-4f ? 0.0f : x, 3); }

static float U(const cs_layout *L, float v) { return roundf(v * L->scale); }

/* ---- the control bar ----------------------------------------------------------------------- */

/* The title and counters flow over the counter lines; what does not fit is left out (the least
 * telling items are last). */
static void draw_counters(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    const cs_palette *p = &ui->st->c;
    char items[10][96], step[32], seen[32], ips[32], num[32];
    cs_rgba colour[10];
    int n = 0;
    cs_theme_format_count(step, sizeof step, s->step);
    cs_theme_format_count(seen, sizeof seen, s->images_seen);
    cs_theme_format_count(ips, sizeof ips, (long)(s->images_per_sec + 0.5));
    fmt_num(num, sizeof num, s->lr);
    snprintf(items[n], 96, "%s", vu->title), colour[n++] = p->text;
    if (s->paused && !s->diverged) snprintf(items[n], 96, "%s", _("paused")), colour[n++] = p->hilite;
    snprintf(items[n], 96, _("epoch %d"), s->epoch), colour[n++] = p->dim;
    snprintf(items[n], 96, _("step %s"), step), colour[n++] = p->dim;
    snprintf(items[n], 96, _("%s lr %s"), s->optimizer, num), colour[n++] = p->dim;
    snprintf(items[n], 96, _("loss: %s"), cs_label_loss(s->loss)), colour[n++] = p->dim;
    if (L->hidden & CS_HIDE_BUTTONS) snprintf(items[n], 96, "%s", _("h: keys")), colour[n++] = p->dim;
    if (!L->present) {
        /* rates only once measured: paused or in the first half second they would read 0 */
        if (!s->paused && s->images_per_sec > 0) snprintf(items[n], 96, _("%s images/s"), ips), colour[n++] = p->dim;
        snprintf(items[n], 96, _("images %s"), seen), colour[n++] = p->dim;
        if (vu->fps > 0) snprintf(items[n], 96, _("%.0f fps"), vu->fps), colour[n++] = p->dim;
    }
    const cs_rect c = L->counters;
    const float line = cs_style_line(ui->st, CS_FONT_NORMAL), space = U(L, 20);
    float x = c.x, y = c.y;
    for (int i = 0; i < n; i++) {
        const float w = cs_text_width(v->text, CS_FACE_SANS, ui->st->px[CS_FONT_NORMAL], items[i]);
        if (x > c.x && x + w > c.x + c.w) x = c.x, y += line;
        if (y + line > c.y + c.h + 0.5f) break;
        cs_ui_label(ui, CS_GL_OVER, (cs_rect){x, y, fminf(w, c.x + c.w - x), line}, CS_FONT_NORMAL, CS_ALIGN_LEFT,
                    colour[i], items[i]);
        x += w + space;
    }
}

static void draw_top(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    const cs_palette *p = &ui->st->c;
    /* bars and plots sit on the cleared panel colour with thin rules: filled area is what a
     * software rasteriser pays for */
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){0, L->top.y + L->top.h - 2, L->top.w, 2}, p->gutter);
    if (!(L->hidden & CS_HIDE_BUTTONS)) {
        char buf[128], num[32];
        cs_theme_button(ui, L->buttons[CS_BTN_PAUSE], cs_label_pause(vu->paused), vu->paused,
                        hot(vu, L->buttons[CS_BTN_PAUSE]));
        cs_theme_button(ui, L->buttons[CS_BTN_STEP], C_("button", "Step"), 0, hot(vu, L->buttons[CS_BTN_STEP]));
        cs_theme_button(ui, L->buttons[CS_BTN_SLOWER], "\u2212", 0, hot(vu, L->buttons[CS_BTN_SLOWER]));
        cs_theme_button(ui, L->buttons[CS_BTN_FASTER], "+", 0, hot(vu, L->buttons[CS_BTN_FASTER]));
        const cs_fit_policy mid = cs_ui_policy(ui, CS_FONT_NORMAL, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_CENTER,
                                               CS_VALIGN_MIDDLE);
        cs_ui_text(ui, CS_GL_OVER, L->speed_label, &mid, p->text, vu->speed);
        fmt_num(num, sizeof num, vu->lr);
        cs_label_rate(buf, sizeof buf, num);
        const cs_fit_policy right = cs_ui_policy(ui, CS_FONT_NORMAL, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_RIGHT,
                                                 CS_VALIGN_MIDDLE);
        cs_ui_text(ui, CS_GL_OVER, (cs_rect){L->lr_label.x, L->lr_label.y, L->lr_label.w - U(L, 4), L->lr_label.h}, &right,
                   p->text, buf);
        /* learning-rate slider, log scale */
        const cs_rect tr = L->lr_slider;
        float t = logf(vu->lr / vu->lr_min) / logf(vu->lr_max / vu->lr_min);
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const float th = fmaxf(U(L, 4), ui->st->rule);
        cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){tr.x, tr.y + tr.h * 0.5f - th * 0.5f, tr.w, th}, p->button);
        cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){tr.x, tr.y + tr.h * 0.5f - th * 0.5f, tr.w * t, th}, p->button_on);
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){tr.x + tr.w * t - U(L, 5), tr.y + U(L, 3), U(L, 10), tr.h - U(L, 6)}, p->text);
        cs_theme_button(ui, L->buttons[CS_BTN_RESTART], _("Restart"), 0, hot(vu, L->buttons[CS_BTN_RESTART]));
        cs_theme_button(ui, L->buttons[CS_BTN_MAPS_NORM], cs_label_maps_norm(vu->maps_norm), 0,
                        hot(vu, L->buttons[CS_BTN_MAPS_NORM]));
        cs_theme_button(ui, L->buttons[CS_BTN_KERNELS_NORM], cs_label_kernels_norm(vu->kernels_norm), 0,
                        hot(vu, L->buttons[CS_BTN_KERNELS_NORM]));
        cs_theme_button(ui, L->buttons[CS_BTN_BACKPROP], _("Backprop"), 0, hot(vu, L->buttons[CS_BTN_BACKPROP]));
        cs_theme_button(ui, L->buttons[CS_BTN_HELP], _("Help"), vu->show_help, hot(vu, L->buttons[CS_BTN_HELP]));
        for (int b = 0; b < CS_BTN_PROBE_PREV; b++)
            if (hot(vu, L->buttons[b])) v->hover_target = L->buttons[b];
    }
    draw_counters(v, ui, s, L, vu);
}

/* ---- probe and output ----------------------------------------------------------------------- */

static void draw_probe(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    const cs_palette *p = &ui->st->c;
    cs_theme_panel(ui, L->probe, L->probe_title, _("Probe image"));
    cs_theme_button(ui, L->buttons[CS_BTN_PROBE_PREV], "\u25C0", 0, hot(vu, L->buttons[CS_BTN_PROBE_PREV]));
    cs_theme_button(ui, L->buttons[CS_BTN_PROBE_NEXT], "\u25B6", 0, hot(vu, L->buttons[CS_BTN_PROBE_NEXT]));
    for (int b = CS_BTN_PROBE_PREV; b <= CS_BTN_PROBE_NEXT; b++)
        if (hot(vu, L->buttons[b])) v->hover_target = L->buttons[b];
    cs_gl_heat(v->gl, v->probe_tex, v->probe_tw, v->probe_th, L->probe_img, 0, 0, s->in_w, s->in_h,
               (cs_value_range){0, 1}, CS_CMAP_GRAY, s->in_c == 3 ? s->in_h : 0);
    const char *name = s->probe_label >= 0 && s->probe_label < vu->n_class_names ? vu->class_names[s->probe_label] : "?";
    char a[320], b[320];
    if (s->probe_index >= 0) {
        snprintf(a, sizeof a, _("test image #%d, true class: %s"), s->probe_index, name);
        snprintf(b, sizeof b, _("#%d: %s"), s->probe_index, name);
    } else { /* an image file: how it became the net's input, and without its name when that does not fit */
        char said[320];
        const char *note = cs_label_run_text(s->probe_note, said, sizeof said);
        const char *colon = strstr(note, ": ");
        snprintf(a, sizeof a, "%s", note);
        snprintf(b, sizeof b, "%s", colon ? colon + 2 : note);
    }
    const char *const caption[] = {a, b};
    cs_ui_label_alt(ui, CS_GL_OVER, L->probe_caption, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, caption, 2);
    if (hot(vu, L->probe_img)) {
        int y = (int)((vu->mouse_y - L->probe_img.y) / L->probe_img.h * (float)s->in_h);
        int x = (int)((vu->mouse_x - L->probe_img.x) / L->probe_img.w * (float)s->in_w);
        if (y >= s->in_h) y = s->in_h - 1;
        if (x >= s->in_w) x = s->in_w - 1;
        const size_t plane = (size_t)s->in_h * s->in_w;
        if (s->in_c == 3)
            snprintf(v->hover, sizeof v->hover, _("input pixel row %d col %d = R %.2f G %.2f B %.2f"), y, x,
                     (double)s->probe[(size_t)y * s->in_w + x], (double)s->probe[plane + (size_t)y * s->in_w + x],
                     (double)s->probe[2 * plane + (size_t)y * s->in_w + x]);
        else
            snprintf(v->hover, sizeof v->hover, _("input pixel row %d col %d = %.3f"), y, x,
                     (double)s->probe[(size_t)y * s->in_w + x]);
        v->hover_target = L->probe_img;
    }
}

static void draw_output(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    const cs_palette *p = &ui->st->c;
    cs_theme_panel(ui, L->output, (cs_rect){0, 0, 0, 0}, NULL);
    /* the title may take the header up to the "truth" label over the truth column */
    const cs_measure m = cs_text_measure(ui->text);
    const float truth_w = m.width(m.ctx, CS_FACE_SANS, ui->st->px[CS_FONT_SMALL], _("truth"));
    const float split = fmaxf(L->out_bar_x + L->out_bar_w * 0.5f,
                              L->out_truth_x + L->out_truth_w - truth_w - U(L, 12));
    cs_ui_label(ui, CS_GL_OVER, (cs_rect){L->out_header.x, L->out_header.y, split - L->out_header.x, L->out_header.h},
                CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, _("Output vs truth"));
    const cs_fit_policy right = cs_ui_policy(ui, CS_FONT_SMALL, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_RIGHT,
                                             CS_VALIGN_MIDDLE);
    cs_ui_text(ui, CS_GL_OVER, (cs_rect){split + U(L, 4), L->out_header.y, L->out_truth_x + L->out_truth_w - split - U(L, 4),
                                         L->out_header.h}, &right, p->dim, _("truth"));
    int pred = 0;
    for (int i = 1; i < s->n_classes; i++)
        if (s->probs[i] > s->probs[pred]) pred = i;
    const int row_px = L->out_row_px; /* chosen by the layout so every name and value fits */
    cs_fit_policy rp = {CS_FACE_SANS, row_px, ui->st->min_px, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_LEFT,
                        CS_VALIGN_MIDDLE, 0};
    cs_fit_policy vp = rp;
    vp.flags = CS_FIT_SHRINK, vp.halign = CS_ALIGN_RIGHT;
    const int enlarged = L->enlarged.kind == CS_TARGET_OUTPUT;
    for (int i = 0; i < L->out_rows; i++) {
        const float y = L->out_row_y + (float)i * L->out_row_h, rh = L->out_row_h;
        const char *name = i < vu->n_class_names ? vu->class_names[i] : _("(no class)");
        const int truth = i == s->probe_label;
        if (i == pred && s->probe_label >= 0) /* an image file has no truth to be right or wrong about */
            cs_ui_text(ui, CS_GL_OVER, (cs_rect){L->out_mark_x, y, L->out_name_x - L->out_mark_x, rh}, &rp,
                       truth ? p->good : p->bad, truth ? "\u2713" : "\u2717");
        cs_ui_text(ui, CS_GL_OVER, (cs_rect){L->out_name_x, y, L->out_name_w, rh}, &rp, i == pred ? p->text : p->dim, name);
        const float pr = s->probs[i] < 0 ? 0 : s->probs[i] > 1 ? 1 : s->probs[i];
        const cs_rect track = {L->out_bar_x, y + rh * 0.18f, L->out_bar_w, rh * 0.64f};
        cs_gl_rect(v->gl, CS_GL_UNDER, track, p->bar);
        const cs_rgba bc = i == pred && s->probe_label >= 0 ? (truth ? p->good : p->bad) : p->test;
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){track.x, track.y, track.w * pr, track.h}, bc);
        /* the value beside its bar (never over the bar's colour); more digits when enlarged */
        cs_ui_value(ui, CS_GL_OVER, (cs_rect){L->out_bar_x + L->out_bar_w, y, L->out_value_w, rh}, &vp, p->text, pr,
                    enlarged ? -3 : -2);
        const float side = fminf(L->out_truth_w, rh - 2);
        const cs_rect tc = {L->out_truth_x + L->out_truth_w - side, y + 0.5f * (rh - side), side, side};
        if (truth) cs_gl_rect(v->gl, CS_GL_OVER, tc, p->text);
        else cs_gl_frame(v->gl, CS_GL_OVER, tc, fmaxf(1, ui->st->rule * 0.5f), p->dim);
        if (hot(vu, (cs_rect){L->output.x, y, L->output.w, rh}))
            snprintf(v->hover, sizeof v->hover, _("class %d (%s): network says %.4f, truth %d%s"), i, name,
                     (double)s->probs[i], truth, enlarged ? "" : _("   (click: enlarge)"));
    }
    if (L->out_vectors.h <= 0) return;
    /* the article's picture: the output vector next to the one-hot truth */
    char outv[256], truthv[256];
    snprintf(outv, sizeof outv, "%s", cs_label_vector(0));
    snprintf(truthv, sizeof truthv, "%s", cs_label_vector(1));
    const int shown = s->n_classes < 10 ? s->n_classes : 10;
    size_t no = strlen(outv), nt = strlen(truthv);
    for (int i = 0; i < shown; i++) {
        /* one decimal in two characters: " 0", ".3", "1." */
        const long d = lrintf(s->probs[i] * 10.0f);
        char e[4] = {' ', '0', 0, 0};
        if (d >= 10) e[0] = '1', e[1] = '.';
        else if (d > 0) e[0] = '.', e[1] = (char)('0' + d);
        no += (size_t)snprintf(outv + no, sizeof outv - no, "%s%s", e, i + 1 < shown ? " " : "");
        nt += (size_t)snprintf(truthv + nt, sizeof truthv - nt, " %d%s", i == s->probe_label, i + 1 < shown ? " " : "");
    }
    snprintf(outv + no, sizeof outv - no, "%s]", shown < s->n_classes ? "\u2026" : "");
    snprintf(truthv + nt, sizeof truthv - nt, "%s]", shown < s->n_classes ? "\u2026" : "");
    const cs_rect ov = L->out_vectors;
    const float half = floorf(ov.h * 0.5f);
    cs_ui_label(ui, CS_GL_OVER, (cs_rect){ov.x, ov.y, ov.w, half}, CS_FONT_MONO, CS_ALIGN_LEFT, p->text, outv);
    cs_ui_label(ui, CS_GL_OVER, (cs_rect){ov.x, ov.y + half, ov.w, ov.h - half}, CS_FONT_MONO, CS_ALIGN_LEFT, p->dim, truthv);
}

/* ---- the network strip ------------------------------------------------------------------- */

/* Receptive field and cell outline of a hovered activation cell. */
static void hover_act(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, int l, int m, int cy, int cx)
{
    const cs_snap_layer *ly = &s->layers[l];
    int n, mh, mw;
    cs_viz_layer_maps(ly, &n, &mh, &mw);
    const float val = s->acts[s->act_off[l] + ((size_t)m * mh + cy) * mw + cx];
    /* a vector layer's cell is unit cy of one map; a map's cell is (cy, cx) of channel m */
    const int vec = n == 1 && mw == 1 && ly->out_h == 1;
    int y0, x0, y1, x1;
    cs_receptive_field(s->layers, l, vec ? 0 : cy, vec ? 0 : cx, &y0, &x0, &y1, &x1);
    const float t = fmaxf(2, ui->st->rule);
    if (L->probe_img.w > 0) {
        const cs_rect img = L->probe_img;
        const float ch = img.h / (float)s->in_h, cw = img.w / (float)s->in_w;
        const cs_rect rf = {img.x + (float)x0 * cw, img.y + (float)y0 * ch, (float)(x1 - x0 + 1) * cw, (float)(y1 - y0 + 1) * ch};
        cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(rf, -t), t, ui->st->c.hilite);
    }
    const cs_rect tile = cs_grid_tile(&L->col_grid[l], m);
    const cs_rect cell = {tile.x + tile.w * (float)cx / (float)mw, tile.y + tile.h * (float)cy / (float)mh,
                          tile.w / (float)mw, tile.h / (float)mh};
    cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(cell, -1), fmaxf(1, ui->st->rule * 0.5f), ui->st->c.hilite);
    v->hover_target = tile;
    char num[32];
    fmt_num(num, sizeof num, val);
    if (vec)
        snprintf(v->hover, sizeof v->hover, _("%s unit %d = %s   (sees the whole %dx%d image; click: enlarge)"), ly->name,
                 cy, num, s->in_h, s->in_w);
    else
        snprintf(v->hover, sizeof v->hover,
                 _("%s map %d, row %d col %d = %s   receptive field: rows %d\u2013%d, cols %d\u2013%d of the input (%dx%d);"
                   " click: enlarge"), ly->name, m, cy, cx, num, y0, y1, x0, x1, y1 - y0 + 1, x1 - x0 + 1);
}

/* "max" / "min" and a number in box: the word where the column is wide enough. */
static void range_line(cs_ui *ui, const cs_layout *L, cs_rect box, const char *word, float value)
{
    cs_fit_policy p = cs_ui_policy(ui, CS_FONT_SMALL, CS_FIT_SHRINK, CS_ALIGN_LEFT, CS_VALIGN_TOP);
    (void)L, (void)word; /* the colour bar beside the numbers says which end is which */
    const float x = box.x;
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){x, box.y, box.x + box.w - x, box.h}, &p, ui->st->c.dim, value, 3);
}

static void draw_strip(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    const cs_palette *p = &ui->st->c;
    char buf[200], shorter[120];
    snprintf(buf, sizeof buf, _("Activation maps of the probe image, layer by layer (colours: %s)"), cs_norm_name(vu->maps_norm));
    snprintf(shorter, sizeof shorter, _("Activation maps (colours: %s)"), cs_norm_name(vu->maps_norm));
    cs_theme_panel(ui, L->strip, (cs_rect){0, 0, 0, 0}, NULL);
    const char *const titles[] = {buf, shorter};
    cs_ui_label_alt(ui, CS_GL_OVER, L->strip_title, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, titles, 2);
    const float small = cs_style_line(ui->st, CS_FONT_SMALL);
    /* names and shapes as rows of siblings: one size across the columns */
    /* narrow columns: "C@" over "H×W", both lines in one size */
    const char *names[CS_SNAP_MAX_LAYERS], *shape_s[2 * CS_SNAP_MAX_LAYERS];
    char shapes[2 * CS_SNAP_MAX_LAYERS][40];
    cs_rect boxes[2 * CS_SNAP_MAX_LAYERS];
    int n_shapes = 0;
    for (int l = 0; l < L->n_cols; l++) {
        const cs_snap_layer *ly = &s->layers[l];
        const cs_rect sh = L->col_shape[l];
        names[l] = ly->name;
        if (L->narrow) {
            snprintf(shapes[n_shapes], sizeof shapes[0], "%d@", ly->out_c);
            boxes[n_shapes++] = (cs_rect){sh.x, sh.y, sh.w, small};
            snprintf(shapes[n_shapes], sizeof shapes[0], "%d\u00D7%d", ly->out_h, ly->out_w);
            boxes[n_shapes++] = (cs_rect){sh.x, sh.y + small, sh.w, small};
        } else {
            snprintf(shapes[n_shapes], sizeof shapes[0], "%d@%d\u00D7%d", ly->out_c, ly->out_h, ly->out_w);
            boxes[n_shapes++] = sh;
        }
    }
    for (int i = 0; i < n_shapes; i++) shape_s[i] = shapes[i];
    cs_ui_label_row(ui, CS_GL_OVER, L->col_name, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, names, L->n_cols, 0);
    cs_ui_label_row(ui, CS_GL_OVER, boxes, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, shape_s, n_shapes, 1);
    for (int l = 0; l < L->n_cols; l++) {
        const cs_snap_layer *ly = &s->layers[l];
        const cs_rect c = L->col[l];
        int n, mh, mw;
        cs_viz_layer_maps(ly, &n, &mh, &mw);
        const cs_grid *g = &L->col_grid[l];
        for (int m = 0; m < n; m++) {
            const cs_rect t = cs_grid_tile(g, m);
            cs_gl_heat(v->gl, v->act_tex[l], v->act_tw[l], v->act_th[l], cs_layout_map_part(L, t, mh, 0), 0, m * mh, mw,
                       mh, act_range(v, vu, l, m), CS_CMAP_VIRIDIS, 0);
            if (L->grads && v->have_grads)
                cs_gl_heat(v->gl, v->ag_tex[l], v->act_tw[l], v->act_th[l], cs_layout_map_part(L, t, mh, 1), 0, m * mh, mw,
                           mh, v->ag_layer[l], vu->diverging, 0);
            char name[64];
            cs_target tg = {CS_TARGET_MAP, l, m, -1};
            cs_ui_target(ui, cs_target_format(&tg, s->layers, name, sizeof name), t);
        }
        /* the column's colour scale and its two ends in numbers */
        const cs_value_range r = vu->maps_norm == CS_NORM_FIXED ? (cs_value_range){0, CS_FIXED_ACT_HI} : v->act_layer[l];
        cs_gl_heat(v->gl, v->ramp_v, 1, 256, L->col_cbar[l], 0, 0, 1, 256, (cs_value_range){0, 1}, CS_CMAP_VIRIDIS, 0);
        const cs_rect rr = L->col_range[l];
        range_line(ui, L, (cs_rect){rr.x, rr.y, rr.w, small}, "max", r.hi);
        range_line(ui, L, (cs_rect){rr.x, rr.y + small, rr.w, rr.h - small}, "min", r.lo);
        if (vu->mouse_in && !vu->show_help && cs_rect_contains(c, vu->mouse_x, vu->mouse_y)) {
            int cy, cx, m = cs_grid_hit(g, vu->mouse_x, vu->mouse_y, mw, cs_layout_tile_cells(L, mh), &cy, &cx);
            if (m >= 0 && cy < mh) hover_act(v, ui, s, L, l, m, cy, cx);
        }
    }
    const char *what = vu->maps_norm == CS_NORM_FIXED
                           ? _("colours: viridis over 0 to 2 for every layer (the numbers under each column)")
                       : vu->maps_norm == CS_NORM_PER_MAP
                           ? _("colours: viridis, each map from its own min to its own max; under each column its layer's range")
                           : _("colours: viridis from each column's min (dark) to its max (yellow); click a map to enlarge it");
    const char *const legends[] = {what, vu->maps_norm == CS_NORM_FIXED ? _("viridis over 0 to 2 for every layer")
                                         : vu->maps_norm == CS_NORM_PER_MAP ? _("viridis, each map from its own min to max")
                                                                            : _("viridis, each column from min to max")};
    cs_ui_label_alt(ui, CS_GL_OVER, L->strip_legend, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, legends, 2);
}

/* ---- kernels ----------------------------------------------------------------------------- */

/* The numbers of a hovered kernel in a tooltip box near the pointer (on top of everything). */
static void kernel_tooltip(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu,
                           int l, int o, int c, int rgb)
{
    const cs_palette *p = &ui->st->c;
    const cs_snap_layer *ly = &s->layers[l];
    const int K = ly->k, planes = rgb ? 3 : 1;
    const int px = ui->st->px[CS_FONT_MONO];
    const float cw = cs_text_width(v->text, CS_FACE_MONO, px, "0");
    const float lh = cs_text_pitch(px), head = cs_style_line(ui->st, CS_FONT_NORMAL), pad = U(L, 8);
    char title[160], row[400];
    if (rgb) snprintf(title, sizeof title, _("%s filter %d (R, G, B planes)"), ly->name, o);
    else snprintf(title, sizeof title, _("%s filter %d, input channel %d"), ly->name, o, c);
    const float title_w = cs_text_width(v->text, CS_FACE_SANS, ui->st->px[CS_FONT_NORMAL], title);
    float bw = fmaxf(cw * 7.0f * (float)K, title_w) + 2 * pad;
    float bh = head + (float)planes * ((float)K * lh + (rgb ? head : 0)) + 2 * pad;
    bw = fminf(bw, (float)L->win_w - 8), bh = fminf(bh, (float)L->win_h - 8);
    float bx = vu->mouse_x + U(L, 16), by = vu->mouse_y + U(L, 16);
    if (bx + bw > (float)L->win_w - 4) bx = vu->mouse_x - bw - U(L, 16);
    if (bx < 4) bx = 4;
    if (by + bh > (float)L->win_h - 4) by = (float)L->win_h - bh - 4;
    if (by < 4) by = 4;
    const cs_rect box = {bx, by, bw, bh};
    cs_gl_rect(v->gl, CS_GL_TOP, box, p->overlay_bg);
    cs_gl_frame(v->gl, CS_GL_TOP, box, fmaxf(1, ui->st->rule * 0.5f), p->dim);
    float y = by + pad;
    cs_ui_label(ui, CS_GL_TOP, (cs_rect){bx + pad, y, bw - 2 * pad, head}, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, title);
    y += head;
    for (int pl = 0; pl < planes; pl++) {
        if (rgb) {
            cs_ui_label(ui, CS_GL_TOP, (cs_rect){bx + pad, y, bw - 2 * pad, head}, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim,
                        pl == 0 ? _("red") : pl == 1 ? _("green") : _("blue"));
            y += head;
        }
        const float *w = s->weights + s->w_off[l] + ((size_t)o * ly->in_c + (rgb ? pl : c)) * K * K;
        for (int ky = 0; ky < K; ky++) {
            size_t n = 0;
            row[0] = '\0';
            for (int kx = 0; kx < K && n + 12 < sizeof row; kx++)
                n += (size_t)snprintf(row + n, sizeof row - n, "%+.3f ", (double)w[ky * K + kx]);
            cs_ui_label(ui, CS_GL_TOP, (cs_rect){bx + pad, y, bw - 2 * pad, lh}, CS_FONT_MONO, CS_ALIGN_LEFT, p->text, row);
            y += lh;
        }
    }
    const float b = s->weights[s->w_off[l] + ly->out_c * (size_t)ly->in_c * K * K + o];
    char num[32];
    fmt_num(num, sizeof num, b);
    snprintf(v->hover, sizeof v->hover, _("%s filter %d: %d\u00D7%d weights shown in the box, bias %s; click: enlarge"),
             ly->name, o, K, K, num);
}

static void draw_kernels(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    const cs_palette *p = &ui->st->c;
    char buf[200];
    snprintf(buf, sizeof buf, _("Kernels (weights; colours: %s, %s)"), cs_norm_name(vu->kernels_norm),
             vu->diverging == CS_CMAP_BLUEORANGE ? _("blue\u2013orange") : _("red\u2013blue"));
    cs_theme_panel(ui, L->kernels, L->kern_title, buf);
    if (L->n_kern == 0) {
        cs_ui_label(ui, CS_GL_OVER, (cs_rect){L->kern_title.x, L->kern_title.y + L->kern_title.h, L->kern_title.w,
                                              L->kern_title.h}, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim,
                    _("this net has no conv layers"));
        return;
    }
    int hov_l = -1, hov_o = 0, hov_c = 0, hov_rgb = 0;
    for (int k = 0; k < L->n_kern; k++) {
        const int l = L->kern_layer[k];
        const cs_snap_layer *ly = &s->layers[l];
        if (!v->w_tex[l]) continue;
        const cs_grid *g = &L->kern_grid[k];
        const int K = ly->k, C = ly->in_c, OC = ly->out_c;
        char shorter[120];
        if (L->kern_rgb[k]) {
            snprintf(buf, sizeof buf, P_("%s: %d filter %d\u00D7%d\u00D7%d, input channels as R, G, B",
                                         "%s: %d filters %d\u00D7%d\u00D7%d, input channels as R, G, B", (unsigned long)OC),
                     ly->name, OC, K, K, C);
            snprintf(shorter, sizeof shorter, P_("%s: %d filter %d\u00D7%d\u00D7%d (RGB)", "%s: %d filters %d\u00D7%d\u00D7%d (RGB)",
                                                 (unsigned long)OC),
                     ly->name, OC, K, K, C);
        } else if (C == 1) {
            snprintf(buf, sizeof buf, P_("%s: %d filter %d\u00D7%d", "%s: %d filters %d\u00D7%d", (unsigned long)OC), ly->name,
                     OC, K, K);
            snprintf(shorter, sizeof shorter, "%.100s", buf);
        } else {
            snprintf(buf, sizeof buf, _("%s: %d filters \u00D7 %d input channels (%s), %d\u00D7%d"), ly->name, OC, C,
                     L->kern_rows_are_filters[k] ? _("a row per filter") : _("a column per filter"), K, K);
            snprintf(shorter, sizeof shorter, _("%s: %d filters \u00D7 %d channels, %d\u00D7%d"), ly->name, OC, C, K, K);
        }
        const char *const titles[] = {buf, shorter};
        cs_ui_label_alt(ui, CS_GL_OVER, L->kern_header[k], CS_FONT_SMALL, CS_ALIGN_LEFT, p->text, titles, 2);
        for (int i = 0; i < g->n; i++) {
            int o, c;
            if (L->kern_rgb[k] || C == 1) o = i, c = 0;
            else if (L->kern_rows_are_filters[k]) o = i / C, c = i % C;
            else c = i / OC, o = i % OC;
            const cs_rect t = cs_grid_tile(g, i);
            cs_gl_heat(v->gl, v->w_tex[l], v->w_tw[l], v->w_th[l], cs_layout_kernel_part(L, t, K, 0), 0, (o * C + c) * K, K,
                       K, w_range(v, vu, l, o), vu->diverging, L->kern_rgb[k] ? K : 0);
            /* the gradient beside it, one plane (an RGB kernel's first channel) on the layer's symmetric range */
            if (L->grads && v->have_grads && v->wg_tex[l])
                cs_gl_heat(v->gl, v->wg_tex[l], v->w_tw[l], v->w_th[l], cs_layout_kernel_part(L, t, K, 1), 0,
                           (o * C + c) * K, K, K, v->wg_layer[l], vu->diverging, 0);
            char name[64];
            const cs_target tg = {CS_TARGET_KERNEL, l, o, L->kern_rgb[k] ? -1 : c};
            cs_ui_target(ui, cs_target_format(&tg, s->layers, name, sizeof name), t);
            if (hot(vu, t)) hov_l = l, hov_o = o, hov_c = c, hov_rgb = L->kern_rgb[k], v->hover_target = t;
        }
        /* colour bar: what the colours mean in numbers (per map: the layer's extreme) */
        const cs_rect cb = L->kern_cbar[k];
        const cs_rect labels = {cb.x + cb.w + U(L, 3), cb.y - U(L, 2), L->kern_cbar_label_w, cb.h + U(L, 4)};
        const cs_value_range r = vu->kernels_norm == CS_NORM_FIXED ? (cs_value_range){-CS_FIXED_W, CS_FIXED_W}
                                                                   : v->w_layer[l];
        cs_theme_vbar(ui, v->ramp_v, cb, labels, vu->diverging, r);
    }
    if (hov_l >= 0) {
        cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(v->hover_target, -2), fmaxf(2, ui->st->rule), p->hilite);
        kernel_tooltip(v, ui, s, L, vu, hov_l, hov_o, hov_c, hov_rgb);
    }
}

/* ---- learning curves ------------------------------------------------------------------------ */

/* The top of a plot's value axis: 1 for accuracy, a little above the highest loss. */
static float plot_ymax(const cs_snapshot *s, int use_acc)
{
    if (use_acc) return 1.0f;
    float ymax = 0.1f;
    for (int i = 0; i < s->train.n; i++)
        if (isfinite(s->train.p[i].loss)) ymax = fmaxf(ymax, s->train.p[i].loss);
    for (int i = 0; i < s->test.n; i++)
        if (isfinite(s->test.p[i].loss)) ymax = fmaxf(ymax, s->test.p[i].loss);
    return ymax * 1.05f;
}

void cs_view_train_plot_xy(const cs_snapshot *s, cs_rect r, int use_acc, long step, float val, float *x, float *y)
{
    const long xmax = s->step > 1 ? s->step : 1;
    const float ymax = plot_ymax(s, use_acc);
    *x = r.x + r.w * fminf((float)step / (float)xmax, 1.0f);
    *y = r.y + r.h * (1.0f - fminf(fmaxf(val, 0.0f) / ymax, 1.0f));
}

/* Epoch boundaries on a plot, thinned so marks stay at least ~30 px apart (a small dataset has
 * an epoch every few steps), labelled where a label fits. */
static void epoch_marks(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, cs_rect r, long xmax, cs_font_id f)
{
    if (s->n_epoch_marks <= 0) return;
    char widest[32];
    snprintf(widest, sizeof widest, _("e%d"), 999);
    const float label_w = cs_text_width(v->text, CS_FACE_SANS, ui->st->px[f], widest) + cs_style_u(ui->st, 6);
    const long first = s->epoch_marks[0] > 0 ? s->epoch_marks[0] : 1;
    const int span = (int)fminf(1e9f, (float)xmax / (float)first + 1);
    const int stride = cs_mark_stride(r.w, span, fmaxf(cs_style_u(ui->st, 30), label_w));
    const float lh = cs_style_line(ui->st, f);
    float last_label = -1e9f;
    char buf[32];
    for (int e = 0; e < s->n_epoch_marks; e++) {
        if ((e + 1) % stride) continue;
        const float x = roundf(r.x + r.w * (float)s->epoch_marks[e] / (float)xmax);
        if (x > r.x + r.w) continue;
        cs_gl_line(v->gl, CS_GL_OVER, x, r.y, x, r.y + r.h, 1, (cs_rgba){1, 1, 1, 0.35f});
        /* TRANSLATORS: an epoch's mark on a learning curve (e3: the end of epoch 3); keep it short */
        snprintf(buf, sizeof buf, _("e%d"), e + 1);
        const float tw = cs_text_width(v->text, CS_FACE_SANS, ui->st->px[f], buf);
        if (x - last_label >= label_w && x + 2 + tw <= r.x + r.w) {
            cs_ui_label(ui, CS_GL_OVER, (cs_rect){x + 2, r.y + 1, tw, lh}, f, CS_ALIGN_LEFT, ui->st->c.dim, buf);
            last_label = x;
        }
    }
}

/* One learning-curve plot: train and test series of loss (use_acc 0) or accuracy; labels in role f. */
static void plot(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, cs_rect r, float axis_w, int use_acc, cs_font_id f)
{
    const cs_palette *p = &ui->st->c;
    const float ymax = plot_ymax(s, use_acc);
    const long xmax = s->step > 1 ? s->step : 1;
    const float lh = cs_style_line(ui->st, f), gap = cs_style_u(ui->st, 3);
    cs_gl_frame(v->gl, CS_GL_UNDER, cs_rect_inset(r, -1), 1, p->grid);
    /* value grid lines at least ~30 px apart */
    const int divs = (int)fmaxf(1, fminf(4, floorf(r.h / cs_style_u(ui->st, 30))));
    for (int i = 1; i < divs; i++) {
        const float gy = roundf(r.y + r.h * (1.0f - (float)i / (float)divs));
        cs_gl_line(v->gl, CS_GL_OVER, r.x, gy, r.x + r.w, gy, 1, p->grid);
    }
    epoch_marks(v, ui, s, r, xmax, f);
    const float width = fmaxf(1.5f, ui->st->present ? ui->st->rule : 1.5f * ui->st->scale);
    for (int series = 0; series < 2; series++) {
        const cs_curve *c = series == 0 ? &s->train : &s->test;
        const cs_rgba col = series == 0 ? p->train : p->test;
        float px = 0, py = 0;
        int have = 0;
        for (int i = 0; i < c->n; i++) {
            const float val = use_acc ? c->p[i].acc : c->p[i].loss;
            if (!isfinite(val)) continue;
            const float x = r.x + r.w * (float)c->p[i].step / (float)xmax;
            const float y = r.y + r.h * (1.0f - fminf(val / ymax, 1.0f));
            if (have) cs_gl_line(v->gl, CS_GL_OVER, px, py, x, y, width, col);
            else if (c->n == 1) cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){x - 2 * width, y - 2 * width, 4 * width, 4 * width}, col);
            px = x, py = y, have = 1;
        }
    }
    /* above: its title and the last test value at one size that fits both; left: the axis'
     * ends; under: 0 and the last step */
    char buf[64] = "", value[32] = "";
    const char *title = cs_label_curve(use_acc);
    const cs_curve *last = &s->test;
    if (last->n > 0) {
        const float val = use_acc ? last->p[last->n - 1].acc : last->p[last->n - 1].loss;
        if (use_acc) snprintf(value, sizeof value, "%.1f%%", (double)val * 100.0);
        else snprintf(value, sizeof value, "%.3f", (double)val);
        /* TRANSLATORS: the last test value above a learning curve ("test 64.0%") */
        snprintf(buf, sizeof buf, _("test %s"), value);
    }
    int hp = ui->st->px[f];
    /* a shorter wording before a smaller size: "test 64.0%" -> "64.0%" (the colour says test) */
    if (buf[0] && cs_text_width(v->text, CS_FACE_SANS, hp, title) + cs_text_width(v->text, CS_FACE_SANS, hp, buf) + gap * 2 > r.w)
        snprintf(buf, sizeof buf, "%s", value);
    while (hp > ui->st->min_px && cs_text_width(v->text, CS_FACE_SANS, hp, title) + cs_text_width(v->text, CS_FACE_SANS, hp, buf) +
                                          gap * 2 > r.w)
        hp--;
    const float tw = cs_text_width(v->text, CS_FACE_SANS, hp, title) + gap;
    cs_fit_policy hpol = {CS_FACE_SANS, hp, hp, CS_FIT_ELLIPSIS, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    cs_ui_text(ui, CS_GL_OVER, (cs_rect){r.x, r.y - lh, tw, lh}, &hpol, p->text, title);
    hpol.halign = CS_ALIGN_RIGHT;
    if (buf[0]) cs_ui_text(ui, CS_GL_OVER, (cs_rect){r.x + tw, r.y - lh, r.w - tw, lh}, &hpol, p->test, buf);
    cs_fit_policy ax = cs_ui_policy(ui, f, CS_FIT_SHRINK, CS_ALIGN_RIGHT, CS_VALIGN_TOP);
    const cs_rect ytop = {r.x - axis_w, r.y - 2, axis_w - gap, lh}, ybot = {r.x - axis_w, r.y + r.h - lh + 2, axis_w - gap, lh};
    if (use_acc) {
        cs_ui_label(ui, CS_GL_OVER, ytop, f, CS_ALIGN_RIGHT, p->dim, "100%");
        cs_ui_label(ui, CS_GL_OVER, ybot, f, CS_ALIGN_RIGHT, p->dim, "0%");
    } else {
        cs_ui_value(ui, CS_GL_OVER, ytop, &ax, p->dim, ymax, 3);
        cs_ui_value(ui, CS_GL_OVER, ybot, &ax, p->dim, 0.0f, 3);
    }
    ax.halign = CS_ALIGN_LEFT;
    const float zero_w = cs_text_width(v->text, CS_FACE_SANS, ui->st->px[f], "0") + gap;
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){r.x, r.y + r.h + 1, zero_w, lh}, &ax, p->dim, 0.0f, 3);
    /* the last step, with the word "step" where it fits */
    const float right_x = r.x + zero_w + gap, right_w = r.w - zero_w - gap;
    char cnt[32];
    cs_theme_format_count(cnt, sizeof cnt, s->step); /* the counter's step (the axis spans at least 1) */
    snprintf(buf, sizeof buf, _("step %s"), cnt);
    if (cs_text_width(v->text, CS_FACE_SANS, ui->st->px[f], buf) <= right_w) {
        cs_ui_label(ui, CS_GL_OVER, (cs_rect){right_x, r.y + r.h + 1, right_w, lh}, f, CS_ALIGN_RIGHT, p->dim, buf);
    } else {
        ax.halign = CS_ALIGN_RIGHT;
        cs_ui_value(ui, CS_GL_OVER, (cs_rect){right_x, r.y + r.h + 1, right_w, lh}, &ax, p->dim, (float)xmax, 3);
    }
}

/* The legend: a swatch and a name per series, at the largest size (the long names first, then the
 * short ones) that fits the box. */
static void curves_legend(cs_view_train *v, cs_ui *ui, cs_rect box)
{
    const cs_palette *p = &ui->st->c;
    const float sw = cs_style_u(ui->st, 18), sg = cs_style_u(ui->st, 4), gap = cs_style_u(ui->st, 12);
    const char *a = _("train (batches)"), *b = C_("curve", "test");
    int px = ui->st->px[CS_FONT_SMALL];
    float wa = 0, wb = 0;
    for (int shortened = 0; shortened < 2; shortened++) {
        a = shortened ? C_("curve", "train") : _("train (batches)");
        for (px = ui->st->px[CS_FONT_SMALL]; px >= ui->st->min_px; px--) {
            wa = cs_text_width(v->text, CS_FACE_SANS, px, a), wb = cs_text_width(v->text, CS_FACE_SANS, px, b);
            if (wa + wb + 2 * (sw + sg) + gap <= box.w) break;
        }
        if (px >= ui->st->min_px) break;
    }
    if (px < ui->st->min_px) px = ui->st->min_px;
    float x = fmaxf(box.x, box.x + box.w - (wa + wb + 2 * (sw + sg) + gap));
    const float th = fmaxf(2, cs_style_u(ui->st, 3)), my = box.y + 0.5f * box.h;
    const cs_fit_policy pol = {CS_FACE_SANS, px, px, 0, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){x, my - th * 0.5f, sw, th}, p->train);
    x += sw + sg;
    cs_ui_text(ui, CS_GL_OVER, (cs_rect){x, box.y, wa, box.h}, &pol, p->text, a);
    x += wa + gap;
    cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){x, my - th * 0.5f, sw, th}, p->test);
    x += sw + sg;
    cs_ui_text(ui, CS_GL_OVER, (cs_rect){x, box.y, wb, box.h}, &pol, p->text, b);
}

/* The size of every layer's weight gradient over the run, ||dL/dw|| on a log scale, one line per
 * layer labelled at its end: gradients that vanish fall away, exploding ones climb. */
static void grad_plot(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, cs_rect r, float axis_w)
{
    const cs_palette *p = &ui->st->c;
    const cs_gradcurve *g = &s->grad_norms;
    const float small = cs_style_line(ui->st, CS_FONT_SMALL);
    cs_ui_label(ui, CS_GL_OVER, (cs_rect){r.x, r.y - small, r.w, small}, CS_FONT_SMALL, CS_ALIGN_LEFT, p->text,
                "\u2016\u2202L/\u2202w\u2016 per layer (log scale)");
    float lo = INFINITY, hi = 0;
    for (int i = 0; i < g->n; i++)
        for (int l = 0; l < g->n_layers; l++)
            if (g->norm[i][l] > 0 && isfinite(g->norm[i][l])) lo = fminf(lo, g->norm[i][l]), hi = fmaxf(hi, g->norm[i][l]);
    const cs_rect pr = {r.x + axis_w, r.y, r.w - axis_w, r.h};
    cs_gl_frame(v->gl, CS_GL_UNDER, pr, 1, p->grid);
    if (g->n < 1 || !(hi > 0)) {
        cs_ui_label(ui, CS_GL_OVER, (cs_rect){pr.x + 4, pr.y + 4, pr.w - 8, small}, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim,
                    "no gradient yet: train a step");
        return;
    }
    /* whole decades around the values */
    const double d0 = floor(log10(lo)), d1 = fmax(d0 + 1, ceil(log10(hi)));
    const cs_fit_policy ap = cs_ui_policy(ui, CS_FONT_SMALL, CS_FIT_SHRINK, CS_ALIGN_RIGHT, CS_VALIGN_TOP);
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){r.x, pr.y, axis_w - 4, small}, &ap, p->dim, (float)pow(10, d1), 2);
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){r.x, pr.y + pr.h - small, axis_w - 4, small}, &ap, p->dim, (float)pow(10, d0), 2);
    const long x1 = g->step[g->n - 1] > 0 ? g->step[g->n - 1] : 1;
    static const cs_rgba colours[] = {{0.35f, 0.7f, 1, 1}, {1, 0.6f, 0.2f, 1}, {0.5f, 0.9f, 0.4f, 1}, {0.95f, 0.4f, 0.7f, 1},
                                      {0.9f, 0.9f, 0.3f, 1}, {0.7f, 0.6f, 1, 1}};
    const int nc = (int)(sizeof colours / sizeof colours[0]);
    float used[CS_GRADCURVE_LAYERS];
    int n_used = 0;
    for (int l = 0; l < g->n_layers; l++) {
        float px = 0, py = 0;
        int have = 0;
        for (int i = 0; i < g->n; i++) {
            const float n = g->norm[i][l];
            if (!(n > 0) || !isfinite(n)) continue;
            const float x = pr.x + pr.w * (float)g->step[i] / (float)x1;
            const float y = pr.y + pr.h * (float)((d1 - log10(n)) / (d1 - d0));
            if (have) cs_gl_line(v->gl, CS_GL_OVER, px, py, x, y, fmaxf(1.5f, ui->st->rule), colours[l % nc]);
            px = x, py = y, have = 1;
        }
        if (have) {
            const int ly = g->layer[l];
            const float lw = fminf(pr.w * 0.3f, cs_text_width(v->text, CS_FACE_SANS, ui->st->px[CS_FONT_SMALL], "conv10") + 8);
            cs_rect lab = {fminf(px + 4, pr.x + pr.w - lw), fminf(fmaxf(py - small * 0.5f, pr.y), pr.y + pr.h - small), lw, small};
            /* labels of lines that end close together are stacked instead of drawn over each other */
            for (int tries = 0; tries <= n_used; tries++) {
                int clash = 0;
                for (int u = 0; u < n_used; u++)
                    if (fabsf(used[u] - lab.y) < small) clash = 1;
                if (!clash) break;
                lab.y += small;
            }
            if (lab.y + small > pr.y + pr.h) continue; /* no room left for its name */
            used[n_used++] = lab.y;
            cs_ui_label(ui, CS_GL_OVER, lab, CS_FONT_SMALL, CS_ALIGN_LEFT, colours[l % nc],
                        ly >= 0 && ly < s->n_layers ? s->layers[ly].name : "?");
        }
    }
}

static void draw_curves(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    cs_theme_panel(ui, L->curves, L->curves_title, _("Learning curves"));
    curves_legend(v, ui, L->curves_legend);
    plot(v, ui, s, L->loss_plot, L->axis_w, 0, CS_FONT_SMALL);
    if (vu->show_grads) grad_plot(v, ui, s, L->acc_plot, L->axis_w);
    else plot(v, ui, s, L->acc_plot, L->axis_w, 1, CS_FONT_SMALL);
    for (int i = 0; i < 2; i++) {
        const cs_rect r = i ? L->acc_plot : L->loss_plot;
        const cs_target tg = {CS_TARGET_CURVE, 0, i, -1};
        char name[32];
        cs_ui_target(ui, cs_target_format(&tg, s->layers, name, sizeof name), r);
        if (hot(vu, r)) {
            v->hover_target = r;
            if (!v->hover[0])
                snprintf(v->hover, sizeof v->hover, "%s", i ? _("the accuracy curve: click to enlarge it")
                                                            : _("the loss curve: click to enlarge it"));
        }
    }
}

/* ---- the enlarged view ------------------------------------------------------------------------ */

/* rows x cols values coloured through cmap over r in grid g (cell pixels each), a number in every
 * cell when numbers_px > 0 (one size for the whole grid: the largest at which every value fits
 * with three digits, else the minimum with fewer digits); returns the cell under the pointer. */
static int value_grid(cs_ui *ui, const cs_view_ui *vu, cs_rect g, int rows, int cols, const float *vals, cs_value_range r,
                      cs_colormap_id cmap, float cell, int numbers_px)
{
    int px = 0;
    if (numbers_px > 0) {
        char num[40];
        for (px = numbers_px; px > ui->st->min_px; px--) {
            int all = cs_text_box_h(px) + 2 <= cell;
            for (int i = 0; i < rows * cols && all; i++) {
                cs_fmt_sig(num, sizeof num, vals[i], 3);
                all = cs_text_width(ui->text, CS_FACE_SANS, px, num) + 4 <= cell;
            }
            if (all) break;
        }
    }
    const cs_fit_policy p = {CS_FACE_SANS, px, px, 0, CS_ALIGN_CENTER, CS_VALIGN_MIDDLE, 0};
    int hit = -1;
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++) {
            const cs_rect c = {g.x + (float)x * cell, g.y + (float)y * cell, cell, cell};
            uint8_t rgb[3];
            cs_colormap_rgb(cmap, r, vals[y * cols + x], rgb);
            const cs_rgba bg = {rgb[0] / 255.0f, rgb[1] / 255.0f, rgb[2] / 255.0f, 1};
            cs_gl_rect(ui->gl, CS_GL_UNDER, c, bg);
            if (px > 0) cs_ui_cell_value(ui, CS_GL_OVER, c, &p, bg, vals[y * cols + x], 3);
            if (hot(vu, c)) hit = y * cols + x;
        }
    if (cell >= 8) {
        /* thin lines so equal neighbours stay countable */
        for (int i = 1; i < cols; i++)
            cs_gl_line(ui->gl, CS_GL_OVER, g.x + (float)i * cell, g.y, g.x + (float)i * cell, g.y + g.h, 1, (cs_rgba){0, 0, 0, 0.25f});
        for (int i = 1; i < rows; i++)
            cs_gl_line(ui->gl, CS_GL_OVER, g.x, g.y + (float)i * cell, g.x + g.w, g.y + (float)i * cell, 1, (cs_rgba){0, 0, 0, 0.25f});
    }
    return hit;
}

/* A whole layer enlarged: every map (for the probe) or every filter as tiles, one colour bar,
 * and for kernels what the filters look like in numbers (cs_kmetrics): smoothness, oriented
 * edges, colour blobs. Writes the title and caption. */
static void draw_layer(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu,
                       char *title, char *caption, size_t size)
{
    const cs_target *t = &L->enlarged;
    const int l = t->layer, maps = t->kind == CS_TARGET_LAYER_MAPS;
    const cs_snap_layer *ly = &s->layers[l];
    const char *step = vu->step_note ? vu->step_note : "";
    const cs_grid *g = &L->enl_tiles;
    int n, mh, mw;
    cs_viz_layer_maps(ly, &n, &mh, &mw);
    if (maps) {
        snprintf(title, size,
                 P_("%s \u00B7 %d activation map of %d\u00D7%d \u00B7 test image #%d \u00B7 %s",
                    "%s \u00B7 %d activation maps of %d\u00D7%d \u00B7 test image #%d \u00B7 %s", (unsigned long)n),
                 ly->name, n, mh, mw, s->probe_index, step);
        for (int i = 0; i < g->n && v->act_tex[l]; i++) {
            const cs_rect r = cs_grid_tile(g, i);
            cs_gl_heat(v->gl, v->act_tex[l], v->act_tw[l], v->act_th[l], r, 0, i * mh, mw, mh, act_range(v, vu, l, i),
                       CS_CMAP_VIRIDIS, 0);
            if (hot(vu, r)) snprintf(v->hover, sizeof v->hover, _("%s map %d"), ly->name, i), v->hover_target = r;
        }
        const cs_value_range r = vu->maps_norm == CS_NORM_FIXED ? (cs_value_range){0, CS_FIXED_ACT_HI} : v->act_layer[l];
        cs_theme_vbar(ui, v->ramp_v, L->enl_cbar, L->enl_cbar_labels, CS_CMAP_VIRIDIS, r);
        snprintf(caption, size, _("%s, %s \u00B7 Esc or a click: back"), cs_label_colormap(CS_CMAP_VIRIDIS),
                 cs_norm_name(vu->maps_norm));
        return;
    }
    const int K = ly->k, C = ly->in_c, OC = ly->out_c;
    if (L->enl_tile_rgb)
        snprintf(title, size,
                 P_("%s \u00B7 %d filter %d\u00D7%d\u00D7%d (input channels as R, G, B) \u00B7 %s",
                    "%s \u00B7 %d filters %d\u00D7%d\u00D7%d (input channels as R, G, B) \u00B7 %s", (unsigned long)OC),
                 ly->name, OC, K, K, C, step);
    else
        snprintf(title, size, P_("%s \u00B7 %d filter %d\u00D7%d%s \u00B7 %s", "%s \u00B7 %d filters %d\u00D7%d%s \u00B7 %s",
                                 (unsigned long)OC),
                 ly->name, OC, K, K, C > 1 ? _(" (a row per filter, a column per input channel)") : "", step);
    for (int i = 0; i < g->n && v->w_tex[l]; i++) {
        const int o = L->enl_tile_rgb || C == 1 ? i : i / C, ch = L->enl_tile_rgb || C == 1 ? 0 : i % C;
        const cs_rect r = cs_grid_tile(g, i);
        cs_gl_heat(v->gl, v->w_tex[l], v->w_tw[l], v->w_th[l], r, 0, (o * C + ch) * K, K, K, w_range(v, vu, l, o),
                   vu->diverging, L->enl_tile_rgb ? K : 0);
        if (hot(vu, r)) snprintf(v->hover, sizeof v->hover, _("%s filter %d"), ly->name, o), v->hover_target = r;
    }
    const cs_value_range r = vu->kernels_norm == CS_NORM_FIXED ? (cs_value_range){-CS_FIXED_W, CS_FIXED_W} : v->w_layer[l];
    cs_theme_vbar(ui, v->ramp_v, L->enl_cbar, L->enl_cbar_labels, vu->diverging, r);
    if (K < 2) {
        snprintf(caption, size, "%s", _("Esc or a click: back"));
        return;
    }
    cs_kmetrics_layer km;
    cs_kmetrics_of_layer(&km, NULL, s->weights + s->w_off[l], OC, C, K);
    char sm[32];
    cs_fmt_sig(sm, sizeof sm, isfinite(km.smoothness) ? km.smoothness : 0.0f, 2);
    char edges[64], blobs[64];
    snprintf(edges, sizeof edges, P_("%d oriented edge", "%d oriented edges", (unsigned long)km.edges), km.edges);
    snprintf(blobs, sizeof blobs, P_("%d colour blob", "%d colour blobs", (unsigned long)km.blobs), km.blobs);
    snprintf(caption, size, _("smoothness %s (random filters: about 0) \u00B7 %s \u00B7 %s \u00B7 Esc or a click: back"), sm,
             edges, blobs);
}

static void draw_enlarged(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    const cs_palette *p = &ui->st->c;
    const cs_target *t = &L->enlarged;
    const char *step = vu->step_note ? vu->step_note : "";
    char title[300], caption[300], num[40];
    cs_theme_panel(ui, L->main, (cs_rect){0, 0, 0, 0}, NULL);
    snprintf(caption, sizeof caption, "%s", _("Esc or a click: back to the whole view"));
    if (t->kind == CS_TARGET_OUTPUT) {
        snprintf(title, sizeof title, _("Output against the one-hot truth \u00B7 test image #%d \u00B7 %s"), s->probe_index, step);
        draw_output(v, ui, s, L, vu);
    } else if (t->kind == CS_TARGET_CURVE) {
        snprintf(title, sizeof title, _("Learning curve: %s \u00B7 %s"), cs_label_curve(t->index), step);
        plot(v, ui, s, t->index ? L->acc_plot : L->loss_plot, L->axis_w, t->index, CS_FONT_NORMAL);
        curves_legend(v, ui, L->curves_legend);
    } else if (t->kind == CS_TARGET_MAP || t->kind == CS_TARGET_KERNEL) {
        const cs_snap_layer *ly = &s->layers[t->layer];
        const int map = t->kind == CS_TARGET_MAP;
        int n, mh, mw;
        cs_viz_layer_maps(ly, &n, &mh, &mw);
        const int K = ly->k, C = ly->in_c;
        if (map)
            snprintf(title, sizeof title, _("%s \u00B7 activation map %d of %d \u00B7 %d\u00D7%d \u00B7 test image #%d \u00B7 %s"),
                     ly->name, t->index, n, mh, mw, s->probe_index, step);
        else if (t->channel < 0)
            snprintf(title, sizeof title, _("%s \u00B7 filter %d of %d \u00B7 %d\u00D7%d\u00D73 (R, G, B) \u00B7 %s"), ly->name,
                     t->index, ly->out_c, K, K, step);
        else
            snprintf(title, sizeof title, _("%s \u00B7 filter %d of %d, input channel %d of %d \u00B7 %d\u00D7%d \u00B7 %s"),
                     ly->name, t->index, ly->out_c, t->channel, C, K, K, step);
        const cs_value_range r = map ? act_range(v, vu, t->layer, t->index) : w_range(v, vu, t->layer, t->index);
        const cs_colormap_id cm = map ? CS_CMAP_VIRIDIS : vu->diverging;
        for (int pl = 0; pl < L->enl_planes; pl++) {
            const float *vals = map ? s->acts + s->act_off[t->layer] + (size_t)t->index * mh * mw
                                    : s->weights + s->w_off[t->layer] +
                                          ((size_t)t->index * C + (t->channel < 0 ? pl : t->channel)) * K * K;
            const int rows = map ? mh : K, cols = map ? mw : K;
            if (L->enl_planes > 1)
                cs_ui_label(ui, CS_GL_OVER, L->enl_plane_label[pl], CS_FONT_NORMAL, CS_ALIGN_LEFT, p->dim,
                            pl == 0 ? _("red (input channel 0)") : pl == 1 ? _("green (1)") : _("blue (2)"));
            const int hit = value_grid(ui, vu, L->enl_grid[pl], rows, cols, vals, r, cm, L->enl_cell, L->enl_numbers_px);
            if (hit >= 0) {
                fmt_num(num, sizeof num, vals[hit]);
                snprintf(v->hover, sizeof v->hover, _("row %d, column %d = %s"), hit / cols, hit % cols, num);
            }
        }
        cs_theme_vbar(ui, v->ramp_v, L->enl_cbar, L->enl_cbar_labels, cm, r);
        if (L->enl_numbers_px == 0)
            snprintf(caption, sizeof caption, "%s", _("cells too small for numbers here: hover a cell for its value \u00B7 "
                                                    "Esc or a click: back"));
        else
            snprintf(caption, sizeof caption, _("colours: %s over the %s range shown on the bar \u00B7 Esc or a click: back"),
                     cs_label_colormap(cm), map ? cs_norm_name(vu->maps_norm) : cs_norm_name(vu->kernels_norm));
    } else if (t->kind == CS_TARGET_LAYER_MAPS || t->kind == CS_TARGET_LAYER_KERNELS) {
        draw_layer(v, ui, s, L, vu, title, caption, sizeof title);
    } else {
        return;
    }
    cs_ui_label(ui, CS_GL_OVER, L->enl_title, CS_FONT_BIG, CS_ALIGN_LEFT, p->text, title);
    cs_ui_label(ui, CS_GL_OVER, L->enl_caption, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->dim, caption);
}

/* ---- the whole view ----------------------------------------------------------------------- */

static void draw_status(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    const cs_palette *p = &ui->st->c;
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){0, L->status.y, L->status.w, 2}, p->gutter);
    const float pad = U(L, 8), ty = L->status.y + U(L, 3);
    const cs_rect box = {L->status.x + pad, ty, L->status.w - 2 * pad, cs_style_line(ui->st, CS_FONT_NORMAL)};
    char hint[300];
    if (L->enlarged.kind != CS_TARGET_NONE) snprintf(hint, sizeof hint, "%s", _("Esc or a click: back to the whole view.  h: help"));
    else if (L->hidden & ~CS_HIDE_BUTTONS)
        snprintf(hint, sizeof hint, _("Left out to fit this size: %s.  Click a map, kernel or plot to enlarge it.  h: help"),
                 cs_layout_hidden_text(L->hidden & ~CS_HIDE_BUTTONS));
    else
        snprintf(hint, sizeof hint, "%s", _("Hover a map cell for its value and receptive field, a kernel for its numbers; "
                                            "click one to enlarge it.  h: help"));
    const int msg = vu->message && *vu->message;
    if (s->diverged) {
        char said[512];
        cs_ui_label(ui, CS_GL_OVER, box, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->bad, cs_label_run_text(s->message, said, sizeof said));
    } else if (v->hover[0] && msg) {
        /* both: the hover on the left, the message on the right third */
        const float w3 = floorf(box.w / 3);
        cs_ui_label(ui, CS_GL_OVER, (cs_rect){box.x, box.y, box.w - w3 - pad, box.h}, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text,
                    v->hover);
        cs_ui_label(ui, CS_GL_OVER, (cs_rect){box.x + box.w - w3, box.y, w3, box.h}, CS_FONT_NORMAL, CS_ALIGN_RIGHT,
                    p->hilite, vu->message);
    } else if (v->hover[0]) {
        cs_ui_label(ui, CS_GL_OVER, box, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, v->hover);
    } else if (msg) {
        cs_ui_label(ui, CS_GL_OVER, box, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->hilite, vu->message);
    } else {
        cs_ui_label(ui, CS_GL_OVER, box, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->dim, hint);
    }
}

/* A banner nobody can miss; training is paused and nothing is drawn from the NaN data. */
static void draw_diverged(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L)
{
    const cs_palette *p = &ui->st->c;
    const cs_rect area = L->strip.w > 0 ? L->strip : L->main;
    const float pad = U(L, 14), big = cs_style_line(ui->st, CS_FONT_BIG), norm = cs_style_line(ui->st, CS_FONT_NORMAL);
    const float w = fminf(area.w - U(L, 20), (float)L->win_w - 8);
    const float h = 2 * pad + big + 2 * norm + 2 * norm;
    const cs_rect b = {area.x + 0.5f * (area.w - w), area.y + area.h * 0.3f, w, h};
    cs_gl_rect(v->gl, CS_GL_TOP, b, (cs_rgba){0.40f, 0.05f, 0.05f, 0.97f});
    cs_gl_frame(v->gl, CS_GL_TOP, b, fmaxf(2, ui->st->rule), p->bad);
    float y = b.y + pad;
    cs_ui_label(ui, CS_GL_TOP, (cs_rect){b.x + pad, y, b.w - 2 * pad, big}, CS_FONT_BIG, CS_ALIGN_LEFT, (cs_rgba){1, 1, 1, 1},
                _("Training diverged and is paused"));
    y += big;
    char said[512];
    cs_ui_para(ui, CS_GL_TOP, (cs_rect){b.x + pad, y, b.w - 2 * pad, 2 * norm}, CS_FONT_NORMAL, (cs_rgba){1, 1, 1, 1},
               cs_label_run_text(s->message, said, sizeof said));
    y += 2 * norm;
    char lower[32], offer[200];
    fmt_num(lower, sizeof lower, 0.1f * s->lr);
    snprintf(offer, sizeof offer, _("Press r (or Restart) for new random weights at a tenth of the rate: %s"), lower);
    cs_ui_para(ui, CS_GL_TOP, (cs_rect){b.x + pad, y, b.w - 2 * pad, 2 * norm}, CS_FONT_NORMAL, (cs_rgba){1, 0.95f, 0.5f, 1},
               offer);
}

void cs_view_train_draw(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu)
{
    v->hover[0] = '\0';
    v->hover_target = (cs_rect){0, 0, 0, 0};
    draw_top(v, ui, s, L, vu);
    if (L->enlarged.kind != CS_TARGET_NONE) {
        if (v->have_data) draw_enlarged(v, ui, s, L, vu);
    } else {
        if (v->have_data) {
            draw_probe(v, ui, s, L, vu);
            draw_output(v, ui, s, L, vu);
            cs_ui_target(ui, "output", L->output);
            if (!v->hover_target.w && hot(vu, L->output)) v->hover_target = L->output;
            draw_strip(v, ui, s, L, vu);
            if (L->kernels.w > 0) draw_kernels(v, ui, s, L, vu);
        }
        if (L->curves.w > 0) draw_curves(v, ui, s, L, vu);
    }
    draw_status(v, ui, s, L, vu);
    if (s->diverged) draw_diverged(v, ui, s, L);
    if (vu->show_help) cs_theme_draw_help(ui, L->help, _("Keys and mouse"), vu->help, vu->help_lines);
    else if (L->present && vu->mouse_in) cs_theme_pointer(ui, v->hover_target, vu->mouse_x, vu->mouse_y);
}
