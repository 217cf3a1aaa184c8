/* run_options.h - the options `train` and `gui` share (dataset, net, optimizer, seed, ...)
 * and the code that turns them into loaded data and a ready trainer. */
#ifndef CS_RUN_OPTIONS_H
#define CS_RUN_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "cs_dataset.h"
#include "cs_train.h"

typedef struct {
    const char *dataset;  /* NULL: fashion-mnist when installed, else shapes (borrowed) */
    const char *data_dir; /* NULL: the dataset's default place (borrowed) */
    const char *net;      /* preset or spec; NULL: the dataset's natural preset (borrowed) */
    int epochs;           /* default 1 */
    int limit;            /* max training images, <= 0 for all */
    int threads;          /* default 1 */
    cs_train_config cfg;
} cs_run_options;

/* Defaults as documented in cs_run_options_help. */
void cs_run_options_defaults(cs_run_options *o);

/* getopt_long entries for the shared options; codes are >= CS_RUN_OPT_FIRST. Copy them
 * into a command's own table (CS_RUN_OPTION_COUNT entries, no terminator). */
enum { CS_RUN_OPT_FIRST = 1000 };
#define CS_RUN_OPTION_COUNT 12
extern const struct option cs_run_longopts[CS_RUN_OPTION_COUNT];

/* Applies option `code` with value arg: 1 done, 0 bad value, -1 not a shared option. */
int cs_run_options_apply(cs_run_options *o, int code, const char *arg);

/* Prints the shared options' help lines. */
void cs_run_options_help(FILE *f);

/* What a run needs: the datasets adapted to the net's input and a trainer over them. */
typedef struct {
    cs_dataset train;     /* owned */
    cs_dataset test;      /* owned */
    cs_trainer *trainer;  /* owned */
    char dataset_name[64];
    char net_name[64];    /* preset name, or "custom" */
} cs_run;

/* Loads the data, adapts it to the net's input shape (noting any adaptation on stderr),
 * builds the trainer and sets the thread count. On failure everything is freed and
 * cs_last_error() says why. Free with cs_run_free. */
cs_status cs_run_prepare(cs_run *run, const cs_run_options *o);
void cs_run_free(cs_run *run);

#endif
