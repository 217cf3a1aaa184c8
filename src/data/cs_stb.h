/* cs_stb.h - the parts of stb_image and stb_image_resize that convscope compiles into itself
 * (cs_stb.c), so the sanitizer build and the fuzzers see inside them. Only cs_image.c and
 * the folder loader call these, always after their own checks of the file. */
#ifndef CS_STB_H
#define CS_STB_H

#include <stddef.h>
#include <stdint.h>

/* stb_image's BMP decoder on n bytes: (h, w, comp) interleaved, comp 3 or 4 as in the
 * file. Returns a malloc'ed buffer the caller frees with free(), or NULL with
 * cs_stb_failure_reason() set. Call only after cs_image_decode_bmp's checks. */
uint8_t *cs_stb_load_bmp(const uint8_t *p, size_t n, int *w, int *h, int *comp);
const char *cs_stb_failure_reason(void);

/* stb_image_resize: src (sh, sw, c) to dst (dh, dw, c), 8-bit; 0 on failure. */
int cs_stb_resize_u8(const uint8_t *src, int sw, int sh, uint8_t *dst, int dw, int dh, int c);

#endif
