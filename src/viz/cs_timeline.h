/* cs_timeline.h - the window's training timeline as pure arithmetic: where its parts go under
 * the kernel panel, which recorded step a track position stands for and back, the epoch marks
 * of a run, which kernel tile is under the pointer, and the per-kernel evolution strip's frames.
 * No SDL, no GL: unit-tested headless, and the screenshot tests ask it where things are.
 *
 * The track spans the run from its first record's step to the live step (which may be a few
 * steps past the last record); positions are proportional to steps, so epochs of equal length
 * get equal widths even where the history has been thinned. */
#ifndef CS_TIMELINE_H
#define CS_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "cs_history.h"
#include "cs_layout.h"

#define CS_TIMELINE_LIVE (-1L)  /* a track position past the last record: the live net */
#define CS_TIMELINE_MAX_FRAMES 16 /* frames of the evolution strip at most */

typedef struct {
    cs_rect area;      /* the timeline row at the bottom of the kernel panel */
    cs_rect label;     /* a text line: what the kernels above show */
    cs_rect btn_back;  /* play backward */
    cs_rect btn_play;  /* play forward / stop */
    cs_rect btn_live;  /* back to the live kernels */
    cs_rect track;     /* the scrub track */
    cs_rect marks;     /* under the track: epoch labels */
    cs_rect strip;     /* the evolution strip's box, drawn over the kernels just above the row */
} cs_timeline_layout;

/* Lays the timeline out in area (cs_layout's `timeline`; w 0: left out, all rects empty) in style
 * st; `kernels` is the kernel panel the strip box is kept inside. */
void cs_timeline_layout_compute(cs_timeline_layout *T, cs_rect area, cs_rect kernels, const cs_style *st);

/* The track's step span for n records (oldest first) and the live step: [*s0, *s1], s1 > s0. */
void cs_timeline_span(const cs_history_meta *meta, size_t n, int64_t live_step, int64_t *s0, int64_t *s1);
/* x of `step` on the track (clamped to it). */
float cs_timeline_x_of_step(cs_rect track, int64_t s0, int64_t s1, int64_t step);
/* The record nearest to track position x, or CS_TIMELINE_LIVE when x is nearer the live end
 * than the last record (only possible when the live step is past it) or there are no records. */
long cs_timeline_record_at_x(cs_rect track, const cs_history_meta *meta, size_t n, int64_t live_step, float x);
/* Index of the last record with step <= step (0 when none; n must be > 0). */
size_t cs_timeline_find_step(const cs_history_meta *meta, size_t n, int64_t step);

/* Epoch boundaries in the records: for each record whose epoch count is above the previous
 * record's, its step and epoch (the epochs completed by then). Writes at most max marks;
 * returns how many there are in all. */
int cs_timeline_epoch_marks(const cs_history_meta *meta, size_t n, int64_t *steps, int *epochs, int max);

/* The kernel tile of the train view under (x, y): the conv layer's index in `layers`, the
 * filter o and input channel c (0 for one-tile-per-filter sections). Returns 1 on a hit. */
int cs_timeline_kernel_hit(const cs_layout *L, const cs_snap_layer *layers, float x, float y, int *layer, int *o,
                           int *c);

/* The evolution strip of a k x k kernel in T->strip: how many frames fit (at most max, at least
 * 2 when there are 2 records), frame i's rectangle, and the frame under a point (-1 if none).
 * Frames are whole pixels per weight, centred in the box below its title line. */
typedef struct {
    int n;             /* frames */
    float x, y;        /* first frame's corner */
    float side, gap;   /* pixels */
} cs_timeline_strip;
cs_timeline_strip cs_timeline_strip_fit(const cs_timeline_layout *T, int k, int max, const cs_style *st);
cs_rect cs_timeline_strip_frame(const cs_timeline_strip *st, int i);
int cs_timeline_strip_hit(const cs_timeline_strip *st, float x, float y);

#endif
