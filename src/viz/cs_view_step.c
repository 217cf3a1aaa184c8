/* cs_view_step.c - the step view (see cs_view_step.h). The input and the output map are float
 * textures coloured on the GPU like the train view's maps; the three small grids are flat cells
 * coloured on the CPU from the same colormap table, so a cell's number can pick a legible ink. */
#include "cs_view_step.h"
#include "cs_theme.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The train view's palette (its panel colour clears the frame), so switching views does not flash. */
static const cs_rgba GUTTER = CS_THEME_GUTTER;
static const cs_rgba TEXT = CS_THEME_TEXT;
static const cs_rgba DIM = CS_THEME_DIM;
static const cs_rgba BUTTON_ON = CS_THEME_BUTTON_ON;
static const cs_rgba HILITE = CS_THEME_HILITE;
static const cs_rgba INK_DARK = {0.06f, 0.06f, 0.08f, 1};
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

static float glyph_h(cs_font_id f, float s) { return cs_layout_font_px(f, s) * 1.17f; }

static void panel(cs_view_step *v, cs_rect r, const char *title, float s)
{
    const float g = roundf(6 * s);
    cs_gl_frame(v->gl, CS_GL_UNDER, cs_rect_inset(r, -g), g, GUTTER);
    if (title) cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, r.x + roundf(6 * s), r.y + roundf(3 * s), TEXT, title);
}

static cs_rgba cmap_rgba(cs_colormap_id id, cs_value_range r, float x)
{
    uint8_t c[3];
    cs_colormap_rgb(id, r, x, c);
    return (cs_rgba){c[0] / 255.0f, c[1] / 255.0f, c[2] / 255.0f, 1};
}

/* Dark ink on light cells, light ink on dark ones. */
static cs_rgba ink_for(cs_rgba bg)
{
    const float lum = 0.299f * bg.r + 0.587f * bg.g + 0.114f * bg.b;
    return lum > 0.55f ? INK_DARK : TEXT;
}

/* A string centred in a cell, if it fits; 0 if it does not. */
static int cell_text(cs_view_step *v, cs_rect r, cs_font_id f, float s, cs_rgba ink, const char *t)
{
    const float w = cs_text_width(v->text, f, t);
    if (w > r.w - 2) return 0;
    cs_text_draw(v->text, CS_GL_OVER, f, roundf(r.x + 0.5f * (r.w - w)), roundf(r.y + 0.5f * (r.h - glyph_h(f, s))), ink, t);
    return 1;
}

/* A value centred in a cell with as many significant digits (3, 2, 1) as fit; the hover
 * readout has it in full. */
static void cell_value(cs_view_step *v, cs_rect r, cs_font_id f, float s, cs_rgba ink, float x)
{
    char num[40];
    for (int sig = 3; sig >= 1; sig--) {
        cs_step_fmt_sig(num, sizeof num, x, sig);
        if (cell_text(v, r, f, s, ink, num)) return;
    }
    /* a tiny non-zero value in a narrow cell: not a bare 0, which would be a lie */
    if (fabsf(x) < 5e-4f) cell_text(v, r, f, s, ink, "\u22480");
}

static void centered(cs_view_step *v, cs_rect r, cs_font_id f, float s, cs_rgba c, const char *t)
{
    const float w = cs_text_width(v->text, f, t);
    cs_text_draw(v->text, CS_GL_OVER, f, roundf(r.x + 0.5f * (r.w - w)), roundf(r.y + 0.5f * (r.h - glyph_h(f, s))), c, t);
}

/* A horizontal colour bar with its two ends written under it. */
static void legend(cs_view_step *v, cs_rect r, cs_colormap_id id, cs_value_range range, float s, const char *what)
{
    cs_gl_heat(v->gl, v->ramp_h, 256, 1, r, 0, 0, 256, 1, (cs_value_range){0, 1}, id, 0);
    char lo[40], hi[40];
    cs_step_fmt(lo, sizeof lo, range.lo);
    cs_step_fmt(hi, sizeof hi, range.hi);
    const float ty = r.y + r.h + roundf(1 * s);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x, ty, DIM, lo);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x + r.w, ty, DIM, hi);
    if (what) cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x + r.w + roundf(6 * s), r.y - roundf(3 * s), DIM, what);
}

static cs_value_range symmetric(const float *x, size_t n)
{
    float m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) m = fmaxf(m, fabsf(x[i]));
    return m > 0 ? (cs_value_range){-m, m} : (cs_value_range){-1, 1}; /* all zero: white, and a plain legend */
}

/* ---- panels ------------------------------------------------------------------------------ */

static void draw_top(cs_view_step *v, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *ui)
{
    const float s = L->scale;
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){0, L->top.y + L->top.h - 2, L->top.w, 2}, GUTTER);
    char buf[512];
    snprintf(buf, sizeof buf, "Step through one convolution:  %s  %d\u00D7%d%s  *  %s  %d\u00D7%d%s", ui->image_name,
             st->W, st->H, st->C == 3 ? "\u00D73" : "", ui->kernel_name, st->K, st->K,
             st->C > 1 ? (st->C == 3 ? "\u00D73" : "\u00D7C") : "");
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->title.x, L->title.y, TEXT, buf);
    char bias[40];
    cs_step_fmt(bias, sizeof bias, st->bias);
    snprintf(buf, sizeof buf, "stride %d   pad %d   bias %s   ReLU %s   \u2192   output %d\u00D7%d", st->S, st->P, bias,
             st->act == CS_STEPPER_ACT_RELU ? "on" : "off", st->OW, st->OH);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->title.x + L->title.w, L->title.y, HILITE, buf);
    const int total = st->OH * st->OW;
    snprintf(buf, sizeof buf,
             "position x %d, y %d  (window: input columns %d\u2013%d, rows %d\u2013%d)     %d of %d outputs computed",
             st->ox, st->oy, st->ix0, st->ix0 + st->K - 1, st->iy0, st->iy0 + st->K - 1, st->n_visited, total);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->info.x, L->info.y, DIM, buf);
    snprintf(buf, sizeof buf, "%s   speed: %s", ui->playing ? "\u25B6 playing" : "paused", ui->speed);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->info.x + L->info.w, L->info.y,
                       ui->playing ? HILITE : TEXT, buf);
    (void)s;
}

static void draw_input(cs_view_step *v, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *ui)
{
    const float s = L->scale;
    char buf[256], hi[40];
    cs_step_fmt(hi, sizeof hi, ui->img_max);
    snprintf(buf, sizeof buf, "Input (%s, values 0\u2013%s)", st->C == 3 ? "RGB" : "gray", hi);
    panel(v, L->input_panel, buf, s);
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
    cs_gl_heat(v->gl, v->in_tex, v->in_tw, v->in_th, img, 0, 0, st->W, st->H, (cs_value_range){0, ui->img_max},
               CS_CMAP_GRAY, st->C == 3 ? st->H : 0);
    /* the window, and the pixel of the newest term while the sum grows */
    const cs_rect wr = cs_step_window_rect(L, st->oy, st->ox);
    const float t = fmaxf(2, roundf(2 * s));
    cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(wr, -t), t, HILITE);
    if (st->term > 0 && st->term < st->n_terms) {
        int c, ky, kx;
        cs_stepper_term_cell(st, st->term - 1, &c, &ky, &kx);
        cs_rect cell = cs_step_input_cell(L, st->iy0 + ky, st->ix0 + kx);
        cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(cell, -1), fmaxf(1, roundf(s)), BUTTON_ON);
    }
    if (ui->downscale > 1)
        snprintf(buf, sizeof buf, "%d\u00D7%d, shrunk \u00F7%d from %d\u00D7%d for the view%s", st->W, st->H, ui->downscale,
                 ui->src_w, ui->src_h, st->P ? "; violet: zero padding" : "");
    else
        snprintf(buf, sizeof buf, "%d\u00D7%d pixels;  %s", st->W, st->H,
                 st->P ? "violet: zero padding" : "click to move the window there");
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, L->input_caption.x, L->input_caption.y, DIM, buf);
    int iy, ix;
    if (ui->mouse_in && !ui->show_help && cs_step_hit_input(L, ui->mouse_x, ui->mouse_y, &iy, &ix)) {
        if (iy < 0 || ix < 0 || iy >= st->H || ix >= st->W) {
            snprintf(v->hover, sizeof v->hover, "padding at row %d, column %d: 0", iy, ix);
        } else {
            const size_t plane = (size_t)st->H * st->W, i = (size_t)iy * st->W + ix;
            char r[40], g[40], b[40];
            cs_step_fmt(r, sizeof r, st->image[i]);
            if (st->C == 3) {
                cs_step_fmt(g, sizeof g, st->image[plane + i]);
                cs_step_fmt(b, sizeof b, st->image[2 * plane + i]);
                snprintf(v->hover, sizeof v->hover, "input row %d, column %d = R %s G %s B %s   (click: window here)", iy,
                         ix, r, g, b);
            } else {
                snprintf(v->hover, sizeof v->hover, "input row %d, column %d = %s   (click: window here)", iy, ix, r);
            }
        }
    }
}

static void draw_output(cs_view_step *v, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *ui)
{
    const float s = L->scale;
    char buf[256];
    snprintf(buf, sizeof buf, "Output map %d\u00D7%d, filled in as the window moves", st->OW, st->OH);
    panel(v, L->output_panel, buf, s);
    if (!v->out_tex || v->out_tw != st->OW || v->out_th != st->OH) {
        cs_gl_texture_destroy(v->out_tex);
        cs_gl_texture_destroy(v->grey_tex);
        v->out_tex = cs_gl_texture_create(st->OW, st->OH);
        v->grey_tex = cs_gl_texture_create(st->OW, st->OH);
        v->out_tw = st->OW, v->out_th = st->OH;
    }
    cs_gl_texture_update(v->out_tex, st->OW, st->OH, st->output);
    if (ui->grey && L->output_grey.w > 0) {
        /* the blur seen: the output at the input's scale, in gray, beside the heat map */
        cs_gl_texture_update(v->grey_tex, st->OW, st->OH, ui->grey);
        cs_gl_heat(v->gl, v->grey_tex, v->out_tw, v->out_th, L->output_grey, 0, 0, st->OW, st->OH,
                   (cs_value_range){0, 1}, CS_CMAP_GRAY, 0);
        cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(L->output_grey, -1), 1, DIM);
    }
    const cs_rect a = L->output_area;
    cs_gl_heat(v->gl, v->out_tex, v->out_tw, v->out_th, a, 0, 0, st->OW, st->OH, ui->out_range, ui->out_cmap, 0);
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
    const float t = fmaxf(2, roundf(2 * s));
    cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(cs_step_output_cell(L, st->oy, st->ox), -t), t, HILITE);

    /* the colour bar and what its ends are */
    const cs_rect cb = L->output_cbar;
    cs_gl_heat(v->gl, v->ramp_v, 1, 256, cb, 0, 0, 1, 256, (cs_value_range){0, 1}, ui->out_cmap, 0);
    const float tx = cb.x + cb.w + roundf(3 * s), fh = cs_layout_font_px(CS_FONT_SMALL, s);
    char num[40];
    cs_step_fmt(num, sizeof num, ui->out_range.hi);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y - 2, DIM, num);
    cs_step_fmt(num, sizeof num, ui->out_range.lo);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y + cb.h - fh, DIM, num);
    if (ui->out_range.lo < 0 && ui->out_range.hi > 0)
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y + 0.5f * cb.h - 0.6f * fh, DIM, "0");
    if (ui->grey && L->output_grey.w > 0)
        snprintf(buf, sizeof buf, "%s: colours (%s); %s: gray at the input's 0\u2013%g",
                 L->output_grey.y > L->output_area.y ? "top" : "left", cs_colormap_name(ui->out_cmap),
                 L->output_grey.y > L->output_area.y ? "below" : "right", (double)ui->img_max);
    else
        snprintf(buf, sizeof buf, "colours: the whole map's range (%s); dark: not computed yet",
                 cs_colormap_name(ui->out_cmap));
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, L->output_caption.x, L->output_caption.y, DIM, buf);

    int oy, ox;
    if (ui->mouse_in && !ui->show_help && cs_step_hit_output(L, ui->mouse_x, ui->mouse_y, &oy, &ox)) {
        const int i = oy * st->OW + ox;
        if (st->visited[i]) {
            cs_step_fmt(num, sizeof num, st->output[i]);
            snprintf(v->hover, sizeof v->hover, "output x %d, y %d = %s   (click: step there)", ox, oy, num);
        } else {
            snprintf(v->hover, sizeof v->hover, "output x %d, y %d: not computed yet   (click: step there)", ox, oy);
        }
    }
}

/* The grids' hover readout: the cell's window value, kernel weight and product. */
static void grids_hover(cs_view_step *v, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *ui)
{
    const int C = L->C, K = st->K, KK = K * K;
    if (ui->mouse_in && !ui->show_help)
        for (int g = 0; g < CS_STEP_GRIDS; g++)
            for (int c = 0; c < C; c++) {
                const cs_rect gr = L->grid[g][c];
                if (!cs_rect_contains(gr, ui->mouse_x, ui->mouse_y)) continue;
                int ky = (int)((ui->mouse_y - gr.y) / L->cell_h), kx = (int)((ui->mouse_x - gr.x) / L->cell_w);
                ky = ky < K ? ky : K - 1, kx = kx < K ? kx : K - 1;
                const int i = c * KK + ky * K + kx;
                char a[40], b[40], p[40];
                cs_step_fmt(a, sizeof a, st->window[i]);
                cs_step_weight_text(b, sizeof b, st, i, 3);
                cs_step_fmt(p, sizeof p, st->products[i]);
                snprintf(v->hover, sizeof v->hover, "row %d, column %d%s:  window %s%s \u00D7 kernel %s = %s%s", ky, kx,
                         C == 3 ? (c == 0 ? " (R)" : c == 1 ? " (G)" : " (B)") : "", a,
                         st->pad_mask[ky * K + kx] ? " (padding)" : "", b, p,
                         g == CS_STEP_GRID_KERNEL ? "   click, then wheel or type a number" : "");
            }
}

/* A channel row's name (R, G, B or cN) and its partial sum so far. */
static void channel_label(cs_view_step *v, const cs_stepper *st, const cs_step_layout *L, int c)
{
    const int C = L->C, KK = st->K * st->K;
    const float s = L->scale;
    char buf[16], num[40];
    static const char *const rgb[3] = {"R", "G", "B"};
    if (C == 3) snprintf(buf, sizeof buf, "%s", rgb[c]);
    else snprintf(buf, sizeof buf, "c%d", c);
    centered(v, L->chan_label[c], CS_FONT_NORMAL, s, TEXT, buf);
    float cs = 0;
    for (int t = c * KK; t < (c + 1) * KK && t < st->term; t++) cs += st->products[t];
    cs_step_fmt(num, sizeof num, cs);
    const cs_rect sr = L->chan_sum[c];
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, sr.x, sr.y + 0.5f * sr.h - glyph_h(CS_FONT_NORMAL, s), DIM,
                 "channel sum");
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, sr.x, sr.y + 0.5f * sr.h, TEXT, num);
}

static void draw_grids(cs_view_step *v, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *ui)
{
    const float s = L->scale;
    panel(v, L->grids_panel, NULL, s);
    const int C = L->C, K = st->K, KK = K * K;
    const size_t n = (size_t)st->C * KK;
    const cs_value_range wr = {0, ui->img_max};
    const cs_value_range kr = symmetric(st->kernel, n), pr = symmetric(st->products, n);
    char buf[256];
    snprintf(buf, sizeof buf, "Input window %d\u00D7%d", K, K);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->grid_title[0].x, L->grid_title[0].y, TEXT, buf);
    snprintf(buf, sizeof buf, "Kernel: %s", ui->kernel_name);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->grid_title[1].x, L->grid_title[1].y, TEXT, buf);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->grid_title[2].x, L->grid_title[2].y, TEXT,
                 "Products (window \u00D7 kernel)");
    centered(v, L->op[0], CS_FONT_BIG, s, TEXT, "\u00D7");
    centered(v, L->op[1], CS_FONT_BIG, s, TEXT, "=");
    const int growing = st->term < st->n_terms, newest = growing ? st->term - 1 : -1;
    const cs_font_id f = L->cell_font;
    for (int c = 0; c < C; c++) {
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) {
                const int i = c * KK + ky * K + kx;
                const int pad = st->pad_mask[ky * K + kx];
                /* input window */
                cs_rect r = cs_step_grid_cell(L, CS_STEP_GRID_WINDOW, c, ky, kx);
                cs_rgba bg = pad ? PADC : cmap_rgba(CS_CMAP_GRAY, wr, st->window[i]);
                cs_gl_rect(v->gl, CS_GL_UNDER, r, bg);
                if (L->numbers) cell_value(v, r, f, s, pad ? DIM : ink_for(bg), st->window[i]);
                /* kernel */
                r = cs_step_grid_cell(L, CS_STEP_GRID_KERNEL, c, ky, kx);
                bg = cmap_rgba(CS_CMAP_RDBU, kr, st->kernel[i]);
                cs_gl_rect(v->gl, CS_GL_UNDER, r, bg);
                const int selected = ui->sel_c == c && ui->sel_ky == ky && ui->sel_kx == kx;
                if (selected && ui->edit) {
                    snprintf(buf, sizeof buf, "%s_", ui->edit);
                    if (!cell_text(v, r, f, s, ink_for(bg), buf)) cell_text(v, r, CS_FONT_SMALL, s, ink_for(bg), buf);
                } else if (L->numbers) {
                    /* a kernel given as fractions says 1/9, not 0.111 */
                    char frac[40];
                    if (!(st->frac_den > 1 && cs_step_weight_text(frac, sizeof frac, st, i, 3) &&
                          cell_text(v, r, f, s, ink_for(bg), frac)))
                        cell_value(v, r, f, s, ink_for(bg), st->kernel[i]);
                }
                /* products: only the terms shown so far */
                r = cs_step_grid_cell(L, CS_STEP_GRID_PRODUCTS, c, ky, kx);
                if (i < st->term) {
                    bg = cmap_rgba(CS_CMAP_RDBU, pr, st->products[i]);
                    cs_gl_rect(v->gl, CS_GL_UNDER, r, bg);
                    if (L->numbers) cell_value(v, r, f, s, ink_for(bg), st->products[i]);
                } else {
                    cs_gl_rect(v->gl, CS_GL_UNDER, r, EMPTY);
                }
                if (i == newest)
                    for (int g = 0; g < CS_STEP_GRIDS; g++)
                        cs_gl_frame(v->gl, CS_GL_OVER, cs_step_grid_cell(L, g, c, ky, kx), fmaxf(2, roundf(2 * s)), HILITE);
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
        if (C > 1) channel_label(v, st, L, c);
    }
    if (ui->sel_c >= 0 && ui->sel_c < C) {
        const cs_rect r = cs_step_grid_cell(L, CS_STEP_GRID_KERNEL, ui->sel_c, ui->sel_ky, ui->sel_kx);
        cs_gl_frame(v->gl, CS_GL_OVER, cs_rect_inset(r, -2), fmaxf(3, roundf(3 * s)), BUTTON_ON);
    }
    legend(v, L->grid_legend[0], CS_CMAP_GRAY, wr, s, NULL);
    legend(v, L->grid_legend[1], CS_CMAP_RDBU, kr, s, NULL);
    legend(v, L->grid_legend[2], CS_CMAP_RDBU, pr, s, NULL);

    grids_hover(v, st, L, ui);
}

/* Width of the widest of the '\n'-separated lines of text in font f. */
static float widest_line(cs_view_step *v, cs_font_id f, const char *text)
{
    char line[1024];
    float w = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof line) n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        w = fmaxf(w, cs_text_width(v->text, f, line));
        p = nl ? nl + 1 : p + strlen(p);
    }
    return w;
}

static void draw_equation(cs_view_step *v, const cs_stepper *st, const cs_step_layout *L)
{
    const float s = L->scale;
    panel(v, L->eq_panel, "The sum written out (zero terms counted, not written)", s);
    /* the largest font the whole sum fits in */
    static const cs_font_id fonts[] = {CS_FONT_BIG, CS_FONT_NORMAL, CS_FONT_MONO};
    char text[4096];
    int n = 0;
    float lh = 0;
    cs_font_id font = CS_FONT_MONO;
    for (size_t i = 0; i < sizeof fonts / sizeof fonts[0]; i++) {
        font = fonts[i];
        lh = cs_layout_line_h(font, s);
        const float cw = cs_text_width(v->text, font, "(50\u00D730) + ") / 10.0f;
        int cols = cw > 0 ? (int)(L->eq_text.w / cw) : 80, unwritten = 0;
        const int max_lines = (int)(L->eq_text.h / lh);
        /* columns from a typical term's width; narrower until no line runs over */
        for (int tries = 0; tries < 8; tries++, cols -= 3) {
            n = cs_step_equation(st, cols, max_lines > 0 ? max_lines : 1, text, sizeof text, &unwritten);
            if (widest_line(v, font, text) <= L->eq_text.w) break;
        }
        if (unwritten == 0) break;
    }
    char *p = text;
    for (int i = 0; i < n && p; i++) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        cs_text_draw(v->text, CS_GL_OVER, font, L->eq_text.x, L->eq_text.y + (float)i * lh, TEXT, p);
        p = nl ? nl + 1 : NULL;
    }
    char res[256];
    cs_step_result(st, res, sizeof res);
    const cs_rect r = L->eq_result;
    const char *label = st->term < st->n_terms ? "running sum:" :
                        st->act == CS_STEPPER_ACT_RELU ? "relu(sum + bias) = output:" : "sum + bias = output:";
    const float lx = cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, r.x,
                                  r.y + glyph_h(CS_FONT_BIG, s) - glyph_h(CS_FONT_NORMAL, s), DIM, label);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_BIG, lx + roundf(10 * s), r.y, HILITE, res);
}

void cs_view_step_draw(cs_view_step *v, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *ui)
{
    v->hover[0] = '\0';
    draw_top(v, st, L, ui);
    draw_input(v, st, L, ui);
    draw_output(v, st, L, ui);
    draw_grids(v, st, L, ui);
    draw_equation(v, st, L);
    const float s = L->scale;
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){0, L->status.y, L->status.w, 2}, GUTTER);
    const float ty = L->status.y + roundf(3 * s);
    if (v->hover[0]) cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->status.x + 8 * s, ty, TEXT, v->hover);
    else if (ui->message && *ui->message)
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->status.x + 8 * s, ty, HILITE, ui->message);
    else
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->status.x + 8 * s, ty, DIM,
                     "\u2190\u2191\u2192\u2193 move   space play/pause   +/\u2212 speed   click input or output: jump   "
                     "click a kernel cell: wheel or type   s/p stride/pad   Tab: training   h: help");
    if (ui->show_help)
        cs_theme_draw_help(v->gl, v->text, L->help, L->win_w, L->win_h, L->scale, "Step view: keys and mouse", ui->help,
                           ui->help_lines);
}
