/* cs_i18n.c - the UI language through gettext (see cs_i18n.h).
 *
 * glibc's gettext picks a catalogue by the LC_MESSAGES locale, or by the LANGUAGE list when that
 * locale is not "C". A machine need not have a zh_CN locale installed for the window to speak
 * Chinese, so a language is selected as LANGUAGE=zh_CN with LC_MESSAGES set to C.UTF-8 (any
 * locale other than "C" will do); English is LC_MESSAGES "C", where gettext returns every string
 * as written. No other locale category is touched. */
#define _DEFAULT_SOURCE
#include "cs_i18n.h"

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CS_LOCALEDIR
#define CS_LOCALEDIR ""
#endif
#ifndef CS_BUILD_ROOT
#define CS_BUILD_ROOT ""
#endif
#ifndef CS_BUILD_LOCALEDIR
#define CS_BUILD_LOCALEDIR ""
#endif

/* The languages with a catalogue, by the code cs_i18n_lang reports and the catalogue's name. */
static const struct {
    const char *code, *catalogue;
} CATALOGUED[] = {{"zh", "zh_CN"}};
enum { N_CATALOGUED = sizeof CATALOGUED / sizeof CATALOGUED[0] };

static struct {
    int inited;
    char dir[PATH_MAX];           /* the catalogue directory bound; "" when none was found */
    int have_language_env;        /* LANGUAGE as the process started: restored for English */
    char language_env[512];
    const char *lang;             /* "en" or a CATALOGUED code */
    int translating;
    unsigned generation;
} I = {0, "", 0, "", "en", 0, 0};

/* ---- where the catalogue is ------------------------------------------------------------------ */

static int has_catalogue(const char *dir)
{
    char path[PATH_MAX + 64];
    for (int i = 0; i < N_CATALOGUED; i++) {
        snprintf(path, sizeof path, "%.*s/%s/LC_MESSAGES/%s.mo", PATH_MAX - 1, dir, CATALOGUED[i].catalogue,
                 CS_I18N_DOMAIN);
        if (access(path, R_OK) == 0) return 1;
    }
    return 0;
}

/* The running program's directory (resolved), or "" when /proc does not say. */
static void program_dir(char *out, size_t size)
{
    char exe[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    out[0] = '\0';
    if (n <= 0) return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return;
    *slash = '\0';
    snprintf(out, size, "%s", exe);
}

/* 1 when dir lies inside root (both resolved). */
static int inside(const char *dir, const char *root)
{
    char r[PATH_MAX];
    if (!*dir || !*root || !realpath(root, r)) return 0;
    const size_t n = strlen(r);
    return strncmp(dir, r, n) == 0 && (dir[n] == '/' || dir[n] == '\0');
}

static void find_dir(char *out, size_t size)
{
    char cand[4][PATH_MAX];
    int n = 0;
    const char *env = getenv("CONVSCOPE_LOCALE_DIR");
    if (env && *env) snprintf(cand[n++], sizeof cand[0], "%.*s", PATH_MAX - 1, env);
    char pd[PATH_MAX];
    program_dir(pd, sizeof pd);
    /* an uninstalled build: meson builds the catalogue as po/LANG/LC_MESSAGES/convscope.mo */
    if (*CS_BUILD_LOCALEDIR && inside(pd, CS_BUILD_ROOT)) snprintf(cand[n++], sizeof cand[0], "%s", CS_BUILD_LOCALEDIR);
    if (*pd) snprintf(cand[n++], sizeof cand[0], "%.*s/../share/locale", PATH_MAX - 20, pd);
    if (*CS_LOCALEDIR) snprintf(cand[n++], sizeof cand[0], "%s", CS_LOCALEDIR);
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        if (has_catalogue(cand[i]) && strlen(cand[i]) < size) {
            memcpy(out, cand[i], strlen(cand[i]) + 1);
            return;
        }
}

void cs_i18n_init(void)
{
    if (I.inited) return;
    I.inited = 1;
    const char *language = getenv("LANGUAGE");
    I.have_language_env = language != NULL;
    snprintf(I.language_env, sizeof I.language_env, "%s", language ? language : "");
    find_dir(I.dir, sizeof I.dir);
    bindtextdomain(CS_I18N_DOMAIN, *I.dir ? I.dir : *CS_LOCALEDIR ? CS_LOCALEDIR : ".");
    bind_textdomain_codeset(CS_I18N_DOMAIN, "UTF-8");
    /* the system's own messages (strerror) shown in the window: UTF-8 too, not "?" for each
     * character the "C" character set lacks */
    bind_textdomain_codeset("libc", "UTF-8");
    textdomain(CS_I18N_DOMAIN);
    cs_i18n_set_lang(NULL); /* the locale's language until one is chosen */
}

/* ---- which language ---------------------------------------------------------------------------- */

static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* Case-insensitive equality of the n bytes at s with word w (of length n). */
static int word_is(const char *s, size_t n, const char *w)
{
    if (strlen(w) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != w[i]) return 0;
    return 1;
}

const char *cs_i18n_lang_of(const char *name)
{
    if (!name) return NULL;
    if (strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0 || strncmp(name, "C.", 2) == 0) return "en";
    /* ll[_TT or -TT or -Script][.codeset][@modifier], as locales and BCP 47 tags write it */
    size_t n = 0;
    while (is_letter(name[n])) n++;
    if (n < 2 || n > 3) return NULL;
    const char *p = name + n, *terr = "";
    size_t tn = 0;
    if (*p == '_' || *p == '-') {
        terr = ++p;
        while (is_letter(p[tn]) || (p[tn] >= '0' && p[tn] <= '9')) tn++;
        if (tn == 0) return NULL;
        p += tn;
    }
    if (*p == '.') {
        p++;
        while (*p && *p != '@') p++;
    }
    if (*p == '@') p += strlen(p);
    if (*p) return NULL;
    if (word_is(name, n, "en")) return "en";
    if (word_is(name, n, "zh")) {
        /* simplified Chinese: China, Singapore, or the Hans script; not zh_TW, zh_HK, zh-Hant */
        if (tn == 0 || word_is(terr, tn, "cn") || word_is(terr, tn, "sg") || word_is(terr, tn, "hans")) return "zh";
    }
    return NULL;
}

/* The locale's language as gettext would choose it, from the process's starting environment. */
static const char *locale_lang(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    const char *locale = "C";
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) {
            locale = v;
            break;
        }
    }
    /* gettext ignores LANGUAGE under the "C" locale */
    if (strcmp(locale, "C") == 0 || strcmp(locale, "POSIX") == 0) return "en";
    if (I.language_env[0]) {
        /* a priority list: the first language with a catalogue (English ends the search) */
        char list[sizeof I.language_env];
        snprintf(list, sizeof list, "%s", I.language_env);
        char *save = NULL;
        for (char *tok = strtok_r(list, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
            const char *l = cs_i18n_lang_of(tok);
            if (l) return l;
        }
        return "en";
    }
    const char *l = cs_i18n_lang_of(locale);
    return l ? l : "en";
}

int cs_i18n_set_lang(const char *lang)
{
    cs_i18n_init();
    const char *l = lang ? cs_i18n_lang_of(lang) : locale_lang();
    if (!l) return -1;
    const char *catalogue = NULL;
    for (int i = 0; i < N_CATALOGUED; i++)
        if (strcmp(l, CATALOGUED[i].code) == 0) catalogue = CATALOGUED[i].catalogue;
    int translating = 0;
    if (catalogue) {
        setenv("LANGUAGE", catalogue, 1);
        /* any locale but "C" makes gettext read LANGUAGE; C.UTF-8 is built into glibc 2.35+ */
        static const char *const any[] = {"C.UTF-8", "C.utf8", "zh_CN.UTF-8", "zh_CN.utf8", "en_US.UTF-8"};
        for (size_t i = 0; i < sizeof any / sizeof any[0] && !translating; i++) translating = setlocale(LC_MESSAGES, any[i]) != NULL;
        translating = translating && I.dir[0];
    } else {
        l = "en";
        setlocale(LC_MESSAGES, "C");
        if (I.have_language_env) setenv("LANGUAGE", I.language_env, 1);
        else unsetenv("LANGUAGE");
    }
    /* a new default domain (even the same) tells gettext to forget what it looked up so far */
    textdomain(CS_I18N_DOMAIN);
    I.lang = l;
    I.translating = translating;
    I.generation++;
    return 0;
}

const char *cs_i18n_lang(void) { return I.lang; }

const char *cs_i18n_dir(void) { return I.dir; }

int cs_i18n_translating(void) { return I.translating; }

unsigned cs_i18n_generation(void) { return I.generation; }

/* ---- looking strings up ------------------------------------------------------------------------- */

const char *cs_i18n_gettext(const char *s)
{
    if (!s || !*s) return s; /* "" would give the catalogue's header */
    return dgettext(CS_I18N_DOMAIN, s);
}

const char *cs_i18n_ngettext(const char *singular, const char *plural, unsigned long n)
{
    return dngettext(CS_I18N_DOMAIN, singular, plural, n);
}

const char *cs_i18n_pgettext(const char *ctx, const char *s)
{
    /* msgctxt "\004" msgid, as gettext.h's pgettext builds the key */
    char key[512];
    const int n = snprintf(key, sizeof key, "%s\004%s", ctx, s);
    if (n < 0 || (size_t)n >= sizeof key) return s;
    const char *t = dgettext(CS_I18N_DOMAIN, key);
    return t == key ? s : t;
}
