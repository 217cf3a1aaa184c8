/* cmd_lesson.c - `convscope lesson`: the window in lesson mode (gui_lesson.h) over the built-in
 * lesson of a language or a lesson file; --list prints its chapters and pages. The window's own
 * options (--size, --scale, --screenshot, --script, --dump-text, --model, ...) are `gui`'s. */
#define _DEFAULT_SOURCE
#include <SDL.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "cs_file.h"
#include "cs_font.h"
#include "cs_i18n.h"
#include "cs_lesson.h"
#include "gui_app.h"
#include "gui_lesson.h"
#include "gui_options.h"

#ifndef CS_DATADIR
#define CS_DATADIR ""
#endif
#ifndef CS_SOURCE_DATADIR
#define CS_SOURCE_DATADIR ""
#endif

enum { O_LANG = 2000, O_CHAPTER, O_PAGE, O_LIST, O_NO_PRESENT };

typedef struct {
    const char *lang;    /* --lang, or NULL: the locale */
    int chapter, page;   /* 1-based; 0: the first */
    int list, no_present;
} lesson_opts;

static void lesson_usage(FILE *f)
{
    fprintf(f, "usage: convscope lesson [--lang en|zh] [--chapter N] [--page N] [--list] [FILE]\n"
               "                        [window and run options of convscope gui]\n\n"
               "Tells a lesson page by page over the live window: the explainer article the project grew\n"
               "from (built in, in English and Chinese), or a lesson FILE (its format: README, \"Lesson\n"
               "files\"). Each page sets the window up and may wait for an action or ask a question.\n\n"
               "  --lang en|zh        the built-in lesson's and the window's language (default: the locale)\n"
               "  --chapter N         start at chapter N (1-based)\n"
               "  --page N            ... at its page N (1-based); without --chapter, page N of the whole\n"
               "                      lesson as --list numbers them\n"
               "  --list              print the lesson's chapters and pages, and exit\n"
               "  --no-present        start without presenter mode (a page may still turn it on)\n"
               "  FILE                a lesson file instead of the built-in lesson\n\n"
               "Keys: PageDown, Right, space or a click on the text band: next (an unrevealed answer\n"
               "first); PageUp, Left: back. Presenter clickers send PageUp and PageDown. Every other key\n"
               "and click of the window works on every page (convscope gui --help lists them); going to a\n"
               "page restores its set-up. --load and --save are not taken: a lesson opens its own runs.\n\n"
               "Window and run options (as convscope gui): --size WxH, --fullscreen, --scale X,\n"
               "--screenshot FILE --frames N, --dump-text FILE, --script TEXT, --lockstep N, --stats,\n"
               "--model FILE.onnx (your own model in place of the lesson's nets), --dataset, --threads, ...\n\n"
               "Exit status: 0 closed normally, 1 a bad lesson file, a missing CJK font or no display,\n"
               "2 bad options.\n");
}

static int apply(void *ctx, int code, const char *arg)
{
    lesson_opts *o = ctx;
    switch (code) {
    case O_LANG: o->lang = arg; return strcmp(arg, "en") == 0 || strcmp(arg, "zh") == 0 || strcmp(arg, "zh_CN") == 0;
    case O_CHAPTER: return cs_cli_int(arg, 1, CS_LESSON_MAX_CHAPTERS, &o->chapter);
    case O_PAGE: return cs_cli_int(arg, 1, CS_LESSON_MAX_PAGES, &o->page);
    case O_LIST: o->list = 1; return 1;
    case O_NO_PRESENT: o->no_present = 1; return 1;
    default: return -1;
    }
}

/* The built-in lesson of language lang: $CONVSCOPE_DATA_DIR/lessons, next to the program, the
 * installed data dir, the source tree. */
static cs_status find_builtin(const char *lang, char *path, size_t size)
{
    char cand[5][1100];
    int n = 0;
    const char *env = getenv("CONVSCOPE_DATA_DIR");
    if (env && *env) snprintf(cand[n++], sizeof cand[0], "%.1000s/lessons", env);
    char *base = SDL_GetBasePath();
    if (base) {
        snprintf(cand[n++], sizeof cand[0], "%.1000slessons", base);
        snprintf(cand[n++], sizeof cand[0], "%.990s../share/convscope/lessons", base);
        SDL_free(base);
    }
    if (*CS_DATADIR) snprintf(cand[n++], sizeof cand[0], "%.1000s/lessons", CS_DATADIR);
    if (*CS_SOURCE_DATADIR) snprintf(cand[n++], sizeof cand[0], "%.1000s/lessons", CS_SOURCE_DATADIR);
    char tried[6000] = "";
    for (int i = 0; i < n; i++) {
        snprintf(path, size, "%.1050s/article-%s.lesson", cand[i], lang);
        if (access(path, R_OK) == 0) return CS_OK;
        const size_t len = strlen(tried);
        snprintf(tried + len, sizeof tried - len, "%s%s", i ? ", " : "", cand[i]);
    }
    return cs_fail(CS_ERR_IO, "the built-in lesson article-%s.lesson was not found (looked in %s)", lang, tried);
}

/* 1 when the lesson needs a CJK font: its language, or any CJK character in its text. */
static int needs_cjk(const cs_lesson *l, const char *lang)
{
    if (strncmp(lang, "zh", 2) == 0 || strncmp(l->language, "zh", 2) == 0 || strncmp(l->language, "ja", 2) == 0 ||
        strncmp(l->language, "ko", 2) == 0)
        return 1;
    const char *texts[4];
    for (int c = 0; c < l->n_chapters; c++) {
        texts[0] = l->chapters[c].title;
        for (int p = 0; p < l->chapters[c].n_pages; p++) {
            const cs_lesson_page *pg = &l->chapters[c].pages[p];
            texts[1] = pg->title, texts[2] = pg->text;
            const cs_lesson_directive *q = cs_lesson_find(pg, CS_LD_QUESTION);
            texts[3] = q ? q->text : "";
            for (int t = 0; t < 4; t++)
                for (const char *s = texts[t]; s && *s;)
                    if (cs_fit_is_cjk(cs_utf8_next(&s))) return 1;
        }
    }
    return 0;
}

static void print_list(const cs_lesson *l, const char *path)
{
    printf("%s: %s (%s), %d chapters, %d pages\n", path, l->title, l->language, l->n_chapters, l->n_pages);
    int n = 0;
    for (int c = 0; c < l->n_chapters; c++) {
        const cs_lesson_chapter *ch = &l->chapters[c];
        printf("%2d  %s\n", c + 1, ch->title);
        for (int p = 0; p < ch->n_pages; p++) {
            const cs_lesson_page *pg = &ch->pages[p];
            const cs_lesson_directive *v = cs_lesson_find(pg, CS_LD_VIEW), *w = cs_lesson_find(pg, CS_LD_WAIT);
            printf("    %d.%d  page %d  %s%s%s%s\n", c + 1, p + 1, ++n, *pg->title ? pg->title : "(untitled)",
                   v ? (v->choice == CS_LESSON_VIEW_STEP ? "  [step view]" : v->choice == CS_LESSON_VIEW_TRAIN
                                                                               ? "  [training view]"
                                                                               : "  [backprop view]")
                     : "",
                   cs_lesson_find(pg, CS_LD_QUESTION) ? "  [question]" : "", w ? "  [waits]" : "");
        }
    }
}

/* The files a lesson names (@image, @kernel, @probe, @dataset folders), relative to the lesson,
 * are there before a window opens: "FILE:LINE:COLUMN: @image x.png: ..." into msg, 1 when one is
 * not. Presets and demo:NAME (no '/' and no '.') are the program's own. */
static int check_files(const cs_lesson *l, const char *path, char *msg, size_t size)
{
    static const struct {
        cs_lesson_directive_kind kind;
        const char *name;
    } kinds[] = {{CS_LD_IMAGE, "image"}, {CS_LD_KERNEL, "kernel"}, {CS_LD_PROBE, "probe"}, {CS_LD_DATASET, "dataset"}};
    char dir[1200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    for (int c = 0; c < l->n_chapters; c++)
        for (int p = 0; p < l->chapters[c].n_pages; p++) {
            const cs_lesson_page *pg = &l->chapters[c].pages[p];
            for (int d = 0; d < pg->n_directives; d++) {
                const cs_lesson_directive *v = &pg->directives[d];
                const char *t = v->text;
                if (!t || !strncmp(t, "demo:", 5) || (!strchr(t, '/') && !strchr(t, '.'))) continue;
                for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
                    if (v->kind != kinds[k].kind) continue;
                    char file[2400];
                    snprintf(file, sizeof file, "%s%s%s", t[0] == '/' ? "" : dir, t[0] == '/' ? "" : "/", t);
                    struct stat sb;
                    const char *why = NULL;
                    FILE *f = NULL;
                    if (v->kind == CS_LD_DATASET) {
                        if (stat(file, &sb) != 0) why = strerror(errno);
                    } else if (cs_file_open_read(file, NULL, &f, NULL) != CS_OK) {
                        why = cs_last_error();
                    }
                    if (f) fclose(f);
                    if (why) {
                        snprintf(msg, size, "%s:%d:%d: @%s %s: %s", path, v->line, v->column, kinds[k].name, t, why);
                        return 1;
                    }
                }
            }
        }
    return 0;
}

static int lesson_error(const char *msg)
{
    fprintf(stderr, "convscope lesson: %s\n", msg);
    return 1;
}

int cs_cmd_lesson(int argc, char **argv)
{
    lesson_opts lo = {0};
    static const struct option own[] = {
        {"lang", required_argument, 0, O_LANG},   {"chapter", required_argument, 0, O_CHAPTER},
        {"page", required_argument, 0, O_PAGE},   {"list", no_argument, 0, O_LIST},
        {"no-present", no_argument, 0, O_NO_PRESENT},
    };
    const char *file = NULL;
    const gui_options_ext ext = {"lesson", lesson_usage, own, (int)(sizeof own / sizeof own[0]), apply, &lo, 1, &file};
    gui_app *app = calloc(1, sizeof *app);
    if (!app) return lesson_error("out of memory");
    int status = gui_options_parse_ext(&app->opt, argc, argv, &ext);
    if (status >= 0) {
        free(app);
        return status;
    }
    if (app->opt.run.spec.load || app->opt.run.spec.save) {
        free(app);
        fprintf(stderr, "convscope lesson: --load and --save are not taken: a lesson opens its own runs (use convscope "
                        "gui for checkpoints)\n\n");
        lesson_usage(stderr);
        return 2;
    }
    cs_i18n_init();
    if (lo.lang) cs_i18n_set_lang(lo.lang);
    const char *lang = cs_i18n_lang();
    char path[1200];
    cs_lesson lesson;
    if (file) snprintf(path, sizeof path, "%s", file);
    if ((!file && find_builtin(lang, path, sizeof path) != CS_OK) || cs_lesson_load(&lesson, path) != CS_OK) {
        free(app);
        return lesson_error(cs_last_error());
    }
    if (lo.list) {
        print_list(&lesson, path);
        cs_lesson_free(&lesson);
        free(app);
        return 0;
    }
    status = -1;
    /* --page alone counts through the whole lesson, as --list numbers the pages */
    if (lo.page && !lo.chapter && lesson.n_chapters > 0 && lo.page <= lesson.n_pages) {
        int c = 0, p = lo.page;
        while (c < lesson.n_chapters && p > lesson.chapters[c].n_pages) p -= lesson.chapters[c].n_pages, c++;
        if (c < lesson.n_chapters) lo.chapter = c + 1, lo.page = p;
    }
    char missing[4000];
    if (lesson.n_chapters == 0) status = lesson_error("the lesson has no chapters");
    else if (check_files(&lesson, path, missing, sizeof missing)) status = lesson_error(missing);
    else if (lo.chapter > lesson.n_chapters) {
        char m[200];
        snprintf(m, sizeof m, "--chapter %d: the lesson has %d chapters", lo.chapter, lesson.n_chapters);
        status = lesson_error(m);
    } else if (lo.page && !lo.chapter) {
        char m[200];
        snprintf(m, sizeof m, "--page %d: the lesson has %d pages", lo.page, lesson.n_pages);
        status = lesson_error(m);
    } else if (lo.page > lesson.chapters[lo.chapter ? lo.chapter - 1 : 0].n_pages) {
        char m[200];
        snprintf(m, sizeof m, "--page %d: chapter %d has %d pages", lo.page, lo.chapter ? lo.chapter : 1,
                 lesson.chapters[lo.chapter ? lo.chapter - 1 : 0].n_pages);
        status = lesson_error(m);
    }
    /* Chinese needs a CJK font: refused before a window opens, never drawn as boxes */
    char cjk[1024];
    int cjk_index;
    if (status < 0 && needs_cjk(&lesson, lang) && cs_fonts_find_cjk(cjk, sizeof cjk, &cjk_index) != CS_OK)
        status = lesson_error(cs_last_error());
    if (status >= 0) {
        cs_lesson_free(&lesson);
        free(app);
        return status;
    }
    char dir[1200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    const char *name = slash ? strrchr(path, '/') + 1 : path;
    gui_lesson *L;
    if (gui_lesson_create(&L, &lesson, name, dir, lo.chapter ? lo.chapter - 1 : 0, lo.page ? lo.page - 1 : 0,
                          app->opt.run.spec.model != NULL) != CS_OK) {
        cs_lesson_free(&lesson);
        free(app);
        return lesson_error(cs_last_error());
    }
    app->lesson = L;
    app->opt.present = !lo.no_present;
    gui_lesson_prepare(L, app);
    status = gui_app_run(app);
    gui_lesson_destroy(L);
    free(app);
    return status;
}
