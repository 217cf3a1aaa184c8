/* cs_error.c - per-thread error messages (the stbi_failure_reason pattern, thread-local). */
#include "cs_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char cs_error_message[1024];

cs_status cs_fail(cs_status code, const char *fmt, ...)
{
    /* through a copy: a message may quote the last one (cs_fail(..., "%s", cs_last_error())) */
    char buf[sizeof cs_error_message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    memcpy(cs_error_message, buf, sizeof buf);
    return code;
}

const char *cs_last_error(void) { return cs_error_message; }

const char *cs_status_name(cs_status code)
{
    switch (code) {
    case CS_OK: return "ok";
    case CS_ERR_IO: return "I/O error";
    case CS_ERR_FORMAT: return "format error";
    case CS_ERR_SPEC: return "spec error";
    case CS_ERR_SHAPE: return "shape error";
    case CS_ERR_ARG: return "invalid argument";
    case CS_ERR_NOMEM: return "out of memory";
    case CS_ERR_DIVERGED: return "training diverged";
    case CS_ERR_UNSUPPORTED: return "unsupported";
    }
    return "unknown error";
}
