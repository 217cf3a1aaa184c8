/* cs_bp_layout.c - the backprop view's boxes, cell grids and hit tests (see cs_bp_layout.h). */
#include "cs_bp_layout.h"

#include "cs_i18n.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *cs_bp_button_label(int b, int playing)
{
    switch (b) {
    case CS_BP_BTN_BACK: return _("\u25C0 back");
    case CS_BP_BTN_NEXT: return _("next \u25B6");
    case CS_BP_BTN_PLAY: return playing ? _("pause") : _("autoplay");
    case CS_BP_BTN_SLOWER: return _("slower");
    case CS_BP_BTN_FASTER: return _("faster");
    case CS_BP_BTN_TRAIN: return _("training view");
    default: return "";
    }
}

static float width(const cs_measure *m, cs_font_id f, int px, const char *s)
{
    return m->width(m->ctx, cs_font_face(f), px, s);
}

/* The frame's boxes at style st; 1 when everything fits at the minimum size. */
static int try_layout(cs_bp_layout *L, const cs_measure *m, int n_classes)
{
    const cs_style *st = &L->st;
    const float W = (float)L->win_w, H = (float)L->win_h;
    const float pad = L->pad = fmaxf(4, cs_style_u(st, 8));
    const float title_h = cs_text_box_h(st->px[CS_FONT_BIG]) + 2;
    const float note_h = 2 * cs_text_pitch(st->px[CS_FONT_NORMAL]);
    const float btn_h = cs_text_box_h(st->px[CS_FONT_NORMAL]) + 2 * cs_style_u(st, 5);
    const float status_h = cs_text_box_h(st->px[CS_FONT_SMALL]) + 2;
    float y = pad;
    L->title = (cs_rect){pad, y, W - 2 * pad, title_h};
    y += title_h + pad * 0.5f;
    L->note = (cs_rect){pad, y, W - 2 * pad, note_h};
    y += note_h + pad;
    const float status_y = H - pad * 0.5f - status_h;
    const float btn_y = status_y - pad * 0.5f - btn_h;
    L->status = (cs_rect){pad, status_y, W - 2 * pad, status_h};
    L->main = (cs_rect){pad, y, W - 2 * pad, btn_y - pad - y};
    /* the buttons: as wide as their labels need at the normal size, left to right */
    const float bpad = cs_style_u(st, 10);
    float x = pad;
    int ok = 1;
    for (int b = 0; b < CS_BP_BTN_COUNT; b++) {
        float w = width(m, CS_FONT_NORMAL, st->px[CS_FONT_NORMAL], cs_bp_button_label(b, 0));
        if (b == CS_BP_BTN_PLAY) w = fmaxf(w, width(m, CS_FONT_NORMAL, st->px[CS_FONT_NORMAL], cs_bp_button_label(b, 1)));
        w = ceilf(w + 2 * bpad);
        if (b == CS_BP_BTN_TRAIN) x = fmaxf(x + pad, W - pad - w); /* training view at the right end */
        L->buttons[b] = (cs_rect){x, btn_y, w, btn_h};
        x += w + pad * 0.5f;
        if (x > W - pad + 0.5f) ok = 0;
    }
    L->help = cs_rect_inset((cs_rect){0, 0, W, H}, pad * 2);
    /* the tables of phases 2, 3 and 7: a header, one row per class and the sum at the minimum size */
    const float rows_h = (float)(n_classes + 3) * cs_text_pitch(st->min_px) * 1.15f;
    if (L->main.h < rows_h || L->main.h < 0.3f * H) ok = 0;
    /* the title's shortest wording at the minimum size */
    char shortest[160];
    snprintf(shortest, sizeof shortest, _("Phase %d of 7 \u00B7 %s"), 4, C_("backprop phase", "map-gradients"));
    if (width(m, CS_FONT_BIG, st->min_px, shortest) > L->title.w) ok = 0;
    return ok;
}

void cs_bp_layout_compute(cs_bp_layout *L, int win_w, int win_h, int style_h, float user_scale, int present,
                          const cs_measure *m, int n_classes)
{
    memset(L, 0, sizeof *L);
    L->win_w = win_w, L->win_h = win_h;
    cs_style_make(&L->st, win_w, style_h > 0 ? style_h : win_h, user_scale, present);
    const float floor_s = cs_style_floor(&L->st);
    for (float s = L->st.scale;; s = fmaxf(floor_s, s * 0.92f)) {
        cs_style_at(&L->st, s);
        if (try_layout(L, m, n_classes) || s <= floor_s) break;
    }
}

cs_bp_cells cs_bp_cells_fit(cs_rect area, int rows, int cols, float max_cell)
{
    cs_bp_cells g = {{area.x, area.y, 0, 0}, rows, cols, 0};
    if (rows <= 0 || cols <= 0 || area.w <= 0 || area.h <= 0) return g;
    float c = fminf(area.w / (float)cols, area.h / (float)rows);
    if (max_cell > 0) c = fminf(c, max_cell);
    if (c >= 1) c = floorf(c);
    g.cell = c;
    g.r = (cs_rect){floorf(area.x + 0.5f * (area.w - c * (float)cols)), area.y, c * (float)cols, c * (float)rows};
    return g;
}

cs_rect cs_bp_cell(const cs_bp_cells *g, int row, int col)
{
    return (cs_rect){g->r.x + (float)col * g->cell, g->r.y + (float)row * g->cell, g->cell, g->cell};
}

int cs_bp_cells_hit(const cs_bp_cells *g, float px, float py, int *row, int *col)
{
    if (g->cell <= 0 || !cs_rect_contains(g->r, px, py)) return 0;
    int r = (int)((py - g->r.y) / g->cell), c = (int)((px - g->r.x) / g->cell);
    if (r >= g->rows) r = g->rows - 1;
    if (c >= g->cols) c = g->cols - 1;
    *row = r, *col = c;
    return 1;
}

void cs_bp_filter_layout_compute(cs_bp_filter_layout *F, const cs_bp_layout *L, const cs_measure *m, int C, int K,
                                 int n_filters)
{
    memset(F, 0, sizeof *F);
    const cs_style *st = &L->st;
    const cs_rect a = L->main;
    const float pad = L->pad, line = cs_text_box_h(st->px[CS_FONT_NORMAL]) + 2;
    /* left: the filters (a fifth of the width), middle: the chosen one's numbers, right: the sum */
    const float left_w = floorf(a.w * 0.18f);
    F->filters_title = (cs_rect){a.x, a.y, left_w, line};
    F->filters = (cs_rect){a.x, a.y + line + pad * 0.5f, left_w, a.h - line - pad * 0.5f};
    F->tiles = cs_grid_fit(F->filters, n_filters, K, K, fmaxf(2, pad * 0.5f), 0);
    /* a number at the minimum size: "-0.0012" in mono */
    const float num_w = width(m, CS_FONT_MONO, st->min_px, "\u22120.0012") + 4;
    const float mid_x = a.x + left_w + pad * 2;
    float mid_w = floorf(a.w * 0.40f);
    const float cell_need = num_w;
    /* wide enough for numbers when the room allows it */
    if (mid_w < cell_need * (float)K && a.w * 0.55f >= cell_need * (float)K) mid_w = cell_need * (float)K;
    F->grid_title = (cs_rect){mid_x, a.y, mid_w, line};
    const float gy = a.y + line + pad * 0.5f, gh = a.h - line - pad * 0.5f;
    /* fewer channels before cells too small for their numbers */
    for (int shown = C < 4 ? C : 4; shown >= 1; shown--) {
        const float each_h = (gh - pad * (float)(shown - 1)) / (float)shown;
        for (int c = 0; c < 4; c++)
            F->grid[c] = c < shown ? cs_bp_cells_fit((cs_rect){mid_x, gy + (float)c * (each_h + pad), mid_w, each_h}, K, K,
                                                     cs_style_u(st, 90))
                                   : (cs_bp_cells){{0, 0, 0, 0}, 0, 0, 0};
        F->shown = shown;
        F->numbers = F->grid[0].cell >= cell_need && F->grid[0].cell >= cs_text_box_h(st->min_px);
        if (F->numbers) break;
    }
    const float sx = mid_x + mid_w + pad * 2;
    F->sum = (cs_rect){sx, a.y, a.x + a.w - sx, a.h};
}

int cs_bp_filter_hit(const cs_bp_filter_layout *F, int C, int K, float px, float py, int *filter, int *c, int *i, int *j)
{
    const int t = cs_grid_hit(&F->tiles, px, py, 1, 1, NULL, NULL);
    if (t >= 0) {
        *filter = t;
        return 1;
    }
    (void)C;
    for (int ch = 0; ch < F->shown; ch++) {
        int r, col;
        if (cs_bp_cells_hit(&F->grid[ch], px, py, &r, &col) && r < K && col < K) {
            *c = ch, *i = r, *j = col;
            return 2;
        }
    }
    return 0;
}
