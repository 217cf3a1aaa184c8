/* cs_font.c - SDL_ttf faces at any size, advances and glyph coverage (see cs_font.h). Sizes are
 * opened on first use and kept in a small cache, the least recently used closed when it is full;
 * each size keeps its advances in a little hash table, since layouts measure a lot. The CJK
 * fallback is found once with fontconfig and opened at a size's px next to DejaVu. */
#include "cs_font.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>
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

enum { SIZES = 48, ADVANCES = 2048, MIN_PX = 4, MAX_PX = 400 }; /* advances: room for a page of Chinese */

typedef struct {
    uint32_t cp; /* 0: empty */
    float advance;
} advance_slot;

typedef struct {
    TTF_Font *font;   /* owned; NULL: slot free */
    TTF_Font *cjk;    /* owned: the CJK fallback at the same px (NULL: none, or not opened yet) */
    int cjk_tried;
    cs_face face;
    int px;
    unsigned long used;
    advance_slot adv[ADVANCES];
} size_entry;

struct cs_fonts {
    char path[CS_FACE_COUNT][1200];
    char cjk_path[1200];  /* "" when there is no CJK font */
    int cjk_index;
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
    if (e->cjk) TTF_CloseFont(e->cjk);
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

/* 1 when the font file at (path, index) has every code point of the test string. */
static int covers_test(FcPattern *font)
{
    static const FcChar32 test[] = {0x4E2D, 0x6587, 0x5377, 0x79EF, 0x7F51, 0x7EDC}; /* 中文卷积网络 */
    FcCharSet *cs = NULL;
    if (FcPatternGetCharSet(font, FC_CHARSET, 0, &cs) != FcResultMatch || !cs) return 0;
    for (size_t i = 0; i < sizeof test / sizeof test[0]; i++)
        if (!FcCharSetHasChar(cs, test[i])) return 0;
    return 1;
}

/* The first font of fontconfig's sorted list for `query` that covers the test string. */
static int find_in(FcConfig *cfg, const char *query, char *path, size_t size, int *index)
{
    FcPattern *pat = FcNameParse((const FcChar8 *)query);
    if (!pat) return 0;
    FcConfigSubstitute(cfg, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcFontSet *set = FcFontSort(cfg, pat, FcFalse, NULL, &res);
    int found = 0;
    for (int i = 0; set && i < set->nfont && !found; i++) {
        FcChar8 *file = NULL;
        int idx = 0;
        if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) != FcResultMatch || !file) continue;
        if (FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &idx) != FcResultMatch) idx = 0;
        if (!covers_test(set->fonts[i]) || !readable((const char *)file)) continue;
        snprintf(path, size, "%s", (const char *)file);
        *index = idx;
        found = 1;
    }
    if (set) FcFontSetDestroy(set);
    FcPatternDestroy(pat);
    return found;
}

cs_status cs_fonts_find_cjk(char *path, size_t size, int *index)
{
    *index = 0;
    if (size) path[0] = '\0';
    /* a configuration of our own (not FcInit's process-wide one), so tests may point
     * FONTCONFIG_FILE elsewhere between calls */
    FcConfig *cfg = FcInitLoadConfigAndFonts();
    if (!cfg) return cs_fail(CS_ERR_IO, "fontconfig could not load its configuration; Chinese text needs a CJK font "
                                        "(Debian: apt-get install fonts-wqy-microhei)");
    const int found = find_in(cfg, ":lang=zh-cn", path, size, index) || find_in(cfg, ":lang=zh-tw", path, size, index) ||
                      find_in(cfg, ":lang=ja", path, size, index);
    FcConfigDestroy(cfg);
    if (!found)
        return cs_fail(CS_ERR_IO, "no font with Chinese characters found through fontconfig (fc-list :lang=zh is "
                                  "empty); install one, e.g. apt-get install fonts-wqy-microhei");
    return CS_OK;
}

const char *cs_fonts_cjk_path(const cs_fonts *f) { return f->cjk_path; }

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
    /* no CJK font is not an error here: Latin text needs none, and the lesson refuses Chinese
     * before it opens a window without one */
    if (cs_fonts_find_cjk(f->cjk_path, sizeof f->cjk_path, &f->cjk_index) != CS_OK) f->cjk_path[0] = '\0';
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

/* The CJK fallback at e's size, opened on first need; NULL when there is none. */
static TTF_Font *cjk_of(cs_fonts *f, size_entry *e)
{
    if (!e->cjk_tried && f->cjk_path[0]) {
        e->cjk_tried = 1;
        e->cjk = TTF_OpenFontIndex(f->cjk_path, e->px, f->cjk_index);
        if (e->cjk) TTF_SetFontHinting(e->cjk, TTF_HINTING_LIGHT);
    }
    return e->cjk;
}

/* Which font draws cp: DejaVu when it has the glyph, else the CJK fallback when that has it,
 * else DejaVu's '?' (*cp becomes '?'). */
static TTF_Font *font_for(cs_fonts *f, size_entry *e, uint32_t *cp)
{
    if (TTF_GlyphIsProvided32(e->font, *cp)) return e->font;
    TTF_Font *cjk = cjk_of(f, e);
    if (cjk && TTF_GlyphIsProvided32(cjk, *cp)) return cjk;
    *cp = '?';
    return e->font;
}

static float advance_of(cs_fonts *f, size_entry *e, uint32_t cp)
{
    TTF_Font *font = font_for(f, e, &cp);
    unsigned h = (cp * 2654435761u) % ADVANCES;
    for (int probe = 0; probe < ADVANCES; probe++, h = (h + 1) % ADVANCES) {
        if (e->adv[h].cp == cp) return e->adv[h].advance;
        if (e->adv[h].cp == 0) break;
    }
    int minx, maxx, miny, maxy, adv = 0;
    if (TTF_GlyphMetrics32(font, cp, &minx, &maxx, &miny, &maxy, &adv) != 0) adv = 0;
    if (e->adv[h].cp == 0) e->adv[h] = (advance_slot){cp, (float)adv};
    return (float)adv;
}

float cs_fonts_width(cs_fonts *f, cs_face face, int px, const char *s)
{
    size_entry *e = entry(f, face, px);
    if (!e) return 0;
    float w = 0;
    while (*s) w += advance_of(f, e, cs_utf8_next(&s));
    return w;
}

int cs_fonts_has_glyph(cs_fonts *f, cs_face face, uint32_t cp)
{
    size_entry *e = entry(f, face, 14);
    if (!e) return 0;
    uint32_t c = cp;
    font_for(f, e, &c);
    return c == cp;
}

static float measure_cb(void *ctx, cs_face face, int px, const char *text) { return cs_fonts_width(ctx, face, px, text); }

cs_measure cs_fonts_measure(cs_fonts *f) { return (cs_measure){measure_cb, f}; }

int cs_fonts_glyph(cs_fonts *f, cs_face face, int px, uint32_t cp, const uint8_t **cov, int *w, int *h, float *advance)
{
    size_entry *e = entry(f, face, px);
    if (!e) return -1;
    TTF_Font *font = font_for(f, e, &cp);
    *advance = advance_of(f, e, cp);
    *w = *h = 0, *cov = NULL;
    if (cp == ' ') return 0;
    SDL_Color white = {255, 255, 255, 255};
    SDL_Surface *surf = TTF_RenderGlyph32_Blended(font, cp, white);
    if (!surf) return -1;
    /* a fallback glyph sits on DejaVu's baseline: rows move down by the difference of ascents
     * (rows above DejaVu's line top are blank in CJK fonts, whose ink stays within the em) */
    const int shift = font == e->font ? 0 : TTF_FontAscent(e->font) - TTF_FontAscent(font);
    const int out_h = surf->h + shift > 0 ? surf->h + shift : 0;
    const size_t need = (size_t)surf->w * (size_t)(out_h > surf->h ? out_h : surf->h) + 1;
    if (need > f->cov_size) {
        uint8_t *nc = realloc(f->cov, need);
        if (!nc) {
            SDL_FreeSurface(surf);
            return -1;
        }
        f->cov = nc, f->cov_size = need;
    }
    const SDL_PixelFormat *fmt = surf->format;
    for (int y = 0; y < out_h; y++) {
        uint8_t *dst = f->cov + (size_t)y * surf->w;
        const int sy = y - shift;
        if (sy < 0 || sy >= surf->h) {
            memset(dst, 0, (size_t)surf->w);
            continue;
        }
        const uint32_t *row = (const uint32_t *)((const uint8_t *)surf->pixels + (size_t)sy * surf->pitch);
        for (int x = 0; x < surf->w; x++) dst[x] = (uint8_t)((row[x] & fmt->Amask) >> fmt->Ashift);
    }
    *w = surf->w, *h = out_h, *cov = f->cov;
    SDL_FreeSurface(surf);
    return 0;
}
