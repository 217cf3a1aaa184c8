/* gui_keys.h - every key of the live window in one table: {keys, modifiers, views, action,
 * help}. The same rows dispatch key presses, fill the help overlay of each view and print the
 * key list of `gui --help`, so what a key does and what the help says cannot drift apart.
 * Mouse actions have rows too (help only): the overlay lists them with the keys. */
#ifndef GUI_KEYS_H
#define GUI_KEYS_H

#include <SDL.h>
#include <stdio.h>

#include "gui_app.h"

/* Runs the action of the first row that has key k, whose modifiers (shift, ctrl) are held, for
 * app->view; 1 when a row took it. */
int gui_keys_dispatch(gui_app *app, SDL_Keycode k, Uint16 mod);
/* q, Esc and closing the window: quits, except that training not saved since the last
 * checkpoint (and no --save, which saves on the way out) asks once: the same again quits, any
 * other key cancels. */
void gui_keys_request_quit(gui_app *app);
/* The window's buttons and wheel act through the same rows: the key a button stands for. */
SDL_Keycode gui_keys_of_button(int button);

/* The help overlay's rows for one view (GUI_VIEW_TRAIN or GUI_VIEW_STEP), "keys\tdescription",
 * in table order; *rows points at static strings. Returns the row count. */
int gui_keys_help(int view, const char *const **rows);

/* Both views' keys as text, for `gui --help`. */
void gui_keys_print(FILE *f);

/* The training speeds the +/- keys and buttons step through, in batches per second (0.2, one
 * batch every 5 s, up to 200; 0: full speed), the index of the one nearest to bps, and a speed
 * as the window writes it ("1 batch every 5 s", "2 batches/s", "full speed"). */
int gui_keys_speed_count(void);
double gui_keys_speed(int index);
int gui_keys_speed_index(double bps);
void gui_keys_speed_text(double bps, char *buf, size_t size);

#endif
