/* cs_text.h - text for the live window: glyphs from cs_fonts (any face and pixel size)
 * rasterised once into the GL glyph atlas and drawn as batched quads, so changing counters cost
 * no texture uploads. Views do not call this directly: every string goes through the text box
 * call (cs_ui.h), which fits it into its box and records it for --dump-text. */
#ifndef CS_TEXT_H
#define CS_TEXT_H

#include <stddef.h>

#include "cs_error.h"
#include "cs_fit.h"
#include "cs_font.h"
#include "cs_gl.h"

typedef struct cs_text cs_text;

/* Opens the fonts in font_dir (cs_fonts_find_dir). gl is borrowed and must outlive the text.
 * Free with cs_text_destroy. TTF_Init must have been called. */
cs_status cs_text_create(cs_text **out, cs_gl *gl, const char *font_dir);
void cs_text_destroy(cs_text *t);

/* Advance width of a UTF-8 string in pixels. */
float cs_text_width(cs_text *t, cs_face face, int px, const char *s);
/* The measure layouts fit with (the fonts' advances); t is borrowed. */
cs_measure cs_text_measure(cs_text *t);
/* Draws s with its line's top at y; returns the x after the last glyph. */
float cs_text_draw(cs_text *t, int layer, cs_face face, int px, float x, float y, cs_rgba c, const char *s);

/* How many times the glyph atlas was full and cleared: when it changes during a frame, glyphs
 * batched before are stale and the frame must be drawn again. */
unsigned long cs_text_atlas_resets(const cs_text *t);

#endif
