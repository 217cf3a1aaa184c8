/* cs_optim.c - SGD with momentum (torch.optim.SGD's form) and Adam (Kingma & Ba). */
#include "cs_optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

cs_status cs_optim_init(cs_optim *opt, cs_optim_kind kind, size_t n)
{
    memset(opt, 0, sizeof *opt);
    opt->kind = kind;
    opt->momentum = 0.9f;
    opt->beta1 = 0.9f;
    opt->beta2 = 0.999f;
    opt->eps = 1e-8f;
    opt->n = n;
    opt->m = calloc(n ? n : 1, sizeof(float));
    if (kind == CS_OPTIM_ADAM) opt->v = calloc(n ? n : 1, sizeof(float));
    if (!opt->m || (kind == CS_OPTIM_ADAM && !opt->v)) {
        cs_optim_free(opt);
        return cs_fail(CS_ERR_NOMEM, "out of memory for optimizer state (%zu parameters)", n);
    }
    return CS_OK;
}

float cs_optim_default_lr(cs_optim_kind kind) { return kind == CS_OPTIM_ADAM ? 0.001f : 0.01f; }

void cs_optim_free(cs_optim *opt)
{
    free(opt->m);
    free(opt->v);
    opt->m = opt->v = NULL;
}

void cs_optim_reset(cs_optim *opt)
{
    opt->t = 0;
    memset(opt->m, 0, opt->n * sizeof(float));
    if (opt->v) memset(opt->v, 0, opt->n * sizeof(float));
}

void cs_optim_step(cs_optim *opt, float *params, const float *grads, float lr)
{
    const size_t n = opt->n;
    const float wd = opt->weight_decay;
    opt->t++;
    if (opt->kind == CS_OPTIM_SGD) {
        const float mu = opt->momentum;
        float *v = opt->m;
        for (size_t i = 0; i < n; i++) {
            const float g = grads[i] + wd * params[i];
            v[i] = mu * v[i] + g;
            params[i] -= lr * v[i];
        }
        return;
    }
    const float b1 = opt->beta1, b2 = opt->beta2;
    const float c1 = 1.0f - powf(b1, (float)opt->t), c2 = 1.0f - powf(b2, (float)opt->t);
    const float step = lr * sqrtf(c2) / c1;
    for (size_t i = 0; i < n; i++) {
        const float g = grads[i] + wd * params[i];
        opt->m[i] = b1 * opt->m[i] + (1.0f - b1) * g;
        opt->v[i] = b2 * opt->v[i] + (1.0f - b2) * g * g;
        params[i] -= step * opt->m[i] / (sqrtf(opt->v[i]) + opt->eps * sqrtf(c2));
    }
}
