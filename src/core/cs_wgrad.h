/* cs_wgrad.h - step through the weight gradient of one conv filter, one weight (or one
 * multiply-add) at a time: back-propagation's "the same sliding window, now over the gradient".
 *
 * For a conv layer with input x (C, H, W) of one image, window g (cs_win: KH x KW, strides sh and
 * sw, padding pt, pl, pb, pr) and dy (OH, OW), the gradient of the loss at one filter's output
 * map, the gradient of that filter's weight (c, i, j) is
 *
 *     dL/dw[c][i][j] = sum over y < OH, x < OW of  x[c][y*sh + i - pt][x*sw + j - pl] * dy[y][x]
 *
 * (an input index in the padding contributes 0): dy slides over the input like a kernel, placed
 * at offset (i, j) and reading every sh-th row and sw-th column. A stepper walks the filter's
 * weights ("cells") in raster order, c, then i, then j, and shows for the current one the OH x OW
 * input values under dy, their products with dy, how many products are 0 (dy was 0 there, e.g.
 * where a ReLU blocked it; the input was 0; or the padding), the running partial sum and the
 * total.
 *
 * Arithmetic: every sum is accumulated in float in raster order of (y, x), the order of
 * cs_conv2d_backward_ref and cs_conv2d_win_backward_ref for one image, so a completed cell equals
 * their dw bit for bit. The network's fast kernels (cs_conv.c) add the same products in another
 * order; their value of a cell differs from the stepper's by at most cs_wgrad_bound: 2 gamma_n
 * sum |products|, with n = OH*OW and gamma_n = n u / (1 - n u), u = 2^-24 (the error bound of
 * floating-point summation in any order, products included; Higham, "Accuracy and Stability of
 * Numerical Algorithms", 2nd ed., section 4.2).
 *
 * The filter's gradient map holds every cell before the current one, plus the current one once
 * all its terms are shown (as cs_stepper's output map), so it is a function of the position
 * alone. Everything is sized in cs_wgrad_init; moving never allocates. The input and the
 * gradient are borrowed.
 */
#ifndef CS_WGRAD_H
#define CS_WGRAD_H

#include "cs_error.h"
#include "cs_tensor.h"

/* Budgets checked by cs_wgrad_init: products per weight (OH*OW), weights per filter
 * (C*KH*KW), and the multiply-adds of the whole filter's gradient (what a jump to the end costs). */
#define CS_WGRAD_MAX_TERMS (1 << 24)
#define CS_WGRAD_MAX_CELLS (1 << 20)
#define CS_WGRAD_MAX_WORK ((long long)1 << 28)

/* One weight's gradient, dL/dw[c][i][j] above, accumulated in the stepper's (and the reference
 * backward's) order. in: (C, H, W); dout: (OH, OW) with OH x OW the window's output size over
 * H x W. */
float cs_conv2d_win_wgrad_at(const float *in, const float *dout, int C, int H, int W, const cs_win *g, int c, int i,
                             int j);

typedef struct {
    /* Problem, set by cs_wgrad_init. */
    const float *input;      /* (C, H, W) the layer's input for one image, borrowed */
    const float *dout;       /* (OH, OW) dL/d(the filter's output map), borrowed */
    int C, H, W;
    cs_win win;              /* the layer's window */
    int OH, OW;
    int n_cells;             /* C * KH * KW weights in the filter */
    int n_terms;             /* OH * OW products per weight */

    /* Position. */
    int cell;                /* current weight, (c, i, j) = (cell / (KH*KW), cell / KW % KH, cell % KW) */
    int c, i, j;
    int term;                /* products shown at this cell, 0..n_terms, in raster order of (y, x) */

    /* The current cell; all owned, recomputed on every move. */
    float *window;           /* (OH, OW) the input under dy: x[c][y*sh + i - pt][x*sw + j - pl], 0 in the padding */
    unsigned char *pad_mask; /* (OH, OW) 1 where that input index lies in the padding */
    float *products;         /* (OH, OW) window * dout */
    int n_zero;              /* products that are 0 (padding included) */
    int n_pad;               /* products in the padding */
    float partial;           /* the first `term` products added up in order */
    float sum;               /* all of them: dL/dw at this cell */
    double abs_sum;          /* sum of |products| (for cs_wgrad_bound) */

    /* The filter's gradient so far; owned. */
    float *grad;             /* (C, KH, KW) dL/dw of the cells computed so far, 0 elsewhere */
    unsigned char *visited;  /* (C, KH, KW) 1 where computed */
    int n_visited;           /* they are always the first n_visited cells */
} cs_wgrad;

/* Sets up a stepper at weight (0, 0, 0) with all its terms shown (the map holds one value).
 * input (C, H, W) and dout (OH, OW) are borrowed and must outlive the stepper; OH x OW must be the
 * window's output size over H x W. Fails with CS_ERR_ARG or CS_ERR_SHAPE naming the bad value or
 * the budget; nothing is allocated then and cs_wgrad_free is still safe. Free with cs_wgrad_free. */
cs_status cs_wgrad_init(cs_wgrad *ws, const float *input, int C, int H, int W, const float *dout, const cs_win *g);
void cs_wgrad_free(cs_wgrad *ws);
/* Recomputes the cell and the map after the caller changed the borrowed input or gradient in place. */
void cs_wgrad_refresh(cs_wgrad *ws);

/* One weight forward / back in raster order, all its terms shown; 1 if anything changed (from an
 * incomplete last weight, next completes it), 0 at the end / at weight 0. */
int cs_wgrad_next(cs_wgrad *ws);
int cs_wgrad_prev(cs_wgrad *ws);
/* One product forward: from a complete weight, on to the next weight with no terms shown; 0 at the
 * very end. */
int cs_wgrad_next_term(cs_wgrad *ws);
/* One product back: from term 0, back to the previous weight with all terms shown; 0 at weight 0,
 * term 0. */
int cs_wgrad_prev_term(cs_wgrad *ws);
/* As next_term, skipping products that are 0: shows terms up to and including the next non-zero
 * one, or to the end of the sum when none is left. 0 at the very end. */
int cs_wgrad_next_nonzero(cs_wgrad *ws);
/* As prev_term, skipping zeros: hides terms until the last one shown is non-zero or none is shown;
 * from term 0, back to the previous weight with all terms shown. */
int cs_wgrad_prev_nonzero(cs_wgrad *ws);
/* Shows the first `term` products of the current weight (clamped to 0..n_terms). */
void cs_wgrad_set_term(cs_wgrad *ws, int term);
/* Jumps to weight (c, i, j) with all terms shown; CS_ERR_ARG naming the filter's shape if outside. */
cs_status cs_wgrad_seek(cs_wgrad *ws, int c, int i, int j);
/* Weight 0 with no term shown (empty map) / the last weight complete (the whole filter's gradient). */
void cs_wgrad_to_start(cs_wgrad *ws);
void cs_wgrad_to_end(cs_wgrad *ws);
/* 1 when every weight's gradient is computed. */
int cs_wgrad_done(const cs_wgrad *ws);

/* Output position (y, x) of term t and the input position it reads (iy, ix; may be in the padding). */
void cs_wgrad_term_pos(const cs_wgrad *ws, int t, int *y, int *x, int *iy, int *ix);
/* Zero products among the first `term` shown (the current weight). */
int cs_wgrad_zero_shown(const cs_wgrad *ws);
/* The largest difference between the current weight's sum and the same products added in any other
 * order (2 gamma_n sum |products|, see the top of this file). */
double cs_wgrad_bound(const cs_wgrad *ws);

#endif
