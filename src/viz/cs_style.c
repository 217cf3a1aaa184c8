/* cs_style.c - font sizes, palettes and contrast (see cs_style.h). Contrast follows WCAG 2.x:
 * relative luminance of linearised sRGB, ratio (L1 + 0.05) / (L2 + 0.05). */
#include "cs_style.h"

#include <math.h>

/* Font sizes at scale 1 (a 1280x720 window): small, normal, big, mono. */
static const float BASE_PX[CS_FONT_COUNT] = {12.0f, 14.0f, 17.0f, 12.0f};

/* The everyday palette: dark panels so the colormaps carry the colour. */
static const cs_palette NORMAL = {
    .panel = {0.152f, 0.160f, 0.184f, 1},   .gutter = {0.102f, 0.106f, 0.122f, 1},
    .bar = {0.125f, 0.133f, 0.153f, 1},     .text = {0.91f, 0.92f, 0.93f, 1},
    .dim = {0.62f, 0.65f, 0.69f, 1},        .button = {0.235f, 0.250f, 0.290f, 1},
    .button_on = {0.200f, 0.420f, 0.700f, 1}, .hilite = {1.00f, 0.93f, 0.25f, 1},
    .good = {0.35f, 0.85f, 0.45f, 1},       .bad = {1.00f, 0.35f, 0.32f, 1},
    .train = {1.00f, 0.62f, 0.20f, 1},      .test = {0.35f, 0.75f, 1.00f, 1},
    .grid = {1, 1, 1, 0.10f},               .overlay_bg = {0.13f, 0.14f, 0.17f, 1},
    .ink_dark = {0.06f, 0.06f, 0.08f, 1},   .plate = {0.06f, 0.06f, 0.08f, 1},
};

/* The projector palette: darker panels, lighter secondary text, a darker "on" blue, so every
 * text colour reaches 7:1 on every background it is drawn on (tests/test_style.c checks). */
static const cs_palette PRESENT = {
    .panel = {0.100f, 0.105f, 0.120f, 1},   .gutter = {0.040f, 0.042f, 0.050f, 1},
    .bar = {0.070f, 0.074f, 0.085f, 1},     .text = {1.00f, 1.00f, 1.00f, 1},
    .dim = {0.82f, 0.84f, 0.87f, 1},        .button = {0.200f, 0.215f, 0.250f, 1},
    .button_on = {0.090f, 0.250f, 0.520f, 1}, .hilite = {1.00f, 0.92f, 0.20f, 1},
    .good = {0.45f, 0.92f, 0.55f, 1},       .bad = {1.00f, 0.58f, 0.54f, 1},
    .train = {1.00f, 0.68f, 0.28f, 1},      .test = {0.48f, 0.82f, 1.00f, 1},
    .grid = {1, 1, 1, 0.16f},               .overlay_bg = {0.060f, 0.064f, 0.075f, 1},
    .ink_dark = {0.0f, 0.0f, 0.0f, 1},      .plate = {0.0f, 0.0f, 0.0f, 1},
};

cs_face cs_font_face(cs_font_id f) { return f == CS_FONT_MONO ? CS_FACE_MONO : CS_FACE_SANS; }

float cs_style_window_scale(int win_w, int win_h, float user_scale)
{
    float s = fminf((float)win_w / 1280.0f, (float)win_h / 720.0f);
    if (s < 0.6f) s = 0.6f;
    if (s > 4.0f) s = 4.0f;
    return s * (user_scale > 0 ? user_scale : 1.0f);
}

static int present_px(int win_h) { return (int)ceilf((float)win_h / 45.0f); }

void cs_style_at(cs_style *st, float s)
{
    const int floor_px = st->present ? present_px(st->win_h) : 0;
    st->scale = s;
    for (int f = 0; f < CS_FONT_COUNT; f++) {
        int px = (int)lroundf(BASE_PX[f] * s);
        st->px[f] = px < floor_px ? floor_px : px;
    }
    /* the stated minimum is what --scale 1 gives this window: a larger --scale raises the sizes
     * text is fitted from, not the size it may shrink to */
    const float ws = cs_style_window_scale(st->win_w, st->win_h, 1.0f);
    st->min_px = st->present ? floor_px : (int)fmaxf(10.0f, (float)lroundf(10.0f * fminf(s, ws)));
    for (int f = 0; f < CS_FONT_COUNT; f++)
        if (st->px[f] < st->min_px) st->px[f] = st->min_px;
    st->rule = st->present ? fmaxf(3.0f, roundf(2.0f * s)) : fmaxf(1.0f, roundf(s));
}

void cs_style_make(cs_style *st, int win_w, int win_h, float user_scale, int present)
{
    st->win_w = win_w, st->win_h = win_h, st->present = present ? 1 : 0;
    st->c = present ? PRESENT : NORMAL;
    st->min_contrast = present ? 7.0f : 4.5f;
    float s = cs_style_window_scale(win_w, win_h, user_scale);
    if (present) s = fmaxf(s, (float)present_px(win_h) / BASE_PX[CS_FONT_NORMAL]);
    cs_style_at(st, s);
}

float cs_style_floor(const cs_style *st)
{
    const float s = cs_style_window_scale(st->win_w, st->win_h, 1.0f);
    return st->present ? fmaxf(s, (float)present_px(st->win_h) / BASE_PX[CS_FONT_NORMAL]) : s;
}

int cs_style_px(const cs_style *st, cs_font_id f) { return st->px[f]; }

float cs_style_line(const cs_style *st, cs_font_id f) { return roundf((float)st->px[f] * 1.35f); }

float cs_style_u(const cs_style *st, float v) { return roundf(v * st->scale); }

static double linear(float c)
{
    const double v = c < 0 ? 0 : c > 1 ? 1 : c;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

double cs_luminance(cs_rgba c) { return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b); }

double cs_contrast(cs_rgba a, cs_rgba b)
{
    const double la = cs_luminance(a), lb = cs_luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

cs_rgba cs_rgba_over(cs_rgba fg, cs_rgba bg)
{
    const float a = fg.a;
    return (cs_rgba){fg.r * a + bg.r * (1 - a), fg.g * a + bg.g * (1 - a), fg.b * a + bg.b * (1 - a), 1};
}

int cs_style_ink(const cs_style *st, cs_rgba bg, cs_rgba *ink)
{
    const double light = cs_contrast(st->c.text, bg), dark = cs_contrast(st->c.ink_dark, bg);
    *ink = light >= dark ? st->c.text : st->c.ink_dark;
    if ((light >= dark ? light : dark) >= st->min_contrast) return 0;
    *ink = st->c.text; /* on the plate */
    return 1;
}
