/* cs_label.h - text rendered into RGB pictures without a window: the labels of exported pictures
 * (layer, step, colour-bar numbers), in the project's DejaVu fonts through FreeType, antialiased
 * and blended onto the picture. The same bytes come out on every run, so exports can be compared
 * byte for byte. */
#ifndef CS_LABEL_H
#define CS_LABEL_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

typedef struct cs_label cs_label;

/* Finds the directory holding DejaVuSans.ttf: $CONVSCOPE_DATA_DIR/fonts, the fonts installed
 * beside the program (BIN/../share/convscope/fonts), the configured data dir, the source tree's
 * assets/fonts, Debian's /usr/share/fonts/truetype/dejavu. CS_ERR_IO naming the places tried. */
cs_status cs_label_find_fonts(char *dir, size_t size);

/* Opens DejaVuSans.ttf of dir (NULL: cs_label_find_fonts) at px pixels (8..200). The caller owns
 * *out: free with cs_label_destroy. */
cs_status cs_label_create(cs_label **out, const char *dir, int px);
void cs_label_destroy(cs_label *f);

/* Pixels from one line's top to the next line's top, and from the top to the baseline. */
int cs_label_line_height(const cs_label *f);
int cs_label_ascent(const cs_label *f);
/* Width in pixels of UTF-8 text (advances, with kerning). */
int cs_label_width(cs_label *f, const char *utf8);

/* Draws UTF-8 text with its top-left at (x, y) into rgb (h, w, 3), blending colour over what is
 * there by the glyphs' coverage; clipped to the picture. Returns the x after the text. */
int cs_label_draw(cs_label *f, uint8_t *rgb, int w, int h, int x, int y, const char *utf8, const uint8_t colour[3]);
/* The same without antialiasing (pixels at least half covered take the colour): one colour more,
 * for palette pictures such as GIF frames. */
int cs_label_draw_solid(cs_label *f, uint8_t *rgb, int w, int h, int x, int y, const char *utf8,
                        const uint8_t colour[3]);

#endif
