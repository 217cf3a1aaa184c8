/* cs_shapes.c - the synthetic "shapes" dataset, drawn in memory from a seed.
 *
 * Eight classes of outlines: lines at four orientations, an open arc, a circle, a square
 * and a cross. Each image varies position, size, stroke thickness, a small rotation,
 * brightness (or colours) and Gaussian pixel noise. Strokes are anti-aliased by coverage
 * from the distance of the pixel centre to the ideal curve, so no supersampling is needed.
 * The classes stay far apart (orientation jitter <= 10 degrees, arcs leave at least half
 * the circle open), which keeps the set learnable to near 100% by a small CNN. */
#include "cs_data.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cs_rng.h"

#define PI_F 3.14159265358979f

enum { SHAPE_HLINE, SHAPE_VLINE, SHAPE_DIAG_UP, SHAPE_DIAG_DOWN, SHAPE_ARC, SHAPE_CIRCLE, SHAPE_SQUARE, SHAPE_CROSS };

static const char *const shape_class_names[CS_DATA_SHAPES_CLASSES] = {
    "horizontal", "vertical", "diagonal /", "diagonal \\", "arc", "circle", "square", "cross",
};

/* One drawn outline, in pixel coordinates (x right, y down). */
typedef struct {
    int kind;
    float cx, cy;     /* centre */
    float angle;      /* line direction, square/cross rotation, arc start (radians) */
    float size;       /* line/arm half-length, radius, square half-side */
    float size2;      /* cross: second arm half-length; arc: angular span */
    float thickness;  /* stroke width in pixels */
} shape;

static float uniform(cs_rng *rng, float lo, float hi) { return lo + (hi - lo) * cs_rng_uniform(rng); }

static float segment_distance(float px, float py, float dx, float dy, float half)
{
    /* distance to the segment from -half to +half along unit direction (dx, dy) */
    float t = px * dx + py * dy;
    if (t > half) t = half;
    if (t < -half) t = -half;
    float ex = px - t * dx, ey = py - t * dy;
    return sqrtf(ex * ex + ey * ey);
}

/* Distance from pixel centre (x, y) to the outline of s. */
static float shape_distance(const shape *s, float x, float y)
{
    float px = x - s->cx, py = y - s->cy;
    float ca = cosf(s->angle), sa = sinf(s->angle);
    switch (s->kind) {
    case SHAPE_HLINE:
    case SHAPE_VLINE:
    case SHAPE_DIAG_UP:
    case SHAPE_DIAG_DOWN:
        return segment_distance(px, py, ca, sa, s->size);
    case SHAPE_CROSS: {
        float d1 = segment_distance(px, py, ca, sa, s->size);
        float d2 = segment_distance(px, py, -sa, ca, s->size2);
        return d1 < d2 ? d1 : d2;
    }
    case SHAPE_CIRCLE:
        return fabsf(sqrtf(px * px + py * py) - s->size);
    case SHAPE_ARC: {
        float rel = atan2f(py, px) - s->angle;
        while (rel < 0) rel += 2 * PI_F;
        while (rel >= 2 * PI_F) rel -= 2 * PI_F;
        if (rel <= s->size2) return fabsf(sqrtf(px * px + py * py) - s->size);
        float e0x = s->size * ca - px, e0y = s->size * sa - py;
        float a1 = s->angle + s->size2;
        float e1x = s->size * cosf(a1) - px, e1y = s->size * sinf(a1) - py;
        float d0 = sqrtf(e0x * e0x + e0y * e0y), d1 = sqrtf(e1x * e1x + e1y * e1y);
        return d0 < d1 ? d0 : d1;
    }
    case SHAPE_SQUARE: {
        /* the outline of a box signed distance field, in the square's rotated frame */
        float u = fabsf(px * ca + py * sa) - s->size, v = fabsf(-px * sa + py * ca) - s->size;
        float ou = u > 0 ? u : 0, ov = v > 0 ? v : 0;
        float inside = u > v ? u : v;
        return fabsf(sqrtf(ou * ou + ov * ov) + (inside < 0 ? inside : 0));
    }
    default:
        return 1e9f;
    }
}

/* Draws the random parameters of one shape of class kind for an h x w image. */
static shape random_shape(cs_rng *rng, int kind, int h, int w)
{
    float scale = (float)(h < w ? h : w) / 28.0f;
    float jitter = uniform(rng, -10.0f, 10.0f) * PI_F / 180.0f;
    shape s = {.kind = kind, .thickness = uniform(rng, 1.0f, 2.6f) * scale};
    float extent = 0; /* radius of a circle around the centre holding the whole shape */
    switch (kind) {
    case SHAPE_HLINE:
    case SHAPE_VLINE:
    case SHAPE_DIAG_UP:
    case SHAPE_DIAG_DOWN: {
        static const float base[4] = {0.0f, 0.5f * PI_F, -0.25f * PI_F, 0.25f * PI_F};
        s.angle = base[kind - SHAPE_HLINE] + jitter;
        s.size = uniform(rng, 5.0f, 11.0f) * scale;
        extent = s.size;
        break;
    }
    case SHAPE_ARC:
        s.angle = uniform(rng, 0.0f, 2 * PI_F);
        s.size = uniform(rng, 5.0f, 10.0f) * scale;
        s.size2 = uniform(rng, 100.0f, 180.0f) * PI_F / 180.0f;
        extent = s.size;
        break;
    case SHAPE_CIRCLE:
        s.size = uniform(rng, 4.0f, 10.0f) * scale;
        extent = s.size;
        break;
    case SHAPE_SQUARE:
        s.angle = jitter;
        s.size = uniform(rng, 4.0f, 8.5f) * scale;
        extent = s.size * 1.4143f;
        break;
    case SHAPE_CROSS:
        s.angle = jitter;
        s.size = uniform(rng, 5.0f, 10.0f) * scale;
        s.size2 = s.size * uniform(rng, 0.8f, 1.2f);
        extent = s.size > s.size2 ? s.size : s.size2;
        break;
    default:
        break;
    }
    /* keep the whole stroke inside the image; centre it when it cannot move */
    float margin = extent + s.thickness * 0.5f + 1.0f;
    float cx_lo = margin - 0.5f, cx_hi = (float)w - margin - 0.5f;
    float cy_lo = margin - 0.5f, cy_hi = (float)h - margin - 0.5f;
    s.cx = cx_lo < cx_hi ? uniform(rng, cx_lo, cx_hi) : 0.5f * (float)(w - 1);
    s.cy = cy_lo < cy_hi ? uniform(rng, cy_lo, cy_hi) : 0.5f * (float)(h - 1);
    return s;
}

/* Draws image i of ds (class label) with the given stream. */
static void draw_image(cs_rng *rng, cs_dataset *ds, int i, int label)
{
    int c = ds->c, h = ds->h, w = ds->w;
    shape s = random_shape(rng, label, h, w);
    float fg[3], bg[3];
    if (c == 1) {
        fg[0] = uniform(rng, 150.0f, 255.0f);
        bg[0] = uniform(rng, 0.0f, 50.0f);
    } else {
        /* random colours, but far enough apart in luminance to keep the outline visible */
        float dl = 0;
        for (int tries = 0; tries < 64 && fabsf(dl) < 80.0f; tries++) {
            for (int ch = 0; ch < 3; ch++) {
                fg[ch] = uniform(rng, 0.0f, 255.0f);
                bg[ch] = uniform(rng, 0.0f, 255.0f);
            }
            dl = 0.299f * (fg[0] - bg[0]) + 0.587f * (fg[1] - bg[1]) + 0.114f * (fg[2] - bg[2]);
        }
        if (fabsf(dl) < 80.0f)
            for (int ch = 0; ch < 3; ch++) bg[ch] = 255.0f - fg[ch];
    }
    float sigma = uniform(rng, 0.0f, 12.0f);
    size_t plane = (size_t)h * w;
    uint8_t *px = ds->pixels + (size_t)i * c * plane;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float d = shape_distance(&s, (float)x, (float)y);
            float cover = s.thickness * 0.5f + 0.5f - d;
            cover = cover < 0 ? 0 : cover > 1 ? 1 : cover;
            for (int ch = 0; ch < c; ch++) {
                float v = bg[ch] + (fg[ch] - bg[ch]) * cover + sigma * cs_rng_normal(rng);
                int q = (int)lroundf(v);
                px[ch * plane + (size_t)y * w + x] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
            }
        }
}

/* Draws a balanced set: labels i % classes, in a seeded shuffled order. */
static cs_status make_set(int n, int c, int h, int w, uint64_t seed, const char *name, cs_dataset *ds)
{
    cs_status st = cs_dataset_init(ds, name, n, c, h, w, CS_DATA_SHAPES_CLASSES);
    if (st) return st;
    for (int k = 0; k < CS_DATA_SHAPES_CLASSES; k++)
        if ((st = cs_dataset_set_class_name(ds, k, shape_class_names[k]))) {
            cs_dataset_free(ds);
            return st;
        }
    cs_rng rng;
    cs_rng_seed(&rng, seed);
    for (int i = 0; i < n; i++) ds->labels[i] = i % CS_DATA_SHAPES_CLASSES;
    cs_rng_shuffle(&rng, ds->labels, n);
    for (int i = 0; i < n; i++) draw_image(&rng, ds, i, ds->labels[i]);
    return CS_OK;
}

cs_status cs_data_make_shapes(int n_train, int n_test, int c, int h, int w, uint64_t seed, cs_dataset *train,
                              cs_dataset *test)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (c != 1 && c != 3) return cs_fail(CS_ERR_ARG, "shapes: %d channels asked (expected 1 or 3)", c);
    if (h < 16 || w < 16 || h > 256 || w > 256)
        return cs_fail(CS_ERR_ARG, "shapes: size %dx%d asked (expected 16..256 per side)", h, w);
    if (n_train < 1 || n_test < 0)
        return cs_fail(CS_ERR_ARG, "shapes: %d train and %d test images asked (expected >= 1 and >= 0)", n_train,
                       n_test);
    /* separate streams, so the test set does not depend on the train size */
    cs_status st = make_set(n_train, c, h, w, seed, "shapes (train)", train);
    if (st) return st;
    if ((st = make_set(n_test, c, h, w, seed ^ 0x9e3779b97f4a7c15ull, "shapes (test)", test))) {
        cs_dataset_free(train);
        return st;
    }
    return CS_OK;
}
