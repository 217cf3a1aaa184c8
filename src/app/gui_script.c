/* gui_script.c - the --script parser (see gui_script.h). */
#include "gui_script.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* A whole-token integer in [lo, hi]; 1 on success. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    if (!*s) return 0;
    const long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi) return 0;
    *out = (int)v;
    return 1;
}

/* Splits item (modified) into whitespace-separated tokens; returns the count (at most max). */
static int tokens(char *item, char **tok, int max)
{
    int n = 0;
    for (char *p = item; *p && n < max;) {
        while (isspace((unsigned char)*p)) *p++ = '\0';
        if (!*p) break;
        tok[n++] = p;
        while (*p && !isspace((unsigned char)*p)) p++;
    }
    return n;
}

/* A key with optional shift+ / ctrl+ prefixes. */
static int parse_key(const char *name, SDL_Keycode *key, Uint16 *mod)
{
    *mod = 0;
    for (;;) {
        if (strncmp(name, "shift+", 6) == 0) *mod |= KMOD_SHIFT, name += 6;
        else if (strncmp(name, "ctrl+", 5) == 0) *mod |= KMOD_CTRL, name += 5;
        else break;
    }
    *key = SDL_GetKeyFromName(name);
    return *key != SDLK_UNKNOWN;
}

/* One item of text `what` (its number idx; item starts at character base of the script, 0-based)
 * into it. Messages name a bad token's place in the script as "character N" (1-based). */
static cs_status parse_item(char *item, int idx, const char *what, int base, gui_script_item *it)
{
#define AT(t) (base + (int)((t) - item) + 1)
    char *tok[8];
    const int n = tokens(item, tok, 8);
    if (n == 8) return cs_fail(CS_ERR_ARG, "--script item %d '%s': too many words", idx, what);
    memset(it, 0, sizeof *it);
    if (n < 2)
        return cs_fail(CS_ERR_ARG, "--script item %d '%s': expected FRAME ACTION, like '40 key h' or '60 shot a.png'",
                       idx, what);
    if (!parse_int(tok[0], 0, INT_MAX, &it->frame))
        return cs_fail(CS_ERR_ARG, "--script item %d '%s': frame '%s' (character %d) is not a whole number from 0 up",
                       idx, what, tok[0], AT(tok[0]));
    const char *act = tok[1];
    if (strcmp(act, "key") == 0 && n >= 3) {
        /* key names may have spaces ("Keypad +"): the rest of the item, single-spaced */
        char name[128] = "";
        for (int i = 2; i < n; i++)
            if (strlen(name) + strlen(tok[i]) + 2 < sizeof name) strcat(strcat(name, i > 2 ? " " : ""), tok[i]);
        it->action = GUI_SCRIPT_KEY;
        if (!parse_key(name, &it->key, &it->mod))
            return cs_fail(CS_ERR_ARG, "--script item %d '%s': unknown key '%s' (character %d; SDL key names: Home, "
                           "Left, F1, p, Tab, '-', ...)", idx, what, name, AT(tok[2]));
        return CS_OK;
    }
    if (strcmp(act, "key") == 0)
        return cs_fail(CS_ERR_ARG, "--script item %d '%s': 'key' takes a key name, like 'Home' or 'shift+Left'", idx,
                       what);
    if (strcmp(act, "shot") == 0 || strcmp(act, "drop") == 0 || strcmp(act, "dump") == 0) {
        it->action = act[1] == 'h' ? GUI_SCRIPT_SHOT : act[1] == 'r' ? GUI_SCRIPT_DROP : GUI_SCRIPT_DUMP;
        if (n != 3)
            return cs_fail(CS_ERR_ARG, "--script item %d '%s': '%s' (character %d) takes one file name (no spaces)",
                           idx, what, act, AT(act));
        if (strlen(tok[2]) >= sizeof it->file)
            return cs_fail(CS_ERR_ARG, "--script item %d: the file name at character %d is longer than %zu bytes", idx,
                           AT(tok[2]), sizeof it->file - 1);
        strcpy(it->file, tok[2]);
        return CS_OK;
    }
    if (strcmp(act, "size") == 0) {
        char tail;
        it->action = GUI_SCRIPT_SIZE;
        if (n != 3 || sscanf(tok[2], "%dx%d%c", &it->x, &it->y, &tail) != 2 || it->x < 320 || it->y < 240 ||
            it->x > 16384 || it->y > 16384)
            return cs_fail(CS_ERR_ARG, "--script item %d '%s': 'size' (character %d) takes WxH, like 1280x720 "
                           "(320x240 up to 16384x16384)", idx, what, AT(act));
        return CS_OK;
    }
    if (strcmp(act, "scale") == 0) {
        char *end = NULL;
        it->action = GUI_SCRIPT_SCALE;
        if (n == 3) it->scale = strtod(tok[2], &end);
        if (n != 3 || !end || *end || !(it->scale >= 0.5 && it->scale <= 4.0))
            return cs_fail(CS_ERR_ARG, "--script item %d '%s': 'scale' (character %d) takes a number from 0.5 to 4", idx,
                           what, AT(act));
        return CS_OK;
    }
    if (strcmp(act, "enlarge") == 0) {
        /* the rest of the item, single-spaced; checked against the net when it runs */
        it->action = GUI_SCRIPT_ENLARGE;
        if (n < 3)
            return cs_fail(CS_ERR_ARG, "--script item %d '%s': 'enlarge' (character %d) takes what: 'map conv1 3', "
                           "'kernel conv1 0', 'output', 'curve loss' or 'off'", idx, what, AT(act));
        for (int i = 2; i < n; i++)
            if (strlen(it->file) + strlen(tok[i]) + 2 < sizeof it->file)
                strcat(strcat(it->file, i > 2 ? " " : ""), tok[i]);
        return CS_OK;
    }
    if (strcmp(act, "move") == 0 || strcmp(act, "click") == 0) {
        it->action = act[0] == 'm' ? GUI_SCRIPT_MOVE : GUI_SCRIPT_CLICK;
        if (n != 4)
            return cs_fail(CS_ERR_ARG, "--script item %d '%s': '%s' (character %d) takes X Y, two whole numbers of "
                           "window pixels", idx, what, act, AT(act));
        for (int i = 2; i < 4; i++)
            if (!parse_int(tok[i], 0, 100000, i == 2 ? &it->x : &it->y))
                return cs_fail(CS_ERR_ARG, "--script item %d '%s': '%s' takes X Y, two whole numbers of window pixels; "
                               "'%s' (character %d) is not one (0..100000)", idx, what, act, tok[i], AT(tok[i]));
        return CS_OK;
    }
    return cs_fail(CS_ERR_ARG, "--script item %d '%s': unknown action '%s' at character %d (expected key, shot, "
                   "move, click, drop, dump, size, scale or enlarge)", idx, what, act, AT(act));
#undef AT
}

cs_status gui_script_parse(const char *text, gui_script *out)
{
    memset(out, 0, sizeof *out);
    int idx = 0;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, ';');
        const size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[400], what[400];
        if (len >= sizeof item)
            return cs_fail(CS_ERR_ARG, "--script item %d is longer than %zu characters", idx + 1, sizeof item - 1);
        memcpy(item, p, len);
        item[len] = '\0';
        p += len + (end != NULL);
        /* the item as written, without surrounding blanks, for messages */
        size_t a = 0, b = len;
        while (a < b && isspace((unsigned char)item[a])) a++;
        while (b > a && isspace((unsigned char)item[b - 1])) b--;
        if (a == b) continue; /* empty items (";;", a trailing ';') are allowed */
        idx++;
        snprintf(what, sizeof what, "%.*s", (int)(b - a), item + a);
        if (out->n == GUI_SCRIPT_MAX)
            return cs_fail(CS_ERR_ARG, "--script has more than %d items", GUI_SCRIPT_MAX);
        cs_status st = parse_item(item, idx, what, (int)(p - text) - (int)(len + (end != NULL)), &out->items[out->n]);
        if (st) return st;
        out->n++;
    }
    return CS_OK;
}

void gui_script_help(FILE *f)
{
    fprintf(f, "Script (--script, for demos and tests): items 'FRAME ACTION' separated by ';', run at that frame\n"
               "(0 is the first frame drawn; items of one frame in their order). Actions:\n"
               "  key [shift+|ctrl+]NAME  press a key (SDL key names: Home, Left, F1, p, Tab, '-', ...)\n"
               "  shot FILE               write that frame to FILE (PNG)\n"
               "  move X Y                move the pointer to window pixel (X, Y)\n"
               "  click X Y               move there and click the left button\n"
               "  dump FILE               write that frame's text as JSON to FILE (see --dump-text)\n"
               "  size WxH                resize the window (a real resize: the layout follows)\n"
               "  scale X                 --scale X from then on\n"
               "  enlarge WHAT            what a click would enlarge: 'map conv1 3', 'kernel conv1 0',\n"
               "                          'output', 'curve loss', 'curve accuracy'; 'enlarge off' goes back\n"
               "  drop FILE               drop FILE onto the window, as a file manager does (the probe)\n"
               "Example: --script \"40 key h; 60 shot help.png; 80 move 300 200; 90 click 20 20\".\n"
               "With --script or --screenshot the window runs in lockstep (see --lockstep), so a script\n"
               "sees the same training steps on any machine. A bad item is refused (exit 2) naming the item,\n"
               "its text, the token and where it starts in the script: \"--script item 2 '30 key minus':\n"
               "unknown key 'minus' (character 13; ...)\".\n");
}
