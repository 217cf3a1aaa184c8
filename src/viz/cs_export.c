/* cs_export.c - grids of kernels and maps and filmstrips as RGB pictures (see cs_export.h). */
#include "cs_export.h"

#include <math.h>
#include <string.h>

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
