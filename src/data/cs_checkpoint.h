/* cs_checkpoint.h - exact checkpoints of a training run: the net spec, weights, optimizer
 * state, counters, RNG state, data order and the recorded history, in one versioned,
 * checksummed binary file written atomically.
 *
 * File format (version 2, all integers and floats little-endian, floats IEEE-754 binary32):
 *
 *   header, 32 bytes:
 *     0  magic        8 bytes  89 'C' 'S' 'C' 'K' 'P' 'T' 0A
 *     8  version      u32      2 (version 1 files are read too)
 *    12  n_sections   u32
 *    16  file_size    u64      total bytes of the file
 *    24  table_crc    u32      CRC-32 of bytes 0..23 followed by the section table
 *    28  reserved     u32      0
 *   section table, n_sections entries of 24 bytes:
 *     id u32 (four ASCII letters), crc u32 (CRC-32 of the section's bytes),
 *     offset u64, size u64
 *   sections, back to back in table order (every byte of the file is under a CRC):
 *     SPEC  the net spec text (no terminator)
 *     TRNR  the trainer: config, counters, RNG state, dataset identity
 *     ORDR  the data order permutation, n x i32
 *     PARM  the parameter block, n_params x f32
 *     OPTM  the optimizer: kind, hyperparameters, t, n, m[n] (and v[n] for Adam)
 *     DSRC  how to load the training set again (optional): limit, dataset, data dir
 *     HIST  the history (optional): budget, intervals, layout (version 2: whole parameter
 *           blocks; version 1: conv kernels and biases only), then records (meta + floats)
 *     CURV  the learning curves as drawn (optional, version 2): train and test points and
 *           the epoch marks
 * Unknown section ids are skipped (their CRC is still checked), so later versions can add
 * sections without breaking older readers; a changed layout bumps the version.
 *
 * Saving writes FILE.tmp.<pid>, flushes and fsyncs it, renames it over FILE and fsyncs the
 * directory: a crash or kill during a save leaves the previous FILE intact.
 *
 * Loading reads the whole file and validates all of it (size, magic, version, every CRC,
 * every section's size against the spec it describes, the permutation, the history's
 * order, every weight, optimizer moment and recorded kernel finite) before anything is
 * built; a failure names the file and the problem (and the layer and index of a NaN or
 * infinite value) and leaves the caller's objects untouched.
 */
#ifndef CS_CHECKPOINT_H
#define CS_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "cs_dataset.h"
#include "cs_error.h"
#include "cs_history.h"
#include "cs_net.h"
#include "cs_optim.h"
#include "cs_train.h"

#define CS_CHECKPOINT_VERSION 2

/* Budgets of loading: the file is read whole and may have at most 4 GiB; the history it
 * describes is allocated whole and may ask for at most 1 GiB (32 times the default
 * --history-mb). The net it holds is built within cs_net's budgets. */
#define CS_CHECKPOINT_MAX_BYTES ((uint64_t)4 << 30)
#define CS_CHECKPOINT_MAX_HISTORY_BYTES ((uint64_t)1 << 30)

/* The learning curves of a run as drawn: CURV. */
typedef struct {
    cs_curve train, test;               /* points as the run took them (merged as they were) */
    int n_epoch_marks;
    long epoch_marks[CS_CURVE_EPOCHS];  /* steps at which epochs ended, increasing */
} cs_checkpoint_curves;

/* The validated contents of a checkpoint file, as plain data. */
typedef struct {
    char *spec;                /* net spec text, owned */
    cs_train_config cfg;
    int64_t step;
    int32_t epoch;
    int64_t images_seen;
    int32_t pos;
    float last_loss, last_accuracy;
    cs_rng rng;
    char dataset_name[64];     /* identity of the training set the order is for */
    int32_t dataset_n, dataset_c, dataset_h, dataset_w, dataset_classes;
    uint32_t dataset_crc;      /* cs_checkpoint_dataset_crc of that set */
    char *source_dataset;      /* DSRC: dataset name or folder, owned; NULL if the file has none */
    char *source_data_dir;     /* DSRC: data dir, owned; NULL if none */
    int32_t source_limit;      /* DSRC: image limit, <= 0 for all */
    int *order;                /* (dataset_n), owned */
    cs_net *net;               /* built from spec with max_batch cfg.batch, parameters loaded; owned */
    cs_optim opt;              /* owned state */
    cs_history *history;       /* owned, NULL when the file has none; a version-1 file's is
                                * CS_HISTORY_CONV (kernels only) */
    cs_checkpoint_curves *curves; /* CURV: owned, NULL when the file has none (version 1) */
} cs_checkpoint;

/* How the training set was loaded, so a checkpoint can load it again (strings borrowed). */
typedef struct {
    const char *dataset;      /* a dataset name or folder; NULL: not recorded */
    const char *data_dir;     /* may be NULL */
    int limit;                /* <= 0 for all */
} cs_checkpoint_source;

/* Writes the trainer's state, hist (may be NULL) and src (may be NULL) to path atomically
 * (see the top of this file). On failure path is unchanged and the temporary file removed.
 * After a save, temporaries left by killed saves of the same path (PATH.tmp.PID whose process
 * is gone) are removed. */
cs_status cs_checkpoint_save(const char *path, const cs_trainer *tr, const cs_history *hist,
                             const cs_checkpoint_source *src);
/* The same with the run's learning curves (may be NULL), so a reload draws the same curves. */
cs_status cs_checkpoint_save_run(const char *path, const cs_trainer *tr, const cs_history *hist,
                                 const cs_checkpoint_source *src, const cs_checkpoint_curves *curves);

/* CRC-32 of a dataset's pixels and labels: tells a training set from one with the same
 * name and size but other images (e.g. synthetic data drawn from another seed). */
uint32_t cs_checkpoint_dataset_crc(const cs_dataset *ds);

/* Reads and validates path into ck (initialised here, zeroed on failure; free with
 * cs_checkpoint_free). CS_ERR_IO when it cannot be read, CS_ERR_FORMAT when it is
 * truncated, corrupted or from a future version; the message names the file. */
cs_status cs_checkpoint_read(const char *path, cs_checkpoint *ck);
void cs_checkpoint_free(cs_checkpoint *ck);

/* Turns a read checkpoint into a trainer on train (borrowed, must outlive the trainer) running
 * on `threads` threads, and its history, ready to continue exactly where the saved run stopped. expect_spec
 * (a preset or spec; NULL for any) must describe the same layers as the stored spec,
 * else CS_ERR_SPEC naming both. train must be the same dataset (name, count, shape,
 * contents) the checkpoint was made on, else CS_ERR_ARG naming both. On success the trainer and the
 * history are moved out of ck (ck can still be freed) and *tr_out, *hist_out are owned by
 * the caller (*hist_out NULL when the file had no history; hist_out may be NULL to drop
 * it). On failure nothing is created and ck is unchanged. */
cs_status cs_checkpoint_restore(cs_checkpoint *ck, const cs_dataset *train, const char *expect_spec, int threads,
                                cs_trainer **tr_out, cs_history **hist_out);

/* cs_checkpoint_read + cs_checkpoint_restore on one thread; the messages name path. */
cs_status cs_checkpoint_load(const char *path, const cs_dataset *train, const char *expect_spec, cs_trainer **tr_out,
                             cs_history **hist_out);

/* 1 when nets a and b have the same layers, shapes and parameter counts. */
int cs_checkpoint_same_net(const cs_net *a, const cs_net *b);

#endif
