/* cs_view_backprop.h - the "backprop" view of the live window: one training step of the probe image
 * in slow motion, phase by phase, as cs_backprop (the run layer) computed it: the forward maps, the
 * output against the one-hot truth with every loss term and L, dL/dy per class, the gradient going
 * back one layer per press as maps on a diverging scale with what each layer did to it, a chosen
 * filter's dL/dw as numbers with one weight's sum written out term by term (a cs_wgrad stepper),
 * the update as old, step and new weights, and the output and L after it beside the old ones.
 *
 * Draws only: every number is read from the cs_backprop and the cs_wgrad it is given; the cursor,
 * the choices and playback belong to the caller (src/app/gui_backprop.c). */
#ifndef CS_VIEW_BACKPROP_H
#define CS_VIEW_BACKPROP_H

#include "cs_backprop.h"
#include "cs_bp_layout.h"
#include "cs_colormap.h"
#include "cs_error.h"
#include "cs_gl.h"
#include "cs_text.h"
#include "cs_ui.h"
#include "cs_wgrad.h"

/* What the caller knows that the cs_backprop does not. */
typedef struct {
    const char *const *class_names; /* (n_class_names) borrowed; a class without a name is written by number */
    int n_class_names;
    int batch;                      /* the run's batch size, for "training uses the mean over a batch of N" */
    const char *source;             /* "probe #3 of the test set, weights of step 1,200" */
    int layer, filter;              /* phases 5 and 6: the chosen conv layer (index in bp) and filter; layer < 0: none */
    const cs_wgrad *ws;             /* phase 5: the chosen weight's sum (of that filter), borrowed; NULL: none */
    int skip_zeros;                 /* the sum steps over zero terms */
    cs_colormap_id diverging;       /* gradients and weights: CS_CMAP_RDBU or CS_CMAP_BLUEORANGE */
    int playing;
    const char *speed;              /* "one press every 2 s" */
    const char *message;            /* transient status line, or NULL */
    float mouse_x, mouse_y;
    int mouse_in;
    int show_help;
    const char *const *help;        /* "key\tdescription" rows */
    int help_lines;
} cs_bp_ui;

typedef struct cs_view_backprop cs_view_backprop;

/* gl and text are borrowed and must outlive the view. Destroy with cs_view_backprop_destroy (GL
 * context current). */
cs_status cs_view_backprop_create(cs_view_backprop **out, cs_gl *gl, cs_text *text);
void cs_view_backprop_destroy(cs_view_backprop *v);
/* The fonts' measure the view draws with (for its layouts and hit tests). */
cs_measure cs_view_backprop_measure(const cs_view_backprop *v);
/* Batches the whole view (cs_gl_begin/cs_gl_end are the caller's) for the walk at cursor c; every
 * string through ui. The phase's number and name are always in the title. */
void cs_view_backprop_draw(cs_view_backprop *v, cs_ui *ui, const cs_backprop *bp, const cs_backprop_cursor *c,
                           const cs_bp_layout *L, const cs_bp_ui *bu);

#endif
