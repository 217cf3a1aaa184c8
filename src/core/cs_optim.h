/* cs_optim.h - SGD with momentum and weight decay, and Adam, over one flat parameter block.
 *
 * The learning rate is not kept here: the caller passes it to every step (as llm.c passes it to
 * its update), so the rate has one home, the trainer's cfg.lr (cs_train.h). */
#ifndef CS_OPTIM_H
#define CS_OPTIM_H

#include <stddef.h>

#include "cs_error.h"

typedef enum { CS_OPTIM_SGD, CS_OPTIM_ADAM } cs_optim_kind;

typedef struct {
    cs_optim_kind kind;
    float momentum;      /* SGD */
    float weight_decay;  /* L2, added to the gradient (as torch.optim does) */
    float beta1, beta2, eps; /* Adam */
    long t;              /* steps taken */
    size_t n;            /* parameter count */
    float *m;            /* (n) SGD velocity or Adam first moment, owned */
    float *v;            /* (n) Adam second moment, owned (NULL for SGD) */
} cs_optim;

/* Sets defaults (momentum 0.9, Adam 0.9/0.999/1e-8) and allocates state for n parameters. Free
 * with cs_optim_free. */
cs_status cs_optim_init(cs_optim *opt, cs_optim_kind kind, size_t n);
/* The usual learning rate of an optimizer: 0.01 for SGD, 0.001 for Adam. */
float cs_optim_default_lr(cs_optim_kind kind);
void cs_optim_free(cs_optim *opt);
/* Clears the state (velocity, moments, t). */
void cs_optim_reset(cs_optim *opt);
/* One update with learning rate lr: params -= step(grads), params and grads (n). */
void cs_optim_step(cs_optim *opt, float *params, const float *grads, float lr);

#endif
