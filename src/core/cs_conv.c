/* cs_conv.c - the fast conv2d the network calls (cs_conv2d_forward / cs_conv2d_backward).
 *
 * Stride-1 convolutions with padding below the kernel size (every preset) run as
 * "window GEMMs": C[i][j] = sum_k A[i][k] * B[k][j], where B's rows are shifted views of a
 * zero-padded input plane, so no im2col matrix is written:
 *   forward    out[oc][y,x]  = sum_(c,ky,kx) w[oc][c,ky,kx] * inpad[c][y+ky, x+kx]
 *   input grad din[c][y,x]   = sum_(oc,ky,kx) w[oc][c,ky,kx] * doutpad[oc][y+K-1-ky, x+K-1-kx]
 *   weight grad dw[oc][c,ky,kx] = sum_(y,x) inpad[c][y+ky, x+kx] * dout[oc][y,x]
 *     (computed transposed, dwT[(c,ky,kx)][oc], with dout transposed to (y,x) x oc so
 *      that the vectors run along oc and no horizontal sums are needed).
 * The columns j are 8-float "slots": a run of 8 outputs along x within one output row;
 * a tile computes ROWS x NV slots in registers with AVX2 FMA when the CPU has it, and a
 * portable loop otherwise (defining CS_PORTABLE_ONLY builds only the portable path, to
 * test it). Other strides and paddings use im2col + plain loops.
 * Sums are reordered with respect to the *_ref kernels, so results agree to rounding. */
#include "cs_tensor.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

#if !defined(CS_PORTABLE_ONLY) && (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define CS_HAVE_AVX2_PATH 1
#include <immintrin.h>
#else
#define CS_HAVE_AVX2_PATH 0
#endif

/* ---- the window GEMM -------------------------------------------------------------- */

enum { LANES = 8, SLACK = 2 * LANES };

/* How k walks A and B: three nested loops of n1 x n2 x n3 steps, each with its own step
 * along A's rows and along B's row pointer (a window (c, ky, kx) is such a walk). */
typedef struct {
    int n1, n2, n3;
    ptrdiff_t a1, a2, a3;
    ptrdiff_t b1, b2, b3;
} kwalk;

typedef struct {
    float *C;             /* element (i, slot) at C + i*ldc + slot column offset */
    ptrdiff_t ldc;
    const float *bias;    /* (I) added to every column, or NULL; ignored when accumulating */
    int accumulate;       /* 1: C += A.B; 0: C = A.B (+ bias) */
    int I;                /* rows */
    /* columns: nrows output rows of `width` columns, spr = ceil(width/8) slots each;
     * slot (row, xv) covers columns xv*8.. of that row, at C + row*c_rs and B + row*b_rs */
    int nrows, width, spr;
    ptrdiff_t c_rs, b_rs;
    /* A: packed panels (panel_rows rows interleaved per k) or window rows decoded from i */
    const float *A;
    int panel_rows;       /* > 0: panel layout [i / panel_rows][k][i % panel_rows] */
    int ak;               /* window rows: i = (c, ky, kx) with kernel ak, at c*a_plane + ky*a_rs + kx */
    ptrdiff_t a_plane, a_rs;
    const float *B;
    kwalk w;
    int nv, rows;         /* tile shape: rows x nv slots (nv in 1..3, rows <= 12 / nv) */
} gemm_args;

static int walk_len(const kwalk *w) { return w->n1 * w->n2 * w->n3; }

/* Offset of A's row i (window mode) or of row i within its panel (panel mode). */
static ptrdiff_t a_row_offset(const gemm_args *g, int i)
{
    if (g->panel_rows > 0)
        return (ptrdiff_t)(i / g->panel_rows) * g->panel_rows * walk_len(&g->w) + i % g->panel_rows;
    const int kk = g->ak * g->ak, r = i % kk;
    return (ptrdiff_t)(i / kk) * g->a_plane + (ptrdiff_t)(r / g->ak) * g->a_rs + r % g->ak;
}

static void slot_geometry(const gemm_args *g, int s, ptrdiff_t *boff, ptrdiff_t *coff, int *cnt)
{
    const int row = s / g->spr, xv = s % g->spr;
    *boff = row * g->b_rs + (ptrdiff_t)xv * LANES;
    *coff = row * g->c_rs + (ptrdiff_t)xv * LANES;
    const int left = g->width - xv * LANES;
    *cnt = left < LANES ? left : LANES;
}

/* Portable path: the same sums, one output at a time. */
static void gemm_portable(const gemm_args *g)
{
    const kwalk *w = &g->w;
    const int nslots = g->nrows * g->spr;
    for (int s = 0; s < nslots; s++) {
        ptrdiff_t boff, coff;
        int cnt;
        slot_geometry(g, s, &boff, &coff, &cnt);
        for (int i = 0; i < g->I; i++) {
            const float *a = g->A + a_row_offset(g, i);
            float acc[LANES] = {0};
            for (int k1 = 0; k1 < w->n1; k1++)
                for (int k2 = 0; k2 < w->n2; k2++) {
                    const float *pa = a + k1 * w->a1 + k2 * w->a2;
                    const float *pb = g->B + boff + k1 * w->b1 + k2 * w->b2;
                    for (int k3 = 0; k3 < w->n3; k3++, pa += w->a3, pb += w->b3)
                        for (int l = 0; l < cnt; l++) acc[l] += *pa * pb[l];
                }
            float *c = g->C + i * g->ldc + coff;
            for (int l = 0; l < cnt; l++) {
                if (g->accumulate) c[l] += acc[l];
                else c[l] = acc[l] + (g->bias ? g->bias[i] : 0.0f);
            }
        }
    }
}

#if CS_HAVE_AVX2_PATH
#define AVX2_FN __attribute__((target("avx2,fma")))

/* One tile: ROWS rows of A times NV slots of B, accumulated in ROWS*NV registers. */
static inline __attribute__((always_inline, target("avx2,fma"))) void
tile_avx2(const int ROWS, const int NV, const int PANEL, const gemm_args *g, int i0, const ptrdiff_t *aoff,
          const ptrdiff_t *boff, const ptrdiff_t *coff, const int *cnt)
{
    const kwalk *w = &g->w;
    __m256 acc[12][3];
    const float *a = g->A + aoff[0];
    ptrdiff_t ao[12];
#pragma GCC unroll 12
    for (int i = 0; i < ROWS; i++) ao[i] = PANEL ? i : aoff[i] - aoff[0];
#pragma GCC unroll 12
    for (int i = 0; i < ROWS; i++)
#pragma GCC unroll 3
        for (int v = 0; v < NV; v++) acc[i][v] = _mm256_setzero_ps();
    /* the walk as pointer increments: after each inner and middle loop the pointers step
     * to the next row or plane without multiplications */
    const int n1 = w->n1, n2 = w->n2, n3 = w->n3;
    const ptrdiff_t a3 = w->a3, b3 = w->b3;
    const ptrdiff_t a2 = w->a2 - n3 * a3, b2 = w->b2 - n3 * b3;
    const ptrdiff_t a1 = w->a1 - n2 * w->a2, b1 = w->b1 - n2 * w->b2;
    const float *pa = a, *pb = g->B;
    for (int k1 = 0; k1 < n1; k1++, pa += a1, pb += b1)
        for (int k2 = 0; k2 < n2; k2++, pa += a2, pb += b2)
            for (int k3 = 0; k3 < n3; k3++, pa += a3, pb += b3) {
                __m256 bv[3];
#pragma GCC unroll 3
                for (int v = 0; v < NV; v++) bv[v] = _mm256_loadu_ps(pb + boff[v]);
#pragma GCC unroll 12
                for (int i = 0; i < ROWS; i++) {
                    const __m256 av = _mm256_broadcast_ss(pa + ao[i]);
#pragma GCC unroll 3
                    for (int v = 0; v < NV; v++) acc[i][v] = _mm256_fmadd_ps(av, bv[v], acc[i][v]);
                }
            }
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) {
        if (cnt[v] <= 0) continue;
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(cnt[v]), iota);
#pragma GCC unroll 12
        for (int i = 0; i < ROWS; i++) {
            float *c = g->C + (ptrdiff_t)(i0 + i) * g->ldc + coff[v];
            __m256 r = acc[i][v];
            if (g->accumulate)
                r = _mm256_add_ps(r, cnt[v] == LANES ? _mm256_loadu_ps(c) : _mm256_maskload_ps(c, mask));
            else if (g->bias)
                r = _mm256_add_ps(r, _mm256_set1_ps(g->bias[i0 + i]));
            if (cnt[v] == LANES) _mm256_storeu_ps(c, r);
            else _mm256_maskstore_ps(c, mask, r);
        }
    }
}

#define TILE_CASE(R, NV, P) \
    case R: tile_avx2(R, NV, P, g, i0, aoff, boff, coff, cnt); break;

/* Dispatch on the rows left in the last tile, so each tile shape is compiled with its
 * accumulators in registers. */
/* Dispatch on the rows left in the last tile, so each tile shape is compiled with its
 * accumulators in registers. */
#define TILE_SWITCH_3(P)                                                                                      \
    switch (rows) {                                                                                           \
        TILE_CASE(1, 3, P) TILE_CASE(2, 3, P) TILE_CASE(3, 3, P) TILE_CASE(4, 3, P) default: assert(0);        \
    }
#define TILE_SWITCH_2(P)                                                                                      \
    switch (rows) {                                                                                           \
        TILE_CASE(1, 2, P) TILE_CASE(2, 2, P) TILE_CASE(3, 2, P) TILE_CASE(4, 2, P) TILE_CASE(5, 2, P)         \
        TILE_CASE(6, 2, P) default: assert(0);                                                                \
    }
#define TILE_SWITCH_1(P)                                                                                      \
    switch (rows) {                                                                                           \
        TILE_CASE(1, 1, P) TILE_CASE(2, 1, P) TILE_CASE(3, 1, P) TILE_CASE(4, 1, P) TILE_CASE(5, 1, P)         \
        TILE_CASE(6, 1, P) TILE_CASE(7, 1, P) TILE_CASE(8, 1, P) TILE_CASE(9, 1, P) TILE_CASE(10, 1, P)        \
        TILE_CASE(11, 1, P) TILE_CASE(12, 1, P) default: assert(0);                                           \
    }

AVX2_FN static void gemm_avx2(const gemm_args *g)
{
    const int NV = g->nv, R = g->rows, Kt = walk_len(&g->w);
    assert(NV >= 1 && NV <= 3 && R * NV <= 12);
    /* window rows are spread evenly over the row tiles (25 rows: 9 + 8 + 8, not
     * 12 + 12 + 1); panels have a fixed height */
    const int ntiles = (g->I + R - 1) / R;
    /* slots and rows are walked with counters: a division per row would cost as much as
     * a good part of the tile's multiply-adds */
    int srow = 0, sxv = 0;
    for (int s0 = 0; s0 < g->nrows * g->spr; s0 += NV) {
        ptrdiff_t boff[3] = {0, 0, 0}, coff[3] = {0, 0, 0};
        int cnt[3] = {0, 0, 0};
        for (int v = 0; v < NV && srow < g->nrows; v++) {
            boff[v] = srow * g->b_rs + (ptrdiff_t)sxv * LANES;
            coff[v] = srow * g->c_rs + (ptrdiff_t)sxv * LANES;
            const int left = g->width - sxv * LANES;
            cnt[v] = left < LANES ? left : LANES;
            if (++sxv == g->spr) sxv = 0, srow++;
        }
        int c = 0, ky = 0, kx = 0; /* window position of row i0 + i */
        for (int t = 0, i0 = 0, rows; t < ntiles; t++, i0 += rows) {
            if (g->panel_rows > 0) rows = g->I - i0 < R ? g->I - i0 : R;
            else rows = g->I / ntiles + (t < g->I % ntiles);
            ptrdiff_t aoff[12];
            for (int i = 0; i < rows; i++) {
                if (g->panel_rows > 0) {
                    aoff[i] = (ptrdiff_t)i0 * Kt + i;
                } else {
                    aoff[i] = c * g->a_plane + ky * g->a_rs + kx;
                    if (++kx == g->ak) {
                        kx = 0;
                        if (++ky == g->ak) ky = 0, c++;
                    }
                }
            }
            if (g->panel_rows > 0) {
                if (NV == 1) TILE_SWITCH_1(1)
                else if (NV == 2) TILE_SWITCH_2(1)
                else TILE_SWITCH_3(1)
            } else {
                if (NV == 1) TILE_SWITCH_1(0)
                else if (NV == 2) TILE_SWITCH_2(0)
                else TILE_SWITCH_3(0)
            }
        }
    }
}

static int have_avx2_fma(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
#endif

static void gemm(const gemm_args *g)
{
#if CS_HAVE_AVX2_PATH
    if (have_avx2_fma()) {
        gemm_avx2(g);
        return;
    }
#endif
    gemm_portable(g);
}

/* dst[j * ldd + i] = src[i * lds + j] for i < rows, j < cols. */
static void transpose_portable(float *dst, ptrdiff_t ldd, const float *src, ptrdiff_t lds, int rows, int cols, int i0,
                               int j0)
{
    for (int i = i0; i < rows; i++)
        for (int j = j0; j < cols; j++) dst[j * ldd + i] = src[i * lds + j];
}

#if CS_HAVE_AVX2_PATH
/* 8x8 blocks transposed in registers; returns the rows done (a multiple of 8). */
AVX2_FN static int transpose_avx2(float *dst, ptrdiff_t ldd, const float *src, ptrdiff_t lds, int rows, int cols)
{
    int i = 0;
    for (; i + 8 <= rows; i += 8) {
        int j = 0;
        for (; j + 8 <= cols; j += 8) {
            __m256 r[8], t[8];
            for (int k = 0; k < 8; k++) r[k] = _mm256_loadu_ps(src + (i + k) * lds + j);
            for (int k = 0; k < 8; k += 2) {
                t[k] = _mm256_unpacklo_ps(r[k], r[k + 1]);
                t[k + 1] = _mm256_unpackhi_ps(r[k], r[k + 1]);
            }
            for (int k = 0; k < 8; k += 4) {
                r[k] = _mm256_shuffle_ps(t[k], t[k + 2], 0x44);
                r[k + 1] = _mm256_shuffle_ps(t[k], t[k + 2], 0xEE);
                r[k + 2] = _mm256_shuffle_ps(t[k + 1], t[k + 3], 0x44);
                r[k + 3] = _mm256_shuffle_ps(t[k + 1], t[k + 3], 0xEE);
            }
            for (int k = 0; k < 4; k++) {
                t[k] = _mm256_permute2f128_ps(r[k], r[k + 4], 0x20);
                t[k + 4] = _mm256_permute2f128_ps(r[k], r[k + 4], 0x31);
            }
            for (int k = 0; k < 8; k++) _mm256_storeu_ps(dst + (j + k) * ldd + i, t[k]);
        }
        /* the columns left over in this band of 8 rows */
        for (int k = i; k < i + 8; k++)
            for (int jj = j; jj < cols; jj++) dst[jj * ldd + k] = src[k * lds + jj];
    }
    return i;
}
#endif

static void transpose(float *dst, ptrdiff_t ldd, const float *src, ptrdiff_t lds, int rows, int cols)
{
    int i0 = 0;
#if CS_HAVE_AVX2_PATH
    if (have_avx2_fma()) i0 = transpose_avx2(dst, ldd, src, lds, rows, cols);
#endif
    transpose_portable(dst, ldd, src, lds, rows, cols, i0, 0);
}

/* Tile shape for a given slot count: wide tiles when there are many columns. */
static void tile_shape(int nslots, int *nv, int *rows)
{
    *nv = nslots >= 3 ? 3 : nslots;
    *rows = *nv == 3 ? 4 : *nv == 2 ? 6 : 8;
}

/* Sum of n floats in 8 interleaved partial sums: one running sum would be a chain of
 * dependent adds as long as the plane. */
static float sum_lanes(const float *x, int n)
{
    float acc[LANES] = {0};
    int m = 0;
    for (; m + LANES <= n; m += LANES)
        for (int l = 0; l < LANES; l++) acc[l] += x[m + l];
    for (int l = 0; m < n; m++, l++) acc[l] += x[m];
    float s = 0.0f;
    for (int l = 0; l < LANES; l++) s += acc[l];
    return s;
}

/* Packs the (I, Klen) row-major matrix m (row i at m + i*ld, k contiguous) into panels of
 * `rows` rows: [i / rows][k][i % rows], zero-filling the last panel. */
static void pack_panels(float *dst, const float *m, ptrdiff_t ld, int I, int Klen, int rows)
{
    for (int p = 0; p < I; p += rows)
        for (int k = 0; k < Klen; k++)
            for (int r = 0; r < rows; r++)
                *dst++ = p + r < I ? m[(ptrdiff_t)(p + r) * ld + k] : 0.0f;
}

/* ---- geometry of the window path -------------------------------------------------- */

static int window_path(int K, int S, int P) { return S == 1 && P < K; }

static int round_up(int x, int m) { return (x + m - 1) / m * m; }

typedef struct {
    int OH, OW, Hp, Wp, Hq, Wq, OCp, R;
    size_t inpad, doutT, dwT, doutpad, panel; /* float counts of the scratch parts */
} window_geom;

static window_geom window_geometry(int C, int H, int W, int OC, int K, int P)
{
    window_geom g;
    g.OH = H + 2 * P - K + 1, g.OW = W + 2 * P - K + 1;
    g.Hp = H + 2 * P, g.Wp = W + 2 * P;
    g.Hq = H + K - 1, g.Wq = W + K - 1; /* dout padded by K-1-P on each side */
    g.OCp = round_up(OC, LANES);
    g.R = C * K * K;
    g.inpad = (size_t)C * g.Hp * g.Wp + SLACK;
    g.doutT = (size_t)g.OH * g.OW * g.OCp;
    g.dwT = (size_t)g.R * g.OCp;
    g.doutpad = (size_t)OC * g.Hq * g.Wq + SLACK;
    /* forward panels: OC rows of R; input-grad panels: C rows of OC*K*K; panels have at
     * most 8 rows, so padding adds fewer than 8 rows */
    size_t pf = (size_t)(OC + 7) * g.R, pb = (size_t)(C + 7) * OC * K * K;
    g.panel = pf > pb ? pf : pb;
    return g;
}

/* Copies one sample's (C, H, W) planes into the interior of a zeroed (C, H+2P, W+2P) buffer. */
static void pad_planes(float *dst, const float *src, int C, int H, int W, int Hp, int Wp, int top, int left)
{
    for (int c = 0; c < C; c++)
        for (int y = 0; y < H; y++)
            memcpy(dst + ((size_t)c * Hp + y + top) * Wp + left, src + ((size_t)c * H + y) * W,
                   sizeof(float) * (size_t)W);
}

/* ---- im2col fallback (other strides and paddings) --------------------------------- */

static void im2col(float *col, const float *x, int C, int H, int W, int K, int S, int P, int OH, int OW)
{
    for (int c = 0; c < C; c++)
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) {
                float *row = col + (((size_t)c * K + ky) * K + kx) * OH * OW;
                for (int oy = 0; oy < OH; oy++) {
                    const int iy = oy * S - P + ky;
                    float *r = row + (size_t)oy * OW;
                    if (iy < 0 || iy >= H) {
                        memset(r, 0, sizeof(float) * (size_t)OW);
                        continue;
                    }
                    const float *xr = x + ((size_t)c * H + iy) * W;
                    for (int ox = 0; ox < OW; ox++) {
                        const int ix = ox * S - P + kx;
                        r[ox] = (ix >= 0 && ix < W) ? xr[ix] : 0.0f;
                    }
                }
            }
}

static void col2im_add(float *dx, const float *col, int C, int H, int W, int K, int S, int P, int OH, int OW)
{
    for (int c = 0; c < C; c++)
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) {
                const float *row = col + (((size_t)c * K + ky) * K + kx) * OH * OW;
                for (int oy = 0; oy < OH; oy++) {
                    const int iy = oy * S - P + ky;
                    if (iy < 0 || iy >= H) continue;
                    float *dr = dx + ((size_t)c * H + iy) * W;
                    const float *r = row + (size_t)oy * OW;
                    for (int ox = 0; ox < OW; ox++) {
                        const int ix = ox * S - P + kx;
                        if (ix >= 0 && ix < W) dr[ix] += r[ox];
                    }
                }
            }
}

static void forward_im2col(float *out, const float *in, const float *w, const float *b, int N, int C, int H, int W,
                           int OC, int K, int S, int P, float *scratch)
{
    const int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
    const int R = C * K * K, M = OH * OW;
    for (int n = 0; n < N; n++) {
        im2col(scratch, in + (size_t)n * C * H * W, C, H, W, K, S, P, OH, OW);
        float *o = out + (size_t)n * OC * M;
        for (int oc = 0; oc < OC; oc++) {
            float *orow = o + (size_t)oc * M;
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

static void backward_im2col(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                            int N, int C, int H, int W, int OC, int K, int S, int P, float *scratch)
{
    const int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
    const int R = C * K * K, M = OH * OW;
    float *col = scratch, *dcol = scratch + (size_t)R * M;
    for (int n = 0; n < N; n++) {
        const float *g = dout + (size_t)n * OC * M;
        im2col(col, in + (size_t)n * C * H * W, C, H, W, K, S, P, OH, OW);
        for (int oc = 0; oc < OC; oc++) {
            const float *grow = g + (size_t)oc * M;
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
            const float *grow = g + (size_t)oc * M;
            const float *f = w + (size_t)oc * R;
            for (int r = 0; r < R; r++) {
                const float wv = f[r];
                float *dc = dcol + (size_t)r * M;
                for (int m = 0; m < M; m++) dc[m] += wv * grow[m];
            }
        }
        float *dx = din + (size_t)n * C * H * W;
        memset(dx, 0, sizeof(float) * (size_t)C * H * W);
        col2im_add(dx, dcol, C, H, W, K, S, P, OH, OW);
    }
}

/* ---- public kernels ---------------------------------------------------------------- */

size_t cs_conv2d_scratch_floats(int C, int H, int W, int OC, int K, int S, int P)
{
    const int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
    if (OH <= 0 || OW <= 0) return 0;
    if (!window_path(K, S, P)) return (size_t)C * K * K * OH * OW * 2;
    const window_geom g = window_geometry(C, H, W, OC, K, P);
    return g.inpad + g.doutT + g.dwT + g.doutpad + g.panel;
}

void cs_conv2d_forward(float *out, const float *in, const float *w, const float *b,
                       int N, int C, int H, int W, int OC, int K, int S, int P, float *scratch)
{
    const int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
    assert(OH > 0 && OW > 0 && S > 0);
    if (!window_path(K, S, P)) {
        forward_im2col(out, in, w, b, N, C, H, W, OC, K, S, P, scratch);
        return;
    }
    const window_geom wg = window_geometry(C, H, W, OC, K, P);
    float *inpad = scratch, *panel = scratch + wg.inpad;
    gemm_args g = {0};
    g.I = OC;
    g.nrows = OH, g.width = OW, g.spr = (OW + LANES - 1) / LANES;
    tile_shape(g.nrows * g.spr, &g.nv, &g.rows);
    pack_panels(panel, w, wg.R, OC, wg.R, g.rows);
    g.A = panel, g.panel_rows = g.rows;
    g.ldc = (ptrdiff_t)OH * OW, g.c_rs = OW, g.b_rs = wg.Wp;
    g.bias = b;
    g.B = inpad;
    g.w = (kwalk){C, K, K, (ptrdiff_t)K * K * g.rows, (ptrdiff_t)K * g.rows, g.rows,
                  (ptrdiff_t)wg.Hp * wg.Wp, wg.Wp, 1};
    memset(inpad, 0, sizeof(float) * wg.inpad);
    for (int n = 0; n < N; n++) {
        pad_planes(inpad, in + (size_t)n * C * H * W, C, H, W, wg.Hp, wg.Wp, P, P);
        g.C = out + (size_t)n * OC * OH * OW;
        gemm(&g);
    }
}

void cs_conv2d_backward(float *din, float *dw, float *db, const float *dout, const float *in, const float *w,
                        int N, int C, int H, int W, int OC, int K, int S, int P, float *scratch)
{
    const int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
    assert(OH > 0 && OW > 0 && S > 0);
    if (!window_path(K, S, P)) {
        backward_im2col(din, dw, db, dout, in, w, N, C, H, W, OC, K, S, P, scratch);
        return;
    }
    const window_geom wg = window_geometry(C, H, W, OC, K, P);
    const int R = wg.R, M = OH * OW, KK = K * K;
    float *inpad = scratch, *doutT = inpad + wg.inpad, *dwT = doutT + wg.doutT;
    float *doutpad = dwT + wg.dwT, *panel = doutpad + wg.doutpad;

    /* weight gradient, transposed: dwT[r][oc] += sum_(y,x) inpad[r's window + (y,x)] * doutT[(y,x)][oc] */
    gemm_args gw = {0};
    gw.C = dwT, gw.ldc = wg.OCp, gw.accumulate = 1;
    gw.I = R;
    gw.nrows = 1, gw.width = wg.OCp, gw.spr = wg.OCp / LANES;
    tile_shape(gw.spr, &gw.nv, &gw.rows);
    if (gw.nv == 1) gw.rows = 12; /* one B vector per step: more rows share it */
    gw.A = inpad, gw.ak = K, gw.a_plane = (ptrdiff_t)wg.Hp * wg.Wp, gw.a_rs = wg.Wp;
    gw.B = doutT;
    gw.w = (kwalk){OH, 1, OW, wg.Wp, 0, 1, (ptrdiff_t)OW * wg.OCp, 0, wg.OCp};

    /* input gradient: din[c][y,x] = sum_(oc,ky,kx) w[oc][c][ky][kx] * doutpad[oc][y+K-1-ky][x+K-1-kx] */
    gemm_args gx = {0};
    gx.I = C;
    gx.nrows = H, gx.width = W, gx.spr = (W + LANES - 1) / LANES;
    tile_shape(gx.nrows * gx.spr, &gx.nv, &gx.rows);
    gx.ldc = (ptrdiff_t)H * W, gx.c_rs = W, gx.b_rs = wg.Wq;
    gx.A = panel, gx.panel_rows = gx.rows;
    gx.B = doutpad + (ptrdiff_t)(K - 1) * wg.Wq + (K - 1);
    gx.w = (kwalk){OC, K, K, (ptrdiff_t)KK * gx.rows, (ptrdiff_t)K * gx.rows, gx.rows,
                   (ptrdiff_t)wg.Hq * wg.Wq, -(ptrdiff_t)wg.Wq, -1};
    if (din) {
        /* panels of w rearranged to (C, OC*K*K) */
        float *dst = panel;
        for (int p = 0; p < C; p += gx.rows)
            for (int oc = 0; oc < OC; oc++)
                for (int kk = 0; kk < KK; kk++)
                    for (int r = 0; r < gx.rows; r++)
                        *dst++ = p + r < C ? w[((size_t)oc * C + p + r) * KK + kk] : 0.0f;
        memset(doutpad, 0, sizeof(float) * wg.doutpad);
    }

    memset(inpad, 0, sizeof(float) * wg.inpad);
    memset(dwT, 0, sizeof(float) * wg.dwT);
    memset(doutT, 0, sizeof(float) * wg.doutT);
    for (int n = 0; n < N; n++) {
        const float *g = dout + (size_t)n * OC * M;
        pad_planes(inpad, in + (size_t)n * C * H * W, C, H, W, wg.Hp, wg.Wp, P, P);
        transpose(doutT, wg.OCp, g, M, OC, M);
        if (db)
            for (int oc = 0; oc < OC; oc++) db[oc] += sum_lanes(g + (size_t)oc * M, M);
        gemm(&gw);
        if (din) {
            pad_planes(doutpad, g, OC, OH, OW, wg.Hq, wg.Wq, K - 1 - P, K - 1 - P);
            gx.C = din + (size_t)n * C * H * W;
            gemm(&gx);
        }
    }
    for (int oc = 0; oc < OC; oc++)
        for (int r = 0; r < R; r++) dw[(size_t)oc * R + r] += dwT[(size_t)r * wg.OCp + oc];
}
