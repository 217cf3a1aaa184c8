/* cs_labels.h - the window's words that more than one place writes: what a layout measures and the
 * view then draws (button labels, the speed, the counters), names shown for the run's and the
 * datasets' own names, and the run's messages in the UI language (cs_i18n.h). One home for each,
 * so the box a layout makes is the box of the words drawn in it. Pure: no SDL, no GL. */
#ifndef CS_LABELS_H
#define CS_LABELS_H

#include <stddef.h>

#include "cs_colormap.h"

/* Returned strings are static (or the argument); the others write at most size bytes to buf. */
const char *cs_label_pause(int paused);        /* the pause button: "Pause", or "▶ Run" while paused */
const char *cs_label_maps_norm(int mode);      /* "Maps: per map" ... (cs_norm_mode order) */
const char *cs_label_kernels_norm(int mode);   /* "Kernels: per map" ... */
/* batches per second as the speed label says it: "full speed" (bps 0), "1 batch every 5 s" (0.2),
 * "10 batches/s" */
void cs_label_speed(char *buf, size_t size, double bps);
void cs_label_rate(char *buf, size_t size, const char *value); /* "rate 0.01" */
void cs_label_title(char *buf, size_t size, const char *net, const char *dataset, unsigned long long seed);
const char *cs_label_loss(const char *name);   /* the run's loss name ("cross-entropy", "MSE") shown */
void cs_label_counters(char *buf, size_t size); /* a typical counter line (for measuring) */
const char *cs_label_vector(int truth);        /* "output [" or "truth  [", equally wide in mono */
const char *cs_label_curve(int accuracy);      /* "loss" or "accuracy" */
const char *cs_label_colormap(cs_colormap_id id); /* cs_colormap_name's name, as captions say it */
const char *cs_label_class(const char *name);  /* a built-in dataset's class name; others as given */

/* text (a message of the run or the core: a divergence, a restart, a save, the timeline's note) in
 * the UI language, numbers and paths as written, in buf; text itself when it is none the window
 * knows (it then stays English). */
const char *cs_label_run_text(const char *text, char *buf, size_t size);

#endif
