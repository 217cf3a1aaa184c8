/* gui_keys.c - the live window's key table and its actions (see gui_keys.h). */
#define _DEFAULT_SOURCE
#include "gui_keys.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cs_export.h"
#include "cs_i18n.h"
#include "cs_labels.h"
#ifdef CS_HAVE_ONNX
#include "cs_onnx.h"
#endif
#include "gui_probe.h"

/* ---- training speeds ------------------------------------------------------------------------ */

/* Batches per second, slowest first; 0 is full speed. 0.2: one batch every 5 s, time to talk
 * a class through each step. */
static const double SPEEDS[] = {0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 0};
enum { N_SPEEDS = sizeof SPEEDS / sizeof SPEEDS[0] };

int gui_keys_speed_count(void) { return N_SPEEDS; }
double gui_keys_speed(int index) { return SPEEDS[index < 0 ? 0 : index >= N_SPEEDS ? N_SPEEDS - 1 : index]; }

int gui_keys_speed_index(double bps)
{
    if (!(bps > 0)) return N_SPEEDS - 1;
    int best = 0;
    for (int i = 0; i < N_SPEEDS - 1; i++)
        if (fabs(log(SPEEDS[i] / bps)) < fabs(log(SPEEDS[best] / bps))) best = i;
    return best;
}

void gui_keys_speed_text(double bps, char *buf, size_t size) { cs_label_speed(buf, size, bps); }

/* ---- actions -------------------------------------------------------------------------------- */

static void a_pause(gui_app *app, int arg)
{
    (void)arg;
    cs_run_driver_set_paused(app->driver, !cs_run_driver_paused(app->driver));
}

static void a_one_step(gui_app *app, int arg)
{
    (void)arg;
    cs_run_driver_request_step(app->driver);
}

static void a_speed(gui_app *app, int d)
{
    const int i = gui_keys_speed_index(cs_run_driver_speed(app->driver)) + d;
    cs_run_driver_set_speed(app->driver, gui_keys_speed(i));
}

static void a_restart(gui_app *app, int arg)
{
    (void)arg;
    cs_run_driver_request_restart(app->driver);
}

static void a_probe(gui_app *app, int d) { cs_run_driver_set_probe(app->driver, cs_run_driver_probe(app->driver) + d); }

static void a_maps_norm(gui_app *app, int arg)
{
    (void)arg;
    app->maps_norm = (app->maps_norm + 1) % CS_NORM_COUNT;
}

static void a_kernels_norm(gui_app *app, int arg)
{
    (void)arg;
    app->kernels_norm = (app->kernels_norm + 1) % CS_NORM_COUNT;
}

static void a_view(gui_app *app, int view) { app->view = view; }

/* g: gradients in the training view; the run computes and copies them only while this is on */
static void a_grads(gui_app *app, int arg)
{
    (void)arg;
    app->show_grads = !app->show_grads;
    cs_run_driver_set_capture_grads(app->driver, app->show_grads);
    app->layout_w = 0; /* tiles hold maps and kernels with their gradients: lay out again */
    gui_app_say(app, app->show_grads ? "gradients: dL/d(map) of the probe under each map, the last batch's dL/dw beside "
                                       "each kernel, ||dL/dw|| per layer in place of the accuracy (g: off)"
                                     : "gradients off");
}

/* The conv1 filter under the pointer in the train view, or -1. */
static int hovered_filter(const gui_app *app)
{
    const cs_layout *L = &app->layout;
    if (L->n_kern < 1 || !app->mouse_in || !app->snap) return -1;
    const cs_snap_layer *ly = &app->snap->layers[L->kern_layer[0]];
    const int i = cs_grid_hit(&L->kern_grid[0], app->mouse_x, app->mouse_y, 1, 1, NULL, NULL);
    if (i < 0) return -1;
    if (L->kern_rgb[0] || ly->in_c == 1) return i;
    return L->kern_rows_are_filters[0] ? i / ly->in_c : i % ly->out_c;
}

/* s: the hovered (or last clicked) conv1 filter over the probe image, in the step view. */
static void a_step_filter(gui_app *app, int arg)
{
    (void)arg;
    if (!app->snap || app->layout.n_kern < 1) {
        gui_app_say(app, _("this net has no conv layer to step"));
        return;
    }
    const int hov = hovered_filter(app), f = hov >= 0 ? hov : app->step_filter;
    if (gui_step_use_filter(app->step, app->snap, app->layout.kern_layer[0], f) != CS_OK) {
        gui_app_say(app, cs_last_error());
        return;
    }
    app->view = GUI_VIEW_STEP;
}

static void a_help(gui_app *app, int arg)
{
    (void)arg;
    app->show_help = !app->show_help;
}

static void a_fullscreen(gui_app *app, int arg)
{
    (void)arg;
    gui_app_fullscreen(app, !app->fullscreen);
}

static void a_present(gui_app *app, int arg)
{
    (void)arg;
    app->present = !app->present;
    gui_app_say(app, app->present ? _("presenter mode: large type, high contrast, fewer panels (F2: off)")
                                  : _("presenter mode off"));
}

static void a_colormap(gui_app *app, int arg)
{
    (void)arg;
    app->diverging = app->diverging == CS_CMAP_RDBU ? CS_CMAP_BLUEORANGE : CS_CMAP_RDBU;
    gui_app_say(app, app->diverging == CS_CMAP_RDBU ? _("signed values in red (+) and blue (\u2212)")
                                                    : _("signed values in orange (+) and blue (\u2212): safe for red-green "
                                                        "colour blindness"));
}

static void a_records(gui_app *app, int d) { gui_tl_step_records(app->tl, d); }

static void a_first(gui_app *app, int arg)
{
    (void)arg;
    gui_tl_first(app->tl);
}

static void a_live(gui_app *app, int arg)
{
    (void)arg;
    gui_tl_live(app->tl);
}

static void a_play(gui_app *app, int dir) { gui_tl_play(app->tl, dir, app->now); }
static void a_play_speed(gui_app *app, int d) { gui_tl_play_speed(app->tl, d); }

static void a_strip(gui_app *app, int arg)
{
    (void)arg;
    gui_tl_toggle_strip(app->tl);
}

static void dated(char *buf, size_t size, const char *pattern)
{
    const time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, pattern, &tm);
}

static void print_export(void *ctx, const char *path, int w, int h)
{
    int *count = ctx;
    printf("export: %s  %dx%d\n", path, w, h);
    (*count)++;
}

/* e: the net as shown (live, or the timeline's recorded step: kernels and maps of that one step),
 * the probe's maps and the probe itself, by the export recipe `convscope export` uses. */
static void a_export(gui_app *app, int arg)
{
    (void)arg;
    const cs_snapshot *s = app->snap;
    if (!s) return;
    char dir[512], msg[700], said[700];
    if (app->opt.export_dir) snprintf(dir, sizeof dir, "%s", app->opt.export_dir);
    else dated(dir, sizeof dir, "convscope-export-%Y%m%d-%H%M%S");
    char input[64];
    if (s->probe_index >= 0) snprintf(input, sizeof input, "probe%d.png", s->probe_index);
    else snprintf(input, sizeof input, "probe.png");
    int count = 0;
    /* a kernels-only history (version-1 checkpoint) has no maps of its steps: its kernels alone */
    const int maps = !s->record_kernels_only;
    const cs_export_request rq = {dir, (long long)s->step, maps, input, print_export, &count};
    /* the terminal gets English (as every message of the CLI), the window its language */
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        const int err = errno;
        snprintf(msg, sizeof msg, "cannot create %.400s (%s)", dir, strerror(err));
        fprintf(stderr, "convscope gui: %s\n", msg);
        snprintf(said, sizeof said, _("cannot create %.400s (%s)"), dir, strerror(err));
    } else if (cs_export_pictures_cmap(s, &rq, app->diverging) != CS_OK) {
        snprintf(msg, sizeof msg, "export failed: %.500s", cs_last_error());
        fprintf(stderr, "convscope gui: %s\n", msg);
        snprintf(said, sizeof said, _("export failed: %.500s"), cs_last_error());
    } else {
        snprintf(said, sizeof said,
                 P_("exported %d picture of step %ld%s to %.400s/", "exported %d pictures of step %ld%s to %.400s/",
                    (unsigned long)count),
                 count, s->step, maps ? "" : _(" (kernels only: this history recorded no more)"), dir);
    }
    fflush(stdout);
    gui_app_say(app, said);
}

/* w, ctrl+s: a checkpoint, written by the training side (which owns the trainer), to --save FILE
 * or a dated file. */
/* Shift+e: the net as shown (live, or the timeline's recorded step) with its weights as an ONNX
 * model, for PyTorch and other tools; built from the snapshot's parameter block, so the training
 * thread's net is never touched. */
static void a_export_onnx(gui_app *app, int arg)
{
    (void)arg;
    const cs_snapshot *s = app->snap;
    if (!s) return;
    char msg[700];
#ifdef CS_HAVE_ONNX
    char path[512];
    if (app->opt.export_dir) {
        if (mkdir(app->opt.export_dir, 0777) != 0 && errno != EEXIST) {
            const int err = errno;
            snprintf(msg, sizeof msg, "cannot create %.400s (%s)", app->opt.export_dir, strerror(err));
            fprintf(stderr, "convscope gui: %s\n", msg);
            snprintf(msg, sizeof msg, _("cannot create %.400s (%s)"), app->opt.export_dir, strerror(err));
            gui_app_say(app, msg);
            return;
        }
        snprintf(path, sizeof path, "%.400s/net-step%ld.onnx", app->opt.export_dir, s->step);
    } else {
        char stamp[64];
        dated(stamp, sizeof stamp, "%Y%m%d-%H%M%S");
        snprintf(path, sizeof path, "convscope-%s-step%ld.onnx", stamp, s->step);
    }
    cs_net *net = NULL;
    cs_status st = cs_net_create(&net, app->run->net_spec, 1, 1);
    if (!st && net->n_params != s->n_weights)
        st = cs_fail(CS_ERR_SHAPE, "the snapshot has %zu weights, the net %zu", s->n_weights, net->n_params);
    if (!st) {
        memcpy(net->params, s->weights, s->n_weights * sizeof(float));
        st = cs_onnx_export(net, path);
    }
    cs_net_destroy(net);
    if (st) {
        snprintf(msg, sizeof msg, "ONNX export failed: %.500s", cs_last_error());
        fprintf(stderr, "convscope gui: %s\n", msg);
        snprintf(msg, sizeof msg, _("ONNX export failed: %.500s"), cs_last_error());
    } else {
        snprintf(msg, sizeof msg, _("wrote the net of step %ld as ONNX to %.400s"), s->step, path);
        printf("export: %s\n", path);
        fflush(stdout);
    }
#else
    snprintf(msg, sizeof msg, "%s", _("this build has no ONNX support (meson -Donnx=enabled)"));
#endif
    gui_app_say(app, msg);
}

static void a_save(gui_app *app, int arg)
{
    (void)arg;
    char path[256];
    if (cs_run_save_path(app->run)) path[0] = '\0';
    else dated(path, sizeof path, "convscope-%Y%m%d-%H%M%S.ckpt");
    cs_run_driver_request_save(app->driver, path[0] ? path : NULL);
    gui_app_say(app, _("saving a checkpoint\u2026"));
}

static void a_screenshot(gui_app *app, int arg)
{
    (void)arg;
    dated(app->shot_buf, sizeof app->shot_buf, "convscope-%Y%m%d-%H%M%S.png");
    app->shot_path = app->shot_buf;
}

static void a_reload(gui_app *app, int arg)
{
    (void)arg;
    app->reload_shaders = 1;
}

void gui_keys_request_quit(gui_app *app)
{
    const cs_snapshot *s = app->snap;
    /* with --save the run saves itself on the way out; otherwise unsaved training asks once */
    const long unsaved = s && !cs_run_save_path(app->run) ? s->live_step - s->saved_step : 0;
    if (unsaved <= 0 || app->quit_armed) {
        app->quit = 1;
        return;
    }
    app->quit_armed = 1;
    char m[200];
    snprintf(m, sizeof m, "%ld step%s of training are not saved: q or Esc again quits, w saves first", unsaved,
             unsaved == 1 ? "" : "s");
    gui_app_say(app, m);
}

static void a_quit(gui_app *app, int arg)
{
    (void)arg;
    gui_keys_request_quit(app);
}

static void a_escape(gui_app *app, int arg)
{
    (void)arg;
    if (app->show_help) app->show_help = 0;
    else if (app->view == GUI_VIEW_BACKPROP) app->view = GUI_VIEW_TRAIN;
    else if (app->enlarged.kind != CS_TARGET_NONE && app->view == GUI_VIEW_TRAIN)
        gui_app_enlarge(app, &(cs_target){CS_TARGET_NONE, 0, 0, -1});
    else gui_keys_request_quit(app);
}

static void a_probe_file(gui_app *app, int dir) { gui_probe_cycle(app, dir); }

/* the step view's actions; arg packs a direction */
static void s_play(gui_app *app, int arg)
{
    (void)arg;
    gui_step_toggle_play(app->step);
}
static void s_move(gui_app *app, int dir) { gui_step_move(app->step, dir / 10 - 1, dir % 10 - 1); }
static void s_speed(gui_app *app, int d) { gui_step_speed(app->step, d); }
static void s_advance(gui_app *app, int dir) { gui_step_advance(app->step, dir); }
static void s_ends(gui_app *app, int end) { (end ? gui_step_end : gui_step_home)(app->step); }
static void s_stride(gui_app *app, int d) { gui_step_stride(app->step, d); }
static void s_pad(gui_app *app, int d) { gui_step_pad(app->step, d); }
static void s_relu(gui_app *app, int arg)
{
    (void)arg;
    gui_step_toggle_relu(app->step);
}
static void s_next(gui_app *app, int image) { (image ? gui_step_next_image : gui_step_next_kernel)(app->step); }
static void s_restart_sum(gui_app *app, int arg)
{
    (void)arg;
    gui_step_restart_sum(app->step);
}
static void s_skip_zeros(gui_app *app, int arg)
{
    (void)arg;
    gui_step_toggle_skip_zeros(app->step);
}
static void s_grey(gui_app *app, int arg)
{
    (void)arg;
    gui_step_toggle_grey(app->step);
}

/* the backprop view's actions */
static void a_backprop(gui_app *app, int arg)
{
    (void)arg;
    gui_backprop_set_phase(app, NULL);
}
static void b_press(gui_app *app, int dir)
{
    if (gui_backprop_press(app->bp, dir)) return;
    gui_app_say(app, dir > 0 ? "the end of the step: ← goes back, Home to phase 1, r computes it again from the "
                               "newest weights"
                             : "phase 1: the start of the step");
}
static void b_phase(gui_app *app, int phase) { gui_backprop_seek(app->bp, phase); }
static void b_play(gui_app *app, int arg)
{
    (void)arg;
    gui_backprop_toggle_play(app->bp, app->now);
}
static void b_speed(gui_app *app, int d) { gui_backprop_speed(app->bp, d); }
static void b_filter(gui_app *app, int d) { gui_backprop_filter(app->bp, d); }
static void b_layer(gui_app *app, int arg)
{
    (void)arg;
    gui_backprop_next_layer(app->bp);
}
static void b_weight(gui_app *app, int d) { gui_backprop_weight(app->bp, d); }
static void b_term(gui_app *app, int d) { gui_backprop_term(app->bp, d); }
static void b_restart_sum(gui_app *app, int arg)
{
    (void)arg;
    gui_backprop_restart_sum(app->bp);
}
static void b_zeros(gui_app *app, int arg)
{
    (void)arg;
    gui_backprop_toggle_zeros(app->bp);
}
static void b_recompute(gui_app *app, int arg)
{
    (void)arg;
    const cs_snapshot *s = cs_run_driver_snapshot(app->driver, NULL);
    if (gui_backprop_compute(app->bp, s, app->step_filter) != CS_OK) gui_app_say(app, cs_last_error());
    else gui_app_say(app, "the step computed again from the newest weights and probe");
}

/* ---- the table ------------------------------------------------------------------------------ */

enum { T = GUI_VIEW_TRAIN, S = GUI_VIEW_STEP, B = GUI_VIEW_BACKPROP, A = GUI_VIEW_ALL, SHIFT = KMOD_SHIFT, CTRL = KMOD_CTRL };
/* s_move's direction: 10 * (dy + 1) + (dx + 1) */
enum { LEFT = 10, RIGHT = 12, UP = 1, DOWN = 21 };

typedef struct {
    SDL_Keycode keys[3];        /* up to three keys (0 ends); none: a help row for the mouse */
    Uint16 mod;                 /* modifiers that must be held (0: any) */
    int views;                  /* GUI_VIEW_* the row works in */
    void (*action)(gui_app *app, int arg);
    int arg;
    const char *label;          /* the help row's key column; NULL: the row above describes it */
    const char *help;
} gui_key;

/* Labels and help texts are marked for translation (N_) and looked up where they are shown; a
 * label that is only key names is the same in every language. */
static const gui_key KEYS[] = {
    /* the training view, in the order its help lists them */
    /* TRANSLATORS: the help overlay's key column: key names (space, Tab, Esc, ctrl) as on the keyboard;
       "or" and the mouse's words are translated */
    {{SDLK_SPACE}, 0, T, a_pause, 0, N_("space"), N_("pause / resume training")},
    {{SDLK_n}, 0, T, a_one_step, 0, "n", N_("train one batch (also while paused)")},
    {{SDLK_PLUS, SDLK_EQUALS, SDLK_KP_PLUS}, 0, T, a_speed, 1, "+  /  \u2212",
     N_("faster / slower: 1 batch every 5 s up to full speed")},
    {{SDLK_MINUS, SDLK_KP_MINUS}, 0, T, a_speed, -1, NULL, NULL},
    {{SDLK_r}, 0, T, a_restart, 0, "r", N_("restart from new random weights (after a divergence, at a tenth of the rate)")},
    {{SDLK_LEFTBRACKET}, 0, T, a_probe, -1, "[  /  ]", N_("previous / next probe image")},
    {{SDLK_RIGHTBRACKET}, 0, T, a_probe, 1, NULL, NULL},
    {{SDLK_i}, SHIFT, T, a_probe_file, -1, NULL, NULL},
    {{SDLK_i}, 0, T, a_probe_file, 1, "i  /  Shift+i",
     N_("next / previous image file in the probe file's folder (drop a file onto the window first)")},
    {{SDLK_m}, 0, T, a_maps_norm, 0, "m", N_("maps normalisation: per map, per layer, fixed")},
    {{SDLK_k}, 0, T, a_kernels_norm, 0, "k", N_("kernels normalisation: per map, per layer, fixed")},
    {{SDLK_TAB, SDLK_v}, 0, T, a_view, S, N_("Tab  or  v"), N_("the step view: one kernel stepped over one image")},
    {{SDLK_s}, CTRL, T, a_save, 0, NULL, NULL},
    {{SDLK_s}, 0, T, a_step_filter, 0, "s", N_("step the hovered (or last clicked) conv1 filter over the probe image")},
    {{SDLK_d}, 0, T, a_backprop, 0, "d", N_("the backprop view: one training step of the probe image in slow motion")},
    {{SDLK_g}, 0, T, a_grads, 0, "g", N_("gradients: under each map, beside each kernel, and their size per layer over time")},
    {{SDLK_LEFT}, SHIFT, T, a_records, -10, NULL, NULL},
    {{SDLK_RIGHT}, SHIFT, T, a_records, 10, NULL, NULL},
    {{SDLK_LEFT}, 0, T, a_records, -1, "\u2190  /  \u2192", N_("the whole net one recorded step back / forward (shift: 10); Home first")},
    {{SDLK_RIGHT}, 0, T, a_records, 1, NULL, NULL},
    {{SDLK_HOME}, 0, T, a_first, 0, NULL, NULL},
    {{SDLK_l, SDLK_END}, 0, T, a_live, 0, N_("l  or  End"), N_("back to the live net")},
    {{SDLK_p}, 0, T, a_play, 1, "p  /  b", N_("play the net's training forward / backward: kernels, maps, outputs (again: stop)")},
    {{SDLK_b}, 0, T, a_play, -1, NULL, NULL},
    {{SDLK_COMMA}, 0, T, a_play_speed, -1, ",  /  .", N_("slower / faster playback (1 to 200 records per second)")},
    {{SDLK_PERIOD}, 0, T, a_play_speed, 1, NULL, NULL},
    {{SDLK_t}, 0, T, a_strip, 0, "t", N_("one kernel's evolution as a strip (the hovered one, or conv1 filter 0); click a frame: that step")},
    {{SDLK_e}, SHIFT, T, a_export_onnx, 0, "Shift+e", N_("write the net as shown, with its weights, as an ONNX model")},
    {{SDLK_e}, 0, T, a_export, 0, "e", N_("export the net as shown (kernels, maps, input) as labelled PNGs")},
    {{SDLK_w}, 0, T, a_save, 0, N_("w  or  ctrl+s"), N_("save a checkpoint (to --save FILE, or a dated file)")},
    {{0}, 0, T, NULL, 0, N_("mouse: buttons"), N_("pause, step, speed, restart, normalisation, help")},
    {{0}, 0, T, NULL, 0, N_("mouse: slider"), N_("drag to set the learning rate (log scale)")},
    {{0}, 0, T, NULL, 0, N_("mouse: hover a map"), N_("its value; its receptive field outlined on the probe")},
    {{0}, 0, T, NULL, 0, N_("mouse: hover a kernel"), N_("its weights as numbers")},
    {{0}, 0, T, NULL, 0, N_("mouse: wheel on probe"), N_("previous / next probe image")},
    {{0}, 0, T, NULL, 0, N_("mouse: timeline"), N_("drag to show the whole net at a recorded step; wheel steps")},
    {{0}, 0, T, NULL, 0, N_("mouse: click a map"), N_("enlarge it: every value as a number, its colour bar (Esc or a click: back)")},
    {{0}, 0, T, NULL, 0, N_("mouse: click a kernel"), N_("enlarge it (and it is the filter s steps); t shows its evolution")},
    {{0}, 0, T, NULL, 0, N_("mouse: click output, curve"), N_("enlarge the output panel or that learning curve")},
    /* the step view */
    {{SDLK_LEFT}, 0, S, s_move, LEFT, "\u2190 \u2192 \u2191 \u2193", N_("move the window one output cell")},
    {{SDLK_RIGHT}, 0, S, s_move, RIGHT, NULL, NULL},
    {{SDLK_UP}, 0, S, s_move, UP, NULL, NULL},
    {{SDLK_DOWN}, 0, S, s_move, DOWN, NULL, NULL},
    {{SDLK_SPACE}, 0, S, s_play, 0, N_("space"), N_("play / pause the slide (from the start once the map is done)")},
    {{SDLK_PLUS, SDLK_EQUALS, SDLK_KP_PLUS}, 0, S, s_speed, 1, "+  /  \u2212",
     N_("speed: one multiply-add at a time \u2026 one position \u2026 whole image")},
    {{SDLK_MINUS, SDLK_KP_MINUS}, 0, S, s_speed, -1, NULL, NULL},
    {{SDLK_PERIOD}, 0, S, s_advance, 1, ".  /  ,", N_("one step forward / back (a term or a position, as the speed says)")},
    {{SDLK_COMMA}, 0, S, s_advance, -1, NULL, NULL},
    {{SDLK_BACKSPACE}, 0, S, s_restart_sum, 0, "Backspace", N_("start this window's sum again, one multiply-add a .")},
    {{SDLK_z}, 0, S, s_skip_zeros, 0, "z", N_("term by term: skip the zero terms / show every term")},
    {{SDLK_g}, 0, S, s_grey, 0, "g", N_("the output also as a gray picture beside the heat map (on for smoothing)")},
    {{SDLK_HOME}, 0, S, s_ends, 0, "Home / End", N_("empty map at the first position / the whole map")},
    {{SDLK_END}, 0, S, s_ends, 1, NULL, NULL},
    {{SDLK_s}, SHIFT, S, s_stride, -1, NULL, NULL},
    {{SDLK_s}, 0, S, s_stride, 1, "s  /  Shift+s", N_("stride up / down (output size shown at the top)")},
    {{SDLK_p}, SHIFT, S, s_pad, -1, NULL, NULL},
    {{SDLK_p}, 0, S, s_pad, 1, "p  /  Shift+p", N_("padding up / down (violet cells are zero padding)")},
    {{SDLK_r}, 0, S, s_relu, 0, "r", N_("ReLU after the bias on / off")},
    {{SDLK_k}, 0, S, s_next, 0, "k  /  i", N_("next kernel preset / next built-in image")},
    {{SDLK_i}, 0, S, s_next, 1, NULL, NULL},
    {{0}, 0, S, NULL, 0, N_("click input"), N_("move the window there (centred on the pixel)")},
    {{0}, 0, S, NULL, 0, N_("click output"), N_("step to that output cell")},
    {{0}, 0, S, NULL, 0, N_("click kernel cell"), N_("select it: wheel changes it, or type a number + Enter")},
    {{SDLK_TAB, SDLK_v}, 0, S, a_view, T, N_("Tab  or  v"), N_("back to the training view (training goes on meanwhile)")},
    /* the backprop view */
    {{SDLK_RIGHT, SDLK_PAGEDOWN, SDLK_RETURN}, 0, B, b_press, 1, N_("→  /  ←"),
     N_("next / previous press: a phase, or in phase 4 one layer (PageDown / PageUp: a clicker)")},
    {{SDLK_LEFT, SDLK_PAGEUP}, 0, B, b_press, -1, NULL, NULL},
    {{SDLK_1}, 0, B, b_phase, 0, N_("1 … 7"), N_("the start of that phase; Home: phase 1, End: phase 7")},
    {{SDLK_2}, 0, B, b_phase, 1, NULL, NULL},
    {{SDLK_3}, 0, B, b_phase, 2, NULL, NULL},
    {{SDLK_4}, 0, B, b_phase, 3, NULL, NULL},
    {{SDLK_5}, 0, B, b_phase, 4, NULL, NULL},
    {{SDLK_6}, 0, B, b_phase, 5, NULL, NULL},
    {{SDLK_7, SDLK_END}, 0, B, b_phase, 6, NULL, NULL},
    {{SDLK_HOME}, 0, B, b_phase, 0, NULL, NULL},
    {{SDLK_SPACE}, 0, B, b_play, 0, N_("space"), N_("autoplay on / off: one press at a time")},
    {{SDLK_PLUS, SDLK_EQUALS, SDLK_KP_PLUS}, 0, B, b_speed, 1, N_("+  /  −"), N_("autoplay faster / slower (8 s to 0.5 s a press)")},
    {{SDLK_MINUS, SDLK_KP_MINUS}, 0, B, b_speed, -1, NULL, NULL},
    {{SDLK_DOWN}, 0, B, b_filter, 1, N_("↓  /  ↑"), N_("phases 5 and 6: next / previous filter (or click one in phase 5)")},
    {{SDLK_UP}, 0, B, b_filter, -1, NULL, NULL},
    {{SDLK_l}, 0, B, b_layer, 0, "l", N_("phases 5 and 6: the next conv layer")},
    {{SDLK_RIGHTBRACKET}, 0, B, b_weight, 1, N_("]  /  ["), N_("phase 5: next / previous weight of the filter (or click its cell)")},
    {{SDLK_LEFTBRACKET}, 0, B, b_weight, -1, NULL, NULL},
    {{SDLK_PERIOD}, 0, B, b_term, 1, N_(".  /  ,"), N_("phase 5: the weight's sum one term forward / back")},
    {{SDLK_COMMA}, 0, B, b_term, -1, NULL, NULL},
    {{SDLK_BACKSPACE}, 0, B, b_restart_sum, 0, N_("Backspace"), N_("phase 5: the weight's sum from its first term again")},
    {{SDLK_z}, 0, B, b_zeros, 0, "z", N_("phase 5: skip the zero terms / show every term")},
    {{SDLK_r}, 0, B, b_recompute, 0, "r", N_("compute the step again from the newest weights and probe")},
    {{SDLK_TAB, SDLK_d}, 0, B, a_view, T, N_("Tab  or  d"), N_("back to the training view")},
    /* every view */
    {{SDLK_h, SDLK_F1}, 0, A, a_help, 0, N_("h  or  F1"), N_("this help")},
    {{SDLK_f}, 0, A, a_fullscreen, 0, "f", N_("fullscreen on / off")},
    {{SDLK_F2}, 0, A, a_present, 0, "F2", N_("presenter mode: large type, 7:1 contrast, fewer panels, pointer highlighted")},
    {{SDLK_c}, 0, A, a_colormap, 0, "c", N_("signed values in red\u2013blue or blue\u2013orange (colour-blind safe); exports too")},
    {{SDLK_F12}, 0, A, a_screenshot, 0, "F12", N_("screenshot to a PNG file (path shown below)")},
    {{SDLK_F5}, 0, A, a_reload, 0, "F5", N_("reload shaders from CONVSCOPE_SHADER_DIR")},
    {{SDLK_q}, 0, A, a_quit, 0, N_("q  or  Esc"),
     N_("quit (Esc first closes this help, an enlarged panel or the backprop view; with unsaved training, press again to confirm)")},
    {{SDLK_ESCAPE}, 0, A, a_escape, 0, NULL, NULL},
};
enum { N_KEYS = sizeof KEYS / sizeof KEYS[0] };

static int has_key(const gui_key *row, SDL_Keycode k)
{
    for (int i = 0; i < 3 && row->keys[i]; i++)
        if (row->keys[i] == k) return 1;
    return 0;
}

int gui_keys_dispatch(gui_app *app, SDL_Keycode k, Uint16 mod)
{
    for (int i = 0; i < N_KEYS; i++) {
        const gui_key *row = &KEYS[i];
        if (!row->action || !(row->views & app->view) || !has_key(row, k)) continue;
        if (row->mod && !(mod & row->mod)) continue;
        row->action(app, row->arg);
        return 1;
    }
    return 0;
}

SDL_Keycode gui_keys_of_button(int button)
{
    switch (button) {
    case CS_BTN_PAUSE: return SDLK_SPACE;
    case CS_BTN_STEP: return SDLK_n;
    case CS_BTN_SLOWER: return SDLK_MINUS;
    case CS_BTN_FASTER: return SDLK_PLUS;
    case CS_BTN_RESTART: return SDLK_r;
    case CS_BTN_MAPS_NORM: return SDLK_m;
    case CS_BTN_KERNELS_NORM: return SDLK_k;
    case CS_BTN_BACKPROP: return SDLK_d;
    case CS_BTN_HELP: return SDLK_h;
    case CS_BTN_PROBE_PREV: return SDLK_LEFTBRACKET;
    case CS_BTN_PROBE_NEXT: return SDLK_RIGHTBRACKET;
    default: return SDLK_UNKNOWN;
    }
}

SDL_Keycode gui_keys_of_backprop_button(int button)
{
    switch (button) {
    case CS_BP_BTN_BACK: return SDLK_LEFT;
    case CS_BP_BTN_NEXT: return SDLK_RIGHT;
    case CS_BP_BTN_PLAY: return SDLK_SPACE;
    case CS_BP_BTN_SLOWER: return SDLK_MINUS;
    case CS_BP_BTN_FASTER: return SDLK_PLUS;
    case CS_BP_BTN_TRAIN: return SDLK_TAB;
    default: return SDLK_UNKNOWN;
    }
}

/* The rows of one view, "label\thelp", the view's own first, then the ones both views share;
 * translated or as written. */
static int help_rows(int view, int translate, char (*text)[400], const char **list)
{
    int n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < N_KEYS; i++) {
            const gui_key *row = &KEYS[i];
            const int shared = row->views == GUI_VIEW_ALL;
            if (!row->label || !(row->views & view) || shared != pass) continue;
            snprintf(text[n], sizeof text[n], "%s\t%s", translate ? _(row->label) : row->label,
                     translate ? _(row->help) : row->help);
            list[n] = text[n];
            n++;
        }
    return n;
}

int gui_keys_help(int view, const char *const **rows)
{
    static char text[3][N_KEYS][400];
    static const char *list[3][N_KEYS];
    static int count[3] = {-1, -1, -1};
    static unsigned made_for[3];
    const int v = view == GUI_VIEW_STEP ? 1 : view == GUI_VIEW_BACKPROP ? 2 : 0;
    /* made again when the UI language changes */
    if (count[v] < 0 || made_for[v] != cs_i18n_generation()) {
        count[v] = help_rows(view, 1, text[v], list[v]);
        made_for[v] = cs_i18n_generation();
    }
    *rows = list[v];
    return count[v];
}

void gui_keys_print(FILE *f)
{
    static const struct {
        int view;
        const char *title;
    } views[] = {{GUI_VIEW_TRAIN, "Keys of the training view"}, {GUI_VIEW_STEP, "Keys of the step view"},
                   {GUI_VIEW_BACKPROP, "Keys of the backprop view"}};
    for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
        fprintf(f, "%s:\n", views[v].title);
        /* the CLI's help stays English, whatever the window's language */
        static char text[N_KEYS][400];
        static const char *rows[N_KEYS];
        const int n = help_rows(views[v].view, 0, text, rows);
        for (int i = 0; i < n; i++) {
            const char *tab = strchr(rows[i], '\t');
            /* pad to a column by characters, not bytes: the arrows are three bytes each */
            int width = 0;
            for (const char *c = rows[i]; c < tab; c++) width += ((unsigned char)*c & 0xC0) != 0x80;
            fprintf(f, "  %.*s%*s%s\n", (int)(tab - rows[i]), rows[i], width < 24 ? 24 - width : 1, "", tab + 1);
        }
        fputc('\n', f);
    }
}
