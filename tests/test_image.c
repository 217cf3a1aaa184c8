/* test_image.c - image decoding (cs_image): every format's pixels against hand-computed
 * values, 16-bit samples, palettes and their bounds, alpha over white, refused formats by
 * name, the pixel budget, and the property that matters most for untrusted files: any prefix
 * of a valid file either is refused with a reason or decodes to exactly the pixels of the
 * whole file (never garbage). Every file is written here, in memory, with libpng, libjpeg,
 * giflib or by hand from the format's specification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gif_lib.h>
#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#include "cs_image.h"

/* ---- a growable byte buffer and writers --------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void put_str(buf *b, const char *s) { put(b, s, strlen(s)); }

static void png_put(png_structp png, png_bytep data, size_t n) { put(png_get_io_ptr(png), data, n); }
static void png_flush(png_structp png) { (void)png; }

/* A PNG of color type ct and depth, rows from row(y, out), optional palette and tRNS. */
static buf make_png(int w, int h, int ct, int depth, int interlace, const png_color *pal, int n_pal,
                    const png_byte *trns, int n_trns, void (*row)(int y, uint8_t *out, int w))
{
    buf b = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(info);
    png_set_write_fn(png, &b, png_put, png_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, ct, interlace ? PNG_INTERLACE_ADAM7 : 0, 0, 0);
    if (pal) png_set_PLTE(png, info, pal, n_pal);
    if (trns) png_set_tRNS(png, info, trns, n_trns, NULL);
    png_write_info(png, info);
    const int passes = interlace ? png_set_interlace_handling(png) : 1;
    uint8_t *r = malloc((size_t)w * 8);
    for (int p = 0; p < passes; p++)
        for (int y = 0; y < h; y++) {
            row(y, r, w);
            png_write_row(png, r);
        }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(r);
    return b;
}

static void chunk(buf *b, const char *type, const uint8_t *data, uint32_t n)
{
    const uint8_t len[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    put(b, len, 4);
    put(b, type, 4);
    if (n) put(b, data, n);
    uLong crc = crc32(crc32(0, (const Bytef *)type, 4), data, n);
    const uint8_t c[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
    put(b, c, 4);
}

/* An 8-bit palette PNG written by hand (libpng refuses to write indices past the palette). */
static buf make_png_palette_raw(int w, int h, const uint8_t *rgb, int n_pal, void (*row)(int y, uint8_t *out, int w))
{
    buf b = {0};
    put(&b, "\x89PNG\r\n\x1a\n", 8);
    const uint8_t ihdr[13] = {0, 0, 0, (uint8_t)w, 0, 0, 0, (uint8_t)h, 8, 3, 0, 0, 0};
    chunk(&b, "IHDR", ihdr, 13);
    chunk(&b, "PLTE", rgb, (uint32_t)(3 * n_pal));
    uint8_t raw[1024];
    size_t n = 0;
    for (int y = 0; y < h; y++) {
        raw[n++] = 0; /* filter: none */
        row(y, raw + n, w);
        n += (size_t)w;
    }
    uint8_t z[2048];
    uLongf zn = sizeof z;
    assert_int_equal(compress(z, &zn, raw, n), Z_OK);
    chunk(&b, "IDAT", z, (uint32_t)zn);
    chunk(&b, "IEND", (const uint8_t *)"", 0);
    return b;
}

/* A JPEG of comps components (1 gray, 3 RGB) at the given quality, from pixel(x, y, c). */
static buf make_jpeg(int w, int h, int comps, int quality, int progressive, uint8_t (*pixel)(int, int, int))
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    unsigned char *mem = NULL;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &mem, &size);
    c.image_width = (JDIMENSION)w, c.image_height = (JDIMENSION)h, c.input_components = comps;
    c.in_color_space = comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    if (progressive) jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    uint8_t *row = malloc((size_t)w * comps);
    while (c.next_scanline < c.image_height) {
        for (int x = 0; x < w; x++)
            for (int k = 0; k < comps; k++) row[x * comps + k] = pixel(x, (int)c.next_scanline, k);
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    buf b = {0};
    put(&b, mem, size);
    free(mem);
    free(row);
    return b;
}

static int gif_put(GifFileType *gif, const GifByteType *data, int n)
{
    put(gif->UserData, data, (size_t)n);
    return n;
}

/* A GIF: a W x H screen, one frame of fw x fh at (left, top), 4 colours (black, red, blue,
 * white), transparent index `transparent` (-1 none), index of pixel (x, y) = index(x, y). */
static buf make_gif(int W, int H, int fw, int fh, int left, int top, int interlace, int transparent,
                    int (*index)(int, int), int n_colours)
{
    buf b = {0};
    int err;
    GifFileType *g = EGifOpen(&b, gif_put, &err);
    assert_non_null(g);
    GifColorType cols[4] = {{0, 0, 0}, {255, 0, 0}, {0, 0, 255}, {255, 255, 255}};
    ColorMapObject *m = GifMakeMapObject(n_colours, cols);
    EGifSetGifVersion(g, true);
    assert_int_equal(EGifPutScreenDesc(g, W, H, 2, 0, m), GIF_OK);
    GraphicsControlBlock gcb = {0, false, 0, transparent};
    GifByteType ext[4];
    const size_t len = EGifGCBToExtension(&gcb, ext);
    EGifPutExtension(g, GRAPHICS_EXT_FUNC_CODE, (int)len, ext);
    assert_int_equal(EGifPutImageDesc(g, left, top, fw, fh, interlace, NULL), GIF_OK);
    GifPixelType line[64];
    static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    for (int p = 0; p < (interlace ? 4 : 1); p++)
        for (int y = interlace ? start[p] : 0; y < fh; y += interlace ? step[p] : 1) {
            for (int x = 0; x < fw; x++) line[x] = (GifPixelType)index(x, y);
            assert_int_equal(EGifPutLine(g, line, fw), GIF_OK);
        }
    EGifCloseFile(g, &err);
    GifFreeMapObject(m);
    return b;
}

static void le16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void le32(uint8_t *p, uint32_t v) { le16(p, v & 0xffff), le16(p + 2, v >> 16); }

/* A BMP with a 40-byte header: bpp 1, 4, 8 (palette of n_pal grays 0, 40, 80, ...), 24, or
 * 16/32 with bit fields (565 / 888); pixel (x, y) gets value v(x, y) (an index, or a gray
 * level for 24 bits); bottom-up unless top_down. */
static buf make_bmp(int w, int h, int bpp, int n_pal, int top_down, int (*v)(int, int))
{
    const int bitfields = bpp == 16 || bpp == 32;
    const int row = bpp == 1 ? (w + 7) / 8 : bpp == 4 ? (w + 1) / 2 : w * bpp / 8, stride = (row + 3) & ~3;
    const int offset = 14 + 40 + (bitfields ? 12 : 0) + 4 * n_pal, size = offset + stride * h;
    uint8_t *p = calloc((size_t)size, 1);
    p[0] = 'B', p[1] = 'M';
    le32(p + 2, (uint32_t)size), le32(p + 10, (uint32_t)offset);
    le32(p + 14, 40), le32(p + 18, (uint32_t)w), le32(p + 22, (uint32_t)(top_down ? -h : h));
    le16(p + 26, 1), le16(p + 28, (unsigned)bpp), le32(p + 30, bitfields ? 3 : 0), le32(p + 46, (uint32_t)n_pal);
    uint8_t *q = p + 54;
    if (bitfields) {
        le32(q, bpp == 16 ? 0xF800 : 0xFF0000), le32(q + 4, bpp == 16 ? 0x07E0 : 0xFF00), le32(q + 8, bpp == 16 ? 0x1F : 0xFF);
        q += 12;
    }
    for (int i = 0; i < n_pal; i++) q[4 * i] = q[4 * i + 1] = q[4 * i + 2] = (uint8_t)(40 * i);
    for (int y = 0; y < h; y++) {
        uint8_t *r = p + offset + (size_t)(top_down ? y : h - 1 - y) * stride;
        for (int x = 0; x < w; x++) {
            const int val = v(x, y);
            if (bpp == 8) r[x] = (uint8_t)val;
            else if (bpp == 4) r[x / 2] |= (uint8_t)(val << (x % 2 ? 0 : 4));
            else if (bpp == 1) r[x / 8] |= (uint8_t)(val << (7 - x % 8));
            else if (bpp == 24) r[3 * x] = r[3 * x + 1] = r[3 * x + 2] = (uint8_t)val;
            else if (bpp == 16) le16(r + 2 * x, (unsigned)((val >> 3) << 11 | (val >> 2) << 5 | (val >> 3)));
            else le32(r + 4 * x, (uint32_t)(val << 16 | val << 8 | val));
        }
    }
    buf b = {0};
    put(&b, p, (size_t)size);
    free(p);
    return b;
}

/* ---- decoding helpers -------------------------------------------------------------------- */

static cs_image decode_ok(const buf *b, int c)
{
    cs_image img;
    cs_status st = cs_image_decode(&img, b->p, b->n, "t", c, NULL);
    if (st != CS_OK) fail_msg("decode failed: %s", cs_last_error());
    assert_int_equal(img.c, c);
    return img;
}

static void decode_fails(const void *p, size_t n, const char *name, const char *needle)
{
    cs_image img;
    cs_status st = cs_image_decode(&img, p, n, name, 1, NULL);
    if (st == CS_OK) fail_msg("%s: decoded, expected a refusal with '%s'", name, needle);
    const char *msg = cs_last_error();
    if (!strstr(msg, needle) || strncmp(msg, name, strlen(name)) != 0 || strchr(msg, '\n'))
        fail_msg("%s: message '%s' lacks '%s'", name, msg, needle);
    assert_null(img.px);
}

/* Every prefix of b is refused with a reason after "t: ", or gives the whole file's pixels. */
static void check_prefixes(const buf *b, const char *what)
{
    cs_image whole = decode_ok(b, 3);
    int refused = 0;
    for (size_t n = 0; n < b->n; n++) {
        uint8_t *copy = malloc(n ? n : 1); /* exactly n bytes, so reading past them is an ASan report */
        memcpy(copy, b->p, n);
        cs_image img;
        if (cs_image_decode(&img, copy, n, "t", 3, NULL) == CS_OK) {
            if (img.w != whole.w || img.h != whole.h || memcmp(img.px, whole.px, (size_t)img.w * img.h * 3) != 0)
                fail_msg("%s cut at %zu of %zu bytes decodes to other pixels", what, n, b->n);
        } else {
            const char *msg = cs_last_error();
            const size_t len = strlen(msg);
            if (strncmp(msg, "t: ", 3) != 0 || len < 12 || msg[len - 1] == ' ' || msg[len - 1] == ':')
                fail_msg("%s cut at %zu: message '%s'", what, n, msg);
            refused++;
        }
        cs_image_free(&img);
        free(copy);
    }
    assert_true(refused > 0);
    cs_image_free(&whole);
}

/* ---- PNG ---------------------------------------------------------------------------------- */

static void row_gray8(int y, uint8_t *out, int w)
{
    for (int x = 0; x < w; x++) out[x] = (uint8_t)(x * 10 + y);
}
static void row_rgba16(int y, uint8_t *out, int w)
{
    /* R 0x1234, G 0xabcd, B 0x00ff, alpha 0x8000 (>> 8: 128) for y 0; opaque for y 1 */
    for (int x = 0; x < w; x++) {
        const uint8_t px[8] = {0x12, 0x34, 0xab, 0xcd, 0x00, 0xff, y ? 0xff : 0x80, y ? 0xff : 0x00};
        memcpy(out + 8 * x, px, 8);
    }
}
static void row_pal(int y, uint8_t *out, int w)
{
    for (int x = 0; x < w; x++) out[x] = (uint8_t)((x + y) % 3);
}
static void row_pal_bad(int y, uint8_t *out, int w)
{
    for (int x = 0; x < w; x++) out[x] = (uint8_t)(x == 2 && y == 1 ? 7 : 0);
}
static void row_gray1(int y, uint8_t *out, int w)
{
    for (int x = 0; x < (w + 7) / 8; x++) out[x] = y ? 0xAA : 0xFF;
}

static void test_png(void **state)
{
    (void)state;
    buf b = make_png(7, 5, PNG_COLOR_TYPE_GRAY, 8, 0, NULL, 0, NULL, 0, row_gray8);
    cs_image img = decode_ok(&b, 1);
    assert_int_equal(img.w, 7);
    assert_int_equal(img.h, 5);
    assert_string_equal(img.format, "PNG");
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 7; x++) assert_int_equal(img.px[y * 7 + x], x * 10 + y);
    cs_image_free(&img);
    check_prefixes(&b, "gray PNG");
    free(b.p);

    /* interlaced: the same pixels */
    b = make_png(7, 5, PNG_COLOR_TYPE_GRAY, 8, 1, NULL, 0, NULL, 0, row_gray8);
    img = decode_ok(&b, 1);
    assert_int_equal(img.px[4 * 7 + 6], 64);
    cs_image_free(&img);
    free(b.p);

    /* 16-bit RGBA: samples keep their high byte; alpha 128 over white */
    b = make_png(2, 2, PNG_COLOR_TYPE_RGBA, 16, 0, NULL, 0, NULL, 0, row_rgba16);
    img = decode_ok(&b, 3);
    assert_int_equal(img.file_bits, 16);
    assert_int_equal(img.file_channels, 4);
    /* row 1 opaque: 0x12, 0xab, 0x00; row 0: v * 128 / 255 + 255 * 127 / 255, rounded */
    assert_int_equal(img.px[6], 0x12);
    assert_int_equal(img.px[7], 0xab);
    assert_int_equal(img.px[8], 0x00);
    assert_int_equal(img.px[0], (0x12 * 128 + 255 * 127 + 127) / 255);
    assert_int_equal(img.px[2], (0 * 128 + 255 * 127 + 127) / 255);
    cs_image_free(&img);
    check_prefixes(&b, "RGBA16 PNG");
    free(b.p);

    /* palette with tRNS: index 0 black transparent (white), 1 red half, 2 green opaque */
    const png_color pal[3] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}};
    const png_byte trns[2] = {0, 128};
    b = make_png(4, 3, PNG_COLOR_TYPE_PALETTE, 8, 0, pal, 3, trns, 2, row_pal);
    img = decode_ok(&b, 3);
    assert_memory_equal(img.px, ((const uint8_t[]){255, 255, 255}), 3);                    /* (0,0): index 0 */
    assert_memory_equal(img.px + 3, ((const uint8_t[]){255, 127, 127}), 3);                /* (1,0): index 1 */
    assert_memory_equal(img.px + 6, ((const uint8_t[]){0, 255, 0}), 3);                    /* (2,0): index 2 */
    cs_image_free(&img);
    free(b.p);
    /* an index past the palette is refused, naming the pixel */
    static const uint8_t pal_rgb[9] = {0, 0, 0, 255, 0, 0, 0, 255, 0};
    b = make_png_palette_raw(4, 3, pal_rgb, 3, row_pal_bad);
    decode_fails(b.p, b.n, "pal.png", "PNG pixel (2, 1) uses palette index 7; the palette has 3 entries");
    free(b.p);
    /* 1-bit gray: 0 and 255 */
    b = make_png(10, 2, PNG_COLOR_TYPE_GRAY, 1, 0, NULL, 0, NULL, 0, row_gray1);
    img = decode_ok(&b, 1);
    assert_int_equal(img.px[0], 255);
    assert_int_equal(img.px[10], 255);
    assert_int_equal(img.px[11], 0);
    cs_image_free(&img);
    free(b.p);
}

/* ---- JPEG --------------------------------------------------------------------------------- */

static uint8_t jpeg_flat(int x, int y, int c)
{
    (void)x, (void)y;
    return (uint8_t)(c == 0 ? 200 : c == 1 ? 100 : 50);
}
static uint8_t jpeg_gray(int x, int y, int c)
{
    (void)c;
    return (uint8_t)((x / 4 + y / 4) % 2 ? 200 : 40);
}

static void test_jpeg(void **state)
{
    (void)state;
    /* a flat colour survives quality 100 within 2 levels; gray is (77 R + 150 G + 29 B) >> 8 */
    buf b = make_jpeg(16, 8, 3, 100, 0, jpeg_flat);
    cs_image img = decode_ok(&b, 3);
    assert_string_equal(img.format, "JPEG");
    for (int i = 0; i < 16 * 8; i++) {
        assert_in_range(img.px[3 * i], 198, 202);
        assert_in_range(img.px[3 * i + 1], 98, 102);
        assert_in_range(img.px[3 * i + 2], 48, 52);
    }
    cs_image_free(&img);
    img = decode_ok(&b, 1);
    /* libjpeg's Y: 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2; our RGB formula gives 125 */
    assert_in_range(img.px[0], 123, 127);
    cs_image_free(&img);
    check_prefixes(&b, "baseline JPEG");
    free(b.p);
    /* progressive and gray */
    b = make_jpeg(24, 16, 1, 90, 1, jpeg_gray);
    img = decode_ok(&b, 1);
    assert_in_range(img.px[0], 30, 50);
    assert_in_range(img.px[5], 190, 210);
    cs_image_free(&img);
    check_prefixes(&b, "progressive JPEG");
    free(b.p);
}

/* ---- GIF ---------------------------------------------------------------------------------- */

static int gif_index(int x, int y) { return (x + 2 * y) % 4; }
static int gif_bad(int x, int y) { return x == 1 && y == 2 ? 3 : 0; }

static void test_gif(void **state)
{
    (void)state;
    /* an interlaced 5x7 frame at (2, 1) of a 9x9 screen, index 3 transparent: uncovered and
     * transparent pixels are white, the others the colour of their index */
    buf b = make_gif(9, 9, 5, 7, 2, 1, 1, 3, gif_index, 4);
    cs_image img = decode_ok(&b, 3);
    assert_string_equal(img.format, "GIF");
    static const uint8_t colour[4][3] = {{0, 0, 0}, {255, 0, 0}, {0, 0, 255}, {255, 255, 255}};
    for (int y = 0; y < 9; y++)
        for (int x = 0; x < 9; x++) {
            const int in = x >= 2 && x < 7 && y >= 1 && y < 8;
            const uint8_t *want = in ? colour[gif_index(x - 2, y - 1)] : colour[3];
            if (memcmp(img.px + 3 * (y * 9 + x), want, 3) != 0) fail_msg("GIF pixel (%d, %d)", x, y);
        }
    cs_image_free(&img);
    check_prefixes(&b, "GIF");
    free(b.p);
    /* a 2-entry colour table indexed at 3 */
    b = make_gif(4, 4, 4, 4, 0, 0, 0, -1, gif_bad, 2);
    decode_fails(b.p, b.n, "bad.gif", "GIF pixel (1, 2) uses colour index 3; the colour table has 2 entries");
    free(b.p);
}

/* ---- BMP ---------------------------------------------------------------------------------- */

static int bmp_idx(int x, int y) { return (x + y) % 3; }
static int bmp_bit(int x, int y) { return (x + y) % 2; }
static int bmp_gray(int x, int y) { return x * 20 + y * 8; }
static int bmp_past(int x, int y) { return x == 4 && y == 1 ? 5 : 0; }

static void test_bmp(void **state)
{
    (void)state;
    const int bpps[3] = {8, 4, 1};
    for (int i = 0; i < 3; i++)
        for (int td = 0; td < 2; td++) {
            buf b = make_bmp(9, 4, bpps[i], 3, td, bpps[i] == 1 ? bmp_bit : bmp_idx);
            cs_image img = decode_ok(&b, 1);
            assert_string_equal(img.format, "BMP");
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 9; x++) {
                    const int want = 40 * (bpps[i] == 1 ? bmp_bit(x, y) : bmp_idx(x, y));
                    if (img.px[y * 9 + x] != want) fail_msg("%d-bit BMP (%d, %d): %d, want %d", bpps[i], x, y,
                                                            img.px[y * 9 + x], want);
                }
            cs_image_free(&img);
            if (!td) check_prefixes(&b, "paletted BMP");
            free(b.p);
        }
    const int deep[3] = {24, 16, 32};
    for (int i = 0; i < 3; i++) {
        buf b = make_bmp(5, 3, deep[i], 0, 0, bmp_gray);
        cs_image img = decode_ok(&b, 1);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 5; x++) {
                const int v = bmp_gray(x, y), got = img.px[y * 5 + x];
                /* 565 keeps 5 or 6 bits, widened by stb as 255 * v / 31 */
                if (deep[i] == 16 ? abs(got - v) > 8 : got != v) fail_msg("%d-bit BMP (%d, %d): %d, want %d", deep[i], x, y, got, v);
            }
        cs_image_free(&img);
        check_prefixes(&b, "deep BMP");
        free(b.p);
    }
    /* issue 3: indices past a 2-entry palette */
    buf b = make_bmp(6, 3, 8, 2, 0, bmp_past);
    decode_fails(b.p, b.n, "past.bmp", "BMP pixel (4, 1) uses palette index 5; the palette has 2 entries (0..1)");
    free(b.p);
    /* issue 4: the headers alone */
    b = make_bmp(64, 64, 8, 4, 0, bmp_idx);
    decode_fails(b.p, 70, "head.bmp", "truncated BMP: 70 bytes, expected 4166");
    /* RLE is refused by name */
    b.p[30] = 1;
    decode_fails(b.p, b.n, "rle.bmp", "run-length encoded BMP (RLE8) is not supported");
    free(b.p);
}

/* ---- PNM ---------------------------------------------------------------------------------- */

static void test_pnm(void **state)
{
    (void)state;
    /* issue 2: 16-bit samples are big-endian; 0x1234 is 18 */
    buf b = {0};
    put_str(&b, "P5\n# sixteen bits\n3 2\n65535\n");
    for (int i = 0; i < 6; i++) put(&b, "\x12\x34", 2);
    cs_image img = decode_ok(&b, 1);
    assert_string_equal(img.format, "PGM");
    assert_int_equal(img.file_bits, 16);
    for (int i = 0; i < 6; i++) assert_int_equal(img.px[i], 18);
    cs_image_free(&img);
    /* issue 1: as RGB, each channel 18 (a gray file replicated) */
    img = decode_ok(&b, 3);
    for (int i = 0; i < 18; i++) assert_int_equal(img.px[i], 18);
    cs_image_free(&img);
    check_prefixes(&b, "16-bit PGM");
    free(b.p);
    /* a 16-bit PPM read as gray: 18, 86, 154 -> (77*18 + 150*86 + 29*154) >> 8 = 73 */
    b = (buf){0};
    put_str(&b, "P6 2 2 65535\n");
    for (int i = 0; i < 4; i++) put(&b, "\x12\x34\x56\x78\x9a\xbc", 6);
    img = decode_ok(&b, 1);
    for (int i = 0; i < 4; i++) assert_int_equal(img.px[i], 73);
    cs_image_free(&img);
    free(b.p);
    /* maxval 1023: round(v * 255 / 1023); plain formats; PBM 1 = black */
    b = (buf){0};
    put_str(&b, "P2\n3 1\n1023\n1023 512 1\n");
    img = decode_ok(&b, 1);
    assert_int_equal(img.px[0], 255);
    assert_int_equal(img.px[1], 128); /* 512 * 255 / 1023 = 127.6 */
    assert_int_equal(img.px[2], 0);
    cs_image_free(&img);
    free(b.p);
    b = (buf){0};
    put_str(&b, "P1\n5 2\n1 0 1 0 1\n01010\n");
    img = decode_ok(&b, 1);
    assert_memory_equal(img.px, ((const uint8_t[]){0, 255, 0, 255, 0, 255, 0, 255, 0, 255}), 10);
    cs_image_free(&img);
    free(b.p);
    b = (buf){0};
    put_str(&b, "P4\n9 1\n");
    put(&b, "\xAA\x80", 2);
    img = decode_ok(&b, 1);
    assert_memory_equal(img.px, ((const uint8_t[]){0, 255, 0, 255, 0, 255, 0, 255, 0}), 9);
    cs_image_free(&img);
    check_prefixes(&b, "P4");
    free(b.p);
    b = (buf){0};
    put_str(&b, "P3\n2 1\n255\n255 0 0  0 0 255\n");
    img = decode_ok(&b, 3);
    assert_memory_equal(img.px, ((const uint8_t[]){255, 0, 0, 0, 0, 255}), 6);
    cs_image_free(&img);
    check_prefixes(&b, "P3");
    free(b.p);
    /* errors: a sample above maxval, a number too large, maxval 0 */
    decode_fails("P2 2 1 100 5 101\n", 17, "a.pgm", "PGM sample 1 at byte 13 is 101, above the maxval 100");
    decode_fails("P2 2 1 255 5 25", 15, "cut.pgm", "truncated PGM: the file ends at byte 15 inside or right after sample 1");
    decode_fails("P5 99999999999 1 255\n", 21, "b.pgm", "PGM width at byte 3 is out of range");
    decode_fails("P5 1 1 0\n\0", 10, "c.pgm", "PGM maxval is 0");
    decode_fails("P6 4 4 255\n\1\2\3", 14, "d.ppm", "truncated PPM: 3 bytes of pixel data from byte 11, expected 48");
}

/* ---- everything else ---------------------------------------------------------------------- */

static void test_refused_formats(void **state)
{
    (void)state;
    decode_fails("\0\0\2\0\0\0\0\0\0\0\0\0 N N \30\0", 18, "x.tga", "TGA images are not supported (expected PNG, JPEG");
    decode_fails("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n", 34, "x", "Radiance HDR images are not supported");
    decode_fails("8BPS\0\1", 6, "x", "Photoshop PSD images are not supported");
    decode_fails("II*\0\10\0\0\0", 8, "x", "TIFF images are not supported");
    decode_fails("RIFF\0\0\0\0WEBPVP8 ", 16, "x", "WebP images are not supported");
    decode_fails("P7\nWIDTH 1\n", 11, "x", "PAM (P7) images are not supported");
    decode_fails("hello, world", 12, "notes.txt", "not an image convscope reads: expected PNG, JPEG, BMP, GIF and "
                 "PNM (PBM, PGM, PPM), found a file starting with 68 65 6c 6c 6f 2c 20 77");
    decode_fails("", 0, "empty.png", "empty file (0 bytes)");
    decode_fails("\x89PN", 3, "cut.png", "truncated PNG: 3 bytes, cut inside its 8-byte signature");
    cs_image img;
    assert_int_equal(cs_image_decode(&img, "P5 1 1 255\n\0", 12, "x", 2, NULL), CS_ERR_ARG);
}

/* Issue 6: the header's size is checked against the budget before anything is decoded. */
static void test_budget(void **state)
{
    (void)state;
    buf b = make_png(7, 5, PNG_COLOR_TYPE_GRAY, 8, 0, NULL, 0, NULL, 0, row_gray8);
    const cs_image_budget small = {34, 0}, exact = {35, 0};
    cs_image img;
    assert_int_equal(cs_image_decode(&img, b.p, b.n, "p.png", 1, &small), CS_ERR_FORMAT);
    assert_non_null(strstr(cs_last_error(), "p.png: PNG of 7x5 = 35 pixels is over the image budget of 34 pixels; "
                                            "refused before decoding"));
    assert_int_equal(cs_image_decode(&img, b.p, b.n, "p.png", 1, &exact), CS_OK);
    cs_image_free(&img);
    /* a PNG whose header claims 8000x8000 (within the budget) but whose image data cannot hold it */
    memcpy(b.p + 16, "\0\0\x1f\x40\0\0\x1f\x40", 8);
    uint32_t crc = (uint32_t)crc32(0, b.p + 12, 17);
    uint8_t be[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
    memcpy(b.p + 29, be, 4);
    decode_fails(b.p, b.n, "claims.png", "cannot inflate to the 64008000 bytes of rows its header declares");
    /* one that claims 20000x20000: over the pixel budget, said before its data is looked at */
    memcpy(b.p + 16, "\0\0\x4e\x20\0\0\x4e\x20", 8);
    crc = (uint32_t)crc32(0, b.p + 12, 17);
    const uint8_t be2[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
    memcpy(b.p + 29, be2, 4);
    decode_fails(b.p, b.n, "claims.png", "PNG of 20000x20000 = 400000000 pixels is over the image budget of 67108864");
    free(b.p);
    /* a JPEG, a GIF and a PNM over the default budget */
    b = make_jpeg(8, 8, 1, 50, 0, jpeg_gray);
    for (size_t i = 0; i + 8 < b.n; i++)
        if (b.p[i] == 0xff && b.p[i + 1] == 0xc0) { /* SOF0: height, width at +5, +7 */
            memcpy(b.p + i + 5, "\x75\x30\x75\x30", 4); /* 30000 x 30000 */
            break;
        }
    decode_fails(b.p, b.n, "big.jpg", "JPEG of 30000x30000 = 900000000 pixels is over the image budget of 67108864");
    free(b.p);
    decode_fails("P5 10000 10000 255\n", 19, "big.pgm", "PGM of 10000x10000 = 100000000 pixels is over the image budget");
    b = make_gif(4, 4, 4, 4, 0, 0, 0, -1, gif_index, 4);
    memcpy(b.p + 6, "\xff\xff\xff\xff", 4);
    decode_fails(b.p, b.n, "big.gif", "GIF of 65535x65535 = 4294836225 pixels is over the image budget");
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png),           cmocka_unit_test(test_jpeg),
        cmocka_unit_test(test_gif),           cmocka_unit_test(test_bmp),
        cmocka_unit_test(test_pnm),           cmocka_unit_test(test_refused_formats),
        cmocka_unit_test(test_budget),
    };
    return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
