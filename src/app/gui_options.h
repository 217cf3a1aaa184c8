/* gui_options.h - the command line of `convscope gui`: the run's options (run_options.h), the
 * step view's (gui_step.h) and the window's own, parsed into one struct; and the usage text,
 * which lists the keys from the key table and the --script language. */
#ifndef GUI_OPTIONS_H
#define GUI_OPTIONS_H

#include <stdio.h>

#include "gui_step.h"
#include "run_options.h"

typedef struct {
    cs_runopt run;            /* dataset, net, training, checkpoints, --epochs (pauses after N) */
    gui_step_options step;    /* the step view's image and kernel */
    int start_step_view;      /* --view step */
    int start_backprop_view;  /* --view backprop */
    const char *shot;         /* --screenshot FILE, or NULL */
    const char *dump_text;    /* --dump-text FILE (with --screenshot): the last frame's text as JSON */
    int present;              /* --present: presenter mode from the start */
    const char *lang;         /* --lang en|zh (cs_i18n_lang_of accepts it), or NULL: the locale's */
    int frames;               /* --frames N with --screenshot (default 60) */
    const char *script;       /* --script TEXT, or NULL */
    int stats;                /* --stats */
    int win_w, win_h;         /* --size WxH (default 1280x720) */
    int fullscreen;
    double scale;             /* --scale X (default 1) */
    int probe;                /* --probe N */
    const char *probe_image;  /* --probe-image PATH: the user's image as the probe, or NULL */
    int paused;               /* --paused (also --view step) */
    const char *export_dir;   /* --export-dir DIR, or NULL */
    int lockstep;             /* training steps per frame in lockstep; 0: training on its own thread
                               * (default 1 with --screenshot or --script, else 0) */
} gui_options;

/* Parses argv into o (strings borrowed from argv). Returns -1 to go on, else the exit status
 * (0 after --help, 2 after a usage error, which it reports). */
int gui_options_parse(gui_options *o, int argc, char **argv);

/* Another command that opens the window (`convscope lesson`): its name and usage for messages,
 * options of its own (codes from 2000 up; apply returns 1 done, 0 bad value, -1 not its own)
 * and how many arguments it takes (the first goes to *arg, else NULL). */
typedef struct {
    const char *cmd;
    void (*usage)(FILE *f);
    const struct option *longopts; /* n_longopts entries, no terminator */
    int n_longopts;
    int (*apply)(void *ctx, int code, const char *arg);
    void *ctx;
    int max_args;
    const char **arg;
} gui_options_ext;
int gui_options_parse_ext(gui_options *o, int argc, char **argv, const gui_options_ext *ext);

void gui_usage(FILE *f);

#endif
