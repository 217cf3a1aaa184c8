/* gui_step.h - the live window's step view, on the app side: its command-line options, the
 * image, kernel and convolution stepper it owns, playback (term by term, position by position
 * or the whole image at once), its actions (the window's key table, gui_keys.h, binds keys to
 * them), clicks and the wheel, kernel editing, and taking a learned filter from a training
 * snapshot. cs_view_step.h draws it. */
#ifndef GUI_STEP_H
#define GUI_STEP_H

#include <SDL.h>
#include <getopt.h>
#include <stdio.h>

#include "cs_error.h"
#include "cs_gl.h"
#include "cs_snapshot.h"
#include "cs_stepper.h"
#include "cs_text.h"
#include "cs_step_layout.h"
#include "cs_stepper.h"
#include "cs_ui.h"

/* --image, --kernel, --stride, --pad, --bias, --relu, --at (option values 300 and up). */
#define GUI_STEP_OPTION_COUNT 7
extern const struct option gui_step_longopts[GUI_STEP_OPTION_COUNT];

typedef struct {
    const char *image;  /* "demo:NAME" or a path (borrowed from argv) */
    const char *kernel; /* a preset or a path */
    int stride, pad, relu;
    double bias;
    int have_at, at_x, at_y;
} gui_step_options;

void gui_step_options_defaults(gui_step_options *o);
/* Applies option ch; 1 done, 0 bad value, -1 not a step option. */
int gui_step_option(gui_step_options *o, int ch, const char *arg);
/* Help lines for the options. */
void gui_step_options_help(FILE *f);

typedef struct gui_step gui_step;

/* Loads the image and kernel and sets up the stepper (no GL needed): fails with the reason in
 * cs_last_error() (a missing file, a bad kernel, a stride or pad that does not fit, --at outside
 * the output). Destroy with gui_step_destroy. */
cs_status gui_step_create(gui_step **out, const gui_step_options *o);
/* Creates the view's GL objects; gl and text are borrowed and must outlive it (context current). */
cs_status gui_step_attach(gui_step *g, cs_gl *gl, cs_text *text);
void gui_step_destroy(gui_step *g);

/* Advances playback to time `now` (seconds, the window's frame clock); 1 if anything moved. */
int gui_step_tick(gui_step *g, double now);
/* Draws the view into a win_w x win_h frame (cs_gl_begin/end are the caller's) through ui, whose
 * style becomes the one the view's layout fitted at; help holds help_lines "key\tdescription" rows
 * for the overlay; diverging is the kernel's and products' colormap. */
void gui_step_draw(gui_step *g, cs_ui *ui, int win_w, int win_h, float user_scale, int present, cs_colormap_id diverging,
                   float mouse_x, float mouse_y, int mouse_in, int show_help, const char *const *help, int help_lines,
                   const char *message);
/* The layout of the last draw (NULL before the first) and the stepper, for the lesson's
 * highlights and waits. Borrowed. */
const cs_step_layout *gui_step_layout(const gui_step *g);
const cs_stepper *gui_step_stepper(const gui_step *g);
/* Playback by unit: 0 one multiply-add at a time (4/s), 1 one position at a time (the default
 * 12/s), 2 the whole image at once. */
void gui_step_set_unit(gui_step *g, int unit);

/* Shows the first n multiply-adds at the current position (clamped): 0 hides the sum until a
 * question about it is answered. */
void gui_step_set_terms(gui_step *g, int n);
/* The window's height the view's type is sized for when it is drawn in the window's top part
 * (0: the height it is drawn in). */
void gui_step_style_height(gui_step *g, int h);

/* What the last layout left out to fit (CS_STEP_*), and as words ("stacked images"). */
int gui_step_hidden(const gui_step *g);
const char *gui_step_hidden_names(int hidden);

/* Actions. */
void gui_step_toggle_play(gui_step *g);      /* play / pause (from the start once the map is complete) */
void gui_step_move(gui_step *g, int dy, int dx); /* the window one output cell */
void gui_step_speed(gui_step *g, int d);     /* one playback speed finer (-1) or coarser (1) */
void gui_step_advance(gui_step *g, int dir); /* one step forward (1) or back (-1) at the speed's unit */
void gui_step_home(gui_step *g);             /* the empty map */
void gui_step_end(gui_step *g);              /* the complete map */
void gui_step_stride(gui_step *g, int d);    /* stride up (1) or down (-1), wrapping */
void gui_step_pad(gui_step *g, int d);       /* padding up or down, wrapping */
void gui_step_toggle_relu(gui_step *g);
void gui_step_next_kernel(gui_step *g);      /* the next kernel preset */
void gui_step_next_image(gui_step *g);       /* the next built-in image */
/* Starts the current window's sum again, term by term (the speed goes to one multiply-add at a
 * time). */
void gui_step_restart_sum(gui_step *g);
/* Term stepping over the zero terms on / off. */
void gui_step_toggle_skip_zeros(gui_step *g);
/* The grey output picture beside the heat map on / off (on by itself for smoothing kernels). */
void gui_step_toggle_grey(gui_step *g);
/* The grey picture's data: (OH, OW) floats in 0..1, the output map at the input's scale
 * (cs_stepper_grey / 255); and whether it is on. */
void gui_step_grey(const gui_step *g, float *out);
int gui_step_grey_on(const gui_step *g);
/* Typing into a selected kernel cell (digits, '.', '-', 'e', '/', Backspace, Enter) and Esc to
 * leave it; 1 when k was taken. Called before the key table. */
int gui_step_edit_key(gui_step *g, SDL_Keycode k);

/* The pointer; 1 when the view used it. */
int gui_step_click(gui_step *g, float x, float y);
int gui_step_wheel(gui_step *g, float x, float y, int dy);
/* A message for the status line after an input (NULL if none); cleared by the call. */
const char *gui_step_message(gui_step *g);

/* Steps filter `filter` of conv layer `layer` of snapshot s over s's probe image: a copy of its
 * weights (every input channel) and bias, the layer's stride and pad, ReLU on when the next
 * layer is one. Only the first layer sees the probe image itself, so other layers are refused. */
cs_status gui_step_use_filter(gui_step *g, const cs_snapshot *s, int layer, int filter);

#endif
