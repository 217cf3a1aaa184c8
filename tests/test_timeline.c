/* test_timeline.c - the window's timeline arithmetic without GL: its parts inside the kernel
 * panel and apart, track position <-> record both ways (nearest record, the live end), finding a
 * step after thinning, epoch marks, which kernel tile is under the pointer (the train view's tile
 * order), and the evolution strip's frames. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cs_layout.h"
#include "cs_net.h"
#include "cs_timeline.h"

static int inside(cs_rect in, cs_rect out)
{
    return in.x >= out.x - 0.01f && in.y >= out.y - 0.01f && in.x + in.w <= out.x + out.w + 0.01f &&
           in.y + in.h <= out.y + out.h + 0.01f;
}

static int overlap(cs_rect a, cs_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static float EM = 0.6f;
static const cs_measure MEASURE = {cs_measure_fixed, &EM};

static void layout_for(cs_layout *L, const char *net_spec, int w, int h, cs_snap_layer *layers)
{
    cs_net *net;
    assert_int_equal(cs_net_create(&net, net_spec, 1, 1), CS_OK);
    for (int l = 0; l < net->n_layers; l++) cs_snap_layer_from_net(&layers[l], net, l);
    const cs_layout_in in = {w, h, 1, 0, &MEASURE, layers, net->n_layers, net->in_c, net->in_h, net->in_w,
                             net->n_classes, NULL, 0, 0};
    cs_layout_compute(L, &in);
    cs_net_destroy(net);
}

static void test_layout(void **state)
{
    (void)state;
    const int sizes[][2] = {{1280, 720}, {1920, 1080}, {1024, 600}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        cs_layout L;
        cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
        layout_for(&L, "mnist", sizes[i][0], sizes[i][1], layers);
        /* the timeline is inside the kernel panel, below every kernel section */
        assert_true(inside(L.timeline, L.kernels));
        for (int k = 0; k < L.n_kern; k++) {
            assert_false(overlap(L.timeline, L.kern_area[k]));
            assert_true(L.kern_area[k].y + L.kern_area[k].h <= L.timeline.y + 0.01f);
        }
        cs_timeline_layout T;
        cs_timeline_layout_compute(&T, L.timeline, L.kernels, &L.st);
        const cs_rect parts[] = {T.label, T.btn_back, T.btn_play, T.btn_live, T.track, T.marks};
        for (size_t a = 0; a < 6; a++) {
            assert_true(inside(parts[a], L.timeline));
            for (size_t b = 0; b < a; b++) assert_false(overlap(parts[a], parts[b]));
        }
        assert_true(T.track.w > 0.4f * L.timeline.w);
        assert_true(inside(T.strip, L.kernels));
        assert_false(overlap(T.strip, L.timeline));
    }
}

static cs_history_meta rec(int64_t step, int32_t epoch)
{
    cs_history_meta m = {step, epoch, 0, step * 20, 1.0f, 0.5f};
    return m;
}

static void test_mapping(void **state)
{
    (void)state;
    /* records every 10 steps from 0 to 100, the live net at step 104 */
    cs_history_meta meta[11];
    for (int i = 0; i <= 10; i++) meta[i] = rec(10 * i, i / 5);
    const cs_rect track = {100, 50, 208, 20};
    int64_t s0, s1;
    cs_timeline_span(meta, 11, 104, &s0, &s1);
    assert_int_equal(s0, 0);
    assert_int_equal(s1, 104);
    assert_float_equal(cs_timeline_x_of_step(track, s0, s1, 0), 100, 1e-4);
    assert_float_equal(cs_timeline_x_of_step(track, s0, s1, 104), 308, 1e-4);
    assert_float_equal(cs_timeline_x_of_step(track, s0, s1, 52), 204, 1e-4);
    assert_float_equal(cs_timeline_x_of_step(track, s0, s1, 500), 308, 1e-4); /* clamped */
    /* every record's own x maps back to it */
    for (long i = 0; i <= 10; i++)
        assert_int_equal(cs_timeline_record_at_x(track, meta, 11, 104, cs_timeline_x_of_step(track, s0, s1, meta[i].step)), i);
    /* the nearest record: step 24 -> record 2 (20), step 26 -> record 3 (30) */
    assert_int_equal(cs_timeline_record_at_x(track, meta, 11, 104, cs_timeline_x_of_step(track, s0, s1, 24)), 2);
    assert_int_equal(cs_timeline_record_at_x(track, meta, 11, 104, cs_timeline_x_of_step(track, s0, s1, 26)), 3);
    /* left of the track is the first record; the right end is live (104 is nearer than 100) */
    assert_int_equal(cs_timeline_record_at_x(track, meta, 11, 104, 0), 0);
    assert_int_equal(cs_timeline_record_at_x(track, meta, 11, 104, 308), CS_TIMELINE_LIVE);
    assert_int_equal(cs_timeline_record_at_x(track, meta, 11, 104, 1000), CS_TIMELINE_LIVE);
    /* live at the last record: the end is that record */
    assert_int_equal(cs_timeline_record_at_x(track, meta, 11, 100, 308), 10);
    /* no records: always live */
    assert_int_equal(cs_timeline_record_at_x(track, meta, 0, 0, 150), CS_TIMELINE_LIVE);
    cs_timeline_span(meta, 0, 0, &s0, &s1);
    assert_true(s1 > s0);

    /* thinned records (0, 40, 80, 100): a step is found again as the last record at or before it */
    cs_history_meta thin[4] = {rec(0, 0), rec(40, 0), rec(80, 1), rec(100, 2)};
    assert_int_equal(cs_timeline_find_step(thin, 4, 0), 0);
    assert_int_equal(cs_timeline_find_step(thin, 4, 39), 0);
    assert_int_equal(cs_timeline_find_step(thin, 4, 40), 1);
    assert_int_equal(cs_timeline_find_step(thin, 4, 99), 2);
    assert_int_equal(cs_timeline_find_step(thin, 4, 5000), 3);
    assert_int_equal(cs_timeline_find_step(thin, 4, -3), 0);
}

static void test_epoch_marks(void **state)
{
    (void)state;
    /* epochs of 30 steps recorded every 10 (end of epoch always recorded) */
    cs_history_meta meta[10];
    for (int i = 0; i < 10; i++) meta[i] = rec(10 * i, (10 * i) / 30);
    int64_t steps[8];
    int epochs[8];
    const int n = cs_timeline_epoch_marks(meta, 10, steps, epochs, 8);
    assert_int_equal(n, 3);
    const int64_t want[] = {30, 60, 90};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(steps[i], want[i]);
        assert_int_equal(epochs[i], i + 1);
    }
    /* more marks than room: all counted, only max written */
    int64_t one[1] = {-1};
    int e1[1] = {-1};
    assert_int_equal(cs_timeline_epoch_marks(meta, 10, one, e1, 1), 3);
    assert_int_equal(one[0], 30);
    /* one record, or none: no marks */
    assert_int_equal(cs_timeline_epoch_marks(meta, 1, steps, epochs, 8), 0);
    assert_int_equal(cs_timeline_epoch_marks(meta, 0, steps, epochs, 8), 0);
}

static void test_kernel_hit(void **state)
{
    (void)state;
    cs_layout L;
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    layout_for(&L, "mnist", 1280, 720, layers);
    int layer, o, c;
    /* conv1 (one input channel): tile i is filter i */
    const cs_rect t3 = cs_grid_tile(&L.kern_grid[0], 3);
    assert_true(cs_timeline_kernel_hit(&L, layers, t3.x + 1, t3.y + 1, &layer, &o, &c));
    assert_int_equal(layer, L.kern_layer[0]);
    assert_int_equal(o, 3);
    assert_int_equal(c, 0);
    /* conv2 (8 channels): the tile's filter and channel follow the grid's orientation */
    const int C = layers[L.kern_layer[1]].in_c, OC = layers[L.kern_layer[1]].out_c;
    for (int i = 0; i < L.kern_grid[1].n; i += 7) {
        const cs_rect t = cs_grid_tile(&L.kern_grid[1], i);
        assert_true(cs_timeline_kernel_hit(&L, layers, t.x + 0.5f * t.w, t.y + 0.5f * t.h, &layer, &o, &c));
        assert_int_equal(layer, L.kern_layer[1]);
        if (L.kern_rows_are_filters[1]) assert_int_equal(o * C + c, i);
        else assert_int_equal(c * OC + o, i);
    }
    /* a gap, the panel title and the timeline are not kernels */
    assert_false(cs_timeline_kernel_hit(&L, layers, L.kernels.x + 2, L.kernels.y + 2, &layer, &o, &c));
    assert_false(cs_timeline_kernel_hit(&L, layers, L.timeline.x + 20, L.timeline.y + 20, &layer, &o, &c));
}

static void test_strip(void **state)
{
    (void)state;
    cs_layout L;
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    layout_for(&L, "mnist", 1280, 720, layers);
    cs_timeline_layout T;
    cs_timeline_layout_compute(&T, L.timeline, L.kernels, &L.st);
    const cs_timeline_strip st = cs_timeline_strip_fit(&T, 5, CS_TIMELINE_MAX_FRAMES, &L.st);
    assert_true(st.n >= 6 && st.n <= CS_TIMELINE_MAX_FRAMES);
    assert_float_equal(fmodf(st.side, 5), 0, 0); /* whole pixels per weight */
    for (int i = 0; i < st.n; i++) {
        const cs_rect f = cs_timeline_strip_frame(&st, i);
        assert_true(inside(f, T.strip));
        assert_int_equal(cs_timeline_strip_hit(&st, f.x + 0.5f * f.w, f.y + 0.5f * f.h), i);
        if (i > 0) assert_false(overlap(f, cs_timeline_strip_frame(&st, i - 1)));
    }
    assert_int_equal(cs_timeline_strip_hit(&st, T.strip.x + 1, T.strip.y + 1), -1);
    /* fewer records than room: that many frames */
    assert_int_equal(cs_timeline_strip_fit(&T, 5, 3, &L.st).n, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_epoch_marks),
        cmocka_unit_test(test_kernel_hit),
        cmocka_unit_test(test_strip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
