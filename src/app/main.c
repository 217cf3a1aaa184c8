/* main.c - the convscope command line: dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

#ifndef CS_VERSION
#define CS_VERSION "unknown"
#endif

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
#ifdef CS_HAVE_GUI
    {"gui", cs_cmd_gui, "open the live window: train a network and watch it learn (the default)"},
    {"lesson", cs_cmd_lesson, "tell the explainer article (or a lesson file) page by page in the window"},
#endif
    {"train", cs_cmd_train, "train a network headless and print progress"},
    {"export", cs_cmd_export, "write kernels, activation maps and kernel evolution of a checkpoint"},
    {"bench", cs_cmd_bench, "measure training and inference speed on random data"},
    {"convolve", cs_cmd_convolve, "slide one kernel over one image; explain one window (--at)"},
    {"backprop", cs_cmd_backprop, "one training step of one image written out: loss, gradients, update"},
#ifdef CS_HAVE_ONNX
    {"onnx-test", cs_cmd_onnx_test, "run ONNX backend test folders: pass, fail or unsupported per folder"},
#endif
};

static void usage(FILE *f)
{
    fprintf(f, "usage: convscope [COMMAND] [OPTIONS]\n\n"
               "Watch convolutional neural networks learn.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'convscope COMMAND --help' describes a command's options.\n"
               "  -h, --help     this help\n  -V, --version  print the version\n");
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : NULL;
    if (name && (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0)) {
        usage(stdout);
        return 0;
    }
    if (name && (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0)) {
        printf("convscope %s\n", CS_VERSION);
        return 0;
    }
    if (!name) {
#ifdef CS_HAVE_GUI
        /* no arguments: the window with every default */
        static char gui_name[] = "gui";
        char *gui_argv[] = {gui_name, NULL};
        return cs_cmd_gui(1, gui_argv);
#else
        usage(stderr);
        return 2;
#endif
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
#ifdef CS_HAVE_GUI
    /* options without a command are the window's: `convscope --dataset shapes` is `convscope gui --dataset shapes` */
    if (name[0] == '-' && name[1] == '-') {
        static char gui_name[] = "gui";
        argv[0] = gui_name;
        return cs_cmd_gui(argc, argv);
    }
#endif
    fprintf(stderr, "convscope: unknown command '%s'\n\n", name);
    usage(stderr);
    return 2;
}
