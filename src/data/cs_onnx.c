/* cs_onnx.c - the ONNX reader: a model file becomes a convscope spec and parameter block
 * (see cs_onnx.h for what is supported). The protobuf is decoded by protobuf-c from code
 * generated out of onnx.proto at build time, through an allocator with a budget; the graph is
 * then checked as a whole (names defined once, every input defined, no cycle) and walked
 * from its input as a chain, one operator at a time. Operator semantics follow the ONNX
 * operator specification (onnx/docs/Operators.md) for each opset. */
#include "cs_file.h"
#include "cs_onnx.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "onnx.pb-c.h"

/* ---- text ------------------------------------------------------------------------ */

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} strbuf;

static void sb_printf(strbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(strbuf *s, const char *fmt, ...)
{
    if (s->oom) return;
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    const int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    const size_t add = (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
    if (s->len + add + 1 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        while (cap < s->len + add + 1) cap *= 2;
        char *p = realloc(s->p, cap);
        if (!p) {
            s->oom = 1;
            return;
        }
        s->p = p, s->cap = cap;
    }
    memcpy(s->p + s->len, tmp, add);
    s->len += add;
    s->p[s->len] = 0;
}

/* A name from the file as it may appear in a one-line message: printable ASCII, at most
 * 48 characters, "" for none. Returns one of four rotating static buffers. */
static const char *clean(const char *name)
{
    static _Thread_local char bufs[4][56];
    static _Thread_local int next;
    char *b = bufs[next++ & 3];
    size_t n = 0;
    for (const char *p = name ? name : ""; *p && n < 48; p++) b[n++] = isprint((unsigned char)*p) ? *p : '?';
    if (name && strlen(name) > 48) memcpy(b + 45, "...", 3);
    b[n] = 0;
    return b;
}

/* ---- decoding within a budget ------------------------------------------------------ */

typedef struct {
    size_t used, budget;
    int over;
} alloc_budget;

static void *budget_alloc(void *data, size_t size)
{
    alloc_budget *b = data;
    if (size > b->budget - b->used) {
        b->over = 1;
        return NULL;
    }
    b->used += size;
    return malloc(size ? size : 1);
}

static void budget_free(void *data, void *p)
{
    (void)data;
    free(p);
}

/* Reads a whole file of at most `limit` bytes. *out is owned by the caller. */
static cs_status read_file(const char *path, size_t limit, uint8_t **out, size_t *size)
{
    *out = NULL, *size = 0;
    FILE *f;
    long long file_size;
    const cs_status ost = cs_file_open_read(path, NULL, &f, &file_size);
    if (ost) return ost;
    const struct stat st = {.st_size = (off_t)file_size};
    if ((uint64_t)st.st_size > limit) {
        fclose(f);
        return cs_fail(CS_ERR_FORMAT, "%s: %lld bytes, more than the %zu MiB an ONNX file may have here", path,
                       (long long)st.st_size, limit >> 20);
    }
    const size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) {
        fclose(f);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory for %zu bytes", path, n);
    }
    if (fread(buf, 1, n, f) != n) {
        free(buf);
        fclose(f);
        return cs_fail(CS_ERR_IO, "%s: read failed", path);
    }
    fclose(f);
    *out = buf, *size = n;
    return CS_OK;
}

/* ---- tensors ------------------------------------------------------------------------ */

static const char *dtype_name(int t)
{
    static const char *names[] = {"undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64",
                                  "string", "bool", "float16", "double", "uint32", "uint64", "complex64",
                                  "complex128", "bfloat16"};
    return t >= 0 && t < (int)(sizeof names / sizeof names[0]) ? names[t] : "unknown";
}

/* Bytes per element in raw_data of the types read here; 0 for others. */
static size_t dtype_size(int t)
{
    switch (t) {
    case CS_ONNX_FLOAT: case CS_ONNX_INT32: return 4;
    case CS_ONNX_INT64: case CS_ONNX_DOUBLE: return 8;
    case CS_ONNX_UINT8: case CS_ONNX_BOOL: return 1;
    default: return 0;
    }
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--) v = v << 8 | p[k];
    return v;
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Element i of raw little-endian bytes of type t, as float or as int64. */
static void raw_at(const uint8_t *p, int t, size_t i, float *f, int64_t *v)
{
    switch (t) {
    case CS_ONNX_FLOAT: {
        const uint32_t u = le32(p + 4 * i);
        memcpy(f, &u, 4);
        *v = 0; /* float tensors are read as floats only */
        break;
    }
    case CS_ONNX_DOUBLE: {
        const uint64_t u = le64(p + 8 * i);
        double d;
        memcpy(&d, &u, 8);
        /* out-of-range doubles become +-inf (or NaN), never undefined behaviour */
        *f = isnan(d) ? NAN : d > 3.5e38 ? INFINITY : d < -3.5e38 ? -INFINITY : (float)d;
        *v = 0;
        break;
    }
    case CS_ONNX_INT64: *v = (int64_t)le64(p + 8 * i), *f = (float)*v; break;
    case CS_ONNX_INT32: *v = (int32_t)le32(p + 4 * i), *f = (float)*v; break;
    default: *v = p[i], *f = (float)*v; break;
    }
}

/* Dims and element count of a TensorProto, within the budgets. what names it in messages. */
static cs_status tensor_shape(const Onnx__TensorProto *t, const char *what, cs_onnx_tensor *out)
{
    if (t->n_dims > CS_ONNX_MAX_RANK)
        return cs_fail(CS_ERR_UNSUPPORTED, "%s has %zu dims; at most %d are supported", what, t->n_dims,
                       CS_ONNX_MAX_RANK);
    size_t count = 1;
    for (size_t k = 0; k < t->n_dims; k++) {
        const int64_t d = t->dims[k];
        if (d < 0) return cs_fail(CS_ERR_FORMAT, "%s: dim %zu is %lld (negative)", what, k, (long long)d);
        if (d > 0 && count > CS_ONNX_MAX_ELEMS / (uint64_t)d)
            return cs_fail(CS_ERR_FORMAT, "%s: dims give more than %zu Mi elements, the budget of one tensor", what,
                           CS_ONNX_MAX_ELEMS >> 20);
        count *= (size_t)d;
        out->dims[k] = d;
    }
    out->rank = (int)t->n_dims;
    out->count = count;
    return CS_OK;
}

static cs_status read_external(const Onnx__TensorProto *t, const char *what, const char *dir, size_t need,
                               uint8_t **bytes);

/* Converts a TensorProto (float, double, int64, int32, bool, uint8) into out; dir is where
 * external data lives (NULL: refuse it). */
static cs_status tensor_from_proto(cs_onnx_tensor *out, const Onnx__TensorProto *t, const char *what,
                                   const char *dir)
{
    memset(out, 0, sizeof *out);
    cs_status st = tensor_shape(t, what, out);
    if (st) return st;
    const int dt = t->has_data_type ? t->data_type : 0;
    const size_t es = dtype_size(dt);
    if (!es)
        return cs_fail(CS_ERR_UNSUPPORTED, "%s has %s elements; convscope reads float, double, int64, int32, bool "
                       "and uint8 tensors", what, dtype_name(dt));
    out->dtype = dt;
    const size_t n = out->count;
    uint8_t *ext = NULL;
    const uint8_t *raw = NULL;
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
        if ((st = read_external(t, what, dir, n * es, &ext))) return st;
        raw = ext;
    } else if (t->has_raw_data && t->raw_data.len > 0) {
        if (t->raw_data.len != n * es)
            return cs_fail(CS_ERR_FORMAT, "%s: %zu bytes of raw data for %zu %s elements (%zu bytes expected)", what,
                           t->raw_data.len, n, dtype_name(dt), n * es);
        raw = t->raw_data.data;
    } else {
        size_t have = dt == CS_ONNX_FLOAT ? t->n_float_data : dt == CS_ONNX_DOUBLE ? t->n_double_data
                      : dt == CS_ONNX_INT64 ? t->n_int64_data : t->n_int32_data;
        if (have != n)
            return cs_fail(CS_ERR_FORMAT, "%s: %zu values for dims that give %zu", what, have, n);
    }
    const int is_float = dt == CS_ONNX_FLOAT || dt == CS_ONNX_DOUBLE;
    if (is_float) out->f = malloc((n ? n : 1) * sizeof(float));
    else out->i = malloc((n ? n : 1) * sizeof(int64_t));
    if (!out->f && !out->i) {
        free(ext);
        return cs_fail(CS_ERR_NOMEM, "%s: out of memory for %zu elements", what, n);
    }
    for (size_t k = 0; k < n; k++) {
        float f = 0;
        int64_t v = 0;
        if (raw) raw_at(raw, dt, k, &f, &v);
        else if (dt == CS_ONNX_FLOAT) f = t->float_data[k];
        else if (dt == CS_ONNX_DOUBLE) {
            const double d = t->double_data[k];
            f = isnan(d) ? NAN : d > 3.5e38 ? INFINITY : d < -3.5e38 ? -INFINITY : (float)d;
        }
        else if (dt == CS_ONNX_INT64) v = t->int64_data[k];
        else v = t->int32_data[k];
        if (is_float) out->f[k] = f;
        else out->i[k] = v;
    }
    free(ext);
    return CS_OK;
}

/* External data: key/value pairs location (a file beside the model), offset, length. */
static cs_status read_external(const Onnx__TensorProto *t, const char *what, const char *dir, size_t need,
                               uint8_t **bytes)
{
    *bytes = NULL;
    const char *location = NULL;
    long long offset = 0, length = -1;
    for (size_t k = 0; k < t->n_external_data; k++) {
        const Onnx__StringStringEntryProto *e = t->external_data[k];
        if (!e->key || !e->value) continue;
        char *end;
        if (strcmp(e->key, "location") == 0) location = e->value;
        else if (strcmp(e->key, "offset") == 0 || strcmp(e->key, "length") == 0) {
            errno = 0;
            const long long v = strtoll(e->value, &end, 10);
            if (!*e->value || *end || v < 0 || errno)
                return cs_fail(CS_ERR_FORMAT, "%s: external data %s '%s' is not a non-negative integer", what, e->key,
                               clean(e->value));
            if (e->key[0] == 'o') offset = v;
            else length = v;
        }
    }
    if (!location || !*location) return cs_fail(CS_ERR_FORMAT, "%s: external data without a location", what);
    if (!dir) return cs_fail(CS_ERR_UNSUPPORTED, "%s: external data ('%s') needs the model's directory", what, clean(location));
    /* only files in the model's directory or below it: no absolute paths, no "..", no escapes */
    if (location[0] == '/' || strstr(location, "..") || strchr(location, '\\'))
        return cs_fail(CS_ERR_FORMAT, "%s: external data location '%s' leaves the model's directory", what,
                       clean(location));
    if (length >= 0 && (unsigned long long)length != need)
        return cs_fail(CS_ERR_FORMAT, "%s: external data length %lld, but its dims and type need %zu bytes", what,
                       length, need);
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, location) >= (int)sizeof path)
        return cs_fail(CS_ERR_FORMAT, "%s: external data path too long", what);
    FILE *f;
    long long file_size;
    if (cs_file_open_read(path, NULL, &f, &file_size) != CS_OK)
        return cs_fail(CS_ERR_IO, "%s: its external data: %s", what, cs_last_error());
    const struct stat sb = {.st_size = (off_t)file_size};
    if ((unsigned long long)sb.st_size > CS_ONNX_MAX_FILE_BYTES ||
        (unsigned long long)offset > (unsigned long long)sb.st_size ||
        need > (unsigned long long)sb.st_size - (unsigned long long)offset) {
        fclose(f);
        return cs_fail(CS_ERR_FORMAT, "%s: external data %s has %lld bytes, too few for %zu bytes at offset %lld (or "
                       "more than %zu MiB)", what, path, (long long)sb.st_size, need, offset, CS_ONNX_MAX_FILE_BYTES >> 20);
    }
    uint8_t *b = malloc(need ? need : 1);
    if (!b || fseek(f, (long)offset, SEEK_SET) != 0 || fread(b, 1, need, f) != need) {
        free(b);
        fclose(f);
        return cs_fail(b ? CS_ERR_IO : CS_ERR_NOMEM, "%s: reading %zu bytes of external data from %s failed", what,
                       need, path);
    }
    fclose(f);
    *bytes = b;
    return CS_OK;
}

void cs_onnx_tensor_free(cs_onnx_tensor *t)
{
    if (!t) return;
    free(t->name);
    free(t->f);
    free(t->i);
    memset(t, 0, sizeof *t);
}

cs_status cs_onnx_read_tensor(cs_onnx_tensor *t, const char *path)
{
    memset(t, 0, sizeof *t);
    uint8_t *data;
    size_t size;
    cs_status st = read_file(path, CS_ONNX_MAX_FILE_BYTES, &data, &size);
    if (st) return st;
    alloc_budget b = {0, 4 * size + ((size_t)16 << 20), 0};
    ProtobufCAllocator alloc = {budget_alloc, budget_free, &b};
    Onnx__TensorProto *tp = onnx__tensor_proto__unpack(&alloc, size, data);
    free(data);
    if (!tp)
        return cs_fail(CS_ERR_FORMAT, "%s: %s", path, b.over ? "decoding needs more memory than its budget"
                                                            : "not a serialized ONNX TensorProto (truncated or corrupt)");
    char what[4200];
    snprintf(what, sizeof what, "%s: tensor '%s'", path, clean(tp->name));
    st = tensor_from_proto(t, tp, what, NULL);
    if (!st && !(t->name = strdup(tp->name ? tp->name : ""))) st = cs_fail(CS_ERR_NOMEM, "out of memory");
    onnx__tensor_proto__free_unpacked(tp, &alloc);
    if (st) cs_onnx_tensor_free(t);
    return st;
}

/* ---- names ---------------------------------------------------------------------------- */

/* Open-addressing hash of tensor names to small records, sized once for the graph. */
typedef struct {
    const char *name;
    int producer;  /* node index, -1 for graph inputs and constants */
    int consumers; /* nodes reading it */
    int consumer;  /* the first of them */
    int is_const;  /* an initializer, a Constant's output or a bound input */
    int const_idx; /* into imp.consts */
} name_rec;

typedef struct {
    name_rec *slots;
    size_t cap;
} name_map;

static size_t hash_name(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The record of name, created if absent (NULL when the map is full, which sizing prevents). */
static name_rec *name_get(name_map *m, const char *name, int create)
{
    for (size_t i = hash_name(name) & (m->cap - 1), probes = 0; probes < m->cap; i = (i + 1) & (m->cap - 1), probes++) {
        name_rec *r = &m->slots[i];
        if (!r->name) {
            if (!create) return NULL;
            r->name = name, r->producer = -1, r->consumer = -1, r->const_idx = -1;
            return r;
        }
        if (strcmp(r->name, name) == 0) return r;
    }
    return NULL;
}

/* ---- the importer's state --------------------------------------------------------------- */

typedef struct {
    const Onnx__TensorProto *proto; /* initializer or Constant value; or NULL for a bound input */
    const cs_onnx_tensor *bound;
    cs_onnx_tensor value;           /* converted on first use, owned */
    int converted;
} const_rec;

typedef struct {
    const char *file, *dir;
    const cs_onnx_import_opts *opts;
    Onnx__GraphProto *g;
    int opset;
    name_map names;
    const_rec *consts;
    int n_consts;
    char *visited;              /* (n_node) */
    /* the tensor flowing along the chain */
    int rank, b;                /* b: leading batch axes, -1 while no operator has fixed them */
    int64_t dims[CS_ONNX_MAX_RANK];
    int in_rank;
    int64_t in_dims[CS_ONNX_MAX_RANK];
    /* the net being written */
    char *items[128];
    int n_items;
    float *params;
    size_t n_params, cap_params;
    size_t tail_w, tail_b;      /* offsets of the last conv/fc's weights and biases */
    int tail_out, tail_per;     /* its output channels and weights per channel; 0: no foldable tail */
    char tail_name[16];
    int n_conv, n_fc, n_affine;
    uint64_t activations;       /* elements of every layer's output so far */
    int pad[4];                 /* a zero Pad waiting to be merged into the next Conv or AveragePool (t l b r) */
    int padded;
    const Onnx__NodeProto *pad_node;
    strbuf notes;
} imp;

static const char *node_name(const Onnx__NodeProto *n) { return n->name && *n->name ? clean(n->name) : clean(n->output && n->n_output ? n->output[0] : "?"); }

static cs_status unsupported(const imp *I, const Onnx__NodeProto *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static cs_status unsupported(const imp *I, const Onnx__NodeProto *n, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cs_fail(CS_ERR_UNSUPPORTED, "%s: node '%s' (%s): %s", I->file, node_name(n), clean(n->op_type), msg);
}

static cs_status bad(const imp *I, const Onnx__NodeProto *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static cs_status bad(const imp *I, const Onnx__NodeProto *n, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!n) return cs_fail(CS_ERR_FORMAT, "%s: %s", I->file, msg);
    return cs_fail(CS_ERR_FORMAT, "%s: node '%s' (%s): %s", I->file, node_name(n), clean(n->op_type), msg);
}

static void dims_text(char *buf, size_t size, const int64_t *d, int r)
{
    int n = snprintf(buf, size, "[");
    for (int k = 0; k < r && n < (int)size; k++) n += snprintf(buf + n, size - (size_t)n, k ? ", %lld" : "%lld", (long long)d[k]);
    if (n < (int)size) snprintf(buf + n, size - (size_t)n, "]");
}

/* The constant called name (an initializer, a Constant's output or a bound input), converted;
 * NULL with the error set when it is not one. */
static const cs_onnx_tensor *constant(imp *I, const Onnx__NodeProto *n, const char *name, cs_status *st)
{
    name_rec *r = name && *name ? name_get(&I->names, name, 0) : NULL;
    if (!r || !r->is_const) {
        *st = unsupported(I, n, "input '%s' is not a constant; convscope nets have one input, and every other "
                          "operand must be a weight", clean(name));
        return NULL;
    }
    const_rec *c = &I->consts[r->const_idx];
    if (c->bound) return c->bound;
    if (!c->converted) {
        char what[128];
        snprintf(what, sizeof what, "%s: tensor '%s'", I->file, clean(name));
        if ((*st = tensor_from_proto(&c->value, c->proto, what, I->dir))) return NULL;
        c->converted = 1;
    }
    return &c->value;
}

/* An optional constant input k of n: NULL (and CS_OK) when absent. */
static const cs_onnx_tensor *opt_constant(imp *I, const Onnx__NodeProto *n, size_t k, cs_status *st)
{
    *st = CS_OK;
    if (k >= n->n_input || !n->input[k] || !*n->input[k]) return NULL;
    return constant(I, n, n->input[k], st);
}

/* ---- attributes ------------------------------------------------------------------------- */

static const Onnx__AttributeProto *attr(const Onnx__NodeProto *n, const char *name)
{
    for (size_t k = 0; k < n->n_attribute; k++)
        if (n->attribute[k]->name && strcmp(n->attribute[k]->name, name) == 0) return n->attribute[k];
    return NULL;
}

static cs_status attr_int(const imp *I, const Onnx__NodeProto *n, const char *name, int64_t def, int64_t *v)
{
    const Onnx__AttributeProto *a = attr(n, name);
    *v = def;
    if (!a) return CS_OK;
    if (!a->has_i && !(a->has_type && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT))
        return bad(I, n, "attribute '%s' is not an integer", name);
    *v = a->i;
    return CS_OK;
}

static cs_status attr_float(const imp *I, const Onnx__NodeProto *n, const char *name, float def, float *v)
{
    const Onnx__AttributeProto *a = attr(n, name);
    *v = def;
    if (!a) return CS_OK;
    if (!a->has_f && !(a->has_type && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT))
        return bad(I, n, "attribute '%s' is not a float", name);
    if (!isfinite(a->f)) return bad(I, n, "attribute '%s' is %g", name, (double)a->f);
    *v = a->f;
    return CS_OK;
}

/* An INTS attribute of exactly `want` entries (or absent: *found 0). */
static cs_status attr_ints(const imp *I, const Onnx__NodeProto *n, const char *name, size_t want, int64_t *v,
                           int *found)
{
    const Onnx__AttributeProto *a = attr(n, name);
    *found = 0;
    if (!a) return CS_OK;
    if (a->n_ints != want)
        return bad(I, n, "attribute '%s' has %zu values; %zu expected for this input", name, a->n_ints, want);
    for (size_t k = 0; k < want; k++) v[k] = a->ints[k];
    *found = 1;
    return CS_OK;
}

/* ---- emitting spec items and parameters ---------------------------------------------- */

static cs_status emit(imp *I, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static cs_status emit(imp *I, const char *fmt, ...)
{
    if (I->n_items == (int)(sizeof I->items / sizeof I->items[0]))
        return cs_fail(CS_ERR_UNSUPPORTED, "%s: more than %d layers", I->file, (int)(sizeof I->items / sizeof I->items[0]));
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!(I->items[I->n_items] = strdup(buf))) return cs_fail(CS_ERR_NOMEM, "out of memory");
    I->n_items++;
    I->tail_out = 0; /* a new layer: nothing to fold into until a conv or fc sets it */
    return CS_OK;
}

/* Appends n parameters (zeros when src is NULL); returns the offset through *off. */
static cs_status add_params(imp *I, const float *src, size_t n, size_t *off)
{
    if (n > CS_ONNX_MAX_PARAMS - I->n_params)
        return cs_fail(CS_ERR_FORMAT, "%s: more than %zu Mi parameters, the budget", I->file, CS_ONNX_MAX_PARAMS >> 20);
    if (I->n_params + n > I->cap_params) {
        size_t cap = I->cap_params ? I->cap_params : 1024;
        while (cap < I->n_params + n) cap *= 2;
        float *p = realloc(I->params, cap * sizeof(float));
        if (!p) return cs_fail(CS_ERR_NOMEM, "%s: out of memory for %zu parameters", I->file, I->n_params + n);
        I->params = p, I->cap_params = cap;
    }
    if (src) memcpy(I->params + I->n_params, src, n * sizeof(float));
    else memset(I->params + I->n_params, 0, n * sizeof(float));
    *off = I->n_params;
    I->n_params += n;
    return CS_OK;
}

static void set_tail(imp *I, size_t w, size_t b, int out, int per, const char *name)
{
    I->tail_w = w, I->tail_b = b, I->tail_out = out, I->tail_per = per;
    snprintf(I->tail_name, sizeof I->tail_name, "%s", name);
}

/* ---- shapes along the chain ---------------------------------------------------------- */

/* Fixes the batch axes to want, or checks that they already are. */
static cs_status need_batch(imp *I, const Onnx__NodeProto *n, int want, const char *why)
{
    if (I->b < 0) I->b = want;
    if (I->b != want)
        return unsupported(I, n, "%s would make the first %d axes the batch, but earlier layers use %d", why, want,
                           I->b);
    return CS_OK;
}

static int64_t prod(const int64_t *d, int from, int to)
{
    int64_t p = 1;
    for (int k = from; k < to; k++) p *= d[k];
    return p;
}

/* The current sample as convscope's C x H x W (after the batch axes). */
static int sample_chw(const imp *I, int *C, int *H, int *W)
{
    const int b = I->b < 0 ? 1 : I->b, s = I->rank - b;
    const int64_t *d = I->dims + b;
    if (s < 0 || s > 3) return 0;
    *C = s >= 1 ? (int)d[0] : 1;
    *H = s == 3 ? (int)d[1] : 1;
    *W = s == 3 ? (int)d[2] : s == 2 ? (int)d[1] : 1;
    return 1;
}

/* The spatial axes of a Conv or pool input: [N, C, W] (1-D) or [N, C, H, W]. */
static cs_status spatial_input(imp *I, const Onnx__NodeProto *n, int *spatial)
{
    if (I->rank == 5)
        return unsupported(I, n, "3-D (5-D tensor) %s: convscope's layers are 2-D", clean(n->op_type));
    if (I->rank != 3 && I->rank != 4)
        return unsupported(I, n, "a rank-%d input; %s takes [N, C, W] or [N, C, H, W]", I->rank, clean(n->op_type));
    *spatial = I->rank - 2;
    return need_batch(I, n, 1, clean(n->op_type));
}

/* ---- windows: kernel_shape, strides, pads, auto_pad, dilations -------------------------- */

/* Reads the window of a Conv (kernel from its weights, ksize) or a pool (kernel_shape) over
 * the current input; 1-D windows become 1 x K. */
static cs_status read_window(imp *I, const Onnx__NodeProto *n, int spatial, const int64_t *ksize, int is_pool, cs_win *g)
{
    int64_t k[2] = {1, 1}, s[2] = {1, 1}, d[2] = {1, 1}, p[4] = {0, 0, 0, 0};
    int found;
    cs_status st;
    if ((st = attr_ints(I, n, "kernel_shape", (size_t)spatial, k, &found))) return st;
    if (!found && is_pool) return bad(I, n, "no kernel_shape");
    if (ksize)
        for (int a = 0; a < spatial; a++) {
            if (found && k[a] != ksize[a])
                return bad(I, n, "kernel_shape %lld does not match the weights' %lld", (long long)k[a], (long long)ksize[a]);
            k[a] = ksize[a];
        }
    if ((st = attr_ints(I, n, "strides", (size_t)spatial, s, &found))) return st;
    if ((st = attr_ints(I, n, "dilations", (size_t)spatial, d, &found))) return st;
    if ((st = attr_ints(I, n, "pads", (size_t)spatial * 2, p, &found))) return st;
    const int64_t in[2] = {I->dims[2], spatial == 2 ? I->dims[3] : 0}; /* H, W or W */
    for (int a = 0; a < spatial; a++) {
        if (k[a] < 1 || k[a] > 4096 || s[a] < 1 || s[a] > 4096)
            return bad(I, n, "kernel %lld or stride %lld out of range", (long long)k[a], (long long)s[a]);
        if (d[a] != 1) return unsupported(I, n, "dilation %lld; convscope supports dilation 1", (long long)d[a]);
    }
    for (int a = 0; a < 2 * spatial; a++)
        if (p[a] < 0 || p[a] > 4096) return bad(I, n, "pad %lld out of range", (long long)p[a]);
    const Onnx__AttributeProto *ap = attr(n, "auto_pad");
    if (ap && ap->has_s && ap->s.len) {
        char mode[16] = "";
        if (ap->s.len < sizeof mode) memcpy(mode, ap->s.data, ap->s.len);
        if (strcmp(mode, "VALID") == 0) memset(p, 0, sizeof p);
        else if (strcmp(mode, "SAME_UPPER") == 0 || strcmp(mode, "SAME_LOWER") == 0) {
            /* output ceil(in / stride), the padding split evenly, the odd pixel at the end
             * (SAME_UPPER) or the beginning (SAME_LOWER) */
            for (int a = 0; a < spatial; a++) {
                const int64_t out = (in[a] + s[a] - 1) / s[a], total = (out - 1) * s[a] + k[a] - in[a];
                const int64_t t = total > 0 ? total : 0, lo = mode[5] == 'U' ? t / 2 : t - t / 2;
                p[a] = lo, p[a + spatial] = t - lo;
            }
        } else if (strcmp(mode, "NOTSET") != 0)
            return bad(I, n, "auto_pad '%s' (expected NOTSET, VALID, SAME_UPPER or SAME_LOWER)", clean(mode));
    }
    if (spatial == 2) *g = (cs_win){(int)k[0], (int)k[1], (int)s[0], (int)s[1], (int)p[0], (int)p[1], (int)p[2], (int)p[3], 0};
    else *g = (cs_win){1, (int)k[0], 1, (int)s[0], 0, (int)p[0], 0, (int)p[1], 0};
    if (I->padded) {
        /* a zero Pad just before: its pixels are this window's padding */
        if (ap && ap->has_s && ap->s.len && !(ap->s.len == 6 && !memcmp(ap->s.data, "NOTSET", 6)))
            return unsupported(I, n, "auto_pad after a Pad");
        g->pt += I->pad[0], g->pl += I->pad[1], g->pb += I->pad[2], g->pr += I->pad[3];
        sb_printf(&I->notes, "Pad '%s' merged into the padding of '%s'\n", node_name(I->pad_node), node_name(n));
        I->padded = 0;
    }
    return CS_OK;
}

/* Writes a window as spec words into buf. */
static void window_text(char *buf, size_t size, const cs_win *g, int is_pool)
{
    int n = g->kh == g->kw ? snprintf(buf, size, "%d", g->kh) : snprintf(buf, size, "%dx%d", g->kh, g->kw);
    const int dsh = is_pool ? g->kh : 1, dsw = is_pool ? g->kw : 1;
    if (g->sh != dsh || g->sw != dsw)
        n += snprintf(buf + n, size - (size_t)n, g->sh == g->sw ? " stride %d" : " stride %d %d", g->sh, g->sw);
    if (g->pt == g->pb && g->pl == g->pr && g->pt == g->pl) {
        if (g->pt) n += snprintf(buf + n, size - (size_t)n, " pad %d", g->pt);
    } else if (g->pt == g->pb && g->pl == g->pr)
        n += snprintf(buf + n, size - (size_t)n, " pad %d %d", g->pt, g->pl);
    else
        n += snprintf(buf + n, size - (size_t)n, " pad %d %d %d %d", g->pt, g->pl, g->pb, g->pr);
    if (g->ceil_mode) snprintf(buf + n, size - (size_t)n, " ceil");
}

/* Sets the new dims after a conv or pool window of out channels. */
static cs_status window_output(imp *I, const Onnx__NodeProto *n, const cs_win *g, int spatial, int64_t out_c)
{
    const int H = spatial == 2 ? (int)I->dims[2] : 1, W = (int)I->dims[spatial == 2 ? 3 : 2];
    if (g->kh > H + g->pt + g->pb || g->kw > W + g->pl + g->pr)
        return bad(I, n, "the %dx%d window does not fit the %dx%d input and its padding", g->kh, g->kw, H, W);
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    I->dims[1] = out_c;
    if (spatial == 2) I->dims[2] = OH, I->dims[3] = OW;
    else I->dims[2] = OW;
    return CS_OK;
}

/* ---- operators ------------------------------------------------------------------------ */

static cs_status op_conv(imp *I, const Onnx__NodeProto *n)
{
    int spatial = 0;
    cs_status st;
    if ((st = spatial_input(I, n, &spatial))) return st;
    int64_t group;
    if ((st = attr_int(I, n, "group", 1, &group))) return st;
    if (group != 1) return unsupported(I, n, "group %lld; convscope convolutions have group 1", (long long)group);
    const cs_onnx_tensor *w = n->n_input > 1 ? constant(I, n, n->input[1], &st) : NULL;
    if (!w) return st ? st : bad(I, n, "no weights");
    const cs_onnx_tensor *b = opt_constant(I, n, 2, &st);
    if (st) return st;
    const int64_t C = I->dims[1];
    if (w->rank != spatial + 2 || !w->f || w->dims[1] != C || w->dims[0] < 1)
        return bad(I, n, "weights of %d dims [%lld, %lld, ...] for a %d-D input of %lld channels", w->rank,
                   (long long)(w->rank > 0 ? w->dims[0] : 0), (long long)(w->rank > 1 ? w->dims[1] : 0), spatial,
                   (long long)C);
    const int64_t OC = w->dims[0];
    if (b && (!b->f || b->count != (size_t)OC)) return bad(I, n, "%zu biases for %lld filters", b->count, (long long)OC);
    cs_win g;
    if ((st = read_window(I, n, spatial, w->dims + 2, 0, &g))) return st;
    if (g.pt >= g.kh || g.pb >= g.kh || g.pl >= g.kw || g.pr >= g.kw)
        return unsupported(I, n, "padding %d %d %d %d (top left bottom right) reaches a whole %dx%d kernel past the "
                           "input; convscope pads less than the kernel", g.pt, g.pl, g.pb, g.pr, g.kh, g.kw);
    if ((st = window_output(I, n, &g, spatial, OC))) return st;
    char win[96];
    window_text(win, sizeof win, &g, 0);
    if ((st = emit(I, "conv %lld@%s", (long long)OC, win))) return st;
    size_t wo, bo;
    if ((st = add_params(I, w->f, w->count, &wo)) || (st = add_params(I, b ? b->f : NULL, (size_t)OC, &bo))) return st;
    char name[16];
    snprintf(name, sizeof name, "conv%d", ++I->n_conv);
    set_tail(I, wo, bo, (int)OC, (int)(w->count / (size_t)OC), name);
    return CS_OK;
}

static cs_status op_pool(imp *I, const Onnx__NodeProto *n, int is_max)
{
    int spatial = 0;
    cs_status st;
    if ((st = spatial_input(I, n, &spatial))) return st;
    if (n->n_output > 1 && n->output[1] && *n->output[1])
        return unsupported(I, n, "the indices output; convscope's max pooling has one output");
    int64_t ceil_mode, include_pad;
    if ((st = attr_int(I, n, "ceil_mode", 0, &ceil_mode)) || (st = attr_int(I, n, "count_include_pad", 0, &include_pad)))
        return st;
    if (I->padded) {
        /* padded zeros count in the average; the node's own padding must count the same way */
        int64_t own[4] = {0};
        int found;
        if ((st = attr_ints(I, n, "pads", (size_t)spatial * 2, own, &found))) return st;
        if (is_max) return unsupported(I, n, "a Pad before MaxPool: zero padding is not max pooling's padding");
        if (!include_pad && (own[0] || own[1] || own[2] || own[3]))
            return unsupported(I, n, "its own padding excluded from the average after a Pad whose zeros count");
        include_pad = 1;
    }
    cs_win g;
    if ((st = read_window(I, n, spatial, NULL, 1, &g))) return st;
    g.ceil_mode = ceil_mode != 0;
    if (g.pt >= g.kh || g.pb >= g.kh || g.pl >= g.kw || g.pr >= g.kw)
        return unsupported(I, n, "padding %d %d %d %d (top left bottom right) not below the %dx%d window: a window "
                           "could lie wholly in the padding", g.pt, g.pl, g.pb, g.pr, g.kh, g.kw);
    if ((st = window_output(I, n, &g, spatial, I->dims[1]))) return st;
    char win[96];
    window_text(win, sizeof win, &g, 1);
    return emit(I, "%s %s%s", is_max ? "maxpool" : "avgpool", win, !is_max && include_pad ? " include-pad" : "");
}

static cs_status op_global_avgpool(imp *I, const Onnx__NodeProto *n)
{
    int spatial = 0;
    cs_status st;
    if ((st = spatial_input(I, n, &spatial))) return st;
    for (int a = 2; a < I->rank; a++) I->dims[a] = 1;
    return emit(I, "globalavgpool");
}

/* A flatten layer when the sample is not already C x 1 x 1 (then the numbers are the same). */
static cs_status flatten_if_needed(imp *I)
{
    int C, H, W;
    if (sample_chw(I, &C, &H, &W) && H == 1 && W == 1) return CS_OK;
    return emit(I, "flatten");
}

/* Collapses the dims to [batch product, feature product] at axis b. */
static void collapse(imp *I, int b)
{
    const int64_t N = prod(I->dims, 0, b), F = prod(I->dims, b, I->rank);
    I->rank = 2, I->dims[0] = N, I->dims[1] = F, I->b = 1;
}

static cs_status op_flatten(imp *I, const Onnx__NodeProto *n)
{
    int64_t axis;
    cs_status st;
    if ((st = attr_int(I, n, "axis", 1, &axis))) return st;
    if (axis < 0) axis += I->rank;
    if (axis < 0 || axis > I->rank) return bad(I, n, "axis %lld of a rank-%d input", (long long)axis, I->rank);
    if ((st = need_batch(I, n, (int)axis, "Flatten's axis"))) return st;
    if ((st = flatten_if_needed(I))) return st;
    collapse(I, (int)axis);
    return CS_OK;
}

static cs_status op_reshape(imp *I, const Onnx__NodeProto *n)
{
    cs_status st;
    int64_t shape[CS_ONNX_MAX_RANK];
    int r = 0;
    const cs_onnx_tensor *t = opt_constant(I, n, 1, &st);
    if (st) return st;
    if (t) {
        if (!t->i || t->rank != 1 || t->count > CS_ONNX_MAX_RANK)
            return bad(I, n, "the shape is not a 1-D int64 tensor of at most %d values", CS_ONNX_MAX_RANK);
        r = (int)t->count;
        memcpy(shape, t->i, (size_t)r * sizeof(int64_t));
    } else {
        const Onnx__AttributeProto *a = attr(n, "shape"); /* opset 1-4 */
        if (!a || a->n_ints > CS_ONNX_MAX_RANK) return bad(I, n, "no shape");
        r = (int)a->n_ints;
        if (r) memcpy(shape, a->ints, (size_t)r * sizeof(int64_t));
    }
    int64_t allowzero;
    if ((st = attr_int(I, n, "allowzero", 0, &allowzero))) return st;
    /* resolve 0 (copy the input's dim) and one -1 (the rest) */
    int64_t known = 1;
    int infer = -1;
    const int64_t total = prod(I->dims, 0, I->rank);
    for (int k = 0; k < r; k++) {
        if (shape[k] == 0 && !allowzero) {
            if (k >= I->rank) return bad(I, n, "shape entry %d is 0 but the input has %d dims", k, I->rank);
            shape[k] = I->dims[k];
        }
        if (shape[k] == -1 && infer < 0) infer = k;
        else if (shape[k] < 1) {
            char s[128];
            dims_text(s, sizeof s, shape, r);
            return shape[k] == 0 ? unsupported(I, n, "an empty tensor (shape %s)", s) : bad(I, n, "shape %s", s);
        } else if (shape[k] > total || (known *= shape[k]) > total) {
            char s[128];
            dims_text(s, sizeof s, shape, r);
            return bad(I, n, "shape %s has more elements than the input's %lld", s, (long long)total);
        }
    }
    if (infer >= 0) shape[infer] = total / known;
    if (prod(shape, 0, r) != total) {
        char s[128], d[128];
        dims_text(s, sizeof s, shape, r);
        dims_text(d, sizeof d, I->dims, I->rank);
        return bad(I, n, "shape %s does not hold the %lld elements of %s", s, (long long)total, d);
    }
    /* supported: keep the batch axes, flatten the rest into one */
    const int nb = r - 1;
    int keeps = nb >= 0 && nb <= I->rank;
    for (int k = 0; keeps && k < nb; k++) keeps = shape[k] == I->dims[k];
    if (!keeps || (I->b >= 0 && I->b != nb)) {
        char s[128], d[128];
        dims_text(s, sizeof s, shape, r);
        dims_text(d, sizeof d, I->dims, I->rank);
        return unsupported(I, n, "reshape of %s to %s; convscope reshapes only to [batch, features]", d, s);
    }
    I->b = nb;
    if ((st = flatten_if_needed(I))) return st;
    I->rank = r;
    memcpy(I->dims, shape, (size_t)r * sizeof(int64_t));
    return CS_OK;
}

/* An fc layer of OUT x IN weights w (row-major, or transposed: w[in * OUT + out]) scaled by
 * alpha, with biases bias * beta (NULL: zeros). A flatten just before it goes: fc flattens. */
static cs_status emit_fc(imp *I, const float *w, int transposed, float alpha, int64_t IN, int64_t OUT,
                         const float *bias, float beta)
{
    if (I->n_items > 0 && strcmp(I->items[I->n_items - 1], "flatten") == 0) free(I->items[--I->n_items]);
    cs_status st = emit(I, "fc %lld", (long long)OUT);
    size_t wo, bo;
    if (st || (st = add_params(I, NULL, (size_t)(IN * OUT), &wo)) || (st = add_params(I, NULL, (size_t)OUT, &bo)))
        return st;
    float *W = I->params + wo, *B = I->params + bo;
    for (int64_t o = 0; o < OUT; o++) {
        for (int64_t i = 0; i < IN; i++) {
            const float v = transposed ? w[i * OUT + o] : w[o * IN + i];
            W[o * IN + i] = alpha == 1.0f ? v : alpha * v;
        }
        B[o] = bias ? (beta == 1.0f ? bias[o] : beta * bias[o]) : 0.0f;
    }
    char name[16];
    snprintf(name, sizeof name, "fc%d", ++I->n_fc);
    set_tail(I, wo, bo, (int)OUT, (int)IN, name);
    return CS_OK;
}

/* A bias of OUT values broadcast over the batch: [], [1], [OUT] or [1, OUT]. */
static int bias_shape_ok(const cs_onnx_tensor *c, int64_t OUT)
{
    if (!c->f) return 0;
    if (c->count == 1) return 1;
    if (c->count != (size_t)OUT) return 0;
    return c->rank == 1 || (c->rank == 2 && c->dims[0] == 1);
}

static cs_status op_gemm(imp *I, const Onnx__NodeProto *n)
{
    cs_status st;
    if (I->rank != 2) return bad(I, n, "a rank-%d input; Gemm takes a matrix", I->rank);
    if ((st = need_batch(I, n, 1, "Gemm"))) return st;
    int64_t ta, tb;
    float alpha, beta;
    if ((st = attr_int(I, n, "transA", 0, &ta)) || (st = attr_int(I, n, "transB", 0, &tb)) ||
        (st = attr_float(I, n, "alpha", 1.0f, &alpha)) || (st = attr_float(I, n, "beta", 1.0f, &beta)))
        return st;
    if (ta) return unsupported(I, n, "transA=1 would make the batch axis a feature axis");
    const cs_onnx_tensor *B = n->n_input > 1 ? constant(I, n, n->input[1], &st) : NULL;
    if (!B) return st ? st : bad(I, n, "no B input");
    const cs_onnx_tensor *C = opt_constant(I, n, 2, &st);
    if (st) return st;
    const int64_t IN = I->dims[1];
    if (!B->f || B->rank != 2 || B->dims[tb ? 1 : 0] != IN)
        return bad(I, n, "B of %d dims does not take %lld features%s", B->rank, (long long)IN, tb ? " (transB)" : "");
    const int64_t OUT = B->dims[tb ? 0 : 1];
    if (OUT < 1) return unsupported(I, n, "an empty output");
    float *bias = NULL;
    if (C) {
        if (C->f && C->rank == 2 && C->dims[1] == OUT && C->dims[0] > 1)
            return unsupported(I, n, "a bias per batch row (C of [%lld, %lld]); convscope's fc has one bias per output",
                               (long long)C->dims[0], (long long)OUT);
        if (!bias_shape_ok(C, OUT)) return bad(I, n, "C of %zu values for %lld outputs", C->count, (long long)OUT);
        if (!(bias = malloc((size_t)OUT * sizeof(float)))) return cs_fail(CS_ERR_NOMEM, "out of memory");
        for (int64_t o = 0; o < OUT; o++) bias[o] = C->count == 1 ? C->f[0] : C->f[o];
    }
    st = emit_fc(I, B->f, !tb, alpha, IN, OUT, bias, beta);
    free(bias);
    I->dims[1] = OUT;
    return st;
}

static cs_status op_matmul(imp *I, const Onnx__NodeProto *n, const Onnx__NodeProto *add, int add_other)
{
    cs_status st;
    if (I->rank < 2) return unsupported(I, n, "a rank-%d first operand", I->rank);
    if ((st = need_batch(I, n, I->rank - 1, "MatMul"))) return st;
    const cs_onnx_tensor *B = constant(I, n, n->input[1], &st);
    if (!B) return st;
    const int64_t IN = I->dims[I->rank - 1];
    if (!B->f || B->rank != 2)
        return B->f && B->rank > 2 ? unsupported(I, n, "a batched (%d-D) second operand", B->rank)
                                   : bad(I, n, "the second operand is not a float matrix");
    if (B->dims[0] != IN) return bad(I, n, "[.., %lld] x [%lld, %lld]", (long long)IN, (long long)B->dims[0], (long long)B->dims[1]);
    const int64_t OUT = B->dims[1];
    if (OUT < 1) return unsupported(I, n, "an empty output");
    const cs_onnx_tensor *C = NULL;
    if (add) {
        C = constant(I, add, add->input[add_other], &st);
        if (!C) return st;
        if (!bias_shape_ok(C, OUT))
            return unsupported(I, add, "an Add of %zu values after MatMul; convscope folds one bias per output", C->count);
        if (C->count == 1 && OUT > 1) {
            float *bias = malloc((size_t)OUT * sizeof(float));
            if (!bias) return cs_fail(CS_ERR_NOMEM, "out of memory");
            for (int64_t o = 0; o < OUT; o++) bias[o] = C->f[0];
            st = emit_fc(I, B->f, 1, 1.0f, IN, OUT, bias, 1.0f);
            free(bias);
        } else
            st = emit_fc(I, B->f, 1, 1.0f, IN, OUT, C->f, 1.0f);
    } else
        st = emit_fc(I, B->f, 1, 1.0f, IN, OUT, NULL, 1.0f);
    I->dims[I->rank - 1] = OUT;
    return st;
}

static cs_status op_softmax(imp *I, const Onnx__NodeProto *n, int is_last)
{
    cs_status st;
    int64_t axis;
    if ((st = attr_int(I, n, "axis", I->opset < 13 ? 1 : -1, &axis))) return st;
    if (axis < 0) axis += I->rank;
    if (axis < 0 || axis >= I->rank) return bad(I, n, "axis %lld of a rank-%d input", (long long)axis, I->rank);
    if (!is_last) return unsupported(I, n, "layers after Softmax; convscope's softmax is the last layer");
    int b = (int)axis;
    if (I->opset >= 13 && prod(I->dims, (int)axis + 1, I->rank) != 1)
        return unsupported(I, n, "softmax over axis %lld of a rank-%d tensor with more axes after it; convscope's "
                           "softmax runs over a sample's features (the last axis)", (long long)axis, I->rank);
    /* axes between the batch and the softmax axis may be 1s (e.g. after GlobalAveragePool) */
    if (I->b >= 0 && I->b < b && prod(I->dims, I->b, b) == 1) b = I->b;
    if ((st = need_batch(I, n, b, "Softmax's axis"))) return st;
    if ((st = flatten_if_needed(I))) return st;
    return emit(I, "softmax");
}

static cs_status op_batchnorm(imp *I, const Onnx__NodeProto *n)
{
    cs_status st;
    int64_t training, spatial, is_test;
    float eps;
    if ((st = attr_int(I, n, "training_mode", 0, &training)) || (st = attr_int(I, n, "spatial", 1, &spatial)) ||
        (st = attr_int(I, n, "is_test", 1, &is_test)) || (st = attr_float(I, n, "epsilon", 1e-5f, &eps)))
        return st;
    int outputs = 0;
    for (size_t k = 1; k < n->n_output; k++) outputs += n->output[k] && *n->output[k];
    if (training || outputs || !is_test)
        return unsupported(I, n, "training mode (batch statistics); convscope folds BatchNormalization at inference");
    if (!spatial) return unsupported(I, n, "spatial=0 (statistics per pixel)");
    if (I->rank < 2) return bad(I, n, "a rank-%d input", I->rank);
    if ((st = need_batch(I, n, 1, "BatchNormalization"))) return st;
    const int fold = I->tail_out != 0;
    const int C = fold ? I->tail_out : (int)I->dims[1];
    const cs_onnx_tensor *t[4];
    static const char *role[4] = {"scale", "bias", "mean", "var"};
    for (int k = 0; k < 4; k++) {
        if (n->n_input < (size_t)k + 2) return bad(I, n, "no %s input", role[k]);
        if (!(t[k] = constant(I, n, n->input[k + 1], &st))) return st;
        if (!t[k]->f || t[k]->count != (size_t)C)
            return bad(I, n, "%s has %zu values for %d channels", role[k], t[k]->count, C);
    }
    if (!fold) {
        /* no Conv or Gemm to fold into: a layer of its own, w * x + b per channel */
        size_t wo, bo;
        if ((st = emit(I, "affine")) || (st = add_params(I, NULL, (size_t)C, &wo)) ||
            (st = add_params(I, NULL, (size_t)C, &bo)))
            return st;
        for (int c = 0; c < C; c++) {
            const double var = (double)t[3]->f[c] + eps;
            if (!(var > 0)) return bad(I, n, "variance %g + epsilon %g is not positive (channel %d)", (double)t[3]->f[c], (double)eps, c);
            const double s = t[0]->f[c] / sqrt(var);
            I->params[wo + (size_t)c] = (float)s;
            I->params[bo + (size_t)c] = (float)(t[1]->f[c] - t[2]->f[c] * s);
        }
        sb_printf(&I->notes, "BatchNormalization '%s' became affine%d (no Conv or Gemm right before it)\n",
                  node_name(n), ++I->n_affine);
        return CS_OK;
    }
    float *w = I->params + I->tail_w, *b = I->params + I->tail_b;
    for (int c = 0; c < I->tail_out; c++) {
        const double var = (double)t[3]->f[c] + eps;
        if (!(var > 0)) return bad(I, n, "variance %g + epsilon %g is not positive (channel %d)", (double)t[3]->f[c], (double)eps, c);
        const double s = t[0]->f[c] / sqrt(var);
        for (int i = 0; i < I->tail_per; i++) w[(size_t)c * I->tail_per + i] = (float)(w[(size_t)c * I->tail_per + i] * s);
        b[c] = (float)((b[c] - (double)t[2]->f[c]) * s + t[1]->f[c]);
    }
    sb_printf(&I->notes, "BatchNormalization '%s' folded into %s (epsilon %g)\n", node_name(n), I->tail_name, (double)eps);
    I->tail_out = 0; /* folded once */
    return CS_OK;
}

static cs_status op_dropout(imp *I, const Onnx__NodeProto *n)
{
    cs_status st;
    if (n->n_output > 1 && n->output[1] && *n->output[1])
        return unsupported(I, n, "the mask output; dropout is a pass-through at inference");
    const cs_onnx_tensor *train = opt_constant(I, n, 2, &st);
    if (st) return st;
    if (train && train->count == 1 && train->i && train->i[0]) {
        const cs_onnx_tensor *ratio = opt_constant(I, n, 1, &st);
        if (st) return st;
        const float r = ratio && ratio->f && ratio->count == 1 ? ratio->f[0] : 0.5f;
        if (r != 0.0f) return unsupported(I, n, "training mode with ratio %g is random", (double)r);
    }
    sb_printf(&I->notes, "%s '%s' dropped: a pass-through at inference\n", clean(n->op_type), node_name(n));
    return CS_OK;
}

/* A zero, constant-mode Pad of the spatial axes, merged into the next Conv or AveragePool
 * (PyTorch writes AvgPool2d's padding this way). */
static cs_status op_pad(imp *I, const Onnx__NodeProto *n)
{
    cs_status st;
    const Onnx__AttributeProto *mode = attr(n, "mode");
    if (mode && mode->has_s && !(mode->s.len == 8 && !memcmp(mode->s.data, "constant", 8)))
        return unsupported(I, n, "a non-constant mode; convscope pads with zeros");
    int64_t p[2 * CS_ONNX_MAX_RANK] = {0};
    float value = 0.0f;
    if (I->opset < 11) {
        int found;
        if ((st = attr_ints(I, n, "pads", (size_t)(2 * I->rank), p, &found)) || (st = attr_float(I, n, "value", 0.0f, &value)))
            return st;
    } else {
        const cs_onnx_tensor *t = opt_constant(I, n, 1, &st), *v = st ? NULL : opt_constant(I, n, 2, &st);
        if (st) return st;
        if (!t || !t->i || t->count != (size_t)(2 * I->rank))
            return bad(I, n, "pads are not %d integers for a rank-%d input", 2 * I->rank, I->rank);
        memcpy(p, t->i, t->count * sizeof(int64_t));
        if (v && v->f && v->count == 1) value = v->f[0];
        if (n->n_input > 3) return unsupported(I, n, "padding only some axes");
    }
    if (value != 0.0f) return unsupported(I, n, "padding with %g; convscope pads with zeros", (double)value);
    if (I->rank != 3 && I->rank != 4) return unsupported(I, n, "a rank-%d input", I->rank);
    const int r = I->rank;
    for (int a = 0; a < 2 * r; a++)
        if (p[a] < 0 || p[a] > 4096) return unsupported(I, n, "pad %lld (cropping, or too large)", (long long)p[a]);
    if (p[0] || p[1] || p[r] || p[r + 1]) return unsupported(I, n, "padding the batch or channel axis");
    if (I->padded) return unsupported(I, n, "two Pads in a row");
    if (r == 4) I->pad[0] = (int)p[2], I->pad[1] = (int)p[3], I->pad[2] = (int)p[6], I->pad[3] = (int)p[7];
    else I->pad[0] = I->pad[2] = 0, I->pad[1] = (int)p[2], I->pad[3] = (int)p[5];
    I->padded = 1, I->pad_node = n;
    return CS_OK;
}

/* ---- the walk ---------------------------------------------------------------------------- */

static const char supported_ops[] = "Conv, Relu, LeakyRelu, Tanh, Sigmoid, MaxPool, AveragePool, GlobalAveragePool, "
                                    "Flatten, Reshape, Gemm, MatMul (+ Add), Softmax, Dropout, Identity, "
                                    "BatchNormalization, Pad (zeros, before Conv or "
                                    "AveragePool) and Constant";

/* One operator on the chain; *skip is set when it also consumed the node after it (Add). */
static cs_status run_op(imp *I, int idx, int *next_node, const char **next_tensor)
{
    const Onnx__NodeProto *n = I->g->node[idx];
    const char *op = n->op_type ? n->op_type : "";
    cs_status st;
    *next_node = -1;
    *next_tensor = n->output[0];
    if (n->domain && *n->domain && strcmp(n->domain, "ai.onnx") != 0)
        return unsupported(I, n, "domain '%s'; convscope supports the standard operators: %s", clean(n->domain),
                           supported_ops);
    const name_rec *out = name_get(&I->names, n->output[0], 0);
    const int is_last = out && out->consumers == 0;
    if (I->padded && strcmp(op, "Conv") != 0 && strcmp(op, "AveragePool") != 0 && strcmp(op, "MaxPool") != 0)
        return unsupported(I, I->pad_node, "a Pad not followed by Conv or AveragePool");
    if (!strcmp(op, "Pad")) return op_pad(I, n);
    if (!strcmp(op, "Relu") || !strcmp(op, "Tanh") || !strcmp(op, "Sigmoid"))
        return emit(I, "%s", op[0] == 'R' ? "relu" : op[0] == 'T' ? "tanh" : "sigmoid");
    if (!strcmp(op, "LeakyRelu")) {
        float alpha;
        if ((st = attr_float(I, n, "alpha", 0.01f, &alpha))) return st;
        /* the shortest decimal that reads back as the same float */
        char num[32];
        for (int prec = 1; prec <= 9; prec++) {
            snprintf(num, sizeof num, "%.*g", prec, (double)alpha);
            if (strtof(num, NULL) == alpha) break;
        }
        return emit(I, "leakyrelu %s", num);
    }
    if (!strcmp(op, "Conv")) return op_conv(I, n);
    if (!strcmp(op, "MaxPool") || !strcmp(op, "AveragePool")) return op_pool(I, n, op[0] == 'M');
    if (!strcmp(op, "GlobalAveragePool")) return op_global_avgpool(I, n);
    if (!strcmp(op, "Flatten")) return op_flatten(I, n);
    if (!strcmp(op, "Reshape")) return op_reshape(I, n);
    if (!strcmp(op, "Gemm")) return op_gemm(I, n);
    if (!strcmp(op, "Softmax")) return op_softmax(I, n, is_last);
    if (!strcmp(op, "BatchNormalization")) return op_batchnorm(I, n);
    if (!strcmp(op, "Dropout")) return op_dropout(I, n);
    if (!strcmp(op, "Identity")) {
        sb_printf(&I->notes, "Identity '%s' dropped\n", node_name(n));
        return CS_OK;
    }
    if (!strcmp(op, "MatMul")) {
        if (n->n_input != 2 || !n->input[1]) return bad(I, n, "%zu inputs (2 expected)", n->n_input);
        /* a following Add of a constant is the bias */
        const Onnx__NodeProto *add = NULL;
        int other = 0;
        if (out && out->consumers == 1) {
            const Onnx__NodeProto *m = I->g->node[out->consumer];
            if (m->op_type && !strcmp(m->op_type, "Add") && m->n_input == 2) {
                other = strcmp(m->input[0], n->output[0]) == 0 ? 1 : 0;
                const name_rec *r = name_get(&I->names, m->input[other], 0);
                if (r && r->is_const && m->n_output >= 1) add = m, *next_node = out->consumer;
            }
        }
        if ((st = op_matmul(I, n, add, other))) return st;
        if (add) *next_tensor = add->output[0];
        return CS_OK;
    }
    if (!strcmp(op, "Add"))
        return unsupported(I, n, "an Add that is not the bias of a MatMul; convscope nets are a chain of layers");
    return unsupported(I, n, "convscope supports %s", supported_ops);
}

/* Which input of node n is the chain's tensor: 0 except for Add. */
static int data_input_ok(const Onnx__NodeProto *n, const char *cur)
{
    return n->n_input > 0 && n->input[0] && strcmp(n->input[0], cur) == 0;
}

/* Graph inputs that are not initializers: the first is the data, the others are bound to the
 * caller's constants. */
static cs_status register_inputs(imp *I, const char **data_input)
{
    const Onnx__GraphProto *g = I->g;
    int bound = 0;
    *data_input = NULL;
    for (size_t k = 0; k < g->n_input; k++) {
        const char *nm = g->input[k]->name;
        if (!nm || !*nm) return bad(I, NULL, "graph input %zu has no name", k);
        name_rec *r = name_get(&I->names, nm, 1);
        if (r->is_const) continue;
        if (r->producer != -1 || r->consumer == -2) return bad(I, NULL, "graph input '%s' is listed twice", clean(nm));
        r->consumer = -2; /* marks a graph input until consumers are counted */
        if (!*data_input) {
            *data_input = nm;
            continue;
        }
        if (!I->opts || bound >= I->opts->n_bound)
            return cs_fail(CS_ERR_UNSUPPORTED, "%s: graph input '%s' is not an initializer; convscope nets have one "
                           "input ('%s')", I->file, clean(nm), clean(*data_input));
        r->is_const = 1, r->const_idx = I->n_consts;
        I->consts[I->n_consts++].bound = &I->opts->bound[bound++];
    }
    if (!*data_input) return bad(I, NULL, "no graph input besides the initializers");
    return CS_OK;
}

/* Depth-first over producers (each tensor has at most one), iteratively: a node met again
 * while still open is on a cycle. */
static cs_status find_cycle(imp *I)
{
    const Onnx__GraphProto *g = I->g;
    char *color = calloc(g->n_node + 1, 1);
    int *stack = calloc(2 * (g->n_node + 1), sizeof(int));
    if (!color || !stack) {
        free(color), free(stack);
        return cs_fail(CS_ERR_NOMEM, "out of memory");
    }
    cs_status st = CS_OK;
    for (size_t k0 = 0; k0 < g->n_node && !st; k0++) {
        if (color[k0]) continue;
        int top = 0;
        stack[0] = (int)k0, stack[1] = 0, color[k0] = 1;
        while (top >= 0 && !st) {
            const Onnx__NodeProto *n = g->node[stack[2 * top]];
            const int i = stack[2 * top + 1]++;
            if (i >= (int)n->n_input) {
                color[stack[2 * top]] = 2, top--;
                continue;
            }
            if (!n->input[i] || !*n->input[i]) continue;
            const int p = name_get(&I->names, n->input[i], 0)->producer;
            if (p < 0 || color[p] == 2) continue;
            if (color[p] == 1) st = bad(I, g->node[p], "the graph has a cycle through this node");
            else top++, stack[2 * top] = p, stack[2 * top + 1] = 0, color[p] = 1;
        }
    }
    free(color), free(stack);
    return st;
}

/* Registers initializers, bound inputs and Constant outputs; checks that every name is
 * defined once and every node input is defined, and that the graph has no cycle. */
static cs_status check_graph(imp *I, const char **data_input)
{
    Onnx__GraphProto *g = I->g;
    if (g->n_node > CS_ONNX_MAX_NODES || g->n_initializer > CS_ONNX_MAX_NODES || g->n_input > CS_ONNX_MAX_NODES ||
        g->n_output > CS_ONNX_MAX_NODES)
        return bad(I, NULL, "%zu nodes, %zu initializers, %zu inputs: more than the %d allowed", g->n_node,
                   g->n_initializer, g->n_input, CS_ONNX_MAX_NODES);
    size_t names = g->n_initializer + g->n_input;
    for (size_t k = 0; k < g->n_node; k++) {
        if (g->node[k]->n_output > 16 || g->node[k]->n_input > 16)
            return bad(I, g->node[k], "%zu inputs and %zu outputs", g->node[k]->n_input, g->node[k]->n_output);
        names += g->node[k]->n_output + g->node[k]->n_input;
    }
    I->names.cap = 64;
    while (I->names.cap < 2 * names) I->names.cap *= 2;
    I->names.slots = calloc(I->names.cap, sizeof *I->names.slots);
    I->consts = calloc(g->n_initializer + g->n_input + g->n_node + 1, sizeof *I->consts);
    I->visited = calloc(g->n_node + 1, 1);
    if (!I->names.slots || !I->consts || !I->visited) return cs_fail(CS_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < g->n_initializer; k++) {
        const char *nm = g->initializer[k]->name;
        if (!nm || !*nm) return bad(I, NULL, "initializer %zu has no name", k);
        name_rec *r = name_get(&I->names, nm, 1);
        if (r->is_const) return bad(I, NULL, "initializer '%s' is defined twice", clean(nm));
        r->is_const = 1, r->const_idx = I->n_consts;
        I->consts[I->n_consts++].proto = g->initializer[k];
    }
    cs_status st = register_inputs(I, data_input);
    if (st) return st;
    for (size_t k = 0; k < g->n_node; k++) {
        const Onnx__NodeProto *n = g->node[k];
        if (!n->op_type || !*n->op_type) return bad(I, NULL, "node %zu has no operator", k);
        if (n->n_output < 1 || !n->output[0] || !*n->output[0]) return bad(I, n, "no output");
        for (size_t o = 0; o < n->n_output; o++) {
            if (!n->output[o] || !*n->output[o]) continue;
            name_rec *r = name_get(&I->names, n->output[o], 1);
            if (r->is_const || r->producer >= 0 || r->consumer == -2)
                return bad(I, n, "output '%s' is already defined (by another node, an initializer or an input)",
                           clean(n->output[o]));
            r->producer = (int)k;
        }
        if (!strcmp(n->op_type, "Constant")) {
            const Onnx__AttributeProto *v = attr(n, "value");
            if (!v || !v->t) return unsupported(I, n, "a Constant without a tensor 'value'");
            name_rec *r = name_get(&I->names, n->output[0], 0);
            r->is_const = 1, r->const_idx = I->n_consts;
            I->consts[I->n_consts++].proto = v->t;
            I->visited[k] = 1;
        }
    }
    /* Identity of a constant is that constant (PyTorch routes BatchNormalization's running
     * statistics through Identity nodes); repeated for chains of them */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t k = 0; k < g->n_node; k++) {
            const Onnx__NodeProto *n = g->node[k];
            if (I->visited[k] || strcmp(n->op_type, "Identity") != 0 || n->n_input != 1 || !n->input[0]) continue;
            const name_rec *src = name_get(&I->names, n->input[0], 0);
            if (!src || !src->is_const) continue;
            name_rec *r = name_get(&I->names, n->output[0], 0);
            r->is_const = 1, r->const_idx = src->const_idx;
            I->visited[k] = 1, changed = 1;
        }
    }
    for (size_t i = 0; i < I->names.cap; i++)
        if (I->names.slots[i].consumer == -2) I->names.slots[i].consumer = -1;
    /* every input defined; consumers counted */
    for (size_t k = 0; k < g->n_node; k++) {
        const Onnx__NodeProto *n = g->node[k];
        for (size_t i = 0; i < n->n_input; i++) {
            if (!n->input[i] || !*n->input[i]) continue;
            name_rec *r = name_get(&I->names, n->input[i], 0);
            if (!r) return bad(I, n, "input '%s' is not a graph input, an initializer or a node's output (a missing "
                               "initializer?)", clean(n->input[i]));
            if (r->consumers++ == 0) r->consumer = (int)k;
        }
    }
    return find_cycle(I);
}

/* The data input's element type and dims: declared, checked against (or filled from) the
 * caller's dims; a symbolic first axis is the batch and counts as 1. */
static cs_status input_dims(imp *I, const char *name)
{
    const Onnx__ValueInfoProto *vi = NULL;
    for (size_t k = 0; k < I->g->n_input; k++)
        if (strcmp(I->g->input[k]->name, name) == 0) vi = I->g->input[k];
    const Onnx__TypeProto *t = vi ? vi->type : NULL;
    if (!t || t->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !t->tensor_type)
        return cs_fail(CS_ERR_UNSUPPORTED, "%s: input '%s' is not a tensor", I->file, clean(name));
    const Onnx__TypeProto__Tensor *tt = t->tensor_type;
    if (!tt->has_elem_type || tt->elem_type != CS_ONNX_FLOAT)
        return cs_fail(CS_ERR_UNSUPPORTED, "%s: input '%s' holds %s; convscope nets take float tensors", I->file,
                       clean(name), dtype_name(tt->has_elem_type ? tt->elem_type : 0));
    const cs_onnx_import_opts *o = I->opts;
    const int given = o && o->input_dims;
    if (!tt->shape && !given) return cs_fail(CS_ERR_UNSUPPORTED, "%s: input '%s' has no declared shape", I->file, clean(name));
    const int rank = tt->shape ? (int)tt->shape->n_dim : o->input_rank;
    if (rank > CS_ONNX_MAX_RANK || (given && (o->input_rank != rank || o->input_rank > CS_ONNX_MAX_RANK)))
        return cs_fail(CS_ERR_FORMAT, "%s: input '%s' has %d dims, the data %d", I->file, clean(name), rank,
                       given ? o->input_rank : rank);
    uint64_t total = 1;
    for (int k = 0; k < rank; k++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape ? tt->shape->dim[k] : NULL;
        const int known = d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        int64_t v = known ? d->dim_value : given ? o->input_dims[k] : k == 0 ? 1 : -1;
        if (known && given && o->input_dims[k] != v)
            return cs_fail(CS_ERR_FORMAT, "%s: input '%s' axis %d is declared %lld, the data has %lld", I->file,
                           clean(name), k, (long long)v, (long long)o->input_dims[k]);
        if (v < 0)
            return cs_fail(CS_ERR_UNSUPPORTED, "%s: input '%s' axis %d has no fixed size ('%s'); convscope needs fixed "
                           "sizes after the batch axis", I->file, clean(name), k,
                           d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM ? clean(d->dim_param) : "");
        if (v == 0) return cs_fail(CS_ERR_UNSUPPORTED, "%s: input '%s' is empty (axis %d is 0)", I->file, clean(name), k);
        if (v > (int64_t)CS_ONNX_MAX_ELEMS || (total *= (uint64_t)v) > CS_ONNX_MAX_ELEMS)
            return cs_fail(CS_ERR_FORMAT, "%s: input '%s' has more than %zu Mi elements", I->file, clean(name),
                           CS_ONNX_MAX_ELEMS >> 20);
        I->dims[k] = I->in_dims[k] = v;
    }
    I->rank = I->in_rank = rank;
    I->b = -1;
    return CS_OK;
}

/* Follows the chain from the input to the graph's one output. */
static cs_status walk(imp *I, const char *cur)
{
    const Onnx__GraphProto *g = I->g;
    if (g->n_output != 1) {
        if (g->n_output == 0) return bad(I, NULL, "the graph has no output");
        return cs_fail(CS_ERR_UNSUPPORTED, "%s: the graph has %zu outputs ('%s', '%s'%s); convscope nets have one",
                       I->file, g->n_output, clean(g->output[0]->name), clean(g->output[1]->name),
                       g->n_output > 2 ? ", ..." : "");
    }
    const char *out = g->output[0]->name ? g->output[0]->name : "";
    for (;;) {
        const name_rec *r = name_get(&I->names, cur, 0);
        const int consumers = r ? r->consumers : 0;
        if (strcmp(cur, out) == 0) {
            if (consumers)
                return cs_fail(CS_ERR_UNSUPPORTED, "%s: the output '%s' also feeds node '%s'; convscope nets are a "
                               "chain", I->file, clean(out), node_name(g->node[r->consumer]));
            break;
        }
        if (consumers == 0)
            return cs_fail(CS_ERR_UNSUPPORTED, "%s: tensor '%s' leads nowhere: the output '%s' is not on the chain of "
                           "layers from the input", I->file, clean(cur), clean(out));
        const Onnx__NodeProto *n = g->node[r->consumer];
        if (consumers > 1)
            return unsupported(I, n, "tensor '%s' feeds %d nodes; convscope nets are a chain of layers", clean(cur),
                               consumers);
        if (I->visited[r->consumer]) return bad(I, n, "visited twice: the graph has a cycle");
        if (!data_input_ok(n, cur))
            return unsupported(I, n, "the data '%s' is not its first input; the other operands must be weights",
                               clean(cur));
        I->visited[r->consumer] = 1;
        int extra;
        cs_status st = run_op(I, r->consumer, &extra, &cur);
        if (st) return st;
        if (extra >= 0) I->visited[extra] = 1;
        /* activations are allocated per layer: each within the tensor budget, all within 4x it */
        const uint64_t elems = (uint64_t)prod(I->dims, 0, I->rank);
        if (elems > CS_ONNX_MAX_ELEMS || (I->activations += elems) > 4 * (uint64_t)CS_ONNX_MAX_ELEMS)
            return unsupported(I, n, "activations past the budget (%zu Mi values in one tensor, %zu Mi in all)",
                               CS_ONNX_MAX_ELEMS >> 20, (4 * CS_ONNX_MAX_ELEMS) >> 20);
    }
    if (I->padded) return unsupported(I, I->pad_node, "a Pad not followed by Conv or AveragePool");
    for (size_t k = 0; k < g->n_node; k++)
        if (!I->visited[k])
            return unsupported(I, g->node[k], "not on the chain from the input to the output '%s'", clean(out));
    return CS_OK;
}

/* The output's declared dims, where known, must be what the graph computes. */
static cs_status check_output(imp *I)
{
    const Onnx__ValueInfoProto *vi = I->g->output[0];
    const Onnx__TypeProto *t = vi->type;
    if (!t || t->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !t->tensor_type || !t->tensor_type->shape)
        return CS_OK;
    const Onnx__TensorShapeProto *sh = t->tensor_type->shape;
    int ok = (int)sh->n_dim == I->rank;
    for (int k = 0; ok && k < I->rank; k++) {
        const Onnx__TensorShapeProto__Dimension *d = sh->dim[k];
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && d->dim_value != I->dims[k]) ok = 0;
    }
    if (!ok) {
        char a[160], b[160];
        int64_t decl[CS_ONNX_MAX_RANK];
        const int r = sh->n_dim < CS_ONNX_MAX_RANK ? (int)sh->n_dim : CS_ONNX_MAX_RANK;
        for (int k = 0; k < r; k++)
            decl[k] = sh->dim[k]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ? sh->dim[k]->dim_value : -1;
        dims_text(a, sizeof a, decl, r);
        dims_text(b, sizeof b, I->dims, I->rank);
        return bad(I, NULL, "the output '%s' is declared %s but the graph computes %s", clean(vi->name), a, b);
    }
    return CS_OK;
}

/* Assembles the spec and checks that it builds into a net with as many parameters. */
static cs_status finish(imp *I, cs_onnx_model *m)
{
    if (I->b < 0) I->b = I->in_rank >= 1 ? (I->in_rank - 3 > 1 ? I->in_rank - 3 : 1) : 0;
    if (I->b > I->in_rank) I->b = I->in_rank;
    const int s = I->in_rank - I->b;
    if (s > 3)
        return cs_fail(CS_ERR_UNSUPPORTED, "%s: a %d-D sample; convscope's samples have at most 3 axes (C, H, W)",
                       I->file, s);
    const int64_t *d = I->in_dims + I->b;
    const int64_t C = s >= 1 ? d[0] : 1, H = s == 3 ? d[1] : 1, W = s == 3 ? d[2] : s == 2 ? d[1] : 1;
    if (C > 1000000 || H > 1000000 || W > 1000000)
        return cs_fail(CS_ERR_UNSUPPORTED, "%s: a sample of %lldx%lldx%lld is too large", I->file, (long long)H,
                       (long long)W, (long long)C);
    strbuf spec = {0};
    sb_printf(&spec, "input %lldx%lldx%lld", (long long)H, (long long)W, (long long)C);
    for (int k = 0; k < I->n_items; k++) sb_printf(&spec, ", %s", I->items[k]);
    if (spec.oom || I->notes.oom) {
        free(spec.p);
        return cs_fail(CS_ERR_NOMEM, "out of memory");
    }
    if (I->n_items == 0) /* only pass-through operators: a net needs a layer, and flatten copies */
        sb_printf(&spec, ", flatten");
    cs_net *net;
    cs_status st = cs_net_create(&net, spec.p, 1, 1);
    if (st) {
        char why[1100];
        snprintf(why, sizeof why, "%s", cs_last_error());
        free(spec.p);
        return cs_fail(CS_ERR_UNSUPPORTED, "%s: the layers do not make a convscope net: %s", I->file, why);
    }
    const size_t np = net->n_params;
    cs_net_destroy(net);
    if (np != I->n_params) {
        free(spec.p);
        return cs_fail(CS_ERR_FORMAT, "%s: %zu parameters read but the net has %zu", I->file, I->n_params, np);
    }
    m->spec = spec.p;
    m->params = I->params, I->params = NULL;
    m->n_params = I->n_params;
    m->notes = I->notes.p ? I->notes.p : strdup("");
    I->notes.p = NULL;
    m->batch_axes = I->b;
    m->in_rank = I->in_rank, m->out_rank = I->rank;
    memcpy(m->in_dims, I->in_dims, sizeof m->in_dims);
    memcpy(m->out_dims, I->dims, sizeof m->out_dims);
    m->opset = I->opset;
    return m->notes ? CS_OK : cs_fail(CS_ERR_NOMEM, "out of memory");
}

static void imp_free(imp *I)
{
    for (int k = 0; k < I->n_consts; k++) cs_onnx_tensor_free(&I->consts[k].value);
    for (int k = 0; k < I->n_items; k++) free(I->items[k]);
    free(I->consts);
    free(I->names.slots);
    free(I->visited);
    free(I->params);
    free(I->notes.p);
}

cs_status cs_onnx_import_buffer(cs_onnx_model *m, const uint8_t *data, size_t size, const char *name,
                                const char *dir, const cs_onnx_import_opts *opts)
{
    memset(m, 0, sizeof *m);
    if (size > CS_ONNX_MAX_FILE_BYTES)
        return cs_fail(CS_ERR_FORMAT, "%s: %zu bytes, more than the %zu MiB an ONNX file may have here", name, size,
                       CS_ONNX_MAX_FILE_BYTES >> 20);
    alloc_budget budget = {0, 4 * size + ((size_t)16 << 20), 0};
    ProtobufCAllocator alloc = {budget_alloc, budget_free, &budget};
    Onnx__ModelProto *model = onnx__model_proto__unpack(&alloc, size, data);
    if (!model)
        return cs_fail(CS_ERR_FORMAT, "%s: %s", name, budget.over ? "decoding needs more memory than its budget (4 "
                       "bytes per file byte + 16 MiB)" : "not an ONNX model (the protobuf is truncated or corrupt)");
    imp I = {0};
    I.file = name, I.dir = dir, I.opts = opts, I.g = model->graph;
    cs_status st = CS_OK;
    const char *data_input = NULL;
    I.opset = -1;
    for (size_t k = 0; k < model->n_opset_import; k++) {
        const Onnx__OperatorSetIdProto *o = model->opset_import[k];
        if ((!o->domain || !*o->domain || !strcmp(o->domain, "ai.onnx")) && o->has_version)
            I.opset = (int)(o->version > 1000 ? 1000 : o->version);
    }
    if (!I.g) st = bad(&I, NULL, "the model has no graph");
    else if (I.opset < 1) st = bad(&I, NULL, "no opset for the standard (ai.onnx) operators");
    if (!st) st = check_graph(&I, &data_input);
    if (!st) st = input_dims(&I, data_input);
    if (!st) st = walk(&I, data_input);
    if (!st) st = check_output(&I);
    if (!st) st = finish(&I, m);
    if (!st && (!(m->input_name = strdup(data_input)) || !(m->output_name = strdup(I.g->output[0]->name))))
        st = cs_fail(CS_ERR_NOMEM, "out of memory");
    imp_free(&I);
    onnx__model_proto__free_unpacked(model, &alloc);
    if (st) cs_onnx_model_free(m);
    return st;
}

cs_status cs_onnx_import(cs_onnx_model *m, const char *path, const cs_onnx_import_opts *opts)
{
    memset(m, 0, sizeof *m);
    uint8_t *data;
    size_t size;
    cs_status st = read_file(path, CS_ONNX_MAX_FILE_BYTES, &data, &size);
    if (st) return st;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else snprintf(dir, sizeof dir, ".");
    st = cs_onnx_import_buffer(m, data, size, path, dir, opts);
    free(data);
    return st;
}

void cs_onnx_model_free(cs_onnx_model *m)
{
    if (!m) return;
    free(m->spec);
    free(m->params);
    free(m->notes);
    free(m->input_name);
    free(m->output_name);
    memset(m, 0, sizeof *m);
}

cs_status cs_onnx_net_create(cs_net **out, const cs_onnx_model *m, int max_batch, int threads)
{
    cs_status st = cs_net_create(out, m->spec, max_batch, threads);
    if (st) return st;
    if ((*out)->n_params != m->n_params) {
        const size_t np = (*out)->n_params;
        cs_net_destroy(*out);
        *out = NULL;
        return cs_fail(CS_ERR_ARG, "the model has %zu parameters, its net %zu", m->n_params, np);
    }
    if (m->n_params) memcpy((*out)->params, m->params, m->n_params * sizeof(float));
    return CS_OK;
}

cs_status cs_onnx_list_ops(const char *path, char *buf, size_t size)
{
    if (size) buf[0] = 0;
    uint8_t *data;
    size_t n;
    cs_status st = read_file(path, CS_ONNX_MAX_FILE_BYTES, &data, &n);
    if (st) return st;
    alloc_budget budget = {0, 4 * n + ((size_t)16 << 20), 0};
    ProtobufCAllocator alloc = {budget_alloc, budget_free, &budget};
    Onnx__ModelProto *model = onnx__model_proto__unpack(&alloc, n, data);
    free(data);
    if (!model || !model->graph) {
        if (model) onnx__model_proto__free_unpacked(model, &alloc);
        return cs_fail(CS_ERR_FORMAT, "%s: not an ONNX model (the protobuf is truncated or corrupt)", path);
    }
    if (model->graph->n_node > CS_ONNX_MAX_NODES) {
        onnx__model_proto__free_unpacked(model, &alloc);
        return cs_fail(CS_ERR_FORMAT, "%s: more than %d nodes", path, CS_ONNX_MAX_NODES);
    }
    size_t len = 0;
    for (size_t k = 0; k < model->graph->n_node; k++) {
        const char *op = model->graph->node[k]->op_type ? model->graph->node[k]->op_type : "";
        int seen = 0;
        for (size_t j = 0; j < k && !seen; j++)
            seen = model->graph->node[j]->op_type && !strcmp(model->graph->node[j]->op_type, op);
        if (seen) continue;
        const int w = snprintf(buf + len, size > len ? size - len : 0, "%s%s", len ? "," : "", clean(op));
        if (w > 0 && len + (size_t)w < size) len += (size_t)w;
    }
    onnx__model_proto__free_unpacked(model, &alloc);
    return CS_OK;
}
