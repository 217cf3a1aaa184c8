/* cs_demo_images.c - the built-in demo images and the image file loader (cs_image; see
 * cs_demo_images.h). The demo:curve drawing is laid out by hand so the curve kernel
 * reproduces the explainer's 6600 at one window, 0 at another, and at most a quarter of 6600
 * anywhere farther than 2 pixels from the matched curve; the tests check all three. */
#include "cs_demo_images.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_image.h"

#define DEMO_SIDE 24

const char *cs_demo_names(void) { return "curve, edges, checker, letter"; }

void cs_demo_image_free(cs_demo_image *img)
{
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

static cs_status alloc_image(cs_demo_image *img, const char *name, int c, int h, int w)
{
    memset(img, 0, sizeof *img);
    img->pixels = calloc((size_t)c * h * w, sizeof *img->pixels);
    if (!img->pixels)
        return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d image", w, h);
    snprintf(img->name, sizeof img->name, "%s", name);
    img->c = c, img->h = h, img->w = w;
    img->src_w = w, img->src_h = h;
    img->downscale = 1;
    img->display_max = 255.0f;
    return CS_OK;
}

/* A gray plane being drawn: (h, w) pixels, row-major. */
typedef struct {
    float *p;
    int w, h;
} canvas;

static void set_px(canvas *cv, int x, int y, float v)
{
    if (x >= 0 && x < cv->w && y >= 0 && y < cv->h) cv->p[y * cv->w + x] = v;
}

static void hline(canvas *cv, int x0, int x1, int y)
{
    for (int x = x0; x <= x1; x++) set_px(cv, x, y, CS_DEMO_CURVE_STROKE);
}

/* n pixels from (x0, y0) going down and to the right, one step each. */
static void down_right(canvas *cv, int x0, int y0, int n)
{
    for (int k = 0; k < n; k++) set_px(cv, x0 + k, y0 + k, CS_DEMO_CURVE_STROKE);
}

/* A whale in the waves, blowing a spout. The front of its head is the one curve the curve
 * kernel matches: (50x30) + (50x30) + (50x30) + (20x30) + (50x30) = 6600 with the faint 20 where
 * the explainer has it. Every other stroke runs level or down to the right, the directions no
 * two of the kernel's 30s share (its 30s run down and to the left), so nowhere else does a
 * window hold more than one stroke pixel on a 30: at most 1500, 23% of 6600. The kernel's
 * zero column and zero bottom row let a window sit on the back and sum to 0. */
static void draw_curve(canvas *cv)
{
    const float s = CS_DEMO_CURVE_STROKE;
    /* the front of the head: the matched curve, bending into the chin */
    set_px(cv, 9, 10, s);
    set_px(cv, 8, 11, s);
    set_px(cv, 7, 12, s);
    set_px(cv, 7, 13, 20);
    set_px(cv, 7, 14, s);
    down_right(cv, 8, 15, 3);
    hline(cv, 10, 20, 10);        /* back */
    down_right(cv, 21, 11, 6);    /* the back slopes down to the tail */
    hline(cv, 11, 20, 18);        /* belly */
    set_px(cv, 10, 12, s);        /* eye */
    hline(cv, 27, 30, 16);        /* tail flukes */
    down_right(cv, 29, 18, 3);
    set_px(cv, 9, 1, s);          /* the spout's drops */
    set_px(cv, 3, 3, s);
    set_px(cv, 5, 5, s);
    set_px(cv, 7, 7, s);
    hline(cv, 1, 5, 24);          /* waves */
    hline(cv, 21, 25, 24);
    hline(cv, 11, 15, 25);
    hline(cv, 6, 10, 28);
    hline(cv, 16, 19, 28);
    hline(cv, 26, 30, 28);
}

static void draw_edges(canvas *cv)
{
    for (int y = 6; y < 18; y++)
        for (int x = 6; x < 18; x++)
            set_px(cv, x, y, 255);
}

static void draw_checker(canvas *cv)
{
    for (int y = 0; y < DEMO_SIDE; y++)
        for (int x = 0; x < DEMO_SIDE; x++)
            set_px(cv, x, y, ((x / 4 + y / 4) % 2) ? 255.0f : 0.0f);
}

static void draw_letter(canvas *cv)
{
    static const char *const glyph[7] = {
        ".###.",
        "#...#",
        "#...#",
        "#####",
        "#...#",
        "#...#",
        "#...#",
    };
    enum { SCALE = 3, X0 = (DEMO_SIDE - 5 * SCALE) / 2, Y0 = (DEMO_SIDE - 7 * SCALE) / 2 };
    for (int gy = 0; gy < 7; gy++)
        for (int gx = 0; gx < 5; gx++)
            if (glyph[gy][gx] == '#')
                for (int dy = 0; dy < SCALE; dy++)
                    for (int dx = 0; dx < SCALE; dx++)
                        set_px(cv, X0 + gx * SCALE + dx, Y0 + gy * SCALE + dy, 255);
}

cs_status cs_demo_make(cs_demo_image *img, const char *name, int c)
{
    static const struct {
        const char *name;
        int w, h;
        float display_max;
        void (*draw)(canvas *);
    } demos[] = {
        {"curve", CS_DEMO_CURVE_W, CS_DEMO_CURVE_H, CS_DEMO_CURVE_STROKE, draw_curve},
        {"edges", DEMO_SIDE, DEMO_SIDE, 255.0f, draw_edges},
        {"checker", DEMO_SIDE, DEMO_SIDE, 255.0f, draw_checker},
        {"letter", DEMO_SIDE, DEMO_SIDE, 255.0f, draw_letter},
    };
    memset(img, 0, sizeof *img);
    if (c != 1 && c != 3)
        return cs_fail(CS_ERR_ARG, "images have 1 (gray) or 3 (RGB) channels, not %d", c);
    for (size_t i = 0; i < sizeof demos / sizeof demos[0]; i++) {
        if (strcmp(demos[i].name, name) != 0)
            continue;
        char full[64];
        snprintf(full, sizeof full, "demo:%s", name);
        const int w = demos[i].w, h = demos[i].h;
        cs_status s = alloc_image(img, full, c, h, w);
        if (s != CS_OK)
            return s;
        img->display_max = demos[i].display_max;
        canvas cv = {img->pixels, w, h};
        demos[i].draw(&cv);
        for (int k = 1; k < c; k++) /* gray demo in every channel */
            memcpy(img->pixels + (size_t)k * w * h, img->pixels, (size_t)w * h * sizeof *img->pixels);
        return CS_OK;
    }
    return cs_fail(CS_ERR_ARG, "unknown demo image 'demo:%s' (demos: %s)", name, cs_demo_names());
}

cs_status cs_demo_load_file(cs_demo_image *img, const char *path, int c, int max_side)
{
    return cs_demo_load_file_budget(img, path, c, max_side, NULL);
}

cs_status cs_demo_load_file_budget(cs_demo_image *img, const char *path, int c, int max_side,
                                   const cs_image_budget *budget)
{
    memset(img, 0, sizeof *img);
    if (c != 1 && c != 3)
        return cs_fail(CS_ERR_ARG, "images have 1 (gray) or 3 (RGB) channels, not %d", c);
    cs_image file;
    cs_status s = cs_image_read(&file, path, c, budget);
    if (s != CS_OK)
        return s;
    const int w = file.w, h = file.h;
    const uint8_t *data = file.px;
    int f = 1;
    if (max_side > 0) {
        int side = w > h ? w : h;
        f = (side + max_side - 1) / max_side;
    }
    int ow = (w + f - 1) / f, oh = (h + f - 1) / f;
    const char *base = strrchr(path, '/');
    s = alloc_image(img, base ? base + 1 : path, c, oh, ow);
    if (s != CS_OK) {
        cs_image_free(&file);
        return s;
    }
    /* Average each f x f block (the last row and column of blocks may be partial). */
    for (int k = 0; k < c; k++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                double acc = 0.0;
                int cnt = 0;
                for (int y = oy * f; y < oy * f + f && y < h; y++)
                    for (int x = ox * f; x < ox * f + f && x < w; x++) {
                        acc += data[((size_t)y * w + x) * c + k];
                        cnt++;
                    }
                img->pixels[((size_t)k * oh + oy) * ow + ox] = (float)(acc / cnt);
            }
    cs_image_free(&file);
    img->src_w = w, img->src_h = h;
    img->downscale = f;
    return CS_OK;
}

cs_status cs_demo_open(cs_demo_image *img, const char *spec, int c, int max_side)
{
    return cs_demo_open_budget(img, spec, c, max_side, NULL);
}

cs_status cs_demo_open_budget(cs_demo_image *img, const char *spec, int c, int max_side, const cs_image_budget *budget)
{
    if (strncmp(spec, "demo:", 5) == 0)
        return cs_demo_make(img, spec + 5, c);
    return cs_demo_load_file_budget(img, spec, c, max_side, budget);
}
