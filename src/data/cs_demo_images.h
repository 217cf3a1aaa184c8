/* cs_demo_images.h - built-in demo images for the convolution stepper, and loading an
 * image file (the formats of cs_image.h) as floats for it.
 *
 * Images are (C, H, W) floats in 0..255, C = 1 (gray) or 3 (RGB).
 *
 * Built-in images (ask for them as "demo:NAME"):
 *   curve    32x30 cartoon: a whale in the waves blowing a spout, line strokes of 50 on 0 (the
 *            explainer's pixel values) with one faint pixel of 20; display range 0..50, so a
 *            window shows the strokes white. The front of the whale's head is the one curve
 *            the `curve` kernel matches: at stride 1, pad 0 the window at output x=4, y=10
 *            sums to (50x30) + (50x30) + (50x30) + (20x30) + (50x30) = 6600, the largest
 *            response. Every response whose window centre (output x+3, y+3) is more than 2
 *            pixels (Chebyshev distance) from every stroke pixel inside that window is at most
 *            1500 = 23% of 6600: the other strokes run level or down to the right, and no two
 *            of the kernel's 30s lie on such a line. The window at x=12, y=4 holds 7 pixels of
 *            the whale's back in the kernel's all-zero bottom row: it sums to 0.
 *   edges    24x24 bright square (255) on black, for Sobel and Laplacian kernels.
 *   checker  24x24 checkerboard of 4x4 cells (0 and 255).
 *   letter   24x24 capital A (255 on 0).
 */
#ifndef CS_DEMO_IMAGES_H
#define CS_DEMO_IMAGES_H

#include "cs_error.h"
#include "cs_image.h"

/* demo:curve's size and stroke value. Output positions (x = column, y = row) under the
 * curve kernel at stride 1, pad 0: where the response is 6600, and a window on the whale's
 * back where it is 0. */
#define CS_DEMO_CURVE_W 32
#define CS_DEMO_CURVE_H 30
#define CS_DEMO_CURVE_STROKE 50.0f
#define CS_DEMO_CURVE_MATCH_X 4
#define CS_DEMO_CURVE_MATCH_Y 10
#define CS_DEMO_CURVE_ZERO_X 12
#define CS_DEMO_CURVE_ZERO_Y 4

typedef struct {
    char name[64];   /* "demo:curve" or the file name */
    int c, h, w;
    float *pixels;   /* (c, h, w) in 0..255, owned */
    int src_w, src_h;/* size before downscaling */
    int downscale;   /* integer factor the file was shrunk by (1 = original size) */
    float display_max; /* the value to show as white: 255, or the stroke value of a demo drawn
                        * in the explainer's small numbers (demo:curve: 50) */
} cs_demo_image;

/* Comma-separated names of the built-in images, without the "demo:" prefix (static). */
const char *cs_demo_names(void);

/* Makes built-in image name ("curve", ...) with c channels (1, or 3 = gray replicated).
 * CS_ERR_ARG listing the names if unknown. Free with cs_demo_image_free. */
cs_status cs_demo_make(cs_demo_image *img, const char *name, int c);

/* Loads an image file as c channels (1 = gray, 3 = RGB), within the default image budget
 * of cs_image.h. If its larger side exceeds max_side (> 0), it is shrunk by the smallest
 * integer factor that fits, averaging factor x factor blocks; img->downscale reports the
 * factor. Free with cs_demo_image_free. Errors name the file (see cs_image_read). */
cs_status cs_demo_load_file(cs_demo_image *img, const char *path, int c, int max_side);
/* The same within budget (NULL: the defaults). */
cs_status cs_demo_load_file_budget(cs_demo_image *img, const char *path, int c, int max_side,
                                   const cs_image_budget *budget);

/* "demo:NAME" or a file path. */
cs_status cs_demo_open(cs_demo_image *img, const char *spec, int c, int max_side);
cs_status cs_demo_open_budget(cs_demo_image *img, const char *spec, int c, int max_side, const cs_image_budget *budget);

void cs_demo_image_free(cs_demo_image *img);


#endif
