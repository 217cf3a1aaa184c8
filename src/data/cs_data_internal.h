/* cs_data_internal.h - helpers shared by the loaders of src/data; not part of the public API. */
#ifndef CS_DATA_INTERNAL_H
#define CS_DATA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cs_data.h"
#include "cs_error.h"

/* Writes "dir/name" into out (size bytes); CS_ERR_ARG if it does not fit. */
cs_status cs_data_join_path(char *out, size_t size, const char *dir, const char *name);

/* How many of n_test test images to keep when `limit` of n_train training images are
 * kept: the same fraction, rounded up, at least 1 (all when limit <= 0 or >= n_train). */
int cs_data_scaled_test_count(int limit, int n_train, int n_test);

/* True when path names an existing regular file. */
bool cs_data_is_file(const char *path);

/* cs_data_load_idx and cs_data_load_cifar10 within a budget (NULL: the defaults). */
cs_status cs_data_load_idx_budget(const char *dir, bool fashion, int limit, const cs_data_budget *budget,
                                  cs_dataset *train, cs_dataset *test);
cs_status cs_data_load_cifar10_budget(const char *dir, int limit, const cs_data_budget *budget, cs_dataset *train,
                                      cs_dataset *test);

#endif
