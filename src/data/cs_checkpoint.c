/* cs_checkpoint.c - versioned, checksummed, atomically written training checkpoints (the
 * format is described in cs_checkpoint.h). Byte order is explicit (little-endian) so files
 * move between machines; CRC-32 is zlib's. */
#include "cs_file.h"
#include "cs_checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static const unsigned char magic[8] = {0x89, 'C', 'S', 'C', 'K', 'P', 'T', 0x0A};

enum { HEADER_BYTES = 32, ENTRY_BYTES = 24, MAX_SECTIONS = 64 };

/* A fuzzing build (-Dfuzz=enabled) does not enforce CRCs, so mutated files reach the parsers
 * behind them; every other build does. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define CHECK_CRCS 0
#else
#define CHECK_CRCS 1
#endif

#define FOURCC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define SEC_SPEC FOURCC('S', 'P', 'E', 'C')
#define SEC_TRNR FOURCC('T', 'R', 'N', 'R')
#define SEC_ORDR FOURCC('O', 'R', 'D', 'R')
#define SEC_PARM FOURCC('P', 'A', 'R', 'M')
#define SEC_OPTM FOURCC('O', 'P', 'T', 'M')
#define SEC_HIST FOURCC('H', 'I', 'S', 'T')
#define SEC_DSRC FOURCC('D', 'S', 'R', 'C')
#define SEC_CURV FOURCC('C', 'U', 'R', 'V')

/* Bytes of the fixed-size sections, checked exactly on load. */
#define TRNR_BYTES (4 + 4 + 4 + 4 + 4 + 4 + 8 + 4 + 8 + 4 + 8 + 4 + 4 + 4 + 16 + 64 + 5 * 4 + 4)
#define HIST_META_BYTES_V1 (8 + 4 + 8 + 4 + 4)
#define HIST_META_BYTES (8 + 4 + 4 + 8 + 4 + 4) /* version 2: a flags word after the epoch */
#define CURV_POINT_BYTES (8 + 4 + 4 + 4)
enum { HIST_FLAG_EPOCH_END = 1 };

/* ---- little-endian byte buffers ------------------------------------------------------ */

typedef struct {
    unsigned char *p;
    size_t n, cap;
    int oom;
} wbuf;

static void put_bytes(wbuf *b, const void *src, size_t n)
{
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_u32(wbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    put_bytes(b, x, 4);
}

static void put_u64(wbuf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_i32(wbuf *b, int32_t v) { put_u32(b, (uint32_t)v); }
static void put_i64(wbuf *b, int64_t v) { put_u64(b, (uint64_t)v); }

static void put_f32(wbuf *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    put_u32(b, u);
}

static void put_f32s(wbuf *b, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) put_f32(b, x[i]);
}

typedef struct {
    const unsigned char *p;
    size_t n, off;
    int short_read; /* a get ran past the end */
} rbuf;

static int have(rbuf *r, size_t n)
{
    if (r->short_read || r->n - r->off < n) {
        r->short_read = 1;
        return 0;
    }
    return 1;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static uint32_t get_u32(rbuf *r)
{
    if (!have(r, 4)) return 0;
    uint32_t v = rd32(r->p + r->off);
    r->off += 4;
    return v;
}

static uint64_t get_u64(rbuf *r)
{
    if (!have(r, 8)) return 0;
    uint64_t v = rd64(r->p + r->off);
    r->off += 8;
    return v;
}

static int32_t get_i32(rbuf *r) { return (int32_t)get_u32(r); }
static int64_t get_i64(rbuf *r) { return (int64_t)get_u64(r); }

static float get_f32(rbuf *r)
{
    uint32_t u = get_u32(r);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void get_f32s(rbuf *r, float *x, size_t n)
{
    if (!have(r, n * 4)) return;
    for (size_t i = 0; i < n; i++) x[i] = get_f32(r);
}

/* ---- saving ------------------------------------------------------------------------- */

static void build_trnr(wbuf *b, const cs_trainer *tr)
{
    const cs_train_config *c = &tr->cfg;
    put_i32(b, c->batch);
    put_f32(b, c->lr);
    put_u32(b, (uint32_t)c->optimizer);
    put_f32(b, c->momentum);
    put_f32(b, c->weight_decay);
    put_u32(b, (uint32_t)c->loss);
    put_u64(b, c->seed);
    put_f32(b, c->divergence_loss);
    put_i64(b, tr->step);
    put_i32(b, tr->epoch);
    put_i64(b, tr->images_seen);
    put_i32(b, tr->pos);
    put_f32(b, tr->last_loss);
    put_f32(b, tr->last_accuracy);
    for (int i = 0; i < 4; i++) put_u32(b, tr->rng.s[i]);
    char name[64] = {0};
    snprintf(name, sizeof name, "%s", tr->train->name);
    put_bytes(b, name, sizeof name);
    put_i32(b, tr->train->n);
    put_i32(b, tr->train->c);
    put_i32(b, tr->train->h);
    put_i32(b, tr->train->w);
    put_i32(b, tr->train->n_classes);
    put_u32(b, cs_checkpoint_dataset_crc(tr->train));
}

uint32_t cs_checkpoint_dataset_crc(const cs_dataset *ds)
{
    uLong crc = crc32_z(0L, ds->pixels, (size_t)ds->n * ds->c * ds->h * ds->w);
    for (int i = 0; i < ds->n; i++) {
        const uint32_t v = (uint32_t)ds->labels[i];
        const unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                                    (unsigned char)(v >> 24)};
        crc = crc32_z(crc, x, 4);
    }
    return (uint32_t)crc;
}

static void put_string(wbuf *b, const char *s)
{
    const size_t n = s ? strlen(s) : 0;
    put_u32(b, s ? (uint32_t)n : UINT32_MAX);
    if (s) put_bytes(b, s, n);
}

static void build_dsrc(wbuf *b, const cs_checkpoint_source *src)
{
    put_i32(b, src->limit);
    put_string(b, src->dataset);
    put_string(b, src->data_dir);
}

/* lr is the trainer's (the optimizer keeps none); TRNR holds the same value. */
static void build_optm(wbuf *b, const cs_optim *o, float lr)
{
    put_u32(b, (uint32_t)o->kind);
    put_f32(b, lr);
    put_f32(b, o->momentum);
    put_f32(b, o->weight_decay);
    put_f32(b, o->beta1);
    put_f32(b, o->beta2);
    put_f32(b, o->eps);
    put_i64(b, o->t);
    put_u64(b, o->n);
    put_f32s(b, o->m, o->n);
    if (o->kind == CS_OPTIM_ADAM) put_f32s(b, o->v, o->n);
}

static void build_hist(wbuf *b, const cs_history *h)
{
    put_u64(b, cs_history_budget(h));
    put_i64(b, cs_history_every(h));
    put_i64(b, cs_history_interval(h));
    put_u64(b, cs_history_count(h));
    put_u64(b, cs_history_record_floats(h));
    put_u32(b, (uint32_t)cs_history_layout(h));
    put_u32(b, (uint32_t)cs_history_conv_count(h));
    for (int j = 0; j < cs_history_conv_count(h); j++) {
        const cs_history_conv *cv = cs_history_conv_at(h, j);
        put_i32(b, cv->layer);
        put_i32(b, cv->oc);
        put_i32(b, cv->c);
        put_i32(b, cv->k);
        put_u64(b, cv->offset);
    }
    for (size_t i = 0; i < cs_history_count(h); i++) {
        const cs_history_meta *m = cs_history_meta_at(h, i);
        put_i64(b, m->step);
        put_i32(b, m->epoch);
        put_u32(b, m->epoch_end ? HIST_FLAG_EPOCH_END : 0);
        put_i64(b, m->images_seen);
        put_f32(b, m->loss);
        put_f32(b, m->accuracy);
        put_f32s(b, cs_history_record_at(h, i), cs_history_record_floats(h));
    }
}

static void put_curve(wbuf *b, const cs_curve *c)
{
    put_u32(b, (uint32_t)c->n);
    for (int i = 0; i < c->n; i++) {
        put_i64(b, c->p[i].step);
        put_f32(b, c->p[i].loss);
        put_f32(b, c->p[i].acc);
        put_i32(b, c->p[i].weight);
    }
}

static void build_curv(wbuf *b, const cs_checkpoint_curves *c)
{
    put_curve(b, &c->train);
    put_curve(b, &c->test);
    put_u32(b, (uint32_t)c->n_epoch_marks);
    for (int i = 0; i < c->n_epoch_marks; i++) put_i64(b, c->epoch_marks[i]);
}

static int write_all(FILE *f, const void *p, size_t n) { return n == 0 || fwrite(p, 1, n, f) == n; }

/* fsyncs the directory holding path, so the rename itself is durable. */
static cs_status sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY);
    if (fd < 0) return cs_fail(CS_ERR_IO, "%s: saved, but cannot open its directory to sync it (%s)", path,
                               strerror(errno));
    /* some file systems cannot sync a directory (EINVAL); the rename is then as durable as it gets */
    int bad = fsync(fd) != 0 && errno != EINVAL;
    int err = errno;
    close(fd);
    if (bad) return cs_fail(CS_ERR_IO, "%s: saved, but syncing its directory failed (%s)", path, strerror(err));
    return CS_OK;
}

/* Removes PATH.tmp.PID files left by saves that were killed: those whose process is gone.
 * Another process's save in progress (its PID alive) is left alone. Best effort. */
static void remove_stale_temporaries(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    DIR *d = opendir(dir);
    if (!d) return;
    const size_t base_len = strlen(base);
    for (struct dirent *e; (e = readdir(d));) {
        const char *name = e->d_name;
        if (strncmp(name, base, base_len) != 0 || strncmp(name + base_len, ".tmp.", 5) != 0) continue;
        const char *digits = name + base_len + 5;
        char *end;
        errno = 0;
        const long pid = strtol(digits, &end, 10);
        if (*digits == '\0' || *end != '\0' || errno || pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char full[8192];
        if (snprintf(full, sizeof full, "%s/%s", dir, name) < (int)sizeof full) remove(full);
    }
    closedir(d);
}

cs_status cs_checkpoint_save(const char *path, const cs_trainer *tr, const cs_history *hist,
                             const cs_checkpoint_source *src)
{
    return cs_checkpoint_save_run(path, tr, hist, src, NULL);
}

cs_status cs_checkpoint_save_run(const char *path, const cs_trainer *tr, const cs_history *hist,
                                 const cs_checkpoint_source *src, const cs_checkpoint_curves *curves)
{
    const cs_net *net = tr->net;
    wbuf sec[8] = {{0}};
    uint32_t ids[8];
    int ns = 0;
    ids[ns] = SEC_SPEC;
    put_bytes(&sec[ns++], net->spec, strlen(net->spec));
    ids[ns] = SEC_TRNR;
    build_trnr(&sec[ns++], tr);
    ids[ns] = SEC_ORDR;
    for (int i = 0; i < tr->train->n; i++) put_i32(&sec[ns], tr->order[i]);
    ns++;
    ids[ns] = SEC_PARM;
    put_f32s(&sec[ns++], net->params, net->n_params);
    ids[ns] = SEC_OPTM;
    build_optm(&sec[ns++], &tr->opt, tr->cfg.lr);
    if (src) {
        ids[ns] = SEC_DSRC;
        build_dsrc(&sec[ns++], src);
    }
    if (hist) {
        ids[ns] = SEC_HIST;
        build_hist(&sec[ns++], hist);
    }
    if (curves) {
        ids[ns] = SEC_CURV;
        build_curv(&sec[ns++], curves);
    }

    cs_status st = CS_OK;
    wbuf head = {0};
    uint64_t off = HEADER_BYTES + (uint64_t)ns * ENTRY_BYTES, total = off;
    for (int i = 0; i < ns; i++) {
        if (sec[i].oom) st = cs_fail(CS_ERR_NOMEM, "%s: out of memory while saving", path);
        total += sec[i].n;
    }
    put_bytes(&head, magic, sizeof magic);
    put_u32(&head, CS_CHECKPOINT_VERSION);
    put_u32(&head, (uint32_t)ns);
    put_u64(&head, total);
    for (int i = 0; i < ns; i++) {
        put_u32(&head, ids[i]);
        put_u32(&head, (uint32_t)crc32_z(0L, sec[i].p, sec[i].n));
        put_u64(&head, off);
        put_u64(&head, sec[i].n);
        off += sec[i].n;
    }
    if (head.oom && !st) st = cs_fail(CS_ERR_NOMEM, "%s: out of memory while saving", path);
    char tmp[4096];
    FILE *f = NULL;
    if (!st) {
        /* the table CRC covers the first 24 header bytes and the table, and sits between them */
        uLong crc = crc32(0L, head.p, 24);
        crc = crc32(crc, head.p + 24, (uInt)(head.n - 24));
        unsigned char tail[8] = {(unsigned char)crc, (unsigned char)(crc >> 8), (unsigned char)(crc >> 16),
                                 (unsigned char)(crc >> 24), 0, 0, 0, 0};
        if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
            st = cs_fail(CS_ERR_ARG, "%s: path too long", path);
        else if (!(f = fopen(tmp, "wb")))
            st = cs_fail(CS_ERR_IO, "%s: cannot create %s (%s)", path, tmp, strerror(errno));
        else {
            int ok = write_all(f, head.p, 24) && write_all(f, tail, 8) && write_all(f, head.p + 24, head.n - 24);
            for (int i = 0; ok && i < ns; i++) ok = write_all(f, sec[i].p, sec[i].n);
            if (ok) ok = fflush(f) == 0;
            if (ok) ok = fsync(fileno(f)) == 0;
            int err = errno;
            if (fclose(f) != 0 && ok) {
                ok = 0;
                err = errno;
            }
            if (!ok) st = cs_fail(CS_ERR_IO, "%s: writing %s failed (%s)", path, tmp, strerror(err));
            else if (rename(tmp, path) != 0)
                st = cs_fail(CS_ERR_IO, "%s: cannot rename %s over it (%s)", path, tmp, strerror(errno));
            if (st) remove(tmp);
            else {
                st = sync_dir(path);
                remove_stale_temporaries(path);
            }
        }
    }
    free(head.p);
    for (int i = 0; i < ns; i++) free(sec[i].p);
    return st;
}

/* ---- loading ------------------------------------------------------------------------- */

/* Prefixes the last error message (copied first: cs_fail writes the buffer it would read). */
static cs_status with_prefix(cs_status st, const char *path, const char *what)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", cs_last_error());
    return cs_fail(st, "%s: %s%s", path, what, msg);
}

void cs_checkpoint_free(cs_checkpoint *ck)
{
    if (!ck) return;
    free(ck->spec);
    free(ck->order);
    free(ck->source_dataset);
    free(ck->source_data_dir);
    cs_net_destroy(ck->net);
    cs_optim_free(&ck->opt);
    cs_history_destroy(ck->history);
    free(ck->curves);
    memset(ck, 0, sizeof *ck);
}

static void id_text(uint32_t id, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)(id >> (8 * i));
        out[i] = c >= 0x20 && c < 0x7f ? c : '?';
    }
    out[4] = 0;
}

static cs_status read_file(const char *path, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f;
    long long file_size;
    const cs_status ost = cs_file_open_read(path, NULL, &f, &file_size);
    if (ost) return ost;
    const struct stat sb = {.st_size = (off_t)file_size};
    if ((uint64_t)sb.st_size > CS_CHECKPOINT_MAX_BYTES) {
        fclose(f);
        return cs_fail(CS_ERR_FORMAT, "%s: %lld bytes is over the checkpoint budget of %llu bytes", path,
                       (long long)sb.st_size, (unsigned long long)CS_CHECKPOINT_MAX_BYTES);
    }
    size_t n = (size_t)sb.st_size;
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf) {
        fclose(f);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory for %zu bytes", path, n);
    }
    size_t got = fread(buf, 1, n, f);
    int err = ferror(f);
    fclose(f);
    if (err || got != n) {
        free(buf);
        return cs_fail(CS_ERR_IO, "%s: read %zu of %zu bytes", path, got, n);
    }
    *out = buf;
    *len = n;
    return CS_OK;
}

typedef struct {
    uint32_t id, crc;
    uint64_t off, size;
} entry;

/* Checks header, table and section CRCs; fills the sections found. */
static cs_status check_container(const char *path, const unsigned char *p, size_t len, entry *e, int *n_out)
{
    if (len < sizeof magic || memcmp(p, magic, sizeof magic) != 0) {
        if (len < sizeof magic && memcmp(p, magic, len) == 0)
            return cs_fail(CS_ERR_FORMAT, "%s: truncated: %zu bytes, not even a checkpoint header", path, len);
        return cs_fail(CS_ERR_FORMAT, "%s: not a convscope checkpoint (bad magic number)", path);
    }
    if (len < HEADER_BYTES)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated: %zu bytes, shorter than the %d-byte header", path, len,
                       HEADER_BYTES);
    const uint32_t version = rd32(p + 8), n = rd32(p + 12);
    const uint64_t size = rd64(p + 16);
    if (version > CS_CHECKPOINT_VERSION)
        return cs_fail(CS_ERR_FORMAT, "%s: checkpoint format version %u is newer than this convscope reads (%d)",
                       path, version, CS_CHECKPOINT_VERSION);
    if (version == 0) return cs_fail(CS_ERR_FORMAT, "%s: corrupted header (format version 0)", path);
    if (size > len)
        return cs_fail(CS_ERR_FORMAT, "%s: truncated: %zu bytes of the %llu the header announces", path, len,
                       (unsigned long long)size);
    if (size < len)
        return cs_fail(CS_ERR_FORMAT, "%s: %zu unexpected bytes after the end the header announces (%llu bytes)",
                       path, len - (size_t)size, (unsigned long long)size);
    if (n == 0 || n > MAX_SECTIONS || HEADER_BYTES + (uint64_t)n * ENTRY_BYTES > size)
        return cs_fail(CS_ERR_FORMAT, "%s: corrupted header (%u sections)", path, n);
    uLong crc = crc32(0L, p, 24);
    crc = crc32(crc, p + HEADER_BYTES, (uInt)(n * ENTRY_BYTES));
    if ((!CHECK_CRCS ? 0 : crc != rd32(p + 24)) || rd32(p + 28) != 0)
        return cs_fail(CS_ERR_FORMAT, "%s: corrupted header or section table (checksum mismatch)", path);
    uint64_t off = HEADER_BYTES + (uint64_t)n * ENTRY_BYTES;
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *q = p + HEADER_BYTES + (size_t)i * ENTRY_BYTES;
        e[i].id = rd32(q);
        e[i].crc = rd32(q + 4);
        e[i].off = rd64(q + 8);
        e[i].size = rd64(q + 16);
        char name[5];
        id_text(e[i].id, name);
        if (e[i].off != off || e[i].size > size - off)
            return cs_fail(CS_ERR_FORMAT, "%s: section %s has a bad offset or size", path, name);
        if (CHECK_CRCS && crc32_z(0L, p + e[i].off, (z_size_t)e[i].size) != e[i].crc)
            return cs_fail(CS_ERR_FORMAT, "%s: section %s is corrupted (checksum mismatch)", path, name);
        for (uint32_t j = 0; j < i; j++)
            if (e[j].id == e[i].id) return cs_fail(CS_ERR_FORMAT, "%s: section %s appears twice", path, name);
        off += e[i].size;
    }
    if (off != size) return cs_fail(CS_ERR_FORMAT, "%s: sections do not fill the file", path);
    *n_out = (int)n;
    return CS_OK;
}

static const entry *find(const entry *e, int n, uint32_t id)
{
    for (int i = 0; i < n; i++)
        if (e[i].id == id) return &e[i];
    return NULL;
}

static rbuf section(const unsigned char *p, const entry *e) { return (rbuf){p + e->off, (size_t)e->size, 0, 0}; }

/* A section's contents must be consumed exactly. */
static cs_status check_consumed(const char *path, const rbuf *r, const char *name)
{
    if (r->short_read) return cs_fail(CS_ERR_FORMAT, "%s: section %s is shorter than its contents", path, name);
    if (r->off != r->n)
        return cs_fail(CS_ERR_FORMAT, "%s: section %s has %zu bytes more than its contents", path, name, r->n - r->off);
    return CS_OK;
}

/* Where parameter i of the net lies: "conv1 weight 17 (filter 0, channel 1, row 2, column
 * 3)" or "fc1 bias 4". */
static void describe_param(const cs_net *net, size_t i, char *buf, size_t size)
{
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        if (i < L->w_count) {
            if (L->kind == CS_LAYER_CONV) {
                const size_t k = (size_t)L->k, c = (size_t)L->in_c;
                snprintf(buf, size, "%s weight %zu (filter %zu, channel %zu, row %zu, column %zu)", L->name, i,
                         i / (c * k * k), i / (k * k) % c, i / k % k, i % k);
            } else {
                const size_t in = L->w_count / L->b_count;
                snprintf(buf, size, "%s weight %zu (output %zu, input %zu)", L->name, i, i / in, i % in);
            }
            return;
        }
        i -= L->w_count;
        if (i < L->b_count) {
            snprintf(buf, size, "%s bias %zu", L->name, i);
            return;
        }
        i -= L->b_count;
    }
    snprintf(buf, size, "value %zu", i);
}

/* NaN or infinite values are refused at load, naming the first one's place. */
static cs_status check_finite(const char *path, const cs_net *net, const char *what, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) {
            char where[256];
            describe_param(net, i, where, sizeof where);
            return cs_fail(CS_ERR_FORMAT, "%s: %s of %s is %s (expected a finite number)", path, what, where,
                           isnan(x[i]) ? "NaN" : x[i] > 0 ? "+inf" : "-inf");
        }
    return CS_OK;
}

static cs_status parse_trnr(const char *path, rbuf *r, cs_checkpoint *ck)
{
    if (r->n != TRNR_BYTES)
        return cs_fail(CS_ERR_FORMAT, "%s: section TRNR has %zu bytes (expected %d)", path, r->n, TRNR_BYTES);
    cs_train_config *c = &ck->cfg;
    c->batch = get_i32(r);
    c->lr = get_f32(r);
    const uint32_t optk = get_u32(r);
    c->momentum = get_f32(r);
    c->weight_decay = get_f32(r);
    const uint32_t lossk = get_u32(r);
    c->seed = get_u64(r);
    c->divergence_loss = get_f32(r);
    ck->step = get_i64(r);
    ck->epoch = get_i32(r);
    ck->images_seen = get_i64(r);
    ck->pos = get_i32(r);
    ck->last_loss = get_f32(r);
    ck->last_accuracy = get_f32(r);
    for (int i = 0; i < 4; i++) ck->rng.s[i] = get_u32(r);
    if (have(r, 64)) memcpy(ck->dataset_name, r->p + r->off, 64);
    r->off += 64;
    ck->dataset_name[63] = 0;
    ck->dataset_n = get_i32(r);
    ck->dataset_c = get_i32(r);
    ck->dataset_h = get_i32(r);
    ck->dataset_w = get_i32(r);
    ck->dataset_classes = get_i32(r);
    ck->dataset_crc = get_u32(r);
    if (optk > CS_OPTIM_ADAM || lossk > CS_LOSS_MSE)
        return cs_fail(CS_ERR_FORMAT, "%s: unknown optimizer %u or loss %u", path, optk, lossk);
    c->optimizer = (cs_optim_kind)optk;
    c->loss = (cs_loss_kind)lossk;
    if (c->batch <= 0 || c->batch > 1 << 20 || ck->step < 0 || ck->epoch < 0 || ck->images_seen < 0 ||
        ck->dataset_n <= 0 || ck->pos < 0 || ck->pos >= ck->dataset_n || ck->dataset_c <= 0 || ck->dataset_h <= 0 ||
        ck->dataset_w <= 0 || ck->dataset_classes <= 0 || !isfinite(c->lr) || !isfinite(c->momentum) ||
        !isfinite(c->weight_decay) || !isfinite(c->divergence_loss))
        return cs_fail(CS_ERR_FORMAT, "%s: trainer state out of range (batch %d, step %lld, epoch %d, position %d of "
                       "%d images)", path, c->batch, (long long)ck->step, ck->epoch, ck->pos, ck->dataset_n);
    if ((ck->rng.s[0] | ck->rng.s[1] | ck->rng.s[2] | ck->rng.s[3]) == 0)
        return cs_fail(CS_ERR_FORMAT, "%s: random generator state is all zero", path);
    return check_consumed(path, r, "TRNR");
}

static cs_status parse_order(const char *path, rbuf *r, cs_checkpoint *ck)
{
    const size_t n = (size_t)ck->dataset_n;
    if (r->n != n * 4)
        return cs_fail(CS_ERR_FORMAT, "%s: section ORDR has %zu bytes, expected %zu for %zu images", path, r->n, n * 4,
                       n);
    ck->order = malloc(n * sizeof *ck->order);
    unsigned char *seen = calloc(n, 1);
    if (!ck->order || !seen) {
        free(seen);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
    }
    cs_status st = CS_OK;
    for (size_t i = 0; i < n && !st; i++) {
        const int32_t v = get_i32(r);
        if (v < 0 || (size_t)v >= n || seen[v]) st = cs_fail(CS_ERR_FORMAT, "%s: the data order is not a permutation "
                                                             "(entry %zu is %d)", path, i, v);
        else seen[v] = 1, ck->order[i] = v;
    }
    free(seen);
    return st;
}

static cs_status parse_optm(const char *path, rbuf *r, cs_checkpoint *ck)
{
    const uint32_t kind = get_u32(r);
    if (kind != (uint32_t)ck->cfg.optimizer)
        return cs_fail(CS_ERR_FORMAT, "%s: optimizer state is for kind %u, the config says %d", path, kind,
                       (int)ck->cfg.optimizer);
    const size_t np = ck->net->n_params;
    const size_t want = 4 + 6 * 4 + 8 + 8 + np * 4 * (kind == CS_OPTIM_ADAM ? 2 : 1);
    if (r->n != want)
        return cs_fail(CS_ERR_FORMAT, "%s: section OPTM has %zu bytes, expected %zu for %zu parameters", path, r->n,
                       want, np);
    cs_status st = cs_optim_init(&ck->opt, (cs_optim_kind)kind, np);
    if (st) return st;
    /* the rate the optimizer stepped with last: a file written before the rate had one home may
     * hold an older value in TRNR */
    ck->cfg.lr = get_f32(r);
    if (!(ck->cfg.lr > 0) || !isfinite(ck->cfg.lr))
        return cs_fail(CS_ERR_FORMAT, "%s: the learning rate %g is not a positive number", path, (double)ck->cfg.lr);
    ck->opt.momentum = get_f32(r);
    ck->opt.weight_decay = get_f32(r);
    ck->opt.beta1 = get_f32(r);
    ck->opt.beta2 = get_f32(r);
    ck->opt.eps = get_f32(r);
    ck->opt.t = (long)get_i64(r);
    const uint64_t n = get_u64(r);
    if (n != np) return cs_fail(CS_ERR_FORMAT, "%s: optimizer state for %llu parameters, the net has %zu", path,
                                (unsigned long long)n, np);
    get_f32s(r, ck->opt.m, np);
    if (kind == CS_OPTIM_ADAM) get_f32s(r, ck->opt.v, np);
    if (ck->opt.t < 0) return cs_fail(CS_ERR_FORMAT, "%s: optimizer step count %ld is negative", path, ck->opt.t);
    if ((st = check_finite(path, ck->net, kind == CS_OPTIM_ADAM ? "section OPTM: the first moment" :
                           "section OPTM: the velocity", ck->opt.m, np)))
        return st;
    if (kind == CS_OPTIM_ADAM && (st = check_finite(path, ck->net, "section OPTM: the second moment", ck->opt.v, np)))
        return st;
    return check_consumed(path, r, "OPTM");
}

/* The history's header and layout table; creates ck->history. Version 1 files have no layout
 * word (their records are conv kernels and biases only). */
static cs_status parse_hist_head(const char *path, rbuf *r, uint32_t version, cs_checkpoint *ck, uint64_t *count_out)
{
    const uint64_t budget = get_u64(r);
    const int64_t every = get_i64(r), interval = get_i64(r);
    const uint64_t count = get_u64(r), floats = get_u64(r);
    const uint32_t layout = version >= 2 ? get_u32(r) : (uint32_t)CS_HISTORY_CONV;
    const uint32_t n_conv = get_u32(r);
    if (r->short_read) return cs_fail(CS_ERR_FORMAT, "%s: section HIST is too short", path);
    if (every < 1 || interval < every || budget > SIZE_MAX)
        return cs_fail(CS_ERR_FORMAT, "%s: history intervals out of range (every %lld, now %lld)", path,
                       (long long)every, (long long)interval);
    if (layout != CS_HISTORY_PARAMS && layout != CS_HISTORY_CONV)
        return cs_fail(CS_ERR_FORMAT, "%s: section HIST has layout %u (expected 0, conv kernels, or 1, all "
                       "parameters)", path, layout);
    /* the history allocates its whole budget: a file may not ask for more than loading allows */
    if (budget > CS_CHECKPOINT_MAX_HISTORY_BYTES)
        return cs_fail(CS_ERR_FORMAT, "%s: section HIST asks for a history budget of %llu bytes, over the %llu bytes "
                       "a checkpoint may ask for", path, (unsigned long long)budget,
                       (unsigned long long)CS_CHECKPOINT_MAX_HISTORY_BYTES);
    cs_status st = cs_history_create_layout(&ck->history, ck->net, (size_t)budget, (long)every,
                                            (cs_history_layout_kind)layout);
    if (st) return with_prefix(st, path, "history: ");
    cs_history *h = ck->history;
    if (floats != cs_history_record_floats(h) || n_conv != (uint32_t)cs_history_conv_count(h) ||
        count > cs_history_capacity(h))
        return cs_fail(CS_ERR_FORMAT, "%s: history layout (%llu records of %llu floats, %u conv layers) does not fit "
                       "the net", path, (unsigned long long)count, (unsigned long long)floats, n_conv);
    for (uint32_t j = 0; j < n_conv; j++) {
        const cs_history_conv *cv = cs_history_conv_at(h, (int)j);
        const int32_t lay = get_i32(r), oc = get_i32(r), c = get_i32(r), k = get_i32(r);
        const uint64_t offset = get_u64(r);
        if (lay != cv->layer || oc != cv->oc || c != cv->c || k != cv->k || offset != cv->offset)
            return cs_fail(CS_ERR_FORMAT, "%s: history layer %u does not match %s of the net", path, j, cv->name);
    }
    cs_history_set_interval(h, (long)interval);
    *count_out = count;
    return CS_OK;
}

/* A record's floats must be finite: parameters are named by place, conv-only records by index. */
static cs_status check_record(const char *path, const cs_checkpoint *ck, uint64_t i, int64_t step, const float *x,
                              size_t n)
{
    if (cs_history_layout(ck->history) == CS_HISTORY_PARAMS) {
        char what[96];
        snprintf(what, sizeof what, "section HIST: record %llu (step %lld)", (unsigned long long)i, (long long)step);
        return check_finite(path, ck->net, what, x, n);
    }
    for (size_t f = 0; f < n; f++)
        if (!isfinite(x[f]))
            return cs_fail(CS_ERR_FORMAT, "%s: section HIST: record %llu (step %lld) holds %s at float %zu (expected "
                           "finite kernels and biases)", path, (unsigned long long)i, (long long)step,
                           isnan(x[f]) ? "NaN" : "an infinity", f);
    return CS_OK;
}

static cs_status parse_hist(const char *path, rbuf *r, uint32_t version, cs_checkpoint *ck)
{
    uint64_t count = 0;
    cs_status st = parse_hist_head(path, r, version, ck, &count);
    if (st) return st;
    cs_history *h = ck->history;
    const uint64_t floats = cs_history_record_floats(h);
    const size_t meta_bytes = version >= 2 ? HIST_META_BYTES : HIST_META_BYTES_V1;
    if (!have(r, (size_t)count * (meta_bytes + (size_t)floats * 4)) ||
        r->n - r->off != (size_t)count * (meta_bytes + (size_t)floats * 4))
        return cs_fail(CS_ERR_FORMAT, "%s: section HIST has %zu bytes of records, expected %llu", path, r->n - r->off,
                       (unsigned long long)(count * (meta_bytes + floats * 4)));
    float *buf = malloc(floats ? (size_t)floats * sizeof(float) : 1);
    if (!buf) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
    int32_t prev_epoch = 0;
    for (uint64_t i = 0; i < count && !st; i++) {
        cs_history_meta m;
        memset(&m, 0, sizeof m);
        m.step = get_i64(r);
        m.epoch = get_i32(r);
        const uint32_t flags = version >= 2 ? get_u32(r) : 0;
        m.images_seen = get_i64(r);
        m.loss = get_f32(r);
        m.accuracy = get_f32(r);
        get_f32s(r, buf, (size_t)floats);
        /* version 1 kept no flag: a record whose epoch count rose was taken at that epoch's end */
        m.epoch_end = version >= 2 ? (flags & HIST_FLAG_EPOCH_END) != 0 : i > 0 && m.epoch > prev_epoch;
        prev_epoch = m.epoch;
        if (version >= 2 && (flags & ~(uint32_t)HIST_FLAG_EPOCH_END))
            st = cs_fail(CS_ERR_FORMAT, "%s: section HIST: record %llu has unknown flags 0x%x", path,
                         (unsigned long long)i, flags);
        else if (m.epoch < 0 || (m.epoch_end && m.epoch < 1))
            st = cs_fail(CS_ERR_FORMAT, "%s: section HIST: record %llu has epoch %d", path, (unsigned long long)i,
                         m.epoch);
        else st = check_record(path, ck, i, m.step, buf, (size_t)floats);
        if (st) break;
        if (m.step < 0 || m.step > ck->step) st = cs_fail(CS_ERR_FORMAT, "%s: history record %llu is at step %lld, "
                                                          "after the checkpoint's step %lld", path,
                                                          (unsigned long long)i, (long long)m.step, (long long)ck->step);
        else if ((st = cs_history_append_raw(h, &m, buf))) st = with_prefix(st, path, "");
    }
    free(buf);
    if (st) return st;
    return check_consumed(path, r, "HIST");
}

/* One learning curve of CURV: at most CS_CURVE_POINTS points, steps that do not decrease and do
 * not pass the checkpoint's step, finite values, positive weights. */
static cs_status get_curve(const char *path, rbuf *r, const char *which, int64_t last_step, cs_curve *c)
{
    const uint32_t n = get_u32(r);
    if (r->short_read) return cs_fail(CS_ERR_FORMAT, "%s: section CURV is too short", path);
    if (n > CS_CURVE_POINTS)
        return cs_fail(CS_ERR_FORMAT, "%s: section CURV: the %s curve has %u points (at most %d)", path, which, n,
                       CS_CURVE_POINTS);
    if (!have(r, (size_t)n * CURV_POINT_BYTES))
        return cs_fail(CS_ERR_FORMAT, "%s: section CURV is shorter than its %s curve's %u points", path, which, n);
    c->n = (int)n;
    for (uint32_t i = 0; i < n; i++) {
        cs_curve_point *q = &c->p[i];
        const int64_t step = get_i64(r);
        q->loss = get_f32(r);
        q->acc = get_f32(r);
        q->weight = get_i32(r);
        if (step < 0 || step > last_step || (i > 0 && step < c->p[i - 1].step))
            return cs_fail(CS_ERR_FORMAT, "%s: section CURV: %s point %u is at step %lld (expected %lld..%lld)", path,
                           which, i, (long long)step, i > 0 ? (long long)c->p[i - 1].step : 0LL, (long long)last_step);
        q->step = (long)step;
        if (!isfinite(q->loss) || !isfinite(q->acc) || q->weight < 1)
            return cs_fail(CS_ERR_FORMAT, "%s: section CURV: %s point %u (step %lld) has loss %g, accuracy %g, weight "
                           "%d (expected finite values and a weight of at least 1)", path, which, i, (long long)step,
                           (double)q->loss, (double)q->acc, q->weight);
    }
    return CS_OK;
}

static cs_status parse_curv(const char *path, rbuf *r, cs_checkpoint *ck)
{
    if (!(ck->curves = calloc(1, sizeof *ck->curves))) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
    cs_checkpoint_curves *c = ck->curves;
    cs_status st = get_curve(path, r, "train", ck->step, &c->train);
    if (!st) st = get_curve(path, r, "test", ck->step, &c->test);
    if (st) return st;
    const uint32_t n = get_u32(r);
    if (n > CS_CURVE_EPOCHS || !have(r, (size_t)n * 8))
        return cs_fail(CS_ERR_FORMAT, "%s: section CURV: %u epoch marks (at most %d, 8 bytes each)", path, n,
                       CS_CURVE_EPOCHS);
    c->n_epoch_marks = (int)n;
    for (uint32_t i = 0; i < n; i++) {
        const int64_t step = get_i64(r);
        if (step < 1 || step > ck->step || (i > 0 && step <= c->epoch_marks[i - 1]))
            return cs_fail(CS_ERR_FORMAT, "%s: section CURV: epoch mark %u is at step %lld (expected increasing steps "
                           "from 1 to %lld)", path, i, (long long)step, (long long)ck->step);
        c->epoch_marks[i] = (long)step;
    }
    return check_consumed(path, r, "CURV");
}

/* A u32 length (UINT32_MAX: absent) and that many bytes without NUL; *out owned. */
static cs_status get_string(const char *path, rbuf *r, char **out)
{
    *out = NULL;
    const uint32_t n = get_u32(r);
    if (n == UINT32_MAX) return CS_OK;
    if (!have(r, n) || memchr(r->p + r->off, 0, n))
        return cs_fail(CS_ERR_FORMAT, "%s: section DSRC holds a bad string", path);
    if (!(*out = malloc((size_t)n + 1))) return cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
    memcpy(*out, r->p + r->off, n);
    (*out)[n] = 0;
    r->off += n;
    return CS_OK;
}

static cs_status parse_dsrc(const char *path, rbuf *r, cs_checkpoint *ck)
{
    ck->source_limit = get_i32(r);
    cs_status st = get_string(path, r, &ck->source_dataset);
    if (!st) st = get_string(path, r, &ck->source_data_dir);
    return st ? st : check_consumed(path, r, "DSRC");
}

cs_status cs_checkpoint_read(const char *path, cs_checkpoint *ck)
{
    memset(ck, 0, sizeof *ck);
    unsigned char *p;
    size_t len;
    cs_status st = read_file(path, &p, &len);
    if (st) return st;
    entry e[MAX_SECTIONS];
    int n = 0;
    if ((st = check_container(path, p, len, e, &n))) goto done;
    static const uint32_t required[] = {SEC_SPEC, SEC_TRNR, SEC_ORDR, SEC_PARM, SEC_OPTM};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!find(e, n, required[i])) {
            char name[5];
            id_text(required[i], name);
            st = cs_fail(CS_ERR_FORMAT, "%s: section %s is missing", path, name);
            goto done;
        }
    const entry *spec = find(e, n, SEC_SPEC);
    if (spec->size == 0 || spec->size > 1 << 20 || memchr(p + spec->off, 0, (size_t)spec->size)) {
        st = cs_fail(CS_ERR_FORMAT, "%s: section SPEC is not a spec text", path);
        goto done;
    }
    if (!(ck->spec = malloc((size_t)spec->size + 1))) {
        st = cs_fail(CS_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    memcpy(ck->spec, p + spec->off, (size_t)spec->size);
    ck->spec[spec->size] = 0;
    rbuf r = section(p, find(e, n, SEC_TRNR));
    if ((st = parse_trnr(path, &r, ck))) goto done;
    if ((st = cs_net_create(&ck->net, ck->spec, ck->cfg.batch, 1))) {
        st = with_prefix(st, path, "the stored net spec does not build: ");
        goto done;
    }
    r = section(p, find(e, n, SEC_ORDR));
    if ((st = parse_order(path, &r, ck))) goto done;
    r = section(p, find(e, n, SEC_PARM));
    if (r.n != ck->net->n_params * 4) {
        st = cs_fail(CS_ERR_FORMAT, "%s: section PARM has %zu bytes, expected %zu for the net's %zu parameters", path,
                     r.n, ck->net->n_params * 4, ck->net->n_params);
        goto done;
    }
    get_f32s(&r, ck->net->params, ck->net->n_params);
    if ((st = check_finite(path, ck->net, "section PARM", ck->net->params, ck->net->n_params))) goto done;
    r = section(p, find(e, n, SEC_OPTM));
    if ((st = parse_optm(path, &r, ck))) goto done;
    const entry *dsrc = find(e, n, SEC_DSRC);
    if (dsrc) {
        r = section(p, dsrc);
        if ((st = parse_dsrc(path, &r, ck))) goto done;
    }
    const entry *hist = find(e, n, SEC_HIST);
    if (hist) {
        r = section(p, hist);
        if ((st = parse_hist(path, &r, rd32(p + 8), ck))) goto done;
    }
    const entry *curv = find(e, n, SEC_CURV);
    if (curv) {
        r = section(p, curv);
        if ((st = parse_curv(path, &r, ck))) goto done;
    }
done:
    free(p);
    if (st) cs_checkpoint_free(ck);
    return st;
}

int cs_checkpoint_same_net(const cs_net *a, const cs_net *b)
{
    if (a->in_c != b->in_c || a->in_h != b->in_h || a->in_w != b->in_w || a->n_layers != b->n_layers ||
        a->n_params != b->n_params)
        return 0;
    for (int l = 0; l < a->n_layers; l++) {
        const cs_layer *x = &a->layers[l], *y = &b->layers[l];
        if (x->kind != y->kind || x->out_c != y->out_c || x->out_h != y->out_h || x->out_w != y->out_w ||
            x->k != y->k || x->stride != y->stride || x->pad != y->pad || x->w_count != y->w_count)
            return 0;
    }
    return 1;
}

cs_status cs_checkpoint_restore(cs_checkpoint *ck, const cs_dataset *train, const char *expect_spec, int threads,
                                cs_trainer **tr_out, cs_history **hist_out)
{
    *tr_out = NULL;
    if (hist_out) *hist_out = NULL;
    if (expect_spec) {
        cs_net *want;
        cs_status st = cs_net_create(&want, expect_spec, 1, 1);
        if (st) return st;
        const int same = cs_checkpoint_same_net(want, ck->net);
        cs_net_destroy(want);
        if (!same)
            return cs_fail(CS_ERR_SPEC, "the checkpoint is for the net '%s', not '%s'", ck->spec,
                           cs_net_preset_spec(expect_spec) ? cs_net_preset_spec(expect_spec) : expect_spec);
    }
    if (strcmp(train->name, ck->dataset_name) != 0 || train->n != ck->dataset_n || train->c != ck->dataset_c ||
        train->h != ck->dataset_h || train->w != ck->dataset_w || train->n_classes != ck->dataset_classes)
        return cs_fail(CS_ERR_ARG, "the checkpoint was made on '%s' (%d images of %dx%dx%d, %d classes), not on '%s' "
                       "(%d images of %dx%dx%d, %d classes)", ck->dataset_name, ck->dataset_n, ck->dataset_h,
                       ck->dataset_w, ck->dataset_c, ck->dataset_classes, train->name, train->n, train->h, train->w,
                       train->c, train->n_classes);
    if (cs_checkpoint_dataset_crc(train) != ck->dataset_crc)
        return cs_fail(CS_ERR_ARG, "the checkpoint was made on other images than those of '%s' (same name and size, "
                       "different contents: another seed, limit or version of the data?)", train->name);
    cs_trainer *tr;
    cs_status st = cs_trainer_create(&tr, ck->spec, &ck->cfg, train, threads);
    if (st) return st;
    cs_net *net = tr->net;
    memcpy(net->params, ck->net->params, net->n_params * sizeof(float));
    cs_optim *o = &tr->opt;
    o->momentum = ck->opt.momentum;
    o->weight_decay = ck->opt.weight_decay;
    o->beta1 = ck->opt.beta1;
    o->beta2 = ck->opt.beta2;
    o->eps = ck->opt.eps;
    o->t = ck->opt.t;
    memcpy(o->m, ck->opt.m, o->n * sizeof(float));
    if (o->v) memcpy(o->v, ck->opt.v, o->n * sizeof(float));
    tr->rng = ck->rng;
    memcpy(tr->order, ck->order, (size_t)train->n * sizeof *tr->order);
    tr->pos = ck->pos;
    tr->step = (long)ck->step;
    tr->epoch = ck->epoch;
    tr->images_seen = (long)ck->images_seen;
    tr->last_loss = ck->last_loss;
    tr->last_accuracy = ck->last_accuracy;
    *tr_out = tr;
    if (hist_out) {
        *hist_out = ck->history;
        ck->history = NULL;
    }
    return CS_OK;
}

cs_status cs_checkpoint_load(const char *path, const cs_dataset *train, const char *expect_spec, cs_trainer **tr_out,
                             cs_history **hist_out)
{
    *tr_out = NULL;
    if (hist_out) *hist_out = NULL;
    cs_checkpoint ck;
    cs_status st = cs_checkpoint_read(path, &ck);
    if (st) return st;
    st = cs_checkpoint_restore(&ck, train, expect_spec, 1, tr_out, hist_out);
    if (st) st = with_prefix(st, path, "");
    cs_checkpoint_free(&ck);
    return st;
}
