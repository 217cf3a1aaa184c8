/* cs_fit.c - text fitting, number forms (see cs_fit.h). */
#include "cs_fit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char ELLIPSIS[] = "\u2026";

float cs_measure_fixed(void *ctx, cs_face face, int px, const char *text)
{
    (void)face;
    const float em = ctx ? *(const float *)ctx : 0.6f;
    return em * (float)px * (float)cs_utf8_len(text);
}

float cs_text_box_h(int px) { return ceilf((float)px * 1.17f); }
float cs_text_pitch(int px) { return roundf((float)px * 1.25f); }

int cs_utf8_len(const char *s)
{
    int n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static float width(const cs_measure *m, cs_face f, int px, const char *s) { return m->width(m->ctx, f, px, s); }

/* ---- line breaking ------------------------------------------------------------------------- */

/* Decodes the code point at s (valid UTF-8 assumed; a stray byte counts as itself) and its length. */
static uint32_t cp_at(const char *s, int *len)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] < 0x80) return *len = 1, p[0];
    const int n = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 1;
    uint32_t c = n == 2 ? p[0] & 0x1Fu : n == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return *len = 1, p[0];
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    *len = n;
    return n == 1 ? p[0] : c;
}

int cs_fit_is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* Punctuation a line must not start with (closing marks, the CJK comma and full stop) ... */
static int no_break_before(uint32_t c)
{
    static const uint32_t marks[] = {',', '.', ':', ';', '!', '?', ')', ']', '}', 0x2019, 0x201D, 0x2026, 0x3001,
                                     0x3002, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017, 0xFF01, 0xFF09,
                                     0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D, 0x30FC, 0x00B7};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (c == marks[i]) return 1;
    return 0;
}

/* ... and must not end with (opening marks). */
static int no_break_after(uint32_t c)
{
    static const uint32_t marks[] = {'(', '[', '{', 0x2018, 0x201C, 0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014,
                                     0x3016, 0xFF08, 0xFF3B, 0xFF5B};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (c == marks[i]) return 1;
    return 0;
}

/* The length in bytes of the next unbreakable piece of s (which starts on no space and no
 * newline): up to a space or a newline, or a place where a line may break inside a run without
 * spaces, which is next to a CJK character (but never before a closing mark or after an opening
 * one), so Chinese breaks between its characters and numbers and Latin words stay whole. */
static size_t piece_len(const char *s)
{
    int len;
    uint32_t prev = cp_at(s, &len);
    size_t n = (size_t)len;
    while (s[n] && s[n] != ' ' && s[n] != '\n') {
        const uint32_t c = cp_at(s + n, &len);
        if ((cs_fit_is_cjk(prev) || cs_fit_is_cjk(c)) && !no_break_before(c) && !no_break_after(prev)) break;
        prev = c;
        n += (size_t)len;
    }
    return n;
}

/* Appends line (as line n) to r's text. */
static size_t flush_line(const cs_measure *m, const cs_fit_policy *p, int px, cs_fit_result *r, size_t out, int n,
                         const char *line)
{
    if (n < CS_FIT_MAX_LINES) r->line_w[n] = width(m, p->face, px, line);
    if (out < sizeof r->text) out += (size_t)snprintf(r->text + out, sizeof r->text - out, "%s%s", n ? "\n" : "", line);
    return out;
}

/* Greedy line breaking of text into r at px: at spaces (which a break swallows), between CJK
 * characters, and at '\n'; 1 when every line fits box.w and the lines fit the box. */
static int wrap_at(const cs_measure *m, const char *text, cs_rect box, const cs_fit_policy *p, int px, cs_fit_result *r)
{
    char line[CS_FIT_MAX_TEXT];
    size_t out = 0, ll = 0;
    int n = 0, ok = 1, space = 0;
    const char *s = text;
    r->text[0] = '\0';
    line[0] = '\0';
    for (;;) {
        if (*s == ' ') {
            space = 1, s++;
            continue;
        }
        if (*s == '\n' || !*s) {
            /* a forced break (a final '\n' adds no empty line) */
            if (*s || ll || n == 0) out = flush_line(m, p, px, r, out, n++, line);
            line[0] = '\0', ll = 0, space = 0;
            if (!*s || !s[1] || n >= CS_FIT_MAX_LINES) break;
            s++;
            continue;
        }
        const size_t wl = piece_len(s);
        const size_t sep = ll && space ? 1 : 0;
        if (ll + sep + wl + 1 >= sizeof line) break;
        /* the line with the piece (lengths checked above) */
        char cand[CS_FIT_MAX_TEXT];
        memcpy(cand, line, ll);
        if (sep) cand[ll] = ' ';
        memcpy(cand + ll + sep, s, wl);
        cand[ll + sep + wl] = '\0';
        if (ll && width(m, p->face, px, cand) > box.w) {
            /* the piece starts the next line */
            out = flush_line(m, p, px, r, out, n++, line);
            memcpy(line, s, wl);
            line[wl] = '\0', ll = wl;
            if (n >= CS_FIT_MAX_LINES) break;
        } else {
            memcpy(line, cand, ll + sep + wl + 1);
            ll += sep + wl;
        }
        if (width(m, p->face, px, line) > box.w) ok = 0;
        s += wl, space = 0;
    }
    r->n_lines = n > 0 ? n : 1;
    if (n == 0) r->line_w[0] = 0;
    r->pitch = cs_text_pitch(px);
    const float h = (float)(r->n_lines - 1) * r->pitch + cs_text_box_h(px);
    if (h > box.h + 0.5f) ok = 0;
    if (p->max_lines > 0 && r->n_lines > p->max_lines) ok = 0;
    return ok;
}

/* One line at px: r gets it; 1 when it fits. */
static int line_at(const cs_measure *m, const char *text, cs_rect box, const cs_fit_policy *p, int px, cs_fit_result *r)
{
    snprintf(r->text, sizeof r->text, "%s", text);
    char *nl = strchr(r->text, '\n');
    if (nl) *nl = '\0';
    r->n_lines = 1;
    r->pitch = cs_text_pitch(px);
    r->line_w[0] = width(m, p->face, px, r->text);
    return r->line_w[0] <= box.w && cs_text_box_h(px) <= box.h + 0.5f;
}

/* Cuts the last line of r until it and "…" fit box.w. */
static void ellipsize(const cs_measure *m, cs_rect box, const cs_fit_policy *p, int px, cs_fit_result *r)
{
    char *last = strrchr(r->text, '\n');
    last = last ? last + 1 : r->text;
    const int li = r->n_lines - 1;
    char buf[CS_FIT_MAX_TEXT];
    size_t len = strlen(last);
    if (width(m, p->face, px, last) <= box.w) return;
    while (len > 0) {
        len--;
        while (len > 0 && ((unsigned char)last[len] & 0xC0) == 0x80) len--; /* whole code points */
        while (len > 0 && last[len - 1] == ' ') len--;
        snprintf(buf, sizeof buf, "%.*s%s", (int)len, last, ELLIPSIS);
        if (width(m, p->face, px, buf) <= box.w) break;
    }
    snprintf(buf, sizeof buf, "%.*s%s", (int)len, last, ELLIPSIS);
    snprintf(last, sizeof r->text - (size_t)(last - r->text), "%s", buf);
    if (li >= 0 && li < CS_FIT_MAX_LINES) r->line_w[li] = width(m, p->face, px, last);
}

/* Keeps only the first n lines of r. */
static void keep_lines(cs_fit_result *r, int n)
{
    char *p = r->text;
    for (int i = 0; i < n - 1 && p; i++) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (p) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
    }
    if (r->n_lines > n) r->n_lines = n;
}

static void place(cs_rect box, const cs_fit_policy *p, cs_fit_result *r)
{
    float w = 0;
    for (int i = 0; i < r->n_lines && i < CS_FIT_MAX_LINES; i++) w = fmaxf(w, r->line_w[i]);
    const float h = (float)(r->n_lines - 1) * r->pitch + cs_text_box_h(r->px);
    float x = box.x, y = box.y;
    if (p->halign == CS_ALIGN_CENTER) x = box.x + 0.5f * (box.w - w);
    else if (p->halign == CS_ALIGN_RIGHT) x = box.x + box.w - w;
    if (p->valign == CS_VALIGN_MIDDLE) y = box.y + 0.5f * (box.h - h);
    else if (p->valign == CS_VALIGN_BOTTOM) y = box.y + box.h - h;
    /* whole pixels, but never out of the box by rounding */
    const float rx = roundf(x), ry = roundf(y);
    x = rx >= box.x && rx + w <= box.x + box.w ? rx : x;
    y = ry >= box.y && ry + h <= box.y + box.h ? ry : y;
    r->rect = (cs_rect){x, y, w, h};
}

int cs_fit_text(const cs_measure *m, const char *text, cs_rect box, const cs_fit_policy *p, cs_fit_result *r)
{
    const int lo = (p->flags & CS_FIT_SHRINK) && p->min_px < p->px ? p->min_px : p->px;
    const int wrap = (p->flags & CS_FIT_WRAP) != 0;
    int ok = 0;
    for (int px = p->px; px >= lo && !ok; px--) {
        r->px = px;
        ok = wrap ? wrap_at(m, text, box, p, px, r) : line_at(m, text, box, p, px, r);
    }
    if (!ok) {
        /* at the smallest size: as many lines as the box holds, the last one cut */
        r->px = lo;
        if (wrap) wrap_at(m, text, box, p, lo, r);
        else line_at(m, text, box, p, lo, r);
        if (p->flags & CS_FIT_ELLIPSIS) {
            int fit_lines = (int)floorf((box.h - cs_text_box_h(lo)) / cs_text_pitch(lo)) + 1;
            if (p->max_lines > 0 && fit_lines > p->max_lines) fit_lines = p->max_lines;
            if (fit_lines < 1) fit_lines = 1;
            if (r->n_lines > fit_lines) {
                keep_lines(r, fit_lines);
                /* say that something was cut even if the kept line is short */
                char *last = strrchr(r->text, '\n');
                last = last ? last + 1 : r->text;
                const size_t len = strlen(r->text);
                if (len + sizeof ELLIPSIS < sizeof r->text) strcat(r->text, ELLIPSIS);
                r->line_w[r->n_lines - 1] = width(m, p->face, lo, last);
            }
            ellipsize(m, box, p, lo, r);
            float wmax = 0;
            for (int i = 0; i < r->n_lines && i < CS_FIT_MAX_LINES; i++) wmax = fmaxf(wmax, r->line_w[i]);
            ok = wmax <= box.w && (float)(r->n_lines - 1) * r->pitch + cs_text_box_h(lo) <= box.h + 0.5f;
        }
    }
    r->ok = ok;
    place(box, p, r);
    return ok;
}

/* ---- numbers ----------------------------------------------------------------------------- */

void cs_fmt_minus(char *dst, size_t size, const char *src)
{
    size_t o = 0;
    if (!size) return;
    for (; *src && o + 4 < size; src++) {
        if (*src == '-') dst[o++] = (char)0xE2, dst[o++] = (char)0x88, dst[o++] = (char)0x92;
        else dst[o++] = *src;
    }
    dst[o] = '\0';
}

/* "1.2e-04" -> "1.2e-4" in place. */
static void short_exponent(char *e)
{
    char *p = strchr(e, 'e');
    if (!p) return;
    char *q = p + 1;
    if (*q == '-' || *q == '+') q++;
    char *z = q;
    while (*z == '0' && z[1]) z++;
    memmove(q, z, strlen(z) + 1);
    if (p[1] == '+') memmove(p + 1, p + 2, strlen(p + 2) + 1);
}

int cs_fmt_sig(char *buf, size_t size, float v, int sig)
{
    char tmp[48];
    sig = sig < 1 ? 1 : sig > 6 ? 6 : sig;
    const double x = (double)v, a = fabs(x);
    if (!isfinite(x)) snprintf(tmp, sizeof tmp, "%s", isnan(x) ? "NaN" : x > 0 ? "inf" : "-inf");
    else if (x == 0) snprintf(tmp, sizeof tmp, "0");
    else if (a == rint(a) && a < 1e5) snprintf(tmp, sizeof tmp, "%.0f", x);
    else if (a >= 1e9) snprintf(tmp, sizeof tmp, "%.*gG", sig, x / 1e9);
    else if (a >= 1e6) snprintf(tmp, sizeof tmp, "%.*gM", sig, x / 1e6);
    else if (a >= 1e4) snprintf(tmp, sizeof tmp, "%.*gk", sig, x / 1e3);
    else if (a >= 999.5) snprintf(tmp, sizeof tmp, "%.0f", x);
    else if (a >= 1e-3 && a >= pow(10, sig)) snprintf(tmp, sizeof tmp, "%.0f", x); /* %g would say 1.2e+02 */
    else if (a >= 1e-3) snprintf(tmp, sizeof tmp, "%.*g", sig, x);
    else {
        snprintf(tmp, sizeof tmp, "%.*g", sig < 2 ? sig : 2, x);
        short_exponent(tmp);
    }
    /* %g can still choose an exponent when rounding carries (99.97 at 2 digits is "1e+02"):
     * write the rounded number out instead */
    if (strchr(tmp, 'e') && a >= 1) {
        if (a < 1e4) snprintf(tmp, sizeof tmp, "%.0f", x);
        else if (a < 1e6) snprintf(tmp, sizeof tmp, "%.0fk", x / 1e3);
        else if (a < 1e9) snprintf(tmp, sizeof tmp, "%.0fM", x / 1e6);
        else snprintf(tmp, sizeof tmp, "%.0fG", x / 1e9);
    }
    cs_fmt_minus(buf, size, tmp);
    return cs_utf8_len(buf);
}

/* v in units of 1e3, 1e6 or 1e9 with sig significant digits. */
static void compact(char *buf, size_t size, float v, int sig)
{
    const double x = (double)v, a = fabs(x);
    char tmp[48];
    const char *unit = a >= 1e9 ? "G" : a >= 1e6 ? "M" : "k";
    const double d = a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : 1e3;
    snprintf(tmp, sizeof tmp, "%.*g%s", sig, x / d, unit);
    if (strchr(tmp, 'e')) snprintf(tmp, sizeof tmp, "%.0f%s", x / d, unit);
    cs_fmt_minus(buf, size, tmp);
}

int cs_fmt_variants(float v, int sig, char out[][32], int max)
{
    char cand[16][32];
    int n = 0;
    if (sig < 0 && isfinite(v)) {
        /* fixed decimals: 0.53, then 0.5, then 1 */
        char tmp[48];
        for (int d = -sig; d >= 0 && n < 16; d--) {
            snprintf(tmp, sizeof tmp, "%.*f", d, (double)v);
            cs_fmt_minus(cand[n++], sizeof cand[0], tmp);
        }
        sig = 0;
    }
    if (sig == 0) goto distinct;
    sig = sig < 1 ? 1 : sig > 6 ? 6 : sig;
    for (int s = sig; s >= 1 && n < 16; s--) cs_fmt_sig(cand[n++], sizeof cand[0], v, s);
    if (isfinite(v) && fabsf(v) >= 1000.0f)
        for (int s = 2; s >= 1 && n < 16; s--) compact(cand[n++], sizeof cand[0], v, s);
    if (isfinite(v) && v != 0 && fabsf(v) < 0.01f)
    {
        /* tiny values: 3e-4 is shorter than 0.0003 (tried after every positional form of its length) */
        char tmp[48];
        snprintf(tmp, sizeof tmp, "%.0e", (double)v);
        short_exponent(tmp);
        cs_fmt_minus(cand[n++], sizeof cand[0], tmp);
    }
distinct:
    if (n == 0) cs_fmt_sig(cand[n++], sizeof cand[0], v, 3);
    /* distinct forms, longest first (a stable order among equals) */
    int m = 0;
    for (int len = 64; len >= 1 && m < max; len--)
        for (int i = 0; i < n && m < max; i++) {
            if (cs_utf8_len(cand[i]) != len) continue;
            int dup = 0;
            for (int j = 0; j < m; j++) dup |= strcmp(out[j], cand[i]) == 0;
            if (!dup) snprintf(out[m++], 32, "%s", cand[i]);
        }
    return m;
}

int cs_fit_value(const cs_measure *m, float v, int sig, cs_rect box, const cs_fit_policy *p, cs_fit_result *r)
{
    char forms[12][32];
    const int n = cs_fmt_variants(v, sig, forms, 12);
    const int lo = (p->flags & CS_FIT_SHRINK) && p->min_px < p->px ? p->min_px : p->px;
    cs_fit_policy one = *p;
    one.flags = 0;
    int ok = 0;
    for (int px = p->px; px >= lo && !ok; px--)
        for (int i = 0; i < n && !ok; i++) {
            r->px = px;
            ok = line_at(m, forms[i], box, &one, px, r);
        }
    if (!ok) {
        r->px = lo;
        line_at(m, n ? forms[n - 1] : "?", box, &one, lo, r);
    }
    r->ok = ok;
    place(box, p, r);
    return ok;
}
