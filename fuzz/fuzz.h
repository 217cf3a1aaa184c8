/* fuzz.h - what the fuzz targets share: libFuzzer's entry point, which each fuzz_*.c
 * defines, and a private scratch directory for parsers that read files.
 *
 * Every target is built twice: with clang's libFuzzer (-Dfuzz=enabled), and linked with
 * replay.c into a plain program that the test suite runs over the committed seed corpus
 * and crash files, so a fault once found stays fixed. */
#ifndef CS_FUZZ_H
#define CS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "DIR/name" in a directory made for this process on first use and removed at exit.
 * Returns a static buffer (one of a few, reused in turn). Aborts if the directory cannot
 * be made: a harness without its scratch space cannot test anything. */
const char *fuzz_path(const char *name);

/* Writes n bytes to fuzz_path(name) and returns that path; aborts on failure. */
const char *fuzz_write(const char *name, const void *data, size_t n);

#endif
