/* cmd_export.c - `convscope export`: pictures of a checkpoint for slides, no window needed:
 * every conv layer's kernels and every layer's activation maps for one image, labelled (the
 * export recipe cs_export_pictures, which the window's export key uses too), at the checkpoint's
 * step or, with --step, at the nearest recorded step, rebuilt from the history as the window's
 * timeline does (cs_replay); and the evolution of every conv layer's kernels over the recorded
 * history as an animated GIF and a filmstrip PNG. All colours come from cs_colormap, as in the
 * window. */
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
#include "cs_replay.h"
#include "cs_step_layout.h"
#include "cs_run.h"
#ifdef CS_HAVE_ONNX
#include "cs_onnx.h"
#endif

static void export_usage(FILE *f)
{
    fprintf(f, "usage: convscope export --load CKPT [--image PATH | --probe N] [--step N] --out DIR [OPTIONS]\n"
               "       convscope export --model FILE.onnx [--image PATH | --dataset D --probe N] --out DIR\n"
               "       convscope export --load CKPT --onnx OUT.onnx\n\n"
               "Writes pictures of a saved run into DIR (created if missing), each with a title (layer and\n"
               "step), what it shows and a colour bar with numbers; names say the layer and step:\n"
               "  LAYER_kernels_stepS.png        every conv layer's kernels (one row per filter; an RGB\n"
               "                                 net's first layer as colour tiles, as in the window)\n"
               "  LAYER_maps_stepS.png           every layer's activation maps for the chosen image\n"
               "  input.png                      that image as the net sees it\n"
               "  LAYER_evolution_stepA-B.gif    the kernels over the recorded history, animated\n"
               "  LAYER_filmstrip_stepA-B.png    the same as a row of frames\n\n"
               "  --load CKPT     a checkpoint written by 'convscope train --save' (or the window)\n"
               "  --model FILE    an ONNX model instead: the pictures of its weights (no history, so\n"
               "                  no evolution); --dataset D gives --probe its test set\n"
               "  --step N        the net at recorded step N (the nearest one the history kept) instead\n"
               "                  of the checkpoint's last step: its kernels, and its maps of the image;\n"
               "                  --step 0 gives the pictures of the run's initial weights. Writes the\n"
               "                  pictures of that step only (no evolution)\n"
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

/* A layer's kernels of one record as a picture (colour tiles for an RGB first layer). */
static void draw_record_kernels(uint8_t *rgb, const cs_export_grid *g, const cs_history *h, size_t i, int j, int rgb_tiles,
                                cs_value_range r, const cs_export_style *st)
{
    const cs_history_conv *cv = cs_history_conv_at(h, j);
    const float *w = cs_history_kernels(h, i, j, NULL);
    if (rgb_tiles) cs_export_kernels_rgb(rgb, g, w, cv->oc, cv->k, r, st);
    else cs_export_kernels(rgb, g, w, cv->oc, cv->c, cv->k, CS_CMAP_RDBU, r, st);
}

/* The animated GIF of one layer: each frame titled with its step (solid text keeps the palette). */
static int write_gif(out_dir *od, const cs_checkpoint *ck, int j, int rgb_tiles, const size_t *pick, int nf,
                     cs_value_range r, const cs_export_fonts *fonts, int delay)
{
    const cs_history *h = ck->history;
    const cs_history_conv *cv = cs_history_conv_at(h, j);
    cs_export_style st;
    cs_export_style_defaults(&st);
    st.scale = cs_export_readable_scale(cv->k, CS_EXPORT_KERNEL_PX);
    const cs_export_grid g = rgb_tiles ? cs_export_kernel_rgb_layout(cv->oc, cv->k, &st)
                                       : cs_export_kernel_layout(cv->oc, cv->c, cv->k, &st);
    char lo[40], hi[40], sub[200], title[160], step[32];
    cs_step_fmt(lo, sizeof lo, r.lo), cs_step_fmt(hi, sizeof hi, r.hi);
    snprintf(sub, sizeof sub, "%s: one range for every frame, %s (blue) to %s (red)%s", ck->net->layers[cv->layer].name,
             lo, hi, rgb_tiles ? ", each of R, G, B" : "");
    const cs_export_caption cap0 = {"step 0,000,000", sub, CS_EXPORT_BAR_NONE, CS_CMAP_RDBU, r, NULL};
    const cs_export_slide L = cs_export_slide_layout(g.w, g.h, &cap0, fonts);
    const size_t frame_bytes = (size_t)L.w * L.h * 3;
    uint8_t *frames = malloc(frame_bytes * (size_t)nf), *tiles = malloc((size_t)g.w * g.h * 3);
    if (!frames || !tiles) {
        free(frames), free(tiles);
        return out_of_memory();
    }
    static const uint8_t ink[3] = {240, 240, 240}, dim[3] = {185, 185, 185};
    for (int f = 0; f < nf; f++) {
        uint8_t *fr = frames + (size_t)f * frame_bytes;
        for (size_t i = 0; i < (size_t)L.w * L.h; i++) memcpy(fr + 3 * i, st.background, 3);
        draw_record_kernels(tiles, &g, h, pick[f], j, rgb_tiles, r, &st);
        for (int y = 0; y < g.h; y++)
            memcpy(fr + 3 * ((size_t)(L.content_y + y) * L.w + L.content_x), tiles + 3 * (size_t)y * g.w, 3 * (size_t)g.w);
        cs_export_step_text(step, sizeof step, (long long)cs_history_meta_at(h, pick[f])->step);
        snprintf(title, sizeof title, "%s kernels \u00B7 step %s", ck->net->layers[cv->layer].name, step);
        cs_label_draw_solid(fonts->title, fr, L.w, L.h, L.title_x, L.title_y, title, ink);
        cs_label_draw_solid(fonts->small, fr, L.w, L.h, L.sub_x, L.sub_y, sub, dim);
    }
    free(tiles);
    char name[160], path[4096];
    snprintf(name, sizeof name, "%s_evolution_step%07lld-%07lld.gif", ck->net->layers[cv->layer].name,
             (long long)cs_history_meta_at(h, 0)->step, (long long)cs_history_meta_at(h, cs_history_count(h) - 1)->step);
    snprintf(path, sizeof path, "%s/%s", od->dir, name);
    int status = 0;
    if (cs_image_write_gif(path, frames, nf, L.w, L.h, delay) != CS_OK) {
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
        status = 1;
    } else {
        printf("%s  %dx%d, %d frames\n", path, L.w, L.h, nf);
        od->written++;
    }
    free(frames);
    return status;
}

/* The filmstrip of one layer: frames in a row, each with its step under it, as a slide. */
static int write_filmstrip(out_dir *od, const cs_checkpoint *ck, int j, int rgb_tiles, const size_t *pick, int ns,
                           cs_value_range r, const cs_export_fonts *fonts)
{
    const cs_history *h = ck->history;
    const cs_history_conv *cv = cs_history_conv_at(h, j);
    const char *lname = ck->net->layers[cv->layer].name;
    cs_export_style st;
    cs_export_style_defaults(&st);
    st.scale = cs_export_readable_scale(cv->k, CS_EXPORT_KERNEL_PX);
    const cs_export_grid g = rgb_tiles ? cs_export_kernel_rgb_layout(cv->oc, cv->k, &st)
                                       : cs_export_kernel_layout(cv->oc, cv->c, cv->k, &st);
    const size_t frame_bytes = (size_t)g.w * g.h * 3;
    cs_export_style strip_st = st;
    strip_st.gap = 3 * st.gap; /* frames stand apart from the tiles inside them */
    const cs_export_grid sg = cs_export_filmstrip_layout(ns, g.w, g.h, &strip_st);
    const int lh = cs_label_line_height(fonts->small), ch = sg.h + lh + 4;
    uint8_t *frames = malloc(frame_bytes * (size_t)ns), *content = malloc((size_t)sg.w * ch * 3);
    const uint8_t **ptrs = malloc((size_t)ns * sizeof *ptrs);
    if (!frames || !content || !ptrs) {
        free(frames), free(content), free(ptrs);
        return out_of_memory();
    }
    for (int f = 0; f < ns; f++) {
        ptrs[f] = frames + (size_t)f * frame_bytes;
        draw_record_kernels(frames + (size_t)f * frame_bytes, &g, h, pick[f], j, rgb_tiles, r, &st);
    }
    for (size_t i = 0; i < (size_t)sg.w * ch; i++) memcpy(content + 3 * i, st.background, 3);
    cs_export_filmstrip(content, &sg, ptrs, ns, &strip_st);
    static const uint8_t ink[3] = {240, 240, 240};
    char step[32], title[200], sub[200];
    for (int f = 0; f < ns; f++) {
        int x, y;
        cs_export_tile_origin(&sg, strip_st.gap, f, &x, &y);
        cs_export_step_text(step, sizeof step, (long long)cs_history_meta_at(h, pick[f])->step);
        const int tw = cs_label_width(fonts->small, step);
        cs_label_draw(fonts->small, content, sg.w, ch, x + (g.w - tw) / 2, sg.h, step, ink);
    }
    free(frames), free(ptrs);
    const long long first = (long long)cs_history_meta_at(h, 0)->step;
    const long long last = (long long)cs_history_meta_at(h, cs_history_count(h) - 1)->step;
    char a[32], b[32];
    cs_export_step_text(a, sizeof a, first), cs_export_step_text(b, sizeof b, last);
    snprintf(title, sizeof title, "%s kernels over training \u00B7 steps %s to %s", lname, a, b);
    snprintf(sub, sizeof sub, "%d of the %zu recorded steps, picked evenly; one colour range for every frame", ns,
             cs_history_count(h));
    const cs_export_caption cap = {title, sub, rgb_tiles ? CS_EXPORT_BAR_RGB : CS_EXPORT_BAR_CMAP, CS_CMAP_RDBU, r,
                                   rgb_tiles ? "each of R, G, B" : "weights"};
    uint8_t *slide;
    cs_export_slide L;
    const cs_status cst = cs_export_slide_draw(&slide, &L, content, sg.w, ch, &cap, fonts);
    free(content);
    if (cst) {
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
        return 1;
    }
    char name[160];
    snprintf(name, sizeof name, "%s_filmstrip_step%07lld-%07lld.png", lname, first, last);
    const int status = write_png(od, name, slide, L.w, L.h);
    free(slide);
    return status;
}

/* Whether history layer j is drawn as colour tiles: the first conv layer of an RGB input. */
static int rgb_history_layer(const cs_checkpoint *ck, int j)
{
    const cs_history_conv *cv = cs_history_conv_at(ck->history, j);
    return j == 0 && cv->c == 3 && ck->net->in_c == 3;
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
    cs_export_fonts fonts;
    if (cs_export_fonts_open(&fonts) != CS_OK) {
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
        free(pick);
        return 1;
    }
    int status = 0;
    for (int j = 0; j < cs_history_conv_count(h) && !status; j++) {
        const cs_history_conv *cv = cs_history_conv_at(h, j);
        const size_t wn = (size_t)cv->oc * cv->c * cv->k * cv->k;
        /* one symmetric range over the whole history, so colours compare across frames */
        cs_value_range r = cs_value_range_of(cs_history_kernels(h, 0, j, NULL), wn, 1);
        for (size_t i = 1; i < n; i++) r = cs_value_range_union(r, cs_value_range_of(cs_history_kernels(h, i, j, NULL), wn, 1));
        const int rgb_tiles = rgb_history_layer(ck, j);
        const int nf = cs_export_pick(n, max_frames, pick);
        status = write_gif(od, ck, j, rgb_tiles, pick, nf, r, &fonts, delay);
        if (!status) {
            const int ns = cs_export_pick(n, strip_frames, pick);
            status = write_filmstrip(od, ck, j, rgb_tiles, pick, ns, r, &fonts);
        }
    }
    cs_export_fonts_close(&fonts);
    free(pick);
    return status;
}

static void wrote(void *ctx, const char *path, int w, int h)
{
    out_dir *od = ctx;
    printf("%s  %dx%d\n", path, w, h);
    od->written++;
}

/* The history's record nearest to step (the earlier one on a tie). */
static size_t nearest_record(const cs_history *h, long long step)
{
    size_t i = cs_history_find_step(h, step);
    if (i + 1 < cs_history_count(h) &&
        cs_history_meta_at(h, i + 1)->step - step < step - cs_history_meta_at(h, i)->step)
        i++;
    return i;
}

/* The recipe's pictures of the checkpoint's weights, or of recorded step `step` (>= 0): the
 * kernels, and with pixels (the net's input as cs_dataset_fill_batch makes it) the input and
 * every layer's maps. note names where the image came from. */
static int export_snapshot(out_dir *od, const cs_checkpoint *ck, const float *pixels, const char *note, long long step)
{
    cs_inspect *ins = NULL;
    cs_snapshot base, rec;
    int have_base = 0, have_rec = 0, maps = pixels != NULL;
    float *zero = NULL;
    const cs_net *net = ck->net;
    cs_status st = cs_inspect_create(&ins, ck->spec);
    if (!st && !(st = cs_snapshot_init(&base, net))) have_base = 1;
    if (!st && !(st = cs_snapshot_init(&rec, net))) have_rec = 1;
    if (!st && !pixels && !(pixels = zero = calloc((size_t)net->in_c * net->in_h * net->in_w, sizeof(float))))
        st = cs_fail(CS_ERR_NOMEM, "out of memory");
    if (!st) {
        cs_inspect_capture(ins, net->params, pixels, &base);
        base.step = base.live_step = (long)ck->step;
        base.probe_label = -1, base.loss_kind = ck->cfg.loss;
        snprintf(base.probe_note, sizeof base.probe_note, "%s", note ? note : "");
    }
    const cs_snapshot *s = &base;
    if (!st && step >= 0) {
        const cs_history *h = ck->history;
        if (!h || cs_history_count(h) == 0) {
            st = cs_fail(CS_ERR_ARG, "--step %lld: the checkpoint has no history to take a step from", step);
        } else {
            const size_t i = nearest_record(h, step);
            const cs_replay_record r = cs_replay_record_at(h, i);
            cs_replay_snapshot(&rec, &base, ins, &r);
            s = &rec;
            if (rec.step != step)
                fprintf(stderr, "convscope export: note: step %lld is not recorded; the nearest recorded step is %ld\n",
                        step, rec.step);
            if (rec.record_kernels_only && maps) {
                fprintf(stderr, "convscope export: note: this checkpoint's history (format version 1) holds the "
                                "kernels only: no maps for step %ld\n", rec.step);
                maps = 0;
            }
        }
    }
    if (!st) {
        const cs_export_request rq = {od->dir, (long long)s->step, maps, "input.png", wrote, od};
        st = cs_export_pictures(s, &rq);
    }
    if (st) fprintf(stderr, "convscope export: %s\n", cs_last_error());
    free(zero);
    if (have_base) cs_snapshot_free(&base);
    if (have_rec) cs_snapshot_free(&rec);
    cs_inspect_destroy(ins);
    return st ? 1 : 0;
}

/* The image's pixels as the net sees them, from a file (--image) or test image n of the data the
 * checkpoint was trained on (--probe, loaded as that run loads it; data opens that run, NULL when
 * there is none); *pixels is the caller's. */
static int probe_pixels(const cs_checkpoint *ck, const cs_run_spec *data, const char *image, int n, float **pixels,
                        char *note, size_t size)
{
    const cs_net *net = ck->net;
    if (!(*pixels = calloc((size_t)net->in_c * net->in_h * net->in_w, sizeof(float)))) return out_of_memory();
    if (image) {
        cs_dataset one;
        if (cs_run_load_probe_file(image, net->in_c, net->in_h, net->in_w, &one, note, size, NULL, 0) != CS_OK) {
            fprintf(stderr, "convscope export: %s\n", cs_last_error());
            return 1;
        }
        const int first = 0;
        cs_dataset_fill_batch(&one, &first, 1, *pixels, NULL);
        cs_dataset_free(&one);
        return 0;
    }
    cs_run *run;
    if (cs_run_open(&run, data) != CS_OK) {
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
        return 1;
    }
    int status = 0;
    if (n >= run->test.n) {
        fprintf(stderr, "convscope export: --probe %d: %s has only %d test images (0..%d)\n", n, run->dataset_name, run->test.n, run->test.n - 1);
        status = 1;
    } else {
        cs_run_set_probe(run, n);
        printf("probe: test image %d of %s, class %s\n", n, run->dataset_name, run->test.class_names[run->probe_label]);
        snprintf(note, size, "%s", run->probe_note);
        memcpy(*pixels, run->probe_pixels, (size_t)net->in_c * net->in_h * net->in_w * sizeof(float));
    }
    cs_run_close(run);
    return status;
}

/* A model file as the source of the pictures: its net with its weights at step 0 and no history,
 * in a checkpoint's shape (owned by *ck: free with cs_checkpoint_free). */
static cs_status model_source(const char *path, cs_checkpoint *ck)
{
    memset(ck, 0, sizeof *ck);
#ifdef CS_HAVE_ONNX
    cs_onnx_model m;
    cs_status st = cs_onnx_import(&m, path, NULL);
    if (st) return st;
    if (!(ck->spec = strdup(m.spec))) st = cs_fail(CS_ERR_NOMEM, "out of memory");
    if (!st) st = cs_onnx_net_create(&ck->net, &m, 1, 1);
    if (!st) printf("%s imported as '%s'\n", path, m.spec);
    cs_onnx_model_free(&m);
    if (st) cs_checkpoint_free(ck);
    return st;
#else
    return cs_fail(CS_ERR_ARG, "%s: this build has no ONNX support (meson -Donnx=enabled)", path);
#endif
}

typedef struct {
    const char *load, *model, *dataset, *image, *out, *onnx; /* borrowed from argv */
    int probe, frames, strip, delay;
    long long step;
} export_options;

static int usage_error(const char *msg)
{
    fprintf(stderr, "convscope export: %s\n\n", msg);
    export_usage(stderr);
    return 2;
}

/* argv into *o; -1 to go on, else the exit status (help, a usage error). */
static int parse_options(int argc, char **argv, export_options *o)
{
    *o = (export_options){.probe = -1, .frames = 100, .strip = 8, .delay = 10, .step = -1};
    static const struct option longopts[] = {
        {"load", required_argument, 0, 'l'},  {"image", required_argument, 0, 'i'},
        {"probe", required_argument, 0, 'p'}, {"out", required_argument, 0, 'o'},
        {"frames", required_argument, 0, 'f'}, {"strip", required_argument, 0, 's'},
        {"delay", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'},
        {"onnx", required_argument, 0, 'x'}, {"step", required_argument, 0, 't'},
        {"model", required_argument, 0, 'm'}, {"dataset", required_argument, 0, 'D'},
        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int ch, li = -1, v;
    while ((ch = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
        int ok = 1;
        switch (ch) {
        case 'l': o->load = optarg; break;
        case 'm': o->model = optarg; break;
        case 'D': o->dataset = optarg; break;
        case 'i': o->image = optarg; break;
        case 'o': o->out = optarg; break;
        case 'x': o->onnx = optarg; break;
        case 'p': ok = cs_cli_int(optarg, 0, 100000000, &o->probe); break;
        case 'f': ok = cs_cli_int(optarg, 1, 10000, &o->frames); break;
        case 's': ok = cs_cli_int(optarg, 1, 100, &o->strip); break;
        case 'd': ok = cs_cli_int(optarg, 1, 6000, &o->delay); break;
        case 't': ok = cs_cli_int(optarg, 0, 2000000000, &v), o->step = v; break;
        case 'h': export_usage(stdout); return 0;
        default: return cs_cli_bad_option("export", argc, argv, ch, export_usage);
        }
        if (!ok) return cs_cli_bad_value("export", li >= 0 ? longopts[li].name : argv[optind - 1], optarg, export_usage);
        li = -1;
    }
    if (optind < argc) return cs_cli_bad_value("export", "argument", argv[optind], export_usage);
    if (o->load && o->model) return usage_error("give --load or --model, not both");
    if ((!o->load && !o->model) || (!o->out && !o->onnx))
        return usage_error("--load (or --model) and --out (or --onnx) are required");
    if (o->image && o->probe >= 0) return usage_error("give --image or --probe, not both");
    if (o->model && o->step >= 0) return usage_error("--step needs a checkpoint's history; a model has none");
    if (o->dataset && !o->model) return usage_error("--dataset goes with --model; a checkpoint records its own");
    return -1;
}

/* --onnx: the net with its weights; 0 or 1. */
static int write_onnx(const cs_checkpoint *ck, const char *path)
{
#ifdef CS_HAVE_ONNX
    const cs_status st = cs_onnx_export(ck->net, path);
    if (st) fprintf(stderr, "convscope export: %s\n", cs_last_error());
    else fprintf(stderr, "convscope export: wrote %s\n", path);
#else
    (void)ck, (void)path;
    const cs_status st = cs_fail(CS_ERR_ARG, "this build has no ONNX support (meson -Donnx=enabled)");
    fprintf(stderr, "convscope export: %s\n", cs_last_error());
#endif
    return st ? 1 : 0;
}

/* --out: the pictures of ck (and of its image) into o->out; the exit status. */
static int write_pictures(const export_options *o, const cs_checkpoint *ck)
{
    /* the run that gives --probe its test image: the checkpoint's, or the model's on --dataset */
    cs_run_spec data;
    cs_run_spec_defaults(&data);
    data.load = o->load, data.model = o->model, data.dataset = o->dataset;
    if (o->probe >= 0 && !(o->model ? o->dataset != NULL : ck->source_dataset != NULL)) {
        fprintf(stderr, "convscope export: %s\n", o->model ? "--probe with --model needs --dataset (or use --image)"
                                                           : "the checkpoint does not record its dataset; use --image");
        return 1;
    }
    if (mkdir(o->out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "convscope export: cannot create %s (%s)\n", o->out, strerror(errno));
        return 1;
    }
    out_dir od = {o->out, 0};
    float *pixels = NULL;
    char note[256] = "";
    const int image = o->image || o->probe >= 0;
    int status = image ? probe_pixels(ck, &data, o->image, o->probe, &pixels, note, sizeof note) : 0;
    if (!status) status = export_snapshot(&od, ck, pixels, note, o->step);
    /* the evolution is the whole run's: not part of one step's pictures */
    if (!status && o->step < 0 && !o->model) status = export_evolution(&od, ck, o->frames, o->strip, o->delay);
    free(pixels);
    if (!status && od.written == 0) {
        /* a net of fully connected layers has no kernels to draw: only maps, which need an image */
        fprintf(stderr, "convscope export: nothing to draw: the net has no conv layers (no kernel pictures); "
                        "give --image or --probe for its activation maps\n");
        status = 1;
    } else if (!status && !image) {
        fprintf(stderr, "convscope export: note: no --image or --probe, so no activation maps\n");
    }
    if (!status) fprintf(stderr, "convscope export: %d files in %s\n", od.written, o->out);
    return status;
}

int cs_cmd_export(int argc, char **argv)
{
    export_options o;
    const int r = parse_options(argc, argv, &o);
    if (r >= 0) return r;
    cs_checkpoint ck;
    if ((o.model ? model_source(o.model, &ck) : cs_checkpoint_read(o.load, &ck)) != CS_OK) {
        fprintf(stderr, "convscope export: %s\n", cs_last_error());
        return 1;
    }
    int status = o.onnx ? write_onnx(&ck, o.onnx) : 0;
    if (!status && o.out) status = write_pictures(&o, &ck);
    cs_checkpoint_free(&ck);
    return status;
}
