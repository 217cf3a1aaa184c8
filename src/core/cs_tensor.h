/* cs_tensor.h - dimension legend and the plain kernels of the convscope core.
 *
 * All tensors are float32, row-major, NCHW. Dimension letters, project-wide:
 *   N  batch size            C  input channels        H, W  input height / width
 *   OC output channels       OH, OW output height / width
 *   K  kernel (or pool window) size, square          S  stride      P  zero padding
 *   KH, KW  a non-square window (cs_win), with per-axis strides and padding per side
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

/* ---- general windows: non-square, per-axis strides, padding per side ---------------- */

/* A 2-D window, a conv kernel or a pool window, as ONNX describes them: kh x kw, strides
 * sh (down) and sw (across), zero padding pt (top), pl (left), pb (bottom), pr (right).
 * ceil_mode (pools only) keeps a last partial window, unless it would start in the bottom
 * or right padding (PyTorch's rule, so no window lies wholly in the padding). */
typedef struct {
    int kh, kw, sh, sw, pt, pl, pb, pr;
    int ceil_mode;
} cs_win;

/* The square, symmetric, floor-mode window that the (K, S, P) kernels above take. */
static inline cs_win cs_win_square(int k, int s, int p) { return (cs_win){k, k, s, s, p, p, p, p, 0}; }
/* 1 when g is such a window, so the (K, S, P) kernels (and their fast paths) apply. */
static inline int cs_win_is_square(const cs_win *g)
{
    return g->kh == g->kw && g->sh == g->sw && g->pt == g->pl && g->pt == g->pb && g->pt == g->pr && !g->ceil_mode;
}
/* Output size along one axis of `in` pixels with window k, stride s, pads p0 and p1:
 * floor((in + p0 + p1 - k) / s) + 1, or the ceiling with the rule above. <= 0 when the
 * window does not fit. */
int cs_win_out_size(int in, int k, int s, int p0, int p1, int ceil_mode);
/* Output height and width of g over an H x W plane. */
void cs_win_out(const cs_win *g, int H, int W, int *OH, int *OW);

/* Conv2d with a general window. out: (N, OC, OH, OW); in: (N, C, H, W);
 * w: (OC, C, KH, KW); b: (OC) or NULL. The _ref pair are the plain loops; the others run
 * the (K, S, P) kernels for square windows and im2col otherwise (scratch: a caller-owned
 * workspace of cs_conv2d_win_scratch_floats floats). Backward: din (N, C, H, W)
 * overwritten (may be NULL), dw and db accumulated. */
void cs_conv2d_win_forward_ref(float *out, const float *in, const float *w, const float *b,
                               int N, int C, int H, int W, int OC, const cs_win *g);
void cs_conv2d_win_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in,
                                const float *w, int N, int C, int H, int W, int OC, const cs_win *g);
size_t cs_conv2d_win_scratch_floats(int C, int H, int W, int OC, const cs_win *g);
void cs_conv2d_win_forward(float *out, const float *in, const float *w, const float *b,
                           int N, int C, int H, int W, int OC, const cs_win *g, float *scratch);
void cs_conv2d_win_backward(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                            int N, int C, int H, int W, int OC, const cs_win *g, float *scratch);

/* Pooling with a general window; padding never wins a max and (unless include_pad)
 * never counts in an average. out, argmax: (N, C, OH, OW), argmax indexing the sample's
 * (H, W) plane; din: (N, C, H, W) overwritten. include_pad: divide by the window clipped
 * to the padded input (ONNX count_include_pad, PyTorch's count_include_pad=True),
 * otherwise by the input pixels under the window. */
void cs_maxpool_win_forward(float *out, int *argmax, const float *in, int N, int C, int H, int W, const cs_win *g);
void cs_maxpool_win_backward(float *din, const float *dout, const int *argmax, int N, int C, int H, int W,
                             const cs_win *g);
void cs_avgpool_win_forward(float *out, const float *in, int N, int C, int H, int W, const cs_win *g,
                            int include_pad);
void cs_avgpool_win_backward(float *din, const float *dout, int N, int C, int H, int W, const cs_win *g,
                             int include_pad);

/* Global average pooling: out (N, C) = the mean of each (H, W) plane; din (N, C, H, W)
 * overwritten with dout / (H * W). */
void cs_global_avgpool_forward(float *out, const float *in, int N, int C, int H, int W);
void cs_global_avgpool_backward(float *din, const float *dout, int N, int C, int H, int W);

/* Per-channel affine map, an inference-time BatchNormalization: out[n, c, i] = w[c] * in[n, c, i] + b[c]
 * over (N, C, M) with M = H * W. Backward: din overwritten (may be NULL), dw and db accumulated. */
void cs_affine_forward(float *out, const float *in, const float *w, const float *b, int N, int C, int M);
void cs_affine_backward(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                        int N, int C, int M);

/* ---- pointwise activations (n = total element count) ------------------------------ */

void cs_relu_forward(float *out, const float *in, size_t n);
void cs_relu_backward(float *din, const float *dout, const float *out, size_t n);
void cs_tanh_forward(float *out, const float *in, size_t n);
void cs_tanh_backward(float *din, const float *dout, const float *out, size_t n);
void cs_sigmoid_forward(float *out, const float *in, size_t n);
void cs_sigmoid_backward(float *din, const float *dout, const float *out, size_t n);
/* Leaky ReLU: x for x > 0, alpha * x otherwise (any finite alpha). The backward takes the
 * layer's input, not its output: with alpha < 0 the output's sign does not tell the side. */
void cs_leakyrelu_forward(float *out, const float *in, size_t n, float alpha);
void cs_leakyrelu_backward(float *din, const float *dout, const float *in, size_t n, float alpha);

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

/* One sample's loss written out term by term, with the arithmetic of the two losses above, so the
 * terms add up to their value bit for bit. terms: (D) doubles.
 * MSE: terms[k] = (x_k - onehot_k)^2 (a float difference squared, exact in double); the sample's
 * loss is (float)(sum_k terms[k] / D), which is cs_loss_mse for N = 1.
 * Cross-entropy: x are logits; terms[label] = log(sum_k exp(x_k)) - x_label = -log p_label, the
 * others 0; (float)terms[label] is cs_loss_xent for N = 1. */
void cs_loss_mse_terms(double *terms, const float *x, int label, int D);
void cs_loss_xent_terms(double *terms, const float *logits, int label, int D);

#endif
