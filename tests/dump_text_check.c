/* dump_text_check.c - checks the window's --dump-text JSON (cs_textlog.h's format): that no two
 * strings drawn at the same depth overlap, every string lies inside the box it had to fit and
 * inside the window, every number cell holds a number, no text is smaller than the frame's
 * minimum (in presenter mode at least 1/45 of the window's height); and, against the frame's
 * screenshot, that presenter text reaches its contrast ratio in the pixels actually drawn.
 *
 * usage: dump_text_check check DUMP.json [--min-values N] [--contains TEXT] [--view NAME]
 *        dump_text_check contrast DUMP.json SHOT.png RATIO
 *          the strongest ink in each text rectangle against the rectangle's background (the
 *          colour most of its edge pixels have), WCAG 2.x ratio, for text of at least 14 px
 *        dump_text_check frame DUMP.json W H
 *          the frame is W x H and its text reaches the bottom (status line) and the right side:
 *          the layout was made for the real drawable size
 *        dump_text_check point DUMP.json TARGET
 *          prints "X Y", the centre of click target TARGET ("map conv1 3"), for --script clicks
 *        dump_text_check minpx DUMP.json...
 *          prints the smallest text size in each dump (for the notes)
 *        dump_text_check lang DUMP.json MIN
 *          a frame drawn in Chinese: at least MIN strings hold Chinese, and none is left in English
 *          (a string without a Chinese character that has an English word of three or more letters
 *          other than the names that stay: layer kinds, "sum", key names, optimizers)
 * Prints one line per failed check and a summary; exits 1 if any check failed, 2 on bad input. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_image.h"

typedef struct {
    char kind[16];
    char text[512];
    double rect[4], fit[4];
    int px, z;
} entry;

typedef struct {
    char view[32], hidden[96];
    double w, h, scale;
    int present, min_px;
    entry *e;
    int n;
} dump;

/* ---- a reader for the dump's flat JSON ---------------------------------------------------- */

static const char *skip(const char *p)
{
    while (*p && isspace((unsigned char)*p)) p++;
    return p;
}

/* A JSON string at p into out (UTF-8 kept, the dump's escapes undone); returns the position after it. */
static const char *string(const char *p, char *out, size_t size)
{
    size_t o = 0;
    if (*p != '"') return NULL;
    for (p++; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\') {
            p++;
            if (*p == 'n') c = '\n';
            else if (*p == 'u') {
                c = (char)strtol((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
                p += 4;
            } else c = *p;
        }
        if (o + 1 < size) out[o++] = c;
    }
    out[o] = '\0';
    return *p == '"' ? p + 1 : NULL;
}

static const char *numbers(const char *p, double *v, int n)
{
    if (*p != '[') return NULL;
    p++;
    for (int i = 0; i < n; i++) {
        char *end;
        v[i] = strtod(skip(p), &end);
        p = skip(end);
        if (*p == ',') p++;
    }
    p = skip(p);
    return *p == ']' ? p + 1 : NULL;
}

static int parse(const char *path, dump *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "dump_text_check: cannot open %s\n", path);
        return 0;
    }
    fseek(f, 0, SEEK_END);
    const long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        return 0;
    }
    buf[size] = '\0';
    fclose(f);
    memset(d, 0, sizeof *d);
    int cap = 0, ok = 1;
    const char *p = skip(buf);
    if (*p++ != '[') ok = 0;
    while (ok && *(p = skip(p)) == '{') {
        entry e;
        memset(&e, 0, sizeof e);
        dump fr;
        memset(&fr, 0, sizeof fr);
        p++;
        while (ok && *(p = skip(p)) == '"') {
            char key[32], sval[512];
            p = string(p, key, sizeof key);
            p = p ? skip(p) : NULL;
            if (!p || *p++ != ':') {
                ok = 0;
                break;
            }
            p = skip(p);
            double r[4];
            if (*p == '"') {
                p = string(p, sval, sizeof sval);
                if (!strcmp(key, "kind")) snprintf(e.kind, sizeof e.kind, "%.15s", sval);
                else if (!strcmp(key, "text")) snprintf(e.text, sizeof e.text, "%s", sval);
                else if (!strcmp(key, "view")) snprintf(fr.view, sizeof fr.view, "%.31s", sval);
                else if (!strcmp(key, "hidden")) snprintf(fr.hidden, sizeof fr.hidden, "%.95s", sval);
            } else if (*p == '[') {
                p = numbers(p, r, 4);
                if (p && !strcmp(key, "rect")) memcpy(e.rect, r, sizeof r);
                if (p && !strcmp(key, "fit")) memcpy(e.fit, r, sizeof r);
            } else {
                char *end;
                const double v = strtod(p, &end);
                p = end;
                if (!strcmp(key, "px")) e.px = (int)v;
                else if (!strcmp(key, "z")) e.z = (int)v;
                else if (!strcmp(key, "scale")) fr.scale = v;
                else if (!strcmp(key, "present")) fr.present = (int)v;
                else if (!strcmp(key, "min_px")) fr.min_px = (int)v;
            }
            if (!p) ok = 0;
            else if (*(p = skip(p)) == ',') p++;
        }
        if (!ok || *p++ != '}') {
            ok = 0;
            break;
        }
        if (!strcmp(e.kind, "frame")) {
            snprintf(d->view, sizeof d->view, "%s", fr.view);
            snprintf(d->hidden, sizeof d->hidden, "%s", fr.hidden);
            d->w = e.rect[2], d->h = e.rect[3], d->scale = fr.scale, d->present = fr.present, d->min_px = fr.min_px;
        } else {
            if (d->n == cap) {
                cap = cap ? 2 * cap : 512;
                entry *ne = realloc(d->e, (size_t)cap * sizeof *ne);
                if (!ne) {
                    ok = 0;
                    break;
                }
                d->e = ne;
            }
            d->e[d->n++] = e;
        }
        if (*(p = skip(p)) == ',') p++;
    }
    free(buf);
    if (!ok || d->w <= 0) fprintf(stderr, "dump_text_check: %s is not a text dump\n", path);
    return ok && d->w > 0;
}

/* ---- checks ------------------------------------------------------------------------------- */

static int failures;

static void fail(const char *path, const char *fmt, const char *a, const char *b)
{
    if (failures < 40) {
        printf("FAIL %s: ", path);
        printf(fmt, a, b);
        printf("\n");
    }
    failures++;
}

static int is_text(const entry *e) { return !strcmp(e->kind, "text") || !strcmp(e->kind, "value"); }

static int inside(const double *in, const double *out, double tol)
{
    return in[0] >= out[0] - tol && in[1] >= out[1] - tol && in[0] + in[2] <= out[0] + out[2] + tol &&
           in[1] + in[3] <= out[1] + out[3] + tol;
}

/* Rectangles that share more than half a pixel each way. */
static int overlap(const double *a, const double *b)
{
    const double w = fmin(a[0] + a[2], b[0] + b[2]) - fmax(a[0], b[0]);
    const double h = fmin(a[1] + a[3], b[1] + b[3]) - fmax(a[1], b[1]);
    return w > 0.5 && h > 0.5;
}

static void describe(char *buf, size_t size, const entry *e)
{
    snprintf(buf, size, "'%.60s' at [%.0f %.0f %.0f %.0f] (fit [%.0f %.0f %.0f %.0f], %d px)", e->text, e->rect[0],
             e->rect[1], e->rect[2], e->rect[3], e->fit[0], e->fit[1], e->fit[2], e->fit[3], e->px);
}

static int check(int argc, char **argv)
{
    const char *path = argv[2];
    dump d;
    if (!parse(path, &d)) return 2;
    int min_values = 0;
    const char *contains = NULL, *view = NULL;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--min-values")) min_values = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--contains")) contains = argv[i + 1];
        else if (!strcmp(argv[i], "--view")) view = argv[i + 1];
    }
    const double win[4] = {0, 0, d.w, d.h};
    const int floor_px = d.present ? (int)ceil(d.h / 45.0) : d.min_px;
    char a[300], b[300];
    int values = 0, texts = 0, found = contains == NULL;
    for (int i = 0; i < d.n; i++) {
        const entry *e = &d.e[i];
        if (contains && strstr(e->text, contains)) found = 1;
        if (!is_text(e)) continue;
        texts++;
        describe(a, sizeof a, e);
        if (!inside(e->rect, e->fit, 0.51)) fail(path, "%s is not inside its box%s", a, "");
        if (!inside(e->rect, win, 0.51)) fail(path, "%s is outside the window%s", a, "");
        if (e->px < floor_px) {
            snprintf(b, sizeof b, " (the minimum is %d px)", floor_px);
            fail(path, "%s is too small%s", a, b);
        }
        if (!strcmp(e->kind, "value")) {
            values++;
            if (!e->text[0] || strstr(e->text, "\u2026")) fail(path, "number cell %s holds no number%s", a, "");
        }
        for (int j = 0; j < i; j++) {
            const entry *o = &d.e[j];
            if (!is_text(o) || o->z != e->z || !overlap(e->rect, o->rect)) continue;
            describe(b, sizeof b, o);
            fail(path, "%s overlaps %s", a, b);
        }
    }
    if (view && strcmp(view, d.view)) fail(path, "the frame shows the %s view, not %s", d.view, view);
    if (values < min_values) {
        snprintf(a, sizeof a, "%d", values);
        snprintf(b, sizeof b, "%d", min_values);
        fail(path, "%s number cells, want at least %s", a, b);
    }
    if (!found) fail(path, "no text contains '%s'%s", contains, "");
    if (texts < 5) fail(path, "only a few strings drawn%s%s", "", "");
    printf("%s: %s view %.0fx%.0f scale %.2f%s: %d strings, %d numbers, smallest %d px, hidden '%s': %d failure(s)\n", path,
           d.view, d.w, d.h, d.scale, d.present ? " presenting" : "", texts, values, d.min_px, d.hidden, failures);
    free(d.e);
    return failures ? 1 : 0;
}

/* ---- pixels ------------------------------------------------------------------------------- */

static double lin(double c)
{
    c /= 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double lum(const unsigned char *p) { return 0.2126 * lin(p[0]) + 0.7152 * lin(p[1]) + 0.0722 * lin(p[2]); }

static int contrast(const char *json, const char *png, double ratio)
{
    dump d;
    if (!parse(json, &d)) return 2;
    cs_image img;
    if (cs_image_read(&img, png, 3, NULL) != CS_OK) {
        fprintf(stderr, "dump_text_check: %s\n", cs_last_error());
        return 2;
    }
    const int w = img.w, h = img.h;
    const unsigned char *px = img.px;
    int checked = 0, overlay = 0;
    double worst = 1e9;
    /* under an overlay (help) the view is dimmed on purpose: only the overlay's text is read */
    for (int i = 0; i < d.n; i++) overlay |= is_text(&d.e[i]) && d.e[i].z > 0;
    char a[300], b[64];
    for (int i = 0; i < d.n; i++) {
        const entry *e = &d.e[i];
        if (!is_text(e) || e->px < 14 || !e->text[0] || (overlay && e->z == 0)) continue;
        const int x0 = (int)ceil(e->rect[0]), y0 = (int)ceil(e->rect[1]);
        const int x1 = (int)floor(e->rect[0] + e->rect[2]) - 1, y1 = (int)floor(e->rect[1] + e->rect[3]) - 1;
        if (x1 - x0 < 4 || y1 - y0 < 4 || x0 < 0 || y0 < 0 || x1 >= w || y1 >= h) continue;
        /* the background: the darkest-or-lightest cluster is the ink; take the colour the edge
         * pixels share most (the glyphs rarely touch their box's top and bottom rows) */
        long best_n = 0;
        unsigned char bg[3] = {0, 0, 0};
        for (int pass = 0; pass < 2; pass++)
            for (int x = x0; x <= x1; x += 1) {
                const unsigned char *p = px + ((size_t)(pass ? y1 : y0) * w + x) * 3;
                long n = 0;
                for (int xx = x0; xx <= x1; xx++)
                    for (int r = 0; r < 2; r++) {
                        const unsigned char *q = px + ((size_t)(r ? y1 : y0) * w + xx) * 3;
                        n += abs(p[0] - q[0]) + abs(p[1] - q[1]) + abs(p[2] - q[2]) <= 6;
                    }
                if (n > best_n) best_n = n, memcpy(bg, p, 3);
            }
        const double lb = lum(bg);
        double best = 1;
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) {
                const double l = lum(px + ((size_t)y * w + x) * 3);
                const double r = l > lb ? (l + 0.05) / (lb + 0.05) : (lb + 0.05) / (l + 0.05);
                if (r > best) best = r;
            }
        checked++;
        if (best < worst) worst = best;
        if (best < ratio) {
            describe(a, sizeof a, e);
            snprintf(b, sizeof b, "%.2f:1", best);
            fail(json, "%s reaches only %s", a, b);
        }
    }
    printf("%s: %d strings checked against %s, the weakest %.2f:1 (want %.1f:1): %d failure(s)\n", json, checked, png,
           worst, ratio, failures);
    cs_image_free(&img);
    free(d.e);
    return failures ? 1 : (checked ? 0 : 1);
}

static int frame(const char *path, double want_w, double want_h)
{
    dump d;
    if (!parse(path, &d)) return 2;
    double right = 0, bottom = 0;
    for (int i = 0; i < d.n; i++) {
        if (!is_text(&d.e[i])) continue;
        right = fmax(right, d.e[i].rect[0] + d.e[i].rect[2]);
        bottom = fmax(bottom, d.e[i].rect[1] + d.e[i].rect[3]);
    }
    char a[64], b[64];
    snprintf(a, sizeof a, "%.0fx%.0f", d.w, d.h);
    snprintf(b, sizeof b, "%.0fx%.0f", want_w, want_h);
    if (d.w != want_w || d.h != want_h) fail(path, "frame is %s, the window %s", a, b);
    /* the status line sits on the last rows and the counters run to the right side */
    snprintf(a, sizeof a, "%.0f", bottom);
    if (bottom < want_h - 3.0 * d.min_px - 12) fail(path, "the lowest text ends at y %s, far above the bottom of %s", a, b);
    snprintf(a, sizeof a, "%.0f", right);
    if (right < want_w * 0.6) fail(path, "the rightmost text ends at x %s, far left of the width of %s", a, b);
    printf("%s: frame %.0fx%.0f, text to x %.0f and y %.0f: %d failure(s)\n", path, d.w, d.h, right, bottom, failures);
    free(d.e);
    return failures ? 1 : 0;
}

/* ---- the language of a frame ------------------------------------------------------------ */

/* The next code point of UTF-8 *p (advanced). */
static unsigned long next_cp(const unsigned char **p)
{
    unsigned long c = **p;
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
    if (n) c &= 0x3Fu >> n;
    (*p)++;
    for (int i = 0; i < n && (**p & 0xC0) == 0x80; i++, (*p)++) c = (c << 6) | (**p & 0x3F);
    return c;
}

static int chinese(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        const unsigned long c = next_cp(&p);
        if ((c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xFF00 && c <= 0xFFEF)) return 1;
    }
    return 0;
}

/* An English word of s (three letters or more) that is not one of the names every language keeps,
 * copied to word; 0 when there is none. */
static int english_word(const char *s, char *word, size_t size)
{
    static const char *const keep[] = {"conv", "relu", "pool", "softmax", "tanh", "sigmoid", "flatten", "affine",
                                       "sum", "Home", "End", "Shift", "ctrl", "Tab", "Esc", "Enter", "SGD", "Adam",
                                       "MSE", "ReLU", "RGB", "PNG", "viridis", "demo", "curve", "convscope"};
    for (const char *p = s; *p;) {
        if (!isalpha((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *q = p;
        while (isalpha((unsigned char)*q)) q++;
        const size_t n = (size_t)(q - p);
        int kept = n < 3;
        for (size_t k = 0; k < sizeof keep / sizeof keep[0] && !kept; k++) kept = strlen(keep[k]) == n && !strncmp(p, keep[k], n);
        if (!kept) {
            snprintf(word, size, "%.*s", (int)n, p);
            return 1;
        }
        p = q;
    }
    return 0;
}

static int lang(const char *path, int min)
{
    dump d;
    if (!parse(path, &d)) return 2;
    failures = 0;
    int zh = 0, texts = 0;
    char word[64], num[32];
    for (int i = 0; i < d.n; i++) {
        const entry *e = &d.e[i];
        if (strcmp(e->kind, "text") || !e->text[0]) continue;
        texts++;
        if (chinese(e->text)) zh++;
        else if (english_word(e->text, word, sizeof word)) fail(path, "left in English ('%s'): %s", word, e->text);
    }
    char want[32];
    snprintf(num, sizeof num, "%d", zh);
    snprintf(want, sizeof want, "%d", min);
    if (zh < min) fail(path, "only %s strings hold Chinese (expected %s or more)", num, want);
    printf("%s: %d of %d strings in Chinese, %d failure(s)\n", path, zh, texts, failures);
    free(d.e);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "lang")) return lang(argv[2], atoi(argv[3]));
    if (argc >= 3 && !strcmp(argv[1], "check")) return check(argc, argv);
    if (argc == 5 && !strcmp(argv[1], "contrast")) return contrast(argv[2], argv[3], atof(argv[4]));
    if (argc == 5 && !strcmp(argv[1], "frame")) return frame(argv[2], atof(argv[3]), atof(argv[4]));
    if (argc == 4 && !strcmp(argv[1], "point")) {
        dump d;
        if (!parse(argv[2], &d)) return 2;
        for (int i = 0; i < d.n; i++)
            if (!strcmp(d.e[i].kind, "target") && !strcmp(d.e[i].text, argv[3])) {
                printf("%.0f %.0f\n", d.e[i].rect[0] + 0.5 * d.e[i].rect[2], d.e[i].rect[1] + 0.5 * d.e[i].rect[3]);
                return 0;
            }
        fprintf(stderr, "dump_text_check: no target '%s' in %s\n", argv[3], argv[2]);
        return 1;
    }
    if (argc >= 3 && !strcmp(argv[1], "minpx")) {
        for (int a = 2; a < argc; a++) {
            dump d;
            if (!parse(argv[a], &d)) return 2;
            int m = 1 << 30;
            for (int i = 0; i < d.n; i++)
                if (is_text(&d.e[i]) && d.e[i].text[0] && d.e[i].px < m) m = d.e[i].px;
            printf("%s %s %.0fx%.0f scale %.2f present %d: smallest %d px\n", argv[a], d.view, d.w, d.h, d.scale, d.present, m);
            free(d.e);
        }
        return 0;
    }
    fprintf(stderr, "usage: dump_text_check check|contrast|frame|point|minpx|lang DUMP.json ...\n");
    return 2;
}
