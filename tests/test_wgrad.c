/* test_wgrad.c - the weight-gradient stepper: a hand-computed case, every weight equal to the
 * reference backward's dw bit for bit (square and general windows, strides, padding, channels),
 * the fast backward within the stated summation bound, term-by-term stepping, skipping zeros, the
 * map as a function of the position, and refused problems. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs_rng.h"
#include "cs_tensor.h"
#include "cs_wgrad.h"

/* Input 1x3x3, a 2x2 window, stride 1, no padding: dy is 2x2. Worked by hand:
 *   x = 1 2 3     dy = 1  0
 *       4 5 6          2 -1
 *       7 8 9
 *   dL/dw[0][i][j] = sum_{y,x} x[y+i][x+j] dy[y][x]
 *   (0,0): 1*1 + 2*0 + 4*2 + 5*-1 = 4      (0,1): 2 + 0 + 10 - 6 = 6
 *   (1,0): 4 + 0 + 14 - 8 = 10             (1,1): 5 + 0 + 16 - 9 = 12 */
static void test_hand_computed(void **state)
{
    (void)state;
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, dy[4] = {1, 0, 2, -1};
    const cs_win g = cs_win_square(2, 1, 0);
    cs_wgrad ws;
    assert_int_equal(cs_wgrad_init(&ws, x, 1, 3, 3, dy, &g), CS_OK);
    assert_int_equal(ws.n_cells, 4);
    assert_int_equal(ws.n_terms, 4);
    const float want[4] = {4, 6, 10, 12};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(ws.cell, k);
        assert_true(ws.sum == want[k]);
        assert_int_equal(ws.n_zero, 1); /* dy[0][1] = 0 */
        if (k < 3) assert_int_equal(cs_wgrad_next(&ws), 1);
    }
    assert_int_equal(cs_wgrad_next(&ws), 0);
    assert_true(cs_wgrad_done(&ws));
    for (int k = 0; k < 4; k++) assert_true(ws.grad[k] == want[k]);
    /* the window of weight (1, 0): rows 1..2, columns 0..1 of x */
    assert_int_equal(cs_wgrad_seek(&ws, 0, 1, 0), CS_OK);
    const float win[4] = {4, 5, 7, 8}, prod[4] = {4, 0, 14, -8};
    for (int t = 0; t < 4; t++) assert_true(ws.window[t] == win[t] && ws.products[t] == prod[t]);
    /* the map holds weights 0..2 now */
    assert_int_equal(ws.n_visited, 3);
    assert_int_equal(ws.visited[3], 0);
    assert_true(ws.grad[3] == 0.0f);
    int y, xx, iy, ix;
    cs_wgrad_term_pos(&ws, 3, &y, &xx, &iy, &ix);
    assert_int_equal(y, 1), assert_int_equal(xx, 1), assert_int_equal(iy, 2), assert_int_equal(ix, 1);
    cs_wgrad_free(&ws);
}

static void fill(float *x, size_t n, cs_rng *rng, float zero_share)
{
    for (size_t i = 0; i < n; i++) x[i] = cs_rng_uniform(rng) < zero_share ? 0.0f : cs_rng_normal(rng);
}

/* Every weight of every filter, stepped, equals the reference backward's dw bit for bit. */
static void check_against_ref(int C, int H, int W, int OC, cs_win g)
{
    int OH, OW;
    cs_win_out(&g, H, W, &OH, &OW);
    cs_rng rng;
    cs_rng_seed(&rng, (uint64_t)(C * 1000 + H * 10 + g.kh));
    const size_t nin = (size_t)C * H * W, nout = (size_t)OC * OH * OW, nw = (size_t)OC * C * g.kh * g.kw;
    float *x = malloc(nin * sizeof *x), *dy = malloc(nout * sizeof *dy), *w = malloc(nw * sizeof *w);
    float *dw = calloc(nw, sizeof *dw), *db = calloc((size_t)OC, sizeof *db);
    fill(x, nin, &rng, 0.3f); /* zeros, as after a ReLU */
    fill(dy, nout, &rng, 0.5f);
    fill(w, nw, &rng, 0.0f);
    cs_conv2d_win_backward_ref(NULL, dw, db, dy, x, w, 1, C, H, W, OC, &g);
    float *dw_sq = NULL;
    if (cs_win_is_square(&g)) {
        dw_sq = calloc(nw, sizeof *dw_sq);
        float *db2 = calloc((size_t)OC, sizeof *db2);
        cs_conv2d_backward_ref(NULL, dw_sq, db2, dy, x, w, 1, C, H, W, OC, g.kh, g.sh, g.pt);
        free(db2);
    }
    for (int oc = 0; oc < OC; oc++) {
        cs_wgrad ws;
        assert_int_equal(cs_wgrad_init(&ws, x, C, H, W, dy + (size_t)oc * OH * OW, &g), CS_OK);
        cs_wgrad_to_end(&ws);
        assert_true(cs_wgrad_done(&ws));
        const float *ref = dw + (size_t)oc * ws.n_cells;
        for (int k = 0; k < ws.n_cells; k++) {
            if (memcmp(&ws.grad[k], &ref[k], sizeof(float)) != 0)
                fail_msg("C%d %dx%d window %dx%d s%d,%d pad %d %d %d %d: filter %d weight %d: stepper %.9g ref %.9g", C,
                         H, W, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pb, g.pr, oc, k, (double)ws.grad[k],
                         (double)ref[k]);
            if (dw_sq) assert_memory_equal(&ws.grad[k], &dw_sq[(size_t)oc * ws.n_cells + k], sizeof(float));
        }
        /* term by term from the start reproduces each sum */
        cs_wgrad_to_start(&ws);
        assert_int_equal(ws.n_visited, 0);
        int steps = 0;
        while (cs_wgrad_next_term(&ws)) {
            steps++;
            if (ws.term == ws.n_terms) assert_memory_equal(&ws.partial, &ref[ws.cell], sizeof(float));
        }
        assert_int_equal(steps, ws.n_cells * (ws.n_terms + 1) - 1);
        cs_wgrad_free(&ws);
    }
    free(x), free(dy), free(w), free(dw), free(db), free(dw_sq);
}

static void test_equals_reference(void **state)
{
    (void)state;
    check_against_ref(1, 6, 6, 2, cs_win_square(3, 1, 0));
    check_against_ref(3, 8, 7, 2, cs_win_square(5, 1, 2));   /* the presets' conv: pad 2 */
    check_against_ref(2, 9, 9, 3, cs_win_square(3, 2, 1));   /* stride 2 */
    check_against_ref(1, 5, 5, 1, cs_win_square(1, 1, 2));   /* outputs wholly in the padding */
    check_against_ref(2, 7, 9, 2, (cs_win){2, 4, 1, 2, 1, 0, 2, 3, 0}); /* a general window */
}

/* The network's fast backward adds the same products in another order: within cs_wgrad_bound. */
static void test_fast_within_bound(void **state)
{
    (void)state;
    const int C = 8, H = 14, W = 14, OC = 16, K = 5, S = 1, P = 2;
    cs_rng rng;
    cs_rng_seed(&rng, 11);
    const size_t nin = (size_t)C * H * W, nout = (size_t)OC * H * W, nw = (size_t)OC * C * K * K;
    float *x = malloc(nin * sizeof *x), *dy = malloc(nout * sizeof *dy), *w = malloc(nw * sizeof *w);
    float *dw = calloc(nw, sizeof *dw), *db = calloc((size_t)OC, sizeof *db);
    float *scratch = malloc(cs_conv2d_scratch_floats(C, H, W, OC, K, S, P) * sizeof(float));
    fill(x, nin, &rng, 0.4f);
    fill(dy, nout, &rng, 0.6f);
    fill(w, nw, &rng, 0.0f);
    cs_conv2d_backward(NULL, dw, db, dy, x, w, 1, C, H, W, OC, K, S, P, scratch);
    const cs_win g = cs_win_square(K, S, P);
    double worst = 0.0; /* the largest difference as a share of its bound */
    for (int oc = 0; oc < OC; oc++) {
        cs_wgrad ws;
        assert_int_equal(cs_wgrad_init(&ws, x, C, H, W, dy + (size_t)oc * H * W, &g), CS_OK);
        do {
            const double diff = fabs((double)ws.sum - dw[(size_t)oc * ws.n_cells + ws.cell]);
            const double bound = cs_wgrad_bound(&ws);
            if (diff > bound) fail_msg("filter %d weight %d: stepper %.9g fast %.9g, bound %.3g", oc, ws.cell,
                                       (double)ws.sum, (double)dw[(size_t)oc * ws.n_cells + ws.cell], bound);
            if (bound > 0 && diff / bound > worst) worst = diff / bound;
        } while (cs_wgrad_next(&ws));
        cs_wgrad_free(&ws);
    }
    print_message("fast backward vs stepper: largest difference %.3g of the bound\n", worst);
    free(x), free(dy), free(w), free(dw), free(db), free(scratch);
}

/* Zero products are counted and can be skipped; stepping back is the exact inverse. */
static void test_zero_terms(void **state)
{
    (void)state;
    /* one channel 4x4 with zeros, a 3x3 window, pad 1: 16 terms per weight */
    const float x[16] = {0, 1, 0, 2, 0, 0, 3, 0, 4, 0, 0, 0, 0, 5, 0, 6};
    float dy[16];
    for (int i = 0; i < 16; i++) dy[i] = i % 3 == 0 ? 0.0f : (float)(i + 1) * 0.5f;
    const cs_win g = cs_win_square(3, 1, 1);
    cs_wgrad ws;
    assert_int_equal(cs_wgrad_init(&ws, x, 1, 4, 4, dy, &g), CS_OK);
    assert_int_equal(cs_wgrad_seek(&ws, 0, 1, 1), CS_OK); /* the centre: no padding */
    assert_int_equal(ws.n_pad, 0);
    int nonzero = 0;
    for (int t = 0; t < ws.n_terms; t++) nonzero += ws.products[t] != 0.0f;
    assert_int_equal(ws.n_zero, ws.n_terms - nonzero);
    assert_true(nonzero > 0 && ws.n_zero > 0);
    cs_wgrad_set_term(&ws, 0);
    int presses = 0;
    while (ws.term < ws.n_terms) {
        assert_int_equal(cs_wgrad_next_nonzero(&ws), 1);
        presses++;
        /* each press ends on a non-zero product, or at the end */
        assert_true(ws.term == ws.n_terms || ws.products[ws.term - 1] != 0.0f);
    }
    /* one press per non-zero product, plus one when the sum ends in zeros */
    assert_true(presses == nonzero || presses == nonzero + 1);
    assert_memory_equal(&ws.partial, &ws.sum, sizeof(float));
    assert_int_equal(cs_wgrad_zero_shown(&ws), ws.n_zero);
    /* back down: each press ends on a non-zero product or at term 0 */
    while (ws.term > 0) {
        cs_wgrad_prev_nonzero(&ws);
        assert_true(ws.term == 0 || ws.products[ws.term - 1] != 0.0f);
    }
    assert_true(ws.partial == 0.0f);
    /* the corner weight (0, 0) sees the padding in the first row and column: 7 of 16 */
    assert_int_equal(cs_wgrad_seek(&ws, 0, 0, 0), CS_OK);
    assert_int_equal(ws.n_pad, 7);
    for (int t = 0; t < ws.n_terms; t++) {
        int y, xx, iy, ix;
        cs_wgrad_term_pos(&ws, t, &y, &xx, &iy, &ix);
        assert_int_equal(ws.pad_mask[t], iy < 0 || ix < 0);
        if (ws.pad_mask[t]) assert_true(ws.window[t] == 0.0f);
    }
    /* one term back from term 0 goes to the previous weight complete; prev at weight 0 complete is the start */
    cs_wgrad_set_term(&ws, 0);
    assert_int_equal(cs_wgrad_prev_term(&ws), 0);
    assert_int_equal(cs_wgrad_seek(&ws, 0, 0, 1), CS_OK);
    cs_wgrad_set_term(&ws, 0);
    assert_int_equal(ws.n_visited, 1);
    assert_int_equal(cs_wgrad_prev_term(&ws), 1);
    assert_int_equal(ws.cell, 0);
    assert_int_equal(ws.term, ws.n_terms);
    assert_int_equal(ws.n_visited, 1);
    assert_int_equal(cs_wgrad_prev(&ws), 0);
    cs_wgrad_free(&ws);
}

static void test_refused(void **state)
{
    (void)state;
    const float x[9] = {0}, dy[9] = {0};
    cs_wgrad ws;
    const cs_win big = cs_win_square(5, 1, 0);
    assert_int_equal(cs_wgrad_init(&ws, x, 1, 3, 3, dy, &big), CS_ERR_SHAPE);
    assert_non_null(strstr(cs_last_error(), "does not fit"));
    cs_wgrad_free(&ws);
    const cs_win bad = {3, 3, 0, 1, 0, 0, 0, 0, 0};
    assert_int_equal(cs_wgrad_init(&ws, x, 1, 3, 3, dy, &bad), CS_ERR_ARG);
    assert_int_equal(cs_wgrad_init(&ws, x, 0, 3, 3, dy, &big), CS_ERR_ARG);
    /* a 4096x4096 map would be 16.7M products per weight: over the work budget for 25 weights */
    const cs_win k5 = cs_win_square(5, 1, 2);
    assert_int_equal(cs_wgrad_init(&ws, x, 1, 4096, 4096, dy, &k5), CS_ERR_SHAPE);
    assert_non_null(strstr(cs_last_error(), "budget"));
    const cs_win k3 = cs_win_square(3, 1, 1);
    assert_int_equal(cs_wgrad_init(&ws, x, 1, 3, 3, dy, &k3), CS_OK);
    assert_int_equal(cs_wgrad_seek(&ws, 1, 0, 0), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "1x3x3"));
    cs_wgrad_free(&ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),   cmocka_unit_test(test_equals_reference),
        cmocka_unit_test(test_fast_within_bound), cmocka_unit_test(test_zero_terms),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
