/* cs_demo_images.c - the built-in demo images and the image file loader (cs_image; see
 * cs_demo_images.h). The demo:curve drawing is laid out by hand so the curve kernel
 * reproduces the explainer's 6600 at one window and 0 at another; the tests check both. */
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
    return CS_OK;
}

/* Gray plane p (h, w). */
static void set_px(float *p, int x, int y, float v) { p[y * DEMO_SIDE + x] = v; }

static void draw_curve(float *p)
{
    /* The arc: a top edge heading right that bends down to the left. Its upper bend is
     * the shape of the curve kernel, with the faint 20 where the explainer has it; below
     * the bend the stroke keeps curving, so no other window matches as well. */
    for (int x = 9; x <= 14; x++)
        set_px(p, x, 4, 50);
    set_px(p, 15, 5, 50);
    set_px(p, 16, 6, 50);
    set_px(p, 8, 5, 50);
    set_px(p, 7, 6, 50);
    set_px(p, 7, 7, 20);
    set_px(p, 7, 8, 50);
    set_px(p, 6, 9, 50);
    set_px(p, 6, 10, 50);
    set_px(p, 5, 11, 50);
    set_px(p, 5, 12, 50);
    set_px(p, 4, 13, 50);
    set_px(p, 4, 14, 50);
    /* A straight post: at x=17 the window holds it in kernel column 2, where the curve
     * kernel is all zeros, so that response is exactly 0. */
    for (int y = 3; y <= 20; y++)
        set_px(p, 19, y, 50);
    /* The ground. */
    for (int x = 2; x <= 14; x++)
        set_px(p, x, 20, 50);
}

static void draw_edges(float *p)
{
    for (int y = 6; y < 18; y++)
        for (int x = 6; x < 18; x++)
            set_px(p, x, y, 255);
}

static void draw_checker(float *p)
{
    for (int y = 0; y < DEMO_SIDE; y++)
        for (int x = 0; x < DEMO_SIDE; x++)
            set_px(p, x, y, ((x / 4 + y / 4) % 2) ? 255.0f : 0.0f);
}

static void draw_letter(float *p)
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
                        set_px(p, X0 + gx * SCALE + dx, Y0 + gy * SCALE + dy, 255);
}

cs_status cs_demo_make(cs_demo_image *img, const char *name, int c)
{
    static const struct {
        const char *name;
        void (*draw)(float *);
    } demos[] = {
        {"curve", draw_curve},
        {"edges", draw_edges},
        {"checker", draw_checker},
        {"letter", draw_letter},
    };
    memset(img, 0, sizeof *img);
    if (c != 1 && c != 3)
        return cs_fail(CS_ERR_ARG, "images have 1 (gray) or 3 (RGB) channels, not %d", c);
    for (size_t i = 0; i < sizeof demos / sizeof demos[0]; i++) {
        if (strcmp(demos[i].name, name) != 0)
            continue;
        char full[64];
        snprintf(full, sizeof full, "demo:%s", name);
        cs_status s = alloc_image(img, full, c, DEMO_SIDE, DEMO_SIDE);
        if (s != CS_OK)
            return s;
        demos[i].draw(img->pixels);
        for (int k = 1; k < c; k++) /* gray demo in every channel */
            memcpy(img->pixels + (size_t)k * DEMO_SIDE * DEMO_SIDE, img->pixels,
                   DEMO_SIDE * DEMO_SIDE * sizeof *img->pixels);
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
