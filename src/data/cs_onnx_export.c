/* cs_onnx_export.c - the ONNX writer: a convscope net and its current weights as an ONNX
 * model (opset 13, IR version 7), one node per layer, encoded by protobuf-c from code
 * generated out of onnx.proto, written atomically like checkpoints. */
#include "cs_onnx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "onnx.pb-c.h"

enum { OPSET = 13, IR_VERSION = 7 };

/* Everything the model points to is allocated here and freed at once. */
typedef struct {
    void **ptrs;
    size_t n, cap;
    int oom;
} arena;

static void *arena_alloc(arena *a, size_t size)
{
    if (a->oom) return NULL;
    if (a->n == a->cap) {
        const size_t cap = a->cap ? 2 * a->cap : 64;
        void **p = realloc(a->ptrs, cap * sizeof *p);
        if (!p) {
            a->oom = 1;
            return NULL;
        }
        a->ptrs = p, a->cap = cap;
    }
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        a->oom = 1;
        return NULL;
    }
    return a->ptrs[a->n++] = p;
}

static char *arena_str(arena *a, const char *s)
{
    char *p = arena_alloc(a, strlen(s) + 1);
    if (p) strcpy(p, s);
    return p;
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->n; i++) free(a->ptrs[i]);
    free(a->ptrs);
}

typedef struct {
    arena a;
    Onnx__NodeProto **nodes;
    size_t n_nodes;
    Onnx__TensorProto **inits;
    size_t n_inits;
} builder;

static Onnx__AttributeProto *attr_ints(builder *b, const char *name, const int *v, int n)
{
    Onnx__AttributeProto *at = arena_alloc(&b->a, sizeof *at);
    int64_t *ints = arena_alloc(&b->a, (size_t)n * sizeof(int64_t));
    if (!at || !ints) return NULL;
    onnx__attribute_proto__init(at);
    at->name = arena_str(&b->a, name);
    at->has_type = 1, at->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
    for (int i = 0; i < n; i++) ints[i] = v[i];
    at->n_ints = (size_t)n, at->ints = ints;
    return at;
}

static Onnx__AttributeProto *attr_int(builder *b, const char *name, int64_t v)
{
    Onnx__AttributeProto *at = arena_alloc(&b->a, sizeof *at);
    if (!at) return NULL;
    onnx__attribute_proto__init(at);
    at->name = arena_str(&b->a, name);
    at->has_type = 1, at->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
    at->has_i = 1, at->i = v;
    return at;
}

static Onnx__AttributeProto *attr_float(builder *b, const char *name, float v)
{
    Onnx__AttributeProto *at = arena_alloc(&b->a, sizeof *at);
    if (!at) return NULL;
    onnx__attribute_proto__init(at);
    at->name = arena_str(&b->a, name);
    at->has_type = 1, at->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
    at->has_f = 1, at->f = v;
    return at;
}

/* A node op(inputs) -> output with up to 6 attributes (NULLs ignored). */
static Onnx__NodeProto *node(builder *b, const char *op, const char *name, const char *const *inputs, int n_in,
                             const char *output, Onnx__AttributeProto *const *attrs, int n_attrs)
{
    Onnx__NodeProto *nd = arena_alloc(&b->a, sizeof *nd);
    char **in = arena_alloc(&b->a, (size_t)n_in * sizeof(char *));
    char **out = arena_alloc(&b->a, sizeof(char *));
    Onnx__AttributeProto **at = arena_alloc(&b->a, (size_t)(n_attrs + 1) * sizeof *at);
    if (!nd || !in || !out || !at) return NULL;
    onnx__node_proto__init(nd);
    nd->op_type = arena_str(&b->a, op);
    nd->name = arena_str(&b->a, name);
    for (int i = 0; i < n_in; i++) in[i] = arena_str(&b->a, inputs[i]);
    nd->n_input = (size_t)n_in, nd->input = in;
    out[0] = arena_str(&b->a, output);
    nd->n_output = 1, nd->output = out;
    for (int i = 0; i < n_attrs; i++) {
        if (!attrs[i]) return NULL; /* an attribute's allocation failed */
        at[nd->n_attribute++] = attrs[i];
    }
    nd->attribute = at;
    b->nodes[b->n_nodes++] = nd;
    return nd;
}

/* A float initializer of the given dims over data (borrowed: the net outlives the packing). */
static const char *init_floats(builder *b, const char *name, const float *data, const int64_t *dims, int rank)
{
    Onnx__TensorProto *t = arena_alloc(&b->a, sizeof *t);
    int64_t *d = arena_alloc(&b->a, (size_t)rank * sizeof(int64_t));
    if (!t || !d) return NULL;
    onnx__tensor_proto__init(t);
    t->name = arena_str(&b->a, name);
    t->has_data_type = 1, t->data_type = CS_ONNX_FLOAT;
    size_t count = 1;
    for (int i = 0; i < rank; i++) d[i] = dims[i], count *= (size_t)dims[i];
    t->n_dims = (size_t)rank, t->dims = d;
    t->n_float_data = count, t->float_data = (float *)(uintptr_t)data;
    b->inits[b->n_inits++] = t;
    return t->name;
}

static const char *init_int64s(builder *b, const char *name, const int64_t *v, int n)
{
    Onnx__TensorProto *t = arena_alloc(&b->a, sizeof *t);
    int64_t *d = arena_alloc(&b->a, sizeof(int64_t)), *data = arena_alloc(&b->a, (size_t)n * sizeof(int64_t));
    if (!t || !d || !data) return NULL;
    onnx__tensor_proto__init(t);
    t->name = arena_str(&b->a, name);
    t->has_data_type = 1, t->data_type = CS_ONNX_INT64;
    d[0] = n;
    t->n_dims = 1, t->dims = d;
    memcpy(data, v, (size_t)n * sizeof(int64_t));
    t->n_int64_data = (size_t)n, t->int64_data = data;
    b->inits[b->n_inits++] = t;
    return t->name;
}

/* A float tensor value_info: (N, dims...) with N symbolic. */
static Onnx__ValueInfoProto *value_info(builder *b, const char *name, const int *dims, int rank)
{
    Onnx__ValueInfoProto *vi = arena_alloc(&b->a, sizeof *vi);
    Onnx__TypeProto *tp = arena_alloc(&b->a, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = arena_alloc(&b->a, sizeof *tt);
    Onnx__TensorShapeProto *sh = arena_alloc(&b->a, sizeof *sh);
    Onnx__TensorShapeProto__Dimension **dd = arena_alloc(&b->a, (size_t)(rank + 1) * sizeof *dd);
    if (!vi || !tp || !tt || !sh || !dd) return NULL;
    onnx__value_info_proto__init(vi);
    onnx__type_proto__init(tp);
    onnx__type_proto__tensor__init(tt);
    onnx__tensor_shape_proto__init(sh);
    for (int i = 0; i <= rank; i++) {
        Onnx__TensorShapeProto__Dimension *d = arena_alloc(&b->a, sizeof *d);
        if (!d) return NULL;
        onnx__tensor_shape_proto__dimension__init(d);
        if (i == 0) d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM, d->dim_param = arena_str(&b->a, "N");
        else d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE, d->dim_value = dims[i - 1];
        dd[i] = d;
    }
    sh->n_dim = (size_t)rank + 1, sh->dim = dd;
    tt->has_elem_type = 1, tt->elem_type = CS_ONNX_FLOAT, tt->shape = sh;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE, tp->tensor_type = tt;
    vi->name = arena_str(&b->a, name), vi->type = tp;
    return vi;
}

static int first_is_spatial(const cs_net *net)
{
    const cs_layer_kind k = net->layers[0].kind;
    return k == CS_LAYER_CONV || k == CS_LAYER_MAXPOOL || k == CS_LAYER_AVGPOOL || k == CS_LAYER_GLOBALAVGPOOL;
}

/* The window attributes of a conv or pool: kernel_shape, strides, pads (ONNX order). */
static int window_attrs(builder *b, const cs_layer *L, Onnx__AttributeProto **at)
{
    const cs_win *g = &L->win;
    const int k[2] = {g->kh, g->kw}, s[2] = {g->sh, g->sw}, p[4] = {g->pt, g->pl, g->pb, g->pr};
    at[0] = attr_ints(b, "kernel_shape", k, 2);
    at[1] = attr_ints(b, "strides", s, 2);
    at[2] = attr_ints(b, "pads", p, 4);
    return 3;
}

/* Adds the nodes of layer l; *cur is the tensor flowing in (updated), *rank its rank. */
static int layer_nodes(builder *b, const cs_net *net, int l, const char **cur, int *rank)
{
    const cs_layer *L = &net->layers[l];
    const char *out = l == net->n_layers - 1 ? "output" : L->name;
    char nm[96], nm2[96];
    Onnx__AttributeProto *at[8];
    int na = 0;
    const int spatial = L->kind == CS_LAYER_CONV || L->kind == CS_LAYER_MAXPOOL || L->kind == CS_LAYER_AVGPOOL ||
                        L->kind == CS_LAYER_GLOBALAVGPOOL || (L->kind == CS_LAYER_AFFINE && (L->in_h > 1 || L->in_w > 1));
    if (spatial && *rank == 2) {
        /* back to an image: (N, C, 1, 1) etc. */
        const int64_t shape[4] = {-1, L->in_c, L->in_h, L->in_w};
        snprintf(nm, sizeof nm, "%s_shape", L->name);
        snprintf(nm2, sizeof nm2, "%s_image", L->name);
        const char *ins[2] = {*cur, init_int64s(b, nm, shape, 4)};
        if (!ins[1] || !node(b, "Reshape", nm2, ins, 2, nm2, NULL, 0)) return 0;
        *cur = b->nodes[b->n_nodes - 1]->output[0], *rank = 4;
    }
    if ((L->kind == CS_LAYER_FC || L->kind == CS_LAYER_FLATTEN) && *rank != 2) {
        snprintf(nm, sizeof nm, "%s_flatten", L->name);
        Onnx__AttributeProto *ax = attr_int(b, "axis", 1);
        if (L->kind == CS_LAYER_FLATTEN) {
            *rank = 2;
            return node(b, "Flatten", L->name, cur, 1, out, &ax, 1) != NULL;
        }
        if (!node(b, "Flatten", nm, cur, 1, nm, &ax, 1)) return 0;
        *cur = b->nodes[b->n_nodes - 1]->output[0], *rank = 2;
    }
    switch (L->kind) {
    case CS_LAYER_CONV: {
        const int64_t wd[4] = {L->out_c, L->in_c, L->win.kh, L->win.kw}, bd[1] = {L->out_c};
        snprintf(nm, sizeof nm, "%s.weight", L->name);
        snprintf(nm2, sizeof nm2, "%s.bias", L->name);
        const char *ins[3] = {*cur, init_floats(b, nm, L->w, wd, 4), init_floats(b, nm2, L->b, bd, 1)};
        if (!ins[1] || !ins[2]) return 0;
        na = window_attrs(b, L, at);
        const int dil[2] = {1, 1};
        at[na++] = attr_ints(b, "dilations", dil, 2);
        at[na++] = attr_int(b, "group", 1);
        return node(b, "Conv", L->name, ins, 3, out, at, na) != NULL;
    }
    case CS_LAYER_FC: {
        const int64_t wd[2] = {L->out_c, (int64_t)(L->w_count / (size_t)L->out_c)}, bd[1] = {L->out_c};
        snprintf(nm, sizeof nm, "%s.weight", L->name);
        snprintf(nm2, sizeof nm2, "%s.bias", L->name);
        const char *ins[3] = {*cur, init_floats(b, nm, L->w, wd, 2), init_floats(b, nm2, L->b, bd, 1)};
        if (!ins[1] || !ins[2]) return 0;
        at[0] = attr_int(b, "transB", 1);
        return node(b, "Gemm", L->name, ins, 3, out, at, 1) != NULL;
    }
    case CS_LAYER_MAXPOOL:
    case CS_LAYER_AVGPOOL:
        na = window_attrs(b, L, at);
        if (L->win.ceil_mode) at[na++] = attr_int(b, "ceil_mode", 1);
        if (L->kind == CS_LAYER_AVGPOOL && L->include_pad) at[na++] = attr_int(b, "count_include_pad", 1);
        return node(b, L->kind == CS_LAYER_MAXPOOL ? "MaxPool" : "AveragePool", L->name, cur, 1, out, at, na) != NULL;
    case CS_LAYER_GLOBALAVGPOOL: return node(b, "GlobalAveragePool", L->name, cur, 1, out, NULL, 0) != NULL;
    case CS_LAYER_RELU: return node(b, "Relu", L->name, cur, 1, out, NULL, 0) != NULL;
    case CS_LAYER_TANH: return node(b, "Tanh", L->name, cur, 1, out, NULL, 0) != NULL;
    case CS_LAYER_SIGMOID: return node(b, "Sigmoid", L->name, cur, 1, out, NULL, 0) != NULL;
    case CS_LAYER_LEAKYRELU:
        at[0] = attr_float(b, "alpha", L->alpha);
        return node(b, "LeakyRelu", L->name, cur, 1, out, at, 1) != NULL;
    case CS_LAYER_SOFTMAX:
        /* over the features: axis 1 of (N, F), or of (N, C, 1, 1) */
        at[0] = attr_int(b, "axis", 1);
        return node(b, "Softmax", L->name, cur, 1, out, at, 1) != NULL;
    case CS_LAYER_FLATTEN: return node(b, "Identity", L->name, cur, 1, out, NULL, 0) != NULL;
    case CS_LAYER_AFFINE: {
        /* BatchNormalization with mean 0, variance 1 and epsilon 0 is w * x + b exactly */
        const int64_t cd[1] = {L->in_c};
        float *zeros = arena_alloc(&b->a, (size_t)L->in_c * sizeof(float));
        float *ones = arena_alloc(&b->a, (size_t)L->in_c * sizeof(float));
        if (!zeros || !ones) return 0;
        for (int c = 0; c < L->in_c; c++) ones[c] = 1.0f;
        char nm3[96], nm4[96];
        snprintf(nm, sizeof nm, "%s.weight", L->name);
        snprintf(nm2, sizeof nm2, "%s.bias", L->name);
        snprintf(nm3, sizeof nm3, "%s.running_mean", L->name);
        snprintf(nm4, sizeof nm4, "%s.running_var", L->name);
        const char *ins[5] = {*cur, init_floats(b, nm, L->w, cd, 1), init_floats(b, nm2, L->b, cd, 1),
                              init_floats(b, nm3, zeros, cd, 1), init_floats(b, nm4, ones, cd, 1)};
        if (!ins[1] || !ins[2] || !ins[3] || !ins[4]) return 0;
        at[0] = attr_float(b, "epsilon", 0.0f);
        return node(b, "BatchNormalization", L->name, ins, 5, out, at, 1) != NULL;
    }
    }
    return 0;
}

cs_status cs_onnx_export_buffer(const cs_net *net, uint8_t **data, size_t *size)
{
    *data = NULL, *size = 0;
    builder b = {0};
    /* at most 2 nodes and 4 initializers per layer */
    b.nodes = arena_alloc(&b.a, (size_t)(2 * net->n_layers + 1) * sizeof *b.nodes);
    b.inits = arena_alloc(&b.a, (size_t)(4 * net->n_layers + 1) * sizeof *b.inits);
    const int flat_input = net->in_h == 1 && net->in_w == 1 && !first_is_spatial(net);
    int rank = flat_input ? 2 : 4;
    const int in_dims[3] = {net->in_c, net->in_h, net->in_w};
    Onnx__ValueInfoProto *input = b.nodes && b.inits ? value_info(&b, "input", in_dims, rank - 1) : NULL;
    const char *cur = "input";
    int ok = input != NULL;
    for (int l = 0; ok && l < net->n_layers; l++) {
        ok = layer_nodes(&b, net, l, &cur, &rank);
        if (ok) cur = b.nodes[b.n_nodes - 1]->output[0];
    }
    const cs_layer *last = &net->layers[net->n_layers - 1];
    const int out_dims[3] = {last->out_c, last->out_h, last->out_w};
    Onnx__ValueInfoProto *output = ok ? value_info(&b, "output", out_dims, rank - 1) : NULL;
    Onnx__GraphProto graph = ONNX__GRAPH_PROTO__INIT;
    Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT, *opsets[1] = {&opset};
    Onnx__ModelProto model = ONNX__MODEL_PROTO__INIT;
    Onnx__StringStringEntryProto spec = ONNX__STRING_STRING_ENTRY_PROTO__INIT, *props[1] = {&spec};
    cs_status st = CS_OK;
    if (!output || b.a.oom) st = cs_fail(CS_ERR_NOMEM, "out of memory while building the ONNX model");
    else {
        graph.name = "convscope";
        graph.n_node = b.n_nodes, graph.node = b.nodes;
        graph.n_initializer = b.n_inits, graph.initializer = b.inits;
        graph.n_input = 1, graph.input = &input;
        graph.n_output = 1, graph.output = &output;
        opset.domain = "", opset.has_version = 1, opset.version = OPSET;
        /* the spec travels along, for people and tools reading the file */
        spec.key = "convscope_spec", spec.value = net->spec;
        model.has_ir_version = 1, model.ir_version = IR_VERSION;
        model.n_opset_import = 1, model.opset_import = opsets;
        model.producer_name = "convscope";
        model.graph = &graph;
        model.n_metadata_props = 1, model.metadata_props = props;
        const size_t n = onnx__model_proto__get_packed_size(&model);
        uint8_t *buf = malloc(n ? n : 1);
        if (!buf) st = cs_fail(CS_ERR_NOMEM, "out of memory for an ONNX model of %zu bytes", n);
        else {
            onnx__model_proto__pack(&model, buf);
            *data = buf, *size = n;
        }
    }
    arena_free(&b.a);
    return st;
}

/* fsyncs the directory holding path, so a rename into it is durable. */
static int sync_dir(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) slash == dir ? (void)(slash[1] = 0) : (void)(*slash = 0);
    else snprintf(dir, sizeof dir, ".");
    const int fd = open(dir, O_RDONLY);
    if (fd < 0) return 0;
    /* some file systems cannot sync a directory (EINVAL): the rename is as durable as it gets */
    const int bad = fsync(fd) != 0 && errno != EINVAL;
    close(fd);
    return bad ? -1 : 0;
}

cs_status cs_onnx_export(const cs_net *net, const char *path)
{
    uint8_t *data;
    size_t size;
    cs_status st = cs_onnx_export_buffer(net, &data, &size);
    if (st) return st;
    char tmp[4096];
    FILE *f = NULL;
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        st = cs_fail(CS_ERR_IO, "%s: path too long", path);
    else if (!(f = fopen(tmp, "wb")))
        st = cs_fail(CS_ERR_IO, "%s: cannot create %s (%s)", path, tmp, strerror(errno));
    else {
        int ok = fwrite(data, 1, size, f) == size;
        ok = fflush(f) == 0 && ok;
        ok = fsync(fileno(f)) == 0 && ok;
        const int err = errno;
        ok = fclose(f) == 0 && ok;
        if (!ok) st = cs_fail(CS_ERR_IO, "%s: writing %s failed (%s)", path, tmp, strerror(err));
        else if (rename(tmp, path) != 0)
            st = cs_fail(CS_ERR_IO, "%s: cannot rename %s over it (%s)", path, tmp, strerror(errno));
        else if (sync_dir(path) != 0)
            st = cs_fail(CS_ERR_IO, "%s: written, but its directory could not be synced (%s)", path, strerror(errno));
        if (st) remove(tmp);
    }
    free(data);
    return st;
}
