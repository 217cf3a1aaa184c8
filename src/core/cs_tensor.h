/* cs_tensor.h - dimension legend and the plain kernels of the convscope core.
 *
 * All tensors are float32, row-major, NCHW. Dimension letters, project-wide:
 *   N  batch size            C  input channels        H, W  input height / width
 *   OC output channels       OH, OW output height / width
 *   K  kernel (or pool window) size, square          S  stride      P  zero padding
 *   IN / OUT  fully connected input / output width
 * Kernels are free functions on raw pointers: output first, then inputs, then dimensions.
 * Backward kernels ACCUMULATE (+=) into parameter gradients; input gradients are
 * overwritten. Preconditions are asserted, not reported: shapes were checked when the
 * network was built. No kernel allocates.
 */
#ifndef CS_TENSOR_H
#define CS_TENSOR_H

#include <stddef.h>

/* Output size of a conv or pool along one axis (floor mode, as PyTorch's default).
 * Returns <= 0 when the window does not fit. */
static inline int cs_out_size(int in, int k, int s, int p) { return (in + 2 * p - k) / s + 1 - ((in + 2 * p - k) < 0); }

/* ---- convolution ---------------------------------------------------------------- */

/* One output value of a convolution, without bias: sum over c, ky, kx of
 * in[c, oy*S - P + ky, ox*S - P + kx] * w[c, ky, kx], zero outside the image.
 * in: (C, H, W) one sample; w: (C, K, K) one filter. The convolution stepper and the
 * reference conv2d share this arithmetic, so a stepped convolution equals conv2d. */
float cs_conv2d_dot_at(const float *in, const float *w, int C, int H, int W, int K, int S, int P, int oy, int ox);

/* Reference conv2d, the plain loops. out: (N, OC, OH, OW); in: (N, C, H, W);
 * w: (OC, C, K, K); b: (OC) or NULL. */
void cs_conv2d_forward_ref(float *out, const float *in, const float *w, const float *b,
                           int N, int C, int H, int W, int OC, int K, int S, int P);
/* Reference backward. din: (N, C, H, W) overwritten (may be NULL to skip);
 * dw: (OC, C, K, K) and db: (OC) accumulated. dout: (N, OC, OH, OW). */
void cs_conv2d_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                            int N, int C, int H, int W, int OC, int K, int S, int P);

/* Fast conv2d used by the network (same contract as the reference; scratch is a
 * caller-owned workspace of at least cs_conv2d_scratch_floats(...) floats). */
size_t cs_conv2d_scratch_floats(int C, int H, int W, int OC, int K, int S, int P);
void cs_conv2d_forward(float *out, const float *in, const float *w, const float *b,
                       int N, int C, int H, int W, int OC, int K, int S, int P, float *scratch);
void cs_conv2d_backward(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                        int N, int C, int H, int W, int OC, int K, int S, int P, float *scratch);

/* ---- pooling (floor mode: windows that do not fit are dropped) ------------------- */

/* out: (N, C, OH, OW); argmax: (N, C, OH, OW) index into the sample's (H, W) plane. */
void cs_maxpool_forward(float *out, int *argmax, const float *in, int N, int C, int H, int W, int K, int S);
/* din: (N, C, H, W) overwritten. */
void cs_maxpool_backward(float *din, const float *dout, const int *argmax, int N, int C, int H, int W, int K, int S);
void cs_avgpool_forward(float *out, const float *in, int N, int C, int H, int W, int K, int S);
void cs_avgpool_backward(float *din, const float *dout, int N, int C, int H, int W, int K, int S);

/* ---- pointwise activations (n = total element count) ------------------------------ */

void cs_relu_forward(float *out, const float *in, size_t n);
void cs_relu_backward(float *din, const float *dout, const float *out, size_t n);
void cs_tanh_forward(float *out, const float *in, size_t n);
void cs_tanh_backward(float *din, const float *dout, const float *out, size_t n);
void cs_sigmoid_forward(float *out, const float *in, size_t n);
void cs_sigmoid_backward(float *din, const float *dout, const float *out, size_t n);

/* ---- fully connected ------------------------------------------------------------- */

/* out: (N, OUT); in: (N, IN); w: (OUT, IN); b: (OUT). */
void cs_fc_forward(float *out, const float *in, const float *w, const float *b, int N, int IN, int OUT);
/* din: (N, IN) overwritten (may be NULL); dw, db accumulated. */
void cs_fc_backward(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                    int N, int IN, int OUT);

/* ---- softmax and losses ---------------------------------------------------------- */

/* Row-wise softmax over D classes. out, in: (N, D). */
void cs_softmax_forward(float *out, const float *in, int N, int D);
/* din = p * (dout - sum(dout * p)), row-wise. */
void cs_softmax_backward(float *din, const float *dout, const float *p, int N, int D);

/* Mean over the batch of -log softmax(logits)[label]. dlogits: (N, D) written with the
 * gradient of that mean, (softmax - onehot) / N; may be NULL. When a net ends in a
 * softmax layer the net passes that layer's input here (the fused, stable form). */
float cs_loss_xent(float *dlogits, const float *logits, const int *labels, int N, int D);
/* Mean over the batch of (1/D) * sum_k (x_k - onehot_k)^2; dx: (N, D) gradient or NULL. */
float cs_loss_mse(float *dx, const float *x, const int *labels, int N, int D);

#endif
