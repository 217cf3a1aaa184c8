/* cs_window.c - layer kernels with a general window (cs_win: non-square, per-axis strides,
 * padding per side, ceil mode), as ONNX models bring them: conv2d (plain loops and im2col),
 * max and average pooling with padding, ceil_mode and count_include_pad, global average
 * pooling, leaky ReLU and the per-channel affine map. Square, symmetric windows go to the (K, S, P) kernels of
 * cs_kernels.c and cs_conv.c, so the presets keep their fast paths. Pool sizes and the
 * ceil-mode rule follow PyTorch's pooling_shape.h and AvgPool2d. */
#include "cs_tensor.h"

#include <assert.h>
#include <string.h>

int cs_win_out_size(int in, int k, int s, int p0, int p1, int ceil_mode)
{
    const int span = in + p0 + p1 - k;
    if (span < 0 || s <= 0) return 0;
    int out = span / s + 1;
    if (ceil_mode && span % s != 0) {
        out++;
        /* the last window must start inside the input or its leading padding */
        if ((out - 1) * s >= in + p0) out--;
    }
    return out;
}

void cs_win_out(const cs_win *g, int H, int W, int *OH, int *OW)
{
    *OH = cs_win_out_size(H, g->kh, g->sh, g->pt, g->pb, g->ceil_mode);
    *OW = cs_win_out_size(W, g->kw, g->sw, g->pl, g->pr, g->ceil_mode);
}

/* ---- conv2d ------------------------------------------------------------------------ */

void cs_conv2d_win_forward_ref(float *out, const float *in, const float *w, const float *b,
                               int N, int C, int H, int W, int OC, const cs_win *g)
{
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    assert(OH > 0 && OW > 0);
    const int KH = g->kh, KW = g->kw;
    for (int n = 0; n < N; n++)
        for (int oc = 0; oc < OC; oc++) {
            float *o = out + ((size_t)n * OC + oc) * OH * OW;
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    float sum = 0.0f;
                    for (int c = 0; c < C; c++) {
                        const float *x = in + ((size_t)n * C + c) * H * W;
                        const float *f = w + ((size_t)oc * C + c) * KH * KW;
                        for (int ky = 0; ky < KH; ky++) {
                            const int iy = oy * g->sh - g->pt + ky;
                            if (iy < 0 || iy >= H) continue;
                            for (int kx = 0; kx < KW; kx++) {
                                const int ix = ox * g->sw - g->pl + kx;
                                if (ix >= 0 && ix < W) sum += x[iy * W + ix] * f[ky * KW + kx];
                            }
                        }
                    }
                    o[oy * OW + ox] = sum + (b ? b[oc] : 0.0f);
                }
        }
}

void cs_conv2d_win_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in,
                                const float *w, int N, int C, int H, int W, int OC, const cs_win *g)
{
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    assert(OH > 0 && OW > 0);
    const int KH = g->kh, KW = g->kw;
    if (din) memset(din, 0, sizeof(float) * (size_t)N * C * H * W);
    for (int n = 0; n < N; n++)
        for (int oc = 0; oc < OC; oc++) {
            const float *gr = dout + ((size_t)n * OC + oc) * OH * OW;
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    const float go = gr[oy * OW + ox];
                    if (db) db[oc] += go;
                    for (int c = 0; c < C; c++) {
                        const size_t plane = ((size_t)n * C + c) * H * W, fi = ((size_t)oc * C + c) * KH * KW;
                        for (int ky = 0; ky < KH; ky++) {
                            const int iy = oy * g->sh - g->pt + ky;
                            if (iy < 0 || iy >= H) continue;
                            for (int kx = 0; kx < KW; kx++) {
                                const int ix = ox * g->sw - g->pl + kx;
                                if (ix < 0 || ix >= W) continue;
                                dw[fi + ky * KW + kx] += go * in[plane + iy * W + ix];
                                if (din) din[plane + iy * W + ix] += go * w[fi + ky * KW + kx];
                            }
                        }
                    }
                }
        }
}

/* im2col with a general window: col is (C*KH*KW, OH*OW), zero where the window is in the padding. */
static void im2col_win(float *col, const float *x, int C, int H, int W, const cs_win *g, int OH, int OW)
{
    for (int c = 0; c < C; c++)
        for (int ky = 0; ky < g->kh; ky++)
            for (int kx = 0; kx < g->kw; kx++) {
                float *row = col + (((size_t)c * g->kh + ky) * g->kw + kx) * OH * OW;
                for (int oy = 0; oy < OH; oy++) {
                    const int iy = oy * g->sh - g->pt + ky;
                    float *r = row + (size_t)oy * OW;
                    if (iy < 0 || iy >= H) {
                        memset(r, 0, sizeof(float) * (size_t)OW);
                        continue;
                    }
                    const float *xr = x + ((size_t)c * H + iy) * W;
                    for (int ox = 0; ox < OW; ox++) {
                        const int ix = ox * g->sw - g->pl + kx;
                        r[ox] = (ix >= 0 && ix < W) ? xr[ix] : 0.0f;
                    }
                }
            }
}

static void col2im_win_add(float *dx, const float *col, int C, int H, int W, const cs_win *g, int OH, int OW)
{
    for (int c = 0; c < C; c++)
        for (int ky = 0; ky < g->kh; ky++)
            for (int kx = 0; kx < g->kw; kx++) {
                const float *row = col + (((size_t)c * g->kh + ky) * g->kw + kx) * OH * OW;
                for (int oy = 0; oy < OH; oy++) {
                    const int iy = oy * g->sh - g->pt + ky;
                    if (iy < 0 || iy >= H) continue;
                    float *dr = dx + ((size_t)c * H + iy) * W;
                    const float *r = row + (size_t)oy * OW;
                    for (int ox = 0; ox < OW; ox++) {
                        const int ix = ox * g->sw - g->pl + kx;
                        if (ix >= 0 && ix < W) dr[ix] += r[ox];
                    }
                }
            }
}

size_t cs_conv2d_win_scratch_floats(int C, int H, int W, int OC, const cs_win *g)
{
    if (cs_win_is_square(g)) return cs_conv2d_scratch_floats(C, H, W, OC, g->kh, g->sh, g->pt);
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    if (OH <= 0 || OW <= 0) return 0;
    return (size_t)C * g->kh * g->kw * OH * OW * 2;
}

void cs_conv2d_win_forward(float *out, const float *in, const float *w, const float *b,
                           int N, int C, int H, int W, int OC, const cs_win *g, float *scratch)
{
    if (cs_win_is_square(g)) {
        cs_conv2d_forward(out, in, w, b, N, C, H, W, OC, g->kh, g->sh, g->pt, scratch);
        return;
    }
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    assert(OH > 0 && OW > 0);
    const int R = C * g->kh * g->kw, M = OH * OW;
    for (int n = 0; n < N; n++) {
        im2col_win(scratch, in + (size_t)n * C * H * W, C, H, W, g, OH, OW);
        for (int oc = 0; oc < OC; oc++) {
            float *orow = out + ((size_t)n * OC + oc) * M;
            const float bias = b ? b[oc] : 0.0f;
            for (int m = 0; m < M; m++) orow[m] = bias;
            const float *f = w + (size_t)oc * R;
            for (int r = 0; r < R; r++) {
                const float wv = f[r];
                const float *col = scratch + (size_t)r * M;
                for (int m = 0; m < M; m++) orow[m] += wv * col[m];
            }
        }
    }
}

void cs_conv2d_win_backward(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                            int N, int C, int H, int W, int OC, const cs_win *g, float *scratch)
{
    if (cs_win_is_square(g)) {
        cs_conv2d_backward(din, dw, db, dout, in, w, N, C, H, W, OC, g->kh, g->sh, g->pt, scratch);
        return;
    }
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    assert(OH > 0 && OW > 0);
    const int R = C * g->kh * g->kw, M = OH * OW;
    float *col = scratch, *dcol = scratch + (size_t)R * M;
    for (int n = 0; n < N; n++) {
        const float *gr = dout + (size_t)n * OC * M;
        im2col_win(col, in + (size_t)n * C * H * W, C, H, W, g, OH, OW);
        for (int oc = 0; oc < OC; oc++) {
            const float *grow = gr + (size_t)oc * M;
            float *df = dw + (size_t)oc * R;
            if (db) {
                float s = 0.0f;
                for (int m = 0; m < M; m++) s += grow[m];
                db[oc] += s;
            }
            for (int r = 0; r < R; r++) {
                const float *c = col + (size_t)r * M;
                float s = 0.0f;
                for (int m = 0; m < M; m++) s += grow[m] * c[m];
                df[r] += s;
            }
        }
        if (!din) continue;
        memset(dcol, 0, sizeof(float) * (size_t)R * M);
        for (int oc = 0; oc < OC; oc++) {
            const float *grow = gr + (size_t)oc * M;
            const float *f = w + (size_t)oc * R;
            for (int r = 0; r < R; r++) {
                const float wv = f[r];
                float *dc = dcol + (size_t)r * M;
                for (int m = 0; m < M; m++) dc[m] += wv * grow[m];
            }
        }
        float *dx = din + (size_t)n * C * H * W;
        memset(dx, 0, sizeof(float) * (size_t)C * H * W);
        col2im_win_add(dx, dcol, C, H, W, g, OH, OW);
    }
}

/* ---- pooling ----------------------------------------------------------------------- */

/* The input rows [*y0, *y1) and columns [*x0, *x1) under output (oy, ox), and the
 * window clipped to the padded input (the count_include_pad divisor). */
static int window_at(const cs_win *g, int H, int W, int oy, int ox, int *y0, int *y1, int *x0, int *x1)
{
    const int ys = oy * g->sh - g->pt, xs = ox * g->sw - g->pl;
    int ye = ys + g->kh, xe = xs + g->kw;
    if (ye > H + g->pb) ye = H + g->pb;
    if (xe > W + g->pr) xe = W + g->pr;
    const int padded = (ye - ys) * (xe - xs);
    *y0 = ys < 0 ? 0 : ys, *x0 = xs < 0 ? 0 : xs;
    *y1 = ye > H ? H : ye, *x1 = xe > W ? W : xe;
    return padded;
}

void cs_maxpool_win_forward(float *out, int *argmax, const float *in, int N, int C, int H, int W, const cs_win *g)
{
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    assert(OH > 0 && OW > 0);
    for (int p = 0; p < N * C; p++) {
        const float *x = in + (size_t)p * H * W;
        float *o = out + (size_t)p * OH * OW;
        int *am = argmax + (size_t)p * OH * OW;
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                int y0, y1, x0, x1;
                window_at(g, H, W, oy, ox, &y0, &y1, &x0, &x1);
                assert(y0 < y1 && x0 < x1); /* every window meets the input (checked at build) */
                int best = y0 * W + x0;
                float bv = x[best];
                for (int y = y0; y < y1; y++)
                    for (int xx = x0; xx < x1; xx++) {
                        /* the first maximum wins ties, as PyTorch */
                        const int i = y * W + xx;
                        const int take = x[i] > bv;
                        bv = take ? x[i] : bv;
                        best = take ? i : best;
                    }
                o[oy * OW + ox] = bv;
                am[oy * OW + ox] = best;
            }
    }
}

void cs_maxpool_win_backward(float *din, const float *dout, const int *argmax, int N, int C, int H, int W,
                             const cs_win *g)
{
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    memset(din, 0, sizeof(float) * (size_t)N * C * H * W);
    for (int p = 0; p < N * C; p++) {
        float *dx = din + (size_t)p * H * W;
        const float *gr = dout + (size_t)p * OH * OW;
        const int *am = argmax + (size_t)p * OH * OW;
        for (int i = 0; i < OH * OW; i++) dx[am[i]] += gr[i];
    }
}

void cs_avgpool_win_forward(float *out, const float *in, int N, int C, int H, int W, const cs_win *g,
                            int include_pad)
{
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    assert(OH > 0 && OW > 0);
    for (int p = 0; p < N * C; p++) {
        const float *x = in + (size_t)p * H * W;
        float *o = out + (size_t)p * OH * OW;
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                int y0, y1, x0, x1;
                const int padded = window_at(g, H, W, oy, ox, &y0, &y1, &x0, &x1);
                float s = 0.0f;
                for (int y = y0; y < y1; y++)
                    for (int xx = x0; xx < x1; xx++) s += x[y * W + xx];
                const int count = include_pad ? padded : (y1 - y0) * (x1 - x0);
                o[oy * OW + ox] = s / (float)count;
            }
    }
}

void cs_avgpool_win_backward(float *din, const float *dout, int N, int C, int H, int W, const cs_win *g,
                             int include_pad)
{
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    memset(din, 0, sizeof(float) * (size_t)N * C * H * W);
    for (int p = 0; p < N * C; p++) {
        float *dx = din + (size_t)p * H * W;
        const float *gr = dout + (size_t)p * OH * OW;
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                int y0, y1, x0, x1;
                const int padded = window_at(g, H, W, oy, ox, &y0, &y1, &x0, &x1);
                const int count = include_pad ? padded : (y1 - y0) * (x1 - x0);
                const float v = gr[oy * OW + ox] / (float)count;
                for (int y = y0; y < y1; y++)
                    for (int xx = x0; xx < x1; xx++) dx[y * W + xx] += v;
            }
    }
}

void cs_global_avgpool_forward(float *out, const float *in, int N, int C, int H, int W)
{
    const int M = H * W;
    for (int p = 0; p < N * C; p++) {
        const float *x = in + (size_t)p * M;
        /* 8 interleaved partial sums, as the fc kernel: one running sum is a chain of adds */
        float acc[8] = {0};
        int m = 0;
        for (; m + 8 <= M; m += 8)
            for (int l = 0; l < 8; l++) acc[l] += x[m + l];
        for (int l = 0; m < M; m++, l++) acc[l] += x[m];
        float s = 0.0f;
        for (int l = 0; l < 8; l++) s += acc[l];
        out[p] = s / (float)M;
    }
}

void cs_global_avgpool_backward(float *din, const float *dout, int N, int C, int H, int W)
{
    const int M = H * W;
    for (int p = 0; p < N * C; p++) {
        const float v = dout[p] / (float)M;
        float *dx = din + (size_t)p * M;
        for (int m = 0; m < M; m++) dx[m] = v;
    }
}

/* ---- leaky ReLU ---------------------------------------------------------------------- */

void cs_leakyrelu_forward(float *out, const float *in, size_t n, float alpha)
{
    for (size_t i = 0; i < n; i++) out[i] = in[i] > 0.0f ? in[i] : alpha * in[i];
}

void cs_leakyrelu_backward(float *din, const float *dout, const float *in, size_t n, float alpha)
{
    for (size_t i = 0; i < n; i++) din[i] = in[i] > 0.0f ? dout[i] : alpha * dout[i];
}

/* ---- per-channel affine --------------------------------------------------------------- */

void cs_affine_forward(float *out, const float *in, const float *w, const float *b, int N, int C, int M)
{
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++) {
            const size_t o = ((size_t)n * C + c) * M;
            for (int i = 0; i < M; i++) out[o + i] = w[c] * in[o + i] + b[c];
        }
}

void cs_affine_backward(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                        int N, int C, int M)
{
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++) {
            const size_t o = ((size_t)n * C + c) * M;
            float sw = 0.0f, sb = 0.0f;
            for (int i = 0; i < M; i++) {
                sw += dout[o + i] * in[o + i];
                sb += dout[o + i];
                if (din) din[o + i] = dout[o + i] * w[c];
            }
            dw[c] += sw, db[c] += sb;
        }
}
