/* cmd_export.c - `convscope export`: pictures of a checkpoint for slides, no window needed:
 * every conv layer's kernels as a PNG grid, every layer's activation maps for one image, and
 * the evolution of every conv layer's kernels over the recorded history as an animated GIF
 * and a filmstrip PNG. All colours come from cs_colormap, as in the window. */
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
#include "run_options.h"
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

/* The kernels of conv layer L (weights w) as a grid; *g gets the layout. Caller frees. */
static uint8_t *kernel_picture(const cs_layer *L, const float *w, cs_value_range r, const cs_export_style *st,
                               cs_export_grid *g)
{
    *g = cs_export_kernel_layout(L->out_c, L->in_c, L->k, st);
    uint8_t *rgb = malloc((size_t)g->w * g->h * 3);
    if (rgb) cs_export_kernels(rgb, g, w, L->out_c, L->in_c, L->k, CS_CMAP_RDBU, r, st);
    return rgb;
}

static int export_kernels(out_dir *od, const cs_checkpoint *ck)
{
    const cs_net *net = ck->net;
    for (int l = 0; l < net->n_layers; l++) {
        const cs_layer *L = &net->layers[l];
        if (L->kind != CS_LAYER_CONV) continue;
        cs_export_style st;
        cs_export_style_defaults(&st);
        st.scale = cs_export_readable_scale(L->k, 40);
        cs_export_grid g;
        uint8_t *rgb = kernel_picture(L, L->w, cs_value_range_of(L->w, L->w_count, 1), &st, &g);
        if (!rgb) return out_of_memory();
        char name[128];
        snprintf(name, sizeof name, "%s_kernels_step%07lld.png", L->name, (long long)ck->step);
        int bad = write_png(od, name, rgb, g.w, g.h);
        free(rgb);
        if (bad) return 1;
    }
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

/* Runs image 0 of `one` (already the net's input shape) through the net and writes the
 * input and every layer's maps. */
static int export_maps(out_dir *od, const cs_checkpoint *ck, const cs_dataset *one, int index)
{
    cs_net *net = ck->net;
    cs_dataset_fill_batch(one, &index, 1, net->input, NULL);
    cs_net_forward(net, 1);
    cs_export_style st;
    cs_export_style_defaults(&st);
    /* the input as the net sees it: a colour image stays colour, gray goes through the gray map */
    st.scale = cs_export_readable_scale(net->in_h, 112);
    const size_t plane = (size_t)net->in_h * net->in_w;
    const int iw = net->in_w * st.scale, ih = net->in_h * st.scale;
    uint8_t *rgb = malloc((size_t)iw * ih * 3);
    if (!rgb) return out_of_memory();
    for (int y = 0; y < ih; y++)
        for (int x = 0; x < iw; x++) {
            const size_t src = (size_t)(y / st.scale) * net->in_w + (size_t)(x / st.scale);
            uint8_t *px = rgb + 3 * ((size_t)y * iw + x);
            if (net->in_c == 3)
                for (int ch = 0; ch < 3; ch++) px[ch] = one->pixels[(size_t)index * 3 * plane + ch * plane + src];
            else cs_colormap_rgb(CS_CMAP_GRAY, (cs_value_range){0.0f, 1.0f}, net->input[src], px);
        }
    int status = write_png(od, "input.png", rgb, iw, ih);
    free(rgb);
    for (int l = 0; l < net->n_layers && !status; l++) {
        const cs_layer *L = &net->layers[l];
        const float *maps = cs_net_layer_output(net, l, 0);
        const size_t count = (size_t)L->out_c * L->out_h * L->out_w;
        /* flat outputs (fc, softmax) are drawn as one row of cells */
        const int c = L->out_h * L->out_w == 1 ? 1 : L->out_c, h = L->out_h, w = L->out_h * L->out_w == 1 ? L->out_c : L->out_w;
        st.scale = cs_export_readable_scale(h > w ? h : w, 56);
        if (c == 1 && h == 1) st.scale = 24;
        const cs_export_grid g = cs_export_maps_layout(c, h, w, &st);
        rgb = malloc((size_t)g.w * g.h * 3);
        if (!rgb) return out_of_memory();
        cs_export_maps(rgb, &g, maps, c, h, w, CS_CMAP_VIRIDIS, cs_value_range_of(maps, count, 0), &st);
        char name[128];
        snprintf(name, sizeof name, "%s_maps_step%07lld.png", L->name, (long long)ck->step);
        status = write_png(od, name, rgb, g.w, g.h);
        free(rgb);
    }
    return status;
}

/* Loads the dataset recorded in the checkpoint as training would, and picks test image n. */
static int export_probe(out_dir *od, const cs_checkpoint *ck, int n)
{
    if (!ck->source_dataset) {
        fprintf(stderr, "convscope export: the checkpoint does not record its dataset; use --image\n");
        return 1;
    }
    cs_run_options o;
    cs_run_options_defaults(&o);
    o.dataset = ck->source_dataset;
    o.data_dir = ck->source_data_dir;
    o.limit = ck->source_limit;
    o.net = ck->spec;
    o.cfg = ck->cfg;
    cs_run run;
    if (cs_run_prepare(&run, &o) != CS_OK) {
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
        return 1;
    }
    int status;
    if (n >= run.test.n) {
        fprintf(stderr, "convscope export: --probe %d: %s has only %d test images\n", n, run.dataset_name, run.test.n);
        status = 1;
    } else {
        printf("probe: test image %d of %s, class %s\n", n, run.dataset_name, run.test.class_names[run.test.labels[n]]);
        status = export_maps(od, ck, &run.test, n);
    }
    cs_run_free(&run);
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
    int status = export_kernels(&od, &ck);
    if (!status) status = export_evolution(&od, &ck, frames, strip, delay);
    if (!status && image) {
        cs_dataset one;
        if (cs_image_load_as_dataset(image, ck.net->in_c, ck.net->in_h, ck.net->in_w, &one) != CS_OK) {
            fprintf(stderr, "convscope export: %s\n", cs_last_error());
            status = 1;
        } else {
            status = export_maps(&od, &ck, &one, 0);
            cs_dataset_free(&one);
        }
    }
    if (!status && probe >= 0) status = export_probe(&od, &ck, probe);
    if (!status && !image && probe < 0)
        fprintf(stderr, "convscope export: note: no --image or --probe, so no activation maps\n");
    if (!status) fprintf(stderr, "convscope export: %d files in %s\n", od.written, out);
    cs_checkpoint_free(&ck);
    return status;
}
