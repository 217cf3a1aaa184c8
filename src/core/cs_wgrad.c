/* cs_wgrad.c - the weight-gradient stepper: one conv filter's dL/dw, one weight or one
 * multiply-add at a time (see cs_wgrad.h).
 *
 * Sums are accumulated in float in raster order of the output positions, as the reference
 * backward kernels do (cs_kernels.c, cs_window.c). Products in the padding are 0 and added too:
 * adding a zero to a running float sum that starts at +0 never changes it, so the value is the
 * reference's bit for bit. */
#include "cs_wgrad.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

float cs_conv2d_win_wgrad_at(const float *in, const float *dout, int C, int H, int W, const cs_win *g, int c, int i,
                             int j)
{
    int OH, OW;
    cs_win_out(g, H, W, &OH, &OW);
    (void)C; /* only checked */
    assert(c >= 0 && c < C && i >= 0 && i < g->kh && j >= 0 && j < g->kw);
    const float *plane = in + (size_t)c * H * W;
    float sum = 0.0f;
    for (int y = 0; y < OH; y++) {
        const int iy = y * g->sh + i - g->pt;
        if (iy < 0 || iy >= H) continue;
        for (int x = 0; x < OW; x++) {
            const int ix = x * g->sw + j - g->pl;
            if (ix >= 0 && ix < W) sum += dout[y * OW + x] * plane[iy * W + ix];
        }
    }
    return sum;
}

static cs_status check_problem(int C, int H, int W, const cs_win *g, int *OH, int *OW)
{
    if (C < 1 || H < 1 || W < 1) return cs_fail(CS_ERR_ARG, "input %dx%dx%d is empty", H, W, C);
    if (g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 || g->pt < 0 || g->pl < 0 || g->pb < 0 || g->pr < 0)
        return cs_fail(CS_ERR_ARG, "window %dx%d, stride %d %d, pad %d %d %d %d is not valid", g->kh, g->kw, g->sh,
                       g->sw, g->pt, g->pl, g->pb, g->pr);
    cs_win_out(g, H, W, OH, OW);
    if (*OH < 1 || *OW < 1)
        return cs_fail(CS_ERR_SHAPE, "the %dx%d window does not fit the %dx%d input (padding %d %d %d %d)", g->kh,
                       g->kw, H, W, g->pt, g->pl, g->pb, g->pr);
    const long long terms = (long long)*OH * *OW, cells = (long long)C * g->kh * g->kw;
    if (terms > CS_WGRAD_MAX_TERMS)
        return cs_fail(CS_ERR_SHAPE, "an output map of %dx%d = %lld values is over the budget of %d products per weight",
                       *OH, *OW, terms, CS_WGRAD_MAX_TERMS);
    if (cells > CS_WGRAD_MAX_CELLS)
        return cs_fail(CS_ERR_SHAPE, "a filter of %dx%dx%d = %lld weights is over the budget of %d", C, g->kh, g->kw,
                       cells, CS_WGRAD_MAX_CELLS);
    if (terms * cells > CS_WGRAD_MAX_WORK)
        return cs_fail(CS_ERR_SHAPE, "the filter's gradient would take %lld multiply-adds, over the budget of %lld",
                       terms * cells, CS_WGRAD_MAX_WORK);
    return CS_OK;
}

/* The cell's products, zero counts and sums; partial for the current term. */
static void load_cell(cs_wgrad *ws)
{
    const cs_win *g = &ws->win;
    const int khw = g->kh * g->kw;
    ws->c = ws->cell / khw;
    ws->i = ws->cell / g->kw % g->kh;
    ws->j = ws->cell % g->kw;
    const float *plane = ws->input + (size_t)ws->c * ws->H * ws->W;
    float sum = 0.0f;
    double abs_sum = 0.0;
    int zero = 0, pad = 0;
    for (int y = 0; y < ws->OH; y++) {
        const int iy = y * g->sh + ws->i - g->pt;
        for (int x = 0; x < ws->OW; x++) {
            const int ix = x * g->sw + ws->j - g->pl, t = y * ws->OW + x;
            const int in_pad = iy < 0 || iy >= ws->H || ix < 0 || ix >= ws->W;
            ws->pad_mask[t] = (unsigned char)in_pad;
            ws->window[t] = in_pad ? 0.0f : plane[iy * ws->W + ix];
            ws->products[t] = ws->dout[t] * ws->window[t];
            sum += ws->products[t];
            abs_sum += fabs((double)ws->products[t]);
            zero += ws->products[t] == 0.0f;
            pad += in_pad;
        }
    }
    ws->sum = sum;
    ws->abs_sum = abs_sum;
    ws->n_zero = zero;
    ws->n_pad = pad;
    float partial = 0.0f;
    for (int t = 0; t < ws->term; t++) partial += ws->products[t];
    ws->partial = partial;
}

/* Makes the map hold exactly the cells before the current one, and the current one when complete. */
static void sync_map(cs_wgrad *ws)
{
    const int want = ws->cell + (ws->term == ws->n_terms);
    for (; ws->n_visited < want; ws->n_visited++) {
        const int k = ws->n_visited;
        ws->grad[k] = k == ws->cell ? ws->sum
                                    : cs_conv2d_win_wgrad_at(ws->input, ws->dout, ws->C, ws->H, ws->W, &ws->win,
                                                             k / (ws->win.kh * ws->win.kw), k / ws->win.kw % ws->win.kh,
                                                             k % ws->win.kw);
        ws->visited[k] = 1;
    }
    for (; ws->n_visited > want; ws->n_visited--) {
        ws->grad[ws->n_visited - 1] = 0.0f;
        ws->visited[ws->n_visited - 1] = 0;
    }
}

/* Moves to (cell, term), reloading the cell when it changed. */
static void go(cs_wgrad *ws, int cell, int term)
{
    const int reload = cell != ws->cell;
    ws->cell = cell;
    ws->term = term;
    if (reload) {
        load_cell(ws);
    } else {
        float partial = 0.0f;
        for (int t = 0; t < term; t++) partial += ws->products[t];
        ws->partial = partial;
    }
    sync_map(ws);
}

cs_status cs_wgrad_init(cs_wgrad *ws, const float *input, int C, int H, int W, const float *dout, const cs_win *g)
{
    memset(ws, 0, sizeof *ws);
    int OH, OW;
    cs_status st = check_problem(C, H, W, g, &OH, &OW);
    if (st) return st;
    const size_t terms = (size_t)OH * OW, cells = (size_t)C * g->kh * g->kw;
    ws->window = malloc(terms * sizeof *ws->window);
    ws->pad_mask = malloc(terms);
    ws->products = malloc(terms * sizeof *ws->products);
    ws->grad = calloc(cells, sizeof *ws->grad);
    ws->visited = calloc(cells, 1);
    if (!ws->window || !ws->pad_mask || !ws->products || !ws->grad || !ws->visited) {
        cs_wgrad_free(ws);
        return cs_fail(CS_ERR_NOMEM, "out of memory for a weight-gradient stepper of %zu weights x %zu products",
                       cells, terms);
    }
    ws->input = input, ws->dout = dout;
    ws->C = C, ws->H = H, ws->W = W, ws->win = *g, ws->OH = OH, ws->OW = OW;
    ws->n_cells = (int)cells, ws->n_terms = (int)terms;
    ws->cell = 0, ws->term = (int)terms;
    load_cell(ws);
    sync_map(ws);
    return CS_OK;
}

void cs_wgrad_free(cs_wgrad *ws)
{
    free(ws->window);
    free(ws->pad_mask);
    free(ws->products);
    free(ws->grad);
    free(ws->visited);
    memset(ws, 0, sizeof *ws);
}

void cs_wgrad_refresh(cs_wgrad *ws)
{
    load_cell(ws);
    ws->n_visited = 0;
    memset(ws->visited, 0, (size_t)ws->n_cells);
    memset(ws->grad, 0, (size_t)ws->n_cells * sizeof *ws->grad);
    sync_map(ws);
}

int cs_wgrad_next(cs_wgrad *ws)
{
    if (ws->cell + 1 < ws->n_cells) {
        go(ws, ws->cell + 1, ws->n_terms);
        return 1;
    }
    if (ws->term < ws->n_terms) {
        cs_wgrad_set_term(ws, ws->n_terms);
        return 1;
    }
    return 0;
}

int cs_wgrad_prev(cs_wgrad *ws)
{
    if (ws->cell == 0) {
        if (ws->term == ws->n_terms) return 0;
        cs_wgrad_set_term(ws, ws->n_terms);
        return 1;
    }
    go(ws, ws->cell - 1, ws->n_terms);
    return 1;
}

int cs_wgrad_next_term(cs_wgrad *ws)
{
    if (ws->term < ws->n_terms) {
        ws->partial += ws->products[ws->term];
        ws->term++;
        sync_map(ws);
        return 1;
    }
    if (ws->cell + 1 >= ws->n_cells) return 0;
    go(ws, ws->cell + 1, 0);
    return 1;
}

int cs_wgrad_prev_term(cs_wgrad *ws)
{
    if (ws->term > 0) {
        cs_wgrad_set_term(ws, ws->term - 1);
        return 1;
    }
    if (ws->cell == 0) return 0;
    go(ws, ws->cell - 1, ws->n_terms);
    return 1;
}

int cs_wgrad_next_nonzero(cs_wgrad *ws)
{
    if (ws->term == ws->n_terms) return cs_wgrad_next_term(ws);
    /* the next non-zero product, or the end of the sum */
    while (ws->term < ws->n_terms) {
        const int zero = ws->products[ws->term] == 0.0f;
        cs_wgrad_next_term(ws);
        if (!zero) break;
    }
    return 1;
}

int cs_wgrad_prev_nonzero(cs_wgrad *ws)
{
    if (ws->term == 0) return cs_wgrad_prev_term(ws);
    int t = ws->term - 1;
    while (t > 0 && ws->products[t - 1] == 0.0f) t--;
    cs_wgrad_set_term(ws, t);
    return 1;
}

void cs_wgrad_set_term(cs_wgrad *ws, int term)
{
    if (term < 0) term = 0;
    if (term > ws->n_terms) term = ws->n_terms;
    float partial = 0.0f;
    for (int t = 0; t < term; t++) partial += ws->products[t];
    ws->term = term;
    ws->partial = partial;
    sync_map(ws);
}

cs_status cs_wgrad_seek(cs_wgrad *ws, int c, int i, int j)
{
    if (c < 0 || c >= ws->C || i < 0 || i >= ws->win.kh || j < 0 || j >= ws->win.kw)
        return cs_fail(CS_ERR_ARG, "weight (%d, %d, %d) is outside the %dx%dx%d filter", c, i, j, ws->C, ws->win.kh,
                       ws->win.kw);
    go(ws, (c * ws->win.kh + i) * ws->win.kw + j, ws->n_terms);
    return CS_OK;
}

void cs_wgrad_to_start(cs_wgrad *ws)
{
    go(ws, 0, ws->n_terms);
    cs_wgrad_set_term(ws, 0);
}

void cs_wgrad_to_end(cs_wgrad *ws) { go(ws, ws->n_cells - 1, ws->n_terms); }

int cs_wgrad_done(const cs_wgrad *ws) { return ws->n_visited == ws->n_cells; }

void cs_wgrad_term_pos(const cs_wgrad *ws, int t, int *y, int *x, int *iy, int *ix)
{
    assert(t >= 0 && t < ws->n_terms);
    *y = t / ws->OW;
    *x = t % ws->OW;
    *iy = *y * ws->win.sh + ws->i - ws->win.pt;
    *ix = *x * ws->win.sw + ws->j - ws->win.pl;
}

int cs_wgrad_zero_shown(const cs_wgrad *ws)
{
    int zero = 0;
    for (int t = 0; t < ws->term; t++) zero += ws->products[t] == 0.0f;
    return zero;
}

double cs_wgrad_bound(const cs_wgrad *ws)
{
    const double nu = (double)ws->n_terms * ldexp(1.0, -24);
    return 2.0 * nu / (1.0 - nu) * ws->abs_sum;
}
