/* gui_probe.h - the user's own images as the training view's probe: a file given with
 * --probe-image, a file dropped onto the window (SDL drop events), and the image files of that
 * file's folder one after the other (a key). Each is converted to the net's input as datasets
 * are (cs_run_load_probe_file) and handed to the run's driver; the conversion is written under
 * the probe and said in full on the status line. */
#ifndef GUI_PROBE_H
#define GUI_PROBE_H

#include "gui_app.h"

/* Loads path as the probe (through the driver when it runs, else straight into the run) and
 * remembers it for gui_probe_cycle. Returns CS_OK, or the failure with cs_last_error() naming the
 * file; either way the status line says what happened. */
cs_status gui_probe_load(gui_app *app, const char *path);

/* The next (dir 1) or previous (-1) image file of the current probe file's folder, in name order,
 * wrapping; files that are not images convscope reads are skipped. */
void gui_probe_cycle(gui_app *app, int dir);

#endif
