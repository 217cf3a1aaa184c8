/* cs_layout.c - panel geometry of the live window, click targets and receptive-field arithmetic
 * (see cs_layout.h).
 *
 * Sizes are written for a 1280x720 window and multiplied by the UI scale (cs_style), so the window
 * reads the same at 1920x1080 and on a projector with --scale; every box that holds text is made
 * from the text's measured width, and a layout that does not fit tries again with fewer panels,
 * then at a smaller scale. */
#include "cs_layout.h"
#include "cs_i18n.h"
#include "cs_labels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_rect_contains(cs_rect r, float px, float py)
{
    return px >= r.x && py >= r.y && px < r.x + r.w && py < r.y + r.h;
}

cs_rect cs_rect_inset(cs_rect r, float d)
{
    cs_rect o = {r.x + d, r.y + d, r.w - 2 * d, r.h - 2 * d};
    if (o.w < 0) o.w = 0;
    if (o.h < 0) o.h = 0;
    return o;
}

void cs_viz_layer_maps(const cs_snap_layer *L, int *n_maps, int *map_h, int *map_w)
{
    if (L->out_h == 1 && L->out_w == 1) {
        *n_maps = 1, *map_h = L->out_c, *map_w = 1;
    } else {
        *n_maps = L->out_c, *map_h = L->out_h, *map_w = L->out_w;
    }
}

cs_grid cs_grid_fit(cs_rect area, int n, int cell_w, int cell_h, float gap, int cols)
{
    cs_grid g = {area.x, area.y, 0, 0, gap, 1, 1, n};
    if (n <= 0 || cell_w <= 0 || cell_h <= 0 || area.w <= 0 || area.h <= 0) {
        g.n = n > 0 ? n : 0;
        return g;
    }
    float best = -1;
    int best_cols = 1;
    for (int c = cols > 0 ? cols : 1; c <= (cols > 0 ? cols : n); c++) {
        int r = (n + c - 1) / c;
        /* pixels per cell if c columns and r rows fill the area */
        float sw = (area.w - gap * (float)(c - 1)) / (float)(c * cell_w);
        float sh = (area.h - gap * (float)(r - 1)) / (float)(r * cell_h);
        float s = fminf(sw, sh);
        if (s > best) best = s, best_cols = c;
    }
    if (best < 0) best = 0;
    if (best >= 1) best = floorf(best); /* whole pixels per cell: crisp, equal cells */
    g.cols = best_cols;
    g.rows = (n + best_cols - 1) / best_cols;
    g.tile_w = best * (float)cell_w;
    g.tile_h = best * (float)cell_h;
    float used_w = g.tile_w * (float)g.cols + gap * (float)(g.cols - 1);
    float used_h = g.tile_h * (float)g.rows + gap * (float)(g.rows - 1);
    /* whole-pixel corners keep the cells crisp, unless rounding would leave the area */
    g.x = ceilf(area.x + 0.5f * (area.w - used_w));
    if (g.x + used_w > area.x + area.w) g.x = area.x + 0.5f * (area.w - used_w);
    g.y = ceilf(area.y);
    if (g.y + used_h > area.y + area.h) g.y = area.y;
    return g;
}

cs_rect cs_grid_tile(const cs_grid *g, int i)
{
    int r = i / g->cols, c = i % g->cols;
    return (cs_rect){g->x + (float)c * (g->tile_w + g->gap), g->y + (float)r * (g->tile_h + g->gap), g->tile_w,
                     g->tile_h};
}

int cs_grid_hit(const cs_grid *g, float px, float py, int cell_w, int cell_h, int *cy, int *cx)
{
    if (g->n <= 0 || g->tile_w <= 0 || g->tile_h <= 0) return -1;
    float fx = px - g->x, fy = py - g->y;
    if (fx < 0 || fy < 0) return -1;
    int c = (int)(fx / (g->tile_w + g->gap)), r = (int)(fy / (g->tile_h + g->gap));
    if (c >= g->cols || r >= g->rows) return -1;
    int i = r * g->cols + c;
    if (i >= g->n) return -1;
    cs_rect t = cs_grid_tile(g, i);
    if (!cs_rect_contains(t, px, py)) return -1;
    int y = (int)((py - t.y) / t.h * (float)cell_h), x = (int)((px - t.x) / t.w * (float)cell_w);
    if (cy) *cy = y < cell_h ? y : cell_h - 1;
    if (cx) *cx = x < cell_w ? x : cell_w - 1;
    return i;
}

/* Height a kernel section needs at px pixels per weight: its header and the rows of tiles. */
static float kern_need(const cs_snap_layer *C, int single, float width, float head, float gap, float px)
{
    const float tile = (float)C->k * px;
    const int per_row = (int)((width + gap) / (tile + gap));
    if (per_row < 1) return 1e9f;
    int rows;
    if (single) {
        rows = (C->out_c + per_row - 1) / per_row;
    } else {
        /* a row per filter, or a row per input channel: whichever fits in fewer rows */
        int a = C->in_c <= per_row ? C->out_c : 1 << 30, b = C->out_c <= per_row ? C->in_c : 1 << 30;
        rows = a < b ? a : b;
        if (rows == 1 << 30) return 1e9f;
    }
    return head + (float)rows * (tile + gap);
}

float cs_layout_scale(int win_w, int win_h, float user_scale) { return cs_style_window_scale(win_w, win_h, user_scale); }

const char *cs_layout_hidden_names(int h)
{
    static char buf[96];
    static const char *const names[] = {"buttons", "timeline", "deep-kernels", "kernels", "curves"};
    buf[0] = '\0';
    for (int i = 0; i < 5; i++)
        if (h & (1 << i)) snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? " " : "", names[i]);
    return buf;
}

const char *cs_layout_hidden_text(int h)
{
    static char buf[400];
    static const char *const names[] = {N_("the buttons"), N_("the timeline"), N_("deeper kernels"), N_("the kernels"),
                                        N_("the curves")};
    buf[0] = '\0';
    for (int i = 0; i < 5; i++)
        if (h & (1 << i))
            /* TRANSLATORS: between the names of panels left out to fit ("the buttons, the timeline") */
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? _(", ") : "", _(names[i]));
    return buf;
}

/* ---- the fitting context ------------------------------------------------------------------ */

typedef struct {
    const cs_layout_in *in;
    const cs_style *st;
    const cs_measure *m;
} lctx;

static float U(const lctx *c, float v) { return roundf(v * c->st->scale); }
static float LINE(const lctx *c, cs_font_id f) { return cs_style_line(c->st, f); }
/* width of s in role f at its size, and at the minimum size */
static float TW(const lctx *c, cs_font_id f, const char *s) { return c->m->width(c->m->ctx, cs_font_face(f), c->st->px[f], s); }
static float TMIN(const lctx *c, cs_font_id f, const char *s)
{
    return c->m->width(c->m->ctx, cs_font_face(f), c->st->min_px, s);
}

/* The control bar's pen: items flow left to right and wrap to a new row when the window is
 * too narrow for them. */
typedef struct {
    float x, y, h, gap, left, right;
    int rows;
} bar_pen;

static cs_rect bar_item(bar_pen *p, float w)
{
    if (p->x + w > p->right && p->x > p->left) p->x = p->left, p->y += p->h + p->gap, p->rows++;
    cs_rect r = {p->x, p->y, w, p->h};
    p->x += w + p->gap;
    return r;
}

/* The widest of n strings in role f. */
static float widest(const lctx *c, cs_font_id f, const char *const *s, int n)
{
    float w = 0;
    for (int i = 0; i < n; i++) w = fmaxf(w, TW(c, f, s[i]));
    return w;
}

/* Buttons (unless hidden), then the title and counters; 0 when the buttons need more than two rows. */
static int layout_bar(cs_layout *L, const lctx *c, int hide_buttons)
{
    const float pad = L->pad, W = (float)L->win_w;
    const float bh = fmaxf(U(c, 26), cs_text_box_h(c->st->px[CS_FONT_NORMAL]) + U(c, 8));
    const float bpad = U(c, 20), sep = U(c, 8);
    float y = pad;
    int ok = 1;
    if (!hide_buttons) {
        bar_pen pen = {pad, pad, bh, U(c, 6), pad, W - pad, 1};
        char fast[64], slow[64], slowest[64], rate[64];
        cs_label_speed(fast, sizeof fast, 0);
        cs_label_speed(slow, sizeof slow, 200);
        cs_label_speed(slowest, sizeof slowest, 0.2);
        cs_label_rate(rate, sizeof rate, "0.0001");
        const char *const pause[] = {cs_label_pause(0), cs_label_pause(1)}, *const speeds[] = {fast, slow, slowest};
        const char *const maps[] = {cs_label_maps_norm(0), cs_label_maps_norm(1), cs_label_maps_norm(2)};
        const char *const kerns[] = {cs_label_kernels_norm(0), cs_label_kernels_norm(1), cs_label_kernels_norm(2)};
        L->buttons[CS_BTN_PAUSE] = bar_item(&pen, widest(c, CS_FONT_NORMAL, pause, 2) + bpad);
        L->buttons[CS_BTN_STEP] = bar_item(&pen, TW(c, CS_FONT_NORMAL, C_("button", "Step")) + bpad);
        pen.x += sep;
        L->buttons[CS_BTN_SLOWER] = bar_item(&pen, fmaxf(U(c, 28), TW(c, CS_FONT_NORMAL, "\u2212") + bpad));
        L->speed_label = bar_item(&pen, widest(c, CS_FONT_NORMAL, speeds, 3) + U(c, 8));
        L->buttons[CS_BTN_FASTER] = bar_item(&pen, fmaxf(U(c, 28), TW(c, CS_FONT_NORMAL, "+") + bpad));
        pen.x += sep;
        L->lr_label = bar_item(&pen, TW(c, CS_FONT_NORMAL, rate) + U(c, 8));
        L->lr_slider = bar_item(&pen, U(c, 150));
        pen.x += sep;
        L->buttons[CS_BTN_RESTART] = bar_item(&pen, TW(c, CS_FONT_NORMAL, _("Restart")) + bpad);
        pen.x += sep;
        L->buttons[CS_BTN_MAPS_NORM] = bar_item(&pen, widest(c, CS_FONT_NORMAL, maps, 3) + bpad);
        L->buttons[CS_BTN_KERNELS_NORM] = bar_item(&pen, widest(c, CS_FONT_NORMAL, kerns, 3) + bpad);
        L->buttons[CS_BTN_BACKPROP] = bar_item(&pen, TW(c, CS_FONT_NORMAL, _("Backprop")) + bpad);
        L->buttons[CS_BTN_HELP] = bar_item(&pen, TW(c, CS_FONT_NORMAL, _("Help")) + bpad);
        ok = pen.rows <= 2;
        y = pen.y + bh + U(c, 4);
    }
    /* title and counters: one line when a typical pair fits, else two */
    const float line = LINE(c, CS_FONT_NORMAL), w = W - 2 * pad;
    char title[256], counters[512];
    cs_label_title(title, sizeof title, "article", "fashion-mnist", 12345);
    cs_label_counters(counters, sizeof counters);
    const float need = TW(c, CS_FONT_NORMAL, title) + TW(c, CS_FONT_NORMAL, counters) + U(c, 24);
    L->counter_lines = need <= w ? 1 : 2;
    L->counters = (cs_rect){pad, y, w, line * (float)L->counter_lines};
    L->top = (cs_rect){0, 0, W, L->counters.y + L->counters.h + U(c, 4)};
    return ok;
}

/* The predictions panel in r: a header, one row per class, then the output and truth vectors; 0
 * when the class rows cannot hold their text. */
static int layout_output(cs_layout *L, const lctx *c, cs_rect r)
{
    const cs_layout_in *in = c->in;
    const float pad = L->pad, pw = r.w - 2 * pad, x = r.x, w = r.w, y1 = r.y + r.h;
    const float line = LINE(c, CS_FONT_NORMAL), small = LINE(c, CS_FONT_SMALL);
    const float oy = r.y;
    L->output = r;
    L->out_header = (cs_rect){x + pad, oy + pad * 0.5f, pw, line};
    const int n = in->n_classes < CS_VIZ_MAX_CLASSES ? in->n_classes : CS_VIZ_MAX_CLASSES;
    L->out_rows = n;
    /* the vectors in mono: "output [ 0  0 .1 …]"; left out where even the minimum size is too wide */
    char vec[160];
    snprintf(vec, sizeof vec, "%s", cs_label_vector(0));
    const int shown = n < 10 ? n : 10;
    for (int i = 0; i < shown; i++) strcat(vec, i + 1 < shown ? " .5 " : " .5");
    strcat(vec, n > 10 ? "\u2026]" : "]");
    const float mono = LINE(c, CS_FONT_MONO);
    float vec_h = 2 * mono;
    if (TMIN(c, CS_FONT_MONO, vec) > pw) vec_h = 0;
    const float rows_top = L->out_header.y + line + pad * 0.5f;
    /* the vectors repeat the rows' numbers: left out before the class rows' text must shrink */
    if (vec_h > 0 && n > 0 && floorf((y1 - pad - vec_h - pad - rows_top) / (float)n) < small) vec_h = 0;
    L->out_vectors = (cs_rect){x + pad, y1 - pad - vec_h, vec_h > 0 ? pw : 0, vec_h};
    const float rows_h = (vec_h > 0 ? L->out_vectors.y - pad : y1 - pad) - rows_top;
    L->out_row_y = rows_top;
    /* rows up to 24 units (more when enlarged, where the text may grow with them) */
    L->out_row_h = n > 0 ? fminf(fmaxf(U(c, r.h > 0.8f * (float)L->win_h ? 48 : 24), small), floorf(rows_h / (float)n)) : 0;
    if (n > 0 && L->out_row_h < cs_text_box_h(c->st->min_px) + 1) return 0;
    /* columns: mark, name, bar with the value at its end, truth box; one text size for every row:
     * the largest (the small font, the big one when enlarged) at which the widest name, the value
     * and a bar of U(24), enough to compare, fit, so names are not cut while a bar is long */
    const int enlarged = r.h > 0.8f * (float)L->win_h;
    L->out_truth_w = fminf(U(c, 14), L->out_row_h - 2);
    const cs_face sans = cs_font_face(CS_FONT_SMALL);
    int px = c->st->px[enlarged ? CS_FONT_BIG : CS_FONT_SMALL];
    px = (int)fminf((float)px, fmaxf((float)c->st->min_px, floorf((L->out_row_h - 2) / 1.3f)));
    float names, mark_w, rest;
    for (;; px--) {
        names = 0;
        for (int i = 0; i < in->n_class_names && i < n; i++)
            names = fmaxf(names, c->m->width(c->m->ctx, sans, px, in->class_names[i]));
        if (in->n_class_names < n) names = fmaxf(names, c->m->width(c->m->ctx, sans, px, _("(no class)")));
        mark_w = c->m->width(c->m->ctx, sans, px, "\u2713") + U(c, 4);
        L->out_value_w = c->m->width(c->m->ctx, sans, px, enlarged ? "0.000" : "0.00") + U(c, 6);
        rest = mark_w + U(c, 4) + U(c, 24) + U(c, 6) + L->out_value_w + L->out_truth_w;
        if (names + rest <= pw || px <= c->st->min_px) break;
    }
    L->out_row_px = px;
    L->out_mark_x = x + pad;
    L->out_name_x = L->out_mark_x + mark_w;
    L->out_name_w = fminf(names + U(c, 4), pw - rest);
    L->out_truth_x = x + w - pad - L->out_truth_w;
    L->out_bar_x = L->out_name_x + L->out_name_w + U(c, 4);
    /* the bar, then its value in a column of its own (never over the bar's colour) */
    L->out_bar_w = L->out_truth_x - U(c, 6) - L->out_value_w - L->out_bar_x;
    /* a name may be cut, but not to nothing */
    return L->out_name_w >= TMIN(c, CS_FONT_SMALL, "abc\u2026") && L->out_bar_w >= U(c, 24) &&
           TMIN(c, CS_FONT_NORMAL, C_("shortest title", "Output")) <= pw;
}


/* Probe and output panels in the left column; 0 when the class rows cannot hold their text. */
static int layout_left(cs_layout *L, const lctx *c, float x, float w, float y0, float y1)
{
    const cs_layout_in *in = c->in;
    const float pad = L->pad, gap = U(c, 6), pw = w - 2 * pad, main_h = y1 - y0;
    const float line = LINE(c, CS_FONT_NORMAL), small = LINE(c, CS_FONT_SMALL);
    const float avail_img_h = main_h * 0.40f - line - small - 2 * pad;
    float cell = fminf(pw / (float)in->in_w, avail_img_h / (float)in->in_h);
    if (cell < 1) return 0;
    cell = floorf(cell);
    const float img_w = cell * (float)in->in_w, img_h = cell * (float)in->in_h;
    L->probe = (cs_rect){x, y0, w, pad + line + img_h + pad * 0.5f + small + pad};
    const float bw = fmaxf(U(c, 26), TW(c, CS_FONT_NORMAL, "\u25C0") + U(c, 10)), bhh = line;
    L->buttons[CS_BTN_PROBE_NEXT] = (cs_rect){x + w - pad - bw, y0 + pad * 0.5f, bw, bhh};
    L->buttons[CS_BTN_PROBE_PREV] = (cs_rect){L->buttons[CS_BTN_PROBE_NEXT].x - bw - U(c, 4), y0 + pad * 0.5f, bw, bhh};
    L->probe_title = (cs_rect){x + pad, y0 + pad * 0.5f, L->buttons[CS_BTN_PROBE_PREV].x - gap - (x + pad), line};
    L->probe_img = (cs_rect){floorf(x + 0.5f * (w - img_w)), y0 + pad + line + pad * 0.5f, img_w, img_h};
    L->probe_caption = (cs_rect){x + pad, L->probe_img.y + img_h + pad * 0.5f, pw, small};
    if (TMIN(c, CS_FONT_NORMAL, C_("shortest title", "Probe")) > L->probe_title.w) return 0;

    const float oy = L->probe.y + L->probe.h + gap;
    return layout_output(L, c, (cs_rect){x, oy, w, y1 - oy});
}

/* The network strip: one column per layer; 0 when a column cannot hold its name, shape or range. */
static int layout_strip(cs_layout *L, const lctx *c, float x, float w, float y0, float y1)
{
    const cs_layout_in *in = c->in;
    const int n = in->n_layers;
    const float pad = L->pad, line = LINE(c, CS_FONT_NORMAL), small = LINE(c, CS_FONT_SMALL);
    L->strip = (cs_rect){x, y0, w, y1 - y0};
    L->strip_title = (cs_rect){x + pad, y0 + pad * 0.5f, w - 2 * pad, line};
    L->strip_legend = (cs_rect){x + pad, y1 - pad - small, w - 2 * pad, small};
    const float col_top = y0 + pad + line, col_bottom = L->strip_legend.y - U(c, 4);
    L->n_cols = n;
    if (n <= 0) return 1;
    const float col_gap = U(c, 4), avail = w - 2 * pad - col_gap * (float)(n - 1);
    /* each column as wide as its own text needs at the minimum size, the rest shared equally;
     * a shape on one line where every column has room for it, else two ("8@" over "28x28") */
    float need[CS_SNAP_MAX_LAYERS], total = 0, col_x[CS_SNAP_MAX_LAYERS], col_w[CS_SNAP_MAX_LAYERS];
    char shape[64];
    const float range_w = TMIN(c, CS_FONT_SMALL, "\u22120.00") + U(c, 8);
    for (int l = 0; l < n; l++) {
        const cs_snap_layer *ly = &in->layers[l];
        snprintf(shape, sizeof shape, "%d\u00D7%d", ly->out_h, ly->out_w);
        need[l] = fmaxf(fmaxf(TMIN(c, CS_FONT_NORMAL, ly->name), TMIN(c, CS_FONT_SMALL, shape)), range_w);
        total += need[l];
    }
    if (total > avail) return 0;
    const float extra = floorf((avail - total) / (float)n);
    int narrow = 0;
    float cx = x + pad;
    for (int l = 0; l < n; l++) {
        const cs_snap_layer *ly = &in->layers[l];
        col_x[l] = floorf(cx), col_w[l] = floorf(need[l] + extra);
        cx += need[l] + extra + col_gap;
        snprintf(shape, sizeof shape, "%d@%d\u00D7%d", ly->out_c, ly->out_h, ly->out_w);
        if (TW(c, CS_FONT_SMALL, shape) > col_w[l]) narrow = 1;
    }
    L->narrow = narrow;
    const float head = line + (narrow ? 2 : 1) * small;
    for (int l = 0; l < n; l++) {
        cs_rect col = {col_x[l], col_top, col_w[l], col_bottom - col_top};
        L->col[l] = col;
        L->col_name[l] = (cs_rect){col.x, col.y, col.w, line};
        L->col_shape[l] = (cs_rect){col.x, col.y + line, col.w, (narrow ? 2 : 1) * small};
        const float cb_w = U(c, 5);
        L->col_cbar[l] = (cs_rect){col.x, col.y + col.h - 2 * small + U(c, 2), cb_w, 2 * small - U(c, 4)};
        L->col_range[l] = (cs_rect){col.x + cb_w + U(c, 3), col.y + col.h - 2 * small, col.w - cb_w - U(c, 3), 2 * small};
        L->col_maps[l] = (cs_rect){col.x + U(c, 2), col.y + head + U(c, 4), col.w - U(c, 4), col.h - head - 2 * small - U(c, 8)};
        if (L->col_maps[l].h < U(c, 12)) return 0;
        int nm, mh, mw;
        cs_viz_layer_maps(&in->layers[l], &nm, &mh, &mw);
        const float g = nm > 12 ? fmaxf(1, U(c, 2)) : U(c, 3);
        L->col_grid[l] = cs_grid_fit(L->col_maps[l], nm, mw, cs_layout_tile_cells(L, mh), g, 0);
    }
    return TMIN(c, CS_FONT_NORMAL, C_("shortest title", "Activation maps")) <= L->strip_title.w;
}

/* Every conv layer's kernels (only the first with CS_HIDE_DEEP) in inner; 0 when a section does
 * not fit at one pixel per weight. */
static int layout_kernels(cs_layout *L, const lctx *c, cs_rect inner, int first_only)
{
    const cs_snap_layer *layers = c->in->layers;
    const float s = L->scale;
    const float head = LINE(c, CS_FONT_SMALL);
    const float cbar_w = U(c, 10), sep = U(c, 6);
    L->kern_cbar_label_w = fmaxf(TW(c, CS_FONT_SMALL, "+0.000"), TW(c, CS_FONT_SMALL, "\u22120.000")) + U(c, 4);
    const float grid_w = inner.w - cbar_w - L->kern_cbar_label_w - sep;
    L->n_kern = 0;
    for (int l = 0; l < c->in->n_layers && L->n_kern < CS_SNAP_MAX_LAYERS; l++) {
        if (layers[l].kind != CS_LAYER_CONV) continue;
        if (first_only && L->n_kern == 1) break;
        int k = L->n_kern++;
        L->kern_layer[k] = l;
        /* the first conv layer of an RGB net shows each filter as one colour tile, like AlexNet's */
        L->kern_rgb[k] = layers[l].in_c == 3 && k == 0;
    }
    if (L->n_kern == 0) return 1;
    if (grid_w < U(c, 20)) return 0;
    /* the largest whole number of pixels per weight at which every section fits; the height
     * left over is shared in proportion to what each section needs */
    float need[CS_SNAP_MAX_LAYERS], total = 0, share[CS_SNAP_MAX_LAYERS], share_sum = 0;
    for (int k = 0; k < L->n_kern; k++) {
        share[k] = layers[L->kern_layer[k]].in_c == 1 || L->kern_rgb[k] ? 2.0f : 1.0f;
        share_sum += share[k];
    }
    for (float px = 12; px >= 1; px--) {
        total = 0;
        for (int k = 0; k < L->n_kern; k++) {
            const cs_snap_layer *C = &layers[L->kern_layer[k]];
            const int single = C->in_c == 1 || L->kern_rgb[k];
            const float gap = single || C->out_c * C->in_c <= 64 ? roundf(3 * s) : fmaxf(1, roundf(s));
            need[k] = kern_need(C, single, grid_w, head, gap, px) + sep;
            total += need[k];
        }
        if (total <= inner.h) break;
    }
    if (total > inner.h) return 0;
    float y = inner.y;
    for (int k = 0; k < L->n_kern; k++) {
        const cs_snap_layer *C = &layers[L->kern_layer[k]];
        /* leftover height: a double share for one-tile-per-filter sections (the first layer,
         * whose kernels a class looks at most) */
        const float h = floorf(need[k] + (inner.h - total) * share[k] / share_sum);
        L->kern_header[k] = (cs_rect){inner.x, y, inner.w, head};
        cs_rect area = {inner.x, y + head, grid_w, h - head - sep};
        L->kern_area[k] = area;
        /* the colour bar's labels need one line at the minimum size at least */
        if (area.h < cs_text_box_h(c->st->min_px)) return 0;
        /* the bar is at least three label lines tall, so its two ends and its middle never touch */
        const float bar_h = fminf(area.h - U(c, 4), fmaxf(U(c, 120), 0));
        L->kern_cbar[k] = (cs_rect){area.x + area.w + sep, area.y + U(c, 2), cbar_w, bar_h};
        if (C->in_c == 1 || L->kern_rgb[k]) {
            L->kern_grid[k] = cs_grid_fit(area, C->out_c, cs_layout_tile_cells(L, C->k), C->k, U(c, 3), 0);
            L->kern_rows_are_filters[k] = 1;
        } else {
            float gap = C->out_c * C->in_c > 64 ? fmaxf(1, roundf(s)) : U(c, 2);
            const int kw = cs_layout_tile_cells(L, C->k);
            cs_grid a = cs_grid_fit(area, C->out_c * C->in_c, kw, C->k, gap, C->in_c);  /* rows = filters */
            cs_grid b = cs_grid_fit(area, C->out_c * C->in_c, kw, C->k, gap, C->out_c); /* rows = channels */
            L->kern_rows_are_filters[k] = a.tile_w >= b.tile_w;
            L->kern_grid[k] = L->kern_rows_are_filters[k] ? a : b;
        }
        if (L->kern_grid[k].tile_w < (float)C->k) return 0;
        y += h;
    }
    return 1;
}

/* The learning curves in r: a title with the legend, two plots with room for their axis labels. */
static int layout_curves(cs_layout *L, const lctx *c, cs_rect r)
{
    const float pad = L->pad, gap = U(c, 6), line = LINE(c, CS_FONT_NORMAL), small = LINE(c, CS_FONT_SMALL);
    L->curves = r;
    const float inner_w = r.w - 2 * pad;
    const float title_w = TW(c, CS_FONT_NORMAL, _("Learning curves")) + U(c, 12);
    L->curves_title = (cs_rect){r.x + pad, r.y + pad * 0.5f, title_w, line};
    L->curves_legend = (cs_rect){r.x + pad + title_w, r.y + pad * 0.5f, inner_w - title_w, line};
    /* the short legend ("train", "test") at the minimum size must fit beside the title */
    const float legend_min = TMIN(c, CS_FONT_SMALL, C_("curve", "train")) + TMIN(c, CS_FONT_SMALL, C_("curve", "test")) +
                             2 * U(c, 22) + U(c, 12);
    if (L->curves_legend.w < legend_min || TMIN(c, CS_FONT_NORMAL, _("Learning curves")) > title_w) return 0;
    L->axis_w = fmaxf(fmaxf(TW(c, CS_FONT_SMALL, "100%"), TW(c, CS_FONT_SMALL, "0.000")), TW(c, CS_FONT_SMALL, "12.3k")) +
                U(c, 5);
    const float plot_top = r.y + pad + line + small;
    const float plot_h = r.y + r.h - pad - small - plot_top;
    const float plot_w = floorf((inner_w - 2 * L->axis_w - gap) * 0.5f);
    L->loss_plot = (cs_rect){r.x + pad + L->axis_w, plot_top, plot_w, plot_h};
    L->acc_plot = (cs_rect){L->loss_plot.x + plot_w + gap + L->axis_w, plot_top, plot_w, plot_h};
    /* under a plot: "0" at the left, the last step at the right; above it: its title and the test value */
    const float under = TMIN(c, CS_FONT_SMALL, "0") + TMIN(c, CS_FONT_SMALL, "123k") + U(c, 10);
    const float above = TMIN(c, CS_FONT_SMALL, cs_label_curve(1)) + TMIN(c, CS_FONT_SMALL, "100.0%") + U(c, 8);
    return plot_h >= 2 * small + U(c, 10) && plot_w >= under && plot_w >= above;
}

/* The right column: kernels (with the timeline under them) above the curves, either alone, or
 * nothing (CS_HIDE_KERNELS | CS_HIDE_CURVES). */
static int layout_right(cs_layout *L, const lctx *c, float x, float w, float y0, float y1, int hidden)
{
    const float pad = L->pad, gap = U(c, 6), line = LINE(c, CS_FONT_NORMAL), small = LINE(c, CS_FONT_SMALL);
    const int kern = !(hidden & CS_HIDE_KERNELS), curves = !(hidden & CS_HIDE_CURVES);
    const float main_h = y1 - y0;
    /* the kernels take 60% of the height, more if they need it and the curves keep their minimum */
    const float curves_min = 2 * pad + line + 4 * small + U(c, 10);
    for (int attempt = 0; kern && attempt < 2; attempt++) {
        const float kern_h = !curves ? main_h : attempt == 0 ? roundf(main_h * 0.60f) : main_h - gap - curves_min;
        if (attempt == 1 && (!curves || kern_h <= roundf(main_h * 0.60f))) return 0;
        L->kernels = (cs_rect){x, y0, w, kern_h};
        L->kern_title = (cs_rect){x + pad, y0 + pad * 0.5f, w - 2 * pad, line};
        float tl_h = 0;
        if (!(hidden & CS_HIDE_TIMELINE)) {
            /* label, buttons and track, epoch labels */
            tl_h = small + fmaxf(U(c, 18), cs_text_box_h(c->st->px[CS_FONT_SMALL]) + U(c, 4)) + small + U(c, 2);
            L->timeline = (cs_rect){x + pad, y0 + kern_h - pad - tl_h, w - 2 * pad, tl_h};
        }
        const cs_rect inner = {x + pad, y0 + pad + line, w - 2 * pad, kern_h - 2 * pad - line - (tl_h > 0 ? tl_h + pad : 0)};
        if (TMIN(c, CS_FONT_NORMAL, C_("shortest title", "Kernels")) > L->kern_title.w) return 0;
        if (tl_h > 0 && L->timeline.w < U(c, 30) * 2 + U(c, 46) + U(c, 60)) return 0;
        if (layout_kernels(L, c, inner, (hidden & CS_HIDE_DEEP) != 0)) break;
        if (attempt == 1) return 0;
    }
    if (curves) {
        const float cy = kern ? L->kernels.y + L->kernels.h + gap : y0;
        if (!layout_curves(L, c, (cs_rect){x, cy, w, y1 - cy})) return 0;
    }
    return 1;
}

/* One attempt at the style c->st with the panels of `hidden` left out; 1 when everything fits. */
static int layout_try(cs_layout *L, const lctx *c, int hidden)
{
    const cs_layout_in *in = c->in;
    const cs_style *st = c->st;
    memset(L, 0, sizeof *L);
    L->win_w = in->win_w, L->win_h = in->win_h, L->st = *st, L->scale = st->scale, L->present = st->present;
    L->hidden = hidden;
    L->grads = in->grads;
    L->pad = U(c, 6);
    const float gap = U(c, 6), W = (float)in->win_w, H = (float)in->win_h;
    const float line = LINE(c, CS_FONT_NORMAL);
    int ok = layout_bar(L, c, (hidden & CS_HIDE_BUTTONS) != 0);
    L->status = (cs_rect){0, H - line - U(c, 6), W, line + U(c, 6)};
    const float y0 = L->top.h + gap * 0.5f, y1 = L->status.y - gap * 0.5f;
    L->main = (cs_rect){gap, y0, W - 2 * gap, y1 - y0};
    if (y1 - y0 < 6 * line) return 0;
    /* three columns: probe and predictions | network strip | kernels and curves */
    const int right = (hidden & (CS_HIDE_KERNELS | CS_HIDE_CURVES)) != (CS_HIDE_KERNELS | CS_HIDE_CURVES);
    const float left_w = roundf(W * (right ? 0.2f : 0.28f)), right_w = right ? roundf(W * 0.34f) : 0;
    const float mid_x = gap + left_w + gap, mid_w = W - left_w - right_w - (right ? 4 : 3) * gap;
    ok = ok && layout_left(L, c, gap, left_w, y0, y1);
    ok = ok && layout_strip(L, c, mid_x, mid_w, y0, y1);
    if (right) ok = ok && layout_right(L, c, mid_x + mid_w + gap, right_w, y0, y1, hidden);
    const float hw = roundf(W * 0.92f), hh = roundf(H * 0.92f);
    L->help = (cs_rect){roundf((W - hw) * 0.5f), roundf((H - hh) * 0.5f), hw, hh};
    return ok;
}

void cs_layout_compute(cs_layout *L, const cs_layout_in *in)
{
    cs_layout_in one = *in;
    if (one.n_layers > CS_SNAP_MAX_LAYERS) one.n_layers = CS_SNAP_MAX_LAYERS;
    static const int tiers[] = {0, CS_HIDE_BUTTONS | CS_HIDE_TIMELINE,
                                CS_HIDE_BUTTONS | CS_HIDE_TIMELINE | CS_HIDE_DEEP,
                                CS_HIDE_BUTTONS | CS_HIDE_TIMELINE | CS_HIDE_DEEP | CS_HIDE_KERNELS,
                                CS_HIDE_BUTTONS | CS_HIDE_TIMELINE | CS_HIDE_DEEP | CS_HIDE_KERNELS | CS_HIDE_CURVES};
    const int n_tiers = sizeof tiers / sizeof tiers[0];
    cs_style st;
    cs_style_make(&st, in->win_w, in->style_h > 0 ? in->style_h : in->win_h, in->user_scale, in->present);
    const float floor_s = cs_style_floor(&st);
    const lctx c = {&one, &st, in->measure};
    /* fewer panels before smaller type: --scale keeps its meaning */
    for (float s = st.scale;; s = fmaxf(floor_s, s * 0.92f)) {
        cs_style_at(&st, s);
        for (int t = in->present ? 1 : 0; t < n_tiers; t++)
            if (layout_try(L, &c, tiers[t])) return;
        if (s <= floor_s) break;
    }
    /* a view above a lesson's band with the whole window's type does not fit: its own height's */
    if (in->style_h > in->win_h) {
        one.style_h = 0;
        cs_layout_compute(L, &one);
        return;
    }
    /* nothing fits even so (a window far below 1024x600): the smallest, with everything left out */
    layout_try(L, &c, tiers[n_tiers - 1]);
}

/* ---- click targets ------------------------------------------------------------------------- */

static int layer_named(const cs_snap_layer *layers, int n, const char *name)
{
    for (int l = 0; l < n; l++)
        if (strcmp(layers[l].name, name) == 0) return l;
    return -1;
}

const char *cs_target_format(const cs_target *t, const cs_snap_layer *layers, char *buf, size_t size)
{
    switch (t->kind) {
    case CS_TARGET_MAP: snprintf(buf, size, "map %s %d", layers[t->layer].name, t->index); break;
    case CS_TARGET_KERNEL:
        if (t->channel < 0) snprintf(buf, size, "kernel %s %d", layers[t->layer].name, t->index);
        else snprintf(buf, size, "kernel %s %d %d", layers[t->layer].name, t->index, t->channel);
        break;
    case CS_TARGET_OUTPUT: snprintf(buf, size, "output"); break;
    case CS_TARGET_CURVE: snprintf(buf, size, "curve %s", t->index ? "accuracy" : "loss"); break;
    case CS_TARGET_LAYER_MAPS: snprintf(buf, size, "maps %s", layers[t->layer].name); break;
    case CS_TARGET_LAYER_KERNELS: snprintf(buf, size, "kernels %s", layers[t->layer].name); break;
    default: snprintf(buf, size, "none"); break;
    }
    return buf;
}

const char *cs_target_describe(const cs_target *t, const cs_snap_layer *layers, char *buf, size_t size)
{
    /* TRANSLATORS: what a click enlarged, for the status line; English keeps --script's names
       ("map conv1 3": layer conv1's activation map 3) */
    switch (t->kind) {
    case CS_TARGET_MAP: snprintf(buf, size, _("map %s %d"), layers[t->layer].name, t->index); break;
    case CS_TARGET_KERNEL:
        if (t->channel < 0) snprintf(buf, size, _("kernel %s %d"), layers[t->layer].name, t->index);
        else snprintf(buf, size, _("kernel %s %d %d"), layers[t->layer].name, t->index, t->channel);
        break;
    case CS_TARGET_LAYER_MAPS: snprintf(buf, size, _("maps %s"), layers[t->layer].name); break;
    case CS_TARGET_LAYER_KERNELS: snprintf(buf, size, _("kernels %s"), layers[t->layer].name); break;
    case CS_TARGET_OUTPUT: snprintf(buf, size, "%s", C_("target", "output")); break;
    case CS_TARGET_CURVE: snprintf(buf, size, "%s", t->index ? _("curve accuracy") : _("curve loss")); break;
    default: snprintf(buf, size, "%s", C_("target", "none")); break;
    }
    return buf;
}

/* A non-negative integer word below `limit`; -1 if it is not one. */
static int small_int(const char *w, int limit)
{
    char *end;
    if (!*w) return -1;
    const long v = strtol(w, &end, 10);
    return *end || v < 0 || v >= limit ? -1 : (int)v;
}

cs_status cs_target_parse(const char *s, const cs_snap_layer *layers, int n_layers, cs_target *t)
{
    char w[4][64] = {"", "", "", ""};
    const int n = sscanf(s, "%63s %63s %63s %63s", w[0], w[1], w[2], w[3]);
    *t = (cs_target){CS_TARGET_NONE, 0, 0, -1};
    if (n >= 1 && strcmp(w[0], "output") == 0 && n == 1) {
        t->kind = CS_TARGET_OUTPUT;
        return CS_OK;
    }
    if (n == 2 && strcmp(w[0], "curve") == 0) {
        if (strcmp(w[1], "loss") && strcmp(w[1], "accuracy"))
            return cs_fail(CS_ERR_ARG, "'%s': expected 'curve loss' or 'curve accuracy', found '%s'", s, w[1]);
        t->kind = CS_TARGET_CURVE, t->index = strcmp(w[1], "accuracy") == 0;
        return CS_OK;
    }
    if (strcmp(w[0], "maps") == 0 || strcmp(w[0], "kernels") == 0) {
        const int maps = w[0][0] == 'm';
        const int l = n == 2 ? layer_named(layers, n_layers, w[1]) : -1;
        if (l < 0) return cs_fail(CS_ERR_ARG, "'%s': expected %s LAYER with a layer's name", s, w[0]);
        if (!maps && layers[l].kind != CS_LAYER_CONV) return cs_fail(CS_ERR_ARG, "'%s': %s has no kernels", s, layers[l].name);
        *t = (cs_target){maps ? CS_TARGET_LAYER_MAPS : CS_TARGET_LAYER_KERNELS, l, 0, -1};
        return CS_OK;
    }
    const int map = strcmp(w[0], "map") == 0, kern = strcmp(w[0], "kernel") == 0;
    if (!map && !kern)
        return cs_fail(CS_ERR_ARG, "'%s': expected map LAYER N, kernel LAYER FILTER [CHANNEL], maps LAYER, kernels "
                                   "LAYER, output or curve loss|accuracy", s);
    const int l = n >= 2 ? layer_named(layers, n_layers, w[1]) : -1;
    if (l < 0) return cs_fail(CS_ERR_ARG, "'%s': no layer named '%s'", s, n >= 2 ? w[1] : "");
    const cs_snap_layer *ly = &layers[l];
    t->layer = l;
    if (map) {
        int nm, mh, mw;
        cs_viz_layer_maps(ly, &nm, &mh, &mw);
        if (n != 3 || (t->index = small_int(w[2], nm)) < 0)
            return cs_fail(CS_ERR_ARG, "'%s': expected a map number 0..%d of %s", s, nm - 1, ly->name);
        t->kind = CS_TARGET_MAP;
        return CS_OK;
    }
    if (ly->kind != CS_LAYER_CONV) return cs_fail(CS_ERR_ARG, "'%s': %s has no kernels", s, ly->name);
    if (n < 3 || (t->index = small_int(w[2], ly->out_c)) < 0)
        return cs_fail(CS_ERR_ARG, "'%s': expected a filter number 0..%d of %s", s, ly->out_c - 1, ly->name);
    if (n == 4 && (t->channel = small_int(w[3], ly->in_c)) < 0)
        return cs_fail(CS_ERR_ARG, "'%s': expected an input channel 0..%d", s, ly->in_c - 1);
    if (n == 3) t->channel = ly->in_c == 1 ? 0 : -1;
    if (t->channel < 0 && ly->in_c != 3) return cs_fail(CS_ERR_ARG, "'%s': give the input channel (0..%d)", s, ly->in_c - 1);
    t->kind = CS_TARGET_KERNEL;
    return CS_OK;
}

int cs_target_equal(const cs_target *a, const cs_target *b)
{
    return a->kind == b->kind && a->layer == b->layer && a->index == b->index && a->channel == b->channel;
}

int cs_layout_tile_cells(const cs_layout *L, int n) { return L->grads ? 2 * n + 1 : n; }

cs_rect cs_layout_map_part(const cs_layout *L, cs_rect t, int mh, int grad)
{
    if (!L->grads) return t;
    const float cell = t.h / (float)(2 * mh + 1);
    return (cs_rect){t.x, t.y + (grad ? (float)(mh + 1) * cell : 0), t.w, (float)mh * cell};
}

cs_rect cs_layout_kernel_part(const cs_layout *L, cs_rect t, int k, int grad)
{
    if (!L->grads) return t;
    const float cell = t.w / (float)(2 * k + 1);
    return (cs_rect){t.x + (grad ? (float)(k + 1) * cell : 0), t.y, (float)k * cell, t.h};
}

cs_target cs_layout_target_at(const cs_layout *L, const cs_snap_layer *layers, float x, float y)
{
    cs_target t = {CS_TARGET_NONE, 0, 0, -1};
    for (int l = 0; l < L->n_cols; l++) {
        int nm, mh, mw;
        cs_viz_layer_maps(&layers[l], &nm, &mh, &mw);
        const int m = cs_grid_hit(&L->col_grid[l], x, y, mw, cs_layout_tile_cells(L, mh), NULL, NULL);
        if (m >= 0) return (cs_target){CS_TARGET_MAP, l, m, -1};
    }
    for (int k = 0; k < L->n_kern; k++) {
        const int l = L->kern_layer[k];
        const cs_snap_layer *ly = &layers[l];
        const int i = cs_grid_hit(&L->kern_grid[k], x, y, cs_layout_tile_cells(L, ly->k), ly->k, NULL, NULL);
        if (i < 0) continue;
        const int C = ly->in_c, OC = ly->out_c;
        if (L->kern_rgb[k]) return (cs_target){CS_TARGET_KERNEL, l, i, -1};
        if (C == 1) return (cs_target){CS_TARGET_KERNEL, l, i, 0};
        if (L->kern_rows_are_filters[k]) return (cs_target){CS_TARGET_KERNEL, l, i / C, i % C};
        return (cs_target){CS_TARGET_KERNEL, l, i % OC, i / OC};
    }
    /* a column's name and a kernel layer's header stand for the whole layer */
    for (int l = 0; l < L->n_cols; l++)
        if (cs_rect_contains(L->col_name[l], x, y)) return (cs_target){CS_TARGET_LAYER_MAPS, l, 0, -1};
    for (int k = 0; k < L->n_kern; k++)
        if (cs_rect_contains(L->kern_header[k], x, y)) return (cs_target){CS_TARGET_LAYER_KERNELS, L->kern_layer[k], 0, -1};
    if (L->output.w > 0 && cs_rect_contains(L->output, x, y)) return (cs_target){CS_TARGET_OUTPUT, 0, 0, -1};
    if (L->curves.w > 0 && cs_rect_contains(L->loss_plot, x, y)) return (cs_target){CS_TARGET_CURVE, 0, 0, -1};
    if (L->curves.w > 0 && cs_rect_contains(L->acc_plot, x, y)) return (cs_target){CS_TARGET_CURVE, 0, 1, -1};
    return t;
}

cs_rect cs_layout_target_rect(const cs_layout *L, const cs_snap_layer *layers, const cs_target *t)
{
    const cs_rect none = {0, 0, 0, 0};
    switch (t->kind) {
    case CS_TARGET_MAP:
        return t->layer < L->n_cols && t->index < L->col_grid[t->layer].n ? cs_grid_tile(&L->col_grid[t->layer], t->index)
                                                                           : none;
    case CS_TARGET_KERNEL:
        for (int k = 0; k < L->n_kern; k++) {
            if (L->kern_layer[k] != t->layer) continue;
            const cs_snap_layer *ly = &layers[t->layer];
            int i;
            if (L->kern_rgb[k] || ly->in_c == 1) i = t->index;
            else if (L->kern_rows_are_filters[k]) i = t->index * ly->in_c + (t->channel < 0 ? 0 : t->channel);
            else i = (t->channel < 0 ? 0 : t->channel) * ly->out_c + t->index;
            return i < L->kern_grid[k].n ? cs_grid_tile(&L->kern_grid[k], i) : none;
        }
        return none;
    case CS_TARGET_OUTPUT: return L->output;
    case CS_TARGET_CURVE: return L->curves.w > 0 ? (t->index ? L->acc_plot : L->loss_plot) : none;
    case CS_TARGET_LAYER_MAPS: return t->layer < L->n_cols ? L->col[t->layer] : none;
    case CS_TARGET_LAYER_KERNELS:
        for (int k = 0; k < L->n_kern; k++)
            if (L->kern_layer[k] == t->layer) {
                const cs_rect h = L->kern_header[k], a = L->kern_area[k];
                return (cs_rect){h.x, h.y, fmaxf(h.w, a.x + a.w - h.x), a.y + a.h - h.y};
            }
        return none;
    default: return none;
    }
}

void cs_receptive_field(const cs_snap_layer *layers, int l, int y, int x, int *y0, int *x0, int *y1, int *x1)
{
    const int H = layers[0].in_h, W = layers[0].in_w;
    long a = y, b = y, c = x, d = x; /* rows a..b, columns c..d in layer l's output */
    for (int i = l; i >= 0; i--) {
        const cs_snap_layer *L = &layers[i];
        if (L->kind == CS_LAYER_FC || L->kind == CS_LAYER_GLOBALAVGPOOL || L->kind == CS_LAYER_FLATTEN) {
            a = 0, b = H - 1, c = 0, d = W - 1;
            break;
        }
        if (L->kind == CS_LAYER_CONV || L->kind == CS_LAYER_MAXPOOL || L->kind == CS_LAYER_AVGPOOL) {
            a = a * L->stride - L->pad, b = b * L->stride - L->pad + L->k - 1;
            c = c * L->stride - L->pad, d = d * L->stride - L->pad + L->k - 1;
        }
        /* pointwise layers and softmax see exactly the cell below them */
    }
    *y0 = (int)(a < 0 ? 0 : a), *y1 = (int)(b > H - 1 ? H - 1 : b);
    *x0 = (int)(c < 0 ? 0 : c), *x1 = (int)(d > W - 1 ? W - 1 : d);
}

/* ---- the help overlay ------------------------------------------------------------------------ */

/* Rows placed in cols columns at px; 1 when every row fits the box. */
static int help_try(cs_help_layout *H, const cs_style *st, const cs_measure *m, cs_rect box, const char *const *rows,
                    int n, int px, int cols)
{
    const float pad = roundf(16 * st->scale), colgap = roundf(24 * st->scale);
    const float title_h = roundf((float)st->px[CS_FONT_BIG] * 1.35f) + roundf(6 * st->scale);
    const float col_w = (box.w - 2 * pad - colgap * (float)(cols - 1)) / (float)cols;
    float key_w = 0;
    char key[96];
    for (int i = 0; i < n; i++) {
        const char *tab = strchr(rows[i], '\t');
        const size_t kl = tab ? (size_t)(tab - rows[i]) : strlen(rows[i]);
        snprintf(key, sizeof key, "%.*s", (int)(kl < 95 ? kl : 95), rows[i]);
        key_w = fmaxf(key_w, m->width(m->ctx, CS_FACE_SANS, px, key));
    }
    key_w += roundf(12 * st->scale);
    const float desc_w = col_w - key_w;
    if (desc_w < 8.0f * (float)px) return 0;
    const float avail = box.h - 2 * pad - title_h, gap = roundf((float)px * 0.25f);
    static cs_fit_result r;
    const cs_fit_policy p = {CS_FACE_SANS, px, px, CS_FIT_WRAP, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    int col = 0;
    float y = 0, used_h = 0;
    for (int i = 0; i < n; i++) {
        const char *tab = strchr(rows[i], '\t');
        /* a description must wrap into its column: a word wider than the column (or a long
         * stretch of text without a break, as Chinese is to a wrap at spaces) needs another try */
        if (!cs_fit_text(m, tab ? tab + 1 : "", (cs_rect){0, 0, desc_w, 1e6f}, &p, &r)) return 0;
        const float h = fmaxf(r.rect.h, cs_text_box_h(px));
        if (y + h > avail && y > 0) {
            if (++col >= cols) return 0;
            y = 0;
        }
        if (h > avail) return 0;
        const float x = box.x + pad + (float)col * (col_w + colgap), top = box.y + pad + title_h + y;
        H->key[i] = (cs_rect){x, top, key_w, cs_text_box_h(px)};
        H->desc[i] = (cs_rect){x + key_w, top, desc_w, h};
        y += h + gap;
        used_h = fmaxf(used_h, y - gap);
    }
    /* shrink the box to what is used, centred where it was */
    const float h = 2 * pad + title_h + used_h, dy = roundf(0.5f * (box.h - h));
    const float w = cols == 1 ? fminf(box.w, 2 * pad + key_w + desc_w) : box.w, dx = roundf(0.5f * (box.w - w));
    for (int i = 0; i < n; i++) H->key[i].x += dx, H->desc[i].x += dx, H->key[i].y += dy, H->desc[i].y += dy;
    H->box = (cs_rect){box.x + dx, box.y + dy, w, h};
    H->title = (cs_rect){H->box.x + pad, H->box.y + pad * 0.75f, H->box.w - 2 * pad, title_h};
    H->px = px, H->cols = cols, H->n = n;
    return 1;
}

void cs_help_layout_compute(cs_help_layout *H, const cs_style *st, const cs_measure *m, cs_rect max_box,
                            const char *title, const char *const *rows, int n)
{
    (void)title;
    memset(H, 0, sizeof *H);
    if (n > CS_HELP_MAX_ROWS) n = CS_HELP_MAX_ROWS;
    for (int px = st->px[CS_FONT_NORMAL]; px >= st->min_px; px--)
        for (int cols = 1; cols <= 3; cols++)
            if (help_try(H, st, m, max_box, rows, n, px, cols)) {
                H->ok = 1;
                return;
            }
    /* nothing fits: as many rows as three columns hold, the rest left out */
    memset(H, 0, sizeof *H);
    int k = n;
    while (k > 0 && !help_try(H, st, m, max_box, rows, k, st->min_px, 3)) k--;
    for (int i = k; i < n; i++) H->key[i] = H->desc[i] = (cs_rect){0, 0, 0, 0};
    H->n = n;
}

/* ---- enlarged ------------------------------------------------------------------------------- */

/* A rows x cols grid (planes of them side by side) in area, with a title, a caption and a colour
 * bar; whole pixels per cell; numbers where "−0.00" fits a cell at the minimum size. */
static void enlarge_grid(cs_layout *E, const lctx *c, cs_rect area, int rows, int cols, int planes)
{
    const float pad = E->pad, line = LINE(c, CS_FONT_BIG), small = LINE(c, CS_FONT_NORMAL);
    E->enl_title = (cs_rect){area.x + pad, area.y + pad * 0.5f, area.w - 2 * pad, line};
    E->enl_caption = (cs_rect){area.x + pad, area.y + area.h - pad - small, area.w - 2 * pad, small};
    const float label_w = fmaxf(TW(c, CS_FONT_NORMAL, "\u22120.000"), TW(c, CS_FONT_NORMAL, "12.3k")) + U(c, 6);
    const float cbar_w = U(c, 16), sep = U(c, 12), plane_gap = U(c, 16);
    const float top = E->enl_title.y + line + pad + (planes > 1 ? small : 0);
    const float gw = area.w - 2 * pad - cbar_w - label_w - 2 * sep - plane_gap * (float)(planes - 1);
    const float gh = E->enl_caption.y - pad - top;
    float cell = fminf(gw / (float)(cols * planes), gh / (float)rows);
    if (cell >= 1) cell = floorf(cell);
    E->enl_cell = cell, E->enl_planes = planes, E->enl_rows = rows, E->enl_cols = cols;
    const float pw = cell * (float)cols, used = pw * (float)planes + plane_gap * (float)(planes - 1);
    const float x0 = floorf(area.x + pad + 0.5f * (gw - used)), y0 = top;
    for (int p = 0; p < planes; p++) {
        E->enl_grid[p] = (cs_rect){x0 + (float)p * (pw + plane_gap), y0, pw, cell * (float)rows};
        E->enl_plane_label[p] = (cs_rect){E->enl_grid[p].x, y0 - small, pw, small};
    }
    const float bx = x0 + used + sep;
    E->enl_cbar = (cs_rect){bx, y0, cbar_w, fmaxf(cell * (float)rows, 3 * small)};
    E->enl_cbar_labels = (cs_rect){bx + cbar_w + U(c, 4), y0 - U(c, 2), label_w, E->enl_cbar.h + U(c, 4)};
    /* numbers: the largest size up to the big font at which a short number fits a cell */
    E->enl_numbers_px = 0;
    for (int px = c->st->px[CS_FONT_BIG]; px >= c->st->min_px; px--)
        if (c->m->width(c->m->ctx, CS_FACE_SANS, px, "\u22120.00") + 4 <= cell && cs_text_box_h(px) + 2 <= cell) {
            E->enl_numbers_px = px;
            break;
        }
}

/* A whole layer in area: its maps, or its filters (RGB tiles for a first layer on an RGB image,
 * else one tile per filter and input channel, a row per filter), as large as the area allows,
 * with whole pixels per weight or map cell, a title, a caption and one colour bar. */
static void enlarge_layer(cs_layout *E, const lctx *c, cs_rect area, const cs_snap_layer *ly, int maps,
                          const cs_layout_in *in)
{
    const float pad = E->pad, line = LINE(c, CS_FONT_BIG), small = LINE(c, CS_FONT_NORMAL);
    E->enl_title = (cs_rect){area.x + pad, area.y + pad * 0.5f, area.w - 2 * pad, line};
    E->enl_caption = (cs_rect){area.x + pad, area.y + area.h - pad - small, area.w - 2 * pad, small};
    const float label_w = fmaxf(TW(c, CS_FONT_NORMAL, "\u22120.000"), TW(c, CS_FONT_NORMAL, "12.3k")) + U(c, 6);
    const float cbar_w = U(c, 16), sep = U(c, 12);
    const float top = E->enl_title.y + line + pad;
    const cs_rect tiles = {area.x + pad, top, area.w - 2 * pad - cbar_w - label_w - 2 * sep, E->enl_caption.y - pad - top};
    int n, th, tw, cols = 0;
    E->enl_tile_rgb = 0;
    if (maps) {
        cs_viz_layer_maps(ly, &n, &th, &tw);
    } else {
        th = tw = ly->k;
        E->enl_tile_rgb = ly->in_c == 3 && ly->in_c == in->in_c && ly->in_h == in->in_h && ly->in_w == in->in_w;
        n = E->enl_tile_rgb || ly->in_c == 1 ? ly->out_c : ly->out_c * ly->in_c;
        if (!E->enl_tile_rgb && ly->in_c > 1) cols = ly->in_c;
    }
    E->enl_tiles = cs_grid_fit(tiles, n, tw, th, U(c, 8), cols);
    const float gw = (float)E->enl_tiles.cols * (E->enl_tiles.tile_w + E->enl_tiles.gap) - E->enl_tiles.gap;
    const float gh = (float)E->enl_tiles.rows * (E->enl_tiles.tile_h + E->enl_tiles.gap) - E->enl_tiles.gap;
    const float bx = E->enl_tiles.x + gw + sep;
    E->enl_cbar = (cs_rect){bx, top, cbar_w, fmaxf(gh, 3 * small)};
    E->enl_cbar_labels = (cs_rect){bx + cbar_w + U(c, 4), top - U(c, 2), label_w, E->enl_cbar.h + U(c, 4)};
    E->enl_planes = 0, E->enl_numbers_px = 0;
}

void cs_layout_enlarge(cs_layout *E, const cs_layout *L, const cs_layout_in *in, const cs_target *t)
{
    *E = *L;
    cs_layout_in one = *in;
    if (one.n_layers > CS_SNAP_MAX_LAYERS) one.n_layers = CS_SNAP_MAX_LAYERS;
    const lctx c = {&one, &E->st, in->measure};
    /* nothing of the ordinary panels: no hit tests, no drawing */
    E->n_cols = 0, E->n_kern = 0;
    E->probe = E->output = E->strip = E->kernels = E->curves = E->timeline = (cs_rect){0, 0, 0, 0};
    E->loss_plot = E->acc_plot = (cs_rect){0, 0, 0, 0};
    for (int b = CS_BTN_PROBE_PREV; b <= CS_BTN_PROBE_NEXT; b++) E->buttons[b] = (cs_rect){0, 0, 0, 0};
    E->enlarged = *t;
    const cs_rect a = L->main;
    const float pad = E->pad, line = LINE(&c, CS_FONT_BIG);
    E->enl_title = (cs_rect){a.x + pad, a.y + pad * 0.5f, a.w - 2 * pad, line};
    E->enl_caption = (cs_rect){a.x + pad, a.y + a.h - pad - LINE(&c, CS_FONT_NORMAL), a.w - 2 * pad, LINE(&c, CS_FONT_NORMAL)};
    const cs_rect body = {a.x, E->enl_title.y + line, a.w, E->enl_caption.y - (E->enl_title.y + line)};
    switch (t->kind) {
    case CS_TARGET_OUTPUT: layout_output(E, &c, body); break;
    case CS_TARGET_CURVE: {
        const float axis = fmaxf(TW(&c, CS_FONT_SMALL, "100%"), TW(&c, CS_FONT_SMALL, "0.000")) + U(&c, 6);
        const float small = LINE(&c, CS_FONT_SMALL);
        E->curves = body;
        E->axis_w = axis;
        const cs_rect plot = {body.x + pad + axis, body.y + pad + small, body.w - 2 * pad - axis, body.h - 2 * pad - 2 * small};
        if (t->index) E->acc_plot = plot;
        else E->loss_plot = plot;
        E->curves_legend = (cs_rect){body.x + body.w * 0.5f, a.y + pad * 0.5f, body.w * 0.5f - pad, line};
        E->enl_title.w = body.w * 0.5f - pad;
        break;
    }
    case CS_TARGET_MAP: {
        int nm, mh, mw;
        cs_viz_layer_maps(&in->layers[t->layer], &nm, &mh, &mw);
        enlarge_grid(E, &c, a, mh, mw, 1);
        break;
    }
    case CS_TARGET_KERNEL: {
        const cs_snap_layer *ly = &in->layers[t->layer];
        enlarge_grid(E, &c, a, ly->k, ly->k, t->channel < 0 ? 3 : 1);
        break;
    }
    case CS_TARGET_LAYER_MAPS:
    case CS_TARGET_LAYER_KERNELS: enlarge_layer(E, &c, a, &in->layers[t->layer], t->kind == CS_TARGET_LAYER_MAPS, in);
        break;
    default: break;
    }
}

int cs_mark_stride(float width, int n, float min_gap)
{
    if (n <= 0 || width <= 0) return 1;
    const float each = width / (float)n;
    static const int steps[] = {1, 2, 5};
    for (long mag = 1; mag < 1000000000L; mag *= 10)
        for (int i = 0; i < 3; i++) {
            const long k = steps[i] * mag;
            if (each * (float)k >= min_gap || k >= n) return (int)k;
        }
    return n;
}
