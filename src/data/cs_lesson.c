/* cs_lesson.c - the lesson file parser (format, budgets and errors in cs_lesson.h).
 *
 * The whole text is checked first (size, NUL bytes, UTF-8, control characters), then read line
 * by line: headers, chapters, pages, text lines and directives. Directives are parsed from one
 * table of {name, argument shape, words}, which also names them in messages. Every error is one
 * line "FILE:LINE:COLUMN: expected ..., found ..." and frees everything parsed so far. */
#include "cs_file.h"
#include "cs_lesson.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_demo_images.h"
#include "cs_filters.h"
#include "cs_net.h"

/* ---- errors ------------------------------------------------------------------------ */

/* Where the parser is: the file name, the current line and its first byte. */
typedef struct {
    const char *name;
    int line;
    const char *line_start;
} where;

/* 1-based column in code points of byte `at` of the current line. */
static int column_of(const where *w, const char *at)
{
    int col = 1;
    for (const char *p = w->line_start; p < at; p++)
        if (((unsigned char)*p & 0xC0) != 0x80) col++;
    return col;
}

static cs_status fail_at(const where *w, const char *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static cs_status fail_at(const where *w, const char *at, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cs_fail(CS_ERR_FORMAT, "%s:%d:%d: %s", w->name, w->line, at ? column_of(w, at) : 1, msg);
}

/* Copies up to 40 bytes of [s, e) into buf for a message, cut at a character boundary. */
static const char *quote(char *buf, size_t size, const char *s, const char *e)
{
    size_t n = (size_t)(e - s), max = size - 4 < 40 ? size - 4 : 40;
    int cut = n > max;
    if (cut) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
    memcpy(buf, s, n);
    strcpy(buf + n, cut ? "..." : "");
    return buf;
}

/* ---- checking the whole text -------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (before end), or 0 (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF). */
static int utf8_length(const unsigned char *p, const unsigned char *end)
{
    const unsigned char c = p[0];
    if (c < 0x80) return 1;
    int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || c > 0xF4 || end - p < n) return 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0; /* overlong */
    if (c == 0xED && p[1] >= 0xA0) return 0; /* surrogate */
    if (c == 0xF0 && p[1] < 0x90) return 0; /* overlong */
    if (c == 0xF4 && p[1] >= 0x90) return 0; /* past U+10FFFF */
    return n;
}

static cs_status check_text(const char *name, const char *text, size_t len)
{
    where w = {name, 1, text};
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    while (p < end) {
        if (*p == '\n') {
            if ((const char *)p - w.line_start > CS_LESSON_MAX_LINE)
                return fail_at(&w, NULL, "line is %ld bytes long: expected at most %d",
                               (long)((const char *)p - w.line_start), CS_LESSON_MAX_LINE);
            w.line++;
            w.line_start = (const char *)++p;
            continue;
        }
        if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
            p++;
            continue;
        }
        if (*p < 0x20 && *p != '\t')
            return fail_at(&w, (const char *)p, "expected text, found the control character 0x%02X", *p);
        const int n = utf8_length(p, end);
        if (n == 0) return fail_at(&w, (const char *)p, "expected UTF-8 text, found the byte 0x%02X", *p);
        p += n;
    }
    if ((const char *)p - w.line_start > CS_LESSON_MAX_LINE)
        return fail_at(&w, NULL, "line is %ld bytes long: expected at most %d", (long)((const char *)p - w.line_start),
                       CS_LESSON_MAX_LINE);
    return CS_OK;
}

/* ---- growing the lesson --------------------------------------------------------------- */

static int grow(void **items, int *cap, int n, size_t size)
{
    if (n < *cap) return 1;
    const int ncap = *cap ? *cap * 2 : 8;
    void *p = realloc(*items, (size_t)ncap * size);
    if (!p) return 0;
    *items = p;
    *cap = ncap;
    return 1;
}

static char *dup_range(const char *s, const char *e)
{
    char *d = malloc((size_t)(e - s) + 1);
    if (d) {
        memcpy(d, s, (size_t)(e - s));
        d[e - s] = '\0';
    }
    return d;
}

static void free_page(cs_lesson_page *pg)
{
    for (int i = 0; i < pg->n_directives; i++) {
        free(pg->directives[i].text);
        free(pg->directives[i].hint);
    }
    free(pg->directives);
    free(pg->title);
    free(pg->text);
}

void cs_lesson_free(cs_lesson *lesson)
{
    for (int c = 0; c < lesson->n_chapters; c++) {
        cs_lesson_chapter *ch = &lesson->chapters[c];
        for (int p = 0; p < ch->n_pages; p++) free_page(&ch->pages[p]);
        free(ch->pages);
        free(ch->title);
    }
    free(lesson->chapters);
    free(lesson->title);
    memset(lesson, 0, sizeof *lesson);
}

/* The parser's state across lines. */
typedef struct {
    where w;
    cs_lesson *lesson;
    int chapter_cap, page_cap, directive_cap;
    int title_line, language_line;
    int text_chars;        /* bytes of the current page's text */
    int seen[CS_LD_COUNT]; /* line of each directive kind on the current page, 0 if none */
} parser;

static cs_lesson_chapter *chapter_now(parser *ps)
{
    return ps->lesson->n_chapters ? &ps->lesson->chapters[ps->lesson->n_chapters - 1] : NULL;
}

static cs_lesson_page *page_now(parser *ps)
{
    cs_lesson_chapter *ch = chapter_now(ps);
    return ch && ch->n_pages ? &ch->pages[ch->n_pages - 1] : NULL;
}

/* A page must say something: text or a question. */
static cs_status close_page(parser *ps)
{
    const cs_lesson_page *pg = page_now(ps);
    if (!pg || pg->n_text_lines > 0 || ps->seen[CS_LD_QUESTION]) return CS_OK;
    return cs_fail(CS_ERR_FORMAT, "%s:%d:1: page %d of chapter %d has no text: expected a text line or @question "
                   "before the next page", ps->w.name, pg->line, chapter_now(ps)->n_pages, ps->lesson->n_chapters);
}

static cs_status new_page(parser *ps, const char *title, const char *title_end)
{
    cs_status st = close_page(ps);
    if (st) return st;
    cs_lesson_chapter *ch = chapter_now(ps);
    if (ps->lesson->n_pages >= CS_LESSON_MAX_PAGES)
        return fail_at(&ps->w, NULL, "too many pages: expected at most %d in a lesson", CS_LESSON_MAX_PAGES);
    if (ch->n_pages == 0) ps->page_cap = 0;
    if (!grow((void **)&ch->pages, &ps->page_cap, ch->n_pages, sizeof *ch->pages))
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
    cs_lesson_page *pg = &ch->pages[ch->n_pages];
    memset(pg, 0, sizeof *pg);
    ch->n_pages++;
    ps->lesson->n_pages++;
    pg->line = ps->w.line;
    pg->title = dup_range(title, title_end);
    if (!pg->title) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
    ps->directive_cap = 0;
    ps->text_chars = 0;
    memset(ps->seen, 0, sizeof ps->seen);
    return CS_OK;
}

static cs_status new_chapter(parser *ps, const char *title, const char *title_end)
{
    cs_status st = close_page(ps);
    if (st) return st;
    cs_lesson *l = ps->lesson;
    if (!l->title) return fail_at(&ps->w, NULL, "expected 'title:' before the first chapter, found 'chapter:'");
    if (!l->language[0]) return fail_at(&ps->w, NULL, "expected 'language:' before the first chapter, found 'chapter:'");
    if (title == title_end) return fail_at(&ps->w, title, "expected the chapter's title after 'chapter:', found nothing");
    if (l->n_chapters >= CS_LESSON_MAX_CHAPTERS)
        return fail_at(&ps->w, NULL, "too many chapters: expected at most %d", CS_LESSON_MAX_CHAPTERS);
    if (!grow((void **)&l->chapters, &ps->chapter_cap, l->n_chapters, sizeof *l->chapters))
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
    cs_lesson_chapter *ch = &l->chapters[l->n_chapters];
    memset(ch, 0, sizeof *ch);
    l->n_chapters++;
    ch->line = ps->w.line;
    ch->title = dup_range(title, title_end);
    if (!ch->title) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
    memset(ps->seen, 0, sizeof ps->seen);
    return CS_OK;
}

/* The page that text and directives go to: the current one, or a new untitled page right after
 * "chapter:". Refused before the first chapter. */
static cs_status page_for_content(parser *ps, const char *at, const char *what, cs_lesson_page **out)
{
    if (!chapter_now(ps)) return fail_at(&ps->w, at, "expected 'title:', 'language:' or 'chapter:', found %s", what);
    if (!page_now(ps)) {
        cs_status st = new_page(ps, at, at);
        if (st) return st;
    }
    *out = page_now(ps);
    return CS_OK;
}

/* ---- text lines ---------------------------------------------------------------------- */

/* Checks the emphasis marks and escapes of one text line [s, e). */
static cs_status check_emphasis(parser *ps, const char *s, const char *e)
{
    const char *open = NULL;
    for (const char *p = s; p < e; p++) {
        if (*p == '\\') {
            if (p + 1 < e && (p[1] == '*' || p[1] == '\\')) {
                p++;
                continue;
            }
            return fail_at(&ps->w, p, "expected \\* or \\\\ after a backslash in text, found '\\%c'",
                           p + 1 < e ? p[1] : ' ');
        }
        if (*p != '*') continue;
        if (!open) {
            open = p;
        } else if (p == open + 1) {
            return fail_at(&ps->w, open, "expected emphasised words between the stars, found '**'");
        } else {
            open = NULL;
        }
    }
    if (open) return fail_at(&ps->w, open, "expected a closing '*' on this line for the emphasis opened here");
    return CS_OK;
}

static cs_status add_text(parser *ps, const char *s, const char *e)
{
    cs_lesson_page *pg;
    cs_status st = page_for_content(ps, s, "text", &pg);
    if (st) return st;
    if (pg->n_text_lines >= CS_LESSON_MAX_TEXT_LINES)
        return fail_at(&ps->w, s, "expected at most %d text lines on a page, found line %d (start a new page with "
                       "'page:')", CS_LESSON_MAX_TEXT_LINES, pg->n_text_lines + 1);
    if (column_of(&ps->w, e) - column_of(&ps->w, s) > CS_LESSON_MAX_TEXT_CHARS)
        return fail_at(&ps->w, s, "expected a text line of at most %d characters, found %d", CS_LESSON_MAX_TEXT_CHARS,
                       column_of(&ps->w, e) - column_of(&ps->w, s));
    if ((st = check_emphasis(ps, s, e))) return st;
    const size_t old = pg->text ? strlen(pg->text) : 0, add = (size_t)(e - s);
    char *t = realloc(pg->text, old + add + 2);
    if (!t) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
    if (old) t[old] = '\n';
    memcpy(t + old + (old ? 1 : 0), s, add);
    t[old + (old ? 1 : 0) + add] = '\0';
    pg->text = t;
    pg->n_text_lines++;
    return CS_OK;
}

/* ---- directives ---------------------------------------------------------------------- */

typedef enum {
    ARG_NONE,     /* nothing follows */
    ARG_CHOICE,   /* one word of `words` */
    ARG_INT,      /* an integer in [lo, hi] */
    ARG_REAL,     /* a number in (0, hi] */
    ARG_XY,       /* X,Y integers in [lo, hi] */
    ARG_REST,     /* the rest of the line, not empty */
    ARG_DATASET,  /* a dataset name or a folder */
    ARG_NET,      /* a preset or a spec */
    ARG_KERNEL,   /* a kernel preset or file */
    ARG_IMAGE,    /* demo:NAME or a file */
    ARG_PROBE,    /* an index or a file */
    ARG_SPEED,    /* full or a number of batches per second */
    ARG_TIMELINE, /* a word, "record N" */
    ARG_ENLARGE,  /* a word, a layer for kernels (optional) and maps (required) */
    ARG_WAIT,     /* key KEY [hint] | event EVENT [hint] */
} arg_shape;

static const struct {
    const char *name;
    cs_lesson_directive_kind kind;
    arg_shape shape;
    const char *words; /* for ARG_CHOICE and the words of the others, '|'-separated */
    long long lo, hi;
} directives[] = {
    {"view", CS_LD_VIEW, ARG_CHOICE, "train|step|backprop", 0, 0},
    {"dataset", CS_LD_DATASET, ARG_DATASET, "shapes|colour-shapes|color-shapes|fashion-mnist|mnist|cifar10", 0, 0},
    {"net", CS_LD_NET, ARG_NET, NULL, 0, 0},
    {"kernel", CS_LD_KERNEL, ARG_KERNEL, NULL, 0, 0},
    {"image", CS_LD_IMAGE, ARG_IMAGE, NULL, 0, 0},
    {"probe", CS_LD_PROBE, ARG_PROBE, NULL, 0, 99999999},
    {"stride", CS_LD_STRIDE, ARG_INT, NULL, 1, 16},
    {"pad", CS_LD_PAD, ARG_INT, NULL, 0, 16},
    {"relu", CS_LD_RELU, ARG_CHOICE, "off|on", 0, 0},
    {"at", CS_LD_AT, ARG_XY, NULL, 0, 4095},
    {"loss", CS_LD_LOSS, ARG_CHOICE, "xent|mse", 0, 0},
    {"optimizer", CS_LD_OPTIMIZER, ARG_CHOICE, "sgd|adam", 0, 0},
    {"lr", CS_LD_LR, ARG_REAL, NULL, 0, 10},
    {"seed", CS_LD_SEED, ARG_INT, NULL, 0, 4294967295LL},
    {"speed", CS_LD_SPEED, ARG_SPEED, NULL, 1, 1000},
    {"step-unit", CS_LD_STEP_UNIT, ARG_CHOICE, "term|position|image", 0, 0},
    {"paused", CS_LD_PAUSED, ARG_NONE, NULL, 0, 0},
    {"running", CS_LD_RUNNING, ARG_NONE, NULL, 0, 0},
    {"restart", CS_LD_RESTART, ARG_NONE, NULL, 0, 0},
    {"run", CS_LD_RUN, ARG_INT, NULL, 1, 10000000},
    {"timeline", CS_LD_TIMELINE, ARG_TIMELINE, "start|live|play|stop|record", 0, 1000000000},
    {"enlarge", CS_LD_ENLARGE, ARG_ENLARGE, "none|kernels|maps|output|curves|input|grids|equation", 0, 0},
    {"highlight", CS_LD_HIGHLIGHT, ARG_CHOICE,
     "none|pause|step|speed|restart|lr|probe|timeline|kernels|maps|output|curves|stride|pad|relu|window|equation|loss",
     0, 0},
    {"phase", CS_LD_PHASE, ARG_CHOICE, "forward|loss|output-gradient|map-gradients|weight-gradient|update|forward-again",
     0, 0},
    {"presenter", CS_LD_PRESENTER, ARG_CHOICE, "off|on", 0, 0},
    {"wait", CS_LD_WAIT, ARG_WAIT, "key|event", 0, 0},
    {"question", CS_LD_QUESTION, ARG_REST, NULL, 0, 0},
    {"answer", CS_LD_ANSWER, ARG_REST, NULL, 0, 0},
};
enum { N_DIRECTIVES = sizeof directives / sizeof directives[0] };

static const char *const wait_events = "epoch|map-complete|phase-end|click";
static const char *const wait_keys = "space|Return|Right|Left|Up|Down|Home|End|Tab";

const char *cs_lesson_directive_name(cs_lesson_directive_kind kind)
{
    for (int i = 0; i < N_DIRECTIVES; i++)
        if (directives[i].kind == kind) return directives[i].name;
    return "?";
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* The next blank-separated word of [*p, e): sets [*ws, *we) and moves *p past it. 0 if none. */
static int next_word(const char **p, const char *e, const char **ws, const char **we)
{
    const char *s = *p;
    while (s < e && is_blank(*s)) s++;
    if (s == e) return 0;
    const char *t = s;
    while (t < e && !is_blank(*t)) t++;
    *ws = s, *we = t, *p = t;
    return 1;
}

/* Index of [s, e) in the '|'-separated list, or -1. */
static int word_index(const char *list, const char *s, const char *e)
{
    const size_t n = (size_t)(e - s);
    int i = 0;
    for (const char *w = list; *w; i++) {
        const char *bar = strchr(w, '|');
        const size_t len = bar ? (size_t)(bar - w) : strlen(w);
        if (len == n && memcmp(w, s, n) == 0) return i;
        if (!bar) break;
        w = bar + 1;
    }
    return -1;
}

/* A file or folder path: contains '/' or '.'. */
static int looks_like_path(const char *s, const char *e)
{
    return memchr(s, '/', (size_t)(e - s)) || memchr(s, '.', (size_t)(e - s));
}

static cs_status parse_integer(parser *ps, const char *s, const char *e, long long lo, long long hi, long long *out)
{
    char buf[32], found[64];
    if (e - s <= 0 || e - s >= (long)sizeof buf) goto bad;
    memcpy(buf, s, (size_t)(e - s));
    buf[e - s] = '\0';
    for (const char *c = buf; *c; c++)
        if (!isdigit((unsigned char)*c)) goto bad;
    errno = 0;
    const long long v = strtoll(buf, NULL, 10);
    if (errno == ERANGE || v < lo || v > hi) goto bad;
    *out = v;
    return CS_OK;
bad:
    return fail_at(&ps->w, s, "expected a whole number from %lld to %lld, found '%s'", lo, hi,
                   quote(found, sizeof found, s, e));
}

/* The value part of one directive: [s, e) after its name. */
static cs_status parse_value(parser *ps, int d, const char *s, const char *e, cs_lesson_directive *out);

static cs_status parse_directive(parser *ps, const char *s, const char *e)
{
    cs_lesson_page *pg;
    char found[64];
    cs_status st = page_for_content(ps, s, "a directive", &pg);
    if (st) return st;
    const char *p = s + 1, *ns = s + 1, *ne = s + 1;
    if (s + 1 == e || is_blank(s[1]))
        return fail_at(&ps->w, s + 1, "expected a directive name right after '@', found %s",
                       s + 1 == e ? "nothing" : "a blank");
    next_word(&p, e, &ns, &ne);
    int d = 0;
    while (d < N_DIRECTIVES && !(strlen(directives[d].name) == (size_t)(ne - ns) &&
                                 memcmp(directives[d].name, ns, (size_t)(ne - ns)) == 0))
        d++;
    if (d == N_DIRECTIVES)
        return fail_at(&ps->w, ns, "expected a directive (view, dataset, net, kernel, image, probe, stride, pad, "
                       "relu, at, loss, optimizer, lr, seed, speed, step-unit, paused, running, restart, run, "
                       "timeline, enlarge, highlight, phase, presenter, wait, question, answer), found '@%s'",
                       quote(found, sizeof found, ns, ne));
    const cs_lesson_directive_kind kind = directives[d].kind;
    if (ps->seen[kind])
        return fail_at(&ps->w, s, "expected one @%s per page, found a second (the first is on line %d)",
                       directives[d].name, ps->seen[kind]);
    if (kind == CS_LD_ANSWER && !ps->seen[CS_LD_QUESTION])
        return fail_at(&ps->w, s, "expected @question before @answer on this page, found @answer alone");
    if ((kind == CS_LD_PAUSED && ps->seen[CS_LD_RUNNING]) || (kind == CS_LD_RUNNING && ps->seen[CS_LD_PAUSED]))
        return fail_at(&ps->w, s, "expected either @paused or @running on a page, found both");
    cs_lesson_directive dir = {.kind = kind, .line = ps->w.line, .column = column_of(&ps->w, s), .number = -1};
    while (ne < e && is_blank(*ne)) ne++;
    if ((st = parse_value(ps, d, ne, e, &dir))) {
        free(dir.text);
        free(dir.hint);
        return st;
    }
    if (!grow((void **)&pg->directives, &ps->directive_cap, pg->n_directives, sizeof *pg->directives)) {
        free(dir.text);
        free(dir.hint);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
    }
    pg->directives[pg->n_directives++] = dir;
    ps->seen[kind] = ps->w.line;
    return CS_OK;
}

/* Sets out->text to [s, e), or fails for an empty value. */
static cs_status take_text(parser *ps, int d, const char *s, const char *e, cs_lesson_directive *out)
{
    if (s == e) return fail_at(&ps->w, s, "expected a value after @%s, found nothing", directives[d].name);
    out->text = dup_range(s, e);
    return out->text ? CS_OK : cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
}

static cs_status parse_named(parser *ps, int d, const char *s, const char *e, cs_lesson_directive *out)
{
    char found[64], word[64];
    const char *p = s, *ws, *we;
    const arg_shape shape = directives[d].shape;
    if (!next_word(&p, e, &ws, &we)) return take_text(ps, d, s, e, out);
    if (shape != ARG_NET && next_word(&p, e, &ws, &we))
        return fail_at(&ps->w, ws, "expected one value after @%s, found more: '%s'", directives[d].name,
                       quote(found, sizeof found, ws, e));
    quote(word, sizeof word, s, we);
    const char *dir = directives[d].name;
    int ok = 0;
    if (shape == ARG_DATASET) {
        ok = word_index(directives[d].words, s, we) >= 0 || looks_like_path(s, we);
        if (!ok)
            return fail_at(&ps->w, s, "expected a dataset (shapes, colour-shapes, fashion-mnist, mnist, cifar10) or a "
                           "folder path, found '%s'", word);
    } else if (shape == ARG_NET) {
        ok = (size_t)(we - s) < sizeof word - 4 && cs_net_preset_spec(word);
        for (int i = 0; !ok && i <= 5 && s + i <= e; i++)
            if (i == 5) ok = 1; /* "input" in any case starts a spec */
            else if (s + i == e || tolower((unsigned char)s[i]) != "input"[i]) break;
        if (!ok)
            return fail_at(&ps->w, s, "expected a net preset (%s) or a spec starting with 'input', found '%s'",
                           cs_net_preset_names(), word);
        return take_text(ps, d, s, e, out);
    } else if (shape == ARG_KERNEL) {
        cs_filter f;
        ok = looks_like_path(s, we) || ((size_t)(we - s) < sizeof word - 4 && cs_filter_preset(&f, word) == CS_OK);
        if (ok && !looks_like_path(s, we)) cs_filter_free(&f);
        if (!ok)
            return fail_at(&ps->w, s, "expected a kernel preset (%s) or a kernel file path, found '%s'",
                           cs_filter_preset_names(), word);
    } else {
        ok = looks_like_path(s, we);
        if (we - s > 5 && strncmp(s, "demo:", 5) == 0) {
            cs_demo_image img;
            ok = (size_t)(we - s) < sizeof word - 4 && cs_demo_make(&img, word + 5, 1) == CS_OK;
            if (ok) cs_demo_image_free(&img);
        }
        if (!ok)
            return fail_at(&ps->w, s, "expected demo:NAME (demos: %s) or an image file path after @%s, found '%s'",
                           cs_demo_names(), dir, word);
    }
    return take_text(ps, d, s, we, out);
}

static cs_status parse_wait(parser *ps, const char *s, const char *e, cs_lesson_directive *out)
{
    char found[64];
    const char *p = s, *ws, *we, *ks, *ke;
    if (!next_word(&p, e, &ws, &we) || (out->choice = word_index("key|event", ws, we)) < 0)
        return fail_at(&ps->w, s, "expected 'key' or 'event' after @wait, found '%s'", quote(found, sizeof found, s, e));
    if (!next_word(&p, e, &ks, &ke))
        return fail_at(&ps->w, we, "expected the %s to wait for, found nothing", out->choice ? "event" : "key");
    if (out->choice == CS_LESSON_WAIT_KEY) {
        const int printable = ke - ks == 1 && *ks > ' ' && *ks < 0x7F;
        if (!printable && word_index(wait_keys, ks, ke) < 0)
            return fail_at(&ps->w, ks, "expected a key (space, Return, Right, Left, Up, Down, Home, End, Tab or one "
                           "character), found '%s'", quote(found, sizeof found, ks, ke));
    } else if (word_index(wait_events, ks, ke) < 0) {
        return fail_at(&ps->w, ks, "expected an event (epoch, map-complete, phase-end, click), found '%s'",
                       quote(found, sizeof found, ks, ke));
    }
    if (!(out->text = dup_range(ks, ke))) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
    while (p < e && is_blank(*p)) p++;
    if (p < e && !(out->hint = dup_range(p, e))) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
    return CS_OK;
}

static cs_status parse_views(parser *ps, int d, const char *s, const char *e, cs_lesson_directive *out)
{
    char found[64];
    const char *p = s, *ws, *we, *ls, *le;
    if (!next_word(&p, e, &ws, &we) || (out->choice = word_index(directives[d].words, ws, we)) < 0)
        return fail_at(&ps->w, s, "expected one of %s after @%s, found '%s'", directives[d].words, directives[d].name,
                       quote(found, sizeof found, s, e));
    const int has_more = next_word(&p, e, &ls, &le);
    cs_status st = CS_OK;
    if (directives[d].shape == ARG_TIMELINE) {
        if (out->choice == CS_LESSON_TIMELINE_RECORD) {
            if (!has_more) return fail_at(&ps->w, we, "expected the record's step after 'record', found nothing");
            st = parse_integer(ps, ls, le, 0, directives[d].hi, &out->number);
        } else if (has_more) {
            return fail_at(&ps->w, ls, "expected nothing after '@timeline %s', found '%s'", directives[d].words,
                           quote(found, sizeof found, ls, e));
        }
    } else { /* enlarge: a layer after kernels (optional) and maps (required) */
        const int wants = out->choice == CS_LESSON_ENLARGE_KERNELS || out->choice == CS_LESSON_ENLARGE_MAPS;
        if (out->choice == CS_LESSON_ENLARGE_MAPS && !has_more)
            return fail_at(&ps->w, we, "expected a layer name after 'maps' (conv1, relu1, pool1, ...), found nothing");
        if (has_more && !wants)
            return fail_at(&ps->w, ls, "expected nothing after '@enlarge %.*s', found '%s'", (int)(we - ws), ws,
                           quote(found, sizeof found, ls, e));
        if (has_more) {
            const char *c = ls;
            while (c < le && islower((unsigned char)*c)) c++;
            const char *digits = c;
            while (c < le && isdigit((unsigned char)*c)) c++;
            if (digits == ls || digits == le || c != le || le - ls > 30)
                return fail_at(&ps->w, ls, "expected a layer name like conv1, relu2 or pool1, found '%s'",
                               quote(found, sizeof found, ls, le));
            if (!(out->text = dup_range(ls, le))) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
        }
    }
    if (!st && next_word(&p, e, &ls, &le))
        return fail_at(&ps->w, ls, "expected the end of the line, found '%s'", quote(found, sizeof found, ls, e));
    return st;
}

static cs_status parse_value(parser *ps, int d, const char *s, const char *e, cs_lesson_directive *out)
{
    char found[64];
    const arg_shape shape = directives[d].shape;
    const char *p = s, *ws = s, *we = s, *xs, *xe;
    const int has = next_word(&p, e, &ws, &we);
    const int one = has && !next_word(&p, e, &xs, &xe);
    switch (shape) {
    case ARG_NONE:
        if (has) return fail_at(&ps->w, ws, "expected nothing after @%s, found '%s'", directives[d].name,
                                quote(found, sizeof found, ws, e));
        return CS_OK;
    case ARG_CHOICE:
        if (!one || (out->choice = word_index(directives[d].words, ws, we)) < 0)
            return fail_at(&ps->w, has ? ws : s, "expected one of %s after @%s, found '%s'", directives[d].words,
                           directives[d].name, quote(found, sizeof found, s, e));
        return CS_OK;
    case ARG_INT:
        if (!one) return fail_at(&ps->w, has ? ws : s, "expected one whole number after @%s, found '%s'",
                                 directives[d].name, quote(found, sizeof found, s, e));
        return parse_integer(ps, ws, we, directives[d].lo, directives[d].hi, &out->number);
    case ARG_SPEED:
        if (one && word_index("full", ws, we) == 0) {
            out->number = 0;
            return CS_OK;
        }
        if (!one) return fail_at(&ps->w, s, "expected 'full' or batches per second after @speed, found '%s'",
                                 quote(found, sizeof found, s, e));
        return parse_integer(ps, ws, we, directives[d].lo, directives[d].hi, &out->number);
    case ARG_REAL: {
        char buf[40], *end;
        if (one && we - ws < (long)sizeof buf) {
            memcpy(buf, ws, (size_t)(we - ws));
            buf[we - ws] = '\0';
            errno = 0;
            out->real = strtod(buf, &end);
            if (*end == '\0' && errno == 0 && isfinite(out->real) && out->real > 0 && out->real <= directives[d].hi)
                return CS_OK;
        }
        return fail_at(&ps->w, has ? ws : s, "expected a number above 0 and at most %lld after @%s, found '%s'",
                       directives[d].hi, directives[d].name, quote(found, sizeof found, s, e));
    }
    case ARG_XY: {
        /* "start": the empty map at the first position; "end": the whole map computed */
        if (one && ((we - ws == 5 && memcmp(ws, "start", 5) == 0) || (we - ws == 3 && memcmp(ws, "end", 3) == 0))) {
            out->choice = *ws == 's' ? CS_LESSON_AT_START : CS_LESSON_AT_END;
            out->number = out->number2 = -1;
            return CS_OK;
        }
        const char *comma = one ? memchr(ws, ',', (size_t)(we - ws)) : NULL;
        if (!comma) return fail_at(&ps->w, has ? ws : s,
                                   "expected X,Y (output column and row), start or end after @at, found '%s'",
                                   quote(found, sizeof found, s, e));
        out->choice = CS_LESSON_AT_XY;
        cs_status st = parse_integer(ps, ws, comma, directives[d].lo, directives[d].hi, &out->number);
        return st ? st : parse_integer(ps, comma + 1, we, directives[d].lo, directives[d].hi, &out->number2);
    }
    case ARG_PROBE:
        if (one && isdigit((unsigned char)*ws) && !looks_like_path(ws, we))
            return parse_integer(ps, ws, we, directives[d].lo, directives[d].hi, &out->number);
        if (one && looks_like_path(ws, we)) return take_text(ps, d, ws, we, out);
        return fail_at(&ps->w, has ? ws : s, "expected a probe index or an image file path after @probe, found '%s'",
                       quote(found, sizeof found, s, e));
    case ARG_REST: return take_text(ps, d, s, e, out);
    case ARG_WAIT: return parse_wait(ps, s, e, out);
    case ARG_TIMELINE:
    case ARG_ENLARGE: return parse_views(ps, d, s, e, out);
    default: return parse_named(ps, d, s, e, out);
    }
}

/* ---- lines ------------------------------------------------------------------------- */

/* "key:" at the start of [s, e): returns the value's start (blanks skipped), or NULL. */
static const char *header_value(const char *key, const char *s, const char *e)
{
    const size_t n = strlen(key);
    if ((size_t)(e - s) < n || memcmp(s, key, n) != 0) return NULL;
    s += n;
    while (s < e && is_blank(*s)) s++;
    return s;
}

static cs_status parse_header(parser *ps, int is_title, const char *v, const char *e)
{
    char found[64];
    cs_lesson *l = ps->lesson;
    const char *key = is_title ? "title" : "language";
    int *line = is_title ? &ps->title_line : &ps->language_line;
    if (chapter_now(ps))
        return fail_at(&ps->w, NULL, "expected '%s:' only before the first chapter (line %d), found it inside chapter %d",
                       key, l->chapters[0].line, l->n_chapters);
    if (*line) return fail_at(&ps->w, NULL, "expected one '%s:' line, found a second (the first is on line %d)", key,
                              *line);
    if (v == e) return fail_at(&ps->w, v, "expected a value after '%s:', found nothing", key);
    *line = ps->w.line;
    if (is_title) {
        l->title = dup_range(v, e);
        return l->title ? CS_OK : cs_fail(CS_ERR_NOMEM, "%s: out of memory", ps->w.name);
    }
    /* ll or lll, optionally _CC: the gettext locale form */
    const char *c = v;
    while (c < e && islower((unsigned char)*c)) c++;
    int ok = c - v >= 2 && c - v <= 3;
    if (ok && c < e) ok = e - c == 3 && c[0] == '_' && isupper((unsigned char)c[1]) && isupper((unsigned char)c[2]);
    if (!ok) return fail_at(&ps->w, v, "expected a language code like en, zh or zh_CN, found '%s'",
                            quote(found, sizeof found, v, e));
    memcpy(l->language, v, (size_t)(e - v));
    l->language[e - v] = '\0';
    return CS_OK;
}

static cs_status parse_line(parser *ps, const char *s, const char *e)
{
    while (s < e && is_blank(*s)) s++;
    while (e > s && is_blank(e[-1])) e--;
    if (s == e || *s == '#') return CS_OK;
    const char *v;
    if ((v = header_value("title:", s, e))) return parse_header(ps, 1, v, e);
    if ((v = header_value("language:", s, e))) return parse_header(ps, 0, v, e);
    if ((v = header_value("chapter:", s, e))) return new_chapter(ps, v, e);
    if ((v = header_value("page:", s, e))) {
        if (!chapter_now(ps)) return fail_at(&ps->w, s, "expected 'chapter:' before the first 'page:'");
        return new_page(ps, v, e);
    }
    if (*s == '@') return parse_directive(ps, s, e);
    /* a backslash lets a text line start with '@', '#' or a keyword */
    if (*s == '\\' && e - s > 1 &&
        (s[1] == '@' || s[1] == '#' || header_value("title:", s + 1, e) || header_value("language:", s + 1, e) ||
         header_value("chapter:", s + 1, e) || header_value("page:", s + 1, e)))
        s++;
    return add_text(ps, s, e);
}

cs_status cs_lesson_parse(cs_lesson *lesson, const char *name, const char *text, size_t len)
{
    memset(lesson, 0, sizeof *lesson);
    if (!name) name = "lesson";
    if (!text) text = "", len = 0;
    if (len > CS_LESSON_MAX_BYTES)
        return cs_fail(CS_ERR_FORMAT, "%s: %zu bytes: expected a lesson of at most %d bytes", name, len,
                       CS_LESSON_MAX_BYTES);
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        where w = {name, 1, text};
        for (const char *p = text; p < nul; p++)
            if (*p == '\n') w.line++, w.line_start = p + 1;
        return fail_at(&w, nul, "expected text, found a NUL byte");
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
    cs_status st = check_text(name, text, len);
    if (st) return st;
    parser ps = {.w = {name, 0, text}, .lesson = lesson};
    const char *end = text + len;
    for (const char *s = text; s <= end && !st;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        ps.w.line++;
        ps.w.line_start = s;
        st = parse_line(&ps, s, e > s && e[-1] == '\r' ? e - 1 : e);
        if (!nl) break;
        s = nl + 1;
    }
    if (!st) st = close_page(&ps);
    if (!st && lesson->n_chapters == 0)
        st = cs_fail(CS_ERR_FORMAT, "%s:%d:1: expected at least one 'chapter:' with a page, found none", name, ps.w.line);
    for (int c = 0; !st && c < lesson->n_chapters; c++)
        if (lesson->chapters[c].n_pages == 0)
            st = cs_fail(CS_ERR_FORMAT, "%s:%d:1: chapter %d has no page: expected text or 'page:' after 'chapter:'", name,
                         lesson->chapters[c].line, c + 1);
    if (st) cs_lesson_free(lesson);
    return st;
}

cs_status cs_lesson_load(cs_lesson *lesson, const char *path)
{
    memset(lesson, 0, sizeof *lesson);
    FILE *f;
    const cs_status ost = cs_file_open_read(path, "the lesson", &f, NULL);
    if (ost) return ost;
    char *buf = malloc(CS_LESSON_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
    }
    const size_t n = fread(buf, 1, CS_LESSON_MAX_BYTES + 1, f);
    const int bad = ferror(f);
    fclose(f);
    cs_status st;
    if (bad) st = cs_fail(CS_ERR_IO, "%s: cannot read the lesson", path);
    else if (n > CS_LESSON_MAX_BYTES)
        st = cs_fail(CS_ERR_FORMAT, "%s: more than %d bytes: expected a lesson of at most %d bytes", path,
                     CS_LESSON_MAX_BYTES, CS_LESSON_MAX_BYTES);
    else st = cs_lesson_parse(lesson, path, buf, n);
    free(buf);
    return st;
}

/* ---- reading a parsed lesson --------------------------------------------------------------- */

const cs_lesson_directive *cs_lesson_find(const cs_lesson_page *p, cs_lesson_directive_kind kind)
{
    for (int i = 0; i < p->n_directives; i++)
        if (p->directives[i].kind == kind) return &p->directives[i];
    return NULL;
}

/* Settings that last from page to page (the rest are the page's own actions). */
static int is_lasting(cs_lesson_directive_kind k)
{
    return k <= CS_LD_STEP_UNIT || k == CS_LD_PRESENTER;
}

void cs_lesson_setup_at(const cs_lesson *lesson, int chapter, int page, cs_lesson_setup *setup)
{
    memset(setup, 0, sizeof *setup);
    setup->paused = -1;
    for (int c = 0; c <= chapter && c < lesson->n_chapters; c++) {
        const cs_lesson_chapter *ch = &lesson->chapters[c];
        const int last = c == chapter ? page : ch->n_pages - 1;
        for (int p = 0; p <= last && p < ch->n_pages; p++)
            for (int i = 0; i < ch->pages[p].n_directives; i++) {
                const cs_lesson_directive *d = &ch->pages[p].directives[i];
                if (is_lasting(d->kind)) setup->setting[d->kind] = d;
                if (d->kind == CS_LD_PAUSED) setup->paused = 1;
                if (d->kind == CS_LD_RUNNING) setup->paused = 0;
            }
    }
}

int cs_lesson_next_span(const char **cursor, const char **start, size_t *len, int *emphasis)
{
    const char *p = *cursor;
    if (!*p || *p == '\n') return 0;
    *emphasis = *p == '*';
    if (*emphasis) p++;
    *start = p;
    while (*p && *p != '\n' && *p != '*') p += *p == '\\' && (p[1] == '*' || p[1] == '\\') ? 2 : 1;
    *len = (size_t)(p - *start);
    if (*emphasis && *p == '*') p++;
    *cursor = p;
    return 1;
}
