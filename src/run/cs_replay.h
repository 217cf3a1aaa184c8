/* cs_replay.h - a recorded step of a run's history as the same snapshot the window draws live:
 * the weights of that step, the probe's activation maps, outputs, predicted class and loss
 * computed from them on an inspector (cs_inspect.h), and the counters of the record, so
 * scrubbing or playing the timeline shows the whole net as it was, and an export of a recorded
 * step writes the pictures the live net gave at that step.
 *
 * Nothing here touches a training run: the caller copies the record out of the history (under
 * the run's history lock) and owns the inspector, so training goes on undisturbed. */
#ifndef CS_REPLAY_H
#define CS_REPLAY_H

#include "cs_history.h"
#include "cs_inspect.h"
#include "cs_snapshot.h"

/* One record, as copied out of a history (pointers borrowed for the call). */
typedef struct {
    cs_history_meta meta;
    const float *floats;            /* cs_history_record_floats floats */
    cs_history_layout_kind layout;  /* CS_HISTORY_PARAMS: a whole parameter block */
    int n_conv;                     /* CS_HISTORY_CONV: where the kernels are */
    const cs_history_conv *convs;
} cs_replay_record;

/* Fills out (initialised for the same net as base) with the net at the record: base's curves,
 * names, settings, probe image and label are kept (base is the live snapshot, or one made from a
 * checkpoint), the weights are the record's, and with a whole parameter block the probe's maps,
 * probabilities, predicted class and loss (base->loss_kind, against base->probe_label) are
 * computed again on ins (built for the same net). step, images_seen and epoch become the
 * record's, recorded 1 and live_step base's step; the curves and epoch marks are cut to the
 * points up to that step (as they stood then). A kernels-only record (a version-1 history)
 * patches the conv weights only and sets record_kernels_only: its maps and outputs stay base's.
 * Returns the count of non-finite values replaced by 0. out may not be base. */
long cs_replay_snapshot(cs_snapshot *out, const cs_snapshot *base, cs_inspect *ins, const cs_replay_record *rec);

/* The record of history h (borrowed; hold the run's history lock while h changes under you) at
 * index i, as a cs_replay_record pointing into h: valid until h records again. */
cs_replay_record cs_replay_record_at(const cs_history *h, size_t i);

#endif
