/* fuzz_script.c - the window's --script text: gui_script_parse on the bytes (NUL-terminated);
 * any text gives the items or an error naming the token, never a crash. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gui_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    gui_script script;
    if (gui_script_parse(text, &script) == CS_OK) {
        /* what the window reads of every item */
        volatile long sum = 0;
        for (int i = 0; i < script.n; i++) sum += script.items[i].frame;
        (void)sum;
    }
    free(text);
    return 0;
}
