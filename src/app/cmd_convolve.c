/* cmd_convolve.c - `convscope convolve`: one kernel over one image, with the response map as
 * text, JSON or PNG, or one output position worked out as an equation (--at), as the
 * explainer does for its curve detector: (50x30) + (50x30) + ... = 6600.
 *
 * All arithmetic comes from the core's convolution stepper, so what is printed here is what
 * conv2d computes. */
#define _DEFAULT_SOURCE
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "cs_colormap.h"
#include "cs_demo_images.h"
#include "cs_image.h"
#include "cs_imageio.h"
#include "cs_filters.h"
#include "cs_stepper.h"

/* Images larger than this (either side) are shrunk by an integer factor. */
enum { MAX_IMAGE_SIDE = 256 };
/* The PNG is drawn at least this large, each value a block of pixels. */
enum { PNG_MIN_SIDE = 256 };
/* Longest equation printed in full. */
enum { MAX_EQUATION_TERMS = 64 };

static void convolve_usage(FILE *f)
{
    fprintf(f,
            "usage: convscope convolve --image PATH|demo:NAME --kernel PRESET|PATH [--stride S] [--pad P]\n"
            "                          [--bias B] [--relu] [--at X,Y] [--out MAP.png] [--json]\n"
            "                          [--max-pixels N]\n\n"
            "Slides one kernel over one image and prints the response map, or works out one output\n"
            "position as an equation: the window, the kernel, their products and the sum.\n\n"
            "  --image PATH|demo:NAME  an image file: %s;\n"
            "                          read as gray (RGB for a 3-channel kernel) and shrunk if larger\n"
            "                          than %d pixels; or a built-in image: %s\n"
            "  --kernel PRESET|PATH    a preset (%s)\n"
            "                          or a kernel text file: rows of numbers, '#' comments, 'scale 1/16',\n"
            "                          channels separated by a blank line\n"
            "  --stride S              step between windows (default 1)\n"
            "  --pad P                 zero padding around the image (default 0; any size: windows wholly\n"
            "                          in the padding output the bias)\n"
            "  --bias B                added to every sum (default 0)\n"
            "  --relu                  apply ReLU after the bias\n"
            "  --at X,Y                explain output column X, row Y (0-based)\n"
            "  --out MAP.png           write the response map as a PNG (blue < 0 < red, white = 0)\n"
            "  --json                  print JSON: the --at position, or else the whole map\n"
            "  --max-pixels N          refuse image files of more than N pixels, before decoding them\n"
            "                          (default %llu)\n"
            "  -h, --help              this help\n\n"
            "example: convscope convolve --image demo:curve --kernel curve --at 4,4\n",
            cs_image_formats(), MAX_IMAGE_SIDE, cs_demo_names(), cs_filter_preset_names(),
            (unsigned long long)CS_IMAGE_MAX_PIXELS_DEFAULT);
}

static int runtime_error(const char *msg)
{
    fprintf(stderr, "convscope convolve: %s\n", msg);
    return 1;
}

/* "X,Y" with two non-negative integers. */
static int parse_at(const char *s, int *x, int *y)
{
    char buf[64];
    if (strlen(s) >= sizeof buf)
        return 0;
    strcpy(buf, s);
    char *comma = strchr(buf, ',');
    if (!comma)
        return 0;
    *comma = '\0';
    return cs_cli_int(buf, 0, INT_MAX, x) && cs_cli_int(comma + 1, 0, INT_MAX, y);
}

/* ---- text output ------------------------------------------------------------------- */

/* Width of the widest %g rendering of v[0..n). */
static int grid_width(const float *v, size_t n)
{
    int w = 1;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "%g", (double)v[i]);
        if (len > w)
            w = len;
    }
    return w;
}

/* A K x K grid of values; cells with mask set are printed as '.' (padding). */
static void print_grid(const float *v, const unsigned char *mask, int rows, int cols, const char *indent)
{
    int w = grid_width(v, (size_t)rows * cols);
    for (int y = 0; y < rows; y++) {
        fputs(indent, stdout);
        for (int x = 0; x < cols; x++) {
            if (mask && mask[y * cols + x])
                printf("%s%*s", x ? " " : "", w, ".");
            else
                printf("%s%*g", x ? " " : "", w, (double)v[y * cols + x]);
        }
        putchar('\n');
    }
}

static void print_explanation(const cs_stepper *st, const char *image_name, const char *kernel_name)
{
    const int K = st->K, C = st->C, KK = K * K;
    int any_pad = 0;
    for (int i = 0; i < KK; i++)
        any_pad |= st->pad_mask[i];
    printf("output x=%d, y=%d of the %dx%d map (%s * %s, stride %d, pad %d)\n", st->ox, st->oy, st->OW, st->OH,
           image_name, kernel_name, st->S, st->P);
    printf("window: input columns %d..%d, rows %d..%d%s\n", st->ix0, st->ix0 + K - 1, st->iy0, st->iy0 + K - 1,
           any_pad ? " ('.' = zero padding)" : "");
    static const char *const rgb[3] = {"red", "green", "blue"};
    for (int c = 0; c < C; c++) {
        char label[64] = "";
        if (C > 1)
            snprintf(label, sizeof label, ", channel %d%s%s", c, C == 3 ? " " : "", C == 3 ? rgb[c] : "");
        printf("\ninput window (%dx%d%s):\n", K, K, label);
        print_grid(st->window + (size_t)c * KK, st->pad_mask, K, K, "  ");
        printf("kernel (%dx%d%s):\n", K, K, label);
        print_grid(st->kernel + (size_t)c * KK, NULL, K, K, "  ");
        printf("products (window x kernel%s):\n", label);
        print_grid(st->products + (size_t)c * KK, NULL, K, K, "  ");
    }

    /* The equation: non-zero terms in the order they are summed. */
    int zeros = 0, shown = 0, nonzero = 0;
    for (int t = 0; t < st->n_terms; t++)
        nonzero += st->products[t] != 0.0f;
    zeros = st->n_terms - nonzero;
    printf("\nsum = ");
    for (int t = 0; t < st->n_terms && shown < MAX_EQUATION_TERMS; t++) {
        if (st->products[t] == 0.0f)
            continue;
        printf("%s(%gx%g)", shown ? " + " : "", (double)st->window[t], (double)st->kernel[t]);
        shown++;
    }
    if (nonzero > shown)
        printf(" + ... (%d more)", nonzero - shown);
    if (nonzero == 0)
        printf("%.9g    (all %d terms are zero)\n", (double)st->sum, st->n_terms);
    else
        printf(" = %.9g\n", (double)st->sum);
    if (zeros > 0 && nonzero > 0)
        printf("      (%d of %d terms are zero and not shown)\n", zeros, st->n_terms);
    if (C > 1) {
        printf("channel sums:");
        for (int c = 0; c < C; c++)
            printf(" %s%.9g", c ? "+ " : "", (double)st->channel_sums[c]);
        printf("\n");
    }
    printf("bias = %.9g\n", (double)st->bias);
    if (st->act == CS_STEPPER_ACT_RELU)
        printf("value = relu(%.9g + %.9g) = %.9g\n", (double)st->sum, (double)st->bias, (double)st->value);
    else
        printf("value = %.9g + %.9g = %.9g\n", (double)st->sum, (double)st->bias, (double)st->value);
}

static void print_map_text(const cs_stepper *st, const char *image_name, int img_w, int img_h,
                           const char *kernel_name)
{
    const size_t n = (size_t)st->OH * st->OW;
    printf("response map %dx%d (%s %dx%d * %s %dx%d, stride %d, pad %d, bias %g%s)\n", st->OW, st->OH, image_name,
           img_w, img_h, kernel_name, st->K, st->K, st->S, st->P, (double)st->bias,
           st->act == CS_STEPPER_ACT_RELU ? ", relu" : "");
    int w = grid_width(st->output, n);
    char buf[32];
    int xw = snprintf(buf, sizeof buf, "%d", st->OW - 1);
    if (xw > w)
        w = xw;
    int yw = snprintf(buf, sizeof buf, "%d", st->OH - 1);
    if (yw < 3)
        yw = 3;
    printf("%*s", yw, "y\\x");
    for (int x = 0; x < st->OW; x++)
        printf(" %*d", w, x);
    putchar('\n');
    size_t imax = 0, imin = 0;
    for (int y = 0; y < st->OH; y++) {
        printf("%*d", yw, y);
        for (int x = 0; x < st->OW; x++) {
            size_t i = (size_t)y * st->OW + x;
            printf(" %*g", w, (double)st->output[i]);
            if (st->output[i] > st->output[imax])
                imax = i;
            if (st->output[i] < st->output[imin])
                imin = i;
        }
        putchar('\n');
    }
    printf("max %.9g at --at %d,%d; min %.9g at --at %d,%d\n", (double)st->output[imax], (int)(imax % st->OW),
           (int)(imax / st->OW), (double)st->output[imin], (int)(imin % st->OW), (int)(imin / st->OW));
}

/* ---- JSON output ------------------------------------------------------------------- */

static void json_num(float v)
{
    if (isfinite(v))
        printf("%.9g", (double)v);
    else
        printf("null"); /* JSON has no Inf or NaN */
}

static void json_grid(const float *v, int rows, int cols)
{
    putchar('[');
    for (int y = 0; y < rows; y++) {
        printf("%s[", y ? ", " : "");
        for (int x = 0; x < cols; x++) {
            if (x)
                printf(", ");
            json_num(v[(size_t)y * cols + x]);
        }
        putchar(']');
    }
    putchar(']');
}

/* (C, K, K) as [K][K] for one channel, [C][K][K] otherwise. */
static void json_planes(const float *v, int C, int K)
{
    if (C == 1) {
        json_grid(v, K, K);
        return;
    }
    putchar('[');
    for (int c = 0; c < C; c++) {
        if (c)
            printf(", ");
        json_grid(v + (size_t)c * K * K, K, K);
    }
    putchar(']');
}

static void json_header(const cs_stepper *st, const char *image_name, const char *kernel_name)
{
    printf("{\"image\": ");
    cs_cli_json_string(stdout, image_name);
    printf(", \"kernel_name\": ");
    cs_cli_json_string(stdout, kernel_name);
    printf(", \"channels\": %d, \"k\": %d, \"stride\": %d, \"pad\": %d, \"activation\": \"%s\"", st->C, st->K,
           st->S, st->P, st->act == CS_STEPPER_ACT_RELU ? "relu" : "none");
}

static void print_explanation_json(const cs_stepper *st, const char *image_name, const char *kernel_name)
{
    json_header(st, image_name, kernel_name);
    printf(", \"x\": %d, \"y\": %d, \"window\": ", st->ox, st->oy);
    json_planes(st->window, st->C, st->K);
    printf(", \"padding\": [");
    for (int y = 0; y < st->K; y++) {
        printf("%s[", y ? ", " : "");
        for (int x = 0; x < st->K; x++)
            printf("%s%d", x ? ", " : "", st->pad_mask[y * st->K + x]);
        putchar(']');
    }
    printf("], \"kernel\": ");
    json_planes(st->kernel, st->C, st->K);
    printf(", \"products\": ");
    json_planes(st->products, st->C, st->K);
    printf(", \"channel_sums\": [");
    for (int c = 0; c < st->C; c++) {
        if (c)
            printf(", ");
        json_num(st->channel_sums[c]);
    }
    printf("], \"sum\": ");
    json_num(st->sum);
    printf(", \"bias\": ");
    json_num(st->bias);
    printf(", \"value\": ");
    json_num(st->value);
    printf("}\n");
}

static void print_map_json(const cs_stepper *st, const char *image_name, const char *kernel_name)
{
    json_header(st, image_name, kernel_name);
    printf(", \"bias\": ");
    json_num(st->bias);
    printf(", \"height\": %d, \"width\": %d, \"output\": ", st->OH, st->OW);
    json_grid(st->output, st->OH, st->OW);
    printf("}\n");
}

/* ---- PNG --------------------------------------------------------------------------- */

/* The map through the shared diverging colormap (symmetric about 0, so 0 is white),
 * each value drawn as a square block. */
static cs_status write_map_png(const cs_stepper *st, const char *path, int *scale_out)
{
    const int OH = st->OH, OW = st->OW, side = OH > OW ? OH : OW;
    const int f = side >= PNG_MIN_SIDE ? 1 : (PNG_MIN_SIDE + side - 1) / side;
    uint8_t *small = malloc((size_t)OH * OW * 3);
    uint8_t *big = malloc((size_t)OH * f * OW * f * 3);
    if (!small || !big) {
        free(small);
        free(big);
        return cs_fail(CS_ERR_NOMEM, "out of memory for the %dx%d map image", OW * f, OH * f);
    }
    cs_value_range r = cs_value_range_of(st->output, (size_t)OH * OW, 1);
    cs_colormap_plane(small, st->output, OH, OW, CS_CMAP_RDBU, r);
    for (int y = 0; y < OH * f; y++)
        for (int x = 0; x < OW * f; x++)
            memcpy(big + ((size_t)y * OW * f + x) * 3, small + ((size_t)(y / f) * OW + x / f) * 3, 3);
    cs_status s = cs_image_write_png(path, big, OW * f, OH * f);
    free(small);
    free(big);
    *scale_out = f;
    return s;
}

/* ---- the command ------------------------------------------------------------------- */

typedef struct {
    const char *image_spec, *kernel_spec, *out_path; /* borrowed from argv */
    int stride, pad, relu, json, have_at, at_x, at_y;
    double bias;
    uint64_t max_pixels;
} convolve_options;

/* argv into *o; -1 to go on, else the exit status (help, a usage error). */
static int parse_options(int argc, char **argv, convolve_options *o)
{
    *o = (convolve_options){.stride = 1, .max_pixels = CS_IMAGE_MAX_PIXELS_DEFAULT};
    enum { OPT_MAX_PIXELS = 256 };
    static const struct option longopts[] = {
        {"image", required_argument, 0, 'i'}, {"kernel", required_argument, 0, 'k'},
        {"stride", required_argument, 0, 's'}, {"pad", required_argument, 0, 'p'},
        {"bias", required_argument, 0, 'b'},  {"relu", no_argument, 0, 'r'},
        {"at", required_argument, 0, 'a'},    {"out", required_argument, 0, 'o'},
        {"json", no_argument, 0, 'j'},        {"help", no_argument, 0, 'h'},
        {"max-pixels", required_argument, 0, OPT_MAX_PIXELS},
        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int ch, li = 0;
    while ((ch = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
        int ok = 1;
        switch (ch) {
        case 'i': o->image_spec = optarg; break;
        case 'k': o->kernel_spec = optarg; break;
        /* Out-of-range stride and pad parse here and are refused by the stepper, whose
         * message says what would fit. */
        case 's': ok = cs_cli_int(optarg, -1000000, 1000000, &o->stride); break;
        case 'p': ok = cs_cli_int(optarg, -1000000, 1000000, &o->pad); break;
        case 'b': ok = cs_cli_double(optarg, -1e30, 1e30, &o->bias); break;
        case 'r': o->relu = 1; break;
        case 'a': ok = parse_at(optarg, &o->at_x, &o->at_y), o->have_at = 1; break;
        case 'o': o->out_path = optarg; break;
        case 'j': o->json = 1; break;
        case OPT_MAX_PIXELS: ok = cs_cli_u64(optarg, 1, (uint64_t)1 << 48, &o->max_pixels); break;
        case 'h': convolve_usage(stdout); return 0;
        default: return cs_cli_bad_option("convolve", argc, argv, ch, convolve_usage);
        }
        if (!ok) return cs_cli_bad_value("convolve", longopts[li].name, optarg, convolve_usage);
    }
    if (optind < argc) return cs_cli_bad_value("convolve", "argument", argv[optind], convolve_usage);
    if (!o->image_spec || !o->kernel_spec) {
        fprintf(stderr, "convscope convolve: %s is required\n\n", !o->image_spec ? "--image" : "--kernel");
        convolve_usage(stderr);
        return 2;
    }
    return -1;
}

/* The explanation at --at, the whole map as text or JSON, the PNG: what o asks of st. */
static int print_results(const convolve_options *o, cs_stepper *st, const cs_demo_image *img, const cs_filter *kernel)
{
    if (o->have_at) {
        if (cs_stepper_seek(st, o->at_y, o->at_x) != CS_OK) return runtime_error(cs_last_error());
        if (o->json) print_explanation_json(st, img->name, kernel->name);
        else print_explanation(st, img->name, kernel->name);
    }
    cs_stepper_to_end(st);
    if (!o->have_at) {
        if (o->json) print_map_json(st, img->name, kernel->name);
        else if (!o->out_path) print_map_text(st, img->name, img->w, img->h, kernel->name);
    }
    if (o->out_path) {
        int scale = 1;
        if (write_map_png(st, o->out_path, &scale) != CS_OK) return runtime_error(cs_last_error());
        /* With --json, stdout holds only the JSON. */
        fprintf(o->json ? stderr : stdout, "%swrote %s: %dx%d response map, %d px per value\n",
                o->json ? "convscope convolve: " : "", o->out_path, st->OW, st->OH, scale);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) return runtime_error("cannot write to standard output");
    return 0;
}

int cs_cmd_convolve(int argc, char **argv)
{
    convolve_options o;
    const int r = parse_options(argc, argv, &o);
    if (r >= 0) return r;
    cs_filter kernel;
    if (cs_filter_open(&kernel, o.kernel_spec) != CS_OK) return runtime_error(cs_last_error());
    if (kernel.c != 1 && kernel.c != 3) {
        fprintf(stderr, "convscope convolve: kernel %s has %d channels; images are read as gray (1) or RGB (3)\n",
                kernel.name, kernel.c);
        cs_filter_free(&kernel);
        return 1;
    }
    cs_demo_image img;
    const cs_image_budget budget = {o.max_pixels, 0};
    if (cs_demo_open_budget(&img, o.image_spec, kernel.c, MAX_IMAGE_SIDE, &budget) != CS_OK) {
        cs_filter_free(&kernel);
        return runtime_error(cs_last_error());
    }
    if (img.downscale > 1)
        fprintf(stderr, "convscope convolve: note: %s shrunk by %d (%dx%d -> %dx%d)\n", img.name, img.downscale,
                img.src_w, img.src_h, img.w, img.h);
    int rc;
    cs_stepper st;
    if (cs_stepper_init(&st, img.pixels, img.c, img.h, img.w, kernel.w, kernel.k, (float)o.bias, o.stride, o.pad,
                        o.relu ? CS_STEPPER_ACT_RELU : CS_STEPPER_ACT_NONE) != CS_OK) {
        rc = runtime_error(cs_last_error());
    } else {
        rc = print_results(&o, &st, &img, &kernel);
        cs_stepper_free(&st);
    }
    cs_demo_image_free(&img);
    cs_filter_free(&kernel);
    return rc;
}
