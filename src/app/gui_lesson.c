/* gui_lesson.c - the window's lesson mode (see gui_lesson.h): pages entered through the app's
 * own actions, navigation, waits, questions, and the band (cs_view_lesson.h). */
#define _DEFAULT_SOURCE
#include "gui_lesson.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_backprop.h"
#include "cs_i18n.h"
#include "cs_view_lesson.h"
#include "gui_backprop.h"
#include "gui_keys.h"
#include "gui_probe.h"

struct gui_lesson {
    cs_lesson lesson;          /* owned */
    char name[256];            /* the file, for messages */
    char dir[1024];            /* relative paths in it start here */
    int model_given;           /* --model stands in for every @net */
    int ch, pg;                /* the page shown */
    int due;                   /* its set-up is still to be applied (next frame) */
    int fresh;                 /* the run was just opened for this page: a @restart need not reopen it */
    int revealed, waited;
    int wait_epoch;            /* epochs done when the page was entered */
    long run_until;            /* @run N: pause at this step; -1 none */
    char pending_enlarge[96];  /* an @enlarge waiting for the run's first snapshot ("" none) */
    int pending_phase;         /* the backprop view's @phase (-2: none) until its step is computed */
    int highlight;             /* the page's @highlight (its word index), -1 none */
    char notice[600];
    /* what the lesson set the run to (a page that leaves a setting unsaid keeps it) */
    char dataset[1024], net[1024];
    int loss, optimizer;
    double lr;
    unsigned long long seed;
    /* the step view's strings (gui_step borrows them while it is created) */
    char kernel[1024], image[1024];
    /* the band */
    cs_lesson_band_layout band;
    int band_key[6];
    float band_scale;
    char where[600], page_no[64], nav[3][200], question[300], answer[300], wait[300];
    const char *nav_alts[3];
};

/* ---- the band's own words ------------------------------------------------------------------ */

/* The UI language's wording of s: the catalogue's (cs_i18n), else, for Chinese, this table, so a
 * Chinese lesson never shows English controls while the catalogue lacks them. */
static const char *tr(const char *s)
{
    static const char *const zh[][2] = {
        {"PageDown, \u2192, space or a click on this band: next \u00B7 PageUp, \u2190: back",
         "\u4E0B\u4E00\u9875:PageDown\u3001\u2192\u3001\u7A7A\u683C\u6216\u70B9\u51FB\u6B64\u680F \u00B7 "
         "\u4E0A\u4E00\u9875:PageUp\u3001\u2190"},
        {"PageDown \u2192 space: next \u00B7 PageUp \u2190: back",
         "PageDown \u2192 \u7A7A\u683C:\u4E0B\u4E00\u9875 \u00B7 PageUp \u2190:\u4E0A\u4E00\u9875"},
        {"\u2192 next \u00B7 \u2190 back", "\u2192 \u4E0B\u4E00\u9875 \u00B7 \u2190 \u4E0A\u4E00\u9875"},
        {"page %d of %d", "\u7B2C %d \u9875,\u5171 %d \u9875"},
        {"Chapter %d of %d: %s", "\u7B2C %d \u7AE0(\u5171 %d \u7AE0):%s"},
        {"The next press shows the answer.", "\u518D\u6309\u4E00\u6B21\u663E\u793A\u7B54\u6848\u3002"},
        {"Done: the next press goes on.", "\u5B8C\u6210:\u518D\u6309\u4E00\u6B21\u7EE7\u7EED\u3002"},
        {"Waiting for the end of the epoch (step %ld).", "\u7B49\u5F85\u8FD9\u4E2A epoch \u7ED3\u675F(\u7B2C %ld \u6B65)\u3002"},
        {"Waiting for the map to be complete.", "\u7B49\u5F85\u6574\u5F20\u56FE\u8BA1\u7B97\u5B8C\u3002"},
        {"Waiting for a click in the window.", "\u7B49\u5F85\u5728\u7A97\u53E3\u4E2D\u70B9\u51FB\u3002"},
        {"Press %s", "\u6309 %s"},
    };
    const char *t = _(s);
    if (t != s || strcmp(cs_i18n_lang(), "zh") != 0) return t;
    for (size_t i = 0; i < sizeof zh / sizeof zh[0]; i++)
        if (strcmp(zh[i][0], s) == 0) return zh[i][1];
    return s;
}

/* ---- create ----------------------------------------------------------------------------------- */

cs_status gui_lesson_create(gui_lesson **out, cs_lesson *lesson, const char *name, const char *dir, int chapter,
                            int page, int model_given)
{
    *out = NULL;
    gui_lesson *L = calloc(1, sizeof *L);
    if (!L) return cs_fail(CS_ERR_NOMEM, "out of memory for the lesson");
    L->lesson = *lesson;
    memset(lesson, 0, sizeof *lesson);
    snprintf(L->name, sizeof L->name, "%s", name);
    snprintf(L->dir, sizeof L->dir, "%s", dir && *dir ? dir : ".");
    L->ch = chapter, L->pg = page, L->due = 1, L->model_given = model_given;
    L->highlight = -1, L->run_until = -1, L->pending_phase = -2;
    L->loss = -1, L->optimizer = -1, L->lr = 0;
    *out = L;
    return CS_OK;
}

void gui_lesson_destroy(gui_lesson *L)
{
    if (!L) return;
    cs_lesson_free(&L->lesson);
    free(L);
}

void gui_lesson_position(const gui_lesson *L, int *chapter, int *page, int *revealed, int *waited)
{
    *chapter = L->ch, *page = L->pg, *revealed = L->revealed, *waited = L->waited;
}

static const cs_lesson_page *page_of(const gui_lesson *L) { return &L->lesson.chapters[L->ch].pages[L->pg]; }

/* A file named in the lesson, relative to the lesson's directory; names without '/' or '.'
 * (presets, demo:NAME) as they are. */
static void resolve(const gui_lesson *L, const char *s, char *out, size_t size)
{
    const int path = strncmp(s, "demo:", 5) != 0 && (strchr(s, '/') || strchr(s, '.'));
    if (path && s[0] != '/') snprintf(out, size, "%.500s/%.500s", L->dir, s);
    else snprintf(out, size, "%s", s);
}

static const char *text_of(const cs_lesson_setup *su, cs_lesson_directive_kind k)
{
    return su->setting[k] ? su->setting[k]->text : NULL;
}

/* The run a set-up asks for: what it says, else what the lesson set before (else the command line's). */
static void run_wanted(const gui_lesson *L, const gui_app *app, const cs_lesson_setup *su, cs_run_spec *spec,
                       char *dataset, char *net, size_t size)
{
    *spec = app->opt.run.spec;
    const char *d = text_of(su, CS_LD_DATASET), *n = text_of(su, CS_LD_NET);
    if (d) resolve(L, d, dataset, size);
    else snprintf(dataset, size, "%s", L->dataset);
    if (n && !L->model_given) snprintf(net, size, "%s", n);
    else snprintf(net, size, "%s", L->net);
    if (*dataset) spec->dataset = dataset;
    if (*net && !L->model_given) spec->net = net, spec->model = NULL;
    const cs_lesson_directive *v;
    if ((v = su->setting[CS_LD_LOSS])) spec->cfg.loss = v->choice ? CS_LOSS_MSE : CS_LOSS_XENT;
    else if (L->loss >= 0) spec->cfg.loss = (cs_loss_kind)L->loss;
    if ((v = su->setting[CS_LD_OPTIMIZER])) spec->cfg.optimizer = v->choice ? CS_OPTIM_ADAM : CS_OPTIM_SGD;
    else if (L->optimizer >= 0) spec->cfg.optimizer = (cs_optim_kind)L->optimizer;
    if ((v = su->setting[CS_LD_LR])) spec->cfg.lr = (float)v->real;
    else if (L->lr > 0) spec->cfg.lr = (float)L->lr;
    if ((v = su->setting[CS_LD_SEED])) spec->cfg.seed = (uint64_t)v->number;
    else if (L->seed) spec->cfg.seed = L->seed;
}

static void remember_run(gui_lesson *L, const cs_run_spec *spec)
{
    snprintf(L->dataset, sizeof L->dataset, "%s", spec->dataset ? spec->dataset : "");
    snprintf(L->net, sizeof L->net, "%s", spec->net && !L->model_given ? spec->net : "");
    L->loss = (int)spec->cfg.loss, L->optimizer = (int)spec->cfg.optimizer, L->lr = spec->cfg.lr;
    L->seed = (unsigned long long)spec->cfg.seed;
}

/* The step view a set-up asks for, into o (strings in L). */
static void step_wanted(gui_lesson *L, const gui_app *app, const cs_lesson_setup *su, gui_step_options *o)
{
    *o = app->opt.step;
    const char *k = text_of(su, CS_LD_KERNEL), *im = text_of(su, CS_LD_IMAGE);
    if (k) resolve(L, k, L->kernel, sizeof L->kernel), o->kernel = L->kernel;
    if (im) resolve(L, im, L->image, sizeof L->image), o->image = L->image;
    const cs_lesson_directive *v;
    if ((v = su->setting[CS_LD_STRIDE])) o->stride = (int)v->number;
    if ((v = su->setting[CS_LD_PAD])) o->pad = (int)v->number;
    if ((v = su->setting[CS_LD_RELU])) o->relu = v->choice;
    if ((v = su->setting[CS_LD_AT]) && v->choice == CS_LESSON_AT_XY)
        o->have_at = 1, o->at_x = (int)v->number, o->at_y = (int)v->number2;
}

void gui_lesson_prepare(gui_lesson *L, gui_app *app)
{
    cs_lesson_setup su;
    cs_lesson_setup_at(&L->lesson, L->ch, L->pg, &su);
    /* a page before any run is named: the first dataset and net the lesson names later, so the
     * data is not loaded twice */
    for (int c = L->ch; c < L->lesson.n_chapters && (!su.setting[CS_LD_DATASET] || !su.setting[CS_LD_NET]); c++)
        for (int p = c == L->ch ? L->pg : 0; p < L->lesson.chapters[c].n_pages; p++) {
            const cs_lesson_page *pg = &L->lesson.chapters[c].pages[p];
            if (!su.setting[CS_LD_DATASET]) su.setting[CS_LD_DATASET] = cs_lesson_find(pg, CS_LD_DATASET);
            if (!su.setting[CS_LD_NET]) su.setting[CS_LD_NET] = cs_lesson_find(pg, CS_LD_NET);
        }
    static char dataset[1024], net[1024];
    cs_run_spec spec;
    run_wanted(L, app, &su, &spec, dataset, net, sizeof dataset);
    remember_run(L, &spec);
    app->opt.run.spec = spec;
    step_wanted(L, app, &su, &app->opt.step);
    if (su.paused >= 0) app->opt.paused = su.paused;
    const cs_lesson_directive *v = su.setting[CS_LD_VIEW];
    app->opt.start_step_view = v && v->choice == CS_LESSON_VIEW_STEP;
    L->fresh = 1;
}

/* ---- entering a page ---------------------------------------------------------------------------- */

static void add_notice(gui_lesson *L, const char *s)
{
    const size_t n = strlen(L->notice);
    snprintf(L->notice + n, sizeof L->notice - n, "%s%s", n ? " " : "", s);
}

/* The run of set-up su, opened anew when it differs from the lesson's current one or the page
 * restarts it. */
static void enter_run(gui_lesson *L, gui_app *app, const cs_lesson_setup *su, const cs_lesson_page *p, int paused)
{
    static char dataset[1024], net[1024];
    cs_run_spec spec;
    run_wanted(L, app, su, &spec, dataset, net, sizeof dataset);
    const int changed = strcmp(dataset, L->dataset) || strcmp(net, L->net) || (int)spec.cfg.loss != L->loss ||
                        (int)spec.cfg.optimizer != L->optimizer || (uint64_t)L->seed != spec.cfg.seed;
    const int restart = cs_lesson_find(p, CS_LD_RESTART) != NULL;
    if (changed || (restart && !L->fresh)) {
        spec.probe = cs_run_driver_probe(app->driver);
        if (gui_app_reopen_run(app, &spec, paused) != CS_OK) {
            char m[400];
            snprintf(m, sizeof m, "%s:%d: %s", L->name, p->line, cs_last_error());
            fprintf(stderr, "convscope lesson: %s\n", m);
            add_notice(L, m);
            return;
        }
        remember_run(L, &spec);
    } else if (su->setting[CS_LD_LR] && (double)su->setting[CS_LD_LR]->real != L->lr) {
        cs_run_driver_set_lr(app->driver, (float)su->setting[CS_LD_LR]->real);
        L->lr = su->setting[CS_LD_LR]->real;
    }
    L->fresh = 0;
}

/* The step view of set-up su, made anew (free play on it is undone), at its position and unit. */
static void enter_step(gui_lesson *L, gui_app *app, const cs_lesson_setup *su)
{
    gui_step_options o;
    step_wanted(L, app, su, &o);
    gui_step *g;
    if (gui_step_create(&g, &o) != CS_OK || gui_step_attach(g, app->gl, app->text) != CS_OK) {
        char m[400];
        snprintf(m, sizeof m, "%s: %s", L->name, cs_last_error());
        fprintf(stderr, "convscope lesson: %s\n", m);
        add_notice(L, m);
        if (g) gui_step_destroy(g);
        return;
    }
    gui_step_destroy(app->step);
    app->step = g;
    const cs_lesson_directive *at = su->setting[CS_LD_AT], *unit = su->setting[CS_LD_STEP_UNIT];
    if (at && at->choice == CS_LESSON_AT_START) gui_step_home(g);
    if (at && at->choice == CS_LESSON_AT_END) gui_step_end(g);
    gui_step_set_unit(g, unit ? unit->choice : 1);
}

/* The page's @enlarge in the training view ("" when it needs the run's first snapshot first). */
static void enlarge(gui_lesson *L, gui_app *app, const char *what)
{
    const cs_snapshot *s = cs_run_driver_snapshot(app->driver, NULL);
    if (s->seq == 0) {
        snprintf(L->pending_enlarge, sizeof L->pending_enlarge, "%s", what);
        return;
    }
    L->pending_enlarge[0] = '\0';
    cs_target t = {CS_TARGET_NONE, 0, 0, -1};
    char name[96];
    snprintf(name, sizeof name, "%s", what);
    if (strcmp(what, "kernels") == 0) /* the first conv layer */
        for (int l = 0; l < s->n_layers; l++)
            if (s->layers[l].kind == CS_LAYER_CONV) {
                snprintf(name, sizeof name, "kernels %s", s->layers[l].name);
                break;
            }
    if (strcmp(what, "curves") == 0) snprintf(name, sizeof name, "curve loss");
    if (strcmp(what, "none") != 0 && cs_target_parse(name, s->layers, s->n_layers, &t) != CS_OK) {
        add_notice(L, cs_last_error());
        return;
    }
    gui_app_enlarge(app, &t);
}

/* The page's actions: @run, @timeline, @enlarge, @highlight, @phase, @wait, @question. */
static void enter_actions(gui_lesson *L, gui_app *app, const cs_lesson_page *p, int view)
{
    const cs_lesson_directive *d;
    if ((d = cs_lesson_find(p, CS_LD_RUN))) {
        cs_run_driver_set_paused(app->driver, 0);
        L->run_until = cs_run_driver_snapshot(app->driver, NULL)->step + d->number;
    }
    if ((d = cs_lesson_find(p, CS_LD_TIMELINE)) && app->tl) {
        switch (d->choice) {
        case CS_LESSON_TIMELINE_START: gui_tl_first(app->tl); break;
        case CS_LESSON_TIMELINE_LIVE: gui_tl_live(app->tl); break;
        case CS_LESSON_TIMELINE_PLAY: gui_tl_first(app->tl), gui_tl_play(app->tl, 1, app->now); break;
        case CS_LESSON_TIMELINE_STOP: gui_tl_step_records(app->tl, 0); break;
        default: gui_tl_first(app->tl), gui_tl_step_records(app->tl, (long)d->number); break;
        }
    }
    L->highlight = (d = cs_lesson_find(p, CS_LD_HIGHLIGHT)) ? d->choice : -1;
    d = cs_lesson_find(p, CS_LD_ENLARGE);
    static const char *const ENLARGE[] = {"none", "kernels", "maps", "output", "curves", "input", "grids", "equation"};
    if (view == GUI_VIEW_STEP && d && d->choice != CS_LESSON_ENLARGE_NONE && L->highlight < 0) {
        /* the step view has no enlarged panels: the panel is highlighted instead */
        static const int AS_HIGHLIGHT[] = {-1, 8, 9, 10, 11, 15, 8, 16};
        L->highlight = AS_HIGHLIGHT[d->choice];
    }
    if (view == GUI_VIEW_TRAIN) {
        char what[96];
        if (d && d->text) snprintf(what, sizeof what, "%s %s", ENLARGE[d->choice], d->text);
        else snprintf(what, sizeof what, "%s", d ? ENLARGE[d->choice] : "none");
        enlarge(L, app, what);
    }
    L->revealed = 0;
    L->waited = 0;
    /* a question in the step view: the sum stays hidden until the answer is revealed */
    if (view == GUI_VIEW_STEP && cs_lesson_find(p, CS_LD_QUESTION)) gui_step_set_terms(app->step, 0);
    L->wait_epoch = cs_run_driver_snapshot(app->driver, NULL)->epoch;
    /* the backprop view at the page's phase (where it was without one), once its step exists */
    d = cs_lesson_find(p, CS_LD_PHASE);
    L->pending_phase = view == GUI_VIEW_BACKPROP ? (d ? d->choice : -1) : -2;
}

/* Applies the page shown: its set-up, then its actions. */
static void enter_page(gui_lesson *L, gui_app *app)
{
    const cs_lesson_page *p = page_of(L);
    cs_lesson_setup su;
    cs_lesson_setup_at(&L->lesson, L->ch, L->pg, &su);
    L->notice[0] = '\0';
    L->pending_enlarge[0] = '\0';
    L->run_until = -1;
    app->show_help = 0;
    const cs_lesson_directive *v = su.setting[CS_LD_PRESENTER];
    if (v) app->present = v->choice;
    const int paused = su.paused >= 0 ? su.paused : cs_run_driver_paused(app->driver);
    enter_run(L, app, &su, p, paused);
    int view = app->view;
    if ((v = su.setting[CS_LD_VIEW]))
        view = v->choice == CS_LESSON_VIEW_STEP ? GUI_VIEW_STEP : v->choice == CS_LESSON_VIEW_BACKPROP ? GUI_VIEW_BACKPROP
                                                                                                  : GUI_VIEW_TRAIN;
    if (view == GUI_VIEW_STEP) enter_step(L, app, &su);
    /* the backprop view opens through gui_backprop_set_phase (once there is a snapshot), which
     * computes its step from the weights of the moment */
    if (view != GUI_VIEW_BACKPROP) app->view = view;
    gui_app_enlarge(app, &(cs_target){CS_TARGET_NONE, 0, 0, -1});
    if ((v = su.setting[CS_LD_PROBE])) {
        char path[1024];
        if (v->number >= 0) cs_run_driver_set_probe(app->driver, (int)v->number);
        else if (v->text && (resolve(L, v->text, path, sizeof path), gui_probe_load(app, path) != CS_OK))
            add_notice(L, cs_last_error()); /* the page goes on with the test image it had */
    }
    if ((v = su.setting[CS_LD_SPEED])) cs_run_driver_set_speed(app->driver, (int)v->number);
    cs_run_driver_set_paused(app->driver, paused);
    enter_actions(L, app, p, view);
}

/* ---- navigation --------------------------------------------------------------------------------- */

static int go_to(gui_lesson *L, int ch, int pg)
{
    if (ch < 0 || ch >= L->lesson.n_chapters) return 0;
    L->ch = ch, L->pg = pg, L->due = 1;
    return 1;
}

static void back(gui_lesson *L)
{
    if (L->pg > 0) go_to(L, L->ch, L->pg - 1);
    else if (L->ch > 0) go_to(L, L->ch - 1, L->lesson.chapters[L->ch - 1].n_pages - 1);
}

/* Forward: the answer first, then what the page waits for, then the next page. */
static void forward(gui_lesson *L, gui_app *app)
{
    const cs_lesson_page *p = page_of(L);
    const cs_lesson_directive *w = cs_lesson_find(p, CS_LD_WAIT);
    if (cs_lesson_find(p, CS_LD_QUESTION) && !L->revealed) {
        L->revealed = 1;
        if (app->view == GUI_VIEW_STEP) gui_step_set_terms(app->step, gui_step_stepper(app->step)->n_terms);
        return;
    }
    if (w && !L->waited) {
        if (w->choice == CS_LESSON_WAIT_KEY) {
            /* the presenter's clicker presses the key the page waits for */
            L->waited = 1;
            gui_keys_dispatch(app, SDL_GetKeyFromName(w->text), 0);
        }
        return;
    }
    if (L->pg + 1 < L->lesson.chapters[L->ch].n_pages) go_to(L, L->ch, L->pg + 1);
    else if (L->ch + 1 < L->lesson.n_chapters) go_to(L, L->ch + 1, 0);
}

int gui_lesson_key(gui_app *app, SDL_Keycode k, Uint16 mod)
{
    gui_lesson *L = app->lesson;
    (void)mod;
    if (L->due) return 0;
    const cs_lesson_directive *w = cs_lesson_find(page_of(L), CS_LD_WAIT);
    if (w && w->choice == CS_LESSON_WAIT_KEY && !L->waited && k == SDL_GetKeyFromName(w->text)) {
        L->waited = 1; /* the page's key: the app acts on it too */
        return 0;
    }
    switch (k) {
    case SDLK_PAGEDOWN:
    case SDLK_RIGHT:
    case SDLK_SPACE: forward(L, app); return 1;
    case SDLK_PAGEUP:
    case SDLK_LEFT: back(L); return 1;
    default: return 0;
    }
}

int gui_lesson_click(gui_app *app, float x, float y)
{
    gui_lesson *L = app->lesson;
    if (cs_rect_contains(L->band.band, x, y)) {
        if (!L->due) forward(L, app);
        return 1;
    }
    const cs_lesson_directive *w = cs_lesson_find(page_of(L), CS_LD_WAIT);
    if (w && w->choice == CS_LESSON_WAIT_EVENT && strcmp(w->text, "click") == 0) L->waited = 1;
    return 0;
}

/* ---- per frame ------------------------------------------------------------------------------------- */

/* The page's wait and @run against the run and the step view; 1 when something changed. */
static int check(gui_lesson *L, gui_app *app)
{
    const cs_snapshot *s = cs_run_driver_snapshot(app->driver, NULL);
    int changed = 0;
    if (L->run_until >= 0 && s->seq && s->step >= L->run_until) {
        cs_run_driver_set_paused(app->driver, 1);
        L->run_until = -1, changed = 1;
    }
    const cs_lesson_directive *w = cs_lesson_find(page_of(L), CS_LD_WAIT);
    if (!w || L->waited || w->choice != CS_LESSON_WAIT_EVENT) return changed;
    if (strcmp(w->text, "epoch") == 0) L->waited = s->seq && s->epoch > L->wait_epoch;
    else if (strcmp(w->text, "map-complete") == 0) L->waited = cs_stepper_done(gui_step_stepper(app->step));
    else if (strcmp(w->text, "phase-end") == 0)
        L->waited = app->view == GUI_VIEW_BACKPROP && L->pending_phase == -2 && gui_backprop_at_phase_end(app->bp);
    return changed || L->waited;
}

/* The band's content for the page shown. */
static void band_content(gui_lesson *L, const gui_app *app, cs_lesson_band *c)
{
    const cs_lesson_page *p = page_of(L);
    const cs_lesson_chapter *chp = &L->lesson.chapters[L->ch];
    char chap[400];
    snprintf(chap, sizeof chap, tr("Chapter %d of %d: %s"), L->ch + 1, L->lesson.n_chapters, chp->title);
    if (p->title && *p->title) snprintf(L->where, sizeof L->where, "%s \u00B7 %s", chap, p->title);
    else snprintf(L->where, sizeof L->where, "%s", chap);
    int n = 0;
    for (int i = 0; i < L->ch; i++) n += L->lesson.chapters[i].n_pages;
    snprintf(L->page_no, sizeof L->page_no, tr("page %d of %d"), n + L->pg + 1, L->lesson.n_pages);
    static const char *const NAV[3] = {N_("PageDown, \u2192, space or a click on this band: next \u00B7 PageUp, \u2190: back"),
                                       N_("PageDown \u2192 space: next \u00B7 PageUp \u2190: back"),
                                       N_("\u2192 next \u00B7 \u2190 back")};
    for (int i = 0; i < 3; i++) {
        snprintf(L->nav[i], sizeof L->nav[i], "%s \u00B7 %s", L->page_no, tr(NAV[i]));
        L->nav_alts[i] = L->nav[i];
    }
    memset(c, 0, sizeof *c);
    c->where = L->where, c->page_no = L->nav[0], c->nav_alts = L->nav_alts, c->n_nav = 3;
    c->text = p->text;
    const cs_lesson_directive *q = cs_lesson_find(p, CS_LD_QUESTION), *a = cs_lesson_find(p, CS_LD_ANSWER);
    if (q) {
        snprintf(L->question, sizeof L->question, "? %s", q->text);
        snprintf(L->answer, sizeof L->answer, "\u2192 %s", a ? a->text : "");
        c->question = L->question, c->answer = L->answer, c->revealed = L->revealed;
        c->reveal_hint = tr("The next press shows the answer.");
    }
    const cs_lesson_directive *w = cs_lesson_find(p, CS_LD_WAIT);
    if (w) {
        char hint[260];
        if (w->hint) snprintf(hint, sizeof hint, "%s", w->hint);
        else if (w->choice == CS_LESSON_WAIT_KEY) snprintf(hint, sizeof hint, tr("Press %s"), w->text);
        else if (strcmp(w->text, "epoch") == 0)
            snprintf(hint, sizeof hint, tr("Waiting for the end of the epoch (step %ld)."),
                     cs_run_driver_snapshot(app->driver, NULL)->step);
        else if (strcmp(w->text, "map-complete") == 0) snprintf(hint, sizeof hint, "%s", tr("Waiting for the map to be complete."));
        else snprintf(hint, sizeof hint, "%s", tr("Waiting for a click in the window."));
        snprintf(L->wait, sizeof L->wait, "%s %s", L->waited ? "\u2713" : "\u25B6",
                 L->waited ? tr("Done: the next press goes on.") : hint);
        c->wait = L->wait, c->waited = L->waited;
    }
    c->notice = L->notice;
}

int gui_lesson_frame(gui_app *app, int dw, int dh, int *dirty)
{
    gui_lesson *L = app->lesson;
    if (L->due) {
        L->due = 0;
        enter_page(L, app);
        *dirty = 1;
    }
    if (L->pending_phase > -2 && cs_run_driver_snapshot(app->driver, NULL)->seq) {
        /* the step from the weights as they stand when the page opens (computed again when they
         * changed since the view last showed them) */
        const int phase = L->pending_phase;
        L->pending_phase = -2;
        if (gui_backprop_set_phase(app, phase >= 0 ? cs_backprop_phase_name(phase) : NULL) != CS_OK)
            add_notice(L, cs_last_error());
        *dirty = 1;
    }
    if (L->pending_enlarge[0] && cs_run_driver_snapshot(app->driver, NULL)->seq) {
        char what[96];
        snprintf(what, sizeof what, "%s", L->pending_enlarge);
        enlarge(L, app, what);
        *dirty = 1;
    }
    if (check(L, app)) *dirty = 1;
    cs_lesson_band c;
    band_content(L, app, &c);
    /* the band is laid out again when its page, the window or the scale changed */
    const int key[6] = {L->ch, L->pg, dw, dh, (int)strlen(L->notice), L->waited};
    if (memcmp(key, L->band_key, sizeof key) != 0 || L->band_scale != app->user_scale) {
        const cs_measure m = cs_text_measure(app->text);
        cs_lesson_band_layout_compute(&L->band, dw, dh, app->user_scale, &m, &c);
        memcpy(L->band_key, key, sizeof key);
        L->band_scale = app->user_scale;
        *dirty = 1;
    }
    return (int)L->band.band.h;
}

/* ---- drawing ------------------------------------------------------------------------------------- */

/* Where the highlighted control is in the view shown (w 0: not shown); *also: a second place
 * that shows the same (the window on the input and its numbers in the grid). */
static cs_rect highlight_rect(const gui_lesson *L, const gui_app *app, cs_rect *also)
{
    *also = (cs_rect){0, 0, 0, 0};
    static const char *const WORDS[] = {"none", "pause", "step", "speed", "restart", "lr", "probe", "timeline",
                                        "kernels", "maps", "output", "curves", "stride", "pad", "relu", "window",
                                        "equation", "loss"};
    const cs_rect none = {0, 0, 0, 0};
    if (L->highlight <= 0 || L->highlight >= (int)(sizeof WORDS / sizeof WORDS[0])) return none;
    const char *w = WORDS[L->highlight];
    /* the backprop view has no such controls: its phase's own drawing is the focus */
    if (app->view == GUI_VIEW_BACKPROP) return none;
    if (app->view == GUI_VIEW_STEP) {
        const cs_step_layout *S = gui_step_layout(app->step);
        if (!S) return none;
        const cs_stepper *st = gui_step_stepper(app->step);
        if (!strcmp(w, "window")) {
            const cs_rect g = S->grid[CS_STEP_GRID_WINDOW][0];
            *also = (cs_rect){g.x, S->grid_title[CS_STEP_GRID_WINDOW].y, g.w, g.y + g.h - S->grid_title[CS_STEP_GRID_WINDOW].y};
            return S->input_panel.w > 0 ? cs_step_window_rect(S, st->oy, st->ox) : none;
        }
        if (!strcmp(w, "equation")) return S->eq_panel;
        if (!strcmp(w, "stride") || !strcmp(w, "pad") || !strcmp(w, "relu")) return S->geometry;
        if (!strcmp(w, "output") || !strcmp(w, "maps")) return S->output_panel;
        if (!strcmp(w, "kernels")) return S->grids_panel;
        if (!strcmp(w, "speed")) return S->speed;
        return none;
    }
    if (app->enlarged.kind != CS_TARGET_NONE) return none; /* the enlarged panel is what the page shows */
    const cs_layout *T = &app->layout;
    if (!strcmp(w, "pause")) return T->buttons[CS_BTN_PAUSE].w > 0 ? T->buttons[CS_BTN_PAUSE] : T->counters;
    if (!strcmp(w, "step")) return T->buttons[CS_BTN_STEP].w > 0 ? T->buttons[CS_BTN_STEP] : T->counters;
    if (!strcmp(w, "speed")) return T->speed_label.w > 0 ? T->speed_label : T->counters;
    if (!strcmp(w, "restart")) return T->buttons[CS_BTN_RESTART].w > 0 ? T->buttons[CS_BTN_RESTART] : T->counters;
    if (!strcmp(w, "lr")) return T->lr_slider.w > 0 ? T->lr_slider : T->counters;
    if (!strcmp(w, "probe")) return T->probe;
    if (!strcmp(w, "timeline")) return T->timeline.w > 0 ? T->timeline : T->kernels;
    if (!strcmp(w, "kernels")) return T->kernels;
    if (!strcmp(w, "maps")) return T->strip;
    if (!strcmp(w, "output")) return T->output;
    if (!strcmp(w, "curves")) return T->curves;
    if (!strcmp(w, "loss")) return T->curves.w > 0 ? T->loss_plot : T->output;
    return none;
}

void gui_lesson_draw(gui_app *app, cs_ui *ui, int dw, int dh)
{
    gui_lesson *L = app->lesson;
    (void)dw, (void)dh;
    cs_rect also;
    const cs_rect h = highlight_rect(L, app, &also);
    const float t = fmaxf(3.0f, 2.0f * L->band.st.rule);
    if (h.w > 0 && !app->show_help) cs_gl_frame(ui->gl, CS_GL_TOP, cs_rect_inset(h, -t - 1), t, L->band.st.c.hilite);
    if (also.w > 0 && !app->show_help) cs_gl_frame(ui->gl, CS_GL_TOP, cs_rect_inset(also, -t - 1), t, L->band.st.c.hilite);
    cs_lesson_band c;
    band_content(L, app, &c);
    cs_view_lesson_draw(ui, &L->band, &c);
}
