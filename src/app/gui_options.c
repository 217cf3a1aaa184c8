/* gui_options.c - `convscope gui`'s command line and usage (see gui_options.h). */
#define _DEFAULT_SOURCE
#include "gui_options.h"

#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "cs_i18n.h"
#include "gui_keys.h"
#include "gui_script.h"

void gui_usage(FILE *f)
{
    fprintf(f, "usage: convscope gui [OPTIONS]\n"
               "       convscope            (the same with every default)\n\n"
               "Opens a window that trains a network and shows it learning: its kernels, the activation\n"
               "maps of a probe image, the output against the truth, and the learning curves.\n\n");
    cs_runopt_help(f);
    fprintf(f, "                      (in the window, --epochs N pauses after N epochs; default: never;\n"
               "                      the w key also saves, to --save FILE or a dated file)\n"
               "  --export-dir DIR    where the e key writes its PNGs (default: a new\n"
               "                      convscope-export-DATE-TIME directory each time)\n"
               "  --view NAME         what the window shows first: train (default), step or backprop\n"
               "                      (one training step in slow motion); with step or backprop,\n"
               "                      training starts paused (space in the train view runs it)\n"
               "  --size WxH          window size in pixels (default 1280x720)\n"
               "  --fullscreen        start fullscreen\n"
               "  --scale X           enlarge text and controls, e.g. 1.5 for a projector (default 1); a\n"
               "                      window too small for everything at that size leaves panels out\n"
               "                      (buttons, timeline, deeper kernels, ...) before it makes text smaller\n"
               "  --present           presenter mode (also F2): text at least 1/45 of the window's height,\n"
               "                      7:1 contrast, thick outlines, the pointer's target highlighted, fewer\n"
               "                      panels\n"
               "  --lang en|zh        the window's language: English, or Chinese (zh_CN); default: the\n"
               "                      locale's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), English if it has\n"
               "                      no catalogue. Numbers, equations and this help stay as they are\n"
               "  --probe N           the test image shown first (default 0)\n"
               "  --probe-image PATH  your own image as the probe instead (PNG, JPEG, BMP, GIF, PNM),\n"
               "                      converted to the net's input size and channels as datasets are;\n"
               "                      dropping a file onto the window does the same, and i / shift+i\n"
               "                      step through the image files of its folder\n"
               "  --paused            start paused\n"
               "  --screenshot FILE   render --frames frames, write the window to FILE (PNG), exit\n"
               "  --frames N          frames to render with --screenshot (default 60)\n"
               "  --dump-text FILE    with --screenshot: every string of the last frame as JSON, with\n"
               "                      its rectangle, the box it had to fit and its pixel size\n"
               "  --script TEXT       keys, pointer moves and screenshots at given frames (below)\n"
               "  --lockstep N        train exactly N steps per frame, the frame waiting for them, so\n"
               "                      frame F shows step F x N on any machine (default 1 with\n"
               "                      --screenshot or --script; 0: training runs on its own thread;\n"
               "                      at most 1000)\n"
               "  --stats             print one JSON line at exit: frames, frame_ms_mean, frame_ms_p95,\n"
               "                      train_images_per_sec, steps, lockstep (this also turns vsync off and\n"
               "                      paces frames at 60 per second itself, so frame_ms is the time spent\n"
               "                      drawing; a lockstep --screenshot run draws as fast as it can)\n"
               "  -h, --help          this help\n\n");
    gui_step_options_help(f);
    fputc('\n', f);
    gui_keys_print(f);
    gui_script_help(f);
    fprintf(f, "\nExit status: 0 closed normally, 1 no display or a runtime error, 2 bad options.\n");
}

enum { O_VIEW = 1, O_SHOT, O_FRAMES, O_STATS, O_SIZE, O_FULL, O_SCALE, O_SCRIPT, O_PROBE, O_PAUSED, O_EXPORT_DIR,
       O_LOCKSTEP, O_PRESENT, O_DUMP, O_PROBE_IMAGE, O_LANG };

/* One of the window's own options; 1 done, 0 bad value, -1 not one of them. */
static int apply_own(gui_options *o, int ch, const char *arg, int *lockstep_given)
{
    char tail;
    switch (ch) {
    case O_VIEW:
        o->start_step_view = strcmp(arg, "step") == 0;
        o->start_backprop_view = strcmp(arg, "backprop") == 0;
        return o->start_step_view || o->start_backprop_view || strcmp(arg, "train") == 0;
    case O_SHOT: o->shot = arg; return 1;
    case O_FRAMES: return cs_cli_int(arg, 1, 10000000, &o->frames);
    case O_STATS: o->stats = 1; return 1;
    case O_SIZE:
        return sscanf(arg, "%dx%d%c", &o->win_w, &o->win_h, &tail) == 2 && o->win_w >= 320 && o->win_h >= 240 &&
               o->win_w <= 16384 && o->win_h <= 16384;
    case O_FULL: o->fullscreen = 1; return 1;
    case O_SCALE: return cs_cli_double(arg, 0.5, 4.0, &o->scale);
    case O_SCRIPT: o->script = arg; return 1;
    case O_PROBE: return cs_cli_int(arg, 0, 100000000, &o->probe);
    case O_PROBE_IMAGE: o->probe_image = arg; return 1;
    case O_PAUSED: o->paused = 1; return 1;
    case O_EXPORT_DIR: o->export_dir = arg; return 1;
    case O_LOCKSTEP: *lockstep_given = 1; return cs_cli_int(arg, 0, 1000, &o->lockstep);
    case O_PRESENT: o->present = 1; return 1;
    case O_DUMP: o->dump_text = arg; return 1;
    case O_LANG: o->lang = arg; return cs_i18n_lang_of(arg) != NULL;
    default: return -1;
    }
}

int gui_options_parse(gui_options *o, int argc, char **argv) { return gui_options_parse_ext(o, argc, argv, NULL); }

int gui_options_parse_ext(gui_options *o, int argc, char **argv, const gui_options_ext *ext)
{
    const char *cmd = ext ? ext->cmd : "gui";
    void (*usage)(FILE *) = ext ? ext->usage : gui_usage;
    enum { MAX_EXT = 16 };
    const int n_ext = ext && ext->n_longopts < MAX_EXT ? ext->n_longopts : 0;
    memset(o, 0, sizeof *o);
    cs_runopt_defaults(&o->run);
    gui_step_options_defaults(&o->step);
    o->frames = 60, o->win_w = 1280, o->win_h = 720, o->scale = 1.0;
    const struct option own[] = {
        {"view", required_argument, 0, O_VIEW},     {"screenshot", required_argument, 0, O_SHOT},
        {"frames", required_argument, 0, O_FRAMES}, {"stats", no_argument, 0, O_STATS},
        {"size", required_argument, 0, O_SIZE},     {"fullscreen", no_argument, 0, O_FULL},
        {"scale", required_argument, 0, O_SCALE},   {"script", required_argument, 0, O_SCRIPT},
        {"probe", required_argument, 0, O_PROBE},   {"paused", no_argument, 0, O_PAUSED},
        {"export-dir", required_argument, 0, O_EXPORT_DIR}, {"lockstep", required_argument, 0, O_LOCKSTEP},
        {"present", no_argument, 0, O_PRESENT},     {"dump-text", required_argument, 0, O_DUMP},
        {"probe-image", required_argument, 0, O_PROBE_IMAGE},
        {"lang", required_argument, 0, O_LANG},     {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    struct option longopts[MAX_EXT + CS_RUNOPT_COUNT + GUI_STEP_OPTION_COUNT + sizeof own / sizeof own[0]];
    if (n_ext) memcpy(longopts, ext->longopts, (size_t)n_ext * sizeof *longopts);
    memcpy(longopts + n_ext, cs_runopt_longopts, sizeof cs_runopt_longopts);
    memcpy(longopts + n_ext + CS_RUNOPT_COUNT, gui_step_longopts, sizeof gui_step_longopts);
    memcpy(longopts + n_ext + CS_RUNOPT_COUNT + GUI_STEP_OPTION_COUNT, own, sizeof own);
    optind = 1;
    opterr = 0;
    int ch, longindex = 0, lockstep_given = 0, frames_given = 0;
    while ((ch = getopt_long(argc, argv, ":h", longopts, &longindex)) != -1) {
        if (ch == 'h') {
            usage(stdout);
            return 0;
        }
        if (ch == ':' || ch == '?') return cs_cli_bad_option(cmd, argc, argv, ch, usage);
        int r = n_ext ? ext->apply(ext->ctx, ch, optarg) : -1;
        if (r < 0) r = apply_own(o, ch, optarg, &lockstep_given);
        if (ch == O_FRAMES) frames_given = 1;
        if (r < 0) r = gui_step_option(&o->step, ch, optarg);
        if (r < 0) r = cs_runopt_apply(&o->run, ch, optarg);
        if (r < 0) return cs_cli_bad_option(cmd, argc, argv, ch, usage);
        if (r == 0) return cs_cli_bad_value(cmd, longopts[longindex].name, optarg, usage);
    }
    const int max_args = ext ? ext->max_args : 0;
    if (ext && ext->arg) *ext->arg = optind < argc && max_args > 0 ? argv[optind] : NULL;
    if (argc - optind > max_args) return cs_cli_bad_value(cmd, "argument", argv[optind + max_args], usage);
    if (frames_given && !o->shot) {
        fprintf(stderr, "convscope %s: --frames N needs --screenshot FILE (it counts the frames before that shot)\n\n", cmd);
        usage(stderr);
        return 2;
    }
    if (o->dump_text && !o->shot) {
        fprintf(stderr, "convscope %s: --dump-text FILE needs --screenshot FILE (it records that last frame)\n\n", cmd);
        usage(stderr);
        return 2;
    }
    if (o->start_step_view) o->paused = 1; /* the step view does not show training */
    if (o->start_backprop_view) o->paused = 1; /* the step shown is of the weights as they are */
    if (!lockstep_given) o->lockstep = o->shot || o->script ? 1 : 0;
    return -1;
}
