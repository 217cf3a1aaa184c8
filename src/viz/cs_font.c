/* cs_font.c - SDL_ttf faces at any size, advances and glyph coverage (see cs_font.h). Sizes are
 * opened on first use and kept in a small cache, the least recently used closed when it is full;
 * each size keeps its advances in a little hash table, since layouts measure a lot. */
#include "cs_font.h"

#include <SDL.h>
#include <SDL_ttf.h>
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

enum { SIZES = 48, ADVANCES = 512, MIN_PX = 4, MAX_PX = 400 };

typedef struct {
    uint32_t cp; /* 0: empty */
    float advance;
} advance_slot;

typedef struct {
    TTF_Font *font;   /* owned; NULL: slot free */
    cs_face face;
    int px;
    unsigned long used;
    advance_slot adv[ADVANCES];
} size_entry;

struct cs_fonts {
    char path[CS_FACE_COUNT][1200];
    size_entry sizes[SIZES];
    unsigned long clock;
    uint8_t *cov;     /* owned scratch of the last glyph */
    size_t cov_size;
};

static int readable(const char *path) { return access(path, R_OK) == 0; }

static int has_fonts(const char *dir)
{
    char a[1200], b[1200];
    snprintf(a, sizeof a, "%.1100s/DejaVuSans.ttf", dir);
    snprintf(b, sizeof b, "%.1100s/DejaVuSansMono.ttf", dir);
    return readable(a) && readable(b);
}

cs_status cs_fonts_find_dir(const char *base_dir, char *dir, size_t size)
{
    char cand[6][1024];
    int n = 0;
    const char *env = getenv("CONVSCOPE_DATA_DIR");
    if (env && *env) snprintf(cand[n++], sizeof cand[0], "%.1000s/fonts", env);
    if (base_dir && *base_dir) {
        /* SDL_GetBasePath ends in a separator */
        snprintf(cand[n++], sizeof cand[0], "%.1000sfonts", base_dir);
        snprintf(cand[n++], sizeof cand[0], "%.990s../share/convscope/fonts", base_dir);
    }
    if (*CS_DATADIR) snprintf(cand[n++], sizeof cand[0], "%.1000s/fonts", CS_DATADIR);
    if (*CS_SOURCE_DATADIR) snprintf(cand[n++], sizeof cand[0], "%.1000s/fonts", CS_SOURCE_DATADIR);
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

static void close_entry(size_entry *e)
{
    if (e->font) TTF_CloseFont(e->font);
    memset(e, 0, sizeof *e);
}

/* The entry of face at px, opened on first use; NULL if the font cannot be opened. */
static size_entry *entry(cs_fonts *f, cs_face face, int px)
{
    px = px < MIN_PX ? MIN_PX : px > MAX_PX ? MAX_PX : px;
    size_entry *victim = &f->sizes[0];
    f->clock++;
    for (int i = 0; i < SIZES; i++) {
        size_entry *e = &f->sizes[i];
        if (e->font && e->face == face && e->px == px) {
            e->used = f->clock;
            return e;
        }
        if (!e->font) victim = e, victim->used = 0;
        else if (victim->font && e->used < victim->used) victim = e;
    }
    close_entry(victim);
    victim->font = TTF_OpenFont(f->path[face], px);
    if (!victim->font) return NULL;
    TTF_SetFontHinting(victim->font, TTF_HINTING_LIGHT);
    victim->face = face, victim->px = px, victim->used = f->clock;
    return victim;
}

cs_status cs_fonts_create(cs_fonts **out, const char *dir)
{
    *out = NULL;
    cs_fonts *f = calloc(1, sizeof *f);
    if (!f) return cs_fail(CS_ERR_NOMEM, "out of memory");
    snprintf(f->path[CS_FACE_SANS], sizeof f->path[0], "%.1100s/DejaVuSans.ttf", dir);
    snprintf(f->path[CS_FACE_MONO], sizeof f->path[0], "%.1100s/DejaVuSansMono.ttf", dir);
    for (int face = 0; face < CS_FACE_COUNT; face++)
        if (!entry(f, (cs_face)face, 14)) {
            cs_status st = cs_fail(CS_ERR_IO, "cannot open font %s: %s", f->path[face], TTF_GetError());
            cs_fonts_destroy(f);
            return st;
        }
    *out = f;
    return CS_OK;
}

void cs_fonts_destroy(cs_fonts *f)
{
    if (!f) return;
    for (int i = 0; i < SIZES; i++) close_entry(&f->sizes[i]);
    free(f->cov);
    free(f);
}

uint32_t cs_utf8_next(const char **s)
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

static uint32_t provided(TTF_Font *font, uint32_t cp) { return TTF_GlyphIsProvided32(font, cp) ? cp : '?'; }

static float advance_of(size_entry *e, uint32_t cp)
{
    cp = provided(e->font, cp);
    unsigned h = (cp * 2654435761u) % ADVANCES;
    for (int probe = 0; probe < ADVANCES; probe++, h = (h + 1) % ADVANCES) {
        if (e->adv[h].cp == cp) return e->adv[h].advance;
        if (e->adv[h].cp == 0) break;
    }
    int minx, maxx, miny, maxy, adv = 0;
    if (TTF_GlyphMetrics32(e->font, cp, &minx, &maxx, &miny, &maxy, &adv) != 0) adv = 0;
    if (e->adv[h].cp == 0) e->adv[h] = (advance_slot){cp, (float)adv};
    return (float)adv;
}

float cs_fonts_width(cs_fonts *f, cs_face face, int px, const char *s)
{
    size_entry *e = entry(f, face, px);
    if (!e) return 0;
    float w = 0;
    while (*s) w += advance_of(e, cs_utf8_next(&s));
    return w;
}

static float measure_cb(void *ctx, cs_face face, int px, const char *text) { return cs_fonts_width(ctx, face, px, text); }

cs_measure cs_fonts_measure(cs_fonts *f) { return (cs_measure){measure_cb, f}; }

int cs_fonts_glyph(cs_fonts *f, cs_face face, int px, uint32_t cp, const uint8_t **cov, int *w, int *h, float *advance)
{
    size_entry *e = entry(f, face, px);
    if (!e) return -1;
    cp = provided(e->font, cp);
    *advance = advance_of(e, cp);
    *w = *h = 0, *cov = NULL;
    if (cp == ' ') return 0;
    SDL_Color white = {255, 255, 255, 255};
    SDL_Surface *surf = TTF_RenderGlyph32_Blended(e->font, cp, white);
    if (!surf) return -1;
    const size_t need = (size_t)surf->w * surf->h;
    if (need > f->cov_size) {
        uint8_t *nc = realloc(f->cov, need);
        if (!nc) {
            SDL_FreeSurface(surf);
            return -1;
        }
        f->cov = nc, f->cov_size = need;
    }
    const SDL_PixelFormat *fmt = surf->format;
    for (int y = 0; y < surf->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)surf->pixels + (size_t)y * surf->pitch);
        for (int x = 0; x < surf->w; x++) f->cov[(size_t)y * surf->w + x] = (uint8_t)((row[x] & fmt->Amask) >> fmt->Ashift);
    }
    *w = surf->w, *h = surf->h, *cov = f->cov;
    SDL_FreeSurface(surf);
    return 0;
}
