/* gui_timeline.c - the window's training timeline, checkpoints and exports (see gui_timeline.h):
 * the history behind a mutex the trainer holds briefly and the window only try-locks, scrubbing
 * and playback by step (so thinning, which renumbers records, never moves the cursor), the
 * per-kernel evolution strip, and the export and save keys. */
#define _DEFAULT_SOURCE
#include "gui_timeline.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "cs_export.h"
#include "cs_imageio.h"
#include "cs_timeline.h"
#include "cs_view_timeline.h"

/* Playback speeds in records per second. */
static const int PLAY_SPEEDS[] = {1, 2, 5, 10, 20, 50, 100, 200};
enum { N_PLAY_SPEEDS = sizeof PLAY_SPEEDS / sizeof PLAY_SPEEDS[0], PLAY_DEFAULT = 4, MAX_MARKS = 256 };

/* ---- shared -------------------------------------------------------------------------------- */

static void set_shared_msg(gui_tl_shared *sh, const char *msg)
{
    pthread_mutex_lock(&sh->mu);
    snprintf(sh->msg, sizeof sh->msg, "%s", msg);
    pthread_mutex_unlock(&sh->mu);
    atomic_fetch_add(&sh->msg_seq, 1);
}

static void new_history(gui_tl_shared *sh)
{
    if (cs_run_history_create(sh->run, sh->ck, &sh->hist) != CS_OK) {
        sh->hist = NULL;
        snprintf(sh->note, sizeof sh->note, "no timeline: %.200s", cs_last_error());
    } else {
        sh->note[0] = '\0';
    }
}

cs_status gui_tl_shared_init(gui_tl_shared *sh, cs_history *hist, const cs_run *run, const cs_run_options *opts,
                             const cs_ckpt_options *ck)
{
    memset(sh, 0, sizeof *sh);
    if (pthread_mutex_init(&sh->mu, NULL) != 0) {
        cs_history_destroy(hist);
        return cs_fail(CS_ERR_NOMEM, "cannot create a mutex");
    }
    sh->run = run, sh->opts = opts, sh->ck = ck;
    atomic_store(&sh->seed, run->trainer->cfg.seed);
    sh->hist = hist;
    if (!hist) new_history(sh);
    return CS_OK;
}

void gui_tl_shared_free(gui_tl_shared *sh)
{
    pthread_mutex_destroy(&sh->mu);
    cs_history_destroy(sh->hist);
    sh->hist = NULL;
}

/* Records after a step (or the start, epoch_done 0) under the lock; bumps the version when the
 * records changed. */
static void record(gui_tl_shared *sh, const cs_trainer *tr, int epoch_done)
{
    if (!sh->hist) return;
    pthread_mutex_lock(&sh->mu);
    const size_t n = cs_history_count(sh->hist);
    const long iv = cs_history_interval(sh->hist);
    cs_history_after_step(sh->hist, tr, epoch_done);
    if (epoch_done || n != cs_history_count(sh->hist) || iv != cs_history_interval(sh->hist) ||
        (n > 0 && cs_history_meta_at(sh->hist, n - 1)->step == tr->step))
        atomic_fetch_add(&sh->version, 1);
    pthread_mutex_unlock(&sh->mu);
}

void gui_tl_trainer_begin(gui_tl_shared *sh, const cs_trainer *tr, cs_curve *train_curve, long *epoch_marks,
                          int *n_marks, int max_marks)
{
    if (sh->hist) {
        /* only this thread writes the history, so reading it here needs no lock */
        const size_t n = cs_history_count(sh->hist);
        for (size_t i = 0; i < n; i++) {
            const cs_history_meta *m = cs_history_meta_at(sh->hist, i);
            if (m->step > 0) cs_curve_add(train_curve, (long)m->step, m->loss, m->accuracy);
            if (i > 0 && m->epoch > cs_history_meta_at(sh->hist, i - 1)->epoch && *n_marks < max_marks)
                epoch_marks[(*n_marks)++] = (long)m->step;
        }
    }
    record(sh, tr, 0);
}

static void save_now(gui_tl_shared *sh, const char *why)
{
    char path[512], msg[600];
    if (sh->ck->save) {
        snprintf(path, sizeof path, "%s", sh->ck->save);
    } else {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(path, sizeof path, "convscope-%Y%m%d-%H%M%S.ckpt", &tm);
    }
    const cs_trainer *tr = sh->run->trainer;
    /* the trainer is this thread's: the history is read without the lock (only this thread writes) */
    if (cs_run_save(path, sh->run, sh->opts, sh->hist) != CS_OK) {
        snprintf(msg, sizeof msg, "cannot save the checkpoint: %.500s", cs_last_error());
        fprintf(stderr, "convscope gui: %s\n", msg);
    } else {
        snprintf(msg, sizeof msg, "checkpoint %s: %.400s (step %ld, %zu history records)", why, path, tr->step,
                 sh->hist ? cs_history_count(sh->hist) : (size_t)0);
        printf("checkpoint: %s\n", path);
        fflush(stdout);
    }
    set_shared_msg(sh, msg);
}

void gui_tl_trainer_step(gui_tl_shared *sh, const cs_trainer *tr, int epoch_done)
{
    record(sh, tr, epoch_done);
    if (epoch_done && sh->ck->save) save_now(sh, "saved at the end of the epoch to");
}

void gui_tl_trainer_restart(gui_tl_shared *sh, const cs_trainer *tr)
{
    pthread_mutex_lock(&sh->mu);
    cs_history_destroy(sh->hist);
    sh->hist = NULL;
    new_history(sh);
    atomic_fetch_add(&sh->version, 1);
    atomic_fetch_add(&sh->generation, 1);
    pthread_mutex_unlock(&sh->mu);
    atomic_store(&sh->seed, tr->cfg.seed);
    record(sh, tr, 0);
}

void gui_tl_trainer_poll(gui_tl_shared *sh)
{
    const long r = atomic_load(&sh->save_requests);
    if (r == sh->saves_done) return;
    sh->saves_done = r;
    save_now(sh, "saved to");
}

void gui_tl_trainer_end(gui_tl_shared *sh)
{
    if (sh->ck->save) save_now(sh, "saved to");
}

/* ---- the window ---------------------------------------------------------------------------- */

struct gui_tl {
    gui_tl_shared *sh;          /* borrowed */
    cs_view_timeline *view;     /* owned */
    const char *export_dir;     /* borrowed; NULL: a new dated directory */

    /* copies of the history, refreshed when sh->version changes */
    cs_history_meta *meta;      /* (cap) owned; n valid */
    size_t n, cap;
    uint64_t version, generation;
    int have_copy;              /* meta reflects some version */
    cs_history_conv convs[CS_VIZ_MAX_LAYERS];
    int n_conv;
    size_t rec_floats;
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

    /* the snapshot drawn while scrubbing: the live one with the record's kernels */
    cs_snapshot comp;
    int have_comp;
    uint64_t comp_seq;          /* live seq it was built from */
    int64_t comp_step;
    int was_scrubbed;           /* what the last frame showed (a switch needs an upload) */

    int n_layers;
    cs_viz_layer layers[CS_VIZ_MAX_LAYERS];
    cs_layout layout;           /* of the last frame */
    cs_timeline_layout tl;
    int64_t live_step;
    int export_pending;
    uint64_t msg_seen;
    char msg[700];
    int has_msg;
    float mouse_x, mouse_y;
};

cs_status gui_tl_create(gui_tl **out, gui_tl_shared *sh, cs_gl *gl, cs_text *text, const char *export_dir)
{
    *out = NULL;
    gui_tl *t = calloc(1, sizeof *t);
    if (!t) return cs_fail(CS_ERR_NOMEM, "out of memory");
    cs_status st = cs_view_timeline_create(&t->view, gl, text);
    if (st) {
        free(t);
        return st;
    }
    t->sh = sh, t->export_dir = export_dir;
    t->sel = CS_TIMELINE_LIVE, t->rec_step = -1, t->play_speed = PLAY_DEFAULT;
    t->msg_seen = atomic_load(&sh->msg_seq);
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

/* Copies what changed out of the history; called with the lock held. */
static void copy_locked(gui_tl *t)
{
    const gui_tl_shared *sh = t->sh;
    const cs_history *h = sh->hist;
    snprintf(t->note, sizeof t->note, "%s", sh->note);
    const uint64_t version = atomic_load(&sh->version);
    if (!t->have_copy || t->version != version) {
        const uint64_t gen = atomic_load(&sh->generation);
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
            if (t->n_conv > CS_VIZ_MAX_LAYERS) t->n_conv = CS_VIZ_MAX_LAYERS;
            for (int j = 0; j < t->n_conv; j++) t->convs[j] = *cs_history_conv_at(h, j);
            t->rec_floats = cs_history_record_floats(h);
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
    if (t->scrubbed && t->rec_pending && h && t->sel >= 0 && (size_t)t->sel < t->n) {
        if (t->rec_cap < t->rec_floats) {
            float *r = realloc(t->rec, t->rec_floats * sizeof *r);
            if (r) t->rec = r, t->rec_cap = t->rec_floats;
        }
        if (t->rec_cap >= t->rec_floats) {
            cs_history_get(h, (size_t)t->sel, NULL, t->rec);
            t->rec_step = t->meta[t->sel].step;
            t->rec_pending = 0;
        }
    }
    if (t->strip_on && t->strip_pending && h && t->n > 0) {
        int j = -1;
        for (int i = 0; i < t->n_conv; i++)
            if (t->convs[i].layer == t->strip_layer) j = i;
        cs_timeline_strip st = cs_timeline_strip_fit(&t->tl, t->strip_k, CS_TIMELINE_MAX_FRAMES, t->layout.scale);
        const size_t per = (size_t)t->strip_planes * t->strip_k * t->strip_k;
        if (j < 0 || st.n < 1 || !t->strip_frames) {
            t->strip_n = 0;
        } else {
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
        t->strip_pending = 0;
    }
}

static void set_msg(gui_tl *t, const char *msg)
{
    snprintf(t->msg, sizeof t->msg, "%s", msg);
    t->has_msg = 1;
}

const char *gui_tl_message(gui_tl *t)
{
    if (!t->has_msg) return NULL;
    t->has_msg = 0;
    return t->msg;
}

/* ---- export -------------------------------------------------------------------------------- */

static int export_png(const char *dir, const char *name, const uint8_t *rgb, int w, int h, int *count)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (cs_image_write_png(path, rgb, w, h) != CS_OK) return 0;
    printf("export: %s  %dx%d\n", path, w, h);
    (*count)++;
    return 1;
}

/* The shown kernels (live or the scrubbed record's), every layer's maps of the probe and the
 * probe itself as PNGs, coloured as cs_export colours them for `convscope export`. */
static void export_now(gui_tl *t, const cs_snapshot *s)
{
    char dir[512], name[160], msg[700];
    if (t->export_dir) {
        snprintf(dir, sizeof dir, "%s", t->export_dir);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(dir, sizeof dir, "convscope-export-%Y%m%d-%H%M%S", &tm);
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, sizeof msg, "cannot create %.400s (%s)", dir, strerror(errno));
        fprintf(stderr, "convscope gui: %s\n", msg);
        set_msg(t, msg);
        return;
    }
    const long long kstep = t->scrubbed ? (long long)t->sel_step : (long long)s->step;
    int count = 0, ok = 1;
    for (int l = 0; l < s->n_layers && ok; l++) {
        const cs_viz_layer *L = &s->layers[l];
        if (L->kind != CS_LAYER_CONV || !s->w_count[l]) continue;
        cs_export_style st;
        cs_export_style_defaults(&st);
        st.scale = cs_export_readable_scale(L->k, 40);
        const float *w = s->weights + s->w_off[l];
        const size_t wn = (size_t)L->out_c * L->in_c * L->k * L->k;
        const cs_export_grid g = cs_export_kernel_layout(L->out_c, L->in_c, L->k, &st);
        uint8_t *rgb = malloc((size_t)g.w * g.h * 3);
        if (!rgb) break;
        cs_export_kernels(rgb, &g, w, L->out_c, L->in_c, L->k, CS_CMAP_RDBU, cs_value_range_of(w, wn, 1), &st);
        snprintf(name, sizeof name, "%s_kernels_step%07lld.png", L->name, kstep);
        ok = export_png(dir, name, rgb, g.w, g.h, &count);
        free(rgb);
    }
    /* the probe as the net sees it */
    if (ok) {
        const int sc = cs_export_readable_scale(s->in_h, 112), iw = s->in_w * sc, ih = s->in_h * sc;
        const size_t plane = (size_t)s->in_h * s->in_w;
        uint8_t *rgb = malloc((size_t)iw * ih * 3);
        if (rgb) {
            for (int y = 0; y < ih; y++)
                for (int x = 0; x < iw; x++) {
                    const size_t src = (size_t)(y / sc) * s->in_w + (size_t)(x / sc);
                    uint8_t *px = rgb + 3 * ((size_t)y * iw + x);
                    if (s->in_c == 3)
                        for (int ch = 0; ch < 3; ch++) px[ch] = (uint8_t)lrintf(s->probe[ch * plane + src] * 255.0f);
                    else cs_colormap_rgb(CS_CMAP_GRAY, (cs_value_range){0.0f, 1.0f}, s->probe[src], px);
                }
            snprintf(name, sizeof name, "probe%d.png", s->probe_index);
            ok = export_png(dir, name, rgb, iw, ih, &count);
            free(rgb);
        }
    }
    for (int l = 0; l < s->n_layers && ok; l++) {
        const cs_viz_layer *L = &s->layers[l];
        const float *maps = s->acts + s->act_off[l];
        const size_t n = (size_t)L->out_c * L->out_h * L->out_w;
        /* flat outputs (fc, softmax) as one row of cells, as `convscope export` draws them */
        const int flat = L->out_h * L->out_w == 1;
        const int c = flat ? 1 : L->out_c, h = L->out_h, w = flat ? L->out_c : L->out_w;
        cs_export_style st;
        cs_export_style_defaults(&st);
        st.scale = flat ? 24 : cs_export_readable_scale(h > w ? h : w, 56);
        const cs_export_grid g = cs_export_maps_layout(c, h, w, &st);
        uint8_t *rgb = malloc((size_t)g.w * g.h * 3);
        if (!rgb) break;
        cs_export_maps(rgb, &g, maps, c, h, w, CS_CMAP_VIRIDIS, cs_value_range_of(maps, n, 0), &st);
        snprintf(name, sizeof name, "%s_maps_step%07ld.png", L->name, s->step);
        ok = export_png(dir, name, rgb, g.w, g.h, &count);
        free(rgb);
    }
    if (!ok) {
        snprintf(msg, sizeof msg, "export failed: %.500s", cs_last_error());
        fprintf(stderr, "convscope gui: %s\n", msg);
    } else {
        snprintf(msg, sizeof msg, "exported %d pictures (kernels at step %lld, maps at step %ld) to %.400s/", count,
                 kstep, s->step, dir);
    }
    fflush(stdout);
    set_msg(t, msg);
}

/* ---- per frame ----------------------------------------------------------------------------- */

/* The live snapshot with the shown record's conv kernels and biases in place of the live ones. */
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
        cs_snapshot_copy(&t->comp, live);
        for (int j = 0; j < t->n_conv; j++) {
            const cs_history_conv *cv = &t->convs[j];
            if (cv->layer < 0 || cv->layer >= live->n_layers) continue;
            const size_t wn = (size_t)cv->oc * cv->c * cv->k * cv->k;
            /* the snapshot's layer block is its weights then its biases, as the record's */
            if (live->w_count[cv->layer] != wn) continue;
            memcpy(t->comp.weights + live->w_off[cv->layer], t->rec + cv->offset, (wn + (size_t)cv->oc) * sizeof(float));
        }
        if (t->comp_step != t->rec_step) *upload = 1;
        t->comp_seq = live->seq, t->comp_step = t->rec_step;
    }
    return &t->comp;
}

const cs_snapshot *gui_tl_frame(gui_tl *t, const cs_snapshot *live, const cs_layout *L, int *upload, int *dirty)
{
    *upload = 0;
    if (t->n_layers == 0) {
        t->n_layers = live->n_layers;
        memcpy(t->layers, live->layers, (size_t)live->n_layers * sizeof live->layers[0]);
    }
    t->layout = *L;
    cs_timeline_layout_compute(&t->tl, L->timeline, L->kernels, L->scale);
    t->live_step = live->step;

    /* playback: whole records at the chosen rate */
    const double now = cs_cli_now();
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

    gui_tl_shared *sh = t->sh;
    const int want = !t->have_copy || t->version != atomic_load(&sh->version) || t->rec_pending || t->strip_pending;
    if (want) {
        /* never wait for the trainer: if it is recording, try again next frame */
        if (pthread_mutex_trylock(&sh->mu) == 0) {
            copy_locked(t);
            pthread_mutex_unlock(&sh->mu);
            *dirty = 1;
        } else {
            *dirty = 1;
        }
    }
    const unsigned long ms = atomic_load(&sh->msg_seq);
    if (ms != t->msg_seen) {
        t->msg_seen = ms;
        pthread_mutex_lock(&sh->mu); /* held by the trainer only for short copies */
        set_msg(t, sh->msg);
        pthread_mutex_unlock(&sh->mu);
        *dirty = 1;
    }

    const cs_snapshot *shown = live;
    const int scrubbed = t->scrubbed && t->rec_step >= 0 && t->rec;
    if (scrubbed) shown = composite(t, live, upload);
    if (scrubbed != t->was_scrubbed) *upload = 1, *dirty = 1;
    t->was_scrubbed = scrubbed;
    if (t->export_pending) {
        t->export_pending = 0;
        export_now(t, shown);
        *dirty = 1;
    }
    return shown;
}

/* ---- input --------------------------------------------------------------------------------- */

static void play(gui_tl *t, int dir)
{
    if (t->n < 2) return;
    if (t->playing == dir) {
        t->playing = 0;
        return;
    }
    /* from live or from an end, start from the other end */
    if (dir > 0 && (!t->scrubbed || (size_t)t->sel >= t->n - 1)) show_record(t, 0);
    if (dir < 0 && (!t->scrubbed || t->sel <= 0)) show_record(t, (long)t->n - 1);
    t->playing = dir, t->play_acc = 0, t->play_t = cs_cli_now();
}

/* One record back (d < 0) or forward; forward past the last record is live. */
static void step_records(gui_tl *t, long d)
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
    const cs_viz_layer *ly = &t->layers[layer];
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
        snprintf(t->strip_title, sizeof t->strip_title, "%s filter %d over the run \u00B7 click a frame to go there", ly->name, o);
    else
        snprintf(t->strip_title, sizeof t->strip_title, "%s filter %d, input channel %d, over the run \u00B7 click a frame to go there",
                 ly->name, o, c);
}

int gui_tl_key(gui_tl *t, SDL_Keycode k, Uint16 mod)
{
    const long big = (mod & KMOD_SHIFT) ? 10 : 1;
    switch (k) {
    case SDLK_LEFT: step_records(t, -big); return 1;
    case SDLK_RIGHT: step_records(t, big); return 1;
    case SDLK_HOME: t->playing = 0, show_record(t, 0); return 1;
    case SDLK_END: case SDLK_l: go_live(t); return 1;
    case SDLK_p: play(t, 1); return 1;
    case SDLK_b: play(t, -1); return 1;
    case SDLK_COMMA: if (t->play_speed > 0) t->play_speed--; return 1;
    case SDLK_PERIOD: if (t->play_speed < N_PLAY_SPEEDS - 1) t->play_speed++; return 1;
    case SDLK_e: t->export_pending = 1; return 1;
    case SDLK_w: atomic_fetch_add(&t->sh->save_requests, 1); set_msg(t, "saving a checkpoint\u2026"); return 1;
    case SDLK_s:
        if (!(mod & KMOD_CTRL)) return 0;
        atomic_fetch_add(&t->sh->save_requests, 1);
        set_msg(t, "saving a checkpoint\u2026");
        return 1;
    case SDLK_t: {
        /* the hovered kernel's evolution, else the first filter of the first conv layer */
        int layer, o, c;
        if (t->strip_on) t->strip_on = 0;
        else if (cs_timeline_kernel_hit(&t->layout, t->layers, t->mouse_x, t->mouse_y, &layer, &o, &c))
            toggle_strip(t, layer, o, c);
        else if (t->layout.n_kern > 0) toggle_strip(t, t->layout.kern_layer[0], 0, 0);
        return 1;
    }
    default: return 0;
    }
}

static void drag_to(gui_tl *t, float x)
{
    const long r = cs_timeline_record_at_x(t->tl.track, t->meta, t->n, t->live_step, x);
    t->playing = 0;
    if (r == CS_TIMELINE_LIVE) go_live(t);
    else show_record(t, r);
}

int gui_tl_click(gui_tl *t, const cs_layout *L, float x, float y)
{
    (void)L;
    const cs_timeline_layout *T = &t->tl;
    t->mouse_x = x, t->mouse_y = y;
    if (t->strip_on && cs_rect_contains(T->strip, x, y)) {
        cs_timeline_strip st = cs_timeline_strip_fit(T, t->strip_k, t->strip_n, t->layout.scale);
        const int f = cs_timeline_strip_hit(&st, x, y);
        if (f >= 0 && f < t->strip_n) t->playing = 0, show_record(t, t->strip_records[f]);
        return 1;
    }
    if (cs_rect_contains(T->btn_play, x, y)) return play(t, 1), 1;
    if (cs_rect_contains(T->btn_back, x, y)) return play(t, -1), 1;
    if (cs_rect_contains(T->btn_live, x, y)) return go_live(t), 1;
    if (cs_rect_contains(cs_rect_inset(T->track, -4), x, y) || cs_rect_contains(T->marks, x, y)) {
        t->dragging = 1;
        drag_to(t, x);
        return 1;
    }
    int layer, o, c;
    if (cs_timeline_kernel_hit(&t->layout, t->layers, x, y, &layer, &o, &c)) {
        toggle_strip(t, layer, o, c);
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

int gui_tl_wheel(gui_tl *t, const cs_layout *L, float x, float y, int dy)
{
    (void)L;
    if (!cs_rect_contains(t->tl.area, x, y)) return 0;
    step_records(t, dy > 0 ? -1 : 1);
    return 1;
}

void gui_tl_draw(gui_tl *t, const cs_snapshot *shown, const cs_layout *L, float mouse_x, float mouse_y, int mouse_in,
                 int blocked)
{
    char speed[32];
    snprintf(speed, sizeof speed, "%d record%s/s", PLAY_SPEEDS[t->play_speed], PLAY_SPEEDS[t->play_speed] == 1 ? "" : "s");
    cs_timeline_ui ui = {
        .meta = t->meta, .n = t->n,
        .mark_steps = t->mark_steps, .mark_epochs = t->mark_epochs, .n_marks = t->n_marks,
        .live_step = t->live_step,
        .sel = t->scrubbed && t->rec_step >= 0 ? t->sel : CS_TIMELINE_LIVE,
        .playing = t->playing, .play_speed = speed,
        .note = t->note[0] ? t->note : NULL,
        .mouse_x = mouse_x, .mouse_y = mouse_y, .mouse_in = mouse_in, .blocked = blocked,
        .strip_n = t->strip_on ? t->strip_n : 0, .strip_title = t->strip_title,
        .strip_frames = t->strip_frames, .strip_k = t->strip_k, .strip_planes = t->strip_planes,
        .strip_range = t->strip_range, .strip_records = t->strip_records,
    };
    cs_view_timeline_draw(t->view, shown, L, &t->tl, &ui);
}

const char *gui_tl_hover(const gui_tl *t) { return cs_view_timeline_hover(t->view); }

int gui_tl_covers(const gui_tl *t, float x, float y) { return t->strip_on && cs_rect_contains(t->tl.strip, x, y); }
