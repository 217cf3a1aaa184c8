/* cs_text.c - glyph-atlas text over SDL2_ttf (see cs_text.h). Glyphs are rasterised on first use
 * into shelves of the atlas; a full atlas is cleared and refilled. */
#include "cs_text.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CS_DATADIR
#define CS_DATADIR ""
#endif
#ifndef CS_SOURCE_DATADIR
#define CS_SOURCE_DATADIR ""
#endif

enum { GLYPH_SLOTS = 1024 };

typedef struct {
    uint32_t cp;      /* 0: empty slot */
    int x, y, w, h;   /* atlas texels */
    float advance;
} glyph;

typedef struct {
    TTF_Font *font;   /* owned */
    float ascent_fix; /* unused space above the ascent, kept 0: lines start at the font's top */
    glyph slots[GLYPH_SLOTS];
} font_cache;

struct cs_text {
    cs_gl *gl;                     /* borrowed */
    char dir[1024];
    float scale;
    font_cache f[CS_FONT_COUNT];
    int shelf_x, shelf_y, shelf_h; /* atlas packing cursor */
    uint8_t *scratch;              /* coverage of one glyph, owned */
    size_t scratch_size;
};

static int readable(const char *path) { return access(path, R_OK) == 0; }

static int has_fonts(const char *dir)
{
    char a[1200], b[1200];
    snprintf(a, sizeof a, "%.1100s/DejaVuSans.ttf", dir);
    snprintf(b, sizeof b, "%.1100s/DejaVuSansMono.ttf", dir);
    return readable(a) && readable(b);
}

cs_status cs_text_find_fonts(const char *base_dir, char *dir, size_t size)
{
    char cand[6][1024];
    int n = 0;
    const char *env = getenv("CONVSCOPE_DATA_DIR");
    if (env && *env) snprintf(cand[n++], sizeof cand[0], "%s/fonts", env);
    if (base_dir && *base_dir) {
        /* SDL_GetBasePath ends in a separator */
        snprintf(cand[n++], sizeof cand[0], "%sfonts", base_dir);
        snprintf(cand[n++], sizeof cand[0], "%s../share/convscope/fonts", base_dir);
    }
    if (*CS_DATADIR) snprintf(cand[n++], sizeof cand[0], "%s/fonts", CS_DATADIR);
    if (*CS_SOURCE_DATADIR) snprintf(cand[n++], sizeof cand[0], "%s/fonts", CS_SOURCE_DATADIR);
    snprintf(cand[n++], sizeof cand[0], "%s", "/usr/share/fonts/truetype/dejavu");
    for (int i = 0; i < n; i++) {
        if (has_fonts(cand[i])) {
            snprintf(dir, size, "%s", cand[i]);
            return CS_OK;
        }
    }
    char tried[4096] = "";
    for (int i = 0; i < n; i++) {
        size_t len = strlen(tried);
        snprintf(tried + len, sizeof tried - len, "%s%s", i ? ", " : "", cand[i]);
    }
    return cs_fail(CS_ERR_IO, "DejaVuSans.ttf and DejaVuSansMono.ttf not found (looked in %s)", tried);
}

static void close_fonts(cs_text *t)
{
    for (int i = 0; i < CS_FONT_COUNT; i++) {
        if (t->f[i].font) TTF_CloseFont(t->f[i].font);
        memset(&t->f[i], 0, sizeof t->f[i]);
    }
}

static void clear_atlas(cs_text *t)
{
    for (int i = 0; i < CS_FONT_COUNT; i++)
        for (int j = 0; j < GLYPH_SLOTS; j++) t->f[i].slots[j].cp = 0;
    t->shelf_x = CS_GL_ATLAS_RESERVED + 1, t->shelf_y = 0, t->shelf_h = CS_GL_ATLAS_RESERVED;
}

static cs_status open_fonts(cs_text *t, float scale)
{
    close_fonts(t);
    for (int i = 0; i < CS_FONT_COUNT; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", t->dir, i == CS_FONT_MONO ? "DejaVuSansMono.ttf" : "DejaVuSans.ttf");
        int px = (int)cs_layout_font_px((cs_font_id)i, scale);
        t->f[i].font = TTF_OpenFont(path, px < 6 ? 6 : px);
        if (!t->f[i].font) {
            cs_status st = cs_fail(CS_ERR_IO, "cannot open font %s: %s", path, TTF_GetError());
            close_fonts(t);
            return st;
        }
        TTF_SetFontHinting(t->f[i].font, TTF_HINTING_LIGHT);
    }
    t->scale = scale;
    clear_atlas(t);
    return CS_OK;
}

cs_status cs_text_create(cs_text **out, cs_gl *gl, const char *font_dir, float scale)
{
    *out = NULL;
    cs_text *t = calloc(1, sizeof *t);
    if (!t) return cs_fail(CS_ERR_NOMEM, "out of memory");
    t->gl = gl;
    snprintf(t->dir, sizeof t->dir, "%s", font_dir);
    cs_status st = open_fonts(t, scale);
    if (st) {
        free(t);
        return st;
    }
    *out = t;
    return CS_OK;
}

void cs_text_destroy(cs_text *t)
{
    if (!t) return;
    close_fonts(t);
    free(t->scratch);
    free(t);
}

cs_status cs_text_set_scale(cs_text *t, float scale)
{
    if (fabsf(scale - t->scale) < 1e-4f) return CS_OK;
    return open_fonts(t, scale);
}

/* Decodes one UTF-8 code point at *s and advances it; invalid bytes give U+FFFD. */
static uint32_t next_cp(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0) {
        *s += 1;
        return 0xFFFD;
    }
    if (n > 0) c &= 0x3Fu >> n;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += i;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *s += n + 1;
    return c;
}

/* The cached glyph of cp in font i, rasterised into the atlas on first use; NULL if it cannot be. */
static const glyph *get_glyph(cs_text *t, int i, uint32_t cp)
{
    font_cache *fc = &t->f[i];
    if (!TTF_GlyphIsProvided32(fc->font, cp)) cp = '?';
    unsigned h = (cp * 2654435761u) % GLYPH_SLOTS;
    for (int probe = 0; probe < GLYPH_SLOTS; probe++, h = (h + 1) % GLYPH_SLOTS) {
        if (fc->slots[h].cp == cp) return &fc->slots[h];
        if (fc->slots[h].cp == 0) break;
    }
    if (fc->slots[h].cp != 0) return NULL; /* table full */
    int minx, maxx, miny, maxy, adv;
    if (TTF_GlyphMetrics32(fc->font, cp, &minx, &maxx, &miny, &maxy, &adv) != 0) return NULL;
    glyph g = {cp, 0, 0, 0, 0, (float)adv};
    if (cp != ' ') {
        SDL_Color white = {255, 255, 255, 255};
        SDL_Surface *surf = TTF_RenderGlyph32_Blended(fc->font, cp, white);
        if (!surf) return NULL;
        int w = surf->w, hh = surf->h;
        if (t->shelf_x + w + 1 > CS_GL_ATLAS_SIZE) {
            t->shelf_x = 0, t->shelf_y += t->shelf_h + 1, t->shelf_h = 0;
        }
        if (t->shelf_y + hh + 1 > CS_GL_ATLAS_SIZE || w + 1 > CS_GL_ATLAS_SIZE) {
            /* atlas full: start again; glyphs are re-rasterised as they are drawn */
            SDL_FreeSurface(surf);
            clear_atlas(t);
            return get_glyph(t, i, cp);
        }
        size_t need = (size_t)w * hh;
        if (need > t->scratch_size) {
            uint8_t *ns = realloc(t->scratch, need);
            if (!ns) {
                SDL_FreeSurface(surf);
                return NULL;
            }
            t->scratch = ns, t->scratch_size = need;
        }
        const SDL_PixelFormat *fmt = surf->format;
        for (int y = 0; y < hh; y++) {
            const uint32_t *row = (const uint32_t *)((const uint8_t *)surf->pixels + (size_t)y * surf->pitch);
            for (int x = 0; x < w; x++) t->scratch[(size_t)y * w + x] = (uint8_t)((row[x] & fmt->Amask) >> fmt->Ashift);
        }
        SDL_FreeSurface(surf);
        g.x = t->shelf_x, g.y = t->shelf_y, g.w = w, g.h = hh;
        cs_gl_atlas_upload(t->gl, g.x, g.y, w, hh, t->scratch);
        t->shelf_x += w + 1;
        if (hh > t->shelf_h) t->shelf_h = hh;
    }
    fc->slots[h] = g;
    return &fc->slots[h];
}

float cs_text_width(cs_text *t, cs_font_id font, const char *s)
{
    float w = 0;
    while (*s) {
        const glyph *g = get_glyph(t, font, next_cp(&s));
        if (g) w += g->advance;
    }
    return w;
}

float cs_text_draw(cs_text *t, int layer, cs_font_id font, float x, float y, cs_rgba c, const char *s)
{
    x = roundf(x), y = roundf(y);
    while (*s) {
        const glyph *g = get_glyph(t, font, next_cp(&s));
        if (!g) continue;
        if (g->w > 0)
            cs_gl_glyph(t->gl, layer, (cs_rect){x, y, (float)g->w, (float)g->h}, (float)g->x, (float)g->y,
                        (float)(g->x + g->w), (float)(g->y + g->h), c);
        x += g->advance;
    }
    return x;
}

float cs_text_drawf(cs_text *t, int layer, cs_font_id font, float x, float y, cs_rgba c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cs_text_draw(t, layer, font, x, y, c, buf);
}

void cs_text_draw_right(cs_text *t, int layer, cs_font_id font, float x_right, float y, cs_rgba c, const char *s)
{
    cs_text_draw(t, layer, font, x_right - cs_text_width(t, font, s), y, c, s);
}
