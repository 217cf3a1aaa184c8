/* cs_text.c - glyph-atlas text over cs_fonts (see cs_text.h). Glyphs of any face and size are
 * rasterised on first use into shelves of the atlas, found again through one hash table keyed by
 * face, size and code point; a full atlas is cleared and refilled. */
#include "cs_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { GLYPH_SLOTS = 8192 };

typedef struct {
    uint32_t cp;      /* 0: empty slot */
    uint16_t px;
    uint8_t face;
    int x, y, w, h;   /* atlas texels */
    float advance;
} glyph;

struct cs_text {
    cs_gl *gl;                     /* borrowed */
    cs_fonts *fonts;               /* owned */
    glyph slots[GLYPH_SLOTS];
    int used;
    int shelf_x, shelf_y, shelf_h; /* atlas packing cursor */
    unsigned long resets;
};

static void clear_atlas(cs_text *t)
{
    for (int j = 0; j < GLYPH_SLOTS; j++) t->slots[j].cp = 0;
    t->used = 0;
    t->shelf_x = CS_GL_ATLAS_RESERVED + 1, t->shelf_y = 0, t->shelf_h = CS_GL_ATLAS_RESERVED;
}

cs_status cs_text_create(cs_text **out, cs_gl *gl, const char *font_dir)
{
    *out = NULL;
    cs_text *t = calloc(1, sizeof *t);
    if (!t) return cs_fail(CS_ERR_NOMEM, "out of memory");
    t->gl = gl;
    cs_status st = cs_fonts_create(&t->fonts, font_dir);
    if (st) {
        free(t);
        return st;
    }
    clear_atlas(t);
    *out = t;
    return CS_OK;
}

void cs_text_destroy(cs_text *t)
{
    if (!t) return;
    cs_fonts_destroy(t->fonts);
    free(t);
}

unsigned long cs_text_atlas_resets(const cs_text *t) { return t->resets; }

/* The cached glyph, rasterised into the atlas on first use; NULL if it cannot be. */
static const glyph *get_glyph(cs_text *t, cs_face face, int px, uint32_t cp)
{
    unsigned h = ((cp * 2654435761u) ^ ((unsigned)px * 40503u) ^ ((unsigned)face * 977u)) % GLYPH_SLOTS;
    for (int probe = 0; probe < GLYPH_SLOTS; probe++, h = (h + 1) % GLYPH_SLOTS) {
        const glyph *g = &t->slots[h];
        if (g->cp == cp && g->px == px && g->face == face) return g;
        if (g->cp == 0) break;
    }
    if (t->used > GLYPH_SLOTS * 3 / 4) {
        /* the table is getting full: start again */
        clear_atlas(t), t->resets++;
        return get_glyph(t, face, px, cp);
    }
    const uint8_t *cov;
    int w, hh;
    float adv;
    if (cs_fonts_glyph(t->fonts, face, px, cp, &cov, &w, &hh, &adv) != 0) return NULL;
    glyph g = {cp, (uint16_t)px, (uint8_t)face, 0, 0, 0, 0, adv};
    if (w > 0 && hh > 0) {
        if (t->shelf_x + w + 1 > CS_GL_ATLAS_SIZE) t->shelf_x = 0, t->shelf_y += t->shelf_h + 1, t->shelf_h = 0;
        if (w + 1 > CS_GL_ATLAS_SIZE || hh + 1 > CS_GL_ATLAS_SIZE) return NULL;
        if (t->shelf_y + hh + 1 > CS_GL_ATLAS_SIZE) {
            /* atlas full: start again; glyphs are re-rasterised as they are drawn */
            clear_atlas(t), t->resets++;
            return get_glyph(t, face, px, cp);
        }
        g.x = t->shelf_x, g.y = t->shelf_y, g.w = w, g.h = hh;
        cs_gl_atlas_upload(t->gl, g.x, g.y, w, hh, cov);
        t->shelf_x += w + 1;
        if (hh > t->shelf_h) t->shelf_h = hh;
    }
    t->slots[h] = g;
    t->used++;
    return &t->slots[h];
}

float cs_text_width(cs_text *t, cs_face face, int px, const char *s) { return cs_fonts_width(t->fonts, face, px, s); }

cs_measure cs_text_measure(cs_text *t) { return cs_fonts_measure(t->fonts); }

float cs_text_draw(cs_text *t, int layer, cs_face face, int px, float x, float y, cs_rgba c, const char *s)
{
    x = roundf(x), y = roundf(y);
    while (*s) {
        const uint32_t cp = cs_utf8_next(&s);
        const glyph *g = get_glyph(t, face, px, cp);
        if (!g) continue;
        if (g->w > 0)
            cs_gl_glyph(t->gl, layer, (cs_rect){x, y, (float)g->w, (float)g->h}, (float)g->x, (float)g->y,
                        (float)(g->x + g->w), (float)(g->y + g->h), c);
        x += g->advance;
    }
    return x;
}
