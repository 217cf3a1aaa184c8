/* cmd_backprop.c - `convscope backprop`: one training step of one image, written out. Opens a run
 * (a checkpoint, an ONNX model, or a fresh net from a seed) through the run layer, takes a test
 * image or an image file as the batch of one, and prints what cs_run_backprop computed: the
 * forward pass, the loss term by term, every layer's gradient, the weight gradients, one plain SGD
 * step and the loss after it; as one JSON object (--json) or as a worksheet. Every number is the
 * core's (cs_backprop.h); this file only prints. */
#define _DEFAULT_SOURCE
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "cs_backprop.h"
#include "cs_imageio.h"
#include "cs_run.h"

static void backprop_usage(FILE *f)
{
    fprintf(f,
            "usage: convscope backprop (--load CKPT | --model FILE.onnx | [--dataset D] [--net SPEC] [--seed N]\n"
            "                          [--loss mse|xent]) [--probe N | --image PATH --label CLASS] [--lr X] [--json]\n\n"
            "One training step of one image, written out: the forward pass, the loss against the one-hot\n"
            "truth term by term, dL/d(output) of every layer, dL/dw of every layer, one plain SGD step\n"
            "w <- w - lr * dL/dw, and the loss on the same image after it. The batch is the one image;\n"
            "training uses the mean over a batch. Nothing is saved: the weights are copies.\n\n"
            "  --load CKPT       the weights, net, loss and learning rate of a checkpoint; its dataset\n"
            "                    gives the test images\n"
            "  --model FILE      an ONNX model's net and weights (see 'convscope export --onnx')\n"
            "  --dataset NAME|DIR, --data DIR, --limit N   the images, as for 'convscope train'\n"
            "                    (default: fashion-mnist when installed, else shapes)\n"
            "  --net PRESET|SPEC the net (default: the dataset's, as 'convscope train')\n"
            "  --seed N          the random weights (and synthetic data) of a fresh net (default 1)\n"
            "  --loss NAME       xent (softmax cross-entropy, PyTorch's CrossEntropyLoss on the logits) or\n"
            "                    mse (PyTorch's MSELoss against the one-hot truth) (default xent)\n"
            "  --probe N         test image N of the dataset (default 0)\n"
            "  --image PATH      an image file instead, converted to the net's input size and channels;\n"
            "  --label CLASS     its class, a number or a class name of the dataset (needed with --image)\n"
            "  --lr X            the learning rate of the step (default: the run's: the checkpoint's, or\n"
            "                    0.01 for cross-entropy and 0.2 for MSE)\n"
            "  --json            one JSON object (fields in the README), instead of the worksheet\n"
            "  -h, --help        this help\n\n"
            "Exit status: 0 done, 1 an unreadable checkpoint, model, image or dataset, 2 bad options.\n");
}

typedef struct {
    cs_run_spec spec;
    const char *model, *image, *label;
    int probe, probe_given, json, run_setting; /* run_setting: --dataset, --net, --seed or --loss given */
    float lr;
} bp_options;

enum { OPT_LOAD = 1000, OPT_MODEL, OPT_DATASET, OPT_DATA, OPT_LIMIT, OPT_NET, OPT_SEED, OPT_LOSS, OPT_PROBE,
       OPT_IMAGE, OPT_LABEL, OPT_LR, OPT_JSON };

static int apply_option(bp_options *o, int ch, const char *arg)
{
    double dv;
    uint64_t seed;
    switch (ch) {
    case OPT_LOAD: o->spec.load = arg; return 1;
    case OPT_MODEL: o->model = arg; return 1;
    case OPT_DATASET: o->spec.dataset = arg, o->run_setting = 1; return 1;
    case OPT_DATA: o->spec.data_dir = arg; return 1;
    case OPT_LIMIT: return cs_cli_int(arg, 1, 100000000, &o->spec.limit);
    case OPT_NET: o->spec.net = arg, o->run_setting = 1; return 1;
    case OPT_SEED:
        o->run_setting = 1;
        if (!cs_cli_u64(arg, 0, UINT64_MAX, &seed)) return 0;
        o->spec.cfg.seed = seed;
        return 1;
    case OPT_LOSS:
        o->run_setting = 1;
        if (strcmp(arg, "xent") == 0) o->spec.cfg.loss = CS_LOSS_XENT;
        else if (strcmp(arg, "mse") == 0) o->spec.cfg.loss = CS_LOSS_MSE;
        else return 0;
        return 1;
    case OPT_PROBE: o->probe_given = 1; return cs_cli_int(arg, 0, 100000000, &o->probe);
    case OPT_IMAGE: o->image = arg; return 1;
    case OPT_LABEL: o->label = arg; return 1;
    case OPT_LR:
        if (!cs_cli_double(arg, 1e-9, 1e9, &dv)) return 0;
        o->lr = (float)dv;
        return 1;
    case OPT_JSON: o->json = 1; return 1;
    default: return -1;
    }
}

/* Options into o; -1 to go on, else the exit status. */
static int parse(int argc, char **argv, bp_options *o)
{
    static const struct option longopts[] = {
        {"load", required_argument, 0, OPT_LOAD},   {"model", required_argument, 0, OPT_MODEL},
        {"dataset", required_argument, 0, OPT_DATASET}, {"data", required_argument, 0, OPT_DATA},
        {"limit", required_argument, 0, OPT_LIMIT}, {"net", required_argument, 0, OPT_NET},
        {"seed", required_argument, 0, OPT_SEED},   {"loss", required_argument, 0, OPT_LOSS},
        {"probe", required_argument, 0, OPT_PROBE}, {"image", required_argument, 0, OPT_IMAGE},
        {"label", required_argument, 0, OPT_LABEL}, {"lr", required_argument, 0, OPT_LR},
        {"json", no_argument, 0, OPT_JSON},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int ch, longindex = 0;
    while ((ch = getopt_long(argc, argv, ":h", longopts, &longindex)) != -1) {
        if (ch == 'h') {
            backprop_usage(stdout);
            return 0;
        }
        const int r = apply_option(o, ch, optarg);
        if (r < 0) return cs_cli_bad_option("backprop", argc, argv, ch, backprop_usage);
        if (r == 0) return cs_cli_bad_value("backprop", longopts[longindex].name, optarg, backprop_usage);
    }
    if (optind < argc) return cs_cli_bad_value("backprop", "argument", argv[optind], backprop_usage);
    const char *problem = o->spec.load && o->model ? "give --load or --model, not both"
                          : o->spec.load && o->run_setting
                              ? "--load brings its net, dataset, seed and loss: drop --dataset, --net, --seed and --loss"
                          : o->model && o->spec.net    ? "--model brings its net: drop --net"
                          : o->image && o->probe_given ? "give --image or --probe, not both"
                          : o->image && !o->label      ? "--image needs --label CLASS: the loss compares the output "
                                                         "with the image's one-hot class"
                          : !o->image && o->label      ? "--label goes with --image (a test image has its own class)"
                                                       : NULL;
    if (problem) fprintf(stderr, "convscope backprop: %s\n\n", problem);
    if (problem) {
        backprop_usage(stderr);
        return 2;
    }
    return -1;
}

/* --label as a class number or a class name of the run's dataset; -1 with a message if neither. */
static int parse_label(const cs_run *run, const char *text)
{
    const cs_dataset *ds = &run->test;
    const int n = run->trainer->net->n_classes;
    int v;
    if (cs_cli_int(text, 0, n - 1, &v)) return v;
    for (int k = 0; k < ds->n_classes && k < n; k++)
        if (ds->class_names[k] && strcmp(ds->class_names[k], text) == 0) return k;
    fprintf(stderr, "convscope backprop: --label '%s' is neither a class number (0..%d) nor a class name of %s\n",
            text, n - 1, run->dataset_name);
    return -1;
}

/* Makes the image file or test image the run's probe; 0 or the exit status. */
static int choose_image(cs_run *run, const bp_options *o)
{
    if (o->image) {
        const cs_net *net = run->trainer->net;
        const int label = parse_label(run, o->label);
        if (label < 0) return 1;
        cs_dataset one;
        if (cs_image_load_as_dataset(o->image, net->in_c, net->in_h, net->in_w, &one) != CS_OK) {
            fprintf(stderr, "convscope backprop: %s\n", cs_last_error());
            return 1;
        }
        one.labels[0] = label;
        const cs_status st = cs_run_set_probe_image(run, &one, 0, label, o->image);
        cs_dataset_free(&one);
        if (st) fprintf(stderr, "convscope backprop: %s\n", cs_last_error());
        return st ? 1 : 0;
    }
    if (o->probe >= run->test.n) {
        fprintf(stderr, "convscope backprop: --probe %d: %s has %d images (0..%d)\n", o->probe, run->test.name,
                run->test.n, run->test.n - 1);
        return 1;
    }
    cs_run_set_probe(run, o->probe);
    return 0;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

/* Floats with 9 significant digits (they read back as the same float); a value that is not finite
 * (1/p of a probability that underflowed to 0) is null. */
static void json_floats(FILE *f, const float *x, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", f);
        if (isfinite(x[i])) fprintf(f, "%.9g", (double)x[i]);
        else fputs("null", f);
    }
    fputc(']', f);
}

static void json_doubles(FILE *f, const double *x, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", f);
        if (isfinite(x[i])) fprintf(f, "%.17g", x[i]);
        else fputs("null", f);
    }
    fputc(']', f);
}

static void json_number(FILE *f, const char *key, double v, int last)
{
    fprintf(f, "\"%s\": ", key);
    if (isfinite(v)) fprintf(f, "%.9g", v);
    else fputs("null", f);
    fputs(last ? "" : ", ", f);
}

static const char *kind_name(cs_layer_kind k)
{
    static const char *const names[] = {"conv", "relu", "tanh", "sigmoid", "maxpool", "avgpool", "fc", "softmax",
                                        "leakyrelu", "globalavgpool", "flatten", "affine"};
    return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* A layer's output is a vector (PyTorch's (N, F)) after fc, flatten and softmax, and after an
 * element-wise layer on such a vector; otherwise a C x H x W map. */
static int flat_output(const cs_backprop *bp, int l)
{
    for (; l >= 0; l--) {
        const cs_layer_kind k = bp->layers[l].kind;
        if (k == CS_LAYER_FC || k == CS_LAYER_FLATTEN || k == CS_LAYER_SOFTMAX) return 1;
        if (k != CS_LAYER_RELU && k != CS_LAYER_TANH && k != CS_LAYER_SIGMOID && k != CS_LAYER_LEAKYRELU &&
            k != CS_LAYER_AFFINE)
            return 0;
    }
    return 0;
}

static void json_shape(FILE *f, const cs_backprop *bp, int l)
{
    const cs_backprop_layer *L = &bp->layers[l];
    if (flat_output(bp, l)) fprintf(f, "[%d]", L->out_c * L->out_h * L->out_w);
    else fprintf(f, "[%d, %d, %d]", L->out_c, L->out_h, L->out_w);
}

static void json_window(FILE *f, const cs_backprop_layer *L)
{
    const cs_win *g = &L->win;
    fprintf(f, "\"kernel\": [%d, %d], \"stride\": [%d, %d], \"pad\": [%d, %d, %d, %d], \"ceil_mode\": %s, ", g->kh,
            g->kw, g->sh, g->sw, g->pt, g->pl, g->pb, g->pr, g->ceil_mode ? "true" : "false");
    if (L->kind == CS_LAYER_AVGPOOL) fprintf(f, "\"include_pad\": %s, ", L->include_pad ? "true" : "false");
}

static void json_facts(FILE *f, const cs_backprop_facts *x)
{
    fprintf(f, "\"backward\": {\"grad_out_norm\": %.9g, \"grad_out_nonzero\": %ld, \"passes_back\": %s, "
               "\"grad_in_norm\": %.9g, \"grad_in_nonzero\": %ld, \"blocked\": %ld, \"blocked_nonzero\": %ld, "
               "\"windows\": %ld, \"winners\": %ld}", x->grad_out_norm, x->grad_out_nonzero,
            x->passes_back ? "true" : "false", x->grad_in_norm, x->grad_in_nonzero, x->blocked, x->blocked_nonzero,
            x->windows, x->winners);
}

/* Weights and biases of layer l, in PyTorch's shapes: conv (OC, C, KH, KW), fc (OUT, IN), affine (C). */
static void json_params(FILE *f, const cs_backprop *bp, const cs_backprop_layer *L)
{
    if (L->kind == CS_LAYER_CONV) fprintf(f, "\"weight_shape\": [%d, %d, %d, %d], ", L->out_c, L->in_c, L->win.kh, L->win.kw);
    else if (L->kind == CS_LAYER_FC) fprintf(f, "\"weight_shape\": [%d, %d], ", L->out_c, L->in_c * L->in_h * L->in_w);
    else fprintf(f, "\"weight_shape\": [%zu], ", L->w_count);
    const struct {
        const char *key;
        const float *base;
        size_t off, n;
    } arrays[] = {
        {"weight", bp->params, L->w_off, L->w_count},       {"grad_weight", bp->grads, L->w_off, L->w_count},
        {"weight_after", bp->params_after, L->w_off, L->w_count}, {"bias", bp->params, L->b_off, L->b_count},
        {"grad_bias", bp->grads, L->b_off, L->b_count},     {"bias_after", bp->params_after, L->b_off, L->b_count},
    };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        fprintf(f, "\"%s\": ", arrays[i].key);
        json_floats(f, arrays[i].base + arrays[i].off, arrays[i].n);
        fputs(",\n     ", f);
    }
}

static void json_layers(FILE *f, const cs_backprop *bp)
{
    fputs("\"layers\": [\n", f);
    for (int l = 0; l < bp->n_layers; l++) {
        const cs_backprop_layer *L = &bp->layers[l];
        const size_t n = (size_t)L->out_c * L->out_h * L->out_w;
        fputs("    {\"name\": ", f);
        cs_cli_json_string(f, L->name);
        fprintf(f, ", \"kind\": \"%s\", \"in_shape\": [%d, %d, %d], \"out_shape\": ", kind_name(L->kind), L->in_c,
                L->in_h, L->in_w);
        json_shape(f, bp, l);
        fputs(", ", f);
        if (L->kind == CS_LAYER_CONV || L->kind == CS_LAYER_MAXPOOL || L->kind == CS_LAYER_AVGPOOL) json_window(f, L);
        if (L->kind == CS_LAYER_LEAKYRELU) fprintf(f, "\"alpha\": %.9g, ", (double)L->alpha);
        json_facts(f, &L->facts);
        fputs(",\n     ", f);
        if (L->w_count) json_params(f, bp, L);
        fputs("\"out\": ", f);
        json_floats(f, bp->outs + L->out_off, n);
        fputs(",\n     \"grad_out\": ", f);
        json_floats(f, bp->grad_outs + L->out_off, n);
        fprintf(f, "}%s\n", l + 1 < bp->n_layers ? "," : "");
    }
    fputs("  ],\n", f);
}

static const char *verdict_name(cs_backprop_verdict v)
{
    switch (v) {
    case CS_BACKPROP_WENT_DOWN: return "went down";
    case CS_BACKPROP_UNCHANGED: return "unchanged";
    case CS_BACKPROP_OVERSHOT: return "overshot";
    case CS_BACKPROP_OTHER_WAY: return "other way";
    }
    return "?";
}

static void print_json(FILE *f, const cs_run *run, const cs_backprop *bp, const bp_options *o)
{
    const size_t D = (size_t)bp->n_classes, n_in = (size_t)bp->in_c * bp->in_h * bp->in_w;
    fputs("{\n  \"net\": ", f);
    cs_cli_json_string(f, run->net_spec);
    fputs(", \"dataset\": ", f);
    cs_cli_json_string(f, run->dataset_name);
    fprintf(f, ", \"step\": %ld, ", run->trainer->step);
    if (o->image) {
        fputs("\"probe\": null, \"image\": ", f);
        cs_cli_json_string(f, o->image);
    } else {
        fprintf(f, "\"probe\": %d, \"image\": null", run->probe);
    }
    fprintf(f, ",\n  \"input_shape\": [%d, %d, %d], \"input\": ", bp->in_c, bp->in_h, bp->in_w);
    json_floats(f, bp->input, n_in);
    fprintf(f, ",\n  \"label\": %d, \"class_name\": ", bp->label);
    const char *cname = bp->label < run->test.n_classes ? run->test.class_names[bp->label] : NULL;
    if (cname) cs_cli_json_string(f, cname);
    else fputs("null", f);
    fprintf(f, ", \"loss_kind\": \"%s\", ", bp->loss_kind == CS_LOSS_MSE ? "mse" : "xent");
    json_number(f, "loss", bp->loss, 0);
    fputs("\"loss_terms\": ", f);
    json_doubles(f, bp->loss_terms, D);
    const struct {
        const char *key;
        const float *x;
    } vectors[] = {{"output", bp->output}, {"target", bp->target}, {"probs", bp->probs},
                   {"grad_output", bp->grad_output}};
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        fprintf(f, ",\n  \"%s\": ", vectors[i].key);
        json_floats(f, vectors[i].x, D);
    }
    fputs(",\n  ", f);
    json_layers(f, bp);
    fputs("  \"update\": \"sgd\", ", f);
    json_number(f, "lr", bp->update.lr, 0);
    fputs("\"output_after\": ", f);
    json_floats(f, bp->output_after, D);
    fputs(", ", f);
    json_number(f, "loss_after", bp->loss_after, 0);
    json_number(f, "first_order", bp->first_order, 0);
    fprintf(f, "\"verdict\": \"%s\"\n}\n", verdict_name(bp->verdict));
}

/* ---- the worksheet ----------------------------------------------------------------------------- */

static const char *class_name(const cs_run *run, int k)
{
    return k < run->test.n_classes && run->test.class_names[k] ? run->test.class_names[k] : "";
}

static void print_loss(const cs_run *run, const cs_backprop *bp)
{
    const int D = bp->n_classes;
    const int mse = bp->loss_kind == CS_LOSS_MSE;
    printf("\n2. output against the one-hot truth, and the loss (%s)\n", mse ? "MSE" : "cross-entropy");
    printf("   %-16s %12s %4s %14s %14s\n", "class", "output y", "t", mse ? "(y - t)^2" : "p", "3. dL/dy");
    for (int k = 0; k < D; k++) {
        char name[40];
        snprintf(name, sizeof name, "%d %s", k, class_name(run, k));
        printf("   %-16.16s %12.6g %4.0f %14.6g %14.6g%s\n", name, (double)bp->output[k], (double)bp->target[k],
               mse ? bp->loss_terms[k] : (double)bp->probs[k], (double)bp->grad_output[k], k == bp->label ? "  <- truth" : "");
    }
    if (mse) {
        double s = 0;
        for (int k = 0; k < D; k++) s += bp->loss_terms[k];
        printf("   L = (1/%d) x %.6g = %.6g\n", D, s, (double)bp->loss);
        printf("   dL/dy_i = 2 (y_i - t_i) / %d%s\n", D, bp->softmax_last ? "; then through the softmax to the logits" : "");
    } else {
        printf("   L = -log p_true = -log %.6g = %.6g\n", (double)bp->probs[bp->label], (double)bp->loss);
        printf("   dL/d(logit_i) = p_i - t_i%s\n", bp->softmax_last ? " (dL/dp_true = -1/p_true above)" : "");
    }
}

static void print_backward(const cs_backprop *bp)
{
    printf("\n4. backward, layer by layer: ||dL/d out|| and what the layer passed back\n");
    for (int l = bp->n_layers - 1; l >= 0; l--) {
        const cs_backprop_layer *L = &bp->layers[l];
        const cs_backprop_facts *x = &L->facts;
        printf("   %-9s ||dL/dout|| %-11.4g", L->name, x->grad_out_norm);
        switch (L->kind) {
        case CS_LAYER_RELU:
            printf("blocked where the input was <= 0: %ld of %ld positions (%ld with a non-zero gradient)", x->blocked,
                   x->n_in, x->blocked_nonzero);
            break;
        case CS_LAYER_LEAKYRELU:
            printf("scaled by %g where the input was <= 0: %ld of %ld positions", (double)L->alpha, x->blocked, x->n_in);
            break;
        case CS_LAYER_MAXPOOL:
            printf("routed to the max of each window: %ld of %ld inputs won one of %ld windows", x->winners, x->n_in,
                   x->windows);
            break;
        case CS_LAYER_AVGPOOL: printf("shared equally over each window (%ld windows)", x->windows); break;
        case CS_LAYER_FC: printf("spread through the weights to %ld inputs", x->n_in); break;
        case CS_LAYER_CONV: printf("spread through the flipped kernels to %ld inputs", x->n_in); break;
        case CS_LAYER_SOFTMAX:
            printf(bp->loss_kind == CS_LOSS_XENT ? "through the softmax: p_i - t_i at the logits"
                                                 : "through the softmax: p_i (g_i - sum_j g_j p_j) at the logits");
            break;
        default: printf("passed back to %ld inputs", x->n_in); break;
        }
        if (x->passes_back) printf("; ||dL/din|| %.4g\n", x->grad_in_norm);
        else printf("; the image's gradient is not needed\n");
    }
}

static void print_worksheet(const cs_run *run, const cs_backprop *bp, const bp_options *o)
{
    printf("one training step of %s on ", run->net_name);
    if (o->image) printf("%s", o->image);
    else printf("test image %d of %s", run->probe, run->dataset_name);
    printf(", class %d (%s), weights of step %ld\n", bp->label, class_name(run, bp->label), run->trainer->step);
    printf("the batch is this one image; training uses the mean over a batch of %d\n", run->trainer->cfg.batch);
    printf("\n1. forward:");
    for (int l = 0; l < bp->n_layers; l++) {
        const cs_backprop_layer *L = &bp->layers[l];
        if (flat_output(bp, l)) printf(" %s %d", L->name, L->out_c * L->out_h * L->out_w);
        else printf(" %s %d@%dx%d", L->name, L->out_c, L->out_h, L->out_w);
        fputs(l + 1 < bp->n_layers ? "," : "\n", stdout);
    }
    print_loss(run, bp);
    print_backward(bp);
    printf("\n5. weight gradients\n");
    for (int l = 0; l < bp->n_layers; l++) {
        const cs_backprop_layer *L = &bp->layers[l];
        if (!L->w_count) continue;
        long nz;
        double g = 0, w = 0;
        nz = 0;
        for (size_t i = 0; i < L->w_count; i++)
            g += (double)bp->grads[L->w_off + i] * bp->grads[L->w_off + i], w += (double)bp->params[L->w_off + i] * bp->params[L->w_off + i],
                nz += bp->grads[L->w_off + i] != 0.0f;
        printf("   %-9s ||dL/dw|| %-11.4g ||w|| %-11.4g %ld of %zu weights have a non-zero gradient\n", L->name, sqrt(g),
               sqrt(w), nz, L->w_count);
    }
    printf("\n6. update: w <- w - %g x dL/dw (plain SGD)\n", (double)bp->update.lr);
    printf("\n7. forward again: L %.6g -> %.6g (%s; the gradient predicted %+.4g)\n", (double)bp->loss,
           (double)bp->loss_after, verdict_name(bp->verdict), bp->first_order);
}

int cs_cmd_backprop(int argc, char **argv)
{
    bp_options o;
    memset(&o, 0, sizeof o);
    cs_run_spec_defaults(&o.spec);
    const int r = parse(argc, argv, &o);
    if (r >= 0) return r;
    o.spec.model = o.model; /* the run layer imports it (or says this build cannot) */
    cs_run *run = NULL;
    cs_backprop bp;
    memset(&bp, 0, sizeof bp);
    int status = 0;
    if (cs_run_open(&run, &o.spec) != CS_OK) {
        fprintf(stderr, "convscope backprop: %s\n", cs_last_error());
        status = 1;
    }
    if (!status) {
        for (const char *p = run->notes; *p;) {
            const char *end = strchr(p, '\n');
            const int len = end ? (int)(end - p) : (int)strlen(p);
            fprintf(stderr, "convscope backprop: note: %.*s\n", len, p);
            p += len + (end != NULL);
        }
        status = choose_image(run, &o);
    }
    if (!status && (cs_backprop_init(&bp, run->trainer->net) != CS_OK || cs_run_backprop(run, &bp, o.lr, 1) != CS_OK)) {
        fprintf(stderr, "convscope backprop: %s\n", cs_last_error());
        status = 1;
    }
    if (!status) {
        if (o.json) print_json(stdout, run, &bp, &o);
        else print_worksheet(run, &bp, &o);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "convscope backprop: cannot write the output\n");
            status = 1;
        }
    }
    cs_backprop_free(&bp);
    cs_run_close(run);
    return status;
}
