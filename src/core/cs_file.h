/* cs_file.h - opening a file named from outside for reading: only a regular file, and never
 * blocking on the open (a named pipe or a device would wait for a writer forever). */
#ifndef CS_FILE_H
#define CS_FILE_H

#include <stdio.h>

#include "cs_error.h"

/* Opens path for reading in binary mode into *out (the caller's: fclose it). Refuses anything that
 * is not a regular file (a directory, a named pipe, a device) with CS_ERR_IO "PATH: not a regular
 * file (a directory)" etc., and a missing or unreadable file with CS_ERR_IO "PATH: cannot open
 * (strerror)"; what names the kind of file in that message ("image", "lesson", ...; NULL: none).
 * *size gets the file's size in bytes when size is not NULL. */
cs_status cs_file_open_read(const char *path, const char *what, FILE **out, long long *size);

#endif
