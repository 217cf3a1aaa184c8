/* cs_data.c - the dataset dispatcher (name or folder -> loader), default locations, and
 * the small helpers the loaders share. */
#include "cs_data.h"
#include "cs_data_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SHAPES_DEFAULT_TRAIN 6000
#define SHAPES_DEFAULT_TEST 1000
#define FOLDER_DEFAULT_CHANNELS 3
#define FOLDER_DEFAULT_SIDE 32

cs_status cs_data_join_path(char *out, size_t size, const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    int n = snprintf(out, size, "%s%s%s", dir, slash ? "" : "/", name);
    if (n < 0 || (size_t)n >= size) return cs_fail(CS_ERR_ARG, "%s/%s: path too long", dir, name);
    return CS_OK;
}

int cs_data_scaled_test_count(int limit, int n_train, int n_test)
{
    if (limit <= 0 || limit >= n_train || n_train <= 0 || n_test <= 0) return n_test;
    long long keep = ((long long)n_test * limit + n_train - 1) / n_train;
    return keep < 1 ? 1 : (int)keep;
}

bool cs_data_is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

bool cs_data_is_colour_shapes(const char *dataset)
{
    return dataset && (strcmp(dataset, "colour-shapes") == 0 || strcmp(dataset, "color-shapes") == 0);
}

cs_data_budget cs_data_budget_resolve(const cs_data_budget *b)
{
    cs_data_budget r = {CS_DATA_MAX_BYTES_DEFAULT, cs_image_budget_resolve(b ? &b->image : NULL)};
    if (b && b->max_bytes) r.max_bytes = b->max_bytes;
    return r;
}

void cs_data_options_defaults(cs_data_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->dataset = "shapes";
    opt->seed = 1;
    opt->test_fraction = 0.2f;
}

const char *cs_data_default_dir(const char *dataset)
{
    if (dataset && strcmp(dataset, "fashion-mnist") == 0) return CS_DATA_FASHION_MNIST_DIR;
    return NULL;
}

bool cs_data_default_available(const char *dataset)
{
    if (!dataset) return false;
    if (strcmp(dataset, "shapes") == 0 || cs_data_is_colour_shapes(dataset)) return true;
    const char *dir = cs_data_default_dir(dataset);
    if (!dir) return false;
    static const char *const files[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char plain[512], gz[512], gz_name[64];
        snprintf(gz_name, sizeof gz_name, "%s.gz", files[i]);
        if (cs_data_join_path(plain, sizeof plain, dir, files[i]) || cs_data_join_path(gz, sizeof gz, dir, gz_name))
            return false;
        if (!cs_data_is_file(plain) && !cs_data_is_file(gz)) return false;
    }
    return true;
}

cs_status cs_data_load(const cs_data_options *opt, cs_dataset *train, cs_dataset *test)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    const char *name = opt->dataset ? opt->dataset : "shapes";

    if (strcmp(name, "shapes") == 0) {
        int c = opt->channels > 0 ? opt->channels : opt->height == 32 ? 3 : 1;
        int h = opt->height > 0 ? opt->height : c == 3 ? 32 : 28;
        int w = opt->width > 0 ? opt->width : h;
        int n_train = opt->shapes_train > 0 ? opt->shapes_train : SHAPES_DEFAULT_TRAIN;
        int n_test = opt->shapes_test > 0 ? opt->shapes_test : SHAPES_DEFAULT_TEST;
        if (opt->limit > 0 && opt->limit < n_train) {
            n_test = cs_data_scaled_test_count(opt->limit, n_train, n_test);
            n_train = opt->limit;
        }
        return cs_data_make_shapes(n_train, n_test, c, h, w, opt->seed, train, test);
    }
    if (cs_data_is_colour_shapes(name)) {
        int h = opt->height > 0 ? opt->height : 32;
        int w = opt->width > 0 ? opt->width : h;
        int n_train = opt->shapes_train > 0 ? opt->shapes_train : SHAPES_DEFAULT_TRAIN;
        int n_test = opt->shapes_test > 0 ? opt->shapes_test : SHAPES_DEFAULT_TEST;
        if (opt->limit > 0 && opt->limit < n_train) {
            n_test = cs_data_scaled_test_count(opt->limit, n_train, n_test);
            n_train = opt->limit;
        }
        return cs_data_make_colour_shapes(n_train, n_test, h, w, opt->seed, train, test);
    }

    bool fashion = strcmp(name, "fashion-mnist") == 0;
    bool mnist = strcmp(name, "mnist") == 0;
    bool cifar = strcmp(name, "cifar10") == 0;
    if (fashion || mnist || cifar) {
        const char *dir = opt->data_dir ? opt->data_dir : cs_data_default_dir(name);
        if (!dir)
            return cs_fail(CS_ERR_ARG, "%s has no default location: give the directory holding its files with --data",
                           name);
        if (!is_dir(dir))
            return cs_fail(CS_ERR_IO, "%s: %s directory not found", dir, name);
        return cifar ? cs_data_load_cifar10_budget(dir, opt->limit, &opt->budget, train, test)
                     : cs_data_load_idx_budget(dir, fashion, opt->limit, &opt->budget, train, test);
    }

    if (is_dir(name)) {
        int c = opt->channels > 0 ? opt->channels : FOLDER_DEFAULT_CHANNELS;
        int h = opt->height > 0 ? opt->height : FOLDER_DEFAULT_SIDE;
        int w = opt->width > 0 ? opt->width : h;
        return cs_data_load_folder_budget(name, c, h, w, opt->test_fraction, opt->seed, opt->limit, &opt->budget,
                                          train, test);
    }
    return cs_fail(CS_ERR_ARG,
                   "unknown dataset '%s' (expected shapes, colour-shapes, fashion-mnist, mnist, cifar10 or a folder with one "
                   "sub-folder of images per class)",
                   name);
}
