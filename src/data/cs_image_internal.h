/* cs_image_internal.h - what the per-format decoders of cs_image share; not public API.
 *
 * Every decoder checks the header's dimensions with cs_image_check_size before it
 * allocates pixels, and returns a raw image: 8-bit samples, sc = 1 (gray), 2 (gray +
 * alpha), 3 (RGB) or 4 (RGBA) interleaved channels. cs_image_decode then converts it to
 * the channels asked for. */
#ifndef CS_IMAGE_INTERNAL_H
#define CS_IMAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

typedef struct {
    int w, h, sc;
    uint8_t *px;   /* (h, w, sc), owned (malloc) */
    int bits;      /* bits per sample in the file */
} cs_image_raw;

typedef struct {
    const char *name;     /* prefixes every message */
    uint64_t max_pixels;  /* the budget */
} cs_image_ctx;

/* Refuses an empty image, a side over 2^24, or more pixels than the budget, naming the
 * format, the size and the budget. */
cs_status cs_image_check_size(const cs_image_ctx *cx, const char *format, uint64_t w, uint64_t h);

/* Allocates raw->px for w x h x sc (after cs_image_check_size). */
cs_status cs_image_raw_alloc(const cs_image_ctx *cx, cs_image_raw *raw, int w, int h, int sc);

cs_status cs_image_decode_png(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw);
cs_status cs_image_decode_jpeg(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw);
cs_status cs_image_decode_gif(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw);
cs_status cs_image_decode_bmp(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw);
/* PBM, PGM, PPM; *format gets "PBM", "PGM" or "PPM". */
cs_status cs_image_decode_pnm(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw,
                              const char **format);

#endif
