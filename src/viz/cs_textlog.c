/* cs_textlog.c - one frame's text as JSON (see cs_textlog.h). */
#define _POSIX_C_SOURCE 200809L
#include "cs_textlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cs_textlog_init(cs_textlog *log) { memset(log, 0, sizeof *log); }

void cs_textlog_clear(cs_textlog *log)
{
    for (size_t i = 0; i < log->n; i++) free(log->e[i].text);
    log->n = 0;
    log->failed = 0;
}

void cs_textlog_free(cs_textlog *log)
{
    cs_textlog_clear(log);
    free(log->e);
    memset(log, 0, sizeof *log);
}

void cs_textlog_add(cs_textlog *log, cs_textlog_kind kind, const char *text, cs_rect rect, cs_rect fit, int px, int z)
{
    if (log->n == log->cap) {
        const size_t cap = log->cap ? 2 * log->cap : 256;
        cs_textlog_entry *e = realloc(log->e, cap * sizeof *e);
        if (!e) {
            log->failed = 1;
            return;
        }
        log->e = e, log->cap = cap;
    }
    char *copy = strdup(text ? text : "");
    if (!copy) {
        log->failed = 1;
        return;
    }
    log->e[log->n++] = (cs_textlog_entry){kind, copy, rect, fit, px, z};
}

/* A JSON string: quotes, backslashes and control characters escaped; UTF-8 passed through. */
static void put_string(FILE *f, const char *s)
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

static void put_rect(FILE *f, const char *key, cs_rect r)
{
    fprintf(f, ", \"%s\": [%.1f, %.1f, %.1f, %.1f]", key, (double)r.x, (double)r.y, (double)r.w, (double)r.h);
}

cs_status cs_textlog_write(const cs_textlog *log, const cs_textlog_frame *fr, const char *path)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%.4000s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return cs_fail(CS_ERR_IO, "%s: cannot write the text dump: %s", path, strerror(errno));
    fprintf(f, "[{\"kind\": \"frame\", \"view\": ");
    put_string(f, fr->view ? fr->view : "");
    put_rect(f, "rect", (cs_rect){0, 0, (float)fr->w, (float)fr->h});
    fprintf(f, ", \"scale\": %.3f, \"present\": %d, \"min_px\": %d, \"hidden\": ", (double)fr->scale, fr->present,
            fr->min_px);
    put_string(f, fr->hidden ? fr->hidden : "");
    fputc('}', f);
    static const char *const kinds[] = {"text", "value", "target"};
    for (size_t i = 0; i < log->n; i++) {
        const cs_textlog_entry *e = &log->e[i];
        fprintf(f, ",\n {\"kind\": \"%s\", \"text\": ", kinds[e->kind]);
        put_string(f, e->text);
        put_rect(f, "rect", e->rect);
        if (e->kind != CS_TEXTLOG_TARGET) {
            put_rect(f, "fit", e->fit);
            fprintf(f, ", \"px\": %d, \"z\": %d", e->px, e->z);
        }
        fputc('}', f);
    }
    fputs("]\n", f);
    const int bad = ferror(f) | (fflush(f) != 0) | (fsync(fileno(f)) != 0);
    if (fclose(f) != 0 || bad || log->failed) {
        unlink(tmp);
        return cs_fail(CS_ERR_IO, "%s: cannot write the text dump%s", path, log->failed ? " (out of memory)" : "");
    }
    if (rename(tmp, path) != 0) {
        const int err = errno;
        unlink(tmp);
        return cs_fail(CS_ERR_IO, "%s: cannot write the text dump: %s", path, strerror(err));
    }
    return CS_OK;
}
