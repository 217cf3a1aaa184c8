/* cs_image.h - decoding image files the user gives us (photos, scans, folders from the web),
 * with every size checked against a stated budget before anything is allocated.
 *
 * Formats, recognised by their first bytes (never by the file name):
 *   PNG   libpng: 1..16 bits, palette, gray, RGB, alpha, interlaced
 *   JPEG  libjpeg-turbo: baseline and progressive; gray, YCbCr, CMYK/YCCK (Adobe)
 *   BMP   stb_image (compiled into convscope) behind our own header, size and palette
 *         checks: uncompressed 1/4/8/24/32 bits and 16/32-bit bit fields
 *   GIF   giflib: the first frame, placed on its logical screen
 *   PNM   our own reader: PBM, PGM, PPM, plain (P1-P3) and raw (P4-P6), maxval up to 65535
 * Everything else (TGA, Radiance HDR, PSD, PIC, PAM, PFM, TIFF, WebP, HEIF/AVIF, ICO, ...)
 * is refused by name.
 *
 * Output: 8-bit samples, h rows of w pixels of c interleaved channels (c = 1 gray or 3
 * RGB, as asked), top row first. 16-bit samples keep their high byte (v >> 8), as the
 * formats store them big-endian; a PNM maxval other than 255 or 65535 is scaled as
 * round(v * 255 / maxval). Gray from colour is (77 R + 150 G + 29 B) >> 8. Transparent
 * pixels (alpha, a PNG tRNS entry, a GIF transparent index, the part of a GIF screen the
 * first frame does not cover) are composited onto white, as a page shows them. No gamma
 * or colour-profile conversion is applied.
 *
 * Errors: one line starting with the file name, saying what was expected and what was found,
 * with the byte offset where there is one. Truncated files, palette indices past the palette,
 * samples above maxval and files whose header claims more pixels than the budget are refused
 * (CS_ERR_FORMAT), the last before any pixel memory is allocated.
 */
#ifndef CS_IMAGE_H
#define CS_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

/* Default budgets: 67,108,864 pixels (8192 x 8192; a 64 MP photo) and 256 MiB of file. */
#define CS_IMAGE_MAX_PIXELS_DEFAULT ((uint64_t)1 << 26)
#define CS_IMAGE_MAX_FILE_BYTES_DEFAULT ((uint64_t)256 << 20)

typedef struct {
    uint64_t max_pixels;     /* width x height, from the header, before decoding; 0 = default */
    uint64_t max_file_bytes; /* size of the file read into memory; 0 = default */
} cs_image_budget;

typedef struct {
    int w, h;
    int c;                   /* 1 or 3, as asked */
    uint8_t *px;             /* (h, w, c), owned */
    int file_channels;       /* in the file: 1 gray, 2 gray + alpha, 3 colour, 4 colour + alpha */
    int file_bits;           /* bits per sample in the file (1, 2, 4, 8 or 16; 8 for JPEG) */
    const char *format;      /* "PNG", "JPEG", "BMP", "GIF", "PBM", "PGM" or "PPM"; static */
} cs_image;

/* "PNG, JPEG, BMP, GIF and PNM (PBM, PGM, PPM)" (static). */
const char *cs_image_formats(void);

/* The budget with zeros replaced by the defaults. b may be NULL (all defaults). */
cs_image_budget cs_image_budget_resolve(const cs_image_budget *b);

/* Decodes len bytes of an image file into img (initialised here; zeroed on failure, so
 * cs_image_free is always safe). name prefixes every message. c is 1 or 3. b may be NULL.
 * CS_ERR_FORMAT for anything wrong with the bytes, CS_ERR_NOMEM, CS_ERR_ARG for a bad c. */
cs_status cs_image_decode(cs_image *img, const void *data, size_t len, const char *name, int c,
                          const cs_image_budget *b);

/* Reads the file at path (at most b->max_file_bytes) and decodes it; messages name path.
 * CS_ERR_IO when it cannot be read. */
cs_status cs_image_read(cs_image *img, const char *path, int c, const cs_image_budget *b);

void cs_image_free(cs_image *img);

#endif
