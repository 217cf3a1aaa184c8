/* fuzz_kernel.c - kernel text files: cs_filter_parse on the bytes (NUL-terminated); a kernel
 * that parses is slid over a small image by the stepper at a padding as large as itself
 * and its response map coloured through the shared colormap, as `convscope convolve --out`
 * does: every entry must be finite and every colour index inside the table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs_colormap.h"
#include "cs_filters.h"
#include "cs_stepper.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    cs_filter f;
    if (cs_filter_parse(&f, text, "fuzz") == CS_OK) {
        if (f.c < 1 || f.c > CS_FILTER_MAX_C || f.k < 1 || f.k > CS_FILTER_MAX_K) abort();
        for (int i = 0; i < f.c * f.k * f.k; i++)
            if (!isfinite(f.w[i])) abort();
        enum { H = 5, W = 7 };
        float *img = malloc(sizeof(float) * (size_t)f.c * H * W);
        for (int i = 0; img && i < f.c * H * W; i++) img[i] = (float)((i * 37) % 256);
        cs_stepper st;
        if (img && cs_stepper_init(&st, img, f.c, H, W, f.w, f.k, 0.5f, 1 + f.k % 3, f.k, CS_STEPPER_ACT_NONE) ==
                       CS_OK) {
            cs_stepper_to_end(&st);
            const size_t n = (size_t)st.OH * st.OW;
            uint8_t *rgb = malloc(3 * n);
            if (rgb) {
                cs_colormap_plane(rgb, st.output, st.OH, st.OW, CS_CMAP_RDBU, cs_value_range_of(st.output, n, 1));
                free(rgb);
            }
            cs_stepper_free(&st);
        }
        free(img);
    }
    cs_filter_free(&f);
    free(text);
    return 0;
}
