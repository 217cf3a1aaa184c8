/* cmd_bench.c - `convscope bench`: training and inference images/s on random data,
 * the median of several timed runs after a warm-up, optionally with a per-layer profile. */
#define _DEFAULT_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "cs_net.h"
#include "cs_optim.h"
#include "cs_rng.h"

static void bench_usage(FILE *f)
{
    fprintf(f, "usage: convscope bench [--net PRESET|SPEC] [--batch N] [--threads N] [--seconds S] [--runs N]\n"
               "                       [--profile] [--json]\n\n"
               "Trains on random data and prints training and inference images/s: the median of --runs\n"
               "timed runs of at least --seconds each, after a one-second warm-up.\n"
               "A training step is forward + loss + backward + SGD update (momentum 0.9).\n\n"
               "  --net PRESET|SPEC  network (default mnist; presets: %s)\n"
               "  --batch N          minibatch size (default 20)\n"
               "  --threads N        threads that train the net, the caller's included (default 1)\n"
               "  --seconds S        minimum seconds per timed run (default 1)\n"
               "  --runs N           timed runs per mode (default 5)\n"
               "  --profile          then time each layer's forward and backward for --seconds and\n"
               "                     print ms per training step and %% of the step, and each thread's\n"
               "                     busy time and batch chunks per step\n"
               "  --json             one JSON line instead of text\n",
            cs_net_preset_names());
}

typedef struct {
    cs_net *net;
    cs_optim opt;
    float *pool;   /* (POOL_BATCHES * batch) random images */
    int *labels;
    int batch, next;
} bench_state;

enum { POOL_BATCHES = 50 };

static void next_batch(bench_state *b)
{
    const size_t per = (size_t)b->net->in_c * b->net->in_h * b->net->in_w;
    memcpy(b->net->input, b->pool + (size_t)b->next * b->batch * per, (size_t)b->batch * per * sizeof(float));
    b->next = (b->next + 1) % POOL_BATCHES;
}

static void train_step(bench_state *b)
{
    next_batch(b);
    cs_net_zero_grads(b->net);
    cs_net_forward(b->net, b->batch);
    cs_net_backward(b->net, b->labels + (size_t)((b->next + POOL_BATCHES - 1) % POOL_BATCHES) * b->batch, b->batch,
                    CS_LOSS_XENT);
    cs_optim_step(&b->opt, b->net->params, b->net->grads, cs_optim_default_lr(CS_OPTIM_SGD));
}

static void infer_step(bench_state *b)
{
    next_batch(b);
    cs_net_forward(b->net, b->batch);
}

/* Runs step until min_seconds have passed; returns images/s. */
static double timed(bench_state *b, void (*step)(bench_state *), double min_seconds)
{
    long n = 0;
    const double t0 = cs_cli_now();
    double dt;
    do {
        step(b);
        n++;
        dt = cs_cli_now() - t0;
    } while (dt < min_seconds);
    return (double)n * b->batch / dt;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_run(bench_state *b, void (*step)(bench_state *), int runs, double seconds)
{
    double r[64];
    timed(b, step, 1.0); /* warm-up: caches, page faults, CPU frequency */
    for (int i = 0; i < runs; i++) r[i] = timed(b, step, seconds);
    qsort(r, (size_t)runs, sizeof r[0], cmp_double);
    return runs % 2 ? r[runs / 2] : 0.5 * (r[runs / 2 - 1] + r[runs / 2]);
}

/* One row per thread of the net: the time it spent running batch chunks and the chunks it ran,
 * per training step (forward and backward); the rows show how many threads really worked. */
static void print_threads(const cs_net *net, double steps, double step_ms, int json)
{
    if (json) printf(", \"threads_profile\": [");
    else printf("  threads (busy ms and batch chunks per training step; thread 0 is the caller):\n");
    for (int t = 0; t < net->n_threads; t++) {
        const double busy = 1e3 * net->prof_busy[t] / steps, chunks = (double)net->prof_chunks[t] / steps;
        if (json) printf("%s{\"thread\": %d, \"busy_ms\": %.4f, \"chunks\": %.2f}", t ? ", " : "", t, busy, chunks);
        else printf("    thread %-3d busy %8.4f ms  %5.1f%% of the step  %5.2f chunks\n", t, busy, 100.0 * busy / step_ms,
                    chunks);
    }
    if (json) printf("]");
}

/* Trains for `seconds` with the per-layer timers on and prints (or appends to the JSON
 * line) each layer's forward and backward ms per step and share of the step. */
static int print_profile(bench_state *b, double seconds, int json)
{
    cs_net *net = b->net;
    if (cs_net_set_profiling(net, 1) != CS_OK) {
        fprintf(stderr, "convscope bench: %s\n", cs_last_error());
        return 1;
    }
    const double ips = timed(b, train_step, seconds);
    const double step_ms = 1e3 * b->batch / ips;
    const double steps = (double)net->prof_steps;
    double layers_ms = 0;
    if (!json) printf("  profile (ms per training step of %.3f ms; with threads, a layer's time summed over\n"
                      "  the threads and divided by their count):\n", step_ms);
    else printf(", \"profile\": [");
    for (int l = 0; l <= net->n_layers; l++) {
        const int extra = l == net->n_layers;
        const double f = extra ? 0.0 : 1e3 * net->prof_fwd[l] / steps, bw = 1e3 * net->prof_bwd[l] / steps;
        char desc[96];
        if (extra) snprintf(desc, sizeof desc, "loss + gradient reduction");
        else cs_net_describe_layer(net, l, desc, sizeof desc);
        layers_ms += f + bw;
        if (json) {
            printf("%s{\"layer\": ", l ? ", " : "");
            cs_cli_json_string(stdout, extra ? "loss" : net->layers[l].name);
            printf(", \"forward_ms\": %.4f, \"backward_ms\": %.4f, \"percent\": %.2f}", f, bw,
                   100.0 * (f + bw) / step_ms);
        } else {
            printf("    %-32s fwd %8.4f ms  bwd %8.4f ms  %5.1f%%\n", desc, f, bw, 100.0 * (f + bw) / step_ms);
        }
    }
    const double other = step_ms - layers_ms;
    if (json) printf(", {\"layer\": \"other\", \"forward_ms\": 0, \"backward_ms\": %.4f, \"percent\": %.2f}]",
                     other, 100.0 * other / step_ms);
    else printf("    %-32s              %8.4f ms      %5.1f%%\n", "other (batch, zero, update, waits)", other,
                100.0 * other / step_ms);
    print_threads(net, steps, step_ms, json);
    cs_net_set_profiling(net, 0);
    return 0;
}

/* Forward multiply-adds per image (conv + fc), for the GFLOP/s figure. */
static double forward_flops(const cs_net *net)
{
    double macs = 0;
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        if (L->kind == CS_LAYER_CONV || L->kind == CS_LAYER_FC)
            macs += (double)L->w_count * (L->kind == CS_LAYER_CONV ? (double)L->out_h * L->out_w : 1.0);
    }
    return 2.0 * macs;
}

int cs_cmd_bench(int argc, char **argv)
{
    const char *net_name = "mnist";
    int batch = 20, threads = 1, runs = 5, json = 0, profile = 0;
    double seconds = 1.0;
    static const struct option longopts[] = {
        {"net", required_argument, 0, 'n'},   {"batch", required_argument, 0, 'b'},
        {"threads", required_argument, 0, 't'}, {"seconds", required_argument, 0, 's'},
        {"runs", required_argument, 0, 'r'},  {"json", no_argument, 0, 'j'},
        {"profile", no_argument, 0, 'p'},     {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int ch, longindex = 0;
    while ((ch = getopt_long(argc, argv, ":h", longopts, &longindex)) != -1) {
        int ok = 1;
        switch (ch) {
        case 'n': net_name = optarg; break;
        case 'b': ok = cs_cli_int(optarg, 1, 4096, &batch); break;
        case 't': ok = cs_cli_int(optarg, 1, 256, &threads); break;
        case 's': ok = cs_cli_double(optarg, 0.01, 3600, &seconds); break;
        case 'r': ok = cs_cli_int(optarg, 1, 63, &runs); break;
        case 'j': json = 1; break;
        case 'p': profile = 1; break;
        case 'h': bench_usage(stdout); return 0;
        default: return cs_cli_bad_option("bench", argc, argv, ch, bench_usage);
        }
        if (!ok) return cs_cli_bad_value("bench", longopts[longindex].name, optarg, bench_usage);
    }
    if (optind < argc) return cs_cli_bad_value("bench", "argument", argv[optind], bench_usage);
    bench_state b = {0};
    b.batch = batch;
    if (cs_net_create(&b.net, net_name, batch, threads) != CS_OK) {
        fprintf(stderr, "convscope bench: %s\n", cs_last_error());
        return 1;
    }
    if (cs_optim_init(&b.opt, CS_OPTIM_SGD, b.net->n_params) != CS_OK) {
        fprintf(stderr, "convscope bench: %s\n", cs_last_error());
        cs_net_destroy(b.net);
        return 1;
    }
    cs_rng rng;
    cs_rng_seed(&rng, 1);
    cs_net_init_params(b.net, &rng);
    const size_t per = (size_t)b.net->in_c * b.net->in_h * b.net->in_w;
    b.pool = malloc((size_t)POOL_BATCHES * batch * per * sizeof(float));
    b.labels = malloc((size_t)POOL_BATCHES * batch * sizeof(int));
    if (!b.pool || !b.labels) {
        fprintf(stderr, "convscope bench: out of memory\n");
        free(b.pool), free(b.labels), cs_optim_free(&b.opt), cs_net_destroy(b.net);
        return 1;
    }
    for (size_t i = 0; i < (size_t)POOL_BATCHES * batch * per; i++) b.pool[i] = cs_rng_normal(&rng);
    for (int i = 0; i < POOL_BATCHES * batch; i++) b.labels[i] = (int)cs_rng_below(&rng, (uint32_t)b.net->n_classes);

    const double train_ips = median_run(&b, train_step, runs, seconds);
    const double infer_ips = median_run(&b, infer_step, runs, seconds);
    const double fwd = forward_flops(b.net);
    const char *shown = cs_net_preset_spec(net_name) ? net_name : b.net->spec;
    if (json) {
        printf("{\"net\": ");
        cs_cli_json_string(stdout, shown);
        printf(", \"batch\": %d, \"threads\": %d, \"train_images_per_sec\": %.1f, \"infer_images_per_sec\": %.1f, "
               "\"train_gflops\": %.2f, \"infer_gflops\": %.2f, \"forward_mflop_per_image\": %.3f",
               batch, threads, train_ips, infer_ips, train_ips * 3 * fwd * 1e-9, infer_ips * fwd * 1e-9, fwd * 1e-6);
    } else {
        printf("net %s, batch %d, %d thread%s, %d run%s of >= %.2g s (%s)\n", shown, batch, threads,
               threads == 1 ? "" : "s", runs, runs == 1 ? "" : "s", seconds, runs == 1 ? "its rate" : "median");
        printf("  train: %10.1f images/s  %6.2f GFLOP/s (3 x %.3f MFLOP forward per image)\n", train_ips,
               train_ips * 3 * fwd * 1e-9, fwd * 1e-6);
        printf("  infer: %10.1f images/s  %6.2f GFLOP/s\n", infer_ips, infer_ips * fwd * 1e-9);
    }
    int status = profile ? print_profile(&b, seconds, json) : 0;
    if (json) printf("}\n");
    free(b.pool);
    free(b.labels);
    cs_optim_free(&b.opt);
    cs_net_destroy(b.net);
    return status;
}
