/* cs_view_step.c - the step view (see cs_view_step.h). The input and the output map are float
 * textures coloured on the GPU like the train view's maps; the three small grids are flat cells
 * coloured on the CPU from the same colormap table, so a cell's number can pick a legible ink.
 * Every string goes through the text box call (cs_ui.h). */
#include "cs_view_step.h"
#include "cs_i18n.h"
#include "cs_labels.h"
#include "cs_theme.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* padding: a muted violet no colormap produces, so it never reads as a value */
static const cs_rgba PADC = {0.30f, 0.24f, 0.38f, 1};
static const cs_rgba NOT_YET = {0.115f, 0.120f, 0.138f, 1};
static const cs_rgba EMPTY = {0.200f, 0.210f, 0.240f, 1};

struct cs_view_step {
    cs_gl *gl;     /* borrowed */
    cs_text *text; /* borrowed */
    unsigned in_tex, out_tex, grey_tex, ramp_h, ramp_v;
    int in_tw, in_th, out_tw, out_th;
    char hover[512];
    cs_rect hover_target;
};

cs_status cs_view_step_create(cs_view_step **out, cs_gl *gl, cs_text *text)
{
    *out = NULL;
    cs_view_step *v = calloc(1, sizeof *v);
    if (!v) return cs_fail(CS_ERR_NOMEM, "out of memory");
    v->gl = gl, v->text = text;
    cs_theme_create_ramps(&v->ramp_h, &v->ramp_v);
    *out = v;
    return CS_OK;
}

void cs_view_step_destroy(cs_view_step *v)
{
    if (!v) return;
    cs_gl_texture_destroy(v->in_tex);
    cs_gl_texture_destroy(v->out_tex);
    cs_gl_texture_destroy(v->grey_tex);
    cs_gl_texture_destroy(v->ramp_h);
    cs_gl_texture_destroy(v->ramp_v);
    free(v);
}

void cs_view_step_set_image(cs_view_step *v, const cs_stepper *st)
{
    const int tw = st->W, th = st->C * st->H;
    if (!v->in_tex || tw != v->in_tw || th != v->in_th) {
        cs_gl_texture_destroy(v->in_tex);
        v->in_tex = cs_gl_texture_create(tw, th);
        v->in_tw = tw, v->in_th = th;
    }
    cs_gl_texture_update(v->in_tex, tw, th, st->image);
}

/* ---- helpers ----------------------------------------------------------------------------- */

static cs_rgba cmap_rgba(cs_colormap_id id, cs_value_range r, float x)
{
    uint8_t c[3];
    cs_colormap_rgb(id, r, x, c);
    return (cs_rgba){c[0] / 255.0f, c[1] / 255.0f, c[2] / 255.0f, 1};
}

static int hot(const cs_step_ui *su, cs_rect r)
{
    return su->mouse_in && !su->show_help && cs_rect_contains(r, su->mouse_x, su->mouse_y);
}

/* A horizontal colour bar with its two ends written under it. */
static void legend(cs_view_step *v, cs_ui *ui, cs_rect bar, cs_rect text, cs_colormap_id id, cs_value_range range)
{
    cs_gl_heat(v->gl, v->ramp_h, 256, 1, bar, 0, 0, 256, 1, (cs_value_range){0, 1}, id, 0);
    cs_fit_policy p = cs_ui_policy(ui, CS_FONT_SMALL, CS_FIT_SHRINK, CS_ALIGN_LEFT, CS_VALIGN_TOP);
    const float half = floorf(bar.w * 0.5f);
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){text.x, text.y, half - 2, text.h}, &p, ui->st->c.dim, range.lo, 3);
    p.halign = CS_ALIGN_RIGHT;
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){text.x + half + 2, text.y, bar.w - half - 2, text.h}, &p, ui->st->c.dim, range.hi, 3);
}

static cs_value_range symmetric(const float *x, size_t n)
{
    float m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) m = fmaxf(m, fabsf(x[i]));
    return m > 0 ? (cs_value_range){-m, m} : (cs_value_range){-1, 1}; /* all zero: white, and a plain legend */
}

/* The largest size (cell_px down to the minimum) at which each of the n values fits a cell with
 * three significant digits; the minimum if there is none (the cells then write fewer digits). */
static int grid_px(cs_ui *ui, const cs_step_layout *L, const float *vals, int n)
{
    char num[40];
    for (int px = L->cell_px; px > ui->st->min_px; px--) {
        int all = cs_text_box_h(px) + 2 <= L->cell_h;
        for (int i = 0; i < n && all; i++) {
            cs_fmt_sig(num, sizeof num, vals[i], 3);
            all = cs_text_width(ui->text, CS_FACE_SANS, px, num) + 4 <= L->cell_w;
        }
        if (all) return px;
    }
    return ui->st->min_px;
}

/* ---- panels ------------------------------------------------------------------------------ */

static void draw_top(cs_view_step *v, cs_ui *ui, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *su)
{
    const cs_palette *p = &ui->st->c;
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){0, L->top.y + L->top.h - 2, L->top.w, 2}, p->gutter);
    char buf[512], bias[40];
    snprintf(buf, sizeof buf, _("Step through one convolution:  %s  %d\u00D7%d%s  *  %s  %d\u00D7%d%s"), su->image_name, st->W,
             st->H, st->C == 3 ? "\u00D73" : "", su->kernel_name, st->K, st->K,
             st->C > 1 ? (st->C == 3 ? "\u00D73" : "\u00D7C") : "");
    cs_ui_label(ui, CS_GL_OVER, L->title, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, buf);
    cs_fmt_sig(bias, sizeof bias, st->bias, 3);
    cs_step_label_geometry(buf, sizeof buf, st->S, st->P, bias, st->act == CS_STEPPER_ACT_RELU, st->OW, st->OH);
    const int same_line = L->geometry.y == L->title.y;
    cs_ui_label(ui, CS_GL_OVER, L->geometry, CS_FONT_NORMAL, same_line ? CS_ALIGN_RIGHT : CS_ALIGN_LEFT, p->hilite, buf);
    const int total = st->OH * st->OW;
    cs_step_label_info(buf, sizeof buf, st->ox, st->oy, st->ix0, st->ix0 + st->K - 1, st->iy0, st->iy0 + st->K - 1,
                       st->n_visited, total);
    cs_ui_label(ui, CS_GL_OVER, L->info, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->dim, buf);
    cs_step_label_speed(buf, sizeof buf, su->playing, su->speed);
    cs_ui_label(ui, CS_GL_OVER, L->speed, CS_FONT_NORMAL, L->speed.y == L->info.y ? CS_ALIGN_RIGHT : CS_ALIGN_LEFT,
                su->playing ? p->hilite : p->text, buf);
}

static void draw_input(cs_view_step *v, cs_ui *ui, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *su)
{
    const cs_palette *p = &ui->st->c;
    const float s = L->scale;
    char buf[256], hi[40], shown[40] = "";
    cs_fmt_sig(hi, sizeof hi, su->img_max, 3);
    const float dmax = su->display_max > 0 ? su->display_max : su->img_max;
    if (dmax < su->img_max) {
        /* a faint drawing stretched to full contrast: say so, with its numbers */
        cs_fmt_sig(shown, sizeof shown, dmax, 3);
        snprintf(buf, sizeof buf, _("Input (%s, values 0\u2013%s; drawn 0\u2013%s as black\u2013white)"),
                 st->C == 3 ? "RGB" : C_("image", "gray"), hi, shown);
    } else {
        snprintf(buf, sizeof buf, _("Input (%s, values 0\u2013%s)"), st->C == 3 ? "RGB" : C_("image", "gray"), hi);
    }
    char shorter[96];
    if (dmax < su->img_max) snprintf(shorter, sizeof shorter, _("Input, drawn 0\u2013%s"), shown);
    else snprintf(shorter, sizeof shorter, _("Input (0\u2013%s)"), hi);
    cs_theme_panel(ui, L->input_panel, (cs_rect){0, 0, 0, 0}, NULL);
    const char *const titles[] = {buf, shorter};
    cs_ui_label_alt(ui, CS_GL_OVER, L->input_title, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, titles, 2);
    const cs_rect a = L->input_area;
    if (st->P > 0) {
        /* the padding ring: its own colour, with the cell grid drawn on it */
        cs_gl_rect(v->gl, CS_GL_UNDER, a, PADC);
        if (L->in_cell >= 4)
            for (int i = 1; i < L->W + 2 * L->P; i++) {
                const float x = a.x + (float)i * L->in_cell, y = a.y + (float)i * L->in_cell;
                cs_gl_line(v->gl, CS_GL_OVER, x, a.y, x, a.y + a.h, 1, (cs_rgba){0, 0, 0, 0.18f});
                if (i < L->H + 2 * L->P) cs_gl_line(v->gl, CS_GL_OVER, a.x, y, a.x + a.w, y, 1, (cs_rgba){0, 0, 0, 0.18f});
            }
    }
    const cs_rect img = {a.x + (float)L->P * L->in_cell, a.y + (float)L->P * L->in_cell, (float)st->W * L->in_cell,
                         (float)st->H * L->in_cell};
    cs_gl_heat(v->gl, v->in_tex, v->in_tw, v->in_th, img, 0, 0, st->W, st->H, (cs_value_range){0, dmax}, CS_CMAP_GRAY,
               st->C == 3 ? st->H : 0);
    /* the window, and the pixel of the newest term while the sum grows */
    const cs_rect wr = cs_step_window_rect(L, st->oy, st->ox);
    const float t = fmaxf(2, fmaxf(roundf(2 * s), ui->st->rule));
    cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(wr, -t), t, p->hilite);
    if (st->term > 0 && st->term < st->n_terms) {
        int c, ky, kx;
        cs_stepper_term_cell(st, st->term - 1, &c, &ky, &kx);
        const cs_rect cell = cs_step_input_cell(L, st->iy0 + ky, st->ix0 + kx);
        cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(cell, -1), fmaxf(1, roundf(s)), p->button_on);
    }
    if (su->downscale > 1)
        snprintf(buf, sizeof buf, _("%d\u00D7%d, shrunk \u00F7%d from %d\u00D7%d for the view%s"), st->W, st->H, su->downscale,
                 su->src_w, su->src_h, st->P ? _("; violet: zero padding") : "");
    else
        snprintf(buf, sizeof buf, _("%d\u00D7%d pixels;  %s"), st->W, st->H,
                 st->P ? _("violet: zero padding") : _("click to move the window there"));
    snprintf(shorter, sizeof shorter, _("%d\u00D7%d pixels"), st->W, st->H);
    const char *const captions[] = {buf, shorter};
    cs_ui_label_alt(ui, CS_GL_OVER, L->input_caption, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, captions, 2);
    int iy, ix;
    if (hot(su, L->input_area) && cs_step_hit_input(L, su->mouse_x, su->mouse_y, &iy, &ix)) {
        v->hover_target = cs_step_input_cell(L, iy, ix);
        if (iy < 0 || ix < 0 || iy >= st->H || ix >= st->W) {
            snprintf(v->hover, sizeof v->hover, _("padding at row %d, column %d: 0"), iy, ix);
        } else {
            const size_t plane = (size_t)st->H * st->W, i = (size_t)iy * st->W + ix;
            char r[40], g[40], b[40];
            cs_fmt_sig(r, sizeof r, st->image[i], 3);
            if (st->C == 3) {
                cs_fmt_sig(g, sizeof g, st->image[plane + i], 3);
                cs_fmt_sig(b, sizeof b, st->image[2 * plane + i], 3);
                snprintf(v->hover, sizeof v->hover, _("input row %d, column %d = R %s G %s B %s   (click: window here)"), iy,
                         ix, r, g, b);
            } else {
                snprintf(v->hover, sizeof v->hover, _("input row %d, column %d = %s   (click: window here)"), iy, ix, r);
            }
        }
    }
}

static void draw_output(cs_view_step *v, cs_ui *ui, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *su)
{
    const cs_palette *p = &ui->st->c;
    char buf[256];
    char shorter[64];
    snprintf(buf, sizeof buf, _("Output map %d\u00D7%d, filled in as the window moves"), st->OW, st->OH);
    snprintf(shorter, sizeof shorter, _("Output map %d\u00D7%d"), st->OW, st->OH);
    cs_theme_panel(ui, L->output_panel, (cs_rect){0, 0, 0, 0}, NULL);
    const char *const titles[] = {buf, shorter};
    cs_ui_label_alt(ui, CS_GL_OVER, L->output_title, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, titles, 2);
    if (!v->out_tex || v->out_tw != st->OW || v->out_th != st->OH) {
        cs_gl_texture_destroy(v->out_tex);
        cs_gl_texture_destroy(v->grey_tex);
        v->out_tex = cs_gl_texture_create(st->OW, st->OH);
        v->grey_tex = cs_gl_texture_create(st->OW, st->OH);
        v->out_tw = st->OW, v->out_th = st->OH;
    }
    cs_gl_texture_update(v->out_tex, st->OW, st->OH, st->output);
    if (su->grey && L->output_grey.w > 0) {
        /* the blur seen: the output at the input's scale, in gray, beside the heat map */
        cs_gl_texture_update(v->grey_tex, st->OW, st->OH, su->grey);
        cs_gl_heat(v->gl, v->grey_tex, v->out_tw, v->out_th, L->output_grey, 0, 0, st->OW, st->OH,
                   (cs_value_range){0, 1}, CS_CMAP_GRAY, 0);
        cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(L->output_grey, -1), 1, p->dim);
    }
    const cs_rect a = L->output_area;
    cs_gl_heat(v->gl, v->out_tex, v->out_tw, v->out_th, a, 0, 0, st->OW, st->OH, su->out_range, su->out_cmap, 0);
    /* what is not computed yet is covered: the rest of the current row, then the rows below */
    const int done_in_row = st->n_visited - st->oy * st->OW; /* cells of row oy computed */
    if (done_in_row < st->OW) {
        cs_rect r = cs_step_output_cell(L, st->oy, done_in_row);
        r.w = (float)(st->OW - done_in_row) * L->out_cell;
        cs_gl_rect(v->gl, CS_GL_OVER, r, NOT_YET);
    }
    if (st->oy + 1 < st->OH)
        cs_gl_rect(v->gl, CS_GL_OVER,
                   (cs_rect){a.x, a.y + (float)(st->oy + 1) * L->out_cell, a.w, (float)(st->OH - st->oy - 1) * L->out_cell},
                   NOT_YET);
    const float t = fmaxf(2, fmaxf(roundf(2 * L->scale), ui->st->rule));
    cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(cs_step_output_cell(L, st->oy, st->ox), -t), t, p->hilite);
    /* the colour bar and what its ends are, in numbers */
    cs_theme_vbar(ui, v->ramp_v, L->output_cbar, L->output_cbar_labels, su->out_cmap, su->out_range);
    char shorter_caption[96];
    if (su->grey && L->output_grey.w > 0) {
        const int below = L->output_grey.y > L->output_area.y;
        /* TRANSLATORS: the step view's output caption with the gray picture: "top: colours (viridis); below:
           gray at the input's 0–255" (the first %s is top or left, the third below or right) */
        snprintf(buf, sizeof buf, _("%s: colours (%s); %s: gray at the input's 0\u2013%g"),
                 below ? _("top") : _("left"), cs_label_colormap(su->out_cmap), below ? _("below") : _("right"),
                 (double)su->img_max);
        snprintf(shorter_caption, sizeof shorter_caption, _("%s: gray, 0\u2013%g"), below ? _("below") : _("right"),
                 (double)su->img_max);
    } else {
        snprintf(buf, sizeof buf, _("colours: the whole map's range (%s); dark: not computed yet"),
                 cs_label_colormap(su->out_cmap));
        snprintf(shorter_caption, sizeof shorter_caption, "%s", _("dark: not computed yet"));
    }
    const char *const captions[] = {buf, shorter_caption};
    cs_ui_label_alt(ui, CS_GL_OVER, L->output_caption, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, captions, 2);
    int oy, ox;
    if (hot(su, L->output_area) && cs_step_hit_output(L, su->mouse_x, su->mouse_y, &oy, &ox)) {
        const int i = oy * st->OW + ox;
        v->hover_target = cs_step_output_cell(L, oy, ox);
        if (st->visited[i]) {
            char num[40];
            cs_fmt_sig(num, sizeof num, st->output[i], 3);
            snprintf(v->hover, sizeof v->hover, _("output x %d, y %d = %s   (click: step there)"), ox, oy, num);
        } else {
            snprintf(v->hover, sizeof v->hover, _("output x %d, y %d: not computed yet   (click: step there)"), ox, oy);
        }
    }
}

/* The grids' hover readout: the cell's window value, kernel weight and product. */
static void grids_hover(cs_view_step *v, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *su)
{
    const int C = L->C, K = st->K, KK = K * K;
    for (int g = 0; g < CS_STEP_GRIDS; g++)
        for (int c = 0; c < C; c++) {
            const cs_rect gr = L->grid[g][c];
            if (!hot(su, gr)) continue;
            int ky = (int)((su->mouse_y - gr.y) / L->cell_h), kx = (int)((su->mouse_x - gr.x) / L->cell_w);
            ky = ky < K ? ky : K - 1, kx = kx < K ? kx : K - 1;
            v->hover_target = cs_step_grid_cell(L, g, c, ky, kx);
            const int i = c * KK + ky * K + kx;
            char a[40], b[40], p[40];
            cs_fmt_sig(a, sizeof a, st->window[i], 3);
            cs_step_weight_text(b, sizeof b, st, i, 3); /* 1/9 for a fraction kernel */
            cs_fmt_sig(p, sizeof p, st->products[i], 3);
            snprintf(v->hover, sizeof v->hover, _("row %d, column %d%s:  window %s%s \u00D7 kernel %s = %s%s"), ky, kx,
                     C == 3 ? (c == 0 ? " (R)" : c == 1 ? " (G)" : " (B)") : "", a,
                     st->pad_mask[ky * K + kx] ? _(" (padding)") : "", b, p,
                     g == CS_STEP_GRID_KERNEL ? _("   click, then wheel or type a number") : "");
        }
}

/* A channel row's name (R, G, B or cN) and its partial sum so far. */
static void channel_label(cs_ui *ui, const cs_stepper *st, const cs_step_layout *L, int c)
{
    const cs_palette *p = &ui->st->c;
    const int C = L->C, KK = st->K * st->K;
    char buf[16];
    static const char *const rgb[3] = {"R", "G", "B"};
    if (C == 3) snprintf(buf, sizeof buf, "%s", rgb[c]);
    else snprintf(buf, sizeof buf, "c%d", c);
    const cs_fit_policy mid = cs_ui_policy(ui, CS_FONT_NORMAL, CS_FIT_SHRINK, CS_ALIGN_CENTER, CS_VALIGN_MIDDLE);
    cs_ui_text(ui, CS_GL_OVER, L->chan_label[c], &mid, p->text, buf);
    float cs = 0;
    for (int t = c * KK; t < (c + 1) * KK && t < st->term; t++) cs += st->products[t];
    const cs_rect sr = L->chan_sum[c];
    const float line = cs_style_line(ui->st, CS_FONT_NORMAL);
    cs_ui_label(ui, CS_GL_OVER, (cs_rect){sr.x, sr.y + 0.5f * sr.h - line, sr.w, line}, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim,
                _("channel sum"));
    const cs_fit_policy vp = cs_ui_policy(ui, CS_FONT_NORMAL, CS_FIT_SHRINK, CS_ALIGN_LEFT, CS_VALIGN_TOP);
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){sr.x, sr.y + 0.5f * sr.h, sr.w, line}, &vp, p->text, cs, 3);
}

static void draw_grids(cs_view_step *v, cs_ui *ui, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *su)
{
    const cs_palette *p = &ui->st->c;
    const float s = L->scale;
    cs_theme_panel(ui, L->grids_panel, (cs_rect){0, 0, 0, 0}, NULL);
    const int C = L->C, K = st->K, KK = K * K;
    const size_t n = (size_t)st->C * KK;
    const float dmax = su->display_max > 0 ? su->display_max : su->img_max;
    const cs_value_range wr = {0, dmax};
    const cs_value_range kr = symmetric(st->kernel, n), pr = symmetric(st->products, n);
    char buf[256];
    snprintf(buf, sizeof buf, _("Input window %d\u00D7%d"), K, K);
    cs_ui_label(ui, CS_GL_OVER, L->grid_title[0], CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, buf);
    snprintf(buf, sizeof buf, _("Kernel: %s"), su->kernel_name);
    cs_ui_label(ui, CS_GL_OVER, L->grid_title[1], CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, buf);
    const char *const products[] = {_("Products (window \u00D7 kernel)"), _("Products")};
    cs_ui_label_alt(ui, CS_GL_OVER, L->grid_title[2], CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, products, 2);
    const cs_fit_policy op = cs_ui_policy(ui, CS_FONT_BIG, CS_FIT_SHRINK, CS_ALIGN_CENTER, CS_VALIGN_MIDDLE);
    cs_ui_text(ui, CS_GL_OVER, L->op[0], &op, p->text, "\u00D7");
    cs_ui_text(ui, CS_GL_OVER, L->op[1], &op, p->text, "=");
    const int growing = st->term < st->n_terms, newest = growing ? st->term - 1 : -1;
    /* one size per grid: the largest at which all its numbers fit with three digits */
    int shown_terms = st->term < (int)n ? st->term : (int)n;
    const int wpx = grid_px(ui, L, st->window, (int)n), kpx = grid_px(ui, L, st->kernel, (int)n);
    const int ppx = grid_px(ui, L, st->products, shown_terms > 0 ? shown_terms : 1);
    const cs_fit_policy wp = {CS_FACE_SANS, wpx, wpx, 0, CS_ALIGN_CENTER, CS_VALIGN_MIDDLE, 0};
    const cs_fit_policy kp = {CS_FACE_SANS, kpx, kpx, 0, CS_ALIGN_CENTER, CS_VALIGN_MIDDLE, 0};
    const cs_fit_policy pp = {CS_FACE_SANS, ppx, ppx, 0, CS_ALIGN_CENTER, CS_VALIGN_MIDDLE, 0};
    const float hl = fmaxf(2, fmaxf(roundf(2 * s), ui->st->rule));
    for (int c = 0; c < C; c++) {
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) {
                const int i = c * KK + ky * K + kx;
                const int pad = st->pad_mask[ky * K + kx];
                /* input window */
                cs_rect r = cs_step_grid_cell(L, CS_STEP_GRID_WINDOW, c, ky, kx);
                cs_rgba bg = pad ? PADC : cmap_rgba(CS_CMAP_GRAY, wr, st->window[i]);
                cs_gl_rect(v->gl, CS_GL_UNDER, r, bg);
                cs_ui_cell_value(ui, CS_GL_OVER, r, &wp, bg, st->window[i], 3);
                /* kernel */
                r = cs_step_grid_cell(L, CS_STEP_GRID_KERNEL, c, ky, kx);
                bg = cmap_rgba(su->diverging, kr, st->kernel[i]);
                cs_gl_rect(v->gl, CS_GL_UNDER, r, bg);
                const int selected = su->sel_c == c && su->sel_ky == ky && su->sel_kx == kx;
                if (selected && su->edit) {
                    snprintf(buf, sizeof buf, "%s_", su->edit);
                    cs_rgba ink;
                    cs_style_ink(ui->st, bg, &ink);
                    const cs_fit_policy ep = cs_ui_policy(ui, CS_FONT_SMALL, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_CENTER,
                                                          CS_VALIGN_MIDDLE);
                    cs_gl_rect(v->gl, CS_GL_OVER, cs_rect_inset(r, 1), ui->st->c.plate);
                    cs_ui_text(ui, CS_GL_OVER, cs_rect_inset(r, 2), &ep, ui->st->c.text, buf);
                } else {
                    /* a kernel given as fractions says 1/9, not 0.111 */
                    char frac[40];
                    if (!(st->frac_den > 1 && cs_step_weight_text(frac, sizeof frac, st, i, 3) &&
                          cs_ui_cell_text(ui, CS_GL_OVER, r, &kp, bg, frac)))
                        cs_ui_cell_value(ui, CS_GL_OVER, r, &kp, bg, st->kernel[i], 3);
                }
                /* products: only the terms shown so far */
                r = cs_step_grid_cell(L, CS_STEP_GRID_PRODUCTS, c, ky, kx);
                if (i < st->term) {
                    bg = cmap_rgba(su->diverging, pr, st->products[i]);
                    cs_gl_rect(v->gl, CS_GL_UNDER, r, bg);
                    cs_ui_cell_value(ui, CS_GL_OVER, r, &pp, bg, st->products[i], 3);
                } else {
                    cs_gl_rect(v->gl, CS_GL_UNDER, r, EMPTY);
                }
                if (i == newest)
                    for (int g = 0; g < CS_STEP_GRIDS; g++)
                        cs_gl_frame(v->gl, CS_GL_OVER, cs_step_grid_cell(L, g, c, ky, kx), hl, p->hilite);
            }
        /* thin cell lines so equal neighbours stay countable */
        for (int g = 0; g < CS_STEP_GRIDS; g++) {
            const cs_rect gr = L->grid[g][c];
            for (int k = 1; k < K; k++) {
                cs_gl_line(v->gl, CS_GL_OVER, gr.x + (float)k * L->cell_w, gr.y, gr.x + (float)k * L->cell_w, gr.y + gr.h, 1,
                           (cs_rgba){0, 0, 0, 0.25f});
                cs_gl_line(v->gl, CS_GL_OVER, gr.x, gr.y + (float)k * L->cell_h, gr.x + gr.w, gr.y + (float)k * L->cell_h, 1,
                           (cs_rgba){0, 0, 0, 0.25f});
            }
        }
        if (C > 1) channel_label(ui, st, L, c);
    }
    if (su->sel_c >= 0 && su->sel_c < C) {
        const cs_rect r = cs_step_grid_cell(L, CS_STEP_GRID_KERNEL, su->sel_c, su->sel_ky, su->sel_kx);
        cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(r, -2), fmaxf(3, roundf(3 * s)), p->button_on);
    }
    legend(v, ui, L->grid_legend[0], L->grid_legend_text[0], CS_CMAP_GRAY, wr);
    legend(v, ui, L->grid_legend[1], L->grid_legend_text[1], su->diverging, kr);
    legend(v, ui, L->grid_legend[2], L->grid_legend_text[2], su->diverging, pr);
    grids_hover(v, st, L, su);
}

/* The sum at the largest size (the big font down to the minimum) at which all of it fits the
 * panel, one text box per line. */
static void draw_equation(cs_view_step *v, cs_ui *ui, const cs_stepper *st, const cs_step_layout *L)
{
    const cs_palette *p = &ui->st->c;
    cs_theme_panel(ui, L->eq_panel, L->eq_title, _("The sum written out (zero terms counted, not written)"));
    static char text[4096];
    int n = 0, px = ui->st->min_px;
    const cs_rect e = L->eq_text;
    for (px = ui->st->px[CS_FONT_BIG]; px >= ui->st->min_px; px--) {
        const float cw = cs_text_width(v->text, CS_FACE_SANS, px, "(50\u00D730) + ") / 10.0f;
        int cols = cw > 0 ? (int)(e.w / cw) : 80, unwritten = 0, fits = 0;
        const int max_lines = (int)floorf((e.h - cs_text_box_h(px)) / cs_text_pitch(px)) + 1;
        if (max_lines < 1) continue;
        /* columns from a typical term's width; narrower until no line runs over */
        for (int tries = 0; tries < 12 && !fits; tries++, cols -= 3) {
            n = cs_step_equation(st, cols, max_lines, text, sizeof text, &unwritten);
            fits = 1;
            for (const char *q = text; *q && fits;) {
                const char *nl = strchr(q, '\n');
                char line[1024];
                const size_t len = nl ? (size_t)(nl - q) : strlen(q);
                snprintf(line, sizeof line, "%.*s", (int)(len < 1023 ? len : 1023), q);
                fits = cs_text_width(v->text, CS_FACE_SANS, px, line) <= e.w;
                q = nl ? nl + 1 : q + len;
            }
        }
        if (fits && unwritten == 0) break;
        if (px == ui->st->min_px) break;
    }
    if (px < ui->st->min_px) px = ui->st->min_px;
    const cs_fit_policy lp = {CS_FACE_SANS, px, ui->st->min_px, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_LEFT,
                              CS_VALIGN_TOP, 0};
    char *q = text;
    for (int i = 0; i < n && q; i++) {
        char *nl = strchr(q, '\n');
        if (nl) *nl = '\0';
        cs_ui_text(ui, CS_GL_OVER, (cs_rect){e.x, e.y + (float)i * cs_text_pitch(px), e.w, cs_text_box_h(px)}, &lp, p->text, q);
        q = nl ? nl + 1 : NULL;
    }
    char res[256];
    cs_step_result(st, res, sizeof res);
    const cs_rect r = L->eq_result;
    const char *label = st->term < st->n_terms ? _("running sum:") :
                        st->act == CS_STEPPER_ACT_RELU ? _("relu(sum + bias) = output:") : _("sum + bias = output:");
    const int big = ui->st->px[CS_FONT_BIG];
    const float rw = cs_text_width(v->text, CS_FACE_SANS, big, res);
    const float lw = cs_text_width(v->text, CS_FACE_SANS, ui->st->px[CS_FONT_NORMAL], label) + cs_style_u(ui->st, 10);
    float x = r.x;
    if (lw + rw <= r.w) {
        /* the label on the result's baseline */
        const float dy = cs_text_box_h(big) - cs_text_box_h(ui->st->px[CS_FONT_NORMAL]);
        cs_ui_label(ui, CS_GL_OVER, (cs_rect){r.x, r.y + dy, lw, r.h - dy}, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->dim, label);
        x += lw;
    }
    const cs_fit_policy rp = cs_ui_policy(ui, CS_FONT_BIG, CS_FIT_SHRINK, CS_ALIGN_LEFT, CS_VALIGN_TOP);
    cs_ui_text(ui, CS_GL_OVER, (cs_rect){x, r.y, r.x + r.w - x, r.h}, &rp, p->hilite, res);
}

void cs_view_step_draw(cs_view_step *v, cs_ui *ui, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *su)
{
    const cs_palette *p = &ui->st->c;
    v->hover[0] = '\0';
    v->hover_target = (cs_rect){0, 0, 0, 0};
    draw_top(v, ui, st, L, su);
    if (L->input_panel.w > 0) draw_input(v, ui, st, L, su);
    if (L->output_panel.w > 0) draw_output(v, ui, st, L, su);
    draw_grids(v, ui, st, L, su);
    draw_equation(v, ui, st, L);
    const float s = L->scale;
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){0, L->status.y, L->status.w, 2}, p->gutter);
    const cs_rect box = {L->status.x + 8 * s, L->status.y + roundf(3 * s), L->status.w - 16 * s,
                         cs_style_line(ui->st, CS_FONT_NORMAL)};
    if (v->hover[0]) cs_ui_label(ui, CS_GL_OVER, box, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->text, v->hover);
    else if (su->message && *su->message) cs_ui_label(ui, CS_GL_OVER, box, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->hilite, su->message);
    else
        cs_ui_label(ui, CS_GL_OVER, box, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->dim,
                    L->hidden & CS_STEP_HIDE_IMAGES
                        ? _("Input and output left out to fit this size.  \u2190\u2191\u2192\u2193 move   space play   h: help")
                        : _("\u2190\u2191\u2192\u2193 move   space play/pause   +/\u2212 speed   click input or output: jump   "
                            "click a kernel cell: wheel or type   s/p stride/pad   Tab: training   h: help"));
    if (su->show_help) cs_theme_draw_help(ui, L->help, _("Step view: keys and mouse"), su->help, su->help_lines);
    else if (L->st.present && su->mouse_in) cs_theme_pointer(ui, v->hover_target, su->mouse_x, su->mouse_y);
}
