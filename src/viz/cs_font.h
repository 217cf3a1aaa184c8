/* cs_font.h - the window's fonts without GL: DejaVu Sans and DejaVu Sans Mono opened through
 * SDL_ttf at any pixel size on first use (a small cache of sizes), advance widths, and glyph
 * coverage for the text atlas (cs_text.h). Layouts measure text through cs_fonts_measure, the
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

/* Checks that both fonts open from dir. Destroy with cs_fonts_destroy. */
cs_status cs_fonts_create(cs_fonts **out, const char *dir);
void cs_fonts_destroy(cs_fonts *f);

/* Advance width in pixels of UTF-8 s (the sum of the glyphs' advances, as cs_text draws it). */
float cs_fonts_width(cs_fonts *f, cs_face face, int px, const char *s);
/* A cs_measure backed by cs_fonts_width; f is borrowed. */
cs_measure cs_fonts_measure(cs_fonts *f);

/* Glyph cp of face at px rendered as 8-bit coverage: *w x *h bytes in *cov (owned by f, valid
 * until the next call), the line's top at row 0, and its advance. Code points the font lacks come
 * out as '?'. 0 on success. */
int cs_fonts_glyph(cs_fonts *f, cs_face face, int px, uint32_t cp, const uint8_t **cov, int *w, int *h, float *advance);

/* Decodes one UTF-8 code point at *s and advances it; invalid bytes give U+FFFD. */
uint32_t cs_utf8_next(const char **s);

#endif
