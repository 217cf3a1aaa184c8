/* cmd_gui.c - `convscope gui` (and `convscope` with no arguments): the live window, in named
 * phases: options (gui_options.c); the run (opened in the run layer and driven by a cs_run_driver
 * on its own thread, or in lockstep with the frames); the window (open, close); and per frame
 * events -> actions -> draw, with the state that lives across frames in a gui_app (gui_app.h).
 *
 * The main thread owns SDL, GL and the fonts. The run's driver owns the network: it trains on its
 * own thread at full speed (or throttled on request) and hands snapshots over through a triple
 * buffer, so a slow frame never slows training; or, in lockstep (--lockstep N, the default with
 * --screenshot or --script), every frame trains exactly N steps, so frame F shows step F x N on
 * any machine. Keys act through one table (gui_keys.c). */
#define _DEFAULT_SOURCE
#include <SDL.h>
#include <SDL_ttf.h>
#include <epoxy/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "cs_imageio.h"
#include "gui_app.h"
#include "gui_keys.h"
#include "cs_i18n.h"
#include "cs_labels.h"
#include "gui_lesson.h"
#include "cs_theme.h"
#include "cs_ui.h"
#include "gui_probe.h"

static const double FRAME_SECONDS = 1.0 / 60.0;

enum {
    EVAL_EVERY = 500,  /* steps between test-curve points */
    EVAL_IMAGES = 500, /* test images per point */
};

static int gui_error(const char *what, const char *detail)
{
    fprintf(stderr, "convscope gui: %s: %s\n", what, detail);
    return 1;
}

void gui_app_say(gui_app *app, const char *msg)
{
    snprintf(app->message, sizeof app->message, "%.500s", msg);
    app->message_until = app->now + 5.0;
}

static void sleep_seconds(double s)
{
    if (s <= 0) return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* ---- the run ------------------------------------------------------------------------------- */

/* Events of the run, on the driving thread: checkpoints are announced on the terminal too. */
static void on_run_event(void *ctx, int events, const char *text)
{
    (void)ctx;
    if (events & CS_RUN_SAVED) printf("%s\n", text), fflush(stdout);
    if (events & CS_RUN_SAVE_FAILED) fprintf(stderr, "convscope gui: %s\n", text);
}

/* Opens a run from spec with the window's history, curve and test schedule and the driver that
 * drives it; CS_OK or the reason in cs_last_error(). */
static cs_status open_run(const gui_app *app, const cs_run_spec *base, int paused, cs_run **run, cs_run_driver **driver)
{
    const gui_options *o = &app->opt;
    cs_run_spec spec = *base;
    spec.keep_history = 1;   /* the window always has a timeline */
    spec.eval_every = EVAL_EVERY;
    spec.eval_images = EVAL_IMAGES;
    *driver = NULL;
    cs_status st = cs_run_open(run, &spec);
    if (st) return st;
    cs_runopt_report(app->lesson ? "lesson" : "gui", &o->run, *run);
    const cs_trainer *tr = (*run)->trainer;
    if ((*run)->resumed) {
        const cs_history_meta m = cs_history_meta_of(tr);
        printf("resuming %s at step %ld (epoch %d)\n", spec.load, tr->step, cs_history_epoch_label(&m));
    }
    st = (*run)->test.n <= 0 ? cs_fail(CS_ERR_ARG, "no probe images: the test set is empty") : CS_OK;
    /* the window draws, records and steps square kernels only */
    const cs_net *net = tr->net;
    for (int l = 0; !st && l < net->n_layers; l++) {
        const cs_layer *ly = &net->layers[l];
        if (ly->kind == CS_LAYER_CONV && ly->win.kh != ly->win.kw)
            st = cs_fail(CS_ERR_SHAPE, "%s has a %dx%d kernel: the window shows square kernels only (train it with "
                         "'convscope train')", ly->name, ly->win.kh, ly->win.kw);
    }
    cs_run_driver_config dc;
    cs_run_driver_config_defaults(&dc);
    dc.lockstep = o->lockstep;
    dc.tick_seconds = FRAME_SECONDS;
    dc.lower_priority = 1;
    dc.on_event = on_run_event;
    dc.paused = paused;
    if (o->run.epochs_given) dc.epoch_limit = tr->epoch + o->run.epochs; /* a resumed run counts on */
    if (o->run.epochs_given && o->run.epochs == 0) dc.paused = 1;         /* nothing to train: start paused */
    if (!st) st = cs_run_driver_create(driver, *run, &dc);
    if (st) {
        cs_run_close(*run);
        *run = NULL;
    }
    return st;
}

static int run_open(gui_app *app)
{
    cs_run_spec spec = app->opt.run.spec;
    spec.probe = app->opt.probe;
    if (open_run(app, &spec, app->opt.paused, &app->run, &app->driver) != CS_OK)
        return gui_error("cannot open the run", cs_last_error());
    if (app->opt.probe >= app->run->test.n) {
        char why[160];
        snprintf(why, sizeof why, "the test set of %s has %d images (0..%d)", app->run->dataset_name,
                 app->run->test.n, app->run->test.n - 1);
        return gui_error("--probe is out of range", why);
    }
    if (app->opt.probe_image) {
        /* the user's image, before the first frame: frame 0 shows it */
        if (gui_probe_load(app, app->opt.probe_image) != CS_OK) return gui_error("--probe-image", cs_last_error());
        printf("%s\n", app->message);
    }
    return 0;
}

cs_status gui_app_reopen_run(gui_app *app, const cs_run_spec *spec, int paused)
{
    cs_run *run;
    cs_run_driver *driver;
    cs_status st = open_run(app, spec, paused, &run, &driver);
    if (st) return st;
    gui_tl *tl = NULL;
    gui_backprop *bp = NULL; /* the backprop view's one-image net is the new run's */
    if (app->gl && ((st = gui_tl_create(&tl, run, app->gl, app->text)) != CS_OK ||
                    (st = gui_backprop_create(&bp, run->net_spec)) != CS_OK ||
                    (st = gui_backprop_attach(bp, app->gl, app->text)) != CS_OK)) {
        gui_backprop_destroy(bp);
        gui_tl_destroy(tl);
        cs_run_driver_destroy(driver);
        cs_run_close(run);
        return st;
    }
    gui_tl_destroy(app->tl);
    if (bp) gui_backprop_destroy(app->bp), app->bp = bp;
    cs_run_driver_destroy(app->driver);
    cs_run_close(app->run);
    app->run = run, app->driver = driver, app->tl = tl;
    /* everything drawn from the old run is laid out and uploaded again */
    app->layout_w = 0, app->uploaded = 0, app->event_seen = 0, app->snap = NULL;
    app->enlarged = (cs_target){CS_TARGET_NONE, 0, 0, -1};
    if (app->win) {
        char title[256];
        snprintf(title, sizeof title, _("convscope: %s net on %s"), run->net_name, run->dataset_name);
        SDL_SetWindowTitle(app->win, title);
    }
    return CS_OK;
}

/* ---- the window ---------------------------------------------------------------------------- */

/* SDL's video; 0, or the exit status when there is no display. */
static int display_open(void)
{
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) return gui_error("cannot open a window (is there a display?)", SDL_GetError());
    /* with no display SDL falls back to drivers that draw nowhere; only take them when asked for */
    const char *driver = SDL_GetCurrentVideoDriver();
    const char *asked = getenv("SDL_VIDEODRIVER");
    if (driver && (strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0 || strcmp(driver, "evdev") == 0) &&
        !(asked && *asked)) {
        char msg[300];
        const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
        SDL_Quit();
        if ((x && *x) || (w && *w)) {
            /* a display is named but nothing answers there */
            snprintf(msg, sizeof msg, "cannot open display '%s' (no %s server answers there); start one or unset %s",
                     x && *x ? x : w, x && *x ? "X" : "Wayland", x && *x ? "DISPLAY" : "WAYLAND_DISPLAY");
            return gui_error("no display to open a window on", msg);
        }
        snprintf(msg, sizeof msg, "SDL found only its '%s' video driver; set DISPLAY (X11) or WAYLAND_DISPLAY", driver);
        return gui_error("no display to open a window on", msg);
    }
    return 0;
}

/* The window and its OpenGL 3.3 core context; 0 or the exit status. */
static int window_create(gui_app *app)
{
    const gui_options *o = &app->opt;
    /* Mesa's software rasteriser starts a thread per core unless told otherwise; leave the
     * training threads their cores (hardware drivers ignore this; a user's setting wins) */
    char lp[24];
    const long spare = sysconf(_SC_NPROCESSORS_ONLN) - o->run.spec.threads - 1;
    snprintf(lp, sizeof lp, "%ld", spare < 1 ? 1 : spare);
    setenv("LP_NUM_THREADS", lp, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    /* no depth or stencil buffer: everything is drawn in order, and a software rasteriser would
     * clear and store them for nothing */
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    char title[256];
    snprintf(title, sizeof title, _("convscope: %s net on %s"), app->run->net_name, app->run->dataset_name);
    app->win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o->win_w, o->win_h,
                                SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!app->win) return gui_error("cannot create the window", SDL_GetError());
    if (o->fullscreen) gui_app_fullscreen(app, 1);
    if (!(app->ctx = SDL_GL_CreateContext(app->win)))
        return gui_error("cannot create an OpenGL 3.3 core context", SDL_GetError());
    if (epoxy_gl_version() < 33) {
        char v[64];
        snprintf(v, sizeof v, "the driver offers OpenGL %d.%d", epoxy_gl_version() / 10, epoxy_gl_version() % 10);
        return gui_error("OpenGL 3.3 is needed", v);
    }
    /* --stats measures drawing time and screenshots pace themselves: no vsync */
    if (o->stats || o->shot || SDL_GL_SetSwapInterval(1) != 0) SDL_GL_SetSwapInterval(0);
    app->vsync = SDL_GL_GetSwapInterval() != 0;
    return 0;
}

/* Fonts, GL objects and the views; 0 or the exit status. */
static int views_create(gui_app *app)
{
    if (TTF_Init() != 0) return gui_error("cannot start SDL_ttf", TTF_GetError());
    app->ttf = 1;
    if (!(app->gl = cs_gl_create())) return gui_error("cannot set up OpenGL", cs_last_error());
    if (*cs_gl_error(app->gl)) fprintf(stderr, "convscope gui: %s\n", cs_gl_error(app->gl));
    char font_dir[1024];
    char *base = SDL_GetBasePath();
    cs_status fst = cs_fonts_find_dir(base, font_dir, sizeof font_dir);
    SDL_free(base);
    if (fst != CS_OK || cs_text_create(&app->text, app->gl, font_dir) != CS_OK)
        return gui_error("cannot load the fonts", cs_last_error());
    if (cs_view_train_create(&app->vt, app->gl, app->text) != CS_OK ||
        gui_step_attach(app->step, app->gl, app->text) != CS_OK ||
        gui_tl_create(&app->tl, app->run, app->gl, app->text) != CS_OK ||
        gui_backprop_create(&app->bp, app->run->net_spec) != CS_OK || gui_backprop_attach(app->bp, app->gl, app->text) != CS_OK)
        return gui_error("cannot create the view", cs_last_error());
    /* a broken shader: say so on screen too */
    if (*cs_gl_error(app->gl)) gui_app_say(app, cs_gl_error(app->gl));
    return 0;
}

static void window_close(gui_app *app)
{
    cs_textlog_free(&app->log);
    gui_tl_destroy(app->tl);
    gui_backprop_destroy(app->bp);
    cs_view_train_destroy(app->vt);
    gui_step_destroy(app->step);
    cs_text_destroy(app->text);
    cs_gl_destroy(app->gl);
    if (app->ttf) TTF_Quit();
    if (app->ctx) SDL_GL_DeleteContext(app->ctx);
    if (app->win) SDL_DestroyWindow(app->win);
    SDL_Quit();
    app->tl = NULL, app->bp = NULL, app->vt = NULL, app->step = NULL, app->text = NULL, app->gl = NULL;
    app->ctx = NULL, app->win = NULL, app->ttf = 0;
}

/* ---- per frame: events ---------------------------------------------------------------------- */

static void on_key(gui_app *app, SDL_Keycode k, Uint16 mod)
{
    /* a quit that asked for confirmation waits for q or Esc only */
    if (k != SDLK_q && k != SDLK_ESCAPE) app->quit_armed = 0;
    /* in a lesson, the navigation keys are the lesson's */
    if (app->lesson && gui_lesson_key(app, k, mod)) return;
    /* typing into a kernel cell of the step view comes first; Esc closes the help before that */
    if (app->view == GUI_VIEW_STEP && !(k == SDLK_ESCAPE && app->show_help) && gui_step_edit_key(app->step, k)) return;
    gui_keys_dispatch(app, k, mod);
}

static void lr_from_mouse(gui_app *app, float x)
{
    const cs_rect r = app->layout.lr_slider;
    float t = (x - r.x) / r.w;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    app->drag_lr = GUI_LR_MIN * powf(GUI_LR_MAX / GUI_LR_MIN, t);
    cs_run_driver_set_lr(app->driver, app->drag_lr);
}

/* A click in the train view: the strip over the kernels, the slider, a button (which acts as its
 * key does), the probe, the timeline, or a map, kernel, the output or a curve (which it enlarges;
 * a kernel is also the filter `s` steps). */
static void train_click(gui_app *app, float x, float y)
{
    const cs_layout *L = &app->layout;
    if (gui_tl_covers(app->tl, x, y)) {
        gui_tl_click(app->tl, x, y, app->now); /* the evolution strip lies over the kernels */
        return;
    }
    if (L->lr_slider.w > 0 && cs_rect_contains(L->lr_slider, x, y)) {
        app->dragging_lr = 1;
        lr_from_mouse(app, x);
        return;
    }
    for (int i = 0; i < CS_BTN_COUNT; i++)
        if (L->buttons[i].w > 0 && cs_rect_contains(L->buttons[i], x, y)) {
            gui_keys_dispatch(app, gui_keys_of_button(i), 0);
            return;
        }
    if (cs_rect_contains(L->probe_img, x, y)) {
        gui_keys_dispatch(app, SDLK_RIGHTBRACKET, 0);
        return;
    }
    if (gui_tl_click(app->tl, x, y, app->now)) return; /* the timeline's track and buttons */
    if (!app->snap) return;
    const cs_target t = cs_layout_target_at(L, app->snap->layers, x, y);
    if (t.kind == CS_TARGET_NONE) return;
    if (t.kind == CS_TARGET_KERNEL && L->n_kern > 0 && t.layer == L->kern_layer[0]) app->step_filter = t.index;
    gui_app_enlarge(app, &t);
}

static void on_click(gui_app *app, float x, float y)
{
    app->quit_armed = 0;
    if (app->lesson && gui_lesson_click(app, x, y)) return; /* the band: the next page */
    if (app->show_help && (app->view != GUI_VIEW_TRAIN || !cs_rect_contains(app->layout.buttons[CS_BTN_HELP], x, y))) {
        app->show_help = 0;
        return;
    }
    if (app->view == GUI_VIEW_STEP) gui_step_click(app->step, x, y);
    else if (app->view == GUI_VIEW_BACKPROP) {
        const int b = gui_backprop_click(app->bp, x, y);
        if (b) gui_keys_dispatch(app, gui_keys_of_backprop_button(b - 1), 0);
    } else if (app->enlarged.kind != CS_TARGET_NONE) gui_app_enlarge(app, &(cs_target){CS_TARGET_NONE, 0, 0, -1});
    else train_click(app, x, y);
}

void gui_app_enlarge(gui_app *app, const cs_target *t)
{
    app->enlarged = *t;
    app->layout_w = 0; /* lay out again, enlarged or not */
    if (t->kind != CS_TARGET_NONE && app->snap) {
        char name[96], m[240];
        snprintf(m, sizeof m, _("%s enlarged: Esc or a click goes back"), cs_target_describe(t, app->snap->layers, name, sizeof name));
        gui_app_say(app, m);
    }
}

void gui_app_fullscreen(gui_app *app, int on)
{
    if (on == app->fullscreen) return;
    if (on) {
        SDL_GetWindowPosition(app->win, &app->win_x, &app->win_y);
        SDL_GetWindowSize(app->win, &app->win_w, &app->win_h);
        SDL_Rect b;
        if (SDL_GetDisplayBounds(SDL_GetWindowDisplayIndex(app->win), &b) != 0) {
            char m[300];
            snprintf(m, sizeof m, _("fullscreen: %s"), SDL_GetError());
            gui_app_say(app, m);
            return;
        }
        /* a borderless window over the display: window managers treat it as fullscreen, and it
         * takes effect without one too (SDL's own fullscreen then reports a size the window never
         * gets, so the layout would be made for a screen the window does not cover) */
        SDL_SetWindowBordered(app->win, SDL_FALSE);
        SDL_SetWindowPosition(app->win, b.x, b.y);
        SDL_SetWindowSize(app->win, b.w, b.h);
    } else {
        SDL_SetWindowBordered(app->win, SDL_TRUE);
        SDL_SetWindowSize(app->win, app->win_w, app->win_h);
        SDL_SetWindowPosition(app->win, app->win_x, app->win_y);
    }
    app->fullscreen = on;
    SDL_RaiseWindow(app->win);
}

/* Window points to drawable pixels (they differ on high-DPI screens). */
static void to_pixels(gui_app *app, float *x, float *y)
{
    int ww, wh, dw, dh;
    SDL_GetWindowSize(app->win, &ww, &wh);
    SDL_GL_GetDrawableSize(app->win, &dw, &dh);
    if (ww > 0 && wh > 0) *x *= (float)dw / (float)ww, *y *= (float)dh / (float)wh;
}

static void on_wheel(gui_app *app, int dy)
{
    const float x = app->mouse_x, y = app->mouse_y;
    if (app->view == GUI_VIEW_STEP) gui_step_wheel(app->step, x, y, dy);
    else if (gui_tl_wheel(app->tl, x, y, dy)) return;
    else if (cs_rect_contains(app->layout.probe, x, y))
        gui_keys_dispatch(app, dy < 0 ? SDLK_RIGHTBRACKET : SDLK_LEFTBRACKET, 0);
    else if (cs_rect_contains(app->layout.lr_slider, x, y) && app->snap)
        cs_run_driver_set_lr(app->driver, fminf(GUI_LR_MAX, fmaxf(GUI_LR_MIN, app->snap->lr * (dy > 0 ? 1.25f : 0.8f))));
}

static void pointer_to(gui_app *app, float x, float y)
{
    app->mouse_x = x, app->mouse_y = y, app->mouse_in = 1;
    if (app->dragging_lr) lr_from_mouse(app, x);
    gui_tl_motion(app->tl, x, y);
}

static void handle_event(gui_app *app, const SDL_Event *e)
{
    float x, y;
    switch (e->type) {
    case SDL_QUIT: gui_keys_request_quit(app); break;
    case SDL_DROPFILE:
        /* a file dropped onto the window becomes the probe */
        if (e->drop.file) gui_probe_load(app, e->drop.file), SDL_free(e->drop.file);
        break;
    case SDL_KEYDOWN: on_key(app, e->key.keysym.sym, (Uint16)e->key.keysym.mod); break;
    case SDL_MOUSEMOTION:
        x = (float)e->motion.x, y = (float)e->motion.y;
        to_pixels(app, &x, &y);
        pointer_to(app, x, y);
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button != SDL_BUTTON_LEFT) break;
        x = (float)e->button.x, y = (float)e->button.y;
        to_pixels(app, &x, &y);
        pointer_to(app, x, y);
        on_click(app, x, y);
        break;
    case SDL_MOUSEBUTTONUP: app->dragging_lr = 0, gui_tl_release(app->tl); break;
    case SDL_MOUSEWHEEL: on_wheel(app, e->wheel.y); break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_LEAVE) app->mouse_in = 0;
        break;
    default: break;
    }
}

static void run_script_item(gui_app *app, const gui_script_item *it)
{
    switch (it->action) {
    case GUI_SCRIPT_KEY: on_key(app, it->key, it->mod); break;
    case GUI_SCRIPT_SHOT:
        snprintf(app->shot_buf, sizeof app->shot_buf, "%s", it->file);
        app->shot_path = app->shot_buf;
        break;
    case GUI_SCRIPT_DUMP:
        snprintf(app->dump_buf, sizeof app->dump_buf, "%s", it->file);
        app->dump_path = app->dump_buf;
        break;
    case GUI_SCRIPT_SIZE:
        if (app->fullscreen) gui_app_fullscreen(app, 0);
        SDL_SetWindowSize(app->win, it->x, it->y);
        break;
    case GUI_SCRIPT_SCALE: app->user_scale = (float)it->scale; break;
    case GUI_SCRIPT_ENLARGE: {
        cs_target t = {CS_TARGET_NONE, 0, 0, -1};
        const cs_snapshot *s = cs_run_driver_snapshot(app->driver, NULL);
        if (strcmp(it->file, "off") != 0 && cs_target_parse(it->file, s->layers, s->n_layers, &t) != CS_OK) {
            fprintf(stderr, "convscope gui: --script enlarge %s\n", cs_last_error());
            gui_app_say(app, cs_last_error());
            break;
        }
        if (app->view != GUI_VIEW_TRAIN) app->view = GUI_VIEW_TRAIN;
        gui_app_enlarge(app, &t);
        break;
    }
    case GUI_SCRIPT_DROP: {
        /* the event a file manager's drop makes, through the same handler */
        SDL_Event e;
        memset(&e, 0, sizeof e);
        e.type = SDL_DROPFILE;
        e.drop.file = SDL_strdup(it->file);
        e.drop.windowID = SDL_GetWindowID(app->win);
        handle_event(app, &e);
        break;
    }
    default:
        /* scripted pointers are in drawable pixels already */
        pointer_to(app, (float)it->x, (float)it->y);
        if (it->action == GUI_SCRIPT_CLICK) on_click(app, (float)it->x, (float)it->y), app->dragging_lr = 0,
                                              gui_tl_release(app->tl);
        break;
    }
}

/* Input of this frame: SDL's events and the script's items; 1 when anything came. */
static int frame_events(gui_app *app)
{
    int dirty = 0;
    SDL_Event e;
    while (SDL_PollEvent(&e)) handle_event(app, &e), dirty = 1;
    for (int i = 0; i < app->script.n; i++)
        if (app->script.items[i].frame == app->frame) run_script_item(app, &app->script.items[i]), dirty = 1;
    return dirty;
}

/* ---- per frame: actions --------------------------------------------------------------------- */

/* The train view's layout for this size, scale and mode (and the enlarged one), made again only
 * when one of them changed. */
static void relayout(gui_app *app, const cs_snapshot *s, int dw, int dh)
{
    if (dw == app->layout_w && dh == app->layout_h && app->user_scale == app->layout_scale &&
        app->present == app->layout_present && app->style_h == app->layout_style_h &&
        app->layout_lang == cs_i18n_generation())
        return;
    /* the class names as shown (built-in datasets' in the UI language), for the layout and the view */
    const cs_dataset *test = &app->run->test;
    app->n_class_names = test->n_classes < CS_MAX_CLASSES ? test->n_classes : CS_MAX_CLASSES;
    for (int i = 0; i < app->n_class_names; i++) app->class_names[i] = cs_label_class(test->class_names[i]);
    const cs_measure m = cs_text_measure(app->text);
    const cs_layout_in in = {
        .win_w = dw, .win_h = dh, .style_h = app->style_h, .user_scale = app->user_scale, .present = app->present, .measure = &m,
        .layers = s->layers, .n_layers = s->n_layers, .in_c = s->in_c, .in_h = s->in_h, .in_w = s->in_w,
        .n_classes = s->n_classes, .class_names = app->class_names, .n_class_names = app->n_class_names,
        .grads = app->show_grads,
    };
    cs_layout_compute(&app->layout, &in);
    if (app->enlarged.kind != CS_TARGET_NONE) cs_layout_enlarge(&app->enl_layout, &app->layout, &in, &app->enlarged);
    app->layout_w = dw, app->layout_h = dh, app->layout_scale = app->user_scale, app->layout_present = app->present;
    app->layout_lang = cs_i18n_generation();
    app->layout_style_h = app->style_h;
}

/* The newest snapshot, laid out and through the timeline; NULL while none is published yet. */
static const cs_snapshot *frame_snapshot(gui_app *app, int dw, int dh, int *dirty)
{
    int is_new;
    const cs_snapshot *s = cs_run_driver_snapshot(app->driver, &is_new);
    if (s->seq == 0) return NULL;
    *dirty |= is_new && app->view == GUI_VIEW_TRAIN; /* the step view does not show training */
    relayout(app, s, dw, dh);
    /* the timeline may show recorded kernels instead of the live ones (s then steps those) */
    int tl_upload = 0, tl_dirty = 0;
    s = gui_tl_frame(app->tl, s, &app->layout, app->now, &tl_upload, &tl_dirty);
    *dirty |= tl_dirty && app->view == GUI_VIEW_TRAIN;
    if (s->data_seq != app->uploaded || tl_upload) {
        cs_view_train_upload(app->vt, s);
        app->uploaded = s->data_seq;
    }
    if (s->event_seq != app->event_seen) {
        app->event_seen = s->event_seq;
        char said[512];
        if (s->event[0]) gui_app_say(app, cs_label_run_text(s->event, said, sizeof said)), *dirty = 1;
    }
    app->snap = s;
    return s;
}

/* What follows from the input and the clock: messages, playback, shaders, the snapshot to
 * draw. Returns 1 when the frame must be drawn. */
static int frame_actions(gui_app *app, int dirty, int dw, int dh, const cs_snapshot **shown)
{
    const char *step_msg = gui_step_message(app->step);
    if (step_msg) gui_app_say(app, step_msg), dirty = 1;
    if (app->view == GUI_VIEW_STEP) dirty |= gui_step_tick(app->step, app->now);
    if (app->view == GUI_VIEW_BACKPROP) dirty |= gui_backprop_tick(app->bp, app->now);
    if (app->reload_shaders) {
        app->reload_shaders = 0;
        gui_app_say(app, cs_gl_reload(app->gl) ? _("shaders reloaded") : cs_gl_error(app->gl));
        if (*cs_gl_error(app->gl)) fprintf(stderr, "convscope gui: %s\n", cs_gl_error(app->gl));
    }
    *shown = frame_snapshot(app, dw, dh, &dirty);
    /* the backprop view opened before any snapshot (--view backprop): its step, from the first one */
    if (app->view == GUI_VIEW_BACKPROP && *shown && !gui_backprop_ready(app->bp))
        gui_backprop_set_phase(app, NULL), dirty = 1;
    if (app->message_until && app->now > app->message_until) app->message[0] = '\0', app->message_until = 0, dirty = 1;
    return dirty;
}

/* ---- per frame: draw ------------------------------------------------------------------------ */

/* The train view of snapshot s through ui (layout: the ordinary one or the enlarged one). */
static void draw_train(gui_app *app, cs_ui *ui, const cs_snapshot *s)
{
    char speed_text[64], step_note[160], count[32], live[32];
    gui_keys_speed_text(cs_run_driver_speed(app->driver), speed_text, sizeof speed_text);
    /* the seed in the title: `--seed N` replays the run (a restart changes it) */
    cs_label_title(app->view_title, sizeof app->view_title, app->run->net_name, app->run->dataset_name,
                   (unsigned long long)s->seed);
    cs_theme_format_count(count, sizeof count, s->step);
    cs_theme_format_count(live, sizeof live, s->live_step);
    if (s->recorded) {
        /* the whole window shows a recorded step: say which, and that training is further on */
        const size_t n = strlen(app->view_title);
        snprintf(app->view_title + n, sizeof app->view_title - n,
                 s->record_kernels_only ? _(" \u00B7 SHOWING STEP %s (kernels only) (live: step %s)")
                                        : _(" \u00B7 SHOWING STEP %s (live: step %s)"),
                 count, live);
        snprintf(step_note, sizeof step_note, _("step %s (timeline; live: %s)"), count, live);
    } else {
        snprintf(step_note, sizeof step_note, _("step %s (live)"), count);
    }
    const char *const *help;
    const int n_help = gui_keys_help(GUI_VIEW_TRAIN, &help);
    const cs_layout *L = app->enlarged.kind != CS_TARGET_NONE ? &app->enl_layout : &app->layout;
    ui->st = &L->st;
    cs_view_ui vu = {
        .mouse_x = app->mouse_x, .mouse_y = app->mouse_y,
        .mouse_in = app->mouse_in && !gui_tl_covers(app->tl, app->mouse_x, app->mouse_y),
        .maps_norm = app->maps_norm, .kernels_norm = app->kernels_norm, .diverging = app->diverging,
        .paused = cs_run_driver_paused(app->driver), .speed = speed_text,
        .lr = app->dragging_lr ? app->drag_lr : s->lr, .lr_min = GUI_LR_MIN, .lr_max = GUI_LR_MAX,
        .show_help = app->show_help, .title = app->view_title, .message = app->message,
        .class_names = app->class_names, .n_class_names = app->n_class_names, .fps = app->fps,
        .help_lines = n_help, .help = help, .step_note = step_note, .show_grads = app->show_grads,
    };
    if (app->enlarged.kind == CS_TARGET_NONE) {
        gui_tl_draw(app->tl, ui, s, L, app->mouse_x, app->mouse_y, app->mouse_in, app->show_help, app->diverging);
        if (*gui_tl_hover(app->tl)) vu.message = gui_tl_hover(app->tl);
    }
    cs_view_train_draw(app->vt, ui, s, L, &vu);
}

/* The backprop view of the step it computed. */
static void draw_backprop(gui_app *app, cs_ui *ui, int dw, int dh)
{
    const char *const *help;
    const int n_help = gui_keys_help(GUI_VIEW_BACKPROP, &help);
    const cs_dataset *test = &app->run->test;
    const gui_backprop_frame f = {
        .dw = dw, .dh = dh, .style_h = app->style_h, .user_scale = app->user_scale, .present = app->present, .diverging = (int)app->diverging,
        .mouse_x = app->mouse_x, .mouse_y = app->mouse_y, .mouse_in = app->mouse_in, .show_help = app->show_help,
        .help = help, .help_lines = n_help, .message = app->message, .class_names = (const char *const *)test->class_names,
        .n_class_names = test->n_classes < CS_MAX_CLASSES ? test->n_classes : CS_MAX_CLASSES,
        .batch = app->run->trainer->cfg.batch,
    };
    gui_backprop_draw(app->bp, ui, &f);
}

/* What the frame showed, for a dump: the view and the style it was drawn in. */
static cs_textlog_frame frame_info(const gui_app *app, const cs_style *st, int dw, int dh)
{
    const char *view = app->show_help ? "help" : app->view == GUI_VIEW_STEP ? "step"
                       : app->view == GUI_VIEW_BACKPROP ? "backprop"
                       : app->enlarged.kind != CS_TARGET_NONE ? "enlarged" : "train";
    const int hidden = app->view == GUI_VIEW_BACKPROP ? 0
                       : app->view == GUI_VIEW_STEP ? gui_step_hidden(app->step)
                       : app->enlarged.kind != CS_TARGET_NONE ? app->enl_layout.hidden : app->layout.hidden;
    return (cs_textlog_frame){view, dw, dh, st->scale, st->present, st->min_px,
                              app->view == GUI_VIEW_STEP ? gui_step_hidden_names(hidden) : cs_layout_hidden_names(hidden)};
}

static void frame_draw(gui_app *app, const cs_snapshot *s, int dw, int dh)
{
    const int logging = app->dump_path || (app->opt.dump_text && app->opt.shot && app->frame >= app->opt.frames);
    cs_style fallback;
    cs_style_make(&fallback, dw, dh, app->user_scale, app->present);
    for (int attempt = 0; attempt < 2; attempt++) {
        /* a glyph atlas that filled up during the draw leaves stale glyphs in it: draw again */
        const unsigned long resets = cs_text_atlas_resets(app->text);
        if (logging) cs_textlog_clear(&app->log);
        cs_ui ui = {app->gl, app->text, logging ? &app->log : NULL, &fallback};
        const cs_style *bg = app->view == GUI_VIEW_TRAIN && s ? &app->layout.st : &fallback;
        cs_gl_begin(app->gl, dw, dh, cs_view_train_background(bg));
        if (app->view == GUI_VIEW_STEP) {
            const char *const *help;
            const int n = gui_keys_help(GUI_VIEW_STEP, &help);
            gui_step_draw(app->step, &ui, dw, app->view_h, app->user_scale, app->present, app->diverging, app->mouse_x,
                          app->mouse_y, app->mouse_in, app->show_help, help, n, app->message);
        } else if (app->view == GUI_VIEW_BACKPROP) {
            draw_backprop(app, &ui, dw, app->view_h); /* above a lesson's band */
        } else if (s) {
            draw_train(app, &ui, s);
        }
        if (app->lesson) gui_lesson_draw(app, &ui, dw, dh);
        cs_gl_end(app->gl);
        app->frame_style = *ui.st;
        if (cs_text_atlas_resets(app->text) == resets) break;
    }
    app->drawn++;
}

/* The frame's text as JSON, when a dump is due (a script's `dump`, or --dump-text with the last frame). */
static void frame_dump(gui_app *app, int last, int dw, int dh)
{
    const char *path = app->dump_path ? app->dump_path : last ? app->opt.dump_text : NULL;
    app->dump_path = NULL;
    if (!path) return;
    const cs_textlog_frame info = frame_info(app, &app->frame_style, dw, dh);
    if (cs_textlog_write(&app->log, &info, path) != CS_OK) {
        fprintf(stderr, "convscope gui: %s\n", cs_last_error());
        if (last) app->status = 1;
        return;
    }
    printf("text dump: %s\n", path);
    fflush(stdout);
}

/* The frame just drawn as a PNG, when asked for (or the last frame of --screenshot). */
static void frame_shot(gui_app *app, int last, int dw, int dh)
{
    if (!app->shot_path && !last) return;
    const char *path = last ? app->opt.shot : app->shot_path;
    app->shot_path = NULL;
    uint8_t *rgb = malloc((size_t)dw * dh * 3);
    cs_status st = rgb ? CS_OK : cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d screenshot", dw, dh);
    if (!st) {
        cs_gl_read_pixels(dw, dh, rgb);
        st = cs_image_write_png(path, rgb, dw, dh);
    }
    free(rgb);
    char m[600];
    if (st) {
        fprintf(stderr, "convscope gui: cannot write the screenshot: %s\n", cs_last_error());
        if (last) app->status = 1;
        gui_app_say(app, _("the screenshot could not be written"));
        return;
    }
    printf("screenshot: %s\n", path);
    fflush(stdout);
    snprintf(m, sizeof m, _("screenshot written to %s"), path);
    gui_app_say(app, m);
}

static void record_frame_time(gui_app *app, double seconds, double t1)
{
    if (app->n_ms == app->cap_ms) {
        const size_t cap = app->cap_ms ? 2 * app->cap_ms : 4096;
        double *nm = realloc(app->frame_ms, cap * sizeof *nm);
        if (nm) app->frame_ms = nm, app->cap_ms = cap;
    }
    if (app->n_ms < app->cap_ms) app->frame_ms[app->n_ms++] = seconds * 1000.0;
    app->fps_frames++;
    if (t1 - app->fps_t0 >= 0.5) app->fps = (double)app->fps_frames / (t1 - app->fps_t0), app->fps_t0 = t1, app->fps_frames = 0;
}

/* Sleeps until the next frame is due, 60 per second: the rest of the time belongs to the trainer. */
static void pace(gui_app *app)
{
    const double now = cs_cli_now();
    app->next_frame += FRAME_SECONDS;
    if (app->next_frame < now - FRAME_SECONDS) app->next_frame = now; /* fell behind: do not race to catch up */
    sleep_seconds(app->next_frame - now);
}

/* One frame: events -> actions -> draw (only when something changed) -> lockstep training. */
static void frame(gui_app *app)
{
    const int lockstep = app->opt.lockstep > 0;
    app->now = lockstep ? (double)app->frame * FRAME_SECONDS : cs_cli_now();
    const double t0 = cs_cli_now();
    int dw, dh, lesson_dirty = 0;
    SDL_GL_GetDrawableSize(app->win, &dw, &dh);
    /* the lesson's page (its set-up, its waits) and the rows its band takes from the views */
    app->view_h = app->lesson ? dh - gui_lesson_frame(app, dw, dh, &lesson_dirty) : dh;
    app->style_h = dh; /* the views keep the whole window's type sizes */
    gui_step_style_height(app->step, dh);
    if (app->view != GUI_VIEW_STEP && cs_run_driver_snapshot(app->driver, NULL)->seq == 0) {
        /* nothing published yet (the trainer is evaluating its first test point): frame 0 waits */
        SDL_Event e;
        while (SDL_PollEvent(&e)) handle_event(app, &e);
        cs_style st;
        cs_style_make(&st, dw, dh, app->user_scale, app->present);
        cs_gl_begin(app->gl, dw, dh, cs_view_train_background(&st));
        cs_gl_end(app->gl);
        SDL_GL_SwapWindow(app->win);
        sleep_seconds(0.002);
        return;
    }
    int dirty = frame_events(app) | lesson_dirty;
    const cs_snapshot *s;
    dirty = frame_actions(app, dirty, dw, app->view_h, &s);
    const int last = app->opt.shot && app->frame + 1 >= app->opt.frames;
    app->frame++;
    if (dirty || last || app->shot_path || app->dump_path || app->drawn == 0) {
        frame_draw(app, s, dw, dh);
        const double t_shot = cs_cli_now();
        frame_shot(app, last, dw, dh);
        frame_dump(app, last, dw, dh);
        const double t_swap = cs_cli_now();
        SDL_GL_SwapWindow(app->win);
        const double t1 = cs_cli_now();
        /* the frame's time: events, uploads, drawing and the swap, not writing a screenshot */
        record_frame_time(app, (t_shot - t0) + (t1 - t_swap), t1);
    }
    if (last) app->quit = 1;
    /* the steps the next frame shows */
    if (lockstep && !app->quit) cs_run_driver_tick(app->driver);
    /* a scripted screenshot in lockstep runs on frame time, as fast as it draws */
    if (!app->quit && !app->vsync && !(lockstep && app->opt.shot)) pace(app);
}

/* ---- statistics and the whole ---------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void print_stats(gui_app *app)
{
    /* the first frames include glyph rasterisation and texture creation: startup, not drawing */
    const size_t skip = app->n_ms > 10 ? 3 : 0, n = app->n_ms - skip;
    double sum = 0;
    for (size_t i = skip; i < app->n_ms; i++) sum += app->frame_ms[i];
    if (n) qsort(app->frame_ms + skip, n, sizeof *app->frame_ms, cmp_double);
    const double p95 = n ? app->frame_ms[skip + (size_t)ceil(0.95 * (double)n) - 1] : 0;
    cs_run_driver_stop(app->driver);
    double seconds;
    long images;
    cs_run_driver_train_time(app->driver, &seconds, &images);
    int dw, dh;
    SDL_GL_GetDrawableSize(app->win, &dw, &dh);
    printf("{\"frames\": %d, \"frame_ms_mean\": %.3f, \"frame_ms_p95\": %.3f, \"train_images_per_sec\": %.1f, "
           "\"steps\": %ld, \"epochs\": %d, \"width\": %d, \"height\": %d, \"loop_frames\": %ld, \"lockstep\": %d}\n",
           app->drawn, n ? sum / (double)n : 0.0, p95, seconds > 0 ? (double)images / seconds : 0.0,
           app->run->trainer->step, app->run->trainer->epoch, dw, dh, app->frame, app->opt.lockstep);
    fflush(stdout);
}

/* Everything before the first frame; 0, or the exit status. */
static int start(gui_app *app)
{
    /* the language first: before any thread starts (it sets LC_MESSAGES and LANGUAGE); the lesson
     * mode has set its own */
    if (!app->lesson) cs_i18n_set_lang(app->opt.lang);
    if (strcmp(cs_i18n_lang(), "en") != 0 && !cs_i18n_translating())
        fprintf(stderr, "convscope %s: no '%s' catalogue found (the build's po/, or the installed locale directory; "
                        "CONVSCOPE_LOCALE_DIR names another): the window stays in English\n",
                app->lesson ? "lesson" : "gui", cs_i18n_lang());
    if (app->opt.script && gui_script_parse(app->opt.script, &app->script) != CS_OK) {
        fprintf(stderr, "convscope %s: %s\n\n", app->lesson ? "lesson" : "gui", cs_last_error());
        gui_usage(stderr);
        return 2;
    }
    /* the step view's image and kernel are checked before any window opens */
    if (gui_step_create(&app->step, &app->opt.step) != CS_OK) return gui_error("step view", cs_last_error());
    /* the display first: without one there is nothing to do, and loading data takes a moment */
    int st = display_open();
    if (!st) st = run_open(app);
    if (!st) st = window_create(app);
    if (!st) st = views_create(app);
    if (st) return st;
    app->view = app->opt.start_step_view ? GUI_VIEW_STEP : app->opt.start_backprop_view ? GUI_VIEW_BACKPROP : GUI_VIEW_TRAIN;
    app->maps_norm = app->kernels_norm = CS_NORM_PER_LAYER;
    app->present = app->opt.present;
    app->user_scale = (float)app->opt.scale;
    app->diverging = CS_CMAP_RDBU;
    app->enlarged = (cs_target){CS_TARGET_NONE, 0, 0, -1};
    cs_textlog_init(&app->log);
    app->fps_t0 = app->next_frame = cs_cli_now();
    return -1;
}

int gui_app_run(gui_app *app)
{
    int status = start(app);
    if (status < 0) {
        while (!app->quit) frame(app);
        if (app->opt.stats) print_stats(app);
        status = app->status;
    }
    /* training stops (and saves with --save) before the window goes */
    cs_run_driver_destroy(app->driver);
    window_close(app);
    cs_run_close(app->run);
    free(app->frame_ms);
    app->driver = NULL, app->run = NULL, app->frame_ms = NULL;
    return status;
}

int cs_cmd_gui(int argc, char **argv)
{
    gui_app *app = calloc(1, sizeof *app);
    if (!app) return gui_error("out of memory", "the window's state");
    int status = gui_options_parse(&app->opt, argc, argv);
    if (status < 0) status = gui_app_run(app);
    free(app);
    return status;
}
