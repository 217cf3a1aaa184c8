/* cs_imageio.c - animated GIF writing (giflib 5, GIF89a with the NETSCAPE2.0 loop extension)
 * and one image file as a net input (cs_image). PNG writing is in cs_image_png.c, beside
 * PNG reading. See cs_imageio.h. */
#include "cs_imageio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gif_lib.h>

#include "cs_image.h"

/* ---- GIF ------------------------------------------------------------------------------- */

enum { HASH_SLOTS = 1024 }; /* > 4 x 257: short probe chains while deciding if a palette is exact */

typedef struct {
    uint32_t key[HASH_SLOTS]; /* colour + 1, 0 = empty */
    uint8_t index[HASH_SLOTS];
    int count;
} colour_set;

static uint32_t pack(const uint8_t *p) { return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]; }

/* Slot of colour c: where it is, or the empty slot where it would go. */
static int slot_of(const colour_set *s, uint32_t c)
{
    uint32_t i = (c * 2654435761u) >> 22; /* top 10 bits of a Fibonacci hash */
    while (s->key[i] && s->key[i] != c + 1) i = (i + 1) & (HASH_SLOTS - 1);
    return (int)i;
}

/* Builds an exact palette of the frames' colours; false when there are more than 256. */
static bool exact_palette(const uint8_t *px, size_t n, colour_set *s, GifColorType *pal)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < n; i++) {
        const uint32_t c = pack(px + 3 * i);
        const int k = slot_of(s, c);
        if (s->key[k]) continue;
        if (s->count == 256) return false;
        s->key[k] = c + 1;
        s->index[k] = (uint8_t)s->count;
        pal[s->count] = (GifColorType){px[3 * i], px[3 * i + 1], px[3 * i + 2]};
        s->count++;
    }
    return true;
}

/* Maps every pixel to a palette index: exactly, or by giflib's median cut over all frames so
 * the frames share one palette. */
static cs_status index_frames(const char *path, const uint8_t *px, size_t n, uint8_t *out, GifColorType *pal,
                              int *pal_size)
{
    colour_set *s = malloc(sizeof *s);
    if (!s) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
    if (exact_palette(px, n, s, pal)) {
        for (size_t i = 0; i < n; i++) out[i] = s->index[slot_of(s, pack(px + 3 * i))];
        *pal_size = s->count;
        free(s);
        return CS_OK;
    }
    free(s);
    GifByteType *r = malloc(n), *g = malloc(n), *b = malloc(n);
    cs_status st = CS_OK;
    if (!r || !g || !b) st = cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
    else {
        for (size_t i = 0; i < n; i++) r[i] = px[3 * i], g[i] = px[3 * i + 1], b[i] = px[3 * i + 2];
        int size = 256;
        /* one row of all pixels: giflib quantizes Width x Height samples */
        if (GifQuantizeBuffer((unsigned)n, 1, &size, r, g, b, out, pal) != GIF_OK)
            st = cs_fail(CS_ERR_NOMEM, "%s: colour quantization failed", path);
        *pal_size = size;
    }
    free(r), free(g), free(b);
    return st;
}

cs_status cs_image_write_gif(const char *path, const uint8_t *frames, int n_frames, int w, int h, int delay_cs)
{
    if (n_frames <= 0 || w <= 0 || h <= 0 || w > 65535 || h > 65535)
        return cs_fail(CS_ERR_ARG, "%s: cannot make a GIF of %d frames of %dx%d", path, n_frames, w, h);
    const size_t n = (size_t)n_frames * w * h;
    uint8_t *idx = malloc(n);
    GifColorType pal[256];
    int pal_size = 0;
    if (!idx) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
    cs_status st = index_frames(path, frames, n, idx, pal, &pal_size);
    if (st) {
        free(idx);
        return st;
    }
    int bits = 1;
    while ((1 << bits) < pal_size) bits++;
    GifColorType full[256] = {{0, 0, 0}};
    memcpy(full, pal, (size_t)pal_size * sizeof *pal);
    ColorMapObject *cmap = GifMakeMapObject(1 << bits, full);
    int err = 0;
    /* written to PATH.tmp.PID and renamed, so a failed write leaves no half GIF */
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        GifFreeMapObject(cmap);
        free(idx);
        return cs_fail(CS_ERR_ARG, "%s: path too long", path);
    }
    /* opened here with mode 0666, so the umask decides as for every other file (giflib's own open
     * makes 0600 files) */
    const int fd = cmap ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666) : -1;
    const int open_errno = errno;
    GifFileType *gif = fd >= 0 ? EGifOpenFileHandle(fd, &err) : NULL;
    if (!gif) {
        if (fd >= 0) close(fd), remove(tmp);
        GifFreeMapObject(cmap);
        free(idx);
        return cs_fail(CS_ERR_IO, "%s: cannot create the GIF (%s)", path,
                       !cmap ? "out of memory" : fd < 0 ? strerror(open_errno) : GifErrorString(err));
    }
    EGifSetGifVersion(gif, true);
    bool ok = EGifPutScreenDesc(gif, w, h, bits, 0, cmap) == GIF_OK;
    /* NETSCAPE2.0 application extension: loop forever */
    static const unsigned char loop[3] = {1, 0, 0};
    ok = ok && EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
         EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_OK && EGifPutExtensionBlock(gif, 3, loop) == GIF_OK &&
         EGifPutExtensionTrailer(gif) == GIF_OK;
    for (int f = 0; ok && f < n_frames; f++) {
        GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, delay_cs, NO_TRANSPARENT_COLOR};
        GifByteType ext[4];
        size_t len = EGifGCBToExtension(&gcb, ext);
        ok = EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, (int)len, ext) == GIF_OK &&
             EGifPutImageDesc(gif, 0, 0, w, h, false, NULL) == GIF_OK;
        for (int y = 0; ok && y < h; y++) ok = EGifPutLine(gif, idx + ((size_t)f * h + y) * w, w) == GIF_OK;
    }
    const int write_err = ok ? 0 : gif->Error;
    if (EGifCloseFile(gif, &err) != GIF_OK && ok) ok = false;
    else if (!ok) err = write_err;
    GifFreeMapObject(cmap);
    free(idx);
    if (!ok) {
        remove(tmp);
        return cs_fail(CS_ERR_IO, "%s: writing the GIF failed (%s)", path, GifErrorString(err));
    }
    if (rename(tmp, path) != 0) {
        const int e = errno;
        remove(tmp);
        return cs_fail(CS_ERR_IO, "%s: cannot rename %s over it (%s)", path, tmp, strerror(e));
    }
    return CS_OK;
}

/* ---- loading ---------------------------------------------------------------------------- */

cs_status cs_image_load_as_dataset(const char *path, int c, int h, int w, cs_dataset *out)
{
    return cs_image_load_as_dataset_budget(path, c, h, w, NULL, out);
}

cs_status cs_image_load_as_dataset_budget(const char *path, int c, int h, int w, const cs_image_budget *budget,
                                          cs_dataset *out)
{
    return cs_image_load_as_dataset_info(path, c, h, w, budget, out, NULL);
}

cs_status cs_image_load_as_dataset_info(const char *path, int c, int h, int w, const cs_image_budget *budget,
                                        cs_dataset *out, cs_image_info *info)
{
    memset(out, 0, sizeof *out);
    if (c != 1 && c != 3) return cs_fail(CS_ERR_ARG, "%s: the net takes %d channels; images give 1 or 3", path, c);
    cs_image img;
    cs_status st = cs_image_read(&img, path, c, budget);
    if (st) return st;
    if (info) info->w = img.w, info->h = img.h, info->file_channels = img.file_channels, info->format = img.format;
    const char *base = strrchr(path, '/');
    cs_dataset one;
    st = cs_dataset_init(&one, base ? base + 1 : path, 1, c, img.h, img.w, 1);
    if (!st) {
        /* interleaved (h, w, c) to planes (c, h, w) */
        const size_t plane = (size_t)img.h * img.w;
        for (int ch = 0; ch < c; ch++)
            for (size_t i = 0; i < plane; i++) one.pixels[(size_t)ch * plane + i] = img.px[i * c + ch];
        st = cs_dataset_adapt(out, &one, c, h, w);
        cs_dataset_free(&one);
    }
    cs_image_free(&img);
    return st;
}
