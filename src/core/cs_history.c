/* cs_history.c - bounded training history with even thinning, and bounded learning curves (see
 * cs_history.h).
 *
 * Records sit in two preallocated parallel arrays (meta, floats) ordered by step;
 * thinning compacts them in place, so memory never grows after creation. */
#include "cs_history.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct cs_history {
    size_t budget;            /* bytes, as requested */
    size_t capacity;          /* records that fit the budget */
    size_t count;
    size_t rec_floats;        /* floats per record */
    cs_history_layout_kind layout;
    long every;               /* base interval */
    long interval;            /* current interval */
    int n_conv;
    cs_history_conv *convs;   /* (n_conv), owned */
    cs_history_meta *meta;    /* (capacity), owned */
    float *data;              /* (capacity, rec_floats), owned */
};

/* Floats per record of a layout, and the number of conv layers. */
static size_t record_floats(const cs_net *net, cs_history_layout_kind layout, int *n_conv)
{
    size_t n = 0;
    int c = 0;
    for (int l = 0; l < net->n_layers; l++)
        if (net->layers[l].kind == CS_LAYER_CONV) {
            n += net->layers[l].w_count + net->layers[l].b_count;
            c++;
        }
    if (n_conv) *n_conv = c;
    return layout == CS_HISTORY_PARAMS ? net->n_params : n;
}

size_t cs_history_record_bytes_for(const cs_net *net)
{
    return record_floats(net, CS_HISTORY_PARAMS, NULL) * sizeof(float) + sizeof(cs_history_meta);
}

size_t cs_history_record_bytes_conv_for(const cs_net *net)
{
    return record_floats(net, CS_HISTORY_CONV, NULL) * sizeof(float) + sizeof(cs_history_meta);
}

cs_status cs_history_create(cs_history **out, const cs_net *net, size_t budget_bytes, long every)
{
    return cs_history_create_layout(out, net, budget_bytes, every, CS_HISTORY_PARAMS);
}

cs_status cs_history_create_layout(cs_history **out, const cs_net *net, size_t budget_bytes, long every,
                                   cs_history_layout_kind layout)
{
    *out = NULL;
    int n_conv;
    if (layout != CS_HISTORY_PARAMS && layout != CS_HISTORY_CONV)
        return cs_fail(CS_ERR_ARG, "unknown history layout %d", (int)layout);
    const size_t floats = record_floats(net, layout, &n_conv);
    if (every < 1) return cs_fail(CS_ERR_ARG, "history interval must be at least 1 step (got %ld)", every);
    /* records, checkpoints and the window draw K x K kernels */
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        if (L->kind == CS_LAYER_CONV && L->win.kh != L->win.kw)
            return cs_fail(CS_ERR_ARG, "%s has a %dx%d kernel: the history and the window show square kernels only",
                           L->name, L->win.kh, L->win.kw);
    }
    const size_t rec_bytes = floats * sizeof(float) + sizeof(cs_history_meta);
    const size_t capacity = budget_bytes / rec_bytes;
    if (capacity < CS_HISTORY_MIN_RECORDS)
        return cs_fail(CS_ERR_ARG, "a history budget of %zu bytes holds %zu records of %zu bytes; at least %d are "
                       "needed (%zu bytes)", budget_bytes, capacity, rec_bytes, CS_HISTORY_MIN_RECORDS,
                       (size_t)CS_HISTORY_MIN_RECORDS * rec_bytes);
    cs_history *h = calloc(1, sizeof *h);
    if (!h) return cs_fail(CS_ERR_NOMEM, "out of memory");
    h->budget = budget_bytes;
    h->capacity = capacity;
    h->rec_floats = floats;
    h->layout = layout;
    h->every = h->interval = every;
    h->n_conv = n_conv;
    /* a net without parameters records only the meta (loss and accuracy over time) */
    h->convs = calloc(n_conv ? (size_t)n_conv : 1, sizeof *h->convs);
    h->meta = calloc(capacity, sizeof *h->meta);
    h->data = malloc(floats ? capacity * floats * sizeof(float) : 1);
    if (!h->convs || !h->meta || !h->data) {
        cs_history_destroy(h);
        return cs_fail(CS_ERR_NOMEM, "out of memory for a history of %zu bytes", budget_bytes);
    }
    size_t off = 0;
    int j = 0;
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        if (L->kind != CS_LAYER_CONV) continue;
        cs_history_conv *cv = &h->convs[j++];
        cv->layer = l;
        memcpy(cv->name, L->name, sizeof cv->name);
        cv->oc = L->out_c, cv->c = L->in_c, cv->k = L->k;
        /* the whole block: the layer's place in it (weights, then its biases right after) */
        cv->offset = layout == CS_HISTORY_PARAMS ? (size_t)(L->w - net->params) : off;
        off += L->w_count + L->b_count;
    }
    *out = h;
    return CS_OK;
}

void cs_history_destroy(cs_history *h)
{
    if (!h) return;
    free(h->convs);
    free(h->meta);
    free(h->data);
    free(h);
}

static float *rec(const cs_history *h, size_t i) { return h->data + i * h->rec_floats; }

static void copy_params(const cs_history *h, float *dst, const cs_net *net)
{
    if (h->layout == CS_HISTORY_PARAMS) {
        if (h->rec_floats) memcpy(dst, net->params, h->rec_floats * sizeof(float));
        return;
    }
    for (int j = 0; j < h->n_conv; j++) {
        const cs_layer *L = &net->layers[h->convs[j].layer];
        memcpy(dst + h->convs[j].offset, L->w, L->w_count * sizeof(float));
        memcpy(dst + h->convs[j].offset + L->w_count, L->b, L->b_count * sizeof(float));
    }
}

void cs_history_thin(cs_history *h)
{
    if (h->interval <= LONG_MAX / 2) h->interval *= 2;
    size_t kept = 0;
    for (size_t i = 0; i < h->count; i++) {
        const int keep = i == 0 || i + 1 == h->count || h->meta[i].step % h->interval == 0;
        if (!keep) continue;
        if (kept != i) {
            h->meta[kept] = h->meta[i];
            memcpy(rec(h, kept), rec(h, i), h->rec_floats * sizeof(float));
        }
        kept++;
    }
    h->count = kept;
}

/* Thins until there is room for one more record. Terminates: once the interval exceeds
 * every recorded step only the first, the last and a record at step 0 can remain, and the
 * capacity is at least CS_HISTORY_MIN_RECORDS. */
static void make_room(cs_history *h)
{
    while (h->count >= h->capacity) cs_history_thin(h);
}

static void append(cs_history *h, const cs_net *net, const cs_history_meta *meta)
{
    h->meta[h->count] = *meta;
    copy_params(h, rec(h, h->count), net);
    h->count++;
}

int cs_history_observe(cs_history *h, const cs_net *net, const cs_history_meta *meta)
{
    if (meta->step % h->interval != 0) return 0;
    if (h->count && h->meta[h->count - 1].step >= meta->step) return 0;
    if (h->count >= h->capacity) {
        make_room(h);
        if (meta->step % h->interval != 0) return 0; /* off the coarser grid now */
    }
    append(h, net, meta);
    return 1;
}

void cs_history_record(cs_history *h, const cs_net *net, const cs_history_meta *meta)
{
    if (h->count && h->meta[h->count - 1].step == meta->step) {
        h->meta[h->count - 1] = *meta;
        copy_params(h, rec(h, h->count - 1), net);
        return;
    }
    make_room(h);
    append(h, net, meta);
}

int cs_history_epoch_label(const cs_history_meta *m) { return m->epoch_end ? m->epoch : m->epoch + 1; }

cs_history_meta cs_history_meta_of(const cs_trainer *tr)
{
    cs_history_meta m;
    memset(&m, 0, sizeof m); /* padding too: records are compared and saved bytewise elsewhere */
    m.step = tr->step;
    m.epoch = tr->epoch;
    m.epoch_end = tr->step > 0 && tr->pos == 0; /* the step that finished an epoch (pos starts again) */
    m.images_seen = tr->images_seen;
    m.loss = tr->last_loss;
    m.accuracy = tr->last_accuracy;
    return m;
}

void cs_history_after_step(cs_history *h, const cs_trainer *tr, int epoch_done)
{
    const cs_history_meta m = cs_history_meta_of(tr);
    if (epoch_done) cs_history_record(h, tr->net, &m);
    else cs_history_observe(h, tr->net, &m);
}

void cs_history_set_every(cs_history *h, long every)
{
    if (every < 1) every = 1;
    h->every = h->interval = every;
}

void cs_history_set_interval(cs_history *h, long interval) { h->interval = interval < 1 ? 1 : interval; }

size_t cs_history_count(const cs_history *h) { return h->count; }
size_t cs_history_capacity(const cs_history *h) { return h->capacity; }
size_t cs_history_budget(const cs_history *h) { return h->budget; }
long cs_history_every(const cs_history *h) { return h->every; }
long cs_history_interval(const cs_history *h) { return h->interval; }
size_t cs_history_record_floats(const cs_history *h) { return h->rec_floats; }
cs_history_layout_kind cs_history_layout(const cs_history *h) { return h->layout; }
int cs_history_conv_count(const cs_history *h) { return h->n_conv; }
const cs_history_conv *cs_history_conv_at(const cs_history *h, int j) { return &h->convs[j]; }
const cs_history_meta *cs_history_meta_at(const cs_history *h, size_t i) { return &h->meta[i]; }
const float *cs_history_record_at(const cs_history *h, size_t i) { return rec(h, i); }

const float *cs_history_kernels(const cs_history *h, size_t i, int j, const float **bias)
{
    const cs_history_conv *cv = &h->convs[j];
    const float *w = rec(h, i) + cv->offset;
    if (bias) *bias = w + (size_t)cv->oc * cv->c * cv->k * cv->k;
    return w;
}

void cs_history_get(const cs_history *h, size_t i, cs_history_meta *meta, float *floats)
{
    if (meta) *meta = h->meta[i];
    if (floats) memcpy(floats, rec(h, i), h->rec_floats * sizeof(float));
}

size_t cs_history_find_step(const cs_history *h, int64_t step)
{
    size_t lo = 0, hi = h->count; /* first record with step > `step` is in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->meta[mid].step <= step) lo = mid + 1;
        else hi = mid;
    }
    return lo ? lo - 1 : 0;
}

cs_status cs_history_append_raw(cs_history *h, const cs_history_meta *meta, const float *floats)
{
    if (h->count >= h->capacity)
        return cs_fail(CS_ERR_ARG, "history is full (%zu records)", h->capacity);
    if (h->count && h->meta[h->count - 1].step >= meta->step)
        return cs_fail(CS_ERR_ARG, "history record at step %lld does not follow step %lld", (long long)meta->step,
                       (long long)h->meta[h->count - 1].step);
    h->meta[h->count] = *meta;
    memcpy(rec(h, h->count), floats, h->rec_floats * sizeof(float));
    h->count++;
    return CS_OK;
}

/* ---- learning curves ---------------------------------------------------------------------- */

void cs_curve_clear(cs_curve *c) { c->n = 0; }

void cs_curve_add(cs_curve *c, long step, float loss, float acc)
{
    if (c->n == CS_CURVE_POINTS) {
        /* merge pairs: weighted means keep the curve's level; the step is the later one */
        for (int i = 0; i < CS_CURVE_POINTS / 2; i++) {
            const cs_curve_point *a = &c->p[2 * i], *b = &c->p[2 * i + 1];
            float wa = (float)a->weight, wb = (float)b->weight;
            c->p[i] = (cs_curve_point){b->step, (a->loss * wa + b->loss * wb) / (wa + wb),
                                       (a->acc * wa + b->acc * wb) / (wa + wb), a->weight + b->weight};
        }
        c->n = CS_CURVE_POINTS / 2;
    }
    c->p[c->n++] = (cs_curve_point){step, loss, acc, 1};
}
