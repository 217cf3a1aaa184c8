/* cs_folder.c - loader for a folder of the user's images, one sub-folder per class.
 *
 * Images are decoded by cs_image (PNG, JPEG, BMP, GIF, PNM; each file within the image
 * budget), converted to the wanted channel count there and resized with stb_image_resize.
 * The split into train and test is stratified and seeded, so the same folder and seed
 * always hold out the same images; every class of two or more images gives at least one
 * to the test set. The dataset's bytes are checked against the data budget before any
 * image is decoded, and one bad file fails the whole load (no half-loaded dataset). */
#include "cs_data.h"
#include "cs_data_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cs_image.h"
#include "cs_rng.h"
#include "cs_stb.h"

/* A growable list of owned strings. */
typedef struct {
    char **items;
    int n, cap;
} name_list;

static void name_list_free(name_list *l)
{
    for (int i = 0; i < l->n; i++) free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static bool name_list_push(name_list *l, const char *s)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        char **bigger = realloc(l->items, (size_t)cap * sizeof *bigger);
        if (!bigger) return false;
        l->items = bigger;
        l->cap = cap;
    }
    size_t len = strlen(s) + 1;
    char *copy = malloc(len);
    if (!copy) return false;
    memcpy(copy, s, len);
    l->items[l->n++] = copy;
    return true;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the non-hidden entries of dir that are directories (want_dirs) or regular files,
 * sorted by name, into out (initialised here, caller frees with name_list_free). */
static cs_status list_entries(const char *dir, bool want_dirs, name_list *out)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d) return cs_fail(CS_ERR_IO, "%s: cannot open folder (%s)", dir, strerror(errno));
    struct dirent *e;
    cs_status st = CS_OK;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        if ((st = cs_data_join_path(path, sizeof path, dir, e->d_name))) break;
        struct stat sb;
        if (stat(path, &sb) != 0) {
            st = cs_fail(CS_ERR_IO, "%s: cannot stat (%s)", path, strerror(errno));
            break;
        }
        if (want_dirs ? !S_ISDIR(sb.st_mode) : !S_ISREG(sb.st_mode)) continue;
        if (!name_list_push(out, e->d_name)) {
            st = cs_fail(CS_ERR_NOMEM, "%s: out of memory listing the folder", dir);
            break;
        }
    }
    closedir(d);
    if (st) {
        name_list_free(out);
        return st;
    }
    if (out->n > 1) qsort(out->items, (size_t)out->n, sizeof *out->items, compare_names);
    return CS_OK;
}

/* Decodes path into image i of ds: c channels, resized to ds->h x ds->w, planar. */
static cs_status load_image(const char *path, cs_dataset *ds, int i, const cs_image_budget *budget)
{
    const int c = ds->c;
    cs_image img;
    cs_status st = cs_image_read(&img, path, c, budget);
    if (st) return st;
    size_t plane = (size_t)ds->h * ds->w;
    const uint8_t *src = img.px;
    unsigned char *resized = NULL;
    if (img.w != ds->w || img.h != ds->h) {
        resized = malloc(plane * c);
        if (!resized) {
            cs_image_free(&img);
            return cs_fail(CS_ERR_NOMEM, "%s: out of memory resizing", path);
        }
        if (!cs_stb_resize_u8(img.px, img.w, img.h, resized, ds->w, ds->h, c)) {
            st = cs_fail(CS_ERR_NOMEM, "%s: cannot resize %dx%d to %dx%d", path, img.w, img.h, ds->w, ds->h);
            cs_image_free(&img);
            free(resized);
            return st;
        }
        src = resized;
    }
    /* decoded images are interleaved (h, w, c); the dataset keeps planes (c, h, w) */
    uint8_t *dst = ds->pixels + (size_t)i * c * plane;
    for (size_t p = 0; p < plane; p++)
        for (int ch = 0; ch < c; ch++) dst[ch * plane + p] = src[p * c + ch];
    free(resized);
    cs_image_free(&img);
    return CS_OK;
}

/* Fills ds (already initialised for n images) from the items idx[0..n). */
static cs_status load_images(const name_list *paths, const int *item_labels, const int *idx, cs_dataset *ds,
                             const cs_image_budget *budget)
{
    for (int i = 0; i < ds->n; i++) {
        cs_status st = load_image(paths->items[idx[i]], ds, i, budget);
        if (st) return st;
        ds->labels[i] = item_labels[idx[i]];
    }
    return CS_OK;
}

cs_status cs_data_load_folder(const char *dir, int c, int h, int w, float test_fraction, uint64_t seed, int limit,
                              cs_dataset *train, cs_dataset *test)
{
    return cs_data_load_folder_budget(dir, c, h, w, test_fraction, seed, limit, NULL, train, test);
}

cs_status cs_data_load_folder_budget(const char *dir, int c, int h, int w, float test_fraction, uint64_t seed,
                                     int limit, const cs_data_budget *budget, cs_dataset *train, cs_dataset *test)
{
    const cs_data_budget bud = cs_data_budget_resolve(budget);
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (c != 1 && c != 3) return cs_fail(CS_ERR_ARG, "%s: %d channels asked (expected 1 or 3)", dir, c);
    if (h < 1 || w < 1 || h > 4096 || w > 4096)
        return cs_fail(CS_ERR_ARG, "%s: image size %dx%d asked (expected 1..4096 per side)", dir, h, w);
    if (!(test_fraction >= 0.0f && test_fraction <= 0.9f))
        return cs_fail(CS_ERR_ARG, "%s: test fraction %g (expected 0..0.9)", dir, (double)test_fraction);

    name_list classes, paths = {0};
    int *item_labels = NULL, *train_idx = NULL, *test_idx = NULL;
    int n_train = 0, n_test = 0;
    cs_status st = list_entries(dir, true, &classes);
    if (st) return st;
    if (classes.n < 2) {
        st = cs_fail(CS_ERR_FORMAT, "%s: %d class folder%s found (expected at least 2, one sub-folder per class)",
                     dir, classes.n, classes.n == 1 ? "" : "s");
        goto done;
    }
    if (classes.n > CS_MAX_CLASSES) {
        st = cs_fail(CS_ERR_FORMAT, "%s: %d class folders found (expected at most %d)", dir, classes.n,
                     CS_MAX_CLASSES);
        goto done;
    }

    /* every file of every class, in class order, then the seeded stratified split */
    cs_rng rng;
    cs_rng_seed(&rng, seed);
    int *class_start = calloc((size_t)classes.n + 1, sizeof *class_start);
    if (!class_start) {
        st = cs_fail(CS_ERR_NOMEM, "%s: out of memory", dir);
        goto done;
    }
    for (int k = 0; k < classes.n; k++) {
        char class_dir[4096];
        name_list files;
        class_start[k] = paths.n;
        if ((st = cs_data_join_path(class_dir, sizeof class_dir, dir, classes.items[k]))) break;
        if ((st = list_entries(class_dir, false, &files))) break;
        if (files.n == 0) {
            st = cs_fail(CS_ERR_FORMAT, "%s: class folder has no image files (expected at least 1)", class_dir);
            name_list_free(&files);
            break;
        }
        for (int j = 0; j < files.n && !st; j++) {
            char path[4096];
            if ((st = cs_data_join_path(path, sizeof path, class_dir, files.items[j]))) break;
            if (!name_list_push(&paths, path)) st = cs_fail(CS_ERR_NOMEM, "%s: out of memory", dir);
        }
        name_list_free(&files);
        if (st) break;
    }
    class_start[classes.n] = paths.n;
    if (st) {
        free(class_start);
        goto done;
    }
    item_labels = malloc((size_t)paths.n * sizeof *item_labels);
    train_idx = malloc((size_t)paths.n * sizeof *train_idx);
    test_idx = malloc((size_t)paths.n * sizeof *test_idx);
    if (!item_labels || !train_idx || !test_idx) {
        free(class_start);
        st = cs_fail(CS_ERR_NOMEM, "%s: out of memory", dir);
        goto done;
    }
    for (int k = 0; k < classes.n; k++) {
        int first = class_start[k], count = class_start[k + 1] - first;
        int *order = train_idx + n_train; /* shuffled in place, test items moved out below */
        for (int j = 0; j < count; j++) {
            item_labels[first + j] = k;
            order[j] = first + j;
        }
        cs_rng_shuffle(&rng, order, count);
        /* at least one test image from every class that can spare one */
        int held = (int)(test_fraction * (float)count + 0.5f);
        if (held < 1 && test_fraction > 0.0f) held = 1;
        if (held > count - 1) held = count - 1;
        for (int j = 0; j < held; j++) test_idx[n_test++] = order[j];
        memmove(order, order + held, (size_t)(count - held) * sizeof *order);
        n_train += count - held;
    }
    free(class_start);
    cs_rng_shuffle(&rng, train_idx, n_train);
    cs_rng_shuffle(&rng, test_idx, n_test);

    if (n_test == 0 && test_fraction > 0.0f) {
        st = cs_fail(CS_ERR_FORMAT, "%s: every class folder holds one image, too few to hold any out for testing "
                     "(expected 2 or more images in at least one class)", dir);
        goto done;
    }
    int train_keep = limit > 0 && limit < n_train ? limit : n_train;
    int test_keep = n_test ? cs_data_scaled_test_count(limit, n_train, n_test) : 0;
    const uint64_t bytes = ((uint64_t)train_keep + (uint64_t)test_keep) * (uint64_t)c * (uint64_t)h * (uint64_t)w;
    if (bytes > bud.max_bytes) {
        st = cs_fail(CS_ERR_FORMAT, "%s: %d images of %dx%dx%d take %llu bytes, over the data budget of %llu bytes",
                     dir, train_keep + test_keep, h, w, c, (unsigned long long)bytes,
                     (unsigned long long)bud.max_bytes);
        goto done;
    }
    const char *base = strrchr(dir, '/');
    base = base && base[1] ? base + 1 : dir;
    char name[64];
    snprintf(name, sizeof name, "%.50s (train)", base);
    if ((st = cs_dataset_init(train, name, train_keep, c, h, w, classes.n))) goto done;
    snprintf(name, sizeof name, "%.50s (test)", base);
    if ((st = cs_dataset_init(test, name, test_keep, c, h, w, classes.n))) goto done;
    for (int k = 0; k < classes.n && !st; k++)
        if (!(st = cs_dataset_set_class_name(train, k, classes.items[k])))
            st = cs_dataset_set_class_name(test, k, classes.items[k]);
    if (!st) st = load_images(&paths, item_labels, train_idx, train, &bud.image);
    if (!st) st = load_images(&paths, item_labels, test_idx, test, &bud.image);

done:
    if (st) {
        cs_dataset_free(train);
        cs_dataset_free(test);
    }
    name_list_free(&classes);
    name_list_free(&paths);
    free(item_labels);
    free(train_idx);
    free(test_idx);
    return st;
}
