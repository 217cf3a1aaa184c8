/* cs_view_timeline.c - the timeline over the train view (see cs_view_timeline.h): flat quads
 * batched by cs_gl, every string through the text box call; the evolution strip's weights are
 * coloured on the CPU through the shared colormap table and drawn as quads on the top layer, so
 * the strip covers the kernels under it. Epoch ticks and labels are thinned to stay ~30 px apart. */
#include "cs_view_timeline.h"
#include "cs_i18n.h"
#include "cs_theme.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_view_train.h"

static const cs_rgba RECORDS = {0.42f, 0.46f, 0.54f, 1};

struct cs_view_timeline {
    cs_gl *gl;     /* borrowed */
    cs_text *text; /* borrowed */
    char hover[256];
};

cs_status cs_view_timeline_create(cs_view_timeline **out, cs_gl *gl, cs_text *text)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return cs_fail(CS_ERR_NOMEM, "out of memory");
    (*out)->gl = gl, (*out)->text = text;
    return CS_OK;
}

void cs_view_timeline_destroy(cs_view_timeline *v) { free(v); }

const char *cs_view_timeline_hover(const cs_view_timeline *v) { return v->hover; }

static int hot(const cs_timeline_ui *tu, cs_rect r)
{
    return tu->mouse_in && !tu->blocked && cs_rect_contains(r, tu->mouse_x, tu->mouse_y);
}

static void button(cs_ui *ui, const cs_timeline_ui *tu, cs_rect r, const char *label, int on)
{
    const cs_palette *p = &ui->st->c;
    cs_rgba c = on ? p->button_on : p->button;
    if (hot(tu, r)) c.r += 0.06f, c.g += 0.06f, c.b += 0.06f;
    cs_gl_rect(ui->gl, CS_GL_UNDER, r, c);
    const cs_fit_policy pol = cs_ui_policy(ui, CS_FONT_SMALL, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_CENTER,
                                           CS_VALIGN_MIDDLE);
    cs_ui_text(ui, CS_GL_OVER, r, &pol, p->text, label);
}

/* A marker on one learning-curve plot: a vertical line at the step and the record's value. */
static void curve_marker(cs_ui *ui, const cs_snapshot *s, cs_rect r, int use_acc, const cs_history_meta *m)
{
    const cs_palette *p = &ui->st->c;
    float x, y;
    const float val = use_acc ? m->accuracy : m->loss;
    cs_view_train_plot_xy(s, r, use_acc, (long)m->step, val, &x, &y);
    cs_gl_line(ui->gl, CS_GL_OVER, x, r.y, x, r.y + r.h, fmaxf(2, ui->st->rule), p->hilite);
    const float d = cs_style_u(ui->st, 4);
    char buf[48];
    if (m->step == 0) {
        /* no batch has been trained yet: the record has no loss to mark */
        snprintf(buf, sizeof buf, "%s", C_("timeline", "start"));
        y = r.y + 0.5f * r.h;
    } else {
        cs_gl_rect(ui->gl, CS_GL_OVER, (cs_rect){x - d, y - d, 2 * d, 2 * d}, p->hilite);
        if (use_acc) snprintf(buf, sizeof buf, "%.1f%%", (double)val * 100.0);
        else snprintf(buf, sizeof buf, "%.3f", (double)val);
    }
    const int px = ui->st->px[CS_FONT_SMALL];
    const float tw = cs_text_width(ui->text, CS_FACE_SANS, px, buf), fh = cs_text_box_h(px);
    /* beside the dot, on the side with room, and kept inside the plot */
    float tx = x + d + cs_style_u(ui->st, 3);
    if (tx + tw > r.x + r.w) tx = x - d - cs_style_u(ui->st, 3) - tw;
    if (tx < r.x) tx = r.x;
    float ty = y - fh * 1.3f;
    if (ty < r.y) ty = y + d;
    if (ty + fh > r.y + r.h) ty = r.y + r.h - fh;
    /* on top, so the curves (drawn later) do not run through the number */
    cs_gl_rect(ui->gl, CS_GL_TOP, (cs_rect){tx - 2, ty, tw + 4, fh}, (cs_rgba){0.10f, 0.11f, 0.12f, 0.9f});
    cs_ui_label(ui, CS_GL_TOP, (cs_rect){tx, ty, fminf(tw, r.x + r.w - tx), fh}, CS_FONT_SMALL, CS_ALIGN_LEFT, p->hilite, buf);
}

static void draw_strip(cs_view_timeline *v, cs_ui *ui, const cs_timeline_layout *T, const cs_timeline_ui *tu)
{
    const cs_palette *p = &ui->st->c;
    const cs_rect box = T->strip;
    const float sc = ui->st->scale;
    cs_gl_rect(v->gl, CS_GL_TOP, box, (cs_rgba){0.07f, 0.075f, 0.09f, 0.97f});
    cs_gl_frame(v->gl, CS_GL_TOP, box, fmaxf(1, roundf(sc)), p->button_on);
    const float pad = roundf(6 * sc), small = cs_style_line(ui->st, CS_FONT_SMALL);
    cs_ui_label(ui, CS_GL_TOP, (cs_rect){box.x + pad, box.y + roundf(3 * sc), box.w - 2 * pad, small}, CS_FONT_SMALL,
                CS_ALIGN_LEFT, p->text, tu->strip_title);
    cs_timeline_strip st = cs_timeline_strip_fit(T, tu->strip_k, tu->strip_n, ui->st);
    const int k = tu->strip_k, planes = tu->strip_planes;
    const float cell = st.side / (float)k;
    char buf[32];
    const cs_fit_policy lp = cs_ui_policy(ui, CS_FONT_SMALL, CS_FIT_SHRINK, CS_ALIGN_CENTER, CS_VALIGN_TOP);
    for (int f = 0; f < st.n && f < tu->strip_n; f++) {
        const cs_rect fr = cs_timeline_strip_frame(&st, f);
        const float *w = tu->strip_frames + (size_t)f * planes * k * k;
        for (int y = 0; y < k; y++)
            for (int x = 0; x < k; x++) {
                cs_rgba c = {0, 0, 0, 1};
                if (planes == 3) {
                    /* an RGB filter: each plane through the range, as the train view draws it */
                    c.r = cs_value_range_normalize(tu->strip_range, w[(size_t)y * k + x]);
                    c.g = cs_value_range_normalize(tu->strip_range, w[(size_t)k * k + (size_t)y * k + x]);
                    c.b = cs_value_range_normalize(tu->strip_range, w[(size_t)2 * k * k + (size_t)y * k + x]);
                } else {
                    uint8_t rgb[3];
                    cs_colormap_rgb(tu->diverging, tu->strip_range, w[(size_t)y * k + x], rgb);
                    c = (cs_rgba){rgb[0] / 255.0f, rgb[1] / 255.0f, rgb[2] / 255.0f, 1};
                }
                cs_gl_rect(v->gl, CS_GL_TOP, (cs_rect){fr.x + (float)x * cell, fr.y + (float)y * cell, cell, cell}, c);
            }
        const int sel = tu->strip_records && tu->strip_records[f] == tu->sel;
        if (sel) cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(fr, -roundf(3 * sc)), fmaxf(2, roundf(2 * sc)), p->hilite);
        else if (hot(tu, fr)) cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(fr, -2), 1, p->text);
        /* the frame's step under it, across the frame and half of each gap */
        const long long step = tu->strip_records ? (long long)tu->meta[tu->strip_records[f]].step : 0;
        cs_ui_value(ui, CS_GL_TOP, (cs_rect){fr.x - 0.45f * st.gap, fr.y + fr.h + roundf(2 * sc), fr.w + 0.9f * st.gap, small},
                    &lp, sel ? p->hilite : p->dim, (float)step, 3);
        if (hot(tu, fr) && tu->strip_records) {
            const cs_history_meta *m = &tu->meta[tu->strip_records[f]];
            cs_theme_format_count(buf, sizeof buf, (long long)m->step);
            snprintf(v->hover, sizeof v->hover, _("step %s (epoch %d): click to show the whole net at this step"), buf,
                     cs_history_epoch_label(m));
        }
    }
}

/* The track: the recorded part, the live tail, epoch ticks thinned to ~30 px, the start step and
 * the cursor (m: the shown record, NULL while live). */
static void draw_track(cs_view_timeline *v, cs_ui *ui, const cs_timeline_layout *T, const cs_timeline_ui *tu,
                       const cs_history_meta *m)
{
    const cs_palette *p = &ui->st->c;
    const float sc = ui->st->scale;
    const int scrubbed = m != NULL;
    char buf[64];
    const cs_rect tr = T->track;
    int64_t s0, s1;
    cs_timeline_span(tu->meta, tu->n, tu->live_step, &s0, &s1);
    const float bar_h = roundf(6 * sc), cy = tr.y + 0.5f * tr.h;
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){tr.x, cy - 0.5f * bar_h, tr.w, bar_h}, p->button);
    if (tu->n > 0) {
        const float x0 = cs_timeline_x_of_step(tr, s0, s1, tu->meta[0].step);
        const float x1 = cs_timeline_x_of_step(tr, s0, s1, tu->meta[tu->n - 1].step);
        cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){x0, cy - 0.5f * bar_h, fmaxf(x1 - x0, 1), bar_h}, RECORDS);
    }
    /* epoch ticks at a stride that keeps them ~30 px apart (a small dataset has many epochs) */
    const int spx = ui->st->px[CS_FONT_SMALL];
    char widest[32];
    snprintf(widest, sizeof widest, _("e%d"), 999);
    const float label_w = cs_text_width(v->text, CS_FACE_SANS, spx, widest) + roundf(8 * sc);
    const int stride = cs_mark_stride(tr.w, tu->n_marks + 1, fmaxf(roundf(30 * sc), label_w));
    const float mh = cs_style_line(ui->st, CS_FONT_SMALL);
    float last_label = -1e9f;
    for (int e = 0; e < tu->n_marks; e++) {
        if (tu->mark_epochs[e] % stride) continue;
        const float x = roundf(cs_timeline_x_of_step(tr, s0, s1, tu->mark_steps[e]));
        cs_gl_line(v->gl, CS_GL_OVER, x, tr.y + roundf(2 * sc), x, tr.y + tr.h - roundf(2 * sc), 1, (cs_rgba){1, 1, 1, 0.45f});
        snprintf(buf, sizeof buf, _("e%d"), tu->mark_epochs[e]);
        const float tw = cs_text_width(v->text, CS_FACE_SANS, spx, buf);
        if (x - last_label >= label_w && x - 0.5f * tw >= tr.x && x + 0.5f * tw <= tr.x + tr.w) {
            cs_ui_label(ui, CS_GL_OVER, (cs_rect){x - 0.5f * tw, T->marks.y, tw, mh}, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, buf);
            last_label = x;
        }
    }
    /* the start: the first recorded step, left of the track */
    const float left = T->btn_play.x + T->btn_play.w + roundf(2 * sc);
    const cs_fit_policy rp = cs_ui_policy(ui, CS_FONT_SMALL, CS_FIT_SHRINK, CS_ALIGN_RIGHT, CS_VALIGN_TOP);
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){left, T->marks.y, tr.x - roundf(3 * sc) - left, mh}, &rp, p->dim, (float)s0, 3);
    const float knob_w = roundf(8 * sc);
    if (scrubbed) {
        const float x = cs_timeline_x_of_step(tr, s0, s1, m->step);
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){x - 0.5f * knob_w, tr.y, knob_w, tr.h}, p->hilite);
        const float lx = cs_timeline_x_of_step(tr, s0, s1, tu->live_step);
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){lx - 1, tr.y + roundf(4 * sc), 2, tr.h - roundf(8 * sc)}, p->good);
    } else {
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){tr.x + tr.w - 0.5f * knob_w, tr.y, knob_w, tr.h}, p->good);
    }

}

void cs_view_timeline_draw(cs_view_timeline *v, cs_ui *ui, const cs_snapshot *s, const cs_layout *L,
                           const cs_timeline_layout *T, const cs_timeline_ui *tu)
{
    v->hover[0] = '\0';
    const cs_palette *p = &ui->st->c;
    const float sc = L->scale;
    char buf[256], a[32], b[32];
    const int scrubbed = tu->sel >= 0 && (size_t)tu->sel < tu->n;
    const cs_history_meta *m = scrubbed ? &tu->meta[tu->sel] : NULL;
    if (T->area.w <= 0) {
        /* the row is left out (a small window, presenting): the recorded step still shows */
        if (scrubbed) {
            cs_gl_frame(v->gl, CS_GL_OVER, L->kernels, fmaxf(2, ui->st->rule), p->hilite);
            if (L->loss_plot.w > 0) curve_marker(ui, s, L->loss_plot, 0, m);
            if (L->acc_plot.w > 0) curve_marker(ui, s, L->acc_plot, 1, m);
        }
        return;
    }

    /* what the kernel panel shows */
    if (tu->note) {
        cs_ui_label(ui, CS_GL_OVER, T->label, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, tu->note);
    } else if (scrubbed) {
        cs_theme_format_count(a, sizeof a, (long long)m->step);
        cs_theme_format_count(b, sizeof b, (long long)tu->live_step);
        snprintf(buf, sizeof buf, _("the net at step %s of %s (epoch %d)"), a, b, cs_history_epoch_label(m));
        const cs_rect r = cs_ui_label(ui, CS_GL_OVER, T->label, CS_FONT_SMALL, CS_ALIGN_LEFT, p->hilite, buf);
        if (tu->playing) snprintf(buf, sizeof buf, _("\u2014 playing, %s"), tu->play_speed ? tu->play_speed : "");
        else snprintf(buf, sizeof buf, "%s", _("\u2014 press L for live"));
        const float x = r.x + r.w + roundf(8 * sc);
        if (x < T->label.x + T->label.w)
            cs_ui_label(ui, CS_GL_OVER, (cs_rect){x, T->label.y, T->label.x + T->label.w - x, T->label.h}, CS_FONT_SMALL,
                        CS_ALIGN_LEFT, p->text, buf);
    } else {
        cs_theme_format_count(a, sizeof a, (long long)tu->n);
        snprintf(buf, sizeof buf, _("kernels live \u00B7 %s recorded steps \u00B7 drag the track or \u2190 \u2192 to go back"),
                 a);
        cs_ui_label(ui, CS_GL_OVER, T->label, CS_FONT_SMALL, CS_ALIGN_LEFT, p->dim, buf);
    }

    button(ui, tu, T->btn_back, tu->playing < 0 ? "\u275A\u275A" : "\u25C0", tu->playing < 0);
    button(ui, tu, T->btn_play, tu->playing > 0 ? "\u275A\u275A" : "\u25B6", tu->playing > 0);
    button(ui, tu, T->btn_live, C_("button", "Live"), !scrubbed);

    draw_track(v, ui, T, tu, m);

    /* hover: which step a click would show */
    const cs_rect tr = T->track;
    int64_t s0, s1;
    cs_timeline_span(tu->meta, tu->n, tu->live_step, &s0, &s1);
    if (hot(tu, cs_rect_inset(tr, -roundf(3 * sc))) && tu->n > 0) {
        const long r = cs_timeline_record_at_x(tr, tu->meta, tu->n, tu->live_step, tu->mouse_x);
        if (r == CS_TIMELINE_LIVE) {
            snprintf(v->hover, sizeof v->hover, "%s", _("the live net: click to follow training again"));
        } else {
            const cs_history_meta *h = &tu->meta[r];
            const float x = cs_timeline_x_of_step(tr, s0, s1, h->step);
            cs_gl_line(v->gl, CS_GL_OVER, x, tr.y, x, tr.y + tr.h, 1, p->text);
            cs_theme_format_count(a, sizeof a, (long long)h->step);
            snprintf(v->hover, sizeof v->hover,
                     _("step %s (epoch %d): batch loss %.3f, accuracy %.1f%%; click or drag to show the net then"), a,
                     cs_history_epoch_label(h), (double)h->loss, (double)h->accuracy * 100.0);
        }
    } else if (hot(tu, T->btn_play)) {
        snprintf(v->hover, sizeof v->hover, "%s", _("play the net's training forward (p); , and . change the speed"));
    } else if (hot(tu, T->btn_back)) {
        snprintf(v->hover, sizeof v->hover, "%s", _("play the net's training backward (b)"));
    } else if (hot(tu, T->btn_live)) {
        snprintf(v->hover, sizeof v->hover, "%s", _("back to the live net (l)"));
    }

    if (scrubbed) {
        /* the kernel panel is not live: frame it in the cursor's colour, mark the curves */
        cs_gl_frame(v->gl, CS_GL_OVER, L->kernels, fmaxf(2, roundf(2 * sc)), p->hilite);
        if (L->loss_plot.w > 0) curve_marker(ui, s, L->loss_plot, 0, m);
        if (L->acc_plot.w > 0) curve_marker(ui, s, L->acc_plot, 1, m);
    }
    if (tu->strip_n > 0 && tu->strip_frames) draw_strip(v, ui, T, tu);
}
