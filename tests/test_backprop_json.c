/* test_backprop_json.c - `convscope backprop --json` end to end.
 *
 * For every preset and both losses, the JSON is checked against central-difference numerical
 * gradients computed from the JSON alone: a forward pass in double precision written here from
 * the layer definitions (it shares no code with convscope) reads the image, the weights and the
 * layers' windows from the JSON, and dL/dw, dL/db and dL/d(every layer's output) are compared with
 * (L(v + h) - L(v - h)) / 2h at the entries with the largest gradients and at pseudo-random others.
 * Points where the loss is not differentiable within h (a ReLU changing sign, a max-pool window
 * changing its winner, e.g. a window of zeros) are recognised by the branches the forward pass
 * took and skipped, and counted. Also: the JSON's numbers equal the one-image step computed in
 * this process through the run layer, bit for bit; the loss terms add up to L; the new weights are
 * old - lr x gradient; the loss goes down for a small learning rate on an untrained and a trained
 * net; --image with --label, --model, and the refused option combinations.
 *
 * Usage: test_backprop_json PATH/TO/convscope [onnx]   ("onnx": the build reads ONNX models) */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_backprop.h"
#include "cs_run.h"
#include "json_mini.h"

static const char *exe;
static char dir[256];
static int failures;

#define CHECK(cond, ...)                                                                                              \
    do {                                                                                                              \
        if (!(cond)) {                                                                                                \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                                       \
            fprintf(stderr, __VA_ARGS__);                                                                             \
            fputc('\n', stderr);                                                                                      \
            failures++;                                                                                               \
        }                                                                                                             \
    } while (0)

/* Runs `convscope ARGS` (ARGS already quoted for sh), stdout into *out (may be NULL), stderr to
 * DIR/stderr; returns the exit status. */
static int convscope(char **out, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s/stderr'", exe, args, dir);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += got;
        if (len + 1 == cap) buf = realloc(buf, cap *= 2);
    }
    const int st = pclose(p);
    if (buf) buf[len] = 0;
    if (out) *out = buf;
    else free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static jm *backprop_json(const char *args)
{
    char *text = NULL, full[2048], err[200];
    snprintf(full, sizeof full, "backprop --json %s", args);
    const int rc = convscope(&text, full);
    if (rc != 0) {
        fprintf(stderr, "FAIL: convscope %s exited %d\n", full, rc);
        failures++;
        free(text);
        return NULL;
    }
    jm *j = jm_parse(text, err, sizeof err);
    if (!j) fprintf(stderr, "FAIL: convscope %s: %s\n", full, err), failures++;
    free(text);
    return j;
}

/* ---- the reference: a forward pass in double, from the JSON's layers ------------------------------ */

enum { R_CONV, R_RELU, R_LEAKY, R_TANH, R_SIGMOID, R_MAXPOOL, R_AVGPOOL, R_FC, R_SOFTMAX, R_FLATTEN, R_GAP, R_AFFINE };

typedef struct {
    int kind;
    int in_c, in_h, in_w, out_c, out_h, out_w;
    int kh, kw, sh, sw, pt, pl, pb, pr, include_pad;
    double alpha;
    double *w, *b;
    size_t nw, nb;
} rlayer;

typedef struct {
    int n, D, label, mse, softmax_last;
    rlayer *L;
    double *input;
    double **base, **tmp; /* per layer: the unperturbed outputs, scratch */
    uint64_t *base_sig;   /* branches taken from layer l on, unperturbed */
    uint64_t sig;         /* of the last pass */
} rnet;

static size_t rout(const rlayer *L) { return (size_t)L->out_c * L->out_h * L->out_w; }
static size_t rin(const rlayer *L) { return (size_t)L->in_c * L->in_h * L->in_w; }

static void sig_add(rnet *r, uint64_t v) { r->sig = (r->sig ^ v) * 0x100000001b3ULL; }

static int ints(const jm *arr, int *out, int n)
{
    if (!arr || arr->type != JM_ARR || arr->n != n) return 0;
    for (int i = 0; i < n; i++) out[i] = (int)arr->items[i].num;
    return 1;
}

static double *to_double(const jm *arr, size_t *n)
{
    return jm_doubles(arr, n); /* %.9g text read as double: exactly the float it came from */
}

static int rnet_from_json(rnet *r, const jm *j)
{
    memset(r, 0, sizeof *r);
    const jm *layers = jm_get(j, "layers");
    size_t n_in, D;
    r->input = to_double(jm_get(j, "input"), &n_in);
    free(to_double(jm_get(j, "output"), &D));
    if (!layers || !r->input || !D) return 0;
    r->n = layers->n, r->D = (int)D;
    r->label = (int)jm_get(j, "label")->num;
    r->mse = strcmp(jm_get(j, "loss_kind")->str, "mse") == 0;
    r->L = calloc((size_t)r->n, sizeof *r->L);
    static const char *const kinds[] = {"conv", "relu", "leakyrelu", "tanh", "sigmoid", "maxpool",
                                        "avgpool", "fc", "softmax", "flatten", "globalavgpool", "affine"};
    for (int l = 0; l < r->n; l++) {
        const jm *y = &layers->items[l];
        rlayer *L = &r->L[l];
        L->kind = -1;
        for (int k = 0; k < 12; k++)
            if (strcmp(jm_get(y, "kind")->str, kinds[k]) == 0) L->kind = k;
        int s[4] = {0};
        if (L->kind < 0 || !ints(jm_get(y, "in_shape"), s, 3)) return 0;
        L->in_c = s[0], L->in_h = s[1], L->in_w = s[2];
        if (jm_get(y, "kernel")) {
            ints(jm_get(y, "kernel"), s, 2), L->kh = s[0], L->kw = s[1];
            ints(jm_get(y, "stride"), s, 2), L->sh = s[0], L->sw = s[1];
            ints(jm_get(y, "pad"), s, 4), L->pt = s[0], L->pl = s[1], L->pb = s[2], L->pr = s[3];
            if (jm_get(y, "ceil_mode")->b) return 0; /* not needed by the presets */
        }
        L->include_pad = jm_get(y, "include_pad") && jm_get(y, "include_pad")->b;
        L->alpha = jm_get(y, "alpha") ? jm_get(y, "alpha")->num : 0.0;
        L->w = to_double(jm_get(y, "weight"), &L->nw);
        L->b = to_double(jm_get(y, "bias"), &L->nb);
    }
    for (int l = 0; l < r->n; l++) { /* a layer's output is the next one's input */
        rlayer *L = &r->L[l];
        if (l + 1 < r->n) L->out_c = r->L[l + 1].in_c, L->out_h = r->L[l + 1].in_h, L->out_w = r->L[l + 1].in_w;
        else L->out_c = r->D, L->out_h = L->out_w = 1;
    }
    r->softmax_last = r->n > 1 && r->L[r->n - 1].kind == R_SOFTMAX;
    r->base = calloc((size_t)r->n, sizeof *r->base);
    r->tmp = calloc((size_t)r->n, sizeof *r->tmp);
    r->base_sig = calloc((size_t)r->n + 1, sizeof *r->base_sig);
    for (int l = 0; l < r->n; l++) {
        r->base[l] = calloc(rout(&r->L[l]), sizeof(double));
        r->tmp[l] = calloc(rout(&r->L[l]), sizeof(double));
    }
    return 1;
}

static void rnet_free(rnet *r)
{
    for (int l = 0; l < r->n; l++) {
        free(r->L[l].w), free(r->L[l].b);
        free(r->base[l]), free(r->tmp[l]);
    }
    free(r->L), free(r->base), free(r->tmp), free(r->base_sig), free(r->input);
}

/* y[oc][oy][ox] = b[oc] + sum over c, i, j of w[oc][c][i][j] x[c][oy*sh + i - pt][ox*sw + j - pl], zero
 * outside the input; weight by weight over whole rows, so the inner loop is a plain axpy. */
static void conv_fwd(const rlayer *L, const double *x, double *y)
{
    const size_t plane = (size_t)L->out_h * L->out_w;
    for (int oc = 0; oc < L->out_c; oc++) {
        double *o = y + oc * plane;
        for (size_t k = 0; k < plane; k++) o[k] = L->b ? L->b[oc] : 0.0;
        for (int c = 0; c < L->in_c; c++)
            for (int i = 0; i < L->kh; i++)
                for (int j = 0; j < L->kw; j++) {
                    const double w = L->w[((size_t)(oc * L->in_c + c) * L->kh + i) * L->kw + j];
                    /* output columns whose input column is inside: 0 <= ox*sw + j - pl < in_w */
                    int x0 = 0, x1 = L->out_w;
                    while (x0 < x1 && x0 * L->sw + j - L->pl < 0) x0++;
                    while (x1 > x0 && (x1 - 1) * L->sw + j - L->pl >= L->in_w) x1--;
                    for (int oy = 0; oy < L->out_h; oy++) {
                        const int iy = oy * L->sh + i - L->pt;
                        if (iy < 0 || iy >= L->in_h) continue;
                        const double *xr = x + ((size_t)c * L->in_h + iy) * L->in_w + j - L->pl;
                        double *orow = o + (size_t)oy * L->out_w;
                        if (L->sw == 1)
                            for (int ox = x0; ox < x1; ox++) orow[ox] += w * xr[ox];
                        else
                            for (int ox = x0; ox < x1; ox++) orow[ox] += w * xr[ox * L->sw];
                    }
                }
    }
}

static void pool_fwd(rnet *r, const rlayer *L, const double *x, double *y)
{
    for (int c = 0; c < L->out_c; c++)
        for (int oy = 0; oy < L->out_h; oy++)
            for (int ox = 0; ox < L->out_w; ox++) {
                double best = -INFINITY, sum = 0.0;
                int arg = -1, count = 0, padded = 0;
                for (int i = 0; i < L->kh; i++)
                    for (int j = 0; j < L->kw; j++) {
                        const int iy = oy * L->sh + i - L->pt, ix = ox * L->sw + j - L->pl;
                        padded += iy < L->in_h + L->pb && ix < L->in_w + L->pr;
                        if (iy < 0 || iy >= L->in_h || ix < 0 || ix >= L->in_w) continue;
                        const double v = x[((size_t)c * L->in_h + iy) * L->in_w + ix];
                        if (v > best) best = v, arg = iy * L->in_w + ix;
                        sum += v, count++;
                    }
                double *o = &y[((size_t)c * L->out_h + oy) * L->out_w + ox];
                if (L->kind == R_MAXPOOL) {
                    *o = best;
                    sig_add(r, (uint64_t)arg);
                } else {
                    *o = sum / (L->include_pad ? padded : count);
                }
            }
}

static void layer_fwd(rnet *r, const rlayer *L, const double *x, double *y)
{
    const size_t n = rout(L), m = rin(L);
    switch (L->kind) {
    case R_CONV: conv_fwd(L, x, y); break;
    case R_RELU:
    case R_LEAKY:
        for (size_t i = 0; i < n; i++) {
            sig_add(r, x[i] > 0);
            y[i] = x[i] > 0 ? x[i] : L->kind == R_RELU ? 0.0 : L->alpha * x[i];
        }
        break;
    case R_TANH: for (size_t i = 0; i < n; i++) y[i] = tanh(x[i]); break;
    case R_SIGMOID: for (size_t i = 0; i < n; i++) y[i] = 1.0 / (1.0 + exp(-x[i])); break;
    case R_MAXPOOL:
    case R_AVGPOOL: pool_fwd(r, L, x, y); break;
    case R_FC:
        for (size_t o = 0; o < n; o++) {
            double s = L->b[o];
            for (size_t i = 0; i < m; i++) s += L->w[o * m + i] * x[i];
            y[o] = s;
        }
        break;
    case R_SOFTMAX: {
        double mx = -INFINITY, s = 0.0;
        for (size_t i = 0; i < n; i++) mx = fmax(mx, x[i]);
        for (size_t i = 0; i < n; i++) s += (y[i] = exp(x[i] - mx));
        for (size_t i = 0; i < n; i++) y[i] /= s;
        break;
    }
    case R_FLATTEN: memcpy(y, x, n * sizeof *y); break;
    case R_GAP:
        for (int c = 0; c < L->in_c; c++) {
            double s = 0.0;
            const size_t plane = (size_t)L->in_h * L->in_w;
            for (size_t i = 0; i < plane; i++) s += x[c * plane + i];
            y[c] = s / (double)plane;
        }
        break;
    case R_AFFINE:
        for (int c = 0; c < L->in_c; c++)
            for (size_t i = 0, plane = (size_t)L->in_h * L->in_w; i < plane; i++)
                y[c * plane + i] = L->w[c] * x[c * plane + i] + L->b[c];
        break;
    }
}

/* PyTorch's losses on the net's last output: MSELoss against the one-hot truth; CrossEntropyLoss on
 * the logits, which after a final softmax is -log of its output at the truth. */
static double loss_of(const rnet *r, const double *y)
{
    if (r->mse) {
        double s = 0.0;
        for (int k = 0; k < r->D; k++) s += (y[k] - (k == r->label)) * (y[k] - (k == r->label));
        return s / r->D;
    }
    if (r->softmax_last) return -log(y[r->label]);
    double mx = -INFINITY, s = 0.0;
    for (int k = 0; k < r->D; k++) mx = fmax(mx, y[k]);
    for (int k = 0; k < r->D; k++) s += exp(y[k] - mx);
    return log(s) + mx - y[r->label];
}

/* Layers from..n-1 on in (the input of layer `from`; from == n: in is the output), into acts; the
 * loss. r->sig gets the branches taken. */
static double run_from(rnet *r, int from, const double *in, double **acts)
{
    r->sig = 0xcbf29ce484222325ULL;
    for (int l = from; l < r->n; l++) {
        layer_fwd(r, &r->L[l], in, acts[l]);
        in = acts[l];
    }
    return loss_of(r, in);
}

static const double *input_of(const rnet *r, int l) { return l == 0 ? r->input : r->base[l - 1]; }

static const double H = 1e-6;

/* Central difference of the loss in parameter i of layer l (bias when is_bias); *kink when the
 * branches taken differ from the unperturbed pass's. */
static double numeric_param(rnet *r, int l, int is_bias, size_t i, int *kink)
{
    double *v = is_bias ? &r->L[l].b[i] : &r->L[l].w[i];
    const double keep = *v;
    *v = keep + H;
    const double fp = run_from(r, l, input_of(r, l), r->tmp);
    const uint64_t sp = r->sig;
    *v = keep - H;
    const double fm = run_from(r, l, input_of(r, l), r->tmp);
    *kink = sp != r->base_sig[l] || r->sig != r->base_sig[l];
    *v = keep;
    return (fp - fm) / (2 * H);
}

/* The same for entry i of layer l's output (the layers after it run again). */
static double numeric_out(rnet *r, int l, size_t i, double *buf, int *kink)
{
    memcpy(buf, r->base[l], rout(&r->L[l]) * sizeof *buf);
    buf[i] = r->base[l][i] + H;
    const double fp = run_from(r, l + 1, buf, r->tmp);
    const uint64_t sp = r->sig;
    buf[i] = r->base[l][i] - H;
    const double fm = run_from(r, l + 1, buf, r->tmp);
    *kink = sp != r->base_sig[l + 1] || r->sig != r->base_sig[l + 1];
    return (fp - fm) / (2 * H);
}

/* ---- comparing analytic and numerical gradients -------------------------------------------------- */

/* The acceptance rule: relative error |a - n| / max(|a|, |n|) <= 1e-3 for every entry whose
 * gradient is at least 1/1000 of the tensor's largest; smaller entries, float32 sums that nearly
 * cancel, must agree within 1e-6 of the tensor's largest. */
#define REL_TOL 1e-3
#define SMALL_SHARE 1e-3

typedef struct {
    int checked, skipped, bad;
    double worst_rel;
} gstats;

static gstats total;

/* Entries to check: the 8 largest |a| and 10 others picked by a fixed generator (all if <= 18). */
#define PICKS 18
static int pick(const float *a, size_t n, size_t *out, uint64_t seed)
{
    if (n <= PICKS) {
        for (size_t i = 0; i < n; i++) out[i] = i;
        return (int)n;
    }
    int k = 0;
    unsigned char *used = calloc(n, 1);
    for (int t = 0; t < 8; t++) {
        size_t best = 0;
        float bv = -1;
        for (size_t i = 0; i < n; i++)
            if (!used[i] && fabsf(a[i]) > bv) bv = fabsf(a[i]), best = i;
        used[best] = 1, out[k++] = best;
    }
    uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
    while (k < PICKS) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        const size_t i = (size_t)(s % n);
        if (!used[i]) used[i] = 1, out[k++] = i;
    }
    free(used);
    return k;
}

static void compare(const char *what, const char *layer, size_t i, double a, double num, double scale, gstats *g)
{
    const double err = fabs(a - num), mag = fmax(fabs(a), fabs(num));
    int ok;
    if (mag >= SMALL_SHARE * scale) {
        const double rel = err / mag;
        if (rel > g->worst_rel) g->worst_rel = rel;
        ok = rel <= REL_TOL;
    } else {
        ok = err <= 1e-6 * scale;
    }
    g->checked++;
    if (!ok && g->bad++ < 8)
        fprintf(stderr, "FAIL: %s %s[%zu]: analytic %.9g, numerical %.9g (largest in the tensor %.3g)\n", layer, what,
                i, a, num, scale);
}

/* mode 0: weights, 1: biases, 2: the layer's output. */
static double numeric_any(rnet *r, int l, size_t i, double *buf, int *kink, int mode)
{
    return mode == 2 ? numeric_out(r, l, i, buf, kink) : numeric_param(r, l, mode, i, kink);
}

static void check_tensor(rnet *r, int l, int mode, const float *a, size_t n, const char *what, const char *layer,
                         double *buf, gstats *g)
{
    size_t idx[PICKS];
    const int k = pick(a, n, idx, (uint64_t)(l * 3 + mode + 1));
    double num[PICKS], scale = 0.0;
    int kink[PICKS];
    for (int t = 0; t < k; t++) {
        num[t] = numeric_any(r, l, idx[t], buf, &kink[t], mode);
        if (!kink[t]) scale = fmax(scale, fmax(fabs(num[t]), fabs((double)a[idx[t]])));
    }
    for (int t = 0; t < k; t++) {
        if (kink[t]) {
            g->skipped++;
            continue;
        }
        compare(what, layer, idx[t], a[idx[t]], num[t], scale, g);
    }
}

/* ---- one JSON ------------------------------------------------------------------------------------ */

static float *floats_of(const jm *obj, const char *key, size_t *n) { return jm_floats(jm_get(obj, key), n); }

/* The numerical check of every layer's gradients, and the forward pass against the JSON's maps. */
static void check_numerics(const jm *j, const char *name)
{
    rnet r;
    if (!rnet_from_json(&r, j)) {
        fprintf(stderr, "FAIL %s: the JSON does not describe a net\n", name);
        failures++;
        return;
    }
    const double loss = run_from(&r, 0, r.input, r.base);
    for (int l = r.n; l >= 0; l--) { /* branches from layer l on, unperturbed */
        run_from(&r, l, l == r.n ? r.base[r.n - 1] : input_of(&r, l), r.tmp);
        r.base_sig[l] = r.sig;
    }
    const double jloss = jm_get(j, "loss")->num;
    CHECK(fabs(loss - jloss) <= 1e-5 * fabs(loss) + 1e-7, "%s: loss %.9g, reference %.9g", name, jloss, loss);
    const jm *layers = jm_get(j, "layers");
    size_t most = 0;
    for (int l = 0; l < r.n; l++) most = rout(&r.L[l]) > most ? rout(&r.L[l]) : most;
    double *buf = malloc(most * sizeof *buf);
    gstats g = {0};
    for (int l = 0; l < r.n; l++) {
        const jm *y = &layers->items[l];
        const char *lname = jm_get(y, "name")->str;
        size_t n;
        float *out = floats_of(y, "out", &n), *gout;
        double big = 0.0, diff = 0.0;
        for (size_t i = 0; i < n; i++) big = fmax(big, fabs(r.base[l][i])), diff = fmax(diff, fabs(out[i] - r.base[l][i]));
        CHECK(n == rout(&r.L[l]) && diff <= 1e-5 * big + 1e-7, "%s %s: out differs from the reference by %.3g (largest %.3g)",
              name, lname, diff, big);
        gout = floats_of(y, "grad_out", &n);
        check_tensor(&r, l, 2, gout, n, "grad_out", lname, buf, &g);
        if (r.L[l].nw) {
            float *gw = floats_of(y, "grad_weight", &n), *gb = floats_of(y, "grad_bias", &n);
            check_tensor(&r, l, 0, gw, r.L[l].nw, "grad_weight", lname, buf, &g);
            if (r.L[l].nb) check_tensor(&r, l, 1, gb, r.L[l].nb, "grad_bias", lname, buf, &g);
            free(gw), free(gb);
        }
        free(out), free(gout);
    }
    printf("%s: %d gradients checked against central differences, %d skipped at kinks, largest relative error %.2e\n",
           name, g.checked, g.skipped, g.worst_rel);
    CHECK(g.bad == 0, "%s: %d of %d gradients disagree", name, g.bad, g.checked);
    /* kinks are windows of zeros after a ReLU, mostly: a share of the samples, never most of them */
    CHECK(g.checked >= 140 && g.skipped * 100 <= 15 * (g.checked + g.skipped), "%s: %d points skipped at kinks, %d checked",
          name, g.skipped, g.checked);
    total.checked += g.checked, total.skipped += g.skipped, total.bad += g.bad;
    total.worst_rel = fmax(total.worst_rel, g.worst_rel);
    free(buf);
    rnet_free(&r);
}

/* Relations that hold by definition: loss terms add up, output and grad_output are the last layer's,
 * the new weights are old - lr x gradient. */
static void check_relations(const jm *j, const char *name)
{
    size_t D, n;
    double *terms = jm_doubles(jm_get(j, "loss_terms"), &D);
    const float loss = jm_get(j, "loss")->f;
    const int label = (int)jm_get(j, "label")->num;
    const int mse = strcmp(jm_get(j, "loss_kind")->str, "mse") == 0;
    double s = 0;
    for (size_t k = 0; k < D; k++) s += terms[k];
    const float sum = mse ? (float)(s / (double)D) : (float)terms[label];
    CHECK(memcmp(&sum, &loss, sizeof sum) == 0, "%s: the loss terms add up to %.9g, not L = %.9g", name, (double)sum,
          (double)loss);
    free(terms);
    const jm *layers = jm_get(j, "layers");
    const jm *last = &layers->items[layers->n - 1];
    float *a = floats_of(j, "output", &D), *b = floats_of(last, "out", &n);
    CHECK(n == D && memcmp(a, b, D * sizeof *a) == 0, "%s: output is not the last layer's out", name);
    free(a), free(b);
    a = floats_of(j, "grad_output", &D), b = floats_of(last, "grad_out", &n);
    CHECK(n == D && memcmp(a, b, D * sizeof *a) == 0, "%s: grad_output is not the last layer's grad_out", name);
    free(a), free(b);
    float *t = floats_of(j, "target", &n);
    for (size_t k = 0; k < n; k++) CHECK(t[k] == (k == (size_t)label), "%s: target is not one-hot at %d", name, label);
    free(t);
    const float lr = jm_get(j, "lr")->f;
    for (int l = 0; l < layers->n; l++) {
        const jm *y = &layers->items[l];
        const char *p[2][3] = {{"weight", "grad_weight", "weight_after"}, {"bias", "grad_bias", "bias_after"}};
        for (int k = 0; k < 2 && jm_get(y, "weight"); k++) {
            size_t n1, n2, n3;
            float *w = floats_of(y, p[k][0], &n1), *g = floats_of(y, p[k][1], &n2), *w2 = floats_of(y, p[k][2], &n3);
            CHECK(n1 == n2 && n2 == n3, "%s: %s arrays of different lengths", name, p[k][0]);
            int bad = 0;
            for (size_t i = 0; i < n1 && i < n2 && i < n3; i++) {
                const float want = w[i] - lr * g[i];
                bad += memcmp(&want, &w2[i], sizeof want) != 0;
            }
            CHECK(!bad, "%s %s: %d of %zu %s differ from old - lr x gradient", name, jm_get(y, "name")->str, bad, n1,
                  p[k][2]);
            free(w), free(g), free(w2);
        }
    }
}

/* Compares a JSON array with floats, bit for bit. */
static int same_floats(const jm *arr, const float *x, size_t n)
{
    size_t m;
    float *a = jm_floats(arr, &m);
    int same = a && m == n;
    for (size_t i = 0; same && i < n; i++) same = isfinite(x[i]) ? memcmp(&a[i], &x[i], sizeof(float)) == 0 : isnan(a[i]);
    free(a);
    return same;
}

/* The JSON against the one-image step computed here through the run layer, from the same options. */
static void check_against_object(const jm *j, const cs_run_spec *spec, int probe, const char *name)
{
    cs_run *run;
    if (cs_run_open(&run, spec) != CS_OK) {
        fprintf(stderr, "FAIL %s: cs_run_open: %s\n", name, cs_last_error());
        failures++;
        return;
    }
    cs_run_set_probe(run, probe);
    cs_backprop bp;
    if (cs_backprop_init(&bp, run->trainer->net) != CS_OK || cs_run_backprop(run, &bp, 0, 1) != CS_OK) {
        fprintf(stderr, "FAIL %s: %s\n", name, cs_last_error());
        failures++;
        cs_run_close(run);
        return;
    }
    CHECK(same_floats(jm_get(j, "input"), bp.input, (size_t)bp.in_c * bp.in_h * bp.in_w), "%s: input", name);
    CHECK(jm_get(j, "loss")->f == bp.loss && jm_get(j, "loss_after")->f == bp.loss_after, "%s: loss", name);
    CHECK(jm_get(j, "lr")->f == bp.update.lr, "%s: lr", name);
    CHECK(same_floats(jm_get(j, "output_after"), bp.output_after, (size_t)bp.n_classes), "%s: output_after", name);
    CHECK(same_floats(jm_get(j, "probs"), bp.probs, (size_t)bp.n_classes), "%s: probs", name);
    size_t D;
    double *terms = jm_doubles(jm_get(j, "loss_terms"), &D);
    CHECK(D == (size_t)bp.n_classes && memcmp(terms, bp.loss_terms, D * sizeof *terms) == 0, "%s: loss_terms", name);
    free(terms);
    const jm *layers = jm_get(j, "layers");
    CHECK(layers->n == bp.n_layers, "%s: %d layers, not %d", name, layers->n, bp.n_layers);
    for (int l = 0; l < bp.n_layers && l < layers->n; l++) {
        const jm *y = &layers->items[l];
        const cs_backprop_layer *L = &bp.layers[l];
        const size_t n = (size_t)L->out_c * L->out_h * L->out_w;
        CHECK(same_floats(jm_get(y, "out"), bp.outs + L->out_off, n), "%s %s: out", name, L->name);
        CHECK(same_floats(jm_get(y, "grad_out"), bp.grad_outs + L->out_off, n), "%s %s: grad_out", name, L->name);
        const jm *f = jm_get(y, "backward");
        CHECK((long)jm_get(f, "blocked")->num == L->facts.blocked && (long)jm_get(f, "winners")->num == L->facts.winners,
              "%s %s: backward facts", name, L->name);
        if (!L->w_count) continue;
        CHECK(same_floats(jm_get(y, "weight"), bp.params + L->w_off, L->w_count) &&
                  same_floats(jm_get(y, "grad_weight"), bp.grads + L->w_off, L->w_count) &&
                  same_floats(jm_get(y, "weight_after"), bp.params_after + L->w_off, L->w_count) &&
                  same_floats(jm_get(y, "grad_bias"), bp.grads + L->b_off, L->b_count) &&
                  same_floats(jm_get(y, "bias_after"), bp.params_after + L->b_off, L->b_count),
              "%s %s: weights or their gradients", name, L->name);
    }
    cs_backprop_free(&bp);
    cs_run_close(run);
}

/* Every preset and both losses: numerics, relations, and the in-process object. */
static void check_presets(void)
{
    static const struct {
        const char *net, *dataset;
    } presets[] = {{"mnist", "shapes"}, {"cifar", "shapes"}, {"article", "shapes"}, {"colour", "colour-shapes"}};
    for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++)
        for (int mse = 0; mse <= 1; mse++) {
            char args[512], name[64];
            snprintf(args, sizeof args, "--dataset %s --net %s --loss %s --seed 7 --limit 200 --probe 3",
                     presets[p].dataset, presets[p].net, mse ? "mse" : "xent");
            snprintf(name, sizeof name, "%s/%s", presets[p].net, mse ? "mse" : "xent");
            jm *j = backprop_json(args);
            if (!j) continue;
            check_numerics(j, name);
            check_relations(j, name);
            cs_run_spec spec;
            cs_run_spec_defaults(&spec);
            spec.dataset = presets[p].dataset, spec.net = presets[p].net, spec.limit = 200;
            spec.cfg.seed = 7, spec.cfg.loss = mse ? CS_LOSS_MSE : CS_LOSS_XENT;
            check_against_object(j, &spec, 3, name);
            CHECK(jm_get(j, "loss_after")->f < jm_get(j, "loss")->f, "%s: the loss did not go down (%.9g -> %.9g)",
                  name, jm_get(j, "loss")->num, jm_get(j, "loss_after")->num);
            jm_destroy(j);
        }
}

/* A small learning rate lowers the loss of an untrained and of a trained net (each loss). */
static void check_trained(void)
{
    for (int mse = 0; mse <= 1; mse++) {
        char args[1024];
        snprintf(args, sizeof args, "train --dataset shapes --limit 600 --epochs 3 --seed 3 --loss %s --save '%s/t%d.ckpt'",
                 mse ? "mse" : "xent", dir, mse);
        CHECK(convscope(NULL, args) == 0, "train --save exited non-zero");
        int went_down = 0, checked = 0;
        for (int trained = 0; trained <= 1; trained++)
            for (int probe = 0; probe < 4; probe++) {
                if (trained) snprintf(args, sizeof args, "--load '%s/t%d.ckpt' --probe %d --lr 0.001", dir, mse, probe);
                else snprintf(args, sizeof args, "--dataset shapes --limit 600 --seed 3 --loss %s --probe %d --lr 0.001",
                              mse ? "mse" : "xent", probe);
                jm *j = backprop_json(args);
                if (!j) continue;
                const float loss = jm_get(j, "loss")->f, after = jm_get(j, "loss_after")->f;
                if (loss > 1e-4f) {
                    checked++;
                    went_down += after < loss;
                    CHECK(after < loss, "%s net, %s, probe %d: the loss went from %.9g to %.9g",
                          trained ? "trained" : "untrained", mse ? "mse" : "xent", probe, (double)loss, (double)after);
                }
                if (trained) CHECK(jm_get(j, "step")->num > 0, "the checkpoint's step is not in the JSON");
                jm_destroy(j);
            }
        printf("%s: the loss went down for %d of %d images (trained and untrained, lr 0.001)\n", mse ? "mse" : "xent",
               went_down, checked);
        CHECK(checked >= 6, "too few images with a loss above 1e-4 (%d)", checked);
    }
}

/* --image with --label, --model, and refusals. */
static void check_options(int have_onnx)
{
    char path[512], args[1024];
    /* a 28x28 PGM: a bright square on black */
    snprintf(path, sizeof path, "%s/square.pgm", dir);
    FILE *f = fopen(path, "wb");
    fprintf(f, "P5 28 28 255\n");
    for (int i = 0; i < 28 * 28; i++) fputc(i / 28 >= 8 && i / 28 < 20 && i % 28 >= 8 && i % 28 < 20 ? 255 : 0, f);
    fclose(f);
    snprintf(args, sizeof args, "--load '%s/t0.ckpt' --image '%s' --label square", dir, path);
    jm *j = backprop_json(args);
    if (j) {
        CHECK((int)jm_get(j, "label")->num == 6, "--label square is class 6 of shapes");
        CHECK(jm_get(j, "probe")->type == JM_NULL && jm_get(j, "image")->type == JM_STR, "image in the JSON");
        size_t n;
        float *in = floats_of(j, "input", &n);
        CHECK(n == 784 && in[0] == 0.0f && in[14 * 28 + 14] == 1.0f, "the image's pixels as the net sees them");
        free(in);
        jm_destroy(j);
    }
    if (have_onnx) {
        snprintf(args, sizeof args, "export --load '%s/t0.ckpt' --onnx '%s/t0.onnx'", dir, dir);
        CHECK(convscope(NULL, args) == 0, "export --onnx exited non-zero");
        snprintf(args, sizeof args, "--model '%s/t0.onnx' --dataset shapes --limit 600 --seed 3 --probe 2 --lr 0.001",
                 dir);
        jm *m = backprop_json(args);
        snprintf(args, sizeof args, "--load '%s/t0.ckpt' --probe 2 --lr 0.001", dir);
        jm *c = backprop_json(args);
        if (m && c) {
            /* the same weights and image: the same step */
            CHECK(jm_get(m, "loss")->f == jm_get(c, "loss")->f && jm_get(m, "loss_after")->f == jm_get(c, "loss_after")->f,
                  "--model and --load of the same weights disagree: %.9g / %.9g", jm_get(m, "loss")->num,
                  jm_get(c, "loss")->num);
        }
        if (m) jm_destroy(m);
        if (c) jm_destroy(c);
    }
    static const struct {
        const char *args;
        int status;
        const char *says;
    } refused[] = {
        {"backprop --dataset shapes --image x.png", 2, "--label"},
        {"backprop --dataset shapes --label 3", 2, "--image"},
        {"backprop --dataset shapes --probe 3 --image x.png --label 1", 2, "not both"},
        {"backprop --load x.ckpt --net mnist", 2, "drop --dataset, --net"},
        {"backprop --dataset shapes --loss l1", 2, "--loss"},
        {"backprop --dataset shapes --lr -1", 2, "--lr"},
        {"backprop --dataset shapes --limit 100 --probe 100000", 1, "shapes (test) has 17 images (0..16)"},
        {"backprop --load no-such.ckpt", 1, "no-such.ckpt"},
        {"backprop --dataset shapes --image no-such.png --label 1", 1, "no-such.png"},
        {"backprop --dataset shapes --image x.png --label nine", 1, "class name"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char *out = NULL, err[4096] = "";
        const int rc = convscope(&out, refused[i].args);
        snprintf(path, sizeof path, "%s/stderr", dir);
        FILE *e = fopen(path, "r");
        if (e) {
            err[fread(err, 1, sizeof err - 1, e)] = 0;
            fclose(e);
        }
        CHECK(rc == refused[i].status && strstr(err, refused[i].says), "convscope %s: exit %d (expected %d), stderr: %s",
              refused[i].args, rc, refused[i].status, err);
        free(out);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_backprop_json PATH/TO/convscope [onnx]\n");
        return 2;
    }
    exe = argv[1];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/cs_backprop_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "cannot make a temporary directory: %s\n", strerror(errno));
        return 1;
    }
    check_presets();
    printf("all presets: %d gradients checked, %d skipped at kinks, %d bad, largest relative error %.2e\n",
           total.checked, total.skipped, total.bad, total.worst_rel);
    check_trained();
    check_options(argc > 2 && strcmp(argv[2], "onnx") == 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "note: could not remove %s\n", dir);
    if (failures) fprintf(stderr, "%d failures\n", failures);
    return failures ? 1 : 0;
}
