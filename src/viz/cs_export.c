/* cs_export.c - grids of kernels and maps and filmstrips as RGB pictures, and the export recipe
 * that writes a snapshot's pictures (see cs_export.h). */
#include "cs_export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_imageio.h"

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

/* ---- the export recipe ------------------------------------------------------------------- */

static cs_status write_picture(const cs_export_request *rq, const char *name, const uint8_t *rgb, int w, int h)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", rq->dir, name);
    cs_status st = cs_image_write_png(path, rgb, w, h);
    if (!st && rq->wrote) rq->wrote(rq->ctx, path, w, h);
    return st;
}

static cs_status export_kernels(const cs_snapshot *s, const cs_export_request *rq, cs_colormap_id cm)
{
    for (int l = 0; l < s->n_layers; l++) {
        const cs_snap_layer *L = &s->layers[l];
        if (L->kind != CS_LAYER_CONV || !s->w_count[l]) continue;
        cs_export_style st;
        cs_export_style_defaults(&st);
        st.scale = cs_export_readable_scale(L->k, 40);
        const float *w = s->weights + s->w_off[l];
        const size_t wn = (size_t)L->out_c * L->in_c * L->k * L->k;
        const cs_export_grid g = cs_export_kernel_layout(L->out_c, L->in_c, L->k, &st);
        uint8_t *rgb = malloc((size_t)g.w * g.h * 3);
        if (!rgb) return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d picture", g.w, g.h);
        cs_export_kernels(rgb, &g, w, L->out_c, L->in_c, L->k, cm, cs_value_range_of(w, wn, 1), &st);
        char name[160];
        snprintf(name, sizeof name, "%s_kernels_step%07lld.png", L->name, rq->kernels_step);
        cs_status err = write_picture(rq, name, rgb, g.w, g.h);
        free(rgb);
        if (err) return err;
    }
    return CS_OK;
}

/* The input as the net sees it: a colour image stays colour, gray goes through the gray map. */
static cs_status export_input(const cs_snapshot *s, const cs_export_request *rq)
{
    const int sc = cs_export_readable_scale(s->in_h, 112), iw = s->in_w * sc, ih = s->in_h * sc;
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
    cs_status st = write_picture(rq, rq->input_name, rgb, iw, ih);
    free(rgb);
    return st;
}

static cs_status export_maps(const cs_snapshot *s, const cs_export_request *rq)
{
    for (int l = 0; l < s->n_layers; l++) {
        const cs_snap_layer *L = &s->layers[l];
        const float *maps = s->acts + s->act_off[l];
        const size_t n = (size_t)L->out_c * L->out_h * L->out_w;
        /* flat outputs (fc, softmax) as one row of cells */
        const int flat = L->out_h * L->out_w == 1;
        const int c = flat ? 1 : L->out_c, h = L->out_h, w = flat ? L->out_c : L->out_w;
        cs_export_style st;
        cs_export_style_defaults(&st);
        st.scale = flat ? 24 : cs_export_readable_scale(h > w ? h : w, 56);
        const cs_export_grid g = cs_export_maps_layout(c, h, w, &st);
        uint8_t *rgb = malloc((size_t)g.w * g.h * 3);
        if (!rgb) return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d picture", g.w, g.h);
        cs_export_maps(rgb, &g, maps, c, h, w, CS_CMAP_VIRIDIS, cs_value_range_of(maps, n, 0), &st);
        char name[160];
        snprintf(name, sizeof name, "%s_maps_step%07lld.png", L->name, rq->maps_step);
        cs_status err = write_picture(rq, name, rgb, g.w, g.h);
        free(rgb);
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
    cs_status st = export_kernels(s, rq, diverging);
    if (!st && rq->maps) st = export_input(s, rq);
    if (!st && rq->maps) st = export_maps(s, rq);
    return st;
}
