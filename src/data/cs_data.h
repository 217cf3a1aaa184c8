/* cs_data.h - dataset loaders: IDX (MNIST, Fashion-MNIST), CIFAR-10 binary batches, folders
 * of the user's images, and the synthetic "shapes" set; plus one dispatcher over them.
 *
 * Every loader fills a train and a test cs_dataset (pixels as bytes, (n, c, h, w) planes).
 * Both outputs are initialised by the loader and owned by the caller afterwards: free them
 * with cs_dataset_free. On any failure both are left zeroed (nothing to free), the status
 * says what kind of failure it was and cs_last_error() holds one line naming the file and
 * what was expected versus found. No dataset is ever loaded partially.
 *
 * Limits: `limit` > 0 keeps the first `limit` training images (for image folders and shapes,
 * of the shuffled order) and the same fraction of the test images, rounded up, at least 1:
 * Fashion-MNIST with limit 6000 gives 6000 train and 1000 test images. limit <= 0 keeps all.
 *
 * Budgets (cs_data_budget): the pixels one load keeps in memory (train + test), checked
 * against what the headers and file sizes claim before anything is allocated; and, for
 * image folders, the budget of each image file (cs_image.h). Sizes from a header are also
 * checked against the file: an IDX header must describe exactly the bytes a plain file
 * holds, and no more than a gzip file could inflate to (deflate's limit, 1032:1); a gzip
 * stream is inflated incrementally, never past what the header claimed.
 */
#ifndef CS_DATA_H
#define CS_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "cs_dataset.h"
#include "cs_error.h"
#include "cs_image.h"

/* The Debian location of package dataset-fashion-mnist. */
#define CS_DATA_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

/* Default data budget: 2 GiB of pixels per load (Fashion-MNIST takes 55 MB, CIFAR-10 184 MB). */
#define CS_DATA_MAX_BYTES_DEFAULT ((uint64_t)2 << 30)

typedef struct {
    uint64_t max_bytes;      /* pixel bytes kept by one load, train + test; 0 = default */
    cs_image_budget image;   /* each image of a folder; zeros = the defaults of cs_image.h */
} cs_data_budget;

/* b with zeros replaced by defaults; b may be NULL. */
cs_data_budget cs_data_budget_resolve(const cs_data_budget *b);

typedef struct {
    const char *dataset;  /* "shapes", "colour-shapes", "fashion-mnist", "mnist", "cifar10", or a directory of
                           * class folders; borrowed */
    const char *data_dir; /* files of fashion-mnist, mnist and cifar10; NULL: the default
                           * (cs_data_default_dir), which only fashion-mnist has; borrowed */
    int limit;            /* max training images, <= 0 for all (see the top of this file) */
    uint64_t seed;        /* shapes' drawing, the image folder's shuffle and split */
    int channels;         /* image folders and shapes: 1 or 3; 0 = default (folder 3; shapes
                           * 1, or 3 when a size of 32 is asked); colour-shapes are always 3 */
    int height, width;    /* image folders and both synthetic sets; 0 = default (folder and
                           * colour-shapes 32x32, shapes 28x28, or 32x32 with 3 channels). IDX
                           * and CIFAR keep their own shape: adapt them with cs_dataset_adapt. */
    float test_fraction;  /* image folders: share of each class held out for test, in [0, 0.9] */
    int shapes_train;     /* shapes and colour-shapes: training images, <= 0 for 6000 */
    int shapes_test;      /* shapes and colour-shapes: test images, <= 0 for 1000 */
    cs_data_budget budget;/* zeros = the defaults */
} cs_data_options;

/* Defaults: dataset "shapes", no data dir, no limit, seed 1, test_fraction 0.2, the
 * default shapes and sizes. */
void cs_data_options_defaults(cs_data_options *opt);

/* Loads opt->dataset into train and test (both initialised here; see the top of this file
 * for ownership and failure). CS_ERR_ARG for an unknown dataset name or a missing --data. */
cs_status cs_data_load(const cs_data_options *opt, cs_dataset *train, cs_dataset *test);

/* True for "colour-shapes" and its spelling "color-shapes". */
bool cs_data_is_colour_shapes(const char *dataset);

/* The default directory of a named dataset: CS_DATA_FASHION_MNIST_DIR for "fashion-mnist",
 * NULL for the others (mnist and cifar10 have no standard place). Static string. */
const char *cs_data_default_dir(const char *dataset);

/* True when the dataset can be loaded without a data dir: the synthetic sets always, "fashion-mnist"
 * when its four files are in the default directory (plain or .gz). */
bool cs_data_default_available(const char *dataset);

/* MNIST-style IDX files in dir: {train,t10k}-{images-idx3,labels-idx1}-ubyte, each either
 * plain or with .gz. fashion picks the class names (clothing vs digits "0".."9"). */
cs_status cs_data_load_idx(const char *dir, bool fashion, int limit, cs_dataset *train, cs_dataset *test);

/* One IDX image file and its label file (plain or gzip, whatever the name) as one dataset
 * named `name`, keeping the first `limit` images (all if <= 0). Class names "0".."9". */
cs_status cs_data_load_idx_pair(const char *images_path, const char *labels_path, const char *name, int limit,
                                cs_dataset *out);

/* CIFAR-10 binary version in dir: data_batch_1.bin .. data_batch_5.bin for train,
 * test_batch.bin for test, class names from batches.meta.txt (the standard names if it
 * is missing or has fewer than 10 lines). Images are 32x32x3. */
cs_status cs_data_load_cifar10(const char *dir, int limit, cs_dataset *train, cs_dataset *test);

/* A folder with one sub-folder per class (class = folder name, sorted by name; hidden
 * entries skipped, files beside the class folders ignored). Every file in a class folder
 * must be an image cs_image reads (PNG, JPEG, BMP, GIF, PNM).
 * Images are converted to c channels (1 or 3) and resized to h x w. From each class,
 * round(test_fraction * count) images of a seeded shuffle go to test, at least one when
 * the class has two or more (and test_fraction > 0), keeping at least one for train; a
 * folder whose every class has a single image is refused (no test split is possible).
 * Both sets are in a seeded shuffled order. The default budgets apply. */
cs_status cs_data_load_folder(const char *dir, int c, int h, int w, float test_fraction, uint64_t seed, int limit,
                              cs_dataset *train, cs_dataset *test);
/* The same within budget (NULL: the defaults). */
cs_status cs_data_load_folder_budget(const char *dir, int c, int h, int w, float test_fraction, uint64_t seed,
                                     int limit, const cs_data_budget *budget, cs_dataset *train, cs_dataset *test);

/* The synthetic set drawn from seed: CS_DATA_SHAPES_CLASSES balanced classes (lines at four
 * orientations, arc, circle, square, cross) at varied position, size, thickness,
 * brightness and noise; gray (c = 1) or random foreground and background colours (c = 3).
 * h and w in [16, 256]. The same arguments always give the same bytes. */
#define CS_DATA_SHAPES_CLASSES 8
cs_status cs_data_make_shapes(int n_train, int n_test, int c, int h, int w, uint64_t seed, cs_dataset *train,
                              cs_dataset *test);

/* The synthetic colour set drawn from seed ("colour-shapes", also spelt "color-shapes"):
 * CS_DATA_COLOUR_SHAPES_CLASSES balanced classes of RGB pictures: stripes at four
 * orientations (random colours), red, green, blue and yellow blobs on muted backgrounds, a
 * checkerboard and rings, at varied period, phase, edge sharpness and noise. Made so a
 * first conv layer grows smooth oriented-edge and colour-blob filters. Always 3 channels;
 * h and w in [16, 256]. The same arguments always give the same bytes. */
#define CS_DATA_COLOUR_SHAPES_CLASSES 10
cs_status cs_data_make_colour_shapes(int n_train, int n_test, int h, int w, uint64_t seed, cs_dataset *train,
                                     cs_dataset *test);

#endif
