/* cs_cifar.c - loader for the binary version of CIFAR-10
 * (https://www.cs.toronto.edu/~kriz/cifar.html): each record is one label byte and
 * 3072 pixel bytes, the R plane, then G, then B, each 32x32 row-major - already the
 * (c, h, w) layout of cs_dataset. File sizes are checked before any record is read, and
 * the kept images against the data budget before anything is allocated. */
#include "cs_data.h"
#include "cs_data_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CIFAR_SIDE 32
#define CIFAR_PIXELS (3 * CIFAR_SIDE * CIFAR_SIDE)
#define CIFAR_RECORD (1 + CIFAR_PIXELS)
#define CIFAR_CLASSES 10
#define CIFAR_TRAIN_FILES 5

static const char *const cifar_class_names[CIFAR_CLASSES] = {
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
};

/* Number of records in the batch file at path, from its size. */
static cs_status count_records(const char *path, int *records)
{
    struct stat sb;
    if (stat(path, &sb) != 0) return cs_fail(CS_ERR_IO, "%s: cannot open (%s)", path, strerror(errno));
    if (!S_ISREG(sb.st_mode)) return cs_fail(CS_ERR_IO, "%s: not a regular file", path);
    long long size = (long long)sb.st_size;
    if (size == 0 || size % CIFAR_RECORD != 0)
        return cs_fail(CS_ERR_FORMAT, "%s: size %lld bytes is not a positive multiple of %d (1 label + %d pixel bytes "
                       "per record)", path, size, CIFAR_RECORD, CIFAR_PIXELS);
    if (size / CIFAR_RECORD > 1000000)
        return cs_fail(CS_ERR_FORMAT, "%s: %lld records, too many for a CIFAR-10 batch", path, size / CIFAR_RECORD);
    *records = (int)(size / CIFAR_RECORD);
    return CS_OK;
}

/* Reads up to `want` records of the batch at path into ds from index *at on; the file
 * holds `records` records (from count_records). */
static cs_status read_records(const char *path, int records, int want, cs_dataset *ds, int *at)
{
    FILE *f = fopen(path, "rb");
    if (!f) return cs_fail(CS_ERR_IO, "%s: cannot open (%s)", path, strerror(errno));
    unsigned char record[CIFAR_RECORD];
    cs_status st = CS_OK;
    for (int r = 0; r < records && r < want; r++) {
        if (fread(record, 1, sizeof record, f) != sizeof record) {
            st = cs_fail(CS_ERR_IO, "%s: read failed at record %d of %d (%s)", path, r, records,
                         ferror(f) ? strerror(errno) : "unexpected end of file");
            break;
        }
        if (record[0] >= CIFAR_CLASSES) {
            st = cs_fail(CS_ERR_FORMAT, "%s: label %d of record %d is out of range (expected 0..%d)", path, record[0],
                         r, CIFAR_CLASSES - 1);
            break;
        }
        ds->labels[*at] = record[0];
        memcpy(ds->pixels + (size_t)*at * CIFAR_PIXELS, record + 1, CIFAR_PIXELS);
        (*at)++;
    }
    fclose(f);
    return st;
}

/* Loads the given batch files into one dataset, keeping `keep` images (all if <= 0). */
static cs_status load_batches(char paths[][4096], const int *records, int n_files, int keep, const char *name,
                              cs_dataset *ds)
{
    int total = 0;
    for (int i = 0; i < n_files; i++) total += records[i];
    if (keep <= 0 || keep > total) keep = total;
    cs_status st = cs_dataset_init(ds, name, keep, 3, CIFAR_SIDE, CIFAR_SIDE, CIFAR_CLASSES);
    if (st) return st;
    int at = 0;
    for (int i = 0; i < n_files && at < keep; i++)
        if ((st = read_records(paths[i], records[i], keep - at, ds, &at))) {
            cs_dataset_free(ds);
            return st;
        }
    return CS_OK;
}

/* Class names from batches.meta.txt, one per line; the standard ones when the file is
 * missing or lists fewer than ten names. */
static cs_status set_class_names(const char *dir, cs_dataset *train, cs_dataset *test)
{
    char names[CIFAR_CLASSES][64];
    int found = 0;
    char path[4096];
    cs_status st = cs_data_join_path(path, sizeof path, dir, "batches.meta.txt");
    if (st) return st;
    FILE *f = fopen(path, "r");
    if (f) {
        char line[256];
        while (found < CIFAR_CLASSES && fgets(line, sizeof line, f)) {
            size_t n = strlen(line);
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
                line[--n] = '\0';
            if (n == 0) continue;
            /* class names are short; a longer line is cut to fit */
            if (n >= sizeof names[0]) line[sizeof names[0] - 1] = '\0';
            memcpy(names[found++], line, strlen(line) + 1);
        }
        fclose(f);
    }
    for (int k = 0; k < CIFAR_CLASSES; k++) {
        const char *nm = found == CIFAR_CLASSES ? names[k] : cifar_class_names[k];
        if ((st = cs_dataset_set_class_name(train, k, nm)) || (st = cs_dataset_set_class_name(test, k, nm)))
            return st;
    }
    return CS_OK;
}

cs_status cs_data_load_cifar10(const char *dir, int limit, cs_dataset *train, cs_dataset *test)
{
    return cs_data_load_cifar10_budget(dir, limit, NULL, train, test);
}

cs_status cs_data_load_cifar10_budget(const char *dir, int limit, const cs_data_budget *budget, cs_dataset *train,
                                      cs_dataset *test)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    char paths[CIFAR_TRAIN_FILES + 1][4096];
    int records[CIFAR_TRAIN_FILES + 1];
    cs_status st;
    for (int i = 0; i <= CIFAR_TRAIN_FILES; i++) {
        char base[32];
        if (i < CIFAR_TRAIN_FILES)
            snprintf(base, sizeof base, "data_batch_%d.bin", i + 1);
        else
            snprintf(base, sizeof base, "test_batch.bin");
        if ((st = cs_data_join_path(paths[i], sizeof paths[i], dir, base))) return st;
        if ((st = count_records(paths[i], &records[i]))) return st;
    }
    int n_train = 0;
    for (int i = 0; i < CIFAR_TRAIN_FILES; i++) n_train += records[i];
    int train_keep = limit > 0 && limit < n_train ? limit : n_train;
    int test_keep = cs_data_scaled_test_count(limit, n_train, records[CIFAR_TRAIN_FILES]);
    const uint64_t bytes = ((uint64_t)train_keep + (uint64_t)test_keep) * CIFAR_PIXELS;
    const uint64_t max_bytes = cs_data_budget_resolve(budget).max_bytes;
    if (bytes > max_bytes)
        return cs_fail(CS_ERR_FORMAT, "%s: %d CIFAR-10 images take %llu bytes, over the data budget of %llu bytes",
                       dir, train_keep + test_keep, (unsigned long long)bytes, (unsigned long long)max_bytes);

    if ((st = load_batches(paths, records, CIFAR_TRAIN_FILES, train_keep, "cifar10 (train)", train))) return st;
    if ((st = load_batches(paths + CIFAR_TRAIN_FILES, records + CIFAR_TRAIN_FILES, 1, test_keep, "cifar10 (test)",
                           test)) ||
        (st = set_class_names(dir, train, test))) {
        cs_dataset_free(train);
        cs_dataset_free(test);
        return st;
    }
    return CS_OK;
}
