/* gui_probe.c - the user's own images as the probe (see gui_probe.h). */
#define _DEFAULT_SOURCE
#include "gui_probe.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cs_i18n.h"
#include "cs_labels.h"

/* Folders with more files than this are cycled through their first names only. */
enum { MAX_FOLDER_FILES = 4096 };

cs_status gui_probe_load(gui_app *app, const char *path)
{
    const cs_net *net = app->run->trainer->net; /* the input shape is fixed while the run lasts */
    cs_dataset one;
    char note[256], detail[512], msg[700];
    cs_status st = cs_run_load_probe_file(path, net->in_c, net->in_h, net->in_w, &one, note, sizeof note, detail,
                                          sizeof detail);
    if (st) {
        snprintf(msg, sizeof msg, _("cannot use it as the probe: %.600s"), cs_last_error());
        gui_app_say(app, msg);
        return st;
    }
    st = app->driver ? cs_run_driver_set_probe_image(app->driver, &one, note)
                     : cs_run_set_probe_image(app->run, &one, 0, -1, note);
    cs_dataset_free(&one);
    if (st) {
        snprintf(msg, sizeof msg, _("cannot use it as the probe: %.600s"), cs_last_error());
        gui_app_say(app, msg);
        return st;
    }
    snprintf(app->probe_path, sizeof app->probe_path, "%s", path);
    char said[600];
    snprintf(msg, sizeof msg, _("probe: %.600s"), cs_label_run_text(detail, said, sizeof said));
    gui_app_say(app, msg);
    return CS_OK;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The regular files of dir, sorted by name; *n of them, owned by the caller (free each, then the
 * array). NULL when the folder cannot be read. */
static char **list_files(const char *dir, int *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **names = calloc(MAX_FOLDER_FILES, sizeof *names);
    for (struct dirent *e; names && *n < MAX_FOLDER_FILES && (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char full[2048];
        struct stat sb;
        if (snprintf(full, sizeof full, "%s/%s", dir, e->d_name) >= (int)sizeof full) continue;
        if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
        if (!(names[*n] = strdup(e->d_name))) break;
        (*n)++;
    }
    closedir(d);
    if (names) qsort(names, (size_t)*n, sizeof *names, cmp_names);
    return names;
}

void gui_probe_cycle(gui_app *app, int dir)
{
    if (!app->probe_path[0]) {
        gui_app_say(app, _("no image file yet: drop one onto the window, or start with --probe-image PATH"));
        return;
    }
    char folder[1024];
    const char *slash = strrchr(app->probe_path, '/');
    const char *base = slash ? slash + 1 : app->probe_path;
    if (!slash) snprintf(folder, sizeof folder, ".");
    else if (slash == app->probe_path) snprintf(folder, sizeof folder, "/");
    else snprintf(folder, sizeof folder, "%.*s", (int)(slash - app->probe_path), app->probe_path);
    int n;
    char **names = list_files(folder, &n);
    if (!names || n == 0) {
        char msg[1200];
        snprintf(msg, sizeof msg, _("cannot list the folder %.1000s"), folder);
        gui_app_say(app, msg);
        free(names);
        return;
    }
    int at = -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], base) == 0) at = i;
    if (at < 0) at = dir > 0 ? -1 : 0;
    /* the next file that loads as an image; the others are skipped quietly */
    int loaded = 0;
    for (int k = 1; k <= n && !loaded; k++) {
        const int i = ((at + dir * k) % n + n) % n;
        char full[2048];
        snprintf(full, sizeof full, "%s/%s", folder, names[i]);
        loaded = gui_probe_load(app, full) == CS_OK;
    }
    if (!loaded) {
        char msg[1200];
        snprintf(msg, sizeof msg, _("no other image file convscope reads in %.1000s"), folder);
        gui_app_say(app, msg);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
}
