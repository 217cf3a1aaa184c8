/* cmd_train.c - `convscope train`: headless training through the run layer (cs_run.h), with a
 * progress bar on a terminal, plain lines on a pipe, or one JSON object per epoch. The run does
 * the training, test points, history and checkpoints; this file only prints what it reports. */
#define _DEFAULT_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "cs_run.h"
#include "run_options.h"

static void train_usage(FILE *f)
{
    fprintf(f, "usage: convscope train [OPTIONS]\n\n"
               "Trains a network without a window and reports loss, accuracy and speed per epoch.\n\n");
    cs_runopt_help(f);
    fprintf(f, "  --json              one JSON object per line per epoch, and a final one with\n"
               "                      \"event\": \"done\"\n"
               "  -h, --help          this help\n\n"
               "Exit status: 0 done, 1 bad data or the training diverged, 2 bad options.\n");
}

static void print_json(const cs_run_epoch *e, const cs_run *run, int done)
{
    printf("{");
    if (done) printf("\"event\": \"done\", ");
    if (e->epoch > 0) {
        printf("\"epoch\": %d, \"train_loss\": %.6f, \"train_accuracy\": %.6f, \"test_loss\": %.6f, "
               "\"test_accuracy\": %.6f, \"images_per_sec\": %.1f, \"seconds\": %.3f, ",
               e->epoch, e->train_loss, e->train_accuracy, e->test_loss, e->test_accuracy, e->images_per_sec, e->seconds);
    } else {
        /* no epoch ran (--epochs 0): nothing was measured, and 0 would read as a measurement */
        printf("\"epoch\": 0, \"train_loss\": null, \"train_accuracy\": null, \"test_loss\": null, "
               "\"test_accuracy\": null, \"images_per_sec\": null, \"seconds\": 0.000, ");
    }
    printf("\"step\": %ld, \"dataset\": ", run->trainer->step);
    cs_cli_json_string(stdout, run->dataset_name);
    printf(", \"net\": ");
    cs_cli_json_string(stdout, run->net_name);
    printf("}\n");
    fflush(stdout);
}

static void draw_bar(int epoch, int epochs, int pos, int n, double loss, double acc, double ips)
{
    const int width = 30;
    int fill = n ? (int)((long)width * pos / n) : width;
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
    bar[width] = 0;
    fprintf(stderr, "\repoch %d/%d [%s] %3d%%  loss %.4f  acc %5.1f%%  %7.0f img/s", epoch, epochs, bar,
            n ? (int)(100L * pos / n) : 100, loss, 100 * acc, ips);
    fflush(stderr);
}

/* Options into o; returns -1 to go on, else the exit status (help, a usage error). */
static int parse(int argc, char **argv, cs_runopt *o, int *json)
{
    enum { N = CS_RUNOPT_COUNT };
    struct option longopts[N + 3];
    memcpy(longopts, cs_runopt_longopts, sizeof cs_runopt_longopts);
    longopts[N] = (struct option){"json", no_argument, 0, 'j'};
    longopts[N + 1] = (struct option){"help", no_argument, 0, 'h'};
    longopts[N + 2] = (struct option){0, 0, 0, 0};
    optind = 1;
    opterr = 0;
    int ch, longindex = 0;
    while ((ch = getopt_long(argc, argv, ":h", longopts, &longindex)) != -1) {
        if (ch == 'j') {
            *json = 1;
            continue;
        }
        if (ch == 'h') {
            train_usage(stdout);
            return 0;
        }
        const int r = cs_runopt_apply(o, ch, optarg);
        if (r < 0) return cs_cli_bad_option("train", argc, argv, ch, train_usage);
        if (r == 0) return cs_cli_bad_value("train", longopts[longindex].name, optarg, train_usage);
    }
    if (optind < argc) return cs_cli_bad_value("train", "argument", argv[optind], train_usage);
    return -1;
}

/* The epoch's line: JSON, or a plain line (after the finished bar on a terminal). */
static void print_epoch(const cs_run *run, int last, int json, int tty)
{
    const cs_run_epoch *e = &run->last_epoch;
    if (json) {
        print_json(e, run, 0);
        return;
    }
    if (tty) {
        draw_bar(e->epoch, last, run->train.n, run->train.n, e->train_loss, e->train_accuracy, e->images_per_sec);
        fputc('\n', stderr);
    }
    printf("epoch %d/%d: train loss %.4f, train accuracy %.2f%%, test loss %.4f, test accuracy %.2f%%, "
           "%.0f images/s, %.1f s\n", e->epoch, last, e->train_loss, 100 * e->train_accuracy, e->test_loss,
           100 * e->test_accuracy, e->images_per_sec, e->seconds);
    fflush(stdout);
}

/* Trains until the run has `last` epochs; returns the exit status. */
static int train_epochs(cs_run *run, int last, int json, int tty)
{
    const cs_trainer *tr = run->trainer;
    double loss_sum = 0, acc_sum = 0, t0 = cs_cli_now(), last_draw = 0;
    long batches = 0, seen0 = tr->images_seen;
    while (tr->epoch < last) {
        const int ev = cs_run_step(run, 0);
        if (ev & (CS_RUN_DIVERGED | CS_RUN_SAVE_FAILED)) {
            if (tty) fputc('\n', stderr);
            fprintf(stderr, "convscope train: %s\n", ev & CS_RUN_DIVERGED ? run->message : run->event);
            return 1;
        }
        loss_sum += tr->last_loss, acc_sum += tr->last_accuracy, batches++;
        if (ev & CS_RUN_EPOCH_DONE) {
            print_epoch(run, last, json, tty);
            loss_sum = acc_sum = 0, batches = 0, seen0 = tr->images_seen, t0 = cs_cli_now();
            continue;
        }
        const double now = cs_cli_now();
        if (tty && now - last_draw > 0.1) {
            draw_bar(tr->epoch + 1, last, tr->pos, run->train.n, loss_sum / batches, acc_sum / batches,
                     (double)(tr->images_seen - seen0) / (now - t0));
            last_draw = now;
        }
    }
    return 0;
}

int cs_cmd_train(int argc, char **argv)
{
    cs_runopt o;
    cs_runopt_defaults(&o);
    int json = 0;
    const int r = parse(argc, argv, &o, &json);
    if (r >= 0) return r;
    cs_run *run;
    if (cs_run_open(&run, &o.spec) != CS_OK) {
        fprintf(stderr, "convscope train: %s\n", cs_last_error());
        return 1;
    }
    cs_runopt_report("train", &o, run);
    const cs_trainer *tr = run->trainer;
    const int tty = !json && isatty(STDERR_FILENO);
    if (!json)
        printf("training %s on %s: %d train / %d test images of %dx%dx%d, %d classes, %zu parameters\n", run->net_name,
               run->dataset_name, run->train.n, run->test.n, run->train.h, run->train.w, run->train.c,
               run->train.n_classes, tr->net->n_params);
    const cs_history_meta at = cs_history_meta_of(tr);
    if (run->resumed && !json)
        printf("resuming %s at step %ld (epoch %d)\n", o.spec.load, tr->step, cs_history_epoch_label(&at));
    fflush(stdout);
    /* epochs are numbered over the whole run, so a resumed run continues the count */
    const int status = train_epochs(run, tr->epoch + o.epochs, json, tty);
    if (!status && o.epochs == 0 && o.spec.save && (cs_run_save(run, NULL) & CS_RUN_SAVE_FAILED)) {
        /* no epoch ended, so nothing saved yet: the untrained net */
        fprintf(stderr, "convscope train: %s\n", run->event);
        cs_run_close(run);
        return 1;
    }
    if (!status && json) print_json(&run->last_epoch, run, 1);
    if (!status && !json && o.spec.save) {
        const cs_history_meta end = cs_history_meta_of(tr);
        printf("saved %s: step %ld (epoch %d), history of %zu records every %ld steps\n", o.spec.save, tr->step,
               cs_history_epoch_label(&end), cs_history_count(run->hist), cs_history_interval(run->hist));
    }
    cs_run_close(run);
    return status;
}
