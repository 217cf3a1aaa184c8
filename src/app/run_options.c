/* run_options.c - the options shared by `train` and `gui`, filling a cs_run_spec. */
#define _DEFAULT_SOURCE
#include "run_options.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cs_data.h"
#include "cs_net.h"

enum {
    OPT_DATASET = CS_RUNOPT_FIRST,
    OPT_DATA,
    OPT_NET,
    OPT_EPOCHS,
    OPT_BATCH,
    OPT_LR,
    OPT_OPTIMIZER,
    OPT_LOSS,
    OPT_SEED,
    OPT_THREADS,
    OPT_LIMIT,
    OPT_MOMENTUM,
    OPT_SAVE,
    OPT_LOAD,
    OPT_HISTORY_EVERY,
    OPT_HISTORY_MB,
    OPT_MODEL,
};

const struct option cs_runopt_longopts[CS_RUNOPT_COUNT] = {
    {"dataset", required_argument, 0, OPT_DATASET}, {"data", required_argument, 0, OPT_DATA},
    {"net", required_argument, 0, OPT_NET},         {"epochs", required_argument, 0, OPT_EPOCHS},
    {"batch", required_argument, 0, OPT_BATCH},     {"lr", required_argument, 0, OPT_LR},
    {"optimizer", required_argument, 0, OPT_OPTIMIZER}, {"loss", required_argument, 0, OPT_LOSS},
    {"seed", required_argument, 0, OPT_SEED},       {"threads", required_argument, 0, OPT_THREADS},
    {"limit", required_argument, 0, OPT_LIMIT},     {"momentum", required_argument, 0, OPT_MOMENTUM},
    {"save", required_argument, 0, OPT_SAVE},       {"load", required_argument, 0, OPT_LOAD},
    {"history-every", required_argument, 0, OPT_HISTORY_EVERY},
    {"history-mb", required_argument, 0, OPT_HISTORY_MB},
    {"model", required_argument, 0, OPT_MODEL},
};

void cs_runopt_defaults(cs_runopt *o)
{
    memset(o, 0, sizeof *o);
    cs_run_spec_defaults(&o->spec);
    o->epochs = 1;
}

/* The training settings: a checkpoint decides them when resuming. */
static int apply_training(cs_runopt *o, int code, const char *arg)
{
    cs_train_config *c = &o->spec.cfg;
    double dv;
    switch (code) {
    case OPT_BATCH: o->ignored = "batch"; return cs_cli_int(arg, 1, 4096, &c->batch);
    case OPT_LR:
        o->ignored = "lr";
        if (!cs_cli_double(arg, 1e-9, 1e9, &dv)) return 0;
        c->lr = (float)dv;
        return 1;
    case OPT_MOMENTUM:
        o->ignored = "momentum";
        if (!cs_cli_double(arg, 0, 0.9999, &dv)) return 0;
        c->momentum = (float)dv;
        return 1;
    case OPT_OPTIMIZER:
        o->ignored = "optimizer";
        if (strcmp(arg, "sgd") == 0) c->optimizer = CS_OPTIM_SGD;
        else if (strcmp(arg, "adam") == 0) c->optimizer = CS_OPTIM_ADAM;
        else return 0;
        return 1;
    case OPT_LOSS:
        o->ignored = "loss";
        if (strcmp(arg, "xent") == 0) c->loss = CS_LOSS_XENT;
        else if (strcmp(arg, "mse") == 0) c->loss = CS_LOSS_MSE;
        else return 0;
        return 1;
    case OPT_SEED: {
        o->ignored = "seed";
        char *end;
        unsigned long long v = strtoull(arg, &end, 10);
        if (end == arg || *end || arg[0] == '-') return 0;
        c->seed = v;
        return 1;
    }
    default: return -1;
    }
}

int cs_runopt_apply(cs_runopt *o, int code, const char *arg)
{
    cs_run_spec *s = &o->spec;
    int iv;
    switch (code) {
    case OPT_DATASET: s->dataset = arg; return 1;
    case OPT_DATA: s->data_dir = arg; return 1;
    case OPT_NET: s->net = arg; return 1;
    case OPT_MODEL: s->model = arg; return 1;
    case OPT_EPOCHS: o->epochs_given = 1; return cs_cli_int(arg, 0, 100000, &o->epochs);
    case OPT_THREADS: return cs_cli_int(arg, 1, 256, &s->threads);
    case OPT_LIMIT:
        if (!cs_cli_int(arg, 1, 100000000, &iv)) return 0;
        s->limit = iv;
        return 1;
    case OPT_SAVE: s->save = arg; return 1;
    case OPT_LOAD: s->load = arg; return 1;
    case OPT_HISTORY_EVERY:
        if (!cs_cli_int(arg, 1, 100000000, &iv)) return 0;
        s->history_every = iv;
        return 1;
    case OPT_HISTORY_MB: return cs_cli_double(arg, 0.01, 1024, &s->history_mb); /* a checkpoint holds at most 1 GiB of it */
    default: return apply_training(o, code, arg);
    }
}

void cs_runopt_help(FILE *f)
{
    fprintf(f,
            "  --dataset NAME|DIR  shapes, colour-shapes, fashion-mnist, mnist, cifar10, or a folder with\n"
            "                      one sub-folder per class (default: fashion-mnist when installed, else\n"
            "                      shapes)\n"
            "  --data DIR          where the dataset's files are (fashion-mnist default:\n"
            "                      " CS_DATA_FASHION_MNIST_DIR ")\n"
            "  --net PRESET|SPEC   %s, or a spec like\n"
            "                      'input 28x28x1, conv 8@5 pad 2, relu, maxpool 2, fc 10, softmax'\n"
            "                      (default: mnist; cifar for cifar10; colour for colour-shapes;\n"
            "                      article for image folders)\n"
            "  --model FILE.onnx   start from an ONNX model instead: its layers and weights (see the\n"
            "                      README's ONNX section); datasets are adapted to its input\n"
            "  --epochs N          passes over the training set (default 1); 0 trains nothing, so\n"
            "                      --save writes the untrained net (step 0)\n"
            "  --batch N           minibatch size (default 20)\n"
            "  --lr X              learning rate (default: sgd 0.01, or 0.2 with --loss mse, 0.005 for\n"
            "                      the colour net; adam 0.001)\n"
            "  --momentum X        SGD momentum (default 0.9)\n"
            "  --optimizer NAME    sgd or adam (default sgd)\n"
            "  --loss NAME         xent (softmax cross-entropy) or mse (mean squared error against the\n"
            "                      one-hot target) (default xent)\n"
            "  --seed N            seed for weights, shuffling and synthetic data (default 1)\n"
            "  --threads N         threads that train the net (default 1); 1 to 4 give the same weights\n"
            "  --limit N           use at most N training images (and the same share of the test set)\n"
            "  --save FILE         write a checkpoint (weights, optimizer, data order, history) to\n"
            "                      FILE after every epoch and at the end; atomic: a crash keeps the last\n"
            "  --load FILE         continue the run saved in FILE exactly: its net, training settings\n"
            "                      (batch, lr, momentum, optimizer, loss, seed), data and history;\n"
            "                      --epochs counts the epochs to add\n"
            "  --history-every N   record every conv layer's kernels every N steps (default 10)\n"
            "  --history-mb M      memory for the history in MiB (default 32, at most 1024); when\n"
            "                      full, older records are thinned evenly and the interval doubles\n",
            cs_net_preset_names());
}

void cs_runopt_report(const char *cmd, const cs_runopt *o, const cs_run *run)
{
    for (const char *p = run->notes; *p;) {
        const char *end = strchr(p, '\n');
        const int len = end ? (int)(end - p) : (int)strlen(p);
        fprintf(stderr, "convscope %s: note: %.*s\n", cmd, len, p);
        p += len + (end != NULL);
    }
    if (o->spec.load && o->ignored)
        fprintf(stderr, "convscope %s: note: --%s is ignored with --load: the run continues with the settings "
                "saved in %s\n", cmd, o->ignored, o->spec.load);
}
