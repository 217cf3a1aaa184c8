/* cs_ui.c - the text box call (see cs_ui.h). */
#include "cs_ui.h"

#include <stdlib.h>
#include <string.h>

cs_fit_policy cs_ui_policy(const cs_ui *ui, cs_font_id f, int flags, int halign, int valign)
{
    return (cs_fit_policy){cs_font_face(f), ui->st->px[f], ui->st->min_px, flags, halign, valign, 0};
}

/* Draws the lines of r, each aligned in r->rect as the policy says. */
static void draw_lines(cs_ui *ui, int layer, const cs_fit_policy *p, const cs_fit_result *r, cs_rgba c)
{
    const char *s = r->text;
    char line[CS_FIT_MAX_TEXT];
    for (int i = 0; i < r->n_lines && s; i++) {
        const char *nl = strchr(s, '\n');
        const size_t n = nl ? (size_t)(nl - s) : strlen(s);
        memcpy(line, s, n);
        line[n] = '\0';
        const float lw = i < CS_FIT_MAX_LINES ? r->line_w[i] : 0;
        float x = r->rect.x;
        if (p->halign == CS_ALIGN_CENTER) x = r->rect.x + 0.5f * (r->rect.w - lw);
        else if (p->halign == CS_ALIGN_RIGHT) x = r->rect.x + r->rect.w - lw;
        cs_text_draw(ui->text, layer, p->face, r->px, x, r->rect.y + (float)i * r->pitch, c, line);
        s = nl ? nl + 1 : NULL;
    }
}

static void record(cs_ui *ui, int layer, cs_textlog_kind kind, const cs_fit_result *r, cs_rect box)
{
    if (ui->log) cs_textlog_add(ui->log, kind, r->text, r->rect, box, r->px, layer == CS_GL_TOP);
}

cs_rect cs_ui_text(cs_ui *ui, int layer, cs_rect box, const cs_fit_policy *p, cs_rgba c, const char *s)
{
    if (!s || !*s) return (cs_rect){box.x, box.y, 0, 0};
    static cs_fit_result r; /* large; the window draws from one thread */
    const cs_measure m = cs_text_measure(ui->text);
    cs_fit_text(&m, s, box, p, &r);
    draw_lines(ui, layer, p, &r, c);
    record(ui, layer, CS_TEXTLOG_TEXT, &r, box);
    return r.rect;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

void cs_ui_label_row(cs_ui *ui, int layer, const cs_rect *boxes, cs_font_id f, int halign, cs_rgba c,
                     const char *const *s, int n, int all_same)
{
    enum { MAX_ROW = 256 };
    if (n <= 0) return;
    if (n > MAX_ROW) n = MAX_ROW;
    cs_fit_policy p = cs_ui_policy(ui, f, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, halign, CS_VALIGN_TOP);
    const cs_measure m = cs_text_measure(ui->text);
    int px[MAX_ROW];
    for (int i = 0; i < n; i++) {
        cs_fit_result r;
        cs_fit_text(&m, s[i], boxes[i], &p, &r);
        px[i] = r.px;
    }
    qsort(px, (size_t)n, sizeof px[0], cmp_int);
    p.px = px[all_same ? 0 : (n - 1) / 2]; /* the lower median: an even row leans to the smaller size */
    for (int i = 0; i < n; i++) cs_ui_text(ui, layer, boxes[i], &p, c, s[i]);
}

cs_rect cs_ui_label(cs_ui *ui, int layer, cs_rect box, cs_font_id f, int halign, cs_rgba c, const char *s)
{
    const cs_fit_policy p = cs_ui_policy(ui, f, CS_FIT_SHRINK | CS_FIT_ELLIPSIS, halign, CS_VALIGN_TOP);
    return cs_ui_text(ui, layer, box, &p, c, s);
}

cs_rect cs_ui_label_alt(cs_ui *ui, int layer, cs_rect box, cs_font_id f, int halign, cs_rgba c, const char *const *alts,
                        int n)
{
    /* each wording's largest size that fits; a longer wording is kept unless a shorter one may be
     * drawn clearly larger (by more than a sixth): a shorter wording before much smaller text */
    const int min = ui->st->min_px, pref = ui->st->px[f];
    const cs_face face = cs_font_face(f);
    int best = -1, best_px = 0;
    for (int i = 0; i < n; i++) {
        int px = pref;
        while (px >= min && cs_text_width(ui->text, face, px, alts[i]) > box.w) px--;
        if (px < min) continue;
        if (best < 0 || (float)px > 1.2f * (float)best_px) best = i, best_px = px;
    }
    return cs_ui_label(ui, layer, box, f, halign, c, alts[best >= 0 ? best : n - 1]);
}

cs_rect cs_ui_para(cs_ui *ui, int layer, cs_rect box, cs_font_id f, cs_rgba c, const char *s)
{
    const cs_fit_policy p = cs_ui_policy(ui, f, CS_FIT_SHRINK | CS_FIT_WRAP | CS_FIT_ELLIPSIS, CS_ALIGN_LEFT,
                                         CS_VALIGN_TOP);
    return cs_ui_text(ui, layer, box, &p, c, s);
}

cs_rect cs_ui_value(cs_ui *ui, int layer, cs_rect box, const cs_fit_policy *p, cs_rgba c, float v, int sig)
{
    static cs_fit_result r;
    const cs_measure m = cs_text_measure(ui->text);
    cs_fit_value(&m, v, sig, box, p, &r);
    draw_lines(ui, layer, p, &r, c);
    record(ui, layer, CS_TEXTLOG_VALUE, &r, box);
    return r.rect;
}

cs_rect cs_ui_cell_value(cs_ui *ui, int layer, cs_rect cell, const cs_fit_policy *p, cs_rgba bg, float v, int sig)
{
    static cs_fit_result r;
    const cs_measure m = cs_text_measure(ui->text);
    cs_fit_policy q = *p;
    q.halign = CS_ALIGN_CENTER, q.valign = CS_VALIGN_MIDDLE;
    /* a pixel of margin so the ink never touches the cell's edge */
    const cs_rect box = {cell.x + 1, cell.y, cell.w - 2, cell.h};
    cs_fit_value(&m, v, sig, box, &q, &r);
    cs_rgba ink;
    if (cs_style_ink(ui->st, bg, &ink)) {
        const cs_rect pr = {r.rect.x - 1, r.rect.y, r.rect.w + 2, r.rect.h};
        cs_gl_rect(ui->gl, layer, pr, ui->st->c.plate);
    }
    draw_lines(ui, layer, &q, &r, ink);
    record(ui, layer, CS_TEXTLOG_VALUE, &r, box);
    return r.rect;
}

int cs_ui_cell_text(cs_ui *ui, int layer, cs_rect cell, const cs_fit_policy *p, cs_rgba bg, const char *s)
{
    static cs_fit_result r;
    const cs_measure m = cs_text_measure(ui->text);
    cs_fit_policy q = *p;
    q.halign = CS_ALIGN_CENTER, q.valign = CS_VALIGN_MIDDLE;
    q.flags &= CS_FIT_SHRINK; /* never wrapped or cut: "1/…" would say another number */
    const cs_rect box = {cell.x + 1, cell.y, cell.w - 2, cell.h};
    cs_fit_text(&m, s, box, &q, &r);
    if (!r.ok) return 0;
    cs_rgba ink;
    if (cs_style_ink(ui->st, bg, &ink)) {
        const cs_rect pr = {r.rect.x - 1, r.rect.y, r.rect.w + 2, r.rect.h};
        cs_gl_rect(ui->gl, layer, pr, ui->st->c.plate);
    }
    draw_lines(ui, layer, &q, &r, ink);
    record(ui, layer, CS_TEXTLOG_VALUE, &r, box);
    return 1;
}

void cs_ui_target(cs_ui *ui, const char *name, cs_rect r)
{
    if (ui->log) cs_textlog_add(ui->log, CS_TEXTLOG_TARGET, name, r, r, 0, 0);
}

cs_rect cs_ui_rich(cs_ui *ui, int layer, cs_rect box, const cs_fit_policy *p, cs_rgba c, cs_rgba ce, const char *s,
                   const unsigned char *emph)
{
    if (!s || !*s) return (cs_rect){box.x, box.y, 0, 0};
    static cs_fit_result r;
    static unsigned char mask[CS_FIT_MAX_TEXT];
    const cs_measure m = cs_text_measure(ui->text);
    cs_fit_policy q = *p;
    q.halign = CS_ALIGN_LEFT;
    cs_fit_text(&m, s, box, &q, &r);
    /* the fitted text is s with breaks put in (a break may swallow spaces) and runs of spaces
     * made one: walk both to carry the emphasis over; anything else (an ellipsis) is plain */
    size_t i = 0;
    for (size_t j = 0; r.text[j]; j++) {
        mask[j] = 0;
        if (r.text[j] != ' ')
            while (s[i] == ' ') i++; /* spaces a break swallowed, or that led the text */
        if (r.text[j] == '\n' && s[i] != '\n') continue; /* a break put in */
        if (r.text[j] != s[i]) {
            while (s[i]) i++; /* out of step: the rest is drawn plain */
            continue;
        }
        mask[j] = emph[i++];
        if (r.text[j] == ' ')
            while (s[i] == ' ') i++; /* a run of spaces drawn as one */
    }
    char run[CS_FIT_MAX_TEXT];
    const char *line = r.text;
    for (int li = 0; li < r.n_lines && line; li++) {
        const char *nl = strchr(line, '\n');
        const size_t n = nl ? (size_t)(nl - line) : strlen(line);
        float x = r.rect.x;
        const float y = r.rect.y + (float)li * r.pitch;
        for (size_t a = 0; a < n;) {
            const unsigned char e = mask[line - r.text + a];
            size_t b = a;
            while (b < n && mask[line - r.text + b] == e) b++;
            memcpy(run, line + a, b - a);
            run[b - a] = '\0';
            x = cs_text_draw(ui->text, layer, q.face, r.px, x, y, e ? ce : c, run);
            a = b;
        }
        line = nl ? nl + 1 : NULL;
    }
    record(ui, layer, CS_TEXTLOG_TEXT, &r, box);
    return r.rect;
}
