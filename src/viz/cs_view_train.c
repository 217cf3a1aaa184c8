/* cs_view_train.c - the train view (see cs_view_train.h): panels laid out by cs_layout, maps and
 * kernels colour-mapped on the GPU from float textures, flat UI and text batched by cs_gl. */
#include "cs_view_train.h"
#include "cs_theme.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Palette: dark, so the colormaps carry the colour. */
static const cs_rgba PANEL = {0.152f, 0.160f, 0.184f, 1};
static const cs_rgba GUTTER = CS_THEME_GUTTER;
static const cs_rgba BAR = {0.125f, 0.133f, 0.153f, 1};
static const cs_rgba TEXT = CS_THEME_TEXT;
static const cs_rgba DIM = CS_THEME_DIM;
static const cs_rgba BUTTON = CS_THEME_BUTTON;
static const cs_rgba BUTTON_ON = CS_THEME_BUTTON_ON;
static const cs_rgba TRAIN_C = {1.00f, 0.62f, 0.20f, 1};
static const cs_rgba TEST_C = {0.35f, 0.75f, 1.00f, 1};
static const cs_rgba GOOD = CS_THEME_GOOD;
static const cs_rgba BADC = {1.00f, 0.35f, 0.32f, 1};
static const cs_rgba HILITE = CS_THEME_HILITE;
static const cs_rgba GRIDC = {1, 1, 1, 0.10f};

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
    uint64_t uploaded_seq;
    int have_data;
    float scale;     /* the layout's UI scale during a draw */
    char hover[512];
};

const char *cs_norm_name(cs_norm_mode m)
{
    switch (m) {
    case CS_NORM_PER_MAP: return "per map";
    case CS_NORM_PER_LAYER: return "per layer";
    default: return "fixed";
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
        v->act_tex[l] = v->w_tex[l] = 0;
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
    v->uploaded_seq = s->data_seq;
}

cs_rgba cs_view_train_background(void) { return PANEL; }

const char *cs_view_train_hover(const cs_view_train *v) { return v->hover; }

/* ---- small drawing helpers -------------------------------------------------------------- */

/* Compact number for narrow places: 3 significant digits, k/M/G for large values (a diverging
 * net's activations reach 1e8), a real minus sign. */
static void fmt_num(char *buf, size_t size, float x)
{
    char tmp[24];
    const double a = fabs((double)x);
    if (a < 5e-4) x = 0.0f;
    if (!isfinite(x)) snprintf(tmp, sizeof tmp, "%s", isnan(x) ? "NaN" : x > 0 ? "inf" : "-inf");
    else if (a >= 1e9) snprintf(tmp, sizeof tmp, "%.3gG", (double)x / 1e9);
    else if (a >= 1e6) snprintf(tmp, sizeof tmp, "%.3gM", (double)x / 1e6);
    else if (a >= 1e4) snprintf(tmp, sizeof tmp, "%.3gk", (double)x / 1e3);
    else snprintf(tmp, sizeof tmp, "%.3g", (double)x);
    if (tmp[0] == '-') snprintf(buf, size, "\u2212%.16s", tmp + 1);
    else snprintf(buf, size, "%.16s", tmp);
}

static void panel(cs_view_train *v, cs_rect r, const char *title, float s)
{
    /* the frame is cleared to the panel colour; only the gutters around panels are painted,
     * which keeps the filled area (the cost on software rasterisers) small */
    const float g = roundf(6 * s);
    cs_gl_frame(v->gl, CS_GL_UNDER, cs_rect_inset(r, -g), g, GUTTER);
    if (title) cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, r.x + roundf(6 * s), r.y + roundf(3 * s), TEXT, title);
}

static void button(cs_view_train *v, const cs_view_ui *ui, cs_rect r, const char *label, int on)
{
    int hot = ui->mouse_in && cs_rect_contains(r, ui->mouse_x, ui->mouse_y);
    cs_rgba c = on ? BUTTON_ON : BUTTON;
    if (hot) c.r += 0.08f, c.g += 0.08f, c.b += 0.08f;
    cs_gl_rect(v->gl, CS_GL_UNDER, r, c);
    float w = cs_text_width(v->text, CS_FONT_NORMAL, label);
    float fh = cs_layout_font_px(CS_FONT_NORMAL, v->scale) * 1.17f;
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, r.x + 0.5f * (r.w - w), r.y + 0.5f * (r.h - fh), TEXT, label);
}

static cs_value_range act_range(const cs_view_train *v, const cs_view_ui *ui, int l, int m)
{
    if (ui->maps_norm == CS_NORM_FIXED) return (cs_value_range){0.0f, CS_FIXED_ACT_HI};
    if (ui->maps_norm == CS_NORM_PER_MAP && v->act_map[l]) return v->act_map[l][m];
    return v->act_layer[l];
}

static cs_value_range w_range(const cs_view_train *v, const cs_view_ui *ui, int l, int o)
{
    if (ui->kernels_norm == CS_NORM_FIXED) return (cs_value_range){-CS_FIXED_W, CS_FIXED_W};
    if (ui->kernels_norm == CS_NORM_PER_MAP && v->w_map[l]) return v->w_map[l][o];
    return v->w_layer[l];
}

/* ---- panels ------------------------------------------------------------------------------ */

static void draw_top(cs_view_train *v, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *ui)
{
    const float sc = L->scale;
    /* bars and plots sit on the cleared panel colour with thin rules: filled area is what a
     * software rasteriser pays for */
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){0, L->top.y + L->top.h - 2, L->top.w, 2}, GUTTER);
    button(v, ui, L->buttons[CS_BTN_PAUSE], ui->paused ? "\u25B6 Run" : "Pause", ui->paused);
    button(v, ui, L->buttons[CS_BTN_STEP], "Step", 0);
    button(v, ui, L->buttons[CS_BTN_SLOWER], "\u2212", 0);
    button(v, ui, L->buttons[CS_BTN_FASTER], "+", 0);
    float fh = cs_layout_font_px(CS_FONT_NORMAL, sc) * 1.17f;
    cs_rect sl = L->speed_label;
    float tw = cs_text_width(v->text, CS_FONT_NORMAL, ui->speed);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, sl.x + 0.5f * (sl.w - tw), sl.y + 0.5f * (sl.h - fh), TEXT,
                 ui->speed);
    char buf[256], num[32];
    fmt_num(num, sizeof num, ui->lr);
    snprintf(buf, sizeof buf, "rate %s", num);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->lr_label.x + L->lr_label.w - roundf(4 * sc),
                       L->lr_label.y + 0.5f * (L->lr_label.h - fh), TEXT, buf);
    /* learning-rate slider, log scale */
    cs_rect tr = L->lr_slider;
    float t = logf(ui->lr / ui->lr_min) / logf(ui->lr_max / ui->lr_min);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){tr.x, tr.y + tr.h * 0.5f - roundf(2 * sc), tr.w, roundf(4 * sc)}, BUTTON);
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){tr.x, tr.y + tr.h * 0.5f - roundf(2 * sc), tr.w * t, roundf(4 * sc)},
               BUTTON_ON);
    cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){tr.x + tr.w * t - roundf(5 * sc), tr.y + roundf(3 * sc), roundf(10 * sc),
                                            tr.h - roundf(6 * sc)}, TEXT);
    button(v, ui, L->buttons[CS_BTN_RESTART], "Restart", 0);
    snprintf(buf, sizeof buf, "Maps: %s", cs_norm_name(ui->maps_norm));
    button(v, ui, L->buttons[CS_BTN_MAPS_NORM], buf, 0);
    snprintf(buf, sizeof buf, "Kernels: %s", cs_norm_name(ui->kernels_norm));
    button(v, ui, L->buttons[CS_BTN_KERNELS_NORM], buf, 0);
    button(v, ui, L->buttons[CS_BTN_HELP], "Help", ui->show_help);

    /* title and counters */
    const cs_rect c = L->counters;
    float x = cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, c.x, c.y, TEXT, ui->title);
    char step[32], seen[32], ips[32];
    cs_theme_format_count(step, sizeof step, s->step);
    cs_theme_format_count(seen, sizeof seen, s->images_seen);
    cs_theme_format_count(ips, sizeof ips, (long)(s->images_per_sec + 0.5));
    fmt_num(num, sizeof num, s->lr);
    snprintf(buf, sizeof buf, "epoch %d   step %s   images %s   %s images/s   %s lr %s   loss: %s   %.0f fps",
             s->epoch, step, seen, ips, s->optimizer, num, s->loss, ui->fps);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, x + roundf(24 * L->scale), c.y, DIM, buf);
    if (s->paused && !s->diverged)
        cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_NORMAL, c.x + c.w, c.y, HILITE, "paused");
}

/* Receptive field and cell outline of a hovered activation cell. */
static void hover_act(cs_view_train *v, const cs_snapshot *s, const cs_layout *L, int l, int m, int cy, int cx)
{
    const cs_snap_layer *ly = &s->layers[l];
    int n, mh, mw;
    cs_viz_layer_maps(ly, &n, &mh, &mw);
    float val = s->acts[s->act_off[l] + ((size_t)m * mh + cy) * mw + cx];
    /* a vector layer's cell is unit cy of one map; a map's cell is (cy, cx) of channel m */
    int ry = n == 1 && mw == 1 && ly->out_h == 1 ? 0 : cy, rx = n == 1 && mw == 1 && ly->out_h == 1 ? 0 : cx;
    int y0, x0, y1, x1;
    cs_receptive_field(s->layers, l, ry, rx, &y0, &x0, &y1, &x1);
    const cs_rect img = L->probe_img;
    const float ch = img.h / (float)s->in_h, cw = img.w / (float)s->in_w;
    cs_rect rf = {img.x + (float)x0 * cw, img.y + (float)y0 * ch, (float)(x1 - x0 + 1) * cw, (float)(y1 - y0 + 1) * ch};
    cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(rf, -2), fmaxf(2, roundf(2 * L->scale)), HILITE);
    cs_rect tile = cs_grid_tile(&L->col_grid[l], m);
    cs_rect cell = {tile.x + tile.w * (float)cx / (float)mw, tile.y + tile.h * (float)cy / (float)mh, tile.w / (float)mw,
                    tile.h / (float)mh};
    cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(cell, -1), 1, HILITE);
    char num[32];
    fmt_num(num, sizeof num, val);
    if (n == 1 && ly->out_h == 1)
        snprintf(v->hover, sizeof v->hover, "%s unit %d = %s   (sees the whole %dx%d image)", ly->name, cy, num, s->in_h,
                 s->in_w);
    else
        snprintf(v->hover, sizeof v->hover,
                 "%s map %d, row %d col %d = %s   receptive field: rows %d\u2013%d, cols %d\u2013%d of the input (%dx%d)",
                 ly->name, m, cy, cx, num, y0, y1, x0, x1, y1 - y0 + 1, x1 - x0 + 1);
}

static void draw_strip(cs_view_train *v, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *ui)
{
    const float sc = L->scale;
    char buf[160];
    snprintf(buf, sizeof buf, "Activation maps of the probe image, layer by layer (colours: %s)",
             cs_norm_name(ui->maps_norm));
    panel(v, L->strip, buf, sc);
    const float line = cs_layout_line_h(CS_FONT_NORMAL, sc);
    for (int l = 0; l < L->n_cols && l < s->n_layers; l++) {
        const cs_snap_layer *ly = &s->layers[l];
        const cs_rect c = L->col[l];
        int n, mh, mw;
        cs_viz_layer_maps(ly, &n, &mh, &mw);
        const float sl = cs_layout_line_h(CS_FONT_SMALL, sc);
        if (L->narrow) {
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, c.x + 1, c.y, TEXT, ly->name);
            snprintf(buf, sizeof buf, "%d@", ly->out_c);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, c.x + 1, c.y + sl, DIM, buf);
            snprintf(buf, sizeof buf, "%d\u00D7%d", ly->out_h, ly->out_w);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, c.x + 1, c.y + 2 * sl, DIM, buf);
        } else {
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, c.x + 1, c.y, TEXT, ly->name);
            snprintf(buf, sizeof buf, "%d@%d\u00D7%d", ly->out_c, ly->out_h, ly->out_w);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, c.x + 1, c.y + line, DIM, buf);
        }
        const cs_grid *g = &L->col_grid[l];
        for (int m = 0; m < n; m++) {
            cs_rect t = cs_grid_tile(g, m);
            cs_gl_heat(v->gl, v->act_tex[l], v->act_tw[l], v->act_th[l], t, 0, m * mh, mw, mh, act_range(v, ui, l, m),
                       CS_CMAP_VIRIDIS, 0);
        }
        /* the range in use, max above min so it fits a narrow column */
        if (ui->maps_norm == CS_NORM_PER_MAP && n > 1) {
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, c.x + 1, L->col_range[l].y, DIM, "per map");
        } else {
            cs_value_range r = act_range(v, ui, l, 0);
            char num[32];
            fmt_num(num, sizeof num, r.hi);
            snprintf(buf, sizeof buf, "%s%s", L->narrow ? "" : "max ", num);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, c.x + 1, L->col_range[l].y, DIM, buf);
            fmt_num(num, sizeof num, r.lo);
            snprintf(buf, sizeof buf, "%s%s", L->narrow ? "" : "min ", num);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, c.x + 1, L->col_range[l].y + sl, DIM, buf);
        }
        if (ui->mouse_in && !ui->show_help) {
            int cy, cx, m = cs_grid_hit(g, ui->mouse_x, ui->mouse_y, mw, mh, &cy, &cx);
            if (m >= 0) hover_act(v, s, L, l, m, cy, cx);
        }
    }
    /* the activation colormap and what its ends mean */
    const cs_rect cb = L->strip_cbar;
    cs_gl_heat(v->gl, v->ramp_h, 256, 1, cb, 0, 0, 256, 1, (cs_value_range){0, 1}, CS_CMAP_VIRIDIS, 0);
    const float ty = cb.y + cb.h + roundf(1 * sc);
    const char *lo = "min", *hi = "max";
    const char *what = L->narrow ? "range under each column: max over min" : "range under each column";
    char fixed_hi[32];
    if (ui->maps_norm == CS_NORM_FIXED) {
        fmt_num(fixed_hi, sizeof fixed_hi, CS_FIXED_ACT_HI);
        lo = "0", hi = fixed_hi, what = "fixed range for every layer";
    } else if (ui->maps_norm == CS_NORM_PER_MAP) {
        what = "each map from its own min to its own max";
    }
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, cb.x, ty, DIM, lo);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, cb.x + cb.w, ty, DIM, hi);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, cb.x + cb.w + roundf(10 * sc), cb.y - roundf(2 * sc), DIM, what);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, cb.x - roundf(6 * sc), cb.y - roundf(2 * sc), DIM, "low");
}

/* The numbers of one kernel channel as a tooltip table. */
static float kernel_numbers(cs_view_train *v, const cs_snapshot *s, int l, int o, int c, float x, float y, int layer)
{
    const cs_snap_layer *ly = &s->layers[l];
    const float *w = s->weights + s->w_off[l] + ((size_t)o * ly->in_c + c) * ly->k * ly->k;
    const float lh = cs_text_width(v->text, CS_FONT_MONO, "0") * 2.1f;
    for (int ky = 0; ky < ly->k; ky++) {
        char row[256] = "";
        size_t n = 0;
        for (int kx = 0; kx < ly->k && n + 12 < sizeof row; kx++)
            n += (size_t)snprintf(row + n, sizeof row - n, "%+.3f ", (double)w[ky * ly->k + kx]);
        cs_text_draw(v->text, layer, CS_FONT_MONO, x, y + (float)ky * lh, TEXT, row);
    }
    return (float)ly->k * lh;
}

static void draw_kernels(cs_view_train *v, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *ui)
{
    const float sc = L->scale;
    char buf[160], num[32];
    snprintf(buf, sizeof buf, "Kernels (weights; colours: %s)", cs_norm_name(ui->kernels_norm));
    panel(v, L->kernels, buf, sc);
    if (L->n_kern == 0)
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, L->kernels.x + 8 * sc, L->kernels.y + 30 * sc, DIM,
                     "this net has no conv layers");
    int hov_l = -1, hov_o = 0, hov_c = 0, hov_rgb = 0;
    cs_rect hov_tile = {0, 0, 0, 0};
    for (int k = 0; k < L->n_kern; k++) {
        const int l = L->kern_layer[k];
        const cs_snap_layer *ly = &s->layers[l];
        if (!v->w_tex[l]) continue;
        const cs_grid *g = &L->kern_grid[k];
        const int K = ly->k, C = ly->in_c, OC = ly->out_c;
        if (L->kern_rgb[k])
            snprintf(buf, sizeof buf, "%s: %d filters %d\u00D7%d\u00D7%d, input channels as R, G, B", ly->name, OC, K, K, C);
        else if (C == 1)
            snprintf(buf, sizeof buf, "%s: %d filters %d\u00D7%d", ly->name, OC, K, K);
        else
            snprintf(buf, sizeof buf, "%s: %d filters \u00D7 %d input channels (%s), %d\u00D7%d", ly->name, OC, C,
                     L->kern_rows_are_filters[k] ? "a row per filter" : "a column per filter", K, K);
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, L->kern_header[k].x, L->kern_header[k].y, TEXT, buf);
        for (int i = 0; i < g->n; i++) {
            int o, c;
            if (L->kern_rgb[k] || C == 1) o = i, c = 0;
            else if (L->kern_rows_are_filters[k]) o = i / C, c = i % C;
            else c = i / OC, o = i % OC;
            cs_rect t = cs_grid_tile(g, i);
            cs_gl_heat(v->gl, v->w_tex[l], v->w_tw[l], v->w_th[l], t, 0, (o * C + c) * K, K, K, w_range(v, ui, l, o),
                       CS_CMAP_RDBU, L->kern_rgb[k] ? K : 0);
            if (ui->mouse_in && !ui->show_help && cs_rect_contains(t, ui->mouse_x, ui->mouse_y))
                hov_l = l, hov_o = o, hov_c = c, hov_rgb = L->kern_rgb[k], hov_tile = t;
        }
        /* colour bar: what the colours mean in numbers */
        const cs_rect cb = L->kern_cbar[k];
        cs_gl_heat(v->gl, v->ramp_v, 1, 256, cb, 0, 0, 1, 256, (cs_value_range){0, 1}, CS_CMAP_RDBU, 0);
        const float tx = cb.x + cb.w + roundf(3 * sc), fh = cs_layout_font_px(CS_FONT_SMALL, sc);
        if (cb.h < 3.2f * fh) {
            /* a short bar: one label says the symmetric range */
            if (ui->kernels_norm == CS_NORM_PER_MAP) snprintf(buf, sizeof buf, "\u00B1max");
            else fmt_num(num, sizeof num, w_range(v, ui, l, 0).hi), snprintf(buf, sizeof buf, "\u00B1%s", num);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y - 2, DIM, buf);
        } else if (ui->kernels_norm == CS_NORM_PER_MAP) {
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y - 2, DIM, "+max");
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y + 0.5f * cb.h - 0.6f * fh, DIM, "0");
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y + cb.h - fh, DIM, "\u2212max");
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, cb.x - roundf(2 * sc), cb.y + cb.h + roundf(2 * sc), DIM,
                         "each");
        } else {
            cs_value_range r = w_range(v, ui, l, 0);
            fmt_num(num, sizeof num, r.hi);
            snprintf(buf, sizeof buf, "+%s", num);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y - 2, DIM, buf);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y + 0.5f * cb.h - 0.6f * fh, DIM, "0");
            fmt_num(num, sizeof num, r.lo);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, tx, cb.y + cb.h - fh, DIM, num);
        }
    }
    if (hov_l >= 0) {
        const cs_snap_layer *ly = &s->layers[hov_l];
        cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(hov_tile, -2), 2, HILITE);
        const int planes = hov_rgb ? 3 : 1;
        const float mono_w = cs_text_width(v->text, CS_FONT_MONO, "0");
        const float lh = mono_w * 2.1f, head = cs_layout_line_h(CS_FONT_NORMAL, sc);
        const float bw = mono_w * 7.0f * (float)ly->k + 16 * sc, bh = head + (float)planes * ((float)ly->k * lh + head) + 8 * sc;
        float bx = ui->mouse_x + 16 * sc, by = ui->mouse_y + 16 * sc;
        if (bx + bw > (float)L->win_w) bx = ui->mouse_x - bw - 16 * sc;
        if (by + bh > (float)L->win_h) by = (float)L->win_h - bh - 4;
        cs_gl_rect(v->gl, CS_GL_TOP, (cs_rect){bx, by, bw, bh}, (cs_rgba){0.05f, 0.05f, 0.07f, 0.94f});
        cs_gl_frame(v->gl, CS_GL_TOP, (cs_rect){bx, by, bw, bh}, 1, DIM);
        float y = by + 4 * sc;
        if (hov_rgb) snprintf(buf, sizeof buf, "%s filter %d (R, G, B planes)", ly->name, hov_o);
        else snprintf(buf, sizeof buf, "%s filter %d, input channel %d", ly->name, hov_o, hov_c);
        cs_text_draw(v->text, CS_GL_TOP, CS_FONT_NORMAL, bx + 8 * sc, y, TEXT, buf);
        y += head;
        for (int p = 0; p < planes; p++) {
            if (hov_rgb) {
                cs_text_draw(v->text, CS_GL_TOP, CS_FONT_SMALL, bx + 8 * sc, y, DIM, p == 0 ? "red" : p == 1 ? "green" : "blue");
                y += head;
            }
            y += kernel_numbers(v, s, hov_l, hov_o, hov_rgb ? p : hov_c, bx + 8 * sc, y, CS_GL_TOP);
        }
        float b = s->weights[s->w_off[hov_l] + ly->out_c * (size_t)ly->in_c * ly->k * ly->k + hov_o];
        fmt_num(num, sizeof num, b);
        snprintf(v->hover, sizeof v->hover, "%s filter %d%s: %d\u00D7%d weights shown in the box, bias %s", ly->name,
                 hov_o, hov_rgb ? "" : "", ly->k, ly->k, num);
    }
}

static void draw_probe(cs_view_train *v, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *ui)
{
    const float sc = L->scale;
    panel(v, L->probe, "Probe image", sc);
    button(v, ui, L->buttons[CS_BTN_PROBE_PREV], "\u25C0", 0);
    button(v, ui, L->buttons[CS_BTN_PROBE_NEXT], "\u25B6", 0);
    cs_gl_heat(v->gl, v->probe_tex, v->probe_tw, v->probe_th, L->probe_img, 0, 0, s->in_w, s->in_h,
               (cs_value_range){0, 1}, CS_CMAP_GRAY, s->in_c == 3 ? s->in_h : 0);
    const char *name = s->probe_label >= 0 && s->probe_label < ui->n_class_names ? ui->class_names[s->probe_label] : "?";
    if (s->probe_index >= 0)
        cs_text_drawf(v->text, CS_GL_OVER, CS_FONT_SMALL, L->probe_caption.x, L->probe_caption.y, DIM,
                      "test image #%d, true class: %s", s->probe_index, name);
    else { /* an image file: how it became the net's input, without its name when that does not fit */
        const char *note = s->probe_note, *colon = strstr(note, ": ");
        if (colon && cs_text_width(v->text, CS_FONT_SMALL, note) > L->probe_caption.w) note = colon + 2;
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, L->probe_caption.x, L->probe_caption.y, DIM, note);
    }
    if (ui->mouse_in && !ui->show_help && cs_rect_contains(L->probe_img, ui->mouse_x, ui->mouse_y)) {
        int y = (int)((ui->mouse_y - L->probe_img.y) / L->probe_img.h * (float)s->in_h);
        int x = (int)((ui->mouse_x - L->probe_img.x) / L->probe_img.w * (float)s->in_w);
        if (y >= s->in_h) y = s->in_h - 1;
        if (x >= s->in_w) x = s->in_w - 1;
        const size_t plane = (size_t)s->in_h * s->in_w;
        if (s->in_c == 3)
            snprintf(v->hover, sizeof v->hover, "input pixel row %d col %d = R %.2f G %.2f B %.2f", y, x,
                     (double)s->probe[(size_t)y * s->in_w + x], (double)s->probe[plane + (size_t)y * s->in_w + x],
                     (double)s->probe[2 * plane + (size_t)y * s->in_w + x]);
        else
            snprintf(v->hover, sizeof v->hover, "input pixel row %d col %d = %.3f", y, x,
                     (double)s->probe[(size_t)y * s->in_w + x]);
    }
}

static void draw_output(cs_view_train *v, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *ui)
{
    const float sc = L->scale;
    panel(v, L->output, NULL, sc);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->out_header.x, L->out_header.y, TEXT, "Output vs truth");
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, L->out_truth_x + roundf(16 * sc), L->out_header.y + 2 * sc,
                       DIM, "truth");
    int pred = 0;
    for (int i = 1; i < s->n_classes; i++)
        if (s->probs[i] > s->probs[pred]) pred = i;
    const float fh = cs_layout_font_px(CS_FONT_SMALL, sc) * 1.17f;
    for (int i = 0; i < L->out_rows; i++) {
        const float y = L->out_row_y + (float)i * L->out_row_h, rh = L->out_row_h;
        const float ty = y + 0.5f * (rh - fh);
        const char *name = i < ui->n_class_names ? ui->class_names[i] : "(no class)";
        const int truth = i == s->probe_label;
        if (i == pred && s->probe_label >= 0) { /* an image file has no truth to be right or wrong about */
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, L->output.x + 2 * sc, ty, truth ? GOOD : BADC,
                         truth ? "\u2713" : "\u2717");
        }
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, L->output.x + L->pad + 6 * sc, ty,
                     i == pred ? TEXT : DIM, name);
        const float p = s->probs[i] < 0 ? 0 : s->probs[i] > 1 ? 1 : s->probs[i];
        cs_rect track = {L->out_bar_x, y + rh * 0.18f, L->out_bar_w, rh * 0.64f};
        cs_gl_rect(v->gl, CS_GL_UNDER, track, BAR);
        cs_rgba bc = i == pred && s->probe_label >= 0 ? (truth ? GOOD : BADC) : TEST_C;
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){track.x, track.y, track.w * p, track.h}, bc);
        char num[16];
        snprintf(num, sizeof num, "%.2f", (double)p);
        cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, track.x + track.w - 2 * sc, ty, TEXT, num);
        cs_rect tc = {L->out_truth_x, y + rh * 0.5f - 7 * sc, roundf(14 * sc), roundf(14 * sc)};
        if (truth) cs_gl_rect(v->gl, CS_GL_OVER, tc, TEXT);
        else cs_gl_frame(v->gl, CS_GL_OVER, tc, 1, DIM);
        if (ui->mouse_in && !ui->show_help && ui->mouse_y >= y && ui->mouse_y < y + rh &&
            ui->mouse_x >= L->output.x && ui->mouse_x < L->output.x + L->output.w)
            snprintf(v->hover, sizeof v->hover, "class %d (%s): network says %.4f, truth %d", i, name,
                     (double)s->probs[i], truth);
    }
    /* the article's picture: the output vector next to the one-hot truth */
    char outv[256] = "output [", truthv[256] = "truth  [";
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
    const float ml = cs_layout_line_h(CS_FONT_MONO, sc);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_MONO, L->out_vectors.x, L->out_vectors.y, TEXT, outv);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_MONO, L->out_vectors.x, L->out_vectors.y + ml, DIM, truthv);
}

/* The top of a plot's value axis: 1 for accuracy, a little above the highest loss. */
static float plot_ymax(const cs_snapshot *s, int use_acc)
{
    if (use_acc) return 1.0f;
    float ymax = 0.1f;
    for (int i = 0; i < s->train.n; i++) ymax = fmaxf(ymax, s->train.p[i].loss);
    for (int i = 0; i < s->test.n; i++) ymax = fmaxf(ymax, s->test.p[i].loss);
    return ymax * 1.05f;
}

void cs_view_train_plot_xy(const cs_snapshot *s, cs_rect r, int use_acc, long step, float val, float *x, float *y)
{
    const long xmax = s->step > 1 ? s->step : 1;
    const float ymax = plot_ymax(s, use_acc);
    *x = r.x + r.w * fminf((float)step / (float)xmax, 1.0f);
    *y = r.y + r.h * (1.0f - fminf(fmaxf(val, 0.0f) / ymax, 1.0f));
}

/* One learning-curve plot: train and test series of loss (use_acc 0) or accuracy. */
static void plot(cs_view_train *v, const cs_snapshot *s, cs_rect r, int use_acc, float sc, const char *title)
{
    const float ymax = plot_ymax(s, use_acc);
    long xmax = s->step > 1 ? s->step : 1;
    cs_gl_frame(v->gl, CS_GL_UNDER, cs_rect_inset(r, -1), 1, GRIDC);
    for (int i = 1; i <= 3; i++) {
        float gy = r.y + r.h * (1.0f - (float)i / 4.0f);
        cs_gl_line(v->gl, CS_GL_OVER, r.x, gy, r.x + r.w, gy, 1, GRIDC);
    }
    char buf[64];
    const float fh = cs_layout_font_px(CS_FONT_SMALL, sc);
    /* epochs: every boundary is drawn; labels only where they neither crowd the previous one
     * nor run past the plot */
    float last_label = -1e9f;
    for (int e = 0; e < s->n_epoch_marks; e++) {
        float x = r.x + r.w * (float)s->epoch_marks[e] / (float)xmax;
        if (x > r.x + r.w) continue;
        cs_gl_line(v->gl, CS_GL_OVER, x, r.y, x, r.y + r.h, 1, (cs_rgba){1, 1, 1, 0.35f});
        snprintf(buf, sizeof buf, "e%d", e + 1);
        const float tw = cs_text_width(v->text, CS_FONT_SMALL, buf);
        if (x - last_label >= tw + 6 * sc && x + 2 + tw <= r.x + r.w) {
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, x + 2, r.y + 1, DIM, buf);
            last_label = x;
        }
    }
    for (int series = 0; series < 2; series++) {
        const cs_curve *c = series == 0 ? &s->train : &s->test;
        const cs_rgba col = series == 0 ? TRAIN_C : TEST_C;
        float px = 0, py = 0;
        for (int i = 0; i < c->n; i++) {
            float val = use_acc ? c->p[i].acc : c->p[i].loss;
            if (!isfinite(val)) continue;
            float x = r.x + r.w * (float)c->p[i].step / (float)xmax;
            float y = r.y + r.h * (1.0f - fminf(val / ymax, 1.0f));
            if (i > 0) cs_gl_line(v->gl, CS_GL_OVER, px, py, x, y, fmaxf(1.5f, 1.5f * sc), col);
            else if (c->n == 1) cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){x - 2 * sc, y - 2 * sc, 4 * sc, 4 * sc}, col);
            px = x, py = y;
        }
    }
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x, r.y - fh * 1.5f, TEXT, title);
    if (use_acc) snprintf(buf, sizeof buf, "100%%");
    else fmt_num(buf, sizeof buf, ymax);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x - 3 * sc, r.y - 2, DIM, buf);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x - 3 * sc, r.y + r.h - fh, DIM, use_acc ? "0%" : "0");
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x, r.y + r.h + 1, DIM, "0");
    char cnt[32];
    cs_theme_format_count(cnt, sizeof cnt, s->step); /* the counter's step (the axis spans at least 1) */
    snprintf(buf, sizeof buf, "step %s", cnt);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x + r.w, r.y + r.h + 1, DIM, buf);
    const cs_curve *last = &s->test;
    if (last->n > 0) {
        float val = use_acc ? last->p[last->n - 1].acc : last->p[last->n - 1].loss;
        if (use_acc) snprintf(buf, sizeof buf, "test %.1f%%", (double)val * 100.0);
        else snprintf(buf, sizeof buf, "test %.3f", (double)val);
        cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x + r.w, r.y - fh * 1.5f, TEST_C, buf);
    }
}

static void draw_curves(cs_view_train *v, const cs_snapshot *s, const cs_layout *L)
{
    const float sc = L->scale;
    panel(v, L->curves, "Learning curves", sc);
    const float lx = L->curves.x + L->curves.w * 0.45f, ly = L->curves.y + roundf(3 * sc);
    const float lh = cs_layout_font_px(CS_FONT_NORMAL, sc);
    cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){lx, ly + lh * 0.55f, 18 * sc, 3 * sc}, TRAIN_C);
    float x = cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, lx + 22 * sc, ly + 1, TEXT, "train (batches)");
    cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){x + 12 * sc, ly + lh * 0.55f, 18 * sc, 3 * sc}, TEST_C);
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, x + 34 * sc, ly + 1, TEXT, "test");
    plot(v, s, L->loss_plot, 0, sc, "loss");
    plot(v, s, L->acc_plot, 1, sc, "accuracy");
}

void cs_view_train_draw(cs_view_train *v, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *ui)
{
    v->hover[0] = '\0';
    v->scale = L->scale;
    draw_top(v, s, L, ui);
    if (v->have_data) {
        draw_probe(v, s, L, ui);
        draw_output(v, s, L, ui);
        draw_strip(v, s, L, ui);
        draw_kernels(v, s, L, ui);
    }
    draw_curves(v, s, L);

    const float sc = L->scale;
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){0, L->status.y, L->status.w, 2}, GUTTER);
    const float ty = L->status.y + roundf(3 * sc);
    if (s->diverged) {
        /* a banner nobody can miss; training is paused and nothing is drawn from the NaN data */
        cs_rect b = {L->strip.x + 20 * sc, L->strip.y + L->strip.h * 0.35f, L->strip.w - 40 * sc, 90 * sc};
        const float need = cs_text_width(v->text, CS_FONT_SMALL, s->message) + 28 * sc;
        if (need > b.w) b.w = fminf(need, (float)L->win_w - b.x - 4);
        cs_gl_rect(v->gl, CS_GL_TOP, b, (cs_rgba){0.45f, 0.06f, 0.06f, 0.95f});
        cs_gl_frame(v->gl, CS_GL_TOP, b, 2, BADC);
        cs_text_draw(v->text, CS_GL_TOP, CS_FONT_BIG, b.x + 14 * sc, b.y + 10 * sc, TEXT,
                     "Training diverged and is paused");
        cs_text_draw(v->text, CS_GL_TOP, CS_FONT_SMALL, b.x + 14 * sc, b.y + 38 * sc, TEXT, s->message);
        char lower[32], offer[160];
        fmt_num(lower, sizeof lower, 0.1f * s->lr);
        snprintf(offer, sizeof offer, "Press r (or Restart) for new random weights at a tenth of the rate: %s", lower);
        cs_text_draw(v->text, CS_GL_TOP, CS_FONT_NORMAL, b.x + 14 * sc, b.y + 60 * sc, HILITE, offer);
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->status.x + 8 * sc, ty, BADC, s->message);
    } else if (v->hover[0]) {
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->status.x + 8 * sc, ty, TEXT, v->hover);
    } else if (ui->message && *ui->message) {
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->status.x + 8 * sc, ty, HILITE, ui->message);
    } else {
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->status.x + 8 * sc, ty, DIM,
                     "Hover a map cell for its value and receptive field, a kernel for its numbers.  h: help");
    }
    if (ui->message && *ui->message && (v->hover[0] || s->diverged))
        cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_NORMAL, L->status.x + L->status.w - 8 * sc, ty, HILITE,
                           ui->message);
    if (ui->show_help)
        cs_theme_draw_help(v->gl, v->text, L->help, L->win_w, L->win_h, L->scale, "Keys and mouse", ui->help,
                           ui->help_lines);
}
