/* cs_file.c - opening outside files for reading without blocking (see cs_file.h). */
#define _POSIX_C_SOURCE 200809L
#include "cs_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a named pipe";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a plain file";
}

cs_status cs_file_open_read(const char *path, const char *what, FILE **out, long long *size)
{
    *out = NULL;
    const char *sp = what ? " " : "", *w = what ? what : "";
    /* O_NONBLOCK: opening a named pipe returns at once instead of waiting for a writer */
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return cs_fail(CS_ERR_IO, "%s: cannot open%s%s (%s)", path, sp, w, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        const char *kind = fstat(fd, &sb) == 0 ? kind_of(sb.st_mode) : "unreadable";
        close(fd);
        return cs_fail(CS_ERR_IO, "%s: not a regular file (%s)", path, kind);
    }
    const int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        const int e = errno;
        close(fd);
        return cs_fail(CS_ERR_IO, "%s: cannot open%s%s (%s)", path, sp, w, strerror(e));
    }
    if (size) *size = (long long)sb.st_size;
    *out = f;
    return CS_OK;
}
