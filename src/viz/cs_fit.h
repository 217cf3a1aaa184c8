/* cs_fit.h - fitting a string into the box it must fit in: the one place that decides the font
 * size, the line breaks, the digits of a number or the cut of a label, so no view can draw text
 * over its neighbours. Pure: text is measured through a function pointer (cs_measure), which the
 * window backs with SDL_ttf's advances (cs_text.h) and unit tests with a fixed-width stand-in.
 *
 * Policies (cs_fit_policy.flags, combinable):
 *   CS_FIT_SHRINK   step the font down one pixel at a time to min_px;
 *   CS_FIT_WRAP     break into lines (at most max_lines; 0: as many as the box holds) at spaces,
 *                   and between CJK characters, which have none: Chinese breaks between any two
 *                   characters, but never before a closing mark (，。：）」) or after an opening one,
 *                   and a number or a Latin word in it stays whole (UAX #14 in brief);
 *   CS_FIT_ELLIPSIS as a last resort at min_px, cut the (last) line and end it with "…" (labels
 *                   only: never for a number);
 * and for numbers, cs_fit_value tries the value with fewer significant digits and as 1.5k / 2k /
 * 3.1M before giving up. A result that still does not fit says so (ok = 0) and is drawn at
 * min_px anyway; the window's --dump-text records it and the tests fail on it. */
#ifndef CS_FIT_H
#define CS_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "cs_style.h"

/* Advance width in pixels of UTF-8 `text` in `face` at `px` pixels. */
typedef float (*cs_measure_fn)(void *ctx, cs_face face, int px, const char *text);
typedef struct {
    cs_measure_fn width;
    void *ctx;
} cs_measure;

/* A fixed-advance measure (advance = em * px per code point; mono faces likewise): for tests and
 * for layouts made without fonts. ctx points at the float em. */
float cs_measure_fixed(void *ctx, cs_face face, int px, const char *text);

/* Height of one line's box at px pixels (DejaVu's ascent + descent, 1.17 em, rounded up), and
 * the distance between the tops of wrapped lines (1.25 em, rounded). */
float cs_text_box_h(int px);
float cs_text_pitch(int px);

enum { CS_FIT_SHRINK = 1, CS_FIT_WRAP = 2, CS_FIT_ELLIPSIS = 4 };
enum { CS_ALIGN_LEFT, CS_ALIGN_CENTER, CS_ALIGN_RIGHT };
enum { CS_VALIGN_TOP, CS_VALIGN_MIDDLE, CS_VALIGN_BOTTOM };

typedef struct {
    cs_face face;
    int px;          /* preferred size */
    int min_px;      /* with CS_FIT_SHRINK: the smallest size tried */
    int flags;
    int halign, valign;
    int max_lines;   /* with CS_FIT_WRAP: 0 = as many as fit */
} cs_fit_policy;

#define CS_FIT_MAX_LINES 48
#define CS_FIT_MAX_TEXT 2048

typedef struct {
    int ok;                          /* the text fits the box at px */
    int px;
    int n_lines;
    float pitch;                     /* between line tops */
    cs_rect rect;                    /* the text's own box, placed in the fit box by the alignment */
    float line_w[CS_FIT_MAX_LINES];  /* advance width of each line */
    char text[CS_FIT_MAX_TEXT];      /* what is drawn: the lines separated by '\n' */
} cs_fit_result;

/* Fits `text` ('\n' forces a break) into `box` by policy p. Always fills r with something to draw. */
int cs_fit_text(const cs_measure *m, const char *text, cs_rect box, const cs_fit_policy *p, cs_fit_result *r);

/* A number: the longest of its forms (cs_fmt_variants with sig digits) that fits at the largest
 * size p allows. Never ellipsized and never empty: if nothing fits, the shortest form at
 * p->min_px, ok = 0. */
int cs_fit_value(const cs_measure *m, float v, int sig, cs_rect box, const cs_fit_policy *p, cs_fit_result *r);

/* A number as the window writes it: integers as integers below 1e5 (6600, -30), others with `sig`
 * (1..6) significant digits (0.111, 28.3), large ones with k/M/G (12.3k), tiny non-zero ones in
 * exponent form (1e-6) rather than a lying 0, NaN and inf by name, and a real minus sign (U+2212).
 * Writes at most size bytes; returns the number of code points. */
int cs_fmt_sig(char *buf, size_t size, float v, int sig);
/* Copies src to dst (size bytes, NUL included) with every '-' written as U+2212, the minus sign. */
void cs_fmt_minus(char *dst, size_t size, const char *src);
/* The forms of v from the most precise (cs_fmt_sig at sig) to the shortest: fewer significant
 * digits, then 1.5k / 2k for |v| >= 1000 (M, G further up); sig < 0 asks for -sig fixed decimals
 * (0.53, 0.5, 1). At most max distinct forms of at most 31 bytes each, longest first; returns how
 * many. */
int cs_fmt_variants(float v, int sig, char out[][32], int max);

/* Code points in a UTF-8 string. */
int cs_utf8_len(const char *s);

/* 1 for a CJK character (ideographs, kana, hangul, CJK and fullwidth punctuation): a line may
 * break before and after it. */
int cs_fit_is_cjk(uint32_t cp);

#endif
