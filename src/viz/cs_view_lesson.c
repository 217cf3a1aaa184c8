/* cs_view_lesson.c - the lesson's text band (see cs_view_lesson.h). */
#include "cs_view_lesson.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cs_lesson.h"

void cs_lesson_plain(const char *text, char *out, unsigned char *emph, size_t size)
{
    size_t o = 0;
    if (!size) return;
    const char *cur = text ? text : "";
    /* line by line: the spans of one line, then its newline */
    while (*cur) {
        const char *nl = strchr(cur, '\n');
        char line[CS_FIT_MAX_TEXT];
        const size_t n = nl ? (size_t)(nl - cur) : strlen(cur);
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), cur);
        const char *c = line, *start;
        size_t len;
        int e;
        while (cs_lesson_next_span(&c, &start, &len, &e))
            for (size_t i = 0; i < len && o + 1 < size; i++) {
                /* escapes: "\*" is a star, "\\" a backslash */
                if (start[i] == '\\' && i + 1 < len && (start[i + 1] == '*' || start[i + 1] == '\\')) i++;
                out[o] = start[i], emph[o] = (unsigned char)(e != 0), o++;
            }
        cur = nl ? nl + 1 : cur + n;
        if (nl && o + 1 < size) out[o] = '\n', emph[o] = 0, o++;
    }
    /* never end inside a code point */
    while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80 && o + 1 >= size) o--;
    out[o] = '\0';
    emph[o] = 0;
}

static float U(const cs_style *st, float v) { return roundf(v * st->scale); }

/* Height of s wrapped into width w at px (one line's box when empty). */
static float para_h(const cs_measure *m, const char *s, float w, int px)
{
    if (!s || !*s) return 0;
    static cs_fit_result r;
    const cs_fit_policy p = {CS_FACE_SANS, px, px, CS_FIT_WRAP, CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    cs_fit_text(m, s, (cs_rect){0, 0, w, 1e6f}, &p, &r);
    return (float)(r.n_lines - 1) * r.pitch + cs_text_box_h(px);
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* The band's height at body size px, with every rectangle placed from top y; 0 when a head
 * string does not fit its line even at the minimum. */
static float place(cs_lesson_band_layout *B, const cs_measure *m, const cs_lesson_band *c, float y0, float w, int px,
                   const char *plain)
{
    const cs_style *st = &B->st;
    const float pad = U(st, 10), gap = U(st, 6), x = pad, iw = w - 2 * pad;
    const float head_h = cs_text_box_h(st->min_px);
    float y = y0 + pad;
    /* the place first, the keys in what is left (their shorter wordings fit less room) */
    const float where_w = m->width(m->ctx, CS_FACE_SANS, st->min_px, or_empty(c->where)) + U(st, 4);
    const float keys_w = m->width(m->ctx, CS_FACE_SANS, st->min_px, or_empty(c->page_no)) + U(st, 4);
    const float pn_w = fminf(keys_w, fmaxf(iw - where_w - gap, 0.3f * iw));
    B->page_no = (cs_rect){x + iw - pn_w, y, pn_w, head_h};
    B->head = (cs_rect){x, y, iw - pn_w - gap, head_h};
    y += head_h + gap;
    const float body_h = para_h(m, plain, iw, px);
    B->body = (cs_rect){x, y, iw, body_h};
    y += body_h;
    const float qh = para_h(m, c->question, iw, px);
    B->question = (cs_rect){x, y + (qh > 0 ? gap : 0), iw, qh};
    y += qh > 0 ? qh + gap : 0;
    /* the answer's room: the longer of the answer and what stands in for it */
    const float ah = c->question && *c->question ? fmaxf(para_h(m, c->answer, iw, px), para_h(m, c->reveal_hint, iw, px)) : 0;
    B->answer = (cs_rect){x, y, iw, ah};
    y += ah;
    const float wh = para_h(m, c->wait, iw, px);
    B->wait = (cs_rect){x, y + (wh > 0 ? gap : 0), iw, wh};
    y += wh > 0 ? wh + gap : 0;
    const float nh = para_h(m, c->notice, iw, st->min_px);
    B->notice = (cs_rect){x, y + (nh > 0 ? gap : 0), iw, nh};
    y += nh > 0 ? nh + gap : 0;
    return y + pad - y0;
}

void cs_lesson_band_layout_compute(cs_lesson_band_layout *B, int win_w, int win_h, float user_scale,
                                   const cs_measure *m, const cs_lesson_band *c)
{
    memset(B, 0, sizeof *B);
    cs_style_make(&B->st, win_w, win_h, user_scale, 1);
    static char plain[CS_FIT_MAX_TEXT];
    static unsigned char emph[CS_FIT_MAX_TEXT];
    cs_lesson_plain(c->text, plain, emph, sizeof plain);
    const float w = (float)win_w, H = (float)win_h;
    /* the largest size whose band takes at most 40% of the window; else the minimum in up to 55% */
    int px = B->st.px[CS_FONT_BIG];
    float h = 0;
    for (; px >= B->st.min_px; px--)
        if ((h = place(B, m, c, 0, w, px, plain)) <= 0.40f * H) break;
    B->ok = px >= B->st.min_px;
    if (!B->ok) {
        px = B->st.min_px;
        h = fminf(place(B, m, c, 0, w, px, plain), 0.55f * H);
    }
    h = ceilf(h);
    B->body_px = px;
    B->band = (cs_rect){0, H - h, w, h};
    place(B, m, c, H - h, w, px, plain);
    if (!B->ok) {
        /* clip the paragraphs to the band: the text box call then cuts the last with "…" */
        cs_rect *r[] = {&B->body, &B->question, &B->answer, &B->wait, &B->notice};
        for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
            if (r[i]->y > H) r[i]->y = H, r[i]->h = 0;
            if (r[i]->y + r[i]->h > H) r[i]->h = H - r[i]->y;
        }
    }
}

void cs_view_lesson_draw(cs_ui *ui, const cs_lesson_band_layout *B, const cs_lesson_band *c)
{
    const cs_style *saved = ui->st;
    ui->st = &B->st;
    const cs_palette *p = &B->st.c;
    cs_gl_rect(ui->gl, CS_GL_UNDER, B->band, p->bar);
    cs_gl_rect(ui->gl, CS_GL_UNDER, (cs_rect){B->band.x, B->band.y, B->band.w, fmaxf(2, B->st.rule)}, p->hilite);
    cs_ui_label(ui, CS_GL_OVER, B->head, CS_FONT_NORMAL, CS_ALIGN_LEFT, p->dim, or_empty(c->where));
    if (c->n_nav > 0) cs_ui_label_alt(ui, CS_GL_OVER, B->page_no, CS_FONT_NORMAL, CS_ALIGN_RIGHT, p->dim, c->nav_alts, c->n_nav);
    else cs_ui_label(ui, CS_GL_OVER, B->page_no, CS_FONT_NORMAL, CS_ALIGN_RIGHT, p->dim, or_empty(c->page_no));
    const cs_fit_policy body = {CS_FACE_SANS, B->body_px, B->st.min_px, CS_FIT_WRAP | CS_FIT_SHRINK | CS_FIT_ELLIPSIS,
                                CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
    static char plain[CS_FIT_MAX_TEXT];
    static unsigned char emph[CS_FIT_MAX_TEXT];
    cs_lesson_plain(c->text, plain, emph, sizeof plain);
    cs_ui_rich(ui, CS_GL_OVER, B->body, &body, p->text, p->hilite, plain, emph);
    if (c->question && *c->question) {
        cs_ui_text(ui, CS_GL_OVER, B->question, &body, p->test, c->question);
        if (c->revealed) cs_ui_text(ui, CS_GL_OVER, B->answer, &body, p->good, or_empty(c->answer));
        else cs_ui_text(ui, CS_GL_OVER, B->answer, &body, p->dim, or_empty(c->reveal_hint));
    }
    if (c->wait && *c->wait) cs_ui_text(ui, CS_GL_OVER, B->wait, &body, c->waited ? p->good : p->train, c->wait);
    if (c->notice && *c->notice) {
        const cs_fit_policy small = {CS_FACE_SANS, B->st.min_px, B->st.min_px, CS_FIT_WRAP | CS_FIT_ELLIPSIS,
                                     CS_ALIGN_LEFT, CS_VALIGN_TOP, 0};
        cs_ui_text(ui, CS_GL_OVER, B->notice, &small, p->bad, c->notice);
    }
    ui->st = saved;
}
