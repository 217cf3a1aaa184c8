/* run_options.c - the options shared by `train` and `gui`, and turning them into a run. */
#define _DEFAULT_SOURCE
#include "run_options.h"

#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli.h"
#include "cs_data.h"
#include "cs_net.h"

enum {
    OPT_DATASET = CS_RUN_OPT_FIRST,
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
};

const struct option cs_run_longopts[CS_RUN_OPTION_COUNT] = {
    {"dataset", required_argument, 0, OPT_DATASET}, {"data", required_argument, 0, OPT_DATA},
    {"net", required_argument, 0, OPT_NET},         {"epochs", required_argument, 0, OPT_EPOCHS},
    {"batch", required_argument, 0, OPT_BATCH},     {"lr", required_argument, 0, OPT_LR},
    {"optimizer", required_argument, 0, OPT_OPTIMIZER}, {"loss", required_argument, 0, OPT_LOSS},
    {"seed", required_argument, 0, OPT_SEED},       {"threads", required_argument, 0, OPT_THREADS},
    {"limit", required_argument, 0, OPT_LIMIT},     {"momentum", required_argument, 0, OPT_MOMENTUM},
};

void cs_run_options_defaults(cs_run_options *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 1;
    o->threads = 1;
    cs_train_config_defaults(&o->cfg);
}

int cs_run_options_apply(cs_run_options *o, int code, const char *arg)
{
    int iv;
    double dv;
    switch (code) {
    case OPT_DATASET: o->dataset = arg; return 1;
    case OPT_DATA: o->data_dir = arg; return 1;
    case OPT_NET: o->net = arg; return 1;
    case OPT_EPOCHS: return cs_cli_int(arg, 1, 100000, &o->epochs);
    case OPT_BATCH: return cs_cli_int(arg, 1, 4096, &o->cfg.batch);
    case OPT_LR:
        if (!cs_cli_double(arg, 1e-9, 1e9, &dv)) return 0;
        o->cfg.lr = (float)dv;
        return 1;
    case OPT_MOMENTUM:
        if (!cs_cli_double(arg, 0, 0.9999, &dv)) return 0;
        o->cfg.momentum = (float)dv;
        return 1;
    case OPT_OPTIMIZER:
        if (strcmp(arg, "sgd") == 0) o->cfg.optimizer = CS_OPTIM_SGD;
        else if (strcmp(arg, "adam") == 0) o->cfg.optimizer = CS_OPTIM_ADAM;
        else return 0;
        return 1;
    case OPT_LOSS:
        if (strcmp(arg, "xent") == 0) o->cfg.loss = CS_LOSS_XENT;
        else if (strcmp(arg, "mse") == 0) o->cfg.loss = CS_LOSS_MSE;
        else return 0;
        return 1;
    case OPT_SEED: {
        char *end;
        unsigned long long v = strtoull(arg, &end, 10);
        if (end == arg || *end || arg[0] == '-') return 0;
        o->cfg.seed = v;
        return 1;
    }
    case OPT_THREADS: return cs_cli_int(arg, 1, 256, &o->threads);
    case OPT_LIMIT:
        if (!cs_cli_int(arg, 1, 100000000, &iv)) return 0;
        o->limit = iv;
        return 1;
    default: return -1;
    }
}

void cs_run_options_help(FILE *f)
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
            "  --epochs N          passes over the training set (default 1)\n"
            "  --batch N           minibatch size (default 20)\n"
            "  --lr X              learning rate (default: sgd 0.01, or 0.2 with --loss mse, 0.005 for\n"
            "                      the colour net; adam 0.001)\n"
            "  --momentum X        SGD momentum (default 0.9)\n"
            "  --optimizer NAME    sgd or adam (default sgd)\n"
            "  --loss NAME         xent (softmax cross-entropy) or mse (mean squared error against the\n"
            "                      one-hot target) (default xent)\n"
            "  --seed N            seed for weights, shuffling and synthetic data (default 1)\n"
            "  --threads N         worker threads (default 1)\n"
            "  --limit N           use at most N training images (and the same share of the test set)\n",
            cs_net_preset_names());
}

static const char *default_net(const char *dataset)
{
    if (strcmp(dataset, "cifar10") == 0) return "cifar";
    if (cs_data_is_colour_shapes(dataset)) return "colour";
    if (strcmp(dataset, "shapes") == 0 || strcmp(dataset, "fashion-mnist") == 0 || strcmp(dataset, "mnist") == 0)
        return "mnist";
    return "article"; /* a folder of the user's images: 32x32 RGB */
}

/* Replaces *ds by its adaptation to c x h x w when the shapes differ. */
static cs_status adapt_in_place(cs_dataset *ds, int c, int h, int w)
{
    if (ds->c == c && ds->h == h && ds->w == w) return CS_OK;
    cs_dataset adapted;
    cs_status st = cs_dataset_adapt(&adapted, ds, c, h, w);
    if (st) return st;
    cs_dataset_free(ds);
    *ds = adapted;
    return CS_OK;
}

cs_status cs_run_prepare(cs_run *run, const cs_run_options *o)
{
    memset(run, 0, sizeof *run);
    const char *dataset = o->dataset;
    if (!dataset) dataset = cs_data_default_available("fashion-mnist") ? "fashion-mnist" : "shapes";
    const char *net_spec = o->net ? o->net : default_net(dataset);
    snprintf(run->dataset_name, sizeof run->dataset_name, "%s", dataset);
    snprintf(run->net_name, sizeof run->net_name, "%s", cs_net_preset_spec(net_spec) ? net_spec : "custom");

    /* The net's input shape decides how synthetic and folder images are made. */
    cs_net *probe;
    cs_status st = cs_net_create(&probe, net_spec, 1);
    if (st) return st;
    const int c = probe->in_c, h = probe->in_h, w = probe->in_w;
    cs_net_destroy(probe);

    cs_data_options d;
    cs_data_options_defaults(&d);
    d.dataset = dataset;
    d.data_dir = o->data_dir;
    d.limit = o->limit;
    d.seed = o->cfg.seed;
    d.channels = c == 1 || c == 3 ? c : 1;
    d.height = h;
    d.width = w;
    if ((st = cs_data_load(&d, &run->train, &run->test))) return st;
    if (run->train.c != c || run->train.h != h || run->train.w != w) {
        fprintf(stderr, "convscope: note: %s images are %dx%dx%d; adapting them to the net's %dx%dx%d input\n",
                dataset, run->train.h, run->train.w, run->train.c, h, w, c);
        if ((st = adapt_in_place(&run->train, c, h, w)) || (st = adapt_in_place(&run->test, c, h, w))) {
            cs_run_free(run);
            return st;
        }
    }
#ifdef _OPENMP
    omp_set_num_threads(o->threads);
#endif
    if ((st = cs_trainer_create(&run->trainer, net_spec, &o->cfg, &run->train))) {
        cs_run_free(run);
        return st;
    }
    return CS_OK;
}

void cs_run_free(cs_run *run)
{
    cs_trainer_destroy(run->trainer);
    cs_dataset_free(&run->train);
    cs_dataset_free(&run->test);
    memset(run, 0, sizeof *run);
}
