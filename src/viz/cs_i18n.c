/* cs_i18n.c - the UI language (see cs_i18n.h): a stand-in that keeps the chosen language and
 * returns strings as written, until the gettext catalogue takes its place. */
#include "cs_i18n.h"

#include <stdlib.h>
#include <string.h>

static const char *current = "en";

/* "zh", "zh_CN", "zh-CN", "zh_CN.UTF-8" -> "zh"; "en", "en_US.UTF-8", "C", "POSIX" -> "en". */
static const char *lang_of(const char *s)
{
    if (!s) return NULL;
    if (strncmp(s, "zh", 2) == 0 && (s[2] == '\0' || s[2] == '_' || s[2] == '-' || s[2] == '.')) return "zh";
    if (strncmp(s, "en", 2) == 0 && (s[2] == '\0' || s[2] == '_' || s[2] == '-' || s[2] == '.')) return "en";
    if (strcmp(s, "C") == 0 || strcmp(s, "POSIX") == 0 || strncmp(s, "C.", 2) == 0) return "en";
    return NULL;
}

void cs_i18n_init(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) {
            const char *l = lang_of(v);
            current = l ? l : "en";
            return;
        }
    }
    current = "en";
}

int cs_i18n_set_lang(const char *lang)
{
    const char *l = lang_of(lang);
    if (!l) return -1;
    current = l;
    return 0;
}

const char *cs_i18n_lang(void) { return current; }

const char *cs_i18n_gettext(const char *s) { return s; }
