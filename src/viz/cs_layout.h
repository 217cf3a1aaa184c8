/* cs_layout.h - where everything of the live window goes, and which input pixels an activation
 * cell sees. Pure arithmetic on window size, UI scale and layer shapes: no SDL, no GL, so it is
 * unit-tested headless and the screenshot tests can ask it where each panel should be. Text is
 * measured through a cs_measure, so boxes are made as large as their text needs. */
#ifndef CS_LAYOUT_H
#define CS_LAYOUT_H

#include "cs_error.h"
#include "cs_fit.h"
#include "cs_net.h"
#include "cs_snapshot.h"
#include "cs_style.h"

#define CS_VIZ_MAX_CLASSES 32 /* output rows drawn; larger outputs are cut */

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
    CS_BTN_BACKPROP,   /* the backprop view */
    CS_BTN_HELP,
    CS_BTN_PROBE_PREV,
    CS_BTN_PROBE_NEXT,
    CS_BTN_COUNT
} cs_button_id;

/* The UI scale of a window: 1 at 1280x720, 1.5 at 1920x1080, times the user's --scale. */
float cs_layout_scale(int win_w, int win_h, float user_scale);

/* Panels a layout may leave out to fit (cs_layout.hidden), least essential first. */
enum {
    CS_HIDE_BUTTONS = 1,   /* the button row (every button has a key) */
    CS_HIDE_TIMELINE = 2,  /* the timeline row under the kernels */
    CS_HIDE_DEEP = 4,      /* kernels of the conv layers after the first */
    CS_HIDE_KERNELS = 8,   /* the kernel panel */
    CS_HIDE_CURVES = 16,   /* the learning curves */
};
/* "buttons timeline" for the bits of h (static buffer): the names --dump-text records. */
const char *cs_layout_hidden_names(int h);
/* The same for a status line, in the UI language ("the buttons, the timeline"; static buffer). */
const char *cs_layout_hidden_text(int h);


/* What a click can enlarge, and what --script's `enlarge` names: "map conv1 3" (layer conv1's
 * activation map 3), "kernel conv2 4 1" (filter 4, input channel 1; an RGB first layer's filter
 * without a channel), "output", "curve loss", "curve accuracy", and a whole layer: "maps conv1"
 * (every activation map of conv1; a click on a column's name) and "kernels conv1" (every filter
 * of conv1; a click on a kernel layer's header). */
typedef enum { CS_TARGET_NONE, CS_TARGET_MAP, CS_TARGET_KERNEL, CS_TARGET_OUTPUT, CS_TARGET_CURVE, CS_TARGET_LAYER_MAPS,
               CS_TARGET_LAYER_KERNELS } cs_target_kind;
typedef struct {
    cs_target_kind kind;
    int layer;   /* index into the layers (map, kernel) */
    int index;   /* map, filter, or 0 loss / 1 accuracy */
    int channel; /* a kernel's input channel; -1: all three as RGB */
} cs_target;

/* Writes t's name (as above) to buf; returns buf. */
const char *cs_target_format(const cs_target *t, const cs_snap_layer *layers, char *buf, size_t size);
/* The same name in the UI language, for the status line (English: as cs_target_format). */
const char *cs_target_describe(const cs_target *t, const cs_snap_layer *layers, char *buf, size_t size);
/* Parses a name; CS_ERR_ARG naming the bad word and what was expected. */
cs_status cs_target_parse(const char *s, const cs_snap_layer *layers, int n_layers, cs_target *t);
/* 1 when a and b name the same thing. */
int cs_target_equal(const cs_target *a, const cs_target *b);

/* What a train-view layout is made from. Strings are borrowed for the call only. */
typedef struct {
    int win_w, win_h;
    float user_scale;       /* --scale */
    int present;            /* presenter mode: its sizes, and non-essential panels left out */
    const cs_measure *measure;
    const cs_snap_layer *layers; /* n_layers, input excluded */
    int n_layers;
    int in_c, in_h, in_w, n_classes;
    const char *const *class_names; /* n_class_names (may be 0): the output panel's name column */
    int n_class_names;
    int style_h;            /* the window's height its type is sized for (0: win_h); a view in the
                             * top part of a window (a lesson's band below) keeps the window's sizes */
    int grads;              /* gradients shown too: each map's tile holds the map over its dL/d(map), each
                             * kernel's tile the kernel beside its dL/dw (cs_layout_part) */
} cs_layout_in;

typedef struct {
    int win_w, win_h;
    float scale;   /* UI scale: spacing (st.scale) */
    float pad;     /* panel inner padding */
    cs_style st;   /* sizes and colours of this layout (the scale it fitted at) */
    int hidden;    /* CS_HIDE_* left out to fit (or presenting) */
    int present;

    cs_rect top;                    /* control bar: buttons, learning-rate slider, title, counters */
    cs_rect counters;               /* title and counters: counter_lines lines */
    int counter_lines;
    cs_rect buttons[CS_BTN_COUNT];  /* CS_BTN_PROBE_* sit in the probe panel's header; the rest
                                     * are empty when the button row is hidden */
    cs_rect speed_label;            /* between the slower and faster buttons */
    cs_rect lr_slider;              /* learning-rate slider track (label to its left) */
    cs_rect lr_label;
    cs_rect main;                   /* everything between the bar and the status line */

    cs_rect probe;                  /* probe panel */
    cs_rect probe_title;
    cs_rect probe_img;              /* the probe image, square-ish, whole pixels per cell */
    cs_rect probe_caption;          /* line under the image: index and true class */

    cs_rect output;                 /* predictions panel */
    cs_rect out_header;
    int out_rows;                   /* class rows drawn: min(n_classes, CS_VIZ_MAX_CLASSES) */
    float out_row_y, out_row_h;     /* first row top and row pitch */
    float out_mark_x;               /* the predicted row's check mark */
    float out_name_x, out_name_w, out_bar_x, out_bar_w, out_value_w, out_truth_x, out_truth_w;
    int out_row_px;                 /* the rows' text size: names, values and marks */
    cs_rect out_vectors;            /* the two vector lines (output vs one-hot truth); h 0: left out */

    int grads;                      /* the tiles hold gradients too (cs_layout_in.grads) */
    cs_rect strip;                  /* network strip: one column per layer */
    cs_rect strip_title;
    int n_cols;
    int narrow;                     /* columns too narrow for "16@32×32" on one line: the shape
                                     * takes two lines and the range drops "max"/"min" */
    cs_rect col[CS_SNAP_MAX_LAYERS];      /* column, header (name, shape) on top, range at the bottom */
    cs_rect col_name[CS_SNAP_MAX_LAYERS], col_shape[CS_SNAP_MAX_LAYERS];
    cs_rect col_maps[CS_SNAP_MAX_LAYERS]; /* area of the maps */
    cs_grid col_grid[CS_SNAP_MAX_LAYERS]; /* tiles of the layer's maps */
    cs_rect col_range[CS_SNAP_MAX_LAYERS];   /* two lines: the range in use, max over min */
    cs_rect col_cbar[CS_SNAP_MAX_LAYERS];    /* the colour scale those two numbers label */
    cs_rect strip_legend;           /* one line under the columns: what the colours mean */

    cs_rect kernels;                /* kernel panel: every conv layer (w 0: left out) */
    cs_rect kern_title;
    int n_kern;
    int kern_layer[CS_SNAP_MAX_LAYERS];   /* index into the layers */
    int kern_rgb[CS_SNAP_MAX_LAYERS];     /* 1: one RGB tile per filter (first conv of a 3-channel net) */
    int kern_rows_are_filters[CS_SNAP_MAX_LAYERS]; /* per-channel tiles: 1 rows = filters, 0 rows = channels */
    cs_rect kern_header[CS_SNAP_MAX_LAYERS];
    cs_rect kern_area[CS_SNAP_MAX_LAYERS];
    cs_grid kern_grid[CS_SNAP_MAX_LAYERS];
    cs_rect kern_cbar[CS_SNAP_MAX_LAYERS];    /* vertical colour bar; numbers to its right */
    float kern_cbar_label_w;
    cs_rect timeline;               /* the training timeline, under the kernels (cs_timeline.h); w 0: left out */

    cs_rect curves;                 /* learning curves panel (w 0: left out) */
    cs_rect curves_title, curves_legend;
    cs_rect loss_plot, acc_plot;    /* plot areas (axes labels around them) */
    float axis_w;                   /* room for the value axis' labels left of a plot */

    cs_rect status;                 /* bottom line: hover readout and messages */
    cs_rect help;                   /* the largest help overlay box */

    /* an enlarged layout (cs_layout_enlarge): what it shows, and for a map or a kernel its grid */
    cs_target enlarged;             /* kind CS_TARGET_NONE: the ordinary view */
    cs_rect enl_title, enl_caption;
    int enl_planes;                 /* 1, or 3 for an RGB kernel (R, G, B side by side) */
    int enl_rows, enl_cols;
    cs_rect enl_grid[3], enl_plane_label[3];
    float enl_cell;                 /* pixels per cell */
    cs_rect enl_cbar, enl_cbar_labels;
    int enl_numbers_px;             /* the size cell numbers are tried at; 0: cells too small for them */
    cs_grid enl_tiles;              /* a whole layer: one tile per map, or per filter (an RGB first
                                     * layer) or per filter and input channel (a row per filter) */
    int enl_tile_rgb;               /* kernel tiles are RGB filters */
} cs_layout;

/* A tile's cells per map (h rows: a map over its gradient with one row between) or per kernel (k
 * columns: a kernel beside its gradient with one column between), as the layout fits them. */
int cs_layout_tile_cells(const cs_layout *L, int n);
/* The part of map tile t (mh rows) or kernel tile t (k columns) that holds the map or kernel
 * (grad 0) or its gradient (grad 1); without gradients, t itself for grad 0. */
cs_rect cs_layout_map_part(const cs_layout *L, cs_rect t, int mh, int grad);
cs_rect cs_layout_kernel_part(const cs_layout *L, cs_rect t, int k, int grad);

/* Lays out the train view: at the scale asked for if everything fits, else leaving out panels
 * (CS_HIDE_*, least essential first), else at a smaller scale, down to what --scale 1 gives
 * (cs_style_floor). Presenting, the buttons and the timeline are left out from the start. Every
 * box is made at least as large as its text needs at the style's minimum size, measured. */
void cs_layout_compute(cs_layout *L, const cs_layout_in *in);

/* The enlarged view of target t in L's main area, with L's bar, status and style: E is L with
 * every panel left out but t's. The output panel or a curve plot get the train view's fields,
 * large; a map or a kernel a grid of whole-pixel cells (enl_*) with a colour bar and room for a
 * number in every cell where one fits at the minimum size. in: as given to cs_layout_compute. */
void cs_layout_enlarge(cs_layout *E, const cs_layout *L, const cs_layout_in *in, const cs_target *t);

/* The click target under (x, y) (a map tile, a kernel tile, the output panel, a curve plot);
 * CS_TARGET_NONE if none. The same geometry the view draws with. */
cs_target cs_layout_target_at(const cs_layout *L, const cs_snap_layer *layers, float x, float y);
/* Where target t is drawn (w 0 when it is not shown). */
cs_rect cs_layout_target_rect(const cs_layout *L, const cs_snap_layer *layers, const cs_target *t);

/* The help overlay: "key\tdescription" rows in one to three columns, descriptions wrapped, at the
 * largest size from the normal font's down to the minimum at which every row fits max_box; the
 * box then shrinks to its content, centred in max_box. */
#define CS_HELP_MAX_ROWS 96
typedef struct {
    cs_rect box, title;
    int px, cols, n, ok;
    cs_rect key[CS_HELP_MAX_ROWS], desc[CS_HELP_MAX_ROWS];
} cs_help_layout;
void cs_help_layout_compute(cs_help_layout *H, const cs_style *st, const cs_measure *m, cs_rect max_box,
                            const char *title, const char *const *rows, int n);

/* Marks at least min_gap pixels apart on a track of `width` pixels with one possible mark every
 * `span` / n of it (n marks, e.g. epochs): the smallest stride of 1, 2, 5, 10, 20, 50, ... marks
 * that keeps them apart. */
int cs_mark_stride(float width, int n, float min_gap);

/* Receptive field: the input-image rectangle that output cell (y, x) of layer l depends on,
 * through every conv and pool layer before it, stride and padding respected. Inclusive bounds,
 * clipped to the image (layers[0].in_h x layers[0].in_w). A cell of a fully connected layer, or
 * of anything after one, sees the whole image. */
void cs_receptive_field(const cs_snap_layer *layers, int l, int y, int x, int *y0, int *x0, int *y1, int *x1);

#endif
