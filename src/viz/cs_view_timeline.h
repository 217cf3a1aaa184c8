/* cs_view_timeline.h - the training timeline drawn over the train view: a track under the kernels
 * with the recorded steps, epoch marks and a cursor, play/live buttons, a label saying which step
 * the kernel panel shows, markers on the learning curves at that step, and a strip of one
 * kernel's evolution over the run.
 *
 * Draws from plain data the caller copied out of the history (cs_history_meta records and the
 * strip's kernels), never from a history another thread writes. Geometry is cs_timeline.h's. */
#ifndef CS_VIEW_TIMELINE_H
#define CS_VIEW_TIMELINE_H

#include "cs_error.h"
#include "cs_gl.h"
#include "cs_history.h"
#include "cs_layout.h"
#include "cs_snapshot.h"
#include "cs_text.h"
#include "cs_timeline.h"
#include "cs_ui.h"

typedef struct {
    const cs_history_meta *meta; /* (n) the records, oldest first; borrowed */
    size_t n;
    const int64_t *mark_steps;   /* (n_marks) epoch boundaries; borrowed */
    const int *mark_epochs;
    int n_marks;
    int64_t live_step;           /* the live net's step */
    long sel;                    /* record the kernels show, or CS_TIMELINE_LIVE */
    int playing;                 /* 1 forward, -1 backward, 0 stopped */
    const char *play_speed;      /* "20 records/s" */
    const char *note;            /* says why there is no history (NULL when there is one) */
    float mouse_x, mouse_y;
    int mouse_in;
    int blocked;                 /* an overlay (help) takes the pointer: no hover */

    /* one kernel over the run (strip_n 0: not shown) */
    int strip_n;                 /* frames */
    const char *strip_title;
    const float *strip_frames;   /* (strip_n, strip_planes, strip_k, strip_k); borrowed */
    int strip_k, strip_planes;   /* planes: 1, or 3 drawn as R, G, B */
    cs_value_range strip_range;  /* one range for every frame */
    cs_colormap_id diverging;    /* the strip's colormap (single-plane kernels) */
    const long *strip_records;   /* (strip_n) record index of each frame */
} cs_timeline_ui;

typedef struct cs_view_timeline cs_view_timeline;

/* gl and text are borrowed and must outlive the view. Free with cs_view_timeline_destroy. */
cs_status cs_view_timeline_create(cs_view_timeline **out, cs_gl *gl, cs_text *text);
void cs_view_timeline_destroy(cs_view_timeline *v);
/* Batches the timeline row, the curve markers, the scrubbed-kernels frame and the strip for a
 * frame of the train view drawn from s with layout L (cs_gl_begin/end are the caller's). */
void cs_view_timeline_draw(cs_view_timeline *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L,
                           const cs_timeline_layout *T, const cs_timeline_ui *tu);
/* What the pointer is over after the last draw ("" if nothing of the timeline). Borrowed. */
const char *cs_view_timeline_hover(const cs_view_timeline *v);

#endif
