/* gui_backprop.h - the live window's backprop view: one training step of the probe image walked
 * through its seven phases (cs_backprop.h), one press at a time, by key, button or autoplay on the
 * window's clock, and back. It computes the step once from the snapshot shown when the view opens
 * (the weights, probe, label, loss and learning rate as they stand; the run's optimizer when the
 * snapshot carries it, else plain SGD) through its own inspector, so training is never touched;
 * r computes it again from the newest snapshot. Phase 5 chooses a conv filter (click, or up/down)
 * and one of its weights, whose sum steps term by term with a cs_wgrad stepper. */
#ifndef GUI_BACKPROP_H
#define GUI_BACKPROP_H

#include "cs_bp_layout.h"
#include "cs_error.h"
#include "cs_gl.h"
#include "cs_snapshot.h"
#include "cs_text.h"
#include "cs_ui.h"

typedef struct gui_backprop gui_backprop;
struct gui_app_s;

/* The view's state for the net of spec net_spec (a preset or spec text, as the run's net_spec).
 * The caller owns *out: free with gui_backprop_destroy. */
cs_status gui_backprop_create(gui_backprop **out, const char *net_spec);
/* Its drawing, once the window's GL context and fonts exist (borrowed; they outlive it). */
cs_status gui_backprop_attach(gui_backprop *g, cs_gl *gl, cs_text *text);
void gui_backprop_destroy(gui_backprop *g);

/* Computes the step from snapshot s (weights, probe, label, loss, lr, optimizer), the walk back at
 * phase 1, filter `filter` of the first conv layer chosen. CS_ERR_ARG when the probe has no class
 * (an image file without a label): the view then says so. */
cs_status gui_backprop_compute(gui_backprop *g, const cs_snapshot *s, int filter);
/* 1 once a step is computed. */
int gui_backprop_ready(const gui_backprop *g);
/* 1 when the step shown was computed from snapshot s's weights and probe (its data_seq). */
int gui_backprop_current(const gui_backprop *g, const cs_snapshot *s);

/* One press forward / back (phase 4: one layer); 0 at an end. */
int gui_backprop_press(gui_backprop *g, int dir);
/* The start of phase `phase` (0..6); Home and End are 0 and 6. */
void gui_backprop_seek(gui_backprop *g, int phase);
/* The phase shown (cs_backprop_phase), -1 before a step is computed. */
int gui_backprop_phase(const gui_backprop *g);
/* 1 when the next press leaves the phase shown (a lesson's `@wait event phase-end`); 0 before a
 * step is computed. */
int gui_backprop_at_phase_end(const gui_backprop *g);
/* Autoplay on and off, its speed one notch slower (-1) or faster (+1), and the frame clock's tick
 * (now in seconds); tick returns 1 when it advanced. */
void gui_backprop_toggle_play(gui_backprop *g, double now);
void gui_backprop_speed(gui_backprop *g, int d);
int gui_backprop_tick(gui_backprop *g, double now);
/* Phase 5's choices: the filter (d = -1 / +1), the next conv layer, the weight (raster order), the
 * sum term by term (d = -1 / +1; zeros skipped when asked), the sum from its first term again,
 * skipping zero terms on and off. */
void gui_backprop_filter(gui_backprop *g, int d);
void gui_backprop_next_layer(gui_backprop *g);
void gui_backprop_weight(gui_backprop *g, int d);
void gui_backprop_term(gui_backprop *g, int d);
void gui_backprop_restart_sum(gui_backprop *g);
void gui_backprop_toggle_zeros(gui_backprop *g);
/* A click in the view at drawable pixel (x, y): a button (its key is returned, to be dispatched
 * through the key table), phase 5's filter tiles or weight cells. Returns the key of a button, or 0. */
int gui_backprop_click(gui_backprop *g, float x, float y);

/* Draws the view for a dw x dh window (laid out again when size, scale or mode changed). */
typedef struct {
    int dw, dh;
    int style_h;                    /* the window's height its type is sized for (0: dh) */
    float user_scale;
    int present;
    int diverging;                  /* cs_colormap_id */
    float mouse_x, mouse_y;
    int mouse_in, show_help;
    const char *const *help;
    int help_lines;
    const char *message;
    const char *const *class_names;
    int n_class_names;
    int batch;
} gui_backprop_frame;
void gui_backprop_draw(gui_backprop *g, cs_ui *ui, const gui_backprop_frame *f);
/* The style the view was last laid out in (for a dump). */
const cs_style *gui_backprop_style(const gui_backprop *g);

#endif
