/* cmd_gui.c - `convscope gui` (and `convscope` with no arguments): the live window.
 *
 * The main thread owns SDL, GL and the fonts; one training thread owns the network and trains
 * it at full speed (or throttled on request). Snapshots go from the trainer to the window through
 * a triple buffer (cs_snapshot.h); commands (pause, step, speed, learning rate, restart, probe)
 * go the other way through atomics. Neither side ever waits for the other: a slow frame never
 * slows training, and the window keeps drawing the last snapshot while the trainer works. */
#define _DEFAULT_SOURCE
#include <SDL.h>
#include <SDL_ttf.h>
#include <epoxy/gl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

#include "cli.h"
#include "commands.h"
#include "cs_gl.h"
#include "cs_imageio.h"
#include "cs_layout.h"
#include "cs_snapshot.h"
#include "cs_text.h"
#include "cs_view_train.h"
#include "gui_step.h"
#include "gui_timeline.h"
#include "run_checkpoint.h"
#include "run_options.h"

/* Training speeds the +/- keys step through, in batches per second; 0 is unthrottled. */
static const int SPEEDS[] = {1, 2, 5, 10, 20, 50, 100, 200, 0};
enum { N_SPEEDS = sizeof SPEEDS / sizeof SPEEDS[0] };

enum {
    EVAL_IMAGES = 500,       /* test images per test-curve point */
    PUBLISH_HZ = 20,         /* snapshots per second at most: smooth enough to watch, light on the CPU */
    MAX_SCRIPT = 64,
};
static const double EVAL_SECONDS = 1.5;  /* between test-curve points while training */
static const double POINT_SECONDS = 0.2; /* between train-curve points */
static const float LR_MIN = 1e-4f, LR_MAX = 1.0f;

/* State shared by the window and the training thread. */
typedef struct {
    /* window -> trainer */
    atomic_int quit, paused, speed; /* speed: index into SPEEDS */
    atomic_long step_requests, restart_requests;
    atomic_int probe;               /* index into the test set */
    _Atomic float lr;
    /* trainer -> window */
    cs_snap_triple snaps;
    /* trainer-owned until joined */
    cs_trainer *tr;                 /* borrowed from the run */
    const cs_dataset *test;         /* borrowed */
    int threads;
    int max_epochs;                 /* pause after this many epochs; 0 = never */
    double run_seconds;             /* unthrottled, unpaused wall time (for --stats) */
    long run_images;                /* images trained in that time */
    cs_curve train_curve, test_curve;
    long epoch_marks[CS_SNAP_EPOCHS];
    int n_epoch_marks;
    gui_tl_shared *tl;              /* the history, checkpoints; borrowed */
} gui_shared;

static void sleep_seconds(double s)
{
    if (s <= 0) return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static const char *optim_name(cs_optim_kind k) { return k == CS_OPTIM_ADAM ? "Adam" : "SGD"; }
static const char *loss_name(cs_loss_kind k) { return k == CS_LOSS_MSE ? "MSE" : "cross-entropy"; }

/* Fills the back slot from the trainer's state and hands it to the window. */
static void publish(gui_shared *g, int probe, uint64_t *seq, uint64_t *data_seq, int data_changed, double ips,
                    int paused, int diverged, const char *message)
{
    cs_trainer *tr = g->tr;
    cs_net *net = tr->net;
    cs_snapshot *s = cs_snap_triple_back(&g->snaps);
    /* the probe through the net: one image, in the net's own buffers (the next step refills them) */
    cs_dataset_fill_batch(g->test, &probe, 1, net->input, NULL);
    cs_net_forward(net, 1);
    cs_snapshot_capture(s, net, 0);
    cs_snapshot_set_probe(s, g->test, probe);
    memcpy(&s->train, &g->train_curve, sizeof s->train);
    memcpy(&s->test, &g->test_curve, sizeof s->test);
    s->n_epoch_marks = g->n_epoch_marks;
    memcpy(s->epoch_marks, g->epoch_marks, (size_t)g->n_epoch_marks * sizeof s->epoch_marks[0]);
    s->step = tr->step;
    s->images_seen = tr->images_seen;
    s->epoch = tr->epoch;
    s->images_per_sec = ips;
    s->lr = tr->cfg.lr;
    snprintf(s->optimizer, sizeof s->optimizer, "%s", optim_name(tr->opt.kind));
    snprintf(s->loss, sizeof s->loss, "%s", loss_name(tr->cfg.loss));
    s->paused = paused;
    s->diverged = diverged;
    snprintf(s->message, sizeof s->message, "%s", message);
    if (data_changed) ++*data_seq;
    s->data_seq = *data_seq;
    s->seq = ++*seq;
    cs_snap_triple_publish(&g->snaps);
}

static void evaluate_point(gui_shared *g)
{
    float acc, loss;
    cs_trainer_evaluate(g->tr, g->test, EVAL_IMAGES, &acc, &loss);
    cs_curve_add(&g->test_curve, g->tr->step, loss, acc);
}

static void *trainer_main(void *arg)
{
    gui_shared *g = arg;
    cs_trainer *tr = g->tr;
#ifdef __linux__
    /* a little below the window: training takes every idle cycle, but when both want the same
     * core a frame goes first, so the window never stutters (Linux nice values are per thread) */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 4);
#endif
    const uint64_t seed0 = tr->cfg.seed;
    long seen_restart = 0, seen_steps = atomic_load(&g->step_requests);
    int probe = -1, diverged = 0, last_paused = -1;
    char message[256] = "";
    uint64_t seq = 0, data_seq = 0;
    double loss_sum = 0, acc_sum = 0;
    int n_sum = 0;
    double now = cs_cli_now(), last_pub = -1, last_point = now, last_eval = now, next_step = now;
    double ips = 0, ips_t0 = now;
    long ips_img0 = 0, steps_since_eval = 0;
    int data_changed = 1;
    gui_tl_trainer_begin(g->tl, tr, &g->train_curve, g->epoch_marks, &g->n_epoch_marks, CS_SNAP_EPOCHS);
    evaluate_point(g);

    while (!atomic_load(&g->quit)) {
        const double loop_start = cs_cli_now();
        long r = atomic_load(&g->restart_requests);
        if (r != seen_restart) {
            seen_restart = r;
            /* new random weights: a new seed each time, the first run's seed plus the restart count */
            cs_trainer_reset(tr, seed0 + (uint64_t)r);
            if (diverged) {
                /* the same rate would diverge again: a restart after a divergence tries a tenth */
                const float lower = atomic_load(&g->lr) * 0.1f;
                atomic_store(&g->lr, lower);
                tr->cfg.lr = lower;
            }
            cs_curve_clear(&g->train_curve);
            cs_curve_clear(&g->test_curve);
            g->n_epoch_marks = 0;
            gui_tl_trainer_restart(g->tl, tr);
            diverged = 0, message[0] = '\0';
            loss_sum = acc_sum = 0, n_sum = 0;
            ips_t0 = loop_start, ips_img0 = 0, ips = 0;
            evaluate_point(g);
            data_changed = 1;
        }
        const float lr = atomic_load(&g->lr);
        if (lr != tr->cfg.lr) tr->cfg.lr = lr;
        const int p = atomic_load(&g->probe);
        if (p != probe) probe = p, data_changed = 1;
        const int paused = atomic_load(&g->paused);
        const int speed = SPEEDS[atomic_load(&g->speed)];

        int want = 0;
        const long sr = atomic_load(&g->step_requests);
        if (sr != seen_steps) seen_steps = sr, want = !diverged;
        if (!paused && !diverged) {
            if (speed == 0) want = 1;
            else if (loop_start >= next_step) {
                want = 1;
                next_step = fmax(next_step + 1.0 / speed, loop_start - 0.5 / speed);
            }
        }
        int epoch_done = 0, stepped = 0;
        const long seen_before = tr->images_seen;
        if (want) {
            cs_status st = cs_trainer_step(tr, &epoch_done);
            if (st == CS_ERR_DIVERGED) {
                diverged = 1;
                snprintf(message, sizeof message, "%s", cs_last_error());
                data_changed = 1;
            } else if (st == CS_OK) {
                stepped = 1, data_changed = 1, steps_since_eval++;
                loss_sum += tr->last_loss, acc_sum += tr->last_accuracy, n_sum++;
                gui_tl_trainer_step(g->tl, tr, epoch_done);
            }
        }
        gui_tl_trainer_poll(g->tl);
        now = cs_cli_now();
        if (n_sum > 0 && (now - last_point >= POINT_SECONDS || speed != 0 || paused)) {
            cs_curve_add(&g->train_curve, tr->step, (float)(loss_sum / n_sum), (float)(acc_sum / n_sum));
            loss_sum = acc_sum = 0, n_sum = 0, last_point = now;
        }
        if (epoch_done) {
            if (g->n_epoch_marks < CS_SNAP_EPOCHS) g->epoch_marks[g->n_epoch_marks++] = tr->step;
            if (g->max_epochs > 0 && tr->epoch >= g->max_epochs) atomic_store(&g->paused, 1);
        }
        if (epoch_done || (steps_since_eval > 0 && now - last_eval >= EVAL_SECONDS) ||
            (steps_since_eval > 0 && paused)) {
            evaluate_point(g);
            last_eval = cs_cli_now(), steps_since_eval = 0;
        }
        if (now - ips_t0 >= 0.5) {
            ips = (double)(tr->images_seen - ips_img0) / (now - ips_t0);
            ips_t0 = now, ips_img0 = tr->images_seen;
        }
        const int state_changed = paused != last_paused;
        if ((data_changed || state_changed || stepped) && (now - last_pub >= 1.0 / PUBLISH_HZ || state_changed)) {
            publish(g, probe, &seq, &data_seq, data_changed, paused || diverged ? 0 : ips, paused, diverged, message);
            last_pub = cs_cli_now(), last_paused = paused, data_changed = 0;
        }
        const double end = cs_cli_now();
        if (stepped && speed == 0 && !paused) {
            g->run_seconds += end - loop_start;
            g->run_images += tr->images_seen - seen_before;
        }
        if (!stepped) {
            /* idle: paused, diverged or waiting for the next throttled step */
            double wait = 0.005;
            if (!paused && !diverged && speed != 0) wait = fmin(wait, next_step - end);
            sleep_seconds(wait);
            if (paused || diverged) ips_t0 = cs_cli_now(), ips_img0 = tr->images_seen, ips = 0;
        }
    }
    gui_tl_trainer_end(g->tl);
    return NULL;
}

/* ---- the window ------------------------------------------------------------------------ */

typedef struct {
    int frame;
    char action[8];  /* "key", "shot", "move", "click" */
    char arg[256];   /* key name or file */
    int x, y;
} script_item;

static const char *const HELP[] = {
    "space\tpause / resume training",
    "n\ttrain one batch (also while paused)",
    "+  /  \u2212\tfaster / slower: 1 batch per second up to full speed",
    "r\trestart from new random weights (after a divergence, at a tenth of the rate)",
    "[  /  ]\tprevious / next probe image",
    "m\tmaps normalisation: per map, per layer, fixed",
    "k\tkernels normalisation: per map, per layer, fixed",
    "Tab  or  v\tthe step view: one kernel stepped over one image",
    "s\tstep the hovered (or last clicked) conv1 filter over the probe image",
    "h  or  F1\tthis help",
    "f\tfullscreen on / off",
    "\u2190  /  \u2192\tkernels one recorded step back / forward (shift: 10); Home first",
    "l  or  End\tback to the live kernels",
    "p  /  b\tplay the kernels' evolution forward / backward (again: stop)",
    ",  /  .\tslower / faster playback (1 to 200 records per second)",
    "t\tone kernel's evolution as a strip (the hovered one, or conv1 filter 0)",
    "e\texport the shown kernels and the probe's maps as PNGs",
    "w  or  ctrl+s\tsave a checkpoint (to --save FILE, or a dated file)",
    "F12\tscreenshot to a PNG file (path shown below)",
    "F5\treload shaders from CONVSCOPE_SHADER_DIR",
    "q  or  Esc\tquit (Esc first closes this help)",
    "mouse: buttons\tpause, step, speed, restart, normalisation, help",
    "mouse: slider\tdrag to set the learning rate (log scale)",
    "mouse: hover a map\tits value; its receptive field outlined on the probe",
    "mouse: hover a kernel\tits weights as numbers",
    "mouse: wheel on probe\tprevious / next probe image",
    "mouse: timeline\tdrag to show the kernels at a recorded step; wheel steps",
    "mouse: click a kernel\tits evolution as a strip (and the filter s steps); click a frame: that step",
};
enum { N_HELP = sizeof HELP / sizeof HELP[0] };

typedef struct {
    gui_shared *g;
    SDL_Window *win;
    int fullscreen;
    int show_help;
    cs_norm_mode maps_norm, kernels_norm;
    int paused, speed, probe, n_probes;
    float lr;
    int dragging_lr;
    float mouse_x, mouse_y;
    int mouse_in;
    char message[512];
    double message_until;
    int quit;
    int reload_shaders;
    const char *shot_path;   /* screenshot requested for this frame, or NULL */
    char shot_buf[512];
    cs_layout layout;
    int shot_failed;
    gui_tl *tl;              /* the timeline; owned by cs_cmd_gui */
    int view;                /* VIEW_TRAIN or VIEW_STEP */
    gui_step *step;          /* borrowed: the step view's state */
    int step_filter;         /* conv1 filter last clicked in the train view (for s) */
    const cs_snapshot *snap; /* the snapshot drawn last (for s) */
} gui_window;

enum { VIEW_TRAIN, VIEW_STEP };

static void set_message(gui_window *w, const char *msg)
{
    snprintf(w->message, sizeof w->message, "%.500s", msg);
    w->message_until = cs_cli_now() + 5.0;
}

static void set_probe(gui_window *w, int p)
{
    w->probe = ((p % w->n_probes) + w->n_probes) % w->n_probes;
    atomic_store(&w->g->probe, w->probe);
}

static void set_speed(gui_window *w, int s)
{
    w->speed = s < 0 ? 0 : s >= N_SPEEDS ? N_SPEEDS - 1 : s;
    atomic_store(&w->g->speed, w->speed);
}

static void set_lr(gui_window *w, float lr)
{
    w->lr = lr < LR_MIN ? LR_MIN : lr > LR_MAX ? LR_MAX : lr;
    atomic_store(&w->g->lr, w->lr);
}

static void toggle_pause(gui_window *w)
{
    w->paused = !w->paused;
    atomic_store(&w->g->paused, w->paused);
}

static void toggle_fullscreen(gui_window *w)
{
    w->fullscreen = !w->fullscreen;
    if (SDL_SetWindowFullscreen(w->win, w->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0) != 0) {
        char m[300];
        snprintf(m, sizeof m, "fullscreen: %s", SDL_GetError());
        set_message(w, m);
        w->fullscreen = !w->fullscreen;
    }
}

static void request_screenshot(gui_window *w)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(w->shot_buf, sizeof w->shot_buf, "convscope-%Y%m%d-%H%M%S.png", &tm);
    w->shot_path = w->shot_buf;
}

/* The conv1 filter under the pointer in the train view, or -1. */
static int hovered_filter(const gui_window *w)
{
    const cs_layout *L = &w->layout;
    if (L->n_kern < 1 || !w->mouse_in || !w->snap) return -1;
    const cs_viz_layer *ly = &w->snap->layers[L->kern_layer[0]];
    const int i = cs_grid_hit(&L->kern_grid[0], w->mouse_x, w->mouse_y, 1, 1, NULL, NULL);
    if (i < 0) return -1;
    if (L->kern_rgb[0] || ly->in_c == 1) return i;
    return L->kern_rows_are_filters[0] ? i / ly->in_c : i % ly->out_c;
}

static void open_step_with_filter(gui_window *w)
{
    if (!w->snap || w->layout.n_kern < 1) {
        set_message(w, "this net has no conv layer to step");
        return;
    }
    const int hov = hovered_filter(w), f = hov >= 0 ? hov : w->step_filter;
    if (gui_step_use_filter(w->step, w->snap, w->layout.kern_layer[0], f) != CS_OK) {
        set_message(w, cs_last_error());
        return;
    }
    w->view = VIEW_STEP;
}

static void on_key(gui_window *w, SDL_Keycode k)
{
    if (w->view == VIEW_STEP) {
        /* the step view's own keys first; of the rest only the window's (help, screenshot, quit) */
        if (k == SDLK_ESCAPE && w->show_help) {
            w->show_help = 0;
            return;
        }
        if (k == SDLK_TAB || k == SDLK_v) {
            w->view = VIEW_TRAIN;
            return;
        }
        if (gui_step_key(w->step, k, (SDL_GetModState() & KMOD_SHIFT) != 0)) return;
        if (k != SDLK_h && k != SDLK_F1 && k != SDLK_f && k != SDLK_F12 && k != SDLK_F5 && k != SDLK_ESCAPE &&
            k != SDLK_q)
            return;
    } else if (k == SDLK_TAB || k == SDLK_v) {
        w->view = VIEW_STEP;
        return;
    } else if (k == SDLK_s && !(SDL_GetModState() & KMOD_CTRL)) {
        open_step_with_filter(w);
        return;
    }
    switch (k) {
    case SDLK_SPACE: toggle_pause(w); break;
    case SDLK_n: atomic_fetch_add(&w->g->step_requests, 1); break;
    case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS: set_speed(w, w->speed + 1); break;
    case SDLK_MINUS: case SDLK_KP_MINUS: set_speed(w, w->speed - 1); break;
    case SDLK_r: atomic_fetch_add(&w->g->restart_requests, 1); set_message(w, "restarted from new random weights"); break;
    case SDLK_LEFTBRACKET: set_probe(w, w->probe - 1); break;
    case SDLK_RIGHTBRACKET: set_probe(w, w->probe + 1); break;
    case SDLK_m: w->maps_norm = (w->maps_norm + 1) % CS_NORM_COUNT; break;
    case SDLK_k: w->kernels_norm = (w->kernels_norm + 1) % CS_NORM_COUNT; break;
    case SDLK_h: case SDLK_F1: w->show_help = !w->show_help; break;
    case SDLK_f: toggle_fullscreen(w); break;
    case SDLK_F12: request_screenshot(w); break;
    case SDLK_F5: w->reload_shaders = 1; break;
    case SDLK_ESCAPE:
        if (w->show_help) w->show_help = 0;
        else w->quit = 1;
        break;
    case SDLK_q: w->quit = 1; break;
    default: gui_tl_key(w->tl, k, (Uint16)SDL_GetModState()); break;
    }
}

static void lr_from_mouse(gui_window *w, float x)
{
    const cs_rect r = w->layout.lr_slider;
    float t = (x - r.x) / r.w;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    set_lr(w, LR_MIN * powf(LR_MAX / LR_MIN, t));
}

static void on_click(gui_window *w, float x, float y)
{
    const cs_layout *L = &w->layout;
    if (w->view == VIEW_STEP) {
        if (w->show_help) w->show_help = 0;
        else gui_step_click(w->step, x, y);
        return;
    }
    if (w->show_help) {
        if (!cs_rect_contains(L->buttons[CS_BTN_HELP], x, y)) {
            w->show_help = 0;
            return;
        }
    }
    if (gui_tl_covers(w->tl, x, y)) {
        gui_tl_click(w->tl, L, x, y); /* the evolution strip lies over the kernels */
        return;
    }
    if (cs_rect_contains(L->lr_slider, x, y)) {
        w->dragging_lr = 1;
        lr_from_mouse(w, x);
        return;
    }
    int b = -1;
    for (int i = 0; i < CS_BTN_COUNT; i++)
        if (cs_rect_contains(L->buttons[i], x, y)) b = i;
    switch (b) {
    case CS_BTN_PAUSE: toggle_pause(w); break;
    case CS_BTN_STEP: on_key(w, SDLK_n); break;
    case CS_BTN_SLOWER: set_speed(w, w->speed - 1); break;
    case CS_BTN_FASTER: set_speed(w, w->speed + 1); break;
    case CS_BTN_RESTART: on_key(w, SDLK_r); break;
    case CS_BTN_MAPS_NORM: on_key(w, SDLK_m); break;
    case CS_BTN_KERNELS_NORM: on_key(w, SDLK_k); break;
    case CS_BTN_HELP: w->show_help = !w->show_help; break;
    case CS_BTN_PROBE_PREV: set_probe(w, w->probe - 1); break;
    case CS_BTN_PROBE_NEXT: set_probe(w, w->probe + 1); break;
    default:
        if (cs_rect_contains(L->probe_img, x, y)) set_probe(w, w->probe + 1);
        const int f = hovered_filter(w);
        if (f >= 0) {
            char m[160];
            w->step_filter = f;
            snprintf(m, sizeof m, "filter %d selected: s steps it over the probe image", f);
            set_message(w, m);
        }
        gui_tl_click(w->tl, L, x, y); /* the timeline, or a kernel's evolution strip */
        break;
    }
}

/* Window points to drawable pixels (they differ on high-DPI screens). */
static void to_pixels(gui_window *w, float *x, float *y)
{
    int ww, wh, dw, dh;
    SDL_GetWindowSize(w->win, &ww, &wh);
    SDL_GL_GetDrawableSize(w->win, &dw, &dh);
    if (ww > 0 && wh > 0) *x *= (float)dw / (float)ww, *y *= (float)dh / (float)wh;
}

static void handle_event(gui_window *w, const SDL_Event *e)
{
    float x, y;
    switch (e->type) {
    case SDL_QUIT: w->quit = 1; break;
    case SDL_KEYDOWN: on_key(w, e->key.keysym.sym); break;
    case SDL_MOUSEMOTION:
        x = (float)e->motion.x, y = (float)e->motion.y;
        to_pixels(w, &x, &y);
        w->mouse_x = x, w->mouse_y = y, w->mouse_in = 1;
        if (w->dragging_lr) lr_from_mouse(w, x);
        gui_tl_motion(w->tl, x, y);
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button != SDL_BUTTON_LEFT) break;
        x = (float)e->button.x, y = (float)e->button.y;
        to_pixels(w, &x, &y);
        w->mouse_x = x, w->mouse_y = y, w->mouse_in = 1;
        on_click(w, x, y);
        break;
    case SDL_MOUSEBUTTONUP: w->dragging_lr = 0, gui_tl_release(w->tl); break;
    case SDL_MOUSEWHEEL:
        if (w->view == VIEW_STEP) gui_step_wheel(w->step, w->mouse_x, w->mouse_y, e->wheel.y);
        else if (gui_tl_wheel(w->tl, &w->layout, w->mouse_x, w->mouse_y, e->wheel.y)) break;
        else if (cs_rect_contains(w->layout.probe, w->mouse_x, w->mouse_y)) set_probe(w, w->probe + (e->wheel.y < 0 ? 1 : -1));
        else if (cs_rect_contains(w->layout.lr_slider, w->mouse_x, w->mouse_y)) set_lr(w, w->lr * (e->wheel.y > 0 ? 1.25f : 0.8f));
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_LEAVE) w->mouse_in = 0;
        break;
    default: break;
    }
}

/* Parses "FRAME ACTION [ARGS]; ..." where ACTION is `key NAME`, `shot FILE`, `move X Y` or
 * `click X Y`. Returns the item count, or -1 on a syntax error. */
static int parse_script(const char *text, script_item *items, int max)
{
    int n = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ';') p++;
        if (!*p) break;
        if (n == max) return -1;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[400];
        if (len >= sizeof item) return -1;
        memcpy(item, p, len);
        item[len] = '\0';
        script_item *it = &items[n];
        memset(it, 0, sizeof *it);
        int used = 0;
        if (sscanf(item, "%d %7s %n", &it->frame, it->action, &used) < 2 || it->frame < 0) return -1;
        const char *rest = item + used;
        if (strcmp(it->action, "key") == 0 || strcmp(it->action, "shot") == 0) {
            if (!*rest) return -1;
            snprintf(it->arg, sizeof it->arg, "%s", rest);
            size_t l = strlen(it->arg);
            while (l && it->arg[l - 1] == ' ') it->arg[--l] = '\0';
            if (strcmp(it->action, "key") == 0 && SDL_GetKeyFromName(it->arg) == SDLK_UNKNOWN) return -1;
        } else if (strcmp(it->action, "move") == 0 || strcmp(it->action, "click") == 0) {
            if (sscanf(rest, "%d %d", &it->x, &it->y) != 2) return -1;
        } else {
            return -1;
        }
        n++;
        p += len;
    }
    return n;
}

static void run_script(gui_window *w, const script_item *it)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    if (strcmp(it->action, "key") == 0) {
        e.type = SDL_KEYDOWN;
        e.key.keysym.sym = SDL_GetKeyFromName(it->arg);
        handle_event(w, &e);
    } else if (strcmp(it->action, "shot") == 0) {
        snprintf(w->shot_buf, sizeof w->shot_buf, "%s", it->arg);
        w->shot_path = w->shot_buf;
    } else {
        /* scripted pointers are in drawable pixels already */
        w->mouse_x = (float)it->x, w->mouse_y = (float)it->y, w->mouse_in = 1;
        gui_tl_motion(w->tl, w->mouse_x, w->mouse_y);
        if (strcmp(it->action, "click") == 0)
            on_click(w, w->mouse_x, w->mouse_y), w->dragging_lr = 0, gui_tl_release(w->tl);
    }
}

/* The frame just drawn as a PNG; 0 with cs_last_error() set on failure. */
static int write_png(const char *path, int width, int height)
{
    uint8_t *rgb = malloc((size_t)width * height * 3);
    if (!rgb) return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d screenshot", width, height), 0;
    cs_gl_read_pixels(width, height, rgb);
    cs_status st = cs_image_write_png(path, rgb, width, height);
    free(rgb);
    return st == CS_OK;
}

/* Sleeps until the next frame is due, 60 per second: the rest of the time belongs to the trainer. */
static void pace(double *next_frame, double period)
{
    const double now = cs_cli_now();
    *next_frame += period;
    if (*next_frame < now - period) *next_frame = now; /* fell behind: do not race to catch up */
    sleep_seconds(*next_frame - now);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void gui_usage(FILE *f)
{
    fprintf(f, "usage: convscope gui [OPTIONS]\n"
               "       convscope            (the same with every default)\n\n"
               "Opens a window that trains a network and shows it learning: its kernels, the activation\n"
               "maps of a probe image, the output against the truth, and the learning curves.\n\n");
    cs_run_options_help(f);
    cs_ckpt_options_help(f);
    fprintf(f, "                      (in the window, --epochs N pauses after N epochs; default: never;\n"
               "                      the w key also saves, to --save FILE or a dated file)\n"
               "  --export-dir DIR    where the e key writes its PNGs (default: a new\n"
               "                      convscope-export-DATE-TIME directory each time)\n"
               "  --view NAME         what the window shows first: train (default) or step; with step,\n"
               "                      training starts paused (space in the train view runs it)\n"
               "  --size WxH          window size in pixels (default 1280x720)\n"
               "  --fullscreen        start fullscreen\n"
               "  --scale X           enlarge text and controls, e.g. 1.5 for a projector (default 1)\n"
               "  --probe N           the test image shown first (default 0)\n"
               "  --paused            start paused\n"
               "  --screenshot FILE   render --frames frames, write the window to FILE (PNG), exit\n"
               "  --frames N          frames to render with --screenshot (default 60)\n"
               "  --stats             print one JSON line at exit: frames, frame_ms_mean, frame_ms_p95,\n"
               "                      train_images_per_sec (this also turns vsync off and paces frames\n"
               "                      at 60 per second itself, so frame_ms is the time spent drawing)\n"
               "  -h, --help          this help\n\n");
    gui_step_options_help(f);
    fprintf(f, "\n"
               "Keys: Tab switches between the train and step views; s steps the hovered conv1 filter.\n"
               "Train view: space pause, n one batch, +/- speed, r restart, [ ] probe image, m/k normalisation,\n"
               "left/right/Home step through the recorded kernels, l live, p/b play forward/backward,\n"
               ", . playback speed, t one kernel's evolution, e export PNGs, w or ctrl+s save a checkpoint,\n"
               "h or F1 help, f fullscreen, F12 screenshot, q or Esc quit.\n"
               "Step view: arrows move, space play, +/- speed, . and , one step, s/p stride/pad, r ReLU,\n"
               "k/i next kernel/image, click a kernel cell then wheel or type; h lists them all.\n"
               "Exit status: 0 closed normally, 1 no display or a runtime error, 2 bad options.\n");
}

static int gui_error(const char *what, const char *detail)
{
    fprintf(stderr, "convscope gui: %s: %s\n", what, detail);
    return 1;
}

int cs_cmd_gui(int argc, char **argv)
{
    cs_run_options o;
    cs_run_options_defaults(&o);
    const char *view = "train", *shot = NULL, *script_text = NULL;
    int frames = 60, stats = 0, win_w = 1280, win_h = 720, fullscreen = 0, start_paused = 0, probe0 = 0;
    int epochs_given = 0;
    double scale = 1.0;
    cs_ckpt_options ck_opts;
    cs_ckpt_options_defaults(&ck_opts);
    const char *export_dir = NULL;
    gui_step_options so;
    gui_step_options_defaults(&so);
    enum { O_VIEW = 1, O_SHOT, O_FRAMES, O_STATS, O_SIZE, O_FULL, O_SCALE, O_SCRIPT, O_PROBE, O_PAUSED, O_EXPORT_DIR };
    struct option longopts[CS_RUN_OPTION_COUNT + CS_CKPT_OPTION_COUNT + GUI_STEP_OPTION_COUNT + 13];
    memcpy(longopts, cs_run_longopts, sizeof cs_run_longopts);
    memcpy(longopts + CS_RUN_OPTION_COUNT, cs_ckpt_longopts, sizeof cs_ckpt_longopts);
    memcpy(longopts + CS_RUN_OPTION_COUNT + CS_CKPT_OPTION_COUNT, gui_step_longopts, sizeof gui_step_longopts);
    const struct option own[] = {
        {"view", required_argument, 0, O_VIEW},     {"screenshot", required_argument, 0, O_SHOT},
        {"frames", required_argument, 0, O_FRAMES}, {"stats", no_argument, 0, O_STATS},
        {"size", required_argument, 0, O_SIZE},     {"fullscreen", no_argument, 0, O_FULL},
        {"scale", required_argument, 0, O_SCALE},   {"script", required_argument, 0, O_SCRIPT},
        {"probe", required_argument, 0, O_PROBE},   {"paused", no_argument, 0, O_PAUSED},
        {"export-dir", required_argument, 0, O_EXPORT_DIR},
        {"help", no_argument, 0, 'h'},              {0, 0, 0, 0},
    };
    memcpy(longopts + CS_RUN_OPTION_COUNT + CS_CKPT_OPTION_COUNT + GUI_STEP_OPTION_COUNT, own, sizeof own);
    optind = 1;
    opterr = 0;
    int ch, longindex = 0;
    while ((ch = getopt_long(argc, argv, ":h", longopts, &longindex)) != -1) {
        int ok = 1;
        switch (ch) {
        case 'h': gui_usage(stdout); return 0;
        case O_VIEW: view = optarg, ok = strcmp(view, "train") == 0 || strcmp(view, "step") == 0; break;
        case O_SHOT: shot = optarg; break;
        case O_FRAMES: ok = cs_cli_int(optarg, 1, 10000000, &frames); break;
        case O_STATS: stats = 1; break;
        case O_SIZE: {
            char tail;
            ok = sscanf(optarg, "%dx%d%c", &win_w, &win_h, &tail) == 2 && win_w >= 320 && win_h >= 240 &&
                 win_w <= 16384 && win_h <= 16384;
            break;
        }
        case O_FULL: fullscreen = 1; break;
        case O_SCALE: ok = cs_cli_double(optarg, 0.5, 4.0, &scale); break;
        case O_SCRIPT: script_text = optarg; break;
        case O_PROBE: ok = cs_cli_int(optarg, 0, 100000000, &probe0); break;
        case O_PAUSED: start_paused = 1; break;
        case O_EXPORT_DIR: export_dir = optarg; break;
        case ':': case '?': return cs_cli_bad_option("gui", argc, argv, ch, gui_usage);
        default: {
            int r = gui_step_option(&so, ch, optarg);
            if (r >= 0) {
                ok = r;
                break;
            }
            r = cs_run_options_apply(&o, ch, optarg);
            if (r < 0) r = cs_ckpt_options_apply(&ck_opts, ch, optarg);
            if (r < 0) return cs_cli_bad_option("gui", argc, argv, ch, gui_usage);
            ok = r;
            if (strcmp(longopts[longindex].name, "epochs") == 0) epochs_given = 1;
        }
        }
        if (!ok) return cs_cli_bad_value("gui", longopts[longindex].name, optarg, gui_usage);
    }
    if (optind < argc) return cs_cli_bad_value("gui", "argument", argv[optind], gui_usage);
    script_item script[MAX_SCRIPT];
    int n_script = 0;
    if (script_text && (n_script = parse_script(script_text, script, MAX_SCRIPT)) < 0)
        return cs_cli_bad_value("gui", "script", script_text, gui_usage);
    /* the step view's image and kernel are checked before any window opens */
    gui_step *step = NULL;
    if (gui_step_create(&step, &so) != CS_OK) return gui_error("step view", cs_last_error());
    if (strcmp(view, "step") == 0) start_paused = 1; /* the student came to step, not to train */

    /* the display first: without one there is nothing to do, and loading data takes a moment */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        gui_step_destroy(step);
        return gui_error("cannot open a window (is there a display?)", SDL_GetError());
    }
    /* with no display SDL falls back to drivers that draw nowhere; only take them when asked for */
    const char *driver = SDL_GetCurrentVideoDriver();
    const char *asked = getenv("SDL_VIDEODRIVER");
    if (driver && (strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0 || strcmp(driver, "evdev") == 0) &&
        !(asked && *asked)) {
        SDL_Quit();
        gui_step_destroy(step);
        char msg[200];
        snprintf(msg, sizeof msg, "SDL found only its '%s' video driver; set DISPLAY (X11) or WAYLAND_DISPLAY", driver);
        return gui_error("no display to open a window on", msg);
    }
    int status = 1;
    cs_run run;
    int have_run = 0, ttf = 0, thread_started = 0, have_snaps = 0;
    SDL_Window *win = NULL;
    SDL_GLContext ctx = NULL;
    cs_gl *gl = NULL;
    cs_text *text = NULL;
    cs_view_train *vt = NULL;
    double *frame_ms = NULL;
    cs_checkpoint ck = {0};
    cs_history *hist = NULL;
    gui_tl_shared tl_shared;
    int have_tl = 0;
    gui_tl *tl = NULL;
    const char *user_net = o.net;
    gui_shared *g = calloc(1, sizeof *g);
    pthread_t thread;
    if (!g) {
        gui_error("out of memory", "shared state");
        goto done;
    }
    /* --load: the saved run's net, settings and data, then its trainer and history */
    if (ck_opts.load && cs_run_resume_begin(&ck, ck_opts.load, &o) != CS_OK) {
        gui_error("cannot load the checkpoint", cs_last_error());
        goto done;
    }
    if (cs_run_prepare(&run, &o) != CS_OK) {
        gui_error("cannot prepare the run", cs_last_error());
        goto done;
    }
    have_run = 1;
    if (ck_opts.load && cs_run_resume_finish(&run, &ck, ck_opts.load, user_net, &hist) != CS_OK) {
        gui_error("cannot resume the checkpoint", cs_last_error());
        goto done;
    }
    if (gui_tl_shared_init(&tl_shared, hist, &run, &o, &ck_opts) != CS_OK) {
        gui_error("cannot set up the timeline", cs_last_error());
        goto done;
    }
    have_tl = 1;
    if (ck_opts.load)
        printf("resuming %s at epoch %d, step %ld\n", ck_opts.load, run.trainer->epoch, run.trainer->step);
    if (run.test.n <= 0) {
        gui_error("no probe images", "the test set is empty");
        goto done;
    }
    if (cs_snap_triple_init(&g->snaps, run.trainer->net) != CS_OK) {
        gui_error("cannot draw this net", cs_last_error());
        goto done;
    }
    have_snaps = 1;

    /* Mesa's software rasteriser starts a thread per core unless told otherwise; leave the
     * training threads their cores (hardware drivers ignore this; a user's setting wins) */
    {
        char lp[24];
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        long spare = cores - o.threads - 1;
        snprintf(lp, sizeof lp, "%ld", spare < 1 ? 1 : spare);
        setenv("LP_NUM_THREADS", lp, 0);
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    /* no depth or stencil buffer: everything is drawn in order, and a software rasteriser would
     * clear and store them for nothing */
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    char title[256];
    snprintf(title, sizeof title, "convscope: %s net on %s", run.net_name, run.dataset_name);
    win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, win_w, win_h,
                           SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI |
                               (fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
    if (!win) {
        gui_error("cannot create the window", SDL_GetError());
        goto done;
    }
    ctx = SDL_GL_CreateContext(win);
    if (!ctx) {
        gui_error("cannot create an OpenGL 3.3 core context", SDL_GetError());
        goto done;
    }
    if (epoxy_gl_version() < 33) {
        char v[64];
        snprintf(v, sizeof v, "the driver offers OpenGL %d.%d", epoxy_gl_version() / 10, epoxy_gl_version() % 10);
        gui_error("OpenGL 3.3 is needed", v);
        goto done;
    }
    /* --stats measures drawing time: no vsync, the loop paces itself */
    if (stats || shot || SDL_GL_SetSwapInterval(1) != 0) SDL_GL_SetSwapInterval(0);
    const int vsync = SDL_GL_GetSwapInterval() != 0;
    if (TTF_Init() != 0) {
        gui_error("cannot start SDL_ttf", TTF_GetError());
        goto done;
    }
    ttf = 1;
    gl = cs_gl_create();
    if (!gl) {
        gui_error("cannot set up OpenGL", cs_last_error());
        goto done;
    }
    if (*cs_gl_error(gl)) fprintf(stderr, "convscope gui: %s\n", cs_gl_error(gl));
    char font_dir[1024];
    char *base = SDL_GetBasePath();
    cs_status fst = cs_text_find_fonts(base, font_dir, sizeof font_dir);
    SDL_free(base);
    int dw, dh;
    SDL_GL_GetDrawableSize(win, &dw, &dh);
    if (fst != CS_OK || cs_text_create(&text, gl, font_dir, cs_layout_scale(dw, dh, (float)scale)) != CS_OK) {
        gui_error("cannot load the fonts", cs_last_error());
        goto done;
    }
    if (cs_view_train_create(&vt, gl, text) != CS_OK || gui_step_attach(step, gl, text) != CS_OK ||
        gui_tl_create(&tl, &tl_shared, gl, text, export_dir) != CS_OK) {
        gui_error("cannot create the view", cs_last_error());
        goto done;
    }

    /* commands start as the window shows them */
    cs_trainer *tr = run.trainer;
    g->tr = tr;
    g->test = &run.test;
    g->threads = o.threads;
    g->max_epochs = epochs_given ? tr->epoch + o.epochs : 0; /* a resumed run counts on */
    g->tl = &tl_shared;
    atomic_store(&g->paused, start_paused);
    atomic_store(&g->speed, N_SPEEDS - 1);
    atomic_store(&g->probe, probe0 % run.test.n);
    atomic_store(&g->lr, tr->cfg.lr);
    if (pthread_create(&thread, NULL, trainer_main, g) != 0) {
        gui_error("cannot start the training thread", "pthread_create failed");
        goto done;
    }
    thread_started = 1;

    gui_window w = {0};
    w.g = g, w.win = win, w.fullscreen = fullscreen, w.tl = tl;
    w.maps_norm = CS_NORM_PER_LAYER, w.kernels_norm = CS_NORM_PER_LAYER;
    w.paused = start_paused, w.speed = N_SPEEDS - 1, w.probe = probe0 % run.test.n, w.n_probes = run.test.n;
    w.lr = tr->cfg.lr;
    w.step = step, w.view = strcmp(view, "step") == 0 ? VIEW_STEP : VIEW_TRAIN;
    if (*cs_gl_error(gl)) set_message(&w, cs_gl_error(gl)); /* a broken shader: say so on screen too */
    const char *class_names[CS_MAX_CLASSES];
    const int n_names = run.test.n_classes < CS_MAX_CLASSES ? run.test.n_classes : CS_MAX_CLASSES;
    for (int i = 0; i < n_names; i++) class_names[i] = run.test.class_names[i];
    char view_title[240];

    const int max_frames = shot ? frames : 0;
    size_t cap_ms = 4096, n_ms = 0;
    frame_ms = malloc(cap_ms * sizeof *frame_ms);
    if (!frame_ms) {
        gui_error("out of memory", "frame times");
        goto done;
    }
    const double period = 1.0 / 60.0;
    double fps = 0, fps_t0 = cs_cli_now(), next_frame = cs_cli_now();
    long fps_frames = 0;
    int frame = 0, drawn = 0, layout_w = -1, layout_h = -1;
    float layout_scale = -1;
    uint64_t uploaded = 0;
    status = 0;
    while (!w.quit) {
        const double t0 = cs_cli_now();
        /* a frame is drawn only when something changed: input, a new snapshot, a message */
        int dirty = 0;
        SDL_Event e;
        while (SDL_PollEvent(&e)) handle_event(&w, &e), dirty = 1;
        for (int i = 0; i < n_script; i++)
            if (script[i].frame == frame) run_script(&w, &script[i]), dirty = 1;
        const char *step_msg = gui_step_message(step);
        if (step_msg) set_message(&w, step_msg);
        if (w.view == VIEW_STEP) dirty |= gui_step_tick(step, cs_cli_now());
        if (w.reload_shaders) {
            w.reload_shaders = 0;
            set_message(&w, cs_gl_reload(gl) ? "shaders reloaded" : cs_gl_error(gl));
            if (*cs_gl_error(gl)) fprintf(stderr, "convscope gui: %s\n", cs_gl_error(gl));
        }
        SDL_GL_GetDrawableSize(win, &dw, &dh);
        int is_new;
        const cs_snapshot *s = cs_snap_triple_front(&g->snaps, &is_new);
        dirty |= is_new && w.view == VIEW_TRAIN; /* the step view does not show training */
        w.snap = s;
        if (s->seq == 0 && w.view == VIEW_TRAIN) {
            /* nothing published yet: the trainer is evaluating its first test point */
            cs_gl_begin(gl, dw, dh, cs_view_train_background());
            cs_gl_end(gl);
            SDL_GL_SwapWindow(win);
            sleep_seconds(0.002);
            continue;
        }
        const float sc = cs_layout_scale(dw, dh, (float)scale);
        if (dw != layout_w || dh != layout_h || sc != layout_scale) {
            cs_layout_compute(&w.layout, dw, dh, (float)scale, s->layers, s->n_layers, s->in_c, s->in_h, s->in_w,
                              s->n_classes);
            if (cs_text_set_scale(text, sc) != CS_OK) fprintf(stderr, "convscope gui: %s\n", cs_last_error());
            layout_w = dw, layout_h = dh, layout_scale = sc;
        }
        /* the timeline may show recorded kernels instead of the live ones (s then steps those) */
        int tl_upload = 0, tl_dirty = 0;
        s = gui_tl_frame(tl, s, &w.layout, &tl_upload, &tl_dirty);
        dirty |= tl_dirty && w.view == VIEW_TRAIN;
        w.snap = s;
        const char *tl_msg = gui_tl_message(tl);
        if (tl_msg) set_message(&w, tl_msg);
        if (s->data_seq != uploaded || tl_upload) {
            cs_view_train_upload(vt, s);
            uploaded = s->data_seq;
        }
        if (s->diverged && !w.paused) {
            /* the trainer stopped itself; show the pause so Run/space starts again after a restart */
            w.paused = 1;
            atomic_store(&g->paused, 1);
        }
        if (atomic_load(&g->paused) != w.paused) w.paused = atomic_load(&g->paused);
        if (!w.dragging_lr && atomic_load(&g->lr) != w.lr) {
            /* the trainer lowers the rate itself when restarting after a divergence */
            w.lr = atomic_load(&g->lr);
            dirty = 1;
        }
        char speed[64];
        if (SPEEDS[w.speed] == 0) snprintf(speed, sizeof speed, "full speed");
        else snprintf(speed, sizeof speed, "%d batch%s/s", SPEEDS[w.speed], SPEEDS[w.speed] == 1 ? "" : "es");
        if (w.message_until && cs_cli_now() > w.message_until) w.message[0] = '\0', w.message_until = 0, dirty = 1;
        frame++;
        const int last = max_frames && frame >= max_frames;
        if (!dirty && !last && !w.shot_path && drawn > 0) {
            pace(&next_frame, period);
            continue;
        }
        /* the seed in the title: `--seed N` replays the run (a restart changes it) */
        snprintf(view_title, sizeof view_title, "convscope \u00B7 %s net \u00B7 %s \u00B7 seed %llu", run.net_name,
                 run.dataset_name, (unsigned long long)atomic_load(&tl_shared.seed));
        cs_view_ui ui = {
            .mouse_x = w.mouse_x, .mouse_y = w.mouse_y, .mouse_in = w.mouse_in && !gui_tl_covers(tl, w.mouse_x, w.mouse_y),
            .maps_norm = w.maps_norm, .kernels_norm = w.kernels_norm,
            .paused = w.paused, .speed = speed, .lr = w.lr, .lr_min = LR_MIN, .lr_max = LR_MAX,
            .show_help = w.show_help, .title = view_title, .message = w.message,
            .class_names = class_names, .n_class_names = n_names, .fps = fps,
            .help_lines = N_HELP, .help = HELP,
        };
        cs_gl_begin(gl, dw, dh, cs_view_train_background());
        if (w.view == VIEW_STEP) {
            gui_step_draw(step, dw, dh, (float)scale, w.mouse_x, w.mouse_y, w.mouse_in, w.show_help, w.message);
        } else {
            gui_tl_draw(tl, s, &w.layout, w.mouse_x, w.mouse_y, w.mouse_in, w.show_help);
            if (*gui_tl_hover(tl)) ui.message = gui_tl_hover(tl);
            cs_view_train_draw(vt, s, &w.layout, &ui);
        }
        cs_gl_end(gl);
        drawn++;
        const double t_shot = cs_cli_now();
        if (w.shot_path || last) {
            const char *path = last ? shot : w.shot_path;
            if (write_png(path, dw, dh)) {
                printf("screenshot: %s\n", path);
                fflush(stdout);
                char m[600];
                snprintf(m, sizeof m, "screenshot written to %s", path);
                set_message(&w, m);
            } else {
                fprintf(stderr, "convscope gui: cannot write the screenshot: %s\n", cs_last_error());
                if (last) status = 1;
                set_message(&w, "the screenshot could not be written");
            }
            w.shot_path = NULL;
        }
        const double t_swap = cs_cli_now();
        SDL_GL_SwapWindow(win);
        const double t1 = cs_cli_now();
        /* the frame's time: events, uploads, drawing and the swap, not writing a screenshot */
        const double work = (t_shot - t0) + (t1 - t_swap);
        if (n_ms == cap_ms) {
            double *nm = realloc(frame_ms, 2 * cap_ms * sizeof *nm);
            if (nm) frame_ms = nm, cap_ms *= 2;
        }
        if (n_ms < cap_ms) frame_ms[n_ms++] = work * 1000.0;
        fps_frames++;
        if (t1 - fps_t0 >= 0.5) fps = (double)fps_frames / (t1 - fps_t0), fps_t0 = t1, fps_frames = 0;
        if (last) break;
        if (!vsync) pace(&next_frame, period);
    }

    if (stats) {
        /* the first frames include glyph rasterisation and texture creation: startup, not drawing */
        const size_t skip = n_ms > 10 ? 3 : 0;
        double sum = 0;
        for (size_t i = skip; i < n_ms; i++) sum += frame_ms[i];
        const size_t n = n_ms - skip;
        qsort(frame_ms + skip, n, sizeof *frame_ms, cmp_double);
        double p95 = n ? frame_ms[skip + (size_t)ceil(0.95 * (double)n) - 1] : 0;
        atomic_store(&g->quit, 1);
        pthread_join(thread, NULL);
        thread_started = 0;
        printf("{\"frames\": %d, \"frame_ms_mean\": %.3f, \"frame_ms_p95\": %.3f, \"train_images_per_sec\": %.1f, "
               "\"steps\": %ld, \"epochs\": %d, \"width\": %d, \"height\": %d, \"loop_frames\": %d}\n",
               drawn, n ? sum / (double)n : 0.0, p95, g->run_seconds > 0 ? (double)g->run_images / g->run_seconds : 0.0,
               tr->step, tr->epoch, dw, dh, frame);
        fflush(stdout);
    }

done:
    if (thread_started) {
        atomic_store(&g->quit, 1);
        pthread_join(thread, NULL);
    }
    free(frame_ms);
    gui_tl_destroy(tl);
    cs_view_train_destroy(vt);
    gui_step_destroy(step);
    cs_text_destroy(text);
    cs_gl_destroy(gl);
    if (ttf) TTF_Quit();
    if (ctx) SDL_GL_DeleteContext(ctx);
    if (win) SDL_DestroyWindow(win);
    SDL_Quit();
    if (have_snaps) cs_snap_triple_free(&g->snaps);
    if (have_tl) gui_tl_shared_free(&tl_shared);
    else cs_history_destroy(hist);
    if (have_run) cs_run_free(&run);
    cs_checkpoint_free(&ck);
    free(g);
    return status;
}
