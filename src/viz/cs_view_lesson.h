/* cs_view_lesson.h - the lesson's text band: a strip across the bottom of the window, in the
 * presenter's large type whatever the view's mode, holding where the lesson is (chapter, page),
 * the page's text with its *emphasis*, a question and (once revealed) its answer, what the page
 * waits for, a notice (a page asking for something this build lacks), and the keys that move on.
 *
 * The layout is pure (measured through a cs_measure, so tests fit it without fonts): its height
 * is what the page's text needs at the largest size from the big font down to the presenter's
 * minimum (ceil(window height / 45)) within 40% of the window, room for the answer kept from the
 * start so revealing it moves nothing. The app's views lay themselves out in the rest. */
#ifndef CS_VIEW_LESSON_H
#define CS_VIEW_LESSON_H

#include <stddef.h>

#include "cs_fit.h"
#include "cs_style.h"
#include "cs_ui.h"

/* What the band shows; strings are borrowed, NULL or "" when absent. */
typedef struct {
    const char *where;     /* "3/11  The curve detector · On the curve" */
    const char *page_no;   /* "page 9 of 38" */
    const char *nav;       /* the keys: longest wording first (nav[0]), shorter ones after */
    const char *const *nav_alts;
    int n_nav;
    const char *text;      /* the page's text, lines joined by '\n', *emphasis* marks and \* escapes kept */
    const char *question;
    const char *answer;    /* shown when revealed; room is kept for it either way */
    int revealed;
    const char *reveal_hint; /* said in the answer's place until it is revealed */
    const char *wait;      /* what the page waits for ("Press space to slide the kernel") */
    int waited;            /* ... and that it happened */
    const char *notice;    /* "The backprop view is not part of this build: ..." */
} cs_lesson_band;

typedef struct {
    cs_style st;           /* the presenter style of the whole window */
    cs_rect band;          /* the strip at the bottom; the views get the window above it */
    int body_px;           /* the size of the page's text */
    int ok;                /* everything fits at body_px */
    cs_rect head, page_no, body, question, answer, wait, notice;
} cs_lesson_band_layout;

/* Text with the lesson format's emphasis marks (*words*, \* and \\) made plain: writes the plain
 * text to out and, byte for byte, 1 for emphasised bytes to emph (both `size` bytes at most,
 * cut at a whole code point). */
void cs_lesson_plain(const char *text, char *out, unsigned char *emph, size_t size);

/* Lays out the band of content c in a win_w x win_h window at --scale user_scale. */
void cs_lesson_band_layout_compute(cs_lesson_band_layout *B, int win_w, int win_h, float user_scale,
                                   const cs_measure *m, const cs_lesson_band *c);

/* Draws the band through ui (whose style it sets to B->st for the call). */
void cs_view_lesson_draw(cs_ui *ui, const cs_lesson_band_layout *B, const cs_lesson_band *c);

#endif
