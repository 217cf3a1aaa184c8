/* cs_imageio.h - image files for exports and probes: PNG writing (libpng), animated GIF
 * writing (giflib), and loading one image file as a net input (cs_image).
 *
 * The writers take packed RGB bytes (row-major, 3 bytes per pixel) that the caller has
 * already coloured (through cs_colormap), so exports look like the window. */
#ifndef CS_IMAGEIO_H
#define CS_IMAGEIO_H

#include <stdint.h>

#include "cs_dataset.h"
#include "cs_error.h"
#include "cs_image.h"

/* Writes rgb (h, w, 3) as an 8-bit RGB PNG, atomically (PATH.tmp.PID renamed over path).
 * CS_ERR_IO naming path on failure, with nothing left behind. */
cs_status cs_image_write_png(const char *path, const uint8_t *rgb, int w, int h);

/* Writes n_frames frames (n_frames, h, w, 3), contiguous, as a looping animated GIF with
 * delay_cs hundredths of a second per frame. The palette is exact when the frames use at
 * most 256 colours together (a colormap plus a background does, nearly always), and a
 * shared median-cut palette otherwise. w and h in 1..65535. Written atomically, as PNGs are. */
cs_status cs_image_write_gif(const char *path, const uint8_t *frames, int n_frames, int w, int h, int delay_cs);

/* Loads an image file (the formats of cs_image.h) as a dataset of one image of c x h x w
 * (c 1 or 3, converted as cs_image does; resized bilinearly), label 0, named after the
 * file, within the default image budget. out is initialised here; the caller frees it with
 * cs_dataset_free. */
cs_status cs_image_load_as_dataset(const char *path, int c, int h, int w, cs_dataset *out);
/* The same within budget (NULL: the defaults of cs_image.h). */
cs_status cs_image_load_as_dataset_budget(const char *path, int c, int h, int w, const cs_image_budget *budget,
                                          cs_dataset *out);

/* What the file held before the conversion, for saying how it was converted. */
typedef struct {
    int w, h;           /* the file's size in pixels */
    int file_channels;  /* 1 gray, 2 gray + alpha, 3 colour, 4 colour + alpha */
    const char *format; /* "PNG", "JPEG", ...; static */
} cs_image_info;

/* cs_image_load_as_dataset_budget that also fills info (may be NULL). */
cs_status cs_image_load_as_dataset_info(const char *path, int c, int h, int w, const cs_image_budget *budget,
                                        cs_dataset *out, cs_image_info *info);

#endif
