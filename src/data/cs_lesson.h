/* cs_lesson.h - lesson files: a plain-text script that tells a lesson page by page, each page a
 * band of large text over the live app plus directives that set the app up (which view, data,
 * net, kernel, image, what is paused, enlarged or highlighted, what to wait for, a question and
 * its answer). Teachers write and translate them; the window executes them.
 *
 * The format (UTF-8, one item per line; see the README's "Lesson files" for a full example):
 *
 *   # a comment (a line whose first non-blank character is '#')
 *   title: Convolutional networks from the inside        (once, before the first chapter)
 *   language: en                                          (once: en, zh, zh_CN, pt_BR, ...)
 *   chapter: An image is a matrix of numbers              (starts a chapter)
 *   page: Smoothing                                       (starts a page; the title is optional)
 *   Each page shows up to 6 lines of text. *Stars* mark emphasis.
 *   @view step                                            (directives: '@' NAME ARGUMENTS)
 *   @question What will this window sum to?
 *   @answer 6600
 *
 * Blank lines are ignored; leading and trailing blanks of a line are dropped. Text lines keep
 * their emphasis marks: *a few words* between single stars, \* for a star and \\ for a
 * backslash. Directives (each at most once per page; NAME is case-sensitive):
 *
 *   @view train|step|backprop        @dataset NAME|DIR        @net PRESET|SPEC
 *   @kernel PRESET|FILE              @image demo:NAME|FILE    @probe N|FILE
 *   @stride S   @pad P   @relu on|off   @at X,Y|start|end     (the step view; start: the empty
 *                                                            map, end: the whole map computed)
 *   @loss xent|mse   @optimizer sgd|adam   @lr X   @seed N   (the run)
 *   @speed full|N (batches per second)   @step-unit term|position|image
 *   @paused   @running   @restart (fresh random weights)   @run N (train N batches, then pause)
 *   @timeline start|live|play|stop|record N
 *   @enlarge none|kernels [LAYER]|maps LAYER|output|curves|input|grids|equation
 *   @highlight none|pause|step|speed|restart|lr|probe|timeline|kernels|maps|output|curves|
 *              stride|pad|relu|window|equation|loss
 *   @phase forward|loss|output-gradient|map-gradients|weight-gradient|update|forward-again
 *   @presenter on|off
 *   @wait key KEY [HINT]   |   @wait event epoch|map-complete|phase-end|click [HINT]
 *   @question TEXT   @answer TEXT (revealed by the next click; needs a question before it)
 *
 * A FILE or DIR contains a '/' or a '.', so a misspelt preset is an error, not a path; paths
 * are relative to the lesson file and opened by the window, not here. A SPEC starts with
 * "input". KEY is an SDL key name (space, Return, Right, Left, Up, Down, Home, End, Tab) or one
 * printable ASCII character. LAYER is a layer name such as conv1, relu2 or pool1.
 *
 * Errors: one line "FILE:LINE:COLUMN: what was expected, and what was found", where COLUMN
 * counts characters (code points) from 1. Budgets: the file at most CS_LESSON_MAX_BYTES, a line
 * at most CS_LESSON_MAX_LINE bytes, CS_LESSON_MAX_CHAPTERS chapters, CS_LESSON_MAX_PAGES pages,
 * CS_LESSON_MAX_TEXT_LINES text lines of at most CS_LESSON_MAX_TEXT_CHARS characters per page.
 * The text must be valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) with
 * no control characters but tabs; a UTF-8 byte-order mark at the start and CRLF line ends are
 * accepted. A failed parse leaves nothing allocated: never a half-loaded lesson.
 */
#ifndef CS_LESSON_H
#define CS_LESSON_H

#include <stddef.h>

#include "cs_error.h"

#define CS_LESSON_MAX_BYTES (1 << 20)
#define CS_LESSON_MAX_LINE 1024
#define CS_LESSON_MAX_CHAPTERS 64
#define CS_LESSON_MAX_PAGES 1000
#define CS_LESSON_MAX_TEXT_LINES 6
#define CS_LESSON_MAX_TEXT_CHARS 200

typedef enum {
    CS_LD_VIEW,
    CS_LD_DATASET,
    CS_LD_NET,
    CS_LD_KERNEL,
    CS_LD_IMAGE,
    CS_LD_PROBE,
    CS_LD_STRIDE,
    CS_LD_PAD,
    CS_LD_RELU,
    CS_LD_AT,
    CS_LD_LOSS,
    CS_LD_OPTIMIZER,
    CS_LD_LR,
    CS_LD_SEED,
    CS_LD_SPEED,
    CS_LD_STEP_UNIT,
    CS_LD_PAUSED,
    CS_LD_RUNNING,
    CS_LD_RESTART,
    CS_LD_RUN,
    CS_LD_TIMELINE,
    CS_LD_ENLARGE,
    CS_LD_HIGHLIGHT,
    CS_LD_PHASE,
    CS_LD_PRESENTER,
    CS_LD_WAIT,
    CS_LD_QUESTION,
    CS_LD_ANSWER,
    CS_LD_COUNT
} cs_lesson_directive_kind;

/* Choices of the enumerated directives, in the order the format above lists them. */
enum { CS_LESSON_VIEW_TRAIN, CS_LESSON_VIEW_STEP, CS_LESSON_VIEW_BACKPROP };
enum { CS_LESSON_TIMELINE_START, CS_LESSON_TIMELINE_LIVE, CS_LESSON_TIMELINE_PLAY, CS_LESSON_TIMELINE_STOP,
       CS_LESSON_TIMELINE_RECORD };
enum { CS_LESSON_ENLARGE_NONE, CS_LESSON_ENLARGE_KERNELS, CS_LESSON_ENLARGE_MAPS, CS_LESSON_ENLARGE_OUTPUT,
       CS_LESSON_ENLARGE_CURVES, CS_LESSON_ENLARGE_INPUT, CS_LESSON_ENLARGE_GRIDS, CS_LESSON_ENLARGE_EQUATION };
enum { CS_LESSON_WAIT_KEY, CS_LESSON_WAIT_EVENT };
enum { CS_LESSON_AT_XY, CS_LESSON_AT_START, CS_LESSON_AT_END };

/* One directive as written. Which fields are used depends on the kind:
 *   choice   view, relu, loss, optimizer, step-unit, timeline, enlarge, highlight, phase,
 *            presenter (0 off, 1 on), wait (key/event): the index of the word in the list above;
 *            at: CS_LESSON_AT_XY, _START or _END
 *   number   stride, pad, seed, run, probe (index; -1 with a file), timeline record, speed
 *            (batches per second; 0 = full), x of at (-1 for start and end)
 *   number2  y of at
 *   real     lr
 *   text     dataset, net, kernel, image, probe file, enlarge layer, wait key or event,
 *            question, answer (owned; NULL when unused)
 *   hint     the wait's hint (owned; NULL when none) */
typedef struct {
    cs_lesson_directive_kind kind;
    int line, column;   /* of the '@', 1-based */
    int choice;
    long long number, number2;
    double real;
    char *text;
    char *hint;
} cs_lesson_directive;

typedef struct {
    char *title;                     /* may be "" (owned) */
    int line;                        /* of its "page:" line */
    char *text;                      /* the text lines joined by '\n', emphasis marks kept (owned) */
    int n_text_lines;
    cs_lesson_directive *directives; /* (n_directives) in file order, owned */
    int n_directives;
} cs_lesson_page;

typedef struct {
    char *title;                     /* owned */
    int line;
    cs_lesson_page *pages;           /* (n_pages), owned */
    int n_pages;
} cs_lesson_chapter;

typedef struct {
    char *title;                     /* owned */
    char language[16];               /* "en", "zh", "zh_CN", ... */
    cs_lesson_chapter *chapters;     /* (n_chapters), owned */
    int n_chapters;
    int n_pages;                     /* over all chapters */
} cs_lesson;

/* Parses len bytes of text (need not be NUL-terminated; NUL bytes are refused) into lesson,
 * naming `name` (a file name, for messages) in errors. On success the caller owns *lesson and
 * frees it with cs_lesson_free; on failure *lesson is zeroed, nothing is allocated and the
 * status is CS_ERR_FORMAT (or CS_ERR_NOMEM) with cs_last_error() = "name:line:column: ...".
 * This is the entry point for fuzzing: any bytes give a lesson or an error. */
cs_status cs_lesson_parse(cs_lesson *lesson, const char *name, const char *text, size_t len);

/* Reads path (at most CS_LESSON_MAX_BYTES, else CS_ERR_FORMAT naming the size) and parses it.
 * CS_ERR_IO when it cannot be read. */
cs_status cs_lesson_load(cs_lesson *lesson, const char *path);

void cs_lesson_free(cs_lesson *lesson);

/* The directive name of a kind ("view", "step-unit", ...). Static string. */
const char *cs_lesson_directive_name(cs_lesson_directive_kind kind);

/* The first directive of `kind` on page p, or NULL. */
const cs_lesson_directive *cs_lesson_find(const cs_lesson_page *p, cs_lesson_directive_kind kind);

/* What the app should look like on a page: the lasting settings written on this page or any
 * page before it in the lesson (view, dataset, net, kernel, image, probe, stride, pad, relu,
 * at, loss, optimizer, lr, seed, speed, step unit, paused/running, presenter), so going back or
 * jumping to a page restores the same set-up whatever was played with in between. Each entry
 * points at the directive that set it, or is NULL when no page so far has set it (the app's
 * default). The page's own actions (restart, run, timeline, enlarge, highlight, phase, wait,
 * question, answer) do not carry over: read them from the page itself. Pointers borrow from
 * the lesson. */
typedef struct {
    const cs_lesson_directive *setting[CS_LD_COUNT]; /* indexed by kind; NULL for the actions */
    int paused;                                       /* 1 paused, 0 running, -1 not said */
} cs_lesson_setup;

/* Fills *setup for page `page` (0-based) of chapter `chapter` (0-based); both must exist. */
void cs_lesson_setup_at(const cs_lesson *lesson, int chapter, int page, cs_lesson_setup *setup);

/* Walks the emphasis spans of one line of page text: sets *start, *len and *emphasis for the
 * next span (escapes still in it: "\*" stands for '*', "\\" for '\') and advances *cursor; 0 at
 * the end of the line or text. The text was validated, so stars always pair within a line. */
int cs_lesson_next_span(const char **cursor, const char **start, size_t *len, int *emphasis);

#endif
