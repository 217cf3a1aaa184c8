/* fuzz_checkpoint.c - checkpoint files: cs_checkpoint_read on the bytes; a checkpoint that
 * reads has its weights coloured per layer through the shared colormap, as `convscope
 * export` draws them. The CRCs make random mutations rare survivors; the seed corpus holds
 * valid files and fuzz/README.md tells how to fuzz with the checks turned into no-ops. */
#include <stdlib.h>

#include "cs_checkpoint.h"
#include "cs_colormap.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("fuzz.ckpt", data, size);
    cs_checkpoint ck;
    if (cs_checkpoint_read(path, &ck) == CS_OK) {
        for (int l = 0; l < ck.net->n_layers; l++) {
            const cs_layer *L = &ck.net->layers[l];
            if (!L->w_count) continue;
            uint8_t *rgb = malloc(3 * L->w_count);
            if (!rgb) continue;
            cs_colormap_plane(rgb, L->w, 1, (int)L->w_count, CS_CMAP_RDBU, cs_value_range_of(L->w, L->w_count, 1));
            free(rgb);
        }
        cs_checkpoint_free(&ck);
    }
    return 0;
}
