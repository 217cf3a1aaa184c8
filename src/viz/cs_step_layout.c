/* cs_step_layout.c - the step view's geometry, hit tests, cell numbers and equation text (see
 * cs_step_layout.h). Sizes are written for a 1280x720 window and multiplied by the UI scale,
 * as cs_layout.c does for the train view. */
#include "cs_step_layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cs_step_layout_compute(cs_step_layout *L, int win_w, int win_h, float user_scale, const cs_stepper *st)
{
    memset(L, 0, sizeof *L);
    const float s = cs_layout_scale(win_w, win_h, user_scale);
    const float pad = roundf(6 * s), gap = roundf(6 * s);
    const float line = cs_layout_line_h(CS_FONT_NORMAL, s), small = cs_layout_line_h(CS_FONT_SMALL, s);
    const float mono = cs_layout_line_h(CS_FONT_MONO, s), big = cs_layout_line_h(CS_FONT_BIG, s);
    L->win_w = win_w, L->win_h = win_h, L->scale = s, L->pad = pad;
    L->C = st->C < CS_STEP_MAX_C ? st->C : CS_STEP_MAX_C;
    L->H = st->H, L->W = st->W, L->K = st->K, L->S = st->S, L->P = st->P, L->OH = st->OH, L->OW = st->OW;
    const int C = L->C, K = L->K;

    L->title = (cs_rect){pad, pad, (float)win_w - 2 * pad, line};
    L->info = (cs_rect){pad, pad + line, (float)win_w - 2 * pad, line};
    L->top = (cs_rect){0, 0, (float)win_w, pad + 2 * line + roundf(4 * s)};
    L->status = (cs_rect){0, (float)win_h - line - roundf(6 * s), (float)win_w, line + roundf(6 * s)};
    const float y0 = L->top.h + gap * 0.5f, y1 = L->status.y - gap * 0.5f, main_h = y1 - y0;

    /* left column: the input above, the output map below; cells are whole pixels when they can be */
    const float left_w = roundf((float)win_w * 0.3f);
    const float in_h = floorf((main_h - gap) * 0.5f);
    L->input_panel = (cs_rect){gap, y0, left_w, in_h};
    {
        const int cols = L->W + 2 * L->P, rows = L->H + 2 * L->P;
        const float aw = left_w - 2 * pad, ah = in_h - pad - line - small - 2 * pad;
        float cell = fminf(aw / (float)cols, ah / (float)rows);
        if (cell >= 1) cell = floorf(cell);
        L->in_cell = cell;
        const float w = cell * (float)cols, h = cell * (float)rows;
        L->input_area = (cs_rect){floorf(gap + pad + 0.5f * (aw - w)), y0 + pad + line + pad * 0.5f, w, h};
        L->input_caption = (cs_rect){gap + pad, L->input_area.y + h + pad * 0.5f, aw, small};
    }
    const float oy0 = y0 + in_h + gap;
    L->output_panel = (cs_rect){gap, oy0, left_w, y1 - oy0};
    {
        const float cbar_w = roundf(10 * s), label_w = roundf(50 * s), sep = roundf(8 * s);
        const float aw = left_w - 2 * pad - cbar_w - label_w - sep;
        const float ah = L->output_panel.h - pad - line - small - 2 * pad;
        float cell = fminf(aw / (float)L->OW, ah / (float)L->OH);
        if (cell >= 1) cell = floorf(cell);
        L->out_cell = cell;
        const float w = cell * (float)L->OW, h = cell * (float)L->OH;
        L->output_area = (cs_rect){floorf(gap + pad + 0.5f * (aw - w)), oy0 + pad + line + pad * 0.5f, w, h};
        const float bh = fminf(ah, fmaxf(h, roundf(80 * s)));
        L->output_cbar = (cs_rect){gap + pad + aw + sep, L->output_area.y, cbar_w, bh};
        L->output_caption = (cs_rect){gap + pad, L->output_area.y + fmaxf(h, bh) + pad * 0.5f, left_w - 2 * pad, small};
    }

    /* right: the grids (window x kernel = products, a row per channel), the equation below */
    const float rx = gap + left_w + gap, rw = (float)win_w - rx - gap;
    const float eq_min = pad + line + 5 * mono + big + 2 * pad;
    const float op_w = roundf(26 * s), label_w = C > 1 ? roundf(20 * s) : 0, sum_w = C > 1 ? roundf(92 * s) : 0;
    const float row_gap = C > 1 ? roundf(6 * s) : 0, legend_h = roundf(8 * s) + small + roundf(6 * s);
    const float inner_w = rw - 2 * pad;
    float cell_w = floorf((inner_w - 2 * op_w - label_w - sum_w) / (float)(3 * K));
    const float grids_avail = main_h - gap - eq_min - 2 * pad - line - legend_h - row_gap * (float)(C - 1);
    float cell_h = floorf(grids_avail / (float)(C * K));
    cell_w = fminf(cell_w, roundf(72 * s));
    if (cell_h > cell_w) cell_h = cell_w;
    /* when the height limits the cells, widen them only as far as a number needs */
    cell_w = fminf(cell_w, fmaxf(cell_h, roundf(52 * s)));
    if (cell_w < 1) cell_w = fmaxf(cell_w, 0.5f);
    if (cell_h < 1) cell_h = fmaxf(cell_h, 0.5f);
    L->cell_w = cell_w, L->cell_h = cell_h;
    const float small_px = cs_layout_font_px(CS_FONT_SMALL, s), normal_px = cs_layout_font_px(CS_FONT_NORMAL, s);
    L->cell_font = cell_h >= normal_px * 1.6f && cell_w >= normal_px * 3.6f ? CS_FONT_NORMAL : CS_FONT_SMALL;
    L->numbers = cell_h >= small_px + 2 && cell_w >= small_px * 2.2f;

    const float gw = cell_w * (float)K, gh_one = cell_h * (float)K;
    const float used_w = label_w + 3 * gw + 2 * op_w + sum_w;
    const float grids_h = line + (float)C * gh_one + row_gap * (float)(C - 1) + legend_h;
    L->grids_panel = (cs_rect){rx, y0, rw, pad + grids_h + pad};
    const float gx0 = floorf(rx + pad + 0.5f * (inner_w - used_w)) + label_w;
    const float gy = y0 + pad + line;
    for (int g = 0; g < CS_STEP_GRIDS; g++) {
        const float gx = gx0 + (float)g * (gw + op_w);
        L->grid_title[g] = (cs_rect){gx, y0 + pad, gw, line};
        for (int c = 0; c < C; c++) L->grid[g][c] = (cs_rect){gx, gy + (float)c * (gh_one + row_gap), gw, gh_one};
        L->grid_legend[g] = (cs_rect){gx, gy + (float)C * gh_one + row_gap * (float)(C - 1) + roundf(4 * s),
                                      fminf(gw, roundf(140 * s)), roundf(8 * s)};
    }
    const float all_h = (float)C * gh_one + row_gap * (float)(C - 1);
    L->op[0] = (cs_rect){gx0 + gw, gy, op_w, all_h};
    L->op[1] = (cs_rect){gx0 + 2 * gw + op_w, gy, op_w, all_h};
    for (int c = 0; c < C; c++) {
        const float ry = gy + (float)c * (gh_one + row_gap);
        L->chan_label[c] = (cs_rect){gx0 - label_w, ry, label_w, gh_one};
        L->chan_sum[c] = (cs_rect){gx0 + 3 * gw + 2 * op_w + roundf(6 * s), ry, sum_w - roundf(6 * s), gh_one};
    }

    const float ey = L->grids_panel.y + L->grids_panel.h + gap;
    L->eq_panel = (cs_rect){rx, ey, rw, y1 - ey};
    L->eq_result = (cs_rect){rx + pad, y1 - pad - big, rw - 2 * pad, big};
    L->eq_text = (cs_rect){rx + pad, ey + pad + line, rw - 2 * pad, L->eq_result.y - pad - (ey + pad + line)};

    const float hw = fminf((float)win_w * 0.7f, roundf(760 * s)), hh = fminf((float)win_h * 0.84f, roundf(600 * s));
    L->help = (cs_rect){roundf(((float)win_w - hw) * 0.5f), roundf(((float)win_h - hh) * 0.5f), hw, hh};
}

void cs_step_layout_split_output(cs_step_layout *L)
{
    const float s = L->scale, pad = L->pad, sep = roundf(8 * s);
    const cs_rect a = L->output_area, p = L->output_panel;
    /* the room the heat map had: from the panel's inner left edge to the colour bar, and down to
     * the caption's place at the panel's bottom */
    const float x0 = p.x + pad, room_w = L->output_cbar.x - sep - x0;
    const float room_h = p.y + p.h - pad - L->output_caption.h - pad * 0.5f - a.y;
    /* side by side, or the grey picture under the heat map: whichever gives larger cells */
    const float side = fminf((room_w - sep) * 0.5f / (float)L->OW, room_h / (float)L->OH);
    const float stacked = fminf(room_w / (float)L->OW, (room_h - sep) * 0.5f / (float)L->OH);
    float cell = fmaxf(side, stacked);
    if (cell >= 1) cell = floorf(cell);
    const float w = cell * (float)L->OW, h = cell * (float)L->OH;
    L->out_cell = cell;
    if (side >= stacked) {
        L->output_area = (cs_rect){floorf(x0 + 0.5f * (room_w - 2 * w - sep)), a.y, w, h};
        L->output_grey = (cs_rect){L->output_area.x + w + sep, a.y, w, h};
    } else {
        L->output_area = (cs_rect){floorf(x0 + 0.5f * (room_w - w)), a.y, w, h};
        L->output_grey = (cs_rect){L->output_area.x, a.y + h + sep, w, h};
    }
    const float used_h = L->output_grey.y + h - a.y;
    L->output_caption.y = a.y + fmaxf(used_h, L->output_cbar.h) + pad * 0.5f;
}

int cs_step_hit_input(const cs_step_layout *L, float px, float py, int *iy, int *ix)
{
    if (!cs_rect_contains(L->input_area, px, py) || L->in_cell <= 0) return 0;
    int y = (int)((py - L->input_area.y) / L->in_cell), x = (int)((px - L->input_area.x) / L->in_cell);
    const int rows = L->H + 2 * L->P, cols = L->W + 2 * L->P;
    if (y >= rows) y = rows - 1;
    if (x >= cols) x = cols - 1;
    *iy = y - L->P, *ix = x - L->P;
    return 1;
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

void cs_step_pos_for_pixel(const cs_step_layout *L, int iy, int ix, int *oy, int *ox)
{
    /* the window's top-left is o * S - P; centred on the pixel it is pixel - (K - 1) / 2 */
    const double half = 0.5 * (double)(L->K - 1);
    *oy = clampi((int)floor(((double)iy - half + L->P) / L->S + 0.5), 0, L->OH - 1);
    *ox = clampi((int)floor(((double)ix - half + L->P) / L->S + 0.5), 0, L->OW - 1);
}

int cs_step_hit_output(const cs_step_layout *L, float px, float py, int *oy, int *ox)
{
    if (!cs_rect_contains(L->output_area, px, py) || L->out_cell <= 0) return 0;
    *oy = clampi((int)((py - L->output_area.y) / L->out_cell), 0, L->OH - 1);
    *ox = clampi((int)((px - L->output_area.x) / L->out_cell), 0, L->OW - 1);
    return 1;
}

int cs_step_hit_kernel(const cs_step_layout *L, float px, float py, int *c, int *ky, int *kx)
{
    for (int ch = 0; ch < L->C; ch++) {
        const cs_rect r = L->grid[CS_STEP_GRID_KERNEL][ch];
        if (!cs_rect_contains(r, px, py)) continue;
        *c = ch;
        *ky = clampi((int)((py - r.y) / L->cell_h), 0, L->K - 1);
        *kx = clampi((int)((px - r.x) / L->cell_w), 0, L->K - 1);
        return 1;
    }
    return 0;
}

cs_rect cs_step_input_cell(const cs_step_layout *L, int iy, int ix)
{
    return (cs_rect){L->input_area.x + (float)(ix + L->P) * L->in_cell, L->input_area.y + (float)(iy + L->P) * L->in_cell,
                     L->in_cell, L->in_cell};
}

cs_rect cs_step_output_cell(const cs_step_layout *L, int oy, int ox)
{
    return (cs_rect){L->output_area.x + (float)ox * L->out_cell, L->output_area.y + (float)oy * L->out_cell, L->out_cell,
                     L->out_cell};
}

cs_rect cs_step_grid_cell(const cs_step_layout *L, int g, int c, int ky, int kx)
{
    const cs_rect r = L->grid[g][c];
    return (cs_rect){r.x + (float)kx * L->cell_w, r.y + (float)ky * L->cell_h, L->cell_w, L->cell_h};
}

cs_rect cs_step_window_rect(const cs_step_layout *L, int oy, int ox)
{
    cs_rect r = cs_step_input_cell(L, oy * L->S - L->P, ox * L->S - L->P);
    r.w = r.h = L->in_cell * (float)L->K;
    return r;
}

/* ---- numbers and the equation ----------------------------------------------------------- */

int cs_step_utf8_len(const char *s)
{
    int n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Copies src to dst replacing '-' by U+2212 (the minus sign). */
static void put_minus(char *dst, size_t size, const char *src)
{
    size_t o = 0;
    for (; *src && o + 4 < size; src++) {
        if (*src == '-') dst[o++] = (char)0xE2, dst[o++] = (char)0x88, dst[o++] = (char)0x92;
        else dst[o++] = *src;
    }
    if (size) dst[o < size ? o : size - 1] = '\0';
}

int cs_step_fmt(char *buf, size_t size, float v) { return cs_step_fmt_sig(buf, size, v, 3); }

int cs_step_fmt_sig(char *buf, size_t size, float v, int sig)
{
    char tmp[40];
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
        /* "1.2e-04" -> "1.2e-4": short, and never a 0 that is not one */
        char e[40];
        snprintf(e, sizeof e, "%.*g", sig < 2 ? sig : 2, x);
        char *p = strchr(e, 'e');
        if (p) {
            char *q = p + 1;
            if (*q == '-' || *q == '+') q++;
            char *z = q;
            while (*z == '0' && z[1]) z++;
            memmove(q, z, strlen(z) + 1);
            if (p[1] == '+') memmove(p + 1, p + 2, strlen(p + 2) + 1);
        }
        snprintf(tmp, sizeof tmp, "%s", e);
    }
    put_minus(buf, size, tmp);
    return cs_step_utf8_len(buf);
}

/* A growing text of lines with a column count per line. */
typedef struct {
    char *out;
    size_t size, len;
    int lines, col, full;
} writer;

static void w_put(writer *w, const char *s)
{
    const size_t n = strlen(s);
    if (w->full || w->len + n + 1 > w->size) {
        w->full = 1;
        return;
    }
    memcpy(w->out + w->len, s, n + 1);
    w->len += n;
    w->col += cs_step_utf8_len(s);
}

static void w_newline(writer *w)
{
    w_put(w, "\n");
    w->col = 0;
    w->lines++;
}

static const char *chan_name(int C, int c, char *buf, size_t size)
{
    static const char *const rgb[3] = {"R", "G", "B"};
    if (C == 3) return rgb[c];
    snprintf(buf, size, "c%d", c);
    return buf;
}

static const char *const INDENT = "      "; /* under the first term, after "sum = " */

/* ---- a sum that checks ---------------------------------------------------------------------- */

/* The value a number written by cs_step_fmt_sig stands for (its U+2212 minus and k/M/G read back),
 * so sums are checked on what the reader sees. */
static double written_value(const char *s)
{
    char buf[64];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 1 < sizeof buf; p++) {
        if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92) buf[o++] = '-', p += 2;
        else buf[o++] = (char)*p;
    }
    buf[o] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end == 'k') v *= 1e3;
    else if (*end == 'M') v *= 1e6;
    else if (*end == 'G') v *= 1e9;
    return v;
}

static double written(float v, int sig)
{
    char b[40];
    cs_step_fmt_sig(b, sizeof b, v, sig);
    return written_value(b);
}

/* Digits for a decimal sum so that it checks on a calculator: the terms' numbers (window values
 * and weights) with *term_sig significant digits, multiplied and added as written, come within
 * half a unit of one more digit than the total shows, written with *total_sig digits. The fewest
 * digits that do (3 to 7 each; 7 and 7 when none do, float noise). target is the stepper's sum of
 * the first n terms. */
static void digits_that_check(const cs_stepper *st, int n, float target, int *term_sig, int *total_sig)
{
    double mag = fabs((double)target);
    for (int t = 0; t < n; t++) mag = fmax(mag, fabs((double)st->products[t]) * 1e-3);
    for (int ts = 3; ts <= 7; ts++) {
        const double shown = written(target, ts);
        const double tol = mag > 0 ? 0.5 * pow(10.0, floor(log10(mag)) - ts) : 0.0;
        for (int sig = 3; sig <= 7; sig++) {
            double sum = 0;
            for (int t = 0; t < n; t++)
                if (st->products[t] != 0.0f) sum += written(st->window[t], sig) * written(st->kernel[t], sig);
            if (fabs(sum - shown) <= tol) {
                *term_sig = sig, *total_sig = ts;
                return;
            }
        }
    }
    *term_sig = *total_sig = 7;
}

/* The stepper's fraction form as text: "1/9". */
static void fraction_text(char *buf, size_t size, long num, int den)
{
    char n[32];
    snprintf(n, sizeof n, "%ld", num);
    char t[64];
    snprintf(t, sizeof t, "%s/%d", n, den);
    put_minus(buf, size, t);
}

/* The terms to write: the first st->term, the non-zero ones and the newest while the sum grows. */
static int term_written(const cs_stepper *st, int t)
{
    return st->products[t] != 0.0f || (st->term < st->n_terms && t == st->term - 1);
}

/* A fraction-form kernel's numerator shared by every written term (the box's 1: factored out as
 * "1/9 × (...)"), or 0 when they differ (then "1/16 × (1×255 + 2×255 + ...)"). */
static long common_numerator(const cs_stepper *st)
{
    long common = 0;
    for (int t = 0; t < st->term; t++) {
        if (!term_written(st, t) || st->kernel[t] == 0.0f) continue;
        const long n = cs_stepper_numerator(st, t);
        if (common == 0) common = n;
        else if (n != common) return 0;
    }
    return common ? common : 1;
}

/* One written term: "(50×30)" (decimals), or in fraction form "255" (a shared numerator) or
 * "2×255". */
static void term_text(char *piece, size_t size, const cs_stepper *st, int t, int sig, long common)
{
    char a[40], b[40];
    cs_step_fmt_sig(a, sizeof a, st->window[t], sig);
    if (st->frac_den > 1) {
        if (common) {
            snprintf(piece, size, "%s", a);
        } else {
            char tmp[96];
            snprintf(tmp, sizeof tmp, "%ld\u00D7%s", cs_stepper_numerator(st, t), a);
            put_minus(piece, size, tmp);
        }
        return;
    }
    cs_step_fmt_sig(b, sizeof b, st->kernel[t], sig);
    snprintf(piece, size, "(%s\u00D7%s)", a, b);
}

/* The terms written; when they run out of term_lines, "+ ... (N more)". Returns how many. */
static int write_terms(writer *w, const cs_stepper *st, int cols, int term_lines, int n_written, int *unwritten, int sig,
                       long common)
{
    int written_n = 0;
    char piece[160], body[128], more[64];
    for (int t = 0; t < st->term && written_n < n_written; t++) {
        if (!term_written(st, t)) continue;
        term_text(body, sizeof body, st, t, sig, common);
        snprintf(piece, sizeof piece, "%s%s", written_n ? " + " : "", body);
        const int pw = cs_step_utf8_len(piece);
        const int last_piece = written_n == n_written - 1;
        snprintf(more, sizeof more, " + \u2026 (%d more)", n_written - written_n);
        const int more_w = cs_step_utf8_len(more);
        const int reserve = w->lines >= term_lines && !last_piece ? more_w : 0;
        if (w->col + pw + reserve > cols) {
            if (w->lines >= term_lines) {
                /* out of lines: say how many terms are left unwritten */
                w_put(w, more);
                if (unwritten) *unwritten = n_written - written_n;
                break;
            }
            w_newline(w);
            w_put(w, INDENT);
            snprintf(piece, sizeof piece, "+ %s", body);
        }
        w_put(w, piece);
        written_n++;
    }
    return written_n;
}

/* A number with up to 6 significant digits and no trailing zeros ("170", "170.111"), with the
 * minus sign: a fraction form's exact result. */
static void exact_text(char *buf, size_t size, double v)
{
    char t[64];
    snprintf(t, sizeof t, "%.6g", v);
    if (strchr(t, 'e')) cs_step_fmt_sig(buf, size, (float)v, 6);
    else put_minus(buf, size, t);
}

/* The closing part: the total (or the running sum), for a fraction form "= 1/9 × 1530 = 170", and
 * a note on what was left out, on the line or the next one while lines remain (max_lines). */
static void write_closing(writer *w, const cs_stepper *st, int cols, int max_lines, int written_n, int n_written,
                          int zeros, int total_sig, long common)
{
    const int shown = st->term, total = st->n_terms, growing = shown < total, need_chan = st->C > 1;
    const float value = growing ? st->partial : st->sum;
    char val[48], close[240], note[160] = "";
    if (st->frac_den > 1 && n_written > 0) {
        /* the bracket is added in whole numbers: it checks by hand */
        const long factor = common ? common : 1;
        double bracket = 0;
        for (int t = 0; t < shown; t++)
            if (st->products[t] != 0.0f)
                bracket += (double)(common ? 1 : cs_stepper_numerator(st, t)) * (double)st->window[t];
        char fr[48], br[48];
        fraction_text(fr, sizeof fr, factor, st->frac_den);
        exact_text(br, sizeof br, bracket);
        exact_text(val, sizeof val, bracket * (double)factor / st->frac_den);
        snprintf(close, sizeof close, ") = %s \u00D7 %s = %s%s", fr, br, val, growing ? " so far" : "");
    } else {
        cs_step_fmt_sig(val, sizeof val, value, total_sig);
        if (shown == 0) snprintf(close, sizeof close, "\u2026");
        else if (n_written == 0) snprintf(close, sizeof close, "%s", val);
        else snprintf(close, sizeof close, "= %s%s", val, growing ? " so far" : "");
    }
    if (shown == 0) snprintf(note, sizeof note, "(no terms yet: 0 of %d)", total);
    else if (n_written == 0) snprintf(note, sizeof note, "(all %d terms are zero)", total);
    else if (growing && zeros) snprintf(note, sizeof note, "(%d of %d terms; %d zero, not shown)", shown, total, zeros);
    else if (growing) snprintf(note, sizeof note, "(%d of %d terms)", shown, total);
    else if (zeros > 0) snprintf(note, sizeof note, "(%d of the %d terms are zero and not shown)", zeros, total);
    /* a narrow panel gets the short form of the note, or none */
    if (6 + cs_step_utf8_len(note) > cols) {
        if (zeros > 0 && !growing && n_written > 0) snprintf(note, sizeof note, "(%d zero terms)", zeros);
        if (6 + cs_step_utf8_len(note) > cols) note[0] = '\0';
    }
    const int cw = cs_step_utf8_len(close), nw = cs_step_utf8_len(note);
    const int glued = close[0] == ')'; /* a fraction form's bracket closes right after its last term */
    if (w->col + 1 + cw <= cols) {
        if (written_n && !glued) w_put(w, " "); /* "sum = " ends in one already */
        w_put(w, close);
    } else if (w->lines < max_lines - need_chan) {
        w_newline(w);
        w_put(w, INDENT);
        w_put(w, close);
    }
    if (nw) {
        if (w->col + 4 + nw <= cols) {
            w_put(w, "    ");
            w_put(w, note);
        } else if (w->lines < max_lines - need_chan) {
            w_newline(w);
            w_put(w, INDENT);
            w_put(w, note);
        }
    }
}

/* Several channels: each channel's partial sum before the total, on a line of its own. */
static void write_channels(writer *w, const cs_stepper *st, int cols)
{
    const int shown = st->term, growing = shown < st->n_terms;
    char val[40], piece[128];
    w_newline(w);
    w_put(w, growing ? "channels so far: " : "channels: ");
    for (int c = 0; c < st->C; c++) {
        const int kk = st->K * st->K;
        float cs = 0;
        if (growing) {
            for (int t = c * kk; t < shown && t < (c + 1) * kk; t++) cs += st->products[t];
        } else {
            cs = st->channel_sums[c];
        }
        char nb[16];
        cs_step_fmt(val, sizeof val, cs);
        snprintf(piece, sizeof piece, "%s%s %s", c ? " + " : "", chan_name(st->C, c, nb, sizeof nb), val);
        if (w->col + cs_step_utf8_len(piece) > cols) {
            w_put(w, " \u2026");
            break;
        }
        w_put(w, piece);
    }
    cs_step_fmt(val, sizeof val, growing ? st->partial : st->sum);
    snprintf(piece, sizeof piece, " = %s", val);
    if (w->col + cs_step_utf8_len(piece) <= cols) w_put(w, piece);
}

int cs_step_equation(const cs_stepper *st, int cols, int max_lines, char *out, size_t size, int *unwritten)
{
    if (unwritten) *unwritten = 0;
    if (!out || size < 2 || max_lines < 1) return 0;
    out[0] = '\0';
    if (cols < 24) cols = 24;
    writer w = {out, size, 0, 1, 0, 0};
    const int shown = st->term, need_chan = st->C > 1;
    int term_lines = max_lines - 1 - need_chan;
    if (term_lines < 1) term_lines = 1;
    int n_written = 0, zeros = 0;
    for (int t = 0; t < shown; t++) {
        if (term_written(st, t)) n_written++;
        else zeros++;
    }
    int sig = 3, total_sig = 3;
    long common = 0;
    w_put(&w, "sum = ");
    if (st->frac_den > 1 && n_written > 0) {
        /* the fraction factored out: 1/9 × (255 + 255 + …) */
        char fr[48];
        common = common_numerator(st);
        fraction_text(fr, sizeof fr, common ? common : 1, st->frac_den);
        w_put(&w, fr);
        w_put(&w, " \u00D7 (");
        /* window values as they are: integers for image files; the probe's floats to 6 digits */
        sig = 6;
    } else {
        digits_that_check(st, shown, shown < st->n_terms ? st->partial : st->sum, &sig, &total_sig);
    }
    const int written_n = write_terms(&w, st, cols, term_lines, n_written, unwritten, sig, common);
    write_closing(&w, st, cols, max_lines, written_n, n_written, zeros, total_sig, common);
    if (need_chan && w.lines < max_lines) write_channels(&w, st, cols);
    return w.lines;
}

/* The text of kernel weight t as the step view's kernel grid writes it: "1/9" or "2/16" for a
 * kernel given as fractions, else the number (cs_step_fmt_sig with sig digits). */
int cs_step_weight_text(char *buf, size_t size, const cs_stepper *st, int t, int sig)
{
    if (st->frac_den > 1) {
        const long n = cs_stepper_numerator(st, t);
        if (n == 0) snprintf(buf, size, "0");
        else fraction_text(buf, size, n, st->frac_den);
        return cs_step_utf8_len(buf);
    }
    return cs_step_fmt_sig(buf, size, st->kernel[t], sig);
}

int cs_step_result(const cs_stepper *st, char *out, size_t size)
{
    char sum[40], bias[40], val[40], pre[40];
    if (st->term < st->n_terms) {
        cs_step_fmt(sum, sizeof sum, st->partial);
        snprintf(out, size, "so far: %s   (%d of %d terms)", sum, st->term, st->n_terms);
        return cs_step_utf8_len(out);
    }
    cs_step_fmt(sum, sizeof sum, st->sum);
    cs_step_fmt(bias, sizeof bias, st->bias);
    cs_step_fmt(val, sizeof val, st->value);
    cs_step_fmt(pre, sizeof pre, st->pre);
    /* a negative bias reads better as a subtraction */
    const int neg = st->bias < 0;
    if (neg) cs_step_fmt(bias, sizeof bias, -st->bias);
    if (st->act == CS_STEPPER_ACT_RELU)
        snprintf(out, size, "relu(%s %s %s) = relu(%s) = %s", sum, neg ? "\u2212" : "+", bias, pre, val);
    else
        snprintf(out, size, "%s %s %s = %s", sum, neg ? "\u2212" : "+", bias, val);
    return cs_step_utf8_len(out);
}
