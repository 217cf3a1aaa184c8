/* cs_onnx.h - ONNX models in and out of convscope.
 *
 * Import turns an ONNX graph into a convscope net: its spec text (so it is shown, saved in
 * checkpoints and rebuilt like any net) and its parameter block. The graph must be a chain
 * from one float input to one output through the operators below; BatchNormalization right
 * after a Conv or Gemm is folded into its weights and bias, a zero Pad is merged into the
 * padding of the layer after it, Dropout and Identity are dropped (pass-throughs at
 * inference), and each such change is reported in `notes`. Anything else is
 * refused with CS_ERR_UNSUPPORTED and one line naming the operator, the node and what is
 * supported. A file that is not valid ONNX (truncated, wrong types, dims that disagree, a
 * missing initializer, a cycle, sizes past the budgets) is refused with CS_ERR_FORMAT, or
 * CS_ERR_IO when it cannot be read; nothing is half-built.
 *
 * Supported (ai.onnx, any opset; the spec items they become):
 *   Conv (group 1, dilation 1, 1-D or 2-D, any strides and pads, auto_pad)   conv
 *   Relu, LeakyRelu, Tanh, Sigmoid                                           relu, leakyrelu A, tanh, sigmoid
 *   MaxPool, AveragePool (pads, strides, ceil_mode, count_include_pad;
 *     each pad below the window)                                             maxpool, avgpool
 *   GlobalAveragePool                                                        globalavgpool
 *   Flatten, Reshape to [batch..., features]                                 flatten (or nothing before fc)
 *   Gemm (alpha, beta, transB; transA 0), MatMul with a constant 2-D
 *     second operand, + Add of a constant bias                               fc
 *   Softmax over a sample's features, as the last operator                   softmax
 *   Dropout (inference, or training mode with ratio 0), Identity             (dropped)
 *   BatchNormalization (inference): folded into a Conv or Gemm right before
 *     it, otherwise a layer of its own                                        affine
 *   Pad (zeros, spatial axes) before Conv or AveragePool                     (their padding)
 *   Constant                                                                 (an initializer)
 *
 * Tensors: the input is (batch..., C, H, W): the leading `batch_axes` axes are the batch and
 * the rest one sample, read as C x H x W (3 axes), C x 1 x W (2 axes: 1-D signals), C x 1 x 1
 * (1 axis: features) or 1 x 1 x 1. Usually batch_axes is 1; Flatten, Reshape and Softmax
 * over later axes of a graph that has no layer in between fix it otherwise. Data is
 * NCHW-contiguous either way, so an ONNX tensor is N samples back to back.
 *
 * Budgets (untrusted files): a model file and each external-data file at most
 * CS_ONNX_MAX_FILE_BYTES; decoding the protobuf at most 4 bytes of memory per file byte plus
 * 16 MiB; at most CS_ONNX_MAX_NODES nodes and initializers; at most CS_ONNX_MAX_PARAMS
 * parameters and CS_ONNX_MAX_ELEMS elements in any one tensor (activations included), and
 * 4 x CS_ONNX_MAX_ELEMS elements of activations in all.
 *
 * Export writes a net as an ONNX model (opset 13, IR version 7): input "input" of
 * (N, C, H, W) with N symbolic (or (N, F) for a net of fully connected layers on a 1x1xF
 * input), one node per layer named after it, a Flatten before the first Gemm, the final
 * Softmax when the spec has one, output "output". Written atomically (FILE.tmp.PID, fsync,
 * rename, fsync of the directory).
 */
#ifndef CS_ONNX_H
#define CS_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"
#include "cs_net.h"

#define CS_ONNX_MAX_FILE_BYTES ((size_t)512 << 20) /* 512 MiB */
#define CS_ONNX_MAX_PARAMS ((size_t)64 << 20)      /* 64 Mi floats: 256 MiB of weights */
#define CS_ONNX_MAX_ELEMS ((size_t)64 << 20)       /* elements of one tensor */
#define CS_ONNX_MAX_NODES 10000                    /* nodes, and initializers, of one graph */
#define CS_ONNX_MAX_RANK 8

/* ONNX TensorProto data types that convscope reads. */
enum { CS_ONNX_FLOAT = 1, CS_ONNX_UINT8 = 2, CS_ONNX_INT32 = 6, CS_ONNX_INT64 = 7, CS_ONNX_BOOL = 9,
       CS_ONNX_DOUBLE = 11 };

/* One tensor read from a file (a backend test's input_0.pb, output_0.pb). */
typedef struct {
    char *name;                      /* owned, "" when the file names none */
    int dtype;                       /* CS_ONNX_FLOAT, CS_ONNX_INT64, ... */
    int rank;
    int64_t dims[CS_ONNX_MAX_RANK];
    size_t count;                    /* product of dims */
    float *f;                        /* owned: (count) values when dtype is FLOAT or DOUBLE, else NULL */
    int64_t *i;                      /* owned: (count) values for INT64, INT32, BOOL, UINT8, else NULL */
} cs_onnx_tensor;

/* Reads a serialized TensorProto (float, double, int64, int32, bool or uint8 elements) from
 * path. On failure *t is zeroed and cs_last_error() names the file. The caller owns the
 * tensor: free with cs_onnx_tensor_free. */
cs_status cs_onnx_read_tensor(cs_onnx_tensor *t, const char *path);
void cs_onnx_tensor_free(cs_onnx_tensor *t);

/* A model as convscope runs it. */
typedef struct {
    char *spec;                      /* owned: the net, e.g. "input 28x28x1, conv 6@5, relu, ..." */
    float *params;                   /* owned: (n_params) in cs_net order (per layer, weights then biases) */
    size_t n_params;
    char *notes;                     /* owned: one line per fold or dropped node ("" if none) */
    char *input_name;                /* owned: the graph's data input */
    char *output_name;               /* owned: the graph's output */
    int opset;                       /* of the default (ai.onnx) domain */
    int batch_axes;                  /* leading input axes that are the batch */
    int in_rank, out_rank;
    int64_t in_dims[CS_ONNX_MAX_RANK];  /* the input's dims as imported (symbolic ones as given or 1) */
    int64_t out_dims[CS_ONNX_MAX_RANK]; /* the output's dims for that input */
} cs_onnx_model;

/* Import options; NULL means none. */
typedef struct {
    /* Constants for the graph inputs after the first that are not initializers, in order
     * (a backend test's input_1.pb ...): convscope nets have one input, so the others must be
     * weights. Borrowed. */
    const cs_onnx_tensor *bound;
    int n_bound;
    /* The data input's dims, for models whose declared shape has symbolic or missing dims;
     * NULL uses the declared dims with a symbolic first (batch) dim as 1. Borrowed. */
    const int64_t *input_dims;
    int input_rank;
} cs_onnx_import_opts;

/* Imports the ONNX model at path (external-data files are read from its directory). On
 * failure *m is zeroed and cs_last_error() is one line naming the file and, for graph
 * problems, the node. The caller owns *m: free with cs_onnx_model_free. */
cs_status cs_onnx_import(cs_onnx_model *m, const char *path, const cs_onnx_import_opts *opts);
/* The same from bytes in memory; name is used in messages, dir (or NULL: none allowed) is
 * where external-data files are looked up. */
cs_status cs_onnx_import_buffer(cs_onnx_model *m, const uint8_t *data, size_t size, const char *name,
                                const char *dir, const cs_onnx_import_opts *opts);
void cs_onnx_model_free(cs_onnx_model *m);

/* The distinct operator types of the model at path, comma-separated in order of first use,
 * into buf (truncated to size). */
cs_status cs_onnx_list_ops(const char *path, char *buf, size_t size);

/* Builds m's net for batches of up to max_batch on `threads` threads (see cs_net_create) and
 * copies its parameters in. The caller owns *out: free with cs_net_destroy. */
cs_status cs_onnx_net_create(cs_net **out, const cs_onnx_model *m, int max_batch, int threads);

/* Serializes net (spec and current parameters) as an ONNX model. *data is owned by the
 * caller (free()). Fails with CS_ERR_UNSUPPORTED for nothing today; CS_ERR_NOMEM. */
cs_status cs_onnx_export_buffer(const cs_net *net, uint8_t **data, size_t *size);
/* Writes net to path as an ONNX model, atomically. */
cs_status cs_onnx_export(const cs_net *net, const char *path);

#endif
