/* cli.c - helpers shared by the subcommands (see cli.h). */
#define _DEFAULT_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* strtol and strtod skip leading space and take hex: an option value has neither. */
static int plain_number(const char *s)
{
    return (*s >= '0' && *s <= '9') || ((*s == '-' || *s == '+' || *s == '.') && s[1] != '\0' && s[1] != ' ') ||
           *s == '.';
}

int cs_cli_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    if (!plain_number(s) || strpbrk(s, "xX")) return 0;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return 0;
    *out = (int)v;
    return 1;
}

int cs_cli_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    if (*s < '0' || *s > '9') return 0;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return 0;
    *out = (uint64_t)v;
    return 1;
}

int cs_cli_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    if (!plain_number(s) || strpbrk(s, "xX")) return 0;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

/* Usage errors are one line that says where to look; the whole usage is --help's (a screenful
 * after a typo hides the one line that matters). */
int cs_cli_bad_option(const char *cmd, int argc, char **argv, int ch, void (*usage)(FILE *))
{
    (void)usage;
    const char *opt = optind - 1 < argc ? argv[optind - 1] : "?";
    if (ch == ':') fprintf(stderr, "convscope %s: option '%s' needs a value (see convscope %s --help)\n", cmd, opt, cmd);
    else fprintf(stderr, "convscope %s: unknown option '%s' (see convscope %s --help)\n", cmd, opt, cmd);
    return 2;
}

int cs_cli_bad_value(const char *cmd, const char *option, const char *value, void (*usage)(FILE *))
{
    (void)usage;
    if (strcmp(option, "argument") == 0) {
        fprintf(stderr, "convscope %s: unexpected argument '%s' (see convscope %s --help)\n", cmd, value, cmd);
    } else if (option == value || strcmp(option, value) == 0) {
        /* given the value's own argv slot instead of the option's: the name is not known here */
        fprintf(stderr, "convscope %s: bad value '%s' for the option before it (see convscope %s --help)\n", cmd, value, cmd);
    } else {
        /* "--delay=0" or "--delay" or "delay": the name alone */
        const char *name = option[0] == '-' && option[1] == '-' ? option + 2 : option;
        const char *eq = strchr(name, '=');
        const int n = eq ? (int)(eq - name) : (int)strlen(name);
        fprintf(stderr, "convscope %s: bad value '%s' for --%.*s (see convscope %s --help)\n", cmd, value, n,
                name, cmd);
    }
    return 2;
}

void cs_cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

double cs_cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
