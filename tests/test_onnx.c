/* test_onnx.c - the ONNX reader and writer: export -> import round trips that give the same
 * outputs bit for bit, BatchNormalization folding against the formula, Dropout and Identity
 * dropped, external data, and hostile files (truncated at every length, missing
 * initializers, cycles, wrong types, dims that disagree, huge declared sizes, unsupported
 * operators) that must give one line and a status, never a crash. Models are made by the
 * exporter and edited through the protobuf-c structures generated from onnx.proto. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cs_net.h"
#include "cs_onnx.h"
#include "cs_rng.h"
#include "onnx.pb-c.h"

/* A net with random weights (a few SGD-like perturbations are not needed: any weights do). */
static cs_net *make_net(const char *spec, int batch, uint32_t seed)
{
    cs_net *net;
    if (cs_net_create(&net, spec, batch, 1) != CS_OK) fail_msg("%s: %s", spec, cs_last_error());
    cs_rng rng;
    cs_rng_seed(&rng, seed);
    cs_net_init_params(net, &rng);
    for (size_t i = 0; i < net->n_params; i++) net->params[i] += 0.1f * cs_rng_normal(&rng); /* non-zero biases */
    return net;
}

static void fill_inputs(cs_net *net, int n, uint32_t seed)
{
    cs_rng rng;
    cs_rng_seed(&rng, seed);
    const size_t count = (size_t)n * net->in_c * net->in_h * net->in_w;
    for (size_t i = 0; i < count; i++) net->input[i] = cs_rng_uniform(&rng);
}

static uint8_t *export_bytes(const cs_net *net, size_t *size)
{
    uint8_t *data;
    if (cs_onnx_export_buffer(net, &data, size) != CS_OK) fail_msg("export: %s", cs_last_error());
    return data;
}

/* A few steps of plain SGD on random images and labels, so the weights are trained ones. */
static void train_a_little(cs_net *net, int n)
{
    int labels[100];
    for (int step = 0; step < 10; step++) {
        fill_inputs(net, n, 100 + (uint32_t)step);
        for (int i = 0; i < n; i++) labels[i] = (i * 7 + step) % net->n_classes;
        cs_net_zero_grads(net);
        cs_net_forward(net, n);
        cs_net_backward(net, labels, n, CS_LOSS_XENT);
        for (size_t i = 0; i < net->n_params; i++) net->params[i] -= 0.05f * net->grads[i];
    }
}

/* Train, export, import, and the same outputs on 100 inputs, bit for bit: the import
 * rebuilds the same layers with the same weights, so the same kernels run. */
static void round_trip_tol(const char *spec, float tol)
{
    enum { N = 100 };
    cs_net *net = make_net(spec, N, 21);
    train_a_little(net, N);
    size_t size;
    uint8_t *data = export_bytes(net, &size);
    cs_onnx_model m;
    if (cs_onnx_import_buffer(&m, data, size, "round-trip.onnx", NULL, NULL) != CS_OK)
        fail_msg("%s: import: %s", spec, cs_last_error());
    cs_net *back;
    if (cs_onnx_net_create(&back, &m, N, 1) != CS_OK) fail_msg("%s: %s", m.spec, cs_last_error());
    fill_inputs(net, N, 5);
    memcpy(back->input, net->input, (size_t)N * net->in_c * net->in_h * net->in_w * sizeof(float));
    const float *a = cs_net_forward(net, N), *b = cs_net_forward(back, N);
    assert_int_equal(back->n_classes, net->n_classes);
    if (tol == 0) {
        assert_int_equal(back->n_params, net->n_params);
        assert_memory_equal(back->params, net->params, net->n_params * sizeof(float));
        assert_memory_equal(a, b, (size_t)N * net->n_classes * sizeof(float));
    } else
        for (size_t i = 0; i < (size_t)N * net->n_classes; i++)
            if (!(fabsf(a[i] - b[i]) <= tol * (1 + fabsf(a[i])))) fail_msg("%s: output %zu: %g vs %g", spec, i, a[i], b[i]);
    /* the imported spec lists the same layers */
    assert_int_equal(m.batch_axes, 1);
    cs_net_destroy(back);
    cs_net_destroy(net);
    cs_onnx_model_free(&m);
    free(data);
}

static void round_trip(const char *spec) { round_trip_tol(spec, 0); }

static void test_round_trip(void **state)
{
    (void)state;
    round_trip("mnist");
    round_trip("cifar");
    round_trip("input 9x7x2, conv 4@3x2 stride 2 1 pad 1 0 0 1, leakyrelu 0.2, maxpool 2 pad 1 ceil, "
               "avgpool 2 stride 1 pad 1 include-pad, tanh, fc 5, sigmoid, fc 3, softmax");
    round_trip("input 8x8x3, conv 6@3 pad 1, relu, affine, globalavgpool, fc 4");
    round_trip("input 1x1x12, affine, fc 6, relu, affine, fc 3, softmax");
    /* an affine right after a conv comes back folded into it: the same function, rounded
     * differently (w_a * (w_c . x + b_c) + b_a against (w_a w_c) . x + (w_a b_c + b_a)) */
    round_trip_tol("input 8x8x2, conv 4@3, affine, relu, fc 3", 1e-5f);
    round_trip("input 1x1x12, fc 6, relu, fc 3, softmax");
    round_trip("input 6x6x1, avgpool 2, flatten, fc 3");
}

/* Writing to a path replaces the file atomically and reads back. */
static void test_export_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/cs_onnx_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/net.onnx", dir);
    cs_net *net = make_net("mnist", 2, 3);
    assert_int_equal(cs_onnx_export(net, path), CS_OK);
    assert_int_equal(cs_onnx_export(net, path), CS_OK); /* over an existing file */
    cs_onnx_model m;
    assert_int_equal(cs_onnx_import(&m, path, NULL), CS_OK);
    assert_string_equal(m.spec, "input 28x28x1, conv 8@5 pad 2, relu, maxpool 2, conv 16@5 pad 2, relu, maxpool 3, "
                                "fc 10, softmax");
    assert_string_equal(m.input_name, "input");
    assert_string_equal(m.output_name, "output");
    assert_int_equal(m.opset, 13);
    assert_int_equal(m.out_rank, 2);
    assert_int_equal(m.out_dims[1], 10);
    cs_onnx_model_free(&m);
    /* a directory that does not exist: one line, nothing written */
    assert_int_equal(cs_onnx_export(net, "/nonexistent-dir/x.onnx"), CS_ERR_IO);
    assert_non_null(strstr(cs_last_error(), "/nonexistent-dir/x.onnx"));
    cs_net_destroy(net);
    unlink(path);
    rmdir(dir);
}

/* ---- editing exported models --------------------------------------------------------- */

static Onnx__ModelProto *unpack(const uint8_t *data, size_t size)
{
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, size, data);
    assert_non_null(m);
    return m;
}

static uint8_t *repack(const Onnx__ModelProto *m, size_t *size)
{
    *size = onnx__model_proto__get_packed_size(m);
    uint8_t *buf = malloc(*size);
    onnx__model_proto__pack(m, buf);
    return buf;
}

/* Imports bytes and checks the status and that the message has `want` in it and is one line. */
static void expect_import(const uint8_t *data, size_t size, cs_status want, const char *text)
{
    cs_onnx_model m;
    const cs_status st = cs_onnx_import_buffer(&m, data, size, "edited.onnx", NULL, NULL);
    if (st != want) fail_msg("status %d (%s), want %d; message: %s", st, cs_status_name(st), want, cs_last_error());
    if (!strstr(cs_last_error(), text)) fail_msg("message '%s' lacks '%s'", cs_last_error(), text);
    if (strchr(cs_last_error(), '\n')) fail_msg("message '%s' is not one line", cs_last_error());
    assert_null(m.spec);
}

static Onnx__NodeProto *find_node(Onnx__ModelProto *m, const char *name)
{
    for (size_t k = 0; k < m->graph->n_node; k++)
        if (strcmp(m->graph->node[k]->name, name) == 0) return m->graph->node[k];
    fail_msg("no node %s", name);
    return NULL;
}

static Onnx__TensorProto *find_init(Onnx__ModelProto *m, const char *name)
{
    for (size_t k = 0; k < m->graph->n_initializer; k++)
        if (strcmp(m->graph->initializer[k]->name, name) == 0) return m->graph->initializer[k];
    fail_msg("no initializer %s", name);
    return NULL;
}

static void test_hostile_models(void **state)
{
    (void)state;
    cs_net *net = make_net("input 12x12x1, conv 4@3 pad 1, relu, maxpool 2, fc 5, softmax", 1, 8);
    size_t size, n2;
    uint8_t *data = export_bytes(net, &size);
    Onnx__ModelProto *m = unpack(data, size);
    uint8_t *b;

    /* a missing initializer */
    Onnx__TensorProto *w = find_init(m, "conv1.weight");
    char *keep_name = w->name;
    w->name = "conv1.weights";
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_FORMAT, "input 'conv1.weight' is not a graph input, an initializer or a node's output");
    free(b);
    w->name = keep_name;

    /* a cycle: conv1 reads relu1's output */
    Onnx__NodeProto *conv = find_node(m, "conv1");
    char *keep_in = conv->input[0];
    conv->input[0] = "relu1";
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_FORMAT, "cycle");
    free(b);
    conv->input[0] = keep_in;

    /* wrong types: float16 weights, an int64 input */
    w->data_type = 10;
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_UNSUPPORTED, "float16 elements");
    free(b);
    w->data_type = CS_ONNX_FLOAT;
    Onnx__TypeProto__Tensor *tt = m->graph->input[0]->type->tensor_type;
    tt->elem_type = CS_ONNX_INT64;
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_UNSUPPORTED, "holds int64");
    free(b);
    tt->elem_type = CS_ONNX_FLOAT;

    /* dims that disagree: weights for 3 input channels on a 1-channel input; fewer values than dims */
    w->dims[1] = 3;
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_FORMAT, "values for dims that give 108");
    free(b);
    w->dims[1] = 1;
    Onnx__TensorProto *fw = find_init(m, "fc1.weight");
    fw->dims[1] = 145;
    fw->n_float_data = 5 * 145; /* values consistent with the dims, but not with the input */
    float *many = calloc(5 * 145, sizeof(float));
    float *keep_f = fw->float_data;
    fw->float_data = many;
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_FORMAT, "does not take 144 features");
    free(b);
    fw->dims[1] = 144, fw->n_float_data = 5 * 144, fw->float_data = keep_f;
    free(many);

    /* a huge declared size: refused by the budget before anything is allocated */
    fw->dims[0] = (int64_t)1 << 40;
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_FORMAT, "budget");
    free(b);
    fw->dims[0] = 5;

    /* an operator convscope does not have, and a node off the chain */
    Onnx__NodeProto *relu = find_node(m, "relu1");
    char *keep_op = relu->op_type;
    relu->op_type = "Elu";
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_UNSUPPORTED, "node 'relu1' (Elu): convscope supports Conv, Relu");
    free(b);
    relu->op_type = keep_op;

    /* a tensor feeding two nodes */
    Onnx__NodeProto *pool = find_node(m, "pool1");
    char *keep_pin = pool->input[0];
    pool->input[0] = "conv1";
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_UNSUPPORTED, "feeds 2 nodes");
    free(b);
    pool->input[0] = keep_pin;

    /* a pool window that could lie wholly in the padding */
    Onnx__AttributeProto *pads = NULL;
    for (size_t k = 0; k < pool->n_attribute; k++)
        if (!strcmp(pool->attribute[k]->name, "pads")) pads = pool->attribute[k];
    assert_non_null(pads);
    pads->ints[0] = 2;
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_UNSUPPORTED, "wholly in the padding");
    free(b);
    pads->ints[0] = 0;

    /* the edited-back model imports again */
    b = repack(m, &n2);
    cs_onnx_model ok;
    assert_int_equal(cs_onnx_import_buffer(&ok, b, n2, "edited.onnx", NULL, NULL), CS_OK);
    cs_onnx_model_free(&ok);
    free(b);

    /* not protobuf at all, and empty */
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x01};
    expect_import(junk, sizeof junk, CS_ERR_FORMAT, "not an ONNX model");
    expect_import(junk, 0, CS_ERR_FORMAT, "no graph");

    /* truncated at every length: an error, or (cut at a field boundary past the graph) the
     * same model; never a crash */
    for (size_t len = 0; len < size; len++) {
        cs_onnx_model t;
        const cs_status st = cs_onnx_import_buffer(&t, data, len, "cut.onnx", NULL, NULL);
        if (st == CS_OK) {
            assert_int_equal(t.n_params, net->n_params);
            cs_onnx_model_free(&t);
        } else
            assert_true(st == CS_ERR_FORMAT || st == CS_ERR_UNSUPPORTED);
    }
    onnx__model_proto__free_unpacked(m, NULL);
    free(data);
    cs_net_destroy(net);
}

/* Conv -> BatchNormalization -> Relu, and Dropout and Identity on the way: the fold follows
 * y = (conv(x) - mean) * scale / sqrt(var + eps) + bias. */
static void test_batchnorm_fold(void **state)
{
    (void)state;
    cs_net *net = make_net("input 6x6x2, conv 3@3, relu, fc 4", 1, 4);
    size_t size, n2;
    uint8_t *data = export_bytes(net, &size);
    Onnx__ModelProto *m = unpack(data, size);
    Onnx__GraphProto *g = m->graph;
    /* conv1 -> bn -> drop -> id -> relu1 */
    float scale[3] = {0.5f, 2.0f, -1.0f}, beta[3] = {0.1f, -0.2f, 0.3f}, mean[3] = {1.0f, 0.0f, -0.5f},
          var[3] = {4.0f, 0.25f, 1.0f};
    float *vals[4] = {scale, beta, mean, var};
    const char *names[4] = {"bn.scale", "bn.bias", "bn.mean", "bn.var"};
    Onnx__TensorProto t[4];
    int64_t dim3 = 3;
    Onnx__TensorProto **inits = malloc((g->n_initializer + 4) * sizeof *inits);
    memcpy(inits, g->initializer, g->n_initializer * sizeof *inits);
    for (int k = 0; k < 4; k++) {
        onnx__tensor_proto__init(&t[k]);
        t[k].name = (char *)names[k];
        t[k].has_data_type = 1, t[k].data_type = CS_ONNX_FLOAT;
        t[k].n_dims = 1, t[k].dims = &dim3;
        t[k].n_float_data = 3, t[k].float_data = vals[k];
        inits[g->n_initializer + k] = &t[k];
    }
    Onnx__NodeProto bn, drop, id;
    char *bn_in[5] = {"conv1", "bn.scale", "bn.bias", "bn.mean", "bn.var"}, *bn_out[1] = {"bn_out"};
    char *drop_in[1] = {"bn_out"}, *drop_out[1] = {"drop_out"}, *id_in[1] = {"drop_out"}, *id_out[1] = {"id_out"};
    Onnx__AttributeProto eps = ONNX__ATTRIBUTE_PROTO__INIT, *bn_attrs[1] = {&eps};
    eps.name = "epsilon", eps.has_type = 1, eps.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
    eps.has_f = 1, eps.f = 0.01f;
    onnx__node_proto__init(&bn), onnx__node_proto__init(&drop), onnx__node_proto__init(&id);
    bn.name = "bn", bn.op_type = "BatchNormalization", bn.n_input = 5, bn.input = bn_in, bn.n_output = 1, bn.output = bn_out;
    bn.n_attribute = 1, bn.attribute = bn_attrs;
    drop.name = "drop", drop.op_type = "Dropout", drop.n_input = 1, drop.input = drop_in, drop.n_output = 1;
    drop.output = drop_out;
    id.name = "id", id.op_type = "Identity", id.n_input = 1, id.input = id_in, id.n_output = 1, id.output = id_out;
    Onnx__NodeProto **nodes = malloc((g->n_node + 3) * sizeof *nodes);
    nodes[0] = g->node[0], nodes[1] = &bn, nodes[2] = &drop, nodes[3] = &id;
    memcpy(nodes + 4, g->node + 1, (g->n_node - 1) * sizeof *nodes);
    Onnx__NodeProto *relu = find_node(m, "relu1");
    char *keep_in = relu->input[0];
    relu->input[0] = "id_out";
    Onnx__NodeProto **keep_nodes = g->node;
    Onnx__TensorProto **keep_inits = g->initializer;
    const size_t keep_nn = g->n_node, keep_ni = g->n_initializer;
    g->node = nodes, g->n_node += 3, g->initializer = inits, g->n_initializer += 4;
    uint8_t *b = repack(m, &n2);
    g->node = keep_nodes, g->n_node = keep_nn, g->initializer = keep_inits, g->n_initializer = keep_ni;
    relu->input[0] = keep_in;
    free(nodes), free(inits);

    cs_onnx_model im;
    if (cs_onnx_import_buffer(&im, b, n2, "bn.onnx", NULL, NULL) != CS_OK) fail_msg("%s", cs_last_error());
    assert_string_equal(im.spec, "input 6x6x2, conv 3@3, relu, fc 4");
    assert_non_null(strstr(im.notes, "BatchNormalization 'bn' folded into conv1 (epsilon 0.01)"));
    assert_non_null(strstr(im.notes, "Dropout 'drop' dropped"));
    assert_non_null(strstr(im.notes, "Identity 'id' dropped"));
    const cs_layer *L = &net->layers[0];
    const size_t per = L->w_count / 3;
    for (int c = 0; c < 3; c++) {
        const double s = scale[c] / sqrt((double)var[c] + 0.01f);
        for (size_t i = 0; i < per; i++)
            assert_float_equal(im.params[c * per + i], L->w[c * per + i] * s, 1e-6);
        assert_float_equal(im.params[L->w_count + (size_t)c], (L->b[c] - mean[c]) * s + beta[c], 1e-6);
    }
    /* the rest is untouched */
    const size_t rest = net->n_params - L->w_count - L->b_count;
    assert_memory_equal(im.params + L->w_count + L->b_count, net->params + L->w_count + L->b_count, rest * sizeof(float));
    cs_onnx_model_free(&im);
    free(b);
    onnx__model_proto__free_unpacked(m, NULL);
    free(data);
    cs_net_destroy(net);
}

/* Weights in a side file: read when beside the model, refused when the location leaves its directory. */
static void test_external_data(void **state)
{
    (void)state;
    char dir[] = "/tmp/cs_onnx_ext_XXXXXX";
    assert_non_null(mkdtemp(dir));
    cs_net *net = make_net("input 5x5x1, conv 2@3, relu, fc 3", 1, 6);
    size_t size, n2;
    uint8_t *data = export_bytes(net, &size);
    Onnx__ModelProto *m = unpack(data, size);
    Onnx__TensorProto *w = find_init(m, "conv1.weight");
    /* 8 bytes of something else, then the 18 weights as little-endian floats */
    char bin[160], path[160];
    snprintf(bin, sizeof bin, "%s/weights.bin", dir);
    FILE *f = fopen(bin, "wb");
    fwrite("padding!", 1, 8, f);
    fwrite(net->layers[0].w, sizeof(float), 18, f);
    fclose(f);
    Onnx__StringStringEntryProto loc = ONNX__STRING_STRING_ENTRY_PROTO__INIT, off = ONNX__STRING_STRING_ENTRY_PROTO__INIT,
                                  len = ONNX__STRING_STRING_ENTRY_PROTO__INIT;
    loc.key = "location", loc.value = "weights.bin";
    off.key = "offset", off.value = "8";
    len.key = "length", len.value = "72";
    Onnx__StringStringEntryProto *ext[3] = {&loc, &off, &len};
    const size_t keep_n = w->n_float_data;
    float *keep_f = w->float_data;
    w->n_float_data = 0, w->float_data = NULL;
    w->has_data_location = 1, w->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    w->n_external_data = 3, w->external_data = ext;
    uint8_t *b = repack(m, &n2);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    f = fopen(path, "wb");
    fwrite(b, 1, n2, f);
    fclose(f);
    free(b);
    cs_onnx_model im;
    if (cs_onnx_import(&im, path, NULL) != CS_OK) fail_msg("%s", cs_last_error());
    assert_memory_equal(im.params, net->params, net->n_params * sizeof(float));
    cs_onnx_model_free(&im);
    /* from memory there is no directory to read it from */
    b = repack(m, &n2);
    expect_import(b, n2, CS_ERR_UNSUPPORTED, "external data ('weights.bin') needs the model's directory");
    free(b);
    /* a location outside the model's directory, and a length that disagrees */
    loc.value = "../weights.bin";
    b = repack(m, &n2);
    f = fopen(path, "wb");
    fwrite(b, 1, n2, f);
    fclose(f);
    free(b);
    assert_int_equal(cs_onnx_import(&im, path, NULL), CS_ERR_FORMAT);
    assert_non_null(strstr(cs_last_error(), "leaves the model's directory"));
    loc.value = "weights.bin", len.value = "70";
    b = repack(m, &n2);
    f = fopen(path, "wb");
    fwrite(b, 1, n2, f);
    fclose(f);
    free(b);
    assert_int_equal(cs_onnx_import(&im, path, NULL), CS_ERR_FORMAT);
    assert_non_null(strstr(cs_last_error(), "length 70"));
    w->n_float_data = keep_n, w->float_data = keep_f;
    w->has_data_location = 0, w->n_external_data = 0, w->external_data = NULL;
    onnx__model_proto__free_unpacked(m, NULL);
    free(data);
    cs_net_destroy(net);
    unlink(bin);
    unlink(path);
    rmdir(dir);
}

/* A tensor file as the backend tests store them. */
static void test_read_tensor(void **state)
{
    (void)state;
    char path[] = "/tmp/cs_onnx_tensor_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    Onnx__TensorProto t = ONNX__TENSOR_PROTO__INIT;
    int64_t dims[2] = {2, 3};
    const float v[6] = {1, -2, 3.5f, 0, 1e-3f, 7};
    uint8_t raw[24];
    for (int i = 0; i < 6; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        for (int k = 0; k < 4; k++) raw[4 * i + k] = (uint8_t)(u >> (8 * k));
    }
    t.name = "x", t.n_dims = 2, t.dims = dims, t.has_data_type = 1, t.data_type = CS_ONNX_FLOAT;
    t.has_raw_data = 1, t.raw_data.len = 24, t.raw_data.data = raw;
    uint8_t buf[128];
    const size_t n = onnx__tensor_proto__pack(&t, buf);
    assert_int_equal(write(fd, buf, n), (ssize_t)n);
    close(fd);
    cs_onnx_tensor x;
    assert_int_equal(cs_onnx_read_tensor(&x, path), CS_OK);
    assert_string_equal(x.name, "x");
    assert_int_equal(x.rank, 2);
    assert_int_equal(x.count, 6);
    assert_memory_equal(x.f, v, sizeof v);
    cs_onnx_tensor_free(&x);
    /* raw data one byte short */
    t.raw_data.len = 23;
    FILE *f = fopen(path, "wb");
    fwrite(buf, 1, onnx__tensor_proto__pack(&t, buf), f);
    fclose(f);
    assert_int_equal(cs_onnx_read_tensor(&x, path), CS_ERR_FORMAT);
    assert_non_null(strstr(cs_last_error(), "23 bytes of raw data for 6 float elements"));
    unlink(path);
    assert_int_equal(cs_onnx_read_tensor(&x, path), CS_ERR_IO);
}

/* The fuzzer's seeds (fuzz/corpus/onnx, given as the first argument): every one imports,
 * builds and runs, so the seeds start the fuzzer deep in the reader. */
static const char *corpus_dir;

static void test_seed_corpus(void **state)
{
    (void)state;
    const char *seeds[] = {"conv_asym_autopad.onnx", "matmul_add_softmax.onnx", "gemm_bn_reshape.onnx",
                           "conv1d_avgpool_ceil.onnx", "torch_tiny.onnx", "convscope_export.onnx"};
    if (!corpus_dir) skip();
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", corpus_dir, seeds[i]);
        cs_onnx_model m;
        if (cs_onnx_import(&m, path, NULL) != CS_OK) fail_msg("%s", cs_last_error());
        cs_net *net;
        if (cs_onnx_net_create(&net, &m, 2, 1) != CS_OK) fail_msg("%s: %s", m.spec, cs_last_error());
        fill_inputs(net, 2, 1);
        const float *y = cs_net_forward(net, 2);
        for (int k = 0; k < 2 * net->n_classes; k++) assert_true(isfinite(y[k]));
        cs_net_destroy(net);
        cs_onnx_model_free(&m);
    }
}

/* Inputs that once crashed the fuzz target (fuzz/crashes/onnx, the second argument): each
 * imports or is refused, under the sanitizers too. */
static const char *crash_dir;

static void test_fuzz_crashes(void **state)
{
    (void)state;
    if (!crash_dir) skip();
    DIR *d = opendir(crash_dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", crash_dir, e->d_name);
        cs_onnx_model m;
        if (cs_onnx_import(&m, path, NULL) == CS_OK) {
            cs_net *net;
            if (cs_onnx_net_create(&net, &m, 1, 1) == CS_OK) {
                cs_net_forward(net, 1);
                cs_net_destroy(net);
            }
            cs_onnx_model_free(&m);
        }
        n++;
    }
    closedir(d);
    assert_true(n >= 2);
}

int main(int argc, char **argv)
{
    corpus_dir = argc > 1 ? argv[1] : NULL;
    crash_dir = argc > 2 ? argv[2] : NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_export_file),
        cmocka_unit_test(test_hostile_models),
        cmocka_unit_test(test_batchnorm_fold),
        cmocka_unit_test(test_external_data),
        cmocka_unit_test(test_read_tensor),
        cmocka_unit_test(test_seed_corpus),
        cmocka_unit_test(test_fuzz_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
