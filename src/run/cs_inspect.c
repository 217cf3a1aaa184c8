/* cs_inspect.c - one image through a net under given weights (see cs_inspect.h). */
#include "cs_inspect.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct cs_inspect {
    cs_net *net; /* owned: batch 1, one thread */
};

cs_status cs_inspect_create(cs_inspect **out, const char *spec_or_preset)
{
    *out = NULL;
    cs_inspect *ins = calloc(1, sizeof *ins);
    if (!ins) return cs_fail(CS_ERR_NOMEM, "out of memory");
    cs_status st = cs_net_create(&ins->net, spec_or_preset, 1, 1);
    if (st) {
        free(ins);
        return st;
    }
    *out = ins;
    return CS_OK;
}

void cs_inspect_destroy(cs_inspect *ins)
{
    if (!ins) return;
    cs_net_destroy(ins->net);
    free(ins);
}

long cs_inspect_capture(cs_inspect *ins, const float *params, const float *pixels, cs_snapshot *s)
{
    cs_net *net = ins->net;
    const size_t per = (size_t)net->in_c * net->in_h * net->in_w;
    memcpy(net->params, params, net->n_params * sizeof(float));
    memcpy(net->input, pixels, per * sizeof(float));
    cs_net_forward(net, 1);
    memcpy(s->probe, pixels, per * sizeof(float));
    return cs_snapshot_capture(s, net, 0);
}

float cs_inspect_backward(cs_inspect *ins, int label, cs_loss_kind loss)
{
    cs_net_zero_grads(ins->net);
    return cs_net_backward(ins->net, &label, 1, loss);
}

float cs_inspect_loss(cs_inspect *ins, int label, cs_loss_kind loss)
{
    if (label < 0 || label >= ins->net->n_classes) return NAN;
    return cs_net_loss(ins->net, &label, 1, loss);
}

cs_net *cs_inspect_net(cs_inspect *ins) { return ins->net; }
