/* cs_optim.h - SGD with momentum and weight decay, and Adam, over one flat parameter block. */
#ifndef CS_OPTIM_H
#define CS_OPTIM_H

#include <stddef.h>

#include "cs_error.h"

typedef enum { CS_OPTIM_SGD, CS_OPTIM_ADAM } cs_optim_kind;

typedef struct {
    cs_optim_kind kind;
    float lr;
    float momentum;      /* SGD */
    float weight_decay;  /* L2, added to the gradient (as torch.optim does) */
    float beta1, beta2, eps; /* Adam */
    long t;              /* steps taken */
    size_t n;            /* parameter count */
    float *m;            /* (n) SGD velocity or Adam first moment, owned */
    float *v;            /* (n) Adam second moment, owned (NULL for SGD) */
} cs_optim;

/* Sets defaults (lr 0.01, momentum 0.9, Adam 0.9/0.999/1e-8, lr 0.001 for Adam) and
 * allocates state for n parameters. Free with cs_optim_free. */
cs_status cs_optim_init(cs_optim *opt, cs_optim_kind kind, size_t n);
void cs_optim_free(cs_optim *opt);
/* Clears the state (velocity, moments, t). */
void cs_optim_reset(cs_optim *opt);
/* One update: params -= step(grads). */
void cs_optim_step(cs_optim *opt, float *params, const float *grads);

#endif
