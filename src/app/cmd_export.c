/* cmd_export.c - `convscope export`: pictures of a checkpoint for slides, no window needed:
 * every conv layer's kernels as a PNG grid and every layer's activation maps for one image (the
 * export recipe cs_export_pictures, which the window's export key uses too), and the evolution of
 * every conv layer's kernels over the recorded history as an animated GIF and a filmstrip PNG.
 * All colours come from cs_colormap, as in the window. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "cs_checkpoint.h"
#include "cs_colormap.h"
#include "cs_export.h"
#include "cs_imageio.h"
#include "cs_inspect.h"
#include "cs_run.h"
#ifdef CS_HAVE_ONNX
#include "cs_onnx.h"
#endif

static void export_usage(FILE *f)
{
    fprintf(f, "usage: convscope export --load CKPT [--image PATH | --probe N] --out DIR [OPTIONS]\n"
               "       convscope export --load CKPT --onnx OUT.onnx\n\n"
               "Writes pictures of a saved run into DIR (created if missing); names say the layer and step:\n"
               "  LAYER_kernels_stepS.png        every conv layer's kernels (one row per filter)\n"
               "  LAYER_evolution_stepA-B.gif    the kernels over the recorded history, animated\n"
               "  LAYER_filmstrip_stepA-B.png    the same as a row of frames\n"
               "  LAYER_maps_stepS.png           every layer's activation maps for the chosen image\n"
               "  input.png                      that image as the net sees it\n\n"
               "  --load CKPT     a checkpoint written by 'convscope train --save'\n"
               "  --image PATH    an image file (PNG, JPEG, BMP, ...) for the activation maps; it is\n"
               "                  converted to the net's input size and channels\n"
               "  --probe N       test image N of the dataset the checkpoint was trained on instead\n"
               "  --out DIR       output directory\n"
               "  --frames N      most frames in a GIF (default 100; picked evenly from the history)\n"
               "  --strip N       frames in a filmstrip (default 8)\n"
               "  --delay CS      GIF frame delay in hundredths of a second (default 10)\n"
               "  --onnx FILE     also (or only, without --out) write the net and its weights as an ONNX\n"
               "                  model (opset 13) for PyTorch, ONNX Runtime and other tools\n"
               "  -h, --help      this help\n\n"
               "Exit status: 0 done, 1 an unreadable checkpoint or image or a write error, 2 bad options.\n");
}

static int out_of_memory(void)
{
    fprintf(stderr, "convscope export: out of memory\n");
    return 1;
}

typedef struct {
    const char *dir;
    int written;
} out_dir;

static int write_png(out_dir *od, const char *name, const uint8_t *rgb, int w, int h)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", od->dir, name);
    if (cs_image_write_png(path, rgb, w, h) != CS_OK) {
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
        return 1;
    }
    printf("%s  %dx%d\n", path, w, h);
    od->written++;
    return 0;
}

static int export_evolution(out_dir *od, const cs_checkpoint *ck, int max_frames, int strip_frames, int delay)
{
    const cs_history *h = ck->history;
    if (!h || cs_history_count(h) == 0) {
        fprintf(stderr, "convscope export: note: the checkpoint has no history; no evolution pictures\n");
        return 0;
    }
    const size_t n = cs_history_count(h);
    const int most = max_frames > strip_frames ? max_frames : strip_frames;
    size_t *pick = malloc((size_t)most * sizeof *pick);
    if (!pick) return out_of_memory();
    int status = 0;
    for (int j = 0; j < cs_history_conv_count(h) && !status; j++) {
        const cs_history_conv *cv = cs_history_conv_at(h, j);
        const cs_layer *L = &ck->net->layers[cv->layer];
        const size_t wn = (size_t)cv->oc * cv->c * cv->k * cv->k;
        cs_export_style st;
        cs_export_style_defaults(&st);
        st.scale = cs_export_readable_scale(cv->k, 40);
        /* one symmetric range over the whole history, so colours compare across frames */
        cs_value_range r = cs_value_range_of(cs_history_kernels(h, 0, j, NULL), wn, 1);
        for (size_t i = 1; i < n; i++) r = cs_value_range_union(r, cs_value_range_of(cs_history_kernels(h, i, j, NULL), wn, 1));
        const cs_export_grid g = cs_export_kernel_layout(cv->oc, cv->c, cv->k, &st);
        const size_t frame_bytes = (size_t)g.w * g.h * 3;
        const long long first = (long long)cs_history_meta_at(h, 0)->step;
        const long long last = (long long)cs_history_meta_at(h, n - 1)->step;
        char name[160], path[4096];

        int nf = cs_export_pick(n, max_frames, pick);
        uint8_t *frames = malloc(frame_bytes * (size_t)nf);
        if (!frames) {
            status = out_of_memory();
            break;
        }
        for (int f = 0; f < nf; f++)
            cs_export_kernels(frames + (size_t)f * frame_bytes, &g, cs_history_kernels(h, pick[f], j, NULL), cv->oc,
                              cv->c, cv->k, CS_CMAP_RDBU, r, &st);
        snprintf(name, sizeof name, "%s_evolution_step%07lld-%07lld.gif", L->name, first, last);
        snprintf(path, sizeof path, "%s/%s", od->dir, name);
        if (cs_image_write_gif(path, frames, nf, g.w, g.h, delay) != CS_OK) {
            fprintf(stderr, "convscope export: %s\n", cs_last_error());
            status = 1;
        } else {
            printf("%s  %dx%d, %d frames\n", path, g.w, g.h, nf);
            od->written++;
        }
        free(frames);
        if (status) break;

        int ns = cs_export_pick(n, strip_frames, pick);
        uint8_t *strip_frames_rgb = malloc(frame_bytes * (size_t)ns);
        const uint8_t **ptrs = malloc((size_t)ns * sizeof *ptrs);
        cs_export_style strip_st = st;
        strip_st.gap = 3 * st.gap; /* frames stand apart from the tiles inside them */
        const cs_export_grid sg = cs_export_filmstrip_layout(ns, g.w, g.h, &strip_st);
        uint8_t *strip = malloc((size_t)sg.w * sg.h * 3);
        if (!strip_frames_rgb || !ptrs || !strip) status = out_of_memory();
        else {
            for (int f = 0; f < ns; f++) {
                ptrs[f] = strip_frames_rgb + (size_t)f * frame_bytes;
                cs_export_kernels(strip_frames_rgb + (size_t)f * frame_bytes, &g, cs_history_kernels(h, pick[f], j, NULL),
                                  cv->oc, cv->c, cv->k, CS_CMAP_RDBU, r, &st);
            }
            cs_export_filmstrip(strip, &sg, ptrs, ns, &strip_st);
            snprintf(name, sizeof name, "%s_filmstrip_step%07lld-%07lld.png", L->name, first, last);
            status = write_png(od, name, strip, sg.w, sg.h);
        }
        free(strip_frames_rgb);
        free(ptrs);
        free(strip);
    }
    free(pick);
    return status;
}

static void wrote(void *ctx, const char *path, int w, int h)
{
    out_dir *od = ctx;
    printf("%s  %dx%d\n", path, w, h);
    od->written++;
}

/* The recipe's pictures of the checkpoint's weights: the kernels, and with pixels (the net's
 * input as cs_dataset_fill_batch makes it) the input and every layer's maps. */
static int export_snapshot(out_dir *od, const cs_checkpoint *ck, const float *pixels)
{
    cs_inspect *ins = NULL;
    cs_snapshot s;
    int have_snap = 0;
    float *zero = NULL;
    cs_status st = cs_inspect_create(&ins, ck->spec);
    if (!st && !(st = cs_snapshot_init(&s, ck->net))) have_snap = 1;
    const cs_net *net = ck->net;
    if (!st && !pixels && !(pixels = zero = calloc((size_t)net->in_c * net->in_h * net->in_w, sizeof(float))))
        st = cs_fail(CS_ERR_NOMEM, "out of memory");
    if (!st) {
        cs_inspect_capture(ins, net->params, pixels, &s);
        const cs_export_request rq = {od->dir, (long long)ck->step, (long long)ck->step, zero == NULL, "input.png",
                                      wrote, od};
        st = cs_export_pictures(&s, &rq);
    }
    if (st) fprintf(stderr, "convscope export: %s\n", cs_last_error());
    free(zero);
    if (have_snap) cs_snapshot_free(&s);
    cs_inspect_destroy(ins);
    return st ? 1 : 0;
}

/* The image's pixels as the net sees them, from a file (--image) or test image n of the data the
 * checkpoint was trained on (--probe, loaded as that run loads it); *pixels is the caller's. */
static int probe_pixels(const cs_checkpoint *ck, const char *load, const char *image, int n, float **pixels)
{
    const cs_net *net = ck->net;
    if (!(*pixels = calloc((size_t)net->in_c * net->in_h * net->in_w, sizeof(float)))) return out_of_memory();
    if (image) {
        cs_dataset one;
        if (cs_image_load_as_dataset(image, net->in_c, net->in_h, net->in_w, &one) != CS_OK) {
            fprintf(stderr, "convscope export: %s\n", cs_last_error());
            return 1;
        }
        const int first = 0;
        cs_dataset_fill_batch(&one, &first, 1, *pixels, NULL);
        cs_dataset_free(&one);
        return 0;
    }
    if (!ck->source_dataset) {
        fprintf(stderr, "convscope export: the checkpoint does not record its dataset; use --image\n");
        return 1;
    }
    cs_run_spec spec;
    cs_run_spec_defaults(&spec);
    spec.load = load;
    cs_run *run;
    if (cs_run_open(&run, &spec) != CS_OK) {
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
        return 1;
    }
    int status = 0;
    if (n >= run->test.n) {
        fprintf(stderr, "convscope export: --probe %d: %s has only %d test images\n", n, run->dataset_name, run->test.n);
        status = 1;
    } else {
        cs_run_set_probe(run, n);
        printf("probe: test image %d of %s, class %s\n", n, run->dataset_name, run->test.class_names[run->probe_label]);
        memcpy(*pixels, run->probe_pixels, (size_t)net->in_c * net->in_h * net->in_w * sizeof(float));
    }
    cs_run_close(run);
    return status;
}

int cs_cmd_export(int argc, char **argv)
{
    const char *load = NULL, *image = NULL, *out = NULL, *onnx = NULL;
    int probe = -1, frames = 100, strip = 8, delay = 10;
    static const struct option longopts[] = {
        {"load", required_argument, 0, 'l'},  {"image", required_argument, 0, 'i'},
        {"probe", required_argument, 0, 'p'}, {"out", required_argument, 0, 'o'},
        {"frames", required_argument, 0, 'f'}, {"strip", required_argument, 0, 's'},
        {"delay", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'},
        {"onnx", required_argument, 0, 'x'},
        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int ok = 1;
        switch (ch) {
        case 'l': load = optarg; break;
        case 'i': image = optarg; break;
        case 'o': out = optarg; break;
        case 'x': onnx = optarg; break;
        case 'p': ok = cs_cli_int(optarg, 0, 100000000, &probe); break;
        case 'f': ok = cs_cli_int(optarg, 1, 10000, &frames); break;
        case 's': ok = cs_cli_int(optarg, 1, 100, &strip); break;
        case 'd': ok = cs_cli_int(optarg, 1, 6000, &delay); break;
        case 'h': export_usage(stdout); return 0;
        default: return cs_cli_bad_option("export", argc, argv, ch, export_usage);
        }
        if (!ok) return cs_cli_bad_value("export", argv[optind - 1], optarg, export_usage);
    }
    if (optind < argc) return cs_cli_bad_value("export", "argument", argv[optind], export_usage);
    if (!load || (!out && !onnx)) {
        fprintf(stderr, "convscope export: --load and --out (or --onnx) are required\n\n");
        export_usage(stderr);
        return 2;
    }
    if (image && probe >= 0) {
        fprintf(stderr, "convscope export: give --image or --probe, not both\n\n");
        export_usage(stderr);
        return 2;
    }
    cs_checkpoint ck;
    if (cs_checkpoint_read(load, &ck) != CS_OK) {
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
        return 1;
    }
    if (onnx) {
#ifdef CS_HAVE_ONNX
        const cs_status st = cs_onnx_export(ck.net, onnx);
        if (st) fprintf(stderr, "convscope export: %s\n", cs_last_error());
        else fprintf(stderr, "convscope export: wrote %s\n", onnx);
#else
        const cs_status st = cs_fail(CS_ERR_ARG, "this build has no ONNX support (meson -Donnx=enabled)");
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
#endif
        if (st || !out) {
            cs_checkpoint_free(&ck);
            return st ? 1 : 0;
        }
    }
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "convscope export: cannot create %s (%s)\n", out, strerror(errno));
        cs_checkpoint_free(&ck);
        return 1;
    }
    out_dir od = {out, 0};
    float *pixels = NULL;
    int status = image || probe >= 0 ? probe_pixels(&ck, load, image, probe, &pixels) : 0;
    if (!status) status = export_snapshot(&od, &ck, pixels);
    if (!status) status = export_evolution(&od, &ck, frames, strip, delay);
    free(pixels);
    if (!status && !image && probe < 0)
        fprintf(stderr, "convscope export: note: no --image or --probe, so no activation maps\n");
    if (!status) fprintf(stderr, "convscope export: %d files in %s\n", od.written, out);
    cs_checkpoint_free(&ck);
    return status;
}
