/* cs_export.h - composing exported pictures of a net without GL: kernels in a grid (an RGB
 * net's first layer as colour tiles, as the window shows it), activation maps in a grid, and
 * filmstrips of frames, as packed RGB through the shared colormap (cs_colormap.h), so an export
 * looks like the window; slides: each picture with its title (layer and step), what it shows, and
 * a colour bar with its numbers, in the DejaVu fonts (cs_label.h), large enough for a 1920-px
 * slide; and the one export recipe (cs_export_pictures) that `convscope export` and the window's
 * export key both use. Writing the files is the data layer's (cs_imageio.h).
 *
 * A grid is tiles of tile_w x tile_h pixels in cols x rows, `gap` pixels between tiles
 * and around the border, filled with the background colour. */
#ifndef CS_EXPORT_H
#define CS_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "cs_colormap.h"
#include "cs_error.h"
#include "cs_label.h"
#include "cs_snapshot.h"

/* Sizes for slides: a kernel is at least CS_EXPORT_KERNEL_PX pixels a side (a 5x5 kernel 60 px,
 * 12 px a weight), a map or the input at least CS_EXPORT_MAP_PX (a 28x28 map 112 px); titles are
 * CS_EXPORT_TITLE_PX high, the rest CS_EXPORT_SMALL_PX. */
#define CS_EXPORT_KERNEL_PX 60
#define CS_EXPORT_MAP_PX 112
#define CS_EXPORT_TITLE_PX 28
#define CS_EXPORT_SMALL_PX 18

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

/* An RGB layer's kernels (oc, 3, k, k) as colour tiles, one per filter in a near-square grid, as
 * the window draws them: each of R, G, B is its channel's weight through range r (use one
 * symmetric range per layer), so a zero weight is mid gray (cs_export_rgb_level). */
cs_export_grid cs_export_kernel_rgb_layout(int oc, int k, const cs_export_style *st);
void cs_export_kernels_rgb(uint8_t *rgb, const cs_export_grid *g, const float *w, int oc, int k, cs_value_range r,
                           const cs_export_style *st);
/* One channel's level in a colour tile: round(255 t), t = v through r clamped to [0, 1] (NaN 0),
 * as the window's heat shader writes it. */
uint8_t cs_export_rgb_level(float v, cs_value_range r);
/* 1 when snapshot layer l is drawn as colour tiles: the first conv layer of a 3-channel input. */
int cs_export_rgb_layer(const cs_snapshot *s, int l);

/* Activation maps (c, h, w) of one layer in a near-square grid. */
cs_export_grid cs_export_maps_layout(int c, int h, int w, const cs_export_style *st);
void cs_export_maps(uint8_t *rgb, const cs_export_grid *g, const float *maps, int c, int h, int w, cs_colormap_id cm,
                    cs_value_range r, const cs_export_style *st);

/* n frames of fw x fh RGB side by side in one row. Only st->gap and st->background are
 * used (frames are already scaled). */
cs_export_grid cs_export_filmstrip_layout(int n, int fw, int fh, const cs_export_style *st);
void cs_export_filmstrip(uint8_t *rgb, const cs_export_grid *g, const uint8_t *const *frames, int n,
                         const cs_export_style *st);

/* ---- slides ---------------------------------------------------------------------------------- */

/* The two fonts of slides (owned): titles at CS_EXPORT_TITLE_PX, the rest at CS_EXPORT_SMALL_PX. */
typedef struct {
    cs_label *title, *small;
} cs_export_fonts;
/* Opens DejaVuSans for both (cs_label_find_fonts); CS_ERR_IO naming where it looked. Close with
 * cs_export_fonts_close. */
cs_status cs_export_fonts_open(cs_export_fonts *f);
void cs_export_fonts_close(cs_export_fonts *f);

typedef enum {
    CS_EXPORT_BAR_NONE,
    CS_EXPORT_BAR_CMAP, /* the colormap over the range */
    CS_EXPORT_BAR_RGB,  /* a gray ramp: how each of R, G, B of a colour tile reads */
} cs_export_bar_kind;

/* What a slide says about its picture. Strings borrowed. */
typedef struct {
    const char *title;      /* layer and step: "conv1 kernels · step 1,200" */
    const char *subtitle;   /* what it shows ("8 filters of 5×5"), or NULL */
    cs_export_bar_kind bar;
    cs_colormap_id cmap;    /* CS_EXPORT_BAR_CMAP */
    cs_value_range range;   /* the colours' range: the bar's ends, written under it with 0 between
                             * when it spans 0 */
    const char *bar_note;   /* written right of the bar ("weights"), or NULL */
} cs_export_caption;

/* Where a slide's parts go, in pixels: the title and subtitle lines (top-left corners), the
 * content, the colour bar and the line of numbers under it. */
typedef struct {
    int w, h;
    int title_x, title_y, sub_x, sub_y;
    int content_x, content_y;
    int bar_x, bar_y, bar_w, bar_h; /* bar_w 0: none */
    int numbers_y;
} cs_export_slide;

/* The slide of a cw x ch picture with cap (pure, from the fonts' metrics): margins of 24 px, the
 * title, the subtitle, the picture, the bar (as wide as the picture within 320..640 px) with its
 * numbers, everything on the grid's dark background. */
cs_export_slide cs_export_slide_layout(int cw, int ch, const cs_export_caption *cap, const cs_export_fonts *f);
/* Draws it: *out (L->h, L->w, 3) is the caller's to free; *L gets the layout (may be NULL). */
cs_status cs_export_slide_draw(uint8_t **out, cs_export_slide *L, const uint8_t *content, int cw, int ch,
                               const cs_export_caption *cap, const cs_export_fonts *f);

/* A step as the window counts it: "1,200". */
void cs_export_step_text(char *buf, size_t size, long long step);

/* ---- the recipe ------------------------------------------------------------------------------- */

/* What cs_export_pictures writes, and where. */
typedef struct {
    const char *dir;          /* an existing directory */
    long long step;           /* the snapshot's step, written into the names and titles: kernels and
                               * maps are always of the same step */
    int maps;                 /* 1: also the input image and every layer's maps */
    const char *input_name;   /* the input picture's file name ("input.png", "probe3.png") */
    /* Called for each file written (its path and size); may be NULL. */
    void (*wrote)(void *ctx, const char *path, int w, int h);
    void *ctx;
} cs_export_request;

/* The export recipe, every picture a slide (title with layer and step, what it shows, colour bar
 * with numbers): every conv layer's kernels of s as LAYER_kernels_stepNNNNNNN.png (RdBu over one
 * symmetric range per layer, at least 60 px a kernel; an RGB net's first layer as colour tiles),
 * and with rq->maps the input image as the net sees it (s->probe: colour for 3 channels, gray
 * otherwise, at least 112 px, with s->probe_note) and every layer's maps of it as
 * LAYER_maps_stepNNNNNNN.png (viridis over the layer's range, at least 112 px a map; fc and
 * softmax outputs as a row of cells with their index and value). Returns CS_OK, or the first
 * failure with cs_last_error() naming the file (or the fonts it could not find). */
cs_status cs_export_pictures(const cs_snapshot *s, const cs_export_request *rq);
/* The same with the kernels in `diverging` (CS_CMAP_RDBU or CS_CMAP_BLUEORANGE): the window's
 * export key passes the map its colour-map key chose, so the pictures look as the window does. */
cs_status cs_export_pictures_cmap(const cs_snapshot *s, const cs_export_request *rq, cs_colormap_id diverging);

/* Picks min(n, max_pick) indices of [0, n) evenly, always the first and the last, into idx;
 * returns how many. */
int cs_export_pick(size_t n, int max_pick, size_t *idx);

#endif
