/* cs_timeline.c - timeline geometry, step <-> track mapping, epoch marks, kernel hit-testing and
 * the evolution strip's frames (see cs_timeline.h). */
#include "cs_timeline.h"

#include <math.h>

void cs_timeline_layout_compute(cs_timeline_layout *T, cs_rect area, cs_rect kernels, const cs_style *st)
{
    const float s = st->scale;
    const float small = cs_style_line(st, CS_FONT_SMALL);
    const float bh = fmaxf(roundf(18 * s), cs_text_box_h(st->px[CS_FONT_SMALL]) + roundf(4 * s));
    const float bw = roundf(30 * s), gap = roundf(4 * s);
    T->area = area;
    T->label = (cs_rect){area.x, area.y, area.w, small};
    const float ry = area.y + small + roundf(2 * s);
    T->btn_back = (cs_rect){area.x, ry, bw, bh};
    T->btn_play = (cs_rect){area.x + bw + gap, ry, bw, bh};
    const float live_w = roundf(46 * s);
    T->btn_live = (cs_rect){area.x + area.w - live_w, ry, live_w, bh};
    /* the track is inset so its ends (and their labels) sit clear of the buttons */
    const float tx = T->btn_play.x + bw + roundf(12 * s), tx1 = T->btn_live.x - roundf(12 * s);
    T->track = (cs_rect){tx, ry, tx1 > tx ? tx1 - tx : 0, bh};
    T->marks = (cs_rect){tx, ry + bh, T->track.w, small};
    /* the strip: a title line, frames and a line of step labels, just above the timeline */
    const float frame = roundf(40 * s), pad = roundf(6 * s);
    if (area.w <= 0) {
        *T = (cs_timeline_layout){0};
        return;
    }
    const float sh = small + frame + small + 2 * pad;
    float sy = area.y - sh - roundf(4 * s);
    if (sy < kernels.y) sy = kernels.y;
    T->strip = (cs_rect){area.x, sy, area.w, sh};
}

void cs_timeline_span(const cs_history_meta *meta, size_t n, int64_t live_step, int64_t *s0, int64_t *s1)
{
    int64_t a = n ? meta[0].step : 0, b = n ? meta[n - 1].step : 0;
    if (live_step > b) b = live_step;
    if (a > b) a = b;
    if (b <= a) b = a + 1;
    *s0 = a, *s1 = b;
}

float cs_timeline_x_of_step(cs_rect track, int64_t s0, int64_t s1, int64_t step)
{
    if (step < s0) step = s0;
    if (step > s1) step = s1;
    return track.x + track.w * (float)((double)(step - s0) / (double)(s1 - s0));
}

size_t cs_timeline_find_step(const cs_history_meta *meta, size_t n, int64_t step)
{
    /* binary search: steps increase strictly */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (meta[mid].step <= step) lo = mid + 1;
        else hi = mid;
    }
    return lo > 0 ? lo - 1 : 0;
}

long cs_timeline_record_at_x(cs_rect track, const cs_history_meta *meta, size_t n, int64_t live_step, float x)
{
    if (n == 0) return CS_TIMELINE_LIVE;
    int64_t s0, s1;
    cs_timeline_span(meta, n, live_step, &s0, &s1);
    double t = track.w > 0 ? (double)(x - track.x) / (double)track.w : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const double step = (double)s0 + t * (double)(s1 - s0);
    const int64_t last = meta[n - 1].step;
    if (live_step > last && step > 0.5 * ((double)last + (double)live_step)) return CS_TIMELINE_LIVE;
    size_t i = cs_timeline_find_step(meta, n, (int64_t)floor(step));
    if (i + 1 < n && (double)meta[i + 1].step - step < step - (double)meta[i].step) i++;
    return (long)i;
}

int cs_timeline_epoch_marks(const cs_history_meta *meta, size_t n, int64_t *steps, int *epochs, int max)
{
    int count = 0;
    for (size_t i = 1; i < n; i++) {
        if (meta[i].epoch <= meta[i - 1].epoch) continue;
        if (count < max) steps[count] = meta[i].step, epochs[count] = meta[i].epoch;
        count++;
    }
    return count;
}

int cs_timeline_kernel_hit(const cs_layout *L, const cs_snap_layer *layers, float x, float y, int *layer, int *o,
                           int *c)
{
    for (int k = 0; k < L->n_kern; k++) {
        const int l = L->kern_layer[k];
        const cs_snap_layer *ly = &layers[l];
        const int i = cs_grid_hit(&L->kern_grid[k], x, y, ly->k, ly->k, NULL, NULL);
        if (i < 0) continue;
        /* the same tile order the train view draws in */
        const int C = ly->in_c, OC = ly->out_c;
        if (L->kern_rgb[k] || C == 1) *o = i, *c = 0;
        else if (L->kern_rows_are_filters[k]) *o = i / C, *c = i % C;
        else *c = i / OC, *o = i % OC;
        *layer = l;
        return 1;
    }
    return 0;
}

cs_timeline_strip cs_timeline_strip_fit(const cs_timeline_layout *T, int k, int max, const cs_style *style)
{
    cs_timeline_strip st = {0, 0, 0, 0, 0};
    const float scale = style->scale;
    const float small = cs_style_line(style, CS_FONT_SMALL), pad = roundf(6 * scale);
    const float avail_h = T->strip.h - 2 * small - 2 * pad;
    if (k <= 0 || avail_h <= 0 || max <= 0) return st;
    /* whole pixels per weight so every weight is an equal square */
    float px = floorf(avail_h / (float)k);
    if (px < 1) px = 1;
    st.side = px * (float)k;
    st.gap = roundf(fmaxf(10 * scale, st.side * 0.35f)); /* room for a step label under each frame */
    const float w = T->strip.w - 2 * pad;
    int n = (int)((w + st.gap) / (st.side + st.gap));
    if (n > max) n = max;
    if (n > CS_TIMELINE_MAX_FRAMES) n = CS_TIMELINE_MAX_FRAMES;
    if (n < 1) n = 1;
    st.n = n;
    const float used = (float)n * st.side + (float)(n - 1) * st.gap;
    st.x = floorf(T->strip.x + 0.5f * (T->strip.w - used));
    st.y = T->strip.y + pad + small;
    return st;
}

cs_rect cs_timeline_strip_frame(const cs_timeline_strip *st, int i)
{
    return (cs_rect){st->x + (float)i * (st->side + st->gap), st->y, st->side, st->side};
}

int cs_timeline_strip_hit(const cs_timeline_strip *st, float x, float y)
{
    for (int i = 0; i < st->n; i++)
        if (cs_rect_contains(cs_timeline_strip_frame(st, i), x, y)) return i;
    return -1;
}
