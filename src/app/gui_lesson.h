/* gui_lesson.h - the window's lesson mode (`convscope lesson`): a lesson file (cs_lesson.h) told
 * page by page over the live app. Entering a page applies its set-up through the app's own
 * actions (the view; the run, opened anew when its dataset, net, loss, optimizer or seed change
 * or the page restarts it; the step view's kernel, image, geometry and position; the probe, the
 * speed, paused or running, presenter mode) and its actions (train N batches, the timeline, the
 * enlarged panel, the highlighted control, what it waits for, its question). Between pages every
 * key and click of the app works (free play); going to a page restores its set-up
 * (cs_lesson_setup_at).
 *
 * Keys: PageDown, Right, space and a click on the band go forward; PageUp and Left go back.
 * Going forward first reveals an unrevealed answer; on a page that waits for a key, the first
 * forward press does that key's action for the presenter (a clicker has no space bar); a page
 * that waits for an event (an epoch, the map complete, a click in the app) holds until it comes.
 * A page asking for what this build lacks (the backprop view, a photo as the probe) says so in
 * the band and shows what stands in for it. */
#ifndef GUI_LESSON_H
#define GUI_LESSON_H

#include <SDL.h>

#include "cs_lesson.h"
#include "cs_ui.h"
#include "gui_app.h"

typedef struct gui_lesson gui_lesson;

/* Takes ownership of *lesson (zeroed on return) read from file `name` in directory dir (relative
 * paths in it start there). Starts at chapter (0-based), page (0-based within it), both valid.
 * model_given: the run's --model stands in for every @net. Free with gui_lesson_destroy. */
cs_status gui_lesson_create(gui_lesson **out, cs_lesson *lesson, const char *name, const char *dir, int chapter,
                            int page, int model_given);
void gui_lesson_destroy(gui_lesson *L);

/* Before the window opens: the first page's run (its dataset and net, else the first ones the
 * lesson names later, so the data is loaded once) and step view go into app->opt, presenter mode
 * on unless off was asked for (present < 0 keeps app->opt.present). */
void gui_lesson_prepare(gui_lesson *L, gui_app *app);

/* Once per frame, before the views: enters a page due, applies what waited for a snapshot,
 * checks the page's wait and its @run; sets *dirty when the frame must be drawn. Returns the
 * band's height in pixels for a dw x dh drawable. */
int gui_lesson_frame(gui_app *app, int dw, int dh, int *dirty);
/* A key: 1 when the lesson took it (navigation); 0 lets the app have it. */
int gui_lesson_key(gui_app *app, SDL_Keycode k, Uint16 mod);
/* A click: 1 on the band (forward); 0 elsewhere (the app's, and a page waiting for a click). */
int gui_lesson_click(gui_app *app, float x, float y);
/* Draws the band and the highlighted control (after the view). */
void gui_lesson_draw(gui_app *app, cs_ui *ui, int dw, int dh);

/* The page shown: chapter and page (0-based), revealed, waited (for tests and the status). */
void gui_lesson_position(const gui_lesson *L, int *chapter, int *page, int *revealed, int *waited);

#endif
