/* cs_image_png.c - PNG through libpng: decoding from memory with the size checked after IHDR
 * and before any row is allocated, palette indices checked against the palette, truncation
 * reported with the byte offset; and writing convscope's own PNGs atomically.
 *
 * libpng's errors longjmp back here (its documented error model); nothing that owns memory
 * lives on the stack between setjmp and png_read_*, only in the `png_reader` struct. */
#include "cs_image_internal.h"
#include "cs_imageio.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Ancillary chunks (text, ICC profiles) may not allocate more than this, nor come in
 * larger numbers: they are metadata we do not use. */
#define PNG_CHUNK_MALLOC_MAX ((png_alloc_size_t)8 << 20)
#define PNG_CHUNK_CACHE_MAX 1000

typedef struct {
    const cs_image_ctx *cx;
    const uint8_t *p;
    size_t n, off;
    int truncated;        /* a read ran past the end */
    const char *stage;    /* what was being read, for the truncation message */
    char msg[256];        /* libpng's error text */
    uint8_t *indices;     /* palette images: the raw indices, (h, w), owned */
    png_bytep *rows;      /* owned */
} png_reader;

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_reader *r = png_get_error_ptr(png);
    snprintf(r->msg, sizeof r->msg, "%s", msg && *msg ? msg : "unknown libpng error");
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg) { (void)png, (void)msg; }

static void png_read_mem(png_structp png, png_bytep out, size_t n)
{
    png_reader *r = png_get_io_ptr(png);
    if (n > r->n - r->off) {
        r->truncated = 1;
        png_error(png, "unexpected end of file");
    }
    memcpy(out, r->p + r->off, n);
    r->off += n;
}

/* Expands palette indices (h, w) through PLTE and tRNS into RGB or RGBA, checking each. */
static cs_status png_apply_palette(png_reader *r, png_structp png, png_infop info, cs_image_raw *raw, int w, int h)
{
    png_colorp pal = NULL;
    int n_pal = 0;
    png_get_PLTE(png, info, &pal, &n_pal);
    png_bytep trans = NULL;
    int n_trans = 0;
    png_get_tRNS(png, info, &trans, &n_trans, NULL);
    if (!trans) n_trans = 0;
    const int sc = n_trans > 0 ? 4 : 3;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const int v = r->indices[(size_t)y * w + x];
            if (v >= n_pal)
                return cs_fail(CS_ERR_FORMAT, "%s: PNG pixel (%d, %d) uses palette index %d; the palette has %d "
                               "entr%s (0..%d)", r->cx->name, x, y, v, n_pal, n_pal == 1 ? "y" : "ies", n_pal - 1);
        }
    cs_status st = cs_image_raw_alloc(r->cx, raw, w, h, sc);
    if (st) return st;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        const int v = r->indices[i];
        uint8_t *d = raw->px + i * sc;
        d[0] = pal[v].red, d[1] = pal[v].green, d[2] = pal[v].blue;
        if (sc == 4) d[3] = v < n_trans ? trans[v] : 255;
    }
    return CS_OK;
}

/* Everything after setjmp: libpng errors longjmp out of here. */
static cs_status png_decode_body(png_reader *r, png_structp png, png_infop info, cs_image_raw *raw)
{
    r->stage = "the header";
    png_read_info(png, info);
    png_uint_32 w = 0, h = 0;
    int depth = 0, color = 0, interlace = 0;
    png_get_IHDR(png, info, &w, &h, &depth, &color, &interlace, NULL, NULL);
    cs_status st = cs_image_check_size(r->cx, "PNG", w, h);
    if (st) return st;
    const int palette = color == PNG_COLOR_TYPE_PALETTE;
    if (palette) {
        png_set_packing(png); /* one index per byte, not expanded: we check them */
    } else {
        png_set_expand(png);  /* gray < 8 bits to 8, tRNS to alpha */
        png_set_strip_16(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const size_t rowbytes = png_get_rowbytes(png, info);
    const int channels = png_get_channels(png, info);
    if (rowbytes != (size_t)w * (size_t)channels || channels < 1 || channels > 4)
        return cs_fail(CS_ERR_FORMAT, "%s: PNG rows of %zu bytes for %u pixels of %d channels (unexpected layout)",
                       r->cx->name, rowbytes, w, channels);
    uint8_t *dst;
    if (palette) {
        if (!(r->indices = malloc((size_t)w * h))) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", r->cx->name);
        dst = r->indices;
    } else {
        if ((st = cs_image_raw_alloc(r->cx, raw, (int)w, (int)h, channels))) return st;
        dst = raw->px;
    }
    if (!(r->rows = malloc((size_t)h * sizeof *r->rows))) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", r->cx->name);
    for (png_uint_32 y = 0; y < h; y++) r->rows[y] = dst + (size_t)y * rowbytes;
    r->stage = "the image data";
    png_read_image(png, r->rows);
    r->stage = "the chunks after the image data";
    png_read_end(png, NULL);
    raw->bits = depth;
    if (palette) return png_apply_palette(r, png, info, raw, (int)w, (int)h);
    return CS_OK;
}

/* Deflate's largest expansion (zlib's technical notes): no IDAT stream inflates further. */
#define DEFLATE_MAX_RATIO 1032u

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Walks the chunk list (length, type, data, CRC) up to IEND, so a file cut short is named
 * by the chunk it was cut in before libpng starts; and refuses an image whose IDAT chunks
 * are too small to inflate to the rows its header declares, before they are allocated. */
static cs_status png_walk_chunks(const cs_image_ctx *cx, const uint8_t *p, size_t n)
{
    size_t off = 8;
    char prev[5] = "";
    uint64_t idat = 0, need = 0;
    for (;;) {
        if (n - off < 8)
            return cs_fail(CS_ERR_FORMAT, "%s: truncated PNG: the file ends at byte %zu, %s%s%s, before the IEND "
                           "chunk that ends every PNG", cx->name, n, *prev ? "after the " : "right after the signature",
                           prev, *prev ? " chunk" : "");
        const uint32_t len = be32(p + off);
        char type[5];
        for (int i = 0; i < 4; i++) {
            const uint8_t ch = p[off + 4 + i];
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')))
                return cs_fail(CS_ERR_FORMAT, "%s: corrupt PNG: bad chunk type at byte %zu (expected four letters)",
                               cx->name, off + 4);
            type[i] = (char)ch;
        }
        type[4] = 0;
        if (len > 0x7fffffffu)
            return cs_fail(CS_ERR_FORMAT, "%s: corrupt PNG: %s chunk at byte %zu claims %u bytes (at most 2^31 - 1)",
                           cx->name, type, off, len);
        if ((uint64_t)len + 12 > n - off)
            return cs_fail(CS_ERR_FORMAT, "%s: truncated PNG: the file ends at byte %zu, inside the %s chunk at byte "
                           "%zu (%u data bytes and a CRC expected, %zu present)", cx->name, n, type, off, len,
                           n - off - 8);
        const uint8_t *d = p + off + 8;
        if (strcmp(type, "IHDR") == 0 && len == 13) {
            /* the filtered rows: a filter byte and ceil(width * bits per pixel / 8) bytes each */
            static const int channels[7] = {1, 0, 3, 1, 2, 0, 4};
            const uint64_t w = be32(d), h = be32(d + 4), bits = d[8], ct = d[9] < 7 ? channels[d[9]] : 0;
            /* the size said first: a huge header is over the budget, whatever its data holds */
            const cs_status size_st = cs_image_check_size(cx, "PNG", w, h);
            if (size_st) return size_st;
            need = h * (1 + (w * bits * ct + 7) / 8);
        }
        if (strcmp(type, "IDAT") == 0) idat += len;
        if (strcmp(type, "IEND") == 0) break;
        memcpy(prev, type, sizeof type);
        off += (size_t)len + 12;
    }
    if (need > idat * DEFLATE_MAX_RATIO + 1024)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated or corrupt PNG: its image data chunks hold %llu bytes, which "
                       "cannot inflate to the %llu bytes of rows its header declares", cx->name,
                       (unsigned long long)idat, (unsigned long long)need);
    return CS_OK;
}

cs_status cs_image_decode_png(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw)
{
    cs_status walk = png_walk_chunks(cx, p, n);
    if (walk) return walk;
    /* on the heap: its fields change between setjmp and a longjmp and are read after it */
    png_reader *r = calloc(1, sizeof *r);
    if (!r) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", cx->name);
    *r = (png_reader){.cx = cx, .p = p, .n = n, .stage = "the signature"};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, r, png_on_error, png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        free(r);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory starting libpng", cx->name);
    }
    volatile cs_status st = CS_OK;
    if (setjmp(png_jmpbuf(png))) {
        if (r->truncated)
            st = cs_fail(CS_ERR_FORMAT, "%s: truncated PNG: the file ends at byte %zu, inside %s", cx->name, r->n,
                         r->stage);
        else
            st = cs_fail(CS_ERR_FORMAT, "%s: corrupt PNG before byte %zu, in %s (libpng: %s)", cx->name, r->off,
                         r->stage, r->msg);
    } else {
        png_set_read_fn(png, r, png_read_mem);
        png_set_user_limits(png, 1u << 24, 1u << 24);
        png_set_chunk_malloc_max(png, PNG_CHUNK_MALLOC_MAX);
        png_set_chunk_cache_max(png, PNG_CHUNK_CACHE_MAX);
        st = png_decode_body(r, png, info, raw);
    }
    png_destroy_read_struct(&png, &info, NULL);
    free(r->indices);
    free(r->rows);
    free(r);
    if (st) {
        free(raw->px);
        memset(raw, 0, sizeof *raw);
    }
    return st;
}

/* ---- writing ----------------------------------------------------------------------------------- */

typedef struct {
    char msg[256];
    png_bytep *rows;
} png_writer;

static void png_on_write_error(png_structp png, png_const_charp msg)
{
    png_writer *wr = png_get_error_ptr(png);
    snprintf(wr->msg, sizeof wr->msg, "%s", msg && *msg ? msg : "unknown libpng error");
    png_longjmp(png, 1);
}

/* Writes the PNG to the open file f; CS_OK or a status with the message set. */
static cs_status png_write_file(FILE *f, const char *path, const uint8_t *rgb, int w, int h)
{
    png_writer wr = {{0}, malloc((size_t)h * sizeof(png_bytep))};
    png_structp png = wr.rows ? png_create_write_struct(PNG_LIBPNG_VER_STRING, &wr, png_on_write_error,
                                                        png_on_warning) : NULL;
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        free(wr.rows);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory starting libpng", path);
    }
    for (int y = 0; y < h; y++) wr.rows[y] = (png_bytep)(rgb + (size_t)y * w * 3);
    volatile cs_status st = CS_OK;
    if (setjmp(png_jmpbuf(png))) {
        st = cs_fail(CS_ERR_IO, "%s: writing the PNG failed (libpng: %s)", path, wr.msg);
    } else {
        png_init_io(png, f);
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_set_rows(png, info, wr.rows);
        png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    }
    png_destroy_write_struct(&png, &info);
    free(wr.rows);
    return st;
}

cs_status cs_image_write_png(const char *path, const uint8_t *rgb, int w, int h)
{
    if (w <= 0 || h <= 0 || w > (1 << 24) || h > (1 << 24))
        return cs_fail(CS_ERR_ARG, "%s: cannot write a %dx%d image", path, w, h);
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return cs_fail(CS_ERR_ARG, "%s: path too long", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return cs_fail(CS_ERR_IO, "%s: cannot create the PNG (%s)", path, strerror(errno));
    cs_status st = png_write_file(f, path, rgb, w, h);
    if (!st && fflush(f) != 0) st = cs_fail(CS_ERR_IO, "%s: writing the PNG failed (%s)", path, strerror(errno));
    if (fclose(f) != 0 && !st) st = cs_fail(CS_ERR_IO, "%s: writing the PNG failed (%s)", path, strerror(errno));
    if (!st && rename(tmp, path) != 0)
        st = cs_fail(CS_ERR_IO, "%s: cannot rename %s over it (%s)", path, tmp, strerror(errno));
    if (st) remove(tmp);
    return st;
}
