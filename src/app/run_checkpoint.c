/* run_checkpoint.c - the --save/--load/--history-* options and resuming or saving a run
 * (see run_checkpoint.h). */
#define _DEFAULT_SOURCE
#include "run_checkpoint.h"

#include <math.h>
#include <string.h>

#include "cli.h"
#include "cs_net.h"

enum { OPT_SAVE = CS_CKPT_OPT_FIRST, OPT_LOAD, OPT_HISTORY_EVERY, OPT_HISTORY_MB };

const struct option cs_ckpt_longopts[CS_CKPT_OPTION_COUNT] = {
    {"save", required_argument, 0, OPT_SAVE},
    {"load", required_argument, 0, OPT_LOAD},
    {"history-every", required_argument, 0, OPT_HISTORY_EVERY},
    {"history-mb", required_argument, 0, OPT_HISTORY_MB},
};

void cs_ckpt_options_defaults(cs_ckpt_options *c)
{
    memset(c, 0, sizeof *c);
    c->history_every = 10;
    c->history_mb = 32;
}

int cs_ckpt_options_apply(cs_ckpt_options *c, int code, const char *arg)
{
    int iv;
    switch (code) {
    case OPT_SAVE: c->save = arg; return 1;
    case OPT_LOAD: c->load = arg; return 1;
    case OPT_HISTORY_EVERY:
        if (!cs_cli_int(arg, 1, 100000000, &iv)) return 0;
        c->history_every = iv;
        return 1;
    case OPT_HISTORY_MB: return cs_cli_double(arg, 0.01, 65536, &c->history_mb);
    default: return -1;
    }
}

void cs_ckpt_options_help(FILE *f)
{
    fprintf(f, "  --save FILE         write a checkpoint (weights, optimizer, data order, history) to\n"
               "                      FILE after every epoch and at the end; atomic: a crash keeps the last\n"
               "  --load FILE         continue the run saved in FILE exactly: its net, training settings\n"
               "                      (batch, lr, momentum, optimizer, loss, seed), data and history;\n"
               "                      --epochs counts the epochs to add\n"
               "  --history-every N   record every conv layer's kernels every N steps (default 10)\n"
               "  --history-mb M      memory for the history in MiB (default 32); when full, older\n"
               "                      records are thinned evenly and the interval doubles\n");
}

/* The preset name whose spec is spec, or spec itself: keeps "mnist" in messages. */
static const char *preset_or_spec(const char *spec)
{
    static const char *const names[] = {"mnist", "cifar", "article"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *p = cs_net_preset_spec(names[i]);
        if (p && strcmp(p, spec) == 0) return names[i];
    }
    return spec;
}

cs_status cs_run_resume_begin(cs_checkpoint *ck, const char *path, cs_run_options *o)
{
    cs_status st = cs_checkpoint_read(path, ck);
    if (st) return st;
    if (!o->net) o->net = preset_or_spec(ck->spec);
    o->cfg = ck->cfg;
    if (!o->dataset && ck->source_dataset) o->dataset = ck->source_dataset;
    if (!o->data_dir && ck->source_data_dir) o->data_dir = ck->source_data_dir;
    if (o->limit <= 0 && ck->source_limit > 0) o->limit = ck->source_limit;
    return CS_OK;
}

/* The thread count the run was prepared with: its trainer's net's. */
static int o_threads(const cs_run *run) { return run->trainer->net->n_threads; }

cs_status cs_run_resume_finish(cs_run *run, cs_checkpoint *ck, const char *path, const char *user_net,
                               cs_history **hist)
{
    cs_trainer *tr;
    cs_status st = cs_checkpoint_restore(ck, &run->train, user_net, o_threads(run), &tr, hist);
    if (st) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", cs_last_error());
        return cs_fail(st, "%s: %s", path, msg);
    }
    cs_trainer_destroy(run->trainer);
    run->trainer = tr;
    return CS_OK;
}

cs_status cs_run_history_create(const cs_run *run, const cs_ckpt_options *c, cs_history **out)
{
    const double bytes = c->history_mb * 1024.0 * 1024.0;
    return cs_history_create(out, run->trainer->net, (size_t)llround(bytes), c->history_every);
}

cs_status cs_run_save(const char *path, const cs_run *run, const cs_run_options *o, const cs_history *hist)
{
    const cs_checkpoint_source src = {o->dataset ? o->dataset : run->dataset_name, o->data_dir, o->limit};
    return cs_checkpoint_save(path, run->trainer, hist, &src);
}
