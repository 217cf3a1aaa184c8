/* cs_export.h - composing exported pictures of a net without GL: kernels in a grid,
 * activation maps in a grid, and filmstrips of frames, as packed RGB through the shared
 * colormap (cs_colormap.h), so an export looks like the window; and the one export recipe
 * (cs_export_pictures) that `convscope export` and the window's export key both use. Writing
 * the files is the data layer's (cs_imageio.h).
 *
 * A grid is tiles of tile_w x tile_h pixels in cols x rows, `gap` pixels between tiles
 * and around the border, filled with the background colour. */
#ifndef CS_EXPORT_H
#define CS_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "cs_colormap.h"
#include "cs_error.h"
#include "cs_snapshot.h"

typedef struct {
    int scale;              /* pixels per weight or activation, >= 1 */
    int gap;                /* pixels between tiles and around the border, >= 0 */
    uint8_t background[3];  /* colour of the gaps */
} cs_export_style;

/* Gap 2, dark gray background, scale 1 (set a readable one with cs_export_readable_scale). */
void cs_export_style_defaults(cs_export_style *st);

/* A scale that makes a side of `side` pixels at least `target` pixels (1..32). */
int cs_export_readable_scale(int side, int target);

typedef struct {
    int cols, rows;         /* tiles */
    int tile_w, tile_h;     /* pixels per tile */
    int w, h;               /* pixels of the whole picture */
} cs_export_grid;

/* Pixel origin of tile t (row-major). */
void cs_export_tile_origin(const cs_export_grid *g, int gap, int t, int *x, int *y);

/* Kernels (oc, c, k, k) of one conv layer: one row per filter and one column per input
 * channel, or a near-square grid of the filters when c == 1. */
cs_export_grid cs_export_kernel_layout(int oc, int c, int k, const cs_export_style *st);
/* Draws the kernels into rgb (g->h, g->w, 3) with colormap cm over range r (use one
 * symmetric range per layer, cs_value_range_of(w, n, 1), so zero is the map's middle). */
void cs_export_kernels(uint8_t *rgb, const cs_export_grid *g, const float *w, int oc, int c, int k,
                       cs_colormap_id cm, cs_value_range r, const cs_export_style *st);

/* Activation maps (c, h, w) of one layer in a near-square grid. */
cs_export_grid cs_export_maps_layout(int c, int h, int w, const cs_export_style *st);
void cs_export_maps(uint8_t *rgb, const cs_export_grid *g, const float *maps, int c, int h, int w, cs_colormap_id cm,
                    cs_value_range r, const cs_export_style *st);

/* n frames of fw x fh RGB side by side in one row. Only st->gap and st->background are
 * used (frames are already scaled). */
cs_export_grid cs_export_filmstrip_layout(int n, int fw, int fh, const cs_export_style *st);
void cs_export_filmstrip(uint8_t *rgb, const cs_export_grid *g, const uint8_t *const *frames, int n,
                         const cs_export_style *st);

/* What cs_export_pictures writes, and where. */
typedef struct {
    const char *dir;          /* an existing directory */
    long long kernels_step;   /* the step written into the kernel pictures' names */
    long long maps_step;      /* the step written into the map pictures' names */
    int maps;                 /* 1: also the input image and every layer's maps */
    const char *input_name;   /* the input picture's file name ("input.png", "probe3.png") */
    /* Called for each file written (its path and size); may be NULL. */
    void (*wrote)(void *ctx, const char *path, int w, int h);
    void *ctx;
} cs_export_request;

/* The export recipe: every conv layer's kernels of s as LAYER_kernels_stepNNNNNNN.png (one row
 * per filter, RdBu over one symmetric range per layer, at least 40 px a kernel), and with
 * rq->maps the input image as the net sees it (s->probe: colour for 3 channels, gray otherwise,
 * at least 112 px) and every layer's maps of it as LAYER_maps_stepNNNNNNN.png (viridis over the
 * layer's range; flat outputs as one row of 24 px cells). Returns CS_OK, or the first failure with
 * cs_last_error() naming the file. */
cs_status cs_export_pictures(const cs_snapshot *s, const cs_export_request *rq);
/* The same with the kernels in `diverging` (CS_CMAP_RDBU or CS_CMAP_BLUEORANGE): the window's
 * export key passes the map its colour-map key chose, so the pictures look as the window does. */
cs_status cs_export_pictures_cmap(const cs_snapshot *s, const cs_export_request *rq, cs_colormap_id diverging);

/* Picks min(n, max_pick) indices of [0, n) evenly, always the first and the last, into idx;
 * returns how many. */
int cs_export_pick(size_t n, int max_pick, size_t *idx);

#endif
