/* test_data.c - tests of the data layer: IDX (plain and gzip), CIFAR-10 batches, image
 * folders, the synthetic shapes and the dispatcher. Every fixture, valid or malformed, is
 * written by the test into a fresh temporary directory; the real Fashion-MNIST is used
 * only when its Debian package is installed. */
#define _XOPEN_SOURCE 700 /* nftw, to remove the fixture directory */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* fixtures in formats convscope reads, written by stb_image_write compiled into this test */
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

#include "cs_data.h"

/* ---- fixture helpers ---- */

typedef struct {
    char dir[256];
    char paths[8][512]; /* a few recent results of at(), reused in turn */
    int next_path;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(fx->dir, sizeof fx->dir, "%s/cs-data-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    int rc = nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(fx);
    return rc;
}

/* A path inside the fixture directory; valid until eight more calls. */
static const char *at(fixture *fx, const char *name)
{
    char *b = fx->paths[fx->next_path++ % 8];
    size_t dl = strlen(fx->dir), nl = strlen(name);
    assert_true(dl + 1 + nl < sizeof fx->paths[0]);
    memcpy(b, fx->dir, dl); /* not snprintf: dir and the buffer share one struct */
    b[dl] = '/';
    memcpy(b + dl + 1, name, nl + 1);
    return b;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (len) assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_gz(const char *path, const void *data, size_t len)
{
    gzFile f = gzopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(gzwrite(f, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(f), Z_OK);
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint8_t pattern_pixel(int image, int j) { return (uint8_t)((image * 7 + j * 3) & 255); }

/* An IDX image file of n images rows x cols, in a malloc'd buffer of *len bytes. */
static unsigned char *idx_images(int n, int rows, int cols, size_t *len)
{
    *len = 16 + (size_t)n * rows * cols;
    unsigned char *b = malloc(*len);
    assert_non_null(b);
    put_be32(b, 0x803);
    put_be32(b + 4, (uint32_t)n);
    put_be32(b + 8, (uint32_t)rows);
    put_be32(b + 12, (uint32_t)cols);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < rows * cols; j++) b[16 + (size_t)i * rows * cols + j] = pattern_pixel(i, j);
    return b;
}

static unsigned char *idx_labels(int n, size_t *len)
{
    *len = 8 + (size_t)n;
    unsigned char *b = malloc(*len);
    assert_non_null(b);
    put_be32(b, 0x801);
    put_be32(b + 4, (uint32_t)n);
    for (int i = 0; i < n; i++) b[8 + i] = (unsigned char)(i % 10);
    return b;
}

/* Writes a valid MNIST-style directory: 20 train and 10 test images of 4x3. */
static void write_idx_set(fixture *fx, bool gz)
{
    const char *names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                            "t10k-labels-idx1-ubyte"};
    for (int k = 0; k < 4; k++) {
        int n = k < 2 ? 20 : 10;
        size_t len;
        unsigned char *b = k % 2 == 0 ? idx_images(n, 4, 3, &len) : idx_labels(n, &len);
        char name[64];
        snprintf(name, sizeof name, "%s%s", names[k], gz ? ".gz" : "");
        if (gz)
            write_gz(at(fx, name), b, len);
        else
            write_bytes(at(fx, name), b, len);
        free(b);
    }
}

/* A failed load: the expected status, both outputs zeroed, and one line naming `needle`. */
static void assert_failed(cs_status st, cs_status expected, const cs_dataset *a, const cs_dataset *b,
                          const char *needle)
{
    if (st != expected) fprintf(stderr, "status %d, message: %s\n", st, cs_last_error());
    assert_int_equal(st, expected);
    const char *msg = cs_last_error();
    if (!strstr(msg, needle)) fprintf(stderr, "message '%s' lacks '%s'\n", msg, needle);
    assert_non_null(strstr(msg, needle));
    assert_null(strchr(msg, '\n'));
    assert_null(a->pixels);
    assert_null(a->labels);
    assert_null(a->class_names);
    assert_int_equal(a->n, 0);
    assert_null(b->pixels);
    assert_null(b->labels);
    assert_int_equal(b->n, 0);
}

/* ---- IDX ---- */

static void check_idx_pattern(const cs_dataset *ds, int n)
{
    assert_int_equal(ds->n, n);
    assert_int_equal(ds->c, 1);
    assert_int_equal(ds->h, 4);
    assert_int_equal(ds->w, 3);
    assert_int_equal(ds->n_classes, 10);
    for (int i = 0; i < n; i++) {
        assert_int_equal(ds->labels[i], i % 10);
        for (int j = 0; j < 12; j++) assert_int_equal(ds->pixels[i * 12 + j], pattern_pixel(i, j));
    }
}

static void test_idx_plain(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, false);
    cs_dataset train, test;
    assert_int_equal(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_OK);
    check_idx_pattern(&train, 20);
    check_idx_pattern(&test, 10);
    assert_string_equal(train.class_names[3], "3");
    assert_string_equal(train.name, "mnist (train)");
    assert_string_equal(test.name, "mnist (test)");
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

static void test_idx_gz_fashion_names(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, true);
    cs_dataset train, test;
    assert_int_equal(cs_data_load_idx(fx->dir, true, 0, &train, &test), CS_OK);
    check_idx_pattern(&train, 20);
    check_idx_pattern(&test, 10);
    assert_string_equal(train.class_names[0], "T-shirt/top");
    assert_string_equal(test.class_names[9], "Ankle boot");
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

static void test_idx_limit_scales_test(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, true);
    cs_dataset train, test;
    assert_int_equal(cs_data_load_idx(fx->dir, false, 5, &train, &test), CS_OK);
    check_idx_pattern(&train, 5);
    check_idx_pattern(&test, 3); /* ceil(10 * 5 / 20) */
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

static void test_idx_missing_file(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, false);
    assert_int_equal(remove(at(fx, "t10k-labels-idx1-ubyte")), 0);
    cs_dataset train, test;
    assert_failed(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_ERR_IO, &train, &test,
                  "t10k-labels-idx1-ubyte");
}

static void test_idx_truncated_plain(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, false);
    size_t len;
    unsigned char *b = idx_images(20, 4, 3, &len);
    write_bytes(at(fx, "train-images-idx3-ubyte"), b, len - 5);
    free(b);
    cs_dataset train, test;
    assert_failed(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "train-images-idx3-ubyte: truncated at byte 235 of image data (expected 256 bytes, found 251)");
}

static void test_idx_truncated_gz(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, true);
    /* cut the compressed file itself in half */
    const char *path = at(fx, "t10k-images-idx3-ubyte.gz");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n > 40);
    write_bytes(path, buf, n / 2);
    cs_dataset train, test;
    assert_failed(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "t10k-images-idx3-ubyte.gz: truncated");
}

static void test_idx_gz_missing_trailer(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, true);
    /* every data byte present, the 8-byte CRC and length trailer gone */
    const char *path = at(fx, "train-labels-idx1-ubyte.gz");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_bytes(path, buf, n - 8);
    cs_dataset train, test;
    assert_failed(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "train-labels-idx1-ubyte.gz: gzip stream ends early");
}

static void test_idx_corrupt_gz(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, true);
    const char *path = at(fx, "train-images-idx3-ubyte.gz");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    for (size_t i = 12; i < n - 8; i++) buf[i] ^= 0x5a; /* deflate blocks scrambled */
    write_bytes(path, buf, n);
    cs_dataset train, test;
    cs_status st = cs_data_load_idx(fx->dir, false, 0, &train, &test);
    assert_failed(st, CS_ERR_FORMAT, &train, &test, "train-images-idx3-ubyte.gz: corrupt gzip data");
    assert_null(strstr(strstr(cs_last_error(), "zlib: "), fx->dir)); /* the path is named once */
}

static void test_idx_header_truncated(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, false);
    const unsigned char three[3] = {0, 0, 8};
    write_bytes(at(fx, "train-images-idx3-ubyte"), three, 3);
    cs_dataset train, test;
    assert_failed(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "train-images-idx3-ubyte: truncated in the IDX header (expected 16 bytes, found 3)");
}

static void test_idx_bad_magic(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, false);
    size_t len;
    unsigned char *b = idx_images(20, 4, 3, &len);
    put_be32(b, 0x801); /* a label magic in the image file */
    write_bytes(at(fx, "train-images-idx3-ubyte"), b, len);
    free(b);
    cs_dataset train, test;
    assert_failed(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "train-images-idx3-ubyte: bad IDX magic 0x00000801 (expected 0x00000803");
}

static void test_idx_dims_disagree(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, false);
    size_t len;
    unsigned char *b = idx_images(20, 4, 3, &len);
    put_be32(b + 8, 3); /* header says 3x3, the data is 4x3 */
    write_bytes(at(fx, "train-images-idx3-ubyte"), b, len);
    free(b);
    cs_dataset train, test;
    assert_failed(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "train-images-idx3-ubyte: 60 bytes after the image data");
}

static void test_idx_count_mismatch(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, false);
    size_t len;
    unsigned char *b = idx_labels(19, &len);
    write_bytes(at(fx, "train-labels-idx1-ubyte"), b, len);
    free(b);
    cs_dataset train, test;
    assert_failed(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "train-labels-idx1-ubyte: 19 labels for 20 images");
}

static void test_idx_label_out_of_range(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, false);
    size_t len;
    unsigned char *b = idx_labels(10, &len);
    b[8 + 7] = 10;
    write_bytes(at(fx, "t10k-labels-idx1-ubyte"), b, len);
    free(b);
    cs_dataset train, test;
    assert_failed(cs_data_load_idx(fx->dir, false, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "t10k-labels-idx1-ubyte: label 10 of item 7 is out of range (expected 0..9)");
}

static void test_idx_pair(void **state)
{
    fixture *fx = *state;
    write_idx_set(fx, true);
    cs_dataset ds, unused = {0};
    assert_int_equal(cs_data_load_idx_pair(at(fx, "t10k-images-idx3-ubyte.gz"), at(fx, "t10k-labels-idx1-ubyte.gz"),
                                           "pair", 4, &ds),
                     CS_OK);
    check_idx_pattern(&ds, 4);
    assert_string_equal(ds.name, "pair");
    cs_dataset_free(&ds);
    /* images and labels swapped */
    assert_failed(cs_data_load_idx_pair(at(fx, "t10k-labels-idx1-ubyte.gz"), at(fx, "t10k-images-idx3-ubyte.gz"),
                                        "pair", 0, &ds),
                  CS_ERR_FORMAT, &ds, &unused, "t10k-labels-idx1-ubyte.gz: bad IDX magic");
}

static void test_fashion_mnist_real(void **state)
{
    (void)state;
    if (!cs_data_default_available("fashion-mnist")) {
        skip();
        return;
    }
    cs_data_options opt;
    cs_data_options_defaults(&opt);
    opt.dataset = "fashion-mnist";
    cs_dataset train, test;
    assert_int_equal(cs_data_load(&opt, &train, &test), CS_OK);
    assert_int_equal(train.n, 60000);
    assert_int_equal(test.n, 10000);
    assert_int_equal(test.c, 1);
    assert_int_equal(test.h, 28);
    assert_int_equal(test.w, 28);
    assert_int_equal(cs_dataset_validate(&test), CS_OK);
    assert_int_equal(cs_dataset_validate(&train), CS_OK);
    assert_string_equal(test.class_names[0], "T-shirt/top");
    int counts[10] = {0};
    for (int i = 0; i < test.n; i++) counts[test.labels[i]]++;
    for (int k = 0; k < 10; k++) assert_int_equal(counts[k], 1000); /* the test set is balanced */
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

/* ---- CIFAR-10 ---- */

#define REC 3073

static void write_cifar_batch(const char *path, int records, int first)
{
    unsigned char *b = malloc((size_t)records * REC);
    assert_non_null(b);
    for (int r = 0; r < records; r++) {
        b[(size_t)r * REC] = (unsigned char)((first + r) % 10);
        for (int j = 0; j < 3072; j++) b[(size_t)r * REC + 1 + j] = pattern_pixel(first + r, j);
    }
    write_bytes(path, b, (size_t)records * REC);
    free(b);
}

static void write_cifar_set(fixture *fx)
{
    for (int i = 1; i <= 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "data_batch_%d.bin", i);
        write_cifar_batch(at(fx, name), 2, (i - 1) * 2);
    }
    write_cifar_batch(at(fx, "test_batch.bin"), 3, 100);
}

static void test_cifar_loads(void **state)
{
    fixture *fx = *state;
    write_cifar_set(fx);
    const char meta[] = "plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";
    write_bytes(at(fx, "batches.meta.txt"), meta, sizeof meta - 1);
    cs_dataset train, test;
    assert_int_equal(cs_data_load_cifar10(fx->dir, 0, &train, &test), CS_OK);
    assert_int_equal(train.n, 10);
    assert_int_equal(test.n, 3);
    assert_int_equal(train.c, 3);
    assert_int_equal(train.h, 32);
    assert_int_equal(train.w, 32);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(train.labels[i], i % 10);
        /* planes stay in file order: R at 0, G at 1024, B at 2048 */
        for (int j = 0; j < 3072; j += 511) assert_int_equal(train.pixels[(size_t)i * 3072 + j], pattern_pixel(i, j));
    }
    assert_int_equal(test.labels[2], 102 % 10);
    assert_int_equal(test.pixels[2 * 3072 + 1500], pattern_pixel(102, 1500));
    assert_string_equal(train.class_names[0], "plane");
    assert_string_equal(test.class_names[9], "truck");
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

static void test_cifar_standard_names_and_limit(void **state)
{
    fixture *fx = *state;
    write_cifar_set(fx);
    cs_dataset train, test;
    assert_int_equal(cs_data_load_cifar10(fx->dir, 3, &train, &test), CS_OK);
    assert_int_equal(train.n, 3);
    assert_int_equal(test.n, 1); /* ceil(3 * 3 / 10) */
    assert_int_equal(train.labels[2], 2);
    assert_string_equal(train.class_names[0], "airplane");
    assert_string_equal(train.class_names[1], "automobile");
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

static void test_cifar_bad_size(void **state)
{
    fixture *fx = *state;
    write_cifar_set(fx);
    unsigned char junk[REC + 10] = {0};
    write_bytes(at(fx, "data_batch_3.bin"), junk, sizeof junk);
    cs_dataset train, test;
    assert_failed(cs_data_load_cifar10(fx->dir, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "data_batch_3.bin: size 3083 bytes is not a positive multiple of 3073");
}

static void test_cifar_missing_and_empty(void **state)
{
    fixture *fx = *state;
    write_cifar_set(fx);
    cs_dataset train, test;
    write_bytes(at(fx, "test_batch.bin"), "", 0);
    assert_failed(cs_data_load_cifar10(fx->dir, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "test_batch.bin: size 0 bytes");
    assert_int_equal(remove(at(fx, "data_batch_5.bin")), 0);
    assert_failed(cs_data_load_cifar10(fx->dir, 0, &train, &test), CS_ERR_IO, &train, &test, "data_batch_5.bin");
}

static void test_cifar_label_out_of_range(void **state)
{
    fixture *fx = *state;
    write_cifar_set(fx);
    unsigned char rec[REC] = {0};
    rec[0] = 200;
    write_bytes(at(fx, "test_batch.bin"), rec, sizeof rec);
    cs_dataset train, test;
    assert_failed(cs_data_load_cifar10(fx->dir, 0, &train, &test), CS_ERR_FORMAT, &train, &test,
                  "test_batch.bin: label 200 of record 0 is out of range");
}

/* ---- image folders ---- */

/* A w x h image with channels c whose brightness encodes value, so tests can find it. */
static void write_image(const char *path, int w, int h, int c, int value, bool bmp)
{
    unsigned char *px = malloc((size_t)w * h * c);
    assert_non_null(px);
    for (int i = 0; i < w * h * c; i++) px[i] = (unsigned char)(c == 3 && i % 3 == 2 ? 255 - value : value);
    int ok = bmp ? stbi_write_bmp(path, w, h, c, px) : stbi_write_png(path, w, h, c, px, w * c);
    assert_true(ok);
    free(px);
}

static void make_dir(const char *path) { assert_int_equal(mkdir(path, 0700), 0); }

/* Three classes "cat", "bird", "dog" with 5, 4 and 6 images of mixed formats and sizes. */
static void write_folder_set(fixture *fx)
{
    const char *classes[3] = {"cat", "bird", "dog"};
    const int counts[3] = {5, 4, 6};
    make_dir(at(fx, "pics"));
    for (int k = 0; k < 3; k++) {
        char sub[64];
        snprintf(sub, sizeof sub, "pics/%s", classes[k]);
        make_dir(at(fx, sub));
        for (int i = 0; i < counts[k]; i++) {
            char name[96];
            bool bmp = i == 1;
            snprintf(name, sizeof name, "%s/img%d.%s", sub, i, bmp ? "bmp" : "png");
            write_image(at(fx, name), 10 + 3 * i, 8 + i, i % 2 ? 1 : 3, 40 * k + 10, bmp);
        }
    }
    write_bytes(at(fx, "pics/.hidden"), "x", 1); /* hidden entries are ignored */
    write_bytes(at(fx, "pics/notes.txt"), "x", 1); /* files beside class folders too */
}

static void test_folder_loads(void **state)
{
    fixture *fx = *state;
    write_folder_set(fx);
    cs_dataset train, test;
    assert_int_equal(cs_data_load_folder(at(fx, "pics"), 3, 12, 16, 0.25f, 7, 0, &train, &test), CS_OK);
    assert_int_equal(train.n_classes, 3);
    assert_string_equal(train.class_names[0], "bird"); /* sorted by name */
    assert_string_equal(train.class_names[1], "cat");
    assert_string_equal(train.class_names[2], "dog");
    assert_string_equal(train.name, "pics (train)");
    /* held out per class: round(0.25 * 4) + round(0.25 * 5) + round(0.25 * 6) = 1 + 1 + 2 */
    assert_int_equal(test.n, 4);
    assert_int_equal(train.n, 11);
    assert_int_equal(train.c, 3);
    assert_int_equal(train.h, 12);
    assert_int_equal(train.w, 16);
    int per_class[3] = {0};
    for (int i = 0; i < train.n; i++) per_class[train.labels[i]]++;
    for (int i = 0; i < test.n; i++) per_class[test.labels[i]]++;
    assert_int_equal(per_class[0], 4);
    assert_int_equal(per_class[1], 5);
    assert_int_equal(per_class[2], 6);
    /* each class has its own brightness: bird (k=1 when written) 50, cat 10, dog 90 */
    const int value_of_label[3] = {50, 10, 90};
    for (int i = 0; i < train.n; i++) {
        const uint8_t *img = train.pixels + (size_t)i * 3 * 12 * 16;
        int v = value_of_label[train.labels[i]];
        assert_int_equal(img[5 * 16 + 7], v);               /* red plane */
        int blue = img[2 * 12 * 16 + 5 * 16 + 7];           /* blue is 255 - v for colour files */
        assert_true(blue == v || blue == 255 - v);
    }
    /* the same seed holds out the same images */
    cs_dataset train2, test2;
    assert_int_equal(cs_data_load_folder(at(fx, "pics"), 3, 12, 16, 0.25f, 7, 0, &train2, &test2), CS_OK);
    assert_memory_equal(test.labels, test2.labels, sizeof(int) * (size_t)test.n);
    assert_memory_equal(test.pixels, test2.pixels, (size_t)test.n * 3 * 12 * 16);
    cs_dataset_free(&train2);
    cs_dataset_free(&test2);
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

static void test_folder_gray_and_limit(void **state)
{
    fixture *fx = *state;
    write_folder_set(fx);
    cs_data_options opt;
    cs_data_options_defaults(&opt);
    opt.dataset = at(fx, "pics");
    opt.channels = 1;
    opt.height = opt.width = 8;
    opt.limit = 5;
    cs_dataset train, test;
    assert_int_equal(cs_data_load(&opt, &train, &test), CS_OK);
    assert_int_equal(train.n, 5);
    assert_int_equal(test.n, 2); /* ceil(3 held out * 5 / 12 train) */
    assert_int_equal(train.c, 1);
    assert_int_equal(train.h, 8);
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

static void test_folder_empty_class(void **state)
{
    fixture *fx = *state;
    write_folder_set(fx);
    make_dir(at(fx, "pics/emu"));
    cs_dataset train, test;
    assert_failed(cs_data_load_folder(at(fx, "pics"), 3, 8, 8, 0.2f, 1, 0, &train, &test), CS_ERR_FORMAT, &train,
                  &test, "pics/emu: class folder has no image files");
}

static void test_folder_one_class(void **state)
{
    fixture *fx = *state;
    make_dir(at(fx, "one"));
    make_dir(at(fx, "one/only"));
    write_image(at(fx, "one/only/a.png"), 4, 4, 1, 9, false);
    cs_dataset train, test;
    assert_failed(cs_data_load_folder(at(fx, "one"), 1, 8, 8, 0.2f, 1, 0, &train, &test), CS_ERR_FORMAT, &train,
                  &test, "one: 1 class folder found (expected at least 2");
}

static void test_folder_bad_images(void **state)
{
    fixture *fx = *state;
    write_folder_set(fx);
    cs_dataset train, test;
    write_bytes(at(fx, "pics/dog/zero.png"), "", 0);
    assert_failed(cs_data_load_folder(at(fx, "pics"), 3, 8, 8, 0.2f, 1, 0, &train, &test), CS_ERR_FORMAT, &train,
                  &test, "pics/dog/zero.png: empty file (0 bytes)");
    assert_int_equal(remove(at(fx, "pics/dog/zero.png")), 0);
    write_bytes(at(fx, "pics/cat/junk.png"), "not an image at all", 19);
    assert_failed(cs_data_load_folder(at(fx, "pics"), 3, 8, 8, 0.2f, 1, 0, &train, &test), CS_ERR_FORMAT, &train,
                  &test, "pics/cat/junk.png: not an image convscope reads");
}

static void test_folder_bad_arguments(void **state)
{
    fixture *fx = *state;
    cs_dataset train, test;
    assert_failed(cs_data_load_folder(at(fx, "absent"), 3, 8, 8, 0.2f, 1, 0, &train, &test), CS_ERR_IO, &train,
                  &test, "absent: cannot open folder");
    assert_failed(cs_data_load_folder(fx->dir, 2, 8, 8, 0.2f, 1, 0, &train, &test), CS_ERR_ARG, &train, &test,
                  "2 channels asked");
}

/* ---- shapes ---- */

static void test_shapes_deterministic_and_balanced(void **state)
{
    (void)state;
    cs_dataset a, at_, b, bt, c, ct;
    assert_int_equal(cs_data_make_shapes(800, 200, 1, 28, 28, 42, &a, &at_), CS_OK);
    assert_int_equal(cs_data_make_shapes(800, 200, 1, 28, 28, 42, &b, &bt), CS_OK);
    assert_int_equal(cs_data_make_shapes(800, 200, 1, 28, 28, 43, &c, &ct), CS_OK);
    size_t bytes = (size_t)800 * 28 * 28;
    assert_memory_equal(a.pixels, b.pixels, bytes);
    assert_memory_equal(a.labels, b.labels, 800 * sizeof(int));
    assert_memory_equal(at_.pixels, bt.pixels, (size_t)200 * 28 * 28);
    assert_memory_not_equal(a.pixels, c.pixels, bytes);
    assert_memory_not_equal(a.pixels, at_.pixels, (size_t)200 * 28 * 28); /* train and test differ */
    assert_int_equal(a.n_classes, CS_DATA_SHAPES_CLASSES);
    assert_true(a.n_classes >= 8);
    int counts[CS_DATA_SHAPES_CLASSES] = {0}, test_counts[CS_DATA_SHAPES_CLASSES] = {0};
    for (int i = 0; i < a.n; i++) counts[a.labels[i]]++;
    for (int i = 0; i < at_.n; i++) test_counts[at_.labels[i]]++;
    for (int k = 0; k < CS_DATA_SHAPES_CLASSES; k++) {
        assert_int_equal(counts[k], 100);
        assert_int_equal(test_counts[k], 25);
    }
    /* not ordered by class */
    int runs = 0;
    for (int i = 1; i < a.n; i++) runs += a.labels[i] != a.labels[i - 1];
    assert_true(runs > 400);
    /* every image has a visible stroke: its brightest pixels stand out from its median */
    for (int i = 0; i < a.n; i++) {
        const uint8_t *img = a.pixels + (size_t)i * 784;
        int hist[256] = {0}, max = 0;
        for (int j = 0; j < 784; j++) {
            hist[img[j]]++;
            if (img[j] > max) max = img[j];
        }
        int acc = 0, median = 0;
        while (acc + hist[median] < 392) acc += hist[median++];
        assert_true(max - median > 80);
    }
    assert_string_equal(a.class_names[5], "circle");
    cs_dataset_free(&a);
    cs_dataset_free(&at_);
    cs_dataset_free(&b);
    cs_dataset_free(&bt);
    cs_dataset_free(&c);
    cs_dataset_free(&ct);
}

/* Lines of one orientation have their pixels spread along one axis: checks the classes are
 * drawn as named, not merely labelled. Compares the mean stroke spread in x and y. */
static void test_shapes_lines_oriented(void **state)
{
    (void)state;
    cs_dataset tr, te;
    assert_int_equal(cs_data_make_shapes(160, 8, 1, 28, 28, 5, &tr, &te), CS_OK);
    for (int i = 0; i < tr.n; i++) {
        int label = tr.labels[i];
        if (label > 3) continue;
        const uint8_t *img = tr.pixels + (size_t)i * 784;
        double sw = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                double v = img[y * 28 + x] > 120 ? 1 : 0;
                sw += v, sx += v * x, sy += v * y, sxx += v * x * x, syy += v * y * y, sxy += v * x * y;
            }
        double vx = sxx / sw - (sx / sw) * (sx / sw), vy = syy / sw - (sy / sw) * (sy / sw);
        double cxy = sxy / sw - (sx / sw) * (sy / sw);
        if (label == 0) assert_true(vx > 3 * vy);        /* horizontal */
        if (label == 1) assert_true(vy > 3 * vx);        /* vertical */
        if (label == 2) assert_true(cxy < -0.3 * (vx + vy) / 2); /* "/": y falls as x grows */
        if (label == 3) assert_true(cxy > 0.3 * (vx + vy) / 2);  /* "\" */
    }
    cs_dataset_free(&tr);
    cs_dataset_free(&te);
}

static void test_shapes_rgb_variant(void **state)
{
    (void)state;
    cs_data_options opt;
    cs_data_options_defaults(&opt);
    opt.channels = 3;
    opt.shapes_train = 80;
    opt.shapes_test = 16;
    cs_dataset train, test;
    assert_int_equal(cs_data_load(&opt, &train, &test), CS_OK);
    assert_int_equal(train.c, 3);
    assert_int_equal(train.h, 32);
    assert_int_equal(train.w, 32);
    assert_int_equal(train.n, 80);
    assert_int_equal(test.n, 16);
    /* colours vary: the planes of an image are not all equal */
    int coloured = 0;
    for (int i = 0; i < train.n; i++) {
        const uint8_t *img = train.pixels + (size_t)i * 3072;
        coloured += memcmp(img, img + 1024, 1024) != 0;
    }
    assert_true(coloured > 70);
    cs_dataset_free(&train);
    cs_dataset_free(&test);
    assert_failed(cs_data_make_shapes(10, 10, 2, 28, 28, 1, &train, &test), CS_ERR_ARG, &train, &test,
                  "shapes: 2 channels");
}

/* ---- dispatcher ---- */

static void test_dispatch_defaults(void **state)
{
    (void)state;
    cs_data_options opt;
    cs_data_options_defaults(&opt);
    assert_string_equal(opt.dataset, "shapes");
    opt.limit = 600;
    cs_dataset train, test;
    assert_int_equal(cs_data_load(&opt, &train, &test), CS_OK);
    assert_int_equal(train.n, 600);
    assert_int_equal(test.n, 100); /* 1000 * 600 / 6000 */
    assert_int_equal(train.c, 1);
    assert_int_equal(train.h, 28);
    assert_int_equal(train.w, 28);
    assert_string_equal(train.name, "shapes (train)");
    cs_dataset_free(&train);
    cs_dataset_free(&test);

    assert_string_equal(cs_data_default_dir("fashion-mnist"), "/usr/share/datasets/fashion-mnist");
    assert_null(cs_data_default_dir("mnist"));
    assert_null(cs_data_default_dir("cifar10"));
    assert_true(cs_data_default_available("shapes"));
    assert_false(cs_data_default_available("mnist"));
}

static void test_dispatch_errors(void **state)
{
    fixture *fx = *state;
    cs_data_options opt;
    cs_data_options_defaults(&opt);
    cs_dataset train, test;
    opt.dataset = "mnist";
    assert_failed(cs_data_load(&opt, &train, &test), CS_ERR_ARG, &train, &test, "--data");
    opt.dataset = "cifar10";
    assert_failed(cs_data_load(&opt, &train, &test), CS_ERR_ARG, &train, &test, "cifar10 has no default location");
    opt.dataset = "no-such-set";
    assert_failed(cs_data_load(&opt, &train, &test), CS_ERR_ARG, &train, &test, "unknown dataset 'no-such-set'");
    opt.dataset = "mnist";
    opt.data_dir = at(fx, "nowhere");
    assert_failed(cs_data_load(&opt, &train, &test), CS_ERR_IO, &train, &test, "nowhere");
    /* an IDX directory through the dispatcher */
    write_idx_set(fx, true);
    opt.data_dir = fx->dir;
    assert_int_equal(cs_data_load(&opt, &train, &test), CS_OK);
    assert_int_equal(train.n, 20);
    cs_dataset_free(&train);
    cs_dataset_free(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_idx_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_gz_fashion_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_limit_scales_test, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_truncated_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_truncated_gz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_gz_missing_trailer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_corrupt_gz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_header_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_bad_magic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_dims_disagree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_count_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_label_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_pair, setup, teardown),
        cmocka_unit_test(test_fashion_mnist_real),
        cmocka_unit_test_setup_teardown(test_cifar_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cifar_standard_names_and_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cifar_bad_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cifar_missing_and_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cifar_label_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_gray_and_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_empty_class, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_one_class, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_bad_images, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_bad_arguments, setup, teardown),
        cmocka_unit_test(test_shapes_deterministic_and_balanced),
        cmocka_unit_test(test_shapes_lines_oriented),
        cmocka_unit_test(test_shapes_rgb_variant),
        cmocka_unit_test(test_dispatch_defaults),
        cmocka_unit_test_setup_teardown(test_dispatch_errors, setup, teardown),
    };
    return cmocka_run_group_tests_name("data", tests, NULL, NULL);
}
