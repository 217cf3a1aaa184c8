/* cs_replay.c - a recorded step of the history as a snapshot of the whole net (see cs_replay.h). */
#include "cs_replay.h"

#include <math.h>
#include <string.h>

cs_replay_record cs_replay_record_at(const cs_history *h, size_t i)
{
    cs_replay_record r;
    memset(&r, 0, sizeof r);
    r.meta = *cs_history_meta_at(h, i);
    r.floats = cs_history_record_at(h, i);
    r.layout = cs_history_layout(h);
    r.n_conv = cs_history_conv_count(h);
    r.convs = r.n_conv ? cs_history_conv_at(h, 0) : NULL;
    return r;
}

/* The record's conv kernels and biases in place of base's (a kernels-only record). */
static void patch_kernels(cs_snapshot *out, const cs_replay_record *rec)
{
    for (int j = 0; j < rec->n_conv; j++) {
        const cs_history_conv *cv = &rec->convs[j];
        if (cv->layer < 0 || cv->layer >= out->n_layers) continue;
        const size_t wn = (size_t)cv->oc * cv->c * cv->k * cv->k;
        /* the snapshot's layer block is its weights then its biases, as the record's */
        if (out->w_count[cv->layer] != wn) continue;
        memcpy(out->weights + out->w_off[cv->layer], rec->floats + cv->offset, (wn + (size_t)cv->oc) * sizeof(float));
    }
}

/* The curve as it stood at `step`: its points up to that step. */
static void cut_curve(cs_curve *c, long step)
{
    while (c->n > 0 && c->p[c->n - 1].step > step) c->n--;
}

long cs_replay_snapshot(cs_snapshot *out, const cs_snapshot *base, cs_inspect *ins, const cs_replay_record *rec)
{
    cs_snapshot_copy(out, base);
    long bad = 0;
    if (rec->layout == CS_HISTORY_PARAMS) {
        bad = cs_inspect_capture(ins, rec->floats, base->probe, out);
        out->probe_loss = cs_inspect_loss(ins, base->probe_label, base->loss_kind);
        out->record_kernels_only = 0;
    } else {
        patch_kernels(out, rec);
        out->record_kernels_only = 1;
    }
    out->recorded = 1;
    out->live_step = base->step;
    out->step = (long)rec->meta.step;
    out->images_seen = (long)rec->meta.images_seen;
    out->epoch = cs_history_epoch_label(&rec->meta);
    /* the curves as they stood then, so playing the timeline draws them growing */
    cut_curve(&out->train, out->step);
    cut_curve(&out->test, out->step);
    while (out->n_epoch_marks > 0 && out->epoch_marks[out->n_epoch_marks - 1] > out->step) out->n_epoch_marks--;
    out->diverged = 0;
    out->message[0] = '\0';
    return bad;
}
