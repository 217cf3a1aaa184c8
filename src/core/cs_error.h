/* cs_error.h - status codes and the per-thread error message of the convscope core.
 *
 * Every call that can fail on outside input (files, user-given specs and shapes,
 * allocation) returns a cs_status; the human-readable reason is kept per thread and
 * read with cs_last_error(). A failure is one line:
 *     return cs_fail(CS_ERR_FORMAT, "%s: bad IDX magic 0x%08x (expected 0x00000803)", path, magic);
 * Hot kernels return void and assert their preconditions instead.
 */
#ifndef CS_ERROR_H
#define CS_ERROR_H

typedef enum {
    CS_OK = 0,
    CS_ERR_IO,       /* a file could not be opened, read or written */
    CS_ERR_FORMAT,   /* a file's contents are not what its format says */
    CS_ERR_SPEC,     /* a network spec or kernel text does not parse */
    CS_ERR_SHAPE,    /* shapes do not fit together */
    CS_ERR_ARG,      /* a caller-given value is out of range */
    CS_ERR_NOMEM,    /* allocation failed */
    CS_ERR_DIVERGED, /* training produced NaN or Inf */
    CS_ERR_UNSUPPORTED /* a valid file asks for something convscope does not do (an ONNX operator, ...) */
} cs_status;

/* Records the formatted message for this thread and returns code, so callers can write
 * `return cs_fail(...)`. Messages longer than 1023 bytes are truncated. */
cs_status cs_fail(cs_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The message of the last cs_fail() on this thread ("" if none). Borrowed: valid until
 * the next cs_fail() on the same thread. */
const char *cs_last_error(void);

/* A short name for a status ("I/O error", "format error", ...). Static string. */
const char *cs_status_name(cs_status code);

#endif
