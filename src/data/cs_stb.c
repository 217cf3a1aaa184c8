/* cs_stb.c - stb_image (BMP only) and stb_image_resize compiled from Debian's headers
 * into convscope (see cs_stb.h). Everything else stb_image could decode is compiled out:
 * PNG, JPEG and GIF go to libpng, libjpeg-turbo and giflib, PNM to our own reader, and the
 * remaining formats are refused (see docs/ARCHITECTURE.md for why). */
#include "cs_stb.h"

#include <stdlib.h>

#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MALLOC(sz) malloc(sz)
#define STBI_REALLOC(p, newsz) realloc(p, newsz)
#define STBI_FREE(p) free(p)
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_STATIC
#define STB_IMAGE_RESIZE_IMPLEMENTATION

/* stb's code is not ours to fix: its warnings are off for this whole file (the static
 * prototypes it never defines are only reported at the end of the file) */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
#include <stb_image.h>
#include <stb_image_resize.h>

uint8_t *cs_stb_load_bmp(const uint8_t *p, size_t n, int *w, int *h, int *comp)
{
    if (n > (size_t)0x7fffffff) return NULL;
    return stbi_load_from_memory(p, (int)n, w, h, comp, 0);
}

const char *cs_stb_failure_reason(void)
{
    const char *r = stbi_failure_reason();
    return r && *r ? r : "unknown failure";
}

int cs_stb_resize_u8(const uint8_t *src, int sw, int sh, uint8_t *dst, int dw, int dh, int c)
{
    return stbir_resize_uint8(src, sw, sh, 0, dst, dw, dh, 0, c);
}
