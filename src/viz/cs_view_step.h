/* cs_view_step.h - the "step" view of the live window: one kernel stepped over one image. The
 * input with the sliding window outlined (padding drawn apart), the window, kernel and
 * products grids with a number in every cell, the sum written out as an equation that grows
 * term by term, the result with bias and ReLU, and the output map filling in with the current
 * cell highlighted. Every colour comes from the shared colormap table, with legends.
 *
 * Draws from a cs_stepper (core) and a cs_step_layout; the stepping itself, playback and input
 * belong to the caller. */
#ifndef CS_VIEW_STEP_H
#define CS_VIEW_STEP_H

#include "cs_colormap.h"
#include "cs_error.h"
#include "cs_gl.h"
#include "cs_step_layout.h"
#include "cs_stepper.h"
#include "cs_text.h"
#include "cs_ui.h"

/* What the caller knows that the stepper does not. */
typedef struct {
    const char *image_name;      /* "demo:curve", a file name, "probe image #3" */
    const char *kernel_name;     /* "curve", "conv1 filter 2 (step 1,200)" */
    int src_w, src_h, downscale; /* the image's size before shrinking it for the view, and the factor */
    float img_max;               /* pixel values run 0..img_max (255 for files, 1 for the probe) */
    float display_max;           /* the input is drawn from black at 0 to white at display_max (a demo
                                  * image's own display range, so demo:curve's 50s are white) */
    cs_value_range out_range;    /* the complete map's range, so colours hold still while it fills */
    cs_colormap_id out_cmap;     /* viridis for a map without negatives, else the diverging map */
    cs_colormap_id diverging;    /* the kernel's and products' map: CS_CMAP_RDBU or CS_CMAP_BLUEORANGE */
    int playing;
    const char *speed;           /* "one position at a time, 8/s", ... */
    int sel_c, sel_ky, sel_kx;   /* the selected kernel cell, sel_c < 0 for none */
    const char *edit;            /* the number being typed into it, or NULL */
    float mouse_x, mouse_y;
    int mouse_in;
    int show_help;
    const char *const *help;     /* "key\tdescription" rows */
    int help_lines;
    const char *message;         /* transient status line, or NULL */
    const float *grey;           /* (OH, OW) the output at the input's scale, 0..1 (cs_stepper_grey / 255),
                                  * drawn gray at L->output_grey; NULL: none */
} cs_step_ui;

typedef struct cs_view_step cs_view_step;

/* gl and text are borrowed and must outlive the view. Destroy with cs_view_step_destroy (GL
 * context current). */
cs_status cs_view_step_create(cs_view_step **out, cs_gl *gl, cs_text *text);
void cs_view_step_destroy(cs_view_step *v);
/* Uploads the stepper's image; call when the image (not the position) changed. */
void cs_view_step_set_image(cs_view_step *v, const cs_stepper *st);
/* Batches the whole view (cs_gl_begin/cs_gl_end are the caller's); every string through ui. */
void cs_view_step_draw(cs_view_step *v, cs_ui *ui, const cs_stepper *st, const cs_step_layout *L, const cs_step_ui *su);

#endif
