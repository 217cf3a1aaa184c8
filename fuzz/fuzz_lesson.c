/* fuzz_lesson.c - lesson files: cs_lesson_parse on the bytes; a lesson that parses has every
 * page's set-up folded and every line's emphasis spans walked, as the lesson mode does. */
#include <stdlib.h>
#include <string.h>

#include "cs_lesson.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_lesson lesson;
    if (cs_lesson_parse(&lesson, "fuzz.lesson", (const char *)data, size) != CS_OK) return 0;
    for (int c = 0; c < lesson.n_chapters; c++) {
        const cs_lesson_chapter *ch = &lesson.chapters[c];
        for (int p = 0; p < ch->n_pages; p++) {
            cs_lesson_setup setup;
            cs_lesson_setup_at(&lesson, c, p, &setup);
            for (const char *line = ch->pages[p].text; line;) {
                const char *cursor = line, *start;
                size_t len;
                int emphasis;
                while (cs_lesson_next_span(&cursor, &start, &len, &emphasis)) {
                }
                const char *nl = strchr(line, '\n');
                line = nl ? nl + 1 : NULL;
            }
        }
    }
    cs_lesson_free(&lesson);
    return 0;
}
