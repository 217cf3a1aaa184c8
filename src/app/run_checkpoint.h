/* run_checkpoint.h - checkpoints and the training history for a run, shared by `train` and
 * the window: the --save/--load/--history-* options, resuming a run from a checkpoint, and
 * saving one.
 *
 * Resuming is two calls around cs_run_prepare:
 *     cs_checkpoint ck;
 *     cs_run_resume_begin(&ck, path, &opts);      // opts now describe the saved run
 *     cs_run_prepare(&run, &opts);                // loads the same data
 *     cs_run_resume_finish(&run, &ck, user_net, &hist);  // the saved trainer and history
 *     cs_checkpoint_free(&ck);
 */
#ifndef CS_RUN_CHECKPOINT_H
#define CS_RUN_CHECKPOINT_H

#include <getopt.h>
#include <stdio.h>

#include "cs_checkpoint.h"
#include "cs_history.h"
#include "run_options.h"

typedef struct {
    const char *save;     /* --save FILE: checkpoint after every epoch and at the end; borrowed */
    const char *load;     /* --load FILE: continue the run saved there; borrowed */
    long history_every;   /* --history-every N: record the kernels every N steps (default 10) */
    double history_mb;    /* --history-mb M: history budget in MiB (default 32) */
} cs_ckpt_options;

void cs_ckpt_options_defaults(cs_ckpt_options *c);

/* getopt_long entries, codes >= CS_CKPT_OPT_FIRST; copy into a command's table. */
enum { CS_CKPT_OPT_FIRST = 1100 };
#define CS_CKPT_OPTION_COUNT 4
extern const struct option cs_ckpt_longopts[CS_CKPT_OPTION_COUNT];

/* Applies option code with value arg: 1 done, 0 bad value, -1 not one of these options. */
int cs_ckpt_options_apply(cs_ckpt_options *c, int code, const char *arg);
void cs_ckpt_options_help(FILE *f);

/* Reads and validates path into ck (freed by the caller with cs_checkpoint_free, also on
 * failure) and makes o describe the saved run: its net unless o->net is set (which is then
 * checked against the file in cs_run_resume_finish), its training settings (batch, lr,
 * optimizer, momentum, loss, seed: they are part of an exact resume), and its dataset,
 * data dir and limit unless o sets them. o borrows strings from ck. */
cs_status cs_run_resume_begin(cs_checkpoint *ck, const char *path, cs_run_options *o);

/* After cs_run_prepare(run, o): replaces run->trainer by the saved trainer on run->train
 * and sets *hist to the saved history (NULL if the file has none). user_net (the --net the
 * user gave, or NULL) must describe the saved net. Messages name path. On failure run is
 * unchanged. */
cs_status cs_run_resume_finish(cs_run *run, cs_checkpoint *ck, const char *path, const char *user_net,
                               cs_history **hist);

/* A new, empty history for run->trainer's net as c asks; CS_ERR_ARG when the budget cannot
 * hold a few records. */
cs_status cs_run_history_create(const cs_run *run, const cs_ckpt_options *c, cs_history **out);

/* Saves run->trainer, hist (may be NULL) and where the data came from (o) to path,
 * atomically. */
cs_status cs_run_save(const char *path, const cs_run *run, const cs_run_options *o, const cs_history *hist);

#endif
