/* cs_kmetrics.h - numbers that say what a layer's learned filters look like: how smooth they
 * are, how strongly oriented, how coloured. They turn "the first layer grew edge and colour-
 * blob filters, like AlexNet's" into figures a test can assert.
 *
 * Filters are (OC, C, K, K) weights, one filter = C planes of K x K (K >= 2).
 *
 * Smoothness of one filter (a lag-1 spatial autocorrelation): with m the mean of all its
 * weights and P the set of horizontally and vertically neighbouring weight pairs (a, b)
 * inside one plane (2 C K (K-1) pairs),
 *     smoothness = sum_P (a - m)(b - m) / sum_P ((a - m)^2 + (b - m)^2) / 2,
 * the Pearson correlation of the pairs taken in both orders. It lies in [-1, 1]: about 0 for
 * independent random weights, -1 for a checkerboard, near 1 for a smooth ramp or blob. The
 * centre is the whole filter's mean, so a field of one colour (the red plane up, green down)
 * counts as smooth, as it looks. A filter whose weights are all equal has no spread: NaN.
 *
 * Orientation of one filter: the structure tensor of its weights (Bigun & Granlund 1987;
 * the "gradient-structure coherence" of image analysis). At the centre of every 2x2 cell
 * of every plane, gx and gy are the mean horizontal and vertical differences of the cell;
 * J = sum over cells and planes of [gx gx, gx gy; gx gy, gy gy], with eigenvalues l1 >= l2.
 *     coherence = (l1 - l2) / (l1 + l2) = sqrt((Jxx - Jyy)^2 + 4 Jxy^2) / (Jxx + Jyy)
 * is 1 when every gradient points the same way (a straight edge or bar), 0 for an isotropic
 * pattern (a round blob, a checkerboard), 0.19 on average for random 5x5x3 weights. The edge
 * runs perpendicular to the dominant gradient:
 *     edge angle = (atan2(2 Jxy, Jxx - Jyy) / 2 + 90 degrees) mod 180,
 * in degrees counter-clockwise from horizontal with y pointing up (0 a horizontal edge, 90
 * a vertical one, 45 rising to the right like '/').
 *
 * Colour of one filter: the share of its energy that differs between channels,
 *     colour = sum_c,y,x (w_c - g)^2 / sum_c,y,x w_c^2,  g(y, x) = mean over c of w_c(y, x),
 * 0 for a gray filter (all channels alike) or C = 1, up to 1 for an opponent filter whose
 * channels cancel (red against green); 2/3 on average for random weights.
 */
#ifndef CS_KMETRICS_H
#define CS_KMETRICS_H

/* A filter counts as an oriented edge when it is smooth and one orientation dominates, as a
 * colour blob when it is smooth, not oriented and mostly colour. Random 5x5x3 filters pass
 * neither test: of 2000 random 5x5x3 filters none reached smoothness 0.31 or coherence 0.58. */
#define CS_KMETRICS_SMOOTH 0.5f
#define CS_KMETRICS_EDGE_COHERENCE 0.6f
#define CS_KMETRICS_BLOB_COHERENCE 0.4f
#define CS_KMETRICS_BLOB_COLOUR 0.5f

/* The metrics of one filter (see the top of this file). */
typedef struct {
    float smoothness;  /* [-1, 1]; NaN when every plane is constant */
    float coherence;   /* [0, 1]; 0 when all weights are equal */
    float edge_deg;    /* [0, 180) */
    float colour;      /* [0, 1]; 0 when every weight is 0 */
} cs_kmetrics_filter;

/* Metrics of one filter w: (C, K, K). C >= 1, K >= 2 (asserted). */
void cs_kmetrics_of_filter(cs_kmetrics_filter *out, const float *w, int C, int K);

/* A layer's filters summed up. Edge orientations are binned to the nearest of 0, 45, 90
 * and 135 degrees (bin i covers 45 i +- 22.5). */
typedef struct {
    int filters;            /* OC */
    int flat;               /* filters whose weights are all equal (left out of the means) */
    float smoothness;       /* mean smoothness over the other filters; NaN if there are none */
    float smoothness_pooled;/* the pairs of all filters in one sum (filters weigh by their spread,
                             * so nearly-zero dead filters hardly count); NaN if all are flat */
    float coherence;        /* mean coherence over all filters */
    int edges;              /* filters that are oriented edges (CS_KMETRICS_SMOOTH, _EDGE_COHERENCE) */
    int edges_by_angle[4];  /* of those: near 0, 45, 90, 135 degrees */
    int blobs;              /* filters that are colour blobs (CS_KMETRICS_SMOOTH, _BLOB_*) */
} cs_kmetrics_layer;

/* Sums up the OC filters of w: (OC, C, K, K). OC, C >= 1, K >= 2 (asserted). per_filter,
 * when not NULL, receives OC entries (caller-owned). */
void cs_kmetrics_of_layer(cs_kmetrics_layer *out, cs_kmetrics_filter *per_filter, const float *w, int OC, int C,
                          int K);

#endif
