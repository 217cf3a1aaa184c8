/* gui_step.c - the step view's state, playback and input (see gui_step.h). All arithmetic is
 * the core stepper's, so every number on screen is what conv2d computes. */
#include "gui_step.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cs_demo_images.h"
#include "cs_filters.h"
#include "cs_i18n.h"
#include "cs_step_layout.h"
#include "cs_stepper.h"
#include "cs_tensor.h"
#include "cs_view_step.h"

/* Images larger than this (either side) are shrunk by an integer factor for the view. */
enum { MAX_VIEW_SIDE = 160 };

enum { O_IMAGE = 300, O_KERNEL, O_STRIDE, O_PAD, O_BIAS, O_RELU, O_AT };

const struct option gui_step_longopts[GUI_STEP_OPTION_COUNT] = {
    {"image", required_argument, 0, O_IMAGE}, {"kernel", required_argument, 0, O_KERNEL},
    {"stride", required_argument, 0, O_STRIDE}, {"pad", required_argument, 0, O_PAD},
    {"bias", required_argument, 0, O_BIAS},   {"relu", no_argument, 0, O_RELU},
    {"at", required_argument, 0, O_AT},
};

/* Playback speeds, finest first: multiply-adds per second (the equation grows term by term),
 * positions per second, then the whole image at once. */
typedef enum { BY_TERM, BY_POSITION, WHOLE } step_unit;
static const struct {
    step_unit unit;
    double rate;
    const char *label; /* marked for translation; _() where shown */
} SPEEDS[] = {
    {BY_TERM, 1, N_("one multiply-add at a time, 1/s")},
    {BY_TERM, 4, N_("one multiply-add at a time, 4/s")},
    {BY_TERM, 16, N_("one multiply-add at a time, 16/s")},
    {BY_POSITION, 1, N_("one position at a time, 1/s")},
    {BY_POSITION, 4, N_("one position at a time, 4/s")},
    {BY_POSITION, 12, N_("one position at a time, 12/s")},
    {BY_POSITION, 60, N_("one position at a time, 60/s")},
    {BY_POSITION, 600, N_("600 positions/s")},
    {WHOLE, 0, N_("the whole image at once")},
};
enum { N_SPEEDS = sizeof SPEEDS / sizeof SPEEDS[0], DEFAULT_SPEED = 5 };

struct gui_step {
    cs_demo_image img;     /* owned; the stepper borrows img.pixels */
    cs_filter kernel;      /* owned; the stepper borrows kernel.w */
    float img_max;         /* shown as white: 255 for files, the demo's display_max, 1 for the probe */
    char image_name[96], kernel_name[96];
    cs_stepper st;
    int have_st;
    cs_value_range out_range;
    cs_colormap_id out_cmap;
    int speed, playing;
    int skip_zeros;        /* term stepping skips the zero terms */
    int term_pos;          /* the position the last term step was at (-1 none): a term step elsewhere
                            * starts that window's sum from its first term */
    int grey_on;           /* the grey output picture beside the heat map */
    float *grey;           /* (OH, OW) for the view, owned; grey_cap floats */
    size_t grey_cap;
    double last_tick, carry; /* playback clock and the fraction of a step owed */
    int first_tick;
    int sel_c, sel_ky, sel_kx; /* selected kernel cell, sel_c < 0 for none */
    char edit[32];
    int editing;
    int preset, demo;      /* indices for cycling with k and i */
    cs_view_step *view;    /* owned; NULL until attached */
    int image_dirty;       /* the view's input texture needs the new image */
    cs_step_layout layout; /* of the last draw, for hit tests */
    int have_layout;
    char message[320];
    int has_message;
    int edited;            /* the kernel's numbers were changed by hand (its name says so) */
    int style_h;           /* the window's height for type sizes (0: the drawn height) */
};

static const char *const PRESETS[] = {"curve", "identity", "box", "gaussian3", "gaussian5", "laplacian4",
                                      "laplacian8", "sobel-x", "sobel-y", "sharpen", "emboss"};
static const char *const DEMOS[] = {"curve", "edges", "checker", "letter"};
enum { N_PRESETS = sizeof PRESETS / sizeof PRESETS[0], N_DEMOS = sizeof DEMOS / sizeof DEMOS[0] };

void gui_step_options_defaults(gui_step_options *o)
{
    memset(o, 0, sizeof *o);
    o->image = "demo:curve";
    o->kernel = "curve";
    o->stride = 1;
}

int gui_step_option(gui_step_options *o, int ch, const char *arg)
{
    switch (ch) {
    case O_IMAGE: o->image = arg; return 1;
    case O_KERNEL: o->kernel = arg; return 1;
    case O_STRIDE: return cs_cli_int(arg, 1, 1000, &o->stride);
    case O_PAD: return cs_cli_int(arg, 0, 1000, &o->pad);
    case O_BIAS: return cs_cli_double(arg, -1e30, 1e30, &o->bias);
    case O_RELU: o->relu = 1; return 1;
    case O_AT: {
        char buf[64];
        if (strlen(arg) >= sizeof buf) return 0;
        strcpy(buf, arg);
        char *comma = strchr(buf, ',');
        if (!comma) return 0;
        *comma = '\0';
        o->have_at = 1;
        return cs_cli_int(buf, 0, INT_MAX, &o->at_x) && cs_cli_int(comma + 1, 0, INT_MAX, &o->at_y);
    }
    default: return -1;
    }
}

void gui_step_options_help(FILE *f)
{
    fprintf(f,
            "Step view (--view step, or Tab in the window): one kernel over one image, position by position.\n"
            "  --image PATH|demo:NAME  an image file (gray, RGB for a 3-channel kernel; shrunk above %d pixels)\n"
            "                          or a built-in image: %s (default demo:curve)\n"
            "  --kernel PRESET|PATH    %s, or a kernel text file\n"
            "                          (default curve: the article's curve detector)\n"
            "  --stride S, --pad P     stride (default 1) and zero padding (default 0)\n"
            "  --bias B, --relu        added to every sum (default 0); ReLU after it\n"
            "  --at X,Y                start at output column X, row Y (default: the 6600 window of\n"
            "                          demo:curve with the curve kernel, else 0,0)\n",
            MAX_VIEW_SIDE, cs_demo_names(), cs_filter_preset_names());
}

static void say(gui_step *g, const char *msg)
{
    snprintf(g->message, sizeof g->message, "%.299s", msg);
    g->has_message = 1;
}

const char *gui_step_message(gui_step *g)
{
    if (!g->has_message) return NULL;
    g->has_message = 0;
    return g->message;
}

/* The complete map's range, so the colours hold still while the map fills in: viridis from 0
 * when nothing is negative (the curve detector's 6600 is its top colour), else blue-white-red
 * symmetric about 0. */
static void compute_range(gui_step *g)
{
    const cs_stepper *st = &g->st;
    float lo = INFINITY, hi = -INFINITY;
    for (int oy = 0; oy < st->OH; oy++)
        for (int ox = 0; ox < st->OW; ox++) {
            float v = cs_conv2d_dot_at(st->image, st->kernel, st->C, st->H, st->W, st->K, st->S, st->P, oy, ox) + st->bias;
            if (st->act == CS_STEPPER_ACT_RELU && v < 0) v = 0;
            if (!isfinite(v)) continue;
            lo = fminf(lo, v), hi = fmaxf(hi, v);
        }
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (lo >= 0) {
        g->out_cmap = CS_CMAP_VIRIDIS;
        g->out_range = (cs_value_range){0, hi > 0 ? hi : 1};
    } else {
        const float m = fmaxf(-lo, hi);
        g->out_cmap = CS_CMAP_RDBU;
        g->out_range = (cs_value_range){-m, m};
    }
}

/* Replaces image and kernel (taking ownership of both) and sets up a new stepper; on failure
 * the old state stays and the new ones are freed. */
static cs_status install(gui_step *g, cs_demo_image *img, cs_filter *k, float img_max, int S, int P, float bias,
                         cs_stepper_act act)
{
    cs_stepper st;
    cs_status s = cs_stepper_init(&st, img->pixels, img->c, img->h, img->w, k->w, k->k, bias, S, P, act);
    if (s != CS_OK) {
        /* only what was new is freed: the caller may pass the current image or kernel again */
        if (img->pixels != g->img.pixels) cs_demo_image_free(img);
        if (k->w != g->kernel.w) cs_filter_free(k);
        return s;
    }
    if (g->have_st) cs_stepper_free(&g->st);
    if (img->pixels != g->img.pixels) cs_demo_image_free(&g->img), g->img = *img;
    if (k->w != g->kernel.w) cs_filter_free(&g->kernel), g->kernel = *k;
    g->st = st;
    g->have_st = 1;
    cs_stepper_set_fraction(&g->st, g->kernel.frac_den);
    g->img_max = img_max;
    g->term_pos = -1;
    /* a smoothing kernel's output is an image: show it as one */
    g->grey_on = cs_filter_is_smoothing(&g->kernel);
    g->sel_c = -1, g->editing = 0, g->playing = 0;
    snprintf(g->image_name, sizeof g->image_name, "%s", g->img.name);
    snprintf(g->kernel_name, sizeof g->kernel_name, "%s", g->kernel.name);
    g->edited = 0;
    g->image_dirty = 1;
    compute_range(g);
    return CS_OK;
}

cs_status gui_step_create(gui_step **out, const gui_step_options *o)
{
    *out = NULL;
    gui_step *g = calloc(1, sizeof *g);
    if (!g) return cs_fail(CS_ERR_NOMEM, "out of memory");
    g->speed = DEFAULT_SPEED, g->sel_c = -1;
    cs_filter k;
    cs_demo_image img;
    cs_status s = cs_filter_open(&k, o->kernel);
    if (s == CS_OK && k.c != 1 && k.c != 3) {
        s = cs_fail(CS_ERR_ARG, "kernel %s has %d channels; images are read as gray (1) or RGB (3)", k.name, k.c);
        cs_filter_free(&k);
    }
    if (s != CS_OK) {
        free(g);
        return s;
    }
    if ((s = cs_demo_open(&img, o->image, k.c, MAX_VIEW_SIDE)) != CS_OK) {
        cs_filter_free(&k);
        free(g);
        return s;
    }
    const int curve_demo = strcmp(o->image, "demo:curve") == 0 && strcmp(o->kernel, "curve") == 0 && o->stride == 1 &&
                           o->pad == 0;
    if ((s = install(g, &img, &k, img.display_max, o->stride, o->pad, (float)o->bias,
                     o->relu ? CS_STEPPER_ACT_RELU : CS_STEPPER_ACT_NONE)) != CS_OK) {
        free(g);
        return s;
    }
    /* the first picture already teaches: the curve detector on the curve, 6600 */
    if (o->have_at) s = cs_stepper_seek(&g->st, o->at_y, o->at_x);
    else if (curve_demo) s = cs_stepper_seek(&g->st, CS_DEMO_CURVE_MATCH_Y, CS_DEMO_CURVE_MATCH_X);
    if (s != CS_OK) {
        gui_step_destroy(g);
        return s;
    }
    *out = g;
    return CS_OK;
}

cs_status gui_step_attach(gui_step *g, cs_gl *gl, cs_text *text)
{
    cs_status s = cs_view_step_create(&g->view, gl, text);
    g->image_dirty = 1;
    return s;
}

void gui_step_destroy(gui_step *g)
{
    if (!g) return;
    free(g->grey);
    cs_view_step_destroy(g->view);
    if (g->have_st) cs_stepper_free(&g->st);
    cs_demo_image_free(&g->img);
    cs_filter_free(&g->kernel);
    free(g);
}

/* ---- playback ------------------------------------------------------------------------------ */

/* One multiply-add forward or back (over the zero ones when they are skipped). Forward from a
 * window reached some other way (a click, an arrow, the start) first starts that window's sum. */
static int term_step(gui_step *g, int forward)
{
    cs_stepper *st = &g->st;
    const int here = st->oy * st->OW + st->ox;
    int moved;
    if (forward && here != g->term_pos && st->term == st->n_terms) {
        cs_stepper_set_term(st, 0);
        moved = g->skip_zeros ? cs_stepper_next_nonzero_term(st) : cs_stepper_next_term(st);
    } else if (forward) {
        moved = g->skip_zeros ? cs_stepper_next_nonzero_term(st) : cs_stepper_next_term(st);
    } else {
        moved = g->skip_zeros ? cs_stepper_prev_nonzero_term(st) : cs_stepper_prev_term(st);
    }
    g->term_pos = st->oy * st->OW + st->ox;
    return moved;
}

static int step_once(gui_step *g, int forward)
{
    switch (SPEEDS[g->speed].unit) {
    case BY_TERM: return term_step(g, forward);
    case BY_POSITION: return forward ? cs_stepper_next(&g->st) : cs_stepper_prev(&g->st);
    default:
        if (forward) {
            if (cs_stepper_done(&g->st)) return 0;
            cs_stepper_to_end(&g->st);
        } else {
            cs_stepper_to_start(&g->st);
        }
        return 1;
    }
}

void gui_step_toggle_play(gui_step *g)
{
    g->playing = !g->playing;
    if (g->playing && cs_stepper_done(&g->st)) cs_stepper_to_start(&g->st);
    g->carry = 0, g->first_tick = 1;
}

int gui_step_tick(gui_step *g, double now)
{
    if (!g->playing) {
        g->last_tick = now;
        return 0;
    }
    if (SPEEDS[g->speed].unit == WHOLE) {
        cs_stepper_to_end(&g->st);
        g->playing = 0;
        return 1;
    }
    double dt = now - g->last_tick;
    g->last_tick = now;
    if (dt > 0.25) dt = 0.25; /* a stalled frame does not jump ahead */
    g->carry += dt * SPEEDS[g->speed].rate;
    /* the first step comes at once, so pressing play is answered without waiting a period */
    if (g->first_tick) g->carry = fmax(g->carry, 1.0), g->first_tick = 0;
    int moved = 0;
    while (g->carry >= 1) {
        g->carry -= 1;
        if (!step_once(g, 1)) {
            g->playing = 0, g->carry = 0;
            say(g, _("the whole map is computed: space plays it again from the start"));
            break;
        }
        moved = 1;
    }
    return moved;
}

/* ---- input --------------------------------------------------------------------------------- */

static void seek(gui_step *g, int oy, int ox)
{
    oy = oy < 0 ? 0 : oy >= g->st.OH ? g->st.OH - 1 : oy;
    ox = ox < 0 ? 0 : ox >= g->st.OW ? g->st.OW - 1 : ox;
    cs_stepper_seek(&g->st, oy, ox);
}

static void set_geometry(gui_step *g, int S, int P)
{
    if (S < 1 || P < 0) return;
    if (cs_stepper_set_geometry(&g->st, S, P) != CS_OK) {
        say(g, cs_last_error());
        return;
    }
    compute_range(g);
    char m[128];
    snprintf(m, sizeof m, _("stride %d, pad %d: the output is %d\u00D7%d"), S, P, g->st.OW, g->st.OH);
    say(g, m);
}

static void kernel_changed(gui_step *g)
{
    cs_stepper_refresh(&g->st);
    /* an edit that is still an integer over the denominator keeps the fraction form */
    cs_stepper_set_fraction(&g->st, g->kernel.frac_den);
    compute_range(g);
    /* the name says the numbers are no longer the preset's or the file's */
    if (!g->edited) snprintf(g->kernel_name, sizeof g->kernel_name, _("%s (edited)"), g->kernel.name);
    g->edited = 1;
}

/* The wheel's step for a kernel value: 1 for whole-number kernels, else a tenth of the
 * kernel's magnitude rounded to a power of ten (0.01 for the box's 1/9). */
static float wheel_step(const gui_step *g)
{
    float m = 0;
    int integers = 1;
    for (int i = 0; i < g->st.n_terms; i++)
        m = fmaxf(m, fabsf(g->kernel.w[i])), integers &= g->kernel.w[i] == rintf(g->kernel.w[i]);
    if (g->st.frac_den > 1) return 1.0f / (float)g->st.frac_den; /* 1/9 steps to 2/9 */
    if (m <= 0) return 0.1f;
    if (integers) return 1.0f; /* Sobel, Laplacian, the curve: whole numbers stay whole */
    return powf(10.0f, floorf(log10f(m)) - 1.0f);
}

static void commit_edit(gui_step *g)
{
    char *end;
    const double v = strtod(g->edit, &end);
    if (end == g->edit || *end || !isfinite(v)) {
        char m[96];
        snprintf(m, sizeof m, _("'%s' is not a number"), g->edit);
        say(g, m);
    } else {
        const int K = g->st.K;
        g->kernel.w[(g->sel_c * K + g->sel_ky) * K + g->sel_kx] = (float)v;
        kernel_changed(g);
    }
    g->editing = 0, g->edit[0] = '\0';
}

static int edit_key(gui_step *g, SDL_Keycode k)
{
    char ch = 0;
    if (k >= SDLK_0 && k <= SDLK_9) ch = (char)('0' + (k - SDLK_0));
    else if (k >= SDLK_KP_1 && k <= SDLK_KP_9) ch = (char)('1' + (k - SDLK_KP_1));
    else if (k == SDLK_KP_0) ch = '0';
    else if (k == SDLK_PERIOD || k == SDLK_KP_PERIOD) ch = '.';
    else if ((k == SDLK_MINUS || k == SDLK_KP_MINUS) && g->editing) ch = '-';
    else if (k == SDLK_MINUS && !g->editing) ch = '-';
    else if (k == SDLK_e && g->editing) ch = 'e';
    else if (k == SDLK_SLASH && g->editing) ch = '/';
    if (ch) {
        const size_t n = strlen(g->edit);
        if (n + 1 < sizeof g->edit) g->edit[n] = ch, g->edit[n + 1] = '\0';
        g->editing = 1;
        return 1;
    }
    if (!g->editing) return 0;
    if (k == SDLK_BACKSPACE) {
        const size_t n = strlen(g->edit);
        if (n) g->edit[n - 1] = '\0';
        return 1;
    }
    if (k == SDLK_RETURN || k == SDLK_KP_ENTER) {
        /* fractions like 1/9, as kernel files allow */
        char *slash = strchr(g->edit, '/');
        if (slash) {
            *slash = '\0';
            const double a = strtod(g->edit, NULL), b = strtod(slash + 1, NULL);
            /* 17 digits: the float of a / b exactly, so 2/9 keeps a kernel's fraction form */
            if (b != 0) snprintf(g->edit, sizeof g->edit, "%.17g", a / b);
        }
        commit_edit(g);
        return 1;
    }
    if (k == SDLK_ESCAPE) {
        g->editing = 0, g->edit[0] = '\0';
        return 1;
    }
    return 0;
}

void gui_step_next_kernel(gui_step *g)
{
    if (g->st.C != 1) {
        say(g, _("the presets are single-channel kernels: press i for a gray built-in image first"));
        return;
    }
    g->preset = (g->preset + 1) % N_PRESETS;
    cs_filter k;
    if (cs_filter_preset(&k, PRESETS[g->preset]) != CS_OK) {
        say(g, cs_last_error());
        return;
    }
    const int P = g->st.P < k.k ? g->st.P : k.k - 1;
    cs_demo_image same = g->img;
    if (install(g, &same, &k, g->img_max, g->st.S, P, g->st.bias, g->st.act) != CS_OK) say(g, cs_last_error());
}

void gui_step_next_image(gui_step *g)
{
    g->demo = (g->demo + 1) % N_DEMOS;
    cs_demo_image img;
    if (cs_demo_make(&img, DEMOS[g->demo], g->st.C) != CS_OK) {
        say(g, cs_last_error());
        return;
    }
    cs_filter same = g->kernel;
    if (install(g, &img, &same, img.display_max, g->st.S, g->st.P, g->st.bias, g->st.act) != CS_OK) say(g, cs_last_error());
}

int gui_step_edit_key(gui_step *g, SDL_Keycode k)
{
    if (g->sel_c >= 0 && edit_key(g, k)) return 1;
    if (k == SDLK_ESCAPE && g->sel_c >= 0) {
        g->sel_c = -1;
        return 1;
    }
    return 0;
}

void gui_step_move(gui_step *g, int dy, int dx) { seek(g, g->st.oy + dy, g->st.ox + dx); }

void gui_step_restart_sum(gui_step *g)
{
    /* the current window's sum from nothing, stepped term by term from here on */
    g->playing = 0;
    if (SPEEDS[g->speed].unit != BY_TERM) g->speed = 0;
    cs_stepper_set_term(&g->st, 0);
    g->term_pos = g->st.oy * g->st.OW + g->st.ox;
    say(g, _(". adds one multiply-add to the sum (z skips the zero terms)"));
}

void gui_step_toggle_skip_zeros(gui_step *g)
{
    g->skip_zeros = !g->skip_zeros;
    say(g, g->skip_zeros ? _("term by term: zero terms skipped (each . shows the next non-zero product)")
                         : _("term by term: every term, zeros too"));
}

void gui_step_toggle_grey(gui_step *g)
{
    g->grey_on = !g->grey_on;
    say(g, g->grey_on ? _("the output also as a gray picture at the input's scale, beside the heat map")
                      : _("the output as a heat map only"));
}

void gui_step_speed(gui_step *g, int d)
{
    const int sp = g->speed + d;
    g->speed = sp < 0 ? 0 : sp >= N_SPEEDS ? N_SPEEDS - 1 : sp;
    g->carry = 0;
}

void gui_step_advance(gui_step *g, int dir) { g->playing = 0, step_once(g, dir > 0); }
void gui_step_home(gui_step *g) { g->playing = 0, cs_stepper_to_start(&g->st); }
void gui_step_end(gui_step *g) { g->playing = 0, cs_stepper_to_end(&g->st); }

void gui_step_stride(gui_step *g, int d)
{
    /* wraps around at the largest stride that leaves at least two outputs a side */
    const cs_stepper *st = &g->st;
    int S = st->S + d;
    const int side = (st->H < st->W ? st->H : st->W) + 2 * st->P;
    const int max_s = st->K < side ? side - st->K : 1;
    if (S < 1) S = max_s > 0 ? max_s : 1;
    if (S > max_s) S = 1;
    set_geometry(g, S, st->P);
}

void gui_step_pad(gui_step *g, int d)
{
    const cs_stepper *st = &g->st;
    int P = st->P + d;
    if (P < 0) P = st->K - 1;
    if (P > st->K - 1) P = 0;
    set_geometry(g, st->S, P);
}

void gui_step_toggle_relu(gui_step *g)
{
    cs_stepper *st = &g->st;
    cs_stepper_set_activation(st, st->act == CS_STEPPER_ACT_RELU ? CS_STEPPER_ACT_NONE : CS_STEPPER_ACT_RELU);
    compute_range(g);
    say(g, st->act == CS_STEPPER_ACT_RELU ? _("ReLU on: negative outputs become 0") : _("ReLU off"));
}

int gui_step_click(gui_step *g, float x, float y)
{
    if (!g->have_layout) return 0;
    const cs_step_layout *L = &g->layout;
    int a, b, c;
    if (g->editing && g->edit[0]) commit_edit(g);
    if (cs_step_hit_kernel(L, x, y, &c, &a, &b)) {
        g->sel_c = c, g->sel_ky = a, g->sel_kx = b, g->editing = 0, g->edit[0] = '\0';
        say(g, _("kernel cell selected: the wheel changes it, or type a number and press Enter (Esc: done)"));
        return 1;
    }
    g->sel_c = -1;
    if (cs_step_hit_input(L, x, y, &a, &b)) {
        int oy, ox;
        cs_step_pos_for_pixel(L, a, b, &oy, &ox);
        g->playing = 0;
        seek(g, oy, ox);
        return 1;
    }
    if (cs_step_hit_output(L, x, y, &a, &b)) {
        g->playing = 0;
        seek(g, a, b);
        return 1;
    }
    return 0;
}

int gui_step_wheel(gui_step *g, float x, float y, int dy)
{
    if (!g->have_layout || dy == 0) return 0;
    int c, ky, kx;
    if (!cs_step_hit_kernel(&g->layout, x, y, &c, &ky, &kx)) return 0;
    g->sel_c = c, g->sel_ky = ky, g->sel_kx = kx, g->editing = 0, g->edit[0] = '\0';
    const int K = g->st.K;
    float *w = &g->kernel.w[(c * K + ky) * K + kx];
    const float step = wheel_step(g);
    /* stay on the step's grid so repeated turns give round numbers */
    if (g->st.frac_den > 1) {
        /* the next numerator over the same denominator, as a fraction would be read */
        long n = 0;
        cs_filter_numerator(*w, g->st.frac_den, &n);
        *w = (float)((double)(n + (dy > 0 ? 1 : -1)) / g->st.frac_den);
    } else {
        *w = roundf(*w / step + (dy > 0 ? 1.0f : -1.0f)) * step;
        if (fabsf(*w) < step * 1e-3f) *w = 0;
    }
    kernel_changed(g);
    return 1;
}

cs_status gui_step_use_filter(gui_step *g, const cs_snapshot *s, int layer, int filter)
{
    /* the window's own messages (the status line shows them), in the UI language */
    if (layer < 0 || layer >= s->n_layers || s->layers[layer].kind != CS_LAYER_CONV)
        return cs_fail(CS_ERR_ARG, _("layer %d is not a conv layer"), layer);
    for (int l = 0; l < layer; l++)
        if (s->layers[l].kind == CS_LAYER_CONV)
            return cs_fail(CS_ERR_ARG, _("%s sees the previous layer's maps, not the probe image: only the first conv "
                                         "layer's filters can be stepped over it"), s->layers[layer].name);
    const cs_snap_layer *ly = &s->layers[layer];
    if (filter < 0 || filter >= ly->out_c) return cs_fail(CS_ERR_ARG, _("%s has no filter %d"), ly->name, filter);
    if (ly->in_c != s->in_c || ly->in_h != s->in_h || ly->in_w != s->in_w)
        return cs_fail(CS_ERR_ARG, _("%s does not take the probe image as it is"), ly->name);
    if (!cs_win_is_square(&ly->win)) /* the stepper slides square kernels with one stride and padding */
        return cs_fail(CS_ERR_ARG, _("%s has a %dx%d kernel, strides %d %d and padding %d %d %d %d: the step view slides "
                                     "square kernels with equal strides and padding on every side"), ly->name, ly->win.kh,
                       ly->win.kw, ly->win.sh, ly->win.sw, ly->win.pt, ly->win.pl, ly->win.pb, ly->win.pr);
    const int C = ly->in_c, K = ly->k;
    const size_t per = (size_t)C * K * K;
    cs_filter k;
    char name[64];
    snprintf(name, sizeof name, _("%s filter %d, step %ld"), ly->name, filter, s->step);
    cs_status st = cs_filter_init(&k, name, C, K);
    if (st != CS_OK) return st;
    memcpy(k.w, s->weights + s->w_off[layer] + (size_t)filter * per, per * sizeof *k.w);
    const float bias = s->weights[s->w_off[layer] + (size_t)ly->out_c * per + filter];
    cs_demo_image img = {0};
    snprintf(img.name, sizeof img.name, _("probe image #%d"), s->probe_index);
    img.c = s->in_c, img.h = s->in_h, img.w = s->in_w;
    img.src_w = s->in_w, img.src_h = s->in_h, img.downscale = 1;
    const size_t n = (size_t)img.c * img.h * img.w;
    img.pixels = malloc(n * sizeof *img.pixels);
    if (!img.pixels) {
        cs_filter_free(&k);
        return cs_fail(CS_ERR_NOMEM, "out of memory for the probe image");
    }
    memcpy(img.pixels, s->probe, n * sizeof *img.pixels);
    const int relu_next = layer + 1 < s->n_layers && s->layers[layer + 1].kind == CS_LAYER_RELU;
    if ((st = install(g, &img, &k, 1.0f, ly->stride, ly->pad, bias,
                      relu_next ? CS_STEPPER_ACT_RELU : CS_STEPPER_ACT_NONE)) != CS_OK)
        return st;
    /* start where the filter answers most strongly: the most telling window */
    cs_stepper_to_end(&g->st);
    int best = 0;
    for (int i = 1; i < g->st.OH * g->st.OW; i++)
        if (g->st.output[i] > g->st.output[best]) best = i;
    cs_stepper_seek(&g->st, best / g->st.OW, best % g->st.OW);
    char m[320];
    snprintf(m, sizeof m, _("stepping %s over %s (pixels 0..1, as the net sees them); it starts at its strongest output"),
             g->kernel_name, g->image_name);
    say(g, m);
    return CS_OK;
}

void gui_step_draw(gui_step *g, cs_ui *ui, int win_w, int win_h, float user_scale, int present, cs_colormap_id diverging,
                   float mouse_x, float mouse_y, int mouse_in, int show_help, const char *const *help, int help_lines,
                   const char *message)
{
    if (!g->view) return;
    if (g->image_dirty) cs_view_step_set_image(g->view, &g->st), g->image_dirty = 0;
    const cs_measure m = cs_text_measure(ui->text);
    cs_step_layout_compute_in(&g->layout, win_w, win_h, g->style_h, user_scale, present, &m, &g->st);
    g->have_layout = 1;
    ui->st = &g->layout.st;
    const float *grey = NULL;
    const size_t n_out = (size_t)g->st.OH * g->st.OW;
    if (g->grey_on && g->grey_cap < n_out) {
        float *b = realloc(g->grey, n_out * sizeof *b);
        if (b) g->grey = b, g->grey_cap = n_out;
    }
    if (g->grey_on && g->grey_cap >= n_out) {
        cs_step_layout_split_output(&g->layout);
        gui_step_grey(g, g->grey);
        grey = g->grey;
    }
    cs_step_ui su = {
        .image_name = g->image_name, .kernel_name = g->kernel_name,
        .src_w = g->img.src_w, .src_h = g->img.src_h, .downscale = g->img.downscale,
        .img_max = g->img_max, .display_max = g->img_max, /* a demo's own white: full contrast */
        .out_range = g->out_range,
        .out_cmap = g->out_cmap == CS_CMAP_VIRIDIS ? CS_CMAP_VIRIDIS : diverging,
        .diverging = diverging,
        .playing = g->playing, .speed = _(SPEEDS[g->speed].label),
        .sel_c = g->sel_c, .sel_ky = g->sel_ky, .sel_kx = g->sel_kx, .edit = g->editing ? g->edit : NULL,
        .mouse_x = mouse_x, .mouse_y = mouse_y, .mouse_in = mouse_in,
        .show_help = show_help, .help = help, .help_lines = help_lines,
        .message = message, .grey = grey,
    };
    cs_view_step_draw(g->view, ui, &g->st, &g->layout, &su);
}

const cs_step_layout *gui_step_layout(const gui_step *g) { return g->have_layout ? &g->layout : NULL; }
const cs_stepper *gui_step_stepper(const gui_step *g) { return &g->st; }

void gui_step_set_unit(gui_step *g, int unit)
{
    g->speed = unit <= 0 ? 1 : unit == 1 ? DEFAULT_SPEED : N_SPEEDS - 1;
    g->carry = 0;
}

void gui_step_style_height(gui_step *g, int h) { g->style_h = h; }

void gui_step_set_terms(gui_step *g, int n)
{
    g->playing = 0;
    cs_stepper_set_term(&g->st, n);
}

int gui_step_hidden(const gui_step *g) { return g->have_layout ? g->layout.hidden : 0; }

const char *gui_step_hidden_names(int hidden)
{
    if (hidden & CS_STEP_HIDE_IMAGES) return "stacked images";
    return hidden & CS_STEP_STACKED ? "stacked" : "";
}

void gui_step_grey(const gui_step *g, float *out)
{
    const size_t n = (size_t)g->st.OH * g->st.OW;
    unsigned char *bytes = malloc(n ? n : 1);
    if (!bytes) {
        memset(out, 0, n * sizeof *out);
        return;
    }
    cs_stepper_grey(&g->st, g->img_max, bytes);
    for (size_t i = 0; i < n; i++) out[i] = (float)bytes[i] * (1.0f / 255.0f);
    free(bytes);
}

int gui_step_grey_on(const gui_step *g) { return g->grey_on; }
