/* cs_colour_shapes.c - the synthetic "colour-shapes" dataset, drawn in memory from a seed.
 *
 * Ten classes of colour pictures made to grow first-layer filters like AlexNet's (smooth
 * oriented edges and colour blobs): striped gratings at four orientations, whose class is
 * the orientation whatever the colours; soft blobs whose class is their hue (red, green,
 * blue, yellow) on muted backgrounds; a checkerboard; and concentric rings. Everything is
 * drawn from smooth closed forms (a sine shaped towards a square wave, Gaussian falloffs),
 * so the images have edges at every position and phase but no aliasing, and a little
 * Gaussian pixel noise. Orientation jitter is +-10 degrees and blob hues +-12 degrees, so the
 * classes stay apart and a small CNN learns them to well above 90%. */
#include "cs_data.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cs_rng.h"

#define PI_F 3.14159265358979f

enum {
    CLS_STRIPES_H,
    CLS_STRIPES_V,
    CLS_STRIPES_UP,
    CLS_STRIPES_DOWN,
    CLS_RED,
    CLS_GREEN,
    CLS_BLUE,
    CLS_YELLOW,
    CLS_CHECKER,
    CLS_RINGS,
};

static const char *const colour_class_names[CS_DATA_COLOUR_SHAPES_CLASSES] = {
    "horizontal stripes", "vertical stripes", "diagonal / stripes", "diagonal \\ stripes", "red blobs",
    "green blobs",        "blue blobs",       "yellow blobs",       "checkerboard",        "rings",
};

/* Hues of the blob classes, degrees. */
static const float blob_hue[4] = {0.0f, 120.0f, 235.0f, 55.0f};

typedef struct {
    float rgb[3];
} colour;

static float uniform(cs_rng *rng, float lo, float hi) { return lo + (hi - lo) * cs_rng_uniform(rng); }

/* HSV (h in degrees, s and v in 0..1) to 0..255 RGB. */
static colour hsv(float h, float s, float v)
{
    h = fmodf(h, 360.0f);
    if (h < 0) h += 360.0f;
    const float c = v * s, hp = h / 60.0f, x = c * (1.0f - fabsf(fmodf(hp, 2.0f) - 1.0f)), m = v - c;
    float r = 0, g = 0, b = 0;
    switch ((int)hp) {
    case 0: r = c, g = x; break;
    case 1: r = x, g = c; break;
    case 2: g = c, b = x; break;
    case 3: g = x, b = c; break;
    case 4: r = x, b = c; break;
    default: r = c, b = x; break;
    }
    return (colour){{255.0f * (r + m), 255.0f * (g + m), 255.0f * (b + m)}};
}

static float luminance(const colour *c) { return 0.299f * c->rgb[0] + 0.587f * c->rgb[1] + 0.114f * c->rgb[2]; }

/* Two random colours, moderately saturated, at least 80 apart in luminance: like the edges of
 * photographs, which are mostly edges of brightness, so edge filters can be gray. */
static void colour_pair(cs_rng *rng, colour *a, colour *b)
{
    for (int tries = 0; tries < 64; tries++) {
        *a = hsv(uniform(rng, 0, 360), uniform(rng, 0, 0.6f), uniform(rng, 0.05f, 1));
        *b = hsv(uniform(rng, 0, 360), uniform(rng, 0, 0.6f), uniform(rng, 0.05f, 1));
        if (fabsf(luminance(a) - luminance(b)) >= 80.0f) return;
    }
    *a = hsv(uniform(rng, 0, 360), 0.2f, 0.15f);
    *b = hsv(uniform(rng, 0, 360), 0.2f, 0.95f);
}

/* A sine shaped towards a square wave: sharpness 1 is almost the sine, 3 nearly square. 0..1. */
static float soft_square(float phase, float sharpness)
{
    return 0.5f + 0.5f * tanhf(sharpness * sinf(phase)) / tanhf(sharpness);
}

/* The parameters of one picture; every pixel is a closed form of them. */
typedef struct {
    int kind;
    colour a, b;          /* stripes, checker, rings: the two colours; blobs: background, blob */
    float period;         /* pixels per stripe pair, checker cell pair, ring pair */
    float angle;          /* stripes' normal and the checker's rotation (radians) */
    float phase;
    float sharpness;
    float cx, cy;         /* rings' centre */
    int n_blobs;
    float bx[3], by[3], br[3];
} picture;

static picture random_picture(cs_rng *rng, int kind, int h, int w)
{
    const float scale = (float)(h < w ? h : w) / 32.0f;
    const float jitter = uniform(rng, -10.0f, 10.0f) * PI_F / 180.0f;
    picture p = {.kind = kind};
    p.period = uniform(rng, 10.0f, 20.0f) * scale;
    p.phase = uniform(rng, 0, 2 * PI_F);
    p.sharpness = uniform(rng, 1.0f, 2.5f);
    if (kind >= CLS_RED && kind <= CLS_YELLOW) {
        p.a = hsv(uniform(rng, 0, 360), uniform(rng, 0, 0.3f), uniform(rng, 0.15f, 0.85f));
        p.b = hsv(blob_hue[kind - CLS_RED] + uniform(rng, -12, 12), uniform(rng, 0.75f, 1), uniform(rng, 0.7f, 1));
        p.n_blobs = 1 + (int)cs_rng_below(rng, 3);
        for (int i = 0; i < p.n_blobs; i++) {
            p.br[i] = uniform(rng, 3.0f, 8.0f) * scale;
            p.bx[i] = uniform(rng, 0.15f, 0.85f) * (float)w;
            p.by[i] = uniform(rng, 0.15f, 0.85f) * (float)h;
        }
        return p;
    }
    colour_pair(rng, &p.a, &p.b);
    /* the stripes' normal: the phase grows along (cos a, -sin a) in pixels (y down), so
     * horizontal stripes have a = 90 degrees and '/' stripes (rising to the right) 135 */
    static const float normal_deg[4] = {90.0f, 0.0f, 135.0f, 45.0f};
    if (kind <= CLS_STRIPES_DOWN) p.angle = normal_deg[kind] * PI_F / 180.0f + jitter;
    else p.angle = jitter;
    p.cx = uniform(rng, 0.3f, 0.7f) * (float)w;
    p.cy = uniform(rng, 0.3f, 0.7f) * (float)h;
    return p;
}

/* How much of colour b (0..1) the pixel centre (x, y) shows. Image y points down; the
 * diagonal '/' stripes rise to the right on screen. */
static float picture_mix(const picture *p, float x, float y)
{
    const float k = 2 * PI_F / p->period;
    switch (p->kind) {
    case CLS_STRIPES_H:
    case CLS_STRIPES_V:
    case CLS_STRIPES_UP:
    case CLS_STRIPES_DOWN:
        return soft_square(k * (x * cosf(p->angle) - y * sinf(p->angle)) + p->phase, p->sharpness);
    case CLS_CHECKER: {
        const float ca = cosf(p->angle), sa = sinf(p->angle);
        const float u = x * ca + y * sa, v = -x * sa + y * ca;
        /* the product of two gratings changes sign cell by cell */
        return 0.5f + 0.5f * tanhf(p->sharpness * sinf(k * u + p->phase) * sinf(k * v)) / tanhf(p->sharpness);
    }
    case CLS_RINGS: {
        const float r = sqrtf((x - p->cx) * (x - p->cx) + (y - p->cy) * (y - p->cy));
        return soft_square(k * r + p->phase, p->sharpness);
    }
    default: {
        float m = 0.0f;
        for (int i = 0; i < p->n_blobs; i++) {
            const float dx = x - p->bx[i], dy = y - p->by[i];
            /* flat inside the radius, Gaussian shoulder of 1.2 px outside it */
            const float d = sqrtf(dx * dx + dy * dy) - p->br[i];
            const float v = d <= 0 ? 1.0f : expf(-d * d / (2.0f * 2.0f * 2.0f));
            m = v > m ? v : m;
        }
        return m;
    }
    }
}

static void draw_image(cs_rng *rng, cs_dataset *ds, int i, int label)
{
    const int c = ds->c, h = ds->h, w = ds->w;
    const picture p = random_picture(rng, label, h, w);
    const float sigma = uniform(rng, 0.0f, 3.0f);
    const size_t plane = (size_t)h * w;
    uint8_t *px = ds->pixels + (size_t)i * c * plane;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const float m = picture_mix(&p, (float)x, (float)y);
            for (int ch = 0; ch < c; ch++) {
                const float v = p.a.rgb[ch] + (p.b.rgb[ch] - p.a.rgb[ch]) * m + sigma * cs_rng_normal(rng);
                const int q = (int)lroundf(v);
                px[ch * plane + (size_t)y * w + x] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
            }
        }
}

static cs_status make_set(int n, int h, int w, uint64_t seed, const char *name, cs_dataset *ds)
{
    cs_status st = cs_dataset_init(ds, name, n, 3, h, w, CS_DATA_COLOUR_SHAPES_CLASSES);
    if (st) return st;
    for (int k = 0; k < CS_DATA_COLOUR_SHAPES_CLASSES; k++)
        if ((st = cs_dataset_set_class_name(ds, k, colour_class_names[k]))) {
            cs_dataset_free(ds);
            return st;
        }
    cs_rng rng;
    cs_rng_seed(&rng, seed);
    for (int i = 0; i < n; i++) ds->labels[i] = i % CS_DATA_COLOUR_SHAPES_CLASSES;
    cs_rng_shuffle(&rng, ds->labels, n);
    for (int i = 0; i < n; i++) draw_image(&rng, ds, i, ds->labels[i]);
    return CS_OK;
}

cs_status cs_data_make_colour_shapes(int n_train, int n_test, int h, int w, uint64_t seed, cs_dataset *train,
                                     cs_dataset *test)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (h < 16 || w < 16 || h > 256 || w > 256)
        return cs_fail(CS_ERR_ARG, "colour-shapes: size %dx%d asked (expected 16..256 per side)", h, w);
    if (n_train < 1 || n_test < 0)
        return cs_fail(CS_ERR_ARG, "colour-shapes: %d train and %d test images asked (expected >= 1 and >= 0)",
                       n_train, n_test);
    cs_status st = make_set(n_train, h, w, seed, "colour-shapes (train)", train);
    if (st) return st;
    if ((st = make_set(n_test, h, w, seed ^ 0x9e3779b97f4a7c15ull, "colour-shapes (test)", test))) {
        cs_dataset_free(train);
        return st;
    }
    return CS_OK;
}
