/* gui_timeline.h - the window's training timeline: the run's recorded history on a track under
 * the kernels, scrubbing (drag the track, arrow keys), playing the evolution forward and
 * backward, back to live, and the per-kernel evolution strip.
 *
 * The training thread records the history under the run's lock (cs_run.h); the timeline only
 * try-locks it, copies what it needs (the records' meta, one record, a strip's kernels) and tries
 * again next frame when the trainer has it, so neither side waits long. Times are the window's
 * frame clock, so a lockstep window plays back the same records on any machine. */
#ifndef GUI_TIMELINE_H
#define GUI_TIMELINE_H

#include "cs_gl.h"
#include "cs_history.h"
#include "cs_layout.h"
#include "cs_run.h"
#include "cs_snapshot.h"
#include "cs_text.h"
#include "cs_ui.h"

typedef struct gui_tl gui_tl;

/* run, gl and text are borrowed. Free with gui_tl_destroy. */
cs_status gui_tl_create(gui_tl **out, cs_run *run, cs_gl *gl, cs_text *text);
void gui_tl_destroy(gui_tl *t);

/* Once per frame before drawing, at frame time `now` (seconds): takes new records, advances
 * playback and returns the snapshot to draw: live itself, or a copy with the kernels of the shown
 * record. *upload is set when that snapshot's textures need uploading though its data_seq did not
 * change; *dirty when the frame must be redrawn (playing, a record arrived). L is the layout of
 * this frame. */
const cs_snapshot *gui_tl_frame(gui_tl *t, const cs_snapshot *live, const cs_layout *L, double now, int *upload,
                                int *dirty);
/* The step of the record whose kernels are shown, or -1 while live. */
long gui_tl_shown_step(const gui_tl *t);

/* Actions (the window's key table calls these). */
/* One record back (d < 0) or forward; forward past the last record is live. */
void gui_tl_step_records(gui_tl *t, long d);
void gui_tl_first(gui_tl *t);
void gui_tl_live(gui_tl *t);
/* Plays forward (dir 1) or backward (-1) from `now`; the same direction again stops. */
void gui_tl_play(gui_tl *t, int dir, double now);
/* Playback speed one step faster (d 1) or slower (-1): 1 to 200 records per second. */
void gui_tl_play_speed(gui_tl *t, int d);
/* The evolution strip of the hovered kernel (else conv1's filter 0) on, or off. */
void gui_tl_toggle_strip(gui_tl *t);

/* A click at (x, y) on the timeline's row or on the strip; 1 when taken. (A click on a kernel
 * enlarges it; t shows its strip.) */
int gui_tl_click(gui_tl *t, float x, float y, double now);
/* Pointer moves (drags the cursor while a drag is on) and releases. */
void gui_tl_motion(gui_tl *t, float x, float y);
void gui_tl_release(gui_tl *t);
/* The wheel over the timeline steps through records; 1 when taken. */
int gui_tl_wheel(gui_tl *t, float x, float y, int dy);
/* Batches the timeline for the snapshot gui_tl_frame returned (before the train view, which then
 * shows gui_tl_hover in its status line). blocked: an overlay has the pointer. */
void gui_tl_draw(gui_tl *t, cs_ui *ui, const cs_snapshot *shown, const cs_layout *L, float mouse_x, float mouse_y,
                 int mouse_in, int blocked, cs_colormap_id diverging);
const char *gui_tl_hover(const gui_tl *t);
/* 1 when (x, y) is on the timeline's overlay (the evolution strip): the view under it must not
 * react to the pointer. */
int gui_tl_covers(const gui_tl *t, float x, float y);

#endif
