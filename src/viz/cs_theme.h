/* cs_theme.h - the palette every view of the window shares, and the help overlay they all
 * draw, so the views read as one program and change together. */
#ifndef CS_THEME_H
#define CS_THEME_H

#include <stddef.h>

#include "cs_gl.h"
#include "cs_text.h"

/* Brace initialisers, for `static const cs_rgba TEXT = CS_THEME_TEXT;` in each view. */
#define CS_THEME_GUTTER {0.102f, 0.106f, 0.122f, 1}
#define CS_THEME_TEXT {0.91f, 0.92f, 0.93f, 1}
#define CS_THEME_DIM {0.62f, 0.65f, 0.69f, 1}
#define CS_THEME_BUTTON {0.235f, 0.250f, 0.290f, 1}
#define CS_THEME_BUTTON_ON {0.200f, 0.420f, 0.700f, 1}
#define CS_THEME_HILITE {1.00f, 0.93f, 0.25f, 1}
#define CS_THEME_GOOD {0.35f, 0.85f, 0.45f, 1}

/* Dims the whole window (win_w x win_h) and draws a framed box at `box` with a title and one
 * line per row; each row is "key\tdescription" (the key column in the highlight colour). */
void cs_theme_draw_help(cs_gl *gl, cs_text *text, cs_rect box, int win_w, int win_h, float scale, const char *title,
                        const char *const *rows, int n_rows);

/* Creates the two colour-bar ramps of the legends: ramp_h 256x1 running 0..1 left to right,
 * ramp_v 1x256 running 1..0 top to bottom (high at the top). Owned by the caller: free with
 * cs_gl_texture_destroy. */
void cs_theme_create_ramps(unsigned *ramp_h, unsigned *ramp_v);

/* 12345678 -> "12,345,678". */
void cs_theme_format_count(char *buf, size_t size, long long n);

#endif
