/* cli.h - small helpers shared by the subcommands: strict number parsing, usage errors,
 * JSON string output, a monotonic clock. */
#ifndef CS_CLI_H
#define CS_CLI_H

#include <stdint.h>
#include <stdio.h>

/* Parse a whole string as an integer / double within [lo, hi]; 1 on success. Decimal only:
 * no leading spaces, no hex; the double must be finite. */
int cs_cli_int(const char *s, long lo, long hi, int *out);
int cs_cli_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
int cs_cli_double(const char *s, double lo, double hi, double *out);

/* Report an unknown option or a missing argument (getopt_long's '?' or ':'), print the
 * usage to stderr and return 2. */
int cs_cli_bad_option(const char *cmd, int argc, char **argv, int ch, void (*usage)(FILE *));
/* Report a bad value for an option (its long name, with or without the leading "--" and a
 * "=value"), or a stray argument when option is "argument"; print the usage to stderr and
 * return 2. */
int cs_cli_bad_value(const char *cmd, const char *option, const char *value, void (*usage)(FILE *));

/* Writes s as a JSON string literal (quoted, escaped). */
void cs_cli_json_string(FILE *f, const char *s);

/* Seconds from a monotonic clock. */
double cs_cli_now(void);

#endif
