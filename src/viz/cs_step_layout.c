/* cs_step_layout.c - the step view's geometry, hit tests, cell numbers and equation text (see
 * cs_step_layout.h). Sizes are written for a 1280x720 window and multiplied by the UI scale,
 * as cs_layout.c does for the train view. */
#include "cs_step_layout.h"
#include "cs_i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_fit.h"

typedef struct {
    const cs_style *st;
    const cs_measure *m;
    const cs_stepper *sp;
} sctx;

static float SU(const sctx *c, float v) { return roundf(v * c->st->scale); }
static float SLINE(const sctx *c, cs_font_id f) { return cs_style_line(c->st, f); }
static float SW(const sctx *c, cs_font_id f, const char *s) { return c->m->width(c->m->ctx, cs_font_face(f), c->st->px[f], s); }
static float SMIN(const sctx *c, cs_font_id f, const char *s)
{
    return c->m->width(c->m->ctx, cs_font_face(f), c->st->min_px, s);
}

/* The input panel in r: its title, the padded image in whole pixels per cell, a caption. */
static int input_panel(cs_step_layout *L, const sctx *c, cs_rect r)
{
    const float pad = L->pad, line = SLINE(c, CS_FONT_NORMAL), small = SLINE(c, CS_FONT_SMALL);
    L->input_panel = r;
    L->input_title = (cs_rect){r.x + pad, r.y + pad * 0.5f, r.w - 2 * pad, line};
    const int cols = L->W + 2 * L->P, rows = L->H + 2 * L->P;
    const float aw = r.w - 2 * pad, ah = r.h - pad - line - small - 2 * pad;
    float cell = fminf(aw / (float)cols, ah / (float)rows);
    if (cell >= 1) cell = floorf(cell);
    L->in_cell = cell;
    const float w = cell * (float)cols, h = cell * (float)rows;
    L->input_area = (cs_rect){floorf(r.x + pad + 0.5f * (aw - w)), r.y + pad + line + pad * 0.5f, w, h};
    L->input_caption = (cs_rect){r.x + pad, L->input_area.y + h + pad * 0.5f, aw, small};
    return cell >= 1 && SMIN(c, CS_FONT_NORMAL, C_("shortest title", "Input")) <= L->input_title.w;
}

/* The output panel in r: title, the map in whole pixels per cell, a colour bar with its numbers. */
static int output_panel(cs_step_layout *L, const sctx *c, cs_rect r)
{
    const float pad = L->pad, line = SLINE(c, CS_FONT_NORMAL), small = SLINE(c, CS_FONT_SMALL);
    L->output_panel = r;
    L->output_title = (cs_rect){r.x + pad, r.y + pad * 0.5f, r.w - 2 * pad, line};
    const float cbar_w = SU(c, 10), sep = SU(c, 8);
    const float label_w = fmaxf(SW(c, CS_FONT_SMALL, "\u22126600"), SW(c, CS_FONT_SMALL, "\u22120.000")) + SU(c, 4);
    const float aw = r.w - 2 * pad - cbar_w - label_w - sep;
    const float ah = r.h - pad - line - small - 2 * pad;
    float cell = fminf(aw / (float)L->OW, ah / (float)L->OH);
    if (cell >= 1) cell = floorf(cell);
    L->out_cell = cell;
    const float w = cell * (float)L->OW, h = cell * (float)L->OH;
    L->output_area = (cs_rect){floorf(r.x + pad + 0.5f * (aw - w)), r.y + pad + line + pad * 0.5f, w, h};
    /* tall enough for three labels (top, middle, bottom) that never touch */
    const float bh = fminf(ah, fmaxf(h, 3 * small + SU(c, 4)));
    L->output_cbar = (cs_rect){r.x + pad + aw + sep, L->output_area.y, cbar_w, bh};
    L->output_cbar_labels = (cs_rect){L->output_cbar.x + cbar_w + SU(c, 3), L->output_cbar.y - SU(c, 2), label_w,
                                      bh + SU(c, 4)};
    L->output_caption = (cs_rect){r.x + pad, L->output_area.y + fmaxf(h, bh) + pad * 0.5f, r.w - 2 * pad, small};
    return cell >= 1 && bh >= 3 * cs_text_box_h(c->st->min_px) && aw > 0 &&
           SMIN(c, CS_FONT_NORMAL, C_("shortest title", "Output")) <= L->output_title.w;
}

/* The three grids (and channel labels and sums) in r; 0 when a cell cannot hold a number at the
 * minimum size. Returns the height used in *used_h. */
static int grids_panel(cs_step_layout *L, const sctx *c, cs_rect r, float max_h, float *used_h)
{
    const int C = L->C, K = L->K;
    const float pad = L->pad, line = SLINE(c, CS_FONT_NORMAL), small = SLINE(c, CS_FONT_SMALL);
    const float op_w = fmaxf(SU(c, 26), SW(c, CS_FONT_BIG, "\u00D7") + SU(c, 8));
    const float label_w = C > 1 ? SW(c, CS_FONT_NORMAL, "c0") + SU(c, 8) : 0;
    const float sum_w = C > 1 ? fmaxf(SW(c, CS_FONT_SMALL, _("channel sum")), SW(c, CS_FONT_NORMAL, "\u221212.3k")) + SU(c, 8) : 0;
    const float row_gap = C > 1 ? SU(c, 6) : 0, legend_h = SU(c, 8) + small + SU(c, 6);
    const float inner_w = r.w - 2 * pad;
    /* the smallest cell that holds a number: "−0.05" (any value's short form is no wider) */
    const float need_w = SMIN(c, CS_FONT_MONO, "\u22120.05") + 4, need_h = cs_text_box_h(c->st->min_px) + 2;
    float cell_w = floorf((inner_w - 2 * op_w - label_w - sum_w) / (float)(3 * K));
    const float avail = max_h - 2 * pad - line - legend_h - row_gap * (float)(C - 1);
    float cell_h = floorf(avail / (float)(C * K));
    cell_w = fminf(cell_w, SU(c, 72));
    if (cell_h > cell_w) cell_h = cell_w;
    /* when the height limits the cells, widen them only as far as a number needs */
    cell_w = fminf(cell_w, fmaxf(cell_h, fmaxf(SU(c, 52), SW(c, CS_FONT_MONO, "\u22121500") + SU(c, 6))));
    if (cell_w < need_w || cell_h < need_h) return 0;
    L->cell_w = cell_w, L->cell_h = cell_h;
    L->numbers = 1;
    L->cell_px = c->st->px[CS_FONT_NORMAL];
    const float gw = cell_w * (float)K, gh_one = cell_h * (float)K;
    const float used_w = label_w + 3 * gw + 2 * op_w + sum_w;
    const float grids_h = line + (float)C * gh_one + row_gap * (float)(C - 1) + legend_h;
    L->grids_panel = (cs_rect){r.x, r.y, r.w, pad + grids_h + pad};
    *used_h = L->grids_panel.h;
    const float gx0 = floorf(r.x + pad + 0.5f * (inner_w - used_w)) + label_w;
    const float gy = r.y + pad + line;
    for (int g = 0; g < CS_STEP_GRIDS; g++) {
        const float gx = gx0 + (float)g * (gw + op_w);
        /* a title may run over the operator's column, not into the next grid */
        L->grid_title[g] = (cs_rect){gx, r.y + pad, gw + (g < 2 ? op_w - SU(c, 4) : sum_w), line};
        for (int ch = 0; ch < C; ch++) L->grid[g][ch] = (cs_rect){gx, gy + (float)ch * (gh_one + row_gap), gw, gh_one};
        const float ly = gy + (float)C * gh_one + row_gap * (float)(C - 1) + SU(c, 4);
        L->grid_legend[g] = (cs_rect){gx, ly, fminf(gw, SU(c, 140)), SU(c, 8)};
        L->grid_legend_text[g] = (cs_rect){gx, ly + SU(c, 8) + SU(c, 1), gw, small};
    }
    const float all_h = (float)C * gh_one + row_gap * (float)(C - 1);
    L->op[0] = (cs_rect){gx0 + gw, gy, op_w, all_h};
    L->op[1] = (cs_rect){gx0 + 2 * gw + op_w, gy, op_w, all_h};
    for (int ch = 0; ch < C; ch++) {
        const float ry = gy + (float)ch * (gh_one + row_gap);
        L->chan_label[ch] = (cs_rect){gx0 - label_w, ry, label_w, gh_one};
        L->chan_sum[ch] = (cs_rect){gx0 + 3 * gw + 2 * op_w + SU(c, 6), ry, sum_w - SU(c, 6), gh_one};
    }
    /* the titles' first words, and a legend's two ends, at the minimum size */
    return SMIN(c, CS_FONT_NORMAL, C_("shortest title", "Products")) <= L->grid_title[2].w &&
           SMIN(c, CS_FONT_NORMAL, C_("shortest title", "Kernel")) <= gw &&
           2 * SMIN(c, CS_FONT_SMALL, "\u22121500") + SU(c, 8) <= gw;
}

/* The equation panel in r: a title, the lines of the sum, the result line. */
static int eq_panel(cs_step_layout *L, const sctx *c, cs_rect r)
{
    const float pad = L->pad, line = SLINE(c, CS_FONT_NORMAL), big = SLINE(c, CS_FONT_BIG);
    L->eq_panel = r;
    L->eq_title = (cs_rect){r.x + pad, r.y + pad * 0.5f, r.w - 2 * pad, line};
    L->eq_result = (cs_rect){r.x + pad, r.y + r.h - pad - big, r.w - 2 * pad, big};
    const float ty = r.y + pad + line;
    L->eq_text = (cs_rect){r.x + pad, ty, r.w - 2 * pad, L->eq_result.y - pad * 0.5f - ty};
    const int min = c->st->min_px;
    /* two lines of the sum and the longest result at the minimum size */
    return L->eq_text.h >= cs_text_pitch(min) + cs_text_box_h(min) &&
           SMIN(c, CS_FONT_BIG, "relu(\u221212.3k \u2212 12.3) = relu(\u221212.3k) = 0") <= L->eq_result.w &&
           SMIN(c, CS_FONT_MONO, "sum = (255\u00D70.111) + (255\u00D70.111)") <= L->eq_text.w;
}

/* The top lines: title and geometry on one line when both fit, else two; the same for the
 * position and the playback state. */
static void top_lines(cs_step_layout *L, const sctx *c)
{
    const cs_stepper *st = c->sp;
    const float pad = L->pad, line = SLINE(c, CS_FONT_NORMAL), w = (float)L->win_w - 2 * pad;
    char geo[200], info[240], speed[200];
    cs_step_label_geometry(geo, sizeof geo, st->S, st->P, "\u2212000", 0, st->OW, st->OH);
    cs_step_label_info(info, sizeof info, st->OW, st->OH, st->W, st->W, st->H, st->H, st->OW * st->OH, st->OW * st->OH);
    /* the longest speed's name (gui_step.c's table) */
    cs_step_label_speed(speed, sizeof speed, 1, _("one multiply-add at a time, 16/s"));
    const float gw = SW(c, CS_FONT_NORMAL, geo) + SU(c, 8);
    const float sw = SW(c, CS_FONT_NORMAL, speed) + SU(c, 8);
    float y = pad;
    /* the title keeps at least 40% of the line, else the geometry gets a line of its own */
    if (gw <= 0.6f * w) {
        L->title = (cs_rect){pad, y, w - gw, line};
        L->geometry = (cs_rect){pad + w - gw, y, gw, line};
        y += line;
    } else {
        L->title = (cs_rect){pad, y, w, line};
        L->geometry = (cs_rect){pad, y + line, w, line};
        y += 2 * line;
    }
    if (SW(c, CS_FONT_NORMAL, info) + sw + SU(c, 16) <= w) {
        L->info = (cs_rect){pad, y, w - sw, line};
        L->speed = (cs_rect){pad + w - sw, y, sw, line};
        y += line;
    } else {
        L->info = (cs_rect){pad, y, w, line};
        L->speed = (cs_rect){pad, y + line, w, line};
        y += 2 * line;
    }
    L->top = (cs_rect){0, 0, (float)L->win_w, y + SU(c, 4)};
}

/* One attempt at style c->st with `hidden`; 1 when everything fits. */
static int step_try(cs_step_layout *L, const sctx *c, int hidden)
{
    const cs_stepper *sp = c->sp;
    const cs_style *st = c->st;
    const int win_w = L->win_w, win_h = L->win_h;
    memset(L, 0, sizeof *L);
    L->win_w = win_w, L->win_h = win_h, L->st = *st, L->scale = st->scale, L->hidden = hidden;
    L->pad = SU(c, 6);
    L->C = sp->C < CS_STEP_MAX_C ? sp->C : CS_STEP_MAX_C;
    L->H = sp->H, L->W = sp->W, L->K = sp->K, L->S = sp->S, L->P = sp->P, L->OH = sp->OH, L->OW = sp->OW;
    const float gap = SU(c, 6), line = SLINE(c, CS_FONT_NORMAL), W = (float)win_w;
    top_lines(L, c);
    L->status = (cs_rect){0, (float)win_h - line - SU(c, 6), W, line + SU(c, 6)};
    const float y0 = L->top.h + gap * 0.5f, y1 = L->status.y - gap * 0.5f, main_h = y1 - y0;
    const float hw = roundf(W * 0.92f), hh = roundf((float)win_h * 0.92f);
    L->help = (cs_rect){roundf((W - hw) * 0.5f), roundf(((float)win_h - hh) * 0.5f), hw, hh};
    if (main_h < 4 * line) return 0;
    const float eq_min = L->pad + line + 3 * SLINE(c, CS_FONT_MONO) + SLINE(c, CS_FONT_BIG) + 2 * L->pad;
    float used = 0;
    if (!(hidden & CS_STEP_STACKED)) {
        /* left column: the input above, the output map below; right: the grids, the sum below */
        const float left_w = roundf(W * 0.3f), in_h = floorf((main_h - gap) * 0.5f);
        if (!input_panel(L, c, (cs_rect){gap, y0, left_w, in_h})) return 0;
        if (!output_panel(L, c, (cs_rect){gap, y0 + in_h + gap, left_w, y1 - (y0 + in_h + gap)})) return 0;
        const float rx = gap + left_w + gap, rw = W - rx - gap;
        if (!grids_panel(L, c, (cs_rect){rx, y0, rw, 0}, main_h - gap - eq_min, &used)) return 0;
        const float ey = y0 + used + gap;
        return eq_panel(L, c, (cs_rect){rx, ey, rw, y1 - ey});
    }
    /* stacked: the grids across the window, then the input, the output and the sum side by side
     * (or the sum alone) */
    const int images = !(hidden & CS_STEP_HIDE_IMAGES);
    /* with the images under them, the grids keep to 55% of the height so the images stay visible */
    const float grids_max = images ? fminf(main_h - gap - eq_min, roundf(main_h * 0.55f)) : main_h - gap - eq_min;
    if (!grids_panel(L, c, (cs_rect){gap, y0, W - 2 * gap, 0}, grids_max, &used)) return 0;
    const float ry = y0 + used + gap, rh = y1 - ry;
    if (!images) return eq_panel(L, c, (cs_rect){gap, ry, W - 2 * gap, rh});
    const float pw = floorf((W - 4 * gap) * 0.25f);
    if (!input_panel(L, c, (cs_rect){gap, ry, pw, rh})) return 0;
    if (!output_panel(L, c, (cs_rect){2 * gap + pw, ry, pw, rh})) return 0;
    const float ex = 3 * gap + 2 * pw;
    return eq_panel(L, c, (cs_rect){ex, ry, W - gap - ex, rh});
}

void cs_step_layout_compute(cs_step_layout *L, int win_w, int win_h, float user_scale, int present,
                            const cs_measure *m, const cs_stepper *sp)
{
    cs_step_layout_compute_in(L, win_w, win_h, win_h, user_scale, present, m, sp);
}

void cs_step_layout_compute_in(cs_step_layout *L, int win_w, int win_h, int style_h, float user_scale, int present,
                               const cs_measure *m, const cs_stepper *sp)
{
    static const int tiers[] = {0, CS_STEP_STACKED, CS_STEP_STACKED | CS_STEP_HIDE_IMAGES};
    cs_style st;
    cs_style_make(&st, win_w, style_h > 0 ? style_h : win_h, user_scale, present);
    const float floor_s = cs_style_floor(&st);
    const sctx c = {&st, m, sp};
    for (float s = st.scale;; s = fmaxf(floor_s, s * 0.92f)) {
        cs_style_at(&st, s);
        for (int t = 0; t < 3; t++) {
            L->win_w = win_w, L->win_h = win_h;
            if (step_try(L, &c, tiers[t])) return;
        }
        if (s <= floor_s) break;
    }
    /* a view above a lesson's band with the whole window's type does not fit: its own height's */
    if (style_h > win_h) {
        cs_step_layout_compute_in(L, win_w, win_h, 0, user_scale, present, m, sp);
        return;
    }
    L->win_w = win_w, L->win_h = win_h;
    step_try(L, &c, tiers[2]);
}

void cs_step_layout_split_output(cs_step_layout *L)
{
    const float s = L->scale, pad = L->pad, sep = roundf(8 * s);
    const cs_rect a = L->output_area, p = L->output_panel;
    /* the room the heat map had: from the panel's inner left edge to the colour bar, and down to
     * the caption's place at the panel's bottom */
    const float x0 = p.x + pad, room_w = L->output_cbar.x - sep - x0;
    const float room_h = p.y + p.h - pad - L->output_caption.h - pad * 0.5f - a.y;
    /* side by side, or the grey picture under the heat map: whichever gives larger cells */
    const float side = fminf((room_w - sep) * 0.5f / (float)L->OW, room_h / (float)L->OH);
    const float stacked = fminf(room_w / (float)L->OW, (room_h - sep) * 0.5f / (float)L->OH);
    float cell = fmaxf(side, stacked);
    if (cell >= 1) cell = floorf(cell);
    const float w = cell * (float)L->OW, h = cell * (float)L->OH;
    L->out_cell = cell;
    if (side >= stacked) {
        L->output_area = (cs_rect){floorf(x0 + 0.5f * (room_w - 2 * w - sep)), a.y, w, h};
        L->output_grey = (cs_rect){L->output_area.x + w + sep, a.y, w, h};
    } else {
        L->output_area = (cs_rect){floorf(x0 + 0.5f * (room_w - w)), a.y, w, h};
        L->output_grey = (cs_rect){L->output_area.x, a.y + h + sep, w, h};
    }
    const float used_h = L->output_grey.y + h - a.y;
    L->output_caption.y = a.y + fmaxf(used_h, L->output_cbar.h) + pad * 0.5f;
}

int cs_step_hit_input(const cs_step_layout *L, float px, float py, int *iy, int *ix)
{
    if (!cs_rect_contains(L->input_area, px, py) || L->in_cell <= 0) return 0;
    int y = (int)((py - L->input_area.y) / L->in_cell), x = (int)((px - L->input_area.x) / L->in_cell);
    const int rows = L->H + 2 * L->P, cols = L->W + 2 * L->P;
    if (y >= rows) y = rows - 1;
    if (x >= cols) x = cols - 1;
    *iy = y - L->P, *ix = x - L->P;
    return 1;
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

void cs_step_pos_for_pixel(const cs_step_layout *L, int iy, int ix, int *oy, int *ox)
{
    /* the window's top-left is o * S - P; centred on the pixel it is pixel - (K - 1) / 2 */
    const double half = 0.5 * (double)(L->K - 1);
    *oy = clampi((int)floor(((double)iy - half + L->P) / L->S + 0.5), 0, L->OH - 1);
    *ox = clampi((int)floor(((double)ix - half + L->P) / L->S + 0.5), 0, L->OW - 1);
}

int cs_step_hit_output(const cs_step_layout *L, float px, float py, int *oy, int *ox)
{
    if (!cs_rect_contains(L->output_area, px, py) || L->out_cell <= 0) return 0;
    *oy = clampi((int)((py - L->output_area.y) / L->out_cell), 0, L->OH - 1);
    *ox = clampi((int)((px - L->output_area.x) / L->out_cell), 0, L->OW - 1);
    return 1;
}

int cs_step_hit_kernel(const cs_step_layout *L, float px, float py, int *c, int *ky, int *kx)
{
    for (int ch = 0; ch < L->C; ch++) {
        const cs_rect r = L->grid[CS_STEP_GRID_KERNEL][ch];
        if (!cs_rect_contains(r, px, py)) continue;
        *c = ch;
        *ky = clampi((int)((py - r.y) / L->cell_h), 0, L->K - 1);
        *kx = clampi((int)((px - r.x) / L->cell_w), 0, L->K - 1);
        return 1;
    }
    return 0;
}

cs_rect cs_step_input_cell(const cs_step_layout *L, int iy, int ix)
{
    return (cs_rect){L->input_area.x + (float)(ix + L->P) * L->in_cell, L->input_area.y + (float)(iy + L->P) * L->in_cell,
                     L->in_cell, L->in_cell};
}

cs_rect cs_step_output_cell(const cs_step_layout *L, int oy, int ox)
{
    return (cs_rect){L->output_area.x + (float)ox * L->out_cell, L->output_area.y + (float)oy * L->out_cell, L->out_cell,
                     L->out_cell};
}

cs_rect cs_step_grid_cell(const cs_step_layout *L, int g, int c, int ky, int kx)
{
    const cs_rect r = L->grid[g][c];
    return (cs_rect){r.x + (float)kx * L->cell_w, r.y + (float)ky * L->cell_h, L->cell_w, L->cell_h};
}

cs_rect cs_step_window_rect(const cs_step_layout *L, int oy, int ox)
{
    cs_rect r = cs_step_input_cell(L, oy * L->S - L->P, ox * L->S - L->P);
    r.w = r.h = L->in_cell * (float)L->K;
    return r;
}

/* ---- numbers and the equation ----------------------------------------------------------- */

int cs_step_utf8_len(const char *s) { return cs_utf8_len(s); }

/* East Asian wide and fullwidth code points (UAX #11): two columns of a monospaced line. */
static int wide(unsigned long cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

int cs_step_text_cols(const char *s)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned long cp = *p;
        int n = cp < 0x80 ? 0 : (cp & 0xE0) == 0xC0 ? 1 : (cp & 0xF0) == 0xE0 ? 2 : (cp & 0xF8) == 0xF0 ? 3 : 0;
        if (n) cp &= 0x3Fu >> n;
        p++;
        for (int i = 0; i < n && (*p & 0xC0) == 0x80; i++, p++) cp = (cp << 6) | (*p & 0x3F);
        cols += wide(cp) ? 2 : 1;
    }
    return cols;
}

int cs_step_fmt(char *buf, size_t size, float v) { return cs_fmt_sig(buf, size, v, 3); }

int cs_step_fmt_sig(char *buf, size_t size, float v, int sig) { return cs_fmt_sig(buf, size, v, sig); }

/* A growing text of lines with a column count per line. */
typedef struct {
    char *out;
    size_t size, len;
    int lines, col, full;
} writer;

static void w_put(writer *w, const char *s)
{
    const size_t n = strlen(s);
    if (w->full || w->len + n + 1 > w->size) {
        w->full = 1;
        return;
    }
    memcpy(w->out + w->len, s, n + 1);
    w->len += n;
    w->col += cs_step_text_cols(s);
}

static void w_newline(writer *w)
{
    w_put(w, "\n");
    w->col = 0;
    w->lines++;
}

static const char *chan_name(int C, int c, char *buf, size_t size)
{
    static const char *const rgb[3] = {"R", "G", "B"};
    if (C == 3) return rgb[c];
    snprintf(buf, size, "c%d", c);
    return buf;
}

static const char *const INDENT = "      "; /* under the first term, after "sum = " */

/* ---- a sum that checks ---------------------------------------------------------------------- */

/* The value a number written by cs_step_fmt_sig stands for (its U+2212 minus and k/M/G read back),
 * so sums are checked on what the reader sees. */
static double written_value(const char *s)
{
    char buf[64];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 1 < sizeof buf; p++) {
        if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92) buf[o++] = '-', p += 2;
        else buf[o++] = (char)*p;
    }
    buf[o] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end == 'k') v *= 1e3;
    else if (*end == 'M') v *= 1e6;
    else if (*end == 'G') v *= 1e9;
    return v;
}

static double written(float v, int sig)
{
    char b[40];
    cs_step_fmt_sig(b, sizeof b, v, sig);
    return written_value(b);
}

/* Digits for a decimal sum so that it checks on a calculator: the terms' numbers (window values
 * and weights) with *term_sig significant digits, multiplied and added as written, come within
 * half a unit of one more digit than the total shows, written with *total_sig digits. The fewest
 * digits that do (3 to 7 each; 7 and 7 when none do, float noise). target is the stepper's sum of
 * the first n terms. */
static void digits_that_check(const cs_stepper *st, int n, float target, int *term_sig, int *total_sig)
{
    double mag = fabs((double)target);
    for (int t = 0; t < n; t++) mag = fmax(mag, fabs((double)st->products[t]) * 1e-3);
    for (int ts = 3; ts <= 7; ts++) {
        const double shown = written(target, ts);
        const double tol = mag > 0 ? 0.5 * pow(10.0, floor(log10(mag)) - ts) : 0.0;
        for (int sig = 3; sig <= 7; sig++) {
            double sum = 0;
            for (int t = 0; t < n; t++)
                if (st->products[t] != 0.0f) sum += written(st->window[t], sig) * written(st->kernel[t], sig);
            if (fabs(sum - shown) <= tol) {
                *term_sig = sig, *total_sig = ts;
                return;
            }
        }
    }
    *term_sig = *total_sig = 7;
}

/* The stepper's fraction form as text: "1/9". */
static void fraction_text(char *buf, size_t size, long num, int den)
{
    char n[32];
    snprintf(n, sizeof n, "%ld", num);
    char t[64];
    snprintf(t, sizeof t, "%s/%d", n, den);
    cs_fmt_minus(buf, size, t);
}

/* The terms to write: the first st->term, the non-zero ones and the newest while the sum grows. */
static int term_written(const cs_stepper *st, int t)
{
    return st->products[t] != 0.0f || (st->term < st->n_terms && t == st->term - 1);
}

/* A fraction-form kernel's numerator shared by every written term (the box's 1: factored out as
 * "1/9 × (...)"), or 0 when they differ (then "1/16 × (1×255 + 2×255 + ...)"). */
static long common_numerator(const cs_stepper *st)
{
    long common = 0;
    for (int t = 0; t < st->term; t++) {
        if (!term_written(st, t) || st->kernel[t] == 0.0f) continue;
        const long n = cs_stepper_numerator(st, t);
        if (common == 0) common = n;
        else if (n != common) return 0;
    }
    return common ? common : 1;
}

/* One written term: "(50×30)" (decimals), or in fraction form "255" (a shared numerator) or
 * "2×255". */
static void term_text(char *piece, size_t size, const cs_stepper *st, int t, int sig, long common)
{
    char a[40], b[40];
    cs_step_fmt_sig(a, sizeof a, st->window[t], sig);
    if (st->frac_den > 1) {
        if (common) {
            snprintf(piece, size, "%s", a);
        } else {
            char tmp[96];
            snprintf(tmp, sizeof tmp, "%ld\u00D7%s", cs_stepper_numerator(st, t), a);
            cs_fmt_minus(piece, size, tmp);
        }
        return;
    }
    cs_step_fmt_sig(b, sizeof b, st->kernel[t], sig);
    snprintf(piece, size, "(%s\u00D7%s)", a, b);
}

/* The terms written; when they run out of term_lines, "+ ... (N more)". Returns how many. */
static int write_terms(writer *w, const cs_stepper *st, int cols, int term_lines, int n_written, int *unwritten, int sig,
                       long common)
{
    int written_n = 0;
    char piece[160], body[128], more[64];
    for (int t = 0; t < st->term && written_n < n_written; t++) {
        if (!term_written(st, t)) continue;
        term_text(body, sizeof body, st, t, sig, common);
        snprintf(piece, sizeof piece, "%s%s", written_n ? " + " : "", body);
        const int pw = cs_step_text_cols(piece);
        const int last_piece = written_n == n_written - 1;
        snprintf(more, sizeof more, _(" + \u2026 (%d more)"), n_written - written_n);
        const int more_w = cs_step_text_cols(more);
        const int reserve = w->lines >= term_lines && !last_piece ? more_w : 0;
        if (w->col + pw + reserve > cols) {
            if (w->lines >= term_lines) {
                /* out of lines: say how many terms are left unwritten */
                w_put(w, more);
                if (unwritten) *unwritten = n_written - written_n;
                break;
            }
            w_newline(w);
            w_put(w, INDENT);
            snprintf(piece, sizeof piece, "+ %s", body);
        }
        w_put(w, piece);
        written_n++;
    }
    return written_n;
}

/* A number with up to 6 significant digits and no trailing zeros ("170", "170.111"), with the
 * minus sign: a fraction form's exact result. */
static void exact_text(char *buf, size_t size, double v)
{
    char t[64];
    snprintf(t, sizeof t, "%.6g", v);
    if (strchr(t, 'e')) cs_step_fmt_sig(buf, size, (float)v, 6);
    else cs_fmt_minus(buf, size, t);
}

/* The closing part: the total (or the running sum), for a fraction form "= 1/9 × 1530 = 170", and
 * a note on what was left out, on the line or the next one while lines remain (max_lines). */
static void write_closing(writer *w, const cs_stepper *st, int cols, int max_lines, int written_n, int n_written,
                          int zeros, int total_sig, long common)
{
    const int shown = st->term, total = st->n_terms, growing = shown < total, need_chan = st->C > 1;
    const float value = growing ? st->partial : st->sum;
    char val[48], close[240], note[160] = "";
    if (st->frac_den > 1 && n_written > 0) {
        /* the bracket is added in whole numbers: it checks by hand */
        const long factor = common ? common : 1;
        double bracket = 0;
        for (int t = 0; t < shown; t++)
            if (st->products[t] != 0.0f)
                bracket += (double)(common ? 1 : cs_stepper_numerator(st, t)) * (double)st->window[t];
        char fr[48], br[48];
        fraction_text(fr, sizeof fr, factor, st->frac_den);
        exact_text(br, sizeof br, bracket);
        exact_text(val, sizeof val, bracket * (double)factor / st->frac_den);
        snprintf(close, sizeof close, ") = %s \u00D7 %s = %s%s", fr, br, val, growing ? _(" so far") : "");
    } else {
        cs_step_fmt_sig(val, sizeof val, value, total_sig);
        if (shown == 0) snprintf(close, sizeof close, "\u2026");
        else if (n_written == 0) snprintf(close, sizeof close, "%s", val);
        else snprintf(close, sizeof close, "= %s%s", val, growing ? _(" so far") : "");
    }
    if (shown == 0) snprintf(note, sizeof note, _("(no terms yet: 0 of %d)"), total);
    else if (n_written == 0) snprintf(note, sizeof note, _("(all %d terms are zero)"), total);
    else if (growing && zeros) snprintf(note, sizeof note, _("(%d of %d terms; %d zero, not shown)"), shown, total, zeros);
    else if (growing) snprintf(note, sizeof note, _("(%d of %d terms)"), shown, total);
    else if (zeros > 0)
        snprintf(note, sizeof note,
                 P_("(%d of the %d terms is zero and not shown)", "(%d of the %d terms are zero and not shown)",
                    (unsigned long)zeros),
                 zeros, total);
    /* a narrow panel gets the short form of the note, or none */
    if (6 + cs_step_text_cols(note) > cols) {
        if (zeros > 0 && !growing && n_written > 0)
            snprintf(note, sizeof note, P_("(%d zero term)", "(%d zero terms)", (unsigned long)zeros), zeros);
        if (6 + cs_step_text_cols(note) > cols) note[0] = '\0';
    }
    const int cw = cs_step_text_cols(close), nw = cs_step_text_cols(note);
    const int glued = close[0] == ')'; /* a fraction form's bracket closes right after its last term */
    if (w->col + 1 + cw <= cols) {
        if (written_n && !glued) w_put(w, " "); /* "sum = " ends in one already */
        w_put(w, close);
    } else if (w->lines < max_lines - need_chan) {
        w_newline(w);
        w_put(w, INDENT);
        w_put(w, close);
    }
    if (nw) {
        if (w->col + 4 + nw <= cols) {
            w_put(w, "    ");
            w_put(w, note);
        } else if (w->lines < max_lines - need_chan) {
            w_newline(w);
            w_put(w, INDENT);
            w_put(w, note);
        }
    }
}

/* Several channels: each channel's partial sum before the total, on a line of its own. */
static void write_channels(writer *w, const cs_stepper *st, int cols)
{
    const int shown = st->term, growing = shown < st->n_terms;
    char val[40], piece[128];
    w_newline(w);
    w_put(w, growing ? _("channels so far: ") : _("channels: "));
    for (int c = 0; c < st->C; c++) {
        const int kk = st->K * st->K;
        float cs = 0;
        if (growing) {
            for (int t = c * kk; t < shown && t < (c + 1) * kk; t++) cs += st->products[t];
        } else {
            cs = st->channel_sums[c];
        }
        char nb[16];
        cs_step_fmt(val, sizeof val, cs);
        snprintf(piece, sizeof piece, "%s%s %s", c ? " + " : "", chan_name(st->C, c, nb, sizeof nb), val);
        if (w->col + cs_step_text_cols(piece) > cols) {
            w_put(w, " \u2026");
            break;
        }
        w_put(w, piece);
    }
    cs_step_fmt(val, sizeof val, growing ? st->partial : st->sum);
    snprintf(piece, sizeof piece, " = %s", val);
    if (w->col + cs_step_text_cols(piece) <= cols) w_put(w, piece);
}

int cs_step_equation(const cs_stepper *st, int cols, int max_lines, char *out, size_t size, int *unwritten)
{
    if (unwritten) *unwritten = 0;
    if (!out || size < 2 || max_lines < 1) return 0;
    out[0] = '\0';
    if (cols < 24) cols = 24;
    writer w = {out, size, 0, 1, 0, 0};
    const int shown = st->term, need_chan = st->C > 1;
    int term_lines = max_lines - 1 - need_chan;
    if (term_lines < 1) term_lines = 1;
    int n_written = 0, zeros = 0;
    for (int t = 0; t < shown; t++) {
        if (term_written(st, t)) n_written++;
        else zeros++;
    }
    int sig = 3, total_sig = 3;
    long common = 0;
    w_put(&w, "sum = ");
    if (st->frac_den > 1 && n_written > 0) {
        /* the fraction factored out: 1/9 × (255 + 255 + …) */
        char fr[48];
        common = common_numerator(st);
        fraction_text(fr, sizeof fr, common ? common : 1, st->frac_den);
        w_put(&w, fr);
        w_put(&w, " \u00D7 (");
        /* window values as they are: integers for image files; the probe's floats to 6 digits */
        sig = 6;
    } else {
        digits_that_check(st, shown, shown < st->n_terms ? st->partial : st->sum, &sig, &total_sig);
    }
    const int written_n = write_terms(&w, st, cols, term_lines, n_written, unwritten, sig, common);
    write_closing(&w, st, cols, max_lines, written_n, n_written, zeros, total_sig, common);
    if (need_chan && w.lines < max_lines) write_channels(&w, st, cols);
    return w.lines;
}

/* The text of kernel weight t as the step view's kernel grid writes it: "1/9" or "2/16" for a
 * kernel given as fractions, else the number (cs_step_fmt_sig with sig digits). */
int cs_step_weight_text(char *buf, size_t size, const cs_stepper *st, int t, int sig)
{
    if (st->frac_den > 1) {
        const long n = cs_stepper_numerator(st, t);
        if (n == 0) snprintf(buf, size, "0");
        else fraction_text(buf, size, n, st->frac_den);
        return cs_step_utf8_len(buf);
    }
    return cs_step_fmt_sig(buf, size, st->kernel[t], sig);
}

int cs_step_result(const cs_stepper *st, char *out, size_t size)
{
    char sum[40], bias[40], val[40], pre[40];
    if (st->term < st->n_terms) {
        cs_step_fmt(sum, sizeof sum, st->partial);
        snprintf(out, size, _("so far: %s   (%d of %d terms)"), sum, st->term, st->n_terms);
        return cs_step_text_cols(out);
    }
    cs_step_fmt(sum, sizeof sum, st->sum);
    cs_step_fmt(bias, sizeof bias, st->bias);
    cs_step_fmt(val, sizeof val, st->value);
    cs_step_fmt(pre, sizeof pre, st->pre);
    /* a negative bias reads better as a subtraction */
    const int neg = st->bias < 0;
    if (neg) cs_step_fmt(bias, sizeof bias, -st->bias);
    if (st->act == CS_STEPPER_ACT_RELU)
        snprintf(out, size, "relu(%s %s %s) = relu(%s) = %s", sum, neg ? "\u2212" : "+", bias, pre, val);
    else
        snprintf(out, size, "%s %s %s = %s", sum, neg ? "\u2212" : "+", bias, val);
    return cs_step_utf8_len(out);
}

/* ---- the top lines, as the view writes them and the layout measures them ------------------- */

void cs_step_label_geometry(char *buf, size_t size, int S, int P, const char *bias, int relu, int OW, int OH)
{
    snprintf(buf, size, _("stride %d   pad %d   bias %s   ReLU %s   \u2192   output %d\u00D7%d"), S, P, bias,
             relu ? C_("ReLU", "on") : C_("ReLU", "off"), OW, OH);
}

void cs_step_label_info(char *buf, size_t size, int ox, int oy, int ix0, int ix1, int iy0, int iy1, int done, int total)
{
    snprintf(buf, size, _("position x %d, y %d  (window: input columns %d\u2013%d, rows %d\u2013%d)     %d of %d outputs computed"),
             ox, oy, ix0, ix1, iy0, iy1, done, total);
}

void cs_step_label_speed(char *buf, size_t size, int playing, const char *speed)
{
    snprintf(buf, size, _("%s   speed: %s"), playing ? _("\u25B6 playing") : _("paused"), speed);
}
