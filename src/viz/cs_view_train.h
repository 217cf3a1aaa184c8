/* cs_view_train.h - the "train" view of the live window: the network as a strip of layers with
 * the probe image's activation maps, every conv layer's kernels with colour bars, the output
 * against the one-hot truth, learning curves, counters, controls, hover readouts and help.
 *
 * Draws only from a cs_snapshot (plain data), never from a live net; other views (a timeline,
 * a convolution step view) can be drawn from the same snapshots. */
#ifndef CS_VIEW_TRAIN_H
#define CS_VIEW_TRAIN_H

#include "cs_error.h"
#include "cs_gl.h"
#include "cs_layout.h"
#include "cs_snapshot.h"
#include "cs_text.h"
#include "cs_ui.h"

typedef enum { CS_NORM_PER_MAP, CS_NORM_PER_LAYER, CS_NORM_FIXED, CS_NORM_COUNT } cs_norm_mode;

/* "per map", "per layer", "fixed". Static. */
const char *cs_norm_name(cs_norm_mode m);
/* The fixed ranges: activations 0..CS_FIXED_ACT_HI, kernels -CS_FIXED_W..CS_FIXED_W. */
#define CS_FIXED_ACT_HI 2.0f
#define CS_FIXED_W 0.5f

/* What the window knows that the snapshot does not: controls, mouse, texts. */
typedef struct {
    float mouse_x, mouse_y;
    int mouse_in;                /* the pointer is over the window */
    cs_norm_mode maps_norm, kernels_norm;
    cs_colormap_id diverging;    /* the kernels' colormap: CS_CMAP_RDBU or CS_CMAP_BLUEORANGE */
    int paused;                  /* the requested state (the button's label) */
    const char *speed;           /* "full speed", "10 batches/s", ... */
    float lr, lr_min, lr_max;    /* the slider's value and its (log-scale) ends */
    int show_help;
    const char *title;           /* net and dataset */
    const char *message;         /* transient line for the status bar, or NULL */
    const char *const *class_names; /* n_class_names names (borrowed) */
    int n_class_names;
    double fps;
    int help_lines;              /* rows of help text (set by the caller's table) */
    const char *const *help;     /* "key\tdescription" rows */
    const char *step_note;       /* what the enlarged view says of its step ("step 1,200 (live)") */
    int show_grads;              /* draw the probe's dL/d(map) under its maps, the last batch's dL/dw beside the
                                  * kernels (when the snapshot has them) and the per-layer gradient sizes in place
                                  * of the accuracy plot */
} cs_view_ui;

typedef struct cs_view_train cs_view_train;

/* gl and text are borrowed and must outlive the view. Free with cs_view_train_destroy (GL
 * context current). */
cs_status cs_view_train_create(cs_view_train **out, cs_gl *gl, cs_text *text);
void cs_view_train_destroy(cs_view_train *v);
/* Uploads the snapshot's weights, activations and probe image into textures and recomputes the
 * value ranges. Call when s->data_seq changed; nothing else is uploaded per frame. */
void cs_view_train_upload(cs_view_train *v, const cs_snapshot *s);
/* Batches the whole view (cs_gl_begin/cs_gl_end are the caller's) with layout L: the ordinary
 * panels, or, for a layout of cs_layout_enlarge, the enlarged one. Every string goes through ui. */
void cs_view_train_draw(cs_view_train *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L, const cs_view_ui *vu);
/* Where (step, val) lands in learning-curve plot r (cs_layout's loss_plot or acc_plot; use_acc
 * 0 loss, 1 accuracy) as this view draws it from s, so other views can mark points on it. */
void cs_view_train_plot_xy(const cs_snapshot *s, cs_rect r, int use_acc, long step, float val, float *x, float *y);
/* The colour the frame is cleared to before a draw (the style's panel colour). */
cs_rgba cs_view_train_background(const cs_style *st);
/* The hover readout of the last draw ("" when nothing is hovered). Borrowed. */
const char *cs_view_train_hover(const cs_view_train *v);

#endif
