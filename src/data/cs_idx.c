/* cs_idx.c - loader for IDX files (MNIST, Fashion-MNIST), plain or gzip-compressed.
 *
 * Format (http://yann.lecun.com/exdb/mnist/): big-endian header, then unsigned bytes.
 *   images: magic 0x00000803, count, rows, cols, then count*rows*cols pixels
 *   labels: magic 0x00000801, count, then count labels
 * Each file is read whole through zlib (gzread reads plain files too) and every header
 * field is checked against the number of bytes actually found before anything is kept. */
#include "cs_data.h"
#include "cs_data_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u
#define IDX_CLASSES 10
/* Refuse larger streams instead of reading without end (the MNIST train images are 47 MB). */
#define IDX_MAX_BYTES ((size_t)1 << 30)
/* Rows and columns beyond this are a corrupt header, not an image. */
#define IDX_MAX_SIDE 4096u

static const char *const fashion_class_names[IDX_CLASSES] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};

static uint32_t read_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Reads the whole (possibly compressed) file into *out (caller frees) and its length into
 * *len. A gzip stream that stops before its end is not an error here: *cut_short is set and
 * the bytes found are returned, so the caller can say where the data ran out. */
static cs_status read_whole(const char *path, unsigned char **out, size_t *len, bool *cut_short)
{
    *out = NULL;
    *len = 0;
    *cut_short = false;
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f) return cs_fail(CS_ERR_IO, "%s: cannot open (%s)", path, errno ? strerror(errno) : "out of memory");
    size_t cap = (size_t)1 << 16;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        gzclose(f);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= IDX_MAX_BYTES) {
                free(buf);
                gzclose(f);
                return cs_fail(CS_ERR_FORMAT, "%s: more than %zu bytes, too large for an IDX file", path,
                               IDX_MAX_BYTES);
            }
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                gzclose(f);
                return cs_fail(CS_ERR_NOMEM, "%s: out of memory after %zu bytes", path, n);
            }
            buf = bigger;
            cap *= 2;
        }
        size_t want = cap - n < (size_t)1 << 20 ? cap - n : (size_t)1 << 20;
        int got = gzread(f, buf + n, (unsigned)want);
        if (got < 0) {
            int errnum = 0;
            const char *why = gzerror(f, &errnum);
            /* zlib prefixes its message with the path, which the line already starts with */
            size_t plen = strlen(path);
            if (strncmp(why, path, plen) == 0 && strncmp(why + plen, ": ", 2) == 0) why += plen + 2;
            cs_status st = errnum == Z_ERRNO
                               ? cs_fail(CS_ERR_IO, "%s: read error after %zu bytes (%s)", path, n, strerror(errno))
                               : cs_fail(CS_ERR_FORMAT, "%s: corrupt gzip data after %zu bytes (zlib: %s)", path, n,
                                         why);
            free(buf);
            gzclose(f);
            return st;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    int errnum = 0;
    gzerror(f, &errnum);
    if (errnum == Z_BUF_ERROR) *cut_short = true;
    gzclose(f);
    *out = buf;
    *len = n;
    return CS_OK;
}

/* The common length check of both IDX kinds: exactly `expected` bytes, else one line
 * saying where the data ran out or how much is left over. */
static cs_status check_length(const char *path, const char *what, size_t header, uint64_t expected, size_t found,
                              bool cut_short)
{
    if (found < expected)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated at byte %zu of %s (expected %llu bytes, found %zu)", path,
                       found - header, what, (unsigned long long)expected, found);
    if (found > expected)
        return cs_fail(CS_ERR_FORMAT,
                       "%s: %zu bytes after the %s; the header's dimensions disagree with the file size "
                       "(expected %llu bytes, found %zu)",
                       path, found - (size_t)expected, what, (unsigned long long)expected, found);
    if (cut_short)
        return cs_fail(CS_ERR_FORMAT, "%s: gzip stream ends early (all %zu bytes present, trailer missing)", path,
                       found);
    return CS_OK;
}

/* Loads one image/label pair. Keeps `limit` images, or when ref_total > 0 the share of
 * them that `limit` is of ref_total (the matching test share). *n_total gets the count
 * in the files. */
static cs_status load_pair(const char *images_path, const char *labels_path, const char *name, int limit,
                           int ref_total, cs_dataset *out, int *n_total)
{
    memset(out, 0, sizeof *out);
    unsigned char *img = NULL, *lab = NULL;
    size_t img_len = 0, lab_len = 0;
    bool cut_short = false;
    cs_status st = read_whole(images_path, &img, &img_len, &cut_short);
    if (st) return st;

    if (img_len < 16) {
        st = cs_fail(CS_ERR_FORMAT, "%s: truncated in the IDX header (expected 16 bytes, found %zu)", images_path,
                     img_len);
        goto done;
    }
    uint32_t magic = read_be32(img);
    if (magic != IDX_IMAGES_MAGIC) {
        st = cs_fail(CS_ERR_FORMAT, "%s: bad IDX magic 0x%08x (expected 0x%08x for images)", images_path, magic,
                     IDX_IMAGES_MAGIC);
        goto done;
    }
    uint32_t count = read_be32(img + 4), rows = read_be32(img + 8), cols = read_be32(img + 12);
    if (rows == 0 || cols == 0 || rows > IDX_MAX_SIDE || cols > IDX_MAX_SIDE || count > INT_MAX) {
        st = cs_fail(CS_ERR_FORMAT, "%s: implausible dimensions %u images of %ux%u (expected 1..%u per side)",
                     images_path, count, rows, cols, IDX_MAX_SIDE);
        goto done;
    }
    uint64_t image_bytes = (uint64_t)rows * cols;
    st = check_length(images_path, "image data", 16, 16 + (uint64_t)count * image_bytes, img_len, cut_short);
    if (st) goto done;

    st = read_whole(labels_path, &lab, &lab_len, &cut_short);
    if (st) goto done;
    if (lab_len < 8) {
        st = cs_fail(CS_ERR_FORMAT, "%s: truncated in the IDX header (expected 8 bytes, found %zu)", labels_path,
                     lab_len);
        goto done;
    }
    magic = read_be32(lab);
    if (magic != IDX_LABELS_MAGIC) {
        st = cs_fail(CS_ERR_FORMAT, "%s: bad IDX magic 0x%08x (expected 0x%08x for labels)", labels_path, magic,
                     IDX_LABELS_MAGIC);
        goto done;
    }
    uint32_t label_count = read_be32(lab + 4);
    st = check_length(labels_path, "label data", 8, 8 + (uint64_t)label_count, lab_len, cut_short);
    if (st) goto done;
    if (label_count != count) {
        st = cs_fail(CS_ERR_FORMAT, "%s: %u labels for %u images in %s (expected equal counts)", labels_path,
                     label_count, count, images_path);
        goto done;
    }
    for (uint32_t i = 0; i < count; i++)
        if (lab[8 + i] >= IDX_CLASSES) {
            st = cs_fail(CS_ERR_FORMAT, "%s: label %u of item %u is out of range (expected 0..%d)", labels_path,
                         lab[8 + i], i, IDX_CLASSES - 1);
            goto done;
        }

    int keep = (int)count;
    if (ref_total > 0)
        keep = cs_data_scaled_test_count(limit, ref_total, (int)count);
    else if (limit > 0 && limit < keep)
        keep = limit;
    st = cs_dataset_init(out, name, keep, 1, (int)rows, (int)cols, IDX_CLASSES);
    if (st) goto done;
    memcpy(out->pixels, img + 16, (size_t)keep * (size_t)image_bytes);
    for (int i = 0; i < keep; i++) out->labels[i] = lab[8 + i];
    if (n_total) *n_total = (int)count;

done:
    free(img);
    free(lab);
    return st;
}

cs_status cs_data_load_idx_pair(const char *images_path, const char *labels_path, const char *name, int limit,
                                cs_dataset *out)
{
    return load_pair(images_path, labels_path, name, limit, 0, out, NULL);
}

/* Finds dir/base.gz or dir/base, preferring the compressed file as Debian ships it. */
static cs_status find_idx_file(char *out, size_t size, const char *dir, const char *base)
{
    char gz[512];
    snprintf(gz, sizeof gz, "%s.gz", base);
    cs_status st = cs_data_join_path(out, size, dir, gz);
    if (st) return st;
    if (cs_data_is_file(out)) return CS_OK;
    st = cs_data_join_path(out, size, dir, base);
    if (st) return st;
    if (cs_data_is_file(out)) return CS_OK;
    return cs_fail(CS_ERR_IO, "%s/%s: not found (expected %s or %s.gz)", dir, base, base, base);
}

cs_status cs_data_load_idx(const char *dir, bool fashion, int limit, cs_dataset *train, cs_dataset *test)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    const char *set = fashion ? "fashion-mnist" : "mnist";
    char tr_img[4096], tr_lab[4096], te_img[4096], te_lab[4096];
    cs_status st;
    if ((st = find_idx_file(tr_img, sizeof tr_img, dir, "train-images-idx3-ubyte")) ||
        (st = find_idx_file(tr_lab, sizeof tr_lab, dir, "train-labels-idx1-ubyte")) ||
        (st = find_idx_file(te_img, sizeof te_img, dir, "t10k-images-idx3-ubyte")) ||
        (st = find_idx_file(te_lab, sizeof te_lab, dir, "t10k-labels-idx1-ubyte")))
        return st;

    char name[64];
    int n_train = 0;
    snprintf(name, sizeof name, "%s (train)", set);
    if ((st = load_pair(tr_img, tr_lab, name, limit, 0, train, &n_train))) return st;
    snprintf(name, sizeof name, "%s (test)", set);
    if ((st = load_pair(te_img, te_lab, name, limit, n_train, test, NULL))) {
        cs_dataset_free(train);
        return st;
    }
    if (fashion)
        for (int k = 0; k < IDX_CLASSES; k++)
            if ((st = cs_dataset_set_class_name(train, k, fashion_class_names[k])) ||
                (st = cs_dataset_set_class_name(test, k, fashion_class_names[k]))) {
                cs_dataset_free(train);
                cs_dataset_free(test);
                return st;
            }
    return CS_OK;
}
