/* test_layout.c - window layout, tile grids and receptive-field arithmetic, without GL:
 * panels inside the window and apart, tiles inside their areas with whole-pixel cells,
 * hit-testing back to the tile and cell, and hand-computed receptive fields. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cs_layout.h"
#include "cs_net.h"

static int inside(cs_rect in, cs_rect out)
{
    return in.x >= out.x - 0.01f && in.y >= out.y - 0.01f && in.x + in.w <= out.x + out.w + 0.01f &&
           in.y + in.h <= out.y + out.h + 0.01f;
}

static int overlap(cs_rect a, cs_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void test_grid_fit(void **state)
{
    (void)state;
    /* 8 maps of 28x28 in a narrow, tall column: one per row, 2 pixels per cell */
    cs_rect area = {10, 20, 70, 600};
    cs_grid g = cs_grid_fit(area, 8, 28, 28, 3, 0);
    assert_int_equal(g.cols, 1);
    assert_int_equal(g.rows, 8);
    assert_float_equal(g.tile_w, 56, 0);
    assert_float_equal(g.tile_w, g.tile_h, 0);
    for (int i = 0; i < 8; i++) assert_true(inside(cs_grid_tile(&g, i), area));
    /* a wide area gets more columns; 16 tiles of 5x5 in 400x100 */
    cs_grid k = cs_grid_fit((cs_rect){0, 0, 400, 100}, 16, 5, 5, 2, 0);
    assert_true(k.cols * k.rows >= 16);
    assert_float_equal(fmodf(k.tile_w, 5), 0, 0); /* whole pixels per cell */
    for (int i = 0; i < 16; i++) {
        cs_rect t = cs_grid_tile(&k, i);
        assert_true(inside(t, (cs_rect){0, 0, 400, 100}));
        for (int j = 0; j < i; j++) assert_false(overlap(t, cs_grid_tile(&k, j)));
    }
    /* forced columns */
    cs_grid f = cs_grid_fit((cs_rect){0, 0, 400, 400}, 12, 5, 5, 1, 3);
    assert_int_equal(f.cols, 3);
    assert_int_equal(f.rows, 4);
    /* hit test: the middle of tile 5's cell (2, 3) comes back as tile 5, cell (2, 3) */
    cs_rect t = cs_grid_tile(&k, 5);
    int cy, cx;
    float cell = t.w / 5;
    assert_int_equal(cs_grid_hit(&k, t.x + 3.5f * cell, t.y + 2.5f * cell, 5, 5, &cy, &cx), 5);
    assert_int_equal(cy, 2);
    assert_int_equal(cx, 3);
    /* gaps and outside miss */
    assert_int_equal(cs_grid_hit(&k, t.x + t.w + 0.5f * k.gap, t.y + 1, 5, 5, NULL, NULL), -1);
    assert_int_equal(cs_grid_hit(&k, -5, -5, 5, 5, NULL, NULL), -1);
    /* tiny areas shrink below one pixel per cell rather than overflow */
    cs_grid s = cs_grid_fit((cs_rect){0, 0, 20, 20}, 4, 28, 28, 1, 0);
    assert_true(s.tile_w < 28);
    for (int i = 0; i < 4; i++) assert_true(inside(cs_grid_tile(&s, i), (cs_rect){0, 0, 20, 20}));
}

static int net_layers(const char *spec, cs_snap_layer *layers, int *in_c, int *in_h, int *in_w, int *classes)
{
    cs_net *net;
    assert_int_equal(cs_net_create(&net, spec, 1, 1), CS_OK);
    int n = net->n_layers;
    for (int l = 0; l < n; l++) cs_snap_layer_from_net(&layers[l], net, l);
    *in_c = net->in_c, *in_h = net->in_h, *in_w = net->in_w, *classes = net->n_classes;
    cs_net_destroy(net);
    return n;
}

/* DejaVu Sans' advances average about 0.6 em: a stand-in measure */
static float EM = 0.6f;
static const cs_measure MEASURE = {cs_measure_fixed, &EM};

static void layout_of(cs_layout *L, const cs_snap_layer *layers, int n, int c, int ih, int iw, int classes, int w, int h,
                      float user_scale, int present)
{
    const cs_layout_in in = {w, h, user_scale, present, &MEASURE, layers, n, c, ih, iw, classes, NULL, 0, 0};
    cs_layout_compute(L, &in);
}

static void check_layout(const char *spec, int w, int h, float user_scale)
{
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    int c, ih, iw, classes;
    int n = net_layers(spec, layers, &c, &ih, &iw, &classes);
    cs_layout L;
    layout_of(&L, layers, n, c, ih, iw, classes, w, h, user_scale, 0);
    if (user_scale == 1) assert_int_equal(L.hidden, 0); /* at --scale 1 everything fits these sizes */
    assert_int_equal(L.hidden & (CS_HIDE_KERNELS | CS_HIDE_CURVES), 0);
    const cs_rect win = {0, 0, (float)w, (float)h};
    const cs_rect panels[] = {L.top, L.probe, L.output, L.strip, L.kernels, L.curves, L.status};
    const int np = sizeof panels / sizeof panels[0];
    for (int i = 0; i < np; i++) {
        assert_true(inside(panels[i], win));
        assert_true(panels[i].w > 50 && panels[i].h > 15);
        for (int j = 0; j < i; j++) assert_false(overlap(panels[i], panels[j]));
    }
    /* buttons on the bar, apart; probe buttons in the probe panel */
    for (int b = 0; b < CS_BTN_COUNT; b++) {
        if (b < CS_BTN_PROBE_PREV && (L.hidden & CS_HIDE_BUTTONS)) continue;
        cs_rect r = L.buttons[b];
        assert_true(r.w > 10 && r.h > 10);
        assert_true(inside(r, b >= CS_BTN_PROBE_PREV ? L.probe : L.top));
        for (int j = 0; j < b; j++) assert_false(overlap(r, L.buttons[j]));
    }
    if (!(L.hidden & CS_HIDE_BUTTONS)) assert_true(inside(L.lr_slider, L.top));
    assert_true(inside(L.probe_img, L.probe));
    /* the probe image keeps whole pixels per cell once it is at least its own size */
    assert_float_equal(fmodf(L.probe_img.w, (float)iw), 0, 0);
    assert_true(L.probe_img.w >= 4 * iw);
    /* one strip column per layer, every tile inside its column's maps area */
    assert_int_equal(L.n_cols, n);
    for (int l = 0; l < n; l++) {
        assert_true(inside(L.col[l], L.strip));
        int m, mh, mw;
        cs_viz_layer_maps(&layers[l], &m, &mh, &mw);
        assert_int_equal(L.col_grid[l].n, m);
        for (int i = 0; i < m; i++) assert_true(inside(cs_grid_tile(&L.col_grid[l], i), L.col_maps[l]));
        assert_true(L.col_grid[l].tile_w >= (float)mw * 0.99f || m > 8); /* small maps get at least 1 px per cell */
        if (l) assert_false(overlap(L.col[l], L.col[l - 1]));
    }
    /* a kernel section per conv layer, tiles inside it, colour bar beside it */
    int convs = 0;
    for (int l = 0; l < n; l++) convs += layers[l].kind == CS_LAYER_CONV;
    assert_int_equal(L.n_kern, convs);
    for (int k = 0; k < L.n_kern; k++) {
        const cs_snap_layer *C = &layers[L.kern_layer[k]];
        assert_int_equal(C->kind, CS_LAYER_CONV);
        assert_true(inside(L.kern_area[k], L.kernels));
        assert_true(inside(L.kern_cbar[k], L.kernels));
        assert_false(overlap(L.kern_cbar[k], L.kern_area[k]));
        const int tiles = L.kern_rgb[k] || C->in_c == 1 ? C->out_c : C->out_c * C->in_c;
        assert_int_equal(L.kern_grid[k].n, tiles);
        for (int i = 0; i < tiles; i++) assert_true(inside(cs_grid_tile(&L.kern_grid[k], i), L.kern_area[k]));
        assert_true(L.kern_grid[k].tile_w >= (float)C->k); /* at least a pixel per weight */
    }
    assert_true(inside(L.loss_plot, L.curves) && inside(L.acc_plot, L.curves));
    assert_false(overlap(L.loss_plot, L.acc_plot));
    assert_int_equal(L.out_rows, classes);
    assert_true(L.out_row_y + (float)L.out_rows * L.out_row_h <= L.out_vectors.y + 0.01f);
    assert_true(inside(L.help, win));
}

static void test_layout_sizes(void **state)
{
    (void)state;
    const char *mnist = cs_net_preset_spec("mnist"), *cifar = cs_net_preset_spec("cifar");
    check_layout(mnist, 1280, 720, 1);
    check_layout(mnist, 1920, 1080, 1);
    check_layout(cifar, 1280, 720, 1);
    check_layout(cifar, 1920, 1080, 1);
    check_layout(cs_net_preset_spec("article"), 1600, 900, 1);
    check_layout(mnist, 1920, 1080, 1.3f);
    /* text scales with the window: 1 at 720p, 1.5 at 1080p, times --scale */
    assert_float_equal(cs_layout_scale(1280, 720, 1), 1, 1e-6);
    assert_float_equal(cs_layout_scale(1920, 1080, 1), 1.5f, 1e-6);
    assert_float_equal(cs_layout_scale(1920, 1080, 2), 3.0f, 1e-6);
    cs_style a, b;
    cs_style_make(&a, 1280, 720, 1, 0);
    cs_style_make(&b, 1920, 1080, 1, 0);
    assert_true(a.px[CS_FONT_SMALL] >= 10 && a.min_px >= 10);
    assert_true(b.px[CS_FONT_NORMAL] > a.px[CS_FONT_NORMAL]);
}

static void rf(const cs_snap_layer *layers, int l, int y, int x, int ey0, int ex0, int ey1, int ex1)
{
    int y0, x0, y1, x1;
    cs_receptive_field(layers, l, y, x, &y0, &x0, &y1, &x1);
    assert_int_equal(y0, ey0);
    assert_int_equal(x0, ex0);
    assert_int_equal(y1, ey1);
    assert_int_equal(x1, ex1);
}

static void test_receptive_field(void **state)
{
    (void)state;
    cs_snap_layer L[CS_SNAP_MAX_LAYERS];
    int c, h, w, classes;
    /* mnist: conv1 5x5 pad 2 | relu1 | pool1 2 | conv2 5x5 pad 2 | relu2 | pool2 3 stride 3 | fc1 | softmax */
    net_layers("mnist", L, &c, &h, &w, &classes);
    rf(L, 0, 10, 12, 8, 10, 12, 14);  /* conv1: 5x5 around the cell */
    rf(L, 0, 0, 0, 0, 0, 2, 2);       /* clipped at the padding */
    rf(L, 0, 27, 27, 25, 25, 27, 27);
    rf(L, 1, 10, 12, 8, 10, 12, 14);  /* relu is pointwise */
    rf(L, 2, 5, 5, 8, 8, 13, 13);     /* pool1 (5,5): conv1 rows 10..11 -> input 8..13 */
    rf(L, 2, 0, 0, 0, 0, 3, 3);
    rf(L, 3, 5, 5, 4, 4, 17, 17);     /* conv2 (5,5): pool1 3..7 -> conv1 6..15 -> input 4..17 */
    rf(L, 5, 1, 1, 0, 0, 17, 17);     /* pool2 (1,1): conv2 3..5 -> pool1 1..7 -> conv1 2..15 -> 0..17 */
    rf(L, 5, 3, 0, 12, 0, 27, 11);    /* pool2 (3,0): conv2 9..11 -> pool1 7..13 -> conv1 14..27 -> 12..29 */
    rf(L, 6, 4, 0, 0, 0, 27, 27);     /* fc: the whole image */
    rf(L, 7, 9, 0, 0, 0, 27, 27);     /* and everything after it */
    /* stride and padding: 3x3 stride 2 pad 1 on 9x9 */
    net_layers("input 9x9x1, conv 2@3 stride 2 pad 1, relu, maxpool 2, fc 3", L, &c, &h, &w, &classes);
    rf(L, 0, 1, 1, 1, 1, 3, 3);
    rf(L, 0, 0, 0, 0, 0, 1, 1);
    rf(L, 0, 4, 2, 7, 3, 8, 5);
    rf(L, 2, 1, 0, 3, 0, 7, 3);       /* pool (1,0): conv rows 2..3, cols 0..1 -> rows 3..7, cols -1..3 */
}

static void test_layer_maps(void **state)
{
    (void)state;
    cs_snap_layer L[CS_SNAP_MAX_LAYERS];
    int c, h, w, classes;
    int n = net_layers("mnist", L, &c, &h, &w, &classes);
    int m, mh, mw;
    cs_viz_layer_maps(&L[0], &m, &mh, &mw);
    assert_int_equal(m, 8);
    assert_int_equal(mh, 28);
    assert_int_equal(mw, 28);
    cs_viz_layer_maps(&L[n - 1], &m, &mh, &mw); /* softmax: one column of 10 cells */
    assert_int_equal(m, 1);
    assert_int_equal(mh, 10);
    assert_int_equal(mw, 1);
    assert_string_equal(L[2].name, "pool1");
    assert_int_equal(L[2].out_h, 14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_fit),
        cmocka_unit_test(test_layout_sizes),
        cmocka_unit_test(test_receptive_field),
        cmocka_unit_test(test_layer_maps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
