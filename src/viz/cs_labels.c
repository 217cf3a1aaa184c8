/* cs_labels.c - the window's words that more than one place writes (see cs_labels.h), in the UI
 * language. */
#include "cs_labels.h"

#include <stdio.h>
#include <string.h>

#include "cs_i18n.h"

const char *cs_label_pause(int paused) { return paused ? _("\u25B6 Run") : _("Pause"); }

const char *cs_label_maps_norm(int mode)
{
    static const char *const t[] = {N_("Maps: per map"), N_("Maps: per layer"), N_("Maps: fixed")};
    return _(t[mode < 0 || mode > 2 ? 2 : mode]);
}

const char *cs_label_kernels_norm(int mode)
{
    static const char *const t[] = {N_("Kernels: per map"), N_("Kernels: per layer"), N_("Kernels: fixed")};
    return _(t[mode < 0 || mode > 2 ? 2 : mode]);
}

void cs_label_speed(char *buf, size_t size, double bps)
{
    if (!(bps > 0)) snprintf(buf, size, "%s", _("full speed"));
    else if (bps < 1) snprintf(buf, size, _("1 batch every %g s"), 1.0 / bps);
    else snprintf(buf, size, P_("%g batch/s", "%g batches/s", (unsigned long)bps), bps);
}

void cs_label_rate(char *buf, size_t size, const char *value) { snprintf(buf, size, _("rate %s"), value); }

void cs_label_title(char *buf, size_t size, const char *net, const char *dataset, unsigned long long seed)
{
    /* TRANSLATORS: the window's title line: net name (a preset such as "mnist" or "custom"), dataset, seed */
    snprintf(buf, size, _("convscope \u00B7 %s net \u00B7 %s \u00B7 seed %llu"), net, dataset, seed);
}

const char *cs_label_loss(const char *name)
{
    /* the run's names of its losses, as the window shows them */
    if (strcmp(name, "cross-entropy") == 0) return _("cross-entropy");
    if (strcmp(name, "MSE") == 0) return C_("loss", "MSE");
    return name;
}

void cs_label_counters(char *buf, size_t size)
{
    /* a typical line of counters, as the view writes them, for deciding between one line and two */
    char item[7][96];
    snprintf(item[0], sizeof item[0], _("epoch %d"), 12);
    snprintf(item[1], sizeof item[1], _("step %s"), "123,456");
    snprintf(item[2], sizeof item[2], _("images %s"), "2,469,120");
    snprintf(item[3], sizeof item[3], _("%s images/s"), "12,345");
    snprintf(item[4], sizeof item[4], _("%s lr %s"), "SGD", "0.0001");
    snprintf(item[5], sizeof item[5], _("loss: %s"), cs_label_loss("cross-entropy"));
    snprintf(item[6], sizeof item[6], "%s", _("paused"));
    snprintf(buf, size, "%s   %s   %s   %s   %s   %s   %s", item[0], item[1], item[2], item[3], item[4], item[5], item[6]);
}

const char *cs_label_vector(int truth)
{
    /* TRANSLATORS: the output vector and the one-hot truth in a monospaced font, one above the
       other ("output [ 0 .1 …]" over "truth  [ 0  1 …]"): both translations must be equally wide */
    return truth ? _("truth  [") : _("output [");
}

const char *cs_label_curve(int accuracy) { return accuracy ? _("accuracy") : _("loss"); }

/* The class names of the built-in datasets (src/data: cs_shapes.c, cs_colour_shapes.c, cs_idx.c
 * for Fashion-MNIST, cs_cifar.c), marked here for the catalogue; test_i18n checks the generated
 * sets against this list. */
static const char *const CLASS_NAMES[] = {
    N_("horizontal"), N_("vertical"), N_("diagonal /"), N_("diagonal \\"), N_("arc"), N_("circle"), N_("square"),
    N_("cross"),
    N_("horizontal stripes"), N_("vertical stripes"), N_("diagonal / stripes"), N_("diagonal \\ stripes"),
    N_("red blobs"), N_("green blobs"), N_("blue blobs"), N_("yellow blobs"), N_("checkerboard"), N_("rings"),
    N_("T-shirt/top"), N_("Trouser"), N_("Pullover"), N_("Dress"), N_("Coat"), N_("Sandal"), N_("Shirt"),
    N_("Sneaker"), N_("Bag"), N_("Ankle boot"),
    N_("airplane"), N_("automobile"), N_("bird"), N_("cat"), N_("deer"), N_("dog"), N_("frog"), N_("horse"),
    N_("ship"), N_("truck"),
};

const char *cs_label_class(const char *name)
{
    for (size_t i = 0; i < sizeof CLASS_NAMES / sizeof CLASS_NAMES[0]; i++)
        if (strcmp(name, CLASS_NAMES[i]) == 0) return _(name);
    return name; /* a folder's own class names stay as they are */
}

const char *cs_label_colormap(cs_colormap_id id)
{
    switch (id) {
    case CS_CMAP_RDBU: return C_("colormap", "rdbu");
    case CS_CMAP_GRAY: return C_("colormap", "gray");
    case CS_CMAP_BLUEORANGE: return C_("colormap", "blue-orange");
    default: return C_("colormap", "viridis");
    }
}

/* ---- the run's messages -------------------------------------------------------------------- */

/* The run layer and the core write their messages in English for the terminal and the logs (no
 * gettext below this layer); the window shows the ones it knows in the UI language, matched by
 * their English wording with the numbers and names kept as written. */

/* 1 when text is exactly the scanf pattern pat (at most 3 string captures of 95 bytes). */
static int match(const char *text, const char *pat, char cap[3][96])
{
    int end = -1, n = 0;
    for (const char *p = pat; (p = strchr(p, '%')) != NULL; p += 2)
        if (p[1] != '%') n++;
    char fmt[256];
    snprintf(fmt, sizeof fmt, "%s%%n", pat);
    cap[0][0] = cap[1][0] = cap[2][0] = '\0';
    /* %n takes the pointer after the captures' */
    switch (n) {
    case 0: (void)sscanf(text, fmt, &end); break;
    case 1: (void)sscanf(text, fmt, cap[0], &end); break;
    case 2: (void)sscanf(text, fmt, cap[0], cap[1], &end); break;
    case 3: (void)sscanf(text, fmt, cap[0], cap[1], cap[2], &end); break;
    default: return 0;
    }
    return end >= 0 && (size_t)end == strlen(text);
}

const char *cs_label_run_text(const char *text, char *buf, size_t size)
{
    char c[3][96], d[2][96];
    if (!text || !*text || !cs_i18n_translating()) return text; /* English: exactly as written */
    /* "training diverged at step S (epoch E): <why>; try a smaller learning rate than LR" */
    int end = -1;
    const char *why = NULL;
    if (sscanf(text, "training diverged at step %95[0-9] (epoch %95[0-9]): %n", d[0], d[1], &end) == 2 && end > 0) {
        const char *rest = text + end;
        if (match(rest, "the loss %95[^ ] exceeds %95[^,], the weights are exploding; try a smaller learning rate than "
                        "%95[^ ]", c))
            snprintf(buf, size, _("training diverged at step %s (epoch %s): the loss %s exceeds %s, the weights are "
                                  "exploding; try a smaller learning rate than %s"), d[0], d[1], c[0], c[1], c[2]);
        else if (match(rest, "the loss is not a finite number; try a smaller learning rate than %95[^ ]", c))
            why = _("training diverged at step %s (epoch %s): the loss is not a finite number; try a smaller learning "
                    "rate than %s");
        else if (match(rest, "the loss is finite but the gradients are not; try a smaller learning rate than %95[^ ]", c))
            why = _("training diverged at step %s (epoch %s): the loss is finite but the gradients are not; try a "
                    "smaller learning rate than %s");
        else
            return text;
        if (why) snprintf(buf, size, why, d[0], d[1], c[0]);
        return buf;
    }
    if (match(text, "restarted from new random weights (seed %95[0-9]) at a tenth of the learning rate: %95[^ ]", c)) {
        snprintf(buf, size, _("restarted from new random weights (seed %s) at a tenth of the learning rate: %s"), c[0], c[1]);
        return buf;
    }
    if (match(text, "restarted from new random weights (seed %95[0-9])", c)) {
        snprintf(buf, size, _("restarted from new random weights (seed %s)"), c[0]);
        return buf;
    }
    /* "checkpoint saved to PATH (step S, N history records)": the path may hold anything */
    const char *saved = "checkpoint saved to ", *tail = strrchr(text, '(');
    if (!strncmp(text, saved, strlen(saved)) && tail && tail > text + strlen(saved) &&
        match(tail, "(step %95[0-9], %95[0-9] history records)", c)) {
        const int path_len = (int)(tail - 1 - (text + strlen(saved)));
        char path[512];
        snprintf(path, sizeof path, "%.*s", path_len, text + strlen(saved));
        snprintf(buf, size, _("checkpoint saved to %s (step %s, %s history records)"), path, c[0], c[1]);
        return buf;
    }
    /* a probe file's note, "NAME: 64×48 colour → 28×28 gray": the file name as written */
    const char *last = NULL;
    for (const char *p = strstr(text, ": "); p; p = strstr(p + 1, ": ")) last = p;
    int w0, h0, w1, h1;
    char k0[16], k1[16];
    end = -1;
    if (last && sscanf(last + 2, "%d\u00D7%d %15s \u2192 %d\u00D7%d %15s%n", &w0, &h0, k0, &w1, &h1, k1, &end) == 6 &&
        (size_t)end == strlen(last + 2)) {
        const char *kind[2] = {k0, k1};
        for (int i = 0; i < 2; i++)
            kind[i] = !strcmp(kind[i], "colour") ? C_("picture", "colour") : !strcmp(kind[i], "gray") ? C_("picture", "gray") : kind[i];
        snprintf(buf, size, "%.*s: %d\u00D7%d %s \u2192 %d\u00D7%d %s", (int)(last - text), text, w0, h0, kind[0], w1, h1,
                 kind[1]);
        return buf;
    }
    /* a probe file's detail, "NAME: PNG of 64×48 colour → the net's 28×28 gray input, gray = (77 R
     * + 150 G + 29 B) / 256, resized bilinearly; pixels ÷ 255" */
    char fmt_name[16], kin[16], kout[16];
    end = -1;
    if (last && sscanf(last + 2, "%15s of %d\u00D7%d %15s \u2192 the net's %d\u00D7%d %15s input%n", fmt_name, &w0, &h0, kin,
                       &w1, &h1, kout, &end) == 7 && end > 0) {
        const char *rest = last + 2 + end;
        const char *how = "", *resized = "";
        static const char *const gray = ", gray = (77 R + 150 G + 29 B) / 256", *const copied = ", the gray copied to R, G and B",
                                 *const bilinear = ", resized bilinearly", *const pixels = "; pixels \u00F7 255";
        if (!strncmp(rest, gray, strlen(gray))) how = _(", gray = (77 R + 150 G + 29 B) / 256"), rest += strlen(gray);
        else if (!strncmp(rest, copied, strlen(copied))) how = _(", the gray copied to R, G and B"), rest += strlen(copied);
        if (!strncmp(rest, bilinear, strlen(bilinear))) resized = _(", resized bilinearly"), rest += strlen(bilinear);
        if (!strcmp(rest, pixels)) {
            const char *kind[2] = {kin, kout};
            for (int i = 0; i < 2; i++)
                kind[i] = !strcmp(kind[i], "colour") ? C_("picture", "colour")
                          : !strcmp(kind[i], "gray") ? C_("picture", "gray") : kind[i];
            char conv[256];
            snprintf(conv, sizeof conv, _("%s of %d\u00D7%d %s \u2192 the net's %d\u00D7%d %s input"), fmt_name, w0, h0,
                     kind[0], w1, h1, kind[1]);
            snprintf(buf, size, "%.*s: %s%s%s%s", (int)(last - text), text, conv, how, resized, _("; pixels \u00F7 255"));
            return buf;
        }
    }
    if (!strcmp(text, "cannot save: no checkpoint file was given")) return _("cannot save: no checkpoint file was given");
    static const struct {
        const char *prefix, *msgid;
    } prefixed[] = {
        {"cannot save the checkpoint: ", N_("cannot save the checkpoint: %s")},
        {"no timeline: ", N_("no timeline: %s")},
    };
    for (size_t i = 0; i < sizeof prefixed / sizeof prefixed[0]; i++)
        if (!strncmp(text, prefixed[i].prefix, strlen(prefixed[i].prefix))) {
            /* the reason after the colon comes from a file or the system: as written */
            snprintf(buf, size, _(prefixed[i].msgid), text + strlen(prefixed[i].prefix));
            return buf;
        }
    return text;
}
