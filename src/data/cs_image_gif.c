/* cs_image_gif.c - the first frame of a GIF through giflib's low-level reader: the logical
 * screen is checked against the budget before anything is allocated, only one frame is ever
 * held in memory (an animation of a thousand frames costs no more than one), every pixel's
 * colour index is checked against its colour table, and the frame is placed on the screen
 * (interlaced rows in GIF89a's four passes). Pixels the frame does not cover, and pixels of
 * the transparent index, are transparent (composited onto white by cs_image). */
#include "cs_image_internal.h"

#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *p;
    size_t n, off;
} gif_source;

static int gif_read(GifFileType *gif, GifByteType *out, int len)
{
    gif_source *s = gif->UserData;
    const size_t want = len < 0 ? 0 : (size_t)len, left = s->n - s->off, got = want < left ? want : left;
    memcpy(out, s->p + s->off, got);
    s->off += got;
    return (int)got;
}

/* giflib's error code as a reason; a read that ran out of bytes is a truncated file. */
static cs_status gif_fail(const cs_image_ctx *cx, const gif_source *src, int err, const char *where)
{
    if (err == D_GIF_ERR_READ_FAILED || (src->off >= src->n && err != D_GIF_ERR_NOT_GIF_FILE))
        return cs_fail(CS_ERR_FORMAT, "%s: truncated GIF: the file ends at byte %zu, inside %s", cx->name, src->n,
                       where);
    const char *why = GifErrorString(err);
    return cs_fail(CS_ERR_FORMAT, "%s: corrupt GIF before byte %zu, in %s (giflib: %s)", cx->name, src->off, where,
                   why ? why : "unknown error");
}

/* Skips one extension's data blocks; *transparent gets the index of a graphic control
 * extension (-1 for none). */
static int gif_extension(GifFileType *gif, int *transparent)
{
    int code = 0;
    GifByteType *block = NULL;
    if (DGifGetExtension(gif, &code, &block) != GIF_OK) return GIF_ERROR;
    if (code == GRAPHICS_EXT_FUNC_CODE && block && block[0] >= 4) {
        GraphicsControlBlock gcb;
        if (DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK) *transparent = gcb.TransparentColor;
    }
    while (block)
        if (DGifGetExtensionNext(gif, &block) != GIF_OK) return GIF_ERROR;
    return GIF_OK;
}

/* Reads the frame whose descriptor was just read into raw (RGBA, the screen's size). */
static cs_status gif_frame(const cs_image_ctx *cx, GifFileType *gif, const gif_source *src, int transparent,
                           cs_image_raw *raw, GifPixelType *line)
{
    const GifImageDesc *d = &gif->Image;
    const int W = gif->SWidth, H = gif->SHeight;
    if (d->Left < 0 || d->Top < 0 || d->Width <= 0 || d->Height <= 0 || d->Left + d->Width > W ||
        d->Top + d->Height > H)
        return cs_fail(CS_ERR_FORMAT, "%s: GIF frame of %dx%d at (%d, %d) does not fit the %dx%d screen", cx->name,
                       d->Width, d->Height, d->Left, d->Top, W, H);
    const ColorMapObject *map = d->ColorMap ? d->ColorMap : gif->SColorMap;
    if (!map || map->ColorCount <= 0)
        return cs_fail(CS_ERR_FORMAT, "%s: GIF frame has no colour table (neither its own nor a global one)",
                       cx->name);
    static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    const int passes = d->Interlace ? 4 : 1;
    for (int pass = 0; pass < passes; pass++)
        for (int y = d->Interlace ? start[pass] : 0; y < d->Height; y += d->Interlace ? step[pass] : 1) {
            if (DGifGetLine(gif, line, d->Width) != GIF_OK) return gif_fail(cx, src, gif->Error, "the first frame");
            uint8_t *out = raw->px + ((size_t)(d->Top + y) * W + d->Left) * 4;
            for (int x = 0; x < d->Width; x++) {
                const int v = line[x];
                if (v >= map->ColorCount)
                    return cs_fail(CS_ERR_FORMAT, "%s: GIF pixel (%d, %d) uses colour index %d; the colour table "
                                   "has %d entries (0..%d)", cx->name, d->Left + x, d->Top + y, v, map->ColorCount,
                                   map->ColorCount - 1);
                const GifColorType *col = &map->Colors[v];
                out[4 * x] = col->Red, out[4 * x + 1] = col->Green, out[4 * x + 2] = col->Blue;
                out[4 * x + 3] = v == transparent ? 0 : 255;
            }
        }
    return CS_OK;
}

cs_status cs_image_decode_gif(const cs_image_ctx *cx, const uint8_t *p, size_t n, cs_image_raw *raw)
{
    gif_source src = {p, n, 0};
    int err = 0;
    GifFileType *gif = DGifOpen(&src, gif_read, &err);
    if (!gif) return gif_fail(cx, &src, err, "the header");
    cs_status st = cs_image_check_size(cx, "GIF", gif->SWidth < 0 ? 0 : (uint64_t)gif->SWidth,
                                       gif->SHeight < 0 ? 0 : (uint64_t)gif->SHeight);
    GifPixelType *line = NULL;
    if (!st) st = cs_image_raw_alloc(cx, raw, gif->SWidth, gif->SHeight, 4);
    if (!st && !(line = malloc((size_t)gif->SWidth))) st = cs_fail(CS_ERR_NOMEM, "%s: out of memory", cx->name);
    if (!st) memset(raw->px, 0, (size_t)gif->SWidth * gif->SHeight * 4); /* transparent until drawn */
    int transparent = -1, done = 0;
    while (!st && !done) {
        GifRecordType type;
        if (DGifGetRecordType(gif, &type) != GIF_OK) {
            st = gif_fail(cx, &src, gif->Error, "the blocks before the first frame");
            break;
        }
        if (type == EXTENSION_RECORD_TYPE) {
            if (gif_extension(gif, &transparent) != GIF_OK) st = gif_fail(cx, &src, gif->Error, "an extension block");
        } else if (type == IMAGE_DESC_RECORD_TYPE) {
            if (DGifGetImageDesc(gif) != GIF_OK) st = gif_fail(cx, &src, gif->Error, "the first frame's descriptor");
            else st = gif_frame(cx, gif, &src, transparent, raw, line);
            done = 1;
        } else if (type == TERMINATE_RECORD_TYPE) {
            st = cs_fail(CS_ERR_FORMAT, "%s: GIF has no frame (its trailer comes first, at byte %zu)", cx->name,
                         src.off);
        } else {
            st = cs_fail(CS_ERR_FORMAT, "%s: GIF block of unknown type at byte %zu", cx->name, src.off);
        }
    }
    free(line);
    DGifCloseFile(gif, &err);
    if (st) {
        free(raw->px);
        memset(raw, 0, sizeof *raw);
        return st;
    }
    raw->bits = 8;
    return CS_OK;
}
