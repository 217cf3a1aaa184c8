/* cs_label.c - text into RGB pictures through FreeType (see cs_label.h). */
#define _DEFAULT_SOURCE
#include "cs_label.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#ifndef CS_DATADIR
#define CS_DATADIR ""
#endif
#ifndef CS_SOURCE_DATADIR
#define CS_SOURCE_DATADIR ""
#endif

struct cs_label {
    FT_Library lib;  /* owned */
    FT_Face face;    /* owned */
    int px, ascent, line_h;
};

static int has_font(const char *dir)
{
    char path[1200];
    snprintf(path, sizeof path, "%.1150s/DejaVuSans.ttf", dir);
    return access(path, R_OK) == 0;
}

cs_status cs_label_find_fonts(char *dir, size_t size)
{
    char cand[6][1024];
    int n = 0;
    const char *env = getenv("CONVSCOPE_DATA_DIR");
    if (env && *env) snprintf(cand[n++], sizeof cand[0], "%s/fonts", env);
    char exe[900];
    const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0', snprintf(cand[n++], sizeof cand[0], "%s/../share/convscope/fonts", exe);
    }
    if (*CS_DATADIR) snprintf(cand[n++], sizeof cand[0], "%s/fonts", CS_DATADIR);
    if (*CS_SOURCE_DATADIR) snprintf(cand[n++], sizeof cand[0], "%s/fonts", CS_SOURCE_DATADIR);
    snprintf(cand[n++], sizeof cand[0], "%s", "/usr/share/fonts/truetype/dejavu");
    for (int i = 0; i < n; i++)
        if (has_font(cand[i])) {
            snprintf(dir, size, "%s", cand[i]);
            return CS_OK;
        }
    char tried[4096] = "";
    for (int i = 0; i < n; i++) {
        const size_t used = strlen(tried);
        snprintf(tried + used, sizeof tried - used, "%s%s", i ? ", " : "", cand[i]);
    }
    return cs_fail(CS_ERR_IO, "DejaVuSans.ttf not found for the pictures' labels (looked in %s)", tried);
}

cs_status cs_label_create(cs_label **out, const char *dir, int px)
{
    *out = NULL;
    if (px < 8 || px > 200) return cs_fail(CS_ERR_ARG, "label size %d px is out of range (8..200)", px);
    char found[1024], path[1200];
    if (!dir) {
        cs_status st = cs_label_find_fonts(found, sizeof found);
        if (st) return st;
        dir = found;
    }
    snprintf(path, sizeof path, "%.1150s/DejaVuSans.ttf", dir);
    cs_label *f = calloc(1, sizeof *f);
    if (!f) return cs_fail(CS_ERR_NOMEM, "out of memory");
    if (FT_Init_FreeType(&f->lib)) {
        free(f);
        return cs_fail(CS_ERR_IO, "cannot start FreeType");
    }
    if (FT_New_Face(f->lib, path, 0, &f->face) || FT_Set_Pixel_Sizes(f->face, 0, (FT_UInt)px)) {
        cs_label_destroy(f);
        return cs_fail(CS_ERR_IO, "%s: cannot load the font at %d px", path, px);
    }
    f->px = px;
    f->ascent = (int)((f->face->size->metrics.ascender + 63) >> 6);
    f->line_h = (int)((f->face->size->metrics.height + 63) >> 6);
    *out = f;
    return CS_OK;
}

void cs_label_destroy(cs_label *f)
{
    if (!f) return;
    if (f->face) FT_Done_Face(f->face);
    if (f->lib) FT_Done_FreeType(f->lib);
    free(f);
}

int cs_label_line_height(const cs_label *f) { return f->line_h; }
int cs_label_ascent(const cs_label *f) { return f->ascent; }

/* The next code point of UTF-8 text (a bad byte reads as U+FFFD and is skipped). */
static unsigned long next_cp(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    unsigned long c = *p;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c >= 0x80 && c < 0xC0) extra = 0, c = 0xFFFD;
    else if (extra) c &= 0x3Fu >> extra;
    p++;
    for (int i = 0; i < extra; i++, p++) {
        if ((*p & 0xC0) != 0x80) {
            *s = (const char *)p;
            return 0xFFFD;
        }
        c = c << 6 | (*p & 0x3F);
    }
    *s = (const char *)p;
    return c;
}

/* Walks text glyph by glyph from pen x0 (26.6 inside), with kerning, drawing into rgb when it is
 * not NULL (else only measuring); solid: full colour where a glyph covers at least half a pixel.
 * Returns the pen's final x in pixels. */
static int walk(cs_label *f, const char *utf8, int x0, int y0, uint8_t *rgb, int w, int h, const uint8_t colour[3],
                int solid)
{
    FT_Face face = f->face;
    long pen = (long)x0 * 64;
    FT_UInt prev = 0;
    for (const char *s = utf8; *s;) {
        const unsigned long cp = next_cp(&s);
        const FT_UInt gi = FT_Get_Char_Index(face, cp);
        if (prev && gi && FT_HAS_KERNING(face)) {
            FT_Vector k;
            if (!FT_Get_Kerning(face, prev, gi, FT_KERNING_DEFAULT, &k)) pen += k.x;
        }
        if (FT_Load_Glyph(face, gi, rgb ? FT_LOAD_RENDER : FT_LOAD_DEFAULT)) continue;
        const FT_GlyphSlot g = face->glyph;
        if (rgb) {
            const FT_Bitmap *b = &g->bitmap;
            const int gx = (int)((pen + 32) >> 6) + g->bitmap_left, gy = y0 + f->ascent - g->bitmap_top;
            for (unsigned r = 0; r < b->rows; r++) {
                const int y = gy + (int)r;
                if (y < 0 || y >= h) continue;
                for (unsigned c = 0; c < b->width; c++) {
                    const int x = gx + (int)c;
                    unsigned a = b->buffer[(size_t)r * (size_t)b->pitch + c];
                    if (solid) a = a >= 128 ? 255 : 0;
                    if (x < 0 || x >= w || a == 0) continue;
                    uint8_t *px = rgb + 3 * ((size_t)y * (size_t)w + (size_t)x);
                    for (int ch = 0; ch < 3; ch++) px[ch] = (uint8_t)((px[ch] * (255u - a) + colour[ch] * a + 127u) / 255u);
                }
            }
        }
        pen += g->advance.x;
        prev = gi;
    }
    return (int)((pen + 63) >> 6);
}

int cs_label_width(cs_label *f, const char *utf8) { return walk(f, utf8, 0, 0, NULL, 0, 0, NULL, 0); }

int cs_label_draw(cs_label *f, uint8_t *rgb, int w, int h, int x, int y, const char *utf8, const uint8_t colour[3])
{
    return walk(f, utf8, x, y, rgb, w, h, colour, 0);
}

int cs_label_draw_solid(cs_label *f, uint8_t *rgb, int w, int h, int x, int y, const char *utf8,
                        const uint8_t colour[3])
{
    return walk(f, utf8, x, y, rgb, w, h, colour, 1);
}
