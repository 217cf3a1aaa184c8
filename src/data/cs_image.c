/* cs_image.c - image file decoding: format recognition by the first bytes, the pixel and
 * file budgets, conversion to gray or RGB, our own PNM reader, and BMP through stb_image
 * behind our own header, size and palette checks (see cs_image.h).
 *
 * PNM follows the Netpbm specifications (netpbm.sourceforge.net/doc/pbm.html, pgm.html,
 * ppm.html); BMP the BITMAPINFOHEADER family of Microsoft's documentation. */
#include "cs_file.h"
#include "cs_image.h"
#include "cs_image_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cs_stb.h"

/* Larger sides are a corrupt header whatever the budget (and keep w * 4 in an int). */
#define MAX_SIDE ((uint64_t)1 << 24)

const char *cs_image_formats(void) { return "PNG, JPEG, BMP, GIF and PNM (PBM, PGM, PPM)"; }

cs_image_budget cs_image_budget_resolve(const cs_image_budget *b)
{
    cs_image_budget r = {CS_IMAGE_MAX_PIXELS_DEFAULT, CS_IMAGE_MAX_FILE_BYTES_DEFAULT};
    if (b && b->max_pixels) r.max_pixels = b->max_pixels;
    if (b && b->max_file_bytes) r.max_file_bytes = b->max_file_bytes;
    return r;
}

cs_status cs_image_check_size(const cs_image_ctx *cx, const char *format, uint64_t w, uint64_t h)
{
    if (w == 0 || h == 0)
        return cs_fail(CS_ERR_FORMAT, "%s: %s header gives an empty image (%llux%llu); expected at least 1x1",
                       cx->name, format, (unsigned long long)w, (unsigned long long)h);
    if (w > MAX_SIDE || h > MAX_SIDE)
        return cs_fail(CS_ERR_FORMAT, "%s: %s header gives %llux%llu pixels; expected sides up to %llu (corrupt "
                       "header?)", cx->name, format, (unsigned long long)w, (unsigned long long)h,
                       (unsigned long long)MAX_SIDE);
    if (w * h > cx->max_pixels)
        return cs_fail(CS_ERR_FORMAT, "%s: %s of %llux%llu = %llu pixels is over the image budget of %llu pixels; "
                       "refused before decoding", cx->name, format, (unsigned long long)w, (unsigned long long)h,
                       (unsigned long long)(w * h), (unsigned long long)cx->max_pixels);
    return CS_OK;
}

cs_status cs_image_raw_alloc(const cs_image_ctx *cx, cs_image_raw *raw, int w, int h, int sc)
{
    raw->px = malloc((size_t)w * (size_t)h * (size_t)sc);
    if (!raw->px) return cs_fail(CS_ERR_NOMEM, "%s: out of memory for %dx%d pixels", cx->name, w, h);
    raw->w = w, raw->h = h, raw->sc = sc;
    return CS_OK;
}

/* ---- conversion ---------------------------------------------------------------------------- */

static uint8_t luma(unsigned r, unsigned g, unsigned b) { return (uint8_t)((r * 77 + g * 150 + b * 29) >> 8); }

/* v over white with alpha a. */
static uint8_t over_white(unsigned v, unsigned a) { return (uint8_t)((v * a + 255u * (255u - a) + 127u) / 255u); }

/* (n pixels of sc channels) -> (n pixels of c channels). */
static void convert(uint8_t *dst, int c, const uint8_t *src, int sc, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const uint8_t *s = src + i * (size_t)sc;
        unsigned r, g, b;
        if (sc <= 2) r = g = b = s[0];
        else r = s[0], g = s[1], b = s[2];
        if (sc == 2 || sc == 4) {
            const unsigned a = s[sc - 1];
            r = over_white(r, a), g = over_white(g, a), b = over_white(b, a);
        }
        uint8_t *d = dst + i * (size_t)c;
        if (c == 1) d[0] = sc <= 2 ? (uint8_t)r : luma(r, g, b);
        else d[0] = (uint8_t)r, d[1] = (uint8_t)g, d[2] = (uint8_t)b;
    }
}

/* ---- PNM ----------------------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n, off;
} cursor;

static bool pnm_space(uint8_t ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f'; }

/* Skips whitespace and '#' comments (a comment runs to the end of its line). */
static void pnm_skip(cursor *cu)
{
    while (cu->off < cu->n) {
        if (pnm_space(cu->p[cu->off])) cu->off++;
        else if (cu->p[cu->off] == '#')
            while (cu->off < cu->n && cu->p[cu->off] != '\n' && cu->p[cu->off] != '\r') cu->off++;
        else break;
    }
}

/* A decimal number in 0..hi after whitespace. what names it in messages. */
static cs_status pnm_number(const cs_image_ctx *cx, const char *fmt, cursor *cu, const char *what, uint64_t hi,
                            uint64_t *out)
{
    pnm_skip(cu);
    const size_t at = cu->off;
    if (at >= cu->n)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated %s: the file ends at byte %zu where the %s was expected",
                       cx->name, fmt, at, what);
    uint64_t v = 0;
    while (cu->off < cu->n && cu->p[cu->off] >= '0' && cu->p[cu->off] <= '9') {
        v = v * 10 + (uint64_t)(cu->p[cu->off] - '0');
        if (v > hi)
            return cs_fail(CS_ERR_FORMAT, "%s: %s %s at byte %zu is out of range (expected 0..%llu)", cx->name, fmt,
                           what, at, (unsigned long long)hi);
        cu->off++;
    }
    if (cu->off == at) {
        const uint8_t ch = cu->p[at];
        return cs_fail(CS_ERR_FORMAT, "%s: %s %s expected at byte %zu, found %s0x%02x%s", cx->name, fmt, what, at,
                       ch >= 0x20 && ch < 0x7f ? "'" : "", ch, ch >= 0x20 && ch < 0x7f ? "'" : "");
    }
    *out = v;
    return CS_OK;
}

/* The samples of a plain (ASCII) PNM: P1 digits (one character each, 1 = black) or
 * decimal numbers up to maxval. */
static cs_status pnm_plain(const cs_image_ctx *cx, const char *fmt, cursor *cu, int kind, uint64_t maxval,
                           uint16_t *samples, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (kind == 1) {
            pnm_skip(cu);
            if (cu->off >= cu->n)
                return cs_fail(CS_ERR_FORMAT, "%s: truncated PBM: %zu of %zu pixels before the end at byte %zu",
                               cx->name, i, count, cu->off);
            const uint8_t ch = cu->p[cu->off];
            if (ch != '0' && ch != '1')
                return cs_fail(CS_ERR_FORMAT, "%s: PBM pixel %zu at byte %zu is 0x%02x (expected '0' or '1')",
                               cx->name, i, cu->off, ch);
            samples[i] = ch == '1' ? 0 : 1; /* 1 is black */
            cu->off++;
        } else {
            pnm_skip(cu);
            if (cu->off >= cu->n)
                return cs_fail(CS_ERR_FORMAT, "%s: truncated %s: %zu of %zu samples before the end at byte %zu",
                               cx->name, fmt, i, count, cu->off);
            uint64_t v;
            const size_t at = cu->off;
            cs_status st = pnm_number(cx, fmt, cu, "sample", 65535, &v);
            if (st) return st;
            /* a number the file ends in may have been cut ("255" to "2"): a sample ends in
             * whitespace, as every writer ends its lines */
            if (cu->off >= cu->n)
                return cs_fail(CS_ERR_FORMAT, "%s: truncated %s: the file ends at byte %zu inside or right after "
                               "sample %zu (expected whitespace after every sample)", cx->name, fmt, cu->n, i);
            if (v > maxval)
                return cs_fail(CS_ERR_FORMAT, "%s: %s sample %zu at byte %zu is %llu, above the maxval %llu", cx->name,
                               fmt, i, at, (unsigned long long)v, (unsigned long long)maxval);
            samples[i] = (uint16_t)v;
        }
    }
    return CS_OK;
}

/* The samples of a raw PNM: P4 bits (rows padded to bytes), or one byte (maxval < 256) or
 * two big-endian bytes per sample. */
static cs_status pnm_raw(const cs_image_ctx *cx, const char *fmt, cursor *cu, int kind, uint64_t maxval, int w,
                         int h, int per_pixel, uint16_t *samples)
{
    const size_t count = (size_t)w * (size_t)h * (size_t)per_pixel;
    const size_t row_bytes = kind == 4 ? ((size_t)w + 7) / 8 : (size_t)w * (size_t)per_pixel * (maxval > 255 ? 2 : 1);
    const size_t need = row_bytes * (size_t)h, have = cu->n - cu->off;
    if (have < need)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated %s: %zu bytes of pixel data from byte %zu, expected %zu for "
                       "%dx%d (cut in row %zu of %d)", cx->name, fmt, have, cu->off, need, w, h,
                       have / row_bytes + 1, h);
    const uint8_t *p = cu->p + cu->off;
    if (kind == 4) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                samples[(size_t)y * w + x] = (p[(size_t)y * row_bytes + x / 8] >> (7 - x % 8)) & 1 ? 0 : 1;
        return CS_OK;
    }
    for (size_t i = 0; i < count; i++) {
        const uint16_t v = maxval > 255 ? (uint16_t)(p[2 * i] << 8 | p[2 * i + 1]) : p[i];
        if (v > maxval)
            return cs_fail(CS_ERR_FORMAT, "%s: %s sample %zu at byte %zu is %u, above the maxval %llu", cx->name, fmt,
                           i, cu->off + (maxval > 255 ? 2 * i : i), v, (unsigned long long)maxval);
        samples[i] = v;
    }
    return CS_OK;
}

cs_status cs_image_decode_pnm(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw,
                              const char **format)
{
    const int kind = p[1] - '0'; /* 1..6, checked by the caller */
    const char *fmt = kind == 1 || kind == 4 ? "PBM" : kind == 2 || kind == 5 ? "PGM" : "PPM";
    *format = fmt;
    const int per_pixel = kind == 3 || kind == 6 ? 3 : 1;
    cursor cu = {p, n, 2};
    uint64_t w, h, maxval = 1;
    cs_status st;
    if ((st = pnm_number(cx, fmt, &cu, "width", MAX_SIDE, &w)) || (st = pnm_number(cx, fmt, &cu, "height", MAX_SIDE, &h)))
        return st;
    if (kind != 1 && kind != 4) {
        if ((st = pnm_number(cx, fmt, &cu, "maxval", 65535, &maxval))) return st;
        if (maxval == 0) return cs_fail(CS_ERR_FORMAT, "%s: %s maxval is 0 (expected 1..65535)", cx->name, fmt);
    }
    if ((st = cs_image_check_size(cx, fmt, w, h))) return st;
    if (kind >= 4) {
        /* exactly one whitespace character separates the header from the raster */
        if (cu.off >= n)
            return cs_fail(CS_ERR_FORMAT, "%s: truncated %s: the file ends at byte %zu, after the header", cx->name,
                           fmt, cu.off);
        if (!pnm_space(p[cu.off]))
            return cs_fail(CS_ERR_FORMAT, "%s: %s header ends at byte %zu with 0x%02x (expected a whitespace "
                           "character)", cx->name, fmt, cu.off, p[cu.off]);
        cu.off++;
    }
    const size_t count = (size_t)w * (size_t)h * (size_t)per_pixel;
    uint16_t *samples = malloc(count * sizeof *samples);
    if (!samples) return cs_fail(CS_ERR_NOMEM, "%s: out of memory for %llux%llu pixels", cx->name,
                                 (unsigned long long)w, (unsigned long long)h);
    st = kind <= 3 ? pnm_plain(cx, fmt, &cu, kind, maxval, samples, count)
                   : pnm_raw(cx, fmt, &cu, kind, maxval, (int)w, (int)h, per_pixel, samples);
    if (!st) st = cs_image_raw_alloc(cx, raw, (int)w, (int)h, per_pixel);
    if (!st) {
        for (size_t i = 0; i < count; i++) {
            const unsigned v = samples[i];
            raw->px[i] = maxval == 255 ? (uint8_t)v
                         : maxval == 65535 ? (uint8_t)(v >> 8)
                                           : (uint8_t)((v * 255u + (unsigned)maxval / 2) / (unsigned)maxval);
        }
        raw->bits = kind == 1 || kind == 4 ? 1 : maxval > 255 ? 16 : 8;
    }
    free(samples);
    return st;
}

/* ---- BMP (decoded by stb_image after these checks) ------------------------------------------- */

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

/* Every palette index of an 1/4/8-bit BMP must name a palette entry: stb_image would read
 * the unset entries past the palette. */
static cs_status bmp_check_indices(const cs_image_ctx *cx, const uint8_t *p, size_t offset, size_t stride, int w,
                                   int h, int bpp, int psize, bool top_down)
{
    for (int row = 0; row < h; row++) {
        const uint8_t *r = p + offset + (size_t)row * stride;
        for (int x = 0; x < w; x++) {
            int v;
            if (bpp == 8) v = r[x];
            else if (bpp == 4) v = (r[x / 2] >> (x % 2 ? 0 : 4)) & 15;
            else v = (r[x / 8] >> (7 - x % 8)) & 1;
            if (v >= psize)
                return cs_fail(CS_ERR_FORMAT, "%s: BMP pixel (%d, %d) uses palette index %d; the palette has %d "
                               "entr%s (0..%d)", cx->name, x, top_down ? row : h - 1 - row, v, psize,
                               psize == 1 ? "y" : "ies", psize - 1);
        }
    }
    return CS_OK;
}

cs_status cs_image_decode_bmp(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw)
{
    if (n < 18)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated BMP: %zu bytes, shorter than its 14-byte file header and the "
                       "info header size", cx->name, n);
    const uint32_t offset = le32(p + 10), hsz = le32(p + 14);
    if (hsz != 12 && hsz != 40 && hsz != 56 && hsz != 108 && hsz != 124)
        return cs_fail(CS_ERR_FORMAT, "%s: BMP info header of %u bytes (expected 12, 40, 56, 108 or 124)", cx->name,
                       hsz);
    if (n < 14 + (size_t)hsz)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated BMP: %zu bytes, the headers need %u", cx->name, n, 14 + hsz);
    const uint8_t *ih = p + 14;
    const int64_t w = hsz == 12 ? (int64_t)le16(ih + 4) : (int64_t)(int32_t)le32(ih + 4);
    const int64_t hs = hsz == 12 ? (int64_t)le16(ih + 6) : (int64_t)(int32_t)le32(ih + 8);
    const uint32_t planes = le16(ih + (hsz == 12 ? 8 : 12)), bpp = le16(ih + (hsz == 12 ? 10 : 14));
    const uint32_t compress = hsz == 12 ? 0 : le32(ih + 16);
    const bool top_down = hs < 0;
    const int64_t h = hs < 0 ? -hs : hs;
    if (w <= 0 || h == 0)
        return cs_fail(CS_ERR_FORMAT, "%s: BMP header gives %lldx%lld pixels (expected a positive width and a "
                       "non-zero height)", cx->name, (long long)w, (long long)hs);
    if (planes != 1) return cs_fail(CS_ERR_FORMAT, "%s: BMP has %u planes (expected 1)", cx->name, planes);
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        return cs_fail(CS_ERR_FORMAT, "%s: BMP with %u bits per pixel (expected 1, 4, 8, 16, 24 or 32)", cx->name,
                       bpp);
    if (compress == 1 || compress == 2)
        return cs_fail(CS_ERR_FORMAT, "%s: run-length encoded BMP (RLE%d) is not supported; save it uncompressed",
                       cx->name, compress == 1 ? 8 : 4);
    if (compress != 0 && !(compress == 3 && (bpp == 16 || bpp == 32)))
        return cs_fail(CS_ERR_FORMAT, "%s: BMP compression %u with %u bits per pixel is not supported (expected none, "
                       "or bit fields with 16 or 32 bits)", cx->name, compress, bpp);
    cs_status st = cs_image_check_size(cx, "BMP", (uint64_t)w, (uint64_t)h);
    if (st) return st;

    /* Where stb_image expects the pixels: after the headers, the bit-field masks of a 40- or
     * 56-byte header and the palette (its size is what lies between them and the pixels). */
    const size_t masks = (hsz == 40 || hsz == 56) && compress == 3 ? 12 : 0;
    const size_t header_end = 14 + (size_t)hsz + masks, entry = hsz == 12 ? 3 : 4;
    int psize = 0;
    if (bpp < 16) {
        if (hsz == 12)
            return cs_fail(CS_ERR_FORMAT, "%s: OS/2 1.x bitmap (12-byte header) with a palette is not supported; "
                           "save it as a Windows BMP", cx->name);
        if (offset < header_end + entry || (offset - header_end) / entry > 256)
            return cs_fail(CS_ERR_FORMAT, "%s: BMP pixel data at byte %u leaves room for %lld palette entries "
                           "(expected 1..256 of %zu bytes after byte %zu)", cx->name, offset,
                           offset < header_end ? 0LL : (long long)((offset - header_end) / entry), entry, header_end);
        psize = (int)((offset - header_end) / entry);
    } else if (offset != header_end)
        return cs_fail(CS_ERR_FORMAT, "%s: BMP pixel data at byte %u (expected right after the headers, at byte %zu)",
                       cx->name, offset, header_end);
    const size_t row = bpp == 1 ? ((size_t)w + 7) / 8 : bpp == 4 ? ((size_t)w + 1) / 2 : (size_t)w * (bpp / 8);
    const size_t stride = (row + 3) & ~(size_t)3;
    const uint64_t need = (uint64_t)offset + (uint64_t)stride * (uint64_t)(h - 1) + row;
    if (need > n)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated BMP: %zu bytes, expected %llu for %lldx%lld at %u bits per "
                       "pixel (cut in row %llu of %lld)", cx->name, n, (unsigned long long)need, (long long)w,
                       (long long)h, bpp, n <= offset ? 1ULL : (unsigned long long)((n - offset) / stride + 1),
                       (long long)h);
    if (bpp < 16 && (st = bmp_check_indices(cx, p, offset, stride, (int)w, (int)h, (int)bpp, psize, top_down)))
        return st;

    int iw = 0, ih2 = 0, comp = 0;
    uint8_t *px = cs_stb_load_bmp(p, n, &iw, &ih2, &comp);
    if (!px)
        return cs_fail(CS_ERR_FORMAT, "%s: BMP cannot be decoded (stb_image: %s)", cx->name, cs_stb_failure_reason());
    if (iw != (int)w || ih2 != (int)h || (comp != 3 && comp != 4)) {
        free(px);
        return cs_fail(CS_ERR_FORMAT, "%s: BMP decoded as %dx%dx%d, its header says %lldx%lld", cx->name, iw, ih2,
                       comp, (long long)w, (long long)h);
    }
    /* cs_stb.c makes stb_image allocate with malloc, so the buffer is ours to free */
    raw->px = px, raw->w = iw, raw->h = ih2, raw->sc = comp;
    raw->bits = bpp >= 24 ? 8 : (int)bpp;
    return CS_OK;
}

/* ---- recognition and the public entry points ------------------------------------------------- */

typedef enum { FMT_NONE, FMT_PNG, FMT_JPEG, FMT_BMP, FMT_GIF, FMT_PNM } image_format;

static bool starts(const uint8_t *p, size_t n, const char *magic, size_t m) { return n >= m && memcmp(p, magic, m) == 0; }

/* Names a format we refuse, from its magic bytes or (TGA has none) its file name; NULL if
 * the bytes are nothing we know. */
static const char *refused_format(const uint8_t *p, size_t n, const char *name)
{
    if (starts(p, n, "#?RADIANCE", 10) || starts(p, n, "#?RGBE", 6)) return "Radiance HDR";
    if (starts(p, n, "8BPS", 4)) return "Photoshop PSD";
    if (starts(p, n, "\x53\x80\xF6\x34", 4)) return "Softimage PIC";
    if (starts(p, n, "P7", 2)) return "PAM (P7)";
    if (starts(p, n, "PF", 2) || starts(p, n, "Pf", 2)) return "PFM (floating-point PNM)";
    if (starts(p, n, "II*\0", 4) || starts(p, n, "MM\0*", 4)) return "TIFF";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) return "WebP";
    if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0) return "HEIF/AVIF (or another ISO media file)";
    if (starts(p, n, "\0\0\1\0", 4)) return "Windows icon (ICO)";
    if (starts(p, n, "\0\0\0\x0cjP  ", 8) || starts(p, n, "\xff\x4f\xff\x51", 4)) return "JPEG 2000";
    if (starts(p, n, "qoif", 4)) return "QOI";
    if (starts(p, n, "\x76\x2f\x31\x01", 4)) return "OpenEXR";
    if (starts(p, n, "gimp xcf", 8)) return "GIMP XCF";
    if (starts(p, n, "%PDF", 4)) return "PDF";
    if (n >= 26 && memcmp(p + n - 18, "TRUEVISION-XFILE.", 17) == 0) return "TGA";
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (dot && (strcasecmp(dot, ".tga") == 0 || strcasecmp(dot, ".targa") == 0 || strcasecmp(dot, ".icb") == 0 ||
                strcasecmp(dot, ".vda") == 0 || strcasecmp(dot, ".vst") == 0))
        return "TGA";
    if (dot && strcasecmp(dot, ".hdr") == 0) return "Radiance HDR";
    if (dot && strcasecmp(dot, ".pic") == 0) return "PIC";
    return NULL;
}

static image_format sniff(const uint8_t *p, size_t n)
{
    if (starts(p, n, "\x89PNG\r\n\x1a\n", 8)) return FMT_PNG;
    if (starts(p, n, "\xff\xd8\xff", 3)) return FMT_JPEG;
    if (starts(p, n, "GIF87a", 6) || starts(p, n, "GIF89a", 6)) return FMT_GIF;
    if (starts(p, n, "BM", 2)) return FMT_BMP;
    if (n >= 3 && p[0] == 'P' && p[1] >= '1' && p[1] <= '6' && (pnm_space(p[2]) || p[2] == '#')) return FMT_PNM;
    return FMT_NONE;
}

static cs_status unknown_format(const char *name, const uint8_t *p, size_t n)
{
    const char *refused = refused_format(p, n, name);
    if (refused)
        return cs_fail(CS_ERR_FORMAT, "%s: %s images are not supported (expected %s)", name, refused,
                       cs_image_formats());
    if (n == 0) return cs_fail(CS_ERR_FORMAT, "%s: empty file (0 bytes), expected an image", name);
    char hex[3 * 8 + 1] = "";
    for (size_t i = 0, at = 0; i < n && i < 8; i++) at += (size_t)snprintf(hex + at, sizeof hex - at, "%s%02x", i ? " " : "", p[i]);
    /* the whole file is the start of a signature */
    static const struct {
        const char *magic, *format;
        size_t len;
    } sigs[] = {{"\x89PNG\r\n\x1a\n", "PNG", 8}, {"\xff\xd8\xff", "JPEG", 3}, {"GIF89a", "GIF", 6}, {"GIF87a", "GIF", 6}};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (n < sigs[i].len && memcmp(p, sigs[i].magic, n) == 0)
            return cs_fail(CS_ERR_FORMAT, "%s: truncated %s: %zu bytes, cut inside its %zu-byte signature", name,
                           sigs[i].format, n, sigs[i].len);
    return cs_fail(CS_ERR_FORMAT, "%s: not an image convscope reads: expected %s, found a file starting with %s", name,
                   cs_image_formats(), hex);
}

void cs_image_free(cs_image *img)
{
    free(img->px);
    memset(img, 0, sizeof *img);
}

cs_status cs_image_decode(cs_image *img, const void *data, size_t len, const char *name, int c,
                          const cs_image_budget *b)
{
    memset(img, 0, sizeof *img);
    if (!name) name = "image";
    if (c != 1 && c != 3) return cs_fail(CS_ERR_ARG, "%s: %d channels asked (expected 1 or 3)", name, c);
    const cs_image_budget bud = cs_image_budget_resolve(b);
    const cs_image_ctx cx = {name, bud.max_pixels};
    const uint8_t *p = data;
    cs_image_raw raw = {0};
    const char *format = NULL;
    cs_status st;
    switch (sniff(p, len)) {
    case FMT_PNG: st = cs_image_decode_png(&cx, p, len, &raw), format = "PNG"; break;
    case FMT_JPEG: st = cs_image_decode_jpeg(&cx, p, len, &raw), format = "JPEG"; break;
    case FMT_GIF: st = cs_image_decode_gif(&cx, p, len, &raw), format = "GIF"; break;
    case FMT_BMP: st = cs_image_decode_bmp(&cx, p, len, &raw), format = "BMP"; break;
    case FMT_PNM: st = cs_image_decode_pnm(&cx, p, len, &raw, &format); break;
    default: return unknown_format(name, p, len);
    }
    if (st) {
        free(raw.px);
        return st;
    }
    const size_t n = (size_t)raw.w * (size_t)raw.h;
    if (raw.sc == c) {
        img->px = raw.px;
    } else {
        img->px = malloc(n * (size_t)c);
        if (!img->px) {
            free(raw.px);
            return cs_fail(CS_ERR_NOMEM, "%s: out of memory for %dx%d pixels", name, raw.w, raw.h);
        }
        convert(img->px, c, raw.px, raw.sc, n);
        free(raw.px);
    }
    img->w = raw.w, img->h = raw.h, img->c = c;
    img->file_channels = raw.sc, img->file_bits = raw.bits;
    img->format = format;
    return CS_OK;
}

cs_status cs_image_read(cs_image *img, const char *path, int c, const cs_image_budget *b)
{
    memset(img, 0, sizeof *img);
    const cs_image_budget bud = cs_image_budget_resolve(b);
    FILE *f;
    long long file_size;
    const cs_status ost = cs_file_open_read(path, "image", &f, &file_size);
    if (ost) return ost;
    const struct stat sb = {.st_size = (off_t)file_size};
    if ((uint64_t)sb.st_size > bud.max_file_bytes) {
        fclose(f);
        return cs_fail(CS_ERR_FORMAT, "%s: %lld bytes is over the image file budget of %llu bytes", path,
                       (long long)sb.st_size, (unsigned long long)bud.max_file_bytes);
    }
    const size_t n = (size_t)sb.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) {
        fclose(f);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory for %zu bytes", path, n);
    }
    const size_t got = fread(buf, 1, n, f);
    const int err = ferror(f);
    fclose(f);
    if (err || got != n) {
        free(buf);
        return cs_fail(CS_ERR_IO, "%s: read %zu of %zu bytes%s", path, got, n, err ? " (read error)" : "");
    }
    const cs_status st = cs_image_decode(img, buf, n, path, c, b);
    free(buf);
    return st;
}
