/* cs_theme.h - drawing the window's views share, so they read as one program and change together:
 * panels, buttons, colour bars labelled with numbers, the help overlay, the presenter's pointer
 * highlight, legend ramps and the number format. Colours and sizes come from the frame's style
 * (cs_style.h); every string goes through the text box call (cs_ui.h). */
#ifndef CS_THEME_H
#define CS_THEME_H

#include <stddef.h>

#include "cs_colormap.h"
#include "cs_gl.h"
#include "cs_layout.h"
#include "cs_ui.h"

/* A panel: the gutter around r (the frame is cleared to the panel colour) and its title, if any,
 * in title_box. */
void cs_theme_panel(cs_ui *ui, cs_rect r, cs_rect title_box, const char *title);
/* A button with a centred label; on: highlighted, hot: under the pointer. */
void cs_theme_button(cs_ui *ui, cs_rect r, const char *label, int on, int hot);

/* A vertical colour bar of cmap over `range` in bar (high at the top; ramp_v from
 * cs_theme_create_ramps) with its numbers in `labels` (a column beside it): the top and bottom
 * values, and 0 in the middle when the range spans it and there is room. */
void cs_theme_vbar(cs_ui *ui, unsigned ramp_v, cs_rect bar, cs_rect labels, cs_colormap_id cmap, cs_value_range range);

/* Dims the window and draws the help overlay: title and "key\tdescription" rows fitted into at
 * most max_box (cs_help_layout_compute). */
void cs_theme_draw_help(cs_ui *ui, cs_rect max_box, const char *title, const char *const *rows, int n_rows);

/* The presenter's pointer: a thick frame around what the pointer is over (target, w 0: nothing)
 * and a ring around the pointer itself, so a room can follow it. */
void cs_theme_pointer(cs_ui *ui, cs_rect target, float x, float y);

/* Creates the two colour-bar ramps of the legends: ramp_h 256x1 running 0..1 left to right,
 * ramp_v 1x256 running 1..0 top to bottom (high at the top). Owned by the caller: free with
 * cs_gl_texture_destroy. */
void cs_theme_create_ramps(unsigned *ramp_h, unsigned *ramp_v);

/* 12345678 -> "12,345,678". */
void cs_theme_format_count(char *buf, size_t size, long long n);

#endif
