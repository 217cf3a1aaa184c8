/* gui_app.h - the live window's state that lives across frames, shared by its phases
 * (cmd_gui.c: options, window open and close, and per frame events -> actions -> draw) and by the
 * actions its key table binds (gui_keys.c). The run and its driver live in the run layer; this
 * struct only holds what the window needs to show them. */
#ifndef GUI_APP_H
#define GUI_APP_H

#include <SDL.h>
#include <stdint.h>

#include "cs_gl.h"
#include "cs_layout.h"
#include "cs_run.h"
#include "cs_run_driver.h"
#include "cs_text.h"
#include "cs_textlog.h"
#include "cs_view_train.h"
#include "gui_backprop.h"
#include "gui_options.h"
#include "gui_script.h"
#include "gui_step.h"
#include "gui_timeline.h"

/* The views; a key table row names the views it works in. */
enum { GUI_VIEW_TRAIN = 1, GUI_VIEW_STEP = 2, GUI_VIEW_BACKPROP = 4, GUI_VIEW_ALL = 7 };

/* The learning-rate slider's ends (log scale). */
#define GUI_LR_MIN 1e-4f
#define GUI_LR_MAX 1.0f

struct gui_lesson;

typedef struct {
    gui_options opt;          /* parsed command line (strings borrowed from argv) */
    struct gui_lesson *lesson; /* owned: the lesson mode (`convscope lesson`), or NULL */
    int view_h;               /* drawable rows the views lay out in: all but the lesson's band */
    int style_h, layout_style_h; /* the drawable height the views' type is sized for */

    /* the run, in the run layer */
    cs_run *run;              /* owned */
    cs_run_driver *driver;    /* owned: trains the run (own thread, or lockstep with the frames) */

    /* the window and what draws into it; owned */
    SDL_Window *win;
    SDL_GLContext ctx;
    int ttf;                  /* SDL_ttf started */
    cs_gl *gl;
    cs_text *text;
    cs_view_train *vt;
    gui_step *step;
    gui_tl *tl;
    gui_backprop *bp;         /* the backprop view: one training step in slow motion */
    int vsync;

    /* state across frames */
    int view;                 /* GUI_VIEW_TRAIN, GUI_VIEW_STEP or GUI_VIEW_BACKPROP */
    int fullscreen, show_help, quit, reload_shaders;
    int win_x, win_y, win_w, win_h; /* the window before fullscreen, restored after it */
    int present;              /* presenter mode (--present, F2) */
    int show_grads;           /* the training view draws gradients too (g): the run captures them meanwhile */
    float user_scale;         /* --scale, changed by a script's `scale` */
    cs_colormap_id diverging; /* kernels, products, exports: CS_CMAP_RDBU or CS_CMAP_BLUEORANGE (c) */
    cs_norm_mode maps_norm, kernels_norm;
    int dragging_lr;
    float drag_lr;            /* the slider's value while dragging (the run's rate follows) */
    float mouse_x, mouse_y;   /* drawable pixels */
    int mouse_in;
    char message[512];        /* the status line's transient message */
    double message_until;     /* frame time it disappears */
    const char *shot_path;    /* a screenshot asked for this frame, or NULL */
    char shot_buf[512];
    cs_layout layout;         /* of the train view at the current size */
    int layout_w, layout_h, layout_present;
    float layout_scale;
    cs_target enlarged;       /* what a click enlarged (kind CS_TARGET_NONE: nothing) */
    cs_layout enl_layout;     /* its layout */
    cs_textlog log;           /* the text of a frame whose --dump-text / script dump is due */
    const char *dump_path;    /* a dump asked for this frame, or NULL */
    char dump_buf[512];
    cs_style frame_style;     /* the style the last frame was drawn in (for a dump) */
    int step_filter;          /* conv1 filter last clicked in the train view (for s) */
    char probe_path[1024];    /* the image file shown as the probe ("" for a test image), for i */
    int quit_armed;           /* q or Esc asked to quit with unsaved training: again quits */
    const cs_snapshot *snap;  /* the snapshot drawn last: live, or the timeline's step */
    uint64_t uploaded;        /* data_seq of the snapshot in the textures */
    uint64_t event_seen;      /* the run's last event shown */
    char view_title[240];
    const char *class_names[CS_MAX_CLASSES]; /* the test set's class names as shown (cs_label_class) */
    int n_class_names;
    unsigned layout_lang;     /* cs_i18n_generation of the layout's texts */

    /* the frame clock: frame count, and seconds (frames / 60 in lockstep, else the real clock) */
    long frame;
    double now;
    gui_script script;

    /* statistics (--stats) */
    double *frame_ms;         /* owned: time of each drawn frame */
    size_t n_ms, cap_ms;
    int drawn;
    double fps, fps_t0;
    long fps_frames;
    double next_frame;        /* pacing without vsync */
    int status;               /* the exit status */
} gui_app;

/* Sets the status line's message for 5 seconds of frame time. */
void gui_app_say(gui_app *app, const char *msg);
/* Fullscreen on or off: a borderless window over the whole display (which needs no window
 * manager to take effect), and back to the window's size and place before it. */
void gui_app_fullscreen(gui_app *app, int on);
/* Enlarges target t (kind CS_TARGET_NONE: back to the whole view). */
void gui_app_enlarge(gui_app *app, const cs_target *t);
/* Replaces the run by a new one opened from spec (the window's history, curve and test
 * schedule added), driven as the first one was, paused or not; the old run stays when the new
 * one cannot be opened (CS_ERR_* with the reason in cs_last_error()). */
cs_status gui_app_reopen_run(gui_app *app, const cs_run_spec *spec, int paused);
/* The window from the parsed options in app->opt to its close; the exit status. app->lesson, if
 * set, is the lesson mode's (owned by the caller). */
int gui_app_run(gui_app *app);
/* Opens the backprop view (its step computed from the snapshot shown, if not yet) at the start of
 * the phase named name (cs_backprop_phase_name: "forward" ... "forward-again"; NULL: where it
 * was), for the key table, the training view's button and a lesson's `@phase`. CS_ERR_ARG for an
 * unknown name (the message lists the names) or a probe without a class; the view is then unchanged. */
cs_status gui_backprop_set_phase(gui_app *app, const char *name);

#endif
