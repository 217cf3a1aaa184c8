/* cs_run.c - one training run: opening it (fresh, from given weights or resumed), stepping it
 * with its history, curves, test points and epoch summaries on a step schedule, its controls,
 * saving, and filling snapshots (see cs_run.h). */
#define _DEFAULT_SOURCE
#include "cs_run.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cs_checkpoint.h"
#include "cs_data.h"
#include "cs_imageio.h"
#include "cs_net.h"
#ifdef CS_HAVE_ONNX
#include "cs_onnx.h"
#endif

struct cs_run_private {
    char *save_path;          /* owned copy of spec->save, or NULL */
    char *src_dataset;        /* how to load the data again (for checkpoints), owned */
    char *src_data_dir;       /* owned, or NULL */
    int src_limit;
    int want_history;         /* keep_history or save */
    long history_every;
    double history_mb;
    long curve_every, eval_every;
    int eval_images;
    uint64_t seed0;           /* the seed the run was opened with; restart r uses seed0 + r */
    long restarts;
    double curve_loss, curve_acc; /* sums over the batches since the last train-curve point */
    int curve_n;
    double epoch_loss, epoch_acc; /* sums over the current epoch's batches */
    long epoch_batches;
    double epoch_seconds;     /* time spent in the current epoch's steps */
    long epoch_images;
    double t_open;
    cs_inspect *inspect;      /* owned, made on the first capture */
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cs_run_spec_defaults(cs_run_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    cs_train_config_defaults(&spec->cfg);
    spec->threads = 1;
    spec->history_every = 10;
    spec->history_mb = 32;
    spec->curve_every = 10;
}

static char *copy_string(const char *s) { return s ? strdup(s) : NULL; }

/* Appends a line to run->notes. */
static void note(cs_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(cs_run *run, const char *fmt, ...)
{
    const size_t used = strlen(run->notes);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->notes + used, sizeof run->notes - used, fmt, ap);
    va_end(ap);
}

/* ---- opening ------------------------------------------------------------------------------ */

static const char *default_net(const char *dataset)
{
    if (strcmp(dataset, "cifar10") == 0) return "cifar";
    if (cs_data_is_colour_shapes(dataset)) return "colour";
    if (strcmp(dataset, "shapes") == 0 || strcmp(dataset, "fashion-mnist") == 0 || strcmp(dataset, "mnist") == 0)
        return "mnist";
    return "article"; /* a folder of the user's images: 32x32 RGB */
}

/* The last "fc N" item of a spec text: where its digits start and end; 0 when there is none. */
static int last_fc(const char *spec, size_t *d0, size_t *d1)
{
    int found = 0;
    for (const char *p = strstr(spec, "fc "); p; p = strstr(p + 1, "fc ")) {
        if (p != spec && p[-1] != ' ' && p[-1] != ',') continue;
        const char *d = p + 3, *e = d;
        while (*e >= '0' && *e <= '9') e++;
        if (e == d) continue;
        *d0 = (size_t)(d - spec), *d1 = (size_t)(e - spec), found = 1;
    }
    return found;
}

const char *cs_run_spec_for_classes(const char *spec_or_preset, int n_classes, char *out, size_t size)
{
    const char *preset = cs_net_preset_spec(spec_or_preset);
    size_t d0, d1;
    if (!preset || !last_fc(preset, &d0, &d1)) {
        snprintf(out, size, "%s", spec_or_preset);
        return out;
    }
    snprintf(out, size, "%.*s%d%s", (int)d0, preset, n_classes, preset + d1);
    return out;
}

/* The preset name whose spec is spec (with its output layer of any size), or spec itself: keeps
 * "mnist" in names and messages. */
static const char *preset_or_spec(const char *spec)
{
    static const char *const names[] = {"mnist", "cifar", "article", "colour"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *p = cs_net_preset_spec(names[i]);
        size_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
        if (!p) continue;
        if (strcmp(p, spec) == 0) return names[i];
        if (last_fc(p, &a0, &a1) && last_fc(spec, &b0, &b1) && a0 == b0 && strncmp(p, spec, a0) == 0 &&
            strcmp(p + a1, spec + b1) == 0)
            return names[i];
    }
    return spec;
}

/* The net's outputs against the data's classes: a preset is rebuilt with its output layer sized
 * to them, anything else must match. *net is replaced when rebuilt. */
static cs_status size_outputs(cs_run *run, cs_net **net, const char *name, int batch, int threads,
                              const cs_run_spec *spec)
{
    const int classes = run->train.n_classes, outputs = (*net)->n_classes;
    if (outputs == classes) return CS_OK;
    if (cs_net_preset_spec(name) && !spec->params) {
        char sized[1024];
        cs_run_spec_for_classes(name, classes, sized, sizeof sized);
        cs_net *n2;
        cs_status st = cs_net_create(&n2, sized, batch, threads);
        if (st) return st;
        if (n2->n_classes != classes) {
            cs_net_destroy(n2);
            return cs_fail(CS_ERR_SHAPE, "the %s preset cannot be given %d outputs", name, classes);
        }
        cs_net_destroy(*net);
        *net = n2;
        note(run, "the %s preset's output layer has %d outputs for the %d classes of %s\n", name, classes, classes,
             run->dataset_name);
        return CS_OK;
    }
    return cs_fail(CS_ERR_SHAPE, "the net has %d outputs but %s has %d classes: its last layer must have %d (e.g. "
                   "'fc %d'; presets are sized to the data by themselves)", outputs, run->dataset_name, classes,
                   classes, classes);
}

/* Replaces *ds by its adaptation to c x h x w when the shapes differ. */
static cs_status adapt_in_place(cs_dataset *ds, int c, int h, int w)
{
    if (ds->c == c && ds->h == h && ds->w == w) return CS_OK;
    cs_dataset adapted;
    cs_status st = cs_dataset_adapt(&adapted, ds, c, h, w);
    if (st) return st;
    cs_dataset_free(ds);
    *ds = adapted;
    return CS_OK;
}

/* Loads the data for the input shape c x h x w (synthetic and folder images are made at that size)
 * and adapts what comes in another shape. */
static cs_status load_data(cs_run *run, const char *dataset, const char *data_dir, int limit, uint64_t seed, int c,
                           int h, int w)
{
    cs_data_options d;
    cs_data_options_defaults(&d);
    d.dataset = dataset;
    d.data_dir = data_dir;
    d.limit = limit;
    d.seed = seed;
    d.channels = c == 1 || c == 3 ? c : 1;
    d.height = h;
    d.width = w;
    if (h == 1 && w == 1) d.channels = d.height = d.width = 0; /* flat inputs: the dataset's own images */
    cs_status st = cs_data_load(&d, &run->train, &run->test);
    if (st) return st;
    if (h == 1 && w == 1 && c > 1 && (long)run->train.c * run->train.h * run->train.w == c) {
        /* a net of fully connected layers on flat vectors (an imported [N, F] model): the
         * images' C x H x W bytes, in that order, are its F inputs, as torch.flatten makes them */
        note(run, "%s images of %dx%dx%d are flattened into the net's %d inputs\n", dataset, run->train.h,
             run->train.w, run->train.c, c);
        cs_dataset *sets[2] = {&run->train, &run->test};
        for (int i = 0; i < 2; i++) sets[i]->c = c, sets[i]->h = 1, sets[i]->w = 1;
    }
    if (run->train.c != c || run->train.h != h || run->train.w != w) {
        /* the adapted copies are made whole: check them against the data budget first */
        const cs_data_budget budget = cs_data_budget_resolve(&d.budget);
        const double bytes = ((double)run->train.n + run->test.n) * c * h * w;
        if (bytes > (double)budget.max_bytes)
            return cs_fail(CS_ERR_SHAPE, "%s: %d images adapted to the net's %dx%dx%d input would take %.1f GiB, over "
                           "the data budget of %.1f GiB: use a smaller input or --limit", dataset,
                           run->train.n + run->test.n, h, w, c, bytes / 1073741824.0,
                           (double)budget.max_bytes / 1073741824.0);
        note(run, "%s images are %dx%dx%d; adapting them to the net's %dx%dx%d input\n", dataset, run->train.h,
             run->train.w, run->train.c, h, w, c);
        if ((st = adapt_in_place(&run->train, c, h, w)) || (st = adapt_in_place(&run->test, c, h, w))) return st;
    }
    return CS_OK;
}

/* A fresh trainer around the net built before the data was loaded: random weights from the seed,
 * or the given ones. */
static cs_status open_fresh(cs_run *run, const cs_run_spec *spec, cs_net *net, const cs_train_config *cfg)
{
    cs_status st = cs_trainer_create_for_net(&run->trainer, net, cfg, &run->train);
    if (st || !spec->params) return st;
    cs_net *n = run->trainer->net;
    if (spec->n_params != n->n_params)
        return cs_fail(CS_ERR_SHAPE, "%zu weights were given for a net of %zu parameters", spec->n_params, n->n_params);
    memcpy(n->params, spec->params, n->n_params * sizeof(float));
    return CS_OK;
}

/* A new, empty history as the spec asked; a failure is an error only when checkpoints need it. */
static cs_status history_new(cs_run *run)
{
    struct cs_run_private *p = run->p;
    run->hist = NULL;
    run->hist_note[0] = '\0';
    if (!p->want_history) return CS_OK;
    const double bytes = p->history_mb * 1024.0 * 1024.0;
    cs_status st = cs_history_create(&run->hist, run->trainer->net, (size_t)llround(bytes), p->history_every);
    if (st) {
        run->hist = NULL;
        snprintf(run->hist_note, sizeof run->hist_note, "no timeline: %.200s", cs_last_error());
        if (p->save_path) return st;
    }
    return CS_OK;
}

/* Records after a step (or the start, epoch_done 0) under the lock; bumps the version when the
 * records changed. */
static void record(cs_run *run, int epoch_done)
{
    if (!run->hist) return;
    const cs_trainer *tr = run->trainer;
    pthread_mutex_lock(&run->hist_mu);
    const size_t n = cs_history_count(run->hist);
    const long iv = cs_history_interval(run->hist);
    cs_history_after_step(run->hist, tr, epoch_done);
    if (epoch_done || n != cs_history_count(run->hist) || iv != cs_history_interval(run->hist) ||
        (n > 0 && cs_history_meta_at(run->hist, n - 1)->step == tr->step))
        atomic_fetch_add(&run->hist_version, 1);
    pthread_mutex_unlock(&run->hist_mu);
}

/* A resumed run's history becomes its train curve and epoch marks, so it shows where it came from. */
static void curves_from_history(cs_run *run)
{
    if (!run->hist) return;
    const size_t n = cs_history_count(run->hist);
    for (size_t i = 0; i < n; i++) {
        const cs_history_meta *m = cs_history_meta_at(run->hist, i);
        if (m->step > 0) cs_curve_add(&run->train_curve, (long)m->step, m->loss, m->accuracy);
        if (m->epoch_end && run->n_epoch_marks < CS_SNAP_EPOCHS)
            run->epoch_marks[run->n_epoch_marks++] = (long)m->step;
    }
}

/* Restores the trainer and history of ck onto the loaded data; messages name path. */
static cs_status open_resumed(cs_run *run, cs_checkpoint *ck, const cs_run_spec *spec)
{
    /* a preset given with --load means the preset as it was sized for this data */
    char sized[1024];
    const char *expect = spec->net ? cs_run_spec_for_classes(spec->net, run->train.n_classes, sized, sizeof sized)
                                   : NULL;
    cs_status st = cs_checkpoint_restore(ck, &run->train, expect, spec->threads, &run->trainer, &run->hist);
    if (st) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", cs_last_error());
        return cs_fail(st, "%s: %s", spec->load, msg);
    }
    run->resumed = 1;
    run->saved_step = run->trainer->step;
    if (ck->curves) {
        /* the curves as they were drawn */
        run->train_curve = ck->curves->train;
        run->test_curve = ck->curves->test;
        run->n_epoch_marks = ck->curves->n_epoch_marks;
        memcpy(run->epoch_marks, ck->curves->epoch_marks, (size_t)run->n_epoch_marks * sizeof run->epoch_marks[0]);
    } else {
        curves_from_history(run); /* a version-1 file: the recorded batch losses */
    }
    return CS_OK;
}

/* The rest of opening once the data is loaded: the trainer (around net, which it takes), history,
 * probe, start point. */
static cs_status open_trainer(cs_run *run, cs_checkpoint *ck, const cs_run_spec *spec, cs_net *net,
                              const cs_train_config *cfg)
{
    struct cs_run_private *p = run->p;
    cs_status st;
    if (spec->load) {
        cs_net_destroy(net);
        st = open_resumed(run, ck, spec);
    } else {
        st = open_fresh(run, spec, net, cfg);
    }
    if (st) return st;
    p->seed0 = run->trainer->cfg.seed;
    run->net_spec = run->trainer->net->spec;
    if (!run->hist && (st = history_new(run))) return st;
    record(run, 0);
    cs_gradcurve_init(&run->grad_curve, run->trainer->net);
    const cs_net *n = run->trainer->net;
    run->probe_pixels = calloc((size_t)n->in_c * n->in_h * n->in_w, sizeof(float));
    if (!run->probe_pixels) return cs_fail(CS_ERR_NOMEM, "out of memory for the probe image");
    run->probe = -1;
    if (run->test.n > 0) cs_run_set_probe(run, spec->probe);
    /* a start point, unless the curves came back from a checkpoint as they were drawn */
    if (p->eval_every > 0 && run->test_curve.n == 0) cs_run_test_point(run);
    return CS_OK;
}

static cs_status keep_spec(cs_run *run, const cs_run_spec *spec, const char *dataset, const char *data_dir,
                           int limit)
{
    struct cs_run_private *p = run->p;
    p->save_path = copy_string(spec->save);
    p->src_dataset = copy_string(dataset);
    p->src_data_dir = copy_string(data_dir);
    p->src_limit = limit;
    p->want_history = spec->keep_history || spec->save;
    p->history_every = spec->history_every > 0 ? spec->history_every : 10;
    p->history_mb = spec->history_mb > 0 ? spec->history_mb : 32;
    p->curve_every = spec->curve_every > 0 ? spec->curve_every : 10;
    p->eval_every = spec->eval_every > 0 ? spec->eval_every : 0;
    p->eval_images = spec->eval_images > 0 ? spec->eval_images : 0;
    p->t_open = now_seconds();
    if ((spec->save && !p->save_path) || !p->src_dataset || (data_dir && !p->src_data_dir))
        return cs_fail(CS_ERR_NOMEM, "out of memory");
    return CS_OK;
}

static cs_status open_spec(cs_run **out, const cs_run_spec *spec);

/* A run from an ONNX model: its spec and weights become the run's net and starting weights;
 * what the import folded, merged or dropped goes into the run's notes. */
static cs_status open_model(cs_run **out, const cs_run_spec *spec)
{
#ifdef CS_HAVE_ONNX
    if (spec->load || spec->params || spec->net)
        return cs_fail(CS_ERR_ARG, "a run starts from a model (%s) alone, not with a checkpoint, a net or weights",
                       spec->model);
    cs_onnx_model m;
    cs_status st = cs_onnx_import(&m, spec->model, NULL);
    if (st) return st;
    cs_run_spec s = *spec;
    s.model = NULL;
    s.net = m.spec;
    s.params = m.params;
    s.n_params = m.n_params;
    st = open_spec(out, &s);
    if (!st) {
        cs_run *run = *out;
        const char *base = strrchr(spec->model, '/');
        snprintf(run->net_name, sizeof run->net_name, "%s", base ? base + 1 : spec->model);
        note(run, "%s imported as '%s'\n", spec->model, m.spec);
        for (const char *n = m.notes; n && *n;) {
            const char *end = strchr(n, '\n');
            const int len = end ? (int)(end - n) : (int)strlen(n);
            if (len > 0) note(run, "%.*s\n", len, n);
            n += len + (end != NULL);
        }
    }
    cs_onnx_model_free(&m);
    return st;
#else
    (void)out;
    return cs_fail(CS_ERR_ARG, "%s: this build of convscope has no ONNX support (meson -Donnx=enabled, with "
                   "Debian's libonnx-dev, protobuf-c-compiler and libprotobuf-c-dev)", spec->model);
#endif
}

/* --save's folder exists and takes files: said before the data loads and the training runs, not
 * after the first epoch */
static cs_status check_save_folder(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    struct stat sb;
    if (stat(dir, &sb) != 0) return cs_fail(CS_ERR_IO, "--save %s: no folder %s (%s)", path, dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode)) return cs_fail(CS_ERR_IO, "--save %s: %s is not a folder", path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return cs_fail(CS_ERR_IO, "--save %s: cannot write in %s (%s)", path, dir, strerror(errno));
    return CS_OK;
}

cs_status cs_run_open(cs_run **out, const cs_run_spec *spec)
{
    *out = NULL;
    if (spec->save && *spec->save) {
        const cs_status st = check_save_folder(spec->save);
        if (st) return st;
    }
    return spec->model ? open_model(out, spec) : open_spec(out, spec);
}

static cs_status open_spec(cs_run **out, const cs_run_spec *spec)
{
    *out = NULL;
    if (spec->threads < 1) return cs_fail(CS_ERR_ARG, "the thread count must be at least 1 (got %d)", spec->threads);
    if (spec->load && spec->params)
        return cs_fail(CS_ERR_ARG, "a run starts from given weights or from a checkpoint, not both");
    cs_run *run = calloc(1, sizeof *run);
    if (!run || !(run->p = calloc(1, sizeof *run->p)) || pthread_mutex_init(&run->hist_mu, NULL) != 0) {
        if (run) free(run->p);
        free(run);
        return cs_fail(CS_ERR_NOMEM, "out of memory");
    }
    cs_checkpoint ck = {0};
    cs_net *built = NULL; /* the training net of a fresh run, until its trainer takes it */
    const char *dataset = spec->dataset, *data_dir = spec->data_dir, *net = spec->net;
    int limit = spec->limit;
    cs_train_config cfg = spec->cfg;
    cs_status st = CS_OK;
    if (spec->load) {
        /* the saved run decides its net, settings and data unless told otherwise */
        if ((st = cs_checkpoint_read(spec->load, &ck))) goto done;
        if (!net) net = preset_or_spec(ck.spec);
        cfg = ck.cfg;
        if (!dataset) dataset = ck.source_dataset;
        if (!data_dir) data_dir = ck.source_data_dir;
        if (limit <= 0 && ck.source_limit > 0) limit = ck.source_limit;
    }
    if (!dataset) dataset = cs_data_default_available("fashion-mnist") ? "fashion-mnist" : "shapes";
    if (!net) net = default_net(dataset);
    if (!spec->load) cs_train_config_resolve(&cfg, net); /* the net's recipe: colour has its own rate and decay */
    snprintf(run->dataset_name, sizeof run->dataset_name, "%s", dataset);
    snprintf(run->net_name, sizeof run->net_name, "%s", cs_net_preset_spec(net) ? net : "custom");
    if ((st = keep_spec(run, spec, dataset, data_dir, limit))) goto done;
    /* the net is built once, for training; its input shape decides how the data is made */
    if (spec->load) {
        const cs_net *saved = ck.net;
        st = load_data(run, dataset, data_dir, limit, cfg.seed, saved->in_c, saved->in_h, saved->in_w);
    } else if (!(st = cs_net_create(&built, net, cfg.batch, spec->threads))) {
        st = load_data(run, dataset, data_dir, limit, cfg.seed, built->in_c, built->in_h, built->in_w);
        if (!st) st = size_outputs(run, &built, net, cfg.batch, spec->threads, spec);
    }
    if (st) goto done;
    st = open_trainer(run, &ck, spec, built, &cfg);
    built = NULL;
done:
    cs_net_destroy(built);
    cs_checkpoint_free(&ck);
    if (st) {
        cs_run_close(run);
        return st;
    }
    *out = run;
    return CS_OK;
}

void cs_run_close(cs_run *run)
{
    if (!run) return;
    cs_trainer_destroy(run->trainer);
    cs_history_destroy(run->hist);
    cs_dataset_free(&run->train);
    cs_dataset_free(&run->test);
    free(run->probe_pixels);
    if (run->p) {
        cs_inspect_destroy(run->p->inspect);
        free(run->p->save_path);
        free(run->p->src_dataset);
        free(run->p->src_data_dir);
        free(run->p);
    }
    pthread_mutex_destroy(&run->hist_mu);
    free(run);
}

/* ---- stepping ------------------------------------------------------------------------------ */

static void set_event(cs_run *run, const char *text)
{
    snprintf(run->event, sizeof run->event, "%s", text);
    run->event_seq++;
}

static void curve_point(cs_run *run)
{
    struct cs_run_private *p = run->p;
    if (p->curve_n == 0) return;
    cs_curve_add(&run->train_curve, run->trainer->step, (float)(p->curve_loss / p->curve_n),
                 (float)(p->curve_acc / p->curve_n));
    cs_gradcurve_point(&run->grad_curve, run->trainer->step);
    p->curve_loss = p->curve_acc = 0, p->curve_n = 0;
}

int cs_run_test_point(cs_run *run)
{
    if (run->test.n <= 0) return 0;
    float acc, loss;
    cs_trainer_evaluate(run->trainer, &run->test, run->p->eval_images, &acc, &loss);
    cs_curve_add(&run->test_curve, run->trainer->step, loss, acc);
    return CS_RUN_EVALUATED;
}

/* The end of an epoch: its mark, its test point and summary, and the checkpoint. */
static int epoch_end(cs_run *run)
{
    struct cs_run_private *p = run->p;
    const cs_trainer *tr = run->trainer;
    if (run->n_epoch_marks < CS_SNAP_EPOCHS) run->epoch_marks[run->n_epoch_marks++] = tr->step;
    int ev = CS_RUN_EPOCH_DONE | cs_run_test_point(run);
    cs_run_epoch *e = &run->last_epoch;
    e->epoch = tr->epoch;
    e->train_loss = p->epoch_batches ? p->epoch_loss / (double)p->epoch_batches : 0.0;
    e->train_accuracy = p->epoch_batches ? p->epoch_acc / (double)p->epoch_batches : 0.0;
    const cs_curve_point *t = run->test_curve.n ? &run->test_curve.p[run->test_curve.n - 1] : NULL;
    e->test_loss = t ? t->loss : 0.0;
    e->test_accuracy = t ? t->acc : 0.0;
    e->images_per_sec = p->epoch_seconds > 0 ? (double)p->epoch_images / p->epoch_seconds : 0.0;
    e->seconds = now_seconds() - p->t_open;
    p->epoch_loss = p->epoch_acc = 0, p->epoch_batches = 0, p->epoch_seconds = 0, p->epoch_images = 0;
    if (p->save_path) ev |= cs_run_save(run, NULL);
    return ev;
}

int cs_run_step(cs_run *run, int flush)
{
    if (run->diverged) return 0;
    struct cs_run_private *p = run->p;
    cs_trainer *tr = run->trainer;
    const double t0 = now_seconds();
    const long seen = tr->images_seen;
    int epoch_done = 0;
    if (cs_trainer_step(tr, &epoch_done) != CS_OK) {
        run->diverged = 1;
        snprintf(run->message, sizeof run->message, "%s", cs_last_error());
        set_event(run, run->message);
        return CS_RUN_DIVERGED;
    }
    record(run, epoch_done);
    cs_gradcurve_add_step(&run->grad_curve, tr->net);
    p->curve_loss += tr->last_loss, p->curve_acc += tr->last_accuracy, p->curve_n++;
    p->epoch_loss += tr->last_loss, p->epoch_acc += tr->last_accuracy, p->epoch_batches++;
    p->epoch_images += tr->images_seen - seen;
    p->epoch_seconds += now_seconds() - t0;
    int ev = CS_RUN_STEPPED;
    if (flush || epoch_done || tr->step % p->curve_every == 0) curve_point(run);
    if (epoch_done) ev |= epoch_end(run);
    else if (p->eval_every > 0 && tr->step % p->eval_every == 0) ev |= cs_run_test_point(run);
    return ev;
}

/* ---- controls ------------------------------------------------------------------------------ */

void cs_run_set_lr(cs_run *run, float lr)
{
    if (lr > 0 && isfinite(lr)) run->trainer->cfg.lr = lr;
}

void cs_run_set_probe(cs_run *run, int index)
{
    if (run->test.n <= 0) return;
    index = ((index % run->test.n) + run->test.n) % run->test.n;
    cs_dataset_fill_batch(&run->test, &index, 1, run->probe_pixels, &run->probe_label);
    run->probe = index;
    const cs_dataset *t = &run->test;
    const int l = run->probe_label;
    snprintf(run->probe_note, sizeof run->probe_note, "test image #%d of %s, class %s", index, run->dataset_name,
             l >= 0 && l < t->n_classes && t->class_names && t->class_names[l] ? t->class_names[l] : "?");
}

cs_status cs_run_set_probe_image(cs_run *run, const cs_dataset *ds, int index, int label, const char *note)
{
    const cs_net *n = run->trainer->net;
    if (label < -1 || label >= n->n_classes)
        return cs_fail(CS_ERR_ARG, "label %d is out of range (the net has %d classes: 0..%d)", label, n->n_classes,
                       n->n_classes - 1);
    if (ds->c != n->in_c || ds->h != n->in_h || ds->w != n->in_w)
        return cs_fail(CS_ERR_SHAPE, "%s has %dx%dx%d images but the net's input is %dx%dx%d", ds->name, ds->h, ds->w,
                       ds->c, n->in_h, n->in_w, n->in_c);
    if (index < 0 || index >= ds->n) return cs_fail(CS_ERR_ARG, "%s has no image %d", ds->name, index);
    cs_dataset_fill_batch(ds, &index, 1, run->probe_pixels, NULL);
    run->probe = -1, run->probe_label = label;
    snprintf(run->probe_note, sizeof run->probe_note, "%s", note ? note : ds->name);
    return CS_OK;
}

cs_status cs_run_load_probe_file(const char *path, int c, int h, int w, cs_dataset *out, char *note, size_t size,
                                 char *detail, size_t dsize)
{
    cs_image_info in;
    cs_status st = cs_image_load_as_dataset_info(path, c, h, w, NULL, out, &in);
    if (st) return st;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const int colour = in.file_channels >= 3;
    snprintf(note, size, "%s: %d\u00D7%d %s \u2192 %d\u00D7%d %s", base, in.w, in.h, colour ? "colour" : "gray", w, h,
             c == 3 ? "RGB" : "gray");
    if (detail) {
        const char *how = c == 1 && colour ? ", gray = (77 R + 150 G + 29 B) / 256"
                          : c == 3 && !colour ? ", the gray copied to R, G and B" : "";
        snprintf(detail, dsize, "%s: %s of %d\u00D7%d %s \u2192 the net's %d\u00D7%d %s input%s%s; pixels \u00F7 255",
                 base, in.format, in.w, in.h, colour ? "colour" : "gray", w, h, c == 3 ? "RGB" : "gray", how,
                 in.w != w || in.h != h ? ", resized bilinearly" : "");
    }
    return CS_OK;
}

int cs_run_restart(cs_run *run)
{
    struct cs_run_private *p = run->p;
    cs_trainer *tr = run->trainer;
    p->restarts++;
    cs_trainer_reset(tr, p->seed0 + (uint64_t)p->restarts);
    char text[200];
    if (run->diverged) {
        /* the same rate would diverge again */
        tr->cfg.lr *= 0.1f;
        snprintf(text, sizeof text, "restarted from new random weights (seed %llu) at a tenth of the learning rate: %g",
                 (unsigned long long)tr->cfg.seed, (double)tr->cfg.lr);
    } else {
        snprintf(text, sizeof text, "restarted from new random weights (seed %llu)", (unsigned long long)tr->cfg.seed);
    }
    run->diverged = 0, run->message[0] = '\0';
    run->saved_step = 0; /* the new weights are unsaved once they train */
    cs_curve_clear(&run->train_curve);
    cs_curve_clear(&run->test_curve);
    cs_gradcurve_clear(&run->grad_curve);
    run->n_epoch_marks = 0;
    p->curve_loss = p->curve_acc = 0, p->curve_n = 0;
    p->epoch_loss = p->epoch_acc = 0, p->epoch_batches = 0, p->epoch_seconds = 0, p->epoch_images = 0;
    pthread_mutex_lock(&run->hist_mu);
    cs_history_destroy(run->hist);
    history_new(run); /* a failure leaves no timeline and says why in hist_note */
    atomic_fetch_add(&run->hist_version, 1);
    atomic_fetch_add(&run->hist_generation, 1);
    pthread_mutex_unlock(&run->hist_mu);
    record(run, 0);
    set_event(run, text);
    return CS_RUN_RESTARTED | (p->eval_every > 0 ? cs_run_test_point(run) : 0);
}

int cs_run_save(cs_run *run, const char *path)
{
    const struct cs_run_private *p = run->p;
    char text[sizeof run->event];
    if (!path) path = p->save_path;
    if (!path) {
        cs_fail(CS_ERR_ARG, "no checkpoint file was given");
        snprintf(text, sizeof text, "cannot save: no checkpoint file was given");
        set_event(run, text);
        return CS_RUN_SAVE_FAILED;
    }
    const cs_checkpoint_source src = {p->src_dataset, p->src_data_dir, p->src_limit};
    cs_checkpoint_curves *curves = malloc(sizeof *curves);
    if (!curves) {
        cs_fail(CS_ERR_NOMEM, "out of memory");
        set_event(run, "cannot save the checkpoint: out of memory");
        return CS_RUN_SAVE_FAILED;
    }
    curves->train = run->train_curve;
    curves->test = run->test_curve;
    curves->n_epoch_marks = run->n_epoch_marks;
    memcpy(curves->epoch_marks, run->epoch_marks, (size_t)run->n_epoch_marks * sizeof run->epoch_marks[0]);
    /* only the driving thread writes the history, so it reads it without the lock */
    const cs_status st = cs_checkpoint_save_run(path, run->trainer, run->hist, &src, curves);
    free(curves);
    if (st != CS_OK) {
        snprintf(text, sizeof text, "cannot save the checkpoint: %.280s", cs_last_error());
        set_event(run, text);
        return CS_RUN_SAVE_FAILED;
    }
    run->saved_step = run->trainer->step;
    snprintf(text, sizeof text, "checkpoint saved to %.200s (step %ld, %zu history records)", path,
             run->trainer->step, run->hist ? cs_history_count(run->hist) : (size_t)0);
    set_event(run, text);
    return CS_RUN_SAVED;
}

const char *cs_run_save_path(const cs_run *run) { return run->p->save_path; }

/* ---- reading --------------------------------------------------------------------------------- */

cs_status cs_run_snapshot_init(const cs_run *run, cs_snapshot *s) { return cs_snapshot_init(s, run->trainer->net); }

static const char *optim_name(cs_optim_kind k) { return k == CS_OPTIM_ADAM ? "Adam" : "SGD"; }
static const char *loss_name(cs_loss_kind k) { return k == CS_LOSS_MSE ? "MSE" : "cross-entropy"; }

void cs_run_set_capture_grads(cs_run *run, int on) { run->capture_grads = on != 0; }

cs_inspect *cs_run_inspector(cs_run *run)
{
    struct cs_run_private *p = run->p;
    if (!p->inspect && cs_inspect_create(&p->inspect, run->net_spec) != CS_OK) p->inspect = NULL;
    return p->inspect;
}

void cs_run_capture(cs_run *run, cs_snapshot *s)
{
    struct cs_run_private *p = run->p;
    const cs_trainer *tr = run->trainer;
    cs_run_inspector(run);
    s->probe_index = run->probe;
    s->probe_label = run->probe_label;
    s->probe_loss = NAN;
    if (p->inspect) {
        cs_inspect_capture(p->inspect, tr->net->params, run->probe_pixels, s);
        s->probe_loss = cs_inspect_loss(p->inspect, run->probe_label, tr->cfg.loss);
    }
    s->has_grads = 0;
    if (p->inspect && run->capture_grads && run->probe_label >= 0) {
        const float probe_loss = cs_inspect_backward(p->inspect, run->probe_label, tr->cfg.loss);
        cs_snapshot_capture_grads(s, cs_inspect_net(p->inspect), probe_loss, tr->net, &tr->opt);
    }
    memcpy(&s->grad_norms, &run->grad_curve, sizeof s->grad_norms);
    snprintf(s->probe_note, sizeof s->probe_note, "%s", run->probe_note);
    memcpy(&s->train, &run->train_curve, sizeof s->train);
    memcpy(&s->test, &run->test_curve, sizeof s->test);
    s->n_epoch_marks = run->n_epoch_marks;
    memcpy(s->epoch_marks, run->epoch_marks, (size_t)run->n_epoch_marks * sizeof s->epoch_marks[0]);
    const cs_history_meta m = cs_history_meta_of(tr);
    s->step = s->live_step = tr->step;
    s->images_seen = tr->images_seen;
    s->epoch = cs_history_epoch_label(&m);
    s->recorded = s->record_kernels_only = 0;
    s->saved_step = run->saved_step;
    s->lr = tr->cfg.lr;
    s->loss_kind = tr->cfg.loss;
    snprintf(s->optimizer, sizeof s->optimizer, "%s", optim_name(tr->opt.kind));
    snprintf(s->loss, sizeof s->loss, "%s", loss_name(tr->cfg.loss));
    s->seed = tr->cfg.seed;
    s->diverged = run->diverged;
    snprintf(s->message, sizeof s->message, "%s", run->message);
    snprintf(s->event, sizeof s->event, "%s", run->event);
    s->event_seq = run->event_seq;
}

int cs_run_history_trylock(cs_run *run) { return pthread_mutex_trylock(&run->hist_mu) == 0; }

void cs_run_history_unlock(cs_run *run) { pthread_mutex_unlock(&run->hist_mu); }
