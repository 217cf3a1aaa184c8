/* cs_layout.c - panel geometry of the live window and receptive-field arithmetic (see cs_layout.h).
 *
 * Sizes are written for a 1280x720 window and multiplied by the UI scale, so the window reads the
 * same at 1920x1080 and on a projector with --scale. */
#include "cs_layout.h"

#include <math.h>
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

float cs_layout_font_px(cs_font_id font, float scale)
{
    static const float base[CS_FONT_COUNT] = {11.0f, 13.0f, 16.0f, 11.0f};
    return roundf(base[font] * scale);
}

float cs_layout_line_h(cs_font_id font, float scale)
{
    return roundf(cs_layout_font_px(font, scale) * 1.35f);
}

float cs_layout_scale(int win_w, int win_h, float user_scale)
{
    float s = fminf((float)win_w / 1280.0f, (float)win_h / 720.0f);
    if (s < 0.6f) s = 0.6f;
    if (s > 4.0f) s = 4.0f;
    return s * (user_scale > 0 ? user_scale : 1.0f);
}

/* The control bar's pen: items flow left to right and wrap to a new row when the window is
 * too narrow for them at this scale (a projector with --scale). */
typedef struct {
    float x, y, h, s, pad, right;
} bar_pen;

/* Places an item of width w (unscaled pixels) and advances the pen. */
static cs_rect bar_item(bar_pen *p, float w)
{
    const float sw = roundf(w * p->s);
    if (p->x + sw > p->right && p->x > p->pad) p->x = p->pad, p->y += p->h + roundf(4 * p->s);
    cs_rect r = {p->x, p->y, sw, p->h};
    p->x += sw + roundf(6 * p->s);
    return r;
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

static void layout_kernels(cs_layout *L, const cs_snap_layer *layers, int n_layers, cs_rect inner)
{
    const float s = L->scale;
    const float head = cs_layout_line_h(CS_FONT_SMALL, s);
    const float cbar_w = roundf(10 * s), cbar_label_w = roundf(46 * s), sep = roundf(6 * s);
    const float grid_w = inner.w - cbar_w - cbar_label_w - sep;
    L->n_kern = 0;
    for (int l = 0; l < n_layers && L->n_kern < CS_SNAP_MAX_LAYERS; l++) {
        if (layers[l].kind != CS_LAYER_CONV) continue;
        int k = L->n_kern++;
        L->kern_layer[k] = l;
        /* the first conv layer of an RGB net shows each filter as one colour tile, like AlexNet's */
        L->kern_rgb[k] = layers[l].in_c == 3 && k == 0;
    }
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
    float y = inner.y;
    for (int k = 0; k < L->n_kern; k++) {
        const cs_snap_layer *C = &layers[L->kern_layer[k]];
        /* leftover height: a double share for one-tile-per-filter sections (the first layer,
         * whose kernels a class looks at most) */
        float h = total <= inner.h ? floorf(need[k] + (inner.h - total) * share[k] / share_sum)
                                   : floorf(inner.h / (float)L->n_kern);
        L->kern_header[k] = (cs_rect){inner.x, y, inner.w, head};
        cs_rect area = {inner.x, y + head, grid_w, h - head - sep};
        L->kern_area[k] = area;
        L->kern_cbar[k] = (cs_rect){area.x + area.w + sep, area.y + roundf(2 * s), cbar_w,
                                    fminf(area.h - roundf(4 * s), roundf(120 * s))};
        if (C->in_c == 1 || L->kern_rgb[k]) {
            L->kern_grid[k] = cs_grid_fit(area, C->out_c, C->k, C->k, roundf(3 * s), 0);
            L->kern_rows_are_filters[k] = 1;
        } else {
            float gap = C->out_c * C->in_c > 64 ? fmaxf(1, roundf(s)) : roundf(2 * s);
            cs_grid a = cs_grid_fit(area, C->out_c * C->in_c, C->k, C->k, gap, C->in_c);  /* rows = filters */
            cs_grid b = cs_grid_fit(area, C->out_c * C->in_c, C->k, C->k, gap, C->out_c); /* rows = channels */
            L->kern_rows_are_filters[k] = a.tile_w >= b.tile_w;
            L->kern_grid[k] = L->kern_rows_are_filters[k] ? a : b;
        }
        y += h;
    }
}

/* The control bar: buttons on the first line, title and counters on the second. */
static void layout_bar(cs_layout *L, int win_w, float s, float pad, float line)
{
    const float bh = roundf(26 * s);
    bar_pen pen = {pad, pad, bh, s, pad, (float)win_w - pad};
    L->buttons[CS_BTN_PAUSE] = bar_item(&pen, 74);
    L->buttons[CS_BTN_STEP] = bar_item(&pen, 56);
    pen.x += roundf(8 * s);
    L->buttons[CS_BTN_SLOWER] = bar_item(&pen, 28);
    L->speed_label = bar_item(&pen, 112);
    L->buttons[CS_BTN_FASTER] = bar_item(&pen, 28);
    pen.x += roundf(8 * s);
    L->lr_label = bar_item(&pen, 92);
    L->lr_slider = bar_item(&pen, 150);
    pen.x += roundf(8 * s);
    L->buttons[CS_BTN_RESTART] = bar_item(&pen, 74);
    pen.x += roundf(8 * s);
    L->buttons[CS_BTN_MAPS_NORM] = bar_item(&pen, 146);
    L->buttons[CS_BTN_KERNELS_NORM] = bar_item(&pen, 160);
    L->buttons[CS_BTN_HELP] = bar_item(&pen, 64);
    L->counters = (cs_rect){pad, pen.y + bh + roundf(4 * s), (float)win_w - 2 * pad, line};
    L->top = (cs_rect){0, 0, (float)win_w, L->counters.y + L->counters.h + roundf(4 * s)};
}

void cs_layout_compute(cs_layout *L, int win_w, int win_h, float user_scale, const cs_snap_layer *layers,
                       int n_layers, int in_c, int in_h, int in_w, int n_classes)
{
    (void)in_c;
    memset(L, 0, sizeof *L);
    const float s = cs_layout_scale(win_w, win_h, user_scale);
    const float pad = roundf(6 * s), gap = roundf(6 * s);
    const float line = cs_layout_line_h(CS_FONT_NORMAL, s), small = cs_layout_line_h(CS_FONT_SMALL, s);
    L->win_w = win_w, L->win_h = win_h, L->scale = s, L->pad = pad;
    if (n_layers > CS_SNAP_MAX_LAYERS) n_layers = CS_SNAP_MAX_LAYERS;

    layout_bar(L, win_w, s, pad, line);

    L->status = (cs_rect){0, (float)win_h - line - roundf(6 * s), (float)win_w, line + roundf(6 * s)};
    const float y0 = L->top.h + gap * 0.5f, y1 = L->status.y - gap * 0.5f;
    const float main_h = y1 - y0;

    /* three columns: probe and predictions | network strip | kernels and curves */
    const float left_w = roundf((float)win_w * 0.2f), right_w = roundf((float)win_w * 0.34f);
    const float mid_x = gap + left_w + gap, mid_w = (float)win_w - left_w - right_w - 4 * gap;
    const float right_x = mid_x + mid_w + gap;

    /* probe panel: header (with prev/next), image with whole pixels per cell, caption */
    float pw = left_w - 2 * pad;
    float avail_img_h = main_h * 0.42f - line - small - 2 * pad;
    float cell = fminf(pw / (float)in_w, avail_img_h / (float)in_h);
    if (cell >= 1) cell = floorf(cell);
    float img_w = cell * (float)in_w, img_h = cell * (float)in_h;
    L->probe = (cs_rect){gap, y0, left_w, pad + line + img_h + small + 2 * pad};
    float bw = roundf(26 * s), bhh = line;
    L->buttons[CS_BTN_PROBE_NEXT] = (cs_rect){L->probe.x + L->probe.w - pad - bw, y0 + pad * 0.5f, bw, bhh};
    L->buttons[CS_BTN_PROBE_PREV] = (cs_rect){L->buttons[CS_BTN_PROBE_NEXT].x - bw - roundf(4 * s), y0 + pad * 0.5f,
                                              bw, bhh};
    L->probe_img = (cs_rect){floorf(L->probe.x + 0.5f * (left_w - img_w)), y0 + pad + line + pad * 0.5f, img_w, img_h};
    L->probe_caption = (cs_rect){L->probe.x + pad, L->probe_img.y + img_h + pad * 0.5f, pw, small};

    /* predictions: a header, one row per class, then the output and truth vectors */
    const float mono = cs_layout_line_h(CS_FONT_MONO, s);
    L->output = (cs_rect){gap, L->probe.y + L->probe.h + gap, left_w, y1 - (L->probe.y + L->probe.h + gap)};
    L->out_header = (cs_rect){L->output.x + pad, L->output.y + pad * 0.5f, pw, line};
    L->out_rows = n_classes < CS_VIZ_MAX_CLASSES ? n_classes : CS_VIZ_MAX_CLASSES;
    L->out_vectors = (cs_rect){L->output.x + pad, L->output.y + L->output.h - 2 * mono - pad, pw, 2 * mono};
    float rows_h = L->out_vectors.y - (L->out_header.y + line) - pad;
    L->out_row_y = L->out_header.y + line + pad * 0.5f;
    L->out_row_h = L->out_rows > 0 ? fminf(roundf(24 * s), floorf(rows_h / (float)L->out_rows)) : 0;
    L->out_name_w = roundf(pw * 0.40f);
    L->out_truth_x = L->output.x + pad + pw - roundf(20 * s);
    L->out_bar_x = L->output.x + pad + L->out_name_w;
    L->out_bar_w = L->out_truth_x - roundf(6 * s) - L->out_bar_x;

    /* network strip: a column per layer, maps tiled inside it, the colormap's bar at the bottom */
    L->strip = (cs_rect){mid_x, y0, mid_w, main_h};
    L->strip_cbar = (cs_rect){mid_x + pad + roundf(40 * s), y1 - pad - small - roundf(10 * s), roundf(mid_w * 0.5f),
                              roundf(10 * s)};
    const float col_top = y0 + pad + line; /* panel title line */
    const float col_bottom = L->strip_cbar.y - pad;
    L->n_cols = n_layers;
    const float col_gap = roundf(4 * s);
    const float col_w = n_layers > 0 ? (mid_w - 2 * pad - col_gap * (float)(n_layers - 1)) / (float)n_layers : 0;
    L->narrow = col_w < 62 * s;
    const float head = L->narrow ? 3 * small : line + small;
    for (int l = 0; l < n_layers; l++) {
        cs_rect c = {floorf(mid_x + pad + (float)l * (col_w + col_gap)), col_top, floorf(col_w), col_bottom - col_top};
        L->col[l] = c;
        L->col_range[l] = (cs_rect){c.x, c.y + c.h - 2 * small, c.w, 2 * small};
        L->col_maps[l] = (cs_rect){c.x + roundf(2 * s), c.y + head + roundf(4 * s), c.w - roundf(4 * s),
                                   c.h - head - 2 * small - roundf(8 * s)};
        int n, mh, mw;
        cs_viz_layer_maps(&layers[l], &n, &mh, &mw);
        float g = n > 12 ? fmaxf(1, roundf(2 * s)) : roundf(3 * s);
        L->col_grid[l] = cs_grid_fit(L->col_maps[l], n, mw, mh, g, 0);
    }

    /* right column: kernels on top, learning curves below */
    const float kern_h = roundf(main_h * 0.60f);
    L->kernels = (cs_rect){right_x, y0, right_w, kern_h};
    /* the timeline row at the bottom of the kernel panel: label, track, epoch labels */
    const float tl_h = 2 * small + roundf(20 * s);
    L->timeline = (cs_rect){right_x + pad, y0 + kern_h - pad - tl_h, right_w - 2 * pad, tl_h};
    layout_kernels(L, layers, n_layers,
                   (cs_rect){right_x + pad, y0 + pad + line, right_w - 2 * pad,
                             kern_h - 3 * pad - line - tl_h});
    L->curves = (cs_rect){right_x, y0 + kern_h + gap, right_w, main_h - kern_h - gap};
    const float axis_w = roundf(34 * s), plot_top = L->curves.y + pad + 2 * line;
    const float plot_h = L->curves.y + L->curves.h - pad - small - plot_top;
    const float plot_w = (right_w - 2 * pad - 2 * axis_w - gap) * 0.5f;
    L->loss_plot = (cs_rect){right_x + pad + axis_w, plot_top, floorf(plot_w), plot_h};
    L->acc_plot = (cs_rect){L->loss_plot.x + L->loss_plot.w + gap + axis_w, plot_top, floorf(plot_w), plot_h};

    const float hw = fminf((float)win_w * 0.7f, roundf(760 * s)), hh = fminf((float)win_h * 0.84f, roundf(600 * s));
    L->help = (cs_rect){roundf(((float)win_w - hw) * 0.5f), roundf(((float)win_h - hh) * 0.5f), hw, hh};
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
