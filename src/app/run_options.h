/* run_options.h - the command-line options `train` and `gui` share: dataset, net, optimizer,
 * seed, threads, epochs, and checkpoints and history (--save, --load, --history-*). They fill a
 * cs_run_spec (cs_run.h); opening the run is the run layer's. */
#ifndef CS_RUN_OPTIONS_H
#define CS_RUN_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "cs_run.h"

typedef struct {
    cs_run_spec spec;       /* what to open; its strings are borrowed from argv */
    int epochs;             /* --epochs N (default 1) */
    int epochs_given;
    const char *ignored;    /* a training setting given with --load, which the checkpoint decides, or NULL */
} cs_runopt;

/* Defaults as documented in cs_runopt_help. */
void cs_runopt_defaults(cs_runopt *o);

/* getopt_long entries for the shared options; codes are >= CS_RUNOPT_FIRST. Copy them into a
 * command's own table (CS_RUNOPT_COUNT entries, no terminator). */
enum { CS_RUNOPT_FIRST = 1000 };
#define CS_RUNOPT_COUNT 17
extern const struct option cs_runopt_longopts[CS_RUNOPT_COUNT];

/* Applies option `code` with value arg: 1 done, 0 bad value, -1 not a shared option. */
int cs_runopt_apply(cs_runopt *o, int code, const char *arg);

/* Prints the shared options' help lines. */
void cs_runopt_help(FILE *f);

/* After cs_run_open: the run's notes (data adapted), the setting --load ignored, and where a
 * resumed run continues, each as a line on stderr (stdout for the resume) prefixed with cmd. */
void cs_runopt_report(const char *cmd, const cs_runopt *o, const cs_run *run);

#endif
