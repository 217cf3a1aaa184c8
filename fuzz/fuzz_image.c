/* fuzz_image.c - image files: cs_image_decode on the bytes as they are (PNG, JPEG, GIF, BMP,
 * PNM or anything else), as gray and as RGB, under a 4-megapixel budget so that runs stay
 * fast; a decoded image must have the size and channels it says. */
#include <stdlib.h>

#include "cs_image.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const cs_image_budget budget = {(uint64_t)1 << 22, 0};
    for (int c = 1; c <= 3; c += 2) {
        cs_image img;
        if (cs_image_decode(&img, data, size, "fuzz", c, &budget) == CS_OK) {
            if (img.c != c || img.w < 1 || img.h < 1 || (uint64_t)img.w * img.h > budget.max_pixels || !img.px)
                abort();
            /* touch every byte, so a short buffer is a sanitizer report */
            unsigned sum = 0;
            for (size_t i = 0; i < (size_t)img.w * img.h * c; i++) sum += img.px[i];
            (void)sum;
        }
        cs_image_free(&img);
    }
    return 0;
}
