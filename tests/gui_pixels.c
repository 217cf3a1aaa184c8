/* gui_pixels.c - checks screenshots of the live window against the layout that placed them:
 * every panel where cs_layout_compute puts it, a probe image and kernels that are not flat,
 * activation maps that changed while training, curves and bars drawn, the help overlay; and the
 * timeline: where cs_timeline puts it, live or showing a recorded step, kernels equal or not; the
 * step view where cs_step_layout_compute puts it.
 *
 * usage: gui_pixels NET EARLY.png LATE.png HELP.png
 *          EARLY and LATE are two screenshots of one training run, HELP one after pressing h.
 *        gui_pixels timeline NET live|scrubbed|loaded SHOT.png
 *          the timeline row drawn where the layout says, in the given state ("loaded": live,
 *          after --load of a run with a history: records on the track, epoch ticks, a train curve)
 *        gui_pixels kernels NET same|differ A.png B.png
 *          the kernel tiles of two screenshots are (nearly) equal, or clearly differ
 *        gui_pixels net NET same|differ A.png B.png
 *          the activation maps and output bars of two screenshots are pixel for pixel equal (record
 *          0 against a paused start), or differ in more than 1% of their pixels
 *        gui_pixels probe NET SHOT.png IMAGE
 *          the probe panel shows the image file IMAGE as the (gray) net sees it, pixel by pixel
 *        gui_pixels same NET A.png B.png
 *          two screenshots of the same scripted run show the same training state: the probe,
 *          output, network strip, kernel and curve panels are pixel for pixel equal (only the
 *          counters, which measure speed, may differ)
 *        gui_pixels point NET WxH track-start|track-end
 *          prints "X Y" of that point of the timeline, for --script clicks
 *        gui_pixels step-kernel-cell WxH SCALE
 *          prints "X Y" of kernel cell (0, 0) of the step view as it opens
 *        gui_pixels size FILE W H
 *          FILE is a PNG of W x H pixels
 *        gui_pixels step START.png EARLY.png LATE.png SWITCH.png HELP.png
 *          the step view of demo:curve with the curve kernel: START as it opens (at the 6600
 *          window), EARLY and LATE while it plays, SWITCH after Tab from the train view, HELP after h.
 * Prints one line per check; exits 1 if any failed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "cs_colormap.h"
#include "cs_demo_images.h"
#include "cs_filters.h"
#include "cs_font.h"
#include "cs_image.h"
#include "cs_layout.h"
#include "cs_run.h"
#include "cs_net.h"
#include "cs_step_layout.h"
#include "cs_timeline.h"

/* The view's palette (cs_view_train.c): panels, gutters, the curve and bar colours. */
static const int PANEL[3] = {39, 41, 47}, GUTTER[3] = {26, 27, 31}, HELP_FRAME[3] = {51, 107, 178};
static const int TRAIN_C[3] = {255, 158, 51};
/* cs_view_timeline.c's: the recorded part of the track, the cursor, the live knob, an "on" button */
static const int RECORDS[3] = {107, 117, 138}, HILITE[3] = {255, 237, 64}, LIVE_C[3] = {89, 217, 115};
static const int BUTTON_ON[3] = {51, 107, 178}, BUTTON[3] = {60, 64, 74};

static int failures;

/* The window's own fonts, so a layout made here measures text as the window's did. */
static cs_measure measure(void)
{
    static cs_fonts *fonts;
    if (!fonts) {
        char dir[1024];
        if (TTF_Init() != 0 || cs_fonts_find_dir(NULL, dir, sizeof dir) != CS_OK || cs_fonts_create(&fonts, dir) != CS_OK) {
            fprintf(stderr, "gui_pixels: no fonts: %s\n", cs_last_error());
            exit(2);
        }
    }
    return cs_fonts_measure(fonts);
}

static void train_layout(cs_layout *L, int w, int h, const cs_snap_layer *layers, const cs_net *net)
{
    const cs_measure m = measure();
    static const char *const shapes[] = {"horizontal", "vertical", "diagonal /", "diagonal \\", "arc", "circle",
                                         "square", "cross"};
    const cs_layout_in in = {w, h, 1, 0, &m, layers, net->n_layers, net->in_c, net->in_h, net->in_w, net->n_classes,
                             shapes, 8, 0};
    cs_layout_compute(L, &in);
}

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
    cs_image img;
    if (cs_image_read(&img, path, 3, NULL) != CS_OK) {
        fprintf(stderr, "gui_pixels: %s\n", cs_last_error());
        exit(1);
    }
    im.px = img.px, im.w = img.w, im.h = img.h; /* img.px is ours to free */
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

/* A preset as the window sizes it for the built-in shapes' 8 classes ("mnist" has 8 outputs
 * there), or for N classes when NET ends in ":N"; other specs as they are. */
static const char *sized_spec(const char *spec, char *out, size_t size)
{
    char name[64];
    const char *colon = strchr(spec, ':');
    snprintf(name, sizeof name, "%.*s", colon ? (int)(colon - spec) : 63, spec);
    return cs_run_spec_for_classes(name, colon ? atoi(colon + 1) : 8, out, size);
}

/* The layout of a window of w x h for net (layers filled in; see sized_spec). */
static void layout_of(const char *spec, int w, int h, cs_layout *L, cs_snap_layer *layers, cs_timeline_layout *T)
{
    char sized[1024];
    sized_spec(spec, sized, sizeof sized);
    cs_net *net;
    if (cs_net_create(&net, sized, 1, 1) != CS_OK) {
        fprintf(stderr, "gui_pixels: %s\n", cs_last_error());
        exit(2);
    }
    for (int l = 0; l < net->n_layers; l++) cs_snap_layer_from_net(&layers[l], net, l);
    train_layout(L, w, h, layers, net);
    cs_timeline_layout_compute(T, L->timeline, L->kernels, &L->st);
    cs_net_destroy(net);
}

/* Pixels of colour c (within tol) on the horizontal line y from x0 to x1. */
static long count_row(const image *im, float x0, float x1, float y, const int c[3], int tol)
{
    long n = 0;
    for (float x = x0; x < x1; x++) n += near(at(im, x, y), c, tol);
    return n;
}

static int timeline_main(const char *spec, const char *state, const char *path)
{
    image im = load(path);
    cs_layout L;
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    cs_timeline_layout T;
    layout_of(spec, im.w, im.h, &L, layers, &T);
    const cs_rect tr = T.track;
    const float cy = tr.y + 0.5f * tr.h;
    char what[200];
    snprintf(what, sizeof what, "timeline label written at %.0f,%.0f", T.label.x, T.label.y);
    check(count_bright(&im, T.label) > 60, what);
    check(count_bright(&im, T.btn_live) > 10 && count_bright(&im, T.btn_play) > 5, "Live and play buttons labelled");
    /* the track's bar runs along its centre line: the recorded part, then the steps since the
     * last record (a slow machine may have recorded only the start) */
    const long recorded = count_row(&im, tr.x, tr.x + tr.w, cy, RECORDS, 6);
    const long bar = recorded + count_row(&im, tr.x, tr.x + tr.w, cy, BUTTON, 6);
    snprintf(what, sizeof what, "track at %.0f,%.0f %.0fx%.0f drawn (%ld of %.0f px, %ld recorded)", tr.x, tr.y, tr.w,
             tr.h, bar, tr.w, recorded);
    check(bar > (long)(0.8f * tr.w) && recorded >= 1, what);
    const int frame = near(at(&im, L.kernels.x + 1, L.kernels.y + L.kernels.h * 0.5f), HILITE, 20);
    if (strcmp(state, "scrubbed") == 0) {
        check(count_row(&im, tr.x - 4, tr.x + tr.w + 4, tr.y + 2, HILITE, 20) >= 4, "cursor on the track");
        check(frame, "kernel panel framed: it shows a recorded step");
        check(count_colour(&im, L.loss_plot, HILITE, 30) > 20 && count_colour(&im, L.acc_plot, HILITE, 30) > 20,
              "the step marked on both curves");
        check(count_colour(&im, T.label, HILITE, 40) > 30, "label says which step (highlighted)");
    } else {
        check(count_row(&im, tr.x + tr.w - 6, tr.x + tr.w + 6, cy, LIVE_C, 30) >= 2, "live knob at the track's end");
        check(!frame, "kernel panel not framed while live");
        check(near(at(&im, T.btn_live.x + 2, T.btn_live.y + 2), BUTTON_ON, 10), "Live button on");
    }
    if (strcmp(state, "loaded") == 0) {
        /* epoch ticks cross the track: light pixels above and below its bar */
        long ticks = 0;
        for (float x = tr.x + 2; x < tr.x + tr.w - 8; x++) {
            const unsigned char *p = at(&im, x, tr.y + 3);
            ticks += p[0] > 100 && p[1] > 100 && p[2] > 100;
        }
        snprintf(what, sizeof what, "epoch ticks on the track (%ld px)", ticks);
        check(ticks >= 1, what);
        check(count_colour(&im, L.loss_plot, TRAIN_C, 40) > 40, "the loaded history drawn as the train curve");
        check(recorded > (long)(0.9f * tr.w), "the loaded records span the track");
    }
    free(im.px);
    printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

/* Mean difference of the kernel tiles of two screenshots. */
static int kernels_main(const char *spec, const char *how, const char *pa, const char *pb)
{
    image a = load(pa), b = load(pb);
    cs_layout L;
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    cs_timeline_layout T;
    layout_of(spec, a.w, a.h, &L, layers, &T);
    check(a.w == b.w && a.h == b.h, "screenshots have one size");
    double d = 0;
    int tiles = 0;
    for (int k = 0; k < L.n_kern; k++)
        for (int i = 0; i < L.kern_grid[k].n; i++) d += diff(&a, &b, cs_grid_tile(&L.kern_grid[k], i)), tiles++;
    d /= tiles > 0 ? tiles : 1;
    char what[200];
    const int same = strcmp(how, "same") == 0;
    snprintf(what, sizeof what, "kernel tiles %s (mean difference %.3f over %d tiles)", same ? "equal" : "differ", d, tiles);
    check(tiles > 0 && (same ? d < 0.5 : d > 3.0), what);
    free(a.px);
    free(b.px);
    printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

/* The whole net of two screenshots: the activation maps and the output bars pixel for pixel equal
 * (record 0 of a run against a paused start of the same seed), or clearly different (against the
 * live net). */
static int net_main(const char *spec, const char *how, const char *pa, const char *pb)
{
    image a = load(pa), b = load(pb);
    cs_layout L;
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    cs_timeline_layout T;
    layout_of(spec, a.w, a.h, &L, layers, &T);
    check(a.w == b.w && a.h == b.h, "screenshots have one size");
    const int same = strcmp(how, "same") == 0;
    const struct {
        const char *name;
        cs_rect r;
    } panels[] = {{"activation maps", L.strip}, {"output", L.output}};
    for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++) {
        long differ = 0, total = 0;
        const cs_rect r = panels[i].r;
        for (int y = (int)r.y; y < (int)(r.y + r.h); y++)
            for (int x = (int)r.x; x < (int)(r.x + r.w); x++, total++)
                differ += memcmp(at(&a, (float)x, (float)y), at(&b, (float)x, (float)y), 3) != 0;
        char what[200];
        snprintf(what, sizeof what, "%s panel %s (%ld of %ld pixels differ)", panels[i].name,
                 same ? "identical" : "different", differ, total);
        check(same ? differ == 0 : differ > total / 100, what);
    }
    free(a.px);
    free(b.px);
    printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

/* The probe panel of a screenshot shows the image file as the net sees it: every pixel of the
 * net's input (converted as cs_run_load_probe_file converts it), at the centre of its cell of the
 * drawn probe, through the gray colormap. */
static int probe_main(const char *spec, const char *shot, const char *file)
{
    image im = load(shot);
    cs_layout L;
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    cs_timeline_layout T;
    layout_of(spec, im.w, im.h, &L, layers, &T);
    const int c = layers[0].in_c, h = layers[0].in_h, w = layers[0].in_w;
    cs_dataset one;
    char note[256];
    if (cs_run_load_probe_file(file, c, h, w, &one, note, sizeof note, NULL, 0) != CS_OK) {
        fprintf(stderr, "gui_pixels: %s\n", cs_last_error());
        return 2;
    }
    int bad = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const float v = (float)one.pixels[(size_t)y * w + x] * (1.0f / 255.0f);
            uint8_t want[3];
            cs_colormap_rgb(CS_CMAP_GRAY, (cs_value_range){0.0f, 1.0f}, v, want);
            const cs_rect r = L.probe_img;
            const unsigned char *p = at(&im, r.x + r.w * ((float)x + 0.5f) / (float)w, r.y + r.h * ((float)y + 0.5f) / (float)h);
            bad += abs(p[0] - want[0]) > 3;
        }
    char what[400];
    snprintf(what, sizeof what, "the probe shows %.256s (%d of %d pixels off)", note, bad, w * h);
    check(c == 1 && bad == 0, what);
    cs_dataset_free(&one);
    free(im.px);
    printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

/* Two screenshots of one script on a lockstep window: every panel that shows the training state
 * is identical, whatever the machine did between the frames. */
static int same_main(const char *spec, const char *pa, const char *pb)
{
    image a = load(pa), b = load(pb);
    cs_layout L;
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    cs_timeline_layout T;
    layout_of(spec, a.w, a.h, &L, layers, &T);
    check(a.w == b.w && a.h == b.h, "screenshots have one size");
    const struct {
        const char *name;
        cs_rect r;
    } panels[] = {{"probe", L.probe}, {"output", L.output}, {"strip", L.strip}, {"kernels", L.kernels},
                  {"curves", L.curves}};
    for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++) {
        long differ = 0;
        const cs_rect r = panels[i].r;
        for (int y = (int)r.y; y < (int)(r.y + r.h); y++)
            for (int x = (int)r.x; x < (int)(r.x + r.w); x++)
                differ += memcmp(at(&a, (float)x, (float)y), at(&b, (float)x, (float)y), 3) != 0;
        char what[200];
        snprintf(what, sizeof what, "%s panel identical in both runs (%ld pixels differ)", panels[i].name, differ);
        check(differ == 0, what);
    }
    free(a.px);
    free(b.px);
    printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

/* ---- the step view ------------------------------------------------------------------------- */

/* HILITE (above) is the step view's highlight too */
static const int NOT_YET[3] = {29, 31, 35};

static int near_rgb(const unsigned char *p, const uint8_t c[3], int tol)
{
    const int ci[3] = {c[0], c[1], c[2]};
    return near(p, ci, tol);
}

/* Output cells (sampled at their centres) that are computed: not the "not yet" colour. */
static int computed_cells(const image *im, const cs_step_layout *L)
{
    int n = 0;
    for (int y = 0; y < L->OH; y++)
        for (int x = 0; x < L->OW; x++) {
            cs_rect c = cs_step_output_cell(L, y, x);
            n += !near(at(im, c.x + c.w * 0.5f, c.y + c.h * 0.5f), NOT_YET, 3);
        }
    return n;
}

/* The view as it opens: the 6600 window outlined, its output cell the colormap's top colour,
 * the kernel and products grids in their colours, the result written in the highlight colour. */
static void step_opening(const image *im, const cs_step_layout *L, const char *name)
{
    char what[200];
    const uint8_t *viridis = cs_colormap_table(CS_CMAP_VIRIDIS);
    cs_rect oc = cs_step_output_cell(L, CS_DEMO_CURVE_MATCH_Y, CS_DEMO_CURVE_MATCH_X);
    snprintf(what, sizeof what, "%s: output cell x 4, y 4 (6600) has viridis' top colour", name);
    check(near_rgb(at(im, oc.x + oc.w * 0.5f, oc.y + oc.h * 0.5f), viridis + 255 * 3, 8), what);
    cs_rect later = cs_step_output_cell(L, 10, 10);
    snprintf(what, sizeof what, "%s: output cell x 10, y 10 not computed yet", name);
    check(near(at(im, later.x + later.w * 0.5f, later.y + later.h * 0.5f), NOT_YET, 3), what);
    const float t = fmaxf(2, roundf(2 * L->scale));
    cs_rect wr = cs_step_window_rect(L, CS_DEMO_CURVE_MATCH_Y, CS_DEMO_CURVE_MATCH_X);
    int outline = near(at(im, wr.x - t * 0.5f, wr.y + wr.h * 0.5f), HILITE, 12) &&
                  near(at(im, wr.x + wr.w + t * 0.5f, wr.y + wr.h * 0.5f), HILITE, 12) &&
                  near(at(im, wr.x + wr.w * 0.5f, wr.y - t * 0.5f), HILITE, 12) &&
                  near(at(im, wr.x + wr.w * 0.5f, wr.y + wr.h + t * 0.5f), HILITE, 12);
    snprintf(what, sizeof what, "%s: window outlined on the input at %.0f,%.0f %.0fx%.0f", name, wr.x, wr.y, wr.w, wr.h);
    check(outline, what);
    cs_rect other = cs_step_window_rect(L, 12, 12);
    snprintf(what, sizeof what, "%s: no outline where the window is not", name);
    check(!near(at(im, other.x + other.w + t * 0.5f, other.y + other.h * 0.5f), HILITE, 12), what);
    /* kernel row 0, column 5 is 30, the kernel's largest: the diverging map's top; column 0 is 0: white */
    uint8_t c30[3], c0[3], c600[3];
    cs_colormap_rgb(CS_CMAP_RDBU, (cs_value_range){-30, 30}, 30, c30);
    cs_colormap_rgb(CS_CMAP_RDBU, (cs_value_range){-30, 30}, 0, c0);
    cs_colormap_rgb(CS_CMAP_RDBU, (cs_value_range){-1500, 1500}, 600, c600);
    cs_rect k30 = cs_step_grid_cell(L, CS_STEP_GRID_KERNEL, 0, 0, 5), k0 = cs_step_grid_cell(L, CS_STEP_GRID_KERNEL, 0, 0, 0);
    snprintf(what, sizeof what, "%s: kernel cell (0, 5) = 30 in the top colour, (0, 0) = 0 in white", name);
    check(near_rgb(at(im, k30.x + 3, k30.y + 3), c30, 8) && near_rgb(at(im, k0.x + 3, k0.y + 3), c0, 8), what);
    cs_rect p600 = cs_step_grid_cell(L, CS_STEP_GRID_PRODUCTS, 0, 3, 3);
    snprintf(what, sizeof what, "%s: products cell (3, 3) = 20 x 30 = 600 in its colour", name);
    check(near_rgb(at(im, p600.x + 3, p600.y + 3), c600, 8), what);
    snprintf(what, sizeof what, "%s: the result line is written", name);
    check(count_colour(im, L->eq_result, HILITE, 40) > 60, what);
    snprintf(what, sizeof what, "%s: the equation is written", name);
    check(count_bright(im, L->eq_text) > 300, what);
    cs_rect cells = L->grid[CS_STEP_GRID_KERNEL][0];
    snprintf(what, sizeof what, "%s: numbers in the kernel cells", name);
    check(count_colour(im, cells, (const int[3]){16, 16, 20}, 40) > 200, what);
}

static int step_checks(char **argv)
{
    image start = load(argv[2]), early = load(argv[3]), late = load(argv[4]), sw = load(argv[5]), help = load(argv[6]);
    cs_demo_image img;
    cs_filter k;
    cs_stepper st;
    if (cs_demo_make(&img, "curve", 1) != CS_OK || cs_filter_preset(&k, "curve") != CS_OK ||
        cs_stepper_init(&st, img.pixels, 1, img.h, img.w, k.w, k.k, 0, 1, 0, CS_STEPPER_ACT_NONE) != CS_OK) {
        fprintf(stderr, "gui_pixels: %s\n", cs_last_error());
        return 2;
    }
    cs_step_layout L;
    const cs_measure m = measure();
    cs_step_layout_compute(&L, start.w, start.h, 1, 0, &m, &st);
    step_opening(&start, &L, "step view");
    step_opening(&sw, &L, "after Tab from training");
    const int a = computed_cells(&early, &L), b = computed_cells(&late, &L);
    char what[200];
    snprintf(what, sizeof what, "the output map fills in while playing: %d, later %d of %d cells", a, b, L.OH * L.OW);
    check(a > 0 && b > a, what);
    check(count_row(&help, L.help.x, L.help.x + L.help.w, L.help.y + L.help.h * 0.5f, HELP_FRAME, 12) >= 2,
          "step view help overlay frame");
    check(count_bright(&help, L.help) > 2000, "step view help has text");
    cs_stepper_free(&st);
    cs_filter_free(&k);
    cs_demo_image_free(&img);
    free(start.px), free(early.px), free(late.px), free(sw.px);
    free(help.px);
    printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "timeline") == 0) return timeline_main(argv[2], argv[3], argv[4]);
    if (argc == 6 && strcmp(argv[1], "kernels") == 0) return kernels_main(argv[2], argv[3], argv[4], argv[5]);
    if (argc == 6 && strcmp(argv[1], "net") == 0) return net_main(argv[2], argv[3], argv[4], argv[5]);
    if (argc == 5 && strcmp(argv[1], "probe") == 0) return probe_main(argv[2], argv[3], argv[4]);
    if (argc == 5 && strcmp(argv[1], "same") == 0) return same_main(argv[2], argv[3], argv[4]);
    if (argc == 4 && strcmp(argv[1], "step-kernel-cell") == 0) {
        /* the centre of kernel cell (0, 0) of the step view as it opens (demo:curve, curve kernel) */
        int w, h;
        if (sscanf(argv[2], "%dx%d", &w, &h) != 2) return 2;
        cs_demo_image img;
        cs_filter k;
        cs_stepper st;
        if (cs_demo_make(&img, "curve", 1) != CS_OK || cs_filter_preset(&k, "curve") != CS_OK ||
            cs_stepper_init(&st, img.pixels, 1, img.h, img.w, k.w, k.k, 0, 1, 0, CS_STEPPER_ACT_NONE) != CS_OK)
            return 2;
        cs_step_layout L;
        const cs_measure m = measure();
        cs_step_layout_compute(&L, w, h, (float)atof(argv[3]), 0, &m, &st);
        const cs_rect r = cs_step_grid_cell(&L, CS_STEP_GRID_KERNEL, 0, 0, 0);
        printf("%d %d\n", (int)(r.x + 0.5f * r.w), (int)(r.y + 0.5f * r.h));
        cs_stepper_free(&st), cs_filter_free(&k), cs_demo_image_free(&img);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "point") == 0) {
        int w, h;
        if (sscanf(argv[3], "%dx%d", &w, &h) != 2) return 2;
        cs_layout L;
        cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
        cs_timeline_layout T;
        layout_of(argv[2], w, h, &L, layers, &T);
        const float x = strcmp(argv[4], "track-end") == 0 ? T.track.x + T.track.w - 1 : T.track.x + 1;
        printf("%d %d\n", (int)x, (int)(T.track.y + 0.5f * T.track.h));
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "size") == 0) {
        image im = load(argv[2]);
        char what[300];
        snprintf(what, sizeof what, "%s is %dx%d (want %sx%s)", argv[2], im.w, im.h, argv[3], argv[4]);
        check(im.w == atoi(argv[3]) && im.h == atoi(argv[4]), what);
        free(im.px);
        return failures ? 1 : 0;
    }
    if (argc == 7 && strcmp(argv[1], "step") == 0) return step_checks(argv);
    if (argc != 5) {
        fprintf(stderr, "usage: gui_pixels NET EARLY.png LATE.png HELP.png\n");
        return 2;
    }
    image early = load(argv[2]), late = load(argv[3]), help = load(argv[4]);
    check(early.w == late.w && early.h == late.h && help.w == late.w, "screenshots have one size");
    cs_net *net;
    char sized[1024];
    if (cs_net_create(&net, sized_spec(argv[1], sized, sizeof sized), 1, 1) != CS_OK) {
        fprintf(stderr, "gui_pixels: %s\n", cs_last_error());
        return 2;
    }
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    for (int l = 0; l < net->n_layers; l++) cs_snap_layer_from_net(&layers[l], net, l);
    cs_layout L;
    train_layout(&L, late.w, late.h, layers, net);
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
    /* the overlay's box fits its rows, inside the largest box the layout allows it */
    const float hy = L.help.y + L.help.h * 0.5f;
    check(count_row(&help, L.help.x, L.help.x + L.help.w, hy, HELP_FRAME, 12) >= 2, "help overlay frame");
    check(count_row(&late, L.help.x, L.help.x + L.help.w, hy, HELP_FRAME, 12) < 2, "no help frame before h");
    check(count_bright(&help, L.help) > 2000, "help overlay has text");

    cs_net_destroy(net);
    free(early.px);
    free(late.px);
    free(help.px);
    printf("%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
