/* cs_filters.c - kernel presets and the kernel text format (see cs_filters.h).
 *
 * The parser works line by line so every error can name a line and a column; numbers are
 * read with strtod (so the C locale's '.' decimal point) or as a fraction A/B.
 */
#include "cs_file.h"
#include "cs_filters.h"

#include <errno.h>
#include <stdint.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cs_status cs_filter_init(cs_filter *f, const char *name, int c, int k)
{
    memset(f, 0, sizeof *f);
    if (c < 1 || c > CS_FILTER_MAX_C || k < 1 || k > CS_FILTER_MAX_K)
        return cs_fail(CS_ERR_ARG, "kernel %dx%dx%d is out of range (at most %dx%d, %d channels)", k, k, c,
                       CS_FILTER_MAX_K, CS_FILTER_MAX_K, CS_FILTER_MAX_C);
    f->w = calloc((size_t)c * k * k, sizeof *f->w);
    if (!f->w)
        return cs_fail(CS_ERR_NOMEM, "out of memory for a %dx%dx%d kernel", k, k, c);
    snprintf(f->name, sizeof f->name, "%s", name ? name : "");
    f->c = c;
    f->k = k;
    return CS_OK;
}

void cs_filter_free(cs_filter *f)
{
    free(f->w);
    memset(f, 0, sizeof *f);
}

int cs_filter_numerator(float w, int den, long *num)
{
    if (den < 1 || den > CS_FILTER_MAX_DEN || !isfinite(w)) return 0;
    const double n = rint((double)w * den);
    if (fabs(n) > 2147483647.0 || (float)(n / den) != w) return 0;
    *num = (long)n;
    return 1;
}

int cs_filter_is_fraction(const float *w, size_t n, int den)
{
    long num;
    for (size_t i = 0; i < n; i++)
        if (!cs_filter_numerator(w[i], den, &num)) return 0;
    return 1;
}

int cs_filter_is_smoothing(const cs_filter *f)
{
    const size_t n = (size_t)f->c * f->k * f->k;
    for (size_t i = 0; i < n; i++)
        if (f->w[i] < 0) return 0;
    return fabs(cs_filter_sum(f) - 1.0) <= 1e-4;
}

double cs_filter_sum(const cs_filter *f)
{
    double s = 0.0;
    for (int i = 0; i < f->c * f->k * f->k; i++)
        s += f->w[i];
    return s;
}

/* ---- presets --------------------------------------------------------------------- */

typedef struct {
    const char *name;
    int k;
    float scale;          /* every entry is multiplied by this */
    const float *v;       /* (k, k) */
    int den;              /* the weights are the integers v over den (0: not given as fractions) */
} preset;

static const float identity3[] = {0, 0, 0, 0, 1, 0, 0, 0, 0};
static const float ones3[] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
static const float gauss3[] = {1, 2, 1, 2, 4, 2, 1, 2, 1};
static const float gauss5[] = {
    1, 4,  6,  4,  1,
    4, 16, 24, 16, 4,
    6, 24, 36, 24, 6,
    4, 16, 24, 16, 4,
    1, 4,  6,  4,  1,
};
static const float lap4[] = {0, 1, 0, 1, -4, 1, 0, 1, 0};
static const float lap8[] = {1, 1, 1, 1, -8, 1, 1, 1, 1};
/* Cross-correlation, as CNNs compute it: sobel-x is positive where the image gets
 * brighter to the right, sobel-y where it gets brighter downwards. */
static const float sobelx[] = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
static const float sobely[] = {-1, -2, -1, 0, 0, 0, 1, 2, 1};
static const float sharpen3[] = {0, -1, 0, -1, 5, -1, 0, -1, 0};
static const float emboss3[] = {-2, -1, 0, -1, 1, 1, 0, 1, 2};
/* The explainer's curve detector: a stroke that comes in from the top right, bends and
 * runs straight down. */
static const float curve7[] = {
    0, 0, 0, 0,  0,  30, 0,
    0, 0, 0, 0,  30, 0,  0,
    0, 0, 0, 30, 0,  0,  0,
    0, 0, 0, 30, 0,  0,  0,
    0, 0, 0, 30, 0,  0,  0,
    0, 0, 0, 30, 0,  0,  0,
    0, 0, 0, 0,  0,  0,  0,
};

static const preset presets[] = {
    {"identity", 3, 1.0f, identity3, 0},
    {"box", 3, 1.0f / 9.0f, ones3, 9},
    {"gaussian3", 3, 1.0f / 16.0f, gauss3, 16},
    {"gaussian5", 5, 1.0f / 256.0f, gauss5, 256},
    {"laplacian4", 3, 1.0f, lap4, 0},
    {"laplacian8", 3, 1.0f, lap8, 0},
    {"sobel-x", 3, 1.0f, sobelx, 0},
    {"sobel-y", 3, 1.0f, sobely, 0},
    {"sharpen", 3, 1.0f, sharpen3, 0},
    {"emboss", 3, 1.0f, emboss3, 0},
    {"curve", 7, 1.0f, curve7, 0},
};

const char *cs_filter_preset_names(void)
{
    return "identity, box, gaussian3, gaussian5, laplacian4, laplacian8, sobel-x, sobel-y, sharpen, emboss, curve";
}

static const preset *find_preset(const char *name)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(presets[i].name, name) == 0)
            return &presets[i];
    return NULL;
}

cs_status cs_filter_preset(cs_filter *f, const char *name)
{
    memset(f, 0, sizeof *f);
    const preset *p = find_preset(name);
    if (!p)
        return cs_fail(CS_ERR_ARG, "unknown kernel preset '%s' (presets: %s)", name, cs_filter_preset_names());
    cs_status s = cs_filter_init(f, p->name, 1, p->k);
    if (s != CS_OK)
        return s;
    for (int i = 0; i < p->k * p->k; i++)
        f->w[i] = p->v[i] * p->scale;
    /* the fraction form as the preset gives it, when every weight is exactly one */
    if (p->den && cs_filter_is_fraction(f->w, (size_t)p->k * p->k, p->den)) f->frac_den = p->den;
    return CS_OK;
}

/* ---- the text format ------------------------------------------------------------- */

/* Why a token is not a kernel number, for the message. */
typedef enum { NUM_OK, NUM_BAD, NUM_NONFINITE, NUM_RANGE, NUM_ZERO_DIV } num_status;

/* One decimal (strtod's syntax, C locale) in float range; NaN and Inf are refused. */
static num_status parse_decimal(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0') return NUM_BAD;
    if (isnan(v) || isinf(v)) return errno == ERANGE ? NUM_RANGE : NUM_NONFINITE;
    /* underflow (1e-400) is a value of about 0, not an error */
    if (fabs(v) > FLT_MAX) return NUM_RANGE;
    *out = v;
    return NUM_OK;
}

/* Parses a whole token as a number or a fraction A/B, both in float range. */
static num_status parse_number(const char *tok, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return len == 0 ? NUM_BAD : NUM_RANGE;
    memcpy(buf, tok, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    double a, b = 1.0;
    num_status st = parse_decimal(buf, &a);
    if (st == NUM_OK && slash)
        st = parse_decimal(slash + 1, &b);
    if (st != NUM_OK)
        return st;
    if (b == 0.0)
        return NUM_ZERO_DIV;
    if (fabs(a / b) > FLT_MAX)
        return NUM_RANGE;
    *out = a / b;
    return NUM_OK;
}

/* A whole-token integer ("-3") or fraction of integers ("2/16", "-1/9") into num/den (den > 0); 0
 * for anything else (decimals, exponents, magnitudes past 2^31 - 1). The fraction form of a
 * kernel is built from these. */
static int parse_rational(const char *tok, size_t len, long *num, long *den)
{
    long part[2] = {0, 1};
    int k = 0, sign = 1;
    size_t i = 0;
    for (int p = 0; p < 2; p++) {
        int s = 1;
        if (i < len && (tok[i] == '-' || tok[i] == '+')) s = tok[i] == '-' ? -1 : 1, i++;
        const size_t d0 = i;
        long v = 0;
        while (i < len && tok[i] >= '0' && tok[i] <= '9') {
            if (v > 214748364L) return 0;
            v = v * 10 + (tok[i++] - '0');
        }
        if (i == d0 || v > 2147483647L) return 0;
        part[p] = v, sign *= s, k = p;
        if (i == len) break;
        if (tok[i] != '/' || p == 1) return 0;
        i++;
    }
    if (i != len || (k == 1 && part[1] == 0)) return 0;
    *num = sign * part[0], *den = k == 1 ? part[1] : 1;
    return 1;
}

static long gcd_long(long a, long b)
{
    while (b) {
        const long t = a % b;
        a = b, b = t;
    }
    return a < 0 ? -a : a;
}

/* The message for a token that did not parse: file:line:col: what was found, what is expected. */
static cs_status number_error(const char *src, int line, int col, const char *what, const char *tok_in, size_t len,
                              num_status why)
{
    /* the token as printable ASCII: bytes of another encoding (UTF-16, binary) as \xNN, never raw */
    char tok[32 * 4 + 1];
    size_t k = 0;
    for (size_t i = 0; i < len && i < 32; i++) {
        const unsigned char ch = (unsigned char)tok_in[i];
        if (ch >= 0x20 && ch < 0x7f) tok[k++] = (char)ch;
        else k += (size_t)snprintf(tok + k, sizeof tok - k, "\\x%02x", ch);
    }
    tok[k] = '\0';
    const int shown = (int)k;
    switch (why) {
    case NUM_NONFINITE:
        return cs_fail(CS_ERR_SPEC, "%s:%d:%d: %s '%.*s' is not a finite number (NaN and infinity are not weights)",
                       src, line, col, what, shown, tok);
    case NUM_RANGE:
        return cs_fail(CS_ERR_SPEC, "%s:%d:%d: %s '%.*s' is out of range (a float holds at most about 3.4e38)", src,
                       line, col, what, shown, tok);
    case NUM_ZERO_DIV:
        return cs_fail(CS_ERR_SPEC, "%s:%d:%d: %s '%.*s' divides by zero", src, line, col, what, shown, tok);
    default:
        return cs_fail(CS_ERR_SPEC, "%s:%d:%d: %s '%.*s' is not a number (expected a decimal like 0.25 or -3e1, or a "
                       "fraction like 1/9)", src, line, col, what, shown, tok);
    }
}

static int is_sep(char ch) { return ch == ' ' || ch == '\t' || ch == ',' || ch == '\r' || ch == '\v' || ch == '\f'; }

typedef struct {
    const char *src;
    float *buf;        /* (CS_FILTER_MAX_C, CS_FILTER_MAX_K, CS_FILTER_MAX_K) values as read */
    int (*pos)[2];     /* the same shape: line and column of each value */
    int n_channels;    /* finished channels */
    int k;             /* side of the finished channels (0 before the first) */
    int rows, cols;    /* current channel so far */
    int first_line;    /* line of the current channel's first row */
    int last_line;     /* line of its last row */
    int rational;      /* every entry so far is an integer or a fraction of integers ... */
    long den_lcm;      /* ... and this is the least common multiple of their denominators */
    double scale;      /* the scale line's factor (1 without one) */
    long scale_num, scale_den; /* ... as a fraction, when it is one */
    int scale_line;    /* its line, 0 before one */
} parser;

/* One line's tokens: up to CS_FILTER_MAX_K + 2 of them, and whether there were more. */
typedef struct {
    const char *tok[CS_FILTER_MAX_K + 2];
    size_t len[CS_FILTER_MAX_K + 2];
    int n, too_many;
} line_tokens;

/* Closes the current channel (if it has rows): checks it is square and matches the
 * channels before it. */
static cs_status end_channel(parser *ps)
{
    if (ps->rows == 0)
        return CS_OK;
    int ch = ps->n_channels + 1;
    if (ps->rows != ps->cols)
        return cs_fail(CS_ERR_SPEC,
                       "%s:%d:1: channel %d has %d row%s of %d numbers (lines %d-%d); kernels must be square",
                       ps->src, ps->last_line, ch, ps->rows, ps->rows == 1 ? "" : "s", ps->cols, ps->first_line,
                       ps->last_line);
    if (ps->k != 0 && ps->rows != ps->k)
        return cs_fail(CS_ERR_SPEC, "%s:%d:1: channel %d is %dx%d but channel 1 is %dx%d; all channels must match",
                       ps->src, ps->first_line, ch, ps->rows, ps->rows, ps->k, ps->k);
    ps->k = ps->rows;
    ps->n_channels++;
    ps->rows = ps->cols = 0;
    return CS_OK;
}

static void tokenize(const char *p, size_t code_len, line_tokens *t)
{
    t->n = 0, t->too_many = 0;
    for (size_t i = 0; i < code_len;) {
        if (is_sep(p[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < code_len && !is_sep(p[j])) j++;
        if (t->n < CS_FILTER_MAX_K + 2) t->tok[t->n] = p + i, t->len[t->n] = j - i, t->n++;
        else t->too_many = 1;
        i = j;
    }
}

/* "scale X" on line `line` (p its start). */
static cs_status parse_scale(parser *ps, const line_tokens *t, const char *p, int line)
{
    double v;
    num_status ns;
    if (ps->scale_line)
        return cs_fail(CS_ERR_SPEC, "%s:%d:1: second scale line (the first is on line %d)", ps->src, line, ps->scale_line);
    if (t->n != 2)
        return cs_fail(CS_ERR_SPEC, "%s:%d:1: expected one number after 'scale', like 'scale 1/16' or 'scale 0.0625'",
                       ps->src, line);
    if ((ns = parse_number(t->tok[1], t->len[1], &v)) != NUM_OK)
        return number_error(ps->src, line, (int)(t->tok[1] - p) + 1, "scale", t->tok[1], t->len[1], ns);
    ps->scale = v;
    ps->scale_line = line;
    if (!parse_rational(t->tok[1], t->len[1], &ps->scale_num, &ps->scale_den)) ps->rational = 0;
    return CS_OK;
}

/* A row of numbers on line `line` (p its start, code_len bytes before any comment). */
static cs_status parse_row(parser *ps, const line_tokens *t, const char *p, size_t code_len, int line)
{
    if (t->too_many || t->n > CS_FILTER_MAX_K)
        return cs_fail(CS_ERR_SPEC, "%s:%d:%d: row has more than %d numbers; kernels are at most %dx%d", ps->src, line,
                       (int)(t->tok[CS_FILTER_MAX_K] - p) + 1, CS_FILTER_MAX_K, CS_FILTER_MAX_K, CS_FILTER_MAX_K);
    if (ps->rows > 0 && t->n != ps->cols) {
        const int col = t->n > ps->cols ? (int)(t->tok[ps->cols] - p) + 1 : (int)code_len + 1;
        return cs_fail(CS_ERR_SPEC, "%s:%d:%d: row has %d number%s but line %d has %d; rows must have equal length",
                       ps->src, line, col, t->n, t->n == 1 ? "" : "s", ps->first_line, ps->cols);
    }
    if (ps->rows >= ps->cols && ps->rows > 0)
        return cs_fail(CS_ERR_SPEC, "%s:%d:1: channel %d has more rows than its %d columns; kernels must be square "
                       "(separate channels with a blank line)", ps->src, line, ps->n_channels + 1, ps->cols);
    if (ps->rows == 0 && ps->n_channels >= CS_FILTER_MAX_C)
        return cs_fail(CS_ERR_SPEC, "%s:%d:1: more than %d channels", ps->src, line, CS_FILTER_MAX_C);
    if (ps->rows == 0) ps->cols = t->n, ps->first_line = line;
    const size_t row0 = ((size_t)ps->n_channels * CS_FILTER_MAX_K + ps->rows) * CS_FILTER_MAX_K;
    for (int i = 0; i < t->n; i++) {
        double v;
        const num_status ns = parse_number(t->tok[i], t->len[i], &v);
        if (ns != NUM_OK) return number_error(ps->src, line, (int)(t->tok[i] - p) + 1, "entry", t->tok[i], t->len[i], ns);
        ps->buf[row0 + i] = (float)v;
        long rn, rd;
        if (ps->rational && parse_rational(t->tok[i], t->len[i], &rn, &rd)) {
            const long l = ps->den_lcm / gcd_long(ps->den_lcm, rd) * rd;
            if (l > CS_FILTER_MAX_DEN) ps->rational = 0;
            else ps->den_lcm = l;
        } else {
            ps->rational = 0;
        }
        ps->pos[row0 + i][0] = line;
        ps->pos[row0 + i][1] = (int)(t->tok[i] - p) + 1;
    }
    ps->rows++;
    ps->last_line = line;
    return CS_OK;
}

/* The values read, times the scale, into f (the fraction form kept where exact). */
static cs_status fill_filter(parser *ps, cs_filter *f)
{
    cs_status s = cs_filter_init(f, ps->src, ps->n_channels, ps->k);
    for (int c = 0; s == CS_OK && c < f->c; c++)
        for (int y = 0; s == CS_OK && y < f->k; y++)
            for (int x = 0; x < f->k; x++) {
                const size_t at = ((size_t)c * CS_FILTER_MAX_K + y) * CS_FILTER_MAX_K + x;
                const double v = (double)ps->buf[at] * ps->scale;
                if (fabs(v) > FLT_MAX) {
                    s = cs_fail(CS_ERR_SPEC, "%s:%d:%d: entry %.9g times scale %.9g (line %d) is %.3g, out of range "
                                "(a float holds at most about 3.4e38)", ps->src, ps->pos[at][0], ps->pos[at][1],
                                (double)ps->buf[at], ps->scale, ps->scale_line, v);
                    cs_filter_free(f);
                    break;
                }
                f->w[(c * f->k + y) * f->k + x] = (float)v;
            }
    /* the fraction form: integers (or fractions of them) times a fraction scale, over one common
     * denominator, kept when every weight is exactly its numerator over it */
    const long den = ps->den_lcm * ps->scale_den;
    if (s == CS_OK && ps->rational && den > 1 && den <= CS_FILTER_MAX_DEN && ps->scale_num != 0 &&
        cs_filter_is_fraction(f->w, (size_t)f->c * f->k * f->k, (int)den))
        f->frac_den = (int)den;
    return s;
}

cs_status cs_filter_parse(cs_filter *f, const char *text, const char *source)
{
    memset(f, 0, sizeof *f);
    parser ps = {.src = source ? source : "kernel", .rational = 1, .den_lcm = 1, .scale = 1.0, .scale_num = 1,
                 .scale_den = 1};
    const size_t cells = (size_t)CS_FILTER_MAX_C * CS_FILTER_MAX_K * CS_FILTER_MAX_K;
    ps.buf = malloc(cells * sizeof *ps.buf);
    ps.pos = malloc(cells * sizeof *ps.pos);
    if (!ps.buf || !ps.pos) {
        free(ps.buf);
        free(ps.pos);
        return cs_fail(CS_ERR_NOMEM, "out of memory parsing %s", ps.src);
    }
    cs_status s = CS_OK;
    int line = 0;
    const char *p = text;
    /* a UTF-8 byte-order mark, as Windows Notepad writes one, is not part of the text */
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) p += 3;
    while (*p && s == CS_OK) {
        line++;
        const char *eol = strchr(p, '\n');
        const size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *hash = memchr(p, '#', len);
        const size_t code_len = hash ? (size_t)(hash - p) : len;
        line_tokens t;
        tokenize(p, code_len, &t);
        if (t.n == 0) {
            if (!hash) s = end_channel(&ps); /* a blank line separates channels; a comment-only line does not */
        } else if (t.len[0] == 5 && strncmp(t.tok[0], "scale", 5) == 0) {
            s = parse_scale(&ps, &t, p, line);
        } else if (t.len[0] == 7 && strncmp(t.tok[0], "channel", 7) == 0) {
            s = end_channel(&ps);
        } else {
            s = parse_row(&ps, &t, p, code_len, line);
        }
        p = eol ? eol + 1 : p + len;
    }
    if (s == CS_OK) s = end_channel(&ps);
    if (s == CS_OK && ps.n_channels == 0)
        s = cs_fail(CS_ERR_SPEC, "%s:%d:1: empty kernel: no rows of numbers", ps.src, line > 0 ? line : 1);
    if (s == CS_OK) s = fill_filter(&ps, f);
    free(ps.buf);
    free(ps.pos);
    return s;
}

cs_status cs_filter_load(cs_filter *f, const char *path)
{
    enum { MAX_BYTES = 1 << 20 };
    memset(f, 0, sizeof *f);
    FILE *fp;
    const cs_status ost = cs_file_open_read(path, "kernel file", &fp, NULL);
    if (ost) return ost;
    char *text = malloc(MAX_BYTES + 1);
    if (!text) {
        fclose(fp);
        return cs_fail(CS_ERR_NOMEM, "out of memory reading %s", path);
    }
    size_t n = fread(text, 1, MAX_BYTES + 1, fp);
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        free(text);
        return cs_fail(CS_ERR_IO, "%s: read error", path);
    }
    if (n > MAX_BYTES) {
        free(text);
        return cs_fail(CS_ERR_SPEC, "%s: kernel file is larger than 1 MiB", path);
    }
    text[n] = '\0';
    if (memchr(text, '\0', n)) {
        free(text);
        return cs_fail(CS_ERR_SPEC, "%s: not a text file (contains NUL bytes)", path);
    }
    /* Name the kernel after the file's base name; messages keep the path as given. */
    cs_status s = cs_filter_parse(f, text, path);
    free(text);
    if (s == CS_OK) {
        const char *base = strrchr(path, '/');
        snprintf(f->name, sizeof f->name, "%s", base ? base + 1 : path);
    }
    return s;
}

cs_status cs_filter_open(cs_filter *f, const char *preset_or_path)
{
    if (find_preset(preset_or_path))
        return cs_filter_preset(f, preset_or_path);
    FILE *fp;
    if (cs_file_open_read(preset_or_path, NULL, &fp, NULL) != CS_OK) {
        memset(f, 0, sizeof *f);
        return cs_fail(CS_ERR_IO, "kernel '%s' is neither a preset (%s) nor a readable file (%s)", preset_or_path,
                       cs_filter_preset_names(), cs_last_error());
    }
    fclose(fp);
    return cs_filter_load(f, preset_or_path);
}
