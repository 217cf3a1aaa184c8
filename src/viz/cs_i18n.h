/* cs_i18n.h - the window's UI language: the strings the window draws (titles, captions, status
 * lines, the help overlay, banners, button labels) looked up in the gettext catalogue of domain
 * "convscope" (po/, one .po per language; today zh_CN), or shown as written (English).
 *
 * Marking strings (xgettext finds these keywords, see po/meson.build):
 *   _("Kernels")                      a string looked up where it is used;
 *   N_("Kernels")                     a string in a table, marked only: _() it where it is used;
 *   P_("%d batch/s", "%d batches/s", n)   a count: the plural form for n (ngettext);
 *   C_("button", "Step")              a short word whose translation depends on where it stands.
 * A printf-style string keeps its directives in the translation (msgfmt --check verifies it);
 * where the word order differs, the translation uses positional directives (%1$s, %2$d).
 * Equations, numbers, layer names and key names stay as they are in every language.
 *
 * What changes with the language is LC_MESSAGES only: LC_NUMERIC (and every other category) stays
 * "C", so numbers are written and parsed the same in every language. The CLI's own output
 * (--json, errors on stderr, --help) is not translated.
 *
 * The catalogue is looked for in: $CONVSCOPE_LOCALE_DIR; the build tree's po/ when the running
 * program is one of that build's (an uninstalled build); <program dir>/../share/locale (a moved
 * installation); the configured localedir. The first holding a catalogue is used. */
#ifndef CS_I18N_H
#define CS_I18N_H

#define CS_I18N_DOMAIN "convscope"

/* Binds the text domain to the catalogue directory found (above), its output to UTF-8, makes it
 * the default domain, and selects the locale's language (as cs_i18n_set_lang(NULL)). The first
 * call does this, later ones nothing; cs_i18n_set_lang calls it. */
void cs_i18n_init(void);

/* Selects the UI language: "en", "zh" (also "zh_CN", "zh-CN", "zh_CN.UTF-8", "zh_SG"; "C" and
 * "POSIX" are English), or NULL for the locale's, as gettext reads it: LANGUAGE's list when the
 * locale (LC_ALL, else LC_MESSAGES, else LANG) is not "C", else the locale; a language without a
 * catalogue (fr, zh_TW) gives English. Returns 0, or -1 for an unknown name (nothing changes).
 * It sets the process's LC_MESSAGES category and LANGUAGE variable: call it before other threads
 * start. */
int cs_i18n_set_lang(const char *lang);

/* The UI language: "en" or "zh". Static string. */
const char *cs_i18n_lang(void);

/* The language a name stands for ("en" or "zh", as cs_i18n_set_lang reads it), or NULL when it
 * is none of those. Pure: for checking an option before anything is set. */
const char *cs_i18n_lang_of(const char *name);

/* The catalogue directory bound ("" when none was found: every string then stays English). */
const char *cs_i18n_dir(void);

/* 1 when strings are being translated (a language other than English, with its catalogue). */
int cs_i18n_translating(void);

/* A number that changes with every cs_i18n_set_lang: texts and layouts made from translated
 * strings and kept across frames are made again when it changes. */
unsigned cs_i18n_generation(void);

/* s in the UI language (s itself when it has no translation). Borrowed: static catalogue data. */
const char *cs_i18n_gettext(const char *s)
#if defined(__GNUC__)
    __attribute__((format_arg(1)))
#endif
    ;
/* The form for count n: singular or plural in English, the catalogue's forms otherwise. */
const char *cs_i18n_ngettext(const char *singular, const char *plural, unsigned long n)
#if defined(__GNUC__)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)))
#endif
    ;
/* s in the UI language as it reads in context ctx (gettext's msgctxt); s when untranslated. */
const char *cs_i18n_pgettext(const char *ctx, const char *s)
#if defined(__GNUC__)
    __attribute__((format_arg(2)))
#endif
    ;

#ifndef _
#define _(s) cs_i18n_gettext(s)
#endif
#ifndef N_
#define N_(s) (s)
#endif
#define P_(s, p, n) cs_i18n_ngettext(s, p, n)
#define C_(ctx, s) cs_i18n_pgettext(ctx, s)

#endif
