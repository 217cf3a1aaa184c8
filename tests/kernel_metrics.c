/* kernel_metrics.c - prints what the conv filters of a checkpoint look like, as numbers: one
 * JSON line per conv layer with the smoothness, coherence, oriented-edge and colour-blob counts
 * of cs_kmetrics (their definitions are in cs_kmetrics.h).
 *
 *   kernel_metrics CKPT
 *
 * With a history in the checkpoint, a last line gives the first recorded step at which the first
 * conv layer's mean smoothness reached CS_KMETRICS_SMOOTH (0.5), and its epoch, or -1.
 *
 * Used by the CLI tests and to measure training recipes; exit 1 with one line on stderr when
 * the file cannot be read. */
#include <math.h>
#include <stdio.h>

#include "cs_checkpoint.h"
#include "cs_history.h"
#include "cs_kmetrics.h"

/* A JSON number, or null for NaN (a layer whose filters are all flat). */
static void put_number(const char *key, float v) { isnan(v) ? printf("\"%s\": null, ", key) : printf("\"%s\": %.4f, ", key, (double)v); }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: kernel_metrics CKPT\n");
        return 2;
    }
    cs_checkpoint ck;
    if (cs_checkpoint_read(argv[1], &ck) != CS_OK) {
        fprintf(stderr, "kernel_metrics: %s\n", cs_last_error());
        return 1;
    }
    const cs_net *net = ck.net;
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        if (L->kind != CS_LAYER_CONV || L->k < 2) continue;
        cs_kmetrics_layer m;
        cs_kmetrics_of_layer(&m, NULL, L->w, L->out_c, L->in_c, L->k);
        printf("{\"layer\": \"%s\", \"step\": %lld, \"filters\": %d, \"flat\": %d, ", L->name, (long long)ck.step,
               m.filters, m.flat);
        put_number("smoothness", m.smoothness);
        put_number("smoothness_pooled", m.smoothness_pooled);
        put_number("coherence", m.coherence);
        printf("\"edges\": %d, \"edges_0_45_90_135\": [%d, %d, %d, %d], \"blobs\": %d}\n", m.edges, m.edges_by_angle[0],
               m.edges_by_angle[1], m.edges_by_angle[2], m.edges_by_angle[3], m.blobs);
    }
    if (ck.history && cs_history_conv_count(ck.history) > 0) {
        const cs_history_conv *cv = cs_history_conv_at(ck.history, 0);
        long long step = -1;
        int epoch = -1;
        for (size_t i = 0; i < cs_history_count(ck.history) && step < 0; i++) {
            const float *bias;
            cs_kmetrics_layer m;
            cs_kmetrics_of_layer(&m, NULL, cs_history_kernels(ck.history, i, 0, &bias), cv->oc, cv->c, cv->k);
            if (m.smoothness >= CS_KMETRICS_SMOOTH) {
                step = (long long)cs_history_meta_at(ck.history, i)->step;
                epoch = cs_history_meta_at(ck.history, i)->epoch;
            }
        }
        printf("{\"layer\": \"%s\", \"first_smooth_step\": %lld, \"epoch\": %d, \"records\": %zu}\n", cv->name, step,
               epoch, cs_history_count(ck.history));
    }
    cs_checkpoint_free(&ck);
    return 0;
}
