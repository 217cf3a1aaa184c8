/* cs_dataset.h - an in-memory labelled image set, as the loaders produce and the trainer consumes.
 *
 * Pixels are kept as bytes (0..255) to keep CIFAR-10 and Fashion-MNIST small in memory;
 * batches are converted to float in [0, 1] when they are filled. */
#ifndef CS_DATASET_H
#define CS_DATASET_H

#include <stdint.h>

#include "cs_error.h"

#define CS_MAX_CLASSES 256

typedef struct {
    char name[64];        /* "fashion-mnist (train)", "shapes (test)", ... */
    int n, c, h, w;       /* count and per-image shape */
    uint8_t *pixels;      /* (n, c, h, w), owned */
    int *labels;          /* (n), each in [0, n_classes), owned */
    int n_classes;
    char **class_names;   /* n_classes strings, each and the array owned */
} cs_dataset;

/* Allocates pixels, labels and n_classes class-name slots (set to "0", "1", ...).
 * The caller owns the dataset's buffers: free with cs_dataset_free. */
cs_status cs_dataset_init(cs_dataset *ds, const char *name, int n, int c, int h, int w, int n_classes);
void cs_dataset_free(cs_dataset *ds);
/* Replaces class name i with a copy of name. */
cs_status cs_dataset_set_class_name(cs_dataset *ds, int i, const char *name);

/* Checks that every label is in range; names the first bad index otherwise. */
cs_status cs_dataset_validate(const cs_dataset *ds);

/* Makes dst, a copy of src adapted to c x h x w: 1 -> 3 channels replicates the gray
 * plane, 3 -> 1 takes luminance (0.299 R + 0.587 G + 0.114 B), a different size is
 * resampled bilinearly. Other channel changes are refused. dst is initialised here. */
cs_status cs_dataset_adapt(cs_dataset *dst, const cs_dataset *src, int c, int h, int w);

/* Writes images idx[0..n) as floats in [0, 1] to out: (n, c, h, w); labels to
 * labels_out (may be NULL). This is the program's one byte -> float conversion (x * (1/255)):
 * training batches, the window's probe image and the step view all get their floats here, so
 * what is shown is bit for bit what the net saw. */
void cs_dataset_fill_batch(const cs_dataset *ds, const int *idx, int n, float *out, int *labels_out);

#endif
