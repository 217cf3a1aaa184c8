/* fuzz_idx.c - IDX image and label files, plain or gzip: the first byte gives the limit
 * (0 = all), the next two where the input splits into the images file and the labels file. */
#include "cs_data.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    const int limit = data[0] % 8;
    size_t split = (size_t)data[1] << 8 | data[2];
    data += 3, size -= 3;
    if (split > size) split = size;
    const char *images = fuzz_write("images-idx3-ubyte", data, split);
    const char *labels = fuzz_write("labels-idx1-ubyte", data + split, size - split);
    cs_dataset ds;
    if (cs_data_load_idx_pair(images, labels, "fuzz", limit, &ds) == CS_OK) {
        if (cs_dataset_validate(&ds) != CS_OK) __builtin_trap();
        cs_dataset_free(&ds);
    }
    return 0;
}
