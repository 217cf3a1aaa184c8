/* test_gui_script.c - the window's --script parser without a window: items, frames, keys with
 * modifiers, files and points; and every kind of bad item refused with a message naming the
 * item by number and text and the token that is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gui_script.h"

static void test_items(void **state)
{
    (void)state;
    gui_script sc;
    assert_int_equal(gui_script_parse(" 40 key h;60 shot a.png ; 80 move 300 200;;90 click 20 20; 95 key shift+Left;"
                                      "96 key ctrl+s; 97 key Keypad +", &sc), CS_OK);
    assert_int_equal(sc.n, 7);
    assert_int_equal(sc.items[0].frame, 40);
    assert_int_equal(sc.items[0].action, GUI_SCRIPT_KEY);
    assert_int_equal(sc.items[0].key, SDLK_h);
    assert_int_equal(sc.items[0].mod, 0);
    assert_int_equal(sc.items[1].action, GUI_SCRIPT_SHOT);
    assert_string_equal(sc.items[1].file, "a.png");
    assert_int_equal(sc.items[2].action, GUI_SCRIPT_MOVE);
    assert_int_equal(sc.items[2].x, 300);
    assert_int_equal(sc.items[2].y, 200);
    assert_int_equal(sc.items[3].action, GUI_SCRIPT_CLICK);
    assert_int_equal(sc.items[3].frame, 90);
    assert_int_equal(sc.items[4].key, SDLK_LEFT);
    assert_int_equal(sc.items[4].mod, KMOD_SHIFT);
    assert_int_equal(sc.items[5].key, SDLK_s);
    assert_int_equal(sc.items[5].mod, KMOD_CTRL);
    assert_int_equal(sc.items[6].key, SDLK_KP_PLUS);
    assert_int_equal(gui_script_parse("3 drop photos/cat.png", &sc), CS_OK);
    assert_int_equal(sc.items[0].action, GUI_SCRIPT_DROP);
    assert_string_equal(sc.items[0].file, "photos/cat.png");
    assert_int_equal(gui_script_parse("", &sc), CS_OK);
    assert_int_equal(sc.n, 0);
    /* the window's own actions: dump, size, scale, enlarge */
    assert_int_equal(gui_script_parse("3 dump t.json; 4 size 1024x600; 5 scale 2.5; 6 enlarge map conv1 3; 7 enlarge off",
                                      &sc), CS_OK);
    assert_int_equal(sc.n, 5);
    assert_int_equal(sc.items[0].action, GUI_SCRIPT_DUMP);
    assert_string_equal(sc.items[0].file, "t.json");
    assert_int_equal(sc.items[1].action, GUI_SCRIPT_SIZE);
    assert_int_equal(sc.items[1].x, 1024);
    assert_int_equal(sc.items[1].y, 600);
    assert_int_equal(sc.items[2].action, GUI_SCRIPT_SCALE);
    assert_float_equal(sc.items[2].scale, 2.5, 0);
    assert_int_equal(sc.items[3].action, GUI_SCRIPT_ENLARGE);
    assert_string_equal(sc.items[3].file, "map conv1 3");
    assert_string_equal(sc.items[4].file, "off");
}

static void refused(const char *text, const char *message)
{
    gui_script sc;
    assert_int_equal(gui_script_parse(text, &sc), CS_ERR_ARG);
    if (!strstr(cs_last_error(), message)) fail_msg("'%s': got '%s', want '%s'", text, cs_last_error(), message);
}

static void test_errors(void **state)
{
    (void)state;
    refused("5 key h; 30 key minus", "--script item 2 '30 key minus': unknown key 'minus' (character 17;");
    refused("x key h", "--script item 1 'x key h': frame 'x' (character 1) is not a whole number from 0 up");
    refused("1 key h;  2 drop", "--script item 2 '2 drop': 'drop' (character 13) takes one file name");
    refused("-3 key h", "frame '-3' (character 1) is not a whole number");
    refused("5", "--script item 1 '5': expected FRAME ACTION");
    refused("5 jump 3", "--script item 1 '5 jump 3': unknown action 'jump' at character 3 (expected key, shot, move, "
                        "click, drop, dump, size, scale or enlarge)");
    refused("1 key h;;  5 move 3", "--script item 2 '5 move 3': 'move' (character 14) takes X Y");
    refused("5 key", "'key' takes a key name");
    refused("5 shot", "'shot' (character 3) takes one file name");
    refused("5 shot a b", "'shot' (character 3) takes one file name");
    refused("1 key h;; 5 move 3", "--script item 2 '5 move 3': 'move' (character 13) takes X Y");
    refused("5 click 3 y", "--script item 1 '5 click 3 y': 'click' takes X Y, two whole numbers of window pixels; 'y' "
                           "(character 11) is not one");
    refused("5 key shift+nosuch", "unknown key 'shift+nosuch'");
    refused("5 size 12x9", "'size' (character 3) takes WxH");
    refused("5 scale 9", "'scale' (character 3) takes a number from 0.5 to 4");
    refused("5 enlarge", "'enlarge' (character 3) takes what");
    refused("5 dump", "'dump' (character 3) takes one file name");
    static char many[(GUI_SCRIPT_MAX + 2) * 9] = "";
    for (int i = 0; i <= GUI_SCRIPT_MAX; i++) strcat(many, "1 key h;");
    refused(many, "more than 512 items");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
