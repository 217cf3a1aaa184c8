/* cs_text.h - text for the live window: SDL2_ttf glyphs rasterised once into the GL glyph atlas
 * and drawn as batched quads, so changing counters cost no texture uploads.
 *
 * Fonts: DejaVu Sans (proportional) and DejaVu Sans Mono, looked up in the data directories
 * the program ships them in (see cs_text_find_fonts). */
#ifndef CS_TEXT_H
#define CS_TEXT_H

#include <stddef.h>

#include "cs_error.h"
#include "cs_gl.h"
#include "cs_layout.h"

typedef struct cs_text cs_text;

/* Finds the directory holding DejaVuSans.ttf and DejaVuSansMono.ttf: $CONVSCOPE_DATA_DIR/fonts,
 * then `fonts` and `../share/convscope/fonts` next to the executable (base_dir, may be NULL),
 * then the installed data dir and the source tree's assets/ (both compiled in, the latter for a
 * build run uninstalled), then the system's DejaVu directory. Writes it to
 * dir; CS_ERR_IO naming every place tried if none has both fonts. */
cs_status cs_text_find_fonts(const char *base_dir, char *dir, size_t size);

/* Opens the fonts in font_dir at the sizes of cs_layout_font_px(.., scale). gl is borrowed and
 * must outlive the text. On failure cs_last_error() carries TTF_GetError(). Free with
 * cs_text_destroy. TTF_Init must have been called. */
cs_status cs_text_create(cs_text **out, cs_gl *gl, const char *font_dir, float scale);
void cs_text_destroy(cs_text *t);
/* Reopens the fonts for a new scale (no-op when unchanged); clears the glyph atlas. */
cs_status cs_text_set_scale(cs_text *t, float scale);

/* Advance width of a UTF-8 string in pixels. */
float cs_text_width(cs_text *t, cs_font_id font, const char *s);
/* Draws s with its line's top at y; returns the x after the last glyph. */
float cs_text_draw(cs_text *t, int layer, cs_font_id font, float x, float y, cs_rgba c, const char *s);
/* printf-style cs_text_draw (output cut at 512 bytes). */
float cs_text_drawf(cs_text *t, int layer, cs_font_id font, float x, float y, cs_rgba c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;
/* Draws s right-aligned so that it ends at x_right. */
void cs_text_draw_right(cs_text *t, int layer, cs_font_id font, float x_right, float y, cs_rgba c, const char *s);

#endif
