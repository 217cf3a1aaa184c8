/* cs_filters.h - convolution kernels for the stepper: named presets and a small text format.
 *
 * Presets (single channel): identity, box (3x3, each 1/9: the 8-neighbourhood smoothing),
 * gaussian3, gaussian5, laplacian4, laplacian8, sobel-x, sobel-y, sharpen, emboss, and
 * curve (7x7, 30 along a curve and 0 elsewhere: the curve detector of the classic CNN
 * explainer, which answers 6600 on a matching stroke).
 *
 * Kernel text format (one kernel, one or more channels):
 *   - rows of numbers separated by whitespace and/or commas; every row of a channel has
 *     as many numbers as the channel has rows (kernels are square);
 *   - `#` starts a comment that runs to the end of the line;
 *   - `scale X` or `scale A/B` (once, anywhere) multiplies every entry, e.g. `scale 1/16`;
 *   - channels are separated by a blank line or a line `channel` (optionally followed by
 *     a label, which is ignored); all channels have the same size;
 *   - a UTF-8 byte-order mark at the start is skipped and CRLF line ends are fine (files
 *     saved by Windows Notepad);
 *   - every number, fraction and entry times the scale must lie within float range
 *     (|x| <= 3.4e38); NaN, infinity and division by zero are refused.
 * Fraction form: when every entry is an integer or a fraction A/B of integers, and the scale
 * (if any) too, the kernel remembers the common denominator D (`scale 1/16` with integer
 * entries: 16; entries written 1/9: 9), and each weight is exactly its integer numerator over D
 * as a float, so the step view can write `1/9` and `2/16` instead of 0.111 and 0.125. The
 * presets box, gaussian3 and gaussian5 have it too (9, 16, 256).
 *
 * Errors name the line and column: empty file, ragged rows, a token that is not a
 * number (or not finite, or out of range), a non-square channel, channels of different
 * sizes, more than CS_FILTER_MAX_K rows or CS_FILTER_MAX_C channels.
 */
#ifndef CS_FILTERS_H
#define CS_FILTERS_H

#include <stddef.h>

#include "cs_error.h"

#define CS_FILTER_MAX_K 31
#define CS_FILTER_MAX_C 16

/* Largest common denominator of a fraction form. */
#define CS_FILTER_MAX_DEN 1000000

typedef struct {
    char name[64];   /* preset name or the file's name */
    int c, k;        /* channels and side */
    float *w;        /* (c, k, k), owned */
    int frac_den;    /* > 1: every weight is an integer over this denominator (cs_filter_numerator);
                      * 0: the weights are decimals */
} cs_filter;

/* The integer n with w == (float)(n / den) exactly, in *num; 0 when there is none (then w is not
 * an integer over den as a float). den 1..CS_FILTER_MAX_DEN. */
int cs_filter_numerator(float w, int den, long *num);
/* 1 when each of the n weights is an integer over den (as cs_filter_numerator says). */
int cs_filter_is_fraction(const float *w, size_t n, int den);
/* 1 for a smoothing kernel: no negative weight and the weights sum to 1 (within 1e-4), like the
 * box and Gaussian presets: its output stays in the input's range of values. */
int cs_filter_is_smoothing(const cs_filter *f);

/* Allocates a zero c x k x k filter named name. Free with cs_filter_free. */
cs_status cs_filter_init(cs_filter *f, const char *name, int c, int k);
void cs_filter_free(cs_filter *f);

/* Comma-separated list of the preset names (static string). */
const char *cs_filter_preset_names(void);
/* Initialises f with a preset; CS_ERR_ARG listing the names if unknown. Free with
 * cs_filter_free. */
cs_status cs_filter_preset(cs_filter *f, const char *name);

/* Parses kernel text (NUL-terminated). source names the text in error messages
 * ("kernel.txt:3:7: ..."). On failure f is left empty (safe to free). */
cs_status cs_filter_parse(cs_filter *f, const char *text, const char *source);
/* Reads and parses a kernel file (at most 1 MiB). */
cs_status cs_filter_load(cs_filter *f, const char *path);

/* A preset name if one exists, else a file path: the --kernel argument of the CLI. */
cs_status cs_filter_open(cs_filter *f, const char *preset_or_path);

/* Sum of all entries (double accumulation), e.g. 1 for smoothing, 0 for edge detectors. */
double cs_filter_sum(const cs_filter *f);

#endif
