/* test_export.c - exported pictures: grid layouts and colours from the shared colormap, PNGs
 * and animated GIFs that decode with the expected sizes, frame counts and pixels (and file modes
 * that follow the umask), even picks of frames, loading an image file as a net input, labels
 * drawn with the project's fonts, slides (title, subtitle, colour bar with numbers), and the
 * export recipe that `convscope export` and the window share (its files, sizes for slides, an
 * RGB layer as the window's colour tiles, labels with layer and step, and an input picture whose
 * pixels are the image's bytes). */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <gif_lib.h>

#include "cs_colormap.h"
#include "cs_export.h"
#include "cs_image.h"
#include "cs_imageio.h"
#include "cs_inspect.h"
#include "cs_rng.h"

/* The RGB pixels of an image file (caller frees), through the project's own decoder. */
static unsigned char *load_rgb(const char *path, int *w, int *h)
{
    cs_image img;
    if (cs_image_read(&img, path, 3, NULL) != CS_OK) {
        fprintf(stderr, "%s\n", cs_last_error());
        return NULL;
    }
    *w = img.w, *h = img.h;
    return img.px;
}

typedef struct {
    char dir[200];
    char path[300];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/cs-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    static const char *const names[] = {"k.png", "a.gif", "many.gif", "in.png", "strip.png"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", f->dir, names[i]);
        remove(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void test_layouts(void **state)
{
    (void)state;
    cs_export_style st;
    cs_export_style_defaults(&st);
    st.scale = 8;
    /* 16 filters of 8 channels, 5x5: one row per filter */
    cs_export_grid g = cs_export_kernel_layout(16, 8, 5, &st);
    assert_int_equal(g.cols, 8);
    assert_int_equal(g.rows, 16);
    assert_int_equal(g.w, 2 + 8 * (40 + 2));
    assert_int_equal(g.h, 2 + 16 * (40 + 2));
    /* 8 single-channel filters wrap into 3 x 3 */
    g = cs_export_kernel_layout(8, 1, 5, &st);
    assert_int_equal(g.cols, 3);
    assert_int_equal(g.rows, 3);
    g = cs_export_maps_layout(12, 32, 32, &st);
    assert_int_equal(g.cols, 4);
    assert_int_equal(g.rows, 3);
    assert_int_equal(cs_export_readable_scale(5, 40), 8);
    assert_int_equal(cs_export_readable_scale(3, 40), 14);
    assert_int_equal(cs_export_readable_scale(200, 40), 1);
    size_t idx[8];
    assert_int_equal(cs_export_pick(100, 5, idx), 5);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[4], 99);
    for (int i = 1; i < 5; i++) assert_true(idx[i] > idx[i - 1]);
    assert_int_equal(cs_export_pick(3, 8, idx), 3);
    assert_int_equal(idx[2], 2);
}

static void test_kernel_colours(void **state)
{
    (void)state;
    /* 2 filters x 1 channel of 2x2: known values land on known pixels in RdBu */
    const float w[8] = {-1, 0, 1, 0.5f, 0, 0, 0, 0};
    cs_export_style st;
    cs_export_style_defaults(&st);
    st.scale = 3;
    cs_export_grid g = cs_export_kernel_layout(2, 1, 2, &st);
    uint8_t *rgb = malloc((size_t)g.w * g.h * 3);
    assert_non_null(rgb);
    cs_value_range r = cs_value_range_of(w, 8, 1);
    cs_export_kernels(rgb, &g, w, 2, 1, 2, CS_CMAP_RDBU, r, &st);
    uint8_t want[3];
    const int gap = st.gap;
    /* weight (0,0) of filter 0 covers pixels gap..gap+2 */
    cs_colormap_rgb(CS_CMAP_RDBU, r, -1.0f, want);
    assert_memory_equal(rgb + 3 * ((size_t)gap * g.w + gap), want, 3);
    assert_memory_equal(rgb + 3 * ((size_t)(gap + 2) * g.w + gap + 2), want, 3);
    cs_colormap_rgb(CS_CMAP_RDBU, r, 1.0f, want);
    assert_memory_equal(rgb + 3 * ((size_t)(gap + 3) * g.w + gap), want, 3);
    /* the gap is background */
    assert_memory_equal(rgb, st.background, 3);
    free(rgb);
}

static void read_gif(const char *path, int *w, int *h, int *frames)
{
    int err = 0;
    GifFileType *gif = DGifOpenFileName(path, &err);
    if (!gif) fail_msg("%s: %s", path, GifErrorString(err));
    assert_int_equal(DGifSlurp(gif), GIF_OK);
    *w = gif->SWidth;
    *h = gif->SHeight;
    *frames = gif->ImageCount;
    for (int i = 0; i < gif->ImageCount; i++) {
        assert_int_equal(gif->SavedImages[i].ImageDesc.Width, *w);
        assert_int_equal(gif->SavedImages[i].ImageDesc.Height, *h);
    }
    DGifCloseFile(gif, &err);
}

static void test_png_and_gif_decode(void **state)
{
    fixture *f = *state;
    /* kernels of 6 filters x 3 channels of 5x5, over 7 "records" that drift */
    enum { OC = 6, C = 3, K = 5, N = 7 };
    float w[N][OC * C * K * K];
    for (int t = 0; t < N; t++)
        for (int i = 0; i < OC * C * K * K; i++) w[t][i] = (float)((i * 37 + t * 11) % 23 - 11) * (1.0f + 0.1f * t);
    cs_export_style st;
    cs_export_style_defaults(&st);
    st.scale = cs_export_readable_scale(K, 40);
    cs_export_grid g = cs_export_kernel_layout(OC, C, K, &st);
    const size_t fb = (size_t)g.w * g.h * 3;
    uint8_t *frames = malloc(fb * N);
    assert_non_null(frames);
    cs_value_range r = cs_value_range_of(w[N - 1], OC * C * K * K, 1);
    for (int t = 0; t < N; t++) cs_export_kernels(frames + t * fb, &g, w[t], OC, C, K, CS_CMAP_RDBU, r, &st);

    snprintf(f->path, sizeof f->path, "%s/k.png", f->dir);
    assert_int_equal(cs_image_write_png(f->path, frames, g.w, g.h), CS_OK);
    int pw = 0, ph = 0;
    unsigned char *px = load_rgb(f->path, &pw, &ph);
    assert_non_null(px);
    assert_int_equal(pw, g.w);
    assert_int_equal(ph, g.h);
    assert_memory_equal(px, frames, fb); /* lossless */
    free(px);

    /* GIF: sizes, frame count, and exact colours (fewer than 257 colours in all frames) */
    snprintf(f->path, sizeof f->path, "%s/a.gif", f->dir);
    const mode_t old_mask = umask(022);
    assert_int_equal(cs_image_write_gif(f->path, frames, N, g.w, g.h, 10), CS_OK);
    umask(old_mask);
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644); /* as any file the umask lets through, not 0600 */
    int gw, gh, gn;
    read_gif(f->path, &gw, &gh, &gn);
    assert_int_equal(gw, g.w);
    assert_int_equal(gh, g.h);
    assert_int_equal(gn, N);
    int err;
    GifFileType *gif = DGifOpenFileName(f->path, &err);
    assert_non_null(gif);
    assert_int_equal(DGifSlurp(gif), GIF_OK);
    const ColorMapObject *cm = gif->SavedImages[3].ImageDesc.ColorMap ? gif->SavedImages[3].ImageDesc.ColorMap
                                                                        : gif->SColorMap;
    for (size_t i = 0; i < (size_t)g.w * g.h; i++) {
        const GifColorType c = cm->Colors[gif->SavedImages[3].RasterBits[i]];
        const uint8_t *want = frames + 3 * fb + 3 * i;
        if (c.Red != want[0] || c.Green != want[1] || c.Blue != want[2]) fail_msg("GIF pixel %zu differs", i);
    }
    GraphicsControlBlock gcb;
    assert_int_equal(DGifSavedExtensionToGCB(gif, 0, &gcb), GIF_OK);
    assert_int_equal(gcb.DelayTime, 10);
    DGifCloseFile(gif, &err);

    /* a filmstrip of 4 of the frames */
    const uint8_t *ptrs[4];
    size_t idx[4];
    assert_int_equal(cs_export_pick(N, 4, idx), 4);
    for (int i = 0; i < 4; i++) ptrs[i] = frames + idx[i] * fb;
    cs_export_grid sg = cs_export_filmstrip_layout(4, g.w, g.h, &st);
    uint8_t *strip = malloc((size_t)sg.w * sg.h * 3);
    assert_non_null(strip);
    cs_export_filmstrip(strip, &sg, ptrs, 4, &st);
    snprintf(f->path, sizeof f->path, "%s/strip.png", f->dir);
    assert_int_equal(cs_image_write_png(f->path, strip, sg.w, sg.h), CS_OK);
    px = load_rgb(f->path, &pw, &ph);
    assert_non_null(px);
    assert_int_equal(pw, 4 * g.w + 5 * st.gap);
    assert_int_equal(ph, g.h + 2 * st.gap);
    /* the last frame's first row sits at its tile */
    assert_memory_equal(px + 3 * ((size_t)st.gap * pw + st.gap + 3 * (g.w + st.gap)), frames + (N - 1) * fb, 3 * (size_t)g.w);
    free(px);
    free(strip);
    free(frames);
}

static void test_gif_many_colours(void **state)
{
    fixture *f = *state;
    /* 3 frames of 64x64 with 4096 colours: quantized to one shared palette */
    enum { W = 64, H = 64, N = 3 };
    uint8_t *frames = malloc((size_t)N * W * H * 3);
    assert_non_null(frames);
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++) {
            uint8_t *p = frames + 3 * ((size_t)t * W * H + i);
            p[0] = (uint8_t)(i % 64 * 4), p[1] = (uint8_t)(i / 64 * 4), p[2] = (uint8_t)(t * 100);
        }
    snprintf(f->path, sizeof f->path, "%s/many.gif", f->dir);
    assert_int_equal(cs_image_write_gif(f->path, frames, N, W, H, 5), CS_OK);
    int gw, gh, gn;
    read_gif(f->path, &gw, &gh, &gn);
    assert_int_equal(gw, W);
    assert_int_equal(gh, H);
    assert_int_equal(gn, N);
    free(frames);
    /* bad sizes are refused */
    uint8_t px[3] = {0};
    assert_int_equal(cs_image_write_gif(f->path, px, 0, 1, 1, 5), CS_ERR_ARG);
}

static void test_load_image_as_input(void **state)
{
    fixture *f = *state;
    /* a 10x6 colour PNG, loaded as a 28x28 gray input and as 32x32 colour */
    uint8_t rgb[6 * 10 * 3];
    for (int i = 0; i < 60; i++) rgb[3 * i] = 200, rgb[3 * i + 1] = 100, rgb[3 * i + 2] = 0;
    snprintf(f->path, sizeof f->path, "%s/in.png", f->dir);
    assert_int_equal(cs_image_write_png(f->path, rgb, 10, 6), CS_OK);
    cs_dataset one;
    assert_int_equal(cs_image_load_as_dataset(f->path, 1, 28, 28, &one), CS_OK);
    assert_int_equal(one.n, 1);
    assert_int_equal(one.c, 1);
    assert_int_equal(one.h, 28);
    assert_int_equal(one.w, 28);
    assert_in_range(one.pixels[28 * 14 + 14], 115, 125); /* stb's luminance of (200, 100, 0) */
    cs_dataset_free(&one);
    assert_int_equal(cs_image_load_as_dataset(f->path, 3, 32, 32, &one), CS_OK);
    assert_int_equal(one.pixels[0], 200);
    assert_int_equal(one.pixels[32 * 32], 100);
    assert_int_equal(one.pixels[2 * 32 * 32], 0);
    cs_dataset_free(&one);
    /* not an image */
    snprintf(f->path, sizeof f->path, "%s/k.png", f->dir);
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fputs("not a png", fp);
    fclose(fp);
    assert_int_equal(cs_image_load_as_dataset(f->path, 1, 28, 28, &one), CS_ERR_FORMAT);
    assert_non_null(strstr(cs_last_error(), f->path));
}

typedef struct {
    int n;
    char names[16][64];
    int w[16], h[16];
} written;

static void note_written(void *ctx, const char *path, int w, int h)
{
    written *wr = ctx;
    const char *slash = strrchr(path, '/');
    if (wr->n < 16) {
        snprintf(wr->names[wr->n], sizeof wr->names[0], "%s", slash ? slash + 1 : path);
        wr->w[wr->n] = w, wr->h[wr->n] = h;
    }
    wr->n++;
}

/* The RGB pixels of a picture in dir (caller frees) and its size. */
static unsigned char *picture(const char *dir, const char *name, int *w, int *h)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *px = load_rgb(path, w, h);
    if (!px) fail_msg("cannot read %s", path);
    return px;
}

/* Text drawn by cs_label is where the slide says and reads as it should: rendering the expected
 * text onto the background at the same place gives the same pixels in that band. */
static void assert_label(const unsigned char *px, int w, int y, int band, cs_label *font, int x, const char *text)
{
    uint8_t *want = malloc((size_t)w * band * 3);
    assert_non_null(want);
    cs_export_style st;
    cs_export_style_defaults(&st);
    for (size_t i = 0; i < (size_t)w * band; i++) memcpy(want + 3 * i, st.background, 3);
    static const uint8_t title_ink[3] = {240, 240, 240}, note_ink[3] = {185, 185, 185};
    cs_label_draw(font, want, w, band, x, 0, text, band > 30 ? title_ink : note_ink);
    int inked = 0;
    for (size_t i = 0; i < (size_t)w * band * 3; i++) inked += want[i] != st.background[i % 3];
    assert_true(inked > 20);
    if (memcmp(want, px + 3 * (size_t)y * w, (size_t)w * band * 3) != 0) fail_msg("the label '%s' is not drawn as expected", text);
    free(want);
}

/* Labels: widths grow with the text, the same text draws the same bytes, and drawing clips. */
static void test_labels(void **state)
{
    (void)state;
    cs_label *f;
    assert_int_equal(cs_label_create(&f, NULL, 18), CS_OK);
    assert_true(cs_label_line_height(f) >= 18 && cs_label_line_height(f) < 30);
    assert_true(cs_label_ascent(f) > 10);
    const int w1 = cs_label_width(f, "step 1"), w2 = cs_label_width(f, "step 1,200");
    assert_true(w1 > 20 && w2 > w1);
    assert_true(cs_label_width(f, "\u22120.5") > cs_label_width(f, "0.5")); /* the minus sign is a glyph */
    enum { W = 120, H = 30 };
    uint8_t a[W * H * 3] = {0}, b[W * H * 3] = {0};
    const uint8_t white[3] = {255, 255, 255};
    const int end = cs_label_draw(f, a, W, H, 4, 2, "step 1", white);
    assert_int_equal(end, 4 + w1);
    cs_label_draw(f, b, W, H, 4, 2, "step 1", white);
    assert_memory_equal(a, b, sizeof a);
    int lit = 0;
    for (size_t i = 0; i < sizeof a; i++) lit += a[i] != 0;
    assert_true(lit > 50);
    /* far outside: nothing is written, nothing crashes */
    uint8_t c[W * H * 3] = {0};
    cs_label_draw(f, c, W, H, -500, 200, "step 1", white);
    cs_label_draw(f, c, W, H, 200, -3, "step 1", white);
    for (size_t i = 0; i < sizeof c; i++) assert_int_equal(c[i], 0);
    /* solid text uses the colour alone */
    uint8_t d[W * H * 3] = {0};
    cs_label_draw_solid(f, d, W, H, 4, 2, "step 1", white);
    for (size_t i = 0; i < sizeof d; i++) assert_true(d[i] == 0 || d[i] == 255);
    cs_label_destroy(f);
    assert_int_equal(cs_label_create(&f, "/nonexistent", 18) == CS_OK, 0);
    assert_null(f);
    assert_non_null(strstr(cs_last_error(), "/nonexistent/DejaVuSans.ttf"));
    assert_int_equal(cs_label_create(&f, NULL, 3), CS_ERR_ARG);
    char step[32];
    cs_export_step_text(step, sizeof step, 1234567);
    assert_string_equal(step, "1,234,567");
    cs_export_step_text(step, sizeof step, 0);
    assert_string_equal(step, "0");
    cs_export_step_text(step, sizeof step, 999);
    assert_string_equal(step, "999");
}

/* A slide: the picture where the layout says, the bar through the colormap from its low to its
 * high end, the numbers under it, room for everything. */
static void test_slide(void **state)
{
    (void)state;
    cs_export_fonts fonts;
    assert_int_equal(cs_export_fonts_open(&fonts), CS_OK);
    enum { CW = 100, CH = 50 };
    static uint8_t content[CW * CH * 3];
    for (size_t i = 0; i < sizeof content; i++) content[i] = (uint8_t)(i * 13);
    const cs_export_caption cap = {"conv1 kernels \u00B7 step 7", "8 filters of 5\u00D75", CS_EXPORT_BAR_CMAP,
                                   CS_CMAP_RDBU, {-0.5f, 0.5f}, "weights"};
    uint8_t *rgb;
    cs_export_slide L;
    assert_int_equal(cs_export_slide_draw(&rgb, &L, content, CW, CH, &cap, &fonts), CS_OK);
    assert_true(L.w >= 320 + 48 && L.content_y > L.sub_y && L.bar_y > L.content_y + CH && L.numbers_y > L.bar_y);
    assert_int_equal(L.bar_w, 320);
    for (int y = 0; y < CH; y++)
        assert_memory_equal(rgb + 3 * ((size_t)(L.content_y + y) * L.w + L.content_x), content + 3 * (size_t)y * CW, 3 * CW);
    uint8_t want[3];
    cs_colormap_rgb(CS_CMAP_RDBU, cap.range, -0.5f, want);
    assert_memory_equal(rgb + 3 * ((size_t)L.bar_y * L.w + L.bar_x), want, 3);
    cs_colormap_rgb(CS_CMAP_RDBU, cap.range, 0.5f, want);
    assert_memory_equal(rgb + 3 * ((size_t)(L.bar_y + L.bar_h - 1) * L.w + L.bar_x + L.bar_w - 1), want, 3);
    /* numbers under the bar: −0.5, 0 and 0.5 */
    int inked_left = 0, inked_mid = 0, inked_right = 0;
    for (int y = L.numbers_y; y < L.numbers_y + 18; y++)
        for (int x = 0; x < L.w; x++) {
            const int lit = rgb[3 * ((size_t)y * L.w + x)] > 100;
            if (x < L.bar_x + 40) inked_left += lit;
            else if (x > L.bar_x + L.bar_w / 2 - 20 && x < L.bar_x + L.bar_w / 2 + 20) inked_mid += lit;
            else if (x > L.bar_x + L.bar_w - 40 && x < L.bar_x + L.bar_w + 20) inked_right += lit;
        }
    assert_true(inked_left > 10 && inked_mid > 5 && inked_right > 10);
    assert_label(rgb, L.w, L.title_y, cs_label_line_height(fonts.title), fonts.title, L.title_x, cap.title);
    free(rgb);
    cs_export_fonts_close(&fonts);
}

/* The recipe on an RGB net: every conv layer's kernels (the first as the window's colour tiles),
 * the input and every layer's maps, named and titled by the snapshot's step, large enough for a
 * slide; the input picture gives back the image's bytes exactly, although the net saw floats. */
static void test_recipe(void **state)
{
    fixture *f = *state;
    const char *spec = "cifar";
    cs_inspect *ins;
    assert_int_equal(cs_inspect_create(&ins, spec), CS_OK);
    cs_net *net = cs_inspect_net(ins);
    cs_rng rng;
    cs_rng_seed(&rng, 3);
    cs_net_init_params(net, &rng);
    float *params = malloc(net->n_params * sizeof *params);
    memcpy(params, net->params, net->n_params * sizeof *params);
    cs_dataset one;
    assert_int_equal(cs_dataset_init(&one, "one", 1, 3, 32, 32, 10), CS_OK);
    for (int i = 0; i < 3 * 32 * 32; i++) one.pixels[i] = (uint8_t)(i * 7 % 256);
    float pixels[3 * 32 * 32];
    const int first = 0;
    cs_dataset_fill_batch(&one, &first, 1, pixels, NULL);
    cs_snapshot s;
    assert_int_equal(cs_snapshot_init(&s, net), CS_OK);
    assert_int_equal(cs_inspect_capture(ins, params, pixels, &s), 0);
    snprintf(s.probe_note, sizeof s.probe_note, "cat.png: 64\u00D764 colour \u2192 32\u00D732 RGB");
    written wr = {0};
    const cs_export_request rq = {f->dir, 1207, 1, "input.png", note_written, &wr};
    const mode_t old_mask = umask(027);
    assert_int_equal(cs_export_pictures(&s, &rq), CS_OK);
    umask(old_mask);
    /* cifar: three conv layers' kernels, the input, then every layer's maps */
    assert_int_equal(wr.n, 3 + 1 + net->n_layers);
    assert_string_equal(wr.names[0], "conv1_kernels_step0001207.png");
    assert_string_equal(wr.names[3], "input.png");
    assert_string_equal(wr.names[4], "conv1_maps_step0001207.png");
    assert_string_equal(wr.names[wr.n - 1], "softmax_maps_step0001207.png");
    char path[400];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", f->dir, wr.names[0]);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640); /* the umask decides */

    cs_export_fonts fonts;
    assert_int_equal(cs_export_fonts_open(&fonts), CS_OK);
    /* conv1: 16 colour tiles of 5x5 at 12 px a weight (60 px, more than the 40 a slide needs) */
    cs_export_style st;
    cs_export_style_defaults(&st);
    st.scale = cs_export_readable_scale(5, CS_EXPORT_KERNEL_PX);
    assert_int_equal(st.scale, 12);
    const cs_export_grid g = cs_export_kernel_rgb_layout(16, 5, &st);
    assert_int_equal(g.tile_w, 60);
    assert_true(cs_export_rgb_layer(&s, 0));
    assert_false(cs_export_rgb_layer(&s, 3)); /* conv2: a column per input channel */
    const cs_snap_layer *c1 = &s.layers[0];
    const float *w = s.weights + s.w_off[0];
    const cs_value_range r = cs_value_range_of(w, (size_t)16 * 3 * 25, 1);
    const cs_export_caption cap = {"conv1 kernels \u00B7 step 1,207",
                                   "16 filters of 5\u00D75\u00D73, the input's R, G, B planes as colour",
                                   CS_EXPORT_BAR_RGB, CS_CMAP_RDBU, r, "each of R, G, B"};
    const cs_export_slide L = cs_export_slide_layout(g.w, g.h, &cap, &fonts);
    int pw = 0, ph = 0;
    unsigned char *px = picture(f->dir, wr.names[0], &pw, &ph);
    assert_int_equal(pw, L.w), assert_int_equal(ph, L.h);
    assert_int_equal(wr.w[0], L.w), assert_int_equal(wr.h[0], L.h);
    /* filter 5, row 2, column 3: its R, G, B from the three channels' weights */
    int tx, ty;
    cs_export_tile_origin(&g, st.gap, 5, &tx, &ty);
    const unsigned char *cell = px + 3 * ((size_t)(L.content_y + ty + 2 * 12 + 6) * pw + L.content_x + tx + 3 * 12 + 6);
    for (int ch = 0; ch < 3; ch++)
        assert_int_equal(cell[ch], cs_export_rgb_level(w[(5 * 3 + ch) * 25 + 2 * 5 + 3], r));
    assert_label(px, pw, L.title_y, cs_label_line_height(fonts.title), fonts.title, L.title_x, cap.title);
    assert_label(px, pw, L.sub_y, cs_label_line_height(fonts.small), fonts.small, L.sub_x, cap.subtitle);
    free(px);
    (void)c1;

    /* the input: 32 px at 4 px a pixel (128), its bytes given back exactly, its source named */
    px = picture(f->dir, "input.png", &pw, &ph);
    char sub[320];
    snprintf(sub, sizeof sub, "32\u00D732 RGB \u00B7 %s", s.probe_note);
    const cs_export_caption icap = {"the input as the net sees it", sub, CS_EXPORT_BAR_RGB, CS_CMAP_GRAY, {0, 1},
                                    "each of R, G, B"};
    const cs_export_slide IL = cs_export_slide_layout(128, 128, &icap, &fonts);
    assert_int_equal(pw, IL.w), assert_int_equal(ph, IL.h);
    for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++)
            for (int ch = 0; ch < 3; ch++)
                assert_int_equal(px[3 * ((size_t)(IL.content_y + 4 * y) * pw + IL.content_x + 4 * x) + ch],
                                 one.pixels[ch * 1024 + y * 32 + x]);
    assert_label(px, pw, IL.sub_y, cs_label_line_height(fonts.small), fonts.small, IL.sub_x, sub);
    free(px);
    /* maps: conv1's 16 maps of 32x32 at 4 px (128 px each); the title names layer and step */
    px = picture(f->dir, "conv1_maps_step0001207.png", &pw, &ph);
    assert_label(px, pw, 24, cs_label_line_height(fonts.title), fonts.title, 24, "conv1 activation maps \u00B7 step 1,207");
    assert_true(pw >= 4 * (128 + 2));
    free(px);
    cs_export_fonts_close(&fonts);
    assert_true(wr.n <= 16);
    for (int i = 0; i < wr.n; i++) {
        snprintf(path, sizeof path, "%s/%s", f->dir, wr.names[i]);
        remove(path);
    }
    cs_snapshot_free(&s);
    cs_dataset_free(&one);
    free(params);
    cs_inspect_destroy(ins);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_kernel_colours),
        cmocka_unit_test_setup_teardown(test_png_and_gif_decode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gif_many_colours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_image_as_input, setup, teardown),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_slide),
        cmocka_unit_test_setup_teardown(test_recipe, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
