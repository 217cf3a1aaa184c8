/* cs_view_timeline.c - the timeline over the train view (see cs_view_timeline.h): flat quads and
 * text batched by cs_gl; the evolution strip's weights are coloured on the CPU through the shared
 * colormap table and drawn as quads on the top layer, so the strip covers the kernels under it. */
#include "cs_view_timeline.h"
#include "cs_theme.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_view_train.h"

/* The shared palette, so the timeline reads as part of the train view. */
static const cs_rgba TEXT = CS_THEME_TEXT;
static const cs_rgba DIM = CS_THEME_DIM;
static const cs_rgba BUTTON = CS_THEME_BUTTON;
static const cs_rgba BUTTON_ON = CS_THEME_BUTTON_ON;
static const cs_rgba HILITE = CS_THEME_HILITE;
static const cs_rgba LIVE_C = CS_THEME_GOOD;
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

/* Short step labels for narrow places: 950, 12.3k, 1.2M. */
static void fmt_short(char *buf, size_t size, long long n)
{
    if (n >= 1000000) snprintf(buf, size, "%.3gM", (double)n / 1e6);
    else if (n >= 10000) snprintf(buf, size, "%.3gk", (double)n / 1e3);
    else snprintf(buf, size, "%lld", n);
}

static int hot(const cs_timeline_ui *ui, cs_rect r)
{
    return ui->mouse_in && !ui->blocked && cs_rect_contains(r, ui->mouse_x, ui->mouse_y);
}

static void button(cs_view_timeline *v, const cs_timeline_ui *ui, cs_rect r, const char *label, int on, float sc)
{
    cs_rgba c = on ? BUTTON_ON : BUTTON;
    if (hot(ui, r)) c.r += 0.08f, c.g += 0.08f, c.b += 0.08f;
    cs_gl_rect(v->gl, CS_GL_UNDER, r, c);
    const float w = cs_text_width(v->text, CS_FONT_SMALL, label);
    const float fh = cs_layout_font_px(CS_FONT_SMALL, sc) * 1.17f;
    cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, r.x + 0.5f * (r.w - w), r.y + 0.5f * (r.h - fh), TEXT, label);
}

/* A marker on one learning-curve plot: a vertical line at the step and the record's value. */
static void curve_marker(cs_view_timeline *v, const cs_snapshot *s, cs_rect r, int use_acc, const cs_history_meta *m,
                         float sc)
{
    float x, y;
    const float val = use_acc ? m->accuracy : m->loss;
    cs_view_train_plot_xy(s, r, use_acc, (long)m->step, val, &x, &y);
    cs_gl_line(v->gl, CS_GL_OVER, x, r.y, x, r.y + r.h, fmaxf(2, roundf(1.5f * sc)), HILITE);
    const float d = roundf(4 * sc);
    char buf[48];
    if (m->step == 0) {
        /* no batch has been trained yet: the record has no loss to mark */
        snprintf(buf, sizeof buf, "start");
        y = r.y + 0.5f * r.h;
    } else {
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){x - d, y - d, 2 * d, 2 * d}, HILITE);
        if (use_acc) snprintf(buf, sizeof buf, "%.1f%%", (double)val * 100.0);
        else snprintf(buf, sizeof buf, "%.3f", (double)val);
    }
    const float tw = cs_text_width(v->text, CS_FONT_SMALL, buf), fh = cs_layout_font_px(CS_FONT_SMALL, sc);
    /* beside the dot, on the side with room, and kept inside the plot */
    float tx = x + d + roundf(3 * sc);
    if (tx + tw > r.x + r.w) tx = x - d - roundf(3 * sc) - tw;
    float ty = y - fh * 1.3f;
    if (ty < r.y) ty = y + d;
    /* on top, so the curves (drawn later) do not run through the number */
    cs_gl_rect(v->gl, CS_GL_TOP, (cs_rect){tx - 2, ty, tw + 4, fh * 1.2f}, (cs_rgba){0.10f, 0.11f, 0.12f, 0.85f});
    cs_text_draw(v->text, CS_GL_TOP, CS_FONT_SMALL, tx, ty, HILITE, buf);
}

static void draw_strip(cs_view_timeline *v, const cs_timeline_layout *T, const cs_timeline_ui *ui, float sc)
{
    const cs_rect box = T->strip;
    cs_gl_rect(v->gl, CS_GL_TOP, box, (cs_rgba){0.07f, 0.075f, 0.09f, 0.97f});
    cs_gl_frame(v->gl, CS_GL_TOP, box, fmaxf(1, roundf(sc)), BUTTON_ON);
    const float pad = roundf(6 * sc);
    cs_text_draw(v->text, CS_GL_TOP, CS_FONT_SMALL, box.x + pad, box.y + roundf(3 * sc), TEXT, ui->strip_title);
    cs_timeline_strip st = cs_timeline_strip_fit(T, ui->strip_k, ui->strip_n, sc);
    const int k = ui->strip_k, planes = ui->strip_planes;
    const float cell = st.side / (float)k;
    char buf[32];
    for (int f = 0; f < st.n && f < ui->strip_n; f++) {
        const cs_rect fr = cs_timeline_strip_frame(&st, f);
        const float *w = ui->strip_frames + (size_t)f * planes * k * k;
        for (int y = 0; y < k; y++)
            for (int x = 0; x < k; x++) {
                cs_rgba c = {0, 0, 0, 1};
                if (planes == 3) {
                    /* an RGB filter: each plane through the range, as the train view draws it */
                    c.r = cs_value_range_normalize(ui->strip_range, w[(size_t)y * k + x]);
                    c.g = cs_value_range_normalize(ui->strip_range, w[(size_t)k * k + (size_t)y * k + x]);
                    c.b = cs_value_range_normalize(ui->strip_range, w[(size_t)2 * k * k + (size_t)y * k + x]);
                } else {
                    uint8_t rgb[3];
                    cs_colormap_rgb(CS_CMAP_RDBU, ui->strip_range, w[(size_t)y * k + x], rgb);
                    c = (cs_rgba){rgb[0] / 255.0f, rgb[1] / 255.0f, rgb[2] / 255.0f, 1};
                }
                cs_gl_rect(v->gl, CS_GL_TOP, (cs_rect){fr.x + (float)x * cell, fr.y + (float)y * cell, cell, cell}, c);
            }
        const int sel = ui->strip_records && ui->strip_records[f] == ui->sel;
        if (sel) cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(fr, -roundf(3 * sc)), fmaxf(2, roundf(2 * sc)), HILITE);
        else if (hot(ui, fr)) cs_gl_frame(v->gl, CS_GL_TOP, cs_rect_inset(fr, -2), 1, TEXT);
        fmt_short(buf, sizeof buf, ui->strip_records ? (long long)ui->meta[ui->strip_records[f]].step : 0);
        const float tw = cs_text_width(v->text, CS_FONT_SMALL, buf);
        cs_text_draw(v->text, CS_GL_TOP, CS_FONT_SMALL, fr.x + 0.5f * (fr.w - tw), fr.y + fr.h + roundf(2 * sc),
                     sel ? HILITE : DIM, buf);
        if (hot(ui, fr) && ui->strip_records) {
            const cs_history_meta *m = &ui->meta[ui->strip_records[f]];
            char step[32];
            cs_theme_format_count(step, sizeof step, (long long)m->step);
            snprintf(v->hover, sizeof v->hover, "step %s (epoch %d): click to show the whole net at this step", step,
                     cs_history_epoch_label(m));
        }
    }
}

void cs_view_timeline_draw(cs_view_timeline *v, const cs_snapshot *s, const cs_layout *L, const cs_timeline_layout *T,
                           const cs_timeline_ui *ui)
{
    v->hover[0] = '\0';
    const float sc = L->scale;
    char buf[256], a[32], b[32];
    const int scrubbed = ui->sel >= 0 && (size_t)ui->sel < ui->n;
    const cs_history_meta *m = scrubbed ? &ui->meta[ui->sel] : NULL;

    /* what the kernel panel shows */
    if (ui->note) {
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, T->label.x, T->label.y, DIM, ui->note);
    } else if (scrubbed) {
        cs_theme_format_count(a, sizeof a, (long long)m->step);
        cs_theme_format_count(b, sizeof b, (long long)ui->live_step);
        snprintf(buf, sizeof buf, "the net at step %s of %s (epoch %d)", a, b, cs_history_epoch_label(m));
        float x = cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, T->label.x, T->label.y, HILITE, buf);
        if (ui->playing) snprintf(buf, sizeof buf, "\u2014 playing, %s", ui->play_speed ? ui->play_speed : "");
        else snprintf(buf, sizeof buf, "\u2014 press L for live");
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, x + roundf(8 * sc), T->label.y, TEXT, buf);
    } else {
        cs_theme_format_count(a, sizeof a, (long long)ui->n);
        snprintf(buf, sizeof buf, "kernels live \u00B7 %s recorded steps \u00B7 drag the track or \u2190 \u2192 to go back",
                 a);
        cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, T->label.x, T->label.y, DIM, buf);
    }

    button(v, ui, T->btn_back, ui->playing < 0 ? "\u275A\u275A" : "\u25C0", ui->playing < 0, sc);
    button(v, ui, T->btn_play, ui->playing > 0 ? "\u275A\u275A" : "\u25B6", ui->playing > 0, sc);
    button(v, ui, T->btn_live, "Live", !scrubbed, sc);

    /* the track: the recorded part, the live tail, epoch ticks and the cursor */
    const cs_rect tr = T->track;
    int64_t s0, s1;
    cs_timeline_span(ui->meta, ui->n, ui->live_step, &s0, &s1);
    const float bar_h = roundf(6 * sc), cy = tr.y + 0.5f * tr.h;
    cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){tr.x, cy - 0.5f * bar_h, tr.w, bar_h}, BUTTON);
    if (ui->n > 0) {
        const float x0 = cs_timeline_x_of_step(tr, s0, s1, ui->meta[0].step);
        const float x1 = cs_timeline_x_of_step(tr, s0, s1, ui->meta[ui->n - 1].step);
        cs_gl_rect(v->gl, CS_GL_UNDER, (cs_rect){x0, cy - 0.5f * bar_h, fmaxf(x1 - x0, 1), bar_h}, RECORDS);
    }
    const float label_w = cs_text_width(v->text, CS_FONT_SMALL, "e00") + roundf(8 * sc);
    float last_label = -1e9f;
    for (int e = 0; e < ui->n_marks; e++) {
        /* every boundary is ticked; labels only where they do not crowd the previous one */
        const float x = roundf(cs_timeline_x_of_step(tr, s0, s1, ui->mark_steps[e]));
        cs_gl_line(v->gl, CS_GL_OVER, x, tr.y + roundf(2 * sc), x, tr.y + tr.h - roundf(2 * sc), 1, (cs_rgba){1, 1, 1, 0.45f});
        if (x - last_label >= label_w) {
            snprintf(buf, sizeof buf, "e%d", ui->mark_epochs[e]);
            const float tw = cs_text_width(v->text, CS_FONT_SMALL, buf);
            cs_text_draw(v->text, CS_GL_OVER, CS_FONT_SMALL, x - 0.5f * tw, T->marks.y, DIM, buf);
            last_label = x;
        }
    }
    /* the ends: the first recorded step and the live step */
    fmt_short(a, sizeof a, (long long)s0);
    cs_text_draw_right(v->text, CS_GL_OVER, CS_FONT_SMALL, tr.x - roundf(3 * sc), T->marks.y, DIM, a);
    const float knob_w = roundf(8 * sc);
    if (scrubbed) {
        const float x = cs_timeline_x_of_step(tr, s0, s1, m->step);
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){x - 0.5f * knob_w, tr.y, knob_w, tr.h}, HILITE);
        const float lx = cs_timeline_x_of_step(tr, s0, s1, ui->live_step);
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){lx - 1, tr.y + roundf(4 * sc), 2, tr.h - roundf(8 * sc)}, LIVE_C);
    } else {
        cs_gl_rect(v->gl, CS_GL_OVER, (cs_rect){tr.x + tr.w - 0.5f * knob_w, tr.y, knob_w, tr.h}, LIVE_C);
    }

    /* hover: which step a click would show */
    if (hot(ui, cs_rect_inset(tr, -roundf(3 * sc))) && ui->n > 0) {
        const long r = cs_timeline_record_at_x(tr, ui->meta, ui->n, ui->live_step, ui->mouse_x);
        if (r == CS_TIMELINE_LIVE) {
            snprintf(v->hover, sizeof v->hover, "the live net: click to follow training again");
        } else {
            const cs_history_meta *h = &ui->meta[r];
            const float x = cs_timeline_x_of_step(tr, s0, s1, h->step);
            cs_gl_line(v->gl, CS_GL_OVER, x, tr.y, x, tr.y + tr.h, 1, TEXT);
            cs_theme_format_count(a, sizeof a, (long long)h->step);
            snprintf(v->hover, sizeof v->hover,
                     "step %s (epoch %d): batch loss %.3f, accuracy %.1f%%; click or drag to show the net then", a,
                     cs_history_epoch_label(h), (double)h->loss, (double)h->accuracy * 100.0);
        }
    } else if (hot(ui, T->btn_play)) {
        snprintf(v->hover, sizeof v->hover, "play the net's training forward (p); , and . change the speed");
    } else if (hot(ui, T->btn_back)) {
        snprintf(v->hover, sizeof v->hover, "play the net's training backward (b)");
    } else if (hot(ui, T->btn_live)) {
        snprintf(v->hover, sizeof v->hover, "back to the live kernels (l)");
    }

    if (scrubbed) {
        /* the kernel panel is not live: frame it in the cursor's colour, mark the curves */
        cs_gl_frame(v->gl, CS_GL_OVER, L->kernels, fmaxf(2, roundf(2 * sc)), HILITE);
        curve_marker(v, s, L->loss_plot, 0, m, sc);
        curve_marker(v, s, L->acc_plot, 1, m, sc);
    }
    if (ui->strip_n > 0 && ui->strip_frames) draw_strip(v, T, ui, sc);
}
