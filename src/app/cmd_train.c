/* cmd_train.c - `convscope train`: headless training with a progress bar on a terminal,
 * plain lines on a pipe, or one JSON object per epoch; checkpoints (--save, --load) and the
 * kernel history they carry. */
#define _DEFAULT_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "run_checkpoint.h"
#include "run_options.h"

static void train_usage(FILE *f)
{
    fprintf(f, "usage: convscope train [OPTIONS]\n\n"
               "Trains a network without a window and reports loss, accuracy and speed per epoch.\n\n");
    cs_run_options_help(f);
    cs_ckpt_options_help(f);
    fprintf(f, "  --json              one JSON object per line per epoch, and a final one with\n"
               "                      \"event\": \"done\"\n"
               "  -h, --help          this help\n\n"
               "Exit status: 0 done, 1 bad data or the training diverged, 2 bad options.\n");
}

typedef struct {
    int epoch;
    double train_loss, train_accuracy, test_loss, test_accuracy, images_per_sec, seconds;
} epoch_stats;

static void print_json(const epoch_stats *s, const cs_run *run, int done)
{
    printf("{");
    if (done) printf("\"event\": \"done\", ");
    printf("\"epoch\": %d, \"train_loss\": %.6f, \"train_accuracy\": %.6f, \"test_loss\": %.6f, "
           "\"test_accuracy\": %.6f, \"images_per_sec\": %.1f, \"seconds\": %.3f, \"step\": %ld, \"dataset\": ",
           s->epoch, s->train_loss, s->train_accuracy, s->test_loss, s->test_accuracy, s->images_per_sec, s->seconds,
           run->trainer->step);
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

int cs_cmd_train(int argc, char **argv)
{
    cs_run_options o;
    cs_run_options_defaults(&o);
    cs_ckpt_options ck_opts;
    cs_ckpt_options_defaults(&ck_opts);
    int json = 0;
    enum { N = CS_RUN_OPTION_COUNT + CS_CKPT_OPTION_COUNT };
    struct option longopts[N + 3];
    memcpy(longopts, cs_run_longopts, sizeof cs_run_longopts);
    memcpy(longopts + CS_RUN_OPTION_COUNT, cs_ckpt_longopts, sizeof cs_ckpt_longopts);
    longopts[N] = (struct option){"json", no_argument, 0, 'j'};
    longopts[N + 1] = (struct option){"help", no_argument, 0, 'h'};
    longopts[N + 2] = (struct option){0, 0, 0, 0};
    /* training settings a checkpoint decides when resuming */
    static const char *const resumed[] = {"batch", "lr", "momentum", "optimizer", "loss", "seed"};
    const char *overridden = NULL;
    optind = 1;
    opterr = 0;
    int ch, longindex = 0;
    while ((ch = getopt_long(argc, argv, ":h", longopts, &longindex)) != -1) {
        if (ch == 'j') {
            json = 1;
            continue;
        }
        if (ch == 'h') {
            train_usage(stdout);
            return 0;
        }
        int r = cs_run_options_apply(&o, ch, optarg);
        if (r < 0) r = cs_ckpt_options_apply(&ck_opts, ch, optarg);
        for (size_t i = 0; i < sizeof resumed / sizeof resumed[0]; i++)
            if (ch == longopts[longindex].val && strcmp(longopts[longindex].name, resumed[i]) == 0) overridden = resumed[i];
        if (r < 0) return cs_cli_bad_option("train", argc, argv, ch, train_usage);
        if (r == 0) return cs_cli_bad_value("train", longopts[longindex].name, optarg, train_usage);
    }
    if (optind < argc) return cs_cli_bad_value("train", "argument", argv[optind], train_usage);

    cs_checkpoint ck = {0};
    const char *user_net = o.net;
    if (ck_opts.load) {
        if (cs_run_resume_begin(&ck, ck_opts.load, &o) != CS_OK) {
            fprintf(stderr, "convscope train: %s\n", cs_last_error());
            return 1;
        }
        if (overridden)
            fprintf(stderr, "convscope train: note: --%s is ignored with --load: the run continues with the settings "
                    "saved in %s\n", overridden, ck_opts.load);
    }
    cs_run run;
    cs_history *hist = NULL;
    cs_status st = cs_run_prepare(&run, &o);
    if (!st && ck_opts.load) {
        if ((st = cs_run_resume_finish(&run, &ck, ck_opts.load, user_net, &hist))) cs_run_free(&run);
    }
    if (!st && !hist && ck_opts.save && (st = cs_run_history_create(&run, &ck_opts, &hist))) cs_run_free(&run);
    if (st) {
        fprintf(stderr, "convscope train: %s\n", cs_last_error());
        cs_checkpoint_free(&ck);
        return 1;
    }
    cs_trainer *tr = run.trainer;
    const int tty = !json && isatty(STDERR_FILENO);
    if (!json)
        printf("training %s on %s: %d train / %d test images of %dx%dx%d, %d classes, %zu parameters\n", run.net_name,
               run.dataset_name, run.train.n, run.test.n, run.train.h, run.train.w, run.train.c, run.train.n_classes,
               tr->net->n_params);
    fflush(stdout);
    if (ck_opts.load && !json)
        printf("resuming %s at epoch %d, step %ld\n", ck_opts.load, tr->epoch, tr->step);
    epoch_stats s = {0};
    const double t_start = cs_cli_now();
    int status = 0;
    /* epochs are numbered over the whole run, so a resumed run continues the count */
    const int first = tr->epoch + 1, last = tr->epoch + o.epochs;
    if (hist) cs_history_after_step(hist, tr, 0);
    for (int e = first; e <= last && !status; e++) {
        double loss_sum = 0, acc_sum = 0, t0 = cs_cli_now(), last_draw = 0;
        long batches = 0;
        const long seen0 = tr->images_seen;
        int epoch_done = 0;
        while (!epoch_done) {
            if (cs_trainer_step(tr, &epoch_done) != CS_OK) {
                if (tty) fputc('\n', stderr);
                fprintf(stderr, "convscope train: %s\n", cs_last_error());
                status = 1;
                break;
            }
            if (hist) cs_history_after_step(hist, tr, epoch_done);
            loss_sum += tr->last_loss;
            acc_sum += tr->last_accuracy;
            batches++;
            double now = cs_cli_now();
            if (tty && now - last_draw > 0.1) {
                draw_bar(e, last, epoch_done ? run.train.n : tr->pos, run.train.n, loss_sum / batches,
                         acc_sum / batches, (double)(tr->images_seen - seen0) / (now - t0));
                last_draw = now;
            }
        }
        if (status) break;
        const double train_seconds = cs_cli_now() - t0;
        s.epoch = e;
        s.train_loss = loss_sum / batches;
        s.train_accuracy = acc_sum / batches;
        s.images_per_sec = run.train.n / train_seconds;
        float ta, tl;
        cs_trainer_evaluate(tr, &run.test, 0, &ta, &tl);
        s.test_accuracy = ta;
        s.test_loss = tl;
        s.seconds = cs_cli_now() - t_start;
        /* after every epoch, so an interrupted run loses at most one */
        if (ck_opts.save && cs_run_save(ck_opts.save, &run, &o, hist) != CS_OK) {
            if (tty) fputc('\n', stderr);
            fprintf(stderr, "convscope train: %s\n", cs_last_error());
            status = 1;
            break;
        }
        if (json) print_json(&s, &run, 0);
        else {
            if (tty) {
                draw_bar(e, last, run.train.n, run.train.n, s.train_loss, s.train_accuracy, s.images_per_sec);
                fputc('\n', stderr);
            }
            printf("epoch %d/%d: train loss %.4f, train accuracy %.2f%%, test loss %.4f, test accuracy %.2f%%, "
                   "%.0f images/s, %.1f s\n", e, last, s.train_loss, 100 * s.train_accuracy, s.test_loss,
                   100 * s.test_accuracy, s.images_per_sec, s.seconds);
            fflush(stdout);
        }
    }
    if (!status && json) print_json(&s, &run, 1);
    if (!status && !json && ck_opts.save)
        printf("saved %s: epoch %d, step %ld, history of %zu records every %ld steps\n", ck_opts.save, tr->epoch,
               tr->step, cs_history_count(hist), cs_history_interval(hist));
    cs_history_destroy(hist);
    cs_run_free(&run);
    cs_checkpoint_free(&ck);
    return status;
}
