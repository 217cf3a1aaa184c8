/* cs_i18n.h - the window's UI language: which language its own strings are shown in, and the
 * _() macro that looks a string up. This is a stand-in with the interface of the gettext
 * catalogue (po/, zh_CN): it knows the languages "en" and "zh" and returns every string as
 * written (English). The gettext version replaces this file and cs_i18n.c; callers do not change.
 *
 * The lesson mode sets the language from --lang (else the locale) before the window opens. */
#ifndef CS_I18N_H
#define CS_I18N_H

/* Reads the locale (LC_ALL, LC_MESSAGES, LANG) once: "zh..." selects "zh", anything else "en". */
void cs_i18n_init(void);
/* Selects "en" or "zh" (also "zh_CN", "zh-CN", "zh_CN.UTF-8"); 0 ok, -1 unknown (unchanged). */
int cs_i18n_set_lang(const char *lang);
/* "en" or "zh". Static string. */
const char *cs_i18n_lang(void);
/* The string s in the UI language; the stand-in returns s. */
const char *cs_i18n_gettext(const char *s);

#ifndef _
#define _(s) cs_i18n_gettext(s)
#endif

#endif
