/* test_lesson.c - the lesson file parser: the built-in lessons (English and Chinese) load with
 * the article's chapters in the same order and the same directives page by page; a small lesson
 * parses into exactly what it says; the set-up of a page carries the lasting settings; and bad
 * lessons are refused with FILE:LINE:COLUMN and what was expected and found.
 * Usage: test_lesson DIR (the folder holding the built-in lessons). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_lesson.h"

static const char *lesson_dir = "assets/lessons";

static void load_builtin(cs_lesson *l, const char *lang)
{
    char path[512];
    snprintf(path, sizeof path, "%s/article-%s.lesson", lesson_dir, lang);
    if (cs_lesson_load(l, path) != CS_OK) fail_msg("%s", cs_last_error());
}

static void test_builtin_lessons(void **state)
{
    (void)state;
    cs_lesson en, zh;
    load_builtin(&en, "en");
    load_builtin(&zh, "zh");
    assert_string_equal(en.language, "en");
    assert_string_equal(zh.language, "zh");
    assert_true(en.n_chapters >= 11);
    assert_int_equal(zh.n_chapters, en.n_chapters);
    assert_int_equal(zh.n_pages, en.n_pages);
    int questions = 0, waits = 0;
    for (int c = 0; c < en.n_chapters; c++) {
        const cs_lesson_chapter *a = &en.chapters[c], *b = &zh.chapters[c];
        assert_true(a->n_pages >= 2);
        assert_int_equal(b->n_pages, a->n_pages);
        for (int p = 0; p < a->n_pages; p++) {
            const cs_lesson_page *pa = &a->pages[p], *pb = &b->pages[p];
            assert_true(pa->n_text_lines >= 1 && pb->n_text_lines >= 1);
            /* a translation keeps the directives; only their words change */
            if (pb->n_directives != pa->n_directives)
                fail_msg("chapter %d page %d: %d directives in English, %d in Chinese", c + 1, p + 1, pa->n_directives,
                         pb->n_directives);
            for (int i = 0; i < pa->n_directives; i++) {
                const cs_lesson_directive *da = &pa->directives[i], *db = &pb->directives[i];
                if (da->kind != db->kind || da->choice != db->choice || da->number != db->number ||
                    da->number2 != db->number2)
                    fail_msg("chapter %d page %d: directive %d differs (@%s line %d vs @%s line %d)", c + 1, p + 1, i + 1,
                             cs_lesson_directive_name(da->kind), da->line, cs_lesson_directive_name(db->kind), db->line);
                const int worded = da->kind == CS_LD_QUESTION || da->kind == CS_LD_ANSWER;
                if (!worded && (da->text == NULL) != (db->text == NULL)) fail_msg("directive text differs");
                if (!worded && da->text && strcmp(da->text, db->text) != 0)
                    fail_msg("chapter %d page %d: '%s' vs '%s'", c + 1, p + 1, da->text, db->text);
            }
            questions += cs_lesson_find(pa, CS_LD_QUESTION) != NULL;
            waits += cs_lesson_find(pa, CS_LD_WAIT) != NULL;
        }
    }
    assert_true(questions >= 8);
    assert_true(waits >= 4);
    /* the article's order: the curve detector is chapter 3 and starts on demo:curve at 6600 */
    cs_lesson_setup su;
    cs_lesson_setup_at(&en, 2, 1, &su);
    assert_string_equal(su.setting[CS_LD_IMAGE]->text, "demo:curve");
    assert_string_equal(su.setting[CS_LD_KERNEL]->text, "curve");
    assert_int_equal(su.setting[CS_LD_AT]->number, 4);
    assert_int_equal(su.setting[CS_LD_AT]->number2, 10);
    assert_int_equal(su.setting[CS_LD_VIEW]->choice, CS_LESSON_VIEW_STEP);
    assert_int_equal(su.paused, 1);
    assert_non_null(strstr(cs_lesson_find(&en.chapters[2].pages[1], CS_LD_ANSWER)->text, "6600"));
    /* chapter 7 grows the AlexNet-like filters on colour-shapes with the colour net */
    cs_lesson_setup_at(&en, 6, 0, &su);
    assert_string_equal(su.setting[CS_LD_DATASET]->text, "colour-shapes");
    assert_string_equal(su.setting[CS_LD_NET]->text, "colour");
    /* chapter 10 is the backprop view, its phases in order */
    const cs_lesson_chapter *bp = &en.chapters[9];
    int last = -1;
    for (int p = 0; p < bp->n_pages; p++) {
        const cs_lesson_directive *ph = cs_lesson_find(&bp->pages[p], CS_LD_PHASE);
        assert_non_null(ph);
        assert_true(ph->choice > last);
        last = ph->choice;
    }
    cs_lesson_free(&en);
    cs_lesson_free(&zh);
}

static void test_small_lesson(void **state)
{
    (void)state;
    static const char text[] =
        "\xEF\xBB\xBF# comment\r\n"
        "title: Small\r\n"
        "language: zh_CN\n"
        "\n"
        "chapter: One\n"
        "Text before any page: *emphasis* and \\* a star.\n"
        "@view step\n"
        "@image demo:curve\n"
        "@at 4,10\n"
        "@wait key space Press space\n"
        "page:\n"
        "@question 几?\n"
        "@answer 6600\n"
        "@speed full\n"
        "@enlarge maps conv1\n"
        "@timeline record 120\n"
        "@lr 0.25\n"
        "@probe 7\n"
        "@running\n"
        "@at end\n"
        "chapter: Two\n"
        "page: Last\n"
        "\\@ a line that starts with an at sign\n"
        "@net input 8x8x1, conv 2@3, fc 2\n"
        "@kernel kernels/mine.txt\n";
    cs_lesson l;
    assert_int_equal(cs_lesson_parse(&l, "small.lesson", text, sizeof text - 1), CS_OK);
    assert_string_equal(l.title, "Small");
    assert_string_equal(l.language, "zh_CN");
    assert_int_equal(l.n_chapters, 2);
    assert_int_equal(l.n_pages, 3);
    const cs_lesson_page *p0 = &l.chapters[0].pages[0], *p1 = &l.chapters[0].pages[1], *p2 = &l.chapters[1].pages[0];
    assert_string_equal(p0->title, "");
    assert_string_equal(p0->text, "Text before any page: *emphasis* and \\* a star.");
    assert_int_equal(p0->n_directives, 4);
    const cs_lesson_directive *w = cs_lesson_find(p0, CS_LD_WAIT);
    assert_int_equal(w->choice, CS_LESSON_WAIT_KEY);
    assert_string_equal(w->text, "space");
    assert_string_equal(w->hint, "Press space");
    assert_int_equal(w->line, 10);
    assert_int_equal(w->column, 1);
    assert_string_equal(cs_lesson_find(p1, CS_LD_QUESTION)->text, "几?");
    assert_int_equal(cs_lesson_find(p1, CS_LD_SPEED)->number, 0);
    assert_int_equal(cs_lesson_find(p1, CS_LD_ENLARGE)->choice, CS_LESSON_ENLARGE_MAPS);
    assert_string_equal(cs_lesson_find(p1, CS_LD_ENLARGE)->text, "conv1");
    assert_int_equal(cs_lesson_find(p1, CS_LD_TIMELINE)->choice, CS_LESSON_TIMELINE_RECORD);
    assert_int_equal(cs_lesson_find(p1, CS_LD_TIMELINE)->number, 120);
    assert_float_equal(cs_lesson_find(p1, CS_LD_LR)->real, 0.25, 0.0);
    assert_int_equal(cs_lesson_find(p1, CS_LD_PROBE)->number, 7);
    assert_int_equal(cs_lesson_find(p0, CS_LD_AT)->choice, CS_LESSON_AT_XY);
    assert_int_equal(cs_lesson_find(p0, CS_LD_AT)->number2, 10);
    assert_int_equal(cs_lesson_find(p1, CS_LD_AT)->choice, CS_LESSON_AT_END);
    assert_string_equal(p2->title, "Last");
    assert_string_equal(p2->text, "@ a line that starts with an at sign");
    assert_string_equal(cs_lesson_find(p2, CS_LD_NET)->text, "input 8x8x1, conv 2@3, fc 2");
    assert_string_equal(cs_lesson_find(p2, CS_LD_KERNEL)->text, "kernels/mine.txt");
    /* lasting settings carry over to later pages; page actions do not */
    cs_lesson_setup su;
    cs_lesson_setup_at(&l, 1, 0, &su);
    assert_string_equal(su.setting[CS_LD_IMAGE]->text, "demo:curve");
    assert_int_equal(su.setting[CS_LD_LR]->line, 17);
    assert_int_equal(su.paused, 0);
    assert_null(su.setting[CS_LD_WAIT]);
    assert_null(su.setting[CS_LD_ENLARGE]);
    cs_lesson_setup_at(&l, 0, 0, &su);
    assert_null(su.setting[CS_LD_LR]);
    assert_int_equal(su.paused, -1);
    /* emphasis spans */
    const char *cur = p0->text, *s;
    size_t n;
    int em;
    assert_true(cs_lesson_next_span(&cur, &s, &n, &em));
    assert_int_equal(em, 0);
    assert_int_equal(n, strlen("Text before any page: "));
    assert_true(cs_lesson_next_span(&cur, &s, &n, &em));
    assert_int_equal(em, 1);
    assert_memory_equal(s, "emphasis", 8);
    assert_int_equal(n, 8);
    assert_true(cs_lesson_next_span(&cur, &s, &n, &em));
    assert_int_equal(em, 0);
    assert_memory_equal(s, " and \\* a star.", n);
    assert_false(cs_lesson_next_span(&cur, &s, &n, &em));
    cs_lesson_free(&l);
}

/* Each bad lesson: its text and the start of the message it must give. */
static const struct {
    const char *text, *message;
} bad[] = {
    {"title: T\nlanguage: en\nchapter: C\n@view side\nText\n",
     "bad.lesson:4:7: expected one of train|step|backprop after @view, found 'side'"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@zoom 2\n",
     "bad.lesson:5:2: expected a directive (view, dataset"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@kernel gausian3\n",
     "bad.lesson:5:9: expected a kernel preset (identity"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@image demo:mouse\n",
     "bad.lesson:5:8: expected demo:NAME (demos: curve"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@net artcle\n",
     "bad.lesson:5:6: expected a net preset (mnist, cifar, article, colour) or a spec starting with 'input', found 'artcle'"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@at 4;10\n", "bad.lesson:5:5: expected X,Y"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@at ending\n", "bad.lesson:5:5: expected X,Y (output column and row), start or end"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@stride 0\n",
     "bad.lesson:5:9: expected a whole number from 1 to 16, found '0'"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@view step\n@view train\n",
     "bad.lesson:6:1: expected one @view per page, found a second (the first is on line 5)"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@answer 6600\n",
     "bad.lesson:5:1: expected @question before @answer on this page"},
    {"title: T\nlanguage: en\nchapter: C\nSome *emphasis\n",
     "bad.lesson:4:6: expected a closing '*' on this line"},
    {"title: T\nlanguage: en\nchapter: C\n一二三 *强调\n", "bad.lesson:4:5: expected a closing '*'"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@wait key F13\n", "bad.lesson:5:11: expected a key (space"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@enlarge maps\n",
     "bad.lesson:5:14: expected a layer name after 'maps'"},
    {"language: en\nchapter: C\nText\n", "bad.lesson:2:1: expected 'title:' before the first chapter"},
    {"title: T\nlanguage: english\nchapter: C\nText\n",
     "bad.lesson:2:11: expected a language code like en, zh or zh_CN, found 'english'"},
    {"title: T\nlanguage: en\nText\n", "bad.lesson:3:1: expected 'title:', 'language:' or 'chapter:', found text"},
    {"title: T\nlanguage: en\nchapter: C\npage: A\n@view step\npage: B\nText\n",
     "bad.lesson:4:1: page 1 of chapter 1 has no text"},
    {"title: T\nlanguage: en\n", "bad.lesson:3:1: expected at least one 'chapter:'"},
    {"title: T\nlanguage: en\nchapter: C\nText\ntitle: again\n",
     "bad.lesson:5:1: expected 'title:' only before the first chapter"},
    {"title: T\nlanguage: en\nchapter: C\n1\n2\n3\n4\n5\n6\n7\n", "bad.lesson:10:1: expected at most 6 text lines"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@paused\n@running\n",
     "bad.lesson:6:1: expected either @paused or @running on a page, found both"},
    {"title: T\nlanguage: en\nchapter: C\nText with a \\q\n", "bad.lesson:4:13: expected \\* or \\\\"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@lr -1\n", "bad.lesson:5:5: expected a number above 0"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@timeline record\n",
     "bad.lesson:5:17: expected the record's step after 'record'"},
    {"title: T\nlanguage: en\nchapter: C\nText\n@probe photo\n",
     "bad.lesson:5:8: expected a probe index or an image file path"},
    {"title: T\nlanguage: en\nchapter: C\nText \x01 control\n",
     "bad.lesson:4:6: expected text, found the control character 0x01"},
    {"title: T\nlanguage: en\nchapter: C\nBad \xC3\x28 UTF-8\n",
     "bad.lesson:4:5: expected UTF-8 text, found the byte 0xC3"},
    {"title: T\nlanguage: en\nchapter: C\nOverlong \xC0\xAF\n", "bad.lesson:4:10: expected UTF-8 text"},
    {"title: T\nlanguage: en\nchapter: C\nSurrogate \xED\xA0\x80\n", "bad.lesson:4:11: expected UTF-8 text"},
    {"title: T\nlanguage: en\nchapter: C\nTruncated \xE4\xB8", "bad.lesson:4:11: expected UTF-8 text"},
};

static void test_bad_lessons(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_lesson l;
        const cs_status st = cs_lesson_parse(&l, "bad.lesson", bad[i].text, strlen(bad[i].text));
        if (st != CS_ERR_FORMAT || strncmp(cs_last_error(), bad[i].message, strlen(bad[i].message)) != 0)
            fail_msg("case %zu: status %d, message '%s', want '%s...'", i, (int)st, cs_last_error(), bad[i].message);
        assert_int_equal(l.n_chapters, 0);
        assert_null(l.chapters);
        assert_null(l.title);
    }
}

static void test_budgets_and_bytes(void **state)
{
    (void)state;
    cs_lesson l;
    /* a NUL byte inside the text */
    static const char nul[] = "title: T\nlanguage: en\nchap\0ter: C\n";
    assert_int_equal(cs_lesson_parse(&l, "nul.lesson", nul, sizeof nul - 1), CS_ERR_FORMAT);
    assert_string_equal(cs_last_error(), "nul.lesson:3:5: expected text, found a NUL byte");
    /* a line over the budget */
    size_t n = CS_LESSON_MAX_LINE + 40;
    char *big = malloc(n + 64);
    assert_non_null(big);
    int off = snprintf(big, 64, "title: T\nlanguage: en\nchapter: C\n");
    memset(big + off, 'x', n);
    assert_int_equal(cs_lesson_parse(&l, "long.lesson", big, (size_t)off + n), CS_ERR_FORMAT);
    assert_non_null(strstr(cs_last_error(), "long.lesson:4:1: line is 1064 bytes long: expected at most 1024"));
    free(big);
    /* the file size budget, before anything is read */
    assert_int_equal(cs_lesson_parse(&l, "huge.lesson", "x", (size_t)CS_LESSON_MAX_BYTES + 1), CS_ERR_FORMAT);
    assert_non_null(strstr(cs_last_error(), "huge.lesson: 1048577 bytes: expected a lesson of at most 1048576 bytes"));
    /* a text line over the character budget (counted in characters, not bytes) */
    char line[1024];
    off = snprintf(line, sizeof line, "title: T\nlanguage: en\nchapter: C\n");
    for (int i = 0; i < 201; i++) off += snprintf(line + off, sizeof line - (size_t)off, "字");
    assert_int_equal(cs_lesson_parse(&l, "wide.lesson", line, (size_t)off), CS_ERR_FORMAT);
    assert_non_null(strstr(cs_last_error(), "wide.lesson:4:1: expected a text line of at most 200 characters, found 201"));
    /* a missing file */
    assert_int_equal(cs_lesson_load(&l, "no-such-dir/none.lesson"), CS_ERR_IO);
    assert_non_null(strstr(cs_last_error(), "no-such-dir/none.lesson: cannot open the lesson"));
}

/* Every prefix of a built-in lesson parses or fails cleanly (no crash, nothing half-loaded). */
static void test_every_prefix(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/article-zh.lesson", lesson_dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 17];
    const size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    int ok = 0;
    for (size_t len = 0; len <= n; len += 7) {
        cs_lesson l;
        if (cs_lesson_parse(&l, "prefix", buf, len) == CS_OK) {
            ok++;
            cs_lesson_free(&l);
        } else {
            assert_null(l.chapters);
            assert_non_null(strstr(cs_last_error(), "prefix"));
        }
    }
    assert_true(ok > 0);
}

int main(int argc, char **argv)
{
    if (argc > 1) lesson_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_lessons), cmocka_unit_test(test_small_lesson),
        cmocka_unit_test(test_bad_lessons),     cmocka_unit_test(test_budgets_and_bytes),
        cmocka_unit_test(test_every_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
