/* fuzz_cifar.c - a CIFAR-10 binary directory: five valid one-record training batches and,
 * from the input, the test batch and batches.meta.txt (the first byte is the limit, the
 * next two where the input splits between the two files). */
#include <stdio.h>
#include <string.h>

#include "cs_data.h"
#include "fuzz.h"

enum { RECORD = 1 + 3 * 32 * 32 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        static uint8_t rec[RECORD];
        for (int i = 1; i <= 5; i++) {
            char name[32];
            snprintf(name, sizeof name, "data_batch_%d.bin", i);
            rec[0] = (uint8_t)i;
            memset(rec + 1, 40 * i, RECORD - 1);
            fuzz_write(name, rec, sizeof rec);
        }
        ready = 1;
    }
    if (size < 3) return 0;
    const int limit = data[0] % 8;
    size_t split = (size_t)data[1] << 8 | data[2];
    data += 3, size -= 3;
    if (split > size) split = size;
    fuzz_write("test_batch.bin", data, split);
    const char *meta = fuzz_write("batches.meta.txt", data + split, size - split);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", meta);
    *strrchr(dir, '/') = 0;
    cs_dataset train, test;
    if (cs_data_load_cifar10(dir, limit, &train, &test) == CS_OK) {
        if (cs_dataset_validate(&train) != CS_OK || cs_dataset_validate(&test) != CS_OK) __builtin_trap();
        cs_dataset_free(&train);
        cs_dataset_free(&test);
    }
    return 0;
}
