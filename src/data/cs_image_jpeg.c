/* cs_image_jpeg.c - JPEG through libjpeg-turbo: the header is read and its size checked
 * against the budget before decompression starts; libjpeg's own memory is capped; a file
 * that ends early or whose entropy-coded data is corrupt is refused instead of being
 * filled in with grey, and progressive files may have at most MAX_SCANS scans (a
 * thousand-scan file is a known way to make a small file take minutes).
 *
 * Errors longjmp out of libjpeg (its documented error model, see libjpeg.txt "Error
 * handling"); the state that must survive lives on the heap. */
#include "cs_image_internal.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#define MAX_SCANS 1000
/* libjpeg's working memory beyond the output rows (progressive coefficient buffers). */
#define MAX_JPEG_MEMORY (512L << 20)

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
    int truncated;
} jpeg_err;

static void jpeg_on_error(j_common_ptr cinfo)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    e->pub.format_message(cinfo, e->msg);
    longjmp(e->jump, 1);
}

/* Warnings are refused except the harmless ones: a file cut short or entropy-coded data
 * that does not decode would otherwise come out as grey or smeared pixels. */
static void jpeg_on_message(j_common_ptr cinfo, int level)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    if (level >= 0) return; /* trace messages */
    const int code = e->pub.msg_code;
    if (code == JWRN_EXTRANEOUS_DATA || code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM || code == JWRN_BOGUS_ICC)
        return;
    e->truncated = code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER;
    e->pub.format_message(cinfo, e->msg);
    longjmp(e->jump, 1);
}

static void jpeg_on_progress(j_common_ptr cinfo)
{
    if (!cinfo->is_decompressor) return;
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > MAX_SCANS) {
        jpeg_err *e = (jpeg_err *)cinfo->err;
        snprintf(e->msg, sizeof e->msg, "more than %d progressive scans", MAX_SCANS);
        longjmp(e->jump, 1);
    }
}

typedef struct {
    struct jpeg_decompress_struct d;
    jpeg_err err;
    struct jpeg_progress_mgr progress;
    uint8_t *row_buf; /* CMYK rows before conversion, owned */
} jpeg_state;

/* Adobe CMYK as Photoshop writes it is inverted: the channel values are 255 - ink. */
static void cmyk_to_rgb(uint8_t *dst, const uint8_t *src, int w)
{
    for (int x = 0; x < w; x++) {
        const unsigned c = src[4 * x], m = src[4 * x + 1], y = src[4 * x + 2], k = src[4 * x + 3];
        dst[3 * x] = (uint8_t)((c * k + 127) / 255);
        dst[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
        dst[3 * x + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

static cs_status jpeg_body(const cs_image_ctx *cx, jpeg_state *s, const uint8_t *p, size_t n, cs_image_raw *raw)
{
    j_decompress_ptr d = &s->d;
    jpeg_mem_src(d, p, (unsigned long)n);
    jpeg_read_header(d, TRUE);
    cs_status st = cs_image_check_size(cx, "JPEG", d->image_width, d->image_height);
    if (st) return st;
    const int cmyk = d->jpeg_color_space == JCS_CMYK || d->jpeg_color_space == JCS_YCCK;
    if (d->num_components == 1) d->out_color_space = JCS_GRAYSCALE;
    else if (cmyk) d->out_color_space = JCS_CMYK;
    else d->out_color_space = JCS_RGB;
    s->progress.progress_monitor = jpeg_on_progress;
    d->progress = &s->progress;
    jpeg_start_decompress(d);
    const int w = (int)d->output_width, h = (int)d->output_height, comps = d->output_components;
    if ((st = cs_image_check_size(cx, "JPEG", (uint64_t)w, (uint64_t)h))) return st;
    const int sc = cmyk ? 3 : comps;
    if (sc != 1 && sc != 3)
        return cs_fail(CS_ERR_FORMAT, "%s: JPEG decodes to %d components (expected 1, 3 or CMYK)", cx->name, comps);
    if ((st = cs_image_raw_alloc(cx, raw, w, h, sc))) return st;
    if (cmyk && !(s->row_buf = malloc((size_t)w * 4))) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", cx->name);
    while (d->output_scanline < d->output_height) {
        const size_t y = d->output_scanline;
        JSAMPROW row = cmyk ? s->row_buf : raw->px + y * (size_t)w * sc;
        if (jpeg_read_scanlines(d, &row, 1) != 1) break;
        if (cmyk) cmyk_to_rgb(raw->px + y * (size_t)w * 3, s->row_buf, w);
    }
    if (d->output_scanline != d->output_height)
        return cs_fail(CS_ERR_FORMAT, "%s: JPEG stopped after row %u of %d", cx->name, d->output_scanline, h);
    jpeg_finish_decompress(d);
    raw->bits = 8;
    return CS_OK;
}

cs_status cs_image_decode_jpeg(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw)
{
    /* on the heap: libjpeg writes into it between setjmp and a longjmp */
    jpeg_state *s = calloc(1, sizeof *s);
    if (!s) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", cx->name);
    s->d.err = jpeg_std_error(&s->err.pub);
    s->err.pub.error_exit = jpeg_on_error;
    s->err.pub.emit_message = jpeg_on_message;
    volatile cs_status st = CS_OK;
    if (setjmp(s->err.jump)) {
        if (s->err.truncated)
            st = cs_fail(CS_ERR_FORMAT, "%s: truncated or corrupt JPEG: %zu bytes end inside the image data "
                         "(libjpeg: %s)", cx->name, n, s->err.msg);
        else
            st = cs_fail(CS_ERR_FORMAT, "%s: corrupt JPEG (libjpeg: %s)", cx->name, s->err.msg);
    } else {
        jpeg_create_decompress(&s->d);
        s->d.mem->max_memory_to_use = MAX_JPEG_MEMORY;
        st = jpeg_body(cx, s, p, n, raw);
    }
    jpeg_destroy_decompress(&s->d);
    free(s->row_buf);
    free(s);
    if (st) {
        free(raw->px);
        memset(raw, 0, sizeof *raw);
    }
    return st;
}
