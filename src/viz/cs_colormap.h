/* cs_colormap.h - the one colormap table of convscope, shared by the GPU (uploaded as a
 * 256x1 texture) and by PNG/GIF export, so what the window shows and what is exported
 * cannot disagree. Also value ranges (normalisation) for maps and kernels. */
#ifndef CS_COLORMAP_H
#define CS_COLORMAP_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    CS_CMAP_VIRIDIS, /* perceptual sequential, colour-blind safe: activations */
    CS_CMAP_RDBU,    /* diverging blue (negative) - white (0) - red (positive): weights */
    CS_CMAP_GRAY,    /* input images */
    CS_CMAP_BLUEORANGE, /* diverging blue (negative) - white (0) - orange (positive): colour-blind safe */
    CS_CMAP_COUNT
} cs_colormap_id;

/* 256 RGB triples (768 bytes), static. */
const uint8_t *cs_colormap_table(cs_colormap_id id);
/* Short name ("viridis", "rdbu", "gray", "blue-orange"). */
const char *cs_colormap_name(cs_colormap_id id);

/* The value range that maps to the two ends of a colormap. */
typedef struct {
    float lo, hi;
} cs_value_range;

/* min..max of the finite values of x (NaN and Inf ignored); symmetric: -m..m with
 * m = max |x|, so zero sits in the middle of a diverging map. A constant input gives a
 * range of width max(1e-6, 2e-6 |value|) around its value. The result is drawable. */
cs_value_range cs_value_range_of(const float *x, size_t n, int symmetric);
/* r made safe to draw: ends within +-FLT_MAX/2 (so hi - lo is finite in float, as the
 * shader computes it), lo < hi (an empty or inverted range is widened around its middle),
 * and NaN ends give 0..1. Values outside are drawn at the ends. */
cs_value_range cs_value_range_drawable(cs_value_range r);
/* The union of two ranges. */
cs_value_range cs_value_range_union(cs_value_range a, cs_value_range b);
/* v mapped to [0, 1] by the drawable form of r, clamped; +-Inf map to the ends and NaN to
 * 0. Any r and v give a value in [0, 1]. */
float cs_value_range_normalize(cs_value_range r, float v);

/* Colour of one value (any r, any v: always an entry of the table). */
void cs_colormap_rgb(cs_colormap_id id, cs_value_range r, float v, uint8_t rgb[3]);
/* A whole plane: rgb (h*w*3) from x (h*w). */
void cs_colormap_plane(uint8_t *rgb, const float *x, int h, int w, cs_colormap_id id, cs_value_range r);

#endif
