/* cmd_onnx_test.c - `convscope onnx-test`: runs ONNX backend test folders (the layout of
 * ONNX's own conformance cases: model.onnx and test_data_set_N folders of input_K.pb and output_K.pb)
 * through the importer and a convscope net, and compares with the expected outputs the way
 * ONNX's backend runner does (numpy's allclose: |got - want| <= atol + rtol * |want|). */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "commands.h"
#include "cs_onnx.h"

static void onnx_test_usage(FILE *f)
{
    fprintf(f, "usage: convscope onnx-test [OPTIONS] DIR...\n\n"
               "Runs ONNX backend test folders (model.onnx plus test_data_set_*/input_*.pb and output_*.pb)\n"
               "and prints per folder 'pass', 'fail' (with the largest absolute and relative error) or\n"
               "'unsupported' (with the reason), then the counts. input_0.pb feeds the net; further inputs\n"
               "become its constants (convscope nets have one input; the others must be weights).\n\n"
               "  --ops LIST     only folders whose operators are all in LIST (comma-separated, any case);\n"
               "                 the others are counted as skipped\n"
               "  --atol X       absolute tolerance (default 1e-7, as ONNX's backend runner)\n"
               "  --rtol X       relative tolerance (default 1e-3)\n"
               "  -h, --help     this help\n\n"
               "Exit status: 0 no supported case failed, 1 a failure (or an unreadable folder), 2 bad options.\n");
}

typedef struct {
    double atol, rtol;
    const char *ops;
    int pass, fail, unsupported, skipped;
} run_state;

static int in_list(const char *op, const char *list)
{
    const size_t n = strlen(op);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncasecmp(p, op, n) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* The test_data_set_* folders of dir, sorted. *out is owned by the caller (free each, then it). */
static int data_sets(const char *dir, char ***out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0, cap = 0;
    char **v = NULL;
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, "test_data_set_", 14) != 0) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            char **nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv) break;
            v = nv;
        }
        if (!(v[n] = strdup(e->d_name))) break;
        n++;
    }
    closedir(d);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1], v[j - 1] = t;
        }
    *out = v;
    return n;
}

/* The input_K.pb files of one data set, in order. Returns their count (-1 on error). */
static int read_inputs(const char *set, cs_onnx_tensor *in, int max)
{
    int n = 0;
    for (; n < max; n++) {
        char path[4500];
        snprintf(path, sizeof path, "%s/input_%d.pb", set, n);
        FILE *f = fopen(path, "rb");
        if (!f) break;
        fclose(f);
        if (cs_onnx_read_tensor(&in[n], path) != CS_OK) {
            while (n-- > 0) cs_onnx_tensor_free(&in[n]);
            return -1;
        }
    }
    return n;
}

/* Runs one data set. Returns 0 pass, 1 fail, 2 unsupported; msg says why or the errors. */
static int run_set(const run_state *rs, const char *model_path, const char *set, char *msg, size_t size)
{
    cs_onnx_tensor in[16];
    const int n_in = read_inputs(set, in, 16);
    if (n_in <= 0) {
        snprintf(msg, size, "%s", n_in < 0 ? cs_last_error() : "no input_0.pb");
        /* inputs that are not tensors (sequences, optionals) or no input: the model says why */
        cs_onnx_model m;
        if (cs_onnx_import(&m, model_path, NULL) == CS_ERR_UNSUPPORTED) {
            snprintf(msg, size, "%s", cs_last_error());
            return 2;
        }
        cs_onnx_model_free(&m);
        return 1;
    }
    int result = 1;
    cs_onnx_tensor want = {0};
    cs_onnx_model m;
    cs_net *net = NULL;
    const cs_onnx_import_opts opts = {in + 1, n_in - 1, in[0].dims, in[0].rank};
    cs_status st = cs_onnx_import(&m, model_path, &opts);
    if (st) {
        snprintf(msg, size, "%s", cs_last_error());
        result = st == CS_ERR_UNSUPPORTED ? 2 : 1;
        goto done;
    }
    char path[4500];
    snprintf(path, sizeof path, "%s/output_0.pb", set);
    if (cs_onnx_read_tensor(&want, path) != CS_OK) {
        snprintf(msg, size, "%s", cs_last_error());
        cs_onnx_model_free(&m);
        goto done;
    }
    size_t N = 1;
    for (int k = 0; k < m.batch_axes; k++) N *= (size_t)m.in_dims[k];
    int same = want.rank == m.out_rank && want.f != NULL && in[0].f != NULL;
    for (int k = 0; same && k < want.rank; k++) same = want.dims[k] == m.out_dims[k];
    if (!same || N > 1000000) {
        snprintf(msg, size, "the net computes %d dims, the expected output has %d (or a different shape or type)",
                 m.out_rank, want.rank);
    } else if ((st = cs_onnx_net_create(&net, &m, (int)N, 1))) {
        snprintf(msg, size, "%s", cs_last_error());
    } else {
        const size_t per_in = (size_t)net->in_c * net->in_h * net->in_w, per_out = (size_t)net->n_classes;
        if (per_in * N != in[0].count || per_out * N != want.count) {
            snprintf(msg, size, "%zu inputs and %zu outputs for %zu samples of %zu -> %zu", in[0].count, want.count, N,
                     per_in, per_out);
        } else {
            memcpy(net->input, in[0].f, in[0].count * sizeof(float));
            const float *got = cs_net_forward(net, (int)N);
            double max_abs = 0, max_rel = 0;
            int ok = 1;
            for (size_t i = 0; i < want.count; i++) {
                const double g = got[i], w = want.f[i], d = fabs(g - w);
                if (isnan(w) != isnan(g) || d > rs->atol + rs->rtol * fabs(w)) ok = 0;
                if (d > max_abs) max_abs = d;
                if (w != 0 && d / fabs(w) > max_rel) max_rel = d / fabs(w);
            }
            int len = snprintf(msg, size, "max abs error %.3g, max rel error %.3g over %zu values; spec '%s'", max_abs,
                               max_rel, want.count, m.spec);
            /* what the import changed, on the same line */
            for (const char *p = m.notes; *p && len > 0 && (size_t)len < size;) {
                const char *e = strchr(p, '\n');
                const int n = e ? (int)(e - p) : (int)strlen(p);
                len += snprintf(msg + len, size - (size_t)len, "; %.*s", n, p);
                p = e ? e + 1 : p + n;
            }
            result = ok ? 0 : 1;
        }
    }
    cs_net_destroy(net);
    cs_onnx_model_free(&m);
done:
    cs_onnx_tensor_free(&want);
    for (int k = 0; k < n_in; k++) cs_onnx_tensor_free(&in[k]);
    return result;
}

static void run_folder(run_state *rs, const char *dir)
{
    char model[4200], msg[2048];
    snprintf(model, sizeof model, "%s/model.onnx", dir);
    const char *name = strrchr(dir, '/') && strrchr(dir, '/')[1] ? strrchr(dir, '/') + 1 : dir;
    char ops[1024];
    if (cs_onnx_list_ops(model, ops, sizeof ops) != CS_OK) {
        printf("fail         %s: %s\n", name, cs_last_error());
        rs->fail++;
        return;
    }
    if (rs->ops) {
        int all = 1;
        for (char *save = NULL, *op = strtok_r(ops, ",", &save); op; op = strtok_r(NULL, ",", &save))
            all = all && in_list(op, rs->ops);
        if (!all) {
            rs->skipped++;
            return;
        }
    }
    char **sets;
    const int n = data_sets(dir, &sets);
    if (n <= 0) {
        printf("fail         %s: no test_data_set_* folder\n", name);
        rs->fail++;
        free(sets);
        return;
    }
    int result = 0;
    for (int i = 0; i < n && result == 0; i++) {
        char set[4400];
        snprintf(set, sizeof set, "%s/%s", dir, sets[i]);
        result = run_set(rs, model, set, msg, sizeof msg);
    }
    for (int i = 0; i < n; i++) free(sets[i]);
    free(sets);
    static const char *words[] = {"pass", "fail", "unsupported"};
    printf("%-12s %s: %s\n", words[result], name, msg);
    if (result == 0) rs->pass++;
    else if (result == 1) rs->fail++;
    else rs->unsupported++;
}

int cs_cmd_onnx_test(int argc, char **argv)
{
    run_state rs = {1e-7, 1e-3, NULL, 0, 0, 0, 0};
    static const struct option longopts[] = {
        {"ops", required_argument, 0, 'o'}, {"atol", required_argument, 0, 'a'},
        {"rtol", required_argument, 0, 'r'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int ch, li = -1;
    while ((ch = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
        int ok = 1;
        switch (ch) {
        case 'o': rs.ops = optarg; break;
        case 'a': ok = cs_cli_double(optarg, 0, 1e9, &rs.atol); break;
        case 'r': ok = cs_cli_double(optarg, 0, 1e9, &rs.rtol); break;
        case 'h': onnx_test_usage(stdout); return 0;
        default: return cs_cli_bad_option("onnx-test", argc, argv, ch, onnx_test_usage);
        }
        if (!ok) return cs_cli_bad_value("onnx-test", li >= 0 ? longopts[li].name : argv[optind - 1], optarg, onnx_test_usage);
        li = -1;
    }
    if (optind >= argc) {
        fprintf(stderr, "convscope onnx-test: give at least one test folder\n\n");
        onnx_test_usage(stderr);
        return 2;
    }
    for (int i = optind; i < argc; i++) {
        run_folder(&rs, argv[i]);
        fflush(stdout);
    }
    printf("onnx-test: %d pass, %d fail, %d unsupported", rs.pass, rs.fail, rs.unsupported);
    if (rs.ops) printf(", %d skipped (operators outside --ops)", rs.skipped);
    printf("\n");
    return rs.fail ? 1 : 0;
}
