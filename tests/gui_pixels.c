/* gui_pixels.c - checks screenshots of the live window against the layout that placed them:
 * every panel where cs_layout_compute puts it, a probe image and kernels that are not flat,
 * activation maps that changed while training, curves and bars drawn, the help overlay.
 *
 * usage: gui_pixels NET EARLY.png LATE.png HELP.png
 *   EARLY and LATE are two screenshots of one training run, HELP one after pressing h.
 * Prints one line per check; exits 1 if any failed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_image.h>

#include "cs_layout.h"
#include "cs_net.h"

/* The view's palette (cs_view_train.c): panels, gutters, the curve and bar colours. */
static const int PANEL[3] = {39, 41, 47}, GUTTER[3] = {26, 27, 31}, HELP_FRAME[3] = {51, 107, 178};
static const int TRAIN_C[3] = {255, 158, 51};

static int failures;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) failures++;
}

typedef struct {
    unsigned char *px;
    int w, h;
} image;

static image load(const char *path)
{
    image im = {0};
    int c;
    im.px = stbi_load(path, &im.w, &im.h, &c, 3);
    if (!im.px) {
        fprintf(stderr, "gui_pixels: cannot read %s: %s\n", path, stbi_failure_reason());
        exit(1);
    }
    return im;
}

static const unsigned char *at(const image *im, float x, float y)
{
    int ix = (int)x, iy = (int)y;
    if (ix < 0) ix = 0;
    if (iy < 0) iy = 0;
    if (ix >= im->w) ix = im->w - 1;
    if (iy >= im->h) iy = im->h - 1;
    return im->px + ((size_t)iy * im->w + ix) * 3;
}

static int near(const unsigned char *p, const int c[3], int tol)
{
    return abs(p[0] - c[0]) <= tol && abs(p[1] - c[1]) <= tol && abs(p[2] - c[2]) <= tol;
}

/* Standard deviation of the luminance inside r (a 1-pixel margin left out). */
static double stddev(const image *im, cs_rect r)
{
    double s = 0, ss = 0;
    long n = 0;
    for (int y = (int)r.y + 1; y < (int)(r.y + r.h) - 1; y++)
        for (int x = (int)r.x + 1; x < (int)(r.x + r.w) - 1; x++) {
            const unsigned char *p = at(im, (float)x, (float)y);
            double v = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
            s += v, ss += v * v, n++;
        }
    if (!n) return 0;
    double m = s / (double)n;
    return sqrt(fmax(0, ss / (double)n - m * m));
}

/* Mean absolute difference of two images inside r. */
static double diff(const image *a, const image *b, cs_rect r)
{
    double d = 0;
    long n = 0;
    for (int y = (int)r.y; y < (int)(r.y + r.h); y++)
        for (int x = (int)r.x; x < (int)(r.x + r.w); x++) {
            const unsigned char *p = at(a, (float)x, (float)y), *q = at(b, (float)x, (float)y);
            d += abs(p[0] - q[0]) + abs(p[1] - q[1]) + abs(p[2] - q[2]), n++;
        }
    return n ? d / (double)n : 0;
}

static long count_colour(const image *im, cs_rect r, const int c[3], int tol)
{
    long n = 0;
    for (int y = (int)r.y; y < (int)(r.y + r.h); y++)
        for (int x = (int)r.x; x < (int)(r.x + r.w); x++) n += near(at(im, (float)x, (float)y), c, tol);
    return n;
}

/* Pixels much brighter than the panel: text. */
static long count_bright(const image *im, cs_rect r)
{
    long n = 0;
    for (int y = (int)r.y; y < (int)(r.y + r.h); y++)
        for (int x = (int)r.x; x < (int)(r.x + r.w); x++) n += at(im, (float)x, (float)y)[1] > 150;
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: gui_pixels NET EARLY.png LATE.png HELP.png\n");
        return 2;
    }
    image early = load(argv[2]), late = load(argv[3]), help = load(argv[4]);
    check(early.w == late.w && early.h == late.h && help.w == late.w, "screenshots have one size");
    cs_net *net;
    if (cs_net_create(&net, argv[1], 1) != CS_OK) {
        fprintf(stderr, "gui_pixels: %s\n", cs_last_error());
        return 2;
    }
    cs_viz_layer layers[CS_VIZ_MAX_LAYERS];
    for (int l = 0; l < net->n_layers; l++) cs_viz_layer_from_net(&layers[l], net, l);
    cs_layout L;
    cs_layout_compute(&L, late.w, late.h, 1, layers, net->n_layers, net->in_c, net->in_h, net->in_w,
                      net->n_classes);
    char what[200];

    /* every panel where the layout puts it: panel colour just inside, gutter just outside */
    const struct {
        const char *name;
        cs_rect r;
    } panels[] = {{"probe", L.probe}, {"output", L.output}, {"strip", L.strip}, {"kernels", L.kernels},
                  {"curves", L.curves}};
    for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++) {
        cs_rect r = panels[i].r;
        int inside = near(at(&late, r.x + 2, r.y + 2), PANEL, 3) && near(at(&late, r.x + r.w - 3, r.y + r.h - 3), PANEL, 3);
        int outside = near(at(&late, r.x - 2, r.y + r.h * 0.5f), GUTTER, 3) &&
                      near(at(&late, r.x + r.w * 0.5f, r.y + r.h + 1), GUTTER, 3);
        snprintf(what, sizeof what, "%s panel at %.0f,%.0f %.0fx%.0f", panels[i].name, r.x, r.y, r.w, r.h);
        check(inside && outside, what);
    }
    check(count_bright(&late, L.top) > 500, "control bar has text");
    check(count_bright(&late, L.counters) > 200, "counters are written");
    check(count_bright(&late, L.out_header) > 30, "output panel has its title");
    check(stddev(&late, L.probe_img) > 10, "probe image is not flat");

    /* kernels: every tile of every conv layer has structure */
    for (int k = 0; k < L.n_kern; k++) {
        int flat = 0;
        for (int i = 0; i < L.kern_grid[k].n; i++) flat += stddev(&late, cs_grid_tile(&L.kern_grid[k], i)) < 2;
        snprintf(what, sizeof what, "%s: %d of %d kernel tiles uniform", layers[L.kern_layer[k]].name, flat,
                 L.kern_grid[k].n);
        check(flat == 0, what);
        check(stddev(&late, L.kern_cbar[k]) > 20, "kernel colour bar drawn");
    }

    /* activation maps: drawn in every column, and changed while the network trained */
    double total = 0;
    for (int l = 0; l < L.n_cols; l++) {
        cs_rect first = cs_grid_tile(&L.col_grid[l], 0);
        snprintf(what, sizeof what, "%s maps drawn (not panel colour)", layers[l].name);
        check(!near(at(&late, first.x + first.w * 0.5f, first.y + first.h * 0.5f), PANEL, 2), what);
        for (int i = 0; i < L.col_grid[l].n; i++) total += diff(&early, &late, cs_grid_tile(&L.col_grid[l], i));
    }
    snprintf(what, sizeof what, "activation maps changed between the screenshots (mean diff %.2f per tile)",
             total / L.n_cols);
    check(total / L.n_cols > 1.0, what);
    check(diff(&early, &late, L.kern_area[0]) > 0.2, "first-layer kernels changed while training");

    /* learning curves and output bars */
    check(count_colour(&late, L.loss_plot, TRAIN_C, 40) > 20, "train loss curve drawn");
    check(count_colour(&late, L.acc_plot, TRAIN_C, 40) > 20, "train accuracy curve drawn");
    cs_rect bars = {L.out_bar_x, L.out_row_y, L.out_bar_w, L.out_row_h * (float)L.out_rows};
    check(stddev(&late, bars) > 5, "output bars drawn");

    /* the help overlay: its frame where the layout puts it, and it covers the strip */
    check(near(at(&help, L.help.x + 1, L.help.y + L.help.h * 0.5f), HELP_FRAME, 12), "help overlay frame");
    check(!near(at(&late, L.help.x + 1, L.help.y + L.help.h * 0.5f), HELP_FRAME, 12), "no help frame before h");
    check(count_bright(&help, L.help) > 2000, "help overlay has text");

    cs_net_destroy(net);
    stbi_image_free(early.px);
    stbi_image_free(late.px);
    stbi_image_free(help.px);
    printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
