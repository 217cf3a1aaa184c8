/* cs_net.c - network construction from a text spec, shape checking, parameter layout,
 * forward and backward passes, and introspection for the window and exports. */
#include "cs_net.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cs_pool.h"
#include "cs_tensor.h"

static const struct {
    const char *name, *spec;
} presets[] = {
    /* ConvNetJS's MNIST demo net (benchmark workload W1). */
    {"mnist", "input 28x28x1, conv 8@5 pad 2, relu, maxpool 2, conv 16@5 pad 2, relu, maxpool 3 stride 3, fc 10, softmax"},
    /* ConvNetJS's CIFAR-10 net (workload W2). */
    {"cifar", "input 32x32x3, conv 16@5 pad 2, relu, maxpool 2, conv 20@5 pad 2, relu, maxpool 2, "
              "conv 20@5 pad 2, relu, maxpool 2, fc 10, softmax"},
    /* The explainer article's example: 12 filters on a 32x32x3 image give 32x32x12. */
    {"article", "input 32x32x3, conv 12@5 pad 2, relu, maxpool 2, conv 16@5 pad 2, relu, maxpool 2, fc 10, softmax"},
    /* First-layer filters like AlexNet's on colour-shapes: 7x7 leaves room for an edge (recipe in cs_train.c). */
    {"colour", "input 32x32x3, conv 16@7 pad 3, relu, maxpool 2, conv 16@5 pad 2, relu, maxpool 2, fc 10, softmax"},
};

const char *cs_net_preset_spec(const char *name)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(presets[i].name, name) == 0) return presets[i].spec;
    return NULL;
}

const char *cs_net_preset_names(void) { return "mnist, cifar, article, colour"; }

/* ---- parsing ------------------------------------------------------------------------ */

#define MAX_LAYERS 64
#define MAX_WORDS 16

typedef struct {
    cs_layer_kind kind;
    int a;           /* conv OC or fc OUT */
    cs_win win;      /* conv and pool window */
    int include_pad; /* avgpool */
    float alpha;     /* leakyrelu */
} layer_desc;

/* Parses a decimal integer word in [lo, hi]: 0 and *out set, 1 if it is not a number,
 * 2 if it is one out of range (never wrapped: digits past hi only saturate). */
static int parse_uint(const char *w, long lo, long hi, int *out)
{
    if (!*w) return 1;
    long v = 0;
    for (const char *p = w; *p; p++) {
        if (!isdigit((unsigned char)*p)) return 1;
        if (v <= hi) v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi) return 2;
    *out = (int)v;
    return 0;
}

/* The message for a number word that parse_uint refused (what: "height", "stride", ...). */
static cs_status number_fail(int idx, const char *item, const char *what, const char *word, int why, long lo, long hi)
{
    if (why == 2)
        return cs_fail(CS_ERR_SPEC, "spec item %d '%s': %s %s is out of range (expected %ld..%ld)", idx, item, what,
                       word, lo, hi);
    return cs_fail(CS_ERR_SPEC, "spec item %d '%s': %s '%s' is not a whole number (expected %ld..%ld)", idx, item,
                   what, word, lo, hi);
}

/* Parses a window size "K" or "KHxKW" into kh and kw; 0, or the status with the message. */
static cs_status parse_window_size(const char *w, int idx, const char *item, const char *what, int *kh, int *kw)
{
    char buf[64];
    if (strlen(w) >= sizeof buf)
        return cs_fail(CS_ERR_SPEC, "spec item %d '%s': %s '%s' is too long", idx, item, what, w);
    snprintf(buf, sizeof buf, "%s", w);
    char *x = strchr(buf, 'x');
    if (x) *x = 0;
    /* an empty side ("x", "5x") is named by the whole word */
    int why = parse_uint(buf, 1, CS_NET_MAX_SIDE, kh);
    if (why) return number_fail(idx, item, what, *buf ? buf : w, why, 1, CS_NET_MAX_SIDE);
    if (!x) *kw = *kh;
    else if ((why = parse_uint(x + 1, 1, CS_NET_MAX_SIDE, kw)))
        return number_fail(idx, item, what, x[1] ? x + 1 : w, why, 1, CS_NET_MAX_SIDE);
    return CS_OK;
}

/* Parses "A@K" or "A@KHxKW" (conv) into a and the window size; 0, or the status with the message. */
static cs_status parse_conv_shape(const char *w, int idx, const char *item, int *a, cs_win *g)
{
    char buf[64];
    const char *at = strchr(w, '@');
    if (!at || strlen(w) >= sizeof buf)
        return cs_fail(CS_ERR_SPEC, "spec item %d '%s': expected 'conv FILTERS@SIZE' like 'conv 8@5 pad 2'", idx,
                       item);
    snprintf(buf, sizeof buf, "%s", w);
    buf[at - w] = 0;
    const int why = parse_uint(buf, 1, CS_NET_MAX_CHANNELS, a);
    if (why) return number_fail(idx, item, "filter count", buf, why, 1, CS_NET_MAX_CHANNELS);
    return parse_window_size(at + 1, idx, item, "kernel size", &g->kh, &g->kw);
}

/* Counts the words from words[i] on (at most max) that are whole numbers, in range or not. */
static int count_ints(char **words, int i, int n, int max)
{
    int c = 0, v;
    while (i + c < n && c < max && parse_uint(words[i + c], 0, CS_NET_MAX_SIDE, &v) != 1) c++;
    return c;
}

/* Parses the optional window words from words[i..n): "stride S [S]", "pad P [P] | T L B R",
 * and for pools "ceil" and (avgpool) "include-pad". */
static cs_status parse_options(char **words, int i, int n, int idx, const char *item, layer_desc *d, int is_pool)
{
    cs_win *g = &d->win;
    const char *expect = !is_pool ? "'stride S' or 'pad P'"
                         : d->kind == CS_LAYER_AVGPOOL ? "'stride S', 'pad P', 'ceil' or 'include-pad'"
                                                      : "'stride S', 'pad P' or 'ceil'";
    while (i < n) {
        const int is_stride = strcmp(words[i], "stride") == 0, is_pad = strcmp(words[i], "pad") == 0;
        if (is_pool && strcmp(words[i], "ceil") == 0) {
            g->ceil_mode = 1, i++;
            continue;
        }
        if (d->kind == CS_LAYER_AVGPOOL && strcmp(words[i], "include-pad") == 0) {
            d->include_pad = 1, i++;
            continue;
        }
        if (!is_stride && !is_pad)
            return cs_fail(CS_ERR_SPEC, "spec item %d '%s': unexpected '%s' (expected %s)", idx, item, words[i], expect);
        const int c = count_ints(words, i + 1, n, 4);
        if (c == 0 || (is_stride && c > 2) || c == 3)
            return cs_fail(CS_ERR_SPEC, "spec item %d '%s': '%s' needs %s after it", idx, item, words[i],
                           is_stride ? "a positive number (or two: down, across)"
                                     : "a non-negative number (or two: rows, columns; or four: top left bottom right)");
        const long lo = is_stride ? 1 : 0, hi = CS_NET_MAX_SIDE;
        int v[4] = {0};
        for (int j = 0; j < c; j++) {
            const int why = parse_uint(words[i + 1 + j], lo, hi, &v[j]);
            if (why) return number_fail(idx, item, words[i], words[i + 1 + j], why, lo, hi);
        }
        if (is_stride) g->sh = v[0], g->sw = v[c - 1];
        else if (c == 4) g->pt = v[0], g->pl = v[1], g->pb = v[2], g->pr = v[3];
        else g->pt = g->pb = v[0], g->pl = g->pr = v[c - 1];
        i += 1 + c;
    }
    return CS_OK;
}

/* Parses "HxWxC" into the input shape; 0, or the status with the message. */
static cs_status parse_input_shape(const char *w, int idx, const char *item, int *h, int *wd, int *c)
{
    char buf[64];
    const char *what[3] = {"height", "width", "channels"};
    const long hi[3] = {CS_NET_MAX_SIDE, CS_NET_MAX_SIDE, CS_NET_MAX_CHANNELS};
    int *out[3] = {h, wd, c};
    snprintf(buf, sizeof buf, "%s", w);
    char *p = buf;
    for (int i = 0; i < 3; i++) {
        char *x = i < 2 ? strchr(p, 'x') : NULL;
        if ((i < 2 && !x) || strlen(w) >= sizeof buf)
            return cs_fail(CS_ERR_SPEC, "spec item %d '%s': a spec starts with the input shape, like 'input 28x28x1' "
                           "(height x width x channels)", idx, item);
        if (x) *x = 0;
        const int why = parse_uint(p, 1, hi[i], out[i]);
        if (why) return number_fail(idx, item, what[i], p, why, 1, hi[i]);
        if (x) p = x + 1;
    }
    return CS_OK;
}

/* Parses a decimal number (strtof syntax, the whole word); 0 if it is not one. */
static int parse_float(const char *w, float *v)
{
    char *end;
    *v = strtof(w, &end);
    return *w && !*end && isfinite(*v);
}

/* Splits spec into items and parses them; fills input shape and descs. */
static cs_status parse_spec(const char *spec, int *in_h, int *in_w, int *in_c, layer_desc *descs, int *n_descs)
{
    size_t len = strlen(spec);
    char *text = malloc(len + 1);
    if (!text) return cs_fail(CS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i <= len; i++) text[i] = (char)tolower((unsigned char)spec[i]);
    /* "->" and '|' and newlines are separators like ',' */
    for (char *p = text; *p; p++) {
        if (p[0] == '-' && p[1] == '>') p[0] = p[1] = ',';
        if (*p == '|' || *p == '\n' || *p == ';') *p = ',';
    }
    cs_status st = CS_OK;
    int idx = 0, n = 0, have_input = 0;
    char *save = NULL;
    for (char *item = strtok_r(text, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *words[MAX_WORDS];
        int nw = 0;
        char *wsave = NULL;
        char original[128];
        while (isspace((unsigned char)*item)) item++;
        if (!*item) continue;
        idx++;
        snprintf(original, sizeof original, "%s", item);
        size_t ol = strlen(original);
        while (ol > 0 && isspace((unsigned char)original[ol - 1])) original[--ol] = 0;
        for (char *w = strtok_r(item, " \t\r", &wsave); w; w = strtok_r(NULL, " \t\r", &wsave)) {
            if (nw == MAX_WORDS) {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': too many words", idx, original);
                goto done;
            }
            words[nw++] = w;
        }
        if (!have_input) {
            int h, w, c;
            if (strcmp(words[0], "input") != 0 || nw != 2) {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': a spec starts with the input shape, like 'input 28x28x1' "
                             "(height x width x channels)", idx, original);
                goto done;
            }
            if ((st = parse_input_shape(words[1], idx, original, &h, &w, &c))) goto done;
            *in_h = h, *in_w = w, *in_c = c;
            have_input = 1;
            continue;
        }
        if (n == MAX_LAYERS) {
            st = cs_fail(CS_ERR_SPEC, "spec has more than %d layers", MAX_LAYERS);
            goto done;
        }
        layer_desc d = {0};
        d.win.sh = d.win.sw = 1;
        const char *kw = words[0];
        if (strcmp(kw, "conv") == 0) {
            d.kind = CS_LAYER_CONV;
            if (nw < 2) {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': expected 'conv FILTERS@SIZE' like 'conv 8@5 pad 2'", idx,
                             original);
                goto done;
            }
            if ((st = parse_conv_shape(words[1], idx, original, &d.a, &d.win))) goto done;
            if ((st = parse_options(words, 2, nw, idx, original, &d, 0))) goto done;
        } else if (strcmp(kw, "maxpool") == 0 || strcmp(kw, "pool") == 0 || strcmp(kw, "avgpool") == 0) {
            d.kind = strcmp(kw, "avgpool") == 0 ? CS_LAYER_AVGPOOL : CS_LAYER_MAXPOOL;
            if (nw < 2) {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': expected '%s SIZE [stride S]' like '%s 2'", idx, original,
                             kw, kw);
                goto done;
            }
            if ((st = parse_window_size(words[1], idx, original, "window size", &d.win.kh, &d.win.kw))) goto done;
            d.win.sh = d.win.kh, d.win.sw = d.win.kw;
            if ((st = parse_options(words, 2, nw, idx, original, &d, 1))) goto done;
        } else if (strcmp(kw, "leakyrelu") == 0) {
            d.kind = CS_LAYER_LEAKYRELU;
            d.alpha = 0.01f;
            if (nw > 2 || (nw == 2 && !parse_float(words[1], &d.alpha))) {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': expected 'leakyrelu [SLOPE]' like 'leakyrelu 0.1'", idx,
                             original);
                goto done;
            }
        } else if (strcmp(kw, "globalavgpool") == 0 || strcmp(kw, "flatten") == 0 || strcmp(kw, "affine") == 0) {
            d.kind = kw[0] == 'g' ? CS_LAYER_GLOBALAVGPOOL : kw[0] == 'f' ? CS_LAYER_FLATTEN : CS_LAYER_AFFINE;
            if (nw != 1) {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': '%s' takes no arguments", idx, original, kw);
                goto done;
            }
        } else if (strcmp(kw, "fc") == 0 || strcmp(kw, "dense") == 0) {
            d.kind = CS_LAYER_FC;
            if (nw != 2) {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': expected 'fc OUTPUTS' like 'fc 10'", idx, original);
                goto done;
            }
            const int why = parse_uint(words[1], 1, CS_NET_MAX_CHANNELS, &d.a);
            if (why) {
                st = number_fail(idx, original, "output count", words[1], why, 1, CS_NET_MAX_CHANNELS);
                goto done;
            }
        } else if (strcmp(kw, "relu") == 0 || strcmp(kw, "tanh") == 0 || strcmp(kw, "sigmoid") == 0 ||
                   strcmp(kw, "softmax") == 0) {
            d.kind = kw[0] == 'r' ? CS_LAYER_RELU : kw[0] == 't' ? CS_LAYER_TANH
                   : kw[1] == 'i' ? CS_LAYER_SIGMOID : CS_LAYER_SOFTMAX;
            if (nw != 1) {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': '%s' takes no arguments", idx, original, kw);
                goto done;
            }
        } else if (strcmp(kw, "input") == 0) {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': 'input' may only be the first item", idx, original);
            goto done;
        } else {
                st = cs_fail(CS_ERR_SPEC, "spec item %d '%s': unknown layer '%s' (expected conv, relu, tanh, sigmoid, "
                         "leakyrelu, maxpool, avgpool, globalavgpool, flatten, affine, fc or softmax)", idx, original, kw);
            goto done;
        }
        descs[n++] = d;
    }
    if (!have_input) st = cs_fail(CS_ERR_SPEC, "empty spec: expected e.g. 'input 28x28x1, conv 8@5, relu, fc 10' or "
                                  "a preset (%s)", cs_net_preset_names());
    else if (n == 0) st = cs_fail(CS_ERR_SPEC, "spec has an input but no layers");
done:
    *n_descs = n;
    free(text);
    return st;
}

/* ---- building ---------------------------------------------------------------------- */

static const char *kind_word(cs_layer_kind k)
{
    switch (k) {
    case CS_LAYER_CONV: return "conv";
    case CS_LAYER_RELU: return "relu";
    case CS_LAYER_TANH: return "tanh";
    case CS_LAYER_SIGMOID: return "sigmoid";
    case CS_LAYER_MAXPOOL: return "maxpool";
    case CS_LAYER_AVGPOOL: return "avgpool";
    case CS_LAYER_FC: return "fc";
    case CS_LAYER_SOFTMAX: return "softmax";
    case CS_LAYER_LEAKYRELU: return "leakyrelu";
    case CS_LAYER_GLOBALAVGPOOL: return "globalavgpool";
    case CS_LAYER_FLATTEN: return "flatten";
    case CS_LAYER_AFFINE: return "affine";
    }
    return "?";
}

static size_t out_count(const cs_layer *L) { return (size_t)L->out_c * L->out_h * L->out_w; }

/* The net with its spec and layer array, shapes still to be filled in; NULL when out of memory. */
static cs_net *net_alloc(const char *spec, int n_layers, int c, int h, int w, int max_batch)
{
    cs_net *net = calloc(1, sizeof *net);
    if (!net) return NULL;
    net->layers = calloc((size_t)n_layers, sizeof *net->layers);
    net->spec = malloc(strlen(spec) + 1);
    if (!net->layers || !net->spec) {
        cs_net_destroy(net);
        return NULL;
    }
    strcpy(net->spec, spec);
    net->n_layers = n_layers;
    net->in_c = c, net->in_h = h, net->in_w = w;
    net->max_batch = max_batch;
    return net;
}

/* Second pass of cs_net_create, once the shapes are known: one parameter block, one gradient
 * block, per-layer buffers, and the threads' scratch, chunk gradients and pool. */
static cs_status allocate(cs_net *net, size_t n_params, size_t scratch, int threads)
{
    net->n_params = n_params;
    net->params = calloc(n_params ? n_params : 1, sizeof(float));
    net->grads = calloc(n_params ? n_params : 1, sizeof(float));
    net->input = calloc((size_t)net->max_batch * net->in_c * net->in_h * net->in_w, sizeof(float));
    /* one scratch slice per thread, rounded to 64 bytes so threads do not share cache
     * lines; one gradient block per batch chunk beyond the first */
    if (threads > net->max_batch) threads = net->max_batch;
    if (threads > 256) threads = 256;
    if (threads < 1) threads = 1;
    net->n_threads = threads;
    net->n_chunks = threads > CS_NET_MIN_CHUNKS ? threads : CS_NET_MIN_CHUNKS;
    if (net->n_chunks > net->max_batch) net->n_chunks = net->max_batch;
    net->scratch_floats = (scratch + 15) / 16 * 16;
    net->scratch = calloc(scratch ? net->scratch_floats * (size_t)threads : 1, sizeof(float));
    net->chunk_grads = calloc((size_t)net->n_chunks * (n_params ? n_params : 1), sizeof(float));
    if (threads > 1 && cs_pool_create(&net->pool, threads) != CS_OK) return CS_ERR_NOMEM; /* the message says why */
    if (!net->params || !net->grads || !net->input || !net->scratch || !net->chunk_grads)
        return cs_fail(CS_ERR_NOMEM, "out of memory for %zu parameters", n_params);
    size_t off = 0;
    for (int l = 0; l < net->n_layers; l++) {
        cs_layer *L = &net->layers[l];
        if (L->w_count) {
            L->w = net->params + off, L->dw = net->grads + off;
            off += L->w_count;
            L->b = net->params + off, L->db = net->grads + off;
            off += L->b_count;
        }
        size_t count = (size_t)net->max_batch * out_count(L);
        L->out = calloc(count, sizeof(float));
        L->dout = calloc(count, sizeof(float));
        if (L->kind == CS_LAYER_MAXPOOL) L->argmax = calloc(count, sizeof(int));
        if (!L->out || !L->dout || (L->kind == CS_LAYER_MAXPOOL && !L->argmax))
            return cs_fail(CS_ERR_NOMEM, "out of memory for activations of %s", L->name);
    }
    return CS_OK;
}

/* Shapes, name and parameter counts of conv or pool layer l from its input (c, h, w of the
 * layer before); grows *scratch to what its convolution needs. Padding follows PyTorch: a conv
 * takes any padding whose padded input holds the kernel (outputs whose window lies wholly in
 * the padding are the bias), a pool at most half its window on each side. */
static cs_status shape_window_layer(cs_net *net, int l, const layer_desc *d, int *n_conv, int *n_pool, size_t *scratch)
{
    cs_layer *L = &net->layers[l];
    const int c = L->in_c, h = L->in_h, w = L->in_w;
    const int is_conv = d->kind == CS_LAYER_CONV;
    const cs_win *g = &d->win;
    if (is_conv) snprintf(L->name, sizeof L->name, "conv%d", ++*n_conv);
    else snprintf(L->name, sizeof L->name, "pool%d", ++*n_pool);
    if (h == 1 && w == 1 && c > 1 && l > 0 && net->layers[l - 1].kind == CS_LAYER_FC)
        return cs_fail(CS_ERR_SHAPE, "layer %d (%s): a %s cannot follow a fully connected layer", l + 1, L->name,
                       kind_word(d->kind));
    const int padded = g->pt || g->pl || g->pb || g->pr;
    if ((long)g->kh > (long)h + g->pt + g->pb || (long)g->kw > (long)w + g->pl + g->pr)
        return cs_fail(CS_ERR_SHAPE, "layer %d (%s: %s %dx%d%s): the %dx%d window does not fit the %dx%dx%d input%s",
                       l + 1, L->name, kind_word(d->kind), g->kh, g->kw, padded ? ", padded" : "", g->kh, g->kw, h, w,
                       c, padded ? " plus its padding" : "");
    if (!is_conv && (g->pt > g->kh / 2 || g->pb > g->kh / 2 || g->pl > g->kw / 2 || g->pr > g->kw / 2))
        return cs_fail(CS_ERR_SHAPE, "layer %d (%s): padding %d %d %d %d (top left bottom right) is more than half "
                       "the %dx%d window: at most %d above and below, %d left and right (PyTorch's rule)", l + 1, L->name, g->pt,
                       g->pl, g->pb, g->pr, g->kh, g->kw, g->kh / 2, g->kw / 2);
    cs_win_out(g, h, w, &L->out_h, &L->out_w);
    L->out_c = is_conv ? d->a : c;
    if (is_conv) {
        L->w_count = (size_t)d->a * c * g->kh * g->kw;
        L->b_count = (size_t)d->a;
        const size_t sc = cs_conv2d_win_scratch_floats(c, h, w, d->a, g);
        if (sc > *scratch) *scratch = sc;
    }
    return CS_OK;
}

void cs_net_budget_defaults(cs_net_budget *b)
{
    b->max_input_values = CS_NET_MAX_INPUT_VALUES;
    b->max_params = CS_NET_MAX_PARAMS;
    b->max_bytes = CS_NET_MAX_BYTES;
}

/* The budgets, checked after the shapes are known and before the parameter, gradient and
 * activation blocks are allocated. Sums in double: no product of the spec's numbers can
 * overflow it. */
static cs_status check_budget(const cs_net *net, const cs_net_budget *b, size_t n_params, size_t scratch, int threads)
{
    const double in = (double)net->in_c * net->in_h * net->in_w, batch = net->max_batch;
    if (in > (double)b->max_input_values)
        return cs_fail(CS_ERR_SHAPE, "input %dx%dx%d has %.0f values, over the budget of %zu per image (e.g. "
                       "4096x4096x1): use a smaller input", net->in_h, net->in_w, net->in_c, in, b->max_input_values);
    if ((double)n_params > (double)b->max_params)
        return cs_fail(CS_ERR_SHAPE, "the net has %zu parameters, over the budget of %zu: use fewer or smaller "
                       "filters, or a smaller fully connected layer", n_params, b->max_params);
    double acts = in;
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        const double n = (double)L->out_c * L->out_h * L->out_w;
        acts += n * (L->kind == CS_LAYER_MAXPOOL ? 3 : 2); /* out, dout (and argmax) */
    }
    /* parameters, gradients and one gradient block per batch chunk; each thread's scratch */
    const int chunks = threads > CS_NET_MIN_CHUNKS ? threads : CS_NET_MIN_CHUNKS;
    const double param_bytes = 4.0 * (double)n_params * (2 + chunks), act_bytes = 4.0 * acts * batch;
    const double scratch_bytes = 4.0 * (double)scratch * (threads < 1 ? 1 : threads);
    const double bytes = param_bytes + act_bytes + scratch_bytes;
    if (bytes > (double)b->max_bytes)
        return cs_fail(CS_ERR_SHAPE, "the net needs %.2f GiB for a batch of %d (activations %.2f GiB, parameters "
                       "%.2f GiB, scratch %.2f GiB), over the budget of %.2f GiB: use a smaller input, fewer or "
                       "narrower layers, or a smaller batch", bytes / 1073741824.0, net->max_batch,
                       act_bytes / 1073741824.0, param_bytes / 1073741824.0, scratch_bytes / 1073741824.0,
                       (double)b->max_bytes / 1073741824.0);
    return CS_OK;
}

cs_status cs_net_create(cs_net **out, const char *spec_or_preset, int max_batch, int threads)
{
    return cs_net_create_budget(out, spec_or_preset, max_batch, threads, NULL);
}

cs_status cs_net_create_budget(cs_net **out, const char *spec_or_preset, int max_batch, int threads,
                               const cs_net_budget *budget)
{
    *out = NULL;
    cs_net_budget defaults;
    cs_net_budget_defaults(&defaults);
    if (!budget) budget = &defaults;
    if (max_batch <= 0 || max_batch > CS_NET_MAX_BATCH)
        return cs_fail(CS_ERR_ARG, "batch size %d is out of range (expected 1..%d)", max_batch, CS_NET_MAX_BATCH);
    const char *preset = cs_net_preset_spec(spec_or_preset);
    const char *spec = preset ? preset : spec_or_preset;
    layer_desc descs[MAX_LAYERS];
    int n = 0, c = 0, h = 0, w = 0;
    cs_status st = parse_spec(spec, &h, &w, &c, descs, &n);
    if (st) return st;

    cs_net *net = net_alloc(spec, n, c, h, w, max_batch);
    if (!net) return cs_fail(CS_ERR_NOMEM, "out of memory");

    /* First pass: shapes, names and parameter counts. */
    int n_conv = 0, n_pool = 0, n_fc = 0, n_act = 0, n_affine = 0;
    size_t n_params = 0, scratch = 0;
    for (int l = 0; l < n; l++) {
        cs_layer *L = &net->layers[l];
        const layer_desc *d = &descs[l];
        L->kind = d->kind;
        L->in_c = c, L->in_h = h, L->in_w = w;
        L->win = d->win, L->include_pad = d->include_pad, L->alpha = d->alpha;
        L->k = d->win.kh, L->stride = d->win.sh, L->pad = d->win.pt;
        switch (d->kind) {
        case CS_LAYER_CONV:
        case CS_LAYER_MAXPOOL:
        case CS_LAYER_AVGPOOL:
            if ((st = shape_window_layer(net, l, d, &n_conv, &n_pool, &scratch))) goto fail;
            break;
        case CS_LAYER_GLOBALAVGPOOL:
            snprintf(L->name, sizeof L->name, "pool%d", ++n_pool);
            L->out_c = c, L->out_h = 1, L->out_w = 1;
            break;
        case CS_LAYER_FLATTEN:
            snprintf(L->name, sizeof L->name, "flatten");
            L->out_c = c * h * w, L->out_h = 1, L->out_w = 1;
            break;
        case CS_LAYER_AFFINE:
            snprintf(L->name, sizeof L->name, "affine%d", ++n_affine);
            L->out_c = c, L->out_h = h, L->out_w = w;
            L->w_count = L->b_count = (size_t)c;
            break;
        case CS_LAYER_FC:
            snprintf(L->name, sizeof L->name, "fc%d", ++n_fc);
            L->out_c = d->a, L->out_h = 1, L->out_w = 1;
            L->w_count = (size_t)d->a * c * h * w;
            L->b_count = (size_t)d->a;
            break;
        case CS_LAYER_SOFTMAX:
            snprintf(L->name, sizeof L->name, "softmax");
            if (l != n - 1) {
                st = cs_fail(CS_ERR_SHAPE, "layer %d (softmax): softmax may only be the last layer", l + 1);
                goto fail;
            }
            if (h != 1 || w != 1) {
                st = cs_fail(CS_ERR_SHAPE, "layer %d (softmax): expects a flat input (after fc), got %dx%dx%d", l + 1,
                               h, w, c);
                goto fail;
            }
            L->out_c = c, L->out_h = 1, L->out_w = 1;
            break;
        default:
            /* activations are named after the layer they follow */
        {
            /* short enough for a column header in the window */
            const char *word = d->kind == CS_LAYER_LEAKYRELU ? "lrelu" : kind_word(d->kind);
            snprintf(L->name, sizeof L->name, "%s%d", word, ++n_act);
            if (l > 0 && net->layers[l - 1].kind == CS_LAYER_CONV)
                snprintf(L->name, sizeof L->name, "%s%d", word, n_conv);
            else if (l > 0 && net->layers[l - 1].kind == CS_LAYER_FC)
                snprintf(L->name, sizeof L->name, "%s_fc%d", word, n_fc);
        }
            L->out_c = c, L->out_h = h, L->out_w = w;
            break;
        }
        L->name[sizeof L->name - 1] = 0;
        n_params += L->w_count + L->b_count;
        c = L->out_c, h = L->out_h, w = L->out_w;
    }
    net->n_classes = c * h * w;
    if ((st = check_budget(net, budget, n_params, scratch, threads))) goto fail;
    if ((st = allocate(net, n_params, scratch, threads))) goto fail;
    *out = net;
    return CS_OK;
fail:
    /* the message was formatted before the layers it names are freed */
    cs_net_destroy(net);
    return st;
}

void cs_net_destroy(cs_net *net)
{
    if (!net) return;
    if (net->layers)
        for (int l = 0; l < net->n_layers; l++) {
            free(net->layers[l].out);
            free(net->layers[l].dout);
            free(net->layers[l].argmax);
        }
    free(net->layers);
    free(net->spec);
    free(net->params);
    free(net->grads);
    free(net->input);
    free(net->scratch);
    free(net->chunk_grads);
    cs_pool_destroy(net->pool);
    free(net->prof_fwd);
    free(net->prof_bwd);
    free(net->prof_thread);
    free(net->prof_busy);
    free(net->prof_chunks);
    free(net);
}

void cs_net_init_params(cs_net *net, cs_rng *rng)
{
    for (int l = 0; l < net->n_layers; l++) {
        cs_layer *L = &net->layers[l];
        if (!L->w_count) continue;
        if (L->kind == CS_LAYER_AFFINE) { /* the identity, as a fresh BatchNormalization */
            for (size_t i = 0; i < L->w_count; i++) L->w[i] = 1.0f;
            memset(L->b, 0, L->b_count * sizeof(float));
            continue;
        }
        size_t fan_in = L->w_count / L->b_count;
        int relu_next = l + 1 < net->n_layers && net->layers[l + 1].kind == CS_LAYER_RELU;
        float gain = relu_next ? 2.0f : 1.0f;
        if (l + 1 < net->n_layers && net->layers[l + 1].kind == CS_LAYER_LEAKYRELU) {
            const float a = net->layers[l + 1].alpha; /* He et al.: 2 / (1 + a^2) */
            gain = 2.0f / (1.0f + a * a);
        }
        float std = sqrtf(gain / (float)fan_in);
        for (size_t i = 0; i < L->w_count; i++) L->w[i] = std * cs_rng_normal(rng);
        memset(L->b, 0, L->b_count * sizeof(float));
    }
}

/* ---- forward and backward ---------------------------------------------------------- */

static const float *layer_input(const cs_net *net, int l) { return l == 0 ? net->input : net->layers[l - 1].out; }

/* A pool the (K, S) kernels take: square window, no padding, floor mode. */
static int pool_is_plain(const cs_layer *L)
{
    const cs_win *g = &L->win;
    return cs_win_is_square(g) && g->pt == 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

cs_status cs_net_set_profiling(cs_net *net, int on)
{
    free(net->prof_fwd);
    free(net->prof_bwd);
    free(net->prof_thread);
    free(net->prof_busy);
    free(net->prof_chunks);
    net->prof_fwd = net->prof_bwd = net->prof_thread = net->prof_busy = NULL;
    net->prof_chunks = NULL;
    net->prof_steps = 0;
    if (!on) return CS_OK;
    net->prof_fwd = calloc((size_t)net->n_layers, sizeof(double));
    net->prof_bwd = calloc((size_t)net->n_layers + 1, sizeof(double));
    net->prof_thread = calloc((size_t)2 * net->n_threads * (net->n_layers + 1), sizeof(double));
    net->prof_busy = calloc((size_t)net->n_threads, sizeof(double));
    net->prof_chunks = calloc((size_t)net->n_threads, sizeof(long));
    if (!net->prof_fwd || !net->prof_bwd || !net->prof_thread || !net->prof_busy || !net->prof_chunks) {
        cs_net_set_profiling(net, 0);
        return cs_fail(CS_ERR_NOMEM, "out of memory for the profile of %d layers", net->n_layers);
    }
    return CS_OK;
}

/* Threads to use for a batch of n: the net's threads, capped by n. */
static int team_size(const cs_net *net, int n)
{
    const int t = net->n_threads < n ? net->n_threads : n;
    return t < 1 ? 1 : t;
}

static int chunk_count(const cs_net *net, int n) { return n < net->n_chunks ? n : net->n_chunks; }

/* The fixed sample range [*lo, *hi) of chunk c of nc over a batch of n. */
static void chunk_range(int n, int nc, int c, int *lo, int *hi)
{
    *lo = (int)((long)n * c / nc);
    *hi = (int)((long)n * (c + 1) / nc);
}

/* Per-thread profile rows: (n_threads, n_layers + 1) forward then the same for backward,
 * summed into prof_fwd / prof_bwd after each pass by the calling thread. */
static double *profile_row(const cs_net *net, int thread, int backward)
{
    return net->prof_thread + ((size_t)backward * net->n_threads + thread) * (net->n_layers + 1);
}

static void profile_collect(cs_net *net, int backward)
{
    double *total = backward ? net->prof_bwd : net->prof_fwd;
    for (int t = 0; t < net->n_threads; t++) {
        double *row = profile_row(net, t, backward);
        for (int l = 0; l < net->n_layers; l++) total[l] += row[l], row[l] = 0.0;
    }
}

/* Forward pass of samples [lo, hi) with the scratch of thread t; per-layer times are
 * divided by the team size so that they add up to wall time when threads keep busy. */
static void forward_chunk(cs_net *net, int lo, int hi, int t, int team)
{
    const int n = hi - lo;
    float *scratch = net->scratch + (size_t)t * net->scratch_floats;
    const int timing = net->prof_fwd != NULL;
    double t0 = timing ? now_seconds() : 0.0;
    for (int l = 0; l < net->n_layers; l++) {
        cs_layer *L = &net->layers[l];
        const size_t in_per = (size_t)L->in_c * L->in_h * L->in_w, out_per = out_count(L);
        const float *x = layer_input(net, l) + lo * in_per;
        float *y = L->out + lo * out_per;
        const size_t count = (size_t)n * out_per;
        switch (L->kind) {
        case CS_LAYER_CONV:
            cs_conv2d_win_forward(y, x, L->w, L->b, n, L->in_c, L->in_h, L->in_w, L->out_c, &L->win, scratch);
            break;
        case CS_LAYER_RELU: cs_relu_forward(y, x, count); break;
        case CS_LAYER_TANH: cs_tanh_forward(y, x, count); break;
        case CS_LAYER_SIGMOID: cs_sigmoid_forward(y, x, count); break;
        case CS_LAYER_MAXPOOL:
            if (pool_is_plain(L))
                cs_maxpool_forward(y, L->argmax + lo * out_per, x, n, L->in_c, L->in_h, L->in_w, L->k, L->stride);
            else cs_maxpool_win_forward(y, L->argmax + lo * out_per, x, n, L->in_c, L->in_h, L->in_w, &L->win);
            break;
        case CS_LAYER_AVGPOOL:
            if (pool_is_plain(L)) cs_avgpool_forward(y, x, n, L->in_c, L->in_h, L->in_w, L->k, L->stride);
            else cs_avgpool_win_forward(y, x, n, L->in_c, L->in_h, L->in_w, &L->win, L->include_pad);
            break;
        case CS_LAYER_FC: cs_fc_forward(y, x, L->w, L->b, n, (int)in_per, L->out_c); break;
        case CS_LAYER_SOFTMAX: cs_softmax_forward(y, x, n, L->out_c); break;
        case CS_LAYER_LEAKYRELU: cs_leakyrelu_forward(y, x, count, L->alpha); break;
        case CS_LAYER_GLOBALAVGPOOL: cs_global_avgpool_forward(y, x, n, L->in_c, L->in_h, L->in_w); break;
        case CS_LAYER_FLATTEN: memcpy(y, x, count * sizeof(float)); break;
        case CS_LAYER_AFFINE: cs_affine_forward(y, x, L->w, L->b, n, L->in_c, L->in_h * L->in_w); break;
        }
        if (timing) {
            const double t1 = now_seconds();
            profile_row(net, t, 0)[l] += (t1 - t0) / team;
            t0 = t1;
        }
    }
}

typedef struct {
    cs_net *net;
    int n, nc, team, start;
} pass_job;

/* While profiling: the time thread `thread` spent in one chunk since t0, and the chunk. */
static void profile_chunk(cs_net *net, int thread, double t0)
{
    net->prof_busy[thread] += now_seconds() - t0;
    net->prof_chunks[thread]++;
}

static void forward_task(void *arg, int c, int thread)
{
    const pass_job *job = arg;
    const double t0 = job->net->prof_busy ? now_seconds() : 0.0;
    int lo, hi;
    chunk_range(job->n, job->nc, c, &lo, &hi);
    forward_chunk(job->net, lo, hi, thread, job->team);
    if (job->net->prof_busy) profile_chunk(job->net, thread, t0);
}

const float *cs_net_forward(cs_net *net, int n)
{
    /* chunks depend on n only and are taken by whichever thread is free, so a thread that
     * the system pauses delays the batch by one chunk at most */
    pass_job job = {net, n, chunk_count(net, n), team_size(net, n), 0};
    cs_pool_run(net->pool, job.team, job.nc, forward_task, &job);
    if (net->prof_fwd) profile_collect(net, 0);
    return net->layers[net->n_layers - 1].out;
}

void cs_net_zero_grads(cs_net *net) { memset(net->grads, 0, net->n_params * sizeof(float)); }

/* Loss of the last forward pass; when dlast is non-NULL also writes the gradient and
 * returns the index of the first layer whose dout was set (for the fused softmax). */
static float compute_loss(cs_net *net, const int *labels, int n, cs_loss_kind loss, int want_grad, int *start)
{
    const int last = net->n_layers - 1;
    cs_layer *L = &net->layers[last];
    const int D = net->n_classes;
    if (L->kind == CS_LAYER_SOFTMAX && loss == CS_LOSS_XENT && last > 0) {
        /* fused softmax + cross-entropy on the logits: stable, gradient p - y */
        cs_layer *prev = &net->layers[last - 1];
        *start = last - 1;
        if (want_grad) /* for views: the softmax output's own gradient, d(-log p_label)/dp = -onehot / (n p) */
            for (int i = 0; i < n; i++)
                for (int d = 0; d < D; d++)
                    L->dout[(size_t)i * D + d] = d == labels[i] ? -1.0f / ((float)n * L->out[(size_t)i * D + d]) : 0.0f;
        return cs_loss_xent(want_grad ? prev->dout : NULL, prev->out, labels, n, D);
    }
    *start = last;
    if (loss == CS_LOSS_XENT) return cs_loss_xent(want_grad ? L->dout : NULL, L->out, labels, n, D);
    return cs_loss_mse(want_grad ? L->dout : NULL, L->out, labels, n, D);
}

float cs_net_loss(cs_net *net, const int *labels, int n, cs_loss_kind loss)
{
    int start;
    return compute_loss(net, labels, n, loss, 0, &start);
}

/* Backward pass of samples [lo, hi) from layer `start` down, with the scratch of thread t;
 * parameter gradients go to the block `grads` (parallel to net->grads). */
static void backward_chunk(cs_net *net, int start, int lo, int hi, int t, int team, float *grads)
{
    const int n = hi - lo;
    float *scratch = net->scratch + (size_t)t * net->scratch_floats;
    const int timing = net->prof_bwd != NULL;
    double t0 = timing ? now_seconds() : 0.0;
    for (int l = start; l >= 0; l--) {
        cs_layer *L = &net->layers[l];
        const size_t in_per = (size_t)L->in_c * L->in_h * L->in_w, out_per = out_count(L);
        const float *x = layer_input(net, l) + lo * in_per;
        float *dx = l > 0 ? net->layers[l - 1].dout + lo * in_per : NULL;
        const float *dy = L->dout + lo * out_per, *y = L->out + lo * out_per;
        float *dw = L->dw ? grads + (L->dw - net->grads) : NULL, *db = L->db ? grads + (L->db - net->grads) : NULL;
        const size_t count = (size_t)n * out_per;
        switch (L->kind) {
        case CS_LAYER_CONV:
            cs_conv2d_win_backward(dx, dw, db, dy, x, L->w, n, L->in_c, L->in_h, L->in_w, L->out_c, &L->win, scratch);
            break;
        case CS_LAYER_FC: cs_fc_backward(dx, dw, db, dy, x, L->w, n, (int)in_per, L->out_c); break;
        case CS_LAYER_AFFINE: cs_affine_backward(dx, dw, db, dy, x, L->w, n, L->in_c, L->in_h * L->in_w); break;
        default:
            if (!dx) break; /* a parameter-free first layer has nothing to pass back */
            switch (L->kind) {
            case CS_LAYER_RELU: cs_relu_backward(dx, dy, y, count); break;
            case CS_LAYER_TANH: cs_tanh_backward(dx, dy, y, count); break;
            case CS_LAYER_SIGMOID: cs_sigmoid_backward(dx, dy, y, count); break;
            case CS_LAYER_MAXPOOL:
                /* argmax indexes the input plane whatever the window */
                cs_maxpool_win_backward(dx, dy, L->argmax + lo * out_per, n, L->in_c, L->in_h, L->in_w, &L->win);
                break;
            case CS_LAYER_AVGPOOL:
                if (pool_is_plain(L)) cs_avgpool_backward(dx, dy, n, L->in_c, L->in_h, L->in_w, L->k, L->stride);
                else cs_avgpool_win_backward(dx, dy, n, L->in_c, L->in_h, L->in_w, &L->win, L->include_pad);
                break;
            case CS_LAYER_SOFTMAX: cs_softmax_backward(dx, dy, y, n, L->out_c); break;
            case CS_LAYER_LEAKYRELU: cs_leakyrelu_backward(dx, dy, x, count, L->alpha); break;
            case CS_LAYER_GLOBALAVGPOOL: cs_global_avgpool_backward(dx, dy, n, L->in_c, L->in_h, L->in_w); break;
            case CS_LAYER_FLATTEN: memcpy(dx, dy, count * sizeof(float)); break;
            default: break;
            }
        }
        if (timing) {
            const double t1 = now_seconds();
            profile_row(net, t, 1)[l] += (t1 - t0) / team;
            t0 = t1;
        }
    }
}

static void backward_task(void *arg, int c, int thread)
{
    const pass_job *job = arg;
    cs_net *net = job->net;
    const double t0 = net->prof_busy ? now_seconds() : 0.0;
    float *g = c == 0 ? net->grads : net->chunk_grads + (size_t)(c - 1) * net->n_params;
    if (c > 0) memset(g, 0, net->n_params * sizeof(float));
    int lo, hi;
    chunk_range(job->n, job->nc, c, &lo, &hi);
    backward_chunk(net, job->start, lo, hi, thread, job->team, g);
    if (net->prof_busy) profile_chunk(net, thread, t0);
}

float cs_net_backward(cs_net *net, const int *labels, int n, cs_loss_kind loss)
{
    const double t0 = net->prof_bwd ? now_seconds() : 0.0;
    int start;
    float value = compute_loss(net, labels, n, loss, 1, &start);
    double extra = net->prof_bwd ? now_seconds() - t0 : 0.0;
    /* chunk c accumulates into its own gradient block (chunk 0 into grads); the blocks are
     * then summed in chunk order, so the result does not depend on which thread ran what */
    pass_job job = {net, n, chunk_count(net, n), team_size(net, n), start};
    cs_pool_run(net->pool, job.team, job.nc, backward_task, &job);
    if (net->prof_bwd) profile_collect(net, 1);
    const double r0 = net->prof_bwd ? now_seconds() : 0.0;
    for (int c = 1; c < job.nc; c++) {
        const float *g = net->chunk_grads + (size_t)(c - 1) * net->n_params;
        for (size_t i = 0; i < net->n_params; i++) net->grads[i] += g[i];
    }
    if (net->prof_bwd) {
        extra += now_seconds() - r0;
        net->prof_bwd[net->n_layers] += extra;
        net->prof_steps++;
    }
    return value;
}

/* ---- introspection ----------------------------------------------------------------- */

void cs_net_probs(const cs_net *net, int i, float *probs)
{
    const cs_layer *L = &net->layers[net->n_layers - 1];
    const int D = net->n_classes;
    const float *o = L->out + (size_t)i * D;
    if (L->kind == CS_LAYER_SOFTMAX) memcpy(probs, o, (size_t)D * sizeof(float));
    else cs_softmax_forward(probs, o, 1, D);
}

const float *cs_net_layer_output(const cs_net *net, int l, int i)
{
    const cs_layer *L = &net->layers[l];
    return L->out + (size_t)i * out_count(L);
}

int cs_net_find_prev(const cs_net *net, int l, cs_layer_kind kind)
{
    for (int j = l - 1; j >= 0; j--)
        if (net->layers[j].kind == kind) return j;
    return -1;
}

/* ", stride 2 1, pad 1 0 1 0, ceil" for a window that is not square and symmetric. */
static void describe_window(const cs_win *g, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s", "");
    if (g->sh != 1 || g->sw != 1) n += snprintf(buf + n, size - (size_t)n, g->sh == g->sw ? ", stride %d" : ", stride %d %d", g->sh, g->sw);
    if (g->pt == g->pb && g->pl == g->pr && (g->pt || g->pl))
        n += snprintf(buf + n, size - (size_t)n, g->pt == g->pl ? ", pad %d" : ", pad %d %d", g->pt, g->pl);
    else if (g->pt || g->pl || g->pb || g->pr)
        n += snprintf(buf + n, size - (size_t)n, ", pad %d %d %d %d", g->pt, g->pl, g->pb, g->pr);
    if (g->ceil_mode) snprintf(buf + n, size - (size_t)n, ", ceil");
}

void cs_net_describe_layer(const cs_net *net, int l, char *buf, size_t size)
{
    const cs_layer *L = &net->layers[l];
    char extra[96];
    if ((L->kind == CS_LAYER_CONV || L->kind == CS_LAYER_MAXPOOL || L->kind == CS_LAYER_AVGPOOL) &&
        !(cs_win_is_square(&L->win) && (L->kind == CS_LAYER_CONV || L->pad == 0))) {
        describe_window(&L->win, extra, sizeof extra);
        if (L->kind == CS_LAYER_CONV)
            snprintf(buf, size, "%s %d@%dx%d (%dx%d%s)", L->name, L->out_c, L->out_h, L->out_w, L->win.kh, L->win.kw,
                     extra);
        else
            snprintf(buf, size, "%s %d@%dx%d (%s %dx%d%s%s)", L->name, L->out_c, L->out_h, L->out_w, kind_word(L->kind),
                     L->win.kh, L->win.kw, extra, L->include_pad ? ", include-pad" : "");
        return;
    }
    switch (L->kind) {
    case CS_LAYER_LEAKYRELU:
        snprintf(buf, size, "%s %d@%dx%d (slope %g)", L->name, L->out_c, L->out_h, L->out_w, (double)L->alpha);
        return;
    case CS_LAYER_GLOBALAVGPOOL:
        snprintf(buf, size, "%s %d@1x1 (global average of %dx%d)", L->name, L->out_c, L->in_h, L->in_w);
        return;
    default: break;
    }
    switch (L->kind) {
    case CS_LAYER_CONV:
        snprintf(buf, size, "%s %d@%dx%d (%dx%d%s%.0d%s%.0d)", L->name, L->out_c, L->out_h, L->out_w, L->k, L->k,
                 L->stride > 1 ? ", stride " : "", L->stride > 1 ? L->stride : 0, L->pad ? ", pad " : "", L->pad);
        break;
    case CS_LAYER_MAXPOOL:
    case CS_LAYER_AVGPOOL:
        snprintf(buf, size, "%s %d@%dx%d (%s %d)", L->name, L->out_c, L->out_h, L->out_w, kind_word(L->kind), L->k);
        break;
    case CS_LAYER_FC:
    case CS_LAYER_FLATTEN:
    case CS_LAYER_SOFTMAX: snprintf(buf, size, "%s %d", L->name, L->out_c); break;
    default: snprintf(buf, size, "%s %d@%dx%d", L->name, L->out_c, L->out_h, L->out_w); break;
    }
}
