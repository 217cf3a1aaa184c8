/* cs_bp_layout.h - the backprop view's pure parts: where its title, note, phase panel, buttons and
 * status line go at a window size and scale, the cell grids its phases draw (a grid of cells with
 * or without room for a number) and the hit tests of phase 5's clicks (a filter, a weight). No SDL,
 * no GL: unit-tested headless, and the view (cs_view_backprop.h) draws into these boxes. */
#ifndef CS_BP_LAYOUT_H
#define CS_BP_LAYOUT_H

#include "cs_fit.h"
#include "cs_layout.h"
#include "cs_style.h"

/* The view's buttons: each stands for a key of the key table. */
enum { CS_BP_BTN_BACK, CS_BP_BTN_NEXT, CS_BP_BTN_PLAY, CS_BP_BTN_SLOWER, CS_BP_BTN_FASTER, CS_BP_BTN_TRAIN, CS_BP_BTN_COUNT };

/* The buttons' labels (static strings), longest wording the layout makes room for. */
const char *cs_bp_button_label(int b, int playing);

typedef struct {
    int win_w, win_h;
    cs_style st;               /* sizes and colours this layout fitted at */
    float pad;                 /* gap between boxes, pixels */
    cs_rect title;             /* "Phase 3 of 7 · output-gradient: ..." (big) */
    cs_rect note;              /* the batch is this one image (normal, up to two lines) */
    cs_rect main;              /* the phase's panel */
    cs_rect buttons[CS_BP_BTN_COUNT];
    cs_rect status;            /* keys, autoplay speed, messages (small) */
    cs_rect help;              /* the help overlay's largest box */
} cs_bp_layout;

/* Lays the view out for a win_w x win_h window at --scale user_scale (presenting or not), its type
 * sized for a window style_h high (0: win_h; a view above a lesson's band keeps the window's
 * sizes), text measured by m: at the asked scale when the title, the buttons' labels and a table of n_classes + 3
 * rows of normal text fit, else at a scale stepped down by 8% to what --scale 1 gives (cs_style_floor). */
void cs_bp_layout_compute(cs_bp_layout *L, int win_w, int win_h, int style_h, float user_scale, int present,
                          const cs_measure *m, int n_classes);

/* A grid of rows x cols square cells in area, as large as fits (at most max_cell pixels, whole
 * pixels when at least 1), centred at the top of area. */
typedef struct {
    cs_rect r;                 /* the cells' whole box (w 0 when nothing fits) */
    int rows, cols;
    float cell;
} cs_bp_cells;
cs_bp_cells cs_bp_cells_fit(cs_rect area, int rows, int cols, float max_cell);
cs_rect cs_bp_cell(const cs_bp_cells *g, int row, int col);
/* The cell at (px, py): 1 and *row, *col, or 0. */
int cs_bp_cells_hit(const cs_bp_cells *g, float px, float py, int *row, int *col);

/* Phase 5's and 6's geometry for a conv filter of C x K x K weights among n_filters: the filters'
 * gradient tiles (a click chooses one), the chosen filter's C grids of K x K numbers (a click
 * chooses a weight), and the rest of the panel for the sum written out. */
typedef struct {
    cs_rect filters_title;
    cs_rect filters;           /* n_filters tiles of K x K cells */
    cs_grid tiles;             /* cs_grid_fit of the tiles */
    cs_rect grid_title;
    int shown;                 /* channels drawn: as many of the first 4 as keep a number in every cell (at least 1) */
    cs_bp_cells grid[4];       /* the chosen filter, one K x K grid per drawn channel */
    int numbers;               /* its cells hold a number at the minimum size */
    cs_rect sum;               /* the sum for the chosen weight */
} cs_bp_filter_layout;
void cs_bp_filter_layout_compute(cs_bp_filter_layout *F, const cs_bp_layout *L, const cs_measure *m, int C, int K,
                                 int n_filters);
/* The filter tile or the weight (c, i, j) under (px, py): 1 for a filter (*filter), 2 for a weight
 * (*c, *i, *j), 0 for nothing. */
int cs_bp_filter_hit(const cs_bp_filter_layout *F, int C, int K, float px, float py, int *filter, int *c, int *i, int *j);

#endif
