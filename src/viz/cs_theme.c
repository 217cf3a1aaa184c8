/* cs_theme.c - what the window's views share (see cs_theme.h). */
#include "cs_theme.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void cs_theme_panel(cs_ui *ui, cs_rect r, cs_rect title_box, const char *title)
{
    /* the frame is cleared to the panel colour; only the gutters around panels are painted,
     * which keeps the filled area (the cost on software rasterisers) small */
    const float g = cs_style_u(ui->st, 6);
    cs_gl_frame(ui->gl, CS_GL_UNDER, cs_rect_inset(r, -g), g, ui->st->c.gutter);
    if (title && *title) cs_ui_label(ui, CS_GL_OVER, title_box, CS_FONT_NORMAL, CS_ALIGN_LEFT, ui->st->c.text, title);
}

void cs_theme_button(cs_ui *ui, cs_rect r, const char *label, int on, int hot)
{
    const cs_palette *p = &ui->st->c;
    cs_rgba c = on ? p->button_on : p->button;
    if (hot) c.r += 0.06f, c.g += 0.06f, c.b += 0.06f;
    cs_gl_rect(ui->gl, CS_GL_UNDER, r, c);
    if (ui->st->present) cs_gl_frame(ui->gl, CS_GL_OVER, r, fmaxf(1, ui->st->rule * 0.5f), p->dim);
    const cs_fit_policy pol = cs_ui_policy(ui, CS_FONT_NORMAL, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, CS_ALIGN_CENTER,
                                           CS_VALIGN_MIDDLE);
    cs_ui_text(ui, CS_GL_OVER, (cs_rect){r.x + 2, r.y, r.w - 4, r.h}, &pol, p->text, label);
}

void cs_theme_vbar(cs_ui *ui, unsigned ramp_v, cs_rect bar, cs_rect labels, cs_colormap_id cmap, cs_value_range range)
{
    cs_gl_heat(ui->gl, ramp_v, 1, 256, bar, 0, 0, 1, 256, (cs_value_range){0, 1}, cmap, 0);
    cs_fit_policy p = cs_ui_policy(ui, CS_FONT_SMALL, CS_FIT_SHRINK, CS_ALIGN_LEFT, CS_VALIGN_TOP);
    const cs_rgba c = ui->st->c.dim;
    const float lh = cs_text_box_h(ui->st->px[CS_FONT_SMALL]), lmin = cs_text_box_h(ui->st->min_px);
    const int symmetric = range.lo == -range.hi;
    if (labels.h < 2 * lmin) {
        /* room for one number: the symmetric range's end as ±x, else the top */
        if (symmetric) {
            char buf[48], num[40];
            const cs_measure m = cs_text_measure(ui->text);
            cs_fit_result r;
            cs_fit_value(&m, range.hi, 3, (cs_rect){0, 0, labels.w - cs_text_width(ui->text, CS_FACE_SANS, ui->st->min_px,
                                                                                        "\u00B1"), labels.h}, &p, &r);
            snprintf(num, sizeof num, "%.39s", r.text);
            snprintf(buf, sizeof buf, "\u00B1%s", num);
            cs_ui_label(ui, CS_GL_OVER, labels, CS_FONT_SMALL, CS_ALIGN_LEFT, c, buf);
        } else {
            cs_ui_value(ui, CS_GL_OVER, labels, &p, c, range.hi, 3);
        }
        return;
    }
    /* two or three label boxes that cannot touch: the ends, and 0 between them where it fits */
    const float h = fminf(floorf(labels.h * 0.5f), lh + 2);
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){labels.x, labels.y, labels.w, h}, &p, c, range.hi, 3);
    p.valign = CS_VALIGN_BOTTOM;
    cs_ui_value(ui, CS_GL_OVER, (cs_rect){labels.x, labels.y + labels.h - h, labels.w, h}, &p, c, range.lo, 3);
    if (range.lo < 0 && range.hi > 0) {
        const float t = range.hi / (range.hi - range.lo);
        const float zy = labels.y + t * labels.h - 0.5f * h;
        if (zy >= labels.y + h && zy + h <= labels.y + labels.h - h) {
            p.valign = CS_VALIGN_TOP;
            cs_ui_value(ui, CS_GL_OVER, (cs_rect){labels.x, zy, labels.w, h}, &p, c, 0.0f, 3);
        }
    }
}

void cs_theme_draw_help(cs_ui *ui, cs_rect max_box, const char *title, const char *const *rows, int n_rows)
{
    const cs_palette *p = &ui->st->c;
    static cs_help_layout H;
    const cs_measure m = cs_text_measure(ui->text);
    cs_help_layout_compute(&H, ui->st, &m, max_box, title, rows, n_rows);
    cs_gl_rect(ui->gl, CS_GL_TOP, (cs_rect){0, 0, (float)ui->st->win_w, (float)ui->st->win_h}, (cs_rgba){0, 0, 0, 0.6f});
    cs_gl_rect(ui->gl, CS_GL_TOP, H.box, p->overlay_bg);
    cs_gl_frame(ui->gl, CS_GL_TOP, H.box, fmaxf(2, ui->st->rule), p->button_on);
    cs_ui_label(ui, CS_GL_TOP, H.title, CS_FONT_BIG, CS_ALIGN_LEFT, p->text, title);
    const cs_fit_policy kp = {CS_FACE_SANS, H.px, H.px, 0, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    const cs_fit_policy dp = {CS_FACE_SANS, H.px, H.px, CS_FIT_WRAP, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    char key[96];
    for (int i = 0; i < H.n; i++) {
        const char *row = rows[i], *tab = strchr(row, '\t');
        const size_t n = tab ? (size_t)(tab - row) : strlen(row);
        snprintf(key, sizeof key, "%.*s", (int)(n < 95 ? n : 95), row);
        if (H.key[i].w <= 0) continue; /* a row the box had no room for */
        cs_ui_text(ui, CS_GL_TOP, H.key[i], &kp, p->hilite, key);
        if (tab) cs_ui_text(ui, CS_GL_TOP, H.desc[i], &dp, p->text, tab + 1);
    }
}

void cs_theme_pointer(cs_ui *ui, cs_rect target, float x, float y)
{
    const cs_palette *p = &ui->st->c;
    const float t = ui->st->rule;
    if (target.w > 0 && target.h > 0) {
        cs_gl_frame(ui->gl, CS_GL_TOP, cs_rect_inset(target, -t - 1), t + 1, (cs_rgba){0, 0, 0, 0.8f});
        cs_gl_frame(ui->gl, CS_GL_TOP, cs_rect_inset(target, -t), t, p->hilite);
    }
    /* a ring around the pointer: eight short strokes, dark-edged so it shows on any colour */
    const float r = cs_style_u(ui->st, 18);
    for (int i = 0; i < 16; i++) {
        const float a0 = (float)i * 0.3927f, a1 = a0 + 0.3927f;
        const float x0 = x + r * cosf(a0), y0 = y + r * sinf(a0), x1 = x + r * cosf(a1), y1 = y + r * sinf(a1);
        cs_gl_line(ui->gl, CS_GL_TOP, x0, y0, x1, y1, t + 2, (cs_rgba){0, 0, 0, 0.7f});
        cs_gl_line(ui->gl, CS_GL_TOP, x0, y0, x1, y1, t, p->hilite);
    }
}

void cs_theme_create_ramps(unsigned *ramp_h, unsigned *ramp_v)
{
    float ramp[256];
    for (int i = 0; i < 256; i++) ramp[i] = (float)i / 255.0f;
    *ramp_h = cs_gl_texture_create(256, 1);
    cs_gl_texture_update(*ramp_h, 256, 1, ramp);
    for (int i = 0; i < 256; i++) ramp[i] = 1.0f - (float)i / 255.0f;
    *ramp_v = cs_gl_texture_create(1, 256);
    cs_gl_texture_update(*ramp_v, 1, 256, ramp);
}

void cs_theme_format_count(char *buf, size_t size, long long n)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", n < 0 ? -n : n);
    size_t len = strlen(tmp), o = 0;
    if (n < 0 && o + 1 < size) buf[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        buf[o++] = tmp[i];
        if ((len - i - 1) % 3 == 0 && i + 1 < len) buf[o++] = ',';
    }
    buf[o] = '\0';
}
