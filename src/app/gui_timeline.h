/* gui_timeline.h - the window's training timeline, checkpoints and exports.
 *
 * The training thread owns the history and records into it after every step; a mutex guards
 * it. The trainer holds the mutex only while recording (a few KB copied, rarely a thinning); the
 * window only ever try-locks it, copies what it needs (the records' meta, one record, a strip's
 * kernels) and tries again next frame when the trainer has it, so neither side waits long.
 *
 * Window side: scrubbing (drag the track, arrow keys), playing the evolution forward and
 * backward, back to live, the per-kernel evolution strip, the export key (the shown kernels and
 * the probe's maps as PNGs) and the save key (a checkpoint, written by the training thread,
 * which owns the trainer). */
#ifndef GUI_TIMELINE_H
#define GUI_TIMELINE_H

#include <SDL.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "cs_gl.h"
#include "cs_history.h"
#include "cs_layout.h"
#include "cs_snapshot.h"
#include "cs_text.h"
#include "run_checkpoint.h"
#include "run_options.h"

/* What the trainer and the window share. */
typedef struct {
    pthread_mutex_t mu;       /* guards hist, version, generation and msg */
    cs_history *hist;         /* owned; NULL when none could be made (note says why) */
    _Atomic uint64_t version;    /* bumps whenever the records change (written under mu) */
    _Atomic uint64_t generation; /* bumps when a restart starts a new history (written under mu) */
    char msg[600];            /* the last save's result, for the window */
    atomic_ulong msg_seq;     /* bumps with every new msg */
    atomic_long save_requests;
    long saves_done;          /* requests handled; the training thread's */
    _Atomic uint64_t seed;    /* the run's seed (a restart changes it) */
    char note[256];           /* why there is no history, "" when there is one */
    /* borrowed, for saving and for a new history after a restart */
    const cs_run *run;
    const cs_run_options *opts;
    const cs_ckpt_options *ck;
} gui_tl_shared;

/* Takes ownership of hist (may be NULL: one is created as ck asks). */
cs_status gui_tl_shared_init(gui_tl_shared *sh, cs_history *hist, const cs_run *run, const cs_run_options *opts,
                             const cs_ckpt_options *ck);
void gui_tl_shared_free(gui_tl_shared *sh);

/* ---- the training thread ---- */

/* Before the first step: a loaded history becomes the train curve and the epoch marks (so a
 * resumed run shows where it came from), and the starting state is recorded. */
void gui_tl_trainer_begin(gui_tl_shared *sh, const cs_trainer *tr, cs_curve *train_curve, long *epoch_marks,
                          int *n_marks, int max_marks);
/* After every successful step: records (cs_history_after_step) and saves at the end of an
 * epoch when --save was given. */
void gui_tl_trainer_step(gui_tl_shared *sh, const cs_trainer *tr, int epoch_done);
/* After cs_trainer_reset: a new, empty history with the starting state. */
void gui_tl_trainer_restart(gui_tl_shared *sh, const cs_trainer *tr);
/* Every loop: a save the window asked for. */
void gui_tl_trainer_poll(gui_tl_shared *sh);
/* When training ends (the window closes): the final save when --save was given. */
void gui_tl_trainer_end(gui_tl_shared *sh);

/* ---- the window ---- */

typedef struct gui_tl gui_tl;

/* sh, gl and text are borrowed. export_dir: where the export key writes (NULL: a new
 * convscope-export-DATE-TIME directory each time). Free with gui_tl_destroy. */
cs_status gui_tl_create(gui_tl **out, gui_tl_shared *sh, cs_gl *gl, cs_text *text, const char *export_dir);
void gui_tl_destroy(gui_tl *t);

/* Once per frame before drawing: takes new records, advances playback and returns the snapshot
 * to draw: live itself, or a copy with the kernels of the shown record. *upload is set when
 * that snapshot's textures need uploading though its data_seq did not change; *dirty when the
 * frame must be redrawn (playing, a record arrived). L is the layout of this frame. */
const cs_snapshot *gui_tl_frame(gui_tl *t, const cs_snapshot *live, const cs_layout *L, int *upload, int *dirty);
/* A message for the status line (an export, a save), or NULL. Borrowed until the next frame. */
const char *gui_tl_message(gui_tl *t);
/* Keys of the timeline; 1 when k was one. */
int gui_tl_key(gui_tl *t, SDL_Keycode k, Uint16 mod);
/* A click at (x, y) on the timeline, the strip or a kernel tile; 1 when taken. */
int gui_tl_click(gui_tl *t, const cs_layout *L, float x, float y);
/* Pointer moves (drags the cursor while a drag is on) and releases. */
void gui_tl_motion(gui_tl *t, float x, float y);
void gui_tl_release(gui_tl *t);
/* The wheel over the timeline steps through records; 1 when taken. */
int gui_tl_wheel(gui_tl *t, const cs_layout *L, float x, float y, int dy);
/* Batches the timeline for the snapshot gui_tl_frame returned (before the train view, which then
 * shows gui_tl_hover in its status line). blocked: an overlay has the pointer. */
void gui_tl_draw(gui_tl *t, const cs_snapshot *shown, const cs_layout *L, float mouse_x, float mouse_y, int mouse_in,
                 int blocked);
const char *gui_tl_hover(const gui_tl *t);
/* 1 when (x, y) is on the timeline's overlay (the evolution strip): the view under it must not
 * react to the pointer. */
int gui_tl_covers(const gui_tl *t, float x, float y);

#endif
