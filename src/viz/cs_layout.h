/* cs_layout.h - where everything of the live window goes, and which input pixels an activation
 * cell sees. Pure arithmetic on window size, UI scale and layer shapes: no SDL, no GL, so it is
 * unit-tested headless and the screenshot tests can ask it where each panel should be. */
#ifndef CS_LAYOUT_H
#define CS_LAYOUT_H

#include "cs_net.h"
#include "cs_snapshot.h"

#define CS_VIZ_MAX_CLASSES 32 /* output rows drawn; larger outputs are cut */

typedef struct {
    float x, y, w, h;
} cs_rect;

/* Inside r (edges included on the top/left, excluded on the bottom/right). */
int cs_rect_contains(cs_rect r, float px, float py);
/* r shrunk by d on every side. */
cs_rect cs_rect_inset(cs_rect r, float d);

/* How a layer's output is drawn: out_c maps of out_h x out_w cells, or, for vectors
 * (out_h = out_w = 1: fc, softmax), one map of out_c x 1 cells. */
void cs_viz_layer_maps(const cs_snap_layer *L, int *n_maps, int *map_h, int *map_w);

/* Equal tiles in rows and columns, row-major. */
typedef struct {
    float x, y;           /* top-left corner of tile 0 */
    float tile_w, tile_h; /* pixels */
    float gap;            /* pixels between neighbouring tiles */
    int cols, rows, n;
} cs_grid;

/* Fits n tiles of cell_w x cell_h cells into area with `gap` between them, choosing the column
 * count (cols > 0 forces it) that gives the largest tiles. When tiles are at least one pixel per
 * cell the cell size is rounded down to whole pixels, so magnified maps have crisp, equal cells.
 * The grid is centred horizontally and starts at the top of area. */
cs_grid cs_grid_fit(cs_rect area, int n, int cell_w, int cell_h, float gap, int cols);
/* Tile i's rectangle. */
cs_rect cs_grid_tile(const cs_grid *g, int i);
/* The tile under (px, py), or -1 (also in gaps); with cell_w x cell_h cells per tile, *cy and
 * *cx get the cell row and column inside that tile (either may be NULL). */
int cs_grid_hit(const cs_grid *g, float px, float py, int cell_w, int cell_h, int *cy, int *cx);

typedef enum {
    CS_BTN_PAUSE,
    CS_BTN_STEP,
    CS_BTN_SLOWER,
    CS_BTN_FASTER,
    CS_BTN_RESTART,
    CS_BTN_MAPS_NORM,
    CS_BTN_KERNELS_NORM,
    CS_BTN_HELP,
    CS_BTN_PROBE_PREV,
    CS_BTN_PROBE_NEXT,
    CS_BTN_COUNT
} cs_button_id;

typedef enum { CS_FONT_SMALL, CS_FONT_NORMAL, CS_FONT_BIG, CS_FONT_MONO, CS_FONT_COUNT } cs_font_id;

/* Font pixel size at a UI scale; text is laid out with these and nothing else. */
float cs_layout_font_px(cs_font_id font, float scale);
/* Line height (font size plus leading) at a UI scale. */
float cs_layout_line_h(cs_font_id font, float scale);
/* The UI scale of a window: 1 at 1280x720, 1.5 at 1920x1080, times the user's --scale. */
float cs_layout_scale(int win_w, int win_h, float user_scale);

typedef struct {
    int win_w, win_h;
    float scale;   /* UI scale: font sizes and spacing */
    float pad;     /* panel inner padding */

    cs_rect top;                    /* control bar: buttons, learning-rate slider, title, counters */
    cs_rect counters;               /* second line of the bar */
    cs_rect buttons[CS_BTN_COUNT];  /* CS_BTN_PROBE_* sit in the probe panel's header */
    cs_rect speed_label;            /* between the slower and faster buttons */
    cs_rect lr_slider;              /* learning-rate slider track (label to its left) */
    cs_rect lr_label;

    cs_rect probe;                  /* probe panel */
    cs_rect probe_img;              /* the probe image, square-ish, whole pixels per cell */
    cs_rect probe_caption;          /* line under the image: index and true class */

    cs_rect output;                 /* predictions panel */
    cs_rect out_header;
    int out_rows;                   /* class rows drawn: min(n_classes, CS_VIZ_MAX_CLASSES) */
    float out_row_y, out_row_h;     /* first row top and row pitch */
    float out_name_w, out_bar_x, out_bar_w, out_truth_x; /* columns of a row */
    cs_rect out_vectors;            /* the two vector lines: output vs one-hot truth */

    cs_rect strip;                  /* network strip: one column per layer */
    int n_cols;
    int narrow;                     /* columns too narrow for "16@32×32" on one line: the shape
                                     * takes two lines, names and ranges the small font */
    cs_rect col[CS_SNAP_MAX_LAYERS];      /* column, header (name, shape) on top, range at the bottom */
    cs_rect col_maps[CS_SNAP_MAX_LAYERS]; /* area of the maps */
    cs_grid col_grid[CS_SNAP_MAX_LAYERS]; /* tiles of the layer's maps */
    cs_rect col_range[CS_SNAP_MAX_LAYERS];   /* two lines: the range in use, max over min */
    cs_rect strip_cbar;             /* colour bar of the activation colormap (labels beside it) */

    cs_rect kernels;                /* kernel panel: every conv layer */
    int n_kern;
    int kern_layer[CS_SNAP_MAX_LAYERS];   /* index into the layers */
    int kern_rgb[CS_SNAP_MAX_LAYERS];     /* 1: one RGB tile per filter (first conv of a 3-channel net) */
    int kern_rows_are_filters[CS_SNAP_MAX_LAYERS]; /* per-channel tiles: 1 rows = filters, 0 rows = channels */
    cs_rect kern_header[CS_SNAP_MAX_LAYERS];
    cs_rect kern_area[CS_SNAP_MAX_LAYERS];
    cs_grid kern_grid[CS_SNAP_MAX_LAYERS];
    cs_rect kern_cbar[CS_SNAP_MAX_LAYERS];    /* vertical colour bar; numbers to its right */
    cs_rect timeline;               /* the training timeline, under the kernels (cs_timeline.h) */

    cs_rect curves;                 /* learning curves panel */
    cs_rect loss_plot, acc_plot;    /* plot areas (axes labels around them) */

    cs_rect status;                 /* bottom line: hover readout and messages */
    cs_rect help;                   /* help overlay box */
} cs_layout;

/* Lays out the train view for a window of win_w x win_h pixels. layers: n_layers entries
 * (input excluded; the net's input shape is in_c x in_h x in_w). */
void cs_layout_compute(cs_layout *L, int win_w, int win_h, float user_scale, const cs_snap_layer *layers,
                       int n_layers, int in_c, int in_h, int in_w, int n_classes);

/* Receptive field: the input-image rectangle that output cell (y, x) of layer l depends on,
 * through every conv and pool layer before it, stride and padding respected. Inclusive bounds,
 * clipped to the image (layers[0].in_h x layers[0].in_w). A cell of a fully connected layer, or
 * of anything after one, sees the whole image. */
void cs_receptive_field(const cs_snap_layer *layers, int l, int y, int x, int *y0, int *x0, int *y1, int *x1);

#endif
