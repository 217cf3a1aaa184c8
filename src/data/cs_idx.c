/* cs_idx.c - loader for IDX files (MNIST, Fashion-MNIST), plain or gzip-compressed.
 *
 * Format (http://yann.lecun.com/exdb/mnist/): big-endian header, then unsigned bytes.
 *   images: magic 0x00000803, count, rows, cols, then count*rows*cols pixels
 *   labels: magic 0x00000801, count, then count labels
 * The header is read first and its claim checked before anything is allocated: a plain
 * file must hold exactly the bytes it describes, a gzip file cannot inflate to more than
 * 1032 times its size (deflate's limit), and the kept pixels must fit the data budget.
 * Then the data is inflated incrementally: the kept images straight into the dataset, the
 * rest through a small buffer, and never past what the header claimed (plus one byte to
 * tell that something follows). gzread reads plain files too. */
#include "cs_data.h"
#include "cs_data_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u
#define IDX_CLASSES 10
/* Rows and columns beyond this are a corrupt header, not an image. */
#define IDX_MAX_SIDE 4096u
/* Deflate's largest expansion (zlib's technical notes: 1032:1), plus room for gzip headers. */
#define GZIP_MAX_RATIO 1032u
#define GZIP_SLACK 4096u
/* Bytes after the claimed data are counted up to this, then the count says "at least". */
#define EXTRA_COUNT_MAX ((uint64_t)1 << 20)
#define CHUNK ((size_t)1 << 16)

static const char *const fashion_class_names[IDX_CLASSES] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};

static uint32_t read_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

typedef struct {
    const char *path;
    gzFile f;
    uint64_t file_size; /* bytes on disk */
    uint64_t pos;       /* bytes read from the (inflated) stream */
} idx_file;

static cs_status idx_open(idx_file *x, const char *path)
{
    memset(x, 0, sizeof *x);
    x->path = path;
    struct stat sb;
    if (stat(path, &sb) != 0) return cs_fail(CS_ERR_IO, "%s: cannot open (%s)", path, strerror(errno));
    if (!S_ISREG(sb.st_mode)) return cs_fail(CS_ERR_IO, "%s: not a regular file", path);
    x->file_size = (uint64_t)sb.st_size;
    errno = 0;
    x->f = gzopen(path, "rb");
    if (!x->f) return cs_fail(CS_ERR_IO, "%s: cannot open (%s)", path, errno ? strerror(errno) : "out of memory");
    return CS_OK;
}

static void idx_close(idx_file *x)
{
    if (x->f) gzclose(x->f);
    x->f = NULL;
}

/* Reads up to n bytes; *got gets how many (fewer only at the end of the stream). */
static cs_status idx_read(idx_file *x, void *dst, size_t n, size_t *got)
{
    *got = 0;
    while (*got < n) {
        const size_t want = n - *got < CHUNK ? n - *got : CHUNK;
        const int r = gzread(x->f, (unsigned char *)dst + *got, (unsigned)want);
        if (r < 0) {
            int errnum = 0;
            const char *why = gzerror(x->f, &errnum);
            /* zlib prefixes its message with the path, which the line already starts with */
            const size_t plen = strlen(x->path);
            if (strncmp(why, x->path, plen) == 0 && strncmp(why + plen, ": ", 2) == 0) why += plen + 2;
            return errnum == Z_ERRNO
                       ? cs_fail(CS_ERR_IO, "%s: read error after %llu bytes (%s)", x->path,
                                 (unsigned long long)x->pos, strerror(errno))
                       : cs_fail(CS_ERR_FORMAT, "%s: corrupt gzip data after %llu bytes (zlib: %s)", x->path,
                                 (unsigned long long)x->pos, why);
        }
        if (r == 0) break;
        *got += (size_t)r;
        x->pos += (uint64_t)r;
    }
    return CS_OK;
}

/* Checks the header's claim (total bytes of the inflated file) against the file on disk,
 * before anything is allocated for it. */
static cs_status idx_check_claim(const idx_file *x, const char *what, size_t header, uint64_t total)
{
    if (gzdirect(x->f)) {
        if (x->file_size < total)
            return cs_fail(CS_ERR_FORMAT, "%s: truncated at byte %llu of %s (expected %llu bytes, found %llu)",
                           x->path, (unsigned long long)(x->file_size - header), what, (unsigned long long)total,
                           (unsigned long long)x->file_size);
        if (x->file_size > total)
            return cs_fail(CS_ERR_FORMAT, "%s: %llu bytes after the %s; the header's dimensions disagree with the "
                           "file size (expected %llu bytes, found %llu)", x->path,
                           (unsigned long long)(x->file_size - total), what, (unsigned long long)total,
                           (unsigned long long)x->file_size);
        return CS_OK;
    }
    const uint64_t most = x->file_size * GZIP_MAX_RATIO + GZIP_SLACK;
    if (total > most)
        return cs_fail(CS_ERR_FORMAT, "%s: the header claims %llu bytes, but a gzip file of %llu bytes inflates to "
                       "at most %llu", x->path, (unsigned long long)total, (unsigned long long)x->file_size,
                       (unsigned long long)most);
    return CS_OK;
}

/* After the claimed data: nothing may follow, and a gzip stream must end with its trailer. */
static cs_status idx_check_end(idx_file *x, const char *what, uint64_t total)
{
    unsigned char buf[4096];
    uint64_t extra = 0;
    size_t got;
    cs_status st;
    do {
        if ((st = idx_read(x, buf, sizeof buf, &got))) return st;
        extra += got;
    } while (got == sizeof buf && extra < EXTRA_COUNT_MAX);
    if (extra)
        return cs_fail(CS_ERR_FORMAT, "%s: %s%llu bytes after the %s; the header's dimensions disagree with the file "
                       "size (expected %llu bytes, found %s%llu)", x->path, got == sizeof buf ? "at least " : "",
                       (unsigned long long)extra, what, (unsigned long long)total, got == sizeof buf ? "over " : "",
                       (unsigned long long)(total + extra));
    int errnum = 0;
    gzerror(x->f, &errnum);
    if (errnum == Z_BUF_ERROR)
        return cs_fail(CS_ERR_FORMAT, "%s: gzip stream ends early (all %llu bytes present, trailer missing)", x->path,
                       (unsigned long long)total);
    return CS_OK;
}

/* Reads an IDX header of n bytes (16 or 8) with the expected magic. */
static cs_status idx_header(idx_file *x, unsigned char *h, size_t n, uint32_t magic, const char *kind)
{
    size_t got;
    cs_status st = idx_read(x, h, n, &got);
    if (st) return st;
    if (got < n)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated in the IDX header (expected %zu bytes, found %zu)", x->path, n,
                       got);
    const uint32_t m = read_be32(h);
    if (m != magic)
        return cs_fail(CS_ERR_FORMAT, "%s: bad IDX magic 0x%08x (expected 0x%08x for %s)", x->path, m, magic, kind);
    return CS_OK;
}

/* Streams `count` items of item_bytes: the first `keep` into dst (NULL: none kept);
 * labels (item_bytes 1) are range-checked, all of them, and the kept ones stored in labels. */
static cs_status idx_stream(idx_file *x, const char *what, uint64_t count, size_t item_bytes, int keep, uint8_t *dst,
                            int *labels, uint64_t total)
{
    unsigned char *buf = malloc(CHUNK);
    if (!buf) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", x->path);
    const uint64_t bytes = count * item_bytes, kept = (uint64_t)keep * item_bytes;
    const uint64_t start = x->pos;
    cs_status st = CS_OK;
    uint64_t done = 0;
    while (done < bytes && !st) {
        const size_t want = bytes - done < CHUNK ? (size_t)(bytes - done) : CHUNK;
        /* kept image bytes go straight into the dataset */
        unsigned char *to = dst && done < kept && !labels ? dst + done : buf;
        const size_t n = to == buf ? want : (size_t)(kept - done < want ? kept - done : want);
        size_t got;
        if ((st = idx_read(x, to, n, &got))) break;
        if (labels)
            for (size_t i = 0; i < got && !st; i++) {
                const uint64_t item = done + i;
                if (to[i] >= IDX_CLASSES)
                    st = cs_fail(CS_ERR_FORMAT, "%s: label %u of item %llu is out of range (expected 0..%d)", x->path,
                                 to[i], (unsigned long long)item, IDX_CLASSES - 1);
                else if (item < (uint64_t)keep) labels[item] = to[i];
            }
        done += got;
        if (!st && got < n)
            st = cs_fail(CS_ERR_FORMAT, "%s: truncated at byte %llu of %s (expected %llu bytes, found %llu)", x->path,
                         (unsigned long long)done, what, (unsigned long long)total,
                         (unsigned long long)(start + done));
    }
    free(buf);
    return st ? st : idx_check_end(x, what, total);
}

/* Loads one image/label pair. Keeps `limit` images, or when ref_total > 0 the share of
 * them that `limit` is of ref_total (the matching test share). *n_total gets the count
 * in the files; the kept pixels must fit budget_bytes. */
static cs_status load_pair(const char *images_path, const char *labels_path, const char *name, int limit,
                           int ref_total, uint64_t budget_bytes, cs_dataset *out, int *n_total)
{
    memset(out, 0, sizeof *out);
    idx_file img, lab;
    memset(&lab, 0, sizeof lab);
    unsigned char h[16];
    cs_status st = idx_open(&img, images_path);
    if (st) return st;
    if ((st = idx_header(&img, h, 16, IDX_IMAGES_MAGIC, "images"))) goto done;
    const uint32_t count = read_be32(h + 4), rows = read_be32(h + 8), cols = read_be32(h + 12);
    if (rows == 0 || cols == 0 || rows > IDX_MAX_SIDE || cols > IDX_MAX_SIDE || count == 0 || count > INT_MAX) {
        st = cs_fail(CS_ERR_FORMAT, "%s: implausible dimensions %u images of %ux%u (expected 1..%u per side and at "
                     "least one image)", images_path, count, rows, cols, IDX_MAX_SIDE);
        goto done;
    }
    const uint64_t image_bytes = (uint64_t)rows * cols, img_total = 16 + (uint64_t)count * image_bytes;
    if ((st = idx_check_claim(&img, "image data", 16, img_total))) goto done;

    if ((st = idx_open(&lab, labels_path))) goto done;
    if ((st = idx_header(&lab, h, 8, IDX_LABELS_MAGIC, "labels"))) goto done;
    const uint32_t label_count = read_be32(h + 4);
    const uint64_t lab_total = 8 + (uint64_t)label_count;
    if ((st = idx_check_claim(&lab, "label data", 8, lab_total))) goto done;
    if (label_count != count) {
        st = cs_fail(CS_ERR_FORMAT, "%s: %u labels for %u images in %s (expected equal counts)", labels_path,
                     label_count, count, images_path);
        goto done;
    }

    int keep = (int)count;
    if (ref_total > 0)
        keep = cs_data_scaled_test_count(limit, ref_total, (int)count);
    else if (limit > 0 && limit < keep)
        keep = limit;
    if ((uint64_t)keep * image_bytes > budget_bytes) {
        st = cs_fail(CS_ERR_FORMAT, "%s: %d images of %ux%u take %llu bytes, over the data budget (%llu bytes left "
                     "of it)", images_path, keep, rows, cols, (unsigned long long)((uint64_t)keep * image_bytes),
                     (unsigned long long)budget_bytes);
        goto done;
    }
    if ((st = cs_dataset_init(out, name, keep, 1, (int)rows, (int)cols, IDX_CLASSES))) goto done;
    if ((st = idx_stream(&img, "image data", count, (size_t)image_bytes, keep, out->pixels, NULL, img_total)) ||
        (st = idx_stream(&lab, "label data", count, 1, keep, NULL, out->labels, lab_total)))
        goto done;
    if (n_total) *n_total = (int)count;

done:
    idx_close(&img);
    idx_close(&lab);
    if (st) cs_dataset_free(out);
    return st;
}

cs_status cs_data_load_idx_pair(const char *images_path, const char *labels_path, const char *name, int limit,
                                cs_dataset *out)
{
    return load_pair(images_path, labels_path, name, limit, 0, cs_data_budget_resolve(NULL).max_bytes, out, NULL);
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
    return cs_data_load_idx_budget(dir, fashion, limit, NULL, train, test);
}

cs_status cs_data_load_idx_budget(const char *dir, bool fashion, int limit, const cs_data_budget *budget,
                                  cs_dataset *train, cs_dataset *test)
{
    const uint64_t max_bytes = cs_data_budget_resolve(budget).max_bytes;
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
    if ((st = load_pair(tr_img, tr_lab, name, limit, 0, max_bytes, train, &n_train))) return st;
    snprintf(name, sizeof name, "%s (test)", set);
    const uint64_t used = (uint64_t)train->n * train->h * train->w;
    if ((st = load_pair(te_img, te_lab, name, limit, n_train, max_bytes - used, test, NULL))) {
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
