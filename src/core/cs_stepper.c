/* cs_stepper.c - the convolution stepper: one filter over one image, one position or one
 * multiply-add at a time (see cs_stepper.h).
 *
 * Every completed value comes from cs_conv2d_dot_at plus the bias, and ReLU is
 * cs_relu_forward, so a fully stepped map equals cs_conv2d_forward_ref (followed by
 * cs_relu_forward) bit for bit. Only the running partial sum of a half-shown position and
 * the per-channel display sums are accumulated here.
 */
#include "cs_stepper.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs_filters.h"
#include "cs_tensor.h"

/* Checks a geometry a user may have typed; the messages say what to change. Padding of any
 * size is valid, as in PyTorch, as long as the padded image holds the kernel: windows that
 * lie wholly in the padding sum to 0 and output the bias. */
static cs_status check_geometry(int C, int H, int W, int K, int S, int P)
{
    if (C < 1 || C > CS_STEPPER_MAX_C)
        return cs_fail(CS_ERR_ARG, "channel count %d is out of range (1..%d)", C, CS_STEPPER_MAX_C);
    if (H < 1 || W < 1)
        return cs_fail(CS_ERR_ARG, "image size %dx%d is empty", W, H);
    if ((long long)C * H * W > INT_MAX)
        return cs_fail(CS_ERR_ARG, "image %dx%dx%d is too large", W, H, C);
    if (K < 1 || K > CS_STEPPER_MAX_K)
        return cs_fail(CS_ERR_ARG, "kernel size %d is out of range (1..%d)", K, CS_STEPPER_MAX_K);
    if (S < 1 || S > CS_STEPPER_MAX_SIDE)
        return cs_fail(CS_ERR_ARG, "stride %d is out of range (1..%d)", S, CS_STEPPER_MAX_SIDE);
    if (P < 0 || P > CS_STEPPER_MAX_SIDE)
        return cs_fail(CS_ERR_ARG, "pad %d is out of range (0..%d)", P, CS_STEPPER_MAX_SIDE);
    if (K > H + 2 * P || K > W + 2 * P) {
        int small = H < W ? H : W;
        int need = (K - small + 1) / 2; /* pad that makes the kernel fit */
        return cs_fail(CS_ERR_SHAPE,
                       "kernel %dx%d is larger than the padded image %dx%d (image %dx%d, pad %d): "
                       "use a smaller kernel or a pad of at least %d", K, K, W + 2 * P, H + 2 * P, W, H, P, need);
    }
    const long long outputs = (long long)cs_out_size(H, K, S, P) * cs_out_size(W, K, S, P);
    if (outputs > CS_STEPPER_MAX_OUTPUT)
        return cs_fail(CS_ERR_SHAPE, "the output map would be %dx%d = %lld values, over the budget of %d: use a "
                       "smaller pad or a larger stride", cs_out_size(W, K, S, P), cs_out_size(H, K, S, P), outputs,
                       CS_STEPPER_MAX_OUTPUT);
    return CS_OK;
}

/* The finished value of one output position from its dot_at sum: the bias, then the
 * activation. The stepper's window and its map both go through here. */
static float finish(const cs_stepper *st, float sum, float *pre_out)
{
    float pre = sum + st->bias;
    float v = pre;
    if (st->act == CS_STEPPER_ACT_RELU)
        cs_relu_forward(&v, &pre, 1);
    if (pre_out)
        *pre_out = pre;
    return v;
}

static float dot_at(const cs_stepper *st, int oy, int ox)
{
    return cs_conv2d_dot_at(st->image, st->kernel, st->C, st->H, st->W, st->K, st->S, st->P, oy, ox);
}

/* Count of computed positions for a position index and term: those before it, plus
 * itself once complete. */
static int done_count(const cs_stepper *st, int idx, int term)
{
    return idx + (term == st->n_terms ? 1 : 0);
}

/* Refills window, mask, products and sums for the current position and term. */
static void load_window(cs_stepper *st)
{
    const int C = st->C, H = st->H, W = st->W, K = st->K;
    st->iy0 = st->oy * st->S - st->P;
    st->ix0 = st->ox * st->S - st->P;
    for (int ky = 0; ky < K; ky++)
        for (int kx = 0; kx < K; kx++) {
            int iy = st->iy0 + ky, ix = st->ix0 + kx;
            st->pad_mask[ky * K + kx] = (unsigned char)(iy < 0 || iy >= H || ix < 0 || ix >= W);
        }
    for (int c = 0; c < C; c++) {
        float csum = 0.0f;
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) {
                int i = (c * K + ky) * K + kx;
                int iy = st->iy0 + ky, ix = st->ix0 + kx;
                float x = st->pad_mask[ky * K + kx] ? 0.0f : st->image[((size_t)c * H + iy) * W + ix];
                st->window[i] = x;
                st->products[i] = x * st->kernel[i];
                csum += st->products[i];
            }
        st->channel_sums[c] = csum;
    }
    float partial = 0.0f;
    for (int t = 0; t < st->term; t++)
        partial += st->products[t];
    st->partial = partial;
    st->sum = dot_at(st, st->oy, st->ox);
    st->value = finish(st, st->sum, &st->pre);
}

/* Moves to position index idx (raster) with `term` terms shown, computing or clearing the
 * map cells between the old and new "computed so far" prefixes. */
static void move_to(cs_stepper *st, int idx, int term)
{
    int total = st->OH * st->OW;
    assert(idx >= 0 && idx < total && term >= 0 && term <= st->n_terms);
    (void)total;
    int old_done = st->n_visited;
    int new_done = done_count(st, idx, term);
    for (int i = old_done; i < new_done; i++) {
        st->output[i] = finish(st, dot_at(st, i / st->OW, i % st->OW), NULL);
        st->visited[i] = 1;
    }
    for (int i = new_done; i < old_done; i++) {
        st->output[i] = 0.0f;
        st->visited[i] = 0;
    }
    st->n_visited = new_done;
    st->oy = idx / st->OW;
    st->ox = idx % st->OW;
    st->term = term;
    load_window(st);
}

/* Drops the whole map and recomputes it up to the current position (after the geometry,
 * bias, activation or borrowed data changed). */
static void rebuild(cs_stepper *st)
{
    memset(st->output, 0, (size_t)st->OH * st->OW * sizeof *st->output);
    memset(st->visited, 0, (size_t)st->OH * st->OW);
    st->n_visited = 0;
    move_to(st, st->oy * st->OW + st->ox, st->term);
}

cs_status cs_stepper_init(cs_stepper *st, const float *image, int C, int H, int W,
                          const float *kernel, int K, float bias, int S, int P, cs_stepper_act act)
{
    memset(st, 0, sizeof *st);
    if (!image || !kernel)
        return cs_fail(CS_ERR_ARG, "stepper needs an image and a kernel");
    cs_status s = check_geometry(C, H, W, K, S, P);
    if (s != CS_OK)
        return s;
    int OH = cs_out_size(H, K, S, P), OW = cs_out_size(W, K, S, P);
    assert(OH > 0 && OW > 0);
    size_t n = (size_t)C * K * K;
    st->window = malloc(n * sizeof *st->window);
    st->products = malloc(n * sizeof *st->products);
    st->pad_mask = malloc((size_t)K * K);
    st->channel_sums = malloc((size_t)C * sizeof *st->channel_sums);
    st->output = calloc((size_t)OH * OW, sizeof *st->output);
    st->visited = calloc((size_t)OH * OW, 1);
    if (!st->window || !st->products || !st->pad_mask || !st->channel_sums || !st->output || !st->visited) {
        cs_stepper_free(st);
        return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d stepper map", OW, OH);
    }
    st->image = image;
    st->kernel = kernel;
    st->bias = bias;
    st->act = act;
    st->C = C, st->H = H, st->W = W, st->K = K, st->S = S, st->P = P;
    st->OH = OH, st->OW = OW;
    st->n_terms = (int)n;
    st->n_visited = 0;
    move_to(st, 0, st->n_terms);
    return CS_OK;
}

void cs_stepper_free(cs_stepper *st)
{
    free(st->window);
    free(st->products);
    free(st->pad_mask);
    free(st->channel_sums);
    free(st->output);
    free(st->visited);
    memset(st, 0, sizeof *st);
}

cs_status cs_stepper_set_geometry(cs_stepper *st, int S, int P)
{
    cs_status s = check_geometry(st->C, st->H, st->W, st->K, S, P);
    if (s != CS_OK)
        return s;
    int OH = cs_out_size(st->H, st->K, S, P), OW = cs_out_size(st->W, st->K, S, P);
    if (OH != st->OH || OW != st->OW) {
        /* Allocate both before touching the stepper, so a failure leaves it unchanged. */
        float *output = calloc((size_t)OH * OW, sizeof *output);
        unsigned char *visited = calloc((size_t)OH * OW, 1);
        if (!output || !visited) {
            free(output);
            free(visited);
            return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%d stepper map", OW, OH);
        }
        free(st->output);
        free(st->visited);
        st->output = output;
        st->visited = visited;
    }
    st->S = S, st->P = P;
    st->OH = OH, st->OW = OW;
    if (st->oy >= OH)
        st->oy = OH - 1;
    if (st->ox >= OW)
        st->ox = OW - 1;
    rebuild(st);
    return CS_OK;
}

void cs_stepper_set_bias(cs_stepper *st, float bias)
{
    st->bias = bias;
    rebuild(st);
}

void cs_stepper_set_activation(cs_stepper *st, cs_stepper_act act)
{
    st->act = act;
    rebuild(st);
}

void cs_stepper_refresh(cs_stepper *st) { rebuild(st); }

int cs_stepper_next(cs_stepper *st)
{
    int idx = st->oy * st->OW + st->ox;
    if (idx + 1 < st->OH * st->OW) {
        move_to(st, idx + 1, st->n_terms);
        return 1;
    }
    if (st->term < st->n_terms) {
        move_to(st, idx, st->n_terms);
        return 1;
    }
    return 0;
}

int cs_stepper_prev(cs_stepper *st)
{
    int idx = st->oy * st->OW + st->ox;
    if (idx == 0)
        return 0;
    move_to(st, idx - 1, st->n_terms);
    return 1;
}

int cs_stepper_next_term(cs_stepper *st)
{
    int idx = st->oy * st->OW + st->ox;
    if (st->term < st->n_terms) {
        move_to(st, idx, st->term + 1);
        return 1;
    }
    if (idx + 1 < st->OH * st->OW) {
        move_to(st, idx + 1, 0);
        return 1;
    }
    return 0;
}

int cs_stepper_prev_term(cs_stepper *st)
{
    int idx = st->oy * st->OW + st->ox;
    if (st->term > 0) {
        move_to(st, idx, st->term - 1);
        return 1;
    }
    if (idx > 0) {
        move_to(st, idx - 1, st->n_terms);
        return 1;
    }
    return 0;
}

void cs_stepper_set_term(cs_stepper *st, int term)
{
    if (term < 0)
        term = 0;
    if (term > st->n_terms)
        term = st->n_terms;
    move_to(st, st->oy * st->OW + st->ox, term);
}

cs_status cs_stepper_seek(cs_stepper *st, int oy, int ox)
{
    if (oy < 0 || oy >= st->OH || ox < 0 || ox >= st->OW)
        return cs_fail(CS_ERR_ARG, "position x=%d, y=%d is outside the %dx%d output (x 0..%d, y 0..%d)", ox, oy,
                       st->OW, st->OH, st->OW - 1, st->OH - 1);
    move_to(st, oy * st->OW + ox, st->n_terms);
    return CS_OK;
}

void cs_stepper_to_start(cs_stepper *st) { move_to(st, 0, 0); }

void cs_stepper_to_end(cs_stepper *st) { move_to(st, st->OH * st->OW - 1, st->n_terms); }

int cs_stepper_done(const cs_stepper *st) { return st->n_visited == st->OH * st->OW; }

void cs_stepper_term_cell(const cs_stepper *st, int t, int *c, int *ky, int *kx)
{
    assert(t >= 0 && t < st->n_terms);
    int KK = st->K * st->K;
    *c = t / KK;
    *ky = t / st->K % st->K;
    *kx = t % st->K;
}

int cs_stepper_set_fraction(cs_stepper *st, int den)
{
    st->frac_den = den > 1 && cs_filter_is_fraction(st->kernel, (size_t)st->n_terms, den) ? den : 0;
    return st->frac_den != 0;
}

long cs_stepper_numerator(const cs_stepper *st, int t)
{
    long num = 0;
    assert(st->frac_den > 1 && t >= 0 && t < st->n_terms);
    cs_filter_numerator(st->kernel[t], st->frac_den, &num);
    return num;
}

int cs_stepper_next_nonzero_term(cs_stepper *st)
{
    const int idx = st->oy * st->OW + st->ox;
    if (st->term == st->n_terms) {
        if (idx + 1 >= st->OH * st->OW) return 0;
        move_to(st, idx + 1, 0);
        return 1;
    }
    int t = st->term + 1;
    while (t < st->n_terms && st->products[t - 1] == 0.0f) t++;
    move_to(st, idx, t);
    return 1;
}

int cs_stepper_prev_nonzero_term(cs_stepper *st)
{
    const int idx = st->oy * st->OW + st->ox;
    if (st->term == 0) {
        if (idx == 0) return 0;
        move_to(st, idx - 1, st->n_terms);
        return 1;
    }
    int t = st->term - 1;
    while (t > 0 && st->products[t - 1] == 0.0f) t--;
    move_to(st, idx, t);
    return 1;
}

void cs_stepper_grey(const cs_stepper *st, float in_max, unsigned char *grey)
{
    const float m = in_max > 0 ? in_max : 1.0f;
    for (int i = 0; i < st->OH * st->OW; i++) {
        float t = st->visited[i] ? st->output[i] / m : 0.0f;
        t = t > 0 ? (t < 1 ? t : 1) : 0; /* NaN to 0 too */
        grey[i] = (unsigned char)lrintf(t * 255.0f);
    }
}
