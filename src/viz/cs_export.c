/* cs_export.c - grids of kernels and maps and filmstrips as RGB pictures, slides (a picture with
 * its title, what it shows and a colour bar with numbers), and the export recipe that writes a
 * snapshot's pictures (see cs_export.h). */
#include "cs_export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_imageio.h"
#include "cs_step_layout.h"

void cs_export_style_defaults(cs_export_style *st)
{
    st->scale = 1;
    st->gap = 2;
    /* dark gray: apart from every colour of viridis and RdBu, so tile edges stay visible */
    st->background[0] = st->background[1] = st->background[2] = 40;
}

int cs_export_readable_scale(int side, int target)
{
    int s = side > 0 ? (target + side - 1) / side : 1;
    return s < 1 ? 1 : s > 32 ? 32 : s;
}

static cs_export_grid grid(int cols, int rows, int tw, int th, int gap)
{
    cs_export_grid g = {cols, rows, tw, th, gap + cols * (tw + gap), gap + rows * (th + gap)};
    return g;
}

static int near_square_cols(int n) { return (int)ceil(sqrt((double)n)); }

void cs_export_tile_origin(const cs_export_grid *g, int gap, int t, int *x, int *y)
{
    *x = gap + (t % g->cols) * (g->tile_w + gap);
    *y = gap + (t / g->cols) * (g->tile_h + gap);
}

static void fill_background(uint8_t *rgb, const cs_export_grid *g, const cs_export_style *st)
{
    for (size_t i = 0; i < (size_t)g->w * g->h; i++) memcpy(rgb + 3 * i, st->background, 3);
}

/* One (h, w) plane scaled by st->scale at (x0, y0). */
static void draw_plane(uint8_t *rgb, const cs_export_grid *g, int x0, int y0, const float *plane, int h, int w,
                       cs_colormap_id cm, cs_value_range r, int scale)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t c[3];
            cs_colormap_rgb(cm, r, plane[y * w + x], c);
            for (int dy = 0; dy < scale; dy++) {
                uint8_t *row = rgb + 3 * ((size_t)(y0 + y * scale + dy) * g->w + x0 + x * scale);
                for (int dx = 0; dx < scale; dx++) memcpy(row + 3 * dx, c, 3);
            }
        }
}

cs_export_grid cs_export_kernel_layout(int oc, int c, int k, const cs_export_style *st)
{
    const int tile = k * st->scale;
    if (c == 1) {
        const int cols = near_square_cols(oc);
        return grid(cols, (oc + cols - 1) / cols, tile, tile, st->gap);
    }
    return grid(c, oc, tile, tile, st->gap);
}

void cs_export_kernels(uint8_t *rgb, const cs_export_grid *g, const float *w, int oc, int c, int k,
                       cs_colormap_id cm, cs_value_range r, const cs_export_style *st)
{
    fill_background(rgb, g, st);
    for (int t = 0; t < oc * c; t++) {
        int x, y;
        cs_export_tile_origin(g, st->gap, t, &x, &y);
        draw_plane(rgb, g, x, y, w + (size_t)t * k * k, k, k, cm, r, st->scale);
    }
}

cs_export_grid cs_export_kernel_rgb_layout(int oc, int k, const cs_export_style *st)
{
    const int tile = k * st->scale, cols = near_square_cols(oc);
    return grid(cols, (oc + cols - 1) / cols, tile, tile, st->gap);
}

uint8_t cs_export_rgb_level(float v, cs_value_range r)
{
    /* the window's heat shader: t = (v - lo) / (hi - lo) clamped (NaN 0), written as round(t * 255) */
    return (uint8_t)lrintf(cs_value_range_normalize(r, v) * 255.0f);
}

void cs_export_kernels_rgb(uint8_t *rgb, const cs_export_grid *g, const float *w, int oc, int k, cs_value_range r,
                           const cs_export_style *st)
{
    fill_background(rgb, g, st);
    const size_t plane = (size_t)k * k;
    for (int o = 0; o < oc; o++) {
        int x0, y0;
        cs_export_tile_origin(g, st->gap, o, &x0, &y0);
        const float *f = w + (size_t)o * 3 * plane;
        for (int y = 0; y < k; y++)
            for (int x = 0; x < k; x++) {
                uint8_t c[3];
                for (int ch = 0; ch < 3; ch++) c[ch] = cs_export_rgb_level(f[ch * plane + (size_t)y * k + x], r);
                for (int dy = 0; dy < st->scale; dy++) {
                    uint8_t *row = rgb + 3 * ((size_t)(y0 + y * st->scale + dy) * g->w + x0 + x * st->scale);
                    for (int dx = 0; dx < st->scale; dx++) memcpy(row + 3 * dx, c, 3);
                }
            }
    }
}

cs_export_grid cs_export_maps_layout(int c, int h, int w, const cs_export_style *st)
{
    const int cols = near_square_cols(c);
    return grid(cols, (c + cols - 1) / cols, w * st->scale, h * st->scale, st->gap);
}

void cs_export_maps(uint8_t *rgb, const cs_export_grid *g, const float *maps, int c, int h, int w, cs_colormap_id cm,
                    cs_value_range r, const cs_export_style *st)
{
    fill_background(rgb, g, st);
    for (int t = 0; t < c; t++) {
        int x, y;
        cs_export_tile_origin(g, st->gap, t, &x, &y);
        draw_plane(rgb, g, x, y, maps + (size_t)t * h * w, h, w, cm, r, st->scale);
    }
}

cs_export_grid cs_export_filmstrip_layout(int n, int fw, int fh, const cs_export_style *st)
{
    return grid(n, 1, fw, fh, st->gap);
}

void cs_export_filmstrip(uint8_t *rgb, const cs_export_grid *g, const uint8_t *const *frames, int n,
                         const cs_export_style *st)
{
    fill_background(rgb, g, st);
    for (int t = 0; t < n; t++) {
        int x, y;
        cs_export_tile_origin(g, st->gap, t, &x, &y);
        for (int row = 0; row < g->tile_h; row++)
            memcpy(rgb + 3 * ((size_t)(y + row) * g->w + x), frames[t] + 3 * (size_t)row * g->tile_w,
                   3 * (size_t)g->tile_w);
    }
}

int cs_export_pick(size_t n, int max_pick, size_t *idx)
{
    if (n == 0 || max_pick <= 0) return 0;
    const size_t m = n < (size_t)max_pick ? n : (size_t)max_pick;
    if (m == 1) {
        idx[0] = n - 1;
        return 1;
    }
    /* rounded even spacing from 0 to n - 1: distinct because m <= n */
    for (size_t i = 0; i < m; i++) idx[i] = (i * (n - 1) + (m - 1) / 2) / (m - 1);
    return (int)m;
}

/* ---- slides: a picture with its title, what it shows and a colour bar --------------------------- */

/* Sizes of a slide, in pixels. */
enum { SLIDE_MARGIN = 24, SLIDE_GAP = 12, BAR_H = 22, BAR_MIN_W = 320, BAR_MAX_W = 640 };
static const uint8_t TITLE_INK[3] = {240, 240, 240}, NOTE_INK[3] = {185, 185, 185};

cs_status cs_export_fonts_open(cs_export_fonts *f)
{
    memset(f, 0, sizeof *f);
    char dir[1024];
    cs_status st = cs_label_find_fonts(dir, sizeof dir);
    if (!st) st = cs_label_create(&f->title, dir, CS_EXPORT_TITLE_PX);
    if (!st) st = cs_label_create(&f->small, dir, CS_EXPORT_SMALL_PX);
    if (st) cs_export_fonts_close(f);
    return st;
}

void cs_export_fonts_close(cs_export_fonts *f)
{
    cs_label_destroy(f->title);
    cs_label_destroy(f->small);
    memset(f, 0, sizeof *f);
}

/* The numbers under a colour bar: its ends, and 0 in the middle of a symmetric one. */
static int bar_numbers(const cs_export_caption *cap, char text[3][40], float at[3])
{
    const cs_value_range r = cs_value_range_drawable(cap->range);
    int n = 0;
    cs_step_fmt(text[n], sizeof text[n], r.lo), at[n++] = 0.0f;
    if (r.lo < 0 && r.hi > 0) {
        cs_step_fmt(text[n], sizeof text[n], 0.0f);
        at[n++] = cs_value_range_normalize(r, 0.0f);
    }
    cs_step_fmt(text[n], sizeof text[n], r.hi), at[n++] = 1.0f;
    return n;
}

cs_export_slide cs_export_slide_layout(int cw, int ch, const cs_export_caption *cap, const cs_export_fonts *f)
{
    cs_export_slide L;
    memset(&L, 0, sizeof L);
    const int th = cs_label_line_height(f->title), sh = cs_label_line_height(f->small);
    int w = cw;
    const int tw = cs_label_width(f->title, cap->title);
    if (tw > w) w = tw;
    if (cap->subtitle) {
        const int sw = cs_label_width(f->small, cap->subtitle);
        if (sw > w) w = sw;
    }
    int y = SLIDE_MARGIN;
    L.title_x = SLIDE_MARGIN, L.title_y = y;
    y += th;
    if (cap->subtitle) L.sub_x = SLIDE_MARGIN, L.sub_y = y, y += sh;
    y += SLIDE_GAP;
    L.content_x = SLIDE_MARGIN, L.content_y = y;
    y += ch;
    if (cap->bar != CS_EXPORT_BAR_NONE) {
        y += SLIDE_GAP;
        L.bar_w = cw < BAR_MIN_W ? BAR_MIN_W : cw > BAR_MAX_W ? BAR_MAX_W : cw;
        const int note_w = cap->bar_note ? SLIDE_GAP + cs_label_width(f->small, cap->bar_note) : 0;
        if (L.bar_w + note_w > w) w = L.bar_w + note_w;
        L.bar_x = SLIDE_MARGIN, L.bar_y = y, L.bar_h = BAR_H;
        y += BAR_H + 4;
        L.numbers_y = y;
        y += sh;
    }
    L.w = w + 2 * SLIDE_MARGIN;
    L.h = y + SLIDE_MARGIN;
    return L;
}

/* Draws text centred on x (kept inside [x0, x1]). */
static void draw_centred(cs_label *font, uint8_t *rgb, const cs_export_slide *L, int x, int x0, int x1, int y,
                         const char *text, const uint8_t ink[3])
{
    const int tw = cs_label_width(font, text);
    int left = x - tw / 2;
    if (left + tw > x1) left = x1 - tw;
    if (left < x0) left = x0;
    cs_label_draw(font, rgb, L->w, L->h, left, y, text, ink);
}

static void draw_bar(uint8_t *rgb, const cs_export_slide *L, const cs_export_caption *cap, const cs_export_fonts *f)
{
    const cs_value_range r = cs_value_range_drawable(cap->range);
    for (int x = 0; x < L->bar_w; x++) {
        /* the bar runs through the range from lo to hi; RGB tiles read each channel as a gray level */
        const float v = r.lo + (r.hi - r.lo) * ((float)x + 0.5f) / (float)L->bar_w;
        uint8_t c[3];
        if (cap->bar == CS_EXPORT_BAR_RGB) c[0] = c[1] = c[2] = cs_export_rgb_level(v, r);
        else cs_colormap_rgb(cap->cmap, r, v, c);
        for (int y = 0; y < L->bar_h; y++) memcpy(rgb + 3 * ((size_t)(L->bar_y + y) * L->w + L->bar_x + x), c, 3);
    }
    char text[3][40];
    float at[3];
    const int n = bar_numbers(cap, text, at);
    for (int i = 0; i < n; i++)
        draw_centred(f->small, rgb, L, L->bar_x + (int)lrintf(at[i] * (float)L->bar_w), L->bar_x - SLIDE_MARGIN / 2,
                     L->bar_x + L->bar_w + SLIDE_MARGIN / 2, L->numbers_y, text[i], NOTE_INK);
    if (cap->bar_note)
        cs_label_draw(f->small, rgb, L->w, L->h, L->bar_x + L->bar_w + SLIDE_GAP,
                      L->bar_y + (L->bar_h - cs_label_line_height(f->small)) / 2, cap->bar_note, NOTE_INK);
}

cs_status cs_export_slide_draw(uint8_t **out, cs_export_slide *L_out, const uint8_t *content, int cw, int ch,
                               const cs_export_caption *cap, const cs_export_fonts *f)
{
    const cs_export_slide L = cs_export_slide_layout(cw, ch, cap, f);
    *out = NULL;
    uint8_t *rgb = malloc((size_t)L.w * L.h * 3);
    if (!rgb) return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d picture", L.w, L.h);
    cs_export_style bg;
    cs_export_style_defaults(&bg);
    for (size_t i = 0; i < (size_t)L.w * L.h; i++) memcpy(rgb + 3 * i, bg.background, 3);
    for (int y = 0; y < ch; y++)
        memcpy(rgb + 3 * ((size_t)(L.content_y + y) * L.w + L.content_x), content + 3 * (size_t)y * cw, 3 * (size_t)cw);
    cs_label_draw(f->title, rgb, L.w, L.h, L.title_x, L.title_y, cap->title, TITLE_INK);
    if (cap->subtitle) cs_label_draw(f->small, rgb, L.w, L.h, L.sub_x, L.sub_y, cap->subtitle, NOTE_INK);
    if (cap->bar != CS_EXPORT_BAR_NONE) draw_bar(rgb, &L, cap, f);
    *out = rgb;
    if (L_out) *L_out = L;
    return CS_OK;
}

/* ---- the export recipe ------------------------------------------------------------------- */

void cs_export_step_text(char *buf, size_t size, long long step)
{
    /* thousands separated by commas, as the window counts */
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", step < 0 ? -step : step);
    const size_t n = strlen(digits);
    size_t o = 0;
    if (step < 0 && o + 1 < size) buf[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        buf[o++] = digits[i];
        if ((n - 1 - i) % 3 == 0 && i + 1 < n) buf[o++] = ',';
    }
    buf[o < size ? o : size - 1] = '\0';
}

static cs_status write_picture(const cs_export_request *rq, const char *name, const uint8_t *rgb, int w, int h)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", rq->dir, name);
    cs_status st = cs_image_write_png(path, rgb, w, h);
    if (!st && rq->wrote) rq->wrote(rq->ctx, path, w, h);
    return st;
}

/* Content and caption into a slide, written as name. Takes content (freed here). */
static cs_status write_slide(const cs_export_request *rq, const cs_export_fonts *f, const char *name, uint8_t *content,
                             int cw, int ch, const cs_export_caption *cap)
{
    uint8_t *slide;
    cs_export_slide L;
    cs_status st = cs_export_slide_draw(&slide, &L, content, cw, ch, cap, f);
    free(content);
    if (st) return st;
    st = write_picture(rq, name, slide, L.w, L.h);
    free(slide);
    return st;
}

int cs_export_rgb_layer(const cs_snapshot *s, int l)
{
    /* as the window draws them: the first conv layer of a colour input, one colour tile a filter */
    for (int i = 0; i < l; i++)
        if (s->layers[i].kind == CS_LAYER_CONV) return 0;
    return s->layers[l].kind == CS_LAYER_CONV && s->layers[l].in_c == 3 && s->in_c == 3;
}

static cs_status export_kernels(const cs_snapshot *s, const cs_export_request *rq, const cs_export_fonts *f, cs_colormap_id cm)
{
    char step[32], title[160], sub[200], name[160];
    cs_export_step_text(step, sizeof step, rq->step);
    for (int l = 0; l < s->n_layers; l++) {
        const cs_snap_layer *L = &s->layers[l];
        if (L->kind != CS_LAYER_CONV || !s->w_count[l]) continue;
        cs_export_style st;
        cs_export_style_defaults(&st);
        st.scale = cs_export_readable_scale(L->k, CS_EXPORT_KERNEL_PX);
        const float *w = s->weights + s->w_off[l];
        const size_t wn = (size_t)L->out_c * L->in_c * L->k * L->k;
        const cs_value_range r = cs_value_range_of(w, wn, 1);
        const int rgb_tiles = cs_export_rgb_layer(s, l);
        const cs_export_grid g = rgb_tiles ? cs_export_kernel_rgb_layout(L->out_c, L->k, &st)
                                           : cs_export_kernel_layout(L->out_c, L->in_c, L->k, &st);
        uint8_t *content = malloc((size_t)g.w * g.h * 3);
        if (!content) return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d picture", g.w, g.h);
        cs_export_caption cap = {title, sub, CS_EXPORT_BAR_CMAP, cm, r, NULL};
        if (rgb_tiles) {
            cs_export_kernels_rgb(content, &g, w, L->out_c, L->k, r, &st);
            snprintf(sub, sizeof sub, "%d filters of %d\u00D7%d\u00D73, the input's R, G, B planes as colour",
                     L->out_c, L->k, L->k);
            cap.bar = CS_EXPORT_BAR_RGB, cap.bar_note = "each of R, G, B";
        } else {
            cs_export_kernels(content, &g, w, L->out_c, L->in_c, L->k, cm, r, &st);
            if (L->in_c == 1) snprintf(sub, sizeof sub, "%d filters of %d\u00D7%d", L->out_c, L->k, L->k);
            else
                snprintf(sub, sizeof sub, "%d filters of %d\u00D7%d\u00D7%d: a row per filter, a column per input channel",
                         L->out_c, L->k, L->k, L->in_c);
            cap.bar_note = "weights";
        }
        snprintf(title, sizeof title, "%s kernels \u00B7 step %s", L->name, step);
        snprintf(name, sizeof name, "%s_kernels_step%07lld.png", L->name, rq->step);
        cs_status err = write_slide(rq, f, name, content, g.w, g.h, &cap);
        if (err) return err;
    }
    return CS_OK;
}

/* The input as the net sees it: a colour image stays colour, gray goes through the gray map. */
static cs_status export_input(const cs_snapshot *s, const cs_export_request *rq, const cs_export_fonts *f)
{
    const int sc = cs_export_readable_scale(s->in_h > s->in_w ? s->in_h : s->in_w, CS_EXPORT_MAP_PX);
    const int iw = s->in_w * sc, ih = s->in_h * sc;
    const size_t plane = (size_t)s->in_h * s->in_w;
    uint8_t *rgb = malloc((size_t)iw * ih * 3);
    if (!rgb) return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d picture", iw, ih);
    for (int y = 0; y < ih; y++)
        for (int x = 0; x < iw; x++) {
            const size_t src = (size_t)(y / sc) * s->in_w + (size_t)(x / sc);
            uint8_t *px = rgb + 3 * ((size_t)y * iw + x);
            /* x * 255 of the floats the net saw gives back their bytes exactly */
            if (s->in_c == 3)
                for (int ch = 0; ch < 3; ch++) px[ch] = (uint8_t)lrintf(s->probe[ch * plane + src] * 255.0f);
            else cs_colormap_rgb(CS_CMAP_GRAY, (cs_value_range){0.0f, 1.0f}, s->probe[src], px);
        }
    char sub[320];
    snprintf(sub, sizeof sub, "%d\u00D7%d %s%s%s", s->in_w, s->in_h, s->in_c == 3 ? "RGB" : "gray",
             s->probe_note[0] ? " \u00B7 " : "", s->probe_note);
    const cs_export_caption cap = {"the input as the net sees it", sub,
                                   s->in_c == 3 ? CS_EXPORT_BAR_RGB : CS_EXPORT_BAR_CMAP, CS_CMAP_GRAY,
                                   (cs_value_range){0.0f, 1.0f}, s->in_c == 3 ? "each of R, G, B" : "pixel values"};
    return write_slide(rq, f, rq->input_name, rgb, iw, ih, &cap);
}

/* Flat outputs (fc, softmax) as rows of at most FLAT_COLS cells (a slide's width), each with its
 * index over it and its value under it. */
static uint8_t *flat_content(const float *v, int n, cs_value_range r, const cs_export_fonts *f, int *w, int *h)
{
    enum { CELL_W = 96, CELL_H = 56, GAP = 6, FLAT_COLS = 16 };
    const int lh = cs_label_line_height(f->small);
    const int cols = n < FLAT_COLS ? n : FLAT_COLS, rows = (n + cols - 1) / cols;
    const int row_h = lh + 2 + CELL_H + 4 + lh + GAP;
    *w = GAP + cols * (CELL_W + GAP), *h = rows * row_h - GAP;
    uint8_t *rgb = malloc((size_t)*w * *h * 3);
    if (!rgb) return NULL;
    cs_export_style bg;
    cs_export_style_defaults(&bg);
    for (size_t i = 0; i < (size_t)*w * *h; i++) memcpy(rgb + 3 * i, bg.background, 3);
    const cs_export_slide frame = {.w = *w, .h = *h};
    for (int i = 0; i < n; i++) {
        const int x0 = GAP + (i % cols) * (CELL_W + GAP), y0 = (i / cols) * row_h;
        uint8_t c[3];
        cs_colormap_rgb(CS_CMAP_VIRIDIS, r, v[i], c);
        for (int y = 0; y < CELL_H; y++)
            for (int x = 0; x < CELL_W; x++) memcpy(rgb + 3 * ((size_t)(y0 + lh + 2 + y) * *w + x0 + x), c, 3);
        char t[40];
        snprintf(t, sizeof t, "%d", i);
        draw_centred(f->small, rgb, &frame, x0 + CELL_W / 2, x0, x0 + CELL_W, y0, t, NOTE_INK);
        cs_step_fmt_sig(t, sizeof t, v[i], 3);
        draw_centred(f->small, rgb, &frame, x0 + CELL_W / 2, x0, x0 + CELL_W, y0 + lh + 2 + CELL_H + 4, t, TITLE_INK);
    }
    return rgb;
}

static cs_status export_maps(const cs_snapshot *s, const cs_export_request *rq, const cs_export_fonts *f)
{
    char step[32], title[160], sub[200], name[160];
    cs_export_step_text(step, sizeof step, rq->step);
    for (int l = 0; l < s->n_layers; l++) {
        const cs_snap_layer *L = &s->layers[l];
        const float *maps = s->acts + s->act_off[l];
        const size_t n = (size_t)L->out_c * L->out_h * L->out_w;
        const cs_value_range r = cs_value_range_of(maps, n, 0);
        uint8_t *content;
        int cw, ch;
        if (L->out_h * L->out_w == 1) {
            /* fc and softmax: one value per output */
            content = flat_content(maps, L->out_c, r, f, &cw, &ch);
            snprintf(sub, sizeof sub, "%d %s for the probe image", L->out_c,
                     L->kind == CS_LAYER_SOFTMAX ? "class probabilities" : "outputs");
            snprintf(title, sizeof title, "%s outputs \u00B7 step %s", L->name, step);
        } else {
            cs_export_style st;
            cs_export_style_defaults(&st);
            st.scale = cs_export_readable_scale(L->out_h > L->out_w ? L->out_h : L->out_w, CS_EXPORT_MAP_PX);
            const cs_export_grid g = cs_export_maps_layout(L->out_c, L->out_h, L->out_w, &st);
            content = malloc((size_t)g.w * g.h * 3);
            if (content) cs_export_maps(content, &g, maps, L->out_c, L->out_h, L->out_w, CS_CMAP_VIRIDIS, r, &st);
            cw = g.w, ch = g.h;
            snprintf(sub, sizeof sub, "%d activation map%s of %d\u00D7%d for the probe image, one range for the layer",
                     L->out_c, L->out_c == 1 ? "" : "s", L->out_w, L->out_h);
            snprintf(title, sizeof title, "%s activation maps \u00B7 step %s", L->name, step);
        }
        if (!content) return cs_fail(CS_ERR_NOMEM, "out of memory for the %s picture", L->name);
        const cs_export_caption cap = {title, sub, CS_EXPORT_BAR_CMAP, CS_CMAP_VIRIDIS, r, "values"};
        snprintf(name, sizeof name, "%s_maps_step%07lld.png", L->name, rq->step);
        cs_status err = write_slide(rq, f, name, content, cw, ch, &cap);
        if (err) return err;
    }
    return CS_OK;
}

cs_status cs_export_pictures(const cs_snapshot *s, const cs_export_request *rq)
{
    return cs_export_pictures_cmap(s, rq, CS_CMAP_RDBU);
}

cs_status cs_export_pictures_cmap(const cs_snapshot *s, const cs_export_request *rq, cs_colormap_id diverging)
{
    cs_export_fonts f;
    cs_status st = cs_export_fonts_open(&f);
    if (st) return st;
    st = export_kernels(s, rq, &f, diverging);
    if (!st && rq->maps) st = export_input(s, rq, &f);
    if (!st && rq->maps) st = export_maps(s, rq, &f);
    cs_export_fonts_close(&f);
    return st;
}
