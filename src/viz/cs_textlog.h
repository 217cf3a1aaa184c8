/* cs_textlog.h - the record of one frame's text for `gui --dump-text FILE`: every string the text
 * box call drew, with its rectangle, the rectangle it had to fit in, its pixel size and whether it
 * is a number cell; and the window's click targets (what a click there would enlarge), so tests
 * can click them. Pure: no SDL, no GL.
 *
 * The JSON written is one list. Its first object describes the frame:
 *   {"kind": "frame", "view": "train", "rect": [0, 0, 1920, 1080], "scale": 1.5, "present": 0,
 *    "min_px": 15, "hidden": "timeline buttons"}
 * then one object per string, in drawing order:
 *   {"kind": "text", "text": "conv1", "rect": [x, y, w, h], "fit": [x, y, w, h], "px": 24, "z": 0}
 * ("value" instead of "text" for a number in a cell that must show one; "z" 1 for overlays drawn
 * over the view: help, tooltips), and one per click target:
 *   {"kind": "target", "text": "map conv1 3", "rect": [x, y, w, h]}. */
#ifndef CS_TEXTLOG_H
#define CS_TEXTLOG_H

#include <stddef.h>

#include "cs_error.h"
#include "cs_style.h"

typedef enum { CS_TEXTLOG_TEXT, CS_TEXTLOG_VALUE, CS_TEXTLOG_TARGET } cs_textlog_kind;

typedef struct {
    cs_textlog_kind kind;
    char *text;          /* owned (a copy) */
    cs_rect rect, fit;
    int px, z;
} cs_textlog_entry;

/* What the frame was: written as the list's first object. */
typedef struct {
    const char *view;    /* "train", "step", "help", "enlarged" */
    int w, h;
    float scale;
    int present, min_px;
    const char *hidden;  /* panels the layout left out to fit, "" for none */
} cs_textlog_frame;

typedef struct {
    cs_textlog_entry *e; /* (cap) owned; n used */
    size_t n, cap;
    int failed;          /* an entry could not be stored (out of memory) */
} cs_textlog;

void cs_textlog_init(cs_textlog *log);
void cs_textlog_free(cs_textlog *log);
/* Forgets the entries (a new frame). */
void cs_textlog_clear(cs_textlog *log);
/* Appends one entry (text copied); on allocation failure sets log->failed. */
void cs_textlog_add(cs_textlog *log, cs_textlog_kind kind, const char *text, cs_rect rect, cs_rect fit, int px, int z);

/* Writes the frame and the entries as JSON to path, atomically (path.tmp.PID, then a rename).
 * CS_ERR_IO naming the file on failure. */
cs_status cs_textlog_write(const cs_textlog *log, const cs_textlog_frame *frame, const char *path);

#endif
