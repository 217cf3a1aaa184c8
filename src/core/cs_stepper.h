/* cs_stepper.h - step through one convolution, one output position (or one multiply-add) at a time.
 *
 * A stepper walks a single filter over a single image in raster order (row oy, then
 * column ox) and exposes everything a teacher would write on the board for the current
 * output position: the input window under the kernel (zeros where it hangs over the
 * padding, with a mask saying which cells are padding), the element-wise products, the
 * per-channel partial sums, the sum, the sum plus bias and the value after the
 * activation. The completed sum of a position is cs_conv2d_dot_at's, the arithmetic
 * conv2d itself uses, so stepping over every position reproduces cs_conv2d_forward_ref
 * bit for bit.
 *
 * The output map is the part of the convolution "computed so far": every position
 * before the current one in raster order, plus the current one once all its terms are
 * shown. Stepping backward un-computes, so the map is always a function of the position
 * alone and a UI can scrub freely.
 *
 * For growing the equation term by term, `term` counts the multiply-adds shown at the
 * current position, 0..n_terms (n_terms = C*K*K); term t is kernel cell
 * (c, ky, kx) = (t / (K*K), t / K % K, t % K), the same order as the sum.
 *
 * Memory: everything is sized in cs_stepper_init (and re-sized by the geometry setter);
 * moving never allocates. The image and kernel are borrowed.
 */
#ifndef CS_STEPPER_H
#define CS_STEPPER_H

#include "cs_error.h"

typedef enum { CS_STEPPER_ACT_NONE, CS_STEPPER_ACT_RELU } cs_stepper_act;

/* Largest kernel side and channel count a stepper accepts (guards the buffer sizes), the
 * largest stride and pad, and the budget of its output map (values). */
#define CS_STEPPER_MAX_K 64
#define CS_STEPPER_MAX_C 64
#define CS_STEPPER_MAX_SIDE 65536
#define CS_STEPPER_MAX_OUTPUT (1 << 24)

typedef struct {
    /* Problem, set by init and the setters. */
    const float *image;      /* (C, H, W), borrowed */
    const float *kernel;     /* (C, K, K), borrowed */
    int frac_den;            /* > 1: every weight is an integer over this denominator (the kernel's
                              * fraction form, cs_stepper_set_fraction); 0: decimals */
    float bias;
    cs_stepper_act act;
    int C, H, W, K, S, P;
    int OH, OW;              /* output size for the current S and P */
    int n_terms;             /* C * K * K */

    /* Position. */
    int oy, ox;              /* current output position, 0 <= oy < OH, 0 <= ox < OW */
    int term;                /* multiply-adds shown at this position, 0..n_terms */
    int iy0, ix0;            /* input coordinates of the window's top-left cell (may be negative) */

    /* The current window; all owned, recomputed on every move. */
    float *window;           /* (C, K, K) input values under the kernel, 0 in the padding */
    unsigned char *pad_mask; /* (K, K) 1 where the cell lies in the padding (same for all channels) */
    float *products;         /* (C, K, K) window * kernel */
    float *channel_sums;     /* (C) sum of each channel's products (display; accumulated in order) */
    float partial;           /* sum of the first `term` products, accumulated in term order */
    float sum;               /* cs_conv2d_dot_at at this position (complete, without bias) */
    float pre;               /* sum + bias */
    float value;             /* pre after the activation */

    /* The map computed so far; owned, re-sized when S or P change. */
    float *output;           /* (OH, OW) values after the activation, 0 where not visited */
    unsigned char *visited;  /* (OH, OW) 1 where the value is computed */
    int n_visited;
} cs_stepper;

/* Sets up a stepper at output position (0, 0) with all terms shown (so the map holds
 * one value). image: (C, H, W) and kernel: (C, K, K) are borrowed and must outlive the
 * stepper. Padding of any size is valid (PyTorch's rule): positions whose window lies
 * wholly in the padding output the bias. Fails with CS_ERR_ARG or CS_ERR_SHAPE and a
 * message naming the bad value (stride < 1, pad < 0, kernel larger than the padded
 * image, an output map over CS_STEPPER_MAX_OUTPUT values, ...); on failure nothing is
 * allocated and cs_stepper_free is still safe. Free with cs_stepper_free. */
cs_status cs_stepper_init(cs_stepper *st, const float *image, int C, int H, int W,
                          const float *kernel, int K, float bias, int S, int P, cs_stepper_act act);
void cs_stepper_free(cs_stepper *st);

/* Changes stride and pad live. The position is kept, clamped to the new output size,
 * and the map is recomputed up to it. On error the stepper is unchanged. */
cs_status cs_stepper_set_geometry(cs_stepper *st, int S, int P);
/* Changes the bias or the activation; the window and map are recomputed. */
void cs_stepper_set_bias(cs_stepper *st, float bias);
void cs_stepper_set_activation(cs_stepper *st, cs_stepper_act act);
/* Recomputes window and map after the caller changed the borrowed image or kernel in place. */
void cs_stepper_refresh(cs_stepper *st);

/* Moves one position forward / backward in raster order, showing all its terms.
 * cs_stepper_next at the last position completes it if it was not; both return 1 if
 * anything changed, 0 at the end / at position (0, 0), so `while (cs_stepper_next(st))`
 * finishes the map. */
int cs_stepper_next(cs_stepper *st);
int cs_stepper_prev(cs_stepper *st);

/* One multiply-add forward: shows one more term; from a complete position, moves to the
 * next position with no terms shown. Returns 0 at the very end. */
int cs_stepper_next_term(cs_stepper *st);
/* One multiply-add backward: hides the last term; from term 0, moves to the previous
 * position with all terms shown. Returns 0 at position (0, 0), term 0. */
int cs_stepper_prev_term(cs_stepper *st);
/* Shows the first `term` terms at the current position (clamped to 0..n_terms). */
void cs_stepper_set_term(cs_stepper *st, int term);

/* Jumps to output position (oy, ox) with all terms shown. CS_ERR_ARG if outside the
 * output, naming its size. */
cs_status cs_stepper_seek(cs_stepper *st, int oy, int ox);
/* Jumps to the first position (term 0 shown: the map is empty) / the last position
 * (all terms: the map is complete). */
void cs_stepper_to_start(cs_stepper *st);
void cs_stepper_to_end(cs_stepper *st);

/* 1 when every output position has been computed. */
int cs_stepper_done(const cs_stepper *st);

/* The kernel cell of term t (0 <= t < n_terms). */
void cs_stepper_term_cell(const cs_stepper *st, int t, int *c, int *ky, int *kx);

/* Declares the kernel's fraction form (cs_filter's frac_den): kept when den > 1 and every weight is
 * exactly an integer over den as a float (cs_filter_numerator), else cleared. Call again after the
 * borrowed kernel changed. Returns 1 when kept. */
int cs_stepper_set_fraction(cs_stepper *st, int den);
/* The numerator of kernel weight t over frac_den (frac_den > 1). */
long cs_stepper_numerator(const cs_stepper *st, int t);

/* Term stepping that skips zero terms (a zero window value or weight, 44 of the curve detector's
 * 49): shows terms up to and including the next one whose product is not zero, or all of them;
 * from a complete position moves to the next position with no terms shown. Returns 0 at the
 * very end. */
int cs_stepper_next_nonzero_term(cs_stepper *st);
/* Backward: hides terms until the last one shown has a non-zero product or none is shown; from
 * term 0, the previous position with all terms shown. Returns 0 at position (0, 0), term 0. */
int cs_stepper_prev_nonzero_term(cs_stepper *st);

/* The output map as a gray picture at the input's scale: grey[i] = round(255 x clamp(output[i] /
 * in_max, 0, 1)) for computed cells, 0 for the others (OH x OW bytes). A smoothing kernel (weights
 * >= 0 summing to 1) keeps values in the input's range, so this is the blurred image itself. */
void cs_stepper_grey(const cs_stepper *st, float in_max, unsigned char *grey);

#endif
