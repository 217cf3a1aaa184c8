/* gui_timeline.c - the window's training timeline (see gui_timeline.h): copies of the run's
 * history taken with a try-lock (the training thread records under the run's lock), scrubbing and
 * playback by step (so thinning, which renumbers records, never moves the cursor), the whole net
 * at the shown step (cs_replay, on an inspector of the window's own), and the per-kernel
 * evolution strip. */
#define _DEFAULT_SOURCE
#include "gui_timeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_export.h"
#include "cs_i18n.h"
#include "cs_labels.h"
#include "cs_replay.h"
#include "cs_timeline.h"
#include "cs_view_timeline.h"

/* Playback speeds in records per second. */
static const int PLAY_SPEEDS[] = {1, 2, 5, 10, 20, 50, 100, 200};
enum { N_PLAY_SPEEDS = sizeof PLAY_SPEEDS / sizeof PLAY_SPEEDS[0], PLAY_DEFAULT = 4, MAX_MARKS = 256 };

/* ---- the window ---------------------------------------------------------------------------- */

struct gui_tl {
    cs_run *run;                /* borrowed: its history is read under its lock */
    cs_view_timeline *view;     /* owned */

    /* copies of the history, refreshed when sh->version changes */
    cs_history_meta *meta;      /* (cap) owned; n valid */
    size_t n, cap;
    uint64_t version, generation;
    int have_copy;              /* meta reflects some version */
    cs_history_conv convs[CS_SNAP_MAX_LAYERS];
    int n_conv;
    size_t rec_floats;
    cs_history_layout_kind rec_layout;
    int64_t mark_steps[MAX_MARKS];
    int mark_epochs[MAX_MARKS];
    int n_marks;
    char note[256];

    /* what the kernel panel shows */
    int scrubbed;               /* 0: live */
    int64_t sel_step;           /* the shown record's step (records are found again by step) */
    long sel;                   /* its index in meta, or CS_TIMELINE_LIVE */
    float *rec;                 /* (rec_floats) the shown record's floats, owned */
    size_t rec_cap;
    int64_t rec_step;           /* the step rec holds, -1 none */
    cs_history_meta rec_meta;   /* its meta */
    int rec_pending;            /* the shown record changed and rec must be copied */

    int playing;                /* 1, -1, 0 */
    int play_speed;             /* index into PLAY_SPEEDS */
    double play_t, play_acc;
    int dragging;

    /* the evolution strip */
    int strip_on, strip_layer, strip_o, strip_c, strip_planes, strip_k;
    int strip_pending;
    float *strip_frames;        /* (CS_TIMELINE_MAX_FRAMES, planes, k, k) owned */
    size_t strip_cap;
    int strip_n;
    long strip_records[CS_TIMELINE_MAX_FRAMES];
    cs_value_range strip_range;
    char strip_title[160];
    uint64_t strip_version;

    /* the snapshot drawn while scrubbing: the whole net at the record, through the inspector */
    cs_inspect *ins;            /* owned: the window's own, so training is never disturbed */
    cs_snapshot comp;
    int have_comp;
    uint64_t comp_seq;          /* live seq it was built from */
    int64_t comp_step;
    int was_scrubbed;           /* what the last frame showed (a switch needs an upload) */

    int n_layers;
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    cs_layout layout;           /* of the last frame */
    cs_timeline_layout tl;
    int64_t live_step;
    float mouse_x, mouse_y;
};

cs_status gui_tl_create(gui_tl **out, cs_run *run, cs_gl *gl, cs_text *text)
{
    *out = NULL;
    gui_tl *t = calloc(1, sizeof *t);
    if (!t) return cs_fail(CS_ERR_NOMEM, "out of memory");
    cs_status st = cs_view_timeline_create(&t->view, gl, text);
    if (st) {
        free(t);
        return st;
    }
    t->run = run;
    t->sel = CS_TIMELINE_LIVE, t->rec_step = -1, t->play_speed = PLAY_DEFAULT;
    if ((st = cs_inspect_create(&t->ins, run->net_spec)) != CS_OK) {
        gui_tl_destroy(t);
        return st;
    }
    *out = t;
    return CS_OK;
}

void gui_tl_destroy(gui_tl *t)
{
    if (!t) return;
    cs_view_timeline_destroy(t->view);
    free(t->meta);
    free(t->rec);
    free(t->strip_frames);
    if (t->have_comp) cs_snapshot_free(&t->comp);
    cs_inspect_destroy(t->ins);
    free(t);
}

static void go_live(gui_tl *t)
{
    t->scrubbed = 0, t->sel = CS_TIMELINE_LIVE, t->playing = 0;
}

/* Shows record i (clamped). */
static void show_record(gui_tl *t, long i)
{
    if (t->n == 0) return;
    if (i < 0) i = 0;
    if ((size_t)i >= t->n) i = (long)t->n - 1;
    t->scrubbed = 1, t->sel = i, t->sel_step = t->meta[i].step;
    if (t->rec_step != t->sel_step) t->rec_pending = 1;
}

/* The records' meta and layout of history h (may be NULL) at version; with the lock held. */
static void copy_meta(gui_tl *t, const cs_history *h, uint64_t version)
{
    const uint64_t gen = atomic_load(&t->run->hist_generation);
    if (gen != t->generation) go_live(t), t->generation = gen, t->rec_step = -1;
    t->n = 0;
    if (h) {
        const size_t n = cs_history_count(h);
        if (n > t->cap) {
            cs_history_meta *m = realloc(t->meta, cs_history_capacity(h) * sizeof *m);
            if (m) t->meta = m, t->cap = cs_history_capacity(h);
        }
        t->n = n <= t->cap ? n : 0;
        for (size_t i = 0; i < t->n; i++) t->meta[i] = *cs_history_meta_at(h, i);
        t->n_conv = cs_history_conv_count(h);
        if (t->n_conv > CS_SNAP_MAX_LAYERS) t->n_conv = CS_SNAP_MAX_LAYERS;
        for (int j = 0; j < t->n_conv; j++) t->convs[j] = *cs_history_conv_at(h, j);
        t->rec_floats = cs_history_record_floats(h);
        t->rec_layout = cs_history_layout(h);
    }
    t->version = version, t->have_copy = 1;
    t->n_marks = cs_timeline_epoch_marks(t->meta, t->n, t->mark_steps, t->mark_epochs, MAX_MARKS);
    if (t->n_marks > MAX_MARKS) t->n_marks = MAX_MARKS;
    /* records may have been thinned: find the shown step again */
    if (t->scrubbed) {
        if (t->n == 0) go_live(t);
        else show_record(t, (long)cs_timeline_find_step(t->meta, t->n, t->sel_step));
    }
    if (t->strip_on) t->strip_pending = 1;
}

/* The shown record's floats; with the lock held. */
static void copy_record(gui_tl *t, const cs_history *h)
{
    if (t->rec_cap < t->rec_floats) {
        float *r = realloc(t->rec, t->rec_floats * sizeof *r);
        if (r) t->rec = r, t->rec_cap = t->rec_floats;
    }
    if (t->rec_cap >= t->rec_floats) {
        cs_history_get(h, (size_t)t->sel, &t->rec_meta, t->rec);
        t->rec_step = t->meta[t->sel].step;
        t->rec_pending = 0;
    }
}

/* The evolution strip's frames, evenly picked over the records; with the lock held. */
static void copy_strip(gui_tl *t, const cs_history *h)
{
    int j = -1;
    for (int i = 0; i < t->n_conv; i++)
        if (t->convs[i].layer == t->strip_layer) j = i;
    cs_timeline_strip st = cs_timeline_strip_fit(&t->tl, t->strip_k, CS_TIMELINE_MAX_FRAMES, &t->layout.st);
    const size_t per = (size_t)t->strip_planes * t->strip_k * t->strip_k;
    t->strip_pending = 0;
    if (j < 0 || st.n < 1 || !t->strip_frames) {
        t->strip_n = 0;
        return;
    }
    const cs_history_conv *cv = &t->convs[j];
    size_t idx[CS_TIMELINE_MAX_FRAMES];
    t->strip_n = cs_export_pick(t->n, st.n, idx);
    for (int f = 0; f < t->strip_n; f++) {
        const float *w = cs_history_kernels(h, idx[f], j, NULL);
        memcpy(t->strip_frames + (size_t)f * per, w + ((size_t)t->strip_o * cv->c + t->strip_c) * cv->k * cv->k,
               per * sizeof(float));
        t->strip_records[f] = (long)idx[f];
    }
    /* one symmetric range for all frames, so colours compare along the strip */
    t->strip_range = cs_value_range_of(t->strip_frames, per * (size_t)t->strip_n, 1);
}

/* Copies what changed out of the run's history; called with the run's history lock held. */
static void copy_locked(gui_tl *t)
{
    const cs_history *h = t->run->hist;
    snprintf(t->note, sizeof t->note, "%s", t->run->hist_note);
    const uint64_t version = atomic_load(&t->run->hist_version);
    if (!t->have_copy || t->version != version) copy_meta(t, h, version);
    if (t->scrubbed && t->rec_pending && h && t->sel >= 0 && (size_t)t->sel < t->n) copy_record(t, h);
    if (t->strip_on && t->strip_pending && h && t->n > 0) copy_strip(t, h);
}

/* ---- per frame ----------------------------------------------------------------------------- */

/* The whole net at the shown record: its weights, and the probe's maps, outputs and loss
 * computed from them (a kernels-only history patches the kernels into the live snapshot). */
static const cs_snapshot *composite(gui_tl *t, const cs_snapshot *live, int *upload)
{
    if (!t->have_comp) {
        /* sized like the live snapshot; cs_snapshot_copy keeps these buffers */
        memset(&t->comp, 0, sizeof t->comp);
        t->comp.weights = calloc(live->n_weights ? live->n_weights : 1, sizeof(float));
        t->comp.acts = calloc(live->n_acts ? live->n_acts : 1, sizeof(float));
        t->comp.probe = calloc((size_t)live->in_c * live->in_h * live->in_w, sizeof(float));
        if (!t->comp.weights || !t->comp.acts || !t->comp.probe) {
            cs_snapshot_free(&t->comp);
            return live;
        }
        t->have_comp = 1, t->comp_seq = 0, t->comp_step = -1;
    }
    if (t->comp_seq != live->seq || t->comp_step != t->rec_step) {
        const cs_replay_record rec = {t->rec_meta, t->rec, t->rec_layout, t->n_conv, t->convs};
        cs_replay_snapshot(&t->comp, live, t->ins, &rec);
        if (t->comp_step != t->rec_step) *upload = 1;
        t->comp_seq = live->seq, t->comp_step = t->rec_step;
    }
    return &t->comp;
}

const cs_snapshot *gui_tl_frame(gui_tl *t, const cs_snapshot *live, const cs_layout *L, double now, int *upload,
                                int *dirty)
{
    *upload = 0;
    if (t->n_layers == 0) {
        t->n_layers = live->n_layers;
        memcpy(t->layers, live->layers, (size_t)live->n_layers * sizeof live->layers[0]);
    }
    t->layout = *L;
    cs_timeline_layout_compute(&t->tl, L->timeline, L->kernels, &L->st);
    t->live_step = live->step;

    /* playback: whole records at the chosen rate */
    if (t->playing && t->n > 0) {
        t->play_acc += (now - t->play_t) * PLAY_SPEEDS[t->play_speed];
        const long adv = (long)t->play_acc;
        if (adv > 0) {
            t->play_acc -= (double)adv;
            long i = t->sel + t->playing * adv;
            if (i <= 0 || (size_t)i >= t->n - 1) t->playing = 0; /* an end: stop there */
            show_record(t, i);
        }
        *dirty = 1;
    }
    t->play_t = now;

    const int want = !t->have_copy || t->version != atomic_load(&t->run->hist_version) || t->rec_pending ||
                     t->strip_pending;
    if (want) {
        /* never wait for the trainer: if it is recording, try again next frame */
        if (cs_run_history_trylock(t->run)) {
            copy_locked(t);
            cs_run_history_unlock(t->run);
        }
        *dirty = 1;
    }

    const cs_snapshot *shown = live;
    const int scrubbed = t->scrubbed && t->rec_step >= 0 && t->rec;
    if (scrubbed) shown = composite(t, live, upload);
    if (scrubbed != t->was_scrubbed) *upload = 1, *dirty = 1;
    t->was_scrubbed = scrubbed;
    return shown;
}

long gui_tl_shown_step(const gui_tl *t) { return t->scrubbed && t->rec_step >= 0 && t->rec ? (long)t->sel_step : -1; }

/* ---- input --------------------------------------------------------------------------------- */

void gui_tl_play(gui_tl *t, int dir, double now)
{
    if (t->n < 2) return;
    if (t->playing == dir) {
        t->playing = 0;
        return;
    }
    /* from live or from an end, start from the other end */
    if (dir > 0 && (!t->scrubbed || (size_t)t->sel >= t->n - 1)) show_record(t, 0);
    if (dir < 0 && (!t->scrubbed || t->sel <= 0)) show_record(t, (long)t->n - 1);
    t->playing = dir, t->play_acc = 0, t->play_t = now;
}

void gui_tl_step_records(gui_tl *t, long d)
{
    if (t->n == 0) return;
    t->playing = 0;
    if (!t->scrubbed) {
        if (d > 0) return;
        /* the newest record older than the live kernels */
        long i = (long)t->n - 1;
        if (t->meta[i].step >= t->live_step && i > 0) i--;
        show_record(t, i + d + 1);
        return;
    }
    if (t->sel + d >= (long)t->n) go_live(t);
    else show_record(t, t->sel + d);
}

static void toggle_strip(gui_tl *t, int layer, int o, int c)
{
    if (t->strip_on && t->strip_layer == layer && t->strip_o == o && t->strip_c == c) {
        t->strip_on = 0;
        return;
    }
    const cs_snap_layer *ly = &t->layers[layer];
    int rgb = 0;
    for (int k = 0; k < t->layout.n_kern; k++)
        if (t->layout.kern_layer[k] == layer) rgb = t->layout.kern_rgb[k];
    const size_t need = (size_t)CS_TIMELINE_MAX_FRAMES * (rgb ? 3 : 1) * ly->k * ly->k;
    if (need > t->strip_cap) {
        float *f = realloc(t->strip_frames, need * sizeof *f);
        if (!f) return;
        t->strip_frames = f, t->strip_cap = need;
    }
    t->strip_on = 1, t->strip_pending = 1, t->strip_n = 0;
    t->strip_layer = layer, t->strip_o = o, t->strip_c = rgb ? 0 : c, t->strip_planes = rgb ? 3 : 1, t->strip_k = ly->k;
    if (rgb || ly->in_c == 1)
        snprintf(t->strip_title, sizeof t->strip_title, _("%s filter %d over the run \u00B7 click a frame to go there"), ly->name, o);
    else
        snprintf(t->strip_title, sizeof t->strip_title, _("%s filter %d, input channel %d, over the run \u00B7 click a frame to go there"),
                 ly->name, o, c);
}

void gui_tl_first(gui_tl *t) { t->playing = 0, show_record(t, 0); }

void gui_tl_live(gui_tl *t) { go_live(t); }

void gui_tl_play_speed(gui_tl *t, int d)
{
    const int sp = t->play_speed + d;
    t->play_speed = sp < 0 ? 0 : sp >= N_PLAY_SPEEDS ? N_PLAY_SPEEDS - 1 : sp;
}

void gui_tl_toggle_strip(gui_tl *t)
{
    /* the hovered kernel's evolution, else the first filter of the first conv layer */
    int layer, o, c;
    if (t->strip_on) t->strip_on = 0;
    else if (cs_timeline_kernel_hit(&t->layout, t->layers, t->mouse_x, t->mouse_y, &layer, &o, &c))
        toggle_strip(t, layer, o, c);
    else if (t->layout.n_kern > 0) toggle_strip(t, t->layout.kern_layer[0], 0, 0);
}

static void drag_to(gui_tl *t, float x)
{
    const long r = cs_timeline_record_at_x(t->tl.track, t->meta, t->n, t->live_step, x);
    t->playing = 0;
    if (r == CS_TIMELINE_LIVE) go_live(t);
    else show_record(t, r);
}

int gui_tl_click(gui_tl *t, float x, float y, double now)
{
    const cs_timeline_layout *T = &t->tl;
    t->mouse_x = x, t->mouse_y = y;
    if (t->strip_on && cs_rect_contains(T->strip, x, y)) {
        cs_timeline_strip st = cs_timeline_strip_fit(T, t->strip_k, t->strip_n, &t->layout.st);
        const int f = cs_timeline_strip_hit(&st, x, y);
        if (f >= 0 && f < t->strip_n) t->playing = 0, show_record(t, t->strip_records[f]);
        return 1;
    }
    if (T->area.w <= 0) return 0; /* the row is left out */
    if (cs_rect_contains(T->btn_play, x, y)) return gui_tl_play(t, 1, now), 1;
    if (cs_rect_contains(T->btn_back, x, y)) return gui_tl_play(t, -1, now), 1;
    if (cs_rect_contains(T->btn_live, x, y)) return go_live(t), 1;
    if (T->track.w > 0 && (cs_rect_contains(cs_rect_inset(T->track, -4), x, y) || cs_rect_contains(T->marks, x, y))) {
        t->dragging = 1;
        drag_to(t, x);
        return 1;
    }
    return 0;
}

void gui_tl_motion(gui_tl *t, float x, float y)
{
    t->mouse_x = x, t->mouse_y = y;
    if (t->dragging) drag_to(t, x);
}

void gui_tl_release(gui_tl *t) { t->dragging = 0; }

int gui_tl_wheel(gui_tl *t, float x, float y, int dy)
{
    if (!cs_rect_contains(t->tl.area, x, y)) return 0;
    gui_tl_step_records(t, dy > 0 ? -1 : 1);
    return 1;
}

void gui_tl_draw(gui_tl *t, cs_ui *ui, const cs_snapshot *shown, const cs_layout *L, float mouse_x, float mouse_y,
                 int mouse_in, int blocked, cs_colormap_id diverging)
{
    char speed[64], note[512];
    const int rps = PLAY_SPEEDS[t->play_speed];
    snprintf(speed, sizeof speed, P_("%d record/s", "%d records/s", (unsigned long)rps), rps);
    cs_timeline_ui tu = {
        .meta = t->meta, .n = t->n,
        .mark_steps = t->mark_steps, .mark_epochs = t->mark_epochs, .n_marks = t->n_marks,
        .live_step = t->live_step,
        .sel = t->scrubbed && t->rec_step >= 0 ? t->sel : CS_TIMELINE_LIVE,
        .playing = t->playing, .play_speed = speed,
        .note = t->note[0] ? cs_label_run_text(t->note, note, sizeof note) : NULL,
        .mouse_x = mouse_x, .mouse_y = mouse_y, .mouse_in = mouse_in, .blocked = blocked,
        .strip_n = t->strip_on ? t->strip_n : 0, .strip_title = t->strip_title,
        .strip_frames = t->strip_frames, .strip_k = t->strip_k, .strip_planes = t->strip_planes,
        .strip_range = t->strip_range, .diverging = diverging, .strip_records = t->strip_records,
    };
    cs_view_timeline_draw(t->view, ui, shown, L, &t->tl, &tu);
}

const char *gui_tl_hover(const gui_tl *t) { return cs_view_timeline_hover(t->view); }

int gui_tl_covers(const gui_tl *t, float x, float y)
{
    return t->strip_on && t->tl.area.w > 0 && cs_rect_contains(t->tl.strip, x, y);
}
