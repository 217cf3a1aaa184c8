/* gui_script.h - the window's --script language, parsed by a pure function (text in, items or
 * one error out) so tests and a fuzz harness can call it without a window.
 *
 *   SCRIPT := ITEM (';' ITEM)*
 *   ITEM   := FRAME ACTION
 *   ACTION := 'key' [MOD '+']* KEYNAME   a key press (SDL key names: Home, Left, F1, p, Tab, ...;
 *                                         MOD is shift or ctrl)
 *           | 'shot' FILE                a screenshot of that frame to FILE (PNG)
 *           | 'move' X Y                 the pointer to (X, Y) in window pixels
 *           | 'click' X Y                the pointer there and a left click
 *           | 'dump' FILE                the frame's text as JSON to FILE (as --dump-text)
 *           | 'size' WxH                 resize the window to W x H pixels
 *           | 'scale' X                  --scale X from now on (0.5 to 4)
 *           | 'enlarge' WHAT | 'enlarge off'  enlarge a map, kernel, the output or a curve, as a click
 *                                         would ("map conv1 3", "kernel conv1 0", "output",
 *                                         "curve loss"), or go back
 *           | 'drop' FILE                FILE dropped onto the window (an SDL drop event)
 * FRAME counts from 0 (the first frame drawn); items of one frame run in their order.
 * Example: "40 key h; 60 shot help.png; 80 move 300 200; 90 click 20 20; 95 key shift+Left". */
#ifndef GUI_SCRIPT_H
#define GUI_SCRIPT_H

#include <SDL.h>
#include <stdio.h>

#include "cs_error.h"

#define GUI_SCRIPT_MAX 512  /* items per script */

typedef enum {
    GUI_SCRIPT_KEY,
    GUI_SCRIPT_SHOT,
    GUI_SCRIPT_MOVE,
    GUI_SCRIPT_CLICK,
    GUI_SCRIPT_DUMP,
    GUI_SCRIPT_SIZE,
    GUI_SCRIPT_SCALE,
    GUI_SCRIPT_ENLARGE,
    GUI_SCRIPT_DROP,
} gui_script_action;

typedef struct {
    int frame;
    gui_script_action action;
    SDL_Keycode key;       /* key */
    Uint16 mod;            /* key: KMOD_SHIFT and/or KMOD_CTRL held */
    char file[256];        /* shot, dump, drop: the file; enlarge: what ("off" to go back) */
    int x, y;              /* move, click; size: width and height */
    double scale;          /* scale */
} gui_script_item;

typedef struct {
    int n;
    gui_script_item items[GUI_SCRIPT_MAX];
} gui_script;

/* Parses text into out (zeroed first). On a bad item returns CS_ERR_ARG and cs_last_error()
 * names the item by its number and text, and what was wrong with which token and where it starts
 * in the text (1-based), e.g. "--script item 2 '30 key minus': unknown key 'minus' (character 13;
 * ...)". */
cs_status gui_script_parse(const char *text, gui_script *out);

/* The language, for `gui --help`. */
void gui_script_help(FILE *f);

#endif
