/* cs_kernels.c - the layer kernels on raw NCHW pointers: convolution, pooling, activations,
 * fully connected, softmax and losses. The *_ref functions are the plain loops every
 * optimised kernel is tested against; the others are what the network calls (the fast
 * convolution is in cs_conv.c). */
#include "cs_tensor.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <string.h>

/* ---- convolution ---------------------------------------------------------------- */

float cs_conv2d_dot_at(const float *in, const float *w, int C, int H, int W, int K, int S, int P, int oy, int ox)
{
    const int iy0 = oy * S - P, ix0 = ox * S - P;
    float sum = 0.0f;
    for (int c = 0; c < C; c++) {
        const float *plane = in + (size_t)c * H * W;
        const float *wc = w + (size_t)c * K * K;
        for (int ky = 0; ky < K; ky++) {
            const int iy = iy0 + ky;
            if (iy < 0 || iy >= H) continue;
            for (int kx = 0; kx < K; kx++) {
                const int ix = ix0 + kx;
                if (ix < 0 || ix >= W) continue;
                sum += plane[iy * W + ix] * wc[ky * K + kx];
            }
        }
    }
    return sum;
}

void cs_conv2d_forward_ref(float *out, const float *in, const float *w, const float *b,
                           int N, int C, int H, int W, int OC, int K, int S, int P)
{
    const int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
    assert(OH > 0 && OW > 0 && S > 0);
    for (int n = 0; n < N; n++) {
        const float *x = in + (size_t)n * C * H * W;
        for (int oc = 0; oc < OC; oc++) {
            float *o = out + ((size_t)n * OC + oc) * OH * OW;
            const float *f = w + (size_t)oc * C * K * K;
            const float bias = b ? b[oc] : 0.0f;
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++)
                    o[oy * OW + ox] = cs_conv2d_dot_at(x, f, C, H, W, K, S, P, oy, ox) + bias;
        }
    }
}

void cs_conv2d_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                            int N, int C, int H, int W, int OC, int K, int S, int P)
{
    const int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
    assert(OH > 0 && OW > 0 && S > 0);
    if (din) memset(din, 0, sizeof(float) * (size_t)N * C * H * W);
    for (int n = 0; n < N; n++) {
        const float *x = in + (size_t)n * C * H * W;
        float *dx = din ? din + (size_t)n * C * H * W : NULL;
        for (int oc = 0; oc < OC; oc++) {
            const float *g = dout + ((size_t)n * OC + oc) * OH * OW;
            const float *f = w + (size_t)oc * C * K * K;
            float *df = dw + (size_t)oc * C * K * K;
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    const float go = g[oy * OW + ox];
                    if (db) db[oc] += go;
                    for (int c = 0; c < C; c++)
                        for (int ky = 0; ky < K; ky++) {
                            const int iy = oy * S - P + ky;
                            if (iy < 0 || iy >= H) continue;
                            for (int kx = 0; kx < K; kx++) {
                                const int ix = ox * S - P + kx;
                                if (ix < 0 || ix >= W) continue;
                                const size_t xi = ((size_t)c * H + iy) * W + ix;
                                const size_t wi = ((size_t)c * K + ky) * K + kx;
                                df[wi] += go * x[xi];
                                if (dx) dx[xi] += go * f[wi];
                            }
                        }
                }
        }
    }
}

/* ---- pooling ----------------------------------------------------------------------- */

#if !defined(CS_PORTABLE_ONLY) && (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define CS_HAVE_AVX2_PATH 1
#include <immintrin.h>
#else
#define CS_HAVE_AVX2_PATH 0
#endif

/* Max pooling of one output row, one output at a time; selects rather than branches
 * (random data would mispredict half of them). Outputs from ox0 on. */
static void maxpool_row(float *o, int *am, const float *x, int W, int OW, int K, int S, int oy, int ox0)
{
    for (int ox = ox0; ox < OW; ox++) {
        int best = (oy * S) * W + ox * S;
        float bv = x[best];
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) {
                /* first maximum wins ties, as PyTorch */
                const int i = (oy * S + ky) * W + ox * S + kx;
                const float v = x[i];
                const int take = v > bv;
                bv = take ? v : bv;
                best = take ? i : best;
            }
        o[ox] = bv;
        am[ox] = best;
    }
}

#if CS_HAVE_AVX2_PATH
/* 2x2 stride-2 pooling of one output row, 8 outputs per step: the same comparisons in the
 * same order as maxpool_row (an ordered > is false for NaN, like C's). Returns the first
 * output left for the scalar loop. */
__attribute__((target("avx2"))) static int maxpool2_row_avx2(float *o, int *am, const float *x, int W, int OW, int oy)
{
    const float *r0 = x + (size_t)(2 * oy) * W, *r1 = r0 + W;
    const __m256i step = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    /* windows of outputs j..j+7 read columns 2j..2j+15 < 2*OW <= W */
    int j = 0, tail = 0;
    for (;;) {
        if (j + 8 > OW) {
            /* a short tail is done by one more vector that overlaps outputs already
             * written, with the same values */
            if (j == OW || OW < 8) break;
            j = OW - 8, tail = 1;
        }
        __m256 v[4];
        const float *rows[2] = {r0, r1};
        for (int r = 0; r < 2; r++) {
            const __m256 lo = _mm256_loadu_ps(rows[r] + 2 * j), hi = _mm256_loadu_ps(rows[r] + 2 * j + 8);
            const __m256 ev = _mm256_shuffle_ps(lo, hi, 0x88), od = _mm256_shuffle_ps(lo, hi, 0xDD);
            v[2 * r] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(ev), 0xD8));
            v[2 * r + 1] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(od), 0xD8));
        }
        const __m256i i0 = _mm256_add_epi32(_mm256_set1_epi32(2 * oy * W + 2 * j), step);
        const __m256i idx[4] = {i0, _mm256_add_epi32(i0, _mm256_set1_epi32(1)), _mm256_add_epi32(i0, _mm256_set1_epi32(W)),
                                _mm256_add_epi32(i0, _mm256_set1_epi32(W + 1))};
        __m256 m = v[0];
        __m256i im = idx[0];
        for (int k = 1; k < 4; k++) {
            const __m256 t = _mm256_cmp_ps(v[k], m, _CMP_GT_OQ);
            m = _mm256_blendv_ps(m, v[k], t);
            im = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(im), _mm256_castsi256_ps(idx[k]), t));
        }
        _mm256_storeu_ps(o + j, m);
        _mm256_storeu_si256((__m256i *)(void *)(am + j), im);
        j += 8;
        if (tail) break;
    }
    return j;
}
#endif

void cs_maxpool_forward(float *out, int *argmax, const float *in, int N, int C, int H, int W, int K, int S)
{
    const int OH = cs_out_size(H, K, S, 0), OW = cs_out_size(W, K, S, 0);
    assert(OH > 0 && OW > 0);
#if CS_HAVE_AVX2_PATH
    const int vec2 = K == 2 && S == 2 && __builtin_cpu_supports("avx2");
#endif
    for (int p = 0; p < N * C; p++) {
        const float *x = in + (size_t)p * H * W;
        float *o = out + (size_t)p * OH * OW;
        int *am = argmax + (size_t)p * OH * OW;
        for (int oy = 0; oy < OH; oy++) {
            int ox0 = 0;
#if CS_HAVE_AVX2_PATH
            if (vec2) ox0 = maxpool2_row_avx2(o + oy * OW, am + oy * OW, x, W, OW, oy);
#endif
            maxpool_row(o + oy * OW, am + oy * OW, x, W, OW, K, S, oy, ox0);
        }
    }
}

void cs_maxpool_backward(float *din, const float *dout, const int *argmax, int N, int C, int H, int W, int K, int S)
{
    const int OH = cs_out_size(H, K, S, 0), OW = cs_out_size(W, K, S, 0);
    memset(din, 0, sizeof(float) * (size_t)N * C * H * W);
    for (int p = 0; p < N * C; p++) {
        float *dx = din + (size_t)p * H * W;
        const float *g = dout + (size_t)p * OH * OW;
        const int *am = argmax + (size_t)p * OH * OW;
        for (int i = 0; i < OH * OW; i++) dx[am[i]] += g[i];
    }
}

void cs_avgpool_forward(float *out, const float *in, int N, int C, int H, int W, int K, int S)
{
    const int OH = cs_out_size(H, K, S, 0), OW = cs_out_size(W, K, S, 0);
    assert(OH > 0 && OW > 0);
    const float inv = 1.0f / (float)(K * K);
    for (int p = 0; p < N * C; p++) {
        const float *x = in + (size_t)p * H * W;
        float *o = out + (size_t)p * OH * OW;
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                float s = 0.0f;
                for (int ky = 0; ky < K; ky++)
                    for (int kx = 0; kx < K; kx++) s += x[(oy * S + ky) * W + ox * S + kx];
                o[oy * OW + ox] = s * inv;
            }
    }
}

void cs_avgpool_backward(float *din, const float *dout, int N, int C, int H, int W, int K, int S)
{
    const int OH = cs_out_size(H, K, S, 0), OW = cs_out_size(W, K, S, 0);
    const float inv = 1.0f / (float)(K * K);
    memset(din, 0, sizeof(float) * (size_t)N * C * H * W);
    for (int p = 0; p < N * C; p++) {
        float *dx = din + (size_t)p * H * W;
        const float *g = dout + (size_t)p * OH * OW;
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                const float v = g[oy * OW + ox] * inv;
                for (int ky = 0; ky < K; ky++)
                    for (int kx = 0; kx < K; kx++) dx[(oy * S + ky) * W + ox * S + kx] += v;
            }
    }
}

/* ---- activations ----------------------------------------------------------------- */

/* The ReLU loops are compiled twice, for the baseline and for AVX2, and picked per call
 * with __builtin_cpu_supports (an ifunc would also do, but its resolver runs before the
 * thread sanitizer is ready). */
static inline __attribute__((always_inline)) void relu_forward_loop(float *out, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

static inline __attribute__((always_inline)) void relu_backward_loop(float *din, const float *dout, const float *out,
                                                                     size_t n)
{
    /* both loads unconditional, so the select vectorises instead of branching at random */
    for (size_t i = 0; i < n; i++) {
        const float g = dout[i];
        din[i] = out[i] > 0.0f ? g : 0.0f;
    }
}

#if CS_HAVE_AVX2_PATH
__attribute__((target("avx2"))) static void relu_forward_avx2(float *out, const float *in, size_t n)
{
    relu_forward_loop(out, in, n);
}

__attribute__((target("avx2"))) static void relu_backward_avx2(float *din, const float *dout, const float *out,
                                                               size_t n)
{
    relu_backward_loop(din, dout, out, n);
}
#endif

void cs_relu_forward(float *out, const float *in, size_t n)
{
#if CS_HAVE_AVX2_PATH
    if (__builtin_cpu_supports("avx2")) {
        relu_forward_avx2(out, in, n);
        return;
    }
#endif
    relu_forward_loop(out, in, n);
}

void cs_relu_backward(float *din, const float *dout, const float *out, size_t n)
{
#if CS_HAVE_AVX2_PATH
    if (__builtin_cpu_supports("avx2")) {
        relu_backward_avx2(din, dout, out, n);
        return;
    }
#endif
    relu_backward_loop(din, dout, out, n);
}

void cs_tanh_forward(float *out, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = tanhf(in[i]);
}

void cs_tanh_backward(float *din, const float *dout, const float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) din[i] = dout[i] * (1.0f - out[i] * out[i]);
}

void cs_sigmoid_forward(float *out, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = 1.0f / (1.0f + expf(-in[i]));
}

void cs_sigmoid_backward(float *din, const float *dout, const float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) din[i] = dout[i] * out[i] * (1.0f - out[i]);
}

/* ---- fully connected -------------------------------------------------------------- */

void cs_fc_forward(float *out, const float *in, const float *w, const float *b, int N, int IN, int OUT)
{
    for (int n = 0; n < N; n++) {
        const float *x = in + (size_t)n * IN;
        for (int o = 0; o < OUT; o++) {
            /* 8 interleaved partial sums: one running sum is a chain of dependent adds */
            const float *wr = w + (size_t)o * IN;
            float acc[8] = {0};
            int i = 0;
            for (; i + 8 <= IN; i += 8)
                for (int l = 0; l < 8; l++) acc[l] += wr[i + l] * x[i + l];
            for (int l = 0; i < IN; i++, l++) acc[l] += wr[i] * x[i];
            float s = b ? b[o] : 0.0f;
            for (int l = 0; l < 8; l++) s += acc[l];
            out[(size_t)n * OUT + o] = s;
        }
    }
}

void cs_fc_backward(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                    int N, int IN, int OUT)
{
    if (din) memset(din, 0, sizeof(float) * (size_t)N * IN);
    for (int n = 0; n < N; n++) {
        const float *x = in + (size_t)n * IN;
        const float *g = dout + (size_t)n * OUT;
        float *dx = din ? din + (size_t)n * IN : NULL;
        for (int o = 0; o < OUT; o++) {
            const float go = g[o];
            float *dwr = dw + (size_t)o * IN;
            const float *wr = w + (size_t)o * IN;
            if (db) db[o] += go;
            for (int i = 0; i < IN; i++) dwr[i] += go * x[i];
            if (dx)
                for (int i = 0; i < IN; i++) dx[i] += go * wr[i];
        }
    }
}

/* ---- softmax and losses ---------------------------------------------------------- */

void cs_softmax_forward(float *out, const float *in, int N, int D)
{
    for (int n = 0; n < N; n++) {
        const float *x = in + (size_t)n * D;
        float *p = out + (size_t)n * D;
        float mx = -FLT_MAX;
        for (int d = 0; d < D; d++) mx = x[d] > mx ? x[d] : mx;
        float s = 0.0f;
        for (int d = 0; d < D; d++) s += (p[d] = expf(x[d] - mx));
        for (int d = 0; d < D; d++) p[d] /= s;
    }
}

void cs_softmax_backward(float *din, const float *dout, const float *p, int N, int D)
{
    for (int n = 0; n < N; n++) {
        const float *g = dout + (size_t)n * D, *pr = p + (size_t)n * D;
        float *dx = din + (size_t)n * D;
        float dot = 0.0f;
        for (int d = 0; d < D; d++) dot += g[d] * pr[d];
        for (int d = 0; d < D; d++) dx[d] = pr[d] * (g[d] - dot);
    }
}

/* log(sum_d exp(x_d)) of one row of logits, shifted by the largest for stability. */
static double log_sum_exp(const float *x, int D)
{
    float mx = -FLT_MAX;
    for (int d = 0; d < D; d++) mx = x[d] > mx ? x[d] : mx;
    double s = 0.0;
    for (int d = 0; d < D; d++) s += exp((double)x[d] - mx);
    return log(s) + mx;
}

float cs_loss_xent(float *dlogits, const float *logits, const int *labels, int N, int D)
{
    double total = 0.0;
    for (int n = 0; n < N; n++) {
        const float *x = logits + (size_t)n * D;
        const double logz = log_sum_exp(x, D);
        assert(labels[n] >= 0 && labels[n] < D);
        total += logz - x[labels[n]];
        if (dlogits)
            for (int d = 0; d < D; d++)
                dlogits[(size_t)n * D + d] =
                    (float)((exp((double)x[d] - logz) - (d == labels[n] ? 1.0 : 0.0)) / N);
    }
    return (float)(total / N);
}

void cs_loss_xent_terms(double *terms, const float *logits, int label, int D)
{
    assert(label >= 0 && label < D);
    for (int d = 0; d < D; d++) terms[d] = 0.0;
    terms[label] = log_sum_exp(logits, D) - logits[label];
}

/* x - onehot_label at class d: the difference both MSE functions square. */
static inline float mse_diff(float x, int d, int label) { return x - (d == label ? 1.0f : 0.0f); }

float cs_loss_mse(float *dx, const float *x, const int *labels, int N, int D)
{
    double total = 0.0;
    for (int n = 0; n < N; n++)
        for (int d = 0; d < D; d++) {
            const float diff = mse_diff(x[(size_t)n * D + d], d, labels[n]);
            total += (double)diff * diff;
            if (dx) dx[(size_t)n * D + d] = 2.0f * diff / (float)(N * D);
        }
    return (float)(total / ((double)N * D));
}

void cs_loss_mse_terms(double *terms, const float *x, int label, int D)
{
    for (int d = 0; d < D; d++) {
        const float diff = mse_diff(x[d], d, label);
        terms[d] = (double)diff * diff;
    }
}
