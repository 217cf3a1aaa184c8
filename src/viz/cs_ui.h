/* cs_ui.h - the text box call: the one way the window's views draw a string. Each call names the
 * box the string must fit in and its policy (cs_fit.h), draws the fitted result and records
 * {text, rect, fit, px} in the frame's text log for --dump-text. Numbers in cells go through
 * cs_ui_value / cs_ui_cell_value, which write fewer digits before they would ever leave a cell
 * empty, and are recorded as values. Click targets (what a click would enlarge) are recorded too.
 *
 * A cs_ui is plain borrowed pointers: the window fills one per frame. */
#ifndef CS_UI_H
#define CS_UI_H

#include "cs_fit.h"
#include "cs_gl.h"
#include "cs_style.h"
#include "cs_text.h"
#include "cs_textlog.h"

typedef struct {
    cs_gl *gl;          /* borrowed */
    cs_text *text;      /* borrowed */
    cs_textlog *log;    /* borrowed; NULL records nothing */
    const cs_style *st; /* borrowed: sizes and colours of this frame */
} cs_ui;

/* A policy in role f's face and size, shrinking to the style's minimum. */
cs_fit_policy cs_ui_policy(const cs_ui *ui, cs_font_id f, int flags, int halign, int valign);

/* Fits and draws s in box on `layer` (CS_GL_OVER for the view, CS_GL_TOP for overlays, recorded
 * with z 1); returns the rectangle drawn. Empty strings draw and record nothing. */
cs_rect cs_ui_text(cs_ui *ui, int layer, cs_rect box, const cs_fit_policy *p, cs_rgba c, const char *s);
/* One line of role f: shrinks to the minimum, then ends in "…" (labels, titles, messages). */
cs_rect cs_ui_label(cs_ui *ui, int layer, cs_rect box, cs_font_id f, int halign, cs_rgba c, const char *s);
/* A row of sibling labels (column headers): each fitted like cs_ui_label, but none larger than
 * a size shared by the row: with all_same, the smallest of their fitted sizes (every label alike);
 * else the size most of them get (the lower median), so a short name is not the row's biggest
 * while one long name alone shrinks on its own. boxes and s have n entries. */
void cs_ui_label_row(cs_ui *ui, int layer, const cs_rect *boxes, cs_font_id f, int halign, cs_rgba c,
                     const char *const *s, int n, int all_same);
/* One of n alternatives (longest first) on one line: the longest that fits without being cut,
 * unless a shorter one fits at a size more than 1.2 times larger (a shorter wording before much
 * smaller text); when none fits even at the minimum, the last one cut with "…". */
cs_rect cs_ui_label_alt(cs_ui *ui, int layer, cs_rect box, cs_font_id f, int halign, cs_rgba c, const char *const *alts,
                        int n);
/* Lines of role f broken at spaces, shrinking to the minimum, the last line cut with "…" if the box
 * is too small even then. */
cs_rect cs_ui_para(cs_ui *ui, int layer, cs_rect box, cs_font_id f, cs_rgba c, const char *s);
/* Text with emphasis: plain UTF-8 s and, byte for byte, emph (1 where a byte belongs to an
 * emphasised word), fitted by policy p like cs_ui_text (the line breaks decided on the plain
 * text) and drawn in c with the emphasised runs in ce; recorded as one string. Lines are left
 * aligned. Returns the rectangle drawn. */
cs_rect cs_ui_rich(cs_ui *ui, int layer, cs_rect box, const cs_fit_policy *p, cs_rgba c, cs_rgba ce, const char *s,
                   const unsigned char *emph);
/* A number (cs_fit_value with sig significant digits at most), vertically centred. */
cs_rect cs_ui_value(cs_ui *ui, int layer, cs_rect box, const cs_fit_policy *p, cs_rgba c, float v, int sig);
/* A number centred on a cell of colour bg: the ink that contrasts most, on a plate when neither
 * reaches the style's contrast (cs_style_ink). */
cs_rect cs_ui_cell_value(cs_ui *ui, int layer, cs_rect cell, const cs_fit_policy *p, cs_rgba bg, float v, int sig);
/* A short text that stands for a number (a fraction such as "1/9") centred on a cell of colour
 * bg like cs_ui_cell_value, recorded as a value. Draws nothing and returns 0 when it does not fit
 * even at the minimum size (the caller then writes the number instead); 1 when drawn. */
int cs_ui_cell_text(cs_ui *ui, int layer, cs_rect cell, const cs_fit_policy *p, cs_rgba bg, const char *s);
/* Records a click target (its name as cs_target_format writes it) for --dump-text. */
void cs_ui_target(cs_ui *ui, const char *name, cs_rect r);

#endif
