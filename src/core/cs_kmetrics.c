/* cs_kmetrics.c - smoothness, orientation (structure-tensor coherence) and colour of learned
 * filters (see cs_kmetrics.h for the definitions). */
#include "cs_kmetrics.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#define PI_D 3.14159265358979323846

static double mean_of(const float *p, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += p[i];
    return s / n;
}

/* Neighbour-pair sums of one plane centred on m: cross += (a-m)(b-m), square += ((a-m)^2 + (b-m)^2) / 2. */
static void pair_sums(const float *p, int K, double m, double *cross, double *square)
{
    for (int y = 0; y < K; y++)
        for (int x = 0; x < K; x++) {
            const double a = p[y * K + x] - m;
            if (x + 1 < K) {
                const double b = p[y * K + x + 1] - m;
                *cross += a * b;
                *square += 0.5 * (a * a + b * b);
            }
            if (y + 1 < K) {
                const double b = p[(y + 1) * K + x] - m;
                *cross += a * b;
                *square += 0.5 * (a * a + b * b);
            }
        }
}

/* Neighbour-pair sums of one filter (C, K, K), every plane centred on the filter's mean. */
static void filter_pair_sums(const float *w, int C, int K, double *cross, double *square)
{
    const double m = mean_of(w, C * K * K);
    for (int c = 0; c < C; c++) pair_sums(w + (size_t)c * K * K, K, m, cross, square);
}

/* Structure tensor of one plane, added to j[0] = Jxx, j[1] = Jxy, j[2] = Jyy (y down). */
static void structure_tensor(const float *p, int K, double j[3])
{
    for (int y = 0; y + 1 < K; y++)
        for (int x = 0; x + 1 < K; x++) {
            const double a = p[y * K + x], b = p[y * K + x + 1];
            const double c = p[(y + 1) * K + x], d = p[(y + 1) * K + x + 1];
            const double gx = 0.5 * ((b - a) + (d - c)), gy = 0.5 * ((c - a) + (d - b));
            j[0] += gx * gx;
            j[1] += gx * gy;
            j[2] += gy * gy;
        }
}

void cs_kmetrics_of_filter(cs_kmetrics_filter *out, const float *w, int C, int K)
{
    assert(C >= 1 && K >= 2);
    const int plane = K * K;
    double cross = 0.0, square = 0.0, j[3] = {0.0, 0.0, 0.0};
    double energy = 0.0, chroma = 0.0;
    filter_pair_sums(w, C, K, &cross, &square);
    for (int c = 0; c < C; c++) structure_tensor(w + (size_t)c * plane, K, j);
    for (int i = 0; i < plane; i++) {
        double g = 0.0;
        for (int c = 0; c < C; c++) g += w[(size_t)c * plane + i];
        g /= C;
        for (int c = 0; c < C; c++) {
            const double v = w[(size_t)c * plane + i];
            energy += v * v;
            chroma += (v - g) * (v - g);
        }
    }
    out->smoothness = square > 0.0 ? (float)(cross / square) : NAN;
    const double trace = j[0] + j[2], diff = j[0] - j[2];
    const double spread = sqrt(diff * diff + 4.0 * j[1] * j[1]);
    out->coherence = trace > 0.0 ? (float)(spread / trace) : 0.0f;
    /* y up: the gradient angle's Jxy changes sign; the edge is perpendicular to the gradient */
    double deg = 0.5 * atan2(-2.0 * j[1], diff) * 180.0 / PI_D + 90.0;
    deg = fmod(deg, 180.0);
    if (deg < 0.0) deg += 180.0;
    out->edge_deg = (float)deg;
    out->colour = energy > 0.0 ? (float)(chroma / energy) : 0.0f;
}

void cs_kmetrics_of_layer(cs_kmetrics_layer *out, cs_kmetrics_filter *per_filter, const float *w, int OC, int C,
                          int K)
{
    assert(OC >= 1 && C >= 1 && K >= 2);
    memset(out, 0, sizeof *out);
    out->filters = OC;
    double smooth_sum = 0.0, coherence_sum = 0.0, cross = 0.0, square = 0.0;
    for (int o = 0; o < OC; o++) {
        const float *wo = w + (size_t)o * C * K * K;
        cs_kmetrics_filter f;
        cs_kmetrics_of_filter(&f, wo, C, K);
        filter_pair_sums(wo, C, K, &cross, &square);
        if (per_filter) per_filter[o] = f;
        coherence_sum += f.coherence;
        if (isnan(f.smoothness)) {
            out->flat++;
            continue;
        }
        smooth_sum += f.smoothness;
        if (f.smoothness < CS_KMETRICS_SMOOTH) continue;
        if (f.coherence >= CS_KMETRICS_EDGE_COHERENCE) {
            out->edges++;
            out->edges_by_angle[(int)((f.edge_deg + 22.5f) / 45.0f) % 4]++;
        } else if (f.coherence < CS_KMETRICS_BLOB_COHERENCE && f.colour >= CS_KMETRICS_BLOB_COLOUR) {
            out->blobs++;
        }
    }
    const int counted = OC - out->flat;
    out->smoothness = counted > 0 ? (float)(smooth_sum / counted) : NAN;
    out->coherence = (float)(coherence_sum / OC);
    out->smoothness_pooled = square > 0.0 ? (float)(cross / square) : NAN;
}
