/* cs_font.h - the window's fonts without GL: DejaVu Sans and DejaVu Sans Mono opened through
 * SDL_ttf at any pixel size on first use (a small cache of sizes), advance widths, and glyph
 * coverage for the text atlas (cs_text.h). Latin text keeps DejaVu; a code point DejaVu lacks
 * (Chinese, Japanese, Korean) comes from a CJK font found through fontconfig, glyph by glyph, on
 * DejaVu's baseline, so a string mixing "6600" and Chinese shows both. Layouts measure text through cs_fonts_measure, the
 * same advances the drawing uses, so a string a layout measured is drawn exactly as wide; tests
 * that recompute a layout outside the window measure with the same fonts.
 *
 * TTF_Init must have been called before cs_fonts_create and TTF_Quit after cs_fonts_destroy. */
#ifndef CS_FONT_H
#define CS_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"
#include "cs_fit.h"

typedef struct cs_fonts cs_fonts;

/* Finds the directory holding DejaVuSans.ttf and DejaVuSansMono.ttf: $CONVSCOPE_DATA_DIR/fonts,
 * then `fonts` and `../share/convscope/fonts` next to the executable (base_dir, may be NULL),
 * then the installed data dir and the source tree's assets/ (both compiled in, the latter for a
 * build run uninstalled), then the system's DejaVu directory. Writes it to dir; CS_ERR_IO naming
 * every place tried if none has both fonts. */
cs_status cs_fonts_find_dir(const char *base_dir, char *dir, size_t size);

/* Checks that both fonts open from dir, and adds the CJK font cs_fonts_find_cjk finds (if any)
 * as the fallback of both faces. Destroy with cs_fonts_destroy. */
cs_status cs_fonts_create(cs_fonts **out, const char *dir);
void cs_fonts_destroy(cs_fonts *f);

/* Asks fontconfig for a font of Simplified Chinese (":lang=zh-cn", then any CJK font) that has
 * the glyphs of the test string "中文卷积网络" and can be opened: writes its file and face index
 * (for .ttc collections). CS_ERR_IO with a line a user can act on when there is none (install
 * fonts-wqy-microhei or fonts-noto-cjk). FONTCONFIG_FILE pointing at an empty configuration
 * simulates a machine without one. */
cs_status cs_fonts_find_cjk(char *path, size_t size, int *index);
/* The CJK fallback's file ("" when there is none). Borrowed. */
const char *cs_fonts_cjk_path(const cs_fonts *f);

/* Advance width in pixels of UTF-8 s (the sum of the glyphs' advances, as cs_text draws it). */
float cs_fonts_width(cs_fonts *f, cs_face face, int px, const char *s);
/* A cs_measure backed by cs_fonts_width; f is borrowed. */
cs_measure cs_fonts_measure(cs_fonts *f);

/* Glyph cp of face at px rendered as 8-bit coverage: *w x *h bytes in *cov (owned by f, valid
 * until the next call), the line's top at row 0, and its advance. A code point DejaVu lacks comes
 * from the CJK fallback, moved onto DejaVu's baseline; one neither has comes out as '?'. 0 on
 * success. */
int cs_fonts_glyph(cs_fonts *f, cs_face face, int px, uint32_t cp, const uint8_t **cov, int *w, int *h, float *advance);

/* 1 when face has a glyph for cp (DejaVu or the CJK fallback). */
int cs_fonts_has_glyph(cs_fonts *f, cs_face face, uint32_t cp);

/* Decodes one UTF-8 code point at *s and advances it; invalid bytes give U+FFFD. */
uint32_t cs_utf8_next(const char **s);

#endif
