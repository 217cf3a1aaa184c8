/* cs_net.h - a small CNN built from a text spec: layers, parameters, forward and backward.
 *
 * Spec grammar (tokens separated by ',' or '|' or '->' or newlines; case-insensitive):
 *   input HxWxC                first token, e.g. "input 28x28x1"
 *   conv OC@K [stride S] [pad P]   e.g. "conv 8@5 pad 2"; "OC@KHxKW" for a KH x KW kernel; any
 *                              padding whose padded input holds the kernel, as PyTorch (outputs
 *                              whose window lies wholly in the padding are the bias)
 *   relu | tanh | sigmoid | leakyrelu [ALPHA]   (ALPHA defaults to 0.01)
 *   maxpool K [stride S] [pad P] [ceil]         stride defaults to K; also "pool K" (= maxpool)
 *   avgpool K [stride S] [pad P] [ceil] [include-pad]
 *   globalavgpool              the mean of each map: C x H x W -> C x 1 x 1
 *   flatten                    C x H x W -> (C*H*W) x 1 x 1, the same numbers
 *   affine                     per channel y = w[c] * x + b[c] (a BatchNormalization at inference),
 *                              starting as the identity
 *   fc OUT                     fully connected (flattens its input)
 *   softmax                    optional last layer
 * Windows: K is "K" or "KHxKW"; "stride S" or "stride SH SW"; "pad P", "pad PH PW" or
 * "pad T L B R" (top, left, bottom, right: ONNX's order). Pool padding is at most half the
 * window on each side, as PyTorch allows; "ceil" keeps a last partial window.
 * Presets: "mnist", "cifar", "article", "colour" (see cs_net_preset_spec).
 *
 * Memory: all parameters live in one block (params) and all gradients in a parallel
 * block (grads); each layer's w/b/dw/db point into them. Activations, deltas and
 * scratch are sized for max_batch when the net is built: forward/backward never allocate.
 *
 * Threads: the thread count is an argument of cs_net_create, never a process-wide setting.
 * Forward and backward split the batch into min(n, n_chunks) fixed chunks that the threads of
 * the net's pool (cs_pool.h) take as they come free. Each chunk accumulates its parameter
 * gradients into its own block, and the blocks are summed in chunk order, so the result depends
 * only on the batch and n_chunks, not on which thread ran which chunk. Buffers are sized at
 * creation for the net's threads (per-thread conv scratch) and n_chunks = max(CS_NET_MIN_CHUNKS,
 * threads) chunks. With up to CS_NET_MIN_CHUNKS threads the trained weights are bit-identical
 * whatever the thread count (tests/test_run.c checks 1 against 4).
 */
#ifndef CS_NET_H
#define CS_NET_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"
#include "cs_pool.h"
#include "cs_rng.h"
#include "cs_tensor.h"

typedef enum {
    CS_LAYER_CONV,
    CS_LAYER_RELU,
    CS_LAYER_TANH,
    CS_LAYER_SIGMOID,
    CS_LAYER_MAXPOOL,
    CS_LAYER_AVGPOOL,
    CS_LAYER_FC,
    CS_LAYER_SOFTMAX,
    CS_LAYER_LEAKYRELU,
    CS_LAYER_GLOBALAVGPOOL,
    CS_LAYER_FLATTEN,
    CS_LAYER_AFFINE
} cs_layer_kind;

typedef enum { CS_LOSS_XENT, CS_LOSS_MSE } cs_loss_kind;

/* Batch chunks processed in parallel, at least (see the note on threads above). */
enum { CS_NET_MIN_CHUNKS = 4 };

typedef struct {
    cs_layer_kind kind;
    char name[32];            /* "conv1", "relu1", "pool2", "fc1", "softmax" */
    int in_c, in_h, in_w;     /* per-sample input shape */
    int out_c, out_h, out_w;  /* per-sample output shape (fc: out_c = OUT, out_h = out_w = 1) */
    int k, stride, pad;       /* conv and pool: win.kh, win.sh, win.pt (the whole window when square) */
    cs_win win;               /* conv and pool window: KH x KW, strides, padding per side, ceil mode */
    int include_pad;          /* avgpool: padding counts in the divisor (ONNX count_include_pad) */
    float alpha;              /* leakyrelu: the slope for negative inputs */
    float *w;                 /* conv: (OC, C, KH, KW); fc: (OUT, IN); affine: (C). Points into net->params, or NULL */
    float *b;                 /* (OC) or (OUT), into net->params, or NULL */
    float *dw, *db;           /* same shapes, into net->grads */
    size_t w_count, b_count;  /* element counts of w and b */
    float *out;               /* (max_batch, out_c, out_h, out_w), owned by the net */
    float *dout;              /* same shape: d loss / d out, owned by the net */
    int *argmax;              /* maxpool only: (max_batch, out_c, out_h, out_w), owned by the net */
} cs_layer;

typedef struct {
    char *spec;               /* normalised spec text, owned */
    int in_c, in_h, in_w;     /* input shape per sample */
    int max_batch;
    int n_layers;
    cs_layer *layers;         /* owned, n_layers entries */
    float *params;            /* owned block of n_params floats */
    float *grads;             /* owned block of n_params floats, parallel to params */
    size_t n_params;
    float *input;             /* (max_batch, in_c, in_h, in_w), owned; callers fill it */
    float *scratch;           /* owned workspace for the conv kernels: n_threads slices of scratch_floats */
    size_t scratch_floats;
    int n_classes;            /* output width of the last layer */
    int n_threads;            /* threads the per-thread scratch and the pool are sized for (>= 1) */
    cs_pool *pool;            /* owned; NULL when n_threads is 1 */
    int n_chunks;             /* batch chunks (>= 1) */
    float *chunk_grads;       /* owned: (n_chunks - 1, n_params) gradient blocks of chunks 1.. */
    double *prof_fwd;         /* (n_layers) seconds per layer forward (summed over threads and divided by
                               * their count), summed over calls; NULL = off */
    double *prof_bwd;         /* (n_layers + 1) the same for backward, then loss + gradient sums */
    long prof_steps;          /* backward calls while profiling */
    double *prof_thread;      /* owned: per-thread timers behind prof_fwd and prof_bwd */
    double *prof_busy;        /* (n_threads) seconds each thread spent running chunks while profiling */
    long *prof_chunks;        /* (n_threads) chunks each thread ran while profiling */
} cs_net;

/* Numbers in a spec: sides (input height and width, kernel and window sizes, stride, pad)
 * 1..CS_NET_MAX_SIDE (pad from 0), counts (input channels, filters, fc outputs)
 * 1..CS_NET_MAX_CHANNELS; others are refused naming the item, never wrapped. */
#define CS_NET_MAX_SIDE 4096
#define CS_NET_MAX_CHANNELS 65536
#define CS_NET_MAX_BATCH (1 << 20)

/* Budgets checked by cs_net_create before the parameter, gradient and activation blocks
 * are allocated: values per input image (16,777,216: 4096x4096x1), parameters
 * (16,777,216), and the bytes of parameters, gradients, per-chunk gradient blocks, the
 * input and every layer's outputs and deltas for the max batch, plus one thread's conv
 * scratch (2 GiB). The mnist preset at batch 20 takes 2.6 MB. */
#define CS_NET_MAX_INPUT_VALUES ((size_t)1 << 24)
#define CS_NET_MAX_PARAMS ((size_t)1 << 24)
#define CS_NET_MAX_BYTES ((uint64_t)2 << 30)

typedef struct {
    size_t max_input_values;  /* per image */
    size_t max_params;
    uint64_t max_bytes;
} cs_net_budget;

/* The defaults above. */
void cs_net_budget_defaults(cs_net_budget *b);

/* Preset specs by name ("mnist", "cifar", "article", "colour"); NULL if unknown. Static strings. */
const char *cs_net_preset_spec(const char *name);
/* Comma-separated list of the preset names (static). */
const char *cs_net_preset_names(void);

/* Builds a network from a preset name or a spec for batches of up to max_batch samples
 * (1..CS_NET_MAX_BATCH), run on `threads` threads (the caller's included; clamped to
 * [1, min(max_batch, 256)]; a pool of threads - 1 workers is started when it is above 1), within
 * the default budgets. Parameters are zero until cs_net_init_params. On failure *out is NULL and
 * cs_last_error() names the token or layer and the shapes, or the budget and what the net would
 * need (CS_ERR_SPEC, CS_ERR_SHAPE, CS_ERR_ARG, CS_ERR_NOMEM). The caller owns *out: free with
 * cs_net_destroy. */
cs_status cs_net_create(cs_net **out, const char *spec_or_preset, int max_batch, int threads);
/* The same within budget (NULL: the defaults). */
cs_status cs_net_create_budget(cs_net **out, const char *spec_or_preset, int max_batch, int threads,
                               const cs_net_budget *budget);
void cs_net_destroy(cs_net *net);

/* He initialisation (normal, std sqrt(2/fan_in)) for layers followed by ReLU, Xavier
 * (std sqrt(1/fan_in)) otherwise; biases zero. Deterministic for a given rng state. */
void cs_net_init_params(cs_net *net, cs_rng *rng);

/* Forward pass over the first n samples of net->input (n <= max_batch). Returns the
 * output of the last layer: (n, n_classes), owned by the net. */
const float *cs_net_forward(cs_net *net, int n);

/* Turns the per-layer and per-thread timers on (zeroed) or off. Each layer of each chunk reads
 * the clock twice; leave it off when measuring throughput. */
cs_status cs_net_set_profiling(cs_net *net, int on);

/* Zeroes net->grads. */
void cs_net_zero_grads(cs_net *net);

/* After cs_net_forward(net, n): computes the loss against labels (n entries), backprops
 * it, and ACCUMULATES parameter gradients into net->grads. Returns the mean loss. Afterwards
 * every layer's dout holds d loss / d out for the n samples (a final softmax's too when the
 * cross-entropy is fused with it: -onehot / (n p), which training itself never reads); the
 * input's gradient is not computed. */
float cs_net_backward(cs_net *net, const int *labels, int n, cs_loss_kind loss);

/* The loss of the last forward pass without backprop. */
float cs_net_loss(cs_net *net, const int *labels, int n, cs_loss_kind loss);

/* Class probabilities of sample i after a forward pass: writes n_classes floats to
 * probs (softmax of the output if the net has no softmax layer). */
void cs_net_probs(const cs_net *net, int i, float *probs);

/* Pointer to sample i's output maps of layer l: (out_c, out_h, out_w). Borrowed. */
const float *cs_net_layer_output(const cs_net *net, int l, int i);

/* Index of the last layer with a given kind before layer l, or -1. */
int cs_net_find_prev(const cs_net *net, int l, cs_layer_kind kind);

/* One-line human description of layer l, e.g. "conv1 8@28x28 (5x5, pad 2)". */
void cs_net_describe_layer(const cs_net *net, int l, char *buf, size_t size);

#endif
