/* cs_step_layout.h - the step view's pure parts: where its panels and grids go, which input
 * pixel, output cell or kernel cell a click lands on, compact numbers for grid cells, and the
 * sum written out as a wrapped equation. No SDL, no GL: unit-tested headless, and the
 * screenshot tests ask it where the window outline and the output cells should be.
 *
 * The view (cs_view_step.h) reads a cs_stepper: the input with the window outlined, three
 * grids (input window x kernel = products), the equation, and the output map filling in. */
#ifndef CS_STEP_LAYOUT_H
#define CS_STEP_LAYOUT_H

#include <stddef.h>

#include "cs_fit.h"
#include "cs_layout.h"
#include "cs_stepper.h"

/* Channels the step view draws as rows of grids (gray and RGB images; a 3-channel kernel). */
#define CS_STEP_MAX_C 4

enum { CS_STEP_GRID_WINDOW, CS_STEP_GRID_KERNEL, CS_STEP_GRID_PRODUCTS, CS_STEP_GRIDS };

/* Panels the step layout may leave out to fit (cs_step_layout.hidden). */
enum {
    CS_STEP_STACKED = 1,   /* the grids across the whole width, input | output | equation under them */
    CS_STEP_HIDE_IMAGES = 2, /* input and output panels left out (the grids and the sum stay) */
};

typedef struct {
    int win_w, win_h;
    float scale, pad;
    cs_style st;                  /* sizes and colours this layout fitted at */
    int hidden;                   /* CS_STEP_* */
    int C, H, W, K, S, P, OH, OW; /* the problem this layout was made for */

    cs_rect top;                  /* what is convolved, the geometry, position and playback */
    cs_rect title, geometry, info, speed; /* title and geometry share a line when they fit, as do
                                           * info and speed */
    cs_rect status;               /* bottom line: hints, messages, hover readout */

    cs_rect input_panel;          /* w 0: left out */
    cs_rect input_title;
    cs_rect input_area;           /* the padded input: (H + 2P) x (W + 2P) cells of in_cell pixels */
    float in_cell;
    cs_rect input_caption;        /* size, downscale factor, value range */

    cs_rect output_panel;         /* w 0: left out */
    cs_rect output_title;
    cs_rect output_area;          /* OH x OW cells of out_cell pixels */
    float out_cell;
    cs_rect output_cbar;          /* vertical colour bar; labels to its right */
    cs_rect output_cbar_labels;
    cs_rect output_caption;
    cs_rect output_grey;          /* the grey picture beside the heat map (cs_step_layout_split_output);
                                   * w 0: none */

    cs_rect grids_panel;
    cs_rect grid_title[CS_STEP_GRIDS];
    cs_rect grid[CS_STEP_GRIDS][CS_STEP_MAX_C]; /* K x K cells of cell_w x cell_h, one row per channel */
    cs_rect grid_legend[CS_STEP_GRIDS];         /* a horizontal colour bar ... */
    cs_rect grid_legend_text[CS_STEP_GRIDS];    /* ... with its ends written under it */
    cs_rect op[2];                /* the "x" between window and kernel, the "=" before the products */
    cs_rect chan_label[CS_STEP_MAX_C]; /* "R", "G", "B" left of a channel's row (C > 1) */
    cs_rect chan_sum[CS_STEP_MAX_C];   /* a channel's partial sum right of its products (C > 1) */
    float cell_w, cell_h;
    int numbers;                  /* cells are large enough for a number at the minimum size */
    int cell_px;                  /* the largest size a cell's number is tried at */

    cs_rect eq_panel;
    cs_rect eq_title;
    cs_rect eq_text;              /* the equation lines (mono font) */
    cs_rect eq_result;            /* the last line: sum + bias = value (big font) */

    cs_rect help;
} cs_step_layout;

/* Lays out the step view for a win_w x win_h window at --scale user_scale (presenting or not) and
 * the stepper's problem (C, H, W, K, S, P and the output size), text measured by m: as asked if it
 * fits, else stacked, else without the input and output panels, else at a smaller scale down to
 * what --scale 1 gives. The grids' cells always have room for a number at the minimum size. */
void cs_step_layout_compute(cs_step_layout *L, int win_w, int win_h, float user_scale, int present,
                            const cs_measure *m, const cs_stepper *st);
/* The same in the top win_w x win_h of a window style_h rows high, with that window's type sizes
 * (a lesson's band takes the rest). */
void cs_step_layout_compute_in(cs_step_layout *L, int win_w, int win_h, int style_h, float user_scale, int present,
                               const cs_measure *m, const cs_stepper *st);

/* Makes room for the grey output picture beside the heat map in the output panel: side by side,
 * or the grey picture under the heat map when that gives larger cells; output_area (and so the
 * hit tests) and output_grey get one cell size, the caption moves under both. */
void cs_step_layout_split_output(cs_step_layout *L);

/* The input pixel under (px, py), in image coordinates (negative or >= the size in the padding
 * ring). 0 outside the padded input. */
int cs_step_hit_input(const cs_step_layout *L, float px, float py, int *iy, int *ix);
/* The output position whose window is centred on input pixel (iy, ix) as nearly as the
 * stride allows, clamped to the output. */
void cs_step_pos_for_pixel(const cs_step_layout *L, int iy, int ix, int *oy, int *ox);
/* The output cell under (px, py); 0 outside the map. */
int cs_step_hit_output(const cs_step_layout *L, float px, float py, int *oy, int *ox);
/* The kernel cell under (px, py); 0 outside the kernel grids. */
int cs_step_hit_kernel(const cs_step_layout *L, float px, float py, int *c, int *ky, int *kx);
/* Rectangles of input pixel (iy, ix) (padding coordinates allowed), output cell (oy, ox) and
 * cell (ky, kx) of grid g, channel c. */
cs_rect cs_step_input_cell(const cs_step_layout *L, int iy, int ix);
cs_rect cs_step_output_cell(const cs_step_layout *L, int oy, int ox);
cs_rect cs_step_grid_cell(const cs_step_layout *L, int g, int c, int ky, int kx);
/* The window of output position (oy, ox) on the input: K x K pixels from its top-left. */
cs_rect cs_step_window_rect(const cs_step_layout *L, int oy, int ox);

/* Compact number for a grid cell or an equation: integers as integers (6600, 1500, -30),
 * others with 3 significant digits (0.111, -0.05, 28.3), large values with k/M/G (12.3k), tiny
 * non-zero ones in exponent form (1e-06) rather than a lying 0; a real minus sign (U+2212).
 * Writes at most `size` bytes; returns the number of characters (code points) written. */
int cs_step_fmt(char *buf, size_t size, float v);
/* The same with `sig` (1..6) significant digits for non-integers, for cells too narrow for 3. */
int cs_step_fmt_sig(char *buf, size_t size, float v, int sig);

/* Code points in a UTF-8 string. */
int cs_step_utf8_len(const char *s);
/* Columns of a UTF-8 string in a monospaced line: one per code point, two for East Asian wide
 * ones (Chinese), which a CJK font draws about twice as wide as a Latin letter. */
int cs_step_text_cols(const char *s);

/* The sum written out for the stepper's current position, as the article writes it, wrapped
 * into lines of at most `cols` columns (cs_step_text_cols) and `max_lines` lines, separated by '\n':
 *   sum = (50×30) + (50×30) + (50×30) + (20×30) + (50×30)
 *       = 6600    (44 zero terms not shown)
 * Only the first st->term terms are written (the equation grows term by term); zero terms are
 * counted, not written, except the newest one while it grows. A long sum ends "+ … (N more
 * terms)" where the lines run out. The sum checks on a calculator: decimal terms get as many
 * digits (3 to 7) as make the written products add up to the written total within half a unit
 * of one digit more than it shows (the box kernel as decimals: (255×0.1111) + … = 170); a
 * kernel in fraction form (st->frac_den) is written with the fraction factored out, the bracket
 * in whole numbers for image files:
 *   sum = 1/9 × (255 + 255 + 255 + 255 + 255 + 255) = 1/9 × 1530 = 170
 *   sum = 1/16 × (1×255 + 2×255 + 4×255 + 2×255) = 1/16 × 2295 = 143.438
 * With several channels, one more line gives the channel sums:
 *   channels: R 12.3 + G 4.5 + B −1.2 = 15.6
 * Returns the number of lines written (0 if out is too small for anything); *unwritten (may be
 * NULL) gets the count of non-zero terms the lines had no room for. */
int cs_step_equation(const cs_stepper *st, int cols, int max_lines, char *out, size_t size, int *unwritten);

/* Kernel weight t as the kernel grid writes it: "1/9", "2/16" for a kernel in fraction form, else
 * cs_step_fmt_sig with sig digits. Returns its length in characters. */
int cs_step_weight_text(char *buf, size_t size, const cs_stepper *st, int t, int sig);

/* The result line: "6600 + 0 = 6600", "relu(−120 + 5) = 0", or while the terms still grow
 * "so far: 1500 (12 of 49 terms)". Returns its length in characters. */
int cs_step_result(const cs_stepper *st, char *out, size_t size);

/* The top lines of the view, in the UI language (cs_i18n.h), as the view draws them and the
 * layout measures them: "stride 1   pad 0   bias 0   ReLU off   →   output 26×24" (bias as
 * written), "position x 4, y 10  (window: input columns 4–10, rows 10–16)     1 of 624 outputs
 * computed", "▶ playing   speed: NAME" (or "paused"). */
void cs_step_label_geometry(char *buf, size_t size, int S, int P, const char *bias, int relu, int OW, int OH);
void cs_step_label_info(char *buf, size_t size, int ox, int oy, int ix0, int ix1, int iy0, int iy1, int done, int total);
void cs_step_label_speed(char *buf, size_t size, int playing, const char *speed);

#endif
