/* cs_style.h - what every view of the window shares and no view decides alone: rectangles and
 * colours, the font roles and their pixel sizes at a UI scale, the smallest size any text may be
 * drawn at, outline thickness, and the palette (a normal one and a presenter one for projectors),
 * with WCAG 2.x relative luminance and contrast so the presenter palette's 7:1 is checked, not
 * hoped for. Pure arithmetic: no SDL, no GL.
 *
 * One home: a view's layout makes its style once per frame (cs_style_make), possibly steps its
 * scale down to fit (cs_style_at), and every drawing call reads sizes and colours from it. */
#ifndef CS_STYLE_H
#define CS_STYLE_H

typedef struct {
    float x, y, w, h;
} cs_rect;

typedef struct {
    float r, g, b, a; /* 0..1, sRGB */
} cs_rgba;

/* Typefaces: DejaVu Sans and DejaVu Sans Mono. */
typedef enum { CS_FACE_SANS, CS_FACE_MONO, CS_FACE_COUNT } cs_face;

/* Font roles; their pixel sizes come from the style. */
typedef enum { CS_FONT_SMALL, CS_FONT_NORMAL, CS_FONT_BIG, CS_FONT_MONO, CS_FONT_COUNT } cs_font_id;

/* The face a role is set in. */
cs_face cs_font_face(cs_font_id f);

typedef struct {
    cs_rgba panel, gutter, bar, text, dim, button, button_on, hilite, good, bad, train, test, grid;
    cs_rgba overlay_bg;  /* the help overlay's and tooltips' box */
    cs_rgba ink_dark;    /* dark text on light cells */
    cs_rgba plate;       /* behind a number whose cell colour leaves no ink enough contrast */
} cs_palette;

typedef struct {
    int win_w, win_h;
    int present;             /* presenter mode: large type, high contrast, thick outlines */
    float scale;             /* layout units to pixels (spacing, panel sizes) */
    int px[CS_FONT_COUNT];   /* font sizes in pixels */
    int min_px;              /* no text is drawn smaller (fitting stops here) */
    float rule;              /* outline and highlight thickness in pixels */
    float min_contrast;      /* text against its background, WCAG ratio: 7 presenting, else 4.5 */
    cs_palette c;
} cs_style;

/* The window's own scale: 1 at 1280x720, 1.5 at 1920x1080 (the smaller of width/1280 and
 * height/720, kept within 0.6..4), times the user's --scale (<= 0 counts as 1). */
float cs_style_window_scale(int win_w, int win_h, float user_scale);

/* The style of a win_w x win_h window at --scale user_scale. Font sizes at scale s: small 12 s,
 * normal 14 s, big 17 s, mono 12 s (rounded); the minimum is max(10, 10 min(s, w)) px, w
 * the window's own scale (--scale raises the sizes text is fitted from, not the floor). Presenting, every
 * size is at least ceil(win_h / 45) px (24 px at 1080 rows), which is also the minimum, the scale
 * at least that size over 14, outlines twice as thick and the palette the high-contrast one. */
void cs_style_make(cs_style *st, int win_w, int win_h, float user_scale, int present);
/* The same style at another scale s (a layout stepping down to fit); presenting, the sizes stay
 * at or above ceil(win_h / 45). */
void cs_style_at(cs_style *st, float s);
/* The smallest scale cs_style_at may be given: what --scale 1 gives this window (presenting,
 * never below the presenter minimum). */
float cs_style_floor(const cs_style *st);

/* Pixels of a role's font, and the height of one line of it with its leading (1.35 em). */
int cs_style_px(const cs_style *st, cs_font_id f);
float cs_style_line(const cs_style *st, cs_font_id f);
/* v layout units in pixels, rounded. */
float cs_style_u(const cs_style *st, float v);

/* WCAG 2.x relative luminance of an sRGB colour (alpha ignored), 0 black .. 1 white. */
double cs_luminance(cs_rgba c);
/* WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05) of two colours, >= 1. */
double cs_contrast(cs_rgba a, cs_rgba b);
/* fg composited over an opaque bg by fg's alpha. */
cs_rgba cs_rgba_over(cs_rgba fg, cs_rgba bg);

/* The ink for text on background bg: the palette's text or ink_dark, whichever contrasts more.
 * Returns 1 when neither reaches st->min_contrast: the text must then sit on a plate
 * (st->c.plate, which *ink contrasts with by at least that much). */
int cs_style_ink(const cs_style *st, cs_rgba bg, cs_rgba *ink);

#endif
